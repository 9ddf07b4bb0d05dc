"""The Cloudflare AI Gateway as its documents describe it, with emulated providers behind it.

Order: the URL (account, gateway), the gateway token on authenticated gateways, the gateway's rate limit,
the provider (path segment or /compat model prefix), the provider credential (request key, BYOK alias, or
Unified Billing credits), spend limits and Guardrails, the cache, then the provider itself.
The gateway's own errors use the `AiGatewayError` envelope (REFERENCE §2.10); provider errors pass through
in the provider's envelope. Codes whose HTTP status is undocumented (2005, 2008) are answered with 400, and
a timeout with 504; both [derived].
"""

from __future__ import annotations

import hashlib
import itertools
import threading
import time
from dataclasses import dataclass
from typing import Any

from aigw_doctor.gateways import cloudflare as cf
from aigw_doctor.mock import bodies
from aigw_doctor.mock.config import CloudflareConfig, CloudflareGateway
from aigw_doctor.mock.http import INVALID_JSON, SSE_TYPE, Request, Response, json_response

OPENAI_COMPATIBLE = frozenset(
    {"openai", "groq", "mistral", "deepseek", "cerebras", "openrouter", "grok", "perplexity-ai", "azure-openai"}
)
NATIVE_KEY_HEADERS = {"anthropic": "x-api-key", "google-ai-studio": "x-goog-api-key", "azure-openai": "api-key"}
SPEND_RULE = "demo-daily-budget"
# The model-name families each emulated provider serves; any other name gets the provider's 404.
MODEL_FAMILIES: dict[str, tuple[str, ...]] = {
    "openai": ("gpt-", "o1", "o3", "o4", "chatgpt-", "text-embedding-", "davinci", "babbage", "omni-"),
    "anthropic": ("claude-",),
    "google-ai-studio": ("gemini-", "gemma-", "text-embedding", "embedding-"),
    "google-vertex-ai": ("gemini-", "gemma-", "google/", "text-embedding"),
}


def gateway_error(status: int, code: int, message: str) -> Response:
    """The gateway's own error envelope, as observed (every field, so any parser finds what it expects)."""
    return json_response(
        status,
        {
            "success": False,
            "result": [],
            "messages": [],
            "error": [{"code": code, "message": message}],
            "name": "AiGatewayError",
            "httpCode": status,
            "internalCode": code,
            "message": message,
        },
    )


def no_route() -> Response:
    """Cloudflare's API-level answer for a path it has no route for (plural `errors`)."""
    return json_response(
        404,
        {
            "success": False,
            "errors": [{"code": 7003, "message": "No route for the URI"}],
            "messages": [],
            "result": None,
        },
    )


@dataclass
class _Cached:
    expires: float
    response: Response


@dataclass(frozen=True)
class _Route:
    """What a provider-bound request is: which provider, which API shape, which model."""

    provider: str
    api: str  # chat | responses | embeddings | models | messages | gemini | workers-ai
    model: str
    stream: bool
    compat: bool


