"""The `text` format: the report of any command as one Rich renderable, for a terminal or `--output`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.text import Text

if TYPE_CHECKING:
    from aigw_doctor.explain import ExplainReport


def render(report: object, verbosity: int = 0) -> RenderableType:
    from aigw_doctor.check.model import CheckReport
    from aigw_doctor.explain import ExplainReport

    if isinstance(report, CheckReport):
        from aigw_doctor.report.check_text import render_check

        return render_check(report, verbosity)
    if isinstance(report, ExplainReport):
        return _explain(report)
    from aigw_doctor.analyze.summary import AnalyzeReport  # last: check and explain need no log readers

    if isinstance(report, AnalyzeReport):
        from aigw_doctor.report.analyze_text import render_analyze

        return render_analyze(report)
    raise TypeError(f"no text report for {type(report).__name__}")


def _explain(report: ExplainReport) -> RenderableType:
    from aigw_doctor.report.text import alternatives_table, finding_block, notes

    parts: list[RenderableType] = []
    if report.assumptions:
        parts.append(notes(report.assumptions))
    if report.query_kind == "response":
        top, rest = report.findings[0], report.findings[1:]
        parts.append(finding_block(top, heading="Diagnosis"))
        if rest:
            parts.append(alternatives_table(rest))
    else:
        parts.extend(finding_block(finding, evidence=False) for finding in report.findings)
    if report.suggestions:
        parts.append(Text("Did you mean: " + ", ".join(repr(s) for s in report.suggestions) + "?"))
    return Group(*parts)
