"""`check --mock SCENARIO`: the emulator started in-process on a loopback port, and the options that point
a check at it through a real-looking gateway host name (as `--resolve` would)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

from aigw_doctor.check.credentials import Secret
from aigw_doctor.check.options import CheckOptions, Resolve
from aigw_doctor.redact import register_secret


@contextmanager
def embedded_emulator(
    options: CheckOptions,
    scenarios: list[str],
    gateway: str = "neon",
    latency_ms: float = 0.0,
) -> Iterator[CheckOptions]:
    from aigw_doctor.mock.emulator import LOOPBACK, run_emulator

    with run_emulator(gateway, scenarios=scenarios, latency_ms=latency_ms) as emulator:  # type: ignore[arg-type]
        resolve = [*options.resolve, Resolve(emulator.demo_host, emulator.port, LOOPBACK)]
        for value in emulator.demo_tokens.values():
            register_secret(value)
        (token, token_source), key = emulator.demo_check_credentials()
        yield replace(
            options,
            url=emulator.demo_api_base,
            gateway=gateway,
            resolve=resolve,
            fallback_token=Secret(token, token_source),
            fallback_provider_key=Secret(*key) if key else None,
        )
