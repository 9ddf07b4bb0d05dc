"""Turn whatever a user pasted into an Observation.

Accepted shapes: a raw HTTP response as `curl -i` prints it, a `curl -v` transcript, a bare JSON body,
SDK exception text (OpenAI, Anthropic, JS SDKs, httpx, requests), a log line or stack trace with a JSON or
Python-repr body inside, an HTML or plain-text page from a proxy, or just a status code and a message.

Every guess is written down in `Observation.assumptions` so the user can see how the text was read.
The parser never evaluates anything it reads, keeps no request header values and strips query values
from URLs; response headers and bodies are kept as they are (the redaction layer masks them on output).
"""

from __future__ import annotations

import ast
import json
import re
import shlex
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

from aigw_doctor.model import Observation, RequestContext

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

# Work is capped so a pasted multi-gigabyte log cannot hang the CLI; error bodies are small.
MAX_INPUT_CHARS = 4 * 1024 * 1024
# A Python or JavaScript literal longer than this is not converted (ast.parse cost grows with size).
MAX_LITERAL_CHARS = 256 * 1024
# How many `{` positions are tried when looking for a body inside free text, and how many
# bracket/quote tokens the literal matcher may visit in total: both bound the worst case.
_MAX_EMBED_ATTEMPTS = 200
_LITERAL_TOKEN_BUDGET = 300_000
_MAX_LITERAL_DEPTH = 100
_MAX_UNWRAP_ROUNDS = 3
# Line-oriented loops run in Python, so they are bounded separately from the character cap.
_MAX_RESPONSES = 1_000
_MAX_HEADER_LINES = 1_000
_MAX_PREAMBLE_LINES = 200
_MAX_TRANSCRIPT_LINES = 200_000
# Regex scans for a status, a URL or a transport error look at this much of the text.
_MAX_SCAN_CHARS = 1024 * 1024

_LOWEST_STATUS, _HIGHEST_STATUS = 100, 599

_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_STATUS_LINE = re.compile(r"[ \t]*HTTP/(\d(?:\.\d)?)[ \t]+(\d{3})(?:[ \t]+([^\n]*))?")
_FENCE = re.compile(r"[ \t]*```[\w+-]*[ \t]*")


def _plausible(code: int) -> bool:
    return _LOWEST_STATUS <= code <= _HIGHEST_STATUS


# --------------------------------------------------------------------------- small public helpers


def split_header_line(line: str) -> tuple[str, str] | None:
    """Split `Name: value` into (lowercased name, stripped value); None when the line is no header.

    The name must be an RFC 9110 token, so JSON (`{"error": …}`), HTML and prose lines are refused.
    """
    name, sep, value = line.partition(":")
    name = name.rstrip()
    if not sep or not _TOKEN.fullmatch(name):
        return None
    return name.lower(), value.strip()


_QUERY_NAME = re.compile(r"[A-Za-z0-9_.\-\[\]]{1,64}")


def clean_url(url: str) -> tuple[str, str, str] | None:
    """Return (url, host, path) for an http(s) URL with secrets removed, or None if it is not one.

    User info and the fragment are dropped; query *values* are dropped (`?key=` may hold an API key)
    while parameter names are kept, because the name alone can explain an error. The host is lowercased
    and carries no port; the URL keeps the port.
    """
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
        if parts.scheme.lower() not in ("http", "https") or not host:
            return None
        try:
            port = parts.port
        except ValueError:
            port = None
    except ValueError:
        return None
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc += f":{port}"
    path = parts.path or "/"
    names = []
    for item in parts.query.split("&"):
        name = item.partition("=")[0]
        if _QUERY_NAME.fullmatch(name) and name not in names:
            names.append(name)
    query = "?" + "&".join(f"{name}=" for name in names) if names else ""
    return f"{parts.scheme.lower()}://{netloc}{path}{query}", host, path


def _host_only(value: str) -> str | None:
    value = value.strip().lower()
    host = value[1:].partition("]")[0] if value.startswith("[") else value.partition(":")[0]
    return host or None


def _set_url(request: RequestContext, url: str) -> bool:
    cleaned = clean_url(url)
    if cleaned is None:
        return False
    request.url, host, path = cleaned
    request.host = request.host or host
    request.path = request.path or path
    return True


