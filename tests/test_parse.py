"""Tests for aigw_doctor.parse: every pasted shape, secret handling, and properties that it never raises."""

from __future__ import annotations

import json
import string
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aigw_doctor.model import Observation
from aigw_doctor.parse import (
    MAX_INPUT_CHARS,
    classify_transport_error,
    clean_url,
    find_embedded_json,
    literal_to_json,
    parse_response_text,
    request_from_curl_command,
    split_header_line,
    status_from_json,
)
from aigw_doctor.plain import plain

NEON_HOST = "br-x-api.c-2.us-east-2.aws.neon.tech"


def notes(obs: Observation) -> str:
    return " | ".join(obs.assumptions)


def assert_no_secret(obs: Observation, *secrets: str) -> None:
    dumped = json.dumps(plain(obs))
    for secret in secrets:
        assert secret not in dumped


# --------------------------------------------------------------------------- 1. raw HTTP responses


def test_raw_http11_crlf_with_duplicate_headers() -> None:
    text = (
        "HTTP/1.1 401 Unauthorized\r\n"
        "Content-Type: application/json\r\n"
        "X-Request-Id: abc\r\n"
        "Set-Cookie: a=1\r\n"
        "set-cookie: b=2\r\n"
        "\r\n"
        '{"error": {"message": "invalid or missing credential"}}\r\n'
    )
    obs = parse_response_text(text)
    assert obs.status == 401
    assert obs.headers == {"content-type": "application/json", "x-request-id": "abc", "set-cookie": "a=1, b=2"}
    assert obs.body == '{"error": {"message": "invalid or missing credential"}}'
    assert "raw HTTP/1.1 response" in notes(obs)
    assert obs.transport_error is None


@pytest.mark.parametrize(
    ("status_line", "status", "version"),
    [
        ("HTTP/2 429", 429, "2"),
        ("HTTP/2 429 ", 429, "2"),
        ("HTTP/1.0 503 Service Unavailable", 503, "1.0"),
        ("HTTP/3 200", 200, "3"),
        ("HTTP/2.0 529 Site is overloaded", 529, "2.0"),
        ("HTTP/1.1 524", 524, "1.1"),
    ],
)
def test_raw_status_line_variants(status_line: str, status: int, version: str) -> None:
    obs = parse_response_text(f"{status_line}\nretry-after: 7\n\nbody text\n")
    assert obs.status == status
    assert obs.headers == {"retry-after": "7"}
    assert obs.body == "body text"
    assert f"raw HTTP/{version} response" in notes(obs)


def test_raw_lf_only_and_empty_body() -> None:
    obs = parse_response_text("HTTP/2 404\ncontent-length: 0\n")
    assert obs.status == 404
    assert obs.headers == {"content-length": "0"}
    assert obs.body == ""


def test_raw_uses_last_response_after_continue_and_redirects() -> None:
    text = (
        "HTTP/1.1 100 Continue\n\n"
        "HTTP/1.1 301 Moved Permanently\nLocation: https://example.com/v1/models\n\n"
        'HTTP/2 429\nretry-after: 20\n\n{"error": {"message": "slow down"}}'
    )
    obs = parse_response_text(text)
    assert obs.status == 429
    assert obs.headers == {"retry-after": "20"}
    assert obs.body == '{"error": {"message": "slow down"}}'
    assert "skipped 2 earlier response(s)" in notes(obs)


def test_raw_skips_proxy_connection_established() -> None:
    text = (
        "HTTP/1.1 200 Connection established\n\n"
        "HTTP/2 502\ncontent-type: text/html\n\n<html><body>bad gateway</body></html>\n"
    )
    obs = parse_response_text(text)
    assert obs.status == 502
    assert obs.body == "<html><body>bad gateway</body></html>"
    assert "200 Connection established" in notes(obs)


def test_raw_redirect_body_then_final_response() -> None:
    text = "HTTP/1.1 302 Found\nlocation: /b\n\nredirecting...\nHTTP/1.1 403 Forbidden\n\nnope"
    obs = parse_response_text(text)
    assert obs.status == 403
    assert obs.body == "nope"


def test_raw_final_response_body_quoting_a_status_line_is_kept() -> None:
    text = "HTTP/1.1 400 Bad Request\n\nexpected\nHTTP/1.1 200 OK\n"
    obs = parse_response_text(text)
    assert obs.status == 400
    assert obs.body == "expected\nHTTP/1.1 200 OK"


def test_raw_header_continuation_lines_are_joined() -> None:
    obs = parse_response_text("HTTP/1.1 400 Bad Request\nX-Long: part one\n  part two\nX-B: 1\n\n{}")
    assert obs.headers == {"x-long": "part one part two", "x-b": "1"}
    assert obs.body == "{}"


