"""Markdown summary: a table of the checks (or findings) and the fixes, for an issue, a chat or the GitHub
job summary (`$GITHUB_STEP_SUMMARY`). An analyze report has its own tables (`report/analyze_markdown.py`)."""

from __future__ import annotations

import re
import sys

from aigw_doctor.report.outline import Case, Outline, Problem, outline

_CODE_SPAN = re.compile(r"(`[^`\n]*`)")
_MARK = {"passed": "✅", "failed": "❌", "inconclusive": "⚠️", "skipped": "⏭️"}
_LEVEL_MARK = {"error": "❌", "warning": "⚠️", "notice": "ℹ️"}


def render(report: object, verbosity: int = 0) -> str:
    # An AnalyzeReport exists only once its module is loaded: check and explain never import the log readers.
    analyze = sys.modules.get("aigw_doctor.analyze.summary")
    if analyze is not None and isinstance(report, analyze.AnalyzeReport):
        # A log summary is counts over time, not a list of verdicts: its own tables (diagnoses with their
        # fixes, statuses, categories, timeline, unreadable records) say more than the outline's.
        from aigw_doctor.report.analyze_markdown import render_markdown

        return render_markdown(report)
    return summary(outline(report))


def summary(view: Outline) -> str:
    lines = [f"## {_headline_mark(view)}{_inline(view.headline)}", "", f"**{_inline(view.verdict)}**", ""]
    lines += [f"> {_inline(note)}" for note in view.notes]
    if view.notes:
        lines.append("")
    main = [c for c in view.cases if c.suite != "probes"]
    if view.command == "check":
        lines += _table(["", "Group", "Check", "Result"], [[_mark(c), c.group, c.name, c.detail] for c in main])
    else:
        lines += _table(
            ["", "Rule", "Category", "Severity", "Title"],
            [[_mark(c), f"`{c.name}`", c.group, c.status, c.detail] for c in main],
        )
    probes = [c for c in view.cases if c.suite == "probes"]
    if probes:
        lines += ["", f"<details><summary>{len(probes)} probes</summary>", ""]
        lines += _table(["", "Probe", "Request"], [[_mark(c), c.name, "; ".join(c.output)] for c in probes])
        lines += ["", "</details>"]
    if view.problems and view.command == "check":
        lines += ["", "### Problems and fixes"]
    for problem in view.problems:
        lines += ["", *_problem(problem, view.command == "check")]
    return "\n".join(lines).rstrip() + "\n"


def _headline_mark(view: Outline) -> str:
    if view.command != "check":
        return ""  # explain describes an error it was given: no verdict on anything
    if view.exit_code == 3:
        return "⚠️ "
    if view.exit_code == 0 and not any(p.level == "error" for p in view.problems):
        return "✅ "
    return "❌ "


def _mark(case: Case) -> str:
    if case.verdict == "passed" and case.status in ("warning", "crashed"):
        return "⚠️"
    return _MARK[case.verdict]


def _problem(problem: Problem, heading_small: bool) -> list[str]:
    hashes = "####" if heading_small else "###"
    finding = problem.finding
    if finding is None:
        return [f"{hashes} {_LEVEL_MARK[problem.level]} {_inline(problem.title)}", "", _inline(problem.detail)]
    lines = [f"{hashes} {_LEVEL_MARK[problem.level]} {_inline(finding.title)} (`{finding.rule}`)", ""]
    if problem.seen_in:
        lines += ["Seen in: " + ", ".join(_inline(name) for name in problem.seen_in), ""]
    if problem.detail:
        lines += ["<br>".join(_inline(line) for line in problem.detail.splitlines()), ""]
    if finding.cause:
        lines += [f"**Cause** {_inline(finding.cause)}", ""]
    lines.append(f"**Fix** {_inline(finding.fix)}")
    if finding.commands:
        lines += ["", "```bash", *finding.commands, "```"]
    if finding.retry_after:
        lines += ["", f"Retry after: `{finding.retry_after}`"]
    if finding.docs:
        lines += ["", f"Docs: {finding.docs}"]
    return lines


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(value) for value in row) + " |" for row in rows]
    return lines


def _inline(text: str) -> str:
    """Prose: a bare <branch-id> must not vanish as an HTML tag; code spans are shown as they are."""
    parts = _CODE_SPAN.split(text)
    return "".join(
        part if part.startswith("`") else part.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        for part in parts
    )


def _cell(text: str) -> str:
    return _inline(text).replace("|", "\\|").replace("\r", "").replace("\n", "<br>")
