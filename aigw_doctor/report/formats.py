"""The report formats behind `--format`: one table, format name → the module that renders it.

Every format module has `render(report, verbosity=0)`: `text` returns a Rich renderable for the terminal, the
others a complete document as a string (even when nothing was found). Each reads a report that the one masking
pass (`redact.mask_report`) has already been over, and only reads it: verdicts, `--fail-on` and exit codes are
the report's own.

This module is imported when the CLI starts, so it only names the formats; a format's module is imported
when that format is asked for.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from enum import Enum
from typing import Any


class ReportFormat(str, Enum):
    text = "text"
    json = "json"
    junit = "junit"
    github = "github"
    markdown = "markdown"


RENDERERS: dict[ReportFormat, str] = {
    ReportFormat.text: "aigw_doctor.report.terminal_report",
    ReportFormat.json: "aigw_doctor.report.json",
    ReportFormat.junit: "aigw_doctor.report.junit",
    ReportFormat.github: "aigw_doctor.report.github",
    ReportFormat.markdown: "aigw_doctor.report.markdown",
}


def renderer(fmt: ReportFormat) -> Callable[..., Any]:
    return importlib.import_module(RENDERERS[fmt]).render  # type: ignore[no-any-return]


def render(report: object, fmt: ReportFormat) -> str:
    """A machine format as one string (`text` is drawn on a terminal instead: see `commands.output`)."""
    if fmt is ReportFormat.text:
        raise ValueError("text is drawn on a terminal, not rendered to a string")
    return str(renderer(fmt)(report))
