"""Stream the items of JSON arrays out of one large JSON document, one item in memory at a time.

A HAR file is `{"log": {…, "entries": [ … ]}}` and a Cloudflare log export is `{"result": [ … ], …}` (or
several such pages, or a bare array): the standard library has no streaming JSON parser, so the array is
found by its key and each item is decoded with `raw_decode` from a buffer refilled as needed.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

from aigw_doctor.analyze.record import Malformed

CHUNK = 256 * 1024
# One item bigger than this is not a log entry; the reader stops rather than hold it all.
MAX_ITEM_CHARS = 64 * 1024 * 1024
_WHITESPACE = re.compile(r"[ \t\r\n,]*")


class ArrayItems:
    """Items of every array under one of `keys` (or of a top-level array), with their line numbers."""

    def __init__(self, stream: BinaryIO, keys: tuple[str, ...]) -> None:
        self._stream = stream
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._json = json.JSONDecoder()
        self._start = re.compile(r'"(?:' + "|".join(re.escape(k) for k in keys) + r')"\s*:\s*\[')
        self._buffer = ""
        self._pos = 0
        self._mark = 0  # an index in the buffer whose line number is known ...
        self._mark_line = 1  # ... and that line number
        self._eof = False

    def _fill(self, at_least: int = CHUNK) -> bool:
        if self._eof:
            return False
        if self._pos:
            self._line_at(self._pos)
            self._buffer = self._buffer[self._pos :]
            self._pos = self._mark = 0
        data = self._stream.read(max(at_least, CHUNK))
        if not data:
            self._eof = True
            self._buffer += self._decoder.decode(b"", final=True)
            return False
        self._buffer += self._decoder.decode(data)
        return True

    def _line_at(self, index: int) -> int:
        """The line number of `index`; indexes asked for never decrease, so counting is incremental."""
        if index > self._mark:
            self._mark_line += self._buffer.count("\n", self._mark, index)
            self._mark = index
        return self._mark_line

    def _find_array(self, first: bool) -> bool:
        """Move to just after the next array's `[`; True when one was found."""
        while True:
            if first:
                stripped = self._buffer.lstrip("\ufeff \t\r\n")
                if stripped:
                    if stripped[0] == "[":
                        self._pos = self._buffer.index("[") + 1
                        return True
                    first = False
            match = self._start.search(self._buffer, self._pos)
            if match is not None:
                self._pos = match.end()
                return True
            # Keep a tail in case a key is split across two reads.
            self._pos = max(self._pos, len(self._buffer) - 64)
            if not self._fill():
                return False

    def __iter__(self) -> Iterator[tuple[int, Any] | Malformed]:
        self._fill()
        first = True
        while self._find_array(first):
            first = False
            yield from self._items()

    def _items(self) -> Iterator[tuple[int, Any] | Malformed]:
        while True:
            self._pos = _WHITESPACE.match(self._buffer, self._pos).end()  # type: ignore[union-attr]
            if self._pos >= len(self._buffer):
                if not self._fill():
                    yield Malformed(self._line_at(self._pos), "the JSON array is not closed (file truncated?)")
                    return
                continue
            if self._buffer[self._pos] == "]":
                self._pos += 1
                return
            try:
                value, end = self._json.raw_decode(self._buffer, self._pos)
            except RecursionError:
                yield Malformed(self._line_at(self._pos), "an item nested too deeply to read; the rest was skipped")
                return
            except ValueError as exc:
                # Incomplete item: read more (doubling, so a big item is not re-decoded many times).
                if len(self._buffer) - self._pos < MAX_ITEM_CHARS and self._fill(len(self._buffer)):
                    continue
                reason = f"invalid JSON ({getattr(exc, 'msg', exc)}); the rest of the array was skipped"
                if len(self._buffer) - self._pos >= MAX_ITEM_CHARS:
                    reason = f"an item larger than {MAX_ITEM_CHARS // (1024 * 1024)} MiB; the rest was skipped"
                yield Malformed(self._line_at(self._pos), reason)
                self._pos = len(self._buffer)
                self._eof = True
                return
            yield self._line_at(self._pos), value
            self._pos = end
