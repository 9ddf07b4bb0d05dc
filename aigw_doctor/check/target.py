"""Which gateway to check, at which address, and whether the credential may be sent there."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from aigw_doctor.check.options import (
    CF_URL_ENV,
    NEON_LEGACY_HOST_ENV,
    NEON_URL_ENV,
    CheckOptions,
    Resolve,
)
from aigw_doctor.gateways import cloudflare as cf


class TargetError(Exception):
    """The target cannot be checked as given: a configuration error (exit 2)."""


@dataclass
class Target:
    gateway: str  # neon | cloudflare
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
            "gateway": self.gateway,
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


def _url_from_environment() -> tuple[str, str] | None:
    for name in (NEON_URL_ENV, NEON_LEGACY_HOST_ENV, CF_URL_ENV):
        value = os.environ.get(name, "").strip()
        if value:
            return value, f"environment variable {name}"
    return None


def detect_gateway(host: str, path: str) -> str:
    if host == cf.GATEWAY_HOST or cf.parse_path(path).kind != "unknown":
        return "cloudflare"
    return "neon"


def resolve_target(options: CheckOptions) -> Target:
    found = (options.url.strip(), "--url") if options.url and options.url.strip() else _url_from_environment()
    if found is None:
        raise TargetError(
            f"no gateway to check: pass --url, or set {NEON_URL_ENV} (Neon) or {CF_URL_ENV} (Cloudflare); "
            "to try the tool without an account, run: aigw-doctor check --mock healthy"
        )
    text, source = found
    had_scheme = "://" in text
    try:
        parts = urlsplit(text if had_scheme else f"https://{text}")
        port = parts.port
    except ValueError as exc:
        raise TargetError(f"{source}: not a URL: {exc}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TargetError(f"{source}: expected an http(s) URL or a host name, got {text!r}")
    if parts.username or parts.password:
        raise TargetError(f"{source}: remove the credentials from the URL; pass the token from the environment")
    host = parts.hostname.lower().rstrip(".")
    scheme = parts.scheme
    gateway = options.gateway if options.gateway != "auto" else detect_gateway(host, parts.path)
    notes = []
    if not had_scheme:
        notes.append(f"{source} has no scheme; assumed https://")
    base_path = ""
    if gateway == "cloudflare":
        parsed = cf.parse_path(parts.path)
        if parsed.account_id and parsed.gateway_id:
            base_path = f"/v1/{parsed.account_id}/{parsed.gateway_id}"
        else:
            raise TargetError(
                f"{source}: a Cloudflare AI Gateway URL looks like "
                "https://gateway.ai.cloudflare.com/v1/<account_id>/<gateway_id>[/<provider>]"
            )
    elif parts.path.strip("/"):
        notes.append(f"the path {parts.path!r} in {source} was ignored: the Neon base URL is the host alone")
    effective_port = port or (443 if scheme == "https" else 80)
    target = Target(gateway, scheme, host, effective_port, base_path, source, notes=notes)
    target.connect_address = _resolved_address(options.resolve, host, effective_port)
    return target


def _resolved_address(resolves: list[Resolve], host: str, port: int) -> str | None:
    for entry in resolves:
        if entry.host == host and entry.port == port:
            return entry.address
    return None


def trusted_host(target: Target, trusted_suffix: str) -> bool:
    if target.gateway == "cloudflare":
        return target.host == cf.GATEWAY_HOST
    suffix = trusted_suffix if trusted_suffix.startswith(".") else f".{trusted_suffix}"
    return target.host.endswith(suffix)


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
    if target.loopback or trusted_host(target, options.trusted_suffix):
        return None
    if target.host in {h.lower().rstrip(".") for h in options.allow_hosts}:
        return None
    expected = cf.GATEWAY_HOST if target.gateway == "cloudflare" else f"*{options.trusted_suffix}"
    return (
        f"refusing to send the credential to {target.host}: it is not a {target.gateway} AI Gateway host "
        f"({expected}); if you trust it, pass --allow-host {target.host}"
    )