def test_raw_without_blank_line_before_body() -> None:
    obs = parse_response_text('HTTP/2 401\ncontent-type: application/json\n{"error": {"message": "bad key"}}')
    assert obs.status == 401
    assert obs.headers == {"content-type": "application/json"}
    assert obs.body == '{"error": {"message": "bad key"}}'
    assert "no blank line" in notes(obs)


def test_raw_with_curl_command_preamble_keeps_no_secrets() -> None:
    text = (
        f"$ curl -si -H 'Authorization: Bearer nt_live_SECRETSECRET' "
        f"'https://{NEON_HOST}/v1/chat/completions?key=AIzaSECRET' -d '{{\"model\": \"gpt-4o\"}}'\n"
        "HTTP/2 404\ncontent-type: application/json\n\n"
        '{"error": {"message": "unknown model \\"gpt-4o\\""}}'
    )
    obs = parse_response_text(text)
    assert obs.status == 404
    assert obs.request.method == "POST"
    assert obs.request.host == NEON_HOST
    assert obs.request.path == "/v1/chat/completions"
    assert obs.request.url == f"https://{NEON_HOST}/v1/chat/completions?key="
    assert obs.request.header_names == ["authorization"]
    assert obs.request.model == "gpt-4o"
    assert "ignored 1 line(s) before the status line" in notes(obs)
    assert_no_secret(obs, "SECRETSECRET", "AIzaSECRET")


def test_raw_in_markdown_fence_and_indented() -> None:
    text = '```http\n    HTTP/1.1 429 Too Many Requests\n    Retry-After: 3\n\n    {"a": 1}\n```\n'
    obs = parse_response_text(text)
    assert obs.status == 429
    assert obs.headers == {"retry-after": "3"}
    assert obs.body == '{"a": 1}'


def test_raw_event_stream_error_after_200() -> None:
    text = (
        "HTTP/2 200\ncontent-type: text/event-stream\n\n"
        'event: message_start\ndata: {"type":"message_start"}\n\n'
        'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n'
    )
    obs = parse_response_text(text)
    assert obs.status == 200
    assert json.loads(obs.body)["error"]["type"] == "overloaded_error"
    assert "event-stream" in notes(obs)


def test_raw_body_python_repr_is_converted() -> None:
    obs = parse_response_text("HTTP/1.1 400 Bad Request\n\n{'error': {'message': 'x', 'param': None}}")
    assert json.loads(obs.body) == {"error": {"message": "x", "param": None}}
    assert "Python dict repr" in notes(obs)


# --------------------------------------------------------------------------- 2. curl -v transcripts

VERBOSE = f"""$ curl -v https://{NEON_HOST}/v1/models?key=QUERYSECRET
*   Trying 3.14.15.92:443...
* Connected to {NEON_HOST} (3.14.15.92) port 443
* ALPN: curl offers h2,http/1.1
* SSL connection using TLSv1.3 / TLS_AES_256_GCM_SHA384
* [HTTP/2] [1] OPENED stream for https://{NEON_HOST}/v1/models?key=QUERYSECRET
* [HTTP/2] [1] [authorization: Bearer nt_live_INFOSECRET]
> GET /v1/models?key=QUERYSECRET HTTP/2
> Host: {NEON_HOST}
> User-Agent: curl/8.4.0
> Accept: */*
> authorization: Bearer nt_live_HEADERSECRET
>
< HTTP/2 403
< content-type: application/json
< x-request-id: req-123
<
{{"error": {{"message": "credential not authorized for ai gateway"}}}}* Connection #0 to host {NEON_HOST} left intact
"""


def test_verbose_transcript() -> None:
    obs = parse_response_text(VERBOSE)
    assert obs.status == 403
    assert obs.headers == {"content-type": "application/json", "x-request-id": "req-123"}
    assert obs.body == '{"error": {"message": "credential not authorized for ai gateway"}}'
    assert obs.request.method == "GET"
    assert obs.request.path == "/v1/models"
    assert obs.request.host == NEON_HOST
    assert obs.request.url == f"https://{NEON_HOST}/v1/models?key="
    assert obs.request.header_names == ["host", "user-agent", "accept", "authorization"]
    assert "curl -v transcript" in notes(obs)
    assert obs.transport_error is None
    assert_no_secret(obs, "HEADERSECRET", "INFOSECRET", "QUERYSECRET")


