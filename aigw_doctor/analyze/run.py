"""Read every input into one Summary. Inputs are checked before any is read, so a typo in the last path
fails at once rather than after an hour of reading."""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from aigw_doctor.analyze.diagnoser import DEFAULT_CACHE_SIZE, Diagnoser
from aigw_doctor.analyze.readers import read
from aigw_doctor.analyze.record import LoggedExchange, Malformed
from aigw_doctor.analyze.sources import InputFormat, OpenedInput, UnreadableInput, detect_format, open_input
from aigw_doctor.analyze.summary import AnalyzeReport, Summary
from aigw_doctor.exitcodes import FailOn
from aigw_doctor.ruleset.catalog import Catalog
from aigw_doctor.verdict import settle_analyze

Progress = Callable[[str, int, int | None], None]  # (input name, raw bytes read, raw size)


@dataclass
class AnalyzeOptions:
    inputs: Sequence[str]
    input_format: InputFormat = InputFormat.auto
    min_status: int = 400
    top: int = 10
    cache_size: int = DEFAULT_CACHE_SIZE
    fail_on: FailOn = FailOn.error


def check_inputs(names: Sequence[str]) -> None:
    """Fail early, with every problem at once, when a named input cannot be opened."""
    problems = []
    if sum(1 for n in names if n == "-") > 1:
        problems.append("'-' (standard input) can be given only once")
    for name in names:
        if name == "-":
            continue
        path = Path(name)
        if not path.exists():
            problems.append(f"{name}: no such file")
        elif path.is_dir():
            problems.append(f"{name}: is a directory")
    if problems:
        raise UnreadableInput("; ".join(problems))


def analyze(
    options: AnalyzeOptions, catalog: Catalog, progress: Progress | None = None
) -> tuple[AnalyzeReport, Summary]:
    check_inputs(options.inputs)
    summary = Summary(Diagnoser(catalog, options.cache_size), options.min_status)
    for name in options.inputs:
        opened = open_input(name)
        try:
            _read_one(opened, options, summary, progress)
        finally:
            opened.close()
    report = summary.report(options.top)
    settle_analyze(report, options.fail_on)
    return report, summary


def _read_one(opened: OpenedInput, options: AnalyzeOptions, summary: Summary, progress: Progress | None) -> None:
    input_format = options.input_format
    if input_format is InputFormat.auto:
        input_format = detect_format(opened)
    where = summary.start_input(opened.name, input_format.value, opened.compressed)
    counts: dict[int, int] = {}
    add, malformed = summary.add, summary.malformed
    read_items = 0

    def tick() -> None:
        if progress is not None:
            progress(opened.name, opened.position(), opened.size)

    try:
        for item in read(opened.stream, input_format, options.min_status, counts, tick):
            if type(item) is LoggedExchange:
                read_items += 1
                try:
                    add(where, item)
                except RecursionError:  # a record nested past what any walker takes: skipped and counted
                    malformed(where, Malformed(item.line, "nested too deeply to read (skipped)"))
            else:
                assert isinstance(item, Malformed)
                malformed(where, item)
    except (OSError, EOFError, zlib.error) as exc:
        # A gzip stream cut short still gave its first part: keep it, say where reading stopped.
        reason = f"reading stopped: {exc or type(exc).__name__} (truncated or damaged file?)"
        malformed(where, Malformed(0, reason))
    summary.count_statuses(counts)
    where.records = read_items + sum(counts.values())
    if progress is not None:
        progress(opened.name, opened.size or opened.position(), opened.size)
