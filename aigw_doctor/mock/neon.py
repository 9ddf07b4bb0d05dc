"""The Neon AI Gateway as its documents describe it, driven by the request.

Order of checks, as the gateway must do them: workspace from the Host header, then the credential (scope,
branch lineage), then the endpoint and the body (model, Gemini path), then the account quota, then the
upstream. So a zero-cost probe (unknown model) proves everything before the model check, and the quota and
upstream scenarios only show on requests that would reach a model; `GET /v1/models` never does.

Two message generations: `seed` (the troubleshooting page's texts, June 2026) and `current` (the October 2026
texts with the model id, the dialect name, the newer quota texts and the flat `ai gateway upstream …`
envelope). Status codes are the same in both.
"""

from __future__ import annotations

import itertools
from typing import Any, Literal

from aigw_doctor.gateways import neon
from aigw_doctor.mock import bodies
from aigw_doctor.mock.config import NeonConfig
from aigw_doctor.mock.http import INVALID_JSON, Request, Response, json_response

Messages = Literal["current", "seed"]

WORKSPACE = "could not resolve workspace from host"
INVALID_CREDENTIAL = "invalid or missing credential"
NO_SCOPE = "credential not authorized for ai gateway"
WRONG_BRANCH = "credential not authorized for this branch"
AUTH_UNAVAILABLE = "authorization temporarily unavailable"
MISSING_MODEL = "missing or invalid model"
VERIFIED_ACCOUNT = "model requires a verified account"
GEMINI_ACTION = "unsupported gemini action"
GEMINI_PATH = "invalid gemini model path"
THINKING = (
    '"thinking.type.enabled" is not supported for this model. '
    'Use "thinking.type.adaptive" and "output_config.effort" to control thinking.'
)
SUPPORT = "https://neon.com/docs/introduction/support"
QUOTA_SEED = "ai gateway quota exceeded"
QUOTA_TEMPORARY = (
    "ai gateway account token rate limit exceeded (200000 tokens per minute across all models in this "
    f"region). Retry after the current minute resets, or request a higher limit through Neon support: {SUPPORT}"
)
QUOTA_PERMANENT = "ai gateway account daily spend limit exceeded"
QUOTA_RETRY_AFTER = "30"
UPSTREAM_RETRY_AFTER = "7"

# Scenario → (status, Databricks-style error_code, current message). Neon keeps the upstream status and
# replaces the body (REFERENCE §1.8); the error_code values are [derived], the messages are documented.
UPSTREAM: dict[str, tuple[int, str, str]] = {
    "upstream-failure": (
        502,
        "INTERNAL_ERROR",
        "ai gateway upstream request failed. Contact Neon support if it persists",
    ),
    "upstream-timeout": (
        504,
        "DEADLINE_EXCEEDED",
        "ai gateway upstream model timed out. Retry, or reduce the input size",
    ),
    "upstream-over-capacity": (
        503,
        "TEMPORARILY_UNAVAILABLE",
        "ai gateway upstream model is temporarily over capacity. Retry later",
    ),
    "upstream-model-error": (
        500,
        "INTERNAL_ERROR",
        "ai gateway upstream model error. Retry later, or contact Neon support if it persists",
    ),
    "upstream-disabled": (
        503,
        "TEMPORARILY_UNAVAILABLE",
        "ai gateway upstream model endpoint is temporarily disabled. Contact Neon support",
    ),
}
UPSTREAM_RATE_LIMIT_SEED = "upstream rate limit exceeded"  # [derived]: the seed documents headers, not a body
UPSTREAM_RATE_LIMIT_CURRENT = (
    "RESOURCE_EXHAUSTED",
    "ai gateway upstream model is temporarily over capacity. Retry later",
)

EMBEDDING_VERSIONS = {"qwen3-embedding-0-6b": "qwen3-embedding-0-6b-112025", "gte-large-en": "gte-large-en-v1"}


def error(status: int, message: str, headers: list[tuple[str, str]] | None = None) -> Response:
    """The gateway's own errors: the OpenAI-style envelope with only `message` (REFERENCE §1.9)."""
    return json_response(status, {"error": {"message": message}}, headers)


def flat_error(status: int, code: str, message: str, headers: list[tuple[str, str]] | None = None) -> Response:
    """Quota blocks and rewritten upstream errors: the flat Databricks-style envelope."""
    return json_response(status, {"error_code": code, "message": message}, headers)