def test_verbose_crlf_and_two_responses_uses_last() -> None:
    text = (
        "> POST /v1/chat/completions HTTP/1.1\r\n> Host: gateway.ai.cloudflare.com\r\n>\r\n"
        "< HTTP/1.1 307 Temporary Redirect\r\n< location: /x\r\n<\r\n"
        "> POST /x HTTP/1.1\r\n>\r\n"
        "< HTTP/1.1 429 Too Many Requests\r\n< retry-after: 9\r\n<\r\n"
        "rate limited\r\n"
    )
    obs = parse_response_text(text)
    assert obs.status == 429
    assert obs.headers == {"retry-after": "9"}
    assert obs.body == "rate limited"
    assert obs.request.method == "POST"
    assert obs.request.path == "/x"
    assert "2 responses" in notes(obs)


def test_verbose_proxy_connect_is_not_the_request() -> None:
    text = (
        "* Uses proxy env variable HTTPS_PROXY == 'http://proxy:3128'\n"
        "> CONNECT api.openai.com:443 HTTP/1.1\n>\n"
        "< HTTP/1.1 200 Connection established\n<\n"
        "> GET /v1/models HTTP/2\n> Host: api.openai.com\n>\n"
        "< HTTP/2 401\n<\n"
        '{"error": {"message": "Incorrect API key provided"}}\n'
    )
    obs = parse_response_text(text)
    assert obs.status == 401
    assert obs.request.method == "GET"
    assert obs.request.path == "/v1/models"
    assert obs.request.host == "api.openai.com"


def test_verbose_with_include_prints_headers_twice() -> None:
    text = (
        "> GET /v1/models HTTP/2\n> Host: example.com\n>\n"
        "< HTTP/2 401\n< www-authenticate: Bearer\n<\n"
        "HTTP/2 401\nwww-authenticate: Bearer\n\n"
        '{"error": {"message": "no"}}\n'
        "* Connection #0 to host example.com left intact\n"
    )
    obs = parse_response_text(text)
    assert obs.status == 401
    assert obs.headers == {"www-authenticate": "Bearer"}
    assert obs.body == '{"error": {"message": "no"}}'
    assert "printed twice" in notes(obs)


@pytest.mark.parametrize(
    ("lines", "kind"),
    [
        (
            "* Could not resolve host: api.nope.example\n* Closing connection\n"
            "curl: (6) Could not resolve host: api.nope.example",
            "dns",
        ),
        (
            "*   Trying 1.2.3.4:443...\n* Connected to example.com (1.2.3.4) port 443\n"
            "* SSL certificate problem: unable to get local issuer certificate\n"
            "curl: (60) SSL certificate problem: unable to get local issuer certificate",
            "tls",
        ),
        (
            "*   Trying 127.0.0.1:9...\n* connect to 127.0.0.1 port 9 failed: Connection refused\n"
            "curl: (7) Failed to connect to 127.0.0.1 port 9 after 0 ms: Couldn't connect to server",
            "connect",
        ),
        (
            "*   Trying 10.255.255.1:443...\n"
            "* Operation timed out after 5001 milliseconds with 0 out of 0 bytes received\n"
            "curl: (28) Operation timed out after 5001 milliseconds",
            "timeout",
        ),
    ],
)
def test_verbose_transport_errors(lines: str, kind: str) -> None:
    obs = parse_response_text(lines)
    assert obs.status is None
    assert obs.transport_error == kind
    assert f"classified as {kind}" in notes(obs)
    assert "no status found" in notes(obs)


def test_dns_failure_records_host() -> None:
    obs = parse_response_text("curl: (6) Could not resolve host: br-wrong.example.neon.tech")
    assert obs.transport_error == "dns"
    assert obs.request.host == "br-wrong.example.neon.tech"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("httpx.ReadTimeout: timed out", "timeout"),
        ("httpx.ConnectError: [Errno 111] Connection refused", "connect"),
        ("openai.APIConnectionError: Connection error.", "connect"),
        ("httpx.ConnectError: [Errno 8] nodename nor servname provided, or not known", "dns"),
        ("ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed", "tls"),
        (
            "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='api.x.example', port=443): "
            "Max retries exceeded with url: /v1/models?key=QSECRET (Caused by NameResolutionError("
            "\"Failed to resolve 'api.x.example' ([Errno -2] Name or service not known)\"))",
            "dns",
        ),
    ],
)
def test_sdk_transport_errors(text: str, kind: str) -> None:
    obs = parse_response_text(text)
    assert obs.status is None
    assert obs.transport_error == kind
    assert obs.body == text  # the client's message is kept: rules may match on it
    assert_no_secret(replace(obs, body=""), "QSECRET")


def test_requests_pool_error_gives_host_and_path() -> None:
    obs = parse_response_text(
        "HTTPSConnectionPool(host='api.x.example', port=443): Max retries exceeded with url: "
        "/v1/models?key=abc (Caused by ConnectTimeoutError(...))"
    )
    assert obs.request.host == "api.x.example"
    assert obs.request.path == "/v1/models"
    assert obs.transport_error == "timeout"


# --------------------------------------------------------------------------- 3. bare JSON bodies


