"""`aigw-doctor check`: parse options, run the core, hand the report to a renderer. Nothing else."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from aigw_doctor import gateways
from aigw_doctor.commands.common import (
    FailOnOption,
    NoColorOption,
    OutputFileOption,
    ReportFormatOption,
    RulesOption,
    UsageProblem,
    complete_scenario,
    load_rules,
    reported_errors,
)
from aigw_doctor.exitcodes import FailOn
from aigw_doctor.report.formats import ReportFormat
from aigw_doctor.terminal import Terminal

if TYPE_CHECKING:
    from aigw_doctor.check.model import CheckReport
    from aigw_doctor.check.options import CheckOptions
    from aigw_doctor.ruleset.catalog import Catalog

EPILOG = """[bold]Examples[/]

  aigw-doctor check --mock healthy                      # try it: an emulated gateway, no account needed
  aigw-doctor check --mock quota-temporary --format json
  aigw-doctor check --format junit --output gateway.xml --fail-on warning   # a CI step
  aigw-doctor check                                     # $NEON_AI_GATEWAY_BASE_URL + $NEON_AI_GATEWAY_TOKEN
  aigw-doctor check --model claude-sonnet-4-6 --endpoint /anthropic/v1/messages --invoke
  aigw-doctor check --token-file ~/.config/neon/token --timeout 5
  aigw-doctor check --url https://gateway.ai.cloudflare.com/v1/$ACCOUNT/$GATEWAY/openai
  aigw-doctor check --resolve br-x-api.ai.c-2.us-east-2.aws.neon.tech:443:127.0.0.1 --ca-bundle ca.pem

