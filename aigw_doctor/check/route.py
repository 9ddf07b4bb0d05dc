"""Which way the probes go: straight to the target, or through the proxy the environment names.

Decided once per run, before any request is built, so that the destination rules (`destination_refusal`) can
see it: a loopback or `--resolve` target never goes through a proxy (the user named the address to connect
to), and a credential never travels to a proxy in clear text — through a proxy only an https target is
allowed, whose TLS the proxy tunnels (CONNECT) without reading it.

httpx's own environment handling is off (`trust_env=False`): it would also send a `~/.netrc` password, and
it would not tell the report which proxy was used.
"""

from __future__ import annotations

import os
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from aigw_doctor.check.target import Target, TargetError
from aigw_doctor.redact import register_secret

_PROXY_VARIABLES = {
    "https": ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"),
    "http": ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"),
}


@dataclass(frozen=True)
class Route:
    proxy: str | None  # the proxy URL for httpx (with its own credentials, if any); None: direct
    shown: str  # what the report says, with no proxy credentials: "direct" or "proxy http://host:3128 (…)"
    tunnelled: bool = True  # the target's TLS passes through the proxy unread (https target)


def choose_route(target: Target, environ: Mapping[str, str] | None = None) -> Route:
    env = os.environ if environ is None else environ
    if target.connect_address:
        return Route(None, f"direct to {target.connect_address} (--resolve; proxies are not used)")
    if target.loopback:
        return Route(None, "direct (loopback; proxies are not used)")
    found = next(
        ((name, value.strip()) for name in _PROXY_VARIABLES[target.scheme] if (value := env.get(name, "")).strip()),
        None,
    )
    if found is None:
        return Route(None, "direct")
    name, url = found
    no_proxy = env.get("NO_PROXY") or env.get("no_proxy") or ""
    if no_proxy and urllib.request.proxy_bypass_environment(target.host, {"no": no_proxy}):  # type: ignore[attr-defined]
        return Route(None, f"direct ({target.host} is in NO_PROXY)")
    try:
        parts = urlsplit(url if "://" in url else f"http://{url}")
        port = parts.port
    except ValueError:
        raise TargetError(f"{name} is not a proxy URL; fix it, or add {target.host} to NO_PROXY") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TargetError(
            f"{name}: {parts.scheme or 'this'} proxies are not supported (http:// or https:// only); "
            f"unset it or add {target.host} to NO_PROXY"
        )
    register_secret(parts.password)  # the proxy's own password is masked wherever it might turn up
    where = f"{parts.scheme}://{parts.hostname}" + (f":{port}" if port else "")
    tunnelled = target.scheme == "https"
    how = "TLS tunnelled with CONNECT" if tunnelled else "plain http: the proxy reads the request"
    return Route(parts.geturl(), f"proxy {where} ({name}; {how})", tunnelled)