@pytest.mark.parametrize(
    "body",
    [
        '{"error": {"message": "invalid or missing credential"}}',
        '[{"error": {"message": "x"}}]',
        '{\n  "error_code": "REQUEST_LIMIT_EXCEEDED",\n  "message": "ai gateway account daily spend limit"\n}',
    ],
)
def test_bare_json_body(body: str) -> None:
    obs = parse_response_text(f"\n  {body}\n")
    assert obs.status is None
    assert obs.body == body
    assert "bare JSON body" in notes(obs)
    assert "no status found" in notes(obs)


def test_bare_json_links_are_not_the_request_url() -> None:
    obs = parse_response_text(
        '{"error": {"message": "Incorrect API key. See https://api.example.com/account/api-keys."}}'
    )
    assert obs.request.url is None


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ('{"error":{"code":429,"message":"Resource exhausted","status":"RESOURCE_EXHAUSTED"}}', 429, "error.code"),
        (
            '{"success":false,"error":[{"code":2009,"message":"Unauthorized"}],'
            '"name":"AiGatewayError","httpCode":401,"internalCode":2009}',
            401,
            "httpCode",
        ),
        ('{"status": 503, "detail": "down"}', 503, "status"),
        ('{"statusCode": "502", "message": "bad"}', 502, "statusCode"),
        ('[{"error": {"code": 400, "message": "bad", "status": "INVALID_ARGUMENT"}}]', 400, "error.code"),
    ],
)
def test_status_taken_from_json_body(body: str, status: int, field: str) -> None:
    obs = parse_response_text(body)
    assert obs.status == status
    assert obs.body == body
    assert f"status {status} taken from the JSON body field `{field}`" in notes(obs)


@pytest.mark.parametrize(
    "body",
    [
        '{"error": {"code": 2009, "message": "Unauthorized"}}',
        '{"error": {"code": "rate_limit_exceeded"}}',
        '{"error": {"code": true}}',
        '{"code": "429"}',
    ],
)
def test_implausible_json_status_is_ignored(body: str) -> None:
    assert parse_response_text(body).status is None


def test_raw_status_line_wins_over_json_field() -> None:
    obs = parse_response_text('HTTP/1.1 400 Bad Request\n\n{"httpCode": 401}')
    assert obs.status == 400
    assert "JSON body field" not in notes(obs)


def test_json_encoded_string_body_is_decoded() -> None:
    obs = parse_response_text(json.dumps('{"error": {"message": "boom"}}'))
    assert obs.body == '{"error": {"message": "boom"}}'
    assert "JSON-encoded string" in notes(obs)


# --------------------------------------------------------------------------- 4. SDK exception text


def test_openai_python_sdk_repr() -> None:
    text = (
        "openai.RateLimitError: Error code: 429 - {'error': {'message': 'Rate limit reached', "
        "'type': 'requests', 'param': None, 'code': 'rate_limit_exceeded'}}"
    )
    obs = parse_response_text(text)
    assert obs.status == 429
    assert json.loads(obs.body) == {
        "error": {"message": "Rate limit reached", "type": "requests", "param": None, "code": "rate_limit_exceeded"}
    }
    assert "status 429 taken from 'Error code: 429'" in obs.assumptions
    assert "body recovered from a Python dict repr" in obs.assumptions


def test_openai_authentication_error() -> None:
    text = (
        "openai.AuthenticationError: Error code: 401 - {'error': {'message': \"Incorrect API key provided: "
        'sk-abc***xyz. You can find your API key at https://platform.openai.com/account/api-keys.", '
        "'type': 'invalid_request_error', 'param': None, 'code': 'invalid_api_key'}}"
    )
    obs = parse_response_text(text)
    assert obs.status == 401
    assert json.loads(obs.body)["error"]["code"] == "invalid_api_key"
    assert obs.request.url is None  # the docs link in the message is not the request


def test_anthropic_traceback_picks_the_exception_body() -> None:
    text = """Traceback (most recent call last):
  File "app.py", line 12, in <module>
    resp = client.post("/v1/messages", json={"model": "claude-3-5-sonnet"})
  File "/venv/lib/python3.12/site-packages/anthropic/_base_client.py", line 1061, in _request
    raise self._make_status_error_from_response(err.response) from None
anthropic.InternalServerError: Error code: 529 - {'type': 'error', 'error': {'type': 'overloaded_error', \
'message': 'Overloaded'}, 'request_id': 'req_011'}
"""
    obs = parse_response_text(text)
    assert obs.status == 529
    assert json.loads(obs.body) == {
        "type": "error",
        "error": {"type": "overloaded_error", "message": "Overloaded"},
        "request_id": "req_011",
    }