class CloudflareApp:
    name = "cloudflare"
    max_body_bytes = 100 * 1024 * 1024

    def __init__(self, config: CloudflareConfig, scenarios: frozenset[str] = frozenset()) -> None:
        self.config = config
        self.scenarios = scenarios
        self._ids = itertools.count(1)
        self._cache: dict[str, _Cached] = {}
        self._lock = threading.Lock()

    def handle(self, request: Request) -> Response:
        path = cf.parse_path(request.path)
        if path.kind == "unknown" or path.account_id != self.config.account_id or path.gateway_id is None:
            return no_route()
        gateway = self.config.gateway(path.gateway_id)
        if gateway.authenticated and not self._gateway_token_ok(request, gateway):
            return gateway_error(401, 2009, "Unauthorized")
        if "rate-limited" in self.scenarios:
            return gateway_error(429, 2003, "Rate limited")
        if path.kind == "universal":
            return gateway_error(400, 2008, "Invalid provider")  # the Universal endpoint is not emulated
        route = self._route(request, path)
        if isinstance(route, Response):
            return route
        credential = self._credential(request, gateway, route)
        if credential is not None:
            return credential
        if "spend-limit" in self.scenarios:
            return gateway_error(
                429,
                2041,
                f"Spend limit exceeded: rule '{SPEND_RULE}' (cost limit 100 per 86400s, sliding) for "
                f"{route.provider} {route.provider}/{route.model}",
            )
        if "guardrails-block" in self.scenarios and route.api != "models":
            return gateway_error(424, 2016, "Prompt blocked due to security configurations")
        return self._through_cache(request, gateway, route)

    # ------------------------------------------------------------------ gateway auth and routing

    def _gateway_token_ok(self, request: Request, gateway: CloudflareGateway) -> bool:
        scheme, _, token = (request.header("cf-aig-authorization") or "").partition(" ")
        return scheme.lower() == "bearer" and token.strip() in gateway.tokens

    def _route(self, request: Request, path: cf.GatewayPath) -> _Route | Response:
        payload = request.json()
        body: dict[str, Any] = payload if isinstance(payload, dict) else {}
        stream = body.get("stream") is True
        model = body.get("model") if isinstance(body.get("model"), str) else ""
        assert path.provider is not None
        if path.kind == "compat":
            if path.rest == "/models" and request.method.upper() == "GET":
                return _Route("compat", "models", "", False, True)
            if path.rest != "/chat/completions":
                return no_route()
            if payload is INVALID_JSON or not model:
                return bodies.openai_error(400, "you must provide a model parameter", "invalid_request_error")
            split = cf.split_compat_model(str(model))
            if split is None or str(model).startswith("@cf/"):
                return gateway_error(400, 2005, "Failed to get response from provider")
            provider, name = split
            if provider not in cf.COMPAT_PROVIDERS and not cf.is_custom_provider(provider):
                return gateway_error(400, 2008, "Invalid provider")
            return _Route(provider, "chat", name, stream, True)
        provider = path.provider
        if not cf.provider_known(provider):
            return gateway_error(400, 2008, "Invalid provider")
        rest = (
            path.rest.removeprefix("/v1")
            if provider in OPENAI_COMPATIBLE or cf.is_custom_provider(provider)
            else path.rest
        )
        if provider == "anthropic":
            if rest != "/v1/messages":
                return self._provider_not_found(provider, path.rest)
            return _Route(provider, "messages", str(model), stream, False)
        if provider in ("google-ai-studio", "google-vertex-ai"):
            segment = rest.rsplit("/models/", 1)[-1] if "/models/" in rest else ""
            model_name, _, action = segment.partition(":")
            if not model_name or action not in ("generateContent", "streamGenerateContent"):
                return self._provider_not_found(provider, path.rest)
            return _Route(provider, "gemini", model_name, action == "streamGenerateContent", False)
        if provider == "workers-ai":
            if "@cf/" not in rest:
                return self._provider_not_found(provider, path.rest)
            return _Route(provider, "workers-ai", rest[rest.index("@cf/") :], False, False)
        api = {"/chat/completions": "chat", "/responses": "responses", "/embeddings": "embeddings", "/models": "models"}
        for suffix, kind in api.items():
            if rest.endswith(suffix):
                return _Route(provider, kind, str(model), stream, False)
        return self._provider_not_found(provider, path.rest)

    def _provider_not_found(self, provider: str, rest: str) -> Response:
        if provider == "anthropic":
            return bodies.anthropic_error(404, "not_found_error", "Not Found", self._request_id())
        if provider.startswith("google"):
            return bodies.google_error(404, "NOT_FOUND", f"The requested URL {rest} was not found on this server.")
        return bodies.openai_error(
            404, f"Invalid URL (POST {rest or '/'})", "invalid_request_error", code="unknown_url"
        )

    # ------------------------------------------------------------------ credentials

    def _request_key(self, request: Request, provider: str) -> str | None:
        native = NATIVE_KEY_HEADERS.get(provider)
        if native and request.header(native):
            return (request.header(native) or "").strip()
        scheme, _, value = (request.header("authorization") or "").partition(" ")
        if scheme.lower() == "bearer" and value.strip():
            return value.strip()
        return None

    def _credential(self, request: Request, gateway: CloudflareGateway, route: _Route) -> Response | None:
        if route.api == "models" and route.compat:
            return None
        key = self._request_key(request, route.provider)
        if key is not None:
            accepted = self.config.provider_keys.get(route.provider)
            if accepted is not None and key not in accepted:
                return self._provider_bad_key(route.provider)
            return None
        aliases = gateway.byok.get(route.provider) if gateway.authenticated else None
        if aliases:
            alias = (request.header("cf-aig-byok-alias") or "default").strip()
            if alias not in aliases:
                configured = ", ".join(f"'{a}'" for a in aliases)
                return gateway_error(
                    400,
                    2040,
                    f"Provider '{route.provider}' has no BYOK credential named '{alias}'. "
                    f"Configured aliases: {configured}",
                )
            return None
        if gateway.authenticated and route.provider in cf.UNIFIED_BILLING_PROVIDERS:
            if "credits-exhausted" in self.scenarios or gateway.credits <= 0:
                return gateway_error(402, 2021, "Insufficient AI Gateway credits")
            return None
        if route.provider == "workers-ai":
            return None
        return self._provider_missing_key(route.provider)

    def _provider_missing_key(self, provider: str) -> Response:
        if provider == "anthropic":
            return bodies.anthropic_error(
                401, "authentication_error", "x-api-key header is required", self._request_id()
            )
        if provider.startswith("google"):
            return bodies.google_error(
                401,
                "UNAUTHENTICATED",
                "Request is missing required authentication credential. Expected OAuth 2 access token, login "
                "cookie or other valid authentication credential.",
                "CREDENTIALS_MISSING",
            )
        return bodies.openai_error(
            401,
            "You didn't provide an API key. You need to provide your API key in an Authorization header using "
            "Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
            "invalid_request_error",
        )

    def _provider_bad_key(self, provider: str) -> Response:
        if provider == "anthropic":
            return bodies.anthropic_error(401, "authentication_error", "invalid x-api-key", self._request_id())
        if provider.startswith("google"):
            return bodies.google_error(
                400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", "API_KEY_INVALID"
            )
        return bodies.openai_error(
            401,
            "Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.",
            "invalid_request_error",
            code="invalid_api_key",
        )

    # ------------------------------------------------------------------ cache and provider

    def _cache_ttl(self, request: Request, gateway: CloudflareGateway) -> int:
        """Seconds to cache for, 0 for not at all: request headers beat gateway settings."""
        skip = request.header("cf-aig-skip-cache") or request.header("cf-skip-cache")
        if skip is not None and skip.strip().lower() == "true":
            return 0
        ttl = request.header("cf-aig-cache-ttl") or request.header("cf-cache-ttl")
        if ttl is not None and ttl.strip().isdigit():
            seconds = int(ttl.strip())
            if cf.CACHE_TTL_MIN <= seconds <= cf.CACHE_TTL_MAX:
                return seconds
        if gateway.cache_ttl > 0:
            return gateway.cache_ttl
        if request.header("cf-aig-cache-key"):
            return cf.CACHE_KEY_DEFAULT_TTL
        return 0

    def _through_cache(self, request: Request, gateway: CloudflareGateway, route: _Route) -> Response:
        ttl = 0 if route.stream else self._cache_ttl(request, gateway)
        custom = request.header("cf-aig-cache-key")
        key = (
            f"key:{gateway.id}:{custom}"
            if custom
            else "req:"
            + hashlib.sha256(
                b"\0".join([gateway.id.encode(), request.method.encode(), request.path.encode(), request.body])
            ).hexdigest()
        )
        now = time.monotonic()
        if ttl > 0:
            with self._lock:
                hit = self._cache.get(key)
                if hit is not None and hit.expires > now:
                    return self._decorate(
                        Response(hit.response.status, hit.response.body, list(hit.response.headers)), "HIT"
                    )
        response = self._provider(request, route)
        is_stream = (response.header("content-type") or "").startswith(SSE_TYPE)
        if ttl > 0 and response.status == 200 and not is_stream and response.delay_ms == 0:
            with self._lock:
                self._cache[key] = _Cached(now + ttl, Response(response.status, response.body, list(response.headers)))
        return self._decorate(response, "MISS" if response.status == 200 else None)

    def _decorate(self, response: Response, cache_status: str | None) -> Response:
        log_id = f"01JMOCK{next(self._ids):019d}"
        extra = [("cf-aig-log-id", log_id), ("cf-aig-event-id", log_id.lower()), ("cf-aig-request-id", log_id),
                 ("cf-aig-step", "0")]  # fmt: skip
        if cache_status is not None:
            extra.insert(0, ("cf-aig-cache-status", cache_status))
        response.headers = [*response.headers, *extra]
        return response

    def _timeout_ms(self, request: Request, gateway_default: int) -> int:
        value = (request.header("cf-aig-request-timeout") or "").strip()
        return int(value) if value.isdigit() and 0 < int(value) < 10**9 else gateway_default

    def _provider(self, request: Request, route: _Route) -> Response:
        """The emulated provider behind the gateway."""
        if "timeout" in self.scenarios and route.api != "models":
            gateway_id = cf.parse_path(request.path).gateway_id or ""
            waited = self._timeout_ms(request, self.config.gateway(gateway_id).request_timeout_ms)
            response = gateway_error(504, 504, f"Request timed out after {waited} ms waiting for the provider")
            response.delay_ms = waited
            return response
        if "provider-error" in self.scenarios:
            return self._provider_failure(route.provider, 500)
        if "provider-rate-limit" in self.scenarios:
            return self._provider_failure(route.provider, 429)
        unknown = self._unknown_model(route)
        if unknown is not None:
            return unknown
        payload = request.json()
        body: dict[str, Any] = payload if isinstance(payload, dict) else {}
        ident = f"mock{next(self._ids):06d}"
        display = f"{route.provider}/{route.model}" if route.compat else route.model
        if route.api == "models":
            models = ["openai/gpt-4o-mini", "anthropic/claude-sonnet-4-5", "google-ai-studio/gemini-2.5-flash"]
            return json_response(
                200,
                {"object": "list", "data": [{"id": m, "object": "model", "owned_by": m.split("/")[0]} for m in models]},
            )
        if route.api == "messages":
            response = bodies.anthropic_message(display, body, ident)
            response.headers += bodies.anthropic_ratelimit_headers()
            return response
        if route.api == "gemini":
            return bodies.gemini_content(route.model, body, route.stream)
        if route.api == "workers-ai":
            return bodies.workers_ai_result()
        if route.api == "responses":
            response = bodies.openai_response(display, body, ident)
        elif route.api == "embeddings":
            text = body.get("input")
            inputs = [text] if isinstance(text, str) else [str(x) for x in text] if isinstance(text, list) else [""]
            response = bodies.embeddings(display, inputs, 256, True, display)
        else:
            response = bodies.chat_completion(display, body, f"chatcmpl-{ident}")
        if route.provider == "openai" or route.compat:
            response.headers += bodies.openai_ratelimit_headers()
        return response

    def _unknown_model(self, route: _Route) -> Response | None:
        """The provider's own 404 for a model outside its families, as the real APIs answer before running
        anything (this is what makes a made-up model a zero-cost probe)."""
        families = MODEL_FAMILIES.get(route.provider)
        if families is None or route.api in ("models", "workers-ai") or route.model.startswith(families):
            return None
        if route.provider == "anthropic":
            return bodies.anthropic_error(404, "not_found_error", f"model: {route.model}", self._request_id())
        if route.provider.startswith("google"):
            return bodies.google_error(
                404,
                "NOT_FOUND",
                f"models/{route.model} is not found for API version v1beta, or is not supported for generateContent.",
            )
        return bodies.openai_error(
            404,
            f"The model `{route.model}` does not exist or you do not have access to it.",
            "invalid_request_error",
            code="model_not_found",
        )

    def _provider_failure(self, provider: str, status: int) -> Response:
        if provider == "anthropic":
            kind = "rate_limit_error" if status == 429 else "api_error"
            text = (
                "Number of request tokens has exceeded your per-minute rate limit"
                if status == 429
                else "Internal server error"
            )
            response = bodies.anthropic_error(status, kind, text, self._request_id())
            if status == 429:
                response.headers += [
                    ("retry-after", "7"),
                    *bodies.anthropic_ratelimit_headers(remaining=False, reset_in=7),
                ]
            return response
        if provider.startswith("google"):
            if status == 429:
                return bodies.google_error(429, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota).")
            return bodies.google_error(500, "INTERNAL", "An internal error has occurred. Please retry or report in "
                                       "https://developers.generativeai.google/guide/troubleshooting")  # fmt: skip
        if status == 429:
            response = bodies.openai_error(
                429,
                "Rate limit reached for requests. Please try again in 7s.",
                "requests",
                code="rate_limit_exceeded",
            )
            response.headers += [("retry-after", "7"), *bodies.openai_ratelimit_headers(0, 0)]
            return response
        return bodies.openai_error(
            500, "The server had an error while processing your request. Sorry about that!", "server_error"
        )

    def _request_id(self) -> str:
        return f"req_mock{next(self._ids):018d}"