def _add_header_name(request: RequestContext, name: str) -> None:
    name = name.strip().lower()
    if _TOKEN.fullmatch(name) and name not in request.header_names:
        request.header_names.append(name)


_CURL_COMMAND = re.compile(r"[ \t]*(?:[$#>%][ \t]*)?curl[ \t]")


def _model_from_data(data: str) -> str | None:
    ok, value = _load_json(data) if data.lstrip().startswith("{") else (False, None)
    model = value.get("model") if ok and isinstance(value, dict) else None
    return model if isinstance(model, str) and model else None


def request_from_curl_command(command: str) -> RequestContext | None:
    """Read method, URL and header *names* from a `curl …` command line; None if it is not one."""
    match = _CURL_COMMAND.match(command)
    if match is None:
        return None
    rest = command[match.end() :]
    try:
        words = shlex.split(rest)
    except ValueError:  # unbalanced quotes in a half-copied command
        words = rest.split()
    request = RequestContext()
    implied_method: str | None = None
    i = 0
    while i < len(words):
        word = words[i]
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if word in ("-X", "--request"):
            request.method = nxt.upper() or None
            i += 2
            continue
        if word.startswith("-X") and len(word) > 2:
            request.method = word[2:].upper()
        elif word in ("-H", "--header"):
            if len(request.header_names) < 200:
                _add_header_name(request, nxt.partition(":")[0])
            i += 2
            continue
        elif word in ("-d", "--data", "--data-raw", "--data-binary", "--json", "-F", "--form"):
            implied_method = implied_method or "POST"
            request.model = request.model or _model_from_data(nxt)
            i += 2
            continue
        elif word in ("-I", "--head"):
            implied_method = "HEAD"
        elif word in ("--url",) or (not word.startswith("-") and "://" in word):
            target = nxt if word == "--url" else word
            if request.url is None:
                _set_url(request, target)
        i += 1
    request.method = request.method or implied_method or ("GET" if request.url else None)
    return request


def _merge_request(into: RequestContext, other: RequestContext) -> None:
    for name in ("method", "url", "host", "path", "model"):
        if getattr(into, name) is None and getattr(other, name) is not None:
            setattr(into, name, getattr(other, name))
    for header_name in other.header_names:
        _add_header_name(into, header_name)


# --------------------------------------------------------------------------- transport errors

# Checked in this order: a TLS failure often mentions the connection, and a connect timeout is a timeout.
# Plain lowercase substrings: `str.find` is far faster than a case-insensitive regex alternation.
_TRANSPORT_MARKERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "tls",
        (
            "ssl certificate problem",
            "certificate verify failed",
            "sslerror",
            "ssl routines",
            "ssl_error",
            "tls handshake",
            "unable to get local issuer certificate",
            "self signed certificate",
            "self-signed certificate",
            "no alternative certificate subject name",
            "unable_to_verify_leaf_signature",
            "err_tls",
            "curl: (35)",
            "curl: (60)",
        ),
    ),
    (
        "dns",
        (
            "could not resolve host",
            "name or service not known",
            "nodename nor servname",
            "temporary failure in name resolution",
            "getaddrinfo",
            "enotfound",
            "eai_again",
            "nameresolutionerror",
            "failed to resolve",
            "no address associated with hostname",
            "no such host",
            "curl: (6)",
        ),
    ),
    (
        "timeout",
        (
            "timed out",
            "timeout was reached",
            "readtimeout",
            "connecttimeout",
            "writetimeout",
            "pooltimeout",
            "etimedout",
            "apiconnectiontimeouterror",
            "context deadline exceeded",
            "curl: (28)",
        ),
    ),
    (
        "connect",
        (
            "connection refused",
            "econnrefused",
            "failed to connect",
            "no route to host",
            "network is unreachable",
            "enetunreach",
            "ehostunreach",
            "connection reset",
            "econnreset",
            "connecterror",
            "apiconnectionerror",
            "server disconnected without sending a response",
            "remote end closed connection",
            "curl: (7)",
        ),
    ),
)
_UNRESOLVED_HOST = re.compile(r"Could not resolve host:[ \t]*([A-Za-z0-9.\-]{1,253})")


