"""Turn whatever a user pasted into an Observation.

Accepted shapes: a raw HTTP response as `curl -i` prints it, a `curl -v` transcript, a bare JSON body,
SDK exception text (OpenAI, Anthropic, JS SDKs, httpx, requests), a log line or stack trace with a JSON or
Python-repr body inside, an HTML or plain-text page from a proxy, or just a status code and a message.

Every guess is written down in `Observation.assumptions` so the user can see how the text was read.
One module per input shape (`raw`, `verbose`, `free_text`, `json_body`, `embedded`, `transport`,
`request`); this one only chooses between them. The parser never evaluates anything it reads, keeps no
request header values and strips query values from URLs; response headers and bodies are kept as they
are (the redaction layer masks them on output).
"""

from __future__ import annotations

import re

from aigw_doctor.model import Observation
from aigw_doctor.parse.embedded import EmbeddedJson, find_embedded_json, literal_to_json
from aigw_doctor.parse.free_text import _is_html, _parse_free_text
from aigw_doctor.parse.json_body import _State, _status_from_json_layers, status_from_json
from aigw_doctor.parse.limits import _FENCE, _MAX_SCAN_CHARS, MAX_INPUT_CHARS
from aigw_doctor.parse.raw import _parse_raw, _status_line_indexes
from aigw_doctor.parse.request import _request_from_region, clean_url, request_from_curl_command, split_header_line
from aigw_doctor.parse.transport import classify_transport_error
from aigw_doctor.parse.verbose import _looks_like_verbose, _parse_verbose

__all__ = [
    "MAX_INPUT_CHARS",
    "EmbeddedJson",
    "classify_transport_error",
    "clean_url",
    "find_embedded_json",
    "literal_to_json",
    "parse_response_text",
    "request_from_curl_command",
    "split_header_line",
    "status_from_json",
]


_LEADING_SPACE = re.compile(r"\s*")
# The fields of a Node.js / libuv system error as SDKs print it (`err.cause`), never of a server's body.
_SYSTEM_ERROR_KEYS = frozenset({"code", "errno", "syscall", "hostname", "address", "port", "host", "cause"})


def _is_system_error(value: object) -> bool:
    if not isinstance(value, dict) or not value or not set(value) <= _SYSTEM_ERROR_KEYS:
        return False
    code = value.get("code")
    return isinstance(code, str) and code.isupper()


def _prepare(text: str, state: _State) -> str:
    if len(text) > MAX_INPUT_CHARS:
        state.notes.append(f"input is {len(text):,} characters long; only the first {MAX_INPUT_CHARS:,} were read")
        text = text[:MAX_INPUT_CHARS]
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    # Pastes from chat or issues often keep their Markdown fences.
    start = _LEADING_SPACE.match(text)
    first_end = text.find("\n", start.end() if start else 0)
    first_line = text[start.end() if start else 0 : len(text) if first_end == -1 else first_end]
    if first_end != -1 and _FENCE.fullmatch(first_line):
        text = text[first_end + 1 :].rstrip()
        last_start = text.rfind("\n") + 1
        if _FENCE.fullmatch(text[last_start:]):
            text = text[:last_start]
    return text


def _parse(text: str) -> Observation:
    state = _State()
    text = _prepare(text, state)
    if _looks_like_verbose(text):
        _parse_verbose(text.split("\n"), state)
    elif status_lines := _status_line_indexes(text):
        _parse_raw(text.split("\n"), status_lines, state)
    else:
        _parse_free_text(text.strip(), state)
    _status_from_json_layers(state)
    _request_from_region(state.url_region, state)
    # A transport error is only plausible when no response came back: no status and no structured body
    # (a Node system-error object, `{code: 'ECONNREFUSED', errno, syscall}`, is the client's, not a body).
    structured = any(not _is_system_error(layer) for layer in state.json_layers)
    if state.status is None and not structured and not _is_html(state.body):
        transport = classify_transport_error(text[:_MAX_SCAN_CHARS])
        if transport is not None:
            state.transport_error = transport[0]
            kind, evidence = transport
            state.notes.append(f"no response: transport error classified as {kind} ('{evidence}')")
    if state.status is None:
        state.notes.append("no status found")
    return Observation(
        request=state.request,
        status=state.status,
        headers=state.headers,
        headers_known=state.headers_known,
        body=state.body,
        transport_error=state.transport_error,
        assumptions=state.notes,
    )


def parse_response_text(text: str) -> Observation:
    """Read pasted text (raw response, curl -v, JSON body, SDK error, log line, HTML…) as an Observation.

    Never raises: text that cannot be read is kept as the body, and `assumptions` says how it was read.
    """
    if not isinstance(text, str):  # defensive: callers are typed, but a CLI may hand over bytes
        text = text.decode("utf-8", "replace") if isinstance(text, (bytes, bytearray)) else str(text)
    try:
        return _parse(text)
    except Exception as exc:  # a parser bug must not become a traceback for the user
        return Observation(
            body=text[:MAX_INPUT_CHARS],
            headers_known=False,
            assumptions=[
                f"could not read the text ({type(exc).__name__}); kept it as the body",
                "no status found",
            ],
        )
