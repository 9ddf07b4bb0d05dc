"""The request side of what was pasted: header lines, URLs (query values stripped), a curl command line,
and the request context found in free text (method, URL, host of a failed connection).
"""

from __future__ import annotations

import re
import shlex
from urllib.parse import urlsplit

from aigw_doctor.model import RequestContext
from aigw_doctor.parse.json_body import _load_json, _State
from aigw_doctor.parse.limits import _MAX_SCAN_CHARS, _TOKEN
from aigw_doctor.parse.transport import _UNRESOLVED_HOST


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
