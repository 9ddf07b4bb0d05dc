"""The emulator's view of one exchange: a parsed request in, a response (plus timing hints) out.

Gateway apps are plain synchronous functions from `Request` to `Response`; the server owns sockets, timing
and faults, so the apps stay easy to test and to reason about.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

JSON_TYPE = "application/json"
SSE_TYPE = "text/event-stream"


@dataclass(frozen=True)
class Request:
    method: str
    target: str
    headers: tuple[tuple[str, str], ...]
    body: bytes = b""
    tls: bool = False

    @property
    def path(self) -> str:
        """The decoded path without the query string (`%3A` in a Gemini path becomes `:`)."""
        return unquote(urlsplit(self.target).path or "/")

    @property
    def query(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.target).query)

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        for key, value in self.headers:
            if key == wanted:
                return value
        return None

    @property
    def header_names(self) -> list[str]:
        return [name for name, _ in self.headers]

    def json(self) -> Any:
        """The body as JSON, or `INVALID_JSON` when it is not."""
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return INVALID_JSON


INVALID_JSON: Any = object()


@dataclass
class Response:
    """What to send. `delay_ms` is time spent "upstream" before the first byte; `hang` never answers."""

    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    delay_ms: float = 0.0
    hang: bool = False
    cacheable: bool = False

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        for key, value in self.headers:
            if key.lower() == wanted:
                return value
        return None


def json_response(status: int, payload: Any, headers: list[tuple[str, str]] | None = None) -> Response:
    body = json.dumps(payload, separators=(",", ":")).encode()
    return Response(status, body, [("content-type", JSON_TYPE), *(headers or [])])


def sse_response(events: list[tuple[str | None, Any]], headers: list[tuple[str, str]] | None = None) -> Response:
    """A server-sent event stream; `None` as an event name writes a bare `data:` line."""
    lines: list[str] = []
    for name, data in events:
        if name:
            lines.append(f"event: {name}")
        lines.append("data: " + (data if isinstance(data, str) else json.dumps(data, separators=(",", ":"))))
        lines.append("")
    body = ("\n".join(lines) + "\n").encode()
    return Response(200, body, [("content-type", SSE_TYPE), ("cache-control", "no-cache"), *(headers or [])])
