"""`aigw-doctor analyze` through the real Typer app, on small logs written by the tests: every input format
(and gzip of each), malformed records, exact counts, the JSON shape, exit codes, masking."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from aigw_doctor.cli import app
from aigw_doctor.report.formats import ReportFormat

runner = CliRunner()

CANARY = "nt_live_CANARYcanary0123456789abcdef"
NEON_URL = "https://br-winter-pond-aptw82ef-api.ai.c-2.us-east-2.aws.neon.tech/v1/chat/completions"
CF_BODY = {"success": False, "result": [], "messages": [], "error": [{"code": 2009, "message": "Unauthorized"}]}
CREDENTIAL_BODY = {"error": {"message": f"invalid or missing credential {CANARY}"}}
QUOTA_BODY = {"error": {"message": "AI Gateway quota exceeded", "code": "REQUEST_LIMIT_EXCEEDED"}}


@pytest.fixture(autouse=True)
def _plain(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.delenv("AIGW_DOCTOR_RULES", raising=False)


def analyze(*args: str, input: str | bytes | None = None) -> tuple[int, str]:
    result = runner.invoke(app, ["analyze", *args], input=input)
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout


def analyze_json(*args: str, input: str | bytes | None = None) -> tuple[int, dict[str, Any]]:
    code, out = analyze(*args, "--format", "json", input=input)
    return code, json.loads(out)


def write(path: Path, text: str, *, gz: bool = False) -> Path:
    if gz:
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text, encoding="utf-8")
    return path


def lines(*records: Any) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records)


def by_rule(data: dict[str, Any]) -> dict[str, int]:
    return {row["rule"]: row["count"] for row in data["diagnoses"]}


def statuses(data: dict[str, Any]) -> dict[str, int]:
    return {row["status"]: row["count"] for row in data["statuses"]}


# --------------------------------------------------------------------------- JSON Lines

JSONL = lines(
    {"timestamp": "2026-07-01T10:00:00Z", "status": 200, "body": "ok", "url": NEON_URL},
    {
        "timestamp": "2026-07-01T10:05:00Z",
        "status": 429,
        "headers": {"Retry-After": "30"},
        "body": QUOTA_BODY,
        "url": NEON_URL,
    },
    {
        "time": "2026-07-01T11:00:00+00:00",
        "status_code": "429",
        "response_headers": [["retry-after", "12"]],
        "response_body": json.dumps(QUOTA_BODY),
        "path": "/v1/chat/completions",
        "model": "gpt-5-mini",
    },
    {"ts": 1782907200, "statusCode": 401, "response": json.dumps(CREDENTIAL_BODY)},
    {
        "response": {"status": 401, "headers": {"content-type": "application/json"}, "body": CREDENTIAL_BODY},
        "request": {"url": NEON_URL, "method": "post"},
        "@timestamp": 1782907260000,
    },
    {"status": 204},
    {"status": 418, "body": {"error": "teapot"}},
    "",
    "this is not json",
    '{"status": 200, "body": ',
    "[1, 2]",
    '{"body": "no status here"}',
    '{"status": "soon"}',
    {"status": 200, "body": "trailing"},
)


def test_jsonl_forgiving_fields_counts_exact(tmp_path: Path) -> None:
    code, data = analyze_json(str(write(tmp_path / "app.jsonl", JSONL)))
    assert code == 1
    assert data["totals"] == {
        "records": 8, "below_min_status": 3, "diagnosed": 5, "errors": 4, "warnings": 1, "info": 0, "malformed": 5,
    }  # fmt: skip
    assert by_rule(data) == {"neon.quota.temporary": 2, "neon.credential.invalid": 2, "fallback.4xx": 1}
    assert statuses(data) == {"200": 2, "204": 1, "401": 2, "429": 2, "418": 1}
    assert data["inputs"] == [
        {"name": str(tmp_path / "app.jsonl"), "format": "jsonl", "compressed": False, "records": 8, "malformed": 5}
    ]
    malformed = data["malformed"]
    assert malformed["count"] == 5
    assert [(m["line"], m["reason"].split(" (")[0]) for m in malformed["examples"]] == [
        (9, "not JSON"), (10, "not JSON"), (11, "a JSON array, not an object"), (12, "no status field"),
        (13, "status is not a status code"),
    ]  # fmt: skip


def test_jsonl_first_and_last_seen_and_timeline(tmp_path: Path) -> None:
    _, data = analyze_json(str(write(tmp_path / "app.jsonl", JSONL)))
    quota = next(row for row in data["diagnoses"] if row["rule"] == "neon.quota.temporary")
    assert (quota["first_seen"], quota["last_seen"]) == ("2026-07-01T10:05:00Z", "2026-07-01T11:00:00Z")
    assert quota["statuses"] == {"429": 2}
    assert quota["category"] == "quota" and quota["transient"] is True
    assert (data["first_seen"], data["last_seen"]) == ("2026-07-01T10:05:00Z", "2026-07-01T12:01:00Z")  # epoch s, ms
    timeline = data["timeline"]
    assert sum(b["count"] for b in timeline["buckets"]) == 4  # the 418 has no timestamp
    assert timeline["buckets"][0]["start"] <= "2026-07-01T10:05:00Z"


def test_json_shape(tmp_path: Path) -> None:
    _, data = analyze_json(str(write(tmp_path / "app.jsonl", JSONL)))
    assert set(data) == {
        "schema_version", "min_status", "inputs", "totals", "first_seen", "last_seen", "diagnoses",
        "diagnoses_omitted", "statuses", "categories", "timeline", "malformed", "verdict", "fail_on", "exit_code",
    }  # fmt: skip
    assert data["schema_version"] == 1 and data["min_status"] == 400 and data["exit_code"] == 1
    row = data["diagnoses"][0]
    assert set(row) == {
        "rule", "category", "severity", "transient", "title", "fix", "docs", "count", "share", "first_seen",
        "last_seen", "statuses", "example", "example_at",
    }  # fmt: skip
    assert set(data["statuses"][0]) == {"status", "count", "share", "diagnosed"}
    assert set(data["categories"][0]) == {"category", "count", "share"}
    assert set(data["timeline"]) == {"bucket_seconds", "buckets"}
    assert sum(c["count"] for c in data["categories"]) == data["totals"]["diagnosed"]
    assert abs(sum(r["share"] for r in data["diagnoses"]) - 1) < 0.01


def test_gzip_jsonl_same_counts(tmp_path: Path) -> None:
    _, plain = analyze_json(str(write(tmp_path / "a.jsonl", JSONL)))
    _, zipped = analyze_json(str(write(tmp_path / "a.log", JSONL, gz=True)))  # detected by content, not name
    assert zipped["inputs"][0]["compressed"] is True
    assert zipped["totals"] == plain["totals"] and by_rule(zipped) == by_rule(plain)


def test_stdin_and_several_inputs_add_up(tmp_path: Path) -> None:
    path = write(tmp_path / "a.jsonl", JSONL)
    code, data = analyze_json(str(path), "-", input=JSONL)
    assert code == 1
    assert data["totals"]["records"] == 16 and data["totals"]["malformed"] == 10
    assert [i["name"] for i in data["inputs"]] == [str(path), "<stdin>"]


def test_min_status_and_top(tmp_path: Path) -> None:
    path = str(write(tmp_path / "a.jsonl", JSONL))
    _, data = analyze_json(path, "--min-status", "200", "--top", "2")
    assert data["totals"]["diagnosed"] == 8 and data["totals"]["below_min_status"] == 0
    assert len(data["diagnoses"]) == 2 and data["diagnoses_omitted"] >= 2
    _, data = analyze_json(path, "--min-status", "500")
    assert data["totals"]["diagnosed"] == 0 and data["exit_code"] == 0


def test_transport_failure_records(tmp_path: Path) -> None:
    log = lines({"error": "curl: (6) Could not resolve host: api.example.com"}, {"status": 200})
    code, data = analyze_json(str(write(tmp_path / "a.jsonl", log)))
    assert statuses(data) == {"none": 1, "200": 1}
    assert data["diagnoses"][0]["rule"].startswith("net.dns")
    assert code == (1 if data["diagnoses"][0]["severity"] == "error" else 0)


# --------------------------------------------------------------------------- HAR


def har_entry(status: int, body: Any = "", headers: dict[str, str] | None = None, **extra: Any) -> dict[str, Any]:
    text = body if isinstance(body, str) else json.dumps(body)
    return {
        "startedDateTime": "2026-07-01T09:00:00.000Z",
        "request": {"method": "POST", "url": NEON_URL + "?key=" + CANARY,
                    "headers": [{"name": "Authorization", "value": f"Bearer {CANARY}"}],
                    "postData": {"mimeType": "application/json", "text": '{"model": "gpt-5-mini"}'}},
        "response": {"status": status, "statusText": "", "headers": [{"name": k, "value": v} for k, v in (headers or {}).items()],
                     "content": {"size": len(text), "mimeType": "application/json", "text": text}},
        **extra,
    }  # fmt: skip


def test_har(tmp_path: Path) -> None:
    har = {"log": {"version": "1.2", "creator": {"name": "test"}, "pages": [], "entries": [
        har_entry(200, {"ok": True}),
        har_entry(401, CREDENTIAL_BODY, {"Content-Type": "application/json"}),
        har_entry(429, QUOTA_BODY, {"Retry-After": "7"}),
        har_entry(0, "", _error="getaddrinfo ENOTFOUND br-x-api.ai.aws.neon.tech"),
        "not an entry",
    ]}}  # fmt: skip
    for gz in (False, True):
        code, data = analyze_json(str(write(tmp_path / f"s{gz}.har", json.dumps(har, indent=2), gz=gz)))
        assert code == 1
        assert data["inputs"][0]["format"] == "har" and data["inputs"][0]["compressed"] is gz
        assert data["totals"]["records"] == 4 and data["totals"]["diagnosed"] == 3
        assert data["totals"]["malformed"] == 1
        rules = by_rule(data)
        assert rules["neon.credential.invalid"] == 1 and rules["neon.quota.temporary"] == 1
        assert any(rule.startswith("net.dns") for rule in rules)
        assert statuses(data) == {"200": 1, "401": 1, "429": 1, "none": 1}


def test_har_truncated_reports_and_keeps_what_it_read(tmp_path: Path) -> None:
    text = json.dumps({"log": {"entries": [har_entry(401, CREDENTIAL_BODY), har_entry(200)]}}, indent=1)
    code, data = analyze_json(str(write(tmp_path / "cut.har", text[: len(text) - 200])))
    assert code == 1
    assert data["totals"]["diagnosed"] == 1 and data["totals"]["malformed"] == 1
    assert "rest of the array was skipped" in data["malformed"]["examples"][0]["reason"]


# --------------------------------------------------------------------------- curl transcripts

CURL_LOG = (
    "$ curl -si https://br-winter-pond-aptw82ef-api.ai.c-2.us-east-2.aws.neon.tech/v1/models\n"
    "HTTP/2 401\r\ncontent-type: application/json\r\n\r\n"
    + json.dumps(CREDENTIAL_BODY)  # no newline: the next status line is glued to the body
    + "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 429 Too Many Requests\r\nretry-after: 30\r\n"
    "content-type: application/json\r\n\r\n" + json.dumps(QUOTA_BODY) + "\n"
    "*   Trying 10.0.0.1:443...\n* Connected to api.example.com (10.0.0.1) port 443\n"
    "> GET /v1/models HTTP/2\n> Host: api.example.com\n> authorization: Bearer " + CANARY + "\n>\n"
    '< HTTP/2 200\n< content-type: application/json\n<\n{"data": []}\n'
    "* Connection #0 to host api.example.com left intact\n"
    "*   Trying 10.0.0.2:443...\n* connect to 10.0.0.2 port 443 failed: Connection refused\n"
    "curl: (7) Failed to connect to api.example.com port 443 after 3 ms: Connection refused\n"
)


def test_curl_transcripts(tmp_path: Path) -> None:
    for gz in (False, True):
        code, data = analyze_json(str(write(tmp_path / f"t{gz}.txt", CURL_LOG, gz=gz)))
        assert code == 1
        assert data["inputs"][0]["format"] == "curl"
        assert statuses(data) == {"401": 1, "429": 1, "200": 1, "none": 1}
        rules = by_rule(data)
        assert rules["neon.credential.invalid"] == 1 and rules["neon.quota.temporary"] == 1
        assert any(rule.startswith("net.connect") for rule in rules), rules
        assert data["totals"]["malformed"] == 0


def test_curl_block_without_response_is_malformed(tmp_path: Path) -> None:
    text = "HTTP/1.1 401 Unauthorized\n\n" + json.dumps(CREDENTIAL_BODY) + "\n$ curl -si https://example.com/\nhm?\n"
    _, data = analyze_json(str(write(tmp_path / "t.txt", text)), "--input-format", "curl")
    assert data["totals"]["records"] == 1 and data["totals"]["malformed"] == 1
    assert data["malformed"]["examples"][0]["line"] == 4


# --------------------------------------------------------------------------- Cloudflare log exports


def cf_entry(status: int, **extra: Any) -> dict[str, Any]:
    return {"id": "01J0000000000000000000000", "created_at": "2026-07-01T08:00:00.000Z", "provider": "openai",
            "model": "gpt-4o-mini", "path": "chat/completions", "status_code": status, "success": status < 400,
            "cached": False, "duration": 120, "tokens_in": 10, "tokens_out": 5, **extra}  # fmt: skip


def test_cloudflare_api_export_and_jsonl(tmp_path: Path) -> None:
    entries = [
        cf_entry(200),
        cf_entry(401, response=json.dumps(CF_BODY), response_head=json.dumps({"content-type": "application/json"})),
        cf_entry(401, response=CF_BODY),
        cf_entry(500),
    ]
    export = json.dumps({"result": entries, "result_info": {"page": 1, "per_page": 50}, "success": True})
    for name, text in (("api.json", export), ("bare.json", json.dumps(entries)), ("logs.jsonl", lines(*entries))):
        for gz in (False, True):
            code, data = analyze_json(str(write(tmp_path / (name + (".gz" if gz else "")), text, gz=gz)))
            assert code == 1, name
            assert data["inputs"][0]["format"] == "cloudflare", name
            assert statuses(data) == {"200": 1, "401": 2, "500": 1}, name
            rules = by_rule(data)
            assert rules["cloudflare.auth.gateway-unauthorized"] == 2, (name, rules)
            assert data["first_seen"] == "2026-07-01T08:00:00Z"


# --------------------------------------------------------------------------- outputs, masking, exit codes


def test_text_output(tmp_path: Path) -> None:
    code, out = analyze(str(write(tmp_path / "a.jsonl", JSONL)))
    assert code == 1
    for expected in ("Diagnoses", "neon.quota.temporary", "Statuses", "Categories", "Diagnosed per", "Fix:",
                     "5 unreadable records", "a.jsonl:9"):  # fmt: skip
        assert expected in out, expected


def test_markdown_output(tmp_path: Path) -> None:
    code, out = analyze(str(write(tmp_path / "a.jsonl", JSONL)), "--format", "markdown")
    assert code == 1
    assert out.startswith("## aigw-doctor analyze")
    assert "| # | Diagnosis | Category | Count | Share | Seen (UTC) | Fix |" in out
    assert "`neon.quota.temporary`" in out


@pytest.mark.parametrize("output", [f.value for f in ReportFormat])
def test_canary_never_printed(tmp_path: Path, output: str) -> None:
    log = lines(
        {"status": 401, "body": CREDENTIAL_BODY, "url": NEON_URL + "?api_key=" + CANARY},
        {"status": 400, "body": f"Bearer {CANARY} rejected", "headers": {"authorization": CANARY}},
        f'{{"status": 500, "body": "{CANARY}" broken',
    )
    result = runner.invoke(app, ["analyze", str(write(tmp_path / "a.jsonl", log)), "--format", output])
    assert CANARY not in result.output
    assert CANARY[12:] not in result.output
    assert "nt_live_…" in result.output


@pytest.mark.parametrize("output", ["junit", "github", "markdown", "json"])
def test_output_file_and_canary(tmp_path: Path, output: str) -> None:
    """--output: the file gets the format, the terminal the text report; neither shows the token."""
    log = lines({"status": 401, "body": CREDENTIAL_BODY, "headers": {"authorization": f"Bearer {CANARY}"}})
    target = tmp_path / "report.out"
    result = runner.invoke(app, ["analyze", str(write(tmp_path / "a.jsonl", log)), "-f", output, "-o", str(target)])
    assert result.exit_code == 1
    assert "Diagnoses" in result.stdout and "neon.credential.invalid" in result.stdout
    content = target.read_text()
    assert "neon.credential.invalid" in content and CANARY not in content + result.output
    assert f"{output} report written to {target}" in result.stderr


def test_fail_on(tmp_path: Path) -> None:
    warnings_only = str(write(tmp_path / "w.jsonl", lines({"status": 418, "body": "teapot"})))
    errors = str(write(tmp_path / "e.jsonl", lines({"status": 401, "body": CREDENTIAL_BODY})))
    codes = {
        (path, fail_on): analyze_json(path, "--fail-on", fail_on)
        for path in (warnings_only, errors)
        for fail_on in ("error", "warning", "never")
    }
    assert {key: (code, data["exit_code"]) for key, (code, data) in codes.items()} == {
        (warnings_only, "error"): (0, 0), (warnings_only, "warning"): (1, 1), (warnings_only, "never"): (0, 0),
        (errors, "error"): (1, 1), (errors, "warning"): (1, 1), (errors, "never"): (0, 0),
    }  # fmt: skip
    assert "· exit 1 (--fail-on warning)" in analyze(warnings_only, "--fail-on", "warning")[1]
    assert "· exit 0 (--fail-on never)" in analyze(errors, "--fail-on", "never")[1]
    # --top hides a diagnosis from the table, not from the exit code
    both = str(
        write(
            tmp_path / "b.jsonl",
            lines(*[{"status": 418, "body": "teapot"}] * 3, {"status": 401, "body": CREDENTIAL_BODY}),
        )
    )
    code, data = analyze_json(both, "--top", "1")
    assert code == 1 and [row["severity"] for row in data["diagnoses"]] == ["warning"]
    # the input could not be read: 2 whatever --fail-on says
    assert runner.invoke(app, ["analyze", str(tmp_path / "nope.jsonl"), "--fail-on", "never"]).exit_code == 2


def test_only_warnings_exit_zero(tmp_path: Path) -> None:
    code, data = analyze_json(
        str(write(tmp_path / "a.jsonl", lines({"status": 418, "body": "teapot"}, {"status": 200})))
    )
    assert code == 0 and data["exit_code"] == 0
    assert data["totals"]["warnings"] == 1 and data["totals"]["errors"] == 0


def test_empty_input_exit_zero(tmp_path: Path) -> None:
    code, data = analyze_json(str(write(tmp_path / "empty.jsonl", "")))
    assert code == 0 and data["totals"]["records"] == 0 and data["timeline"] is None


def test_missing_file_exit_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["analyze", str(tmp_path / "a.jsonl"), str(tmp_path / "nope.jsonl")])
    assert result.exit_code == 2
    assert "no such file" in result.stderr and "Traceback" not in result.output


def test_binary_input_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "blob.bin"
    path.write_bytes(bytes(range(256)) * 4)
    result = runner.invoke(app, ["analyze", str(path)])
    assert result.exit_code == 2 and "binary data" in result.stderr


def test_bad_gzip_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "bad.gz"
    path.write_bytes(b"\x1f\x8b" + b"not really gzip" * 10)
    result = runner.invoke(app, ["analyze", str(path)])
    assert result.exit_code == 2 and "gzip" in result.stderr


def test_truncated_gzip_keeps_what_was_read(tmp_path: Path) -> None:
    records = [{"status": 401, "body": CREDENTIAL_BODY}] * 50 + [{"status": 200, "body": "x" * 50}] * 2000
    data = gzip.compress(lines(*records).encode())
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) * 2 // 3])
    code, report = analyze_json(str(path))
    assert code == 1
    assert report["totals"]["diagnosed"] == 50 and report["totals"]["malformed"] == 1
    assert "reading stopped" in report["malformed"]["examples"][0]["reason"]


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert runner.invoke(app, ["analyze"]).exit_code == 2
    path = str(write(tmp_path / "a.jsonl", JSONL))
    assert runner.invoke(app, ["analyze", path, "--format", "xml"]).exit_code == 2
    assert runner.invoke(app, ["analyze", path, "--fail-on", "sometimes"]).exit_code == 2
    result = runner.invoke(app, ["analyze", path, "--output", str(tmp_path / "no" / "such.xml"), "-f", "junit"])
    assert result.exit_code == 2 and result.stderr.startswith("error: --output: cannot write")
    assert runner.invoke(app, ["analyze", "-", "-"], input="").exit_code == 2
    result = runner.invoke(app, ["analyze", str(tmp_path)])
    assert result.exit_code == 2 and "directory" in result.stderr
