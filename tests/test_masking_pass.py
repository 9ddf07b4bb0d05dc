"""The one masking pass: a canary in every string of a report (check, explain, analyze) never reaches any
format, because `redact.mask_report` runs once before the renderers, and the renderers do not mask.

The canary is a registered secret with no credential shape, so only the known-secret mechanism can catch it:
if the pass were skipped for some field, the canary would show in that format's output.
"""

from __future__ import annotations

import dataclasses
import io
import json
from collections.abc import Iterator
from enum import Enum
from pathlib import Path

import pytest
from rich.console import Console

from aigw_doctor.analyze import AnalyzeOptions
from aigw_doctor.analyze import analyze as run_analyze
from aigw_doctor.check.model import CheckReport, CheckResult, CheckStatus, Group, ProbeRecord, RateLimit
from aigw_doctor.exitcodes import FailOn
from aigw_doctor.explain import ExplainRequest, explain
from aigw_doctor.model import Category, Finding, Severity
from aigw_doctor.redact import forget_secrets, mask_report, register_secret
from aigw_doctor.report.formats import ReportFormat, render, renderer
from aigw_doctor.ruleset.catalog import load_catalog
from aigw_doctor.verdict import settle_check

CANARY = "qzcanary7734shapeless"


@pytest.fixture(autouse=True)
def _canary() -> Iterator[None]:
    register_secret(CANARY)
    yield
    forget_secrets()


def _inject(value: object) -> object:
    """Every string of `value` with the canary appended (labels chosen by the code, enums, stay as they are)."""
    if isinstance(value, Enum):
        return value
    if isinstance(value, str):
        return f"{value} {CANARY}"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _inject(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init}
        # Labels the code reads back as enums (an option's value, a summary row's category and severity).
        for name in ("fail_on", "category", "severity"):
            changes.pop(name, None)
        return dataclasses.replace(value, **changes)
    if isinstance(value, dict):
        return {_inject(k): _inject(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_inject(item) for item in value]
    return value


def _finding() -> Finding:
    return Finding(
        rule="neon.credential.invalid",
        category=Category.credential,
        severity=Severity.error,
        transient=True,
        title="title",
        cause="cause",
        fix="fix",
        commands=["echo command"],
        docs="https://example.invalid/docs",
        evidence=["evidence"],
        retry_after="30",
        confidence="likely",
        layer="gateway",
        layer_evidence="layer evidence",
    )


def _check_report() -> CheckReport:
    checks = [
        CheckResult("token", Group.token, CheckStatus.error, "detail", [_finding()]),
        CheckResult("chat probe", Group.models, CheckStatus.warning, "detail", [_finding()], inconclusive=True),
        CheckResult("cache", Group.cache, CheckStatus.ok, "detail"),
    ]
    probe = ProbeRecord(
        name="chat probe",
        endpoint="chat",
        method="POST",
        url="https://example.neon.tech/v1/chat/completions",
        status=429,
        latency_ms=12.0,
        retried=1,
        error="error",
        proves="proves",
        request_headers=["Authorization: Bearer x"],
        response_headers={"x-request-id": "abc", "retry-after": "30"},
        body_excerpt="body",
    )
    report = CheckReport(
        gateway="neon",
        target={"url": "https://example.neon.tech", "host": "example.neon.tech"},
        checks=checks,
        findings=[_finding()],
        probes=[probe],
        rate_limits=[RateLimit("gateway", "requests", "10", "1", "60", low=True)],
        retry_after="30",
        cache={"cf-aig-cache-status": "HIT"},
        notes=["note"],
    )
    settle_check(report, FailOn.error)
    return report


def _explain_report() -> object:
    catalog = load_catalog()
    body = '{"error": {"message": "invalid or missing credential", "code": "UNAUTHENTICATED"}}'
    return explain(ExplainRequest(query="-", stdin_text=f"HTTP/1.1 401\r\n\r\n{body}"), catalog)


def _analyze_report(tmp_path: Path) -> object:
    log = tmp_path / "log.jsonl"
    rows = [
        {"timestamp": "2026-07-01T10:00:00Z", "status": 401, "body": {"error": {"message": "Invalid API key"}}},
        {"timestamp": "2026-07-01T10:01:00Z", "status": 429, "body": "slow down"},
        "{not json",
    ]
    log.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    report, _ = run_analyze(AnalyzeOptions(inputs=[str(log)]), load_catalog())
    return report


def _all_formats(report: object) -> dict[str, str]:
    out: dict[str, str] = {}
    for fmt in ReportFormat:
        if fmt is ReportFormat.text:
            console = Console(file=io.StringIO(), width=100, color_system=None, soft_wrap=False)
            console.print(renderer(fmt)(report, 2), crop=False)
            out[fmt.value] = console.file.getvalue()  # type: ignore[attr-defined]
        else:
            out[fmt.value] = render(report, fmt)
    return out


@pytest.mark.parametrize("kind", ["check", "explain", "analyze"])
def test_canary_in_every_field_reaches_no_format(kind: str, tmp_path: Path) -> None:
    report = {"check": _check_report, "explain": _explain_report}.get(kind, lambda: _analyze_report(tmp_path))()
    poisoned = _inject(report)
    unmasked = _all_formats(poisoned)
    # The canary does reach every format when the pass is skipped: the test can see a leak.
    assert all(CANARY in text for text in unmasked.values()), [f for f, t in unmasked.items() if CANARY not in t]
    masked = _all_formats(mask_report(poisoned))
    leaks = {fmt: text for fmt, text in masked.items() if CANARY in text}
    assert not leaks, f"{kind}: canary in {', '.join(leaks)}"


def test_mask_report_copies_and_keeps_types() -> None:
    report = _inject(_check_report())
    masked = mask_report(report)
    assert isinstance(masked, CheckReport) and masked is not report
    assert CANARY in report.notes[0] and CANARY not in masked.notes[0]  # the original is left alone
    assert masked.checks[0].status is CheckStatus.error
    assert masked.exit_code == report.exit_code


def test_header_values_are_masked_by_header_name() -> None:
    report = _check_report()
    report.probes[0].response_headers = {"x-api-key": "shapeless-secret-value-123", "x-request-id": "req_1"}
    masked = mask_report(report)
    assert masked.probes[0].response_headers["x-request-id"] == "req_1"
    assert "shapeless-secret-value-123" not in masked.probes[0].response_headers["x-api-key"]
