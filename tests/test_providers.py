"""Upstream provider errors (REFERENCE.md Part 3) as raw HTTP through `aigw-doctor explain -`.

Each provider's own envelope must land on its own rule, directly and when Cloudflare passes it through
(`--gateway cloudflare`), with the right category and transient flag. Neon's flat `ai gateway ...` envelope
must never be read as a Databricks error.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from typer.testing import CliRunner

from aigw_doctor.cli import app

runner = CliRunner()


@dataclass(frozen=True)
class Case:
    id: str
    status: int
    body: str
    rule: str
    category: str
    transient: bool
    facts: tuple[str, ...] = ()
    headers: tuple[tuple[str, str], ...] = ()

    def raw(self) -> str:
        lines = [f"HTTP/2 {self.status}", "content-type: application/json"]
        lines += [f"{name}: {value}" for name, value in self.headers]
        return "\n".join(lines) + "\n\n" + self.body + "\n"


def openai(message: str, type_: str, code: str | None, param: str | None = None) -> str:
    return json.dumps({"error": {"message": message, "type": type_, "param": param, "code": code}})


def anthropic(type_: str, message: str) -> str:
    return json.dumps({"type": "error", "error": {"type": type_, "message": message}, "request_id": "req_011CPa"})


def google(code: int, status: str, message: str, reason: str | None = None) -> str:
    error: dict[str, Any] = {"code": code, "message": message, "status": status}
    if reason:
        error["details"] = [
            {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": reason, "domain": "googleapis.com"}
        ]
    return json.dumps({"error": error})


def databricks(code: str, message: str) -> str:
    return json.dumps(
        {
            "error_code": code,
            "message": message,
            "details": [{"@type": "type.googleapis.com/google.rpc.RequestInfo", "request_id": "5e2a"}],
        }
    )


OPENAI_RATE_HEADERS = (
    ("x-ratelimit-remaining-requests", "0"),
    ("x-ratelimit-reset-requests", "120ms"),
    ("retry-after", "1"),
)
ANTHROPIC_RATE_HEADERS = (("retry-after", "17"), ("anthropic-ratelimit-requests-remaining", "0"))

OPENAI_CASES = [
    Case(
        "openai-invalid-key",
        401,
        openai("Incorrect API key provided: sk-proj-****abcd.", "invalid_request_error", "invalid_api_key"),
        "openai.credential.invalid-key",
        "credential",
        False,
        ("Authorization: Bearer", "https://api.openai.com"),
    ),
    Case(
        "openai-invalid-key-null-code",
        401,
        openai("Incorrect API key provided: sk-xx.", "invalid_request_error", None),
        "openai.credential.invalid-key",
        "credential",
        False,
    ),
    Case(
        "openai-no-key",
        401,
        openai(
            "You didn't provide an API key. You need to provide your API key in an "
            "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
            "invalid_request_error",
            None,
        ),
        "openai.credential.missing-key",
        "credential",
        False,
        ("OPENAI_API_KEY", "cf-aig-authorization"),
    ),
    Case(
        "openai-model-not-found",
        404,
        openai(
            "The model `gpt-9` does not exist or you do not have access to it.",
            "invalid_request_error",
            "model_not_found",
        ),
        "openai.model.not-found",
        "model",
        False,
        ("/v1/models", "openai/"),
    ),
    Case(
        "openai-insufficient-quota",
        429,
        openai(
            "You exceeded your current quota, please check your plan and billing details.",
            "insufficient_quota",
            "insufficient_quota",
        ),
        "openai.quota.insufficient-quota",
        "quota",
        False,
        ("billing",),
    ),
    Case(
        "openai-rate-limit",
        429,
        openai(
            "Rate limit reached for gpt-4o in organization org-abc on requests per min "
            "(RPM): Limit 500, Used 500, Requested 1.",
            "requests",
            "rate_limit_exceeded",
        ),
        "openai.rate-limit.rate-limit-exceeded",
        "rate-limit",
        True,
        ("Retry-After", "x-ratelimit-reset-requests"),
        OPENAI_RATE_HEADERS,
    ),
    Case(
        "openai-context-length",
        400,
        openai(
            "This model's maximum context length is 128000 tokens. However, your messages resulted in 130412 tokens.",
            "invalid_request_error",
            "context_length_exceeded",
            "messages",
        ),
        "openai.request.context-length-exceeded",
        "request",
        False,
        ("max_tokens",),
    ),
    Case(
        "openai-500",
        500,
        openai("The server had an error while processing your request. Sorry about that!", "server_error", None),
        "openai.upstream.server-error",
        "upstream",
        True,
        ("status.openai.com", "x-request-id"),
    ),
    Case(
        "openai-503-overloaded",
        503,
        openai("The engine is currently overloaded, please try again later.", "server_error", "server_is_overloaded"),
        "openai.upstream.overloaded",
        "upstream",
        True,
        ("Retry-After",),
    ),
    Case(
        "openai-503-slow-down",
        503,
        openai("Please reduce your request rate.", "service_unavailable_error", "slow_down"),
        "openai.upstream.overloaded",
        "upstream",
        True,
    ),
    Case(
        "openai-403-country",
        403,
        openai(
            "Country, region, or territory not supported", "request_forbidden", "unsupported_country_region_territory"
        ),
        "openai.permission.unsupported-country",
        "permission",
        False,
        ("supported",),
    ),
]

ANTHROPIC_CASES = [
    Case(
        "anthropic-401",
        401,
        anthropic("authentication_error", "invalid x-api-key"),
        "anthropic.credential.authentication-error",
        "credential",
        False,
        ("x-api-key", "anthropic-version"),
    ),
    Case(
        "anthropic-403",
        403,
        anthropic("permission_error", "Your API key does not have permission to use the specified resource."),
        "anthropic.permission.permission-error",
        "permission",
        False,
    ),
    Case(
        "anthropic-404",
        404,
        anthropic("not_found_error", "model: claude-sonnet-9"),
        "anthropic.model.not-found",
        "model",
        False,
        ("/v1/models", "anthropic/"),
    ),
    Case(
        "anthropic-429",
        429,
        anthropic("rate_limit_error", "This request would exceed the rate limit for your organization."),
        "anthropic.rate-limit.rate-limit-error",
        "rate-limit",
        True,
        ("Retry-After",),
        ANTHROPIC_RATE_HEADERS,
    ),
    Case(
        "anthropic-529",
        529,
        anthropic("overloaded_error", "Overloaded"),
        "anthropic.upstream.overloaded",
        "upstream",
        True,
        ("backoff", "event: error"),
    ),
    Case(
        "anthropic-400",
        400,
        anthropic("invalid_request_error", "max_tokens: Field required"),
        "anthropic.request.invalid-request",
        "request",
        False,
        ("anthropic-version",),
    ),
    Case(
        "anthropic-400-credit",
        400,
        anthropic("invalid_request_error", "Your credit balance is too low to access the Anthropic API."),
        "anthropic.quota.credit-balance-too-low",
        "quota",
        False,
        ("credits",),
    ),
    Case(
        "anthropic-413",
        413,
        anthropic("request_too_large", "Request exceeds the maximum allowed number of bytes."),
        "anthropic.request.request-too-large",
        "request",
        False,
        ("32 MB",),
    ),
    Case(
        "anthropic-500",
        500,
        anthropic("api_error", "Internal server error"),
        "anthropic.upstream.api-error",
        "upstream",
        True,
        ("request-id",),
    ),
]

GEMINI_CASES = [
    Case(
        "gemini-api-key-invalid",
        400,
        google(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", "API_KEY_INVALID"),
        "gemini.credential.api-key-invalid",
        "credential",
        False,
        ("x-goog-api-key", "Google AI Studio"),
    ),
    Case(
        "gemini-permission-denied",
        403,
        google(403, "PERMISSION_DENIED", "Permission denied on resource project p."),
        "gemini.permission.permission-denied",
        "permission",
        False,
        ("Vertex AI User",),
    ),
    Case(
        "gemini-not-found",
        404,
        google(404, "NOT_FOUND", "models/gemini-9 is not found for API version v1beta."),
        "gemini.model.not-found",
        "model",
        False,
        ("gemini-2.5-flash", "us-central1"),
    ),
    Case(
        "gemini-resource-exhausted",
        429,
        google(429, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota)."),
        "gemini.rate-limit.resource-exhausted",
        "rate-limit",
        True,
        ("Retry-After", "quota"),
    ),
    Case(
        "gemini-invalid-argument",
        400,
        google(400, "INVALID_ARGUMENT", 'Invalid JSON payload received. Unknown name "temprature".'),
        "gemini.request.invalid-argument",
        "request",
        False,
        ("v1beta",),
    ),
    Case(
        "gemini-failed-precondition",
        400,
        google(400, "FAILED_PRECONDITION", "User location is not supported for the API use."),
        "gemini.permission.location-not-supported",
        "permission",
        False,
        ("region",),
    ),
    Case(
        "gemini-internal",
        500,
        google(500, "INTERNAL", "An internal error has occurred."),
        "gemini.upstream.internal",
        "upstream",
        True,
        ("input context",),
    ),
    Case(
        "gemini-unavailable",
        503,
        google(503, "UNAVAILABLE", "The model is overloaded. Please try again later."),
        "gemini.upstream.unavailable",
        "upstream",
        True,
        ("backoff",),
    ),
    Case(
        "gemini-deadline",
        504,
        google(504, "DEADLINE_EXCEEDED", "Deadline expired before operation could complete."),
        "gemini.timeout.deadline-exceeded",
        "timeout",
        True,
        ("timeout",),
    ),
    Case(
        "gemini-unauthenticated",
        401,
        google(401, "UNAUTHENTICATED", "Request is missing required authentication credential.", "CREDENTIALS_MISSING"),
        "gemini.credential.unauthenticated",
        "credential",
        False,
        ("x-goog-api-key", "gcloud auth print-access-token"),
    ),
]

DATABRICKS_CASES = [
    Case(
        "databricks-endpoint-not-found",
        404,
        databricks("RESOURCE_DOES_NOT_EXIST", "Endpoint with name 'x' does not exist."),
        "databricks.model.endpoint-not-found",
        "model",
        False,
        ("serving-endpoints",),
    ),
    Case(
        "databricks-endpoint-not-found-2",
        404,
        databricks("ENDPOINT_NOT_FOUND", "The given endpoint does not exist."),
        "databricks.model.endpoint-not-found",
        "model",
        False,
    ),
    Case(
        "databricks-invalid-parameter",
        400,
        databricks("INVALID_PARAMETER_VALUE", "max_tokens must be positive."),
        "databricks.request.invalid-parameter",
        "request",
        False,
        ("4 MB",),
    ),
    Case(
        "databricks-bad-request",
        400,
        databricks("BAD_REQUEST", "Bad request: messages is required."),
        "databricks.request.invalid-parameter",
        "request",
        False,
    ),
    Case(
        "databricks-unauthenticated",
        401,
        databricks("UNAUTHENTICATED", "Invalid access token."),
        "databricks.credential.unauthenticated",
        "credential",
        False,
    ),
    Case(
        "databricks-permission-denied",
        403,
        databricks("PERMISSION_DENIED", "User does not have permission to query endpoint."),
        "databricks.permission.permission-denied",
        "permission",
        False,
        ("Can Query",),
    ),
    Case(
        "databricks-request-limit",
        429,
        databricks("REQUEST_LIMIT_EXCEEDED", "Exceeded workspace output tokens per minute rate limit."),
        "databricks.rate-limit.request-limit-exceeded",
        "rate-limit",
        True,
        ("max_tokens", "Retry-After"),
    ),
    Case(
        "databricks-resource-exhausted",
        429,
        databricks("RESOURCE_EXHAUSTED", "Too many requests."),
        "databricks.rate-limit.request-limit-exceeded",
        "rate-limit",
        True,
    ),
    Case(
        "databricks-temporarily-unavailable",
        503,
        databricks("TEMPORARILY_UNAVAILABLE", "The service is temporarily unavailable."),
        "databricks.upstream.temporarily-unavailable",
        "upstream",
        True,
    ),
    Case(
        "databricks-internal",
        500,
        databricks("INTERNAL_ERROR", "Internal error while serving the model."),
        "databricks.upstream.internal-error",
        "upstream",
        True,
    ),
    Case(
        "databricks-deadline",
        504,
        databricks("DEADLINE_EXCEEDED", "Model execution timed out."),
        "databricks.timeout.deadline-exceeded",
        "timeout",
        True,
        ("297",),
    ),
    Case(
        "databricks-feature-disabled",
        400,
        databricks("FEATURE_DISABLED", "Foundation Model APIs are not enabled."),
        "databricks.configuration.feature-disabled",
        "configuration",
        False,
    ),
]

ALL_CASES = OPENAI_CASES + ANTHROPIC_CASES + GEMINI_CASES + DATABRICKS_CASES


def explain_json(raw: str, *args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["explain", "-", "--format", "json", *args], input=raw)
    assert result.exit_code == 0, result.output
    report: dict[str, Any] = json.loads(result.stdout)
    return report


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: c.id)
def test_provider_error(case: Case) -> None:
    report = explain_json(case.raw())
    top = report["findings"][0]
    assert top["rule"] == case.rule, [f["rule"] for f in report["findings"]]
    assert top["category"] == case.category
    assert top["transient"] is case.transient
    text = "\n".join([top["cause"], top["fix"], *top["commands"]])
    for fact in case.facts:
        assert fact in text, f"{fact!r} missing from {case.rule}"


# Cloudflare's provider-native endpoints pass these envelopes through unchanged. A missing provider key is
# the gateway's business (cloudflare.auth.provider-credentials-missing); everything else stays the provider's.
PASSED_THROUGH = [
    c for c in OPENAI_CASES + ANTHROPIC_CASES + GEMINI_CASES if c.id not in {"openai-no-key", "gemini-unauthenticated"}
]


@pytest.mark.parametrize("case", PASSED_THROUGH, ids=lambda c: c.id)
def test_provider_error_through_cloudflare(case: Case) -> None:
    rules = [f["rule"] for f in explain_json(case.raw(), "--gateway", "cloudflare")["findings"]]
    assert rules[0] == case.rule, rules


def test_retry_after_is_carried_for_provider_rate_limits() -> None:
    case = next(c for c in ANTHROPIC_CASES if c.id == "anthropic-429")
    assert explain_json(case.raw())["findings"][0]["retry_after"] == "17"


def test_anthropic_overload_inside_a_stream() -> None:
    raw = (
        "HTTP/2 200\ncontent-type: text/event-stream\n\n"
        'event: message_start\ndata: {"type":"message_start"}\n\n'
        'event: error\ndata: {"type": "error", "error": {"type": "overloaded_error", "message": '
        '"Overloaded"}}\n'
    )
    top = explain_json(raw)["findings"][0]
    assert (top["rule"], top["transient"]) == ("anthropic.upstream.overloaded", True)


NEON_FLAT = [
    (429, "REQUEST_LIMIT_EXCEEDED", "ai gateway quota exceeded"),
    (
        429,
        "REQUEST_LIMIT_EXCEEDED",
        "ai gateway account daily spend limit exceeded. Retry after the daily spend "
        "limit resets, or request a higher limit through Neon support: "
        "https://neon.com/docs/introduction/support",
    ),
    (429, "REQUEST_LIMIT_EXCEEDED", 'ai gateway TPM limit exceeded for model "claude-sonnet-4-6"'),
    (503, "TEMPORARILY_UNAVAILABLE", "ai gateway upstream model is temporarily over capacity. Retry later"),
    (504, "DEADLINE_EXCEEDED", "ai gateway upstream model timed out. Retry, or reduce the input size"),
]


@pytest.mark.parametrize(("status", "code", "message"), NEON_FLAT)
def test_neon_flat_envelope_is_never_databricks(status: int, code: str, message: str) -> None:
    raw = f"HTTP/2 {status}\ncontent-type: application/json\n\n{json.dumps({'error_code': code, 'message': message})}\n"
    result = runner.invoke(app, ["explain", "-", "--format", "json"], input=raw)
    rules = [f["rule"] for f in json.loads(result.stdout)["findings"]]
    assert not any(rule.startswith("databricks.") for rule in rules), rules


@pytest.mark.parametrize(
    ("query", "rule"),
    [
        ("invalid_api_key", "openai.credential.invalid-key"),
        ("insufficient_quota", "openai.quota.insufficient-quota"),
        ("rate_limit_exceeded", "openai.rate-limit.rate-limit-exceeded"),
        ("context_length_exceeded", "openai.request.context-length-exceeded"),
        ("overloaded_error", "anthropic.upstream.overloaded"),
        ("rate_limit_error", "anthropic.rate-limit.rate-limit-error"),
        ("RESOURCE_EXHAUSTED", "gemini.rate-limit.resource-exhausted"),
        ("API_KEY_INVALID", "gemini.credential.api-key-invalid"),
        ("TEMPORARILY_UNAVAILABLE", "databricks.upstream.temporarily-unavailable"),
        ("anthropic.upstream.overloaded", "anthropic.upstream.overloaded"),
    ],
)
def test_lookup_by_provider_code(query: str, rule: str) -> None:
    result = runner.invoke(app, ["explain", query, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["findings"][0]["rule"] == rule
