"""Which requests a check sends. Zero-cost probes first: a model listing, then requests built so that the
gateway rejects them before any model runs (a made-up model name); real calls only with --invoke."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from aigw_doctor.check.credentials import Secret
from aigw_doctor.check.target import Target
from aigw_doctor.gateways import cloudflare as cf
from aigw_doctor.gateways import neon

PROBE_MODEL = "aigw-doctor-probe-no-such-model"
ProbeKind = Literal["list", "reject", "invoke"]

ENDPOINT_ALIASES: dict[str, str] = {
    "chat": neon.CHAT,
    "chat-completions": neon.CHAT,
    "responses": neon.RESPONSES,
    "openai": neon.RESPONSES,
    "messages": neon.MESSAGES,
    "anthropic": neon.MESSAGES,
    "gemini": neon.GEMINI,
    "generate-content": neon.GEMINI,
    "embeddings": neon.EMBEDDINGS,
}
DEFAULT_NEON_DIALECTS: tuple[str, ...] = (neon.CHAT, neon.RESPONSES, neon.MESSAGES, neon.GEMINI)
CLOUDFLARE_DEFAULT_MODELS: dict[str, str] = {
    "openai": "gpt-4o-mini",
    "anthropic": "claude-sonnet-4-5",
    "google-ai-studio": "gemini-2.5-flash",
}
PROVIDER_KEY_ENV: dict[str, tuple[str, ...]] = {
    "openai": ("OPENAI_API_KEY",),
    "anthropic": ("ANTHROPIC_API_KEY",),
    "google-ai-studio": ("GEMINI_API_KEY", "GOOGLE_API_KEY"),
    "groq": ("GROQ_API_KEY",),
    "mistral": ("MISTRAL_API_KEY",),
    "deepseek": ("DEEPSEEK_API_KEY",),
    "grok": ("XAI_API_KEY",),
    "cerebras": ("CEREBRAS_API_KEY",),
    "openrouter": ("OPENROUTER_API_KEY",),
    "cohere": ("COHERE_API_KEY",),
    "perplexity-ai": ("PERPLEXITY_API_KEY",),
}
_OPENAI_STYLE = {"openai", "groq", "mistral", "deepseek", "cerebras", "openrouter", "grok", "perplexity-ai"}
_NATIVE_KEY_HEADER = {"anthropic": "x-api-key", "google-ai-studio": "x-goog-api-key"}


class EndpointError(ValueError):
    pass


@dataclass(frozen=True)
class Credential:
    """A secret and the header that carries it; the value is only ever read when the request is built."""

    header: str
    secret: Secret
    scheme: str = "Bearer"

    def value(self) -> str:
        token = neon.clean_token(self.secret.value) if self.header == "authorization" else self.secret.value.strip()
        return f"{self.scheme} {token}" if self.scheme else token


@dataclass(frozen=True)
class ProbeSpec:
    name: str
    endpoint: str
    method: str
    path: str
    kind: ProbeKind
    proves: str
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    credentials: tuple[Credential, ...] = ()
    model: str | None = None

    @property
    def header_names(self) -> list[str]:
        return sorted({*self.headers, *(c.header for c in self.credentials)})


def parse_endpoint(value: str) -> str:
    """A dialect name, a short alias or a request path → the dialect name."""
    text = value.strip()
    if text in neon.DIALECTS:
        return text
    if text.lower() in ENDPOINT_ALIASES:
        return ENDPOINT_ALIASES[text.lower()]
    match = neon.match_endpoint(text if text.startswith("/") else f"/{text}")
    if match is not None:
        return match.dialect
    choices = ", ".join([*ENDPOINT_ALIASES, *neon.DIALECTS])
    raise EndpointError(f"unknown endpoint {value!r}; use a path such as /v1/chat/completions or one of: {choices}")


def neon_dialects(models: list[str], endpoints: list[str]) -> list[str]:
    if endpoints:
        return list(dict.fromkeys(parse_endpoint(e) for e in endpoints))
    if models:
        wanted: list[str] = []
        for model in models:
            served = neon.endpoints_for(model)
            wanted.extend(d for d in served if d != neon.MODELS)
        if wanted:
            return list(dict.fromkeys(d for d in neon.DIALECTS if d in wanted))
    return list(DEFAULT_NEON_DIALECTS)


def _neon_request(dialect: str, model: str, kind: ProbeKind) -> tuple[str, dict[str, Any], dict[str, str]]:
    ping = [{"role": "user", "content": "ping"}]
    json_headers = {"content-type": "application/json"}
    if dialect == neon.CHAT:
        return "/v1/chat/completions", {"model": model, "messages": ping, "max_tokens": 1}, json_headers
    if dialect == neon.RESPONSES:
        return "/openai/v1/responses", {"model": model, "input": "ping", "max_output_tokens": 16}, json_headers
    if dialect == neon.MESSAGES:
        headers = {**json_headers, "anthropic-version": "2023-06-01"}
        return "/anthropic/v1/messages", {"model": model, "max_tokens": 1, "messages": ping}, headers
    if dialect == neon.GEMINI:
        body = {"contents": [{"role": "user", "parts": [{"text": "ping"}]}], "generationConfig": {"maxOutputTokens": 1}}
        return f"/gemini/v1beta/models/{model}:generateContent", body, json_headers
    if dialect == neon.EMBEDDINGS:
        return "/v1/embeddings", {"model": model, "input": "ping", "encoding_format": "float"}, json_headers
    raise EndpointError(f"no probe for the {dialect} endpoint")


InvokeMode = Literal["none", "one", "each"]


def invoke_mode(invoke: bool, zero_cost: bool) -> InvokeMode:
    """`--zero-cost`: no real request; `--invoke`: one per endpoint family; by default one, on the first."""
    return "none" if zero_cost else "each" if invoke else "one"


def plan_neon(token: Secret, models: list[str], endpoints: list[str], invoke: InvokeMode) -> list[ProbeSpec]:
    auth = (Credential("authorization", token),)
    specs = [
        ProbeSpec(
            name="GET /v1/models",
            endpoint=neon.MODELS,
            method="GET",
            path="/v1/models",
            kind="list",
            proves="workspace resolved from the host; credential accepted on this branch",
            credentials=auth,
        )
    ]
    dialects = neon_dialects(models, endpoints)
    for dialect in dialects:
        path, body, headers = _neon_request(dialect, PROBE_MODEL, "reject")
        specs.append(
            ProbeSpec(
                name=f"{dialect} endpoint",
                endpoint=dialect,
                method="POST",
                path=path,
                kind="reject",
                proves="endpoint served; credential, scope and branch binding accepted (a made-up model was "
                "rejected before anything ran)",
                body=body,
                headers=headers,
                credentials=auth,
                model=PROBE_MODEL,
            )
        )
    if invoke != "none":
        for dialect in dialects if invoke == "each" else dialects[:1]:
            model = next((m for m in models if dialect in neon.endpoints_for(m)), None)
            model = model or neon.DEFAULT_PROBE_MODELS.get(dialect)  # type: ignore[call-overload]
            if model is None:
                continue
            path, body, headers = _neon_request(dialect, model, "invoke")
            specs.append(
                ProbeSpec(
                    name=f"invoke {model} on {dialect}",
                    endpoint=dialect,
                    method="POST",
                    path=path,
                    kind="invoke",
                    proves=f"{model} answers through the upstream on {dialect}",
                    body=body,
                    headers=headers,
                    credentials=auth,
                    model=model,
                )
            )
    return specs


def cloudflare_provider(target: Target, url: str, models: list[str]) -> str:
    parsed = cf.parse_url(url).path
    if parsed.kind == "provider" and parsed.provider:
        return parsed.provider
    for model in models:
        split = cf.split_compat_model(model)
        if split:
            return split[0]
    return "openai"


def provider_credentials(provider: str, key: Secret | None) -> tuple[Credential, ...]:
    creds: list[Credential] = []
    if key is not None:
        header = _NATIVE_KEY_HEADER.get(provider, "authorization")
        creds.append(Credential(header, key, "Bearer" if header == "authorization" else ""))
    return tuple(creds)


def plan_cloudflare(
    target: Target,
    provider: str,
    gateway_token: Secret | None,
    provider_key: Secret | None,
    models: list[str],
    invoke: InvokeMode,
    byok_alias: str | None,
) -> list[ProbeSpec]:
    base = target.base_path
    gateway_auth = (Credential("cf-aig-authorization", gateway_token),) if gateway_token else ()
    provider_auth = provider_credentials(provider, provider_key)
    extra = {"cf-aig-byok-alias": byok_alias} if byok_alias else {}
    json_headers = {"content-type": "application/json", **extra}
    specs = [
        ProbeSpec(
            name="GET /compat/models",
            endpoint="compat",
            method="GET",
            path=f"{base}/compat/models",
            kind="list",
            proves="the account and gateway ids are right and the gateway accepts the request (cf-aig-authorization)",
            credentials=gateway_auth,
        )
    ]
    probe_model = f"{provider}/{PROBE_MODEL}"
    specs.append(
        ProbeSpec(
            name="compat endpoint",
            endpoint="compat",
            method="POST",
            path=f"{base}/compat/chat/completions",
            kind="reject",
            proves="/compat/chat/completions routes by the model's provider prefix and the provider accepts the "
            "credential (a made-up model was rejected before anything ran)",
            body={"model": probe_model, "messages": [{"role": "user", "content": "ping"}], "max_tokens": 1},
            headers=json_headers,
            credentials=gateway_auth + provider_auth,
            model=probe_model,
        )
    )
    if provider in _OPENAI_STYLE:
        specs.append(
            ProbeSpec(
                name=f"GET /{provider}/models",
                endpoint=provider,
                method="GET",
                path=f"{base}/{provider}/models",
                kind="list",
                proves=f"the provider path /{provider}/ is routed and {provider} accepts the credential",
                headers=extra,
                credentials=gateway_auth + provider_auth,
            )
        )
    if invoke != "none":  # the unified endpoint is one family: "one" and "each" send the same single request
        prefixed = [m if cf.split_compat_model(m) else f"{provider}/{m}" for m in models]
        model = next((m for m in prefixed if m.startswith(f"{provider}/")), None)
        model = model or f"{provider}/{CLOUDFLARE_DEFAULT_MODELS.get(provider, 'gpt-4o-mini')}"
        specs.append(
            ProbeSpec(
                name=f"invoke {model}",
                endpoint="compat",
                method="POST",
                path=f"{base}/compat/chat/completions",
                kind="invoke",
                proves=f"{model} answers through the gateway",
                body={"model": model, "messages": [{"role": "user", "content": "ping"}], "max_tokens": 1},
                headers=json_headers,
                credentials=gateway_auth + provider_auth,
                model=model,
            )
        )
    return specs
