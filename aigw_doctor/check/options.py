"""Everything a check run needs to know, as plain data: the CLI fills it, tests build it directly."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from aigw_doctor.exitcodes import FailOn

if TYPE_CHECKING:
    from aigw_doctor.check.credentials import Secret

# "auto" or a registered gateway's name (aigw_doctor.gateways.names()).
GatewayOption = str

DEFAULT_TIMEOUT_S = 15.0
DEFAULT_RETRIES = 2


@dataclass(frozen=True)
class Resolve:
    """`--resolve HOST:PORT:ADDR` as curl has it: connect to ADDR for HOST:PORT, keep Host and TLS name."""

    host: str
    port: int
    address: str

    @classmethod
    def parse(cls, text: str) -> Resolve:
        host, sep1, rest = text.partition(":")
        port, sep2, address = rest.partition(":")
        if not (sep1 and sep2 and host and port.isdigit() and address):
            raise ValueError(f"--resolve takes HOST:PORT:ADDRESS (e.g. example.neon.tech:443:127.0.0.1), got {text!r}")
        if not 0 < int(port) < 65536:
            raise ValueError(f"--resolve: port {port} is out of range")
        return cls(host.lower().rstrip("."), int(port), address.strip("[]"))


@dataclass
class CheckOptions:
    url: str | None = None
    gateway: GatewayOption = "auto"
    token_env: str | None = None
    token_file: Path | None = None
    token_stdin: bool = False
    provider_key_env: str | None = None
    provider_key_file: Path | None = None
    byok: bool = False
    byok_alias: str | None = None
    models: list[str] = field(default_factory=list)
    endpoints: list[str] = field(default_factory=list)
    invoke: bool = False  # one real request per endpoint family
    # No real request at all: only the probes that run no model. The verdict then says the request path was not
    # tested, and is never "All checks passed". By default one minimal real request is sent.
    zero_cost: bool = False
    offline: bool = False
    timeout_s: float = DEFAULT_TIMEOUT_S
    retries: int = DEFAULT_RETRIES
    resolve: list[Resolve] = field(default_factory=list)
    ca_bundle: Path | None = None
    allow_hosts: list[str] = field(default_factory=list)
    fail_on: FailOn = FailOn.error
    trusted_suffix: str = ".neon.tech"
    waiting_note_after_s: float = 3.0
    # Secrets handed over in-process (the embedded emulator's demo credentials); never from the command line.
    fallback_token: Secret | None = None
    fallback_provider_key: Secret | None = None
