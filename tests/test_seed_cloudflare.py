"""Every item of the Cloudflare AI Gateway troubleshooting page (seeds/003_658d5eb9cc702e43.txt) and every
AI Gateway error code of REFERENCE.md §2.10, fed as raw HTTP through `aigw-doctor explain -`.

Each case pins the top finding's rule, category, transient flag and the facts its cause, fix, commands or
docs must carry. Rules that need request facts (which headers were sent, the URL's provider segment, the
model prefix) are checked through the engine with those facts set, since the CLI cannot state them yet.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from typer.testing import CliRunner

from aigw_doctor.cli import app
from aigw_doctor.engine import diagnose
from aigw_doctor.model import Observation
from aigw_doctor.ruleset.catalog import Catalog, load_catalog

runner = CliRunner()


@dataclass(frozen=True)
class Case:
    id: str
    status: int | None
    body: str
    rule: str
    category: str
    transient: bool
    facts: tuple[str, ...] = ()
    headers: tuple[tuple[str, str], ...] = (("content-type", "application/json"),)
    gateway: str | None = None
    severity: str = "error"

    def raw(self) -> str:
        if self.status is None:
            return self.body + "\n"
        lines = [f"HTTP/2 {self.status}", *(f"{name}: {value}" for name, value in self.headers)]
        return "\n".join(lines) + "\n\n" + self.body + "\n"


def aig_error(code: int, message: str, http: int | None = None, **more: Any) -> str:
    """Cloudflare's AiGatewayError envelope as observed (REFERENCE.md §2.10)."""
    body: dict[str, Any] = {
        "success": False,
        "result": [],
        "messages": [],
        "error": [{"code": code, "message": message}],
        "name": "AiGatewayError",
    }
    if http is not None:
        body["httpCode"] = http
    body.update({"internalCode": code, "message": message, **more})
    return json.dumps(body)


def explain_json(raw: str, *args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["explain", "-", "--format", "json", *args], input=raw)
    assert result.exit_code == 0, result.output
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def text_of(finding: dict[str, Any]) -> str:
    return "\n".join([finding["title"], finding["cause"], finding["fix"], *finding["commands"], finding["docs"] or ""])


CF = "cloudflare"
AUTH_FACTS = ("cf-aig-authorization", "Authorization")
DLP_DOCS = "https://developers.cloudflare.com/ai-gateway/features/dlp/set-up-dlp/#troubleshooting"
EVENT_STREAM = (("content-type", "text/event-stream"), ("cf-aig-cache-status", "MISS"))

