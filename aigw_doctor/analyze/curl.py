"""Concatenated `curl -i` / `curl -v` transcripts: split into one block per response, each read by the same
parser `explain -` uses.

A block ends where the next exchange visibly begins, once the current block holds a final (non-1xx)
response: a new status line, a new request line (`> GET …`), curl's connection preamble (`* Trying …`,
`* Host … was resolved`), or a shell command line (`$ curl …`). `curl -si` bodies often lack a final newline,
so a status line glued to the end of a body (`…}HTTP/1.1 200 OK`) also starts a block.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

from aigw_doctor.analyze.record import LoggedExchange, Malformed
from aigw_doctor.parse import parse_response_text

MAX_BLOCK_LINES = 20_000
MAX_BLOCK_CHARS = 4 * 1024 * 1024

_STATUS = re.compile(r"(?:< )?HTTP/\d(?:\.\d)? (\d{3})\b")
_GLUED_STATUS = re.compile(r"(?<=[}\]>])HTTP/\d(?:\.\d)? \d{3}\b")
_STARTS = re.compile(
    r"(?:\$ ?curl\b|curl \S|\*\s+Trying |\* Host \S+ was resolved|\* Could not resolve host|> [A-Z]+ \S+ HTTP/)"
)


class _Block:
    __slots__ = ("final", "lines", "size", "start")

    def __init__(self, start: int) -> None:
        self.start = start
        self.lines: list[str] = []
        self.size = 0
        self.final = False  # a final (non-1xx) status line has been seen


def read_transcripts(stream: BinaryIO) -> Iterator[LoggedExchange | Malformed]:
    block = _Block(1)
    for number, raw in enumerate(stream, 1):
        line = raw.decode("utf-8", "replace").rstrip("\r\n")
        pieces = _split_glued(line)
        for index, piece in enumerate(pieces):
            starts_status = _STATUS.match(piece)
            if block.final and (index > 0 or starts_status or _STARTS.match(piece)):
                yield from _finish(block)
                block = _Block(number)
            if not block.lines and not piece.strip():
                block.start = number + 1
                continue
            if starts_status and not starts_status.group(1).startswith("1"):
                block.final = True
            if len(block.lines) < MAX_BLOCK_LINES and block.size < MAX_BLOCK_CHARS:
                block.lines.append(piece)
                block.size += len(piece) + 1
    yield from _finish(block)


def _split_glued(line: str) -> list[str]:
    match = _GLUED_STATUS.search(line)
    if match is None:
        return [line]
    return [line[: match.start()], *_split_glued(line[match.start() :])]


def _finish(block: _Block) -> Iterator[LoggedExchange | Malformed]:
    text = "\n".join(block.lines).strip()
    if not text:
        return
    observation = parse_response_text(text)
    if observation.status is None and not observation.transport_error:
        yield Malformed(block.start, "no HTTP response or transport error in this block")
        return
    request = observation.request
    yield LoggedExchange(
        line=block.start,
        status=observation.status,
        body=observation.body,
        headers={name.lower(): value for name, value in observation.headers.items()},
        headers_known=observation.headers_known,
        gateway=observation.gateway,
        method=request.method,
        url=request.url,
        host=request.host,
        path=request.path,
        model=request.model,
        request_header_names=tuple(request.header_names),
        transport_error=observation.transport_error,
        transport_text=text[:4096] if observation.transport_error else None,
        facts=tuple(sorted(observation.facts.items())),
        timestamp=_date_header(observation.headers),
    )


def _date_header(headers: dict[str, str]) -> float | None:
    """A transcript's only clock is the response's Date header (RFC 9110 IMF-fixdate)."""
    value = headers.get("date") or headers.get("Date")
    if not value:
        return None
    from email.utils import parsedate_to_datetime

    try:
        return parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