def test_anthropic_rate_limit_with_json_body() -> None:
    text = (
        'anthropic.RateLimitError: Error code: 429 - {"type":"error","error":'
        '{"type":"rate_limit_error","message":"Number of requests has exceeded your rate limit"}}'
    )
    obs = parse_response_text(text)
    assert obs.status == 429
    assert json.loads(obs.body)["error"]["type"] == "rate_limit_error"


def test_sdk_error_code_with_text_after_it() -> None:
    obs = parse_response_text("openai.InternalServerError: Error code: 502 - upstream hiccup")
    assert obs.status == 502
    assert obs.body == "upstream hiccup"


def test_js_sdk_status_then_json() -> None:
    obs = parse_response_text('429 {"error":{"message":"Rate limit reached","type":"requests"}}')
    assert obs.status == 429
    assert obs.body == '{"error":{"message":"Rate limit reached","type":"requests"}}'


def test_js_sdk_no_body() -> None:
    obs = parse_response_text("Error: 401 status code (no body)\n    at APIError.generate (error.js:44:14)")
    assert obs.status == 401
    assert obs.body == ""
    assert "no response body" in notes(obs)


def test_js_sdk_inspect_object_literal() -> None:
    obs = parse_response_text("RateLimitError: 429 { error: { message: 'Rate limit', code: null, retry: true } }")
    assert obs.status == 429
    assert json.loads(obs.body) == {"error": {"message": "Rate limit", "code": None, "retry": True}}
    assert "JavaScript object literal" in notes(obs)


def test_httpx_status_error_with_url() -> None:
    text = (
        f"httpx.HTTPStatusError: Client error '401 Unauthorized' for url "
        f"'https://{NEON_HOST}/v1/models?key=HTTPXSECRET'\n"
        "For more information check: https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/401"
    )
    obs = parse_response_text(text)
    assert obs.status == 401
    assert obs.body == ""
    assert obs.request.host == NEON_HOST
    assert obs.request.path == "/v1/models"
    assert obs.request.url == f"https://{NEON_HOST}/v1/models?key="
    assert "status 401 taken from" in notes(obs)
    assert_no_secret(obs, "HTTPXSECRET")


def test_requests_http_error() -> None:
    text = (
        "requests.exceptions.HTTPError: 403 Client Error: Forbidden for url: "
        "https://gateway.ai.cloudflare.com/v1/acc123/gw/openai/chat/completions"
    )
    obs = parse_response_text(text)
    assert obs.status == 403
    assert obs.request.host == "gateway.ai.cloudflare.com"
    assert obs.request.path == "/v1/acc123/gw/openai/chat/completions"
    assert "403 Client Error: Forbidden" in notes(obs)


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("ERROR request failed status_code=429 body=slow down", 429),
        ("Status Code: 503 Service Unavailable", 503),
        ("got HTTP 504 from upstream", 504),
        ('level=error msg="upstream" status: 520', 520),
    ],
)
def test_status_fields_in_log_text(text: str, status: int) -> None:
    obs = parse_response_text(text)
    assert obs.status == status
    assert obs.body == text
    assert f"status {status} taken from" in notes(obs)


def test_httpx_log_line_gives_method_and_url() -> None:
    obs = parse_response_text(
        'INFO:httpx:HTTP Request: POST https://api.openai.com/v1/chat/completions "HTTP/1.1 429 Too Many Requests"'
    )
    assert obs.status == 429
    assert obs.request.method == "POST"
    assert obs.request.host == "api.openai.com"
    assert obs.request.path == "/v1/chat/completions"


def test_vercel_ai_sdk_error_object() -> None:
    text = """APICallError [AI_APICallError]: Too Many Requests
    at file:///app/node_modules/@ai-sdk/provider-utils/dist/index.mjs:123:14 {
  cause: undefined,
  url: 'https://gateway.ai.cloudflare.com/v1/acc/gw/openai/chat/completions',
  requestBodyValues: { model: 'gpt-4o', messages: [ [Object] ] },
  statusCode: 429,
  responseHeaders: { 'content-type': 'application/json', 'retry-after': '3' },
  responseBody: '{"error":{"message":"Rate limit reached","type":"requests"}}',
  isRetryable: true,
  [Symbol(vercel.ai.error)]: true
}"""
    obs = parse_response_text(text)
    assert obs.status == 429
    assert obs.headers == {"content-type": "application/json", "retry-after": "3"}
    assert obs.body == '{"error":{"message":"Rate limit reached","type":"requests"}}'
    assert obs.request.host == "gateway.ai.cloudflare.com"
    assert "`responseBody`" in notes(obs)


