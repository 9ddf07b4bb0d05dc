"""The canary suite: credentials never leave the process unmasked.

Canary tokens of every credential kind sit in the environment, in pasted transcripts, in log files, in option
values and in what hostile servers echo back. Every command runs in every output format the CLI offers (read
from the Typer app at test time, so new formats and commands are covered as they land) and every verbosity,
on success, problem and error paths, and every byte it writes (standard output, standard error, `--output`
files, `GITHUB_STEP_SUMMARY`) is scanned. The secret part of a canary contains `CANARY`; a mask keeps only the
kind prefix and the last four characters, so `CANARY` appearing anywhere is a leak.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from enum import Enum
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner, Result

from aigw_doctor import cli
from aigw_doctor.cli import app
from aigw_doctor.redact import forget_secrets

runner = CliRunner()

MARKER = "CANARY"
# The secret part of each canary contains MARKER; the last four characters (what a mask keeps) do not.
CANARY = {
    "neon": "nt_live_CANARYWKbuDE7mGZqDjPCFdcERFnw9z1",
    "openai": "sk-proj-CANARYdD7pHQttqDpqbDQCn9JUcKbq2r",
    "anthropic": "sk-ant-api03-CANARYmHpVn7wMGqptNZGnyEpDsPkx4s",
    "cloudflare": "cfat_CANARYhwmd4WfqfZVR5Mx4RFpVkhqy7t",
    "gemini": "AIzaCANARYXzeUrEHjcL3XKhcCvE3np5nT5u",
    "bare": "CANARYbare7WXxYrhq6fE8FTgxvEDzxV8v6w",  # a key with no recognisable shape
}
# What a hostile server echoes that the process never held: only shape-based masking can catch these.
FOREIGN = {
    "openai": "sk-proj-CANARYforeignupw7eUyavYBfYLsHhDP4UJ1k8m",
    "gemini": "AIzaCANARYforeign2RbbhFLebnTJ7dnTycYwaQ0z3x",
    "neon": "nt_live_CANARYforeignKFMKQvQAh8qMSUAKcmZspW4f7h",
    "bare": "CANARYforeignbareJx9jsuw2Df4w6nbbbbGgtb7g6h",
}
CANARY_ENV = {
    "NEON_AI_GATEWAY_TOKEN": CANARY["neon"],
    "CF_AIG_TOKEN": CANARY["cloudflare"],
    "OPENAI_API_KEY": CANARY["openai"],
    "ANTHROPIC_API_KEY": CANARY["anthropic"],
    "GEMINI_API_KEY": CANARY["gemini"],
    "MISTRAL_API_KEY": CANARY["bare"],
}
NEON_HOST = "br-winter-pond-aptw82ef-api.ai.c-2.us-east-2.aws.neon.tech"
CF_ACCOUNT = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"

_checked: dict[str, int] = {"outputs": 0, "invocations": 0}


def leaks(text: str) -> list[str]:
    lowered = text.lower()
    found = []
    for token in [*CANARY.values(), *FOREIGN.values()]:
        core = token[token.index(MARKER) : -4]
        if core.lower() in lowered or core[len(MARKER) :][:12].lower() in lowered:
            found.append(token)
    if MARKER in text:
        found.append(MARKER)
    return found


def assert_clean(text: str, where: str) -> None:
    _checked["outputs"] += 1
    found = leaks(text)
    if found:
        cores = [t[t.index(MARKER) + len(MARKER) :][:12].lower() for t in found if t != MARKER]
        line = next((ln for ln in text.splitlines() if MARKER in ln or any(c in ln.lower() for c in cores)), "")
        raise AssertionError(f"canary leaked in {where}: {found}\n  line: {line!r}")


@pytest.fixture(scope="module", autouse=True)
def _report_count(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None and _checked["invocations"]:
        with capture.global_and_fixture_disabled():
            reporter.write_line(
                f"\ncanary suite: {_checked['invocations']} invocations, {_checked['outputs']} outputs scanned"
            )


# --------------------------------------------------------------------------- the CLI, introspected


def _root() -> Any:
    return typer.main.get_command(app)


def command(*path: str) -> Any | None:
    node = _root()
    for name in path:
        node = getattr(node, "commands", {}).get(name)
        if node is None:
            return None
    return node


def _option(path: tuple[str, ...], flag: str) -> Any | None:
    cmd = command(*path)
    return next((p for p in getattr(cmd, "params", []) if flag in getattr(p, "opts", [])), None)


def has_option(path: tuple[str, ...], flag: str) -> bool:
    return _option(path, flag) is not None


def formats(*path: str) -> list[str]:
    """Every `--format` choice the command offers, read from its enum."""
    param = _option(path, "--format")
    if param is None:
        return []
    annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return [str(member.value) for member in annotation]
    return ["text", "json"]


def verbosities(*path: str) -> list[list[str]]:
    return [[], ["-v"], ["-vv"]] if has_option(path, "--verbose") else [[]]


def matrix(*path: str) -> list[list[str]]:
    """`--format F` and verbosity options: text at every verbosity, the other formats at the highest one
    (verbosity adds detail to them, it never takes any away)."""
    levels = verbosities(*path)
    combos = [["--format", "text", *level] for level in levels] if "text" in formats(*path) else []
    return combos + [["--format", f, *levels[-1]] for f in formats(*path) if f != "text"]


class Scanner:
    """Runs the CLI with the canaries in the environment and scans everything it wrote."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.runs = 0

    def run(
        self,
        args: list[str],
        *,
        input: str | bytes | None = None,
        env: dict[str, str] | None = None,
        codes: tuple[int, ...] = (0, 1, 2, 3),
        output_file: bool = True,
    ) -> Result:
        """Run `args`; when the command takes `--output FILE`, once more writing the report to a file."""
        result = self._run_once(args, input, env, codes, None)
        path = tuple(a for a in args[:2] if not a.startswith("-"))
        if output_file and has_option(path, "--output") and "--output" not in args and "-v" not in args:
            self._run_once(args, input, env, codes, self.tmp_path / f"report-{self.runs}.out")
        return result

    def _run_once(
        self,
        args: list[str],
        input: str | bytes | None,
        env: dict[str, str] | None,
        codes: tuple[int, ...],
        output_file: Path | None,
    ) -> Result:
        forget_secrets()  # each run stands on its own: nothing registered by an earlier test helps it
        self.runs += 1
        summary = self.tmp_path / f"step-summary-{self.runs}.md"
        summary.write_text("", encoding="utf-8")
        if output_file is not None:
            args = [*args, "--output", str(output_file)]
        environment = {**CANARY_ENV, "GITHUB_STEP_SUMMARY": str(summary), **(env or {})}
        result = runner.invoke(app, args, env=environment, input=input)
        _checked["invocations"] += 1
        where = " ".join(args)
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            f"{where}: {type(result.exception).__name__} escaped"
        )
        assert result.exit_code in codes, f"{where}: exit {result.exit_code}\n{result.output}"
        assert "Traceback" not in result.output, where
        assert_clean(result.stdout, f"{where} (stdout)")
        assert_clean(result.stderr, f"{where} (stderr)")
        assert_clean(summary.read_text(encoding="utf-8", errors="replace"), f"{where} (GITHUB_STEP_SUMMARY)")
        if output_file is not None and output_file.exists():
            assert_clean(output_file.read_text(encoding="utf-8", errors="replace"), f"{where} (--output file)")
        return result


