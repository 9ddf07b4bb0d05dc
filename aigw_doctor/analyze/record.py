"""One logged exchange, as the readers hand it to the summary: the response, what is known of the request,
where it came from. Plain data with slots: a day of traffic creates a great many of them, and only the
failing ones (status at or above `--min-status`) are ever built."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any


@dataclass(slots=True)
class LoggedExchange:
    line: int
    status: int | None
    body: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    headers_known: bool = True
    gateway: str | None = None
    method: str | None = None
    url: str | None = None
    host: str | None = None
    path: str | None = None
    model: str | None = None
    request_header_names: tuple[str, ...] = ()
    transport_error: str | None = None
    # The text a transport error was read from (a `curl -v` transcript): enrich() refines the error from it.
    transport_text: str | None = None
    facts: tuple[tuple[str, str], ...] = ()
    # As logged (ISO-8601 text or epoch seconds/milliseconds): parsed only for exchanges that are diagnosed.
    timestamp: Any = None


@dataclass(frozen=True, slots=True)
class Malformed:
    line: int
    reason: str


# Epoch values above this are milliseconds (1e11 s is the year 5138).
_MILLISECONDS_FROM = 1e11
_MICROSECONDS_FROM = 1e14
_LATEST = 253402300800.0  # 10000-01-01T00:00:00Z


def parse_timestamp(value: Any) -> float | None:
    """Epoch seconds (UTC) from ISO-8601 text or an epoch number in s, ms or µs; None when unreadable."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if text[0].isdigit() and text.replace(".", "", 1).isdigit():
            number = float(text)
        else:
            return _iso(text)
    else:
        return None
    if number != number or number <= 0:
        return None
    if number >= _MICROSECONDS_FROM:
        number /= 1e6
    elif number >= _MILLISECONDS_FROM:
        number /= 1e3
    # Past the year 9999 a timestamp is a bad value, not a moment: it would stretch the timeline to nothing.
    return number if number < _LATEST else None


def _iso(text: str) -> float | None:
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    # Python 3.10's fromisoformat wants a space or T, at most 6 fractional digits and a colon in the offset.
    moment: datetime | None
    try:
        moment = datetime.fromisoformat(text)
    except (ValueError, RecursionError):
        moment = _iso_lenient(text)
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)  # logs without an offset are taken to be UTC
    try:
        return moment.timestamp()
    except (OverflowError, OSError, ValueError):
        return None  # (an ISO date cannot pass the year 9999)


def _iso_lenient(text: str) -> datetime | None:
    import re

    match = re.fullmatch(
        r"(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:[.,](\d+))?\s*(?:([+-]\d{2}):?(\d{2})|UTC|GMT)?", text
    )
    if match is None:
        return None
    date, clock, fraction, offset_hours, offset_minutes = match.groups()
    rebuilt = f"{date}T{clock}"
    if fraction:
        rebuilt += "." + fraction[:6].ljust(6, "0")
    rebuilt += f"{offset_hours}:{offset_minutes}" if offset_hours else "+00:00"
    try:
        return datetime.fromisoformat(rebuilt)
    except (ValueError, RecursionError):
        return None


def iso(seconds: float | None) -> str | None:
    if seconds is None:
        return None
    try:
        moment = datetime.fromtimestamp(seconds, tz=timezone.utc)
        spec = "seconds" if float(seconds).is_integer() else "milliseconds"
        return moment.isoformat(timespec=spec).replace("+00:00", "Z")
    except (OverflowError, OSError, ValueError):
        return None
