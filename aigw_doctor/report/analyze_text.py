"""The text report of `analyze`: the diagnoses table, statuses, a bar chart of categories, errors over time,
and the lines that could not be read. The report reaching it is already masked (`redact.mask_report`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Group, RenderableType
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from aigw_doctor.analyze.present import counts_line, duration, headline, one_line, seen_range, when
from aigw_doctor.analyze.summary import AnalyzeReport
from aigw_doctor.terminal import Terminal

SEVERITY = {"error": ("✗", "red"), "warning": ("!", "yellow"), "info": ("i", "cyan")}
BAR_WIDTH = 30
EXAMPLE_CHARS = 120


def _m(text: str) -> str:
    return escape(text)


def _bar(count: int, peak: int, width: int = BAR_WIDTH) -> str:
    if peak <= 0 or count <= 0:
        return ""
    cells = count / peak * width
    full = int(cells)
    return "█" * full + ("▌" if cells - full >= 0.5 else "") or "▏"


def diagnoses_table(report: AnalyzeReport) -> Table:
    table = Table(title="Diagnoses", title_justify="left", title_style="bold", expand=True, show_lines=True)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("Count", justify="right", no_wrap=True)
    table.add_column("Share", justify="right", no_wrap=True)
    table.add_column("Diagnosis and fix", overflow="fold", ratio=1)
    table.add_column("Seen (UTC)", no_wrap=False, max_width=19)
    for index, row in enumerate(report.diagnoses, 1):
        mark, style = SEVERITY.get(row.severity, ("-", "white"))
        cell = Text()
        cell.append(f"{mark} ", style=f"bold {style}")
        cell.append(row.title, style="bold")
        cell.append(f"\n{row.rule} · {row.category}" + (" · transient" if row.transient else ""), style="dim")
        cell.append("\nFix: ", style="bold")
        cell.append(one_line(row.fix))
        example = row.example
        example = example if len(example) <= EXAMPLE_CHARS else example[: EXAMPLE_CHARS - 1] + "…"
        cell.append(f"\ne.g. {example}", style="dim")
        seen = seen_range(row.first_seen, row.last_seen).replace(" → ", "\n→ ")
        table.add_row(str(index), f"{row.count:,}", f"{row.share:.1%}", cell, seen)
    return table


def statuses_table(report: AnalyzeReport) -> Table:
    table = Table(title="Statuses", title_justify="left", title_style="bold", box=None, padding=(0, 2, 0, 0))
    table.add_column("Status", justify="right")
    table.add_column("Count", justify="right")
    table.add_column("Share", justify="right")
    table.add_column("")
    for row in report.statuses:
        label = "no response" if row.status == "none" else row.status
        note = "" if row.diagnosed else "counted only"
        table.add_row(label, f"{row.count:,}", f"{row.share:.1%}", Text(note, style="dim"))
    return table


def categories_chart(report: AnalyzeReport) -> Table:
    table = Table(title="Categories", title_justify="left", title_style="bold", box=None, padding=(0, 2, 0, 0))
    table.add_column("Category")
    table.add_column("", no_wrap=True)
    table.add_column("Count", justify="right")
    table.add_column("Share", justify="right")
    peak = max((c.count for c in report.categories), default=0)
    for row in report.categories:
        table.add_row(row.category, Text(_bar(row.count, peak), style="magenta"), f"{row.count:,}", f"{row.share:.1%}")
    return table


def timeline_chart(report: AnalyzeReport) -> Table | None:
    timeline = report.timeline
    if timeline is None:
        return None
    title = f"Diagnosed per {duration(timeline.bucket_seconds)} (UTC)"
    table = Table(title=title, title_justify="left", title_style="bold", box=None, padding=(0, 2, 0, 0))
    table.add_column("From", no_wrap=True)
    table.add_column("", no_wrap=True)
    table.add_column("Count", justify="right")
    peak = max((b.count for b in timeline.buckets), default=0)
    short = timeline.bucket_seconds < 86400 and len({b.start[:10] for b in timeline.buckets}) == 1
    for bucket in timeline.buckets:
        label = when(bucket.start, short=short) if timeline.bucket_seconds < 86400 else bucket.start[:10]
        table.add_row(label, Text(_bar(bucket.count, peak), style="cyan"), f"{bucket.count:,}")
    return table


def render_analyze(report: AnalyzeReport) -> RenderableType:
    parts: list[RenderableType] = []
    heading = Text("aigw-doctor analyze", style="bold")
    heading.append(f" · {headline(report)}")
    parts.append(heading)
    parts.append(Text(counts_line(report), style="dim"))
    if report.first_seen:
        parts.append(Text(f"diagnosed from {when(report.first_seen)} to {when(report.last_seen)} UTC", style="dim"))
    parts.append(Text(""))
    if report.diagnoses:
        parts.append(diagnoses_table(report))
        if report.diagnoses_omitted:
            parts.append(Text(f"{report.diagnoses_omitted} more diagnoses not shown (--top 0 shows all)", style="dim"))
        parts.append(Text(""))
    if report.statuses:
        parts.append(statuses_table(report))
        parts.append(Text(""))
    if report.categories:
        parts.append(categories_chart(report))
        parts.append(Text(""))
    timeline = timeline_chart(report)
    if timeline is not None:
        parts.append(timeline)
        parts.append(Text(""))
    if report.malformed.count:
        count = report.malformed.count
        lines = Text(f"{count:,} unreadable records (not counted above); first ones:\n", style="yellow")
        for item in report.malformed.examples:
            where = f"{item.input}:{item.line}" if item.line else item.input
            lines.append(f"  {where}  {item.reason}\n", style="")
        parts.append(lines)
    style = "bold red" if report.totals.errors else "bold green"
    parts.append(Text(report.verdict, style=style))
    return Group(*parts)


@contextmanager
def progress_display(terminal: Terminal) -> Iterator[object]:
    """A progress bar on stderr, in bytes of the input read; the caller only shows it on a terminal."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn

    progress = Progress(
        TextColumn("[dim]{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TimeElapsedColumn(),
        console=terminal.err,
        transient=True,
    )
    tasks: dict[str, int] = {}

    def update(name: str, done: int, total: int | None) -> None:
        if name not in tasks:
            tasks[name] = progress.add_task(name, total=total)
        progress.update(tasks[name], completed=done, total=total)  # type: ignore[arg-type]

    with progress:
        yield update