def classify_transport_error(text: str) -> tuple[str, str] | None:
    """Classify a failure that happened before any response: (`tls`|`dns`|`timeout`|`connect`, evidence)."""
    lowered = text.lower()
    for kind, markers in _TRANSPORT_MARKERS:
        for marker in markers:
            index = lowered.find(marker)
            # A marker must start a word: `ResourceNotFoundException` is no ENOTFOUND.
            while index > 0 and marker[0].isalnum() and lowered[index - 1].isalnum():
                index = lowered.find(marker, index + 1)
            if index != -1:
                return kind, text[index : index + len(marker)]
    return None


# --------------------------------------------------------------------------- literals and embedded JSON

_JS_NAMES: dict[str, Any] = {"null": None, "undefined": None, "true": True, "false": False}
_PY_NAMES: dict[str, Any] = {"None": None, "True": True, "False": False}


class _NotLiteral(Exception):
    pass


@dataclass
class _LiteralWalk:
    dialect: str = "python"

    def value(self, node: ast.expr, depth: int) -> Any:
        if depth > _MAX_LITERAL_DEPTH:
            raise _NotLiteral
        if isinstance(node, ast.Constant):
            if node.value is None or isinstance(node.value, (str, bool, int, float)):
                if isinstance(node.value, float) and node.value != node.value:
                    raise _NotLiteral
                return node.value
            raise _NotLiteral
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            operand = node.operand
            if isinstance(operand, ast.Constant) and type(operand.value) in (int, float):
                number = operand.value
                assert isinstance(number, (int, float))
                return -number if isinstance(node.op, ast.USub) else number
            raise _NotLiteral
        if isinstance(node, ast.Name):
            if node.id in _PY_NAMES:
                return _PY_NAMES[node.id]
            if node.id in _JS_NAMES:
                self.dialect = "javascript"
                return _JS_NAMES[node.id]
            raise _NotLiteral
        if isinstance(node, (ast.List, ast.Tuple)):
            return [self.value(item, depth + 1) for item in node.elts]
        if isinstance(node, ast.Dict):
            result: dict[str, Any] = {}
            for key_node, value_node in zip(node.keys, node.values, strict=True):
                if key_node is None:  # `**spread`
                    raise _NotLiteral
                result[self.key(key_node)] = self.value(value_node, depth + 1)
            return result
        raise _NotLiteral

    def key(self, node: ast.expr) -> str:
        if isinstance(node, ast.Name):
            # An unquoted key only occurs in JavaScript object literals (Node's util.inspect output).
            self.dialect = "javascript"
            return node.id
        value = self.value(node, _MAX_LITERAL_DEPTH)
        if isinstance(value, (dict, list)):
            raise _NotLiteral
        return value if isinstance(value, str) else json.dumps(value)


def literal_to_json(text: str) -> tuple[str, str] | None:
    """Convert a Python repr or JavaScript object literal of a dict/list to JSON text, without evaluating it.

    Returns (json_text, dialect) with dialect `python` or `javascript`, or None when the text is not
    such a literal. Only constants, dicts, lists and tuples are accepted (`ast` is used as a parser only).
    """
    text = text.strip()
    if not text or len(text) > MAX_LITERAL_CHARS or text[0] not in "{[(":
        return None
    walk = _LiteralWalk()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences warn on newer Pythons
            tree = ast.parse(text, mode="eval")
        value = walk.value(tree.body, 0)
        if not isinstance(value, (dict, list)):
            return None
        return json.dumps(value, ensure_ascii=False), walk.dialect
    except (_NotLiteral, SyntaxError, ValueError, TypeError, RecursionError, MemoryError, OverflowError):
        return None


_LITERAL_SPECIAL = re.compile(r"[{}\[\]()'\"\\\n]")


