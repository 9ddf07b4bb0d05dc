"""The doctor-style text report of a check: one line per check, grouped, the cause and fix under each
problem. Every string is masked before it becomes part of a renderable."""

from __future__ import annotations

from rich.console import Group as RenderGroup
from rich.console import RenderableType
from rich.markup import escape
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from aigw_doctor.check.model import CheckReport, CheckResult, CheckStatus, Group
from aigw_doctor.redact import mask_header_value, mask_text
from aigw_doctor.report.text import finding_grid

MARKS = {
    CheckStatus.ok: ("✓", "green"),
    CheckStatus.warning: ("!", "yellow"),
    CheckStatus.error: ("✗", "red"),
    CheckStatus.crashed: ("✗", "magenta"),
    CheckStatus.skipped: ("-", "dim"),
}


def _m(text: str) -> str:
    return escape(mask_text(text))


def _check_row(check: CheckResult) -> tuple[Text, Text, Text]:
    mark, style = MARKS[check.status]
    name = Text(mask_text(check.name), style="" if check.status is CheckStatus.ok else "bold")
    detail = Text(mask_text(check.detail), style="dim" if check.status in (CheckStatus.ok, CheckStatus.skipped) else "")
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
    heading.append(f" · {report.gateway} · {mask_text(target)}", style="")
    if report.target.get("connect_address"):
        heading.append(f" (connecting to {report.target['connect_address']})", style="dim")
    parts.append(heading)
    for note in report.notes:
        parts.append(Text(f"note: {mask_text(note)}", style="dim"))
    shown: set[str] = set()
    for group in Group:
        checks = [c for c in report.checks if c.group is group]
        if not checks:
            continue
        parts.append(Text(""))
        parts.append(Text(group.value, style="bold underline"))
        name_width = min(44, max(len(mask_text(c.name)) for c in checks))
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
                        line = " " * indent + f"$ {mask_text(command)}"
                        parts.append(Text(line, style="green", no_wrap=True, overflow="ignore"))
        if group is Group.rate_limits and report.rate_limits and verbosity >= 1:
            parts.append(_rate_limit_table(report))
    if verbosity >= 1 and report.probes:
        parts.append(Text(""))
        parts.append(Text("Exchanges", style="bold underline"))
        for probe in report.probes:
            status = probe.status if probe.status is not None else (probe.error or "no answer")
            retried = f", retried {probe.retried}×" if probe.retried else ""
            parts.append(
                Text(f"  {probe.method} {mask_text(probe.url)} → {status} ({probe.latency_ms or 0:.0f} ms{retried})")
            )
            if verbosity >= 2:
                parts.append(Text(f"    sent headers: {', '.join(probe.request_headers) or '-'}", style="dim"))
                for name, value in probe.response_headers.items():
                    parts.append(Text(f"    < {name}: {mask_header_value(name, value)}", style="dim"))
                if probe.body_excerpt:
                    parts.append(Text(f"    {mask_text(probe.body_excerpt)[:500]}", style="dim"))
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
    counts = {status: sum(1 for c in report.checks if c.status is status) for status in CheckStatus}
    problems = counts[CheckStatus.error] + counts[CheckStatus.crashed]
    verdicts = {
        0: ("All checks passed", "bold green"),
        1: ("Problems found", "bold red"),
        2: ("Could not check: configuration", "bold red"),
        3: ("Inconclusive: retry later or check the network", "bold yellow"),
    }
    verdict, style = verdicts.get(report.exit_code, ("Done", "bold"))
    if report.exit_code == 0 and problems:  # --fail-on never: the problems stay visible, only the exit code is 0
        verdict, style = "Problems found (not failing the run: --fail-on never)", "bold red"
    line = Text(verdict, style=style)
    line.append(
        f" · {counts[CheckStatus.ok]} ok, {counts[CheckStatus.warning]} warnings, {problems} errors"
        f", {counts[CheckStatus.skipped]} skipped · {len(report.probes)} probes in {report.elapsed_ms / 1000:.1f} s"
        f" · exit {report.exit_code}",
        style="",
    )
    return line
