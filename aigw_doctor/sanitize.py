"""Control characters from untrusted text (a server's body, a pasted transcript, a log) are shown, never
obeyed: `ESC[2J` would clear the user's screen, an OSC sequence retitle the window, a bare `\\r` overwrite the
line above. `escape_controls` returns a copy of a finished report with every such character written out
(`\\x1b`); newlines and tabs stay. The text, Markdown, GitHub and JUnit formats get this copy; JSON escapes
control characters itself.
"""

from __future__ import annotations

import re
from typing import TypeVar

# C0 controls except tab and newline, DEL, and the C1 range (also terminal controls).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")

_T = TypeVar("_T")


def escape_text(text: str) -> str:
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text) if _CONTROL.search(text) else text


def escape_controls(value: _T) -> _T:
    from aigw_doctor.plain import map_strings

    return map_strings(value, lambda text, _key: escape_text(text))