def _literal_end(text: str, start: int, budget: list[int]) -> int | None:
    """Index just past the bracket that closes `text[start]`, honouring Python quoting; None if unknown."""
    depth = 0
    quote = ""
    escaped_before = -1
    for match in _LITERAL_SPECIAL.finditer(text, start, min(len(text), start + MAX_LITERAL_CHARS)):
        budget[0] -= 1
        if budget[0] < 0:
            return None
        index = match.start()
        if index < escaped_before:
            continue
        char = match.group()
        if quote:
            if char == "\\":
                escaped_before = index + 2
            elif char == quote:
                quote = ""
            elif char == "\n":
                return None  # a repr string never spans lines
        elif char in "'\"":
            quote = char
        elif char in "{[(":
            depth += 1
        elif char in "}])":
            depth -= 1
            if depth == 0:
                return index + 1
    return None


_LITERAL_START = re.compile(r"\{[ \t\n]*(?:['\"}]|[A-Za-z_$])")


@dataclass(frozen=True)
class EmbeddedJson:
    """A JSON object found inside other text: its span in that text, the JSON text and where it came from."""

    start: int
    end: int
    json_text: str
    value: dict[str, Any]
    dialect: str  # "json", "python" or "javascript"


def _iter_embedded(text: str, start: int = 0) -> Iterator[EmbeddedJson]:
    decoder = json.JSONDecoder()
    budget = [_LITERAL_TOKEN_BUDGET]
    pos = text.find("{", start)
    attempts = 0
    while pos != -1 and attempts < _MAX_EMBED_ATTEMPTS:
        attempts += 1
        found: EmbeddedJson | None = None
        try:
            value, end = decoder.raw_decode(text, pos)
            if isinstance(value, dict):
                found = EmbeddedJson(pos, end, text[pos:end], value, "json")
        except (ValueError, RecursionError):
            pass
        if found is None and budget[0] > 0 and _LITERAL_START.match(text, pos):
            end_index = _literal_end(text, pos, budget)
            if end_index is not None:
                converted = literal_to_json(text[pos:end_index])
                # Unquoted keys with bare numbers are CSS or code far more often than an error body.
                plausible = converted is not None and (
                    converted[1] == "python" or any(q in text[pos:end_index] for q in "'\"")
                )
                if converted is not None and plausible:
                    value = json.loads(converted[0])
                    if isinstance(value, dict):
                        found = EmbeddedJson(pos, end_index, converted[0], value, converted[1])
        if found is not None:
            yield found
            pos = text.find("{", found.end)  # objects nested in a found one are not separate bodies
        else:
            pos = text.find("{", pos + 1)


def find_embedded_json(text: str, start: int = 0) -> EmbeddedJson | None:
    """The first balanced `{…}` at or after `start` that parses as JSON or as a Python/JS literal."""
    return next(_iter_embedded(text, start), None)


_ERRORISH_KEYS = frozenset({"error", "errors", "message", "detail", "error_code", "msg", "code"})


def _pick_embedded(text: str, anchor: int | None) -> EmbeddedJson | None:
    """Choose the body among the objects in `text`.

    With an anchor (where the status was read), the first object containing or following it wins: a
    traceback quotes source lines such as `json={"model": …}` before the exception message.
    Without one, an object with error-like keys beats a leading `{}` from a log prefix.
    """
    candidates: list[EmbeddedJson] = []
    for candidate in _iter_embedded(text):
        candidates.append(candidate)
        if anchor is not None and candidate.end > anchor:
            return candidate
        if anchor is None and _ERRORISH_KEYS & candidate.value.keys():
            return candidate
        if len(candidates) >= 16:
            break
    return candidates[0] if candidates else None


# --------------------------------------------------------------------------- JSON bodies

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


# --------------------------------------------------------------------------- raw HTTP responses


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


# --------------------------------------------------------------------------- curl -v transcripts

