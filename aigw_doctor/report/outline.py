"""A report seen as test cases and problems: what the JUnit, GitHub and Markdown formats have in common.

Each report type (check, explain) is reduced here once, so every format shows the same verdicts; the verdicts
themselves come from the core (`check_outcome`), never from a renderer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from aigw_doctor.exitcodes import FailOn
from aigw_doctor.model import Finding, Severity

if TYPE_CHECKING:
    from aigw_doctor.check.model import CheckReport
    from aigw_doctor.explain import ExplainReport

Verdict = Literal["passed", "failed", "inconclusive", "skipped"]
Level = Literal["error", "warning", "notice"]


@dataclass
class Case:
    """One test case: a check, a probe or (explain) a finding."""

    suite: str
    group: str
    name: str
    verdict: Verdict
    status: str  # the check's own status (ok, warning, error, crashed, skipped) or the finding's severity
    detail: str = ""
    findings: list[Finding] = field(default_factory=list)
    seconds: float = 0.0
    output: list[str] = field(default_factory=list)


@dataclass
class Problem:
    """One thing to act on, once however many checks saw it: an annotation, a section of the summary."""

    level: Level
    title: str
    finding: Finding | None
    detail: str = ""
    seen_in: list[str] = field(default_factory=list)


@dataclass
class Outline:
    command: str
    headline: str
    verdict: str
    exit_code: int
    cases: list[Case]
    problems: list[Problem]
    properties: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0


def outline(report: object, fail_on: FailOn = FailOn.error) -> Outline:
    from aigw_doctor.check.model import CheckReport
    from aigw_doctor.explain import ExplainReport

    if isinstance(report, CheckReport):
        return _check_outline(report, fail_on)
    if isinstance(report, ExplainReport):
        return _explain_outline(report)
    raise TypeError(f"no report outline for {type(report).__name__}")


def _level(verdict: Verdict, status: str) -> Level | None:
    if verdict == "failed":
        return "error"
    if verdict == "inconclusive" or status in ("warning", "crashed"):
        return "warning"
    return None


def _check_outline(report: CheckReport, fail_on: FailOn) -> Outline:
    from aigw_doctor.check.runner import check_outcome
    from aigw_doctor.report.check_text import summary_line

    latency = {p.name: (p.latency_ms or 0.0) / 1000 for p in report.probes}
    verdicts: dict[str, Verdict] = {}
    found_by: dict[str, list[Finding]] = {}
    cases: list[Case] = []
    problems: dict[str, Problem] = {}
    for check in report.checks:
        verdict: Verdict = check_outcome(check, fail_on).value
        verdicts.setdefault(check.name, verdict)
        found_by.setdefault(check.name, list(check.findings))
        cases.append(
            Case(
                suite="checks",
                group=check.group.value,
                name=check.name,
                verdict=verdict,
                status=check.status.value,
                detail=check.detail,
                findings=list(check.findings),
                seconds=latency.get(check.name, 0.0),
            )
        )
        level = _level(verdict, check.status.value)
        if level is None:
            continue
        if not check.findings:
            key = f"check:{check.name}"
            problems[key] = Problem(level, f"{check.name}: {check.status.value}", None, check.detail, [check.name])
        for finding in check.findings:
            known = problems.get(finding.rule)
            if known is None:
                problems[finding.rule] = Problem(level, finding.title, finding, check.detail, [check.name])
            else:
                known.seen_in.append(check.name)
                if level == "error":
                    known.level = "error"
    for probe in report.probes:
        verdict = verdicts.get(probe.name) or ("inconclusive" if probe.error else "passed")
        answer = f"{probe.status}" if probe.status is not None else f"no answer: {probe.error}"
        lines = [f"{probe.method} {probe.url} → {answer}"]
        if probe.latency_ms is not None:
            lines[0] += f" in {probe.latency_ms:.0f} ms"
        if probe.retried:
            lines.append(f"retried {probe.retried} time{'s' if probe.retried > 1 else ''}")
        if probe.proves:
            lines.append(f"proves: {probe.proves}")
        cases.append(
            Case(
                suite="probes",
                group=probe.endpoint,
                name=probe.name,
                verdict=verdict,
                status=str(probe.status) if probe.status is not None else "no answer",
                detail=lines[0],
                findings=found_by.get(probe.name, []),
                seconds=(probe.latency_ms or 0.0) / 1000,
                output=lines,
            )
        )
    target = report.target
    where = " · ".join(v for v in (report.gateway, target.get("url")) if v)
    properties = {k: v for k, v in {"gateway": report.gateway, **target}.items() if v}
    properties["exit_code"] = str(report.exit_code)
    properties["fail_on"] = fail_on.value
    return Outline(
        command="check",
        headline=f"aigw-doctor check · {where}" if where else "aigw-doctor check",
        verdict=summary_line(report).plain,
        exit_code=report.exit_code,
        cases=cases,
        problems=sorted(problems.values(), key=lambda p: ("error", "warning", "notice").index(p.level)),
        properties=properties,
        notes=list(report.notes),
        seconds=report.elapsed_ms / 1000,
    )


def _explain_outline(report: ExplainReport) -> Outline:
    cases: list[Case] = []
    problems: list[Problem] = []
    for index, finding in enumerate(report.findings):
        verdict: Verdict
        if finding.severity is Severity.info:
            verdict = "passed"
        elif finding.transient:
            verdict = "inconclusive"
        else:
            verdict = "failed"
        cases.append(
            Case(
                suite="findings",
                group=finding.category.value,
                name=finding.rule,
                verdict=verdict,
                status=finding.severity.value,
                detail=finding.title,
                findings=[finding],
            )
        )
        # Only a diagnosis (the best match for a response) is an error to act on; alternatives and catalog
        # look-ups (a bare status, a rule id) are candidates, shown as notices.
        diagnosis = report.query_kind == "response" and index == 0
        level: Level = (_level(verdict, finding.severity.value) if diagnosis else None) or "notice"
        problems.append(Problem(level, finding.title, finding, "", []))
    exit_code = 0 if report.explained else 1
    if not report.findings:
        verdict_line = "nothing found"
    elif report.explained:
        top = report.findings[0]
        more = len(report.findings) - 1
        verdict_line = f"{top.title} ({top.rule})" + (f" and {more} more" if more else "")
    else:
        verdict_line = "no rule in the catalog matched: generic advice only"
    return Outline(
        command="explain",
        headline=f"aigw-doctor explain · read as {report.query_kind}",
        verdict=verdict_line,
        exit_code=exit_code,
        cases=cases,
        problems=problems,
        properties={"query_kind": report.query_kind, "exit_code": str(exit_code)},
        notes=[*report.assumptions, *(f"did you mean {s!r}?" for s in report.suggestions)],
    )
