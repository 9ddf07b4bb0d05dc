"""Where a report goes: stdout in the chosen format, or a file (`--output`) while the terminal gets the text
report; with `--format github`, also the job summary in `$GITHUB_STEP_SUMMARY`.

The one masking pass happens here, on the finished report, before any format sees it."""

from __future__ import annotations

import os
from pathlib import Path

from aigw_doctor.commands.common import UsageProblem, reported_errors
from aigw_doctor.report.formats import ReportFormat
from aigw_doctor.terminal import Terminal, capture

STEP_SUMMARY_ENV = "GITHUB_STEP_SUMMARY"


def emit_report(
    terminal: Terminal, report: object, fmt: ReportFormat, output: Path | None, *, verbosity: int = 0
) -> None:
    from aigw_doctor.redact import mask_report
    from aigw_doctor.report.formats import render, renderer
    from aigw_doctor.sanitize import escape_controls

    masked = mask_report(report)
    # JSON escapes control characters itself; every other format shows them written out, never obeys them.
    shown = masked if fmt is ReportFormat.json else escape_controls(masked)
    plain = escape_controls(masked) if fmt is ReportFormat.json else shown

    def text(out: Terminal) -> None:
        out.print(renderer(ReportFormat.text)(plain, verbosity), crop=False)

    with reported_errors(terminal):
        if output is not None:
            content = capture(text) if fmt is ReportFormat.text else render(shown, fmt)
            _write(output, content)
            text(terminal)
            terminal.note(f"{fmt.value} report written to {output}")
        elif fmt is ReportFormat.text:
            text(terminal)
        else:
            terminal.write_raw(render(shown, fmt))
    if fmt is ReportFormat.github:
        _append_step_summary(terminal, shown)


def _write(path: Path, content: str) -> None:
    try:
        path.write_text(content, encoding="utf-8")
    except OSError as exc:
        raise UsageProblem(f"--output: cannot write {path}: {exc.strerror or exc}") from None


def _append_step_summary(terminal: Terminal, report: object) -> None:
    target = os.environ.get(STEP_SUMMARY_ENV, "").strip()
    if not target:
        return
    from aigw_doctor.report.github import step_summary

    try:
        with open(target, "a", encoding="utf-8") as summary:
            summary.write(step_summary(report) + "\n")
    except OSError as exc:
        # The annotations are out already; a job summary that cannot be written is not worth failing for.
        terminal.warning(f"cannot append the job summary to ${STEP_SUMMARY_ENV} ({target}): {exc.strerror or exc}")
