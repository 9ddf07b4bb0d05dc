"""`aigw-doctor explain` through the real Typer app: query kinds, formats, exit codes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from aigw_doctor.cli import app
from aigw_doctor.ruleset.catalog import load_catalog

runner = CliRunner()


@pytest.fixture(autouse=True)
def _plain_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.delenv("AIGW_DOCTOR_RULES", raising=False)


def explain_json(*args: str, input: str | None = None) -> tuple[int, dict[str, Any]]:
    result = runner.invoke(app, ["explain", *args, "--format", "json"], input=input)
    return result.exit_code, json.loads(result.stdout)


def test_json_contract_shape() -> None:
    code, data = explain_json('{"error": {"message": "invalid or missing credential"}}', "--status", "401")
    assert code == 0
    assert set(data) >= {"schema_version", "findings", "assumptions"}
    finding = data["findings"][0]
    assert set(finding) >= {"rule", "category", "severity", "transient", "title", "cause", "fix", "docs", "evidence"}
    assert finding["rule"] == "neon.credential.invalid"


def test_bare_status_lists_every_rule_for_it() -> None:
    code, data = explain_json("403")
    expected = {r.id for r in load_catalog().rules if 403 in r.match.statuses()}
    assert code == 0
    assert {f["rule"] for f in data["findings"]} == expected
    assert len(expected) >= 4
    assert "paste the response body" in data["assumptions"][0]


def test_body_narrows_a_status_to_one_rule() -> None:
    code, data = explain_json('{"error": {"message": "credential not authorized for this branch"}}', "--status", "403")
    assert code == 0
    assert data["findings"][0]["rule"] == "neon.credential.wrong-branch"


def test_status_with_gateway_filter_excludes_the_other_gateway() -> None:
    _, data = explain_json("401", "--gateway", "cloudflare")
    assert not any(f["rule"].startswith("neon.") for f in data["findings"])


def test_rule_id_and_alias_lookup() -> None:
    code, data = explain_json("neon.credential.invalid")
    assert code == 0 and [f["rule"] for f in data["findings"]] == ["neon.credential.invalid"]
    code, data = explain_json("request_limit_exceeded")
    assert code == 0
    assert {"neon.quota.temporary", "neon.quota.permanent"} <= {f["rule"] for f in data["findings"]}


def test_error_message_phrase_is_found_case_insensitively() -> None:
    code, data = explain_json("Unknown Model")
    assert code == 0
    assert data["findings"][0]["rule"] == "neon.model.unknown"


def test_near_miss_gets_did_you_mean_and_exit_1() -> None:
    result = runner.invoke(app, ["explain", "neon.credential.invalidd"])
    assert result.exit_code == 1
    assert "Did you mean" in result.stdout and "neon.credential.invalid" in result.stdout


def test_stdin_raw_http_response() -> None:
    raw = (
        "HTTP/2 429\r\ncontent-type: application/json\r\nretry-after: 30\r\n\r\n"
        '{"error_code": "REQUEST_LIMIT_EXCEEDED", "message": "ai gateway quota exceeded"}'
    )
    code, data = explain_json("-", input=raw)
    assert code == 0
    top = data["findings"][0]
    assert top["rule"] == "neon.quota.temporary"
    assert top["transient"] is True
    assert top["retry_after"] == "30"


def test_text_output_has_cause_fix_docs_and_retry_advice() -> None:
    raw = (
        "HTTP/1.1 503 Service Unavailable\nretry-after: 5\n\n"
        + '{"error": {"message": "authorization temporarily unavailable"}}'
    )
    result = runner.invoke(app, ["explain", "-"], input=raw)
    assert result.exit_code == 0
    out = result.stdout
    for word in ("Diagnosis", "Cause", "Fix", "Docs", "Retry", "retry after 5 s", "neon.auth.unavailable"):
        assert word in out, word


def test_sdk_exception_text_is_understood() -> None:
    text = "openai.BadRequestError: Error code: 400 - {'error': {'message': 'unknown model \"gpt-9\"'}}"
    code, data = explain_json(text)
    assert code == 0
    assert data["findings"][0]["rule"] == "neon.model.unknown"
    assert data["assumptions"]


def test_unknown_error_falls_back_honestly_with_exit_1() -> None:
    code, data = explain_json('{"error": {"message": "the flux capacitor is misaligned"}}', "--status", "418")
    assert code == 1
    (finding,) = data["findings"]
    assert finding["rule"] == "fallback.4xx"
    assert finding["category"] == "unknown"
    assert "flux capacitor" in " ".join(finding["evidence"])


def test_header_option_adds_context() -> None:
    body = '{"error_code": "REQUEST_LIMIT_EXCEEDED", "message": "ai gateway quota exceeded"}'
    _, without = explain_json(body, "--status", "429")
    _, with_header = explain_json(body, "--status", "429", "--header", "Retry-After: 60")
    # A bare body cannot show Retry-After, so its absence proves nothing: the duration stays open.
    assert without["findings"][0]["rule"] == "neon.quota.exceeded"
    assert with_header["findings"][0]["rule"] == "neon.quota.temporary"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["explain"], "nothing to explain"),
        (["explain", "x", "--header", "no-colon"], "--header takes 'Name: value'"),
        (["explain", "401", "--status", "42"], "--status"),
        (["explain", "401", "--format", "yaml"], "yaml"),
    ],
)
def test_usage_errors_exit_2(args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_all_dumps_the_catalog_as_json() -> None:
    code, data = explain_json("--all")
    assert code == 0
    assert len(data["rules"]) == len(load_catalog().rules)
    assert {"id", "match", "cause", "fix", "examples"} <= set(data["rules"][0])


def test_secrets_in_pasted_input_never_reach_the_output() -> None:
    token = "nt_live_CANARYcanary0123456789abcdef"
    raw = (
        "> POST /v1/chat/completions HTTP/2\n> authorization: Bearer " + token + "\n>\n"
        "< HTTP/2 401\n< content-type: application/json\n<\n"
        '{"error": {"message": "invalid or missing credential", "echo": "' + token + '"}}'
    )
    for fmt in ("text", "json"):
        result = runner.invoke(app, ["explain", "-", "--format", fmt], input=raw)
        assert "CANARYcanary" not in result.output
        assert result.exit_code == 0


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.startswith("aigw-doctor ")


def test_rules_list_and_show() -> None:
    listed = runner.invoke(app, ["rules", "list", "--gateway", "neon", "--format", "json"])
    assert listed.exit_code == 0
    rules = json.loads(listed.stdout)["rules"]
    assert rules and all(r["gateway"] == "neon" for r in rules)
    assert {"id", "gateway", "status", "category", "title"} <= set(rules[0])
    by_category = json.loads(runner.invoke(app, ["rules", "list", "--category", "quota", "--format", "json"]).stdout)
    assert by_category["rules"] and all(r["category"] == "quota" for r in by_category["rules"])
    shown = runner.invoke(app, ["rules", "show", "neon.quota.permanent"])
    assert shown.exit_code == 0 and "REQUEST_LIMIT_EXCEEDED" in shown.stdout
    missing = runner.invoke(app, ["rules", "show", "neon.quota.permanant"])
    assert missing.exit_code == 2 and "did you mean" in missing.output
