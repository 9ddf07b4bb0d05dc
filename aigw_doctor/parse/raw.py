"""Raw HTTP responses as `curl -i` prints them: status lines, header blocks, interim responses, several
responses in a row (redirects, retries).
"""

from __future__ import annotations

import re

from aigw_doctor.parse.json_body import _refine_body, _State
from aigw_doctor.parse.limits import _MAX_HEADER_LINES, _MAX_PREAMBLE_LINES, _MAX_RESPONSES, _STATUS_LINE, _plausible
from aigw_doctor.parse.request import split_header_line


def _match_status_line(line: str) -> re.Match[str] | None:
    match = _STATUS_LINE.fullmatch(line.rstrip())
    if match is None or not _plausible(int(match.group(2))):
        return None
    return match


_STATUS_LINE_START = re.compile(r"^[ \t]*HTTP/\d", re.M)


def _status_line_indexes(text: str) -> list[int]:
    """Line numbers of the status lines in `text` (at most _MAX_RESPONSES), found at C speed."""
    indexes: list[int] = []
    line_number, counted_to = 0, 0
    for match in _STATUS_LINE_START.finditer(text):
        line_number += text.count("\n", counted_to, match.start())
        counted_to = match.start()
        line_end = text.find("\n", match.start())
        if _match_status_line(text[match.start() : len(text) if line_end == -1 else line_end]):
            indexes.append(line_number)
            if len(indexes) >= _MAX_RESPONSES:
                break
    return indexes


def _dedent(line: str, indent: str) -> str:
    return line[len(indent) :] if indent and line.startswith(indent) else line


def _is_interim(code: int, reason: str) -> bool:
    # 1xx, redirects followed by curl -L, and a proxy's CONNECT answer precede the response that matters.
    return code < 200 or 300 <= code < 400 or "connection established" in reason.lower()


class _HeaderBlock:
    """Response headers as they are read: duplicates joined with ", ", folded lines appended."""

    def __init__(self) -> None:
        self.values: dict[str, list[str]] = {}
        self.last: str | None = None
        self.lines = 0

    def add_line(self, line: str) -> bool:
        """Take one header line; False when the line is not a header."""
        self.lines += 1
        if line[:1] in (" ", "\t") and self.last is not None:  # obsolete line folding
            self.values[self.last][-1] = f"{self.values[self.last][-1]} {line.strip()}".strip()
            return True
        pair = split_header_line(line)
        if pair is None:
            return False
        self.values.setdefault(pair[0], []).append(pair[1])
        self.last = pair[0]
        return True

    def as_dict(self) -> dict[str, str]:
        return {name: ", ".join(values) for name, values in self.values.items()}


def _parse_raw(lines: list[str], status_lines: list[int], state: _State) -> None:
    first = status_lines[0]
    preamble = [line for line in lines[:first] if line.strip()]
    state.url_region.extend(preamble[-_MAX_PREAMBLE_LINES:])
    skipped: list[str] = []
    later = iter(status_lines[1:])
    index = first
    while True:
        match = _match_status_line(lines[index])
        assert match is not None  # callers only pass indexes of status lines
        version, code, reason = match.group(1), int(match.group(2)), (match.group(3) or "").strip()
        indent = lines[index][: len(lines[index]) - len(lines[index].lstrip())]
        headers = _HeaderBlock()
        no_blank_line = too_many_headers = False
        index += 1
        while index < len(lines):
            line = _dedent(lines[index], indent)
            if not line.strip():
                index += 1
                break
            if headers.lines >= _MAX_HEADER_LINES:
                too_many_headers = True
                break
            if not headers.add_line(line):
                no_blank_line = _match_status_line(line) is None
                break
            index += 1
        next_status = next((n for n in later if n >= index), None)
        if next_status is not None:
            between = lines[index:next_status]
            if any(line.strip() for line in between[:_MAX_PREAMBLE_LINES]) and not _is_interim(code, reason):
                next_status = None  # the body of a final response may quote a status line
        if next_status is None:
            break
        skipped.append(f"{code} {reason}".strip())
        index = next_status
    state.status = code
    state.headers = headers.as_dict()
    state.headers_known = True
    rest = lines[index:]
    state.body = "\n".join(_dedent(line, indent) for line in rest) if indent else "\n".join(rest)
    state.notes.append(f"read as a raw HTTP/{version} response")
    if skipped:
        state.notes.append(
            f"skipped {len(skipped)} earlier response(s) ({'; '.join(skipped)[:120]}) and used the last one"
        )
    if preamble:
        state.notes.append(f"ignored {len(preamble)} line(s) before the status line")
    if too_many_headers:
        state.notes.append(f"stopped reading headers after {_MAX_HEADER_LINES} lines; the rest is the body")
    elif no_blank_line:
        state.notes.append("no blank line after the headers: the body starts at the first non-header line")
    _refine_body(state)
