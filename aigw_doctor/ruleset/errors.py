"""What every step of rule loading reports: a rule's source position, and the one-line error for a bad file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class RuleError(Exception):
    """A rule file that cannot be used. `str()` is a one-line `file:line: what is wrong`."""

    def __init__(self, path: Path | str, line: int | None, message: str) -> None:
        self.path = Path(path)
        self.line = line
        self.message = message
        where = f"{self.path}:{line}" if line else str(self.path)
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class RuleSource:
    path: Path
    line: int
    shipped: bool = True
    overrides: bool = False  # a pack's rule that replaced the shipped rule of the same id (`override: true`)

    def describe(self) -> str:
        """What a finding says about its rule's origin: `shipped`, or the pack's file and line."""
        if self.shipped:
            return "shipped"
        return f"pack {self.path}:{self.line}" + (" (overrides a shipped rule)" if self.overrides else "")


# The most one rule file may hold, checked before any of it is parsed (the largest shipped file is under
# 50 KiB): a 100,000-rule file or `/dev/zero` named as a pack is refused at once, not after a minute.
MAX_RULE_FILE_BYTES = 1024 * 1024


def read_rule_file(path: Path) -> bytes:
    """A rule file's bytes, reading at most the limit and one byte more."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_RULE_FILE_BYTES + 1)
    except OSError as exc:
        raise RuleError(path, None, f"cannot read rule file: {exc.strerror or exc}") from None
    if len(data) > MAX_RULE_FILE_BYTES:
        raise RuleError(
            path,
            None,
            f"the rule file is larger than {MAX_RULE_FILE_BYTES // 1024} KiB; "
            "split it into several files in one directory",
        )
    return data