_REQUEST_LINE = re.compile(r"([A-Z]{3,10})[ \t]+(\S+)[ \t]+HTTP/\d(?:\.\d)?[ \t]*")
_VERBOSE_MARK = re.compile(
    r"^(?:< [ \t]*HTTP/\d(?:\.\d)?[ \t]+\d{3}\b|> [A-Z]{3,10} \S+ HTTP/\d|\*[ \t]+(?:Trying|Connected to|"
    r"Could not resolve|Host |connect to|Failed to connect|SSL|TLS|ALPN|Closing connection|Connection #|"
    r"Immediate connect|CAfile|CApath|Server certificate|using HTTP|\[HTTP/[23]\]|Uses proxy|"
    r"Establish HTTP proxy tunnel|schannel|Re-using|Operation timed out|Resolving timed out|OpenSSL|"
    r"Recv failure|Send failure|Mark bundle|processing:|IPv[46]|Request completely sent|"
    r"We are completely uploaded|old SSL session|upload completely sent))",
    re.M,
)
_CURL_TRAILER = re.compile(r"\* (?:Connection #\d+|Closing connection|shutting down connection)")
_CURL_NOISE = re.compile(r"[{}] \[\d+ bytes data\]|[ \t]*% Total[ \t].*|[ \t]+Dload[ \t].*|.*--:--:--.*|Note: .*")


def _looks_like_verbose(text: str) -> bool:
    return _VERBOSE_MARK.search(text) is not None


def _parse_verbose(lines: list[str], state: _State) -> None:
    responses = 0
    in_headers = False
    headers = _HeaderBlock()
    body_lines: list[str] = []
    version = ""
    request = RequestContext()
    for line_number, raw_line in enumerate(lines):
        if line_number >= _MAX_TRANSCRIPT_LINES:
            if responses and not in_headers:
                body_lines.extend(lines[line_number:])
            state.notes.append(f"only the first {_MAX_TRANSCRIPT_LINES:,} lines of the transcript were read")
            break
        line = raw_line.rstrip()
        if line.startswith("< ") or line == "<":
            content = line[2:]
            match = _match_status_line(content)
            if match is not None:
                responses += 1
                version, state.status = match.group(1), int(match.group(2))
                headers, body_lines, in_headers = _HeaderBlock(), [], True
            elif in_headers:
                if not content.strip():
                    in_headers = False
                elif headers.lines < _MAX_HEADER_LINES:
                    headers.add_line(content)
            continue
        if line.startswith("> ") or line == ">":
            content = line[2:]
            request_line = _REQUEST_LINE.fullmatch(content)
            if request_line is not None and request_line.group(1) != "CONNECT":
                # Only header names are kept: values may be secrets.
                request = RequestContext(method=request_line.group(1))
                target = request_line.group(2)
                if "://" in target:
                    _set_url(request, target)
                else:
                    request.path = target.partition("?")[0].partition("#")[0] or None
            elif (pair := split_header_line(content)) is not None and len(request.header_names) < 200:
                _add_header_name(request, pair[0])
                if pair[0] == "host":
                    request.host = _host_only(pair[1])
            continue
        if line.startswith(("* ", "curl: (")) or line == "*":
            state.url_region.append(line)
            continue
        if _CURL_NOISE.fullmatch(line):
            continue
        if responses and not in_headers:
            trailer = _CURL_TRAILER.search(line)
            if trailer is not None:  # a body without a final newline runs into curl's closing message
                state.url_region.append(line[trailer.start() :])
                line = line[: trailer.start()]
            body_lines.append(line)
        elif not responses:
            state.url_region.append(line)
    state.headers = headers.as_dict()
    state.headers_known = responses > 0
    _merge_request(state.request, request)
    state.notes.append("read as a curl -v transcript" + (f" (HTTP/{version} response)" if version else ""))
    if responses > 1:
        state.notes.append(f"the transcript holds {responses} responses; used the last one")
    body = "\n".join(body_lines)
    printed_lines = _status_line_indexes(body)
    if printed_lines and not body[: body.find("HTTP/")].strip():
        # `curl -iv` prints the headers twice: on stderr with `<` and on stdout before the body.
        printed = _State()
        _parse_raw(body.split("\n"), printed_lines, printed)
        state.headers = state.headers or printed.headers
        state.status = state.status or printed.status
        state.body, state.json_layers = printed.body, printed.json_layers
        state.notes.append("headers were printed twice (curl -iv); the body follows the second copy")
        state.notes.extend(note for note in printed.notes if not note.startswith("read as"))
        return
    state.body = body
    _refine_body(state)


# --------------------------------------------------------------------------- free text


@dataclass(frozen=True)
class _StatusHit:
    status: int
    snippet: str
    start: int
    end: int
    kind: str  # how the body is found: "sdk", "no-body", "leading", "text", "html"
    url: str | None = None


