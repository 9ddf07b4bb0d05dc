"""Whole-output ("golden") tests: every report, in text, JSON and Markdown, at fixed widths.

Any change to what a user sees shows up here as a diff. After an intended change, regenerate with
`AIGW_DOCTOR_UPDATE_GOLDEN=1 pytest tests/test_golden.py` and review the diff before committing.
Timings and the emulator's ephemeral port vary from run to run and are normalised away.
"""

from __future__ import annotations

import os
import re
import socket
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from aigw_doctor.cli import app

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("AIGW_DOCTOR_UPDATE_GOLDEN") == "1"
PASTED_RESPONSE = (
    "HTTP/1.1 429 Too Many Requests\r\ncontent-type: application/json\r\nretry-after: 30\r\n\r\n"
    '{"error_code": "REQUEST_LIMIT_EXCEEDED", "message": "Quota exceeded. Try again later."}'
)
CASES: dict[str, tuple[list[str], str | None]] = {
    "check-neon-healthy": (["check", "--mock", "healthy"], None),
    "check-neon-quota-permanent-invoke": (["check", "--mock", "quota-permanent", "--invoke"], None),
    "check-neon-upstream-failure-invoke": (["check", "--mock", "upstream-failure", "--invoke"], None),
    "check-cloudflare-healthy": (["check", "--mock", "healthy", "--mock-gateway", "cloudflare"], None),
    "check-cloudflare-rate-limited": (["check", "--mock", "rate-limited", "--mock-gateway", "cloudflare"], None),
    "explain-status": (["explain", "401"], None),
    "explain-pasted": (["explain", "-"], PASTED_RESPONSE),
    "explain-fallback": (["explain", "the flux capacitor is out of alignment"], None),
    "analyze": (["analyze", str(GOLDEN / "app.jsonl")], None),
}
FORMATS = ("text", "json", "markdown")
WIDTHS = (80, 120)

_VARYING = (
    (re.compile(r"(127\.0\.0\.1|localhost|\.neon\.tech|\.cloudflare\.com):\d{2,5}"), r"\1:PORT"),
    (re.compile(r"\b\d+(?:\.\d+)? ms\b"), "N ms"),
    (re.compile(r"\bin \d+(?:\.\d+)? s\b"), "in N s"),
    (re.compile(r'"(latency_ms|elapsed_ms|elapsed_s|seconds)": [0-9.]+'), r'"\1": N'),
    (re.compile(r'time="[0-9.]+"'), 'time="N"'),
    (re.compile(r'"date": "[^"]*"'), '"date": "DATE"'),
    # The emulator numbers log ids in the order concurrent probes arrive.
    # Either case, also where the text report wraps one across lines (digits become N, the layout stays).
    (re.compile(r"(?i)(01jmock)((?:\d|\n *)+)"), lambda m: m.group(1) + re.sub(r"\d", "N", m.group(2))),
    # The checkout's own path first: a clone under /tmp must normalise like one anywhere else.
    (re.compile(re.escape(str(GOLDEN)) + r"|/tmp/\S+"), "PATH"),
)


def normalise(text: str) -> str:
    for pattern, replacement in _VARYING:
        text = pattern.sub(replacement, text)
    return text


GOLDEN_PORT = 47817  # a fixed emulator port: a port number's length changes how a line wraps


@pytest.fixture
def steady(monkeypatch: pytest.MonkeyPatch) -> None:
    """What varies between runs, pinned: the emulator's port, probe latencies and backoff jitter."""
    from aigw_doctor.check import transport
    from aigw_doctor.mock import emulator

    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", GOLDEN_PORT))
        except OSError:
            pytest.skip(f"port {GOLDEN_PORT} is in use")
    real_run, real_send = emulator.run_emulator, transport.send_probe

    def run_emulator(*args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("port", GOLDEN_PORT)
        return real_run(*args, **kwargs)

    async def send_probe(*args: Any, **kwargs: Any) -> Any:
        exchange = await real_send(*args, **kwargs)
        exchange.latency_ms = 7.0
        return exchange

    monkeypatch.setattr(emulator, "run_emulator", run_emulator)
    monkeypatch.setattr(transport, "send_probe", send_probe)
    monkeypatch.setattr(transport.random, "uniform", lambda low, high: low)


def run(args: list[str], stdin: str | None, fmt: str, width: int) -> str:
    env = {"NO_COLOR": "1", "COLUMNS": str(width), "CI": ""}
    result = CliRunner().invoke(app, [*args, "--format", fmt], input=stdin, env=env)
    return normalise(f"$ aigw-doctor {' '.join(args)} --format {fmt}  # exit {result.exit_code}\n{result.output}")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("case", sorted(CASES))
def test_whole_output(case: str, fmt: str, width: int, steady: None) -> None:
    if fmt != "text" and width != WIDTHS[0]:
        pytest.skip("machine formats do not depend on the width")
    args, stdin = CASES[case]
    got = run(args, stdin, fmt, width)
    path = GOLDEN / f"{case}.{fmt}.{width}.txt"
    if UPDATE or not path.exists():
        path.write_text(got, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"{path.name} did not exist; written: review it and commit it")
    assert got == path.read_text(encoding="utf-8")
