"""A report seen as test cases and problems: what the JUnit, GitHub and Markdown formats have in common.

Each report type (check, explain, analyze) is reduced here once, so every format shows the same verdicts; the verdicts,
the `--fail-on` in force and the exit code come from the report (`aigw_doctor.verdict`), never from a renderer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from aigw_doctor.exitcodes import FailOn
from aigw_doctor.model import Category, Finding, Severity
from aigw_doctor.verdict import check_outcome, severity_fails

if TYPE_CHECKING:
    from aigw_doctor.analyze.summary import AnalyzeReport, DiagnosisRow
    from aigw_doctor.check.model import CheckReport
    from aigw_doctor.explain import ExplainReport

Verdict = Literal["passed", "failed", "inconclusive", "skipped"]
Level = Literal["error", "warning", "notice"]


@dataclass
class Case:
    """One test case: a check, a probe, (explain) a finding, or (analyze) a diagnosis or an input file."""

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
    """One thing to act on, once however many checks saw it: an annotation, a section of the summary.
    `detail` is shown with the finding's cause and fix when there is one, instead of them when there is not."""

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


def outline(report: object) -> Outline:
    from aigw_doctor.check.model import CheckReport
    from aigw_doctor.explain import ExplainReport

    if isinstance(report, CheckReport):
        return _check_outline(report)
    if isinstance(report, ExplainReport):
        return _explain_outline(report)
    from aigw_doctor.analyze.summary import AnalyzeReport  # last: check and explain need no log readers

    if isinstance(report, AnalyzeReport):
        return _analyze_outline(report)
    raise TypeError(f"no report outline for {type(report).__name__}")


def _level(verdict: Verdict, status: str) -> Level | None:
    if verdict == "failed":
        return "error"
    if verdict == "inconclusive" or status in ("warning", "crashed"):
        return "warning"
    return None


def _check_outline(report: CheckReport) -> Outline:
    fail_on = FailOn(report.fail_on)

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
                # The check's own detail is in its test case; the problem speaks of the finding.
                problems[finding.rule] = Problem(level, finding.title, finding, "", [check.name])
            else:
                known.seen_in.append(check.name)
                if level == "error":
                    known.level = "error"
    if report.probes and not report.request_path_tested:
        # Not a failure (the user may have asked for it), but never silent: an annotation in every CI format.
        untested = next((c for c in report.checks if c.name == "upstream path"), None)
        problems["check:upstream path"] = Problem(
            "warning",
            "the request path was not tested: no real request was sent",
            None,
            untested.detail if untested else "",
            ["upstream path"],
        )
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
    properties["fail_on"] = report.fail_on
    return Outline(
        command="check",
        headline=f"aigw-doctor check · {where}" if where else "aigw-doctor check",
        verdict=report.verdict,
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
    exit_code = report.exit_code
    return Outline(
        command="explain",
        headline=f"aigw-doctor explain · read as {report.query_kind}",
        verdict=report.verdict,
        exit_code=exit_code,
        cases=cases,
        problems=problems,
        properties={"query_kind": report.query_kind, "exit_code": str(exit_code)},
        notes=[*report.assumptions, *(f"did you mean {s!r}?" for s in report.suggestions)],
    )


def _analyze_outline(report: AnalyzeReport) -> Outline:
    from aigw_doctor.analyze.present import counts_line, headline

    fail_on = FailOn(report.fail_on)

    cases: list[Case] = []
    problems: list[Problem] = []
    for row in report.diagnoses:
        finding = _row_finding(row)
        facts = _row_facts(row)
        verdict_: Verdict = "failed" if severity_fails(row.severity, fail_on) else "passed"
        cases.append(
            Case(
                suite="diagnoses",
                group=row.category,
                name=row.rule,
                verdict=verdict_,
                status=row.severity,
                detail=row.title,
                findings=[finding],
                output=facts,
            )
        )
        level: Level = "error" if verdict_ == "failed" else "warning" if row.severity == "warning" else "notice"
        problems.append(Problem(level, row.title, finding, "\n".join(facts)))
    for source in report.inputs:
        kind = source.format + (" (gzip)" if source.compressed else "")
        detail = f"{source.records:,} records ({kind}), {source.malformed:,} unreadable"
        # Unreadable lines never fail the run (the exit code ignores them): a warning, not a failure.
        status = "warning" if source.malformed else "ok"
        cases.append(Case("inputs", source.format, source.name, "passed", status, detail, output=[detail]))
    if report.malformed.count:
        first = [f"{m.input} line {m.line or '?'}: {m.reason}" for m in report.malformed.examples]
        count = report.malformed.count
        title = f"{count:,} unreadable record{'' if count == 1 else 's'} (counted, not diagnosed)"
        problems.append(Problem("warning", title, None, "First ones:\n" + "\n".join(first)))
    problems.sort(key=lambda p: ("error", "warning", "notice").index(p.level))
    notes = [counts_line(report)]
    if report.diagnoses_omitted:
        notes.append(f"{report.diagnoses_omitted} more diagnoses not shown (--top 0 shows all)")
    properties = {
        "inputs": str(len(report.inputs)),
        "records": str(report.totals.records),
        "diagnosed": str(report.totals.diagnosed),
        "min_status": str(report.min_status),
        "first_seen": report.first_seen or "",
        "last_seen": report.last_seen or "",
        "exit_code": str(report.exit_code),
        "fail_on": report.fail_on,
    }
    return Outline(
        command="analyze",
        headline=f"aigw-doctor analyze · {headline(report)}",
        verdict=report.verdict,
        exit_code=report.exit_code,
        cases=cases,
        problems=problems,
        properties={k: v for k, v in properties.items() if v},
        notes=notes,
    )


def _row_finding(row: DiagnosisRow) -> Finding:
    """A diagnosis row as the finding it summarises. The row keeps no cause (only the title and the fix, all
    a summary shows): the cause stays empty and the renderers leave it out."""
    return Finding(
        rule=row.rule,
        category=Category(row.category),
        severity=Severity(row.severity),
        transient=row.transient,
        title=row.title,
        cause="",
        fix=row.fix,
        docs=row.docs,
    )


def _row_facts(row: DiagnosisRow) -> list[str]:
    from aigw_doctor.analyze.present import when

    statuses = ", ".join(f"{status} ×{count:,}" for status, count in row.statuses.items())
    times = "once" if row.count == 1 else f"{row.count:,} times"
    lines = [f"Seen {times} ({row.share:.1%} of the diagnosed exchanges)"]
    if row.first_seen:
        lines.append(f"First seen {when(row.first_seen)} UTC, last seen {when(row.last_seen)} UTC")
    if statuses:
        lines.append(f"Statuses: {statuses}")
    if row.example:
        lines.append(f"Example ({row.example_at}): {row.example}")
    return lines