@pytest.fixture
def scan(tmp_path: Path) -> Scanner:
    return Scanner(tmp_path)


# --------------------------------------------------------------------------- pasted text for explain / analyze

CURL_V = f"""\
$ curl -v "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent?key={CANARY["gemini"]}" \\
    -H "Authorization: Bearer {CANARY["neon"]}" -H "x-api-key: {CANARY["bare"]}"
*   Trying 10.0.0.1:443...
* Connected to {NEON_HOST} (10.0.0.1) port 443
> POST /v1/chat/completions?key={CANARY["gemini"]} HTTP/2
> Host: {NEON_HOST}
> Authorization: Bearer {CANARY["neon"]}
> x-api-key: {CANARY["anthropic"]}
> x-goog-api-key: {CANARY["gemini"]}
> cf-aig-authorization: Bearer {CANARY["cloudflare"]}
> api-key: {CANARY["bare"]}
> Cookie: session={CANARY["bare"]}
>
< HTTP/2 401
< content-type: application/json
< www-authenticate: Bearer error="invalid_token", token="{CANARY["neon"]}"
< x-echo-authorization: Bearer {CANARY["openai"]}
< set-cookie: session={FOREIGN["bare"]}
<
{{"error": {{"message": "invalid credential {CANARY["neon"]} (key {FOREIGN["openai"]})", "api_key": "{FOREIGN["bare"]}", "url": "https://x/v1?key={FOREIGN["gemini"]}"}}}}
"""