@pytest.mark.parametrize(
    ("text", "status", "host"),
    [
        (
            "Error: HTTP status client error (401 Unauthorized) for url (https://api.openai.com/v1/models?x=1)",
            401,
            "api.openai.com",
        ),
        (
            "aiohttp.client_exceptions.ClientResponseError: 429, message='Too Many Requests', "
            "url=URL('https://api.anthropic.com/v1/messages')",
            429,
            "api.anthropic.com",
        ),
        ("System.Net.Http.HttpRequestException: Response status code does not indicate success: 401.", 401, None),
        ("error, status code: 429, status: 429 Too Many Requests, message: Rate limit reached", 429, None),
    ],
)
def test_other_client_errors(text: str, status: int, host: str | None) -> None:
    obs = parse_response_text(text)
    assert obs.status == status
    assert obs.request.host == host


def test_litellm_wrapped_sdk_error() -> None:
    text = (
        "litellm.exceptions.RateLimitError: litellm.RateLimitError: OpenAIException - Error code: 429 - "
        "{'error': {'message': 'Rate limit', 'type': 'requests', 'param': None, 'code': 'rate_limit_exceeded'}}"
    )
    obs = parse_response_text(text)
    assert obs.status == 429
    assert json.loads(obs.body)["error"]["code"] == "rate_limit_exceeded"


# --------------------------------------------------------------------------- 5. embedded and nested JSON


def test_json_in_log_line() -> None:
    text = '2026-01-01T10:00:00Z ERROR gateway call failed extra={} {"error": {"message": "boom"}} trace=abc'
    obs = parse_response_text(text)
    assert obs.body == '{"error": {"message": "boom"}}'
    assert "JSON body found inside a log line" in obs.assumptions


def test_log_line_with_status_inside_json() -> None:
    text = 'WARN upstream {"status": 429, "error": {"message": "too many"}} retrying'
    obs = parse_response_text(text)
    assert obs.status == 429
    assert obs.body == '{"status": 429, "error": {"message": "too many"}}'


def test_json_in_stack_trace() -> None:
    text = 'Traceback (most recent call last):\n  File "x.py", line 1\nRuntimeError: failed: {"error": "nope"}'
    obs = parse_response_text(text)
    assert obs.body == '{"error": "nope"}'
    assert "stack trace" in notes(obs)


def test_nested_error_message_is_unwrapped() -> None:
    body = json.dumps({"error": {"message": json.dumps({"error": {"message": "unknown model"}})}})
    obs = parse_response_text(body)
    assert json.loads(obs.body) == {"error": {"message": "unknown model"}}
    assert "nested as a JSON string inside `error.message`" in notes(obs)


def test_nested_body_field_is_unwrapped_and_outer_status_kept() -> None:
    body = json.dumps({"statusCode": 429, "body": json.dumps({"message": "Too many requests"})})
    obs = parse_response_text(body)
    assert obs.status == 429
    assert json.loads(obs.body) == {"message": "Too many requests"}
    assert "inside `body`" in notes(obs)


def test_doubly_nested_and_repr_nested() -> None:
    inner = json.dumps({"error": {"message": "{'error': {'message': 'deep', 'code': None}}"}})
    obs = parse_response_text(json.dumps({"body": inner}))
    assert json.loads(obs.body) == {"error": {"message": "deep", "code": None}}
    assert notes(obs).count("unwrapped") == 2


def test_prose_message_is_not_unwrapped() -> None:
    body = '{"error_code": "BAD_REQUEST", "message": "ai gateway upstream request failed: {broken"}'
    obs = parse_response_text(body)
    assert obs.body == body
    assert "unwrapped" not in notes(obs)


def test_find_embedded_json_helper() -> None:
    found = find_embedded_json("noise {not json} then {'a': [1, 2, None]} end")
    assert found is not None
    assert found.dialect == "python"
    assert json.loads(found.json_text) == {"a": [1, 2, None]}
    assert find_embedded_json("no braces at all") is None
    assert find_embedded_json("css { margin: 0 }") is None


# --------------------------------------------------------------------------- 6. plain text and HTML


