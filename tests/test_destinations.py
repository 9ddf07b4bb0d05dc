"""A credential goes only where the user sent it: the gateway's own hosts over https, or loopback — whichever
secret it is (gateway token or provider key) — and never in clear text through a proxy.

Everything here runs over loopback: a recording "proxy" and a recording server show what reached them.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aigw_doctor.check.route import choose_route
from aigw_doctor.check.target import Target
from aigw_doctor.cli import app
from aigw_doctor.gateways import get as gateway
from aigw_doctor.redact import forget_secrets

runner = CliRunner()
ACCOUNT = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
PROVIDER_KEY = "sk-proj-PROVIDERKEYcanary0123456789abcdef"
NEON_TOKEN = "nt_live_DESTINATIONcanary0123456789abcdef"
NEON_URL = "https://br-winter-pond-aptw82ef-api.ai.c-2.us-east-2.aws.neon.tech"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in (
        "CF_AIG_TOKEN",
        "OPENAI_API_KEY",
        "ANTHROPIC_API_KEY",
        "NEON_AI_GATEWAY_TOKEN",
        "NEON_AI_GATEWAY_KEY",
        "NEON_AI_GATEWAY_BASE_URL",
        "CLOUDFLARE_AI_GATEWAY_URL",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "NO_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
        "no_proxy",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "120")
    yield
    forget_secrets()


class Recorder:
    """A loopback TCP listener that keeps every byte it is sent and answers with a fixed reply."""

    def __init__(self, reply: bytes = b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"):
        self.reply = reply
        self.received = bytearray()
        self.connections = 0
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            conn.settimeout(2)
            try:
                data = conn.recv(65536)
                self.received += data
                conn.sendall(self.reply)
            except OSError:
                pass
            finally:
                conn.close()

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    server = Recorder()
    yield server
    server.close()


def check(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["check", *args])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


# --------------------------------------------------------------------------- every secret, one rule


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_provider_key_alone_is_not_sent_to_an_untrusted_host(
    scheme: str, monkeypatch: pytest.MonkeyPatch, recorder: Recorder
) -> None:
    """Cloudflare without a gateway token: the provider key is subject to the same destination rules."""
    monkeypatch.setenv("OPENAI_API_KEY", PROVIDER_KEY)
    url = f"{scheme}://evil.example:{recorder.port}/v1/{ACCOUNT}/gw/openai"
    code, out = check(
        "--gateway", "cloudflare", "--url", url, "--resolve", f"evil.example:{recorder.port}:10.255.255.1"
    )
    assert code == 2, out
    assert "refusing to send the credential" in out
    assert PROVIDER_KEY not in out and recorder.connections == 0


def test_provider_key_to_an_untrusted_name_without_resolve(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", PROVIDER_KEY)
    code, out = check("--gateway", "cloudflare", "--url", f"https://evil.example/v1/{ACCOUNT}/gw/openai")
    assert code == 2 and "refusing to send the credential to evil.example" in out
    assert "All checks passed" not in out


def test_allow_host_lets_the_user_say_where_the_key_goes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", PROVIDER_KEY)
    _code, out = check(
        "--gateway", "cloudflare", "--url", f"https://evil.example/v1/{ACCOUNT}/gw/openai",
        "--allow-host", "evil.example", "--offline",
    )  # fmt: skip
    assert "refusing" not in out, out


# --------------------------------------------------------------------------- proxies


def test_loopback_target_never_goes_through_the_proxy(monkeypatch: pytest.MonkeyPatch, recorder: Recorder) -> None:
    """The README's first command with HTTP(S)_PROXY set: the emulator is loopback, so no proxy sees a byte."""
    proxy = f"http://127.0.0.1:{recorder.port}"
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.setenv(name, proxy)
    code, out = check("--mock", "healthy", "--format", "json")
    assert code == 0, out
    assert recorder.connections == 0
    data = json.loads(out[out.index("{") :])
    assert data["target"]["proxy"].startswith("direct") and "proxies are not used" in data["target"]["proxy"]


def test_resolve_target_never_goes_through_the_proxy(monkeypatch: pytest.MonkeyPatch, recorder: Recorder) -> None:
    monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{recorder.port}")
    monkeypatch.setenv("NEON_AI_GATEWAY_TOKEN", NEON_TOKEN)
    host = NEON_URL.removeprefix("https://")
    _code, out = check("--url", NEON_URL, "--resolve", f"{host}:443:127.0.0.1", "--timeout", "2", "--format", "json")
    assert recorder.connections == 0
    assert NEON_TOKEN not in out
    data = json.loads(out[out.index("{") :])
    assert "--resolve" in data["target"]["proxy"]


def test_https_through_a_proxy_is_tunnelled_and_named(monkeypatch: pytest.MonkeyPatch, recorder: Recorder) -> None:
    """Through an http proxy the token travels inside the target's TLS: the proxy sees CONNECT, never the token;
    the report names the proxy."""
    monkeypatch.setenv("HTTPS_PROXY", f"http://user:proxypass99@127.0.0.1:{recorder.port}")
    monkeypatch.setenv("NEON_AI_GATEWAY_TOKEN", NEON_TOKEN)
    code, out = check("--url", NEON_URL, "--timeout", "3", "--retries", "0", "--format", "json")
    assert recorder.connections >= 1
    seen = bytes(recorder.received)
    assert seen.startswith(b"CONNECT ") and NEON_TOKEN.encode() not in seen
    assert NEON_TOKEN not in out and "proxypass99" not in out
    data = json.loads(out[out.index("{") :])
    assert data["target"]["proxy"].startswith(f"proxy http://127.0.0.1:{recorder.port} (HTTPS_PROXY")
    assert code != 0  # the proxy refused the tunnel: no green


