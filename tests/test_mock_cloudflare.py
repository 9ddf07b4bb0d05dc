"""The Cloudflare emulator over real loopback HTTP: every behaviour, then the engine's diagnosis of it."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from aigw_doctor.cli import app
from aigw_doctor.mock import Emulator
from aigw_doctor.mock.config import CF_ACCOUNT_ID, CF_OPEN_GATEWAY
from aigw_doctor.ruleset.catalog import Catalog, load_catalog
from tests.transcript import explained_rule

Start = Callable[..., Emulator]
CHAT = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "ping"}]}


@lru_cache(maxsize=1)
def catalog() -> Catalog:
    return load_catalog()


def call(
    emu: Emulator,
    path: str,
    body: Any = None,
    *,
    gateway_token: bool = True,
    key: str | None = "openai",
    headers: dict[str, str] | None = None,
    gateway: str | None = None,
    method: str = "POST",
) -> httpx.Response:
    sent: dict[str, str] = {}
    if gateway_token:
        sent["cf-aig-authorization"] = f"Bearer {emu.demo_tokens['gateway']}"
    if key is not None:
        sent["Authorization"] = f"Bearer {emu.demo_tokens.get(key, key)}"
    sent.update(headers or {})
    base = emu.api_base if gateway is None else f"{emu.base_url}/v1/{CF_ACCOUNT_ID}/{gateway}"
    return httpx.request(method, base + path, headers=sent, json=body, timeout=10)


def top_rule(response: httpx.Response) -> str:
    """What `aigw-doctor explain -` diagnoses when the exchange is pasted as a `curl -sv` transcript."""
    return explained_rule(response)


def gateway_error(status: int, code: int, message: str) -> dict[str, Any]:
    return {
        "success": False,
        "result": [],
        "messages": [],
        "error": [{"code": code, "message": message}],
        "name": "AiGatewayError",
        "httpCode": status,
        "internalCode": code,
        "message": message,
    }


# --------------------------------------------------------------------------- authenticated gateway


def test_authenticated_gateway_requires_cf_aig_authorization(start_emulator: Start) -> None:
    emu = start_emulator("cloudflare")
    # a BYOK request (no provider key either): only the gateway token is missing
    body = {"model": "claude-sonnet-4-5", "max_tokens": 8, "messages": []}
    response = call(emu, "/anthropic/v1/messages", body, gateway_token=False, key=None)
    assert response.status_code == 401
    assert response.json() == gateway_error(401, 2009, "Unauthorized")
    assert top_rule(response) == "cloudflare.auth.gateway-unauthorized"


def test_gateway_token_sent_in_authorization_instead(start_emulator: Start) -> None:
    emu = start_emulator("cloudflare")
    response = call(emu, "/openai/chat/completions", CHAT, gateway_token=False, key="gateway")
    assert response.status_code == 401
    assert response.json() == gateway_error(401, 2009, "Unauthorized")
    assert top_rule(response) == "cloudflare.auth.token-in-authorization-header"


def test_wrong_gateway_token(start_emulator: Start) -> None:
    emu = start_emulator("cloudflare")
    response = call(
        emu, "/openai/chat/completions", CHAT, gateway_token=False, headers={"cf-aig-authorization": "Bearer cfat_no"}
    )
    assert response.status_code == 401
    assert response.json()["internalCode"] == 2009


def test_open_gateway_needs_no_gateway_token(start_emulator: Start) -> None:
    emu = start_emulator("cloudflare")
    response = call(emu, "/openai/chat/completions", CHAT, gateway_token=False, gateway=CF_OPEN_GATEWAY)
    assert response.status_code == 200
    assert response.json()["choices"][0]["message"]["role"] == "assistant"


# --------------------------------------------------------------------------- routing


def test_unknown_provider_path(start_emulator: Start) -> None:
    emu = start_emulator("cloudflare")
    response = call(emu, "/opnai/chat/completions", CHAT)
    assert response.status_code == 400
    assert response.json() == gateway_error(400, 2008, "Invalid provider")
    assert top_rule(response) in {"cloudflare.routing.invalid-provider", "cloudflare.routing.missing-provider-path"}


def test_missing_provider_path(start_emulator: Start) -> None:
    emu = start_emulator("cloudflare")
    response = call(emu, "/chat/completions", CHAT)
    assert response.status_code == 400
    assert response.json() == gateway_error(400, 2008, "Invalid provider")
    assert top_rule(response) == "cloudflare.routing.missing-provider-path"


def test_compat_model_without_provider_prefix(start_emulator: Start) -> None:
    emu = start_emulator("cloudflare")
    response = call(emu, "/compat/chat/completions", CHAT)
    assert response.status_code == 400
    assert response.json() == gateway_error(400, 2005, "Failed to get response from provider")
    assert top_rule(response) == "cloudflare.routing.compat-model-without-prefix"


def test_compat_with_provider_prefix(start_emulator: Start) -> None:
    emu = start_emulator("cloudflare")
    response = call(emu, "/compat/chat/completions", {**CHAT, "model": "openai/gpt-4o-mini"})
    assert response.status_code == 200
    assert response.json()["model"] == "openai/gpt-4o-mini"
    unknown = call(emu, "/compat/chat/completions", {**CHAT, "model": "opnai/gpt-4o-mini"})
    assert unknown.json() == gateway_error(400, 2008, "Invalid provider")


def test_unknown_account_has_no_route(start_emulator: Start) -> None:
    emu = start_emulator("cloudflare")
    response = httpx.post(f"{emu.base_url}/v1/{'f' * 32}/demo-gateway/openai/chat/completions", json=CHAT)
    assert response.status_code == 404
    assert response.json() == {
        "success": False,
        "errors": [{"code": 7003, "message": "No route for the URI"}],
        "messages": [],
        "result": None,
    }
    assert top_rule(response) == "cloudflare.routing.no-route"


# --------------------------------------------------------------------------- BYOK and provider credentials


def test_byok_default_and_alias(start_emulator: Start) -> None:
    emu = start_emulator("cloudflare")
    body = {"model": "claude-sonnet-4-5", "max_tokens": 8, "messages": []}
    assert call(emu, "/anthropic/v1/messages", body, key=None).status_code == 200
    chosen = call(emu, "/anthropic/v1/messages", body, key=None, headers={"cf-aig-byok-alias": "team-b"})
    assert chosen.status_code == 200


def test_byok_unknown_alias(start_emulator: Start) -> None:
    emu = start_emulator("cloudflare")
    body = {"model": "claude-sonnet-4-5", "max_tokens": 8, "messages": []}
    response = call(emu, "/anthropic/v1/messages", body, key=None, headers={"cf-aig-byok-alias": "team-c"})
    assert response.status_code == 400
    assert response.json() == gateway_error(
        400, 2040, "Provider 'anthropic' has no BYOK credential named 'team-c'. Configured aliases: 'default', 'team-b'"
    )
    assert top_rule(response) == "cloudflare.byok.unknown-alias"


def test_byok_without_default_alias(start_emulator: Start) -> None:
    emu = start_emulator("cloudflare")
    response = call(emu, "/google-ai-studio/v1beta/models/gemini-2.5-flash:generateContent", {"contents": []}, key=None)
    assert response.status_code == 400
    assert response.json() == gateway_error(
        400,
        2040,
        "Provider 'google-ai-studio' has no BYOK credential named 'default'. Configured aliases: 'other-studio'",
    )
    assert top_rule(response) == "cloudflare.byok.no-default-key"


def test_provider_error_when_no_key_reaches_the_provider(start_emulator: Start) -> None:
    emu = start_emulator("cloudflare")
    response = call(emu, "/openai/chat/completions", CHAT, gateway_token=False, key=None, gateway=CF_OPEN_GATEWAY)
    assert response.status_code == 401
    assert response.json() == {
        "error": {
            "message": "You didn't provide an API key. You need to provide your API key in an Authorization header "
            "using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
            "type": "invalid_request_error",
            "param": None,
            "code": None,
        }
    }
    assert top_rule(response) == "cloudflare.auth.provider-credentials-missing"


def test_provider_rejects_a_wrong_key_in_its_own_envelope(start_emulator: Start) -> None:
    emu = start_emulator("cloudflare")
    response = call(emu, "/openai/chat/completions", CHAT, key="sk-proj-wrong0000000000000000")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_api_key"
    assert top_rule(response) == "openai.credential.invalid-key"
    google = call(
        emu,
        "/google-ai-studio/v1beta/models/gemini-2.5-flash:generateContent",
        {"contents": []},
        key=None,
        headers={"x-goog-api-key": "AIzaWrong"},
    )
    assert google.status_code == 400
    assert google.json()["error"]["details"][0]["reason"] == "API_KEY_INVALID"
    assert top_rule(google) == "gemini.credential.api-key-invalid"


def test_native_provider_paths_succeed(start_emulator: Start) -> None:
    emu = start_emulator("cloudflare")
    gemini = call(
        emu,
        "/google-ai-studio/v1beta/models/gemini-2.5-flash:generateContent",
        {"contents": []},
        key=None,
        headers={"x-goog-api-key": emu.demo_tokens["google-ai-studio"]},
    )
    assert gemini.status_code == 200 and "candidates" in gemini.json()
    anthropic = call(
        emu,
        "/anthropic/v1/messages",
        {"model": "claude-sonnet-4-5", "max_tokens": 8, "messages": []},
        key=None,
        headers={"x-api-key": emu.demo_tokens["anthropic"]},
    )
    assert anthropic.status_code == 200 and anthropic.json()["type"] == "message"
    workers = call(emu, "/workers-ai/@cf/meta/llama-3.1-8b-instruct", {"prompt": "ping"}, key=None)
    assert workers.json()["success"] is True
    custom = call(emu, "/custom-neon/v1/chat/completions", {**CHAT, "model": "gpt-5-mini"}, key="nt_live_anything")
    assert custom.status_code == 200


# --------------------------------------------------------------------------- gateway limits and guardrails


@pytest.mark.parametrize(
    ("scenario", "path", "body", "key", "status", "code", "message", "rule"),
    [
        ("rate-limited", "/openai/chat/completions", CHAT, "openai", 429, 2003, "Rate limited",
         "cloudflare.rate-limit.gateway-rate-limited"),
        ("spend-limit", "/openai/chat/completions", CHAT, "openai", 429, 2041,
         "Spend limit exceeded: rule 'demo-daily-budget' (cost limit 100 per 86400s, sliding) for openai "
         "openai/gpt-4o-mini", "cloudflare.quota.spend-limit-exceeded"),
        ("credits-exhausted", "/compat/chat/completions", {**CHAT, "model": "openai/gpt-4o-mini"}, None, 402, 2021,
         "Insufficient AI Gateway credits", "cloudflare.quota.insufficient-credits"),
        ("guardrails-block", "/openai/chat/completions", CHAT, "openai", 424, 2016,
         "Prompt blocked due to security configurations", "cloudflare.guardrails.prompt-blocked"),
    ],
)  # fmt: skip
def test_gateway_errors(
    start_emulator: Start,
    scenario: str,
    path: str,
    body: dict[str, Any],
    key: str | None,
    status: int,
    code: int,
    message: str,
    rule: str,
) -> None:
    emu = start_emulator("cloudflare", scenarios=[scenario])
    response = call(emu, path, body, key=key)
    assert response.status_code == status
    assert response.json() == gateway_error(status, code, message)
    assert top_rule(response) == rule


def test_credits_only_matter_for_unified_billing(start_emulator: Start) -> None:
    emu = start_emulator("cloudflare", scenarios=["credits-exhausted"])
    assert call(emu, "/openai/chat/completions", CHAT, key="openai").status_code == 200  # own key


# --------------------------------------------------------------------------- provider errors and timeouts


def test_provider_error_passes_through(start_emulator: Start) -> None:
    emu = start_emulator("cloudflare", scenarios=["provider-error"])
    openai = call(emu, "/openai/chat/completions", CHAT)
    assert openai.status_code == 500
    assert openai.json() == {
        "error": {
            "message": "The server had an error while processing your request. Sorry about that!",
            "type": "server_error",
            "param": None,
            "code": None,
        }
    }
    assert re.fullmatch(r"01JMOCK\d{19}", openai.headers["cf-aig-log-id"])
    assert top_rule(openai) == "openai.upstream.server-error"
    anthropic = call(emu, "/anthropic/v1/messages", {"model": "claude-sonnet-4-5", "max_tokens": 8}, key=None)
    assert anthropic.status_code == 500
    assert anthropic.json()["error"] == {"type": "api_error", "message": "Internal server error"}
    assert anthropic.headers["request-id"] == anthropic.json()["request_id"]
    assert top_rule(anthropic) == "anthropic.upstream.api-error"


def test_provider_rate_limit_passes_through(start_emulator: Start) -> None:
    emu = start_emulator("cloudflare", scenarios=["provider-rate-limit"])
    response = call(emu, "/openai/chat/completions", CHAT)
    assert response.status_code == 429
    assert response.headers["retry-after"] == "7"
    assert response.headers["x-ratelimit-remaining-requests"] == "0"
    assert response.json()["error"]["code"] == "rate_limit_exceeded"
    assert top_rule(response) == "openai.rate-limit.rate-limit-exceeded"


def test_request_timeout(start_emulator: Start) -> None:
    emu = start_emulator("cloudflare", scenarios=["timeout"])
    response = call(emu, "/openai/chat/completions", CHAT, headers={"cf-aig-request-timeout": "50"})
    assert response.status_code == 504
    assert response.json() == gateway_error(504, 504, "Request timed out after 50 ms waiting for the provider")
    assert top_rule(response) == "cloudflare.timeout.request-timeout"


# --------------------------------------------------------------------------- caching


def test_cache_miss_then_hit(start_emulator: Start) -> None:
    emu = start_emulator("cloudflare")
    first = call(emu, "/openai/chat/completions", CHAT)
    second = call(emu, "/openai/chat/completions", CHAT)
    assert first.headers["cf-aig-cache-status"] == "MISS"
    assert second.headers["cf-aig-cache-status"] == "HIT"
    assert first.content == second.content
    assert first.headers["cf-aig-log-id"] != second.headers["cf-aig-log-id"]
    assert top_rule(first) == "cloudflare.cache.miss"
    assert top_rule(second) == "cloudflare.cache.unexpected-hit"
    other = call(emu, "/openai/chat/completions", {**CHAT, "temperature": 0})
    assert other.headers["cf-aig-cache-status"] == "MISS"


def test_skip_cache(start_emulator: Start) -> None:
    emu = start_emulator("cloudflare")
    call(emu, "/openai/chat/completions", CHAT)
    skipped = call(emu, "/openai/chat/completions", CHAT, headers={"cf-aig-skip-cache": "true"})
    assert skipped.headers["cf-aig-cache-status"] == "MISS"
    assert top_rule(skipped) == "cloudflare.cache.skip-cache-header"


def test_custom_cache_key_and_ttl(start_emulator: Start) -> None:
    emu = start_emulator("cloudflare")
    key = {"cf-aig-cache-key": "greeting"}
    call(emu, "/openai/chat/completions", CHAT, headers=key, gateway_token=False, gateway=CF_OPEN_GATEWAY)
    hit = call(
        emu,
        "/openai/chat/completions",
        {**CHAT, "temperature": 1},
        headers=key,
        gateway_token=False,
        gateway=CF_OPEN_GATEWAY,
    )
    assert hit.headers["cf-aig-cache-status"] == "HIT"
    assert top_rule(hit) == "cloudflare.cache.custom-cache-key"
    # a per-request TTL turns caching on for a gateway that has it off; without it nothing is cached
    ttl = {"cf-aig-cache-ttl": "120"}
    body = {**CHAT, "user": "ttl"}
    call(emu, "/openai/chat/completions", body, headers=ttl, gateway_token=False, gateway=CF_OPEN_GATEWAY)
    again = call(emu, "/openai/chat/completions", body, headers=ttl, gateway_token=False, gateway=CF_OPEN_GATEWAY)
    assert again.headers["cf-aig-cache-status"] == "HIT"
    plain = {**CHAT, "user": "plain"}
    call(emu, "/openai/chat/completions", plain, gateway_token=False, gateway=CF_OPEN_GATEWAY)
    fresh = call(emu, "/openai/chat/completions", plain, gateway_token=False, gateway=CF_OPEN_GATEWAY)
    assert fresh.headers["cf-aig-cache-status"] == "MISS"


def test_streaming_is_not_cached(start_emulator: Start) -> None:
    emu = start_emulator("cloudflare")
    body = {**CHAT, "stream": True}
    call(emu, "/openai/chat/completions", body)
    second = call(emu, "/openai/chat/completions", body)
    assert second.headers["content-type"] == "text/event-stream"
    assert second.headers["cf-aig-cache-status"] == "MISS"
    assert second.text.rstrip().endswith("data: [DONE]")
    assert top_rule(second) == "cloudflare.cache.streaming-not-cached"


def test_cloudflare_response_headers(start_emulator: Start) -> None:
    emu = start_emulator("cloudflare")
    response = call(emu, "/openai/chat/completions", CHAT)
    assert response.headers["cf-aig-step"] == "0"
    assert response.headers["cf-aig-request-id"] == response.headers["cf-aig-log-id"]
    assert response.headers["x-ratelimit-limit-requests"] == "1000"


# --------------------------------------------------------------------------- CLI


def test_cli_list_scenarios() -> None:
    result = CliRunner().invoke(app, ["mock", "cloudflare", "--list-scenarios"])
    assert result.exit_code == 0
    names = {line.split()[0] for line in result.output.splitlines() if line.strip()}
    assert {"healthy", "provider-error", "timeout", "rate-limited", "hang"} <= names
    assert "quota-temporary" not in names
