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