def test_no_proxy_is_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    target = Target(gateway("neon"), "https", "br-x-api.c-2.us-east-2.aws.neon.tech", 443, "", "--url")
    env = {"HTTPS_PROXY": "http://proxy.corp:3128", "NO_PROXY": ".neon.tech"}
    assert choose_route(target, env).proxy is None
    routed = choose_route(target, {"HTTPS_PROXY": "http://proxy.corp:3128"})
    assert routed.proxy == "http://proxy.corp:3128" and routed.tunnelled


def test_plain_http_through_a_proxy_is_not_tunnelled() -> None:
    target = Target(gateway("neon"), "http", "gateway.internal", 80, "", "--url")
    route = choose_route(target, {"HTTP_PROXY": "http://proxy.corp:3128"})
    assert route.proxy is not None and not route.tunnelled


def test_unsupported_proxy_scheme_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALL_PROXY", "socks5://127.0.0.1:1080")
    monkeypatch.setenv("NEON_AI_GATEWAY_TOKEN", NEON_TOKEN)
    code, out = check("--url", NEON_URL, "--timeout", "2")
    assert code == 2 and "ALL_PROXY" in out and "not supported" in out


# --------------------------------------------------------------------------- what is echoed, what is read


def test_url_password_is_never_echoed() -> None:
    code, out = check("--url", "ftp://svc:HUNTER2pass@host.example/")
    assert code == 2 and "HUNTER2pass" not in out and "expected an http(s) URL" in out


def test_token_file_is_read_only_up_to_the_limit() -> None:
    code, out = check("--url", NEON_URL, "--token-file", "/dev/zero")
    assert code == 2 and "larger than 64 KiB" in out


def test_mock_config_banner_masks_configured_credentials(tmp_path: Path) -> None:
    from aigw_doctor.commands.mock import _banner
    from aigw_doctor.mock import Emulator

    config = tmp_path / "mock.yaml"
    secret = "nt_live_CONFIGUREDsecret0123456789abcdef"
    config.write_text(
        "neon:\n  branches:\n    - {id: br-root-aaaa1111, name: main}\n  default_branch: br-root-aaaa1111\n"
        f"  credentials:\n    - {{token: {secret}, branch: br-root-aaaa1111}}\n"
    )
    emulator = Emulator("neon", config=config)
    import contextlib
    import io

    shown = io.StringIO()
    with contextlib.redirect_stdout(shown):
        _banner(emulator, configured=True)
    assert secret not in shown.getvalue() and "masked" in shown.getvalue()


# --------------------------------------------------------------------------- no pass on a rejected probe


class Answering:
    """A loopback HTTP server that answers every request with one fixed status, headers and body."""

    def __init__(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        import http.server

        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                if length:
                    self.rfile.read(length)
                self.send_response(outer.status)
                for name, value in (outer.headers or {}).items():
                    self.send_header(name, value)
                self.send_header("content-length", str(len(outer.body)))
                self.end_headers()
                self.wfile.write(outer.body)

            do_GET = do_POST = _answer

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.status, self.body, self.headers = status, body, headers
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _gzip_bomb() -> bytes:
    import gzip

    return gzip.compress(b"\0" * (20 * 1024 * 1024))


@pytest.mark.parametrize(
    ("status", "body", "headers"),
    [
        (401, b"<html><body><h1>401 Authorization Required</h1><hr>nginx</body></html>", {"content-type": "text/html"}),
        (403, b"", {}),
        (404, b'{"detail":"Not Found"}', {"content-type": "application/json"}),
        (418, b"I'm a teapot", {"content-type": "text/plain"}),
        (500, b"x" * (2 * 1024 * 1024), {"content-type": "text/plain"}),
        (500, _gzip_bomb(), {"content-type": "text/plain", "content-encoding": "gzip"}),
    ],
    ids=["nginx-401", "empty-403", "detail-404", "teapot-418", "huge-500", "gzip-bomb-500"],
)
def test_a_rejected_probe_is_never_a_pass(
    monkeypatch: pytest.MonkeyPatch, status: int, body: bytes, headers: dict[str, str]
) -> None:
    """Whatever the catalog thinks of the body, a probe that did not get its proving answer fails the run."""
    server = Answering(status, body, headers)
    try:
        monkeypatch.setenv("NEON_AI_GATEWAY_TOKEN", NEON_TOKEN)
        host = NEON_URL.removeprefix("https://")
        url = f"http://{host}:{server.port}"
        code, out = check(
            "--url", url, "--resolve", f"{host}:{server.port}:127.0.0.1", "--timeout", "8", "--retries", "0",
            "--format", "json",
        )  # fmt: skip
    finally:
        server.close()
    assert code in (1, 3), out
    data = json.loads(out[out.index("{") :])
    assert not data["verdict"].startswith(("All checks passed", "Gateway checks passed"))


def test_a_deeply_nested_model_list_is_a_finding_not_an_internal_error(monkeypatch: pytest.MonkeyPatch) -> None:
    server = Answering(200, b"[" * 3000, {"content-type": "application/json"})
    try:
        monkeypatch.setenv("NEON_AI_GATEWAY_TOKEN", NEON_TOKEN)
        host = NEON_URL.removeprefix("https://")
        code, out = check(
            "--url", f"http://{host}:{server.port}", "--resolve", f"{host}:{server.port}:127.0.0.1",
            "--timeout", "5", "--retries", "0", "--format", "json",
        )  # fmt: skip
    finally:
        server.close()
    assert "RecursionError" not in out and code != 2
    data = json.loads(out[out.index("{") :])
    listed = next(c for c in data["checks"] if c["name"] == "model list")
    assert listed["status"] == "warning" and "unreadable" in listed["detail"]