SEED_CASES = [
    # --- Authentication errors
    Case(
        "2009-unauthorized",
        401,
        aig_error(2009, "Unauthorized", 401),
        "cloudflare.auth.gateway-unauthorized",
        "credential",
        False,
        (*AUTH_FACTS, "Bearer", "Authenticated Gateway", "cf-aig-authorization: Bearer $CF_AIG_TOKEN"),
    ),
    Case(
        "2009-http400-variant",
        400,
        aig_error(2009, "Unauthorized", 400),
        "cloudflare.auth.gateway-unauthorized",
        "credential",
        False,
        ("cf-aig-authorization", "400"),
    ),
    Case(
        "provider-401-no-key-through-gateway",
        401,
        json.dumps(
            {
                "error": {
                    "message": "You didn't provide an API key. You need to provide your API key in an "
                    "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
                    "type": "invalid_request_error",
                    "param": None,
                    "code": None,
                }
            }
        ),
        "cloudflare.auth.provider-credentials-missing",
        "credential",
        False,
        (
            "cf-aig-authorization",
            "/openai/",
            "/google-vertex-ai/",
            "/compat/chat/completions",
            "openai/gpt-4o",
            "google-vertex-ai/google/gemini-2.5-flash",
            "default",
            "cf-aig-byok-alias",
            "Provider Keys",
        ),
        gateway=CF,
    ),
    Case(
        "provider-401-google-credentials-missing",
        401,
        json.dumps(
            {
                "error": {
                    "code": 401,
                    "message": "Request is missing required authentication credential.",
                    "status": "UNAUTHENTICATED",
                    "details": [{"reason": "CREDENTIALS_MISSING", "domain": "googleapis.com"}],
                }
            }
        ),
        "cloudflare.auth.provider-credentials-missing",
        "credential",
        False,
        ("google-vertex-ai", "base64"),
        gateway=CF,
    ),
    Case(
        "byok-alias-default-missing",
        400,
        aig_error(2040, "Provider 'openai' has no BYOK credential named 'default'. Configured aliases: 'prod'", 400),
        "cloudflare.byok.no-default-key",
        "configuration",
        False,
        ("default", "cf-aig-byok-alias", "Provider Keys"),
    ),
    Case(
        "byok-alias-header-unknown",
        400,
        aig_error(
            2040,
            "Provider 'google-ai-studio' has no BYOK credential named 'example-studio'. "
            "Configured aliases: 'other-studio'",
            400,
        ),
        "cloudflare.byok.unknown-alias",
        "configuration",
        False,
        ("cf-aig-byok-alias", "default"),
    ),
    Case(
        "byok-not-saved",
        400,
        json.dumps(
            {
                "success": False,
                "error": [{"message": "Configured BYOK credentials are unavailable"}],
                "name": "AiGatewayError",
            }
        ),
        "cloudflare.byok.credentials-unavailable",
        "configuration",
        False,
        ("dashboard", "saved", "Secrets Store"),
    ),
    # --- DLP
    Case(
        "dlp-request-2029",
        400,
        aig_error(2029, "Request content blocked due to DLP policy violations"),
        "cloudflare.dlp.request-blocked",
        "configuration",
        False,
        (DLP_DOCS, "cf-aig-dlp", "Flag"),
    ),
    Case(
        "dlp-response-2030",
        400,
        aig_error(2030, "Response content blocked due to DLP policy violations"),
        "cloudflare.dlp.response-blocked",
        "configuration",
        False,
        (DLP_DOCS,),
    ),
    # --- Request failures
    Case(
        "timeout-504",
        504,
        "Gateway Timeout",
        "cloudflare.timeout.request-timeout",
        "timeout",
        True,
        ("cf-aig-request-timeout", "status page", "dynamic route", "rate-limiting", "cf-aig-max-attempts"),
        headers=(("content-type", "text/plain"),),
        gateway=CF,
    ),
    Case(
        "provider-error-passed-through",
        400,
        json.dumps(
            {
                "object": "error",
                "message": "Invalid model: mistral-hyper",
                "type": "invalid_model",
                "param": None,
                "code": "1500",
            }
        ),
        "cloudflare.upstream.provider-error",
        "upstream",
        False,
        ("directly with the provider", "status page", "AI Gateway logs", "cf-aig-log-id"),
        headers=(("content-type", "application/json"), ("cf-aig-log-id", "01JC0FFEE")),
        gateway=CF,
    ),
    # --- Caching
    Case(
        "streaming-not-cached",
        200,
        'data: {"choices":[{"delta":{"content":"Hi"}}]}',
        "cloudflare.cache.streaming-not-cached",
        "cache",
        False,
        ("text/event-stream", '"stream": false'),
        headers=EVENT_STREAM,
        severity="info",
    ),
    Case(
        "cache-miss",
        200,
        '{"id":"chatcmpl-2","object":"chat.completion"}',
        "cloudflare.cache.miss",
        "cache",
        False,
        ("Cache Responses", "cf-aig-cache-ttl", "TTL", "cf-aig-skip-cache"),
        headers=(("content-type", "application/json"), ("cf-aig-cache-status", "MISS")),
        severity="info",
    ),
    Case(
        "cache-unexpected-hit",
        200,
        '{"id":"chatcmpl-9","object":"chat.completion"}',
        "cloudflare.cache.unexpected-hit",
        "cache",
        False,
        ("cf-aig-skip-cache", "cf-aig-cache-key", "TTL"),
        headers=(("content-type", "application/json"), ("cf-aig-cache-status", "HIT")),
        severity="info",
    ),
    Case(
        "cache-not-enabled",
        200,
        '{"id":"chatcmpl-3","object":"chat.completion"}',
        "cloudflare.cache.not-enabled",
        "cache",
        False,
        ("Cache Responses", "cf-aig-cache-status"),
        headers=(("content-type", "application/json"), ("cf-aig-log-id", "01JNOCACHE")),
        gateway=CF,
        severity="info",
    ),
]

