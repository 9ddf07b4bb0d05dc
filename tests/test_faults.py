"""Hostile or broken servers, over real loopback sockets: every fault gives a classified finding with a fix,
the documented exit code, and the run ends within its deadline (plus a generous margin that only catches
hangs; nothing here asserts how fast anything is)."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from typer.testing import CliRunner

from aigw_doctor.cli import app
from aigw_doctor.mock import Emulator
from aigw_doctor.mock.config import NEON_TOKEN_FULL

runner = CliRunner()
HOST = "br-winter-pond-aptw82ef-api.ai.c-2.us-east-2.aws.neon.tech"
MARGIN_S = 5.0  # start-up, teardown and a slow CI machine: generous on purpose
TOKEN_ENV = {"NEON_AI_GATEWAY_TOKEN": NEON_TOKEN_FULL}

# Exit codes as the README documents them.
PROBLEM, INCONCLUSIVE = 1, 3


def check(args: list[str], timeout: float, env: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
    started = time.monotonic()
    result = runner.invoke(app, ["check", *args, "--timeout", f"{timeout:g}", "--format", "json"], env=env)
    elapsed = time.monotonic() - started
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert elapsed < timeout + MARGIN_S, f"took {elapsed:.1f} s with --timeout {timeout:g}"
    data = json.loads(result.stdout)
    assert data["findings"], "a fault must give a finding"
    for finding in data["findings"]:
        assert finding["fix"].strip() and finding["category"] != "unknown", finding
    assert data["exit_code"] == result.exit_code
    return result.exit_code, data


def connection(data: dict[str, Any]) -> dict[str, Any]:
    return next(c for c in data["checks"] if c["name"] == "connection")


def categories(data: dict[str, Any]) -> set[str]:
    return {f["category"] for f in data["findings"]}


def resolved(port: int, host: str = HOST, scheme: str = "http") -> list[str]:
    return ["--url", f"{scheme}://{host}:{port}", "--resolve", f"{host}:{port}:127.0.0.1"]


# --------------------------------------------------------------------------- raw socket servers


@pytest.fixture
def raw_server() -> Iterator[Callable[[Callable[[socket.socket], None] | None], int]]:
    """A listening socket; `handler(conn)` runs per connection, None never even accepts."""
    sockets: list[socket.socket] = []
    stop = threading.Event()

    def start(handler: Callable[[socket.socket], None] | None) -> int:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        listener.settimeout(0.2)
        sockets.append(listener)
        if handler is not None:

            def serve() -> None:
                while not stop.is_set():
                    try:
                        conn, _ = listener.accept()
                    except (TimeoutError, OSError):
                        continue
                    sockets.append(conn)
                    threading.Thread(target=handler, args=(conn,), daemon=True).start()

            threading.Thread(target=serve, daemon=True).start()
        return int(listener.getsockname()[1])

    yield start
    stop.set()
    for sock in sockets:
        sock.close()


def _read_request(conn: socket.socket) -> None:
    conn.settimeout(5)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return
        data += chunk


def garbage(conn: socket.socket) -> None:
    _read_request(conn)
    conn.sendall(b"SSH-2.0-OpenSSH_9.6\r\nthis is not HTTP\r\n\r\n")
    conn.close()


def silent(conn: socket.socket) -> None:
    _read_request(conn)  # read the request, answer nothing, keep the connection open


def reset_after_headers(conn: socket.socket) -> None:
    _read_request(conn)
    conn.sendall(b'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 5000\r\n\r\n{"data": [')
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    conn.close()


# --------------------------------------------------------------------------- the faults

FAULTS_SURVIVED: list[str] = []


def survived(name: str) -> None:
    FAULTS_SURVIVED.append(name)


def test_latency_past_the_deadline() -> None:
    code, data = check(["--mock", "healthy", "--mock-latency", "3000"], timeout=1)
    assert code == INCONCLUSIVE
    assert "timeout" in categories(data)
    assert "--timeout" in connection(data)["detail"]
    survived("latency")


def test_a_body_that_trickles() -> None:
    code, data = check(["--mock", "slow-body"], timeout=2)
    assert code == INCONCLUSIVE
    assert "timeout" in categories(data)
    survived("slow-body")


def test_a_reset_mid_body() -> None:
    code, data = check(["--mock", "reset-mid-body", "--retries", "0"], timeout=5)
    assert code == INCONCLUSIVE
    assert connection(data)["status"] == "error"
    assert "reset" in connection(data)["detail"] or "closed" in connection(data)["detail"]
    survived("reset-mid-body")


def test_a_reset_right_after_the_headers(raw_server: Callable[..., int]) -> None:
    code, data = check([*resolved(raw_server(reset_after_headers)), "--retries", "0"], timeout=5, env=TOKEN_ENV)
    assert code == INCONCLUSIVE
    assert connection(data)["status"] == "error"
    survived("reset-after-headers")


def test_a_huge_body_is_read_only_up_to_the_cap_and_says_so() -> None:
    result = runner.invoke(app, ["check", "--mock", "huge-body", "--timeout", "20", "--format", "json"])
    data = json.loads(result.stdout)
    assert result.exit_code in (0, 1, 3)
    assert any(p["truncated"] for p in data["probes"])
    assert any("read the first 1 MiB" in c["detail"] for c in data["checks"])
    survived("huge-body")


def test_an_html_error_page_from_a_proxy() -> None:
    code, data = check(["--mock", "html-502", "--retries", "0"], timeout=5)
    assert code in (PROBLEM, INCONCLUSIVE)
    assert all(p["status"] == 502 for p in data["probes"])
    assert categories(data) & {"upstream", "routing"}
    survived("html-502")


def test_a_self_signed_certificate(start_emulator: Callable[..., Emulator]) -> None:
    emulator = start_emulator("neon", tls=True)
    code, data = check(resolved(emulator.port, scheme="https"), timeout=5, env=TOKEN_ENV)
    assert code == PROBLEM
    assert data["findings"][0]["rule"].startswith("net.tls")
    assert "TLS" in connection(data)["detail"]
    survived("tls-untrusted")


def test_a_certificate_for_another_host(start_emulator: Callable[..., Emulator]) -> None:
    emulator = start_emulator("neon", tls=True)
    other = "br-nosuch-aaaa1111-api.ai.c-2.us-east-2.aws.neon.tech"
    args = [*resolved(emulator.port, host=other, scheme="https"), "--ca-bundle", str(emulator.ca_file)]
    code, data = check(args, timeout=5, env=TOKEN_ENV)
    assert code == PROBLEM
    assert data["findings"][0]["rule"].startswith("net.tls")
    survived("tls-wrong-host")


def test_a_name_that_does_not_resolve() -> None:
    # A sandbox without DNS may fail differently (or slowly): whatever happens is classified and bounded.
    code, data = check(
        ["--url", "https://nosuch.invalid", "--gateway", "neon", "--allow-host", "nosuch.invalid"],
        timeout=5,
        env=TOKEN_ENV,
    )
    assert code in (PROBLEM, INCONCLUSIVE)
    assert connection(data)["status"] == "error"
    survived("dns")


def test_a_closed_port() -> None:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens there now
    code, data = check(resolved(port), timeout=5, env=TOKEN_ENV)
    assert code == PROBLEM
    assert data["findings"][0]["rule"].startswith("net.connect")
    survived("closed-port")


def test_accepts_and_never_answers() -> None:
    code, data = check(["--mock", "hang"], timeout=1)
    assert code == INCONCLUSIVE
    assert "timeout" in categories(data)
    survived("hang")


def test_a_listener_that_never_accepts(raw_server: Callable[..., int]) -> None:
    code, data = check(resolved(raw_server(None)), timeout=1, env=TOKEN_ENV)
    assert code == INCONCLUSIVE
    assert "timeout" in categories(data)
    survived("never-accepts")


def test_reads_the_request_and_stays_silent(raw_server: Callable[..., int]) -> None:
    code, data = check(resolved(raw_server(silent)), timeout=1, env=TOKEN_ENV)
    assert code == INCONCLUSIVE
    assert "timeout" in categories(data)
    survived("silent")


def test_a_server_that_does_not_speak_http(raw_server: Callable[..., int]) -> None:
    code, data = check([*resolved(raw_server(garbage)), "--retries", "0"], timeout=5, env=TOKEN_ENV)
    assert code in (PROBLEM, INCONCLUSIVE)
    assert connection(data)["status"] == "error"
    survived("not-http")


def test_text_report_survives_every_fault_too() -> None:
    # The same faults through the text renderer: no traceback, one summary line, the documented exit code.
    for scenario, timeout in (("hang", 1), ("html-502", 5), ("reset-mid-body", 5)):
        result = runner.invoke(app, ["check", "--mock", scenario, "--timeout", str(timeout), "--retries", "0", "-vv"])
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert result.exit_code in (PROBLEM, INCONCLUSIVE)
        assert f"exit {result.exit_code}" in result.stdout
        survived(f"text:{scenario}")
