"""`check --mock SCENARIO`: the emulator started in-process on a loopback port, and the options that point
a check at it through a real-looking gateway host name (as `--resolve` would)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Literal

from aigw_doctor.check.credentials import Secret
from aigw_doctor.check.options import CheckOptions, Resolve
from aigw_doctor.redact import register_secret


@contextmanager
def embedded_emulator(
    options: CheckOptions,
    scenarios: list[str],
    gateway: Literal["neon", "cloudflare"] = "neon",
    latency_ms: float = 0.0,
) -> Iterator[CheckOptions]:
    from aigw_doctor.gateways import cloudflare as cf
    from aigw_doctor.mock.emulator import LOOPBACK, run_emulator

    with run_emulator(gateway, scenarios=scenarios, latency_ms=latency_ms) as emulator:
        host = emulator.demo_host
        resolve = [*options.resolve, Resolve(host, emulator.port, LOOPBACK)]
        tokens = emulator.demo_tokens
        for value in tokens.values():
            register_secret(value)
        if gateway == "neon":
            url = f"http://{host}:{emulator.port}"
            token = Secret(tokens["full"], "the emulator's demo credential")
            yield replace(options, url=url, gateway="neon", resolve=resolve, fallback_token=token)
        else:
            account = emulator.config.cloudflare.account_id
            url = f"http://{host}:{emulator.port}/v1/{account}/{emulator.demo_gateway_id}"
            gateway_token = Secret(tokens["gateway"], "the emulator's demo gateway token")
            provider_key = Secret(tokens["openai"], "the emulator's demo openai key") if "openai" in tokens else None
            assert host == cf.GATEWAY_HOST
            yield replace(
                options,
                url=url,
                gateway="cloudflare",
                resolve=resolve,
                fallback_token=gateway_token,
                fallback_provider_key=provider_key,
            )
