"""The gateway registry: every supported gateway, and the questions asked of all of them at once.

Adding a gateway is a new module that defines an object satisfying `base.Gateway` and one line in
`_GATEWAYS` below. Nothing outside `gateways/` and `mock/` compares gateway names: it asks this module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aigw_doctor.gateways import cloudflare, neon
from aigw_doctor.gateways.base import Gateway, UnknownGatewayError

if TYPE_CHECKING:
    from aigw_doctor.model import Observation

__all__ = ["Gateway", "UnknownGatewayError", "detect", "detect_url", "get", "names", "owner_of_host", "register"]

# Detection asks in this order; a host match always beats a path match (`*.neon.tech/v1/...` is Neon).
_GATEWAYS: dict[str, Gateway] = {gateway.name: gateway for gateway in (neon.GATEWAY, cloudflare.GATEWAY)}


def names() -> tuple[str, ...]:
    """Every registered gateway's name, in registry order: the CLI's choices and completions."""
    return tuple(_GATEWAYS)


def get(name: str) -> Gateway:
    """The gateway called `name` (case-insensitive); UnknownGatewayError names the choices."""
    found = _GATEWAYS.get(name.strip().lower())
    if found is None:
        raise UnknownGatewayError(f"no such gateway: {name!r}; choose from {', '.join(names())}")
    return found


def register(gateway: Gateway) -> None:
    """Add a gateway (tests use it to prove that a new gateway needs no edits elsewhere)."""
    _GATEWAYS[gateway.name] = gateway


def unregister(name: str) -> None:
    _GATEWAYS.pop(name, None)


def owner_of_host(host: str) -> Gateway | None:
    """The gateway whose own public host this is."""
    clean = host.lower().rstrip(".")
    return next((g for g in _GATEWAYS.values() if g.owns_host(clean)), None)


def detect_url(host: str, path: str) -> Gateway | None:
    """The gateway a URL points at: by its host first, then by a path only one gateway uses; None if neither."""
    owner = owner_of_host(host)
    if owner is not None:
        return owner
    return next((g for g in _GATEWAYS.values() if g.claims_path(path)), None)


def detect(observation: Observation) -> tuple[Gateway, str] | None:
    """The gateway that answered, and what told it: the request host, then each gateway's own evidence."""
    host = (observation.request.host or "").lower().rstrip(".")
    if host and (owner := owner_of_host(host)) is not None:
        return owner, owner.detect(observation) or f"the request host {host}"
    for gateway in _GATEWAYS.values():
        evidence = gateway.detect(observation)
        if evidence:
            return gateway, evidence
    return None