class NeonApp:
    name = "neon"
    max_body_bytes = neon.MAX_BODY_BYTES

    def __init__(
        self, config: NeonConfig, scenarios: frozenset[str] = frozenset(), messages: Messages = "current"
    ) -> None:
        self.config = config
        self.scenarios = scenarios
        self.messages: Messages = messages
        self._ids = itertools.count(1)

    @property
    def current(self) -> bool:
        return self.messages == "current"

    def handle(self, request: Request) -> Response:
        denied = self._resolve_workspace(request) or self._authorize(request)
        if denied is not None:
            return denied
        match = neon.match_endpoint(request.path)
        if match is None:
            return error(404, "not found")
        if request.method.upper() != match.endpoint.method and not (
            match.dialect == neon.MODELS and request.method.upper() == "HEAD"
        ):
            return error(405, "method not allowed", [("allow", match.endpoint.method)])
        if match.dialect == neon.MODELS:
            return self._models()
        return self._invoke(request, match)

    # ------------------------------------------------------------------ host and credential

    def _resolve_workspace(self, request: Request) -> Response | None:
        host = neon.parse_host(request.header("host") or "", self.config.trusted_suffix)
        if not host.trusted:
            return error(403, WORKSPACE)
        if host.region is None:
            return error(400, WORKSPACE)
        if host.region not in self.config.regions:
            return error(404, WORKSPACE)
        return None

    def _authorize(self, request: Request) -> Response | None:
        if "auth-unavailable" in self.scenarios:
            return error(503, AUTH_UNAVAILABLE)
        header = request.header("authorization") or ""
        scheme, _, token = header.partition(" ")
        credential = self.config.credential(token.strip()) if scheme.lower() == "bearer" else None
        if credential is None or credential.revoked:
            return error(401, INVALID_CREDENTIAL)
        if neon.REQUIRED_SCOPE not in credential.scopes:
            return error(403, NO_SCOPE)
        branch = neon.parse_host(request.header("host") or "", self.config.trusted_suffix).branch_id
        if branch is None or not self.config.is_ancestor_or_self(credential.branch, branch):
            return error(403, WRONG_BRANCH)
        return None

    # ------------------------------------------------------------------ endpoints

    def _models(self) -> Response:
        disabled = set(self.config.disabled_models)
        data = [
            {
                "id": info.id,
                "canonical_slug": info.id,
                "name": info.id,
                "object": "model",
                "owned_by": info.provider,
                "created": 0,
                "enabled": info.id not in disabled,
                "context_length": None,
                "architecture": {
                    "modality": "text->embedding" if info.kind == "embedding" else "text->text",
                    "input_modalities": ["text"],
                    "output_modalities": ["embedding" if info.kind == "embedding" else "text"],
                    "tokenizer": info.provider,
                    "instruct_type": None,
                },
                "top_provider": {"is_moderated": False, "context_length": None, "max_completion_tokens": None},
                "pricing": None,
                "per_request_limits": None,
            }
            for info in neon.MODEL_CATALOG
        ]
        return json_response(200, {"object": "list", "data": data}, bodies.openai_ratelimit_headers())

    def _invoke(self, request: Request, match: neon.EndpointMatch) -> Response:
        dialect = match.dialect
        payload = request.json()
        body: dict[str, Any] = payload if isinstance(payload, dict) else {}
        stream = False
        if dialect == neon.GEMINI:
            parsed = neon.parse_gemini_segment(match.model_action or "")
            if parsed is None:
                return error(404, GEMINI_PATH)
            model, action = parsed
            allowed = neon.GEMINI_ACTIONS_CURRENT if self.current else neon.GEMINI_ACTIONS_SEED
            if action not in allowed:
                return error(404, GEMINI_ACTION)
            stream = action == "streamGenerateContent"
        else:
            model_value = body.get("model")
            if payload is INVALID_JSON or not isinstance(model_value, str) or not model_value.strip():
                return error(400, MISSING_MODEL)
            model = model_value
        info = neon.lookup_model(model)
        if info is None:
            return error(400, f'unknown model "{model}"' if self.current else "unknown model")
        if dialect not in info.dialects:
            text = (
                f'model "{model}" is not available on the {dialect} endpoint'
                if self.current
                else "model is not available on this endpoint"
            )
            return error(400, text)
        if info.id in self.config.disabled_models:
            return error(403, VERIFIED_ACCOUNT)
        invalid = self._validate(dialect, info, body)
        if invalid is not None:
            return invalid
        blocked = self._quota_and_upstream(dialect)
        if blocked is not None:
            return blocked
        return self._success(dialect, model, info, body, stream)

    def _validate(self, dialect: neon.Dialect, info: neon.ModelInfo, body: dict[str, Any]) -> Response | None:
        """Request checks past the model; exact texts are [derived] where the docs give none."""
        if dialect == neon.EMBEDDINGS:
            if body.get("stream") is True:
                return error(400, "stream is not supported on the embeddings endpoint")
            inputs = body.get("input")
            if isinstance(inputs, list) and len(inputs) > neon.EMBEDDING_MAX_INPUTS:
                return error(400, f"too many inputs: at most {neon.EMBEDDING_MAX_INPUTS} per request")
            if not (isinstance(inputs, str) or (isinstance(inputs, list) and inputs)):
                return error(400, "missing or invalid input")
        thinking = body.get("thinking")
        if (
            dialect in (neon.MESSAGES, neon.CHAT)
            and info.id in neon.ADAPTIVE_THINKING_ONLY
            and isinstance(thinking, dict)
            and thinking.get("type") == "enabled"
        ):
            if self.current:
                return flat_error(
                    400, "INVALID_PARAMETER_VALUE", f"ai gateway upstream model rejected the request: {THINKING}"
                )
            return json_response(
                400,
                {"type": "error", "error": {"type": "invalid_request_error", "message": THINKING}},
            )
        return None

    def _quota_and_upstream(self, dialect: neon.Dialect) -> Response | None:
        s = self.scenarios
        if "quota-temporary" in s:
            text = QUOTA_TEMPORARY if self.current else QUOTA_SEED
            return flat_error(429, "REQUEST_LIMIT_EXCEEDED", text, [("retry-after", QUOTA_RETRY_AFTER)])
        if "quota-permanent" in s:
            return flat_error(429, "REQUEST_LIMIT_EXCEEDED", QUOTA_PERMANENT if self.current else QUOTA_SEED)
        if "upstream-rate-limit" in s:
            headers = [("retry-after", UPSTREAM_RETRY_AFTER)]
            headers += (
                bodies.anthropic_ratelimit_headers(remaining=False, reset_in=7)
                if dialect == neon.MESSAGES
                else bodies.openai_ratelimit_headers(remaining_requests=0, remaining_tokens=0)
            )
            if self.current:
                return flat_error(429, *UPSTREAM_RATE_LIMIT_CURRENT, headers)
            return error(429, UPSTREAM_RATE_LIMIT_SEED, headers)
        for name, (status, code, text) in UPSTREAM.items():
            if name in s:
                headers = [("retry-after", "5")] if name == "upstream-over-capacity" else []
                if self.current:
                    return flat_error(status, code, text, headers)
                return error(502, "upstream request failed")
        return None

    def _success(
        self, dialect: neon.Dialect, model: str, info: neon.ModelInfo, body: dict[str, Any], stream: bool
    ) -> Response:
        ident = f"mock{next(self._ids):06d}"
        if dialect == neon.CHAT:
            response = bodies.chat_completion(model, body, f"chatcmpl-{ident}")
        elif dialect == neon.RESPONSES:
            response = bodies.openai_response(model, body, ident)
        elif dialect == neon.MESSAGES:
            response = bodies.anthropic_message(model, body, ident)
            response.headers += bodies.anthropic_ratelimit_headers()
            return response
        elif dialect == neon.GEMINI:
            return bodies.gemini_content(model, body, stream)
        else:
            raw = body.get("input")
            inputs = [raw] if isinstance(raw, str) else [str(x) for x in raw] if isinstance(raw, list) else []
            normalized = info.id != "gte-large-en"
            dims = body.get("dimensions")
            size = (
                dims
                if normalized and isinstance(dims, int) and 0 < dims <= neon.EMBEDDING_DIMENSIONS
                else neon.EMBEDDING_DIMENSIONS
            )
            response = bodies.embeddings(model, inputs, size, normalized, EMBEDDING_VERSIONS.get(info.id, info.id))
        response.headers += bodies.openai_ratelimit_headers()
        return response