RAW_RESPONSE = f"""\
HTTP/1.1 403 Forbidden
content-type: application/json
authorization: Bearer {FOREIGN["neon"]}
x-api-key: {FOREIGN["bare"]}

{{"error": {{"message": "credential not authorized for this branch", "token": "{CANARY["neon"]}", "echo": "Bearer {CANARY["cloudflare"]}"}}}}
"""

SDK_TEXT = (
    f"openai.AuthenticationError: Error code: 401 - {{'error': {{'message': 'Incorrect API key provided: "
    f"{CANARY['openai']}. You can find your API key at https://platform.openai.com/account/api-keys.', "
    f"'type': 'invalid_request_error', 'code': 'invalid_api_key'}}}} url=https://x/v1beta/models?key={FOREIGN['gemini']}"
)

PASTED = {"curl -v": CURL_V, "raw response": RAW_RESPONSE, "SDK exception": SDK_TEXT}


@pytest.mark.parametrize("kind", list(PASTED))
def test_explain_pasted_text_in_every_format(scan: Scanner, kind: str) -> None:
    for options in matrix("explain"):
        scan.run(["explain", "-", *options], input=PASTED[kind])
        scan.run(["explain", PASTED[kind], *options])


def test_explain_with_header_options_and_queries(scan: Scanner) -> None:
    for output in formats("explain"):
        scan.run(
            [
                "explain",
                "401",
                "--format",
                output,
                "--header",
                f"Authorization: Bearer {CANARY['neon']}",
                "--header",
                f"x-api-key: {FOREIGN['bare']}",
                "--header",
                f"x-goog-api-key: {CANARY['gemini']}",
            ]
        )
        scan.run(["explain", CANARY["neon"], "--format", output])
        scan.run(["explain", f"invalid api key {FOREIGN['openai']}", "--status", "401", "--format", output])
        scan.run(["explain", CANARY["bare"], "--format", output])


