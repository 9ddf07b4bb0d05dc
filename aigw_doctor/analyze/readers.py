"""One reader per input format. Each yields, in file order, a LoggedExchange for each exchange to diagnose and a
Malformed entry for each record it cannot read. An exchange below `--min-status` is only counted, in
`counts` (status → count), without building anything or leaving the reader: most lines of a log are
successes, and they must cost next to nothing. `tick` is called every PROGRESS_EVERY records.

Status None stands for an exchange that got no response (a transport failure)."""

from __future__ import annotations

import base64
import binascii
import io
import json
from collections.abc import Callable, Iterator
from json.scanner import make_scanner
from typing import Any, BinaryIO

from aigw_doctor.analyze.curl import read_transcripts
from aigw_doctor.analyze.fields import body_text, exchange_from_mapping, headers_from, status_of
from aigw_doctor.analyze.jsonarray import ArrayItems
from aigw_doctor.analyze.record import LoggedExchange, Malformed
from aigw_doctor.analyze.sources import InputFormat

Item = LoggedExchange | Malformed
Counts = dict[int, int]
Tick = Callable[[], None]
PROGRESS_EVERY = 8192


def read(stream: BinaryIO, input_format: InputFormat, min_status: int, counts: Counts, tick: Tick) -> Iterator[Item]:
    if input_format is InputFormat.curl:
        return _filter(read_transcripts(stream), min_status, counts, tick)
    if input_format is InputFormat.har:
        return _from_items(ArrayItems(stream, ("entries",)), min_status, counts, tick, har=True)
    if input_format is InputFormat.cloudflare and not _is_jsonl(stream):
        return _from_items(ArrayItems(stream, ("result",)), min_status, counts, tick, har=False)
    return read_jsonl(stream, min_status, counts, tick)


def _is_jsonl(stream: BinaryIO) -> bool:
    """Cloudflare entries one per line (Logpush, or a jq -c of the API's result), not an API response."""
    peek = getattr(stream, "peek", None)
    head = peek(64 * 1024).lstrip(b"\xef\xbb\xbf \t\r\n") if peek is not None else b""
    if not head.startswith(b"{"):
        return False
    try:
        record = json.loads(head.split(b"\n", 1)[0])
    except (ValueError, RecursionError):
        return False
    return isinstance(record, dict) and "result" not in record


def read_jsonl(stream: BinaryIO, min_status: int, counts: Counts, tick: Tick) -> Iterator[Item]:
    # The hot loop of the whole command: a success costs one C-level JSON scan and a dict lookup. The scanner
    # is called directly (json.loads adds two Python layers and an encoding sniff per line).
    scan = make_scanner(json.JSONDecoder())  # type: ignore[arg-type]
    text = io.TextIOWrapper(stream, encoding="utf-8", errors="replace", newline="\n")
    try:
        for number, line in enumerate(text, 1):
            if not number % PROGRESS_EVERY:
                tick()
            if line[:1] != "{":
                line = line.strip()
                if not line:
                    continue
            try:
                record, end = scan(line, 0)
            except StopIteration as stop:
                yield Malformed(number, f"not JSON (expected a value at column {stop.value + 1})")
                continue
            except ValueError as exc:
                yield Malformed(number, f"not JSON ({getattr(exc, 'msg', exc)} at column {getattr(exc, 'colno', '?')})")
                continue
            except RecursionError:
                yield Malformed(number, "JSON nested too deeply to read (skipped)")
                continue
            if end < len(line) - 1 and line[end:].strip():
                yield Malformed(number, f"not JSON (extra data after column {end})")
                continue
            if type(record) is not dict:
                yield Malformed(number, f"a JSON {_json_kind(record)}, not an object")
                continue
            status = record.get("status")
            if type(status) is not int or not 100 <= status <= 599:
                found = status_of(record)
                if isinstance(found, str):
                    yield Malformed(number, found)
                    continue
                status = found
            if status is not None and status != 0 and status < min_status:
                counts[status] = counts.get(status, 0) + 1
                continue
            item = exchange_from_mapping(record, number, status)
            yield Malformed(number, item) if isinstance(item, str) else item
    finally:
        text.detach()  # the caller owns (and closes) the underlying stream


def _json_kind(value: Any) -> str:
    return {list: "array", str: "string", int: "number", float: "number", bool: "boolean"}.get(
        type(value), "null" if value is None else type(value).__name__
    )


def _filter(items: Iterator[Item], min_status: int, counts: Counts, tick: Tick) -> Iterator[Item]:
    for number, item in enumerate(items, 1):
        if not number % PROGRESS_EVERY:
            tick()
        if isinstance(item, LoggedExchange) and item.status is not None and item.status < min_status:
            counts[item.status] = counts.get(item.status, 0) + 1
        else:
            yield item


def _from_items(items: ArrayItems, min_status: int, counts: Counts, tick: Tick, *, har: bool) -> Iterator[Item]:
    return _filter(_items(items, min_status, counts, har=har), min_status, counts, tick)


def _items(items: ArrayItems, min_status: int, counts: Counts, *, har: bool) -> Iterator[Item]:
    for entry in items:
        if isinstance(entry, Malformed):
            yield entry
            continue
        number, value = entry
        if not isinstance(value, dict):
            yield Malformed(number, f"a JSON {_json_kind(value)}, not an object")
            continue
        if har:
            item = _har_entry(value, number, min_status)
            if isinstance(item, int):
                counts[item] = counts.get(item, 0) + 1
            else:
                yield item
            continue
        status = status_of(value)
        if isinstance(status, str):
            yield Malformed(number, status)
        elif status is not None and status != 0 and status < min_status:
            counts[status] = counts.get(status, 0) + 1
        else:
            exchange = exchange_from_mapping(value, number, status)
            yield Malformed(number, exchange) if isinstance(exchange, str) else exchange


def _har_entry(entry: dict[str, Any], number: int, min_status: int) -> Item | int:
    response = entry.get("response")
    request = entry.get("request")
    if not isinstance(response, dict):
        return Malformed(number, "HAR entry without a response object")
    request = request if isinstance(request, dict) else {}
    status = response.get("status")
    if not isinstance(status, int) or not (status == 0 or 100 <= status <= 599):
        return Malformed(number, f"HAR response status {str(status)[:20]!r} is not an HTTP status")
    if status and status < min_status:
        return status
    content = response.get("content") if isinstance(response.get("content"), dict) else {}
    body = content.get("text") if isinstance(content, dict) else None
    if isinstance(body, str) and isinstance(content, dict) and content.get("encoding") == "base64":
        try:
            body = base64.b64decode(body, validate=False).decode("utf-8", "replace")
        except (binascii.Error, ValueError):
            body = ""
    url = request.get("url")
    post = request.get("postData")
    mapping: dict[str, Any] = {
        "body": body_text(body),
        "headers": headers_from(response.get("headers")),
        "url": url if isinstance(url, str) else None,
        "method": request.get("method"),
        "request_headers": request.get("headers"),
        "timestamp": entry.get("startedDateTime"),
        "request": {"body": post.get("text")} if isinstance(post, dict) else None,
    }
    if status == 0:
        # Chrome and Firefox log a request that got no answer with status 0 and, sometimes, the net error.
        error = entry.get("_error") or response.get("_error") or response.get("statusText")
        mapping["transport_error"] = str(error) if error else None
    exchange = exchange_from_mapping(mapping, number, status)
    return Malformed(number, exchange) if isinstance(exchange, str) else exchange
