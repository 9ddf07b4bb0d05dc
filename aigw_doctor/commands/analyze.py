"""`aigw-doctor analyze FILE…|-`: diagnose a whole log of gateway exchanges and summarise."""

from __future__ import annotations

import sys
from contextlib import AbstractContextManager, nullcontext
from enum import Enum
from typing import Annotated, Any

import typer

from aigw_doctor.commands.common import (
    NoColorOption,
    OutputFileOption,
    ReportFormatOption,
    RulesOption,
    UsageProblem,
    load_rules,
    reported_errors,
)
from aigw_doctor.exitcodes import FailOn
from aigw_doctor.report.formats import ReportFormat
from aigw_doctor.terminal import Terminal

EPILOG = """[bold]Examples[/]

  aigw-doctor analyze gateway.jsonl
  aigw-doctor analyze logs/*.jsonl.gz --top 5
  aigw-doctor analyze session.har --format markdown
  aigw-doctor analyze cloudflare-logs.json --format json > summary.json
  aigw-doctor analyze gateway.jsonl -f junit -o analyze.xml     # a CI step
  kubectl logs deploy/api | grep '"status"' | aigw-doctor analyze -

[bold]Exit codes[/]  0 no error-level diagnosis · 1 at least one · 2 unreadable
input or usage error. --fail-on warning counts warning-level diagnoses too;
--fail-on never exits 0 unless the input could not be read (2).
"""


# check's --fail-on, without its exit code 3: a log is never inconclusive.
FailOnOption = Annotated[
    FailOn,
    typer.Option(
        "--fail-on",
        help="Which diagnoses make the exit code 1: error (error-level ones), warning (warning-level ones too), "
        "never (always 0 unless the input could not be read: 2).",
    ),
]


class InputFormatChoice(str, Enum):
    auto = "auto"
    jsonl = "jsonl"
    har = "har"
    curl = "curl"
    cloudflare = "cloudflare"


def analyze(
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="Log files (JSON Lines, HAR, curl -i/-v transcripts, Cloudflare AI Gateway log exports; "
            "gzip-compressed or not), or '-' for standard input.",
            show_default=False,
        ),
    ],
    input_format: Annotated[
        InputFormatChoice, typer.Option("--input-format", "-i", help="The input format; auto detects it per file.")
    ] = InputFormatChoice.auto,
    top: Annotated[
        int, typer.Option("--top", "-n", help="Show the N most frequent diagnoses; 0 shows all.", min=0)
    ] = 10,
    min_status: Annotated[
        int,
        typer.Option(
            "--min-status", help="Diagnose exchanges with this status or above; the rest are only counted.", min=100
        ),
    ] = 400,
    fmt: ReportFormatOption = ReportFormat.text,
    output: OutputFileOption = None,
    fail_on: FailOnOption = FailOn.error,
    rules: RulesOption = None,
    no_color: NoColorOption = False,
) -> None:
    """Diagnose a whole log of gateway responses: which problems, how often, since when, how to fix each."""
    terminal = Terminal(no_color=no_color)
    with reported_errors(terminal):
        from aigw_doctor.analyze import AnalyzeOptions, InputFormat, UnreadableInput
        from aigw_doctor.analyze import analyze as run_analyze

        if not inputs:
            raise UsageProblem("nothing to analyze: give one or more log files, or '-' for standard input")
        catalog = load_rules(rules)
        options = AnalyzeOptions(
            inputs=inputs, input_format=InputFormat(input_format.value), min_status=min_status, top=top, fail_on=fail_on
        )
        with _progress(terminal) as progress:
            try:
                report, _ = run_analyze(options, catalog, progress)
            except UnreadableInput as exc:
                raise UsageProblem(f"cannot read the input: {exc}") from None
    from aigw_doctor.commands.output import emit_report

    emit_report(terminal, report, fmt, output)
    raise typer.Exit(report.exit_code)


def _progress(terminal: Terminal) -> AbstractContextManager[Any]:
    # Checked on the raw stream first, so that a pipe or CI never imports Rich for a progress bar.
    if sys.stderr.isatty() and not terminal.in_ci and not terminal.err.is_dumb_terminal:
        from aigw_doctor.report.analyze_text import progress_display

        return progress_display(terminal)
    return nullcontext(None)
