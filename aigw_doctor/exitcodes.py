"""Exit codes are a contract that CI scripts depend on; the README documents the same table."""

from __future__ import annotations

from enum import Enum, IntEnum


class ExitCode(IntEnum):
    OK = 0  # explained / all checks passed
    PROBLEM = 1  # a problem found (or, for explain: nothing in the catalog matched)
    USAGE = 2  # usage, input or rule-file error: the tool could not do its job as asked
    INCONCLUSIVE = 3  # the check could not complete, or only transient problems were seen


class FailOn(str, Enum):
    """`--fail-on`: which findings make the exit code non-zero (usage errors always give 2)."""

    error = "error"  # errors give 1, only-transient or inconclusive results 3; warnings pass
    warning = "warning"  # warnings give 1 as well
    never = "never"  # always 0 unless the tool could not run as asked (2): report only