def test_nginx_html_502() -> None:
    html = (
        "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
        "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    )
    obs = parse_response_text(html)
    assert obs.status == 502
    assert obs.body.startswith("<html>") and "nginx" in obs.body
    assert "HTML page" in notes(obs)


def test_cloudflare_html_524_without_js_braces_becoming_body() -> None:
    html = (
        "<!DOCTYPE html>\n<html><head><title>api.example.com | 524: A timeout occurred</title>"
        "<style>body{margin:0}</style></head><body><a href='https://www.cloudflare.com/5xx'>x</a></body></html>"
    )
    obs = parse_response_text(html)
    assert obs.status == 524
    assert obs.body == html
    assert obs.request.url is None
    assert obs.transport_error is None


@pytest.mark.parametrize(
    "text",
    [
        "error code: 1010",
        "upstream connect error or disconnect/reset before headers. reset reason: connection failure",
        "upstream request timeout",
    ],
)
def test_plain_text_bodies_without_status(text: str) -> None:
    obs = parse_response_text(text)
    assert obs.status is None
    assert obs.body == text
    assert obs.transport_error is None
    assert "plain-text body" in notes(obs)
    assert "no status found" in notes(obs)


@pytest.mark.parametrize("code", [429, 529, 520, 521, 522, 523, 524, 525, 526])
def test_bare_status_code(code: int) -> None:
    obs = parse_response_text(f" {code}\n")
    assert obs.status == code
    assert obs.body == ""
    assert "bare status code" in notes(obs)


def test_status_with_reason_phrase_has_no_body() -> None:
    obs = parse_response_text("429 Too Many Requests")
    assert obs.status == 429
    assert obs.body == ""
    assert "reason phrase" in notes(obs)


def test_status_with_message_keeps_message_as_body() -> None:
    obs = parse_response_text("401 invalid or missing credential")
    assert obs.status == 401
    assert obs.body == "invalid or missing credential"


@pytest.mark.parametrize("text", ["", "   \n\t ", "999", "hello world", "12345", "true", "null", "[1, 2"])
def test_odd_inputs_have_no_status(text: str) -> None:
    obs = parse_response_text(text)
    assert obs.status is None
    assert "no status found" in obs.assumptions


# --------------------------------------------------------------------------- 7. URLs and request context


def test_url_in_free_text_sets_host_and_path() -> None:
    obs = parse_response_text(f"request to https://{NEON_HOST}/v1/models failed with 404 page not found")
    assert obs.request.host == NEON_HOST
    assert obs.request.path == "/v1/models"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://Example.COM/v1/x?key=abc&alt=sse#frag",
            ("https://example.com/v1/x?key=&alt=", "example.com", "/v1/x"),
        ),
        ("http://user:pw@127.0.0.1:8080/v1", ("http://127.0.0.1:8080/v1", "127.0.0.1", "/v1")),
        ("https://h.example", ("https://h.example/", "h.example", "/")),
        ("https://[::1]:99999/x", ("https://[::1]/x", "::1", "/x")),
        ("ftp://h.example/x", None),
        ("https://", None),
        ("not a url", None),
    ],
)
def test_clean_url(url: str, expected: tuple[str, str, str] | None) -> None:
    assert clean_url(url) == expected


def test_request_from_curl_command() -> None:
    request = request_from_curl_command(
        "curl -sS -X post https://gateway.ai.cloudflare.com/v1/a/g/compat/chat/completions "
        "-H 'cf-aig-authorization: Bearer CFSECRET' --header \"Content-Type: application/json\" "
        '--json \'{"model": "openai/gpt-4o-mini"}\''
    )
    assert request is not None
    assert request.method == "POST"
    assert request.host == "gateway.ai.cloudflare.com"
    assert request.header_names == ["cf-aig-authorization", "content-type"]
    assert request.model == "openai/gpt-4o-mini"
    assert "CFSECRET" not in json.dumps(plain(request))
    assert request_from_curl_command("echo curl") is None
    unbalanced = request_from_curl_command("curl 'https://a.example/x")
    assert unbalanced is not None


# --------------------------------------------------------------------------- helpers


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Content-Type: application/json", ("content-type", "application/json")),
        ("x-empty:", ("x-empty", "")),
        ("Retry-After :  5 ", ("retry-after", "5")),
        ('{"error": "x"}', None),
        ("no colon here", None),
        (": value", None),
        ("bad name: x", None),
    ],
)
def test_split_header_line(line: str, expected: tuple[str, str] | None) -> None:
    assert split_header_line(line) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{'a': (1, -2.5, True, None)}", '{"a": [1, -2.5, true, null]}'),
        ("{1: 'x'}", '{"1": "x"}'),
        ("{'é': '\\u00e9'}", '{"é": "é"}'),
        ("__import__('os').system('echo pwned')", None),
        ("{'a': open('/etc/passwd')}", None),
        ("{'a': lambda: 1}", None),
        ("{'a': 1 + 2}", None),
        ("{'a': b'bytes'}", None),
        ("{**x}", None),
        ("{'a'}", None),
        ("'just a string'", None),
        ("[" * 5000 + "]" * 5000, None),
        ("{'a': " + "9" * 5000 + "}", None),
    ],
)
def test_literal_to_json_is_safe(text: str, expected: str | None) -> None:
    result = literal_to_json(text)
    assert (None if result is None else result[0]) == expected


def test_status_from_json_helper() -> None:
    assert status_from_json({"httpCode": 401, "error": {"code": 2009}}) == (401, "httpCode")
    assert status_from_json({"error": {"code": 2009}}) is None
    assert status_from_json("x") is None
    assert status_from_json([]) is None


