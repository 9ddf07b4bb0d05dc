"""The report formats behind `--format`: one module per format, each a `render(report, fail_on=...) -> str`.

This module is imported when the CLI starts, so it only names the formats; a format's module is imported
when that format is asked for.
"""

from __future__ import annotations

from enum import Enum

from aigw_doctor.exitcodes import FailOn


class ReportFormat(str, Enum):
    text = "text"
    json = "json"
    junit = "junit"
    github = "github"
    markdown = "markdown"


def render(report: object, fmt: ReportFormat, *, fail_on: FailOn = FailOn.error) -> str:
    """A machine format as one string, masked; always a complete document, even when nothing was found.
    (`text` is drawn by each command's Rich renderer instead.)"""
    if fmt is ReportFormat.json:
        from aigw_doctor.report.json import to_json

        return to_json(report)
    if fmt is ReportFormat.junit:
        from aigw_doctor.report import junit

        return junit.render(report, fail_on=fail_on)
    if fmt is ReportFormat.github:
        from aigw_doctor.report import github

        return github.render(report, fail_on=fail_on)
    if fmt is ReportFormat.markdown:
        from aigw_doctor.report import markdown

        return markdown.render(report, fail_on=fail_on)
    raise ValueError(f"{fmt.value} is not a machine format")
