"""JSON bodies: decoded once, unwrapped (a JSON string holding JSON, an SDK's `body` field), and the
status a body states about itself.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from aigw_doctor.model import RequestContext
from aigw_doctor.parse.embedded import literal_to_json
from aigw_doctor.parse.limits import _MAX_UNWRAP_ROUNDS, _plausible

# Where an HTTP status can hide in a JSON body: Cloudflare `httpCode`, Gemini `error.code`, wrappers.
_STATUS_FIELDS: tuple[tuple[str, ...], ...] = (
    ("httpCode",),
    ("error", "code"),
    ("error", "status"),
    ("error", "httpCode"),
    ("status",),
    ("statusCode",),
    ("status_code",),
    ("http_status",),
    ("code",),
    ("error_code",),
)
# Fields whose value is a code of its own when a string: only a number there is an HTTP status.
_NUMERIC_ONLY_FIELDS = frozenset({("error", "code"), ("code",), ("error_code",), ("error", "status")})


def _get_path(value: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def status_from_json(value: Any) -> tuple[int, str] | None:
    """A plausible HTTP status carried inside a JSON body: (status, dotted field name) or None."""
    if isinstance(value, list) and value and isinstance(value[0], dict):
        value = value[0]  # Gemini has answered with a one-element array of envelopes
    if not isinstance(value, dict):
        return None
    for path in _STATUS_FIELDS:
        raw = _get_path(value, path)
        code: int | None = None
        if isinstance(raw, int) and not isinstance(raw, bool):
            code = raw
        elif isinstance(raw, str) and path not in _NUMERIC_ONLY_FIELDS and re.fullmatch(r"\d{3}", raw):
            code = int(raw)
        if code is not None and _plausible(code):
            return code, ".".join(path)
    return None


_NESTED_PATHS: tuple[tuple[str, ...], ...] = (
    ("error", "message"),
    ("error", "body"),
    ("error",),
    ("body",),
    ("message",),
    ("detail",),
    ("response",),
)


def _load_json(text: str) -> tuple[bool, Any]:
    try:
        return True, json.loads(text)
    except (ValueError, RecursionError):
        return False, None


@dataclass
class _State:
    status: int | None = None
    status_from: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""
    request: RequestContext = field(default_factory=RequestContext)
    transport_error: str | None = None
    # Whether the input showed a header block at all: without one, a header's absence proves nothing.
    headers_known: bool = False
    notes: list[str] = field(default_factory=list)
    url_region: list[str] = field(default_factory=list)
    # Every JSON object the body went through, outermost first, for status recovery.
    json_layers: list[Any] = field(default_factory=list)

    def set_status(self, code: int, note: str) -> None:
        self.status = code
        self.notes.append(note)


def _unwrap(state: _State, value: Any) -> None:
    """Replace the body with an error body nested as a string inside it (gateways re-wrap upstream errors)."""
    state.json_layers.append(value)
    for _ in range(_MAX_UNWRAP_ROUNDS):
        if not isinstance(value, dict):
            return
        for path in _NESTED_PATHS:
            inner = _get_path(value, path)
            if not isinstance(inner, str):
                continue
            candidate = inner.strip()
            if not candidate.startswith("{"):
                continue
            ok, parsed = _load_json(candidate)
            how = "a JSON string"
            if not ok:
                converted = literal_to_json(candidate)
                if converted is None:
                    continue
                candidate, how = converted[0], "a Python dict repr"
                parsed = json.loads(candidate)
            if not isinstance(parsed, dict):
                continue
            state.body = candidate
            state.notes.append(f"error body was nested as {how} inside `{'.'.join(path)}`; unwrapped it")
            state.json_layers.append(parsed)
            value = parsed
            break
        else:
            return


def _refine_body(state: _State) -> None:
    """Normalise a body already isolated from its response: JSON, a repr, a JSON string, an event stream."""
    body = state.body.strip()
    state.body = body
    if not body:
        return
    if body[0] in '{["':
        ok, value = _load_json(body)
        if ok and isinstance(value, str):
            inner_ok, inner = _load_json(value.strip())
            if inner_ok and isinstance(inner, (dict, list)):
                state.body = value.strip()
                state.notes.append("body was a JSON-encoded string; decoded it")
                _unwrap(state, inner)
            return
        if ok:
            _unwrap(state, value)
            return
        converted = literal_to_json(body)
        if converted is not None:
            state.body = converted[0]
            state.notes.append(_literal_note(converted[1]))
            _unwrap(state, json.loads(converted[0]))
        return
    event = _event_stream_error(body, state.headers.get("content-type", ""))
    if event is not None:
        state.body = event
        state.notes.append("error event taken from the event-stream body")
        _unwrap(state, json.loads(event))


def _literal_note(dialect: str) -> str:
    if dialect == "javascript":
        return "body recovered from a JavaScript object literal"
    return "body recovered from a Python dict repr"


def _event_stream_error(body: str, content_type: str) -> str | None:
    """The JSON of the first error event in an SSE body (errors can follow a 200 in streaming)."""
    if "event-stream" not in content_type.lower() and not body.startswith(("event:", "data:")):
        return None
    error_event = False
    for line in body.split("\n"):
        line = line.strip()
        if line.startswith("event:"):
            error_event = line[6:].strip() == "error"
        elif line.startswith("data:"):
            data = line[5:].strip()
            ok, value = _load_json(data)
            if ok and isinstance(value, dict) and (error_event or "error" in value):
                return data
    return None


def _status_from_json_layers(state: _State) -> None:
    if state.status is not None:
        return
    for layer in state.json_layers:
        found = status_from_json(layer)
        if found is not None:
            state.set_status(found[0], f"status {found[0]} taken from the JSON body field `{found[1]}`")
            return
