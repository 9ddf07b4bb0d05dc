"""`aigw-doctor schema`: the published JSON Schema of the JSON reports (check, explain, analyze), and every JSON
output validated by it."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from aigw_doctor.cli import app
from aigw_doctor.report.schema import REPORTS, report_schema
from tests.test_analyze import CURL_LOG, JSONL, cf_entry, har_entry, lines

runner = CliRunner()


@cache
def validator(name: str) -> Draft202012Validator:
    schema = report_schema(name)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def assert_valid(name: str, document: Any) -> None:
    errors = sorted(validator(name).iter_errors(document), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


@pytest.mark.parametrize("name", REPORTS)
def test_schema_command_prints_the_schema(name: str) -> None:
    result = runner.invoke(app, ["schema", name])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema == report_schema(name)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["schema_version"]["const"] == (1 if name == "analyze" else 2)
    assert "schema_version" in schema["required"]
    for definition in [schema, *schema["$defs"].values()]:
        if "properties" in definition:
            assert set(definition["required"]) == set(definition["properties"])


def test_schema_default_and_output_file(tmp_path: Path) -> None:
    assert json.loads(runner.invoke(app, ["schema"]).stdout)["title"] == "aigw-doctor check report"
    target = tmp_path / "explain.schema.json"
    result = runner.invoke(app, ["schema", "explain", "--output", str(target)])
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(target.read_text()) == report_schema("explain")
    assert runner.invoke(app, ["schema", "analyze-nothing"]).exit_code == 2


CHECK_RUNS = [
    ["--mock", "healthy"],
    ["--mock", "healthy", "-vv", "--invoke", "--model", "claude-sonnet-4-6"],
    ["--mock", "quota-permanent", "--invoke"],
    ["--mock", "quota-temporary", "--invoke", "--retries", "0"],
    ["--mock", "auth-unavailable", "--retries", "0"],
    ["--mock", "upstream-rate-limit", "--invoke", "--retries", "0"],
    ["--mock-gateway", "cloudflare", "--mock", "healthy"],
    ["--mock-gateway", "cloudflare", "--mock", "credits-exhausted", "--invoke"],
    ["--mock-gateway", "cloudflare", "--mock", "provider-error", "--invoke"],
    ["--url", "https://br-winter-pond-aptw82ef-api.ai.c-2.us-east-2.aws.neon.tech", "--offline"],
    ["--url", "http://127.0.0.1:9", "--gateway", "neon", "--allow-host", "127.0.0.1", "--timeout", "2"],
]


@pytest.mark.parametrize("args", CHECK_RUNS, ids=lambda a: " ".join(a))
def test_every_check_json_output_validates(args: list[str]) -> None:
    env = {"NEON_AI_GATEWAY_TOKEN": "nt_live_aigwdemo_fullscope_7f3c9a1e5b2d4f60"} if "127.0.0.1:9" in args[1] else {}
    result = runner.invoke(app, ["check", *args, "--format", "json"], env=env)
    document = json.loads(result.stdout)
    assert document["exit_code"] == result.exit_code
    assert_valid("check", document)


EXPLAIN_QUERIES = [
    ["429"],
    ["403", "--gateway", "cloudflare"],
    ["neon.quota.temporary"],
    ["REQUEST_LIMIT_EXCEEDED"],
    ["unknown model"],
    ["nothing like any error at all"],
    ['{"error": {"message": "credential not authorized for this branch"}}', "--status", "403"],
    ["-"],
]


@pytest.mark.parametrize("args", EXPLAIN_QUERIES, ids=lambda a: " ".join(a))
def test_every_explain_json_output_validates(args: list[str]) -> None:
    raw = "HTTP/2 429\r\nretry-after: 30\r\n\r\n" + '{"error": {"code": "REQUEST_LIMIT_EXCEEDED", "message": "x"}}'
    result = runner.invoke(app, ["explain", *args, "--format", "json"], input=raw)
    assert_valid("explain", json.loads(result.stdout))


def test_the_schema_is_not_vacuous() -> None:
    document = json.loads(runner.invoke(app, ["explain", "429", "--format", "json"]).stdout)
    assert_valid("explain", document)
    for mutate in (
        lambda d: d.pop("findings"),
        lambda d: d.update(schema_version=3),
        lambda d: d["findings"][0].update(category="made-up"),
        lambda d: d["findings"][0].update(confidence="certain"),
        lambda d: d["findings"][0].pop("fix"),
        lambda d: d["findings"][0].update(transient="yes"),
    ):
        broken = copy.deepcopy(document)
        mutate(broken)
        assert list(validator("explain").iter_errors(broken)), mutate
    extended = copy.deepcopy(document)
    extended["a_field_added_later"] = True  # new fields may be added without a new schema_version
    assert_valid("explain", extended)


def _analyze_logs(tmp_path: Path) -> dict[str, Path]:
    har = {
        "log": {"entries": [har_entry(401, {"error": {"message": "invalid or missing credential"}}), har_entry(200)]}
    }
    logs = {
        "jsonl": JSONL,
        "curl": CURL_LOG,
        "har": json.dumps(har),
        "cloudflare": json.dumps({"result": [cf_entry(200), cf_entry(401), cf_entry(500)], "success": True}),
        "transport": lines({"error": "curl: (6) Could not resolve host: api.example.com"}),
        "empty": "",
    }
    paths = {}
    for name, text in logs.items():
        paths[name] = tmp_path / f"{name}.log"
        paths[name].write_text(text, encoding="utf-8")
    return paths


ANALYZE_RUNS = [
    ["jsonl"],
    ["jsonl", "--top", "1"],
    ["jsonl", "--min-status", "200", "--top", "0"],
    ["jsonl", "--fail-on", "never"],
    ["curl"],
    ["har"],
    ["cloudflare"],
    ["transport"],
    ["empty"],
    ["jsonl", "curl", "har", "cloudflare"],
]


@pytest.mark.parametrize("args", ANALYZE_RUNS, ids=lambda a: " ".join(a))
def test_every_analyze_json_output_validates(tmp_path: Path, args: list[str]) -> None:
    paths = _analyze_logs(tmp_path)
    argv = [str(paths[a]) if a in paths else a for a in args]
    result = runner.invoke(app, ["analyze", *argv, "--format", "json"])
    document = json.loads(result.stdout)
    assert document["exit_code"] == result.exit_code
    assert_valid("analyze", document)


def test_the_analyze_schema_is_not_vacuous(tmp_path: Path) -> None:
    result = runner.invoke(app, ["analyze", str(_analyze_logs(tmp_path)["jsonl"]), "--format", "json"])
    document = json.loads(result.stdout)
    assert document["diagnoses"] and document["timeline"] and document["malformed"]["examples"]
    assert_valid("analyze", document)
    for mutate in (
        lambda d: d.pop("diagnoses"),
        lambda d: d.update(schema_version=2),
        lambda d: d["totals"].pop("errors"),
        lambda d: d["diagnoses"][0].update(category="made-up"),
        lambda d: d["diagnoses"][0].update(severity="fatal"),
        lambda d: d["diagnoses"][0].update(count="12"),
        lambda d: d["categories"][0].update(category="made-up"),
        lambda d: d["statuses"][0].pop("diagnosed"),
        lambda d: d["timeline"]["buckets"][0].pop("start"),
        lambda d: d["inputs"][0].update(compressed="no"),
    ):
        broken = copy.deepcopy(document)
        mutate(broken)
        assert list(validator("analyze").iter_errors(broken)), mutate