_SDK_ERROR_CODE = re.compile(r"\bError code: (\d{3})\b(?: - )?", re.I)
_HTTPX_ERROR = re.compile(
    r"\b(?:Client error|Server error|Redirect response|Informational response) '(\d{3})[^'\n]{0,80}'"
    r" for url '([^'\n]{0,4000})'"
)
_REQUESTS_ERROR = re.compile(r"\b(\d{3}) (?:Client|Server) Error: [^\n]{0,300}? for url: (\S{1,4000})")
_REQWEST_ERROR = re.compile(
    r"\bHTTP status (?:client|server) error \((\d{3})[^)\n]{0,80}\) for url \(([^)\s]{1,4000})\)"
)
_AIOHTTP_ERROR = re.compile(r"\bClientResponseError: (\d{3}), message=[^\n]{0,200}?, url=(?:URL\()?'([^'\n]{1,4000})'")
_NO_BODY = re.compile(r"\b(\d{3}) status code(?: \(no body\))?")
_LEADING = re.compile(
    r"^[ \t]*(?:(?:[A-Za-z_$][\w.$]{0,100})?(?:Error|Exception)[ \t]*:[ \t]*)?(\d{3})(?=[ \t]|$)([^\n]*)$",
    re.M,
)
_HTTP_VERSION_STATUS = re.compile(r"\bHTTP/\d(?:\.\d)? (\d{3})\b")
_STATUS_FIELD = re.compile(
    r"\b(?:status[ _-]?code|http[ _-]?(?:code|status)|status)[\"']?[ \t]*[:=][ \t]*[\"']?(\d{3})\b", re.I
)
_STATUS_WORDS = re.compile(r"\b(?:HTTP(?: status| error)?|status code|does not indicate success:)[ \t]+(\d{3})\b", re.I)
_HTML_TITLE = re.compile(r"<title[^>\n]{0,200}>([^<]{0,300})", re.I)
_TITLE_STATUS = re.compile(r"\b(\d{3})\b")
_HTML_START = re.compile(r"\s*<(?:!doctype|html|head|body|center|h1|title)\b", re.I)


def _is_html(text: str) -> bool:
    return _HTML_START.match(text) is not None or "<html" in text[:2000].lower()


_URL_LEAD_IN = re.compile(r"\s+for url|,\s*url=")


def _first_hit(pattern: re.Pattern[str], text: str, kind: str, url_group: int = 0) -> _StatusHit | None:
    for match in pattern.finditer(text):
        code = int(match.group(1))
        if not _plausible(code):
            continue
        snippet = match.group().strip(" -\t")
        if url_group:
            snippet = _URL_LEAD_IN.split(text[match.start() : match.start(url_group)])[0].strip(" '\t:")
        url = match.group(url_group) if url_group else None
        end = match.end(1) if kind == "leading" else match.end()
        if kind == "leading":
            snippet = text[match.start() : end].strip()
        return _StatusHit(code, snippet[:80], match.start(), end, kind, url)
    return None


def _html_hit(text: str) -> _StatusHit | None:
    title = _HTML_TITLE.search(text)
    if title is None:
        return None
    for match in _TITLE_STATUS.finditer(title.group(1)):
        code = int(match.group(1))
        if _plausible(code):
            return _StatusHit(code, title.group(1).strip()[:80], title.start(), title.end(), "html")
    return None


def _status_hit(text: str) -> _StatusHit | None:
    text = text[:_MAX_SCAN_CHARS]
    is_html = _is_html(text)
    finders: list[tuple[re.Pattern[str], str, int]] = [
        (_SDK_ERROR_CODE, "sdk", 0),
        (_HTTPX_ERROR, "no-body", 2),
        (_REQUESTS_ERROR, "no-body", 2),
        (_REQWEST_ERROR, "no-body", 2),
        (_AIOHTTP_ERROR, "no-body", 2),
        (_NO_BODY, "no-body", 0),
        (_LEADING, "leading", 0),
        (_HTTP_VERSION_STATUS, "text", 0),
        (_STATUS_FIELD, "text", 0),
        (_STATUS_WORDS, "text", 0),
    ]
    if is_html:
        hit = _html_hit(text)
        if hit is not None:
            return hit
    for pattern, kind, url_group in finders:
        hit = _first_hit(pattern, text, kind, url_group)
        if hit is not None:
            return hit
    return None if is_html else _html_hit(text)


