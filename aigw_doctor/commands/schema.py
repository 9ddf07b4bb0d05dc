"""`aigw-doctor schema`: the JSON Schema of the `--format json` reports, for tools that consume them."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from aigw_doctor.commands.common import OutputFileOption, UsageProblem, reported_errors
from aigw_doctor.terminal import Terminal


class SchemaReport(str, Enum):
    check = "check"
    explain = "explain"
    analyze = "analyze"


EPILOG = """[bold]Examples[/]

  aigw-doctor schema check > check-report.schema.json
  aigw-doctor check --format json | check-jsonschema --schemafile check-report.schema.json -
  aigw-doctor schema analyze --output analyze-report.schema.json
"""


def schema(
    report: Annotated[
        SchemaReport, typer.Argument(help="Which command's JSON report: check, explain or analyze.")
    ] = SchemaReport.check,
    output: OutputFileOption = None,
) -> None:
    """Print the JSON Schema (draft 2020-12) of a command's --format json report."""
    import json

    from aigw_doctor.report.schema import report_schema

    terminal = Terminal()
    text = json.dumps(report_schema(report.value), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        terminal.write_raw(text)
        return
    with reported_errors(terminal):
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UsageProblem(f"--output: cannot write {output}: {exc.strerror or exc}") from None
