"""Pieces every command shares: option types, catalog loading, input reading, and error-to-exit mapping."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from aigw_doctor import gateways
from aigw_doctor.exitcodes import ExitCode, FailOn
from aigw_doctor.report.formats import ReportFormat
from aigw_doctor.terminal import Terminal

if TYPE_CHECKING:
    from aigw_doctor.ruleset.catalog import Catalog

MAX_STDIN_BYTES = 16 * 1024 * 1024


class OutputFormat(str, Enum):
    text = "text"
    json = "json"


# The registered gateways as a Click choice (Typer wants an Enum); built from the registry, never listed here.
GatewayChoice = Enum("GatewayChoice", {name: name for name in gateways.names()}, type=str)  # type: ignore[misc]


RulesOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--rules",
        help="Add a user rule pack (a YAML file or a directory); repeatable. Also AIGW_DOCTOR_RULES "
        "(paths separated by ':'). A user rule with a shipped rule's id replaces it.",
        show_default=False,
    ),
]
FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]
NoColorOption = Annotated[bool, typer.Option("--no-color", help="Plain output without colour (also NO_COLOR).")]
ReportFormatOption = Annotated[
    ReportFormat,
    typer.Option(
        "--format",
        "-f",
        help="Output format: text, json, junit (XML test report), github (workflow annotations; with "
        "$GITHUB_STEP_SUMMARY set, also a job summary) or markdown.",
    ),
]
OutputFileOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="Write the report in the --format to FILE; the terminal still gets the text report.",
        dir_okay=False,
        show_default=False,
    ),
]
FailOnOption = Annotated[
    FailOn,
    typer.Option(
        "--fail-on",
        help="Which findings make the exit code non-zero: error (1 for errors, 3 when only transient), "
        "warning (warnings too), never (always 0 unless the tool could not run: 2).",
    ),
]


def complete_scenario(ctx: typer.Context, incomplete: str) -> list[str]:
    """Scenario names for `mock --scenario` and `check --mock`, of the gateway already on the command line."""
    from aigw_doctor.mock.scenarios import SCENARIOS

    key = "gateway" if ctx.info_name == "mock" else "mock_gateway"
    chosen = ctx.params.get(key)
    if chosen is None:
        # An option still waiting for its value stops Click's parsing before positionals are stored.
        chosen = next((w for w in ctx.args if w in gateways.names()), None)
    gateway = getattr(chosen, "value", chosen)
    return [
        s.name
        for s in SCENARIOS
        if s.name.startswith(incomplete) and (gateway not in gateways.names() or gateway in s.gateways)
    ]


class UsageProblem(Exception):
    """Bad input from the user: reported as one line, exit code 2."""


@contextmanager
def reported_errors(terminal: Terminal) -> Iterator[None]:
    """Turn the failures a user can cause into one clear line and exit code 2, never a traceback."""
    from aigw_doctor.ruleset.errors import RuleError

    try:
        yield
    except (RuleError, UsageProblem) as exc:
        terminal.error(str(exc))
        raise typer.Exit(ExitCode.USAGE) from None


def load_rules(extra: list[Path] | None) -> Catalog:
    from aigw_doctor.ruleset.catalog import load_catalog, user_rule_paths

    return load_catalog(user_rule_paths(extra or []))


def read_stdin(terminal: Terminal) -> str:
    """Standard input as text, bounded; undecodable bytes are replaced rather than fatal."""
    if sys.stdin is None:
        raise UsageProblem("'-' reads standard input, but there is none")
    if sys.stdin.isatty():
        terminal.note("reading the response from standard input; end with Ctrl-D")
    stream = getattr(sys.stdin, "buffer", None)
    raw = stream.read(MAX_STDIN_BYTES + 1) if stream is not None else sys.stdin.read(MAX_STDIN_BYTES + 1)
    data = raw if isinstance(raw, bytes) else raw.encode("utf-8", "replace")
    if len(data) > MAX_STDIN_BYTES:
        terminal.warning(
            f"standard input is larger than {MAX_STDIN_BYTES // (1024 * 1024)} MiB; read the first part only"
        )
        data = data[:MAX_STDIN_BYTES]
    return data.decode("utf-8", errors="replace").lstrip("\ufeff")
