"""From a logged exchange as a JSON object (a JSON Lines record, an item of a JSON array, a Cloudflare log
entry) to a LoggedExchange. Field names are forgiving: loggers spell the same thing many ways.

The canonical shape (what `analyze` documents and the bench generates):

    {"timestamp": "2026-07-01T12:00:00Z", "gateway": "neon", "method": "POST",
     "url": "https://…/v1/chat/completions", "model": "gpt-5-mini", "status": 429,
     "headers": {"retry-after": "30"}, "body": {"error": {"message": "…"}},
     "request_headers": ["authorization", "content-type"]}

`response` and `request` may also be nested objects holding the same fields.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from aigw_doctor import gateways
from aigw_doctor.analyze.record import LoggedExchange
from aigw_doctor.gateways import cloudflare
from aigw_doctor.parse import classify_transport_error, clean_url, split_header_line

STATUS_FIELDS = ("status", "status_code", "statusCode", "http_status", "response_status", "responseStatus")
BODY_FIELDS = ("body", "response_body", "responseBody", "response", "resp_body", "error")
HEADER_FIELDS = ("headers", "response_headers", "responseHeaders", "response_head", "resp_headers")
URL_FIELDS = ("url", "request_url", "requestUrl", "uri")
PATH_FIELDS = ("path", "request_path", "requestPath", "endpoint")
TIME_FIELDS = ("timestamp", "time", "ts", "@timestamp", "created_at", "createdAt", "date", "datetime",
               "startedDateTime", "start_time")  # fmt: skip
MODEL_FIELDS = ("model", "request_model")
METHOD_FIELDS = ("method", "request_method", "http_method")
TRANSPORT_FIELDS = ("transport_error", "exception", "error_message")
# A Cloudflare AI Gateway log entry (REST API `…/ai-gateway/gateways/{id}/logs`, Logpush) has these.
CLOUDFLARE_MARKERS = frozenset({"provider", "created_at", "cached", "tokens_in", "tokens_out", "step", "success"})

MAX_BODY_CHARS = 256 * 1024


def is_cloudflare_log(record: Mapping[str, Any]) -> bool:
    return "status_code" in record and len(CLOUDFLARE_MARKERS.intersection(record)) >= 2


def status_of(record: Mapping[str, Any]) -> int | str | None:
    """The status as an int; None when the record has none; a reason (str) when it has an unreadable one."""
    for name in STATUS_FIELDS:
        value = record.get(name)
        if value is not None:
            return _status_value(value, name)
    for nested in ("response", "res"):
        inner = record.get(nested)
        if isinstance(inner, dict):
            for name in STATUS_FIELDS:
                value = inner.get(name)
                if value is not None:
                    return _status_value(value, f"{nested}.{name}")
    return None


def _status_value(value: Any, name: str) -> int | str:
    if type(value) is int:
        status: int = value
    elif isinstance(value, str) and value.strip().isdigit():
        status = int(value.strip())
    elif isinstance(value, float) and value.is_integer():
        status = int(value)
    else:
        return f"{name} is not a status code ({str(value)[:40]!r})"
    if status == 0:
        return 0  # a request that got no response (HAR and browser logs write 0)
    if not 100 <= status <= 599:
        return f"{name} {status} is not an HTTP status"
    return status


def exchange_from_mapping(record: Mapping[str, Any], line: int, status: int | None) -> LoggedExchange | str:
    """The LoggedExchange for a record whose status was already read; a reason string when it cannot be one."""
    response = _nested(record, ("response", "res"))
    request = _nested(record, ("request", "req"))
    body = _first(record, BODY_FIELDS, skip_dict_with_status=True)
    if body is None and response is not None:
        body = _first(response, ("body", "content", "text", "data", "error"))
        if isinstance(body, dict) and "text" in body and "mimeType" in body:  # HAR-like content
            body = body.get("text")
    header_value = _first(record, HEADER_FIELDS)
    if header_value is None and response is not None:
        header_value = _first(response, ("headers", "head"))
    headers = headers_from(header_value)
    transport = None
    transport_text = None
    if status is None or status == 0:
        text = _first(record, TRANSPORT_FIELDS) or (body if isinstance(body, str) else None)
        if isinstance(text, str) and (found := classify_transport_error(text)) is not None:
            transport, transport_text = found[0], text[:4096]
        elif status is None:
            return "no status field (looked for " + ", ".join(STATUS_FIELDS[:3]) + ", …)"
        else:
            transport, transport_text = "unknown", "status 0: the request got no response"
        status = None
    url = _text(_first(record, URL_FIELDS) or (request and _first(request, URL_FIELDS)))
    path = _text(_first(record, PATH_FIELDS) or (request and _first(request, PATH_FIELDS)))
    host = _text(record.get("host") or (request and request.get("host")))
    if url is not None:
        cleaned = _clean_url(url)
        if cleaned is not None:
            url, url_host, url_path = cleaned
            host = host or url_host
            path = path or url_path
        elif url.startswith("/"):
            path, url = path or url.partition("?")[0], None
        else:
            url = None
    model = _text(_first(record, MODEL_FIELDS) or (request and _first(request, MODEL_FIELDS)))
    if model is None and request is not None:
        model = _model_from_request_body(request.get("body"))
    method = _text(_first(record, METHOD_FIELDS) or (request and _first(request, METHOD_FIELDS)))
    names = _header_names(record.get("request_headers") or (request and request.get("headers")))
    gateway = _text(record.get("gateway"))
    facts: tuple[tuple[str, str], ...] = ()
    if is_cloudflare_log(record):
        gateway = cloudflare.GATEWAY.name
        provider = _text(record.get("provider"))
        if provider:
            facts = (("provider", provider),)
    if gateway is not None:
        gateway = gateway.lower() if gateway.lower() in gateways.names() else None
    timestamp = _first(record, TIME_FIELDS)
    if timestamp is None and response is not None:
        timestamp = _first(response, TIME_FIELDS)
    return LoggedExchange(
        line=line,
        status=status,
        body=body_text(body),
        headers=headers,
        headers_known=header_value is not None,
        gateway=gateway,
        method=method.upper() if method else None,
        url=url,
        host=host.lower() if host else None,
        path=path,
        model=model,
        request_header_names=names,
        transport_error=transport,
        transport_text=transport_text,
        facts=facts,
        timestamp=timestamp,
    )


# A log names the same few endpoints over and over.
_clean_url = lru_cache(maxsize=1024)(clean_url)


def body_text(body: Any) -> str:
    if body is None:
        return ""
    if isinstance(body, str):
        return body[:MAX_BODY_CHARS]
    try:
        return json.dumps(body, ensure_ascii=False)[:MAX_BODY_CHARS]
    except (TypeError, ValueError):
        return str(body)[:MAX_BODY_CHARS]


def headers_from(value: Any) -> dict[str, str]:
    """A dict, a list of {name, value} (HAR) or [name, value] pairs, JSON text of either, or raw header lines."""
    if value is None:
        return {}
    if isinstance(value, dict):
        return {str(k).lower(): _header_value(v) for k, v in value.items() if not str(k).startswith(":")}
    if isinstance(value, list):
        headers: dict[str, str] = {}
        for item in value:
            if isinstance(item, dict) and "name" in item:
                name = str(item["name"]).lower()
                if not name.startswith(":"):
                    headers[name] = _header_value(item.get("value"))
            elif isinstance(item, (list, tuple)) and len(item) == 2:
                headers[str(item[0]).lower()] = _header_value(item[1])
        return headers
    if isinstance(value, str):
        text = value.strip()
        if text[:1] in ("{", "["):
            try:
                return headers_from(json.loads(text))
            except (ValueError, RecursionError):
                return {}
        headers = {}
        for raw in text.splitlines()[:500]:
            split = split_header_line(raw)
            if split is not None:
                headers[split[0]] = split[1]
        return headers
    return {}


def _header_value(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _header_names(value: Any) -> tuple[str, ...]:
    if isinstance(value, dict):
        names = [str(k) for k in value]
    elif isinstance(value, list):
        names = [str(item.get("name")) if isinstance(item, dict) else str(item) for item in value]
    else:
        return ()
    return tuple(dict.fromkeys(n.strip().lower() for n in names[:200] if n.strip() and not n.startswith(":")))


def _nested(record: Mapping[str, Any], names: tuple[str, ...]) -> Mapping[str, Any] | None:
    for name in names:
        value = record.get(name)
        if isinstance(value, dict) and _is_exchange_part(value):
            return value
    return None


def _is_exchange_part(value: Mapping[str, Any]) -> bool:
    """A nested `response` object holds status/headers/body; an error body (`{"error": …}`) does not."""
    return any(key in value for key in ("status", "status_code", "statusCode", "headers", "body", "url", "method"))


def _first(record: Mapping[str, Any], names: tuple[str, ...], *, skip_dict_with_status: bool = False) -> Any:
    for name in names:
        value = record.get(name)
        if value is None:
            continue
        if skip_dict_with_status and isinstance(value, dict) and _is_exchange_part(value):
            continue
        return value
    return None


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list, bool)):
        return None
    text = str(value).strip()
    return text or None


def _model_from_request_body(body: Any) -> str | None:
    if isinstance(body, str) and body.lstrip().startswith("{"):
        try:
            body = json.loads(body)
        except (ValueError, RecursionError):
            return None
    if isinstance(body, dict):
        return _text(body.get("model"))
    return None