def _is_reason_phrase(code: int, text: str) -> bool:
    try:
        return HTTPStatus(code).phrase.lower() == text.strip().lower()
    except ValueError:
        return False


def _parse_free_text(text: str, state: _State) -> None:
    if not text:
        state.notes.append("empty input")
        return
    if re.fullmatch(r"\d{3}", text) and _plausible(int(text)):
        state.set_status(int(text), "read as a bare status code")
        return
    # A body read whole gives no request URL: links inside error messages point at docs.
    ok, value = _load_json(text) if text[0] in '{["' else (False, None)
    if ok and isinstance(value, (dict, list)):
        state.body = text
        state.notes.append("read as a bare JSON body")
        _unwrap(state, value)
        return
    if ok and isinstance(value, str):
        state.body = text
        _refine_body(state)
        if state.json_layers:
            return
        state.body = ""
    if text[0] in "{[(" and (converted := literal_to_json(text)) is not None:
        state.body = converted[0]
        state.notes.append(_literal_note(converted[1]))
        _unwrap(state, json.loads(converted[0]))
        return

    html = _is_html(text)
    hit = _status_hit(text)
    if hit is not None:
        state.set_status(hit.status, f"status {hit.status} taken from '{hit.snippet}'")
        if hit.url:
            _set_url(state.request, hit.url.strip().rstrip(".,;)"))
    if html:
        state.body = text
        state.notes.append("read as an HTML page")
        return
    state.url_region.append(text)
    state.headers = _printed_response_headers(text)
    if state.headers:
        state.notes.append("response headers taken from a printed `responseHeaders` object")
    quoted = _quoted_response_body(text)
    if quoted is not None:
        field_name, value = quoted
        state.body = value
        state.notes.append(f"body taken from the `{field_name}` string")
        _refine_body(state)
        return
    anchor = None if hit is None else hit.end if hit.kind in ("sdk", "leading") else hit.start
    embedded = _pick_embedded(text, anchor)
    if embedded is not None:
        state.body = embedded.json_text
        if embedded.dialect == "json":
            after_status = hit is not None and hit.kind in ("sdk", "leading") and embedded.start >= hit.end
            state.notes.append("JSON body found after the status" if after_status else _where_json(text))
        else:
            state.notes.append(_literal_note(embedded.dialect))
        state.url_region[:] = [text[: embedded.start], text[embedded.end :]]
        _unwrap(state, embedded.value)
        return
    if hit is None:
        state.body = text
        state.notes.append("read as a plain-text body")
    elif hit.kind == "no-body":
        state.notes.append("the text carries no response body")
    elif hit.kind in ("sdk", "leading"):
        line_end = text.find("\n", hit.end)
        rest = text[hit.end : len(text) if line_end == -1 else line_end].strip()
        if hit.kind == "leading" and _is_reason_phrase(hit.status, rest):
            state.notes.append(f"'{rest}' read as the reason phrase, not a body")
        else:
            state.body = rest
            if rest:
                state.notes.append("body taken from the text after the status")
    else:
        state.body = text
        state.notes.append("kept the whole text as the body")


# SDKs that print an error object (Vercel AI SDK's APICallError, some Python clients) carry the body as
# a quoted string field; the object around it is request metadata, not the body.
_RESPONSE_BODY_FIELD = re.compile(r"\b(responseBody|response_body)[\"']?[ \t]*[:=][ \t]*(?=['\"])")
_QUOTED = {
    "'": re.compile(r"'(?:[^'\\\n]|\\.){0,262144}'"),
    '"': re.compile(r'"(?:[^"\\\n]|\\.){0,262144}"'),
}


def _quoted_response_body(text: str) -> tuple[str, str] | None:
    for number, field_match in enumerate(_RESPONSE_BODY_FIELD.finditer(text[:_MAX_SCAN_CHARS])):
        if number >= 10:
            break
        start = field_match.end()
        literal = _QUOTED[text[start]].match(text, start)
        if literal is None:
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                node = ast.parse(literal.group(), mode="eval").body
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.strip():
            return field_match.group(1), node.value.strip()
    return None


