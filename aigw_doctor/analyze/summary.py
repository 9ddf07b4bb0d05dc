"""The summary of a log: counters and a bounded number of examples, never a list of all exchanges, so
memory stays flat however long the log. `Summary.add` is fed by the readers; `Summary.report()` builds the
plain-data report every output format renders."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from aigw_doctor.analyze.diagnoser import Diagnoser, Diagnosis
from aigw_doctor.analyze.record import LoggedExchange, Malformed, iso, parse_timestamp
from aigw_doctor.model import Settled
from aigw_doctor.redact import mask_text

REPORT_SCHEMA_VERSION = 1
MAX_MALFORMED_EXAMPLES = 5
EXAMPLE_CHARS = 200
# Fine buckets kept while reading; coarsened when there are too many, then merged for display.
_BUCKET_LADDER = (60, 300, 900, 3600, 6 * 3600, 86400, 7 * 86400, 30 * 86400, 365 * 86400)
_MAX_LIVE_BUCKETS = 20_000
_DISPLAY_BUCKETS = 24
_EXAMPLE_WINDOW = 2000
_TRAILING_WORD = re.compile(r"[^\s\"',;:{}\[\]()<>]+$")


# --------------------------------------------------------------------------- the report (plain data)


@dataclass
class InputSummary:
    name: str
    format: str
    compressed: bool
    records: int = 0
    malformed: int = 0


@dataclass
class DiagnosisRow:
    rule: str
    category: str
    severity: str
    transient: bool
    title: str
    fix: str
    docs: str | None
    count: int
    share: float
    first_seen: str | None
    last_seen: str | None
    statuses: dict[str, int]
    example: str
    example_at: str


@dataclass
class StatusRow:
    status: str  # "429", or "none" for exchanges that got no response
    count: int
    share: float
    diagnosed: bool


@dataclass
class CategoryRow:
    category: str
    count: int
    share: float


@dataclass
class TimeBucket:
    start: str
    count: int


@dataclass
class Timeline:
    bucket_seconds: int
    buckets: list[TimeBucket]


@dataclass
class MalformedExample:
    input: str
    line: int
    reason: str


@dataclass
class MalformedSummary:
    count: int
    examples: list[MalformedExample]


@dataclass
class Totals:
    records: int
    below_min_status: int
    diagnosed: int
    errors: int
    warnings: int
    info: int
    malformed: int


@dataclass
class AnalyzeReport(Settled):
    schema_version: int
    min_status: int
    inputs: list[InputSummary]
    totals: Totals
    first_seen: str | None
    last_seen: str | None
    diagnoses: list[DiagnosisRow]
    diagnoses_omitted: int
    statuses: list[StatusRow]
    categories: list[CategoryRow]
    timeline: Timeline | None
    malformed: MalformedSummary


# --------------------------------------------------------------------------- accumulation


@dataclass
class _Group:
    diagnosis: Diagnosis
    count: int = 0
    first: float | None = None
    last: float | None = None
    statuses: dict[str, int] = field(default_factory=dict)
    example: str = ""
    example_at: str = ""


class Summary:
    def __init__(self, diagnoser: Diagnoser, min_status: int) -> None:
        self.diagnoser = diagnoser
        self.min_status = min_status
        self.inputs: list[InputSummary] = []
        self.statuses: dict[int | None, int] = {}
        self.groups: dict[str, _Group] = {}
        self.malformed_count = 0
        self.malformed_examples: list[MalformedExample] = []
        self.first: float | None = None
        self.last: float | None = None
        self._bucket_index = 0
        self.buckets: dict[int, int] = {}

    def start_input(self, name: str, input_format: str, compressed: bool) -> InputSummary:
        current = InputSummary(name, input_format, compressed)
        self.inputs.append(current)
        return current

    def count_statuses(self, counts: dict[int, int]) -> None:
        for status, count in counts.items():
            self.statuses[status] = self.statuses.get(status, 0) + count

    def malformed(self, where: InputSummary, entry: Malformed) -> None:
        self.malformed_count += 1
        where.malformed += 1
        if len(self.malformed_examples) < MAX_MALFORMED_EXAMPLES:
            self.malformed_examples.append(MalformedExample(where.name, entry.line, mask_text(entry.reason)))

    def add(self, where: InputSummary, exchange: LoggedExchange) -> None:
        status = exchange.status
        self.statuses[status] = self.statuses.get(status, 0) + 1
        diagnosis = self.diagnoser.diagnose(exchange)
        group = self.groups.get(diagnosis.rule)
        if group is None:
            group = self.groups[diagnosis.rule] = _Group(diagnosis)
        group.count += 1
        label = "none" if status is None else str(status)
        group.statuses[label] = group.statuses.get(label, 0) + 1
        if not group.example:
            group.example = _example(exchange)
            group.example_at = f"{where.name}:{exchange.line}"
        if exchange.timestamp is not None:
            moment = parse_timestamp(exchange.timestamp)
            if moment is not None:
                self._seen(group, moment)

    def _seen(self, group: _Group, moment: float) -> None:
        if group.first is None or moment < group.first:
            group.first = moment
        if group.last is None or moment > group.last:
            group.last = moment
        if self.first is None or moment < self.first:
            self.first = moment
        if self.last is None or moment > self.last:
            self.last = moment
        width = _BUCKET_LADDER[self._bucket_index]
        bucket = int(moment // width) * width
        self.buckets[bucket] = self.buckets.get(bucket, 0) + 1
        if len(self.buckets) > _MAX_LIVE_BUCKETS and self._bucket_index + 1 < len(_BUCKET_LADDER):
            self._bucket_index += 1
            self.buckets = _rebucket(self.buckets, _BUCKET_LADDER[self._bucket_index])

    # ----------------------------------------------------------------------- the report

    def report(self, top: int) -> AnalyzeReport:
        groups = sorted(self.groups.values(), key=lambda g: (-g.count, g.diagnosis.rule))
        diagnosed = sum(g.count for g in groups)
        records = sum(self.statuses.values())
        severities = {"error": 0, "warning": 0, "info": 0}
        categories: dict[str, int] = {}
        for group in groups:
            severities[group.diagnosis.severity] = severities.get(group.diagnosis.severity, 0) + group.count
            categories[group.diagnosis.category] = categories.get(group.diagnosis.category, 0) + group.count
        shown = groups if top <= 0 else groups[:top]
        report = AnalyzeReport(
            schema_version=REPORT_SCHEMA_VERSION,
            min_status=self.min_status,
            inputs=self.inputs,
            totals=Totals(
                records=records,
                below_min_status=records - diagnosed,
                diagnosed=diagnosed,
                errors=severities["error"],
                warnings=severities["warning"],
                info=severities["info"],
                malformed=self.malformed_count,
            ),
            first_seen=iso(self.first),
            last_seen=iso(self.last),
            diagnoses=[_row(g, diagnosed) for g in shown],
            diagnoses_omitted=len(groups) - len(shown),
            statuses=[
                StatusRow(
                    "none" if status is None else str(status),
                    count,
                    _share(count, records),
                    status is None or status >= self.min_status,
                )
                for status, count in sorted(self.statuses.items(), key=lambda i: (-i[1], i[0] or 0))
            ],
            categories=[
                CategoryRow(name, count, _share(count, diagnosed))
                for name, count in sorted(categories.items(), key=lambda i: (-i[1], i[0]))
            ],
            timeline=self._timeline(),
            malformed=MalformedSummary(self.malformed_count, list(self.malformed_examples)),
        )
        return report

    def _timeline(self) -> Timeline | None:
        if not self.buckets or self.first is None or self.last is None:
            return None
        span = self.last - self.first
        index = self._bucket_index
        while index + 1 < len(_BUCKET_LADDER) and span / _BUCKET_LADDER[index] > _DISPLAY_BUCKETS:
            index += 1
        width = _BUCKET_LADDER[index]
        while span / width > _DISPLAY_BUCKETS:  # past the ladder (centuries apart): wider still, never more rows
            width *= 2
        merged = _rebucket(self.buckets, width)
        start, end = min(merged), max(merged)
        buckets = [TimeBucket(iso(at) or "", merged.get(at, 0)) for at in range(start, end + width, width)]
        return Timeline(width, buckets)


def _rebucket(buckets: dict[int, int], width: int) -> dict[int, int]:
    merged: dict[int, int] = {}
    for start, count in buckets.items():
        key = start // width * width
        merged[key] = merged.get(key, 0) + count
    return merged


def _share(count: int, total: int) -> float:
    return round(count / total, 4) if total else 0.0


def _row(group: _Group, diagnosed: int) -> DiagnosisRow:
    d = group.diagnosis
    return DiagnosisRow(
        rule=d.rule,
        category=d.category,
        severity=d.severity,
        transient=d.transient,
        title=d.title,
        fix=d.fix,
        docs=d.docs,
        count=group.count,
        share=_share(group.count, diagnosed),
        first_seen=iso(group.first),
        last_seen=iso(group.last),
        statuses=dict(sorted(group.statuses.items(), key=lambda i: -i[1])),
        example=group.example,
        example_at=group.example_at,
    )


def _example(exchange: LoggedExchange) -> str:
    """One line that shows what the failure looked like, masked and short."""
    if exchange.status is None:
        text = f"no response ({exchange.transport_error}): {exchange.transport_text or ''}"
    else:
        text = f"{exchange.status} {exchange.body}"
    # Masked on the text as it came, before any folding or cut: `x-api-key: …` is only recognisable at the
    # start of its own line, and half a token no longer looks like one. (Bounded: only the start is shown.)
    text = mask_text(text[: _EXAMPLE_WINDOW * 16])
    text = " ".join(text[:_EXAMPLE_WINDOW].split())
    if len(text) >= _EXAMPLE_WINDOW - 1:
        # The window may have cut a word in two: drop that word rather than show a piece of it.
        text = _TRAILING_WORD.sub("", text)
    return text if len(text) <= EXAMPLE_CHARS else text[: EXAMPLE_CHARS - 1] + "…"
