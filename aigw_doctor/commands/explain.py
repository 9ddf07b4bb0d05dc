"""`aigw-doctor explain`: offline diagnosis of a status, message, code, rule id or pasted response."""

from __future__ import annotations

from typing import Annotated

import typer

from aigw_doctor.commands.common import (
    GatewayChoice,
    NoColorOption,
    OutputFileOption,
    OutputFormat,
    ReportFormatOption,
    RulesOption,
    UsageProblem,
    load_rules,
    read_stdin,
    reported_errors,
)
from aigw_doctor.report.formats import ReportFormat
from aigw_doctor.terminal import Terminal

EPILOG = """[bold]Examples[/]

  aigw-doctor explain 429
  aigw-doctor explain "unknown model"
  aigw-doctor explain REQUEST_LIMIT_EXCEEDED
  aigw-doctor explain neon.credential.invalid
  aigw-doctor explain '{"error": {"message": "credential not authorized for this branch"}}' --status 403
  curl -si "$NEON_AI_GATEWAY_BASE_URL/v1/models" \\
       -H "Authorization: Bearer $NEON_AI_GATEWAY_TOKEN" | aigw-doctor explain -
  aigw-doctor explain --all --format json
  aigw-doctor explain - --format markdown < response.txt     # a summary to paste into an issue
"""


def _complete_query(incomplete: str) -> list[str]:
    try:
        catalog = load_rules(None)
    except Exception:
        return []
    keys = {rule.id for rule in catalog.rules}
    keys |= {alias for rule in catalog.rules for alias in rule.aliases}
    keys |= {str(code) for rule in catalog.rules for code in rule.match.statuses()}
    return sorted(k for k in keys if k.casefold().startswith(incomplete.casefold()))


def _parse_header(value: str) -> tuple[str, str]:
    name, sep, rest = value.partition(":")
    if not sep or not name.strip():
        raise UsageProblem(f"--header takes 'Name: value', got {value!r}")
    return name.strip(), rest.strip()


def explain(
    query: Annotated[
        str | None,
        typer.Argument(
            help="A status code, an error message or part of one, an error code, a rule id, a JSON body, "
            "or '-' to read a whole HTTP response (curl -si) from standard input.",
            autocompletion=_complete_query,
            show_default=False,
        ),
    ] = None,
    status: Annotated[
        int | None, typer.Option("--status", "-s", help="The HTTP status, when the query lacks it.", min=100, max=599)
    ] = None,
    header: Annotated[
        list[str] | None, typer.Option("--header", "-H", help="A response header 'Name: value'; repeatable.")
    ] = None,
    gateway: Annotated[GatewayChoice | None, typer.Option("--gateway", "-g", help="Which gateway answered.")] = None,
    all_rules: Annotated[bool, typer.Option("--all", help="Show the whole catalog (text or json).")] = False,
    fmt: ReportFormatOption = ReportFormat.text,
    output: OutputFileOption = None,
    rules: RulesOption = None,
    no_color: NoColorOption = False,
) -> None:
    """Explain a gateway error: its cause and its fix, offline."""
    terminal = Terminal(no_color=no_color)
    with reported_errors(terminal):
        catalog = load_rules(rules)
        if all_rules:
            from aigw_doctor.commands.rules import render_rule_list

            if fmt not in (ReportFormat.text, ReportFormat.json) or output is not None:
                raise UsageProblem("--all prints the catalog as text or json on standard output")
            render_rule_list(terminal, catalog.rules, OutputFormat(fmt.value), full=True)
            return
        if query is None:
            raise UsageProblem("nothing to explain: give a status, message, code or rule id, or '-' for standard input")
        headers = dict(_parse_header(h) for h in header or [])
        from aigw_doctor.explain import ExplainRequest
        from aigw_doctor.explain import explain as run_explain

        request = ExplainRequest(
            query=query,
            stdin_text=read_stdin(terminal) if query.strip() == "-" else None,
            status=status,
            headers=headers,
            gateway=gateway.value if gateway else None,
        )
        report = run_explain(request, catalog)
    from aigw_doctor.commands.output import emit_report

    emit_report(terminal, report, fmt, output)
    raise typer.Exit(report.exit_code)
