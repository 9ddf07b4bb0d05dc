"""What aigw-doctor knows about the Cloudflare AI Gateway: URLs, providers, compat models, cf-aig-* headers.

Pure functions over plain data (no I/O, no printing). Sources: the Cloudflare troubleshooting page (seed)
and REFERENCE.md Part 2.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

from aigw_doctor.gateways.problems import Problem

if TYPE_CHECKING:
    from aigw_doctor.check.plan import CheckPlan
    from aigw_doctor.model import Observation

GATEWAY_HOST = "gateway.ai.cloudflare.com"
DOCS = "https://developers.cloudflare.com/ai-gateway/reference/troubleshooting/"

# REFERENCE §2.2: slugs confirmed by the provider pages (compat is the unified endpoint, not a provider).
PROVIDERS: frozenset[str] = frozenset(
    [
        "openai",
        "anthropic",
        "google-ai-studio",
        "google-vertex-ai",
        "workers-ai",
        "azure-openai",
        "aws-bedrock",
        "groq",
        "mistral",
        "cohere",
        "perplexity-ai",
        "grok",
        "deepseek",
        "cerebras",
        "huggingface",
        "replicate",
        "openrouter",
        "elevenlabs",
        "cartesia",
    ]
)
# Provider pages exist but their slugs were not confirmed; accepted with a warning.
UNCONFIRMED_PROVIDERS: frozenset[str] = frozenset({"baseten", "deepgram", "fal", "ideogram", "parallel"})
# Providers the unified /compat endpoint routes to (docs list plus OpenRouter from a third-party list).
COMPAT_PROVIDERS: frozenset[str] = frozenset(
    [
        "anthropic",
        "openai",
        "groq",
        "mistral",
        "cohere",
        "perplexity-ai",
        "workers-ai",
        "google-ai-studio",
        "google-vertex-ai",
        "grok",
        "deepseek",
        "cerebras",
        "baseten",
        "parallel",
        "openrouter",
    ]
)
UNIFIED_BILLING_PROVIDERS: frozenset[str] = frozenset(
    {"openai", "anthropic", "google-ai-studio", "google-vertex-ai", "grok", "groq"}
)

CACHE_TTL_MIN = 60
CACHE_TTL_MAX = 30 * 24 * 3600  # "one month"
CACHE_KEY_DEFAULT_TTL = 300

_ACCOUNT_ID = re.compile(r"[0-9a-f]{32}")
_GATEWAY_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
_CUSTOM = re.compile(r"custom-[a-z0-9][a-z0-9_-]*")

UrlKind = Literal["provider", "compat", "universal", "unknown"]


def is_account_id(value: str) -> bool:
    return bool(_ACCOUNT_ID.fullmatch(value))


def is_gateway_id(value: str) -> bool:
    return bool(_GATEWAY_ID.fullmatch(value))


def is_custom_provider(slug: str) -> bool:
    return bool(_CUSTOM.fullmatch(slug))


def provider_known(slug: str) -> bool:
    return slug in PROVIDERS or slug in UNCONFIRMED_PROVIDERS or is_custom_provider(slug)


@dataclass(frozen=True)
class GatewayPath:
    """`/v1/{account_id}/{gateway_id}/{provider}/{rest}` taken apart. Missing parts are None."""

    account_id: str | None
    gateway_id: str | None
    provider: str | None
    rest: str
    kind: UrlKind


def parse_path(path: str) -> GatewayPath:
    """Take a gateway request path apart (query ignored). Never raises."""
    clean = path.split("?", 1)[0].split("#", 1)[0]
    parts = clean.split("/")
    # parts[0] is "" (leading slash), parts[1] is the API version.
    if len(parts) < 3 or parts[0] != "" or parts[1] != "v1":
        return GatewayPath(None, None, None, clean, "unknown")
    account = parts[2] or None
    gateway = parts[3] if len(parts) > 3 and parts[3] else None
    provider = parts[4] if len(parts) > 4 and parts[4] else None
    rest = "/" + "/".join(parts[5:]) if len(parts) > 5 else ""
    if account is None or gateway is None:
        kind: UrlKind = "unknown"
    elif provider is None:
        kind = "universal"
    elif provider == "compat":
        kind = "compat"
    else:
        kind = "provider"
    return GatewayPath(account, gateway, provider, rest, kind)


@dataclass(frozen=True)
class GatewayUrl:
    """A full gateway URL: scheme and host plus the parsed path and what is wrong with it."""

    scheme: str
    host: str
    path: GatewayPath
    problems: tuple[Problem, ...] = field(default_factory=tuple)


def parse_url(url: str) -> GatewayUrl:
    """Parse `https://gateway.ai.cloudflare.com/v1/{account}/{gateway}/{provider}/…`. Never raises."""
    text = url.strip()
    try:
        parts = urlsplit(text if "://" in text else f"https://{text}")
        host = (parts.hostname or "").lower()
        scheme = parts.scheme.lower()
        raw_path = parts.path
    except ValueError:
        host, scheme, raw_path = "", "", ""
    parsed = parse_path(raw_path)
    return GatewayUrl(scheme, host, parsed, tuple(url_problems(scheme, host, parsed)))


def url_problems(scheme: str, host: str, path: GatewayPath) -> list[Problem]:
    problems: list[Problem] = []
    if host and host != GATEWAY_HOST:
        problems.append(
            Problem(
                "cloudflare.url.host",
                "routing",
                "warning",
                f"{host!r} is not {GATEWAY_HOST}.",
                f"Gateway URLs start with https://{GATEWAY_HOST}/v1/; the REST API on api.cloudflare.com "
                "uses a different header scheme.",
            )
        )
    if scheme and scheme != "https" and host == GATEWAY_HOST:
        problems.append(
            Problem("cloudflare.url.scheme", "routing", "error", "The gateway is served over https only.",
                    "Use https://.")
        )  # fmt: skip
    if path.kind == "unknown":
        problems.append(
            Problem(
                "cloudflare.url.shape",
                "routing",
                "error",
                "The path is not `/v1/{account_id}/{gateway_id}/{provider}/…`.",
                "Copy the endpoint from the gateway's dashboard page (API → endpoint).",
            )
        )
        return problems
    if path.account_id is not None and not is_account_id(path.account_id):
        problems.append(
            Problem(
                "cloudflare.url.account-id",
                "routing",
                "error",
                f"{path.account_id!r} is not an account id (32 lowercase hex characters).",
                "Use the account id shown in the Cloudflare dashboard, not the account name or email.",
            )
        )
    if path.gateway_id is not None and not is_gateway_id(path.gateway_id):
        problems.append(
            Problem(
                "cloudflare.url.gateway-id",
                "routing",
                "error",
                f"{path.gateway_id!r} is not a valid gateway id.",
                "Use the gateway's id (its name, up to 64 characters) from the dashboard.",
            )
        )
    if path.kind == "provider" and path.provider is not None:
        problems.extend(provider_problems(path.provider))
    if path.kind == "compat" and path.rest not in ("/chat/completions", "/models", ""):
        problems.append(
            Problem(
                "cloudflare.url.compat-path",
                "routing",
                "error",
                f"The unified endpoint serves /compat/chat/completions, not /compat{path.rest}.",
                "Point the OpenAI SDK's base URL at …/compat and call chat completions.",
            )
        )
    return problems


def provider_problems(slug: str) -> list[Problem]:
    if slug in PROVIDERS or is_custom_provider(slug):
        return []
    if slug in UNCONFIRMED_PROVIDERS:
        return [
            Problem(
                "cloudflare.provider.unconfirmed",
                "routing",
                "info",
                f"The provider slug {slug!r} could not be confirmed from the docs.",
                "Check the provider's page in the AI Gateway docs for its exact path segment.",
            )
        ]
    return [
        Problem(
            "cloudflare.provider.unknown",
            "routing",
            "error",
            f"{slug!r} is not a provider slug the gateway knows; it answers 2008 `Invalid provider`.",
            "Use a slug such as openai, anthropic, google-ai-studio, workers-ai, or custom-<slug>; for the "
            "OpenAI-compatible endpoint the path segment is `compat`.",
        )
    ]


def split_compat_model(model: str) -> tuple[str, str] | None:
    """`openai/gpt-4o` → (`openai`, `gpt-4o`); `google-vertex-ai/google/gemini-2.5-pro` keeps its tail."""
    if "/" not in model:
        return None
    provider, name = model.split("/", 1)
    if not provider or not name:
        return None
    return provider, name


def compat_model_problem(model: str) -> str | None:
    """None when a /compat model name carries a usable provider prefix; otherwise what is wrong."""
    if not model.strip():
        return "the model is empty"
    if model.startswith("@cf/"):
        return f"{model!r} has no provider prefix; Workers AI models are named `workers-ai/{model}`"
    split = split_compat_model(model)
    if split is None:
        return f"{model!r} has no provider prefix (write it as `<provider>/<model>`, e.g. `openai/{model}`)"
    provider, _ = split
    if provider == "dynamic" or provider in COMPAT_PROVIDERS or is_custom_provider(provider):
        return None
    return f"{provider!r} is not a provider the unified endpoint routes to"


def compat_model_problems(model: str) -> list[Problem]:
    text = compat_model_problem(model)
    if text is None:
        return []
    return [
        Problem(
            "cloudflare.compat.model-prefix",
            "model",
            "error",
            text,
            "On /compat/chat/completions name the model `<provider>/<model>` (`openai/gpt-4o`, "
            "`google-vertex-ai/google/gemini-2.5-flash`); the prefix picks the provider and its stored key.",
        )
    ]


def gateway_base_url(account_id: str, gateway_id: str, host: str = f"https://{GATEWAY_HOST}") -> str:
    return f"{host.rstrip('/')}/v1/{account_id}/{gateway_id}"


# Request headers whose presence (never value) the rules look at, as `request_header.<name>` facts.
FACT_HEADERS: tuple[str, ...] = (
    "authorization",
    "cf-aig-authorization",
    "x-api-key",
    "x-goog-api-key",
    "cf-aig-byok-alias",
    "cf-aig-skip-cache",
    "cf-skip-cache",
    "cf-aig-cache-ttl",
    "cf-cache-ttl",
    "cf-aig-cache-key",
    "cf-aig-request-timeout",
    "cf-aig-no-wholesale",
)


# --------------------------------------------------------------------------- the gateway interface

TOKEN_ENV = "CF_AIG_TOKEN"
URL_ENV = "CF_AIG_BASE_URL"
_MAX_SCAN = 64 * 1024
# Path segments an SDK appends after a base URL: seen where the provider slug belongs, they mean the slug is
# missing (`.../{gateway_id}/chat/completions`), not misspelled.
_ENDPOINT_WORDS = frozenset(
    {
        "v1", "v1beta", "chat", "completions", "embeddings", "responses", "messages", "models", "images",
        "audio", "moderations", "generatecontent", "run", "ai", "openai-compat",
    }
)  # fmt: skip


class CloudflareGateway:
    """The Cloudflare AI Gateway as the registry sees it (`aigw_doctor.gateways.base.Gateway`)."""

    name = "cloudflare"
    title = "Cloudflare AI Gateway"
    docs = DOCS
    url_env = (URL_ENV,)
    token_env = (TOKEN_ENV,)

    def owns_host(self, host: str) -> bool:
        return host == GATEWAY_HOST

    def claims_path(self, path: str) -> bool:
        parsed = parse_path(path)
        return bool(parsed.account_id and parsed.gateway_id and is_account_id(parsed.account_id))

    def detect(self, observation: Observation) -> str | None:
        host = (observation.request.host or "").lower().rstrip(".")
        if self.owns_host(host):
            return f"the request host {host}"
        if observation.request.path and self.claims_path(observation.request.path):
            return "the request path /v1/{account_id}/{gateway_id}/..."
        if any(name.startswith("cf-aig-") for name in observation.headers):
            return "the cf-aig-* response headers"
        if "AiGatewayError" in observation.body[:_MAX_SCAN]:
            return "the AiGatewayError body"
        return None

    def trusted_host(self, host: str, trusted_suffix: str) -> bool:
        return host == GATEWAY_HOST

    def trusted_hosts(self, trusted_suffix: str) -> str:
        return GATEWAY_HOST

    def base_path(self, path: str, source: str) -> tuple[str, list[str]]:
        parsed = parse_path(path)
        if not (parsed.account_id and parsed.gateway_id):
            raise ValueError(
                f"{source}: a Cloudflare AI Gateway URL looks like "
                f"https://{GATEWAY_HOST}/v1/<account_id>/<gateway_id>[/<provider>]"
            )
        return f"/v1/{parsed.account_id}/{parsed.gateway_id}", []

    def request_facts(self, observation: Observation) -> dict[str, str]:
        path, model = observation.request.path, observation.request.model
        facts: dict[str, str] = {}
        if not path:
            return facts
        parsed = parse_path(path)
        if parsed.kind == "unknown":
            return facts
        facts["endpoint"] = parsed.kind
        if parsed.account_id:
            facts["account_id"] = parsed.account_id
        if parsed.gateway_id:
            facts["gateway_id"] = parsed.gateway_id
        if parsed.kind == "compat":
            facts["provider_path"] = "present"
            if model is not None:
                split = split_compat_model(model)
                # `@cf/...` looks prefixed but names no provider: Workers AI models are `workers-ai/@cf/...`.
                prefixed = split is not None and not model.startswith("@cf/")
                facts["model_prefix"] = "present" if prefixed else "missing"
                if prefixed and split is not None:
                    facts["provider"] = split[0]
        elif parsed.kind == "provider" and parsed.provider is not None:
            slug = parsed.provider
            if provider_known(slug):
                facts["provider"] = slug
                facts["provider_path"] = "present"
            elif slug.lower() in _ENDPOINT_WORDS:
                facts["provider_path"] = "missing"
            else:
                # A segment that is neither a slug nor an endpoint word is a misspelled slug (2008 says so).
                facts["provider"] = slug
                facts["provider_path"] = "present"
        return facts

    def check_plan(self) -> CheckPlan:
        from aigw_doctor.gateways.cloudflare_check import CloudflareCheckPlan

        return CloudflareCheckPlan()


GATEWAY = CloudflareGateway()
