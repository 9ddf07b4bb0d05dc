"""Opening the inputs: a path or `-`, gzip recognised by its magic bytes (not its name), and the format
told from the first bytes. Everything is streamed: nothing here reads a whole file."""

from __future__ import annotations

import gzip
import io
import json
import re
import sys
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, BinaryIO

GZIP_MAGIC = b"\x1f\x8b"
SNIFF_BYTES = 64 * 1024


class InputFormat(str, Enum):
    auto = "auto"
    jsonl = "jsonl"
    har = "har"
    curl = "curl"
    cloudflare = "cloudflare"


class UnreadableInput(Exception):
    """An input that cannot be read at all: missing, not gzip after all, binary, of no known format."""


@dataclass
class OpenedInput:
    name: str
    stream: BinaryIO  # decompressed bytes
    compressed: bool
    size: int | None  # bytes on disk (compressed), for progress
    position: Callable[[], int]  # bytes of the raw file consumed so far
    close: Callable[[], None]


def open_input(name: str) -> OpenedInput:
    if name == "-":
        raw: Any = sys.stdin.buffer if getattr(sys.stdin, "buffer", None) is not None else io.BytesIO()
        size = None
        label = "<stdin>"
        closer: Callable[[], None] = lambda: None  # noqa: E731 - standard input stays open
    else:
        path = Path(name)
        if path.is_dir():
            raise UnreadableInput(f"{name}: is a directory")
        try:
            raw = path.open("rb")
        except OSError as exc:
            raise UnreadableInput(f"{name}: {exc.strerror or exc}") from None
        size = _size(path)
        label = name
        closer = raw.close
    buffered: Any = raw if isinstance(raw, io.BufferedReader) else io.BufferedReader(raw)
    try:
        head = buffered.peek(2)[:2]
    except OSError as exc:
        closer()
        raise UnreadableInput(f"{label}: {exc}") from None
    position = _position_of(buffered)
    if head == GZIP_MAGIC:
        unzipped: Any = io.BufferedReader(gzip.GzipFile(fileobj=buffered, mode="rb"), 1 << 16)
        return OpenedInput(label, unzipped, True, size, position, closer)
    return OpenedInput(label, buffered, False, size, position, closer)


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size if path.is_file() else None
    except OSError:
        return None


def _position_of(stream: Any) -> Callable[[], int]:
    def position() -> int:
        try:
            return int(stream.raw.tell())
        except (OSError, ValueError, AttributeError):
            return 0

    return position


def sniff(opened: OpenedInput) -> bytes:
    """The first bytes, decompressed, without consuming them."""
    stream = opened.stream
    try:
        if isinstance(stream, io.BufferedReader):
            return stream.peek(SNIFF_BYTES)[:SNIFF_BYTES]
    except (OSError, EOFError, zlib.error) as exc:
        raise UnreadableInput(f"{opened.name}: not a readable gzip file ({exc})") from None
    return b""


_STATUS_LINE = re.compile(rb"(?m)^(?:< )?HTTP/\d(?:\.\d)? \d{3}\b")
_CURL_START = re.compile(rb"^(?:\$ ?curl\b|curl |\* |> [A-Z]+ |< HTTP/|HTTP/\d)")
_ARRAY_KEYS = re.compile(rb'"(entries|result)"\s*:\s*\[')


def detect_format(opened: OpenedInput) -> InputFormat:
    head = sniff(opened)
    if not head.strip():
        return InputFormat.jsonl  # empty: nothing to read, nothing wrong
    if b"\x00" in head:
        raise UnreadableInput(f"{opened.name}: binary data, not a log (no known format)")
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"{"):
        first_line = text.split(b"\n", 1)[0]
        try:
            record = json.loads(first_line)
        except (ValueError, RecursionError):
            record = None
        if isinstance(record, dict):
            if isinstance(record.get("log"), dict):
                return InputFormat.har
            if isinstance(record.get("result"), list):
                return InputFormat.cloudflare
            return InputFormat.cloudflare if _looks_cloudflare(record) else InputFormat.jsonl
        keys = _ARRAY_KEYS.search(text)
        if keys is not None:
            return InputFormat.har if keys.group(1) == b"entries" else InputFormat.cloudflare
        return InputFormat.jsonl  # pretty-printed or damaged: JSON Lines reports each bad line
    if text.startswith(b"["):
        first = re.search(rb"\{[^{}]*", text)
        if first is not None and b'"status_code"' in first.group() and b'"created_at"' in first.group():
            return InputFormat.cloudflare
        return InputFormat.cloudflare if b'"created_at"' in text[:4096] else InputFormat.jsonl
    if _CURL_START.match(text) or _STATUS_LINE.search(text):
        return InputFormat.curl
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # a cut at the very end is only the sniff window
            raise UnreadableInput(f"{opened.name}: not UTF-8 text and not gzip; no known format") from None
    if b"\n{" in text:
        return InputFormat.jsonl  # JSON Lines after a preamble: the preamble lines are reported as malformed
    raise UnreadableInput(
        f"{opened.name}: cannot tell the format (not JSON Lines, HAR, a curl transcript or a Cloudflare log "
        "export); give --input-format"
    )


def _looks_cloudflare(record: dict[str, object]) -> bool:
    from aigw_doctor.analyze.fields import is_cloudflare_log

    return is_cloudflare_log(record)
