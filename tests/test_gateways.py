"""The gateway knowledge modules: host and URL parsing, token shape, model ↔ endpoint table, header checks."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aigw_doctor.gateways import cloudflare as cf
from aigw_doctor.gateways import neon

# --------------------------------------------------------------------------- Neon hosts


@pytest.mark.parametrize(
    ("host", "branch", "cell", "region", "ai"),
    [
        ("br-winter-pond-aptw82ef-api.ai.c-2.us-east-2.aws.neon.tech", "br-winter-pond-aptw82ef", "c-2", "us-east-2", True),
        ("br-winter-pond-aptw82ef-api.c2.us-east-2.aws.neon.tech", "br-winter-pond-aptw82ef", "c2", "us-east-2", False),
        ("https://br-aged-salad-637688-api.ai.eu-central-1.aws.neon.tech/v1", "br-aged-salad-637688", None,
         "eu-central-1", True),
        ("BR-X-API.AI.C-2.US-EAST-1.AWS.NEON.TECH.:443", "br-x", "c-2", "us-east-1", True),
    ],
)  # fmt: skip
def test_parse_host_both_generations(host: str, branch: str, cell: str | None, region: str, ai: bool) -> None:
    parsed = neon.parse_host(host)
    assert (parsed.branch_id, parsed.cell, parsed.region, parsed.ai_label) == (branch, cell, region, ai)
    assert parsed.trusted and parsed.matches_template and parsed.problem is None
    assert parsed.generation == ("current" if ai else "legacy")


@pytest.mark.parametrize(
    ("host", "codes"),
    [
        ("br-x-api.ai.c-2.us-east-2.aws.neon.tech", []),
        ("api.openai.com", ["neon.host.untrusted-suffix"]),
        ("br-x-api.ai.c-2.aws.neon.tech", ["neon.host.no-region"]),
        ("br-x-api.ai.c-2.us-east-9.aws.neon.tech", ["neon.host.unknown-region"]),
        ("br-x-api.ai.c-2.us-west-2.aws.neon.tech", ["neon.host.region-without-gateway"]),
        ("ep-calm-snow-aev1ojm4-pooler.c-2.us-east-2.aws.neon.tech", ["neon.host.no-branch"]),
    ],
)
def test_host_problems(host: str, codes: list[str]) -> None:
    assert [p.code for p in neon.host_problems(host)] == codes


def test_untrusted_host_reason_and_custom_suffix() -> None:
    parsed = neon.parse_host("br-x-api.ai.c-2.us-east-2.aws.neon.tech.evil.com")
    assert not parsed.trusted and parsed.problem is not None and "trusted suffix" in parsed.problem
    custom = neon.parse_host("br-x-api.ai.c-2.us-east-2.aws.neon.test", trusted_suffix=".neon.test")
    assert custom.trusted and custom.matches_template


def test_regions() -> None:
    assert neon.is_aws_region("us-east-2") and not neon.is_aws_region("us-east-9")
    assert neon.gateway_runs_in("ap-southeast-1") and not neon.gateway_runs_in("us-west-2")
    assert set(neon.GATEWAY_REGIONS) <= neon.AWS_REGIONS
    assert neon.neon_region_id("us-east-2") == "aws-us-east-2"


# --------------------------------------------------------------------------- tokens


@pytest.mark.parametrize(
    ("token", "codes"),
    [
        ("nt_live_aigwdemo_fullscope_7f3c9a1e5b2d4f60", []),
        ("", ["neon.token.missing"]),
        ("nt_live_aigwdemo_fullscope_7f3c9a1e5b2d4f60\n", ["neon.token.newline"]),
        (" nt_live_aigwdemo_fullscope_7f3c9a1e5b2d4f60", ["neon.token.whitespace"]),
        ('"nt_live_aigwdemo_fullscope_7f3c9a1e5b2d4f60"', ["neon.token.quotes"]),
        ("Bearer nt_live_aigwdemo_fullscope_7f3c9a1e5b2d4f60", ["neon.token.bearer-prefix"]),
        ("sk-proj-abcdefghijklmnopqrstuvwxyz012345", ["neon.token.prefix"]),
        ("nt_live_abc", ["neon.token.length"]),
        ("nt_live_aigwdemo full_7f3c9a1e5b2d4f60", ["neon.token.inner-whitespace"]),
    ],
)
def test_token_problems(token: str, codes: list[str]) -> None:
    problems = neon.token_problems(token)
    assert [p.code for p in problems] == codes
    secret = token.strip().strip('"')
    assert all(secret not in p.message for p in problems if len(secret) > 10)  # never echoed


def test_clean_token() -> None:
    assert neon.clean_token(' "Bearer nt_live_x"\n') == "nt_live_x"


# --------------------------------------------------------------------------- models and endpoints


def test_model_lookup_accepts_both_forms() -> None:
    short = neon.lookup_model("claude-sonnet-4-6")
    assert short is not None and neon.lookup_model("databricks-claude-sonnet-4-6") is short
    assert neon.lookup_model("databricks-gpt-oss-120b") is neon.lookup_model("gpt-oss-120b") is not None
    assert neon.lookup_model("Claude-Sonnet-4-6") is None
    assert neon.lookup_model("gpt-9") is None


@pytest.mark.parametrize(
    ("model", "dialect", "ok"),
    [
        ("claude-sonnet-4-6", "anthropic_messages", True),
        ("claude-sonnet-4-6", "chat_completions", True),
        ("claude-sonnet-4-6", "openai_responses", False),
        ("gpt-5-3-codex", "chat_completions", False),
        ("gpt-5-3-codex", "openai_responses", True),
        ("gpt-5-5-pro", "chat_completions", False),
        ("gemini-3-flash", "anthropic_messages", False),
        ("gemini-3-flash", "gemini_generate_content", True),
        ("gemma-3-12b", "gemini_generate_content", False),
        ("qwen3-embedding-0-6b", "embeddings", True),
        ("qwen3-embedding-0-6b", "chat_completions", False),
        ("gpt-5-mini", "embeddings", False),
        ("anything", "models", True),
    ],
)
def test_model_endpoint_problem(model: str, dialect: str, ok: bool) -> None:
    problem = neon.model_endpoint_problem(model, dialect)
    assert (problem is None) is ok
    if problem is not None:
        assert dialect in problem and "/" in problem  # names the endpoint and suggests paths


def test_unknown_model_problem() -> None:
    assert neon.model_endpoint_problem("gpt-9", "chat_completions") == (
        'unknown model "gpt-9": it is not in the Neon AI Gateway catalog'
    )
    assert [p.code for p in neon.model_endpoint_problems("gpt-9", "chat_completions")] == ["neon.model.unknown"]
    assert neon.endpoints_for("claude-haiku-4-5") == ["chat_completions", "anthropic_messages"]


@pytest.mark.parametrize(
    ("path", "dialect", "segment"),
    [
        ("/v1/chat/completions", "chat_completions", None),
        ("/ai-gateway/mlflow/v1/chat/completions", "chat_completions", None),
        ("/mlflow/v1/chat/completions/", "chat_completions", None),
        ("/openai/v1/responses?x=1", "openai_responses", None),
        ("/ai-gateway/openai/v1/responses", "openai_responses", None),
        ("/anthropic/v1/messages", "anthropic_messages", None),
        ("/ai-gateway/anthropic/v1/messages", "anthropic_messages", None),
        ("/gemini/v1beta/models/gemini-3-flash:generateContent", "gemini_generate_content", "gemini-3-flash:generateContent"),
        ("/ai-gateway/gemini/v1beta/models/m%3Aa", "gemini_generate_content", "m:a"),
        ("/v1/gemini/v1beta/models/m:generateContent", "gemini_generate_content", "m:generateContent"),
        ("/v1/embeddings", "embeddings", None),
        ("/v1/models", "models", None),
    ],
)  # fmt: skip
def test_match_endpoint(path: str, dialect: str, segment: str | None) -> None:
    match = neon.match_endpoint(path)
    assert match is not None and match.dialect == dialect and match.model_action == segment


def test_unmatched_paths_and_gemini_segments() -> None:
    assert neon.match_endpoint("/openai/v1/models") is None
    assert neon.match_endpoint("/v1/chat") is None
    assert neon.parse_gemini_segment("gemini-3-flash:generateContent") == ("gemini-3-flash", "generateContent")
    for bad in ("gemini-3-flash", "a:b:c", ":x", "x:", "a/b:c"):
        assert neon.parse_gemini_segment(bad) is None


# --------------------------------------------------------------------------- Cloudflare


ACCOUNT = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"


def test_parse_cloudflare_urls() -> None:
    url = cf.parse_url(f"https://gateway.ai.cloudflare.com/v1/{ACCOUNT}/my-gw/openai/chat/completions")
    assert (url.path.account_id, url.path.gateway_id, url.path.provider, url.path.rest, url.path.kind) == (
        ACCOUNT,
        "my-gw",
        "openai",
        "/chat/completions",
        "provider",
    )
    assert url.problems == ()
    compat = cf.parse_url(f"https://gateway.ai.cloudflare.com/v1/{ACCOUNT}/my-gw/compat/chat/completions")
    assert compat.path.kind == "compat" and compat.problems == ()
    custom = cf.parse_url(f"https://gateway.ai.cloudflare.com/v1/{ACCOUNT}/my-gw/custom-neon/v1/models")
    assert custom.problems == ()


@pytest.mark.parametrize(
    ("url", "codes"),
    [
        (f"https://gateway.ai.cloudflare.com/v1/{ACCOUNT}/gw/opnai/chat/completions", ["cloudflare.provider.unknown"]),
        ("https://gateway.ai.cloudflare.com/v1/my-account/gw/openai/chat/completions", ["cloudflare.url.account-id"]),
        (f"http://gateway.ai.cloudflare.com/v1/{ACCOUNT}/gw/openai", ["cloudflare.url.scheme"]),
        ("https://gateway.ai.cloudflare.com/openai/chat/completions", ["cloudflare.url.shape"]),
        (f"https://api.openai.com/v1/{ACCOUNT}/gw/openai", ["cloudflare.url.host"]),
        (f"https://gateway.ai.cloudflare.com/v1/{ACCOUNT}/gw/compat/responses", ["cloudflare.url.compat-path"]),
        (f"https://gateway.ai.cloudflare.com/v1/{ACCOUNT}/gw/baseten/x", ["cloudflare.provider.unconfirmed"]),
    ],
)
def test_cloudflare_url_problems(url: str, codes: list[str]) -> None:
    assert [p.code for p in cf.parse_url(url).problems] == codes


@pytest.mark.parametrize(
    ("model", "ok"),
    [
        ("openai/gpt-4o", True),
        ("google-vertex-ai/google/gemini-2.5-flash", True),
        ("workers-ai/@cf/meta/llama-3.1-8b-instruct", True),
        ("custom-neon/gpt-5-mini", True),
        ("dynamic/support", True),
        ("gpt-4o", False),
        ("@cf/meta/llama-3.1-8b-instruct", False),
        ("opnai/gpt-4o", False),
        ("openai/", False),
        ("", False),
    ],
)
def test_compat_model_prefix(model: str, ok: bool) -> None:
    assert (cf.compat_model_problem(model) is None) is ok


# --------------------------------------------------------------------------- robustness and import cost


@given(st.text())
def test_neon_parsers_never_raise(text: str) -> None:
    neon.parse_host(text)
    neon.host_problems(text)
    neon.token_problems(text)
    neon.match_endpoint(text)
    neon.parse_gemini_segment(text)
    for dialect in neon.DIALECTS:
        neon.model_endpoint_problem(text, dialect)


@given(st.text(), st.dictionaries(st.text(max_size=30), st.text(max_size=60), max_size=6))
def test_cloudflare_parsers_never_raise(text: str, headers: dict[str, str]) -> None:
    cf.parse_url(text)
    cf.parse_path(text)
    cf.compat_model_problem(text)


@given(st.from_regex(r"/v1/[0-9a-f]{32}/[a-z-]{1,10}/[a-z-]{1,12}(/[a-z:@.-]{0,12}){0,3}", fullmatch=True))
def test_cloudflare_path_round_trip(path: str) -> None:
    parsed = cf.parse_path(path)
    assert parsed.kind in ("provider", "compat")
    assert f"/v1/{parsed.account_id}/{parsed.gateway_id}/{parsed.provider}{parsed.rest}" == path


def test_gateway_modules_are_cheap_to_import() -> None:
    code = (
        "import sys; import aigw_doctor.gateways.neon, aigw_doctor.gateways.cloudflare; "
        "print(','.join(m for m in ('httpx', 'pydantic', 'yaml', 'rich') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""
