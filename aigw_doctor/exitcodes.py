"""Exit codes are a contract that CI scripts depend on; the README documents the same table."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0  # explained / all checks passed
    PROBLEM = 1  # a problem found (or, for explain: nothing in the catalog matched)
    USAGE = 2  # usage, input or rule-file error: the tool could not do its job as asked
    INCONCLUSIVE = 3  # the check could not complete, or only transient problems were seen
