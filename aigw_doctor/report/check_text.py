"""The doctor-style text report of a check: one line per check, grouped, the cause and fix under each
problem. The report reaching it is already masked (`redact.mask_report`)."""

from __future__ import annotations

from rich.console import Group as RenderGroup
from rich.console import RenderableType
from rich.markup import escape
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from aigw_doctor.check.model import CheckReport, CheckResult, CheckStatus, Group
from aigw_doctor.report.text import finding_grid
from aigw_doctor.verdict import check_headline

MARKS = {
    CheckStatus.ok: ("✓", "green"),
    CheckStatus.warning: ("!", "yellow"),
    CheckStatus.error: ("✗", "red"),
    CheckStatus.crashed: ("✗", "magenta"),
    CheckStatus.skipped: ("-", "dim"),
}


def _m(text: str) -> str:
    return escape(text)


def _check_row(check: CheckResult) -> tuple[Text, Text, Text]:
    mark, style = MARKS[check.status]
    name = Text(check.name, style="" if check.status is CheckStatus.ok else "bold")
    detail = Text(check.detail, style="dim" if check.status in (CheckStatus.ok, CheckStatus.skipped) else "")
    if check.status is CheckStatus.crashed:
        detail.append("  (checker crashed)", style="magenta")
    return Text(f"  {mark}", style=f"bold {style}"), name, detail


def _row(check: CheckResult, name_width: int) -> Table:
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True, width=3)
    table.add_column(no_wrap=True, width=name_width, overflow="ellipsis")
    table.add_column(overflow="fold")
    table.add_row(*_check_row(check))
    return table


def render_check(report: CheckReport, verbosity: int = 0) -> RenderableType:
    parts: list[RenderableType] = []
    target = report.target.get("url") or ""
    heading = Text("aigw-doctor check", style="bold")
    heading.append(f" · {report.gateway} · {target}", style="")
    if report.target.get("connect_address"):
        heading.append(f" (connecting to {report.target['connect_address']})", style="dim")
    parts.append(heading)
    for note in report.notes:
        parts.append(Text(f"note: {note}", style="dim"))
    shown: set[str] = set()
    for group in Group:
        checks = [c for c in report.checks if c.group is group]
        if not checks:
            continue
        parts.append(Text(""))
        parts.append(Text(group.value, style="bold underline"))
        name_width = min(44, max(len(c.name) for c in checks))
        for check in checks:
            parts.append(_row(check, name_width))
            indent = 3 + 1 + name_width + 1
            for finding in check.findings:
                if finding.rule in shown and verbosity < 2:
                    parts.append(Padding(Text(f"(see {finding.rule} above)", style="dim"), (0, 0, 0, indent)))
                    continue
                if check.status in (CheckStatus.error, CheckStatus.warning) or verbosity >= 1:
                    shown.add(finding.rule)
                    grid = finding_grid(
                        finding, evidence=verbosity >= 2, rule_row=True, cause=finding.cause not in check.detail
                    )
                    parts.append(Padding(grid, (0, 0, 0, indent)))
                    # Commands stand outside any table so that they are never wrapped or cut: they must paste.
                    for command in finding.commands:
                        line = " " * indent + f"$ {command}"
                        parts.append(Text(line, style="green", no_wrap=True, overflow="ignore"))
        if group is Group.rate_limits and report.rate_limits and verbosity >= 1:
            parts.append(_rate_limit_table(report))
    if verbosity >= 1 and report.probes:
        parts.append(Text(""))
        parts.append(Text("Exchanges", style="bold underline"))
        for probe in report.probes:
            status = probe.status if probe.status is not None else (probe.error or "no answer")
            retried = f", retried {probe.retried}×" if probe.retried else ""
            parts.append(Text(f"  {probe.method} {probe.url} → {status} ({probe.latency_ms or 0:.0f} ms{retried})"))
            if verbosity >= 2:
                parts.append(Text(f"    sent headers: {', '.join(probe.request_headers) or '-'}", style="dim"))
                for name, value in probe.response_headers.items():
                    parts.append(Text(f"    < {name}: {value}", style="dim"))
                if probe.body_excerpt:
                    parts.append(Text(f"    {probe.body_excerpt[:500]}", style="dim"))
    parts.append(Text(""))
    parts.append(summary_line(report))
    return RenderGroup(*parts)


def _rate_limit_table(report: CheckReport) -> Table:
    table = Table(show_edge=False, box=None, padding=(0, 2), header_style="dim")
    for column in ("", "source", "limit", "remaining", "reset"):
        table.add_column(column)
    for limit in report.rate_limits:
        table.add_row(
            "  " + limit.name,
            limit.source,
            limit.limit or "-",
            (limit.remaining or "-") + (" (low)" if limit.low else ""),
            limit.reset or "-",
        )
    return table


def summary_line(report: CheckReport) -> Text:
    """The report's verdict, its first words coloured by the exit code."""
    styles = {0: "bold green", 1: "bold red", 2: "bold red", 3: "bold yellow"}
    headline = check_headline(report)
    style = "bold red" if headline.startswith("Problems found") else styles.get(report.exit_code, "bold")
    line = Text(headline, style=style)
    line.append(report.verdict[len(headline) :], style="")
    return line
