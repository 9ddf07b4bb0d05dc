"""`curl -v` transcripts: the request and response lines marked `>` and `<`, and the body after them."""

from __future__ import annotations

import re

from aigw_doctor.model import RequestContext
from aigw_doctor.parse.json_body import _refine_body, _State
from aigw_doctor.parse.limits import _MAX_HEADER_LINES, _MAX_TRANSCRIPT_LINES
from aigw_doctor.parse.raw import _HeaderBlock, _match_status_line, _parse_raw, _status_line_indexes
from aigw_doctor.parse.request import _add_header_name, _host_only, _merge_request, _set_url, split_header_line

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
