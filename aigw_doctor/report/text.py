"""Rich renderables for findings. The report was masked before it got here (`redact.mask_report`), which
matters: Rich may wrap a long token across lines where a later pass could no longer recognise it."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from aigw_doctor.model import Finding, Severity

SEVERITY_STYLE = {Severity.error: "red", Severity.warning: "yellow", Severity.info: "cyan"}
CONFIDENCE_TEXT = {
    "exact": "exact: this documented error, told by its own message or code",
    "likely": "likely: a generic reading of the envelope's fields, wording, status or headers",
    "unknown": "unknown: no rule matched; generic advice for the status class",
}
SEVERITY_MARK = {Severity.error: "✗", Severity.warning: "!", Severity.info: "i"}


def _m(text: str) -> str:
    return escape(text)


def retry_advice(finding: Finding) -> str | None:
    if not finding.transient:
        return None
    if finding.retry_after:
        value = finding.retry_after
        when = f"{value} s" if value.isdigit() else value
        return f"Transient: retry after {when} (the response's Retry-After), then back off exponentially."
    return "Transient: retry with exponential backoff and jitter (e.g. 1 s, 2 s, 4 s, … capped)."


def finding_block(finding: Finding, *, heading: str | None = None, evidence: bool = True) -> RenderableType:
    """The panel, then the commands outside it and unwrapped, so that they copy and paste intact."""
    panel = finding_panel(finding, heading=heading, evidence=evidence)
    if not finding.commands:
        return panel
    lines = Text("Run:\n", style="bold")
    for command in finding.commands:
        lines.append(f"  $ {command}\n", style="green")
    lines.no_wrap = True
    lines.overflow = "ignore"
    return Group(panel, lines)


def finding_grid(finding: Finding, *, evidence: bool = True, rule_row: bool = False, cause: bool = True) -> Table:
    """Cause, fix, retry advice, docs (and evidence): the body of a finding in every text report."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    if cause:
        grid.add_row("Cause", _m(finding.cause))
    grid.add_row("Fix", _m(finding.fix))
    advice = retry_advice(finding)
    if advice:
        grid.add_row("Retry", _m(advice))
    if finding.docs:
        grid.add_row("Docs", _m(finding.docs))
    grid.add_row("Confidence", CONFIDENCE_TEXT.get(finding.confidence, finding.confidence))
    if finding.layer:
        who = finding.layer + (f" ({_m(finding.layer_evidence)})" if finding.layer_evidence else "")
        grid.add_row("Answered by", who)
    if rule_row:
        grid.add_row("Rule", f"[dim]{_m(finding.rule)} · {finding.category.value}[/]")
    if finding.rule_source != "shipped":  # a user pack's rule: the user sees whose words these are
        grid.add_row("From", Text(finding.rule_source, style="bold yellow"))
    if evidence and finding.evidence:
        grid.add_row("Evidence", Text("\n".join(e for e in finding.evidence), style="dim"))
    return grid


def finding_panel(finding: Finding, *, heading: str | None = None, evidence: bool = True) -> Panel:
    style = SEVERITY_STYLE.get(finding.severity, "white")
    grid = finding_grid(finding, evidence=evidence)
    mark = SEVERITY_MARK.get(finding.severity, "-")
    title = f"[{style}]{mark}[/] [bold]{_m(finding.title)}[/]"
    subtitle = f"{_m(finding.rule)} · {finding.category.value}" + (" · transient" if finding.transient else "")
    return Panel(
        grid,
        title=f"{heading + ': ' if heading else ''}{title}",
        title_align="left",
        subtitle=f"[dim]{subtitle}[/]",
        subtitle_align="right",
        border_style=style,
    )


def alternatives_table(findings: list[Finding]) -> Table:
    table = Table(title="Also matched (less specific)", title_justify="left", show_edge=False, box=None)
    table.add_column("rule", style="cyan", no_wrap=True)
    table.add_column("category", no_wrap=True)
    table.add_column("title", overflow="fold")
    for finding in findings:
        table.add_row(_m(finding.rule), finding.category.value, _m(finding.title))
    return table


def notes(lines: list[str], style: str = "dim") -> RenderableType:
    return Group(*(Text(f"note: {line}", style=style) for line in lines))
