"""Run the emulator: in a background thread (tests, `check --mock`) or in the foreground (`aigw-doctor mock`).

with run_emulator("neon", scenarios=["quota-temporary"]) as emu:
    httpx.get(emu.url("/v1/models"), headers={"Host": emu.demo_host,
              "Authorization": f"Bearer {emu.demo_tokens['full']}"})
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from aigw_doctor.gateways import cloudflare as cf
from aigw_doctor.mock import scenarios as scenario_registry
from aigw_doctor.mock.cloudflare import CloudflareApp
from aigw_doctor.mock.config import EmulatorConfig, load_config
from aigw_doctor.mock.neon import Messages, NeonApp
from aigw_doctor.mock.server import App, HttpServer, RecordedRequest, quiet_exception_handler
from aigw_doctor.mock.tls import TlsMaterial, make_tls

Gateway = Literal["neon", "cloudflare"]
LOOPBACK = "127.0.0.1"


@dataclass(frozen=True)
class DemoCredential:
    name: str
    value: str
    description: str


class Emulator:
    """One emulated gateway on one port. Use as a context manager, or `start()`/`stop()`."""

    def __init__(
        self,
        gateway: Gateway = "neon",
        *,
        scenarios: Iterable[str] = (),
        latency_ms: float = 0.0,
        tls: bool = False,
        messages: Messages = "current",
        config: EmulatorConfig | Path | None = None,
        host: str = LOOPBACK,
        port: int = 0,
        trusted_suffix: str | None = None,
        trickle_interval_ms: float | None = None,
        huge_body_bytes: int | None = None,
    ) -> None:
        if gateway not in ("neon", "cloudflare"):
            raise ValueError(f"unknown gateway {gateway!r}: use neon or cloudflare")
        if messages not in ("current", "seed"):
            raise ValueError(f"unknown message generation {messages!r}: use current or seed")
        self.gateway: Gateway = gateway
        self.scenarios = scenario_registry.validate(gateway, tuple(scenarios))
        self.messages: Messages = messages
        loaded = config if isinstance(config, EmulatorConfig) else load_config(config)
        if trusted_suffix is not None:
            loaded = loaded.model_copy(
                update={"neon": loaded.neon.model_copy(update={"trusted_suffix": _dotted(trusted_suffix)})}
            )
        self.config = loaded
        tuning: dict[str, float] = {}
        if trickle_interval_ms is not None:
            tuning["trickle_interval_ms"] = trickle_interval_ms
        if huge_body_bytes is not None:
            tuning["huge_body_bytes"] = huge_body_bytes
        self.faults = scenario_registry.faults_for(self.scenarios, latency_ms, **tuning)
        self.bind_host = host
        self.port = port
        self.tls = tls
        self.requests: list[RecordedRequest] = []
        self.app: App = (
            NeonApp(loaded.neon, self.scenarios, messages)
            if gateway == "neon"
            else CloudflareApp(loaded.cloudflare, self.scenarios)
        )
        self._tls: TlsMaterial | None = None
        self._server: HttpServer | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ facts for clients

    @property
    def scheme(self) -> str:
        return "https" if self.tls else "http"

    @property
    def base_url(self) -> str:
        """Where the server listens, e.g. `http://127.0.0.1:54321` (send `demo_host` as Host for Neon)."""
        host = f"[{self.bind_host}]" if ":" in self.bind_host else self.bind_host
        if self.bind_host in ("0.0.0.0", "::"):
            host = LOOPBACK
        return f"{self.scheme}://{host}:{self.port}"

    @property
    def api_base(self) -> str:
        """The base URL a client uses: the server for Neon, `…/v1/{account}/{gateway}` for Cloudflare."""
        if self.gateway == "neon":
            return self.base_url
        return cf.gateway_base_url(self.config.cloudflare.account_id, self.demo_gateway_id, self.base_url)

    @property
    def demo_host(self) -> str:
        """The Host header (and TLS server name) that resolves to the demo workspace."""
        return self.config.neon.host_for() if self.gateway == "neon" else cf.GATEWAY_HOST

    @property
    def address_hint(self) -> str:
        """How a client reaches the demo workspace, for the banner."""
        if self.gateway == "neon":
            return f"Host header: {self.demo_host}"
        return f"gateway base URL: {self.api_base}"

    @property
    def try_command(self) -> str:
        """A curl command that works against this emulator, for the banner."""
        tokens = self.demo_tokens
        ca = f" --cacert {self.ca_file}" if self.ca_file else ""
        if self.gateway == "neon":
            return (
                f"curl -s{ca} {self.base_url}/v1/models -H 'Host: {self.demo_host}' "
                f"-H 'Authorization: Bearer {tokens.get('full', '')}'"
            )
        return (
            f"curl -s{ca} {self.api_base}/openai/chat/completions "
            f"-H 'cf-aig-authorization: Bearer {tokens.get('gateway', '')}' "
            f"-H 'Authorization: Bearer {tokens.get('openai', '')}' -H 'Content-Type: application/json' "
            """-d '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"ping"}]}'"""
        )

    @property
    def demo_api_base(self) -> str:
        """The base URL a client configures, with the demo host name in it (connect with --resolve)."""
        origin = f"{self.scheme}://{self.demo_host}:{self.port}"
        if self.gateway == "neon":
            return origin
        return cf.gateway_base_url(self.config.cloudflare.account_id, self.demo_gateway_id, origin)

    def demo_check_credentials(self) -> tuple[tuple[str, str], tuple[str, str] | None]:
        """(value, description) of the gateway credential `check` should send, and of the provider key."""
        tokens = self.demo_tokens
        if self.gateway == "neon":
            return (tokens["full"], "the emulator's demo credential"), None
        key = (tokens["openai"], "the emulator's demo openai key") if "openai" in tokens else None
        return (tokens["gateway"], "the emulator's demo gateway token"), key

    @property
    def demo_gateway_id(self) -> str:
        gateways = self.config.cloudflare.gateways
        return gateways[0].id if gateways else "default"

    @property
    def ca_file(self) -> Path | None:
        return self._tls.ca_file if self._tls is not None else None

    @property
    def demo_credentials(self) -> list[DemoCredential]:
        if self.gateway == "cloudflare":
            cfg = self.config.cloudflare
            found: list[DemoCredential] = []
            for gw in cfg.gateways:
                if gw.tokens:
                    found.append(DemoCredential("gateway", gw.tokens[0], f"cf-aig-authorization for {gw.id}"))
                    break
            for provider, keys in cfg.provider_keys.items():
                if keys:
                    found.append(DemoCredential(provider, keys[0], f"{provider} provider key"))
            return found
        neon_cfg = self.config.neon
        credentials: dict[str, DemoCredential] = {}
        for cred in neon_cfg.credentials:
            if cred.revoked:
                name, text = "revoked", "revoked credential: 401"
            elif "ai_gateway:invoke" not in cred.scopes:
                name, text = "no-scope", "lacks ai_gateway:invoke: 403"
            elif not neon_cfg.is_ancestor_or_self(cred.branch, neon_cfg.default_branch):
                name, text = "other-branch", f"issued on {cred.branch}, not an ancestor: 403"
            else:
                name, text = "full", f"ai_gateway:invoke on {cred.branch} (works on its descendants too)"
            credentials.setdefault(name, DemoCredential(name, cred.token, text))
        return list(credentials.values())

    @property
    def demo_tokens(self) -> dict[str, str]:
        return {c.name: c.value for c in self.demo_credentials}

    def url(self, path: str) -> str:
        return self.api_base + (path if path.startswith("/") else "/" + path)

    def tls_hostnames(self) -> list[str]:
        names = ["localhost", "127.0.0.1", "::1", cf.GATEWAY_HOST]
        if self.bind_host not in ("0.0.0.0", "::"):
            names.append(self.bind_host)
        neon_cfg = self.config.neon
        for branch in neon_cfg.branches:
            for region in neon_cfg.regions:
                names.append(neon_cfg.host_for(branch.id, region))
        return names

    # ------------------------------------------------------------------ lifecycle

    def _build_server(self) -> HttpServer:
        if self.tls and self._tls is None:
            self._tls = make_tls(self.tls_hostnames())
        return HttpServer(
            self.app,
            host=self.bind_host,
            port=self.port,
            ssl_context=self._tls.context if self._tls else None,
            faults=self.faults,
            on_request=self.requests.append,
        )

    def start(self) -> Emulator:
        """Serve from a background thread; returns once the port is bound (errors are raised here)."""
        if self._thread is not None:
            raise RuntimeError("the emulator is already running")
        ready = threading.Event()
        failure: list[BaseException] = []
        loop = asyncio.new_event_loop()
        loop.set_exception_handler(quiet_exception_handler)
        server = self._build_server()

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                self.port = loop.run_until_complete(server.start())
            except BaseException as exc:  # reported to the starting thread
                failure.append(exc)
                ready.set()
                loop.close()
                return
            ready.set()
            try:
                loop.run_forever()
            finally:
                loop.run_until_complete(server.close())
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.close()

        thread = threading.Thread(target=run, name=f"aigw-doctor-mock-{self.gateway}", daemon=True)
        thread.start()
        ready.wait()
        if failure:
            thread.join()
            self._cleanup_tls()
            raise failure[0]
        self._loop, self._server, self._thread = loop, server, thread
        return self

    def stop(self) -> None:
        """Close every connection (hung ones included), stop the loop, join the thread, delete the CA."""
        loop, thread = self._loop, self._thread
        if loop is not None and thread is not None:
            with contextlib.suppress(RuntimeError):  # the loop already stopped
                loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=10)
        self._loop = self._server = self._thread = None
        self._cleanup_tls()

    def _cleanup_tls(self) -> None:
        if self._tls is not None:
            shutil.rmtree(self._tls.directory, ignore_errors=True)
            self._tls = None

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def serve(self, on_ready: Callable[[Emulator], None] | None = None) -> None:
        """Serve in the current event loop until cancelled or sent SIGTERM/SIGINT (the CLI's foreground mode)."""
        loop = asyncio.get_running_loop()
        loop.set_exception_handler(quiet_exception_handler)
        server = self._build_server()
        stop = asyncio.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(sig, stop.set)
        try:
            self.port = await server.start()
            self._server = server
            if on_ready is not None:
                on_ready(self)
            await stop.wait()
        finally:
            await server.close()
            self._server = None
            self._cleanup_tls()


@contextlib.contextmanager
def run_emulator(
    gateway: Gateway = "neon",
    *,
    scenarios: Iterable[str] = (),
    latency_ms: float = 0.0,
    tls: bool = False,
    messages: Messages = "current",
    config: EmulatorConfig | Path | None = None,
    host: str = LOOPBACK,
    port: int = 0,
    trusted_suffix: str | None = None,
    trickle_interval_ms: float | None = None,
    huge_body_bytes: int | None = None,
) -> Iterator[Emulator]:
    """Start an emulator in a background thread for the `with` block; always stopped afterwards."""
    emulator = Emulator(
        gateway,
        scenarios=scenarios,
        latency_ms=latency_ms,
        tls=tls,
        messages=messages,
        config=config,
        host=host,
        port=port,
        trusted_suffix=trusted_suffix,
        trickle_interval_ms=trickle_interval_ms,
        huge_body_bytes=huge_body_bytes,
    )
    emulator.start()
    try:
        yield emulator
    finally:
        emulator.stop()


def _dotted(suffix: str) -> str:
    suffix = suffix.strip().lower()
    return suffix if suffix.startswith(".") else f".{suffix}"