def test_classify_transport_error_order() -> None:
    assert classify_transport_error("Failed to connect to x port 443 after 75000 ms: Timed out") == (
        "timeout",
        "Timed out",
    )
    assert classify_transport_error("all good") is None


def test_huge_input_is_capped_and_noted() -> None:
    text = 'HTTP/1.1 500 Internal Server Error\n\n{"error": "' + "x" * MAX_INPUT_CHARS + '"}'
    obs = parse_response_text(text)
    assert obs.status == 500
    assert len(obs.body) < MAX_INPUT_CHARS
    assert "only the first" in notes(obs)


def test_non_string_input_does_not_raise() -> None:
    obs = parse_response_text(b"HTTP/1.1 418 I'm a teapot\n\n\xff")  # type: ignore[arg-type]
    assert obs.status == 418


# --------------------------------------------------------------------------- properties

PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check(obs: Observation) -> None:
    assert isinstance(obs, Observation)
    assert not any(note.startswith("could not read the text") for note in obs.assumptions), obs.assumptions
    assert obs.status is None or 100 <= obs.status <= 599


@PROPERTY
@given(st.text())
def test_arbitrary_text_never_raises(text: str) -> None:
    _check(parse_response_text(text))


@PROPERTY
@given(st.binary())
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    _check(parse_response_text(data.decode("utf-8", errors="replace")))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
header_names = st.text(alphabet=string.ascii_letters + string.digits + "-_", min_size=1, max_size=20)
header_lines = st.builds(lambda n, v: f"{n}: {v}", header_names, st.text(max_size=30)) | st.text(max_size=40)
fragments = st.one_of(
    st.sampled_from(
        [
            "HTTP/1.1 ",
            "HTTP/2 ",
            "< HTTP/2 ",
            "> GET / HTTP/2",
            "* Trying",
            "*   Trying 1.2.3.4",
            "Error code: ",
            " - ",
            "{'",
            '{"',
            "}",
            "[",
            "]",
            "'",
            '"',
            "\\",
            "\n",
            "\r\n",
            "<title>",
            "status_code=",
            "Client error '",
            "' for url '",
            "https://",
            "curl -H ",
            "```",
            "data: ",
            "event: error",
            "None",
            "null",
            ":",
            "429",
            "200 Connection established",
            "\t",
            " ",
        ]
    ),
    header_lines,
    json_values.map(json.dumps),
    json_values.map(repr),
    st.integers(min_value=0, max_value=1000).map(str),
)


@PROPERTY
@given(st.lists(fragments, max_size=25).map("".join))
def test_structured_junk_never_raises(text: str) -> None:
    _check(parse_response_text(text))


@PROPERTY
@given(st.lists(st.one_of(header_lines, fragments), max_size=15).map("\n".join))
def test_junk_lines_never_raise(text: str) -> None:
    _check(parse_response_text(text))


# Strings that cannot themselves parse as JSON, so no nested-body unwrapping can change the body.
plain_strings = st.text(alphabet=string.ascii_letters + string.digits + " _-.", max_size=12)
plain_json = st.recursive(
    st.none() | st.booleans() | st.integers() | plain_strings,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(plain_strings, children, max_size=4),
    max_leaves=12,
).filter(lambda value: isinstance(value, (dict, list)))
safe_header_values = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="\x85"),
    max_size=30,
).map(str.strip)
safe_headers = st.dictionaries(header_names.map(str.lower), safe_header_values, max_size=8)


@PROPERTY
@given(
    st.integers(min_value=100, max_value=599),
    st.sampled_from(["", " OK", " Something Odd"]),
    st.sampled_from(["1.0", "1.1", "2", "3"]),
    safe_headers,
    plain_json,
    st.sampled_from(["\n", "\r\n"]),
)
def test_raw_response_roundtrip(
    status: int, reason: str, version: str, headers: dict[str, str], body: Any, newline: str
) -> None:
    body_text = json.dumps(body)
    lines = [f"HTTP/{version} {status}{reason}", *(f"{name}: {value}" for name, value in headers.items())]
    raw = newline.join([*lines, "", body_text])
    obs = parse_response_text(raw)
    assert obs.status == status
    assert obs.headers == headers
    assert obs.body == body_text


@PROPERTY
@given(plain_json)
def test_bare_json_roundtrip(body: Any) -> None:
    text = json.dumps(body, indent=2)
    obs = parse_response_text(text)
    assert obs.body == text


@PROPERTY
@given(json_values.filter(lambda value: isinstance(value, (dict, list))))
def test_python_repr_converts_back_to_the_same_value(value: Any) -> None:
    result = literal_to_json(repr(value))
    assert result is not None
    assert json.loads(result[0]) == value
