"""Control characters from untrusted text (a server's body, a pasted transcript, a log) are shown, never
obeyed: `ESC[2J` would clear the user's screen, an OSC sequence retitle the window, a bare `\\r` overwrite the
line above. `escape_controls` returns a copy of a finished report with every such character written out
(`\\x1b`); newlines and tabs stay. The text, Markdown, GitHub and JUnit formats get this copy; JSON escapes
control characters itself.
"""

from __future__ import annotations

import dataclasses
import re
from enum import Enum
from typing import TypeVar, cast

# C0 controls except tab and newline, DEL, and the C1 range (also terminal controls).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")

_T = TypeVar("_T")


def escape_text(text: str) -> str:
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text) if _CONTROL.search(text) else text


def escape_controls(value: _T) -> _T:
    return cast(_T, _escaped(value))


def _escaped(value: object) -> object:
    if isinstance(value, Enum):
        return value
    if isinstance(value, str):
        return escape_text(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _escaped(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init}
        return dataclasses.replace(value, **changes)
    if isinstance(value, dict):
        return {_escaped(key): _escaped(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_escaped(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_escaped(item) for item in value)
    return value
