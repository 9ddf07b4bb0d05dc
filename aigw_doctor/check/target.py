"""Which gateway to check, at which address, and whether the credential may be sent there."""

from __future__ import annotations

import ipaddress
import os
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from aigw_doctor import gateways
from aigw_doctor.check.options import CheckOptions, Resolve
from aigw_doctor.gateways.base import Gateway


class TargetError(Exception):
    """The target cannot be checked as given: a configuration error (exit 2)."""


@dataclass
class Target:
    gateway: Gateway
    scheme: str
    host: str
    port: int
    base_path: str  # "" for Neon; "/v1/{account}/{gateway}" for Cloudflare
    source: str  # where the URL came from
    connect_address: str | None = None  # from --resolve
    notes: list[str] = field(default_factory=list)

    @property
    def origin(self) -> str:
        default = 443 if self.scheme == "https" else 80
        port = "" if self.port == default else f":{self.port}"
        return f"{self.scheme}://{self.host}{port}"

    @property
    def base_url(self) -> str:
        return self.origin + self.base_path

    @property
    def loopback(self) -> bool:
        return is_loopback(self.connect_address or self.host)

    def facts(self) -> dict[str, str | None]:
        return {
            "gateway": self.gateway.name,
            "url": self.base_url,
            "host": self.host,
            "connect_address": self.connect_address,
        }


def is_loopback(address: str) -> bool:
    if address.lower() in {"localhost", "localhost.localdomain"}:
        return True
    try:
        return ipaddress.ip_address(address.strip("[]")).is_loopback
    except ValueError:
        return False


def _url_variables() -> list[tuple[str, Gateway]]:
    return [(name, gateway) for gateway in map(gateways.get, gateways.names()) for name in gateway.url_env]


def _url_from_environment() -> tuple[str, str, Gateway] | None:
    for name, gateway in _url_variables():
        value = os.environ.get(name, "").strip()
        if value:
            return value, f"environment variable {name}", gateway
    return None


def _choose_gateway(options: CheckOptions, host: str, path: str, source: str, hinted: Gateway | None) -> Gateway:
    """--gateway, else the gateway the URL points at, else the one whose variable held the URL; never a guess."""
    if options.gateway != "auto":
        return gateways.get(options.gateway)
    found = gateways.detect_url(host, path) or hinted
    if found is None:
        raise TargetError(
            f"{source}: {host} is not the host of any gateway aigw-doctor knows "
            f"({', '.join(gateways.names())}); pass --gateway to say which gateway it is"
        )
    return found


_USERINFO = re.compile(r"://[^/@\s]*@")


def resolve_target(options: CheckOptions) -> Target:
    found = (options.url.strip(), "--url", None) if options.url and options.url.strip() else _url_from_environment()
    if found is None:
        variables = " or ".join(
            f"{names[0]} ({g.title})" for g in map(gateways.get, gateways.names()) if (names := g.url_env)
        )
        raise TargetError(
            f"no gateway to check: pass --url, or set {variables}; "
            "to try the tool without an account, run: aigw-doctor check --mock healthy"
        )
    text, source, hinted = found
    shown = _USERINFO.sub("://…@", text)  # a URL's password is never echoed, whatever the scheme
    had_scheme = "://" in text
    try:
        parts = urlsplit(text if had_scheme else f"https://{text}")
        port = parts.port
    except ValueError as exc:
        raise TargetError(f"{source}: not a URL: {exc}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TargetError(f"{source}: expected an http(s) URL or a host name, got {shown!r}")
    if parts.username or parts.password:
        raise TargetError(f"{source}: remove the credentials from the URL; pass the token from the environment")
    host = parts.hostname.lower().rstrip(".")
    scheme = parts.scheme
    gateway = _choose_gateway(options, host, parts.path, source, hinted)
    notes = []
    if not had_scheme:
        notes.append(f"{source} has no scheme; assumed https://")
    try:
        base_path, dropped = gateway.base_path(parts.path, source)
    except ValueError as exc:
        raise TargetError(str(exc)) from None
    notes += dropped
    effective_port = port or (443 if scheme == "https" else 80)
    target = Target(gateway, scheme, host, effective_port, base_path, source, notes=notes)
    target.connect_address = _resolved_address(options.resolve, host, effective_port)
    return target


def _resolved_address(resolves: list[Resolve], host: str, port: int) -> str | None:
    for entry in resolves:
        if entry.host == host and entry.port == port:
            return entry.address
    return None


def credential_refusal(target: Target, options: CheckOptions) -> str | None:
    """Why the credential must not be sent to this target, or None when it may be.

    The token goes only where the gateway's own trust rule points (`*.neon.tech`, `gateway.ai.cloudflare.com`)
    over https, or to a loopback address; plain http only ever to loopback.
    """
    if target.scheme == "http" and not target.loopback:
        return (
            f"refusing to send the credential over plain http to {target.host}: use https "
            "(plain http is allowed only to a loopback address, e.g. the emulator)"
        )
    if target.loopback or target.gateway.trusted_host(target.host, options.trusted_suffix):
        return None
    if target.host in {h.lower().rstrip(".") for h in options.allow_hosts}:
        return None
    expected = target.gateway.trusted_hosts(options.trusted_suffix)
    return (
        f"refusing to send the credential to {target.host}: it is not a {target.gateway.name} AI Gateway host "
        f"({expected}); if you trust it, pass --allow-host {target.host}"
    )