_RESPONSE_HEADERS_FIELD = re.compile(r"\b(?:responseHeaders|response_headers)[\"']?[ \t]*[:=][ \t]*(?=\{)")


def _printed_response_headers(text: str) -> dict[str, str]:
    field_match = _RESPONSE_HEADERS_FIELD.search(text[:_MAX_SCAN_CHARS])
    if field_match is None:
        return {}
    end = _literal_end(text, field_match.end(), [_LITERAL_TOKEN_BUDGET])
    ok, value = _load_json(text[field_match.end() : end]) if end is not None else (False, None)
    if not ok and end is not None:
        converted = literal_to_json(text[field_match.end() : end])
        ok, value = (True, json.loads(converted[0])) if converted is not None else (False, None)
    if not ok or not isinstance(value, dict):
        return {}
    return {
        str(name).lower(): str(item)
        for name, item in value.items()
        if _TOKEN.fullmatch(str(name)) and isinstance(item, (str, int, float))
    }


def _where_json(text: str) -> str:
    if "Traceback" in text or "\n  File " in text or "\n    at " in text:
        return "JSON body found inside a stack trace"
    return "JSON body found inside a log line"


# --------------------------------------------------------------------------- request context from text

_URL = re.compile(r"https?://[^\s'\"<>`\\|^{}]{1,4000}")
_METHOD_URL = re.compile(r"\b(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)[ \t]+(?:\"|')?(https?://\S{1,4000}|/\S{0,4000})")
_POOL_HOST = re.compile(r"host='([A-Za-z0-9.\-]{1,253})'")
_RETRIES_URL = re.compile(r"Max retries exceeded with url: (/[^\s(]{0,4000})")
# Links that appear inside error messages and tracebacks, not the URL that was requested.
_DOC_HOSTS = ("developer.mozilla.org", "platform.openai.com", "docs.", "help.", "console.anthropic.com")


def _is_doc_url(url: str) -> bool:
    host = urlsplit(url).netloc.lower() if "://" in url else ""
    return any(host.startswith(doc) or host == doc for doc in _DOC_HOSTS)


_CURL_LINE = re.compile(r"^[ \t]*(?:[$#>%][ \t]*)?curl[ \t][^\n]*", re.M)
_MAX_COMMAND_CHARS = 16 * 1024


def _request_from_region(region: list[str], state: _State) -> None:
    request = state.request
    text = "\n".join(region)[:_MAX_SCAN_CHARS]
    for number, line in enumerate(_CURL_LINE.finditer(text)):
        command = request_from_curl_command(line.group()[:_MAX_COMMAND_CHARS])
        if command is not None:
            _merge_request(request, command)
        if number >= 4:
            break
    if request.method is None or request.url is None:
        found = _METHOD_URL.search(text)
        if found is not None:
            request.method = request.method or found.group(1)
            target = found.group(2).rstrip(".,;)\"'")
            if target.startswith("/"):
                request.path = request.path or target.partition("?")[0] or None
            elif request.url is None:
                _set_url(request, target)
    if request.url is None:
        for number, match in enumerate(_URL.finditer(text)):
            url = match.group().rstrip(".,;:)]'\"")
            try:
                doc = _is_doc_url(url)
            except ValueError:
                continue
            if (not doc and _set_url(request, url)) or number >= 50:
                break
    if request.host is None and (pool := _POOL_HOST.search(text)) is not None:
        request.host = pool.group(1).lower()
    if request.path is None and (retries := _RETRIES_URL.search(text)) is not None:
        request.path = retries.group(1).partition("?")[0]
    if request.host is None and (unresolved := _UNRESOLVED_HOST.search(text)) is not None:
        request.host = unresolved.group(1).lower()


# --------------------------------------------------------------------------- entry point


_LEADING_SPACE = re.compile(r"\s*")


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
    # A transport error is only plausible when no response came back: no status and no structured body.
    if state.status is None and not state.json_layers and not _is_html(state.body):
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