CODE_CASES = [
    Case(
        "2003-rate-limited",
        429,
        aig_error(2003, "Rate limited", 429),
        "cloudflare.rate-limit.gateway-rate-limited",
        "rate-limit",
        True,
        ("Retry-After", "rate_limiting_limit"),
        headers=(("content-type", "application/json"), ("retry-after", "30")),
    ),
    Case(
        "2005-no-provider-response",
        400,
        aig_error(2005, "Failed to get response from provider"),
        "cloudflare.routing.no-provider-response",
        "routing",
        False,
        ("workers-ai/@cf/", "prefix"),
    ),
    Case(
        "2008-invalid-provider",
        400,
        aig_error(2008, "Invalid provider", 400),
        "cloudflare.routing.invalid-provider",
        "routing",
        False,
        (
            "https://gateway.ai.cloudflare.com/v1/{account_id}/{gateway_id}/{provider}/",
            "/compat/chat/completions",
            "openai/gpt-4o",
            "google-ai-studio",
        ),
    ),
    Case(
        "2016-prompt-blocked",
        424,
        aig_error(2016, "Prompt blocked due to security configurations"),
        "cloudflare.guardrails.prompt-blocked",
        "configuration",
        False,
        ("Guardrails", "Flag"),
    ),
    Case(
        "2017-response-blocked",
        424,
        aig_error(2017, "Response blocked due to security configurations"),
        "cloudflare.guardrails.response-blocked",
        "configuration",
        False,
        ("Guardrails",),
    ),
    Case(
        "2021-insufficient-credits",
        402,
        aig_error(2021, "Insufficient wholesale credits.", 402),
        "cloudflare.quota.insufficient-credits",
        "quota",
        False,
        ("Unified Billing", "top-up", "cf-aig-no-wholesale"),
    ),
    Case(
        "2041-spend-limit",
        429,
        json.dumps(
            {
                "name": "AiGatewayError",
                "internalCode": 2041,
                "message": "Spend limit exceeded: rule 'w' "
                "(cost limit 100 per 604800s, sliding) for anthropic anthropic/claude-fable-5",
            }
        ),
        "cloudflare.quota.spend-limit-exceeded",
        "quota",
        False,
        ("spend limit", "window"),
    ),
    Case(
        "7003-no-route",
        404,
        json.dumps({"success": False, "errors": [{"code": 7003, "message": "No route for the URI"}], "result": None}),
        "cloudflare.routing.no-route",
        "routing",
        False,
        ("api.cloudflare.com", "/ai/run/"),
    ),
    Case(
        "5006-workers-ai",
        400,
        json.dumps(
            {"success": False, "errors": [{"code": 5006, "message": "AiError: '/messages/0/content': must be string"}]}
        ),
        "cloudflare.request.workers-ai-invalid-input",
        "request",
        False,
        ("content", "workers-ai/@cf/"),
    ),
    Case(
        "10000-api-auth",
        401,
        json.dumps({"success": False, "errors": [{"code": 10000, "message": "Authentication error"}]}),
        "cloudflare.auth.api-token-invalid",
        "credential",
        False,
        ("Authorization: Bearer", "api.cloudflare.com"),
    ),
    Case(
        "1010-edge-block",
        403,
        "error code: 1010",
        "cloudflare.permission.edge-blocked-1010",
        "permission",
        False,
        ("User-Agent",),
        headers=(("content-type", "text/plain; charset=UTF-8"), ("server", "cloudflare")),
    ),
    Case(
        "522-edge",
        522,
        "error code: 522",
        "cloudflare.upstream.edge-origin-error",
        "upstream",
        True,
        ("status page", "custom-{slug}"),
        headers=(("content-type", "text/plain"),),
    ),
    Case(
        "520-edge-html",
        520,
        "<!DOCTYPE html><html><head><title>example.com | 520: Web server is returning an unknown error</title>"
        "</head><body>cloudflare</body></html>",
        "cloudflare.upstream.edge-origin-error",
        "upstream",
        True,
        ("Retry",),
        headers=(("content-type", "text/html"), ("server", "cloudflare")),
    ),
    Case(
        "524-edge-timeout",
        524,
        "error code: 524",
        "cloudflare.timeout.edge-524",
        "timeout",
        True,
        ("Stream", "cf-aig-request-timeout"),
        headers=(("content-type", "text/plain"),),
    ),
    Case(
        "byok-only-400",
        400,
        json.dumps(
            {
                "success": False,
                "error": [{"message": "Provider credentials required: gateway is byok_only"}],
                "name": "AiGatewayError",
                "httpCode": 400,
            }
        ),
        "cloudflare.byok.provider-credentials-required",
        "configuration",
        False,
        ("cf-aig-no-wholesale", "byok_only", "Unified Billing", "Authorization"),
    ),
]


