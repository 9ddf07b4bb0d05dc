"""Small helpers every analyze renderer shares (text, Markdown): no Rich here."""

from __future__ import annotations

from aigw_doctor.analyze.summary import AnalyzeReport

FIX_CHARS = 120


def one_line(text: str, limit: int = FIX_CHARS) -> str:
    """The first sentence of a fix, on one line, at most `limit` characters."""
    flat = " ".join(text.split())
    end = flat.find(". ")
    while end != -1 and end < 20:
        end = flat.find(". ", end + 2)
    sentence = flat if end == -1 else flat[: end + 1]
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"


def when(stamp: str | None, *, short: bool = False) -> str:
    """`2026-07-01T12:00:05.123Z` → `2026-07-01 12:00:05` (or `12:00` when short)."""
    if not stamp:
        return "-"
    date, _, clock = stamp.rstrip("Z").partition("T")
    clock = clock.split(".")[0]
    return clock[:5] if short else f"{date} {clock}"


def seen_range(first: str | None, last: str | None) -> str:
    if not first:
        return "-"
    if first[:10] == (last or "")[:10]:
        return f"{when(first)} → {when(last, short=True)}" if last and last != first else when(first)
    return f"{when(first)} → {when(last)}"


def headline(report: AnalyzeReport) -> str:
    totals = report.totals
    inputs = report.inputs
    formats = ", ".join(sorted({i.format + (" (gzip)" if i.compressed else "") for i in inputs}))
    noun = "input" if len(inputs) == 1 else "inputs"
    return f"{totals.records:,} records from {len(inputs)} {noun} ({formats})"


def counts_line(report: AnalyzeReport) -> str:
    t = report.totals
    parts = [f"{t.diagnosed:,} diagnosed (status ≥ {report.min_status} or no response)"]
    parts.append(f"{t.below_min_status:,} below {report.min_status} counted only")
    if t.malformed:
        parts.append(f"{t.malformed:,} unreadable")
    return " · ".join(parts)


def duration(seconds: int) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds // size} {unit}"
    return f"{seconds} s"
