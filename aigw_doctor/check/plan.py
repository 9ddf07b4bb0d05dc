"""What `check` asks of a gateway: one plan per gateway, behind one protocol, so the runner is neutral.

A plan loads the credentials the gateway needs, runs its offline preflight checks, chooses its probes and
reads what only it understands from the answers. The runner (runner.py) does everything else — deadlines,
concurrency, diagnosis, verdict — the same way for every gateway.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from aigw_doctor.check.credentials import Secret
    from aigw_doctor.check.exchange import Exchange
    from aigw_doctor.check.model import CheckResult, Group
    from aigw_doctor.check.options import CheckOptions
    from aigw_doctor.check.probes import ProbeSpec
    from aigw_doctor.check.target import Target


@dataclass
class Secrets:
    """The credentials a run holds: the gateway's own token and, where the gateway forwards one, a provider key."""

    token: Secret | None
    provider_key: Secret | None = None


def load_token(
    options: CheckOptions, what: str, variables: list[str], legacy: dict[str, str] | None = None
) -> Secret | None:
    """The gateway token from the one place the options name (file, stdin, variable), else from the gateway's
    own variables, else the embedded emulator's demo token."""
    from aigw_doctor.check.credentials import from_environment, from_file, from_stdin

    if options.token_file:
        return from_file(options.token_file, what)
    if options.token_stdin:
        return from_stdin(what)
    if options.token_env:
        return from_environment([options.token_env])
    return from_environment(variables, legacy) or options.fallback_token


class CheckPlan(Protocol):
    @property
    def token_required(self) -> bool:
        """Without the gateway token nothing would pass authentication: no probes, exit code 2."""
        ...

    def load_secrets(self, options: CheckOptions, target: Target) -> Secrets: ...

    def preflight(self, options: CheckOptions, target: Target, secrets: Secrets) -> list[CheckResult]: ...

    def probes(self, options: CheckOptions, target: Target, secrets: Secrets) -> list[ProbeSpec]: ...

    def probe_group(self, spec: ProbeSpec) -> Group:
        """The report section a probe's result belongs in."""
        ...

    def after_probe(self, exchange: Exchange, options: CheckOptions) -> list[CheckResult]:
        """Checks only this gateway can make from one answer (Neon's model list), shown right after it."""
        ...

    def after_probes(self, exchanges: list[Exchange]) -> list[CheckResult]:
        """Checks only this gateway can make from all the answers (Cloudflare's cache headers), shown last."""
        ...