@pytest.mark.parametrize("case", SEED_CASES + CODE_CASES, ids=lambda c: c.id)
def test_explain_cloudflare_response(case: Case) -> None:
    args = ["--gateway", case.gateway] if case.gateway else []
    report = explain_json(case.raw(), *args)
    top = report["findings"][0]
    assert top["rule"] == case.rule, [f["rule"] for f in report["findings"]]
    assert top["category"] == case.category
    assert top["transient"] is case.transient
    assert top["severity"] == case.severity
    text = text_of(top)
    for fact in case.facts:
        assert fact in text, f"{fact!r} missing from {case.rule}"


def test_docs_point_at_cloudflare() -> None:
    for case in SEED_CASES + CODE_CASES:
        top = explain_json(case.raw(), *(["--gateway", case.gateway] if case.gateway else []))["findings"][0]
        assert top["docs"].startswith("https://developers.cloudflare.com/"), case.id


def test_retry_after_is_reported_for_rate_limit() -> None:
    case = next(c for c in CODE_CASES if c.id == "2003-rate-limited")
    top = explain_json(case.raw())["findings"][0]
    assert top["retry_after"] == "30"


def test_transport_timeout_through_gateway() -> None:
    text = "curl: (28) Operation timed out after 30001 milliseconds with 0 bytes received\n"
    top = explain_json(text, "--gateway", "cloudflare")["findings"][0]
    assert (top["rule"], top["category"], top["transient"]) == ("cloudflare.timeout.transport", "timeout", True)
    assert "cf-aig-request-timeout" in top["fix"]


def test_provider_envelope_through_gateway_keeps_provider_rule_first() -> None:
    body = json.dumps(
        {
            "error": {
                "message": "The server had an error while processing your request.",
                "type": "server_error",
                "param": None,
                "code": None,
            }
        }
    )
    raw = f"HTTP/2 500\ncontent-type: application/json\ncf-aig-log-id: 01J\n\n{body}\n"
    rules = [f["rule"] for f in explain_json(raw, "--gateway", "cloudflare")["findings"]]
    assert rules[0] == "openai.upstream.server-error"
    assert "cloudflare.upstream.provider-error" in rules[1:]


def test_gateway_error_is_not_read_as_provider_error() -> None:
    raw = f"HTTP/2 401\ncontent-type: application/json\n\n{aig_error(2009, 'Unauthorized', 401)}\n"
    rules = [f["rule"] for f in explain_json(raw, "--gateway", "cloudflare")["findings"]]
    assert rules[0] == "cloudflare.auth.gateway-unauthorized"
    assert not any(r.startswith(("openai.", "anthropic.", "gemini.")) for r in rules)


