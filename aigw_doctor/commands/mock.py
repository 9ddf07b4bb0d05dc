"""`aigw-doctor mock neon|cloudflare`: serve the gateway emulator on a loopback port until interrupted."""

from __future__ import annotations

import ipaddress
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from aigw_doctor.commands.common import GatewayChoice, complete_scenario
from aigw_doctor.exitcodes import ExitCode
from aigw_doctor.redact import mask_text

EPILOG = """[bold]Examples[/]

  aigw-doctor mock neon --port 8787
  aigw-doctor mock neon --port 8787 --scenario quota-temporary --latency 500
  aigw-doctor mock cloudflare --scenario provider-error --tls
  aigw-doctor mock neon --list-scenarios

[bold]Point a client at it[/] (Neon picks the workspace from the Host header):

  curl -s http://127.0.0.1:8787/v1/models \\
       -H "Host: br-winter-pond-aptw82ef-api.ai.c-2.us-east-2.aws.neon.tech" \\
       -H "Authorization: Bearer nt_live_aigwdemo_fullscope_7f3c9a1e5b2d4f60"

  OpenAI SDK: base_url="http://127.0.0.1:8787/v1", default_headers={"Host": "<the host above>"}
  Anthropic SDK: base_url="http://127.0.0.1:8787/anthropic", auth_token="nt_live_…"
"""


class MessagesChoice(str, Enum):
    current = "current"
    seed = "seed"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def mock(
    gateway: Annotated[GatewayChoice, typer.Argument(help="Which gateway to emulate.")],
    port: Annotated[
        int, typer.Option("--port", "-p", help="Port to listen on; 0 picks a free one.", min=0, max=65535)
    ] = 0,
    host: Annotated[
        str, typer.Option("--host", help="Address to bind. Loopback by default; anything else is exposed.")
    ] = "127.0.0.1",
    scenario: Annotated[
        list[str] | None,
        typer.Option(
            "--scenario",
            "-s",
            help="A scenario name (see --list-scenarios); repeatable.",
            autocompletion=complete_scenario,
        ),
    ] = None,
    latency: Annotated[float, typer.Option("--latency", help="Milliseconds added before every response.", min=0)] = 0,
    messages: Annotated[
        MessagesChoice,
        typer.Option("--messages", help="Neon message texts: the current ones or the seed (June 2026) ones."),
    ] = MessagesChoice.current,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config", help="YAML file with branches, credentials, models, gateways, keys.", show_default=False
        ),
    ] = None,
    tls: Annotated[
        bool, typer.Option("--tls", help="Serve https with a self-signed certificate; the CA file is printed.")
    ] = False,
    list_scenarios: Annotated[
        bool, typer.Option("--list-scenarios", help="List the scenarios of this gateway and exit.")
    ] = False,
) -> None:
    """Run a local emulator of the Neon or Cloudflare AI Gateway, to test how a client handles each error.

    It answers as the gateway's documents describe, driven by the request (host, token, path, model), and never forwards anything anywhere.
    """  # noqa: E501
    from aigw_doctor.mock import ConfigError, Emulator, ScenarioError, scenarios_for

    kind = gateway.value
    if list_scenarios:
        items = scenarios_for(kind)
        width = max(len(s.name) for s in items)
        for item in items:
            tag = " (fault)" if item.fault else ""
            typer.echo(f"{item.name.ljust(width)}  {item.summary}{tag}")
        return
    try:
        emulator = Emulator(
            kind,
            scenarios=scenario or (),
            latency_ms=latency,
            tls=tls,
            messages=messages.value,
            config=config,
            host=host,
            port=port,
        )
    except (ScenarioError, ConfigError, ValueError) as exc:
        typer.echo(mask_text(f"error: {exc}"), err=True)  # a token pasted as a scenario or path
        raise typer.Exit(ExitCode.USAGE) from None
    if not _is_loopback(host):
        typer.echo(f"warning: binding {host}: the emulator is reachable from other machines", err=True)
    try:
        import asyncio  # only when serving: explain and --help must not pay for it

        asyncio.run(emulator.serve(on_ready=lambda running: _banner(running, configured=config is not None)))
    except OSError as exc:
        typer.echo(mask_text(f"error: cannot listen on {host}:{port}: {exc.strerror or exc}"), err=True)
        raise typer.Exit(ExitCode.USAGE) from None
    except KeyboardInterrupt:
        pass
    typer.echo("stopped", err=True)


def _banner(emulator: object, *, configured: bool = False) -> None:
    from aigw_doctor.mock import Emulator
    from aigw_doctor.redact import mask

    assert isinstance(emulator, Emulator)
    lines = [f"aigw-doctor mock {emulator.gateway} listening on {emulator.base_url}"]
    lines.append(
        f"scenarios: {', '.join(sorted(emulator.scenarios))}; messages: {emulator.messages}; "
        f"latency: {emulator.faults.latency_ms:g} ms"
    )
    if emulator.ca_file is not None:
        lines.append(f"TLS CA file: {emulator.ca_file}  (curl --cacert FILE, SSL_CERT_FILE=FILE)")
    lines.append(emulator.address_hint)
    width = max((len(c.name) for c in emulator.demo_credentials), default=0)
    if configured:
        # Values from the user's --config file may be real: shown masked, like every other secret.
        lines.append("credentials (from --config, masked):")
        lines += [f"  {c.name.ljust(width)}  {mask(c.value)}  {c.description}" for c in emulator.demo_credentials]
    else:
        lines.append("demo credentials (fake, valid only here):")
        lines += [f"  {c.name.ljust(width)}  {c.value}  {c.description}" for c in emulator.demo_credentials]
    try_command = emulator.try_command
    if configured:
        for credential in emulator.demo_credentials:
            try_command = try_command.replace(credential.value, mask(credential.value))
    lines.append("try:")
    lines.append(f"  {try_command}")
    lines.append("Press Ctrl+C to stop.")
    sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.flush()
