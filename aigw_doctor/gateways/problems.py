"""The shape in which gateway modules report what they find wrong: plain data, no pydantic.

`category` uses the names of `aigw_doctor.model.Category` so a caller can turn a problem into a Finding
without a lookup table; it is a string here to keep these modules cheap to import.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ProblemSeverity = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class Problem:
    """Something wrong (or suspicious) with a host, URL, token, header or model choice.

    `code` is stable and dotted (`neon.token.bearer-prefix`), `message` says what is wrong, `fix` what to do.
    """

    code: str
    category: str
    severity: ProblemSeverity
    message: str
    fix: str


def header_unsafe(value: str) -> str | None:
    """The first character of a credential that an HTTP client cannot send in a header, or that SDKs reject
    (anything outside visible ASCII: a curly quote pasted from a document, a no-break space, a zero-width
    space), described by its code point and name; None when every character can be sent. Never the value."""
    import unicodedata

    for position, char in enumerate(value, 1):
        if not ("\x21" <= char <= "\x7e") and char != " ":
            name = unicodedata.name(char, "a control character")
            return f"U+{ord(char):04X} ({name}) at position {position}"
    return None
