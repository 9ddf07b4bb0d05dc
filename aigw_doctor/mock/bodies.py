"""Plausible bodies and headers for each API dialect: successes, streams, and providers' error envelopes.

Shapes follow REFERENCE.md §1.5 (Neon) and Part 3 (providers). Content is fixed and deterministic so tests can
compare whole bodies.
"""

from __future__ import annotations

import hashlib
import math
from datetime import datetime, timedelta, timezone
from typing import Any

from aigw_doctor.mock.http import Response, json_response, sse_response

CREATED = 1767225600  # 2026-01-01T00:00:00Z: fixed, so bodies are stable across runs
REPLY = "Hello from the aigw-doctor mock gateway."
PROMPT_TOKENS = 8


def reply_words(limit: Any) -> tuple[str, str]:
    """The reply cut to `limit` tokens (one word each), and whether it was cut."""
    words = REPLY.split()
    if isinstance(limit, int) and not isinstance(limit, bool) and 0 < limit < len(words):
        return " ".join(words[:limit]), "length"
    return REPLY, "stop"


def _tokens(text: str) -> int:
    return len(text.split())


# --------------------------------------------------------------------------- rate-limit headers


def openai_ratelimit_headers(remaining_requests: int = 999, remaining_tokens: int = 199_950) -> list[tuple[str, str]]:
    reset = "0s" if remaining_requests else "7s"
    return [
        ("x-ratelimit-limit-requests", "1000"),
        ("x-ratelimit-remaining-requests", str(remaining_requests)),
        ("x-ratelimit-reset-requests", "60ms" if remaining_requests else reset),
        ("x-ratelimit-limit-tokens", "200000"),
        ("x-ratelimit-remaining-tokens", str(remaining_tokens)),
        ("x-ratelimit-reset-tokens", "15ms" if remaining_tokens else reset),
    ]


def anthropic_ratelimit_headers(remaining: bool = True, reset_in: int = 60) -> list[tuple[str, str]]:
    reset = (datetime.now(timezone.utc) + timedelta(seconds=reset_in)).strftime("%Y-%m-%dT%H:%M:%SZ")
    headers: list[tuple[str, str]] = []
    for kind, limit in (
        ("requests", 1000),
        ("tokens", 200_000),
        ("input-tokens", 160_000),
        ("output-tokens", 40_000),
    ):
        left = (limit - 1 if kind == "requests" else limit - 1000) if remaining else 0
        headers += [
            (f"anthropic-ratelimit-{kind}-limit", str(limit)),
            (f"anthropic-ratelimit-{kind}-remaining", str(left)),
            (f"anthropic-ratelimit-{kind}-reset", reset),
        ]
    return headers


# --------------------------------------------------------------------------- successes


def chat_completion(model: str, body: dict[str, Any], ident: str) -> Response:
    text, finish = reply_words(body.get("max_completion_tokens", body.get("max_tokens")))
    if body.get("stream") is True:
        base = {"id": ident, "object": "chat.completion.chunk", "created": CREATED, "model": model}
        events: list[tuple[str | None, Any]] = [
            (None, {**base, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}}]})
        ]
        events += [
            (None, {**base, "choices": [{"index": 0, "delta": {"content": word + " "}}]}) for word in text.split()
        ]
        events.append((None, {**base, "choices": [{"index": 0, "delta": {}, "finish_reason": finish}]}))
        events.append((None, "[DONE]"))
        return sse_response(events)
    out = _tokens(text)
    return json_response(
        200,
        {
            "id": ident,
            "object": "chat.completion",
            "created": CREATED,
            "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": finish}],
            "usage": {
                "prompt_tokens": PROMPT_TOKENS,
                "completion_tokens": out,
                "total_tokens": PROMPT_TOKENS + out,
            },
        },
    )


def openai_response(model: str, body: dict[str, Any], ident: str) -> Response:
    text, finish = reply_words(body.get("max_output_tokens"))
    out = _tokens(text)
    message = {
        "type": "message",
        "id": f"msg_{ident}",
        "status": "completed",
        "role": "assistant",
        "content": [{"type": "output_text", "text": text, "annotations": []}],
    }
    payload = {
        "id": f"resp_{ident}",
        "object": "response",
        "created_at": CREATED,
        "status": "completed" if finish == "stop" else "incomplete",
        "model": model,
        "output": [message],
        "usage": {"input_tokens": PROMPT_TOKENS, "output_tokens": out, "total_tokens": PROMPT_TOKENS + out},
    }
    if finish != "stop":
        payload["incomplete_details"] = {"reason": "max_output_tokens"}
    if body.get("stream") is True:
        return sse_response(
            [
                (
                    "response.created",
                    {"type": "response.created", "response": {**payload, "status": "in_progress"}},
                ),
                ("response.output_text.delta", {"type": "response.output_text.delta", "delta": text}),
                ("response.completed", {"type": "response.completed", "response": payload}),
            ]
        )
    return json_response(200, payload)