CODES = {
    "2003": "cloudflare.rate-limit.gateway-rate-limited",
    "2005": "cloudflare.routing.no-provider-response",
    "2008": "cloudflare.routing.invalid-provider",
    "2009": "cloudflare.auth.gateway-unauthorized",
    "2016": "cloudflare.guardrails.prompt-blocked",
    "2017": "cloudflare.guardrails.response-blocked",
    "2021": "cloudflare.quota.insufficient-credits",
    "2029": "cloudflare.dlp.request-blocked",
    "2030": "cloudflare.dlp.response-blocked",
    "2040": "cloudflare.byok.unknown-alias",
    "2041": "cloudflare.quota.spend-limit-exceeded",
    "7003": "cloudflare.routing.no-route",
    "5006": "cloudflare.request.workers-ai-invalid-input",
    "10000": "cloudflare.auth.api-token-invalid",
    "1010": "cloudflare.permission.edge-blocked-1010",
    "524": "cloudflare.timeout.edge-524",
    "522": "cloudflare.upstream.edge-origin-error",
}


@pytest.mark.parametrize(("code", "rule"), sorted(CODES.items()))
def test_explain_code_lookup(code: str, rule: str) -> None:
    result = runner.invoke(app, ["explain", code, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["findings"][0]["rule"] == rule


# --------------------------------------------------------------------------- rules that need request facts


@dataclass(frozen=True)
class FactCase:
    id: str
    status: int
    body: str
    headers: dict[str, str]
    facts: dict[str, str]
    rule: str
    fix_facts: tuple[str, ...]


FACT_CASES = [
    FactCase(
        "token-in-authorization-header",
        401,
        aig_error(2009, "Unauthorized", 401),
        {},
        {"request_header.authorization": "present", "request_header.cf-aig-authorization": "absent"},
        "cloudflare.auth.token-in-authorization-header",
        ("cf-aig-authorization: Bearer", "Authorization"),
    ),
    FactCase(
        "provider-path-missing",
        400,
        aig_error(2008, "Invalid provider", 400),
        {},
        {"provider_path": "missing"},
        "cloudflare.routing.missing-provider-path",
        ("/openai/chat/completions", "{gateway_id}/openai"),
    ),
    FactCase(
        "compat-model-without-prefix",
        400,
        aig_error(2005, "Failed to get response from provider"),
        {},
        {"endpoint": "compat", "model_prefix": "missing"},
        "cloudflare.routing.compat-model-without-prefix",
        ("openai/gpt-4o", "google-vertex-ai/google/gemini-2.5-flash"),
    ),
    FactCase(
        "skip-cache-header",
        200,
        "{}",
        {"cf-aig-cache-status": "MISS"},
        {"request_header.cf-aig-skip-cache": "present"},
        "cloudflare.cache.skip-cache-header",
        ("cf-aig-skip-cache",),
    ),
    FactCase(
        "deprecated-skip-cache-header",
        200,
        "{}",
        {"cf-aig-cache-status": "MISS"},
        {"request_header.cf-skip-cache": "present"},
        "cloudflare.cache.skip-cache-header",
        ("cf-skip-cache",),
    ),
    FactCase(
        "custom-cache-key",
        200,
        "{}",
        {"cf-aig-cache-status": "HIT"},
        {"request_header.cf-aig-cache-key": "present"},
        "cloudflare.cache.custom-cache-key",
        ("cf-aig-cache-key", "5 minutes"),
    ),
    FactCase(
        "no-wholesale-header",
        400,
        "",
        {"content-type": "application/json"},
        {"request_header.cf-aig-no-wholesale": "present"},
        "cloudflare.byok.provider-credentials-required",
        ("cf-aig-no-wholesale", "BYOK"),
    ),
]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


@pytest.mark.parametrize("case", FACT_CASES, ids=lambda c: c.id)
def test_rules_keyed_on_request_facts(case: FactCase, catalog: Catalog) -> None:
    observation = Observation(
        gateway="cloudflare", status=case.status, headers=case.headers, body=case.body, facts=case.facts
    )
    findings = diagnose(observation, catalog)
    assert findings[0].rule == case.rule, [f.rule for f in findings]
    text = "\n".join([findings[0].cause, findings[0].fix, *findings[0].commands])
    for fact in case.fix_facts:
        assert fact in text


def test_fact_rules_fall_back_to_the_generic_rule_without_facts(catalog: Catalog) -> None:
    observation = Observation(gateway="cloudflare", status=401, body=aig_error(2009, "Unauthorized", 401))
    assert diagnose(observation, catalog)[0].rule == "cloudflare.auth.gateway-unauthorized"