def test_explain_stdin_in_odd_encodings(scan: Scanner) -> None:
    text = CURL_V.encode()
    for data in (text, text.replace(b"\n", b"\r\n"), b"\xff\xfe" + text, text[: len(text) // 2], b"\x00" + text):
        scan.run(["explain", "-"], input=data)


# --------------------------------------------------------------------------- check: emulator and echo servers


def test_check_against_the_emulator_with_the_canary_token(scan: Scanner) -> None:
    for options in matrix("check"):
        scan.run(["check", "--mock", "healthy", *options])
        scan.run(["check", "--mock", "healthy", "--mock-gateway", "cloudflare", "--invoke", *options])


class Echo(BaseHTTPRequestHandler):
    """A hostile gateway: echoes every credential it gets back in headers and body, with some of its own."""

    mode = "401-json"

    def _answer(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        sent = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        received = {k: v for k, v in self.headers.items()}
        goog = self.headers.get("x-goog-api-key") or FOREIGN["gemini"]
        mode = type(self).mode
        status = {"401-json": 401, "200-json": 200, "500-text": 500}[mode]
        if mode == "200-json":
            body = json.dumps(
                {
                    "object": "list",
                    "data": [{"id": "gpt-5-mini", "owned_by": v} for v in received.values()],
                    "echo": received,
                    "request": sent,
                }
            )
            content_type = "application/json"
        elif mode == "401-json":
            body = json.dumps(
                {
                    "error": {
                        "message": f"invalid credential {self.headers.get('authorization')}",
                        "type": "auth",
                        "received": received,
                        "api_key": FOREIGN["bare"],
                        "foreign": FOREIGN["openai"],
                        "url": f"https://x/v1beta/models/m:generateContent?key={goog}",
                    }
                }
            )
            content_type = "application/json"
        else:
            body = "Internal error while handling:\n" + "\n".join(f"{k}: {v}" for k, v in received.items())
            body += f"\nGET /v1beta/models?key={goog}\n{FOREIGN['neon']}\n"
            content_type = "text/plain"
        data = body.encode()
        self.send_response(status)
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(data)))
        for name in ("authorization", "x-api-key", "x-goog-api-key", "cf-aig-authorization"):
            if self.headers.get(name):
                self.send_header(f"x-echo-{name}", self.headers[name])
                self.send_header(name, self.headers[name])
        self.send_header("x-api-key", FOREIGN["bare"])
        self.send_header("www-authenticate", f'Bearer error="invalid_token", token="{FOREIGN["neon"]}"')
        self.send_header("x-echo-url", f"https://generativelanguage.googleapis.com/v1beta/models?key={goog}")
        self.send_header("set-cookie", f"session={FOREIGN['bare']}")
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = _answer

    def log_message(self, format: str, *args: object) -> None:
        return None


@pytest.fixture
def echo_server() -> Iterator[Callable[[str], int]]:
    servers: list[ThreadingHTTPServer] = []

    def start(mode: str) -> int:
        handler = type("EchoHandler", (Echo,), {"mode": mode})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return int(server.server_address[1])

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("mode", ["401-json", "200-json", "500-text"])
def test_check_against_a_server_that_echoes_credentials(
    scan: Scanner, echo_server: Callable[[str], int], mode: str
) -> None:
    port = echo_server(mode)
    neon = ["--url", f"http://{NEON_HOST}:{port}", "--resolve", f"{NEON_HOST}:{port}:127.0.0.1"]
    cf_host = "gateway.ai.cloudflare.com"
    cf = ["--resolve", f"{cf_host}:{port}:127.0.0.1"]
    targets = [
        [*neon, "--invoke"],
        ["--url", f"http://{cf_host}:{port}/v1/{CF_ACCOUNT}/gw/openai", *cf, "--invoke"],
        ["--url", f"http://{cf_host}:{port}/v1/{CF_ACCOUNT}/gw/anthropic", *cf, "--invoke"],
        ["--url", f"http://{cf_host}:{port}/v1/{CF_ACCOUNT}/gw/google-ai-studio", *cf, "--invoke"],
        ["--url", f"http://{cf_host}:{port}/v1/{CF_ACCOUNT}/gw/mistral", *cf, "--invoke"],
    ]
    if mode != "401-json":
        targets = targets[:1]  # the body shape is what differs; the providers were covered by the first mode
    for index, target in enumerate(targets):
        for options in matrix("check") if index == 0 else [["--format", "text", "-vv"], ["--format", "json"]]:
            scan.run(["check", *target, "--retries", "0", "--timeout", "5", *options], output_file=index == 0)


# --------------------------------------------------------------------------- error paths


def test_bad_token_sources(scan: Scanner, tmp_path: Path) -> None:
    messy = tmp_path / "token"
    messy.write_text(f"Bearer {CANARY['neon']}\n{CANARY['bare']}\n", encoding="utf-8")
    binary = tmp_path / "token.bin"
    binary.write_bytes(b"\xff\xfe" + CANARY["neon"].encode() + b"\x00\n")
    url = ["--url", f"https://{NEON_HOST}", "--offline"]
    for output in formats("check"):
        scan.run(["check", *url, "--token-file", str(tmp_path / CANARY["neon"]), "--format", output], codes=(2,))
        scan.run(["check", *url, "--token-file", str(messy), "--format", output, "-vv"])
        scan.run(["check", *url, "--token-file", str(binary), "--format", output, "-vv"])
        scan.run(["check", *url, "--token-env", CANARY["neon"], "--format", output, "-vv"])
        scan.run(["check", *url, "--token-env", CANARY["bare"], "--format", output, "-vv"])
        scan.run(["check", *url, "--token-stdin", "--format", output, "-vv"], input=f"  {CANARY['neon']} \n\n")
        scan.run(["check", *url, "--format", output], env={"NEON_AI_GATEWAY_TOKEN": f"'{CANARY['neon']}'\n"})


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example.com",  # untrusted host without --allow-host
        f"http://{NEON_HOST}",  # plain http to a non-loopback host
        "http://gateway.ai.cloudflare.com/v1/acct/gw/openai",
        f"https://evil.example.com/v1beta/models?key={CANARY['gemini']}",
        f"https://user:{CANARY['bare']}@{NEON_HOST}",
    ],
)
def test_refused_hosts(scan: Scanner, url: str) -> None:
    for output in formats("check"):
        result = scan.run(["check", "--url", url, "--format", output, "-vv"], codes=(2,))
        refused = ("refusing", "remove the credentials", "not the host of any gateway")
        assert any(words in result.output for words in refused) or output != "text"


