"""Property-based tests: arbitrary text and structures give a result or a clean error, never an exception
escaping to the user. Every property has a fixed example budget (`EXAMPLES`) so that CI stays fast and the
README can state how many examples run; `derandomize` makes the runs repeatable."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.main import get_command
from typer.testing import CliRunner

from aigw_doctor.check.options import CheckOptions, Resolve
from aigw_doctor.check.target import TargetError, credential_refusal, resolve_target
from aigw_doctor.cli import app
from aigw_doctor.gateways import cloudflare as cf
from aigw_doctor.gateways import neon
from aigw_doctor.model import Observation
from aigw_doctor.parse import MAX_INPUT_CHARS, clean_url, parse_response_text, request_from_curl_command
from aigw_doctor.ruleset.errors import RuleError
from aigw_doctor.ruleset.file import load_rule_file

runner = CliRunner()

# The example budget of every property, by name; the README quotes the total.
EXAMPLES = {
    "parser_text": 300,
    "parser_http_like": 300,
    "explain_argument": 60,
    "explain_stdin": 60,
    "url_and_host": 300,
    "check_url": 150,
    "resolve_option": 200,
    "rule_text": 200,
    "rule_structure": 200,
    "analyze_bytes": 40,
}


def budget(name: str) -> Any:
    return settings(
        max_examples=EXAMPLES[name],
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
    )


def clean_exit(result: Any, codes: tuple[int, ...]) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in codes, (result.exit_code, result.output[-500:])
    assert "Traceback" not in result.output


# --------------------------------------------------------------------------- the raw-response parser

_HEADER_NAMES = st.sampled_from(
    ["content-type", "retry-after", "authorization", "x-api-key", "cf-aig-cache-status", "set-cookie", "x-a"]
)
_JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@st.composite
def http_like(draw: st.DrawFn) -> str:
    """Text shaped like what users paste: status lines, headers, bodies, curl -v marks, SDK prefixes."""
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["status", "header", "json", "text", "verbose", "sdk", "html", "blank"]))
        if kind == "status":
            parts.append(
                f"{draw(st.sampled_from(['', '< ']))}HTTP/{draw(st.sampled_from(['1.1', '2', '3', '9']))} "
                f"{draw(st.integers(0, 1200))} {draw(st.text(max_size=10))}"
            )
        elif kind == "header":
            parts.append(
                f"{draw(st.sampled_from(['', '< ', '> ']))}{draw(_HEADER_NAMES)}: {draw(st.text(max_size=30))}"
            )
        elif kind == "json":
            parts.append(json.dumps(draw(_JSONISH)))
        elif kind == "verbose":
            parts.append(
                draw(
                    st.sampled_from(
                        [
                            "* Trying 1.2.3.4:443...",
                            "> GET /v1/models HTTP/2",
                            "{ [5 bytes data]",
                            "* Connection #0 left intact",
                            "$ curl -v https://x/?key=y",
                        ]
                    )
                )
            )
        elif kind == "sdk":
            parts.append(f"Error code: {draw(st.integers(0, 999))} - {draw(st.text(max_size=40))}")
        elif kind == "html":
            parts.append(f"<html><title>{draw(st.text(max_size=20))}</title>")
        elif kind == "blank":
            parts.append("")
        else:
            parts.append(draw(st.text(max_size=60)))
    return draw(st.sampled_from(["\n", "\r\n"])).join(parts)


@budget("parser_text")
@given(st.text(max_size=2000))
def test_parser_takes_any_text(text: str) -> None:
    assert isinstance(parse_response_text(text), Observation)


@budget("parser_http_like")
@given(http_like())
def test_parser_takes_any_http_like_text(text: str) -> None:
    observation = parse_response_text(text)
    assert observation.status is None or 100 <= observation.status <= 599


# --------------------------------------------------------------------------- explain through the real CLI


@budget("explain_argument")
@given(st.one_of(st.text(min_size=1, max_size=300), http_like()))
def test_explain_query_never_crashes(query: str) -> None:
    if query.startswith("-"):
        query = " " + query  # an option-looking query is a usage error by design; that is tested below
    clean_exit(runner.invoke(app, ["explain", query]), (0, 1, 2))


@budget("explain_stdin")
@given(st.one_of(st.binary(max_size=3000), http_like().map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_explain_stdin_takes_any_bytes(data: bytes) -> None:
    clean_exit(runner.invoke(app, ["explain", "-", "--format", "json"], input=data), (0, 1, 2))


CURL_V = (
    "*   Trying 10.0.0.1:443...\n> POST /v1/chat/completions HTTP/2\n> Host: br-x-api.c-2.us-east-2.aws.neon.tech\n"
    "> authorization: Bearer nt_live_abcdefghijklmnop1234\n>\n< HTTP/2 429\n< retry-after: 30\n<\n"
    '{"error": {"message": "token rate limit exceeded", "code": "REQUEST_LIMIT_EXCEEDED"}}\n'
)


def _odd_inputs() -> dict[str, bytes]:
    raw = CURL_V.encode()
    return {
        **{f"truncated at {n}": raw[:n] for n in range(0, len(raw), 37)},
        "binary": bytes(range(256)) * 40,
        "NUL bytes": raw.replace(b"\n", b"\x00\n"),
        "UTF-16": CURL_V.encode("utf-16"),
        "Latin-1": ('HTTP/1.1 500 Erreur\n\n{"error": "échec café"}').encode("latin-1"),
        "invalid UTF-8": b"HTTP/1.1 502 Bad Gateway\n\n\xc3\x28\xa0\xa1 \xf0\x28\x8c\x28",
        "BOM": b"\xef\xbb\xbf" + raw,
        "mixed": raw + b"<html><title>502 Bad Gateway</title></html>\n" + b"Error code: 401 - {'error': 1}\n" + raw,
        "huge": b"HTTP/1.1 500 x\n\n" + b'{"error": "' + b"x" * (MAX_INPUT_CHARS + 1024) + b'"}',
        "huge lines": b"\n".join([b"> x-a: " + b"y" * 200] * 30000) + b"\n< HTTP/1.1 404\n\n{}",
        "deep JSON": b"[" * 50000 + b"]" * 50000,
        "deep dict": b'{"error": ' * 5000 + b"1" + b"}" * 5000,
        "only whitespace": b" \n\t\r\n ",
        "empty": b"",
    }


@pytest.mark.parametrize("name", list(_odd_inputs()))
def test_explain_stdin_odd_inputs(name: str) -> None:
    clean_exit(runner.invoke(app, ["explain", "-"], input=_odd_inputs()[name]), (0, 1, 2))


@pytest.mark.parametrize("args", [["explain", "--", "-x"], ["explain", "-x"], ["explain"], ["explain", ""]])
def test_explain_option_like_and_empty_queries_are_clean(args: list[str]) -> None:
    clean_exit(runner.invoke(app, args), (0, 1, 2))  # `-- -x` is a query like any other


# --------------------------------------------------------------------------- URL and host parsers

_HOSTISH = st.one_of(
    st.text(max_size=80),
    st.from_regex(r"br-[a-z0-9-]{0,20}-api(\.ai)?(\.c-\d)?\.[a-z0-9-]{0,12}\.aws\.neon\.tech\.?", fullmatch=True),
    st.from_regex(r"(https?|ftp|)://[^\s]{0,60}", fullmatch=True),
)


@budget("url_and_host")
@given(_HOSTISH)
def test_url_and_host_parsers_take_any_text(value: str) -> None:
    neon.parse_host(value)
    neon.host_problems(value)
    neon.normalize_host(value)
    clean_url(value)
    cf.parse_path(value)
    cf.parse_url(value)  # documented never to raise
    request_from_curl_command(f"curl {value}")


@budget("check_url")
@given(_HOSTISH)
def test_check_target_from_any_url(value: str) -> None:
    try:
        target = resolve_target(CheckOptions(url=value))
    except TargetError as exc:
        assert str(exc)
        return
    credential_refusal(target, CheckOptions(url=value))


@budget("resolve_option")
@given(
    st.one_of(
        st.text(max_size=60), st.from_regex(r"[a-z.\[\]:0-9-]{0,30}:[0-9a-z]{0,6}:[0-9a-f.:\[\]]{0,40}", fullmatch=True)
    )
)
def test_resolve_option_parses_or_says_why(value: str) -> None:
    try:
        Resolve.parse(value)
    except ValueError as exc:
        assert str(exc)


# --------------------------------------------------------------------------- the rule loader

RULE_KEYS = [
    "rules",
    "id",
    "gateway",
    "category",
    "title",
    "match",
    "status",
    "body",
    "field",
    "regex",
    "contains",
    "in",
    "cause",
    "fix",
    "docs",
    "examples",
    "no_match",
    "raw",
    "headers",
    "facts",
    "any",
    "priority",
]


@st.composite
def yamlish(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(0, 12))):
        indent = " " * draw(st.sampled_from([0, 2, 4, 6]))
        key = draw(st.sampled_from(RULE_KEYS))
        value = draw(
            st.one_of(
                st.text(max_size=20),
                st.sampled_from(
                    ["", "[", "{", "&a", "*a", "!!python/object:os.system", "- x", "|", ">-", "'(a+)+'", "418"]
                ),
            )
        )
        lines.append(f"{indent}{draw(st.sampled_from(['', '- ']))}{key}: {value}")
    return "\n".join(lines)


def _load(tmp_path: Path, content: bytes) -> None:
    try:
        load_rule_file(tmp_path / "pack.yaml", content)
    except RuleError as exc:
        assert str(exc).startswith(str(tmp_path / "pack.yaml"))


@budget("rule_text")
@given(st.one_of(yamlish(), st.text(max_size=500)))
def test_rule_loader_takes_any_text(tmp_path: Path, text: str) -> None:
    _load(tmp_path, text.encode("utf-8", "surrogatepass"))


_RULE_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-10, 1000)
    | st.text(max_size=15)
    | st.sampled_from(["neon", "any", "quota", "error", "(a+)+", "$message", "https://x"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(RULE_KEYS), inner, max_size=5),
    max_leaves=25,
)


@budget("rule_structure")
@given(
    st.dictionaries(st.sampled_from(RULE_KEYS), _RULE_VALUES, max_size=4)
    | st.builds(lambda rule: {"rules": [rule]}, st.dictionaries(st.sampled_from(RULE_KEYS), _RULE_VALUES, max_size=12))
)
def test_rule_loader_takes_any_structure(tmp_path: Path, data: dict[str, Any]) -> None:
    _load(tmp_path, yaml.safe_dump(data, allow_unicode=True).encode("utf-8", "surrogatepass"))


# --------------------------------------------------------------------------- analyze's log readers, when present


@budget("analyze_bytes")
@given(
    st.one_of(
        st.binary(max_size=2000),
        http_like().map(str.encode),
        st.lists(_JSONISH, max_size=5).map(lambda items: "\n".join(json.dumps(i) for i in items).encode()),
    )
)
def test_analyze_reads_any_file(tmp_path: Path, data: bytes) -> None:
    if "analyze" not in getattr(get_command(app), "commands", {}):
        pytest.skip("no analyze command in this build")
    path = tmp_path / "log.txt"
    path.write_bytes(data)
    clean_exit(runner.invoke(app, ["analyze", str(path)]), (0, 1, 2, 3))
