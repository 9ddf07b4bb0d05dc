"""Hostile inputs found by an attack run, each with its own test: nothing aborts a whole run, nothing costs
unbounded time or memory, nothing leaks through a fold or a cut, and a full disk is one clear error."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from aigw_doctor.analyze.diagnoser import normalised_body
from aigw_doctor.cli import app
from aigw_doctor.engine import diagnose
from aigw_doctor.facts import enrich
from aigw_doctor.parse import parse_response_text
from aigw_doctor.redact import forget_secrets, mask_text, register_secret
from aigw_doctor.ruleset.catalog import load_catalog

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _plain(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.delenv("AIGW_DOCTOR_RULES", raising=False)


def analyze_json(path: Path) -> tuple[int, dict[str, object]]:
    result = runner.invoke(app, ["analyze", str(path), "--format", "json"])
    assert "Traceback" not in result.output
    return result.exit_code, json.loads(result.stdout)


# --------------------------------------------------------------------------- analyze: one bad record


def test_a_record_nested_too_deep_is_skipped_and_counted(tmp_path: Path) -> None:
    deep = '{"a":' * 1500 + "1" + "}" * 1500
    log = tmp_path / "deep.jsonl"
    good = json.dumps({"status": 401, "body": {"error": {"message": "Invalid API key"}}})
    log.write_text(f'{good}\n{{"status": 500, "body": {deep}}}\n{good}\n', encoding="utf-8")
    code, data = analyze_json(log)
    assert code == 1  # the two good records still diagnosed (an error-level credential problem)
    assert data["totals"]["diagnosed"] == 2  # type: ignore[index]
    assert data["malformed"]["count"] == 1  # type: ignore[index]
    assert "nested too deeply" in data["malformed"]["examples"][0]["reason"]  # type: ignore[index]


def test_a_deep_item_in_a_json_array_does_not_abort_the_run(tmp_path: Path) -> None:
    deep = "[" * 5000 + "]" * 5000
    log = tmp_path / "deep.json"
    log.write_text(f'[{{"status": 502, "body": "bad gateway"}}, {deep}]', encoding="utf-8")
    result = runner.invoke(app, ["analyze", str(log), "--format", "json"])
    assert result.exit_code in (0, 1) and "Traceback" not in result.output
    assert json.loads(result.stdout)["malformed"]["count"] >= 1


def test_glued_status_lines_do_not_recurse(tmp_path: Path) -> None:
    transcript = tmp_path / "curl.txt"
    transcript.write_text("HTTP/1.1 500 Internal Server Error " * 20_000 + "\n", encoding="utf-8")
    result = runner.invoke(app, ["analyze", str(transcript), "--format", "json"])
    assert result.exit_code in (0, 1) and "Traceback" not in result.output


def test_an_absurd_timestamp_is_a_bad_value_and_the_timeline_stays_small(tmp_path: Path) -> None:
    log = tmp_path / "times.jsonl"
    rows = [
        {"timestamp": 1e20, "status": 500, "body": "x"},
        {"timestamp": "9999-12-31T00:00:00Z", "status": 500, "body": "x"},
        {"timestamp": 1, "status": 500, "body": "x"},
    ]
    log.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    _, data = analyze_json(log)
    assert data["totals"]["diagnosed"] == 3  # type: ignore[index]
    timeline = data["timeline"]
    assert timeline is not None and len(timeline["buckets"]) <= 30  # type: ignore[index]


# --------------------------------------------------------------------------- the memo


def test_identifiers_never_change_a_diagnosis_on_the_corpus() -> None:
    """The memo diagnoses bodies with their ids replaced: on every real response of the corpus, the same rule."""
    catalog = load_catalog()
    changed = []
    for path in sorted((ROOT / "tests" / "corpus").glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]:
            observation = parse_response_text(str(case.get("body") or ""))
            raw = diagnose(enrich(observation), catalog)[0].rule
            normal = diagnose(enrich(replace(observation, body=normalised_body(observation.body))), catalog)[0].rule
            if raw != normal:
                changed.append((case["id"], raw, normal))
    assert not changed


def test_bodies_that_differ_only_by_ids_share_one_diagnosis(tmp_path: Path) -> None:
    log = tmp_path / "ids.jsonl"
    rows = [
        {
            "status": 429,
            "body": {
                "type": "error",
                "error": {"type": "rate_limit_error", "message": "Number of request tokens has exceeded your limit"},
                "request_id": f"req_011C{i:020d}",
            },
        }
        for i in range(300)
    ]
    log.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    from aigw_doctor.analyze import AnalyzeOptions
    from aigw_doctor.analyze import analyze as run_analyze

    report, summary = run_analyze(AnalyzeOptions(inputs=[str(log)]), load_catalog())
    assert report.totals.diagnosed == 300
    assert summary.diagnoser.hits == 299  # one diagnosis, 299 memo hits


# --------------------------------------------------------------------------- masking on the original text


@pytest.mark.parametrize("header", ["x-api-key", "api-key", "x-goog-api-key", "x-amz-security-token"])
def test_a_credential_header_inside_a_text_body_is_masked_before_folding(tmp_path: Path, header: str) -> None:
    """Only the header-line mechanism can catch this value: no credential shape, never registered."""
    value = "plainvalue7Q2mZk9TnV4wXb"
    log = tmp_path / "echo.jsonl"
    body = f"upstream said:\n{header}: {value}\nrequest rejected"
    log.write_text(json.dumps({"status": 401, "body": body}) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["analyze", str(log)])
    assert value not in result.output


def test_half_a_known_shapeless_secret_echoed_back_is_masked() -> None:
    secret = "Zq8vLw2mKp4tRn6yHs1cXb3dGf5jUe7a"  # no prefix, no shape: only the known-secret mechanism applies
    register_secret(secret)
    try:
        echoed = f"the key starting {secret[:16]} is not valid; ends {secret[-14:]}"
        shown = mask_text(echoed)
        assert secret[:16] not in shown and secret[-14:] not in shown
        assert "the key starting" in shown
    finally:
        forget_secrets()


def test_a_short_run_that_happens_to_match_is_left_alone() -> None:
    register_secret("Zq8vLw2mKp4tRn6yHs1cXb3dGf5jUe7a")
    try:
        assert mask_text("status Zq8vLw2 ok") == "status Zq8vLw2 ok"
    finally:
        forget_secrets()


# --------------------------------------------------------------------------- output


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_full_disk_is_one_clear_error(fmt: str) -> None:
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "aigw_doctor", "explain", "401", "--format", fmt],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    assert done.returncode == 2
    assert done.stderr.strip() == "error: cannot write the output: No space left on device"


# --------------------------------------------------------------------------- odd tokens in check


NEON_URL = "https://br-winter-pond-aptw82ef-api.ai.c-2.us-east-2.aws.neon.tech"


@pytest.mark.parametrize("char", ["\u201c", "\u00a0", "\u200b"])
def test_a_token_with_a_character_http_cannot_carry_is_a_finding_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, char: str
) -> None:
    token = f"nt_live_abcdefabcdef0123456789{char}"
    monkeypatch.setenv("NEON_AI_GATEWAY_TOKEN", token)
    result = runner.invoke(app, ["check", "--url", NEON_URL, "--timeout", "2", "--format", "json"])
    assert "Traceback" not in result.output and token not in result.output
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["probes"] == []  # nothing was sent
    encoding = next(c for c in data["checks"] if c["name"] == "credential encoding")
    assert f"U+{ord(char):04X}" in encoding["detail"]
    assert "client.credential.header-not-encodable" in {f["rule"] for f in data["findings"]}


def test_a_provider_key_with_a_curly_quote_is_caught_on_cloudflare(monkeypatch: pytest.MonkeyPatch) -> None:
    key = "sk-proj-abcdefabcdef0123456789\u201d"
    monkeypatch.setenv("OPENAI_API_KEY", key)
    url = "https://gateway.ai.cloudflare.com/v1/0a1b2c3d4e5f60718293a4b5c6d7e8f9/gw/openai"
    result = runner.invoke(app, ["check", "--url", url, "--timeout", "2"])
    assert "Traceback" not in result.output and key not in result.output
    assert "U+201D" in result.output and result.exit_code == 1


@pytest.mark.parametrize(
    ("args", "env", "stdin", "source"),
    [
        (["--token-stdin"], {}, "", "standard input"),
        (["--token-stdin"], {}, "  \n", "standard input"),
        ([], {"NEON_AI_GATEWAY_TOKEN": "   "}, None, "environment variable NEON_AI_GATEWAY_TOKEN"),
    ],
)
def test_an_empty_token_is_missing_and_names_its_source(
    monkeypatch: pytest.MonkeyPatch, args: list[str], env: dict[str, str], stdin: str | None, source: str
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = runner.invoke(app, ["check", "--url", NEON_URL, *args], input=stdin)
    assert result.exit_code == 2
    assert f"the credential from {source} is empty" in result.output


def test_an_empty_token_file_is_missing(tmp_path: Path) -> None:
    empty = tmp_path / "token"
    empty.write_text("")
    result = runner.invoke(app, ["check", "--url", NEON_URL, "--token-file", str(empty)])
    assert result.exit_code == 2 and f"file {empty} is empty" in result.output


def test_the_token_variable_asked_for_is_the_one_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MY_UNSET_TOKEN_VAR", raising=False)
    result = runner.invoke(app, ["check", "--url", NEON_URL, "--token-env", "MY_UNSET_TOKEN_VAR", "--offline"])
    assert "set MY_UNSET_TOKEN_VAR" in result.output


# --------------------------------------------------------------------------- control characters


HOSTILE_TEXT = "invalid api key \x1b[2J\x1b]0;pwned\x07\x9b31m\rover"


@pytest.mark.parametrize("fmt", ["text", "markdown", "github", "junit", "json"])
def test_explain_never_passes_a_control_character_through(fmt: str) -> None:
    raw = f"HTTP/1.1 401 Unauthorized\r\ncontent-type: text/plain\r\n\r\n{HOSTILE_TEXT}"
    result = runner.invoke(app, ["explain", "-", "--format", fmt], input=raw)
    for char in ("\x1b", "\x07", "\x9b", "\r"):
        assert char not in result.stdout, (fmt, repr(char))
    if fmt == "text":
        assert "\\x1b[2J" in result.stdout  # shown, written out


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_analyze_never_passes_a_control_character_through(tmp_path: Path, fmt: str) -> None:
    log = tmp_path / "esc.jsonl"
    log.write_text(json.dumps({"status": 401, "body": HOSTILE_TEXT}) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["analyze", str(log), "--format", fmt])
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout and "\x9b" not in result.stdout


def test_check_verbose_never_passes_a_control_character_through(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEON_AI_GATEWAY_TOKEN", "nt_live_CONTROLcanary0123456789abcdef")
    import http.server
    import threading

    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self) -> None:
            body = HOSTILE_TEXT.encode("latin-1", "replace")
            self.send_response(401)
            self.send_header("content-type", "text/plain")
            self.send_header("x-evil", "a\x1b[2Jb")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        host = NEON_URL.removeprefix("https://")
        port = server.server_address[1]
        result = runner.invoke(
            app,
            [
                "check",
                "--url",
                f"http://{host}:{port}",
                "--resolve",
                f"{host}:{port}:127.0.0.1",
                "-vv",
                "--retries",
                "0",
            ],
        )
    finally:
        server.shutdown()
        server.server_close()
    assert "\x1b" not in result.output and "\x07" not in result.output


# --------------------------------------------------------------------------- one canary per masking mechanism


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (
            "Authorization failed for eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjYW5hcnkifQ.c2lnbmF0dXJlY2FuYXJ5 today",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjYW5hcnkifQ.c2lnbmF0dXJlY2FuYXJ5",
        ),
        ("The key AKIAZCANARY0KEY12345 is not authorized", "AKIAZCANARY0KEY12345"),
        ("proxy https://svc:CanaryProxyPass9@proxy.corp:3128/ refused", "CanaryProxyPass9"),
        ("aws_secret_access_key = CanaryAwsSecret/Key+0123456789", "CanaryAwsSecret/Key+0123456789"),
        ("X-Amz-Security-Token=CanarySessionToken0123456789", "CanarySessionToken0123456789"),
        ("db password: CanaryPassw0rdValue in the config", "CanaryPassw0rdValue"),
    ],
    ids=["jwt", "aws-key-id", "url-password", "aws-secret-label", "amz-token-label", "password-label"],
)
def test_each_masking_mechanism_catches_its_own_canary(text: str, secret: str) -> None:
    """Each canary has no other shape the masking knows and is never registered: only its mechanism sees it."""
    forget_secrets()
    shown = mask_text(text)
    assert secret not in shown
    assert mask_text(shown) == shown  # idempotent


def test_labels_in_prose_are_left_alone() -> None:
    for prose in ("the password must be reset", "set password: yes", "client_secret is required"):
        assert mask_text(prose) == prose