USAGE_ERRORS = [
    ["check", "--token", CANARY["neon"]],
    ["check", f"--token={CANARY['neon']}"],
    ["check", "--api-key", CANARY["openai"]],
    ["check", "--timeout", CANARY["neon"]],
    ["check", "--retries", CANARY["bare"]],
    ["check", "--gateway", CANARY["neon"]],
    ["check", "--mock-gateway", CANARY["cloudflare"]],
    ["check", "--mock", CANARY["neon"]],
    ["check", "--resolve", CANARY["neon"]],
    ["check", "--url", CANARY["neon"]],
    ["check", "--url", CANARY["bare"], "--token-env", "NOPE"],
    ["check", "--format", CANARY["neon"]],
    ["check", "--mock", "healthy", "--token-env", "NEON_AI_GATEWAY_TOKEN", "--token-file", CANARY["neon"]],
    ["explain", "--status", CANARY["neon"], "x"],
    ["explain", "401", "--format", CANARY["openai"]],
    ["explain", "401", "--header", f"Authorization=Bearer {CANARY['neon']}"],
    ["explain", "401", "--header", CANARY["bare"]],
    ["explain", "401", "--gateway", CANARY["gemini"]],
    ["explain", "401", "--rules", f"/nonexistent/{CANARY['neon']}.yaml"],
    [CANARY["neon"]],
    [CANARY["bare"]],
    ["rules", CANARY["neon"]],
    ["rules", "show", CANARY["neon"]],
    ["rules", "show", CANARY["bare"]],
    ["rules", "list", "--category", CANARY["openai"]],
    ["rules", "list", "--gateway", CANARY["neon"]],
    ["rules", "lint", f"/nonexistent/{CANARY['neon']}"],
    ["rules", "test", f"/nonexistent/{CANARY['bare']}"],
    ["mock", CANARY["neon"]],
    ["mock", "neon", "--scenario", CANARY["neon"]],
    ["mock", "neon", "--port", CANARY["bare"]],
    ["mock", "neon", "--config", f"/nonexistent/{CANARY['neon']}.yaml"],
]


@pytest.mark.parametrize("args", USAGE_ERRORS, ids=lambda a: " ".join(x.replace(MARKER, "C") for x in a)[:60])
def test_usage_errors_with_a_token_in_the_wrong_place(scan: Scanner, args: list[str]) -> None:
    scan.run(args, codes=(1, 2))  # 1: `check --url TOKEN` reads the token as a host name and checks it


def test_a_token_as_an_option_value_is_refused() -> None:
    result = runner.invoke(app, ["check", "--token", CANARY["neon"]], env=CANARY_ENV)
    assert result.exit_code == 2
    assert "No such option" in result.output


