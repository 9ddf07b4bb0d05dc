"""GitHub Actions workflow commands: one `::error` / `::warning` / `::notice` annotation per problem.

Escaping as GitHub's runner expects it (actions/toolkit `command.ts`): in the message `%`, `\\r`, `\\n`; in
property values also `:` and `,`. The Markdown summary for `$GITHUB_STEP_SUMMARY` is the `markdown` format.
"""

from __future__ import annotations

from aigw_doctor.report.outline import Outline, Problem, outline


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(level: str, message: str, **properties: str) -> str:
    """`::level key=value,key=value::message`; the report was masked before it got here, so a token cannot
    survive as %-codes."""
    props = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    return f"::{level}{' ' + props if props else ''}::{escape_data(message)}"


def render(report: object, verbosity: int = 0) -> str:
    view = outline(report)
    lines = [_annotation(view, problem) for problem in view.problems]
    lines.append(f"aigw-doctor {view.command}: {view.verdict}")
    return "\n".join(lines) + "\n"


def step_summary(report: object) -> str:
    from aigw_doctor.report.markdown import render as markdown

    return markdown(report)


def _annotation(view: Outline, problem: Problem) -> str:
    finding = problem.finding
    title = f"aigw-doctor {view.command}: {problem.title}"
    if finding is None:
        return command(problem.level, problem.detail or problem.title, title=title)
    parts = []
    if problem.seen_in:
        parts.append("Seen in: " + ", ".join(problem.seen_in))
    if problem.detail:
        parts.append(problem.detail)
    if finding.cause:
        parts.append(f"Cause: {finding.cause}")
    parts.append(f"Fix: {finding.fix}")
    parts += [f"  $ {line}" for line in finding.commands]
    if finding.retry_after:
        parts.append(f"Retry-After: {finding.retry_after}")
    if finding.docs:
        parts.append(f"Docs: {finding.docs}")
    parts.append(f"Rule: {finding.rule} ({finding.category.value})")
    return command(problem.level, "\n".join(parts), title=title)