def anthropic_message(model: str, body: dict[str, Any], ident: str) -> Response:
    text, finish = reply_words(body.get("max_tokens"))
    stop = "end_turn" if finish == "stop" else "max_tokens"
    usage = {"input_tokens": PROMPT_TOKENS, "output_tokens": _tokens(text)}
    message = {
        "id": f"msg_{ident}",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [{"type": "text", "text": text}],
        "stop_reason": stop,
        "stop_sequence": None,
        "usage": usage,
    }
    if body.get("stream") is True:
        start = {**message, "content": [], "stop_reason": None}
        return sse_response(
            [
                ("message_start", {"type": "message_start", "message": start}),
                ("content_block_start", {"type": "content_block_start", "index": 0,
                                         "content_block": {"type": "text", "text": ""}}),
                ("content_block_delta", {"type": "content_block_delta", "index": 0,
                                         "delta": {"type": "text_delta", "text": text}}),
                ("content_block_stop", {"type": "content_block_stop", "index": 0}),
                ("message_delta", {"type": "message_delta",
                                   "delta": {"stop_reason": stop, "stop_sequence": None},
                                   "usage": {"output_tokens": usage["output_tokens"]}}),
                ("message_stop", {"type": "message_stop"}),
            ]
        )  # fmt: skip
    return json_response(200, message)


def gemini_content(model: str, body: dict[str, Any], stream: bool) -> Response:
    config = body.get("generationConfig")
    limit = config.get("maxOutputTokens") if isinstance(config, dict) else None
    text, finish = reply_words(limit)
    out = _tokens(text)
    payload = {
        "candidates": [
            {
                "content": {"role": "model", "parts": [{"text": text}]},
                "finishReason": "STOP" if finish == "stop" else "MAX_TOKENS",
                "index": 0,
            }
        ],
        "usageMetadata": {
            "promptTokenCount": PROMPT_TOKENS,
            "candidatesTokenCount": out,
            "totalTokenCount": PROMPT_TOKENS + out,
        },
        "modelVersion": model,
    }
    if stream:
        return sse_response([(None, payload)])
    return json_response(200, payload)


def embedding_vector(text: str, dimensions: int, normalized: bool) -> list[float]:
    """A deterministic pseudo-random vector: unit length, or L2 norm about 24 as gte-large-en returns."""
    seed = hashlib.sha256(text.encode()).digest()
    values = [((seed[i % 32] ^ (i * 37 % 251)) / 255.0) - 0.5 for i in range(dimensions)]
    norm = math.sqrt(sum(v * v for v in values)) or 1.0
    scale = 1.0 if normalized else 24.0
    return [round(v / norm * scale, 6) for v in values]


def embeddings(model: str, inputs: list[str], dimensions: int, normalized: bool, versioned: str) -> Response:
    tokens = sum(max(1, len(text.split())) for text in inputs)
    return json_response(
        200,
        {
            "object": "list",
            "data": [
                {
                    "object": "embedding",
                    "index": i,
                    "embedding": embedding_vector(text, dimensions, normalized),
                }
                for i, text in enumerate(inputs)
            ],
            "model": versioned,
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
        },
    )


def workers_ai_result() -> Response:
    return json_response(200, {"result": {"response": REPLY}, "success": True, "errors": [], "messages": []})


# --------------------------------------------------------------------------- provider error envelopes


def openai_error(status: int, message: str, type_: str, code: str | None = None, param: str | None = None) -> Response:
    return json_response(status, {"error": {"message": message, "type": type_, "param": param, "code": code}})


def anthropic_error(status: int, type_: str, message: str, request_id: str) -> Response:
    return json_response(
        status,
        {"type": "error", "error": {"type": type_, "message": message}, "request_id": request_id},
        [("request-id", request_id)],
    )


def google_error(status: int, canonical: str, message: str, reason: str | None = None) -> Response:
    error: dict[str, Any] = {"code": status, "message": message, "status": canonical}
    if reason:
        error["details"] = [
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": reason,
                "domain": "googleapis.com",
                "metadata": {"service": "generativelanguage.googleapis.com"},
            }
        ]
    return json_response(status, {"error": error})
