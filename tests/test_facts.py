"""Request facts: derived from `curl -v` transcripts by `facts.enrich`, then used by the rules via `explain -`."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from typer.testing import CliRunner

from aigw_doctor.cli import app
from aigw_doctor.facts import RELEVANT_REQUEST_HEADERS, detect_gateway, enrich, transport_facts
from aigw_doctor.gateways import cloudflare as cloudflare_gateway
from aigw_doctor.model import Observation, RequestContext
from aigw_doctor.parse import parse_response_text

runner = CliRunner()

ACCOUNT = "0123456789abcdef0123456789abcdef"
CF_BASE = f"https://gateway.ai.cloudflare.com/v1/{ACCOUNT}/my-gateway"
NEON_HOST = "br-cool-pond-a1b2c3d4-api.ai.c-2.us-east-2.aws.neon.tech"

CF_2009 = (
    '{"success":false,"result":[],"messages":[],"error":[{"code":2009,"message":"Unauthorized"}],'
    '"name":"AiGatewayError","httpCode":401,"internalCode":2009}'
)
CF_2008 = (
    '{"success":false,"error":[{"code":2008,"message":"Invalid provider"}],"name":"AiGatewayError","httpCode":400}'
)


@pytest.fixture(autouse=True)
def _plain_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.delenv("AIGW_DOCTOR_RULES", raising=False)


def curl_v(
    url: str,
    *,
    headers: tuple[str, ...] = (),
    model: str | None = None,
    status: int = 400,
    response_headers: tuple[str, ...] = ("content-type: application/json",),
    body: str = "",
) -> str:
    """A `curl -v` transcript as curl prints it to a terminal (stderr and stdout interleaved)."""
    host = url.split("/")[2]
    path = "/" + url.split("/", 3)[3]
    data = json.dumps({"model": model, "messages": [{"role": "user", "content": "hi"}]}) if model else None
    command = f"$ curl -v {url}" + "".join(f' -H "{h}"' for h in headers) + (f" -d '{data}'" if data else "")
    lines = [
        command,
        "*   Trying 104.18.2.24:443...",
        f"* Connected to {host} (104.18.2.24) port 443",
        "* SSL connection using TLSv1.3 / TLS_AES_256_GCM_SHA384",
        f"> {'POST' if data else 'GET'} {path} HTTP/2",
        f"> Host: {host}",
        "> User-Agent: curl/8.5.0",
        "> Accept: */*",
        *(f"> {h}" for h in headers),
        *([f"> Content-Length: {len(data)}"] if data else []),
        ">",
        f"< HTTP/2 {status}",
        *(f"< {h}" for h in response_headers),
        "<",
        body,
        f"* Connection #0 to host {host} left intact",
    ]
    return "\n".join(lines) + "\n"


def observe(text: str) -> Observation:
    return enrich(parse_response_text(text), text)


def explain(text: str, *args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["explain", "-", *args, "--format", "json"], input=text)
    assert result.exit_code in (0, 1), result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def top(text: str, *args: str) -> str:
    rule: str = explain(text, *args)["findings"][0]["rule"]
    return rule


# --------------------------------------------------------------------------- Cloudflare


def test_compat_without_gateway_token_and_bare_model() -> None:
    text = curl_v(
        f"{CF_BASE}/compat/chat/completions",
        headers=("Authorization: Bearer sk-proj-SECRETSECRET", "Content-Type: application/json"),
        model="gpt-4o",
        status=401,
        response_headers=("content-type: application/json", "cf-aig-log-id: 01JABCDEF"),
        body=CF_2009,
    )
    obs = observe(text)
    assert obs.gateway == "cloudflare"
    assert obs.facts["endpoint"] == "compat"
    assert obs.facts["model_prefix"] == "missing"
    assert obs.facts["provider_path"] == "present"
    assert obs.facts["account_id"] == ACCOUNT
    assert obs.facts["gateway_id"] == "my-gateway"
    assert obs.facts["request_header.authorization"] == "present"
    assert obs.facts["request_header.cf-aig-authorization"] == "absent"
    assert "provider" not in obs.facts  # a bare model names no provider

    data = explain(text)
    assert data["findings"][0]["rule"] == "cloudflare.auth.token-in-authorization-header"
    evidence = " ".join(data["findings"][0]["evidence"])
    assert "request_header.cf-aig-authorization = absent" in evidence
    assert "SECRETSECRET" not in json.dumps(data)
    # The bare model is a second problem the report still lists.
    assert "cloudflare.routing.compat-model-without-prefix" in [f["rule"] for f in data["findings"]]


def test_compat_with_bare_model_and_invalid_provider() -> None:
    text = curl_v(
        f"{CF_BASE}/compat/chat/completions",
        headers=("cf-aig-authorization: Bearer cfut_x", "Content-Type: application/json"),
        model="gpt-4o",
        body=CF_2008,
    )
    assert observe(text).facts["request_header.cf-aig-authorization"] == "present"
    assert top(text) == "cloudflare.routing.compat-model-without-prefix"


@pytest.mark.parametrize(
    ("model", "prefix", "provider"),
    [
        ("openai/gpt-4o", "present", "openai"),
        ("google-vertex-ai/google/gemini-2.5-flash", "present", "google-vertex-ai"),
        ("@cf/meta/llama-3.1-8b-instruct", "missing", None),
        ("workers-ai/@cf/meta/llama-3.1-8b-instruct", "present", "workers-ai"),
        ("claude-sonnet-4-5", "missing", None),
    ],
)
def test_compat_model_prefix(model: str, prefix: str, provider: str | None) -> None:
    obs = observe(curl_v(f"{CF_BASE}/compat/chat/completions", model=model, body=CF_2008))
    assert obs.facts["model_prefix"] == prefix
    assert obs.facts.get("provider") == provider


def test_provider_native_url_without_provider_segment() -> None:
    text = curl_v(
        f"{CF_BASE}/chat/completions",
        headers=("Authorization: Bearer sk-x",),
        model="gpt-4o",
        body=CF_2008,
    )
    obs = observe(text)
    assert obs.facts["endpoint"] == "provider"
    assert obs.facts["provider_path"] == "missing"
    assert "provider" not in obs.facts
    assert top(text) == "cloudflare.routing.missing-provider-path"


def test_provider_native_url_with_provider() -> None:
    obs = observe(curl_v(f"{CF_BASE}/openai/chat/completions", model="gpt-4o", body="{}", status=200))
    assert obs.facts["endpoint"] == "provider"
    assert obs.facts["provider"] == "openai"
    assert obs.facts["provider_path"] == "present"
    assert "model_prefix" not in obs.facts  # only the compat endpoint reads the provider from the model


def test_misspelled_provider_slug_is_not_a_missing_segment() -> None:
    text = curl_v(f"{CF_BASE}/google/v1beta/models/gemini-2.5-flash:generateContent", model="x", body=CF_2008)
    obs = observe(text)
    assert obs.facts["provider"] == "google"
    assert obs.facts["provider_path"] == "present"
    assert top(text) == "cloudflare.routing.invalid-provider"


def test_universal_endpoint() -> None:
    obs = observe(curl_v(CF_BASE, body="[]", status=200))
    assert obs.facts["endpoint"] == "universal"
    assert "provider_path" not in obs.facts


def test_cache_key_header_reaches_the_cache_rule() -> None:
    text = curl_v(
        f"{CF_BASE}/openai/chat/completions",
        headers=("cf-aig-authorization: Bearer cfut_x", "cf-aig-cache-key: my-key"),
        model="gpt-4o-mini",
        status=200,
        response_headers=("content-type: application/json", "cf-aig-cache-status: HIT"),
        body='{"id": "chatcmpl-1", "choices": []}',
    )
    assert observe(text).facts["request_header.cf-aig-cache-key"] == "present"
    assert top(text) == "cloudflare.cache.custom-cache-key"


def test_request_timeout_header_reaches_the_504_rule() -> None:
    text = curl_v(
        f"{CF_BASE}/openai/chat/completions",
        headers=("cf-aig-request-timeout: 5000",),
        model="gpt-4o",
        status=504,
        response_headers=("content-type: text/plain",),
        body="Gateway Timeout",
    )
    data = explain(text)
    assert data["findings"][0]["rule"] == "cloudflare.timeout.request-timeout"
    assert "request_header.cf-aig-request-timeout = present" in data["findings"][0]["evidence"]


# --------------------------------------------------------------------------- Neon


def test_neon_host_path_and_model() -> None:
    text = curl_v(
        f"https://{NEON_HOST}/anthropic/v1/messages",
        headers=("Authorization: Bearer nt_live_SECRET",),
        model="claude-sonnet-4-6",
        status=200,
        body="{}",
    )
    obs = observe(text)
    assert obs.gateway == "neon"
    assert obs.facts["endpoint"] == "anthropic_messages"
    assert obs.facts["branch_id"] == "br-cool-pond-a1b2c3d4"
    assert obs.facts["region"] == "us-east-2"
    assert obs.facts["cell"] == "c-2"
    assert obs.facts["model_family"] == "anthropic"
    assert obs.facts["host_trusted"] == "yes"


@pytest.mark.parametrize(
    ("path", "model", "endpoint", "family"),
    [
        ("/v1/chat/completions", "gpt-5-mini", "chat_completions", "openai"),
        ("/openai/v1/responses", "databricks-gpt-5-mini", "openai_responses", "openai"),
        ("/gemini/v1beta/models/gemini-2-5-flash:generateContent", None, "gemini_generate_content", "google"),
        ("/v1/embeddings", "qwen3-embedding-0-6b", "embeddings", "alibaba"),
        ("/v1/models", None, "models", None),
        ("/v1/complete", "gpt-9", "unknown", "unknown"),
    ],
)
def test_neon_endpoint_and_model_family(path: str, model: str | None, endpoint: str, family: str | None) -> None:
    obs = observe(curl_v(f"https://{NEON_HOST}{path}", model=model, status=200, body="{}"))
    assert obs.facts["endpoint"] == endpoint
    assert obs.facts.get("model_family") == family


def test_legacy_neon_host_without_cell() -> None:
    obs = observe(curl_v("https://br-old-pond-api.us-east-1.aws.neon.tech/v1/models", status=200, body="{}"))
    assert obs.facts["region"] == "us-east-1"
    assert "cell" not in obs.facts


# --------------------------------------------------------------------------- request headers


def test_every_sent_header_is_present_and_relevant_ones_absent() -> None:
    obs = observe(curl_v(f"https://{NEON_HOST}/v1/models", headers=("X-Trace: 1",), status=200, body="{}"))
    assert obs.facts["request_header.x-trace"] == "present"
    assert obs.facts["request_header.user-agent"] == "present"
    for name in RELEVANT_REQUEST_HEADERS:
        assert obs.facts[f"request_header.{name}"] == "absent"


def test_unknown_request_headers_claim_nothing() -> None:
    text = f"HTTP/2 401\ncontent-type: application/json\ncf-aig-log-id: x\n\n{CF_2009}\n"
    obs = observe(text)
    assert obs.gateway == "cloudflare"
    assert not [name for name in obs.facts if name.startswith("request_header.")]
    # Without the request, the rule that needs `cf-aig-authorization` to be absent cannot claim it.
    assert top(text) == "cloudflare.auth.gateway-unauthorized"


def test_curl_command_line_before_a_raw_response_gives_the_header_names() -> None:
    text = (
        f'$ curl -si {CF_BASE}/openai/chat/completions -H "Authorization: Bearer sk-x" '
        "-H 'Content-Type: application/json' -d '{\"model\": \"gpt-4o\"}'\n"
        f"HTTP/2 401\ncontent-type: application/json\n\n{CF_2009}\n"
    )
    obs = observe(text)
    assert obs.facts["request_header.authorization"] == "present"
    assert obs.facts["request_header.cf-aig-authorization"] == "absent"
    assert top(text) == "cloudflare.auth.token-in-authorization-header"


# --------------------------------------------------------------------------- gateway detection


@pytest.mark.parametrize(
    ("observation", "gateway"),
    [
        (Observation(request=RequestContext(host="gateway.ai.cloudflare.com")), "cloudflare"),
        (Observation(request=RequestContext(path=f"/v1/{ACCOUNT}/gw/openai/chat/completions")), "cloudflare"),
        (Observation(headers={"CF-AIG-Cache-Status": "MISS"}), "cloudflare"),
        (Observation(body=CF_2008), "cloudflare"),
        (Observation(request=RequestContext(host=NEON_HOST)), "neon"),
        (Observation(request=RequestContext(host="api.openai.com", path="/v1/chat/completions")), None),
        (Observation(request=RequestContext(path="/v1/not-an-account/gw/openai")), None),
        (Observation(body='{"error": {"message": "nope"}}'), None),
    ],
)
def test_detect_gateway(observation: Observation, gateway: str | None) -> None:
    assert detect_gateway(observation) == gateway
    assert enrich(observation).gateway == gateway


def test_a_given_gateway_and_given_facts_are_kept() -> None:
    obs = Observation(
        gateway="neon",
        request=RequestContext(host="gateway.ai.cloudflare.com", path="/v1/models", header_names=["accept"]),
        facts={"endpoint": "mine", "request_header.authorization": "present"},
    )
    enriched = enrich(obs)
    assert enriched.gateway == "neon"
    assert enriched.facts["endpoint"] == "mine"
    assert enriched.facts["request_header.authorization"] == "present"
    assert enriched.facts["request_header.cf-aig-authorization"] == "absent"
    assert obs.facts == {"endpoint": "mine", "request_header.authorization": "present"}  # a copy, not in place


def test_gateway_option_decides_which_facts_are_derived() -> None:
    text = f'$ curl -si https://127.0.0.1:8787/v1/{ACCOUNT}/gw/compat/chat/completions -d \'{{"model": "x"}}\'\n'
    text += "HTTP/1.1 400 Bad Request\ncontent-type: application/json\n\n" + CF_2008 + "\n"
    data = explain(text, "--gateway", "cloudflare")
    assert data["findings"][0]["rule"] == "cloudflare.routing.compat-model-without-prefix"


def test_redirect_fact() -> None:
    obs = observe("HTTP/1.1 301 Moved Permanently\nLocation: https://example.neon.tech/v1/models\n\n")
    assert obs.facts["redirect"] == "yes"
    assert "redirect" not in observe("HTTP/1.1 304 Not Modified\nLocation: /x\n\n").facts
    assert "redirect" not in observe("HTTP/1.1 302 Found\n\n").facts


def test_enrich_never_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(path: str) -> object:
        raise RuntimeError("bug")

    monkeypatch.setattr(cloudflare_gateway, "parse_path", broken)
    obs = Observation(request=RequestContext(host="gateway.ai.cloudflare.com", path="/v1/x"), facts={"a": "b"})
    assert enrich(obs) == obs


@pytest.mark.parametrize(
    "text",
    ["", "\x00\x01", "{" * 10_000, "HTTP/2 999\n\n", "> GET /v1/" + "%" * 5000 + " HTTP/1.1\n> Host: [::1\n"],
)
def test_enrich_survives_odd_input(text: str) -> None:
    assert isinstance(observe(text), Observation)


# --------------------------------------------------------------------------- transport details


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("curl: (60) SSL certificate problem: self-signed certificate in certificate chain", "tls",
         {"tls_problem": "unknown-ca"}),
        ("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate",
         "tls", {"tls_problem": "unknown-ca"}),
        ("x509: certificate signed by unknown authority", "tls", {"tls_problem": "unknown-ca"}),
        ("SSL: no alternative certificate subject name matches target host name 'x'", "tls",
         {"tls_problem": "hostname-mismatch"}),
        ("certificate verify failed: Hostname mismatch, certificate is not valid for 'x'", "tls",
         {"tls_problem": "hostname-mismatch"}),
        ("SSL certificate problem: certificate has expired", "tls", {"tls_problem": "expired"}),
        ("error:0A00010B:SSL routines::wrong version number", "tls", {"tls_problem": "handshake"}),
        ("certificate verify failed (_ssl.c:1006)", "tls", {}),
        ("* Connection timed out after 10002 milliseconds", "timeout", {"timeout_phase": "connect"}),
        ("httpx.ConnectTimeout: timed out", "timeout", {"timeout_phase": "connect"}),
        ("httpx.ReadTimeout: The read operation timed out", "timeout", {"timeout_phase": "read"}),
        ("*   Trying 1.2.3.4:443...\n* Connected to x (1.2.3.4) port 443\n* Operation timed out after 30001 "
         "milliseconds with 0 bytes received", "timeout", {"timeout_phase": "deadline"}),
        ("*   Trying 10.255.255.1:443...\n* Operation timed out after 5001 milliseconds with 0 out of 0 bytes "
         "received", "timeout", {"timeout_phase": "connect"}),
        ("openai.APITimeoutError: Request timed out.", "timeout", {"timeout_phase": "deadline"}),
        ("httpx.ConnectError: [Errno 111] Connection refused", "connect", {}),
        ("curl: (56) Recv failure: Connection reset by peer", "connect", {"transport_error": "reset"}),
        ("httpx.RemoteProtocolError: Server disconnected without sending a response.", "connect",
         {"transport_error": "reset"}),
        ("curl: (7) Failed to connect to 10.0.0.1 port 443 after 3 ms: No route to host", "connect",
         {"transport_error": "unreachable"}),
        ("curl: (52) Empty reply from server", "connect", {"transport_error": "protocol"}),
        ("Could not resolve host: x", "dns", {}),
        ("anything", None, {}),
    ],
)  # fmt: skip
def test_transport_facts(text: str, kind: str | None, expected: dict[str, str]) -> None:
    assert transport_facts(text, kind) == expected


def test_transport_details_come_from_the_body_when_no_text_is_given() -> None:
    obs = Observation(transport_error="connect", body="ConnectionResetError: [Errno 104] Connection reset by peer")
    enriched = enrich(obs)
    assert enriched.transport_error == "reset"
    kept = enrich(replace(obs, facts={"transport_error": "connect"}))
    assert kept.transport_error == "connect"  # a transport_error fact set by the caller wins


def test_the_detected_gateway_is_written_down() -> None:
    data = explain(curl_v(f"{CF_BASE}/compat/chat/completions", model="gpt-4o", body=CF_2008))
    assert "gateway taken to be cloudflare from the request host gateway.ai.cloudflare.com" in data["assumptions"]
    given = explain(
        curl_v(f"{CF_BASE}/compat/chat/completions", model="gpt-4o", body=CF_2008), "--gateway", "cloudflare"
    )
    assert not any(note.startswith("gateway taken") for note in given["assumptions"])
