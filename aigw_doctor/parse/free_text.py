"""Free text: SDK exception messages (OpenAI, Anthropic, JS SDKs, httpx, requests, aiohttp, reqwest), log
lines, stack traces and HTML pages, with the status and body found inside.
"""

from __future__ import annotations

import ast
import json
import re
import warnings
from dataclasses import dataclass
from http import HTTPStatus

from aigw_doctor.parse.embedded import _literal_end, _pick_embedded, literal_to_json
from aigw_doctor.parse.json_body import _literal_note, _load_json, _refine_body, _State, _unwrap
from aigw_doctor.parse.limits import _LITERAL_TOKEN_BUDGET, _MAX_SCAN_CHARS, _TOKEN, _plausible
from aigw_doctor.parse.request import _set_url


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
