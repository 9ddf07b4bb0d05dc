"""The interface every gateway implements, so that no code outside `gateways/` asks a gateway's name.

A gateway module owns its knowledge (hosts, URLs, tokens, models) and exposes one object that satisfies
`Gateway`; `gateways/__init__.py` lists those objects. Everything gateway-specific that the rest of the tool
needs — how to tell a response came from this gateway, which hosts may receive its credential, which request
facts its rules match on, how `check` probes it — is asked of that object.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from aigw_doctor.check.plan import CheckPlan
    from aigw_doctor.model import Observation


class Gateway(Protocol):
    """One AI gateway. Implementations are plain objects with no state: one instance per gateway."""

    @property
    def name(self) -> str:
        """The registry key: the `--gateway` choice, the rules' `gateway:` value, the emulator's name."""
        ...

    @property
    def title(self) -> str:
        """How the report names it ("Neon AI Gateway")."""
        ...

    @property
    def docs(self) -> str:
        """The gateway's troubleshooting page."""
        ...

    @property
    def url_env(self) -> tuple[str, ...]:
        """Environment variables that hold the gateway's base URL, preferred first."""
        ...

    @property
    def token_env(self) -> tuple[str, ...]:
        """Environment variables that hold the gateway's own credential, preferred first."""
        ...

    def owns_host(self, host: str) -> bool:
        """The host is one of this gateway's own public hosts (lowercase, no port)."""
        ...

    def claims_path(self, path: str) -> bool:
        """A request path that only this gateway uses (for URLs whose host says nothing, e.g. loopback)."""
        ...

    def detect(self, observation: Observation) -> str | None:
        """What in the observation says it came from this gateway ("the AiGatewayError body"), or None."""
        ...

    def trusted_host(self, host: str, trusted_suffix: str) -> bool:
        """The credential may be sent to this host over https."""
        ...

    def trusted_hosts(self, trusted_suffix: str) -> str:
        """The trusted hosts, as a message names them (`*.neon.tech`)."""
        ...

    def base_path(self, path: str, source: str) -> tuple[str, list[str]]:
        """The base path to probe under and notes about what was dropped; ValueError when the path is wrong."""
        ...

    def request_facts(self, observation: Observation) -> dict[str, str]:
        """The facts this gateway's rules match on, derived from the request context."""
        ...

    def check_plan(self) -> CheckPlan:
        """How `check` loads credentials, runs preflight checks and probes this gateway."""
        ...


class UnknownGatewayError(ValueError):
    """A gateway name that is not registered."""
