"""Every documented Neon AI Gateway error, fed as a raw HTTP response through `aigw-doctor explain -`.

The first block is the seed catalog (seeds/000_18ba45dc71798c63.txt): its 16 status/body cases. The second
block holds the newer message variants from REFERENCE.md §1.5, §1.8 and §1.9. Each case pins the top
finding's rule, category and transient flag, and facts its cause, fix or commands must carry.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from typer.testing import CliRunner

from aigw_doctor.cli import app
from aigw_doctor.engine import diagnose
from aigw_doctor.model import Observation
from aigw_doctor.ruleset.catalog import load_catalog


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
    extra: dict[str, Any] = field(default_factory=dict)

    def raw(self) -> str:
        lines = [f"HTTP/2 {self.status}", "content-type: application/json"]
        lines += [f"{name}: {value}" for name, value in self.headers]
        return "\n".join(lines) + "\n\n" + self.body + "\n"


def neon_error(message: str, **more: str) -> str:
    return json.dumps({"error": {"message": message, **more}})


def flat(message: str, code: str = "REQUEST_LIMIT_EXCEEDED") -> str:
    return json.dumps({"error_code": code, "message": message})


RETRY_AFTER = (("retry-after", "30"),)
UPSTREAM_RATE_HEADERS = (
    ("retry-after", "8"),
    ("x-ratelimit-limit-requests", "600"),
    ("x-ratelimit-remaining-requests", "0"),
    ("x-ratelimit-reset-requests", "8s"),
    ("x-ratelimit-limit-tokens", "20000"),
    ("x-ratelimit-remaining-tokens", "0"),
    ("x-ratelimit-reset-tokens", "8s"),
)
WORKSPACE = "could not resolve workspace from host"
HOST_FACTS = ("<branch-id>-api.<cell>.<region>.aws.neon.tech", "<branch-id>-api.ai.<cell>.<region>.aws.neon.tech")
ENDPOINT_FACTS = ("/anthropic/v1/messages", "/openai/v1/responses", "generateContent", "/v1/chat/completions")

SEED_CASES = [
    Case(
        "401-invalid-credential",
        401,
        neon_error("invalid or missing credential"),
        "neon.credential.invalid",
        "credential",
        False,
        ("NEON_AI_GATEWAY_TOKEN", "NEON_AI_GATEWAY_KEY", "nt_live_", "cut -c1-8"),
    ),
    Case(
        "403-missing-scope",
        403,
        neon_error("credential not authorized for ai gateway"),
        "neon.credential.missing-scope",
        "permission",
        False,
        ("ai_gateway:invoke", "cannot be added", "$NEON_API_KEY", "/credentials"),
    ),
    Case(
        "403-wrong-branch",
        403,
        neon_error("credential not authorized for this branch"),
        "neon.credential.wrong-branch",
        "permission",
        False,
        ("ancestor", "lineage"),
    ),
    Case(
        "503-auth-unavailable",
        503,
        neon_error("authorization temporarily unavailable"),
        "neon.auth.unavailable",
        "upstream",
        True,
        ("Retry", "transient"),
    ),
    Case(
        "400-unknown-model",
        400,
        neon_error("unknown model"),
        "neon.model.unknown",
        "model",
        False,
        ("databricks-claude-sonnet-4-6", "/v1/models"),
    ),
    Case(
        "400-wrong-endpoint",
        400,
        neon_error("model is not available on this endpoint"),
        "neon.model.wrong-endpoint",
        "model",
        False,
        ENDPOINT_FACTS,
    ),
    Case(
        "400-missing-model",
        400,
        neon_error("missing or invalid model"),
        "neon.model.missing",
        "model",
        False,
        ('"model": "<model-id>"',),
    ),
    Case(
        "404-gemini-action",
        404,
        neon_error("unsupported gemini action"),
        "neon.gemini.unsupported-action",
        "routing",
        False,
        ("generateContent", "countTokens"),
    ),
    Case(
        "404-gemini-path",
        404,
        neon_error("invalid gemini model path"),
        "neon.gemini.invalid-model-path",
        "routing",
        False,
        ("gemini-2-5-flash:generateContent",),
    ),
    Case(
        "403-workspace-untrusted-host",
        403,
        neon_error(WORKSPACE),
        "neon.workspace.untrusted-host",
        "routing",
        False,
        (".neon.tech", *HOST_FACTS),
    ),
    Case(
        "400-workspace-no-region",
        400,
        neon_error(WORKSPACE),
        "neon.workspace.no-region",
        "routing",
        False,
        ("region", *HOST_FACTS),
    ),
    Case(
        "404-workspace-region-without-workspace",
        404,
        neon_error(WORKSPACE),
        "neon.workspace.region-without-workspace",
        "routing",
        False,
        ("aws-us-east-2",),
    ),
    Case(
        "429-upstream-rate-limit",
        429,
        neon_error("rate limit exceeded, retry later"),
        "neon.rate-limit.upstream",
        "rate-limit",
        True,
        ("Retry-After", "X-Ratelimit", "Anthropic-Ratelimit", "backoff"),
        UPSTREAM_RATE_HEADERS,
    ),
    Case(
        "429-quota-temporary",
        429,
        flat("ai gateway quota exceeded"),
        "neon.quota.temporary",
        "quota",
        True,
        ("Retry-After", "temporary"),
        RETRY_AFTER,
    ),
    Case(
        "429-quota-permanent",
        429,
        flat("ai gateway quota exceeded"),
        "neon.quota.permanent",
        "quota",
        False,
        ("Retry-After", "support"),
    ),
    Case(
        "502-upstream-request-failed",
        502,
        neon_error("upstream request failed"),
        "neon.upstream.request-failed",
        "upstream",
        True,
        ("Retry", "neonstatus.com"),
    ),
]

NEWER_CASES = [
    # Gateway messages that name the model and the endpoint dialect, and the June envelope with type/code.
    Case(
        "400-unknown-model-quoted",
        400,
        neon_error('unknown model "gpt-9"'),
        "neon.model.unknown",
        "model",
        False,
        ("/v1/models",),
    ),
    Case(
        "400-unknown-model-old-envelope",
        400,
        neon_error("unknown model", type="invalid_request_error", code="invalid_model"),
        "neon.model.unknown",
        "model",
        False,
        ("/v1/models",),
    ),
    Case(
        "400-claude-on-responses",
        400,
        neon_error('model "claude-sonnet-4-6" is not available on the openai_responses endpoint'),
        "neon.model.wrong-endpoint",
        "model",
        False,
        ENDPOINT_FACTS,
    ),
    Case(
        "400-codex-on-chat",
        400,
        neon_error('model "gpt-5-3-codex" is not available on the chat_completions endpoint'),
        "neon.model.wrong-endpoint",
        "model",
        False,
        ("/openai/v1/responses",),
    ),
    Case(
        "400-gemini-on-anthropic",
        400,
        neon_error('model "gemini-3-flash" is not available on the anthropic_messages endpoint'),
        "neon.model.wrong-endpoint",
        "model",
        False,
        ("/gemini/v1beta/models/<model>:generateContent",),
    ),
    Case(
        "400-wrong-endpoint-old-envelope",
        400,
        neon_error("model is not available on this endpoint", type="invalid_request_error", code="invalid_model"),
        "neon.model.wrong-endpoint",
        "model",
        False,
        ENDPOINT_FACTS,
    ),
    Case(
        "400-embedding-on-chat",
        400,
        neon_error('model "qwen3-embedding-0-6b" is not available on the chat_completions endpoint'),
        "neon.model.embedding-endpoint",
        "model",
        False,
        ("/v1/embeddings", "150"),
    ),
    Case(
        "400-embeddings-stream",
        400,
        neon_error("stream is not supported for embeddings"),
        "neon.request.embeddings-stream",
        "request",
        False,
        ("stream",),
    ),
    Case(
        "403-verified-account",
        403,
        neon_error("model requires a verified account"),
        "neon.model.verified-account-required",
        "permission",
        False,
        ("enabled: false", "/v1/models"),
    ),
    Case(
        "400-thinking-enabled",
        400,
        neon_error(
            '"thinking.type.enabled" is not supported for this model. '
            'Use "thinking.type.adaptive" and "output_config.effort" to control thinking.'
        ),
        "neon.request.thinking-enabled-unsupported",
        "request",
        False,
        ("adaptive", "output_config"),
    ),
    Case(
        "413-request-entity-too-large",
        413,
        "Request Entity Too Large",
        "neon.request.too-large",
        "request",
        False,
        ("32 MiB",),
    ),
    # Anthropic-style relayed rate-limit headers, body not JSON.
    Case(
        "429-upstream-anthropic-headers",
        429,
        "Too Many Requests",
        "neon.rate-limit.upstream",
        "rate-limit",
        True,
        ("Retry-After",),
        (
            ("retry-after", "12"),
            ("anthropic-ratelimit-output-tokens-remaining", "0"),
            ("anthropic-ratelimit-output-tokens-reset", "2026-10-09T12:00:12Z"),
        ),
    ),
    # Quota texts behind REQUEST_LIMIT_EXCEEDED.
    Case(
        "429-quota-daily-token",
        429,
        flat("ai gateway daily token limit exceeded"),
        "neon.quota.daily-limit",
        "quota",
        True,
        ("Retry-After", "support"),
        RETRY_AFTER,
    ),
    Case(
        "429-quota-daily-spend",
        429,
        flat(
            "ai gateway account daily spend limit exceeded. Retry after the daily spend limit resets, or "
            "request a higher limit through Neon support: https://neon.com/docs/introduction/support"
        ),
        "neon.quota.daily-limit",
        "quota",
        True,
        ("$20", "Retry-After"),
        RETRY_AFTER,
    ),
    Case(
        "429-quota-daily-spend-no-retry-after",
        429,
        flat("ai gateway account daily spend limit exceeded"),
        "neon.quota.permanent",
        "quota",
        False,
        ("support",),
    ),
    Case(
        "429-quota-tpm-model",
        429,
        flat('ai gateway TPM limit exceeded for model "claude-sonnet-4-6"'),
        "neon.quota.token-rate",
        "quota",
        True,
        ("200,000", "Retry-After"),
        RETRY_AFTER,
    ),
    Case(
        "429-quota-per-minute-model",
        429,
        flat('ai gateway per-minute token limit exceeded for model "gpt-5-mini"'),
        "neon.quota.token-rate",
        "quota",
        True,
        ("max_tokens",),
        RETRY_AFTER,
    ),
    Case(
        "429-quota-account-token-rate",
        429,
        flat(
            "ai gateway account token rate limit exceeded (200000 tokens per minute across all models in "
            "this region). Retry after the current minute resets, or request a higher limit through Neon "
            "support: https://neon.com/docs/introduction/support"
        ),
        "neon.quota.token-rate",
        "quota",
        True,
        ("minute",),
        RETRY_AFTER,
    ),
    Case(
        "429-quota-account-token-rate-model",
        429,
        flat(
            'ai gateway account token rate limit exceeded for model "gpt-5-mini" (200000 tokens per minute '
            "in this region). Retry after the current minute resets"
        ),
        "neon.quota.token-rate",
        "quota",
        True,
        ("minute",),
    ),
    # Upstream errors rewritten by the gateway (October 2026).
    Case(
        "upstream-endpoint-disabled",
        503,
        flat(
            "ai gateway upstream model endpoint is temporarily disabled. Contact Neon support",
            "TEMPORARILY_UNAVAILABLE",
        ),
        "neon.upstream.endpoint-disabled",
        "upstream",
        False,
        ("support",),
    ),
    Case(
        "upstream-timeout",
        504,
        flat("ai gateway upstream model timed out. Retry, or reduce the input size", "DEADLINE_EXCEEDED"),
        "neon.upstream.timeout",
        "timeout",
        True,
        ("Retry", "max_tokens"),
    ),
    Case(
        "upstream-body-too-large",
        413,
        flat("ai gateway upstream rejected the request: body too large", "BAD_REQUEST"),
        "neon.upstream.body-too-large",
        "request",
        False,
        ("Shrink",),
    ),
    Case(
        "upstream-model-unavailable",
        404,
        flat("ai gateway upstream model is not available. Contact Neon support", "ENDPOINT_NOT_FOUND"),
        "neon.upstream.model-unavailable",
        "upstream",
        False,
        ("support", "/v1/models"),
    ),
    Case(
        "upstream-denied",
        403,
        flat("ai gateway upstream denied the request. Contact Neon support", "PERMISSION_DENIED"),
        "neon.upstream.denied",
        "upstream",
        False,
        ("support",),
    ),
    Case(
        "upstream-over-capacity",
        503,
        flat("ai gateway upstream model is temporarily over capacity. Retry later", "TEMPORARILY_UNAVAILABLE"),
        "neon.upstream.over-capacity",
        "upstream",
        True,
        ("backoff", "Retry-After"),
    ),
    Case(
        "upstream-over-capacity-429",
        429,
        flat("ai gateway upstream model is temporarily over capacity. Retry later", "RESOURCE_EXHAUSTED"),
        "neon.upstream.over-capacity",
        "upstream",
        True,
        ("Retry-After",),
        UPSTREAM_RATE_HEADERS,
    ),
    Case(
        "upstream-internal-error",
        500,
        flat("ai gateway upstream model error. Retry later, or contact Neon support if it persists", "INTERNAL_ERROR"),
        "neon.upstream.internal-error",
        "upstream",
        True,
        ("backoff",),
    ),
    Case(
        "upstream-rejected",
        400,
        flat("ai gateway upstream model rejected the request: max_tokens is too large", "BAD_REQUEST"),
        "neon.upstream.rejected",
        "request",
        False,
        ("colon",),
    ),
    Case(
        "upstream-rejected-redacted",
        400,
        flat("ai gateway upstream model rejected the request as invalid", "BAD_REQUEST"),
        "neon.upstream.rejected",
        "request",
        False,
        ("redact",),
    ),
    Case(
        "upstream-request-failed-new",
        502,
        flat("ai gateway upstream request failed. Contact Neon support if it persists", "INTERNAL_ERROR"),
        "neon.upstream.request-failed",
        "upstream",
        True,
        ("neonstatus.com",),
    ),
    Case(
        "upstream-thinking-rewritten",
        400,
        flat(
            'ai gateway upstream model rejected the request: "thinking.type.enabled" is not supported for '
            'this model. Use "thinking.type.adaptive" and "output_config.effort" to control thinking.',
            "BAD_REQUEST",
        ),
        "neon.request.thinking-enabled-unsupported",
        "request",
        False,
        ("adaptive",),
    ),
]


def explain(raw: str) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(app, ["explain", "-", "--format", "json"], input=raw)
    return result.exit_code, json.loads(result.stdout)


def check(case: Case) -> None:
    exit_code, report = explain(case.raw())
    assert exit_code == 0, report
    top = report["findings"][0]
    assert top["rule"] == case.rule, [f["rule"] for f in report["findings"]]
    assert top["category"] == case.category
    assert top["transient"] is case.transient
    text = "\n".join([top["cause"], top["fix"], *top["commands"]]).casefold()
    for fact in case.facts:
        assert fact.casefold() in text, f"{case.rule}: {fact!r} missing from cause/fix/commands"
    assert top["docs"].startswith("https://neon.com/docs/ai-gateway/")


def test_sixteen_seed_cases() -> None:
    assert len(SEED_CASES) == 16
    assert len({c.id for c in SEED_CASES + NEWER_CASES}) == len(SEED_CASES) + len(NEWER_CASES)


@pytest.mark.parametrize("case", SEED_CASES, ids=lambda c: c.id)
def test_seed_error_is_explained(case: Case) -> None:
    check(case)


@pytest.mark.parametrize("case", NEWER_CASES, ids=lambda c: c.id)
def test_newer_variant_is_explained(case: Case) -> None:
    check(case)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [(RETRY_AFTER, "neon.quota.temporary"), ((), "neon.quota.permanent")],
    ids=["with-retry-after", "without-retry-after"],
)
def test_quota_shape_is_told_apart_by_retry_after(headers: tuple[tuple[str, str], ...], expected: str) -> None:
    case = Case("quota", 429, flat("ai gateway quota exceeded"), expected, "quota", bool(headers), (), headers)
    _, report = explain(case.raw())
    rules = [f["rule"] for f in report["findings"]]
    assert rules[0] == expected
    other = "neon.quota.permanent" if headers else "neon.quota.temporary"
    assert other not in rules


def test_quota_retry_after_is_reported() -> None:
    case = SEED_CASES[13]
    _, report = explain(case.raw())
    assert report["findings"][0]["retry_after"] == "30"


def test_token_is_never_printed() -> None:
    raw = (
        "HTTP/2 401\ncontent-type: application/json\n\n"
        '{"error": {"message": "invalid or missing credential", "token": "nt_live_abcdefghijklmnop1234"}}\n'
    )
    result = CliRunner().invoke(app, ["explain", "-", "--format", "json"], input=raw)
    assert result.exit_code == 0
    assert "nt_live_abcdefghijklmnop1234" not in result.stdout


def test_workspace_body_without_status_names_all_three_causes() -> None:
    exit_code, report = explain(neon_error(WORKSPACE))
    assert exit_code == 0
    top = report["findings"][0]
    assert top["rule"] == "neon.workspace.unresolved"
    assert all(status in top["cause"] for status in ("403", "400", "404"))


# --------------------------------------------------------------------------- quota with headers unknown


def quota_observation(message: str, *, headers: dict[str, str], known: bool) -> Observation:
    return Observation(status=429, headers=headers, headers_known=known, body=flat(message))


@pytest.mark.parametrize(
    ("message", "headers", "known", "expected"),
    [
        ("ai gateway quota exceeded", {}, False, "neon.quota.exceeded"),
        ("ai gateway account daily spend limit exceeded", {}, False, "neon.quota.exceeded"),
        ("ai gateway quota exceeded", {"content-type": "application/json"}, True, "neon.quota.permanent"),
        ("ai gateway quota exceeded", {"retry-after": "60"}, True, "neon.quota.temporary"),
        ("ai gateway quota exceeded", {"retry-after": "60"}, False, "neon.quota.temporary"),
        ("ai gateway account daily spend limit exceeded", {"retry-after": "3600"}, False, "neon.quota.daily-limit"),
        ('ai gateway TPM limit exceeded for model "gpt-5-mini"', {}, False, "neon.quota.token-rate"),
    ],
)
def test_quota_duration_is_only_claimed_when_headers_were_seen(
    message: str, headers: dict[str, str], known: bool, expected: str
) -> None:
    findings = diagnose(quota_observation(message, headers=headers, known=known), load_catalog())
    assert findings[0].rule == expected
    if not known:
        assert "neon.quota.permanent" not in [f.rule for f in findings]


def test_quota_without_headers_says_how_to_see_them() -> None:
    rule = load_catalog().get("neon.quota.exceeded")
    assert rule is not None
    text = " ".join([rule.cause, rule.fix, *rule.commands])
    for needle in ("Retry-After", "curl -si", "temporary", "support"):
        assert needle in text


def test_sdk_quota_message_is_not_called_permanent() -> None:
    # Needs parse.py to mark SDK text as `headers_known=False`.
    text = (
        "openai.RateLimitError: Error code: 429 - "
        "{'error_code': 'REQUEST_LIMIT_EXCEEDED', 'message': 'ai gateway quota exceeded'}"
    )
    exit_code, report = explain(text)
    assert exit_code == 0
    assert report["findings"][0]["rule"] == "neon.quota.exceeded"