def test_a_redirect_does_not_carry_the_credential(scan: Scanner) -> None:
    seen: list[tuple[str, str | None]] = []

    class Redirect(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            seen.append((self.path, self.headers.get("authorization")))
            if self.path.startswith("/elsewhere"):
                self.send_response(200)
                self.send_header("content-length", "2")
                self.end_headers()
                self.wfile.write(b"{}")
                return
            self.send_response(302)
            self.send_header(
                "location",
                f"http://127.0.0.1:{self.server.server_address[1]}/elsewhere"
                f"?token={self.headers.get('authorization', '').split(' ')[-1]}",
            )
            self.send_header("content-length", "0")
            self.end_headers()

        do_GET = do_POST = _answer

        def log_message(self, format: str, *args: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        for output in formats("check"):
            scan.run(
                [
                    "check",
                    "--url",
                    f"http://{NEON_HOST}:{port}",
                    "--resolve",
                    f"{NEON_HOST}:{port}:127.0.0.1",
                    "--retries",
                    "0",
                    "--format",
                    output,
                    "-vv",
                ]
            )
    finally:
        server.shutdown()
        server.server_close()
    assert seen and all(not path.startswith("/elsewhere") for path, _ in seen)


def test_rule_packs_holding_tokens(scan: Scanner, tmp_path: Path) -> None:
    pack = tmp_path / "pack.yaml"
    pack.write_text(
        f"""\
rules:
  - id: custom.token.echoed
    gateway: any
    category: credential
    title: "Token {CANARY["neon"]} rejected"
    match:
      status: 418
      body: [{{field: $message, contains: teapot}}]
    cause: "The server saw Authorization: Bearer {CANARY["openai"]}."
    fix: "Rotate {CANARY["cloudflare"]} and x-api-key: {CANARY["bare"]}"
    commands: ["curl -H 'x-goog-api-key: {CANARY["gemini"]}' https://x/?key={CANARY["gemini"]}"]
    docs: https://example.com/teapot?key={CANARY["gemini"]}
    examples:
      match:
        - raw: "HTTP/1.1 418 Teapot\\nx-api-key: {CANARY["bare"]}\\n\\n{{\\"error\\": {{\\"message\\": \\"teapot {CANARY["neon"]}\\"}}}}"
      no_match:
        - status: 418
          body: '{{"error": {{"message": "coffee {CANARY["neon"]}"}}}}'
""",
        encoding="utf-8",
    )
    for output in formats("explain"):
        scan.run(["explain", "418", "--rules", str(pack), "--format", output])
        scan.run(["explain", "--all", "--rules", str(pack), "--format", output])
    for output in formats("rules", "show"):
        scan.run(["rules", "show", "custom.token.echoed", "--rules", str(pack), "--format", output])
    for output in formats("rules", "list"):
        scan.run(["rules", "list", "--rules", str(pack), "--format", output])
    scan.run(["rules", "lint", str(pack)])
    scan.run(["rules", "test", str(pack)])
    broken = tmp_path / "broken.yaml"
    broken.write_text(f"rules:\n  - id: {CANARY['neon']}\n    token: {CANARY['bare']}\n", encoding="utf-8")
    scan.run(["rules", "lint", str(broken)], codes=(2,))
    scan.run(["explain", "401", "--rules", str(broken)], codes=(2,))


# --------------------------------------------------------------------------- exceptions


def test_an_internal_error_is_one_masked_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import aigw_doctor.explain

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError(f"boom: Bearer {CANARY['neon']} {CANARY['bare']} {FOREIGN['openai']}")

    monkeypatch.setattr(aigw_doctor.explain, "explain", explode)
    for name, value in CANARY_ENV.items():
        monkeypatch.setenv(name, value)
    forget_secrets()
    monkeypatch.setattr(sys, "argv", ["aigw-doctor", "explain", "401"])
    with pytest.raises(SystemExit) as exited:
        cli.main()
    assert exited.value.code == 2
    captured = capsys.readouterr()
    assert "internal error" in captured.err and "Traceback" not in captured.err
    assert_clean(captured.out, "internal error (stdout)")
    assert_clean(captured.err, "internal error (stderr)")
    _checked["invocations"] += 1


def test_a_crashed_checker_is_reported_masked(scan: Scanner, monkeypatch: pytest.MonkeyPatch) -> None:
    import aigw_doctor.check.runner as check_runner

    def explode(*args: object, **kwargs: object) -> None:
        # A shapeless key nobody registered cannot be recognised in free text; every other kind must be masked.
        raise ValueError(f"cannot parse {CANARY['neon']} / {FOREIGN['openai']} / x-api-key: {CANARY['bare']}")

    monkeypatch.setattr(check_runner, "_probe_check", explode)
    for options in matrix("check"):
        scan.run(["check", "--mock", "healthy", *options])


# --------------------------------------------------------------------------- mock's banner


def test_mock_banner_does_not_show_the_environment_token() -> None:
    env = {**os.environ, **CANARY_ENV, "NO_COLOR": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "aigw_doctor", "mock", "neon", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    lines = []
    try:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            if "Ctrl+C" in line or len(lines) > 60:
                break
    finally:
        process.send_signal(signal.SIGINT)
        try:
            _, err = process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            _, err = process.communicate()
    banner = "".join(lines)
    assert "listening on" in banner
    assert_clean(banner, "mock banner (stdout)")
    assert_clean(err, "mock banner (stderr)")
    _checked["invocations"] += 1


# --------------------------------------------------------------------------- analyze, when present


def _log_files(tmp_path: Path) -> list[Path]:
    records = [
        {
            "timestamp": "2026-07-01T12:00:00Z",
            "method": "POST",
            "status": 401,
            "url": f"https://generativelanguage.googleapis.com/v1beta/models/g:generateContent?key={CANARY['gemini']}",
            "request_headers": {"authorization": f"Bearer {CANARY['neon']}", "x-api-key": CANARY["bare"]},
            "headers": {
                "www-authenticate": f"Bearer token={CANARY['neon']}",
                "x-api-key": FOREIGN["bare"],
                "cf-aig-authorization": f"Bearer {CANARY['cloudflare']}",
            },
            "body": {"error": {"message": f"invalid credential {CANARY['neon']}", "api_key": FOREIGN["bare"]}},
        },
        {
            "status": 429,
            "url": f"https://{NEON_HOST}/v1/chat/completions?token={CANARY['bare']}",
            "headers": {"retry-after": "30", "x-goog-api-key": CANARY["gemini"]},
            "body": f"quota exceeded for key {FOREIGN['openai']}",
        },
        {
            "status": 0,
            "url": f"https://{NEON_HOST}/?key={CANARY['gemini']}",
            "error_message": f"ConnectError: Bearer {CANARY['neon']} connection refused",
        },
    ]
    jsonl = tmp_path / "requests.jsonl"
    jsonl.write_text("\n".join(json.dumps(r) for r in records) + "\nnot json " + CANARY["neon"] + "\n", "utf-8")
    har = tmp_path / "session.har"
    har.write_text(
        json.dumps(
            {
                "log": {
                    "entries": [
                        {
                            "startedDateTime": "2026-07-01T12:00:00Z",
                            "request": {
                                "method": "POST",
                                "url": f"https://{NEON_HOST}/v1/models?key={CANARY['gemini']}",
                                "headers": [{"name": "Authorization", "value": f"Bearer {CANARY['neon']}"}],
                            },
                            "response": {
                                "status": 403,
                                "headers": [{"name": "x-api-key", "value": FOREIGN["bare"]}],
                                "content": {
                                    "mimeType": "application/json",
                                    "text": json.dumps({"error": {"message": f"bad token {CANARY['neon']}"}}),
                                },
                            },
                        }
                    ]
                }
            }
        ),
        "utf-8",
    )
    transcript = tmp_path / "curl.txt"
    transcript.write_text(CURL_V + "\n" + CURL_V, "utf-8")
    return [jsonl, har, transcript]


def test_analyze_logs_in_every_format(scan: Scanner, tmp_path: Path) -> None:
    if command("analyze") is None:
        pytest.skip("no analyze command in this build")
    files = _log_files(tmp_path)
    for options in matrix("analyze") or [[]]:
        for path in files:
            scan.run(["analyze", str(path), *options])
        scan.run(["analyze", *map(str, files), *options])
        scan.run(["analyze", "-", *options], input=CURL_V)
    scan.run(["analyze", str(tmp_path / CANARY["neon"])], codes=(1, 2))