[bold]Exit codes[/]: 0 all good · 1 a problem found · 2 usage or configuration error ·
3 inconclusive (network, timeout, or only transient problems: retry later). --fail-on warning makes
warnings count as problems; --fail-on never always exits 0 unless the check could not run (2).
"""


_CHOICES = " or ".join(gateways.names())


def _complete_gateway(incomplete: str) -> list[str]:
    return [g for g in ("auto", *gateways.names()) if g.startswith(incomplete)]


def _complete_mock_gateway(incomplete: str) -> list[str]:
    return [g for g in gateways.names() if g.startswith(incomplete)]


def check(
    url: Annotated[
        str | None,
        typer.Option(
            "--url",
            help="Gateway base URL (default: $NEON_AI_GATEWAY_BASE_URL, $NEON_AI_GATEWAY_HOST, $CF_AIG_BASE_URL).",
        ),
    ] = None,
    gateway: Annotated[
        str,
        typer.Option(
            "--gateway",
            "-g",
            help=f"auto, {_CHOICES} (auto: from the host).",
            autocompletion=_complete_gateway,
        ),
    ] = "auto",
    token_env: Annotated[
        str | None,
        typer.Option(
            "--token-env",
            metavar="NAME",
            help="Read the token from this environment variable "
            "(default: NEON_AI_GATEWAY_TOKEN; Cloudflare: CF_AIG_TOKEN).",
        ),
    ] = None,
    token_file: Annotated[Path | None, typer.Option("--token-file", help="Read the token from this file.")] = None,
    token_stdin: Annotated[bool, typer.Option("--token-stdin", help="Read the token from standard input.")] = False,
    provider_key_env: Annotated[
        str | None,
        typer.Option(
            "--provider-key-env",
            metavar="NAME",
            help="Cloudflare: the provider key's variable (default by provider, e.g. OPENAI_API_KEY).",
        ),
    ] = None,
    provider_key_file: Annotated[
        Path | None, typer.Option("--provider-key-file", help="Cloudflare: read the provider key from this file.")
    ] = None,
    byok: Annotated[
        bool,
        typer.Option(
            "--byok",
            help="Cloudflare: send no provider key; the gateway supplies one (stored BYOK key or Unified Billing).",
        ),
    ] = False,
    byok_alias: Annotated[
        str | None, typer.Option("--byok-alias", help="Cloudflare: the stored key's alias (cf-aig-byok-alias).")
    ] = None,
    model: Annotated[
        list[str] | None, typer.Option("--model", "-m", help="A model you intend to call; repeatable.")
    ] = None,
    endpoint: Annotated[
        list[str] | None,
        typer.Option(
            "--endpoint",
            "-e",
            help="An endpoint you intend to call (path or chat, responses, messages, gemini, embeddings); repeatable.",
        ),
    ] = None,
    invoke: Annotated[
        bool,
        typer.Option(
            "--invoke", help="One minimal real request per endpoint family (1 output token each), not just one."
        ),
    ] = False,
    zero_cost: Annotated[
        bool,
        typer.Option(
            "--zero-cost",
            help="Send no real request (only probes that run no model): free, but quota and upstream failures "
            "stay unseen, and the verdict says so.",
        ),
    ] = False,
    offline: Annotated[bool, typer.Option("--offline", help="Preflight only: send nothing.")] = False,
    timeout: Annotated[
        float, typer.Option("--timeout", min=0.1, help="Overall deadline for all probes, in seconds.")
    ] = 15.0,
    retries: Annotated[
        int, typer.Option("--retries", min=0, max=10, help="Retries for transient answers (backoff, Retry-After).")
    ] = 2,
    resolve: Annotated[
        list[str] | None,
        typer.Option(
            "--resolve",
            metavar="HOST:PORT:ADDR",
            help="Connect to ADDR for HOST:PORT, keeping the Host header and TLS name (as curl).",
        ),
    ] = None,
    ca_bundle: Annotated[
        Path | None,
        typer.Option("--ca-bundle", help="Trust the CA certificates in this PEM file (also SSL_CERT_FILE)."),
    ] = None,
    allow_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-host",
            metavar="HOST",
            help="Send the credential to this host although it is not a known gateway host.",
        ),
    ] = None,
    mock: Annotated[
        list[str] | None,
        typer.Option(
            "--mock",
            metavar="SCENARIO",
            help="Check against the built-in emulator with this scenario (healthy, quota-temporary, …); repeatable.",
            autocompletion=complete_scenario,
        ),
    ] = None,
    mock_gateway: Annotated[
        str,
        typer.Option(
            "--mock-gateway",
            help=f"Which gateway --mock emulates: {_CHOICES}.",
            autocompletion=_complete_mock_gateway,
        ),
    ] = "neon",
    mock_latency: Annotated[
        float,
        typer.Option("--mock-latency", metavar="MS", min=0, help="Delay every emulated response by MS milliseconds."),
    ] = 0.0,
    verbose: Annotated[
        int, typer.Option("--verbose", "-v", count=True, help="-v: the exchanges; -vv: headers, bodies and evidence.")
    ] = 0,
    fmt: ReportFormatOption = ReportFormat.text,
    output: OutputFileOption = None,
    fail_on: FailOnOption = FailOn.error,
    rules: RulesOption = None,
    no_color: NoColorOption = False,
) -> None:
    """Check a gateway setup end to end: token, host, connectivity, authorization, models, rate limits."""
    from aigw_doctor.check.options import CheckOptions, Resolve
    from aigw_doctor.check.runner import CheckConfigError

    terminal = Terminal(no_color=no_color)
    with reported_errors(terminal):
        gateway, mock_gateway = gateway.strip().lower(), mock_gateway.strip().lower()
        if gateway not in ("auto", *gateways.names()):
            raise UsageProblem(f"--gateway: choose auto, {' or '.join(gateways.names())}, not {gateway!r}")
        if mock_gateway not in gateways.names():
            raise UsageProblem(f"--mock-gateway: choose {' or '.join(gateways.names())}, not {mock_gateway!r}")
        if sum([token_env is not None, token_file is not None, token_stdin]) > 1:
            raise UsageProblem("give the token one way: --token-env, --token-file or --token-stdin")
        try:
            resolves = [Resolve.parse(r) for r in resolve or []]
        except ValueError as exc:
            raise UsageProblem(str(exc)) from None
        options = CheckOptions(
            url=url,
            gateway=gateway,
            token_env=token_env,
            token_file=token_file,
            token_stdin=token_stdin,
            provider_key_env=provider_key_env,
            provider_key_file=provider_key_file,
            byok=byok,
            byok_alias=byok_alias,
            models=model or [],
            endpoints=endpoint or [],
            invoke=invoke,
            zero_cost=zero_cost,
            offline=offline,
            timeout_s=timeout,
            retries=retries,
            resolve=resolves,
            ca_bundle=ca_bundle,
            allow_hosts=allow_host or [],
            fail_on=fail_on,
        )
        catalog = load_rules(rules)
        from aigw_doctor.check.probes import EndpointError

        try:
            report = _run(options, catalog, terminal, mock, mock_gateway, mock_latency)
        except (CheckConfigError, EndpointError) as exc:
            raise UsageProblem(str(exc)) from None
    from aigw_doctor.commands.output import emit_report

    emit_report(terminal, report, fmt, output, verbosity=verbose)
    raise typer.Exit(report.exit_code)


def _run(
    options: CheckOptions,
    catalog: Catalog,
    terminal: Terminal,
    mock: list[str] | None,
    mock_gateway: str,
    mock_latency: float,
) -> CheckReport:
    from aigw_doctor.check.runner import run_check

    def events(kind: str, name: str, seconds: float) -> None:
        if kind == "waiting":
            terminal.note(f"still waiting for {name} after {seconds:.0f} s (deadline {options.timeout_s:g} s)")

    if not mock:
        with terminal.status("probing the gateway…"):
            return run_check(options, catalog, events)
    from aigw_doctor.check.embedded import embedded_emulator
    from aigw_doctor.mock.scenarios import ScenarioError

    for warning in _scenario_warnings(options, mock):
        terminal.warning(warning)
    try:
        with embedded_emulator(options, mock, mock_gateway, mock_latency) as mocked:
            terminal.note(f"checking the built-in {mock_gateway} emulator ({', '.join(mock)}) at {mocked.url}")
            with terminal.status("probing the emulator…"):
                return run_check(mocked, catalog, events)
    except ScenarioError as exc:
        raise UsageProblem(str(exc)) from None


# Scenarios that only a real request (a model running through the upstream) can meet.
_REAL_REQUEST_SCENARIOS = (
    "quota-",
    "upstream-",
    "provider-",
    "spend-limit",
    "credits-exhausted",
    "guardrails-",
    "timeout",
)


def _scenario_warnings(options: CheckOptions, scenarios: list[str]) -> list[str]:
    """A scenario the chosen probes cannot reach says so, instead of passing as if it had been tried."""
    warnings = []
    for name in scenarios:
        if options.zero_cost and name.startswith(_REAL_REQUEST_SCENARIOS):
            warnings.append(f"--mock {name} shows only in a real request: with --zero-cost it has no effect")
        if name == "credits-exhausted" and not options.byok:
            warnings.append(
                "--mock credits-exhausted: the demo provider key bypasses Unified Billing, so the scenario has no "
                "effect unless --byok says the gateway pays"
            )
    return warnings
