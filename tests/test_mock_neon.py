"""The Neon emulator over real loopback HTTP: every documented error, then the engine's diagnosis of it.

Also: success bodies, both path and message generations, transport faults, TLS, the CLI.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from aigw_doctor.cli import app
from aigw_doctor.gateways import neon
from aigw_doctor.mock import Emulator
from aigw_doctor.mock.config import DEV_BRANCH, MAIN_BRANCH, STAGING_BRANCH
from aigw_doctor.ruleset.catalog import Catalog, load_catalog
from tests.transcript import explained_rule

Start = Callable[..., Emulator]
MAIN_HOST = "br-winter-pond-aptw82ef-api.ai.c-2.us-east-2.aws.neon.tech"


@lru_cache(maxsize=1)
def catalog() -> Catalog:
    return load_catalog()


def call(
    emu: Emulator,
    path: str,
    body: Any = None,
    *,
    token: str | None = "full",
    host: str | None = None,
    method: str = "POST",
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    sent = {"Host": host or emu.demo_host, **(headers or {})}
    if token is not None:
        sent["Authorization"] = f"Bearer {emu.demo_tokens.get(token, token)}"
    content = body if isinstance(body, (bytes, str)) else None
    return httpx.request(
        method, emu.url(path), headers=sent, json=None if content is not None else body, content=content, timeout=10
    )


def top_rule(response: httpx.Response) -> str:
    """What `aigw-doctor explain -` diagnoses when the exchange is pasted as a `curl -sv` transcript."""
    return explained_rule(response)


def error_body(message: str) -> dict[str, Any]:
    return {"error": {"message": message}}


CHAT = {"model": "gpt-5-mini", "messages": [{"role": "user", "content": "ping"}], "max_tokens": 16}


# --------------------------------------------------------------------------- workspace resolution


@pytest.mark.parametrize(
    ("host", "status", "rule"),
    [
        ("br-winter-pond-aptw82ef-api.ai.c-2.us-east-2.aws.example.com", 403, "neon.workspace.untrusted-host"),
        ("br-winter-pond-aptw82ef-api.ai.c-2.aws.neon.tech", 400, "neon.workspace.no-region"),
        ("br-winter-pond-aptw82ef-api.ai.c-2.us-west-2.aws.neon.tech", 404, "neon.workspace.region-without-workspace"),
    ],
)
def test_workspace_resolution(start_emulator: Start, host: str, status: int, rule: str) -> None:
    emu = start_emulator("neon")
    response = call(emu, "/v1/chat/completions", CHAT, host=host)
    assert response.status_code == status
    assert response.json() == error_body("could not resolve workspace from host")
    assert response.headers["content-type"] == "application/json"
    assert top_rule(response) == rule


def test_host_with_port_and_legacy_shape_resolve(start_emulator: Start) -> None:
    emu = start_emulator("neon")
    for host in (f"{MAIN_HOST}:443", "br-winter-pond-aptw82ef-api.c2.us-east-2.aws.neon.tech",
                 "br-winter-pond-aptw82ef-api.ai.eu-central-1.aws.neon.tech"):  # fmt: skip
        assert call(emu, "/v1/chat/completions", CHAT, host=host).status_code == 200, host


def test_trusted_suffix_is_configurable(start_emulator: Start) -> None:
    emu = start_emulator("neon", trusted_suffix="neon.test")
    assert emu.demo_host.endswith(".aws.neon.test")
    assert call(emu, "/v1/chat/completions", CHAT).status_code == 200
    assert call(emu, "/v1/chat/completions", CHAT, host=MAIN_HOST).status_code == 403


# --------------------------------------------------------------------------- credentials


@pytest.mark.parametrize(
    ("token", "headers", "status", "message", "rule"),
    [
        (None, {}, 401, "invalid or missing credential", "neon.credential.invalid"),
        ("nt_live_not_a_real_credential_000000", {}, 401, "invalid or missing credential", "neon.credential.invalid"),
        ("revoked", {}, 401, "invalid or missing credential", "neon.credential.invalid"),
        (None, {"Authorization": "Token nt_live_aigwdemo_fullscope_7f3c9a1e5b2d4f60"}, 401,
         "invalid or missing credential", "neon.credential.invalid"),
        ("no-scope", {}, 403, "credential not authorized for ai gateway", "neon.credential.missing-scope"),
        ("other-branch", {}, 403, "credential not authorized for this branch", "neon.credential.wrong-branch"),
    ],
)  # fmt: skip
def test_credential_errors(
    start_emulator: Start, token: str | None, headers: dict[str, str], status: int, message: str, rule: str
) -> None:
    emu = start_emulator("neon")
    response = call(emu, "/v1/chat/completions", CHAT, token=token, headers=headers)
    assert response.status_code == status
    assert response.json() == error_body(message)
    assert top_rule(response) == rule


def test_branch_lineage(start_emulator: Start) -> None:
    emu = start_emulator("neon")
    config = emu.config.neon
    dev, staging, main = (config.host_for(b) for b in (DEV_BRANCH, STAGING_BRANCH, MAIN_BRANCH))
    # a credential from the parent branch works on every child
    assert call(emu, "/v1/models", token="full", host=dev, method="GET").status_code == 200
    assert call(emu, "/v1/models", token="full", host=staging, method="GET").status_code == 200
    # a credential from a child does not work on its parent or on a sibling
    assert call(emu, "/v1/models", token="other-branch", host=staging, method="GET").status_code == 200
    assert call(emu, "/v1/models", token="other-branch", host=main, method="GET").status_code == 403
    assert call(emu, "/v1/models", token="other-branch", host=dev, method="GET").status_code == 403


def test_auth_unavailable(start_emulator: Start) -> None:
    emu = start_emulator("neon", scenarios=["auth-unavailable"])
    response = call(emu, "/v1/models", method="GET")
    assert response.status_code == 503
    assert response.json() == error_body("authorization temporarily unavailable")
    assert top_rule(response) == "neon.auth.unavailable"


def test_config_file_drives_credentials_and_branches(start_emulator: Start, tmp_path: Path) -> None:
    config = tmp_path / "mock.yaml"
    config.write_text(
        "neon:\n"
        "  branches:\n"
        "    - {id: br-root-aaaa1111, name: main}\n"
        "    - {id: br-child-bbbb2222, parent: br-root-aaaa1111}\n"
        "    - {id: br-grandchild-cccc3333, parent: br-child-bbbb2222}\n"
        "  default_branch: br-root-aaaa1111\n"
        "  credentials:\n"
        "    - {token: nt_live_custom_token_for_tests_0001, branch: br-child-bbbb2222}\n"
        "  disabled_models: []\n"
    )
    emu = start_emulator("neon", config=config)
    grandchild = emu.config.neon.host_for("br-grandchild-cccc3333")
    token = "nt_live_custom_token_for_tests_0001"
    assert call(emu, "/openai/v1/responses", {"model": "gpt-5-5-pro"}, token=token, host=grandchild).status_code == 200
    assert call(emu, "/v1/models", token=token, method="GET").status_code == 403  # root is above the anchor


def test_bad_config_is_a_clean_error(tmp_path: Path) -> None:
    config = tmp_path / "mock.yaml"
    config.write_text("neon:\n  credentials:\n    - {token: x, branch: br-nowhere-0000}\n")
    from aigw_doctor.mock import ConfigError

    with pytest.raises(ConfigError, match="unknown branch"):
        Emulator("neon", config=config)
    result = CliRunner().invoke(app, ["mock", "neon", "--config", str(config)])
    assert result.exit_code == 2
    assert "unknown branch" in result.output


# --------------------------------------------------------------------------- models and endpoints


@pytest.mark.parametrize(
    ("messages", "path", "body", "status", "message", "rule"),
    [
        ("current", "/v1/chat/completions", {"messages": []}, 400, "missing or invalid model", "neon.model.missing"),
        ("current", "/v1/chat/completions", {"model": 5}, 400, "missing or invalid model", "neon.model.missing"),
        ("current", "/v1/chat/completions", "not json", 400, "missing or invalid model", "neon.model.missing"),
        ("current", "/v1/chat/completions", {"model": "gpt-9"}, 400, 'unknown model "gpt-9"', "neon.model.unknown"),
        ("seed", "/v1/chat/completions", {"model": "gpt-9"}, 400, "unknown model", "neon.model.unknown"),
        ("current", "/openai/v1/responses", {"model": "claude-sonnet-4-6"}, 400,
         'model "claude-sonnet-4-6" is not available on the openai_responses endpoint', "neon.model.wrong-endpoint"),
        ("current", "/mlflow/v1/chat/completions", {"model": "gpt-5-3-codex"}, 400,
         'model "gpt-5-3-codex" is not available on the chat_completions endpoint', "neon.model.wrong-endpoint"),
        ("current", "/anthropic/v1/messages", {"model": "gemini-3-flash", "max_tokens": 8}, 400,
         'model "gemini-3-flash" is not available on the anthropic_messages endpoint', "neon.model.wrong-endpoint"),
        ("seed", "/ai-gateway/openai/v1/responses", {"model": "databricks-claude-sonnet-4-6"}, 400,
         "model is not available on this endpoint", "neon.model.wrong-endpoint"),
        ("current", "/v1/embeddings", {"model": "gpt-5-mini", "input": "x"}, 400,
         'model "gpt-5-mini" is not available on the embeddings endpoint', "neon.model.embedding-endpoint"),
        ("current", "/v1/chat/completions", {"model": "qwen3-embedding-0-6b", "messages": []}, 400,
         'model "qwen3-embedding-0-6b" is not available on the chat_completions endpoint',
         "neon.model.embedding-endpoint"),
        ("current", "/openai/v1/responses", {"model": "gpt-5-5-pro"}, 403, "model requires a verified account",
         "neon.model.verified-account-required"),
    ],
)  # fmt: skip
def test_model_errors(
    start_emulator: Start, messages: str, path: str, body: Any, status: int, message: str, rule: str
) -> None:
    emu = start_emulator("neon", messages=messages)
    response = call(emu, path, body)
    assert response.status_code == status
    assert response.json() == error_body(message)
    assert top_rule(response) == rule


@pytest.mark.parametrize(
    ("messages", "segment", "message", "rule"),
    [
        ("current", "gemini-3-flash:countTokens", "unsupported gemini action", "neon.gemini.unsupported-action"),
        ("seed", "gemini-3-flash:streamGenerateContent", "unsupported gemini action",
         "neon.gemini.unsupported-action"),
        ("current", "gemini-3-flash", "invalid gemini model path", "neon.gemini.invalid-model-path"),
        ("current", "gemini-3-flash:generateContent:x", "invalid gemini model path", "neon.gemini.invalid-model-path"),
        ("current", ":generateContent", "invalid gemini model path", "neon.gemini.invalid-model-path"),
        ("current", "gemini-3-flash:", "invalid gemini model path", "neon.gemini.invalid-model-path"),
    ],
)  # fmt: skip
def test_gemini_path_errors(start_emulator: Start, messages: str, segment: str, message: str, rule: str) -> None:
    emu = start_emulator("neon", messages=messages)
    response = call(emu, f"/gemini/v1beta/models/{segment}", {"contents": []})
    assert response.status_code == 404
    assert response.json() == error_body(message)
    assert top_rule(response) == rule


def test_embeddings_request_checks(start_emulator: Start) -> None:
    emu = start_emulator("neon")
    stream = call(emu, "/v1/embeddings", {"model": "gte-large-en", "input": "x", "stream": True})
    assert (stream.status_code, stream.json()) == (
        400,
        error_body("stream is not supported on the embeddings endpoint"),
    )
    many = call(emu, "/v1/embeddings", {"model": "gte-large-en", "input": ["x"] * 151})
    assert (many.status_code, many.json()) == (400, error_body("too many inputs: at most 150 per request"))


def test_thinking_enabled_rejected_on_newer_claude(start_emulator: Start) -> None:
    body = {"model": "claude-opus-5", "max_tokens": 8, "thinking": {"type": "enabled", "budget_tokens": 1024}}
    current = call(start_emulator("neon"), "/anthropic/v1/messages", body)
    assert current.status_code == 400
    assert current.json() == {
        "error_code": "INVALID_PARAMETER_VALUE",
        "message": 'ai gateway upstream model rejected the request: "thinking.type.enabled" is not supported for '
        'this model. Use "thinking.type.adaptive" and "output_config.effort" to control thinking.',
    }
    assert top_rule(current) == "neon.request.thinking-enabled-unsupported"
    adaptive = {**body, "thinking": {"type": "adaptive"}}
    assert call(start_emulator("neon"), "/anthropic/v1/messages", adaptive).status_code == 200


def test_unknown_path_and_method(start_emulator: Start) -> None:
    emu = start_emulator("neon")
    assert call(emu, "/openai/v1/models", method="GET").status_code == 404  # the list exists only on /v1
    wrong = call(emu, "/v1/chat/completions", method="GET")
    assert (wrong.status_code, wrong.headers["allow"]) == (405, "POST")


def test_body_over_32_mib_is_refused_before_reading(start_emulator: Start) -> None:
    emu = start_emulator("neon")
    with socket.create_connection(("127.0.0.1", emu.port), timeout=5) as sock:
        sock.sendall(
            f"POST /v1/chat/completions HTTP/1.1\r\nHost: {emu.demo_host}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {40 * 1024 * 1024}\r\n\r\n".encode()
        )
        reply = sock.recv(4096).decode()
    assert reply.startswith("HTTP/1.1 413 ")


# --------------------------------------------------------------------------- quota and upstream scenarios


@pytest.mark.parametrize(
    ("scenario", "messages", "status", "body", "retry_after", "rule"),
    [
        ("quota-temporary", "seed", 429, {"error_code": "REQUEST_LIMIT_EXCEEDED", "message": "ai gateway quota exceeded"},
         "30", "neon.quota.temporary"),
        ("quota-temporary", "current", 429, {"error_code": "REQUEST_LIMIT_EXCEEDED", "message": (
            "ai gateway account token rate limit exceeded (200000 tokens per minute across all models in this region). "
            "Retry after the current minute resets, or request a higher limit through Neon support: "
            "https://neon.com/docs/introduction/support")}, "30", "neon.quota.token-rate"),
        ("quota-permanent", "seed", 429, {"error_code": "REQUEST_LIMIT_EXCEEDED", "message": "ai gateway quota exceeded"},
         None, "neon.quota.permanent"),
        ("quota-permanent", "current", 429,
         {"error_code": "REQUEST_LIMIT_EXCEEDED", "message": "ai gateway account daily spend limit exceeded"},
         None, "neon.quota.permanent"),
        ("upstream-failure", "seed", 502, error_body("upstream request failed"), None, "neon.upstream.request-failed"),
        ("upstream-failure", "current", 502, {"error_code": "INTERNAL_ERROR", "message":
         "ai gateway upstream request failed. Contact Neon support if it persists"}, None,
         "neon.upstream.request-failed"),
        ("upstream-timeout", "current", 504, {"error_code": "DEADLINE_EXCEEDED", "message":
         "ai gateway upstream model timed out. Retry, or reduce the input size"}, None, "neon.upstream.timeout"),
        ("upstream-over-capacity", "current", 503, {"error_code": "TEMPORARILY_UNAVAILABLE", "message":
         "ai gateway upstream model is temporarily over capacity. Retry later"}, "5", "neon.upstream.over-capacity"),
        ("upstream-model-error", "current", 500, {"error_code": "INTERNAL_ERROR", "message":
         "ai gateway upstream model error. Retry later, or contact Neon support if it persists"}, None,
         "neon.upstream.internal-error"),
        ("upstream-disabled", "current", 503, {"error_code": "TEMPORARILY_UNAVAILABLE", "message":
         "ai gateway upstream model endpoint is temporarily disabled. Contact Neon support"}, None,
         "neon.upstream.endpoint-disabled"),
    ],
)  # fmt: skip
def test_quota_and_upstream_scenarios(
    start_emulator: Start,
    scenario: str,
    messages: str,
    status: int,
    body: dict[str, Any],
    retry_after: str | None,
    rule: str,
) -> None:
    emu = start_emulator("neon", scenarios=[scenario], messages=messages)
    response = call(emu, "/v1/chat/completions", CHAT)
    assert response.status_code == status
    assert response.json() == body
    assert response.headers.get("retry-after") == retry_after
    assert top_rule(response) == rule
    # zero-cost requests are judged before the quota and the upstream
    assert call(emu, "/v1/chat/completions", {"model": "no-such-model"}).status_code == 400
    assert call(emu, "/v1/models", method="GET").status_code == 200


@pytest.mark.parametrize("messages", ["seed", "current"])
def test_upstream_rate_limit_headers(start_emulator: Start, messages: str) -> None:
    emu = start_emulator("neon", scenarios=["upstream-rate-limit"], messages=messages)
    openai_style = call(emu, "/v1/chat/completions", CHAT)
    assert openai_style.status_code == 429
    assert openai_style.headers["retry-after"] == "7"
    assert openai_style.headers["x-ratelimit-remaining-requests"] == "0"
    assert openai_style.headers["x-ratelimit-remaining-tokens"] == "0"
    assert openai_style.headers["x-ratelimit-limit-tokens"] == "200000"
    anthropic_style = call(emu, "/anthropic/v1/messages", {"model": "claude-haiku-4-5", "max_tokens": 8})
    assert anthropic_style.status_code == 429
    assert anthropic_style.headers["anthropic-ratelimit-requests-remaining"] == "0"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", anthropic_style.headers["anthropic-ratelimit-tokens-reset"])
    if messages == "seed":
        assert openai_style.json() == error_body("upstream rate limit exceeded")
    else:
        assert openai_style.json() == {
            "error_code": "RESOURCE_EXHAUSTED",
            "message": "ai gateway upstream model is temporarily over capacity. Retry later",
        }
    # The current gateway rewrites the upstream 429 into its own "over capacity" text, which outranks the
    # header-only upstream rate-limit rule; both say: transient, back off, honour Retry-After.
    expected = "neon.rate-limit.upstream" if messages == "seed" else "neon.upstream.over-capacity"
    assert top_rule(openai_style) == expected
    assert top_rule(anthropic_style) == expected


# --------------------------------------------------------------------------- successes


@pytest.mark.parametrize(
    ("path", "body", "check"),
    [
        ("/v1/chat/completions", CHAT, lambda j: j["choices"][0]["message"]["content"]),
        ("/ai-gateway/mlflow/v1/chat/completions", {**CHAT, "model": "databricks-claude-sonnet-4-6"},
         lambda j: j["object"] == "chat.completion"),
        ("/mlflow/v1/chat/completions", {**CHAT, "model": "gemma-3-12b"}, lambda j: j["model"] == "gemma-3-12b"),
        ("/openai/v1/responses", {"model": "gpt-5-3-codex", "input": "ping"},
         lambda j: j["output"][0]["content"][0]["type"] == "output_text"),
        ("/ai-gateway/openai/v1/responses", {"model": "gpt-5-mini", "input": "ping", "max_output_tokens": 1},
         lambda j: j["status"] == "incomplete" and j["usage"]["output_tokens"] == 1),
        ("/anthropic/v1/messages", {"model": "claude-sonnet-4-6", "max_tokens": 2},
         lambda j: j["type"] == "message" and j["stop_reason"] == "max_tokens"),
        ("/ai-gateway/anthropic/v1/messages", {"model": "claude-haiku-4-5", "max_tokens": 64},
         lambda j: j["content"][0]["text"].startswith("Hello")),
        ("/gemini/v1beta/models/gemini-3-flash:generateContent", {"contents": []},
         lambda j: j["candidates"][0]["finishReason"] == "STOP"),
        ("/ai-gateway/gemini/v1beta/models/gemini-2-5-flash:generateContent", {"contents": []},
         lambda j: j["modelVersion"] == "gemini-2-5-flash"),
        ("/v1/gemini/v1beta/models/gemini-2-5-pro%3AgenerateContent", {"contents": []},
         lambda j: "candidates" in j),
        ("/v1/embeddings", {"model": "qwen3-embedding-0-6b", "input": ["a", "b"], "dimensions": 256},
         lambda j: len(j["data"]) == 2 and len(j["data"][0]["embedding"]) == 256
         and j["model"] == "qwen3-embedding-0-6b-112025"),
        ("/ai-gateway/mlflow/v1/embeddings", {"model": "gte-large-en", "input": "a", "dimensions": 256},
         lambda j: len(j["data"][0]["embedding"]) == 1024
         and 23 < sum(v * v for v in j["data"][0]["embedding"]) ** 0.5 < 25),
    ],
)  # fmt: skip
def test_success_bodies(start_emulator: Start, path: str, body: dict[str, Any], check: Callable[[Any], Any]) -> None:
    emu = start_emulator("neon")
    response = call(emu, path, body)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert check(response.json())
    if "/anthropic/" in path:
        assert response.headers["anthropic-ratelimit-requests-limit"] == "1000"
    elif "gemini" not in path:
        assert response.headers["x-ratelimit-limit-requests"] == "1000"


def test_models_listing(start_emulator: Start) -> None:
    emu = start_emulator("neon")
    response = call(emu, "/v1/models", method="GET")
    assert response.status_code == 200
    data = response.json()
    assert data["object"] == "list"
    entries = {entry["id"]: entry for entry in data["data"]}
    assert set(entries) == {m.id for m in neon.MODEL_CATALOG}
    assert entries["gpt-5-5-pro"]["enabled"] is False
    assert entries["claude-sonnet-4-6"]["enabled"] is True
    assert set(entries["gpt-5-mini"]) >= {"id", "canonical_slug", "name", "object", "owned_by", "created",
                                          "enabled", "context_length", "architecture", "top_provider", "pricing",
                                          "per_request_limits"}  # fmt: skip


def test_streaming(start_emulator: Start) -> None:
    emu = start_emulator("neon")
    chat = call(emu, "/v1/chat/completions", {**CHAT, "stream": True})
    assert chat.headers["content-type"] == "text/event-stream"
    assert chat.text.rstrip().endswith("data: [DONE]")
    messages = call(emu, "/anthropic/v1/messages", {"model": "claude-haiku-4-5", "max_tokens": 8, "stream": True})
    assert "event: message_stop" in messages.text
    gemini = call(emu, "/gemini/v1beta/models/gemini-3-flash:streamGenerateContent", {"contents": []})
    assert gemini.status_code == 200 and gemini.text.startswith("data: ")


# --------------------------------------------------------------------------- faults, TLS, lifecycle


def test_latency_still_answers(start_emulator: Start) -> None:
    emu = start_emulator("neon", latency_ms=20)
    assert call(emu, "/v1/models", method="GET").status_code == 200


def test_slow_body_trickles_but_arrives_whole(start_emulator: Start) -> None:
    emu = start_emulator("neon", scenarios=["slow-body"], trickle_interval_ms=2)
    with httpx.stream("GET", emu.url("/v1/chat/completions"), headers={"Host": emu.demo_host}) as response:
        pieces = list(response.iter_raw())
    assert response.status_code == 401
    assert json.loads(b"".join(pieces)) == error_body("invalid or missing credential")
    assert len(pieces) > 1


def test_reset_mid_body(start_emulator: Start) -> None:
    emu = start_emulator("neon", scenarios=["reset-mid-body"])
    with pytest.raises(httpx.TransportError):
        call(emu, "/v1/chat/completions", CHAT)


def test_huge_body_is_valid_json(start_emulator: Start) -> None:
    emu = start_emulator("neon", scenarios=["huge-body"], huge_body_bytes=2 * 1024 * 1024)
    response = call(emu, "/v1/chat/completions", CHAT)
    assert response.status_code == 200
    assert len(response.content) >= 2 * 1024 * 1024
    assert response.json()["choices"][0]["message"]["role"] == "assistant"


def test_html_502_from_a_proxy(start_emulator: Start) -> None:
    emu = start_emulator("neon", scenarios=["html-502"])
    response = call(emu, "/v1/chat/completions", CHAT)
    assert response.status_code == 502
    assert response.headers["content-type"] == "text/html"
    assert "<h1>502 Bad Gateway</h1>" in response.text
    assert not top_rule(response).startswith("neon.credential")


def test_hang_times_out_and_shuts_down_cleanly(start_emulator: Start) -> None:
    emu = start_emulator("neon", scenarios=["hang"])
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(emu.url("/v1/models"), headers={"Host": emu.demo_host}, timeout=httpx.Timeout(5, read=0.2))
    assert emu.requests and emu.requests[0].status is None
    emu.stop()  # must not wait for the hung exchange
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", emu.port))  # the port is free again


def test_tls_with_generated_ca(start_emulator: Start) -> None:
    emu = start_emulator("neon", tls=True)
    assert emu.base_url.startswith("https://127.0.0.1:")
    assert emu.ca_file is not None and emu.ca_file.is_file()
    headers = {"Host": emu.demo_host, "Authorization": f"Bearer {emu.demo_tokens['full']}"}
    with httpx.Client(verify=ssl.create_default_context(cafile=str(emu.ca_file))) as client:
        assert client.get(emu.url("/v1/models"), headers=headers).status_code == 200
    with pytest.raises(httpx.ConnectError), httpx.Client() as untrusting:
        untrusting.get(emu.url("/v1/models"), headers=headers)
    ca_file = emu.ca_file
    emu.stop()
    assert not ca_file.exists()


def test_tls_certificate_covers_gateway_host_names(start_emulator: Start) -> None:
    emu = start_emulator("neon", tls=True)
    assert emu.demo_host in emu.tls_hostnames()
    # connect to 127.0.0.1 while verifying the certificate against the real-looking host name
    transport = httpx.HTTPTransport(verify=ssl.create_default_context(cafile=str(emu.ca_file)))
    with httpx.Client(transport=transport) as client:
        request = client.build_request(
            "GET",
            emu.url("/v1/models"),
            headers={"Host": emu.demo_host, "Authorization": f"Bearer {emu.demo_tokens['full']}"},
            extensions={"sni_hostname": emu.demo_host},
        )
        assert client.send(request).status_code == 200


def test_unknown_scenario_is_rejected() -> None:
    from aigw_doctor.mock import ScenarioError

    with pytest.raises(ScenarioError, match="provider-error"):
        Emulator("neon", scenarios=["provider-error"])


# --------------------------------------------------------------------------- CLI


def test_cli_list_scenarios() -> None:
    result = CliRunner().invoke(app, ["mock", "neon", "--port", "0", "--list-scenarios"])
    assert result.exit_code == 0
    names = [line.split()[0] for line in result.output.splitlines() if line.strip()]
    assert names[:6] == ["healthy", "auth-unavailable", "upstream-rate-limit", "quota-temporary",
                         "quota-permanent", "upstream-failure"]  # fmt: skip
    assert "hang" in names and "provider-error" not in names


def test_cli_unknown_scenario() -> None:
    result = CliRunner().invoke(app, ["mock", "neon", "--scenario", "nope"])
    assert result.exit_code == 2
    assert "unknown scenario 'nope'" in result.output


def test_cli_serves_until_terminated() -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "aigw_doctor", "mock", "neon", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        match = re.search(r"listening on (http://127\.0\.0\.1:\d+)", first)
        assert match, first
        banner = [proc.stdout.readline() for _ in range(8)]
        assert any("nt_live_aigwdemo_fullscope_7f3c9a1e5b2d4f60" in line for line in banner)
        response = httpx.get(
            match.group(1) + "/v1/models",
            headers={"Host": MAIN_HOST, "Authorization": "Bearer nt_live_aigwdemo_fullscope_7f3c9a1e5b2d4f60"},
            timeout=10,
        )
        assert response.status_code == 200
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()
