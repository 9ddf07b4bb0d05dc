"""`aigw-doctor check` end to end: the real Typer app against the emulator over real loopback HTTP."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from typer.testing import CliRunner

from aigw_doctor.cli import app
from aigw_doctor.mock import Emulator
from aigw_doctor.mock.config import NEON_TOKEN_FULL, NEON_TOKEN_NO_SCOPE, NEON_TOKEN_OTHER_BRANCH, NEON_TOKEN_REVOKED

runner = CliRunner()


def check_json(
    *args: str, env: dict[str, str] | None = None, input: str | None = None
) -> tuple[int, dict[str, Any], str]:
    result = runner.invoke(app, ["check", *args, "--format", "json"], env=env, input=input)
    try:
        data = json.loads(result.stdout)
    except ValueError:
        raise AssertionError(f"stdout is not JSON (exit {result.exit_code}):\n{result.output}") from None
    return result.exit_code, data, result.output


def rules(data: dict[str, Any]) -> list[str]:
    return [f["rule"] for f in data["findings"]]


def test_healthy_neon_is_all_green() -> None:
    code, data, _ = check_json("--mock", "healthy")
    assert code == 0
    assert data["gateway"] == "neon"
    assert not [c for c in data["checks"] if c["status"] in ("error", "crashed")]
    assert {p["name"] for p in data["probes"]} >= {
        "GET /v1/models",
        "chat_completions endpoint",
        "anthropic_messages endpoint",
    }
    assert all(p["status"] in (200, 400) for p in data["probes"])
    assert data["target"]["host"].endswith(".aws.neon.tech")


def test_json_report_shape() -> None:
    _, data, _ = check_json("--mock", "healthy")
    assert {"schema_version", "target", "checks", "findings", "probes", "exit_code"} <= set(data)
    check = data["checks"][0]
    assert {"name", "status", "detail"} <= set(check)
    probe = data["probes"][0]
    assert {"endpoint", "status", "latency_ms", "retried"} <= set(probe)


def test_invoke_proves_the_upstream_path() -> None:
    code, data, _ = check_json("--mock", "healthy", "--invoke", "--model", "claude-sonnet-4-6")
    assert code == 0
    invoked = [p for p in data["probes"] if p["name"].startswith("invoke")]
    assert invoked and all(p["status"] == 200 for p in invoked)
    assert any("claude-sonnet-4-6" in p["name"] for p in invoked)


@pytest.mark.parametrize(
    ("scenario", "rule", "code"),
    [
        ("quota-permanent", "neon.quota.permanent", 1),
        ("quota-temporary", "neon.quota.token-rate", 3),
        ("upstream-rate-limit", "neon.upstream.over-capacity", 3),
        ("upstream-failure", "neon.upstream.request-failed", 3),
        ("upstream-timeout", "neon.upstream.timeout", 3),
        ("upstream-over-capacity", "neon.upstream.over-capacity", 3),
        ("upstream-model-error", "neon.upstream.internal-error", 3),
        ("upstream-disabled", "neon.upstream.endpoint-disabled", 1),
    ],
)
def test_neon_scenarios_seen_with_invoke(scenario: str, rule: str, code: int) -> None:
    exit_code, data, _ = check_json("--mock", scenario, "--invoke", "--timeout", "10", "--retries", "0")
    assert rule in rules(data)
    assert exit_code == code
    assert data["exit_code"] == code


@pytest.mark.parametrize(
    ("scenario", "rule", "code"),
    [
        ("quota-permanent", "neon.quota.permanent", 1),
        ("upstream-failure", "neon.upstream.request-failed", 3),
        ("upstream-disabled", "neon.upstream.endpoint-disabled", 1),
    ],
)
def test_by_default_one_real_request_sees_what_users_would(scenario: str, rule: str, code: int) -> None:
    """No flag: one minimal real request, so a quota block or an upstream failure is never a green."""
    exit_code, data, _ = check_json("--mock", scenario, "--timeout", "10", "--retries", "0")
    invoked = [p for p in data["probes"] if p["name"].startswith("invoke")]
    assert len(invoked) == 1
    assert rule in rules(data) and exit_code == code
    assert not data["verdict"].startswith("All checks passed")


@pytest.mark.parametrize("fmt", ["json", "github", "junit"])
def test_zero_cost_never_says_all_checks_passed(fmt: str) -> None:
    result = runner.invoke(app, ["check", "--mock", "quota-permanent", "--zero-cost", "--format", fmt])
    assert result.exit_code == 0
    assert "All checks passed" not in result.stdout
    if fmt == "json":
        data = json.loads(result.stdout)
        assert data["verdict"].startswith("Gateway checks passed; the request path was not tested")
        assert data["request_path_tested"] is False
        upstream = next(c for c in data["checks"] if c["name"] == "upstream path")
        assert upstream["status"] == "skipped" and "--zero-cost" in upstream["detail"]
    elif fmt == "github":
        assert "::warning" in result.stdout and "request path was not tested" in result.stdout
    else:
        assert '<skipped message="not exercised (--zero-cost)' in result.stdout


def test_a_reasoning_models_token_budget_refusal_proves_the_path() -> None:
    from aigw_doctor.check.probes import ProbeSpec
    from aigw_doctor.check.runner import _as_expected
    from aigw_doctor.engine import fallback_finding
    from aigw_doctor.model import Observation

    spec = ProbeSpec(name="invoke", endpoint="chat_completions", method="POST", path="/", kind="invoke", proves="x")
    top = fallback_finding(Observation(status=400))
    body = '{"error": {"message": "max_tokens is too small for this reasoning model", "type": "invalid_request_error"}}'
    assert _as_expected(spec, 400, top, body)
    assert not _as_expected(spec, 400, top, '{"error": {"message": "messages: field required"}}')


def test_auth_unavailable_is_retried_and_inconclusive() -> None:
    code, data, _ = check_json("--mock", "auth-unavailable", "--retries", "1", "--timeout", "10")
    assert code == 3
    assert "neon.auth.unavailable" in rules(data)
    assert all(p["retried"] == 1 for p in data["probes"])


@pytest.mark.parametrize(
    ("token", "rule"),
    [
        (NEON_TOKEN_NO_SCOPE, "neon.credential.missing-scope"),
        (NEON_TOKEN_OTHER_BRANCH, "neon.credential.wrong-branch"),
        (NEON_TOKEN_REVOKED, "neon.credential.invalid"),
        ("nt_live_thisisnotarealtokenatall0000", "neon.credential.invalid"),
    ],
)
def test_the_users_own_token_is_used_with_the_mock(token: str, rule: str) -> None:
    code, data, output = check_json("--mock", "healthy", env={"NEON_AI_GATEWAY_TOKEN": token})
    assert code == 1
    assert rules(data)[0] == rule
    assert token not in output


def test_legacy_token_variable_works_with_a_note() -> None:
    code, data, _ = check_json("--mock", "healthy", env={"NEON_AI_GATEWAY_KEY": NEON_TOKEN_FULL})
    assert code == 0
    note = next(c for c in data["checks"] if c["name"] == "token variable")
    assert note["status"] == "warning" and "NEON_AI_GATEWAY_TOKEN" in note["detail"]


def test_token_shape_problems_are_found_offline() -> None:
    code, data, _ = check_json(
        "--url",
        "https://br-winter-pond-aptw82ef-api.ai.c-2.us-east-2.aws.neon.tech",
        "--offline",
        env={"NEON_AI_GATEWAY_TOKEN": "Bearer sk-proj-0123456789abcdefghijkl"},
    )
    assert code == 1
    assert {"neon.token.bearer-prefix", "neon.token.prefix"} <= set(rules(data))
    assert "0123456789abcdef" not in json.dumps(data)


def test_token_from_file_and_stdin(tmp_path: Any) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(NEON_TOKEN_FULL + "\n")
    code, data, _ = check_json("--mock", "healthy", "--token-file", str(token_file))
    assert code == 0
    assert "file" in next(c for c in data["checks"] if c["name"] == "token present")["detail"]
    code, data, _ = check_json("--mock", "healthy", "--token-stdin", input=NEON_TOKEN_FULL + "\n")
    assert code == 0


def test_a_token_is_never_an_option_value() -> None:
    result = runner.invoke(app, ["check", "--token", NEON_TOKEN_FULL])
    assert result.exit_code == 2
    assert "No such option" in result.output


def test_missing_token_is_a_configuration_error() -> None:
    code, data, _ = check_json("--url", "https://br-winter-pond-aptw82ef-api.ai.c-2.us-east-2.aws.neon.tech")
    assert code == 2
    assert "neon.token.missing" in rules(data)
    assert next(c for c in data["checks"] if c["name"] == "probes")["status"] == "skipped"


def test_no_url_at_all_is_a_usage_error() -> None:
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 2
    assert "no gateway to check" in result.output and "--mock healthy" in result.output


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("https://example.com --gateway neon", "--allow-host example.com"),
        ("http://br-winter-pond-aptw82ef-api.ai.c-2.us-east-2.aws.neon.tech", "plain http"),
    ],
)
def test_the_credential_is_not_sent_where_it_does_not_belong(url: str, words: str) -> None:
    result = runner.invoke(app, ["check", "--url", *url.split()], env={"NEON_AI_GATEWAY_TOKEN": NEON_TOKEN_FULL})
    assert result.exit_code == 2
    assert words in result.output


def test_a_host_of_no_known_gateway_is_an_error_not_a_default() -> None:
    result = runner.invoke(
        app, ["check", "--url", "https://example.com"], env={"NEON_AI_GATEWAY_TOKEN": NEON_TOKEN_FULL}
    )
    assert result.exit_code == 2
    assert "example.com is not the host of any gateway aigw-doctor knows (neon, cloudflare)" in result.output
    assert "--gateway" in result.output


def test_a_neon_host_is_neon_whatever_the_path() -> None:
    url = "https://br-winter-pond-aptw82ef-api.ai.c-2.us-east-2.aws.neon.tech/v1/chat/completions"
    result = runner.invoke(
        app, ["check", "--url", url, "--offline", "--format", "json"], env={"NEON_AI_GATEWAY_TOKEN": NEON_TOKEN_FULL}
    )
    data = json.loads(result.output)
    assert data["gateway"] == "neon"
    assert any("was ignored" in note for note in data["notes"])
    assert NEON_TOKEN_FULL not in result.output


def test_allow_host_lifts_the_refusal() -> None:
    code, data, _ = check_json(
        "--url",
        "https://gateway.example.com",
        "--gateway",
        "neon",
        "--allow-host",
        "gateway.example.com",
        "--offline",
        env={"NEON_AI_GATEWAY_TOKEN": NEON_TOKEN_FULL},
    )
    assert code == 1  # the host is not a Neon host: a preflight problem, but the check ran
    assert "neon.host.untrusted-suffix" in rules(data)


def test_model_endpoint_mismatch_is_found_before_sending() -> None:
    code, data, _ = check_json(
        "--mock", "healthy", "--model", "claude-sonnet-4-6", "--endpoint", "/openai/v1/responses"
    )
    assert code == 1
    assert "neon.model.wrong-endpoint" in rules(data)


def test_unlisted_model_is_reported_from_the_model_list() -> None:
    code, data, _ = check_json("--mock", "healthy", "--model", "gpt-9")
    assert code == 1
    assert any(c["name"] == "gpt-9 listed" and c["status"] == "error" for c in data["checks"])


def test_real_looking_host_over_tls_with_resolve_and_ca_bundle(start_emulator: Callable[..., Emulator]) -> None:
    emulator = start_emulator("neon", tls=True)
    host = emulator.demo_host
    args = ["--url", f"https://{host}:{emulator.port}", "--resolve", f"{host}:{emulator.port}:127.0.0.1"]
    env = {"NEON_AI_GATEWAY_TOKEN": NEON_TOKEN_FULL}
    code, data, _ = check_json(*args, "--ca-bundle", str(emulator.ca_file), env=env)
    assert code == 0, data
    connection = next(c for c in data["checks"] if c["name"] == "connection")
    assert connection["status"] == "ok" and "over TLS" in connection["detail"]
    code, data, _ = check_json(*args, env=env)
    assert code == 1, [c for c in data["checks"] if c["status"] != "ok"]
    connection = next(c for c in data["checks"] if c["name"] == "connection")
    assert connection["status"] == "error" and "TLS" in connection["detail"]
    assert data["findings"][0]["rule"].startswith("net.tls")
    code, data, _ = check_json(*args, env={**env, "SSL_CERT_FILE": str(emulator.ca_file)})
    assert code == 0


def test_closed_port_is_a_connect_finding(start_emulator: Callable[..., Emulator]) -> None:
    emulator = start_emulator("neon")
    port = emulator.port
    emulator.stop()
    host = "br-winter-pond-aptw82ef-api.ai.c-2.us-east-2.aws.neon.tech"
    code, data, _ = check_json(
        "--url",
        f"http://{host}:{port}",
        "--resolve",
        f"{host}:{port}:127.0.0.1",
        "--timeout",
        "5",
        env={"NEON_AI_GATEWAY_TOKEN": NEON_TOKEN_FULL},
    )
    assert code == 1
    assert data["findings"][0]["rule"].startswith("net.connect")


def test_a_server_that_never_answers_hits_the_deadline() -> None:
    code, data, _ = check_json("--mock", "hang", "--timeout", "1")
    assert code == 3
    assert all(p["status"] is None for p in data["probes"])
    connection = next(c for c in data["checks"] if c["name"] == "connection")
    assert "1 s" in connection["detail"] and "--timeout" in connection["detail"]


def test_huge_body_is_read_only_up_to_the_cap() -> None:
    code, data, _ = check_json("--mock", "huge-body", "--timeout", "20")
    assert any(p["truncated"] for p in data["probes"])
    assert code in (0, 1, 3)


def test_html_error_page_from_a_proxy() -> None:
    code, data, _ = check_json("--mock", "html-502", "--retries", "0")
    assert code in (1, 3)
    assert all(p["status"] == 502 for p in data["probes"])


@pytest.mark.parametrize(
    ("scenario", "rule", "code"),
    [
        ("healthy", None, 0),
        ("rate-limited", "cloudflare.rate-limit.gateway-rate-limited", 3),
        ("spend-limit", "cloudflare.quota.spend-limit-exceeded", 1),
        ("credits-exhausted", "cloudflare.quota.insufficient-credits", 1),
        ("guardrails-block", "cloudflare.guardrails.prompt-blocked", 1),
        ("provider-error", "openai.upstream.server-error", 3),
        ("provider-rate-limit", "openai.rate-limit.rate-limit-exceeded", 3),
    ],
)
def test_cloudflare_scenarios(scenario: str, rule: str | None, code: int) -> None:
    args = ["--mock", scenario, "--mock-gateway", "cloudflare", "--retries", "0", "--invoke"]
    if scenario == "credits-exhausted":
        args.append("--byok")  # no provider key: Unified Billing pays, and its credits are gone
    exit_code, data, output = check_json(*args, env={})
    assert data["gateway"] == "cloudflare"
    if rule:
        assert rule in rules(data), rules(data)
    assert exit_code == code, output
    assert "cfat_aigwdemo" not in output


def test_cloudflare_gateway_timeout_is_inconclusive() -> None:
    code, data, _ = check_json("--mock", "timeout", "--mock-gateway", "cloudflare", "--invoke", "--timeout", "2")
    assert code == 3
    invoked = next(p for p in data["probes"] if p["name"].startswith("invoke"))
    assert invoked["status"] in (None, 504)


def test_cloudflare_missing_gateway_token() -> None:
    code, data, _ = check_json(
        "--mock", "healthy", "--mock-gateway", "cloudflare", "--token-env", "NO_SUCH_VARIABLE_SET"
    )
    assert code == 1
    assert "cloudflare.auth.gateway-unauthorized" in rules(data)


def test_cloudflare_cache_headers_are_reported() -> None:
    _, data, _ = check_json("--mock", "healthy", "--mock-gateway", "cloudflare")
    assert "cf-aig-log-id" in data["cache"]


def test_text_report_is_grouped_and_masked() -> None:
    result = runner.invoke(app, ["check", "--mock", "healthy", "-vv"])
    assert result.exit_code == 0
    out = result.stdout
    for heading in ("Token", "Host", "Connectivity", "Authorization", "Models & endpoints", "Rate limits", "Exchanges"):
        assert heading in out
    assert "All checks passed" in out
    assert NEON_TOKEN_FULL not in result.output
    assert "nt_live_…" in out


def test_unknown_scenario_is_a_usage_error() -> None:
    result = runner.invoke(app, ["check", "--mock", "no-such-scenario"])
    assert result.exit_code == 2
    assert "unknown scenario" in result.output


def test_reset_mid_body_is_retried_then_inconclusive() -> None:
    code, data, _ = check_json("--mock", "reset-mid-body", "--retries", "1", "--timeout", "10")
    assert code == 3
    assert any(p["retried"] == 1 for p in data["probes"])
    connection = next(c for c in data["checks"] if c["name"] == "connection")
    assert connection["status"] == "error"


def test_a_trickling_body_is_cut_off_at_the_deadline() -> None:
    code, data, _ = check_json("--mock", "slow-body", "--timeout", "2")
    assert code == 3
    listing = next(p for p in data["probes"] if p["name"] == "GET /v1/models")
    assert listing["status"] is None and "2 s" in listing["error"]


def test_redirects_are_not_followed_with_the_credential() -> None:
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    seen: list[tuple[str, str | None]] = []

    class Redirect(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            seen.append((self.path, self.headers.get("authorization")))
            self.send_response(307)
            self.send_header("location", "http://127.0.0.1:9/elsewhere")
            self.send_header("content-length", "0")
            self.end_headers()

        do_GET = do_POST = _answer

        def log_message(self, format: str, *args: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host = "br-winter-pond-aptw82ef-api.ai.c-2.us-east-2.aws.neon.tech"
        port = server.server_address[1]
        code, data, output = check_json(
            "--url",
            f"http://{host}:{port}",
            "--resolve",
            f"{host}:{port}:127.0.0.1",
            "--retries",
            "0",
            env={"NEON_AI_GATEWAY_TOKEN": NEON_TOKEN_FULL},
        )
    finally:
        server.shutdown()
        server.server_close()
    assert code == 1
    assert all(path != "/elsewhere" for path, _ in seen)
    assert {p["status"] for p in data["probes"]} == {307}
    assert any(rule.startswith("net.") and "redirect" in rule for rule in rules(data)), rules(data)
    assert NEON_TOKEN_FULL not in output


def test_cloudflare_provider_url_accepts_native_model_names() -> None:
    url = "https://gateway.ai.cloudflare.com/v1/0a1b2c3d4e5f60718293a4b5c6d7e8f9/my-gw/openai"
    env = {"CF_AIG_TOKEN": "cfat_0123456789abcdefghij", "OPENAI_API_KEY": "sk-proj-0123456789abcdefghij"}
    code, data, output = check_json("--url", url, "--offline", "--model", "gpt-4o", env=env)
    assert code == 0
    assert "openai/gpt-4o" in next(c for c in data["checks"] if c["name"] == "model gpt-4o")["detail"]
    code, data, _ = check_json("--url", url.removesuffix("/openai"), "--offline", "--model", "gpt-4o", env=env)
    assert code == 1 and "cloudflare.compat.model-prefix" in rules(data)
    assert "0123456789abcdefghij" not in output


def test_a_scenario_the_probes_cannot_reach_says_it_had_no_effect() -> None:
    zero = runner.invoke(app, ["check", "--mock", "quota-permanent", "--zero-cost"])
    assert "--mock quota-permanent shows only in a real request" in zero.output
    credits = runner.invoke(app, ["check", "--mock", "credits-exhausted", "--mock-gateway", "cloudflare"])
    assert "bypasses Unified Billing" in credits.output
    healthy = runner.invoke(app, ["check", "--mock", "healthy", "--zero-cost"])
    assert "has no effect" not in healthy.output
