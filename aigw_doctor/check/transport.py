"""Send one probe with httpx: bounded in time and size, retried when the answer is transient, and every
transport failure classified by phase (DNS, connect, TLS, timeout, reset)."""

from __future__ import annotations

import asyncio
import email.utils
import errno
import json
import os
import random
import socket
import ssl
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from aigw_doctor import __version__
from aigw_doctor.check.exchange import Exchange
from aigw_doctor.check.probes import ProbeSpec
from aigw_doctor.check.target import Target

MAX_BODY_READ = 1024 * 1024
RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504, 529})
BACKOFF_BASE_S = 0.5
BACKOFF_CAP_S = 8.0

# Decides from a response whether retrying can help (the rule engine's `transient`).
# Whether an answer is worth retrying: the runner judges it on the same observation the report diagnoses.
TransientJudge = Callable[[Exchange], bool]


def ssl_context(ca_bundle: Path | None) -> ssl.SSLContext | bool:
    cafile = str(ca_bundle) if ca_bundle else os.environ.get("SSL_CERT_FILE") or None
    if cafile:
        return ssl.create_default_context(cafile=cafile)
    capath = os.environ.get("SSL_CERT_DIR")
    return ssl.create_default_context(capath=capath) if capath else True


def make_client(ca_bundle: Path | None, timeout_s: float, proxy: str | None = None) -> httpx.AsyncClient:
    """One client for all probes: shared pool, no redirects (a credential never follows one), the proxy the
    run's route chose (`check/route.py`) and CA settings from the standard environment variables. httpx's
    own environment handling stays off: it would add a `~/.netrc` password and pick proxies on its own."""
    return httpx.AsyncClient(
        verify=ssl_context(ca_bundle),
        timeout=httpx.Timeout(timeout_s, connect=min(timeout_s, 10.0)),
        follow_redirects=False,
        trust_env=False,
        proxy=proxy,
        headers={"user-agent": f"aigw-doctor/{__version__}"},
        limits=httpx.Limits(max_connections=16, max_keepalive_connections=8),
    )


def request_url(target: Target, path: str) -> tuple[str, dict[str, str], dict[str, object]]:
    """The URL to connect to, extra headers and httpx extensions, honouring --resolve: connect to the given
    address while the Host header and the TLS server name stay the gateway's."""
    if not target.connect_address:
        return target.origin + path, {}, {}
    address = target.connect_address
    host = f"[{address}]" if ":" in address else address
    url = f"{target.scheme}://{host}:{target.port}{path}"
    default_port = 443 if target.scheme == "https" else 80
    host_header = target.host if target.port == default_port else f"{target.host}:{target.port}"
    return url, {"host": host_header}, {"sni_hostname": target.host}


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen and len(seen) < 10:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def classify_exception(exc: BaseException, timeout_s: float) -> tuple[str, dict[str, str], str]:
    """(transport_error, extra facts, one-line message) for a failed request."""
    chain = _chain(exc)
    text = " | ".join(str(e) for e in chain if str(e)).strip()
    lowered = text.lower()
    for item in chain:
        if isinstance(item, ssl.SSLCertVerificationError):
            code = getattr(item, "verify_code", None)
            reason = (getattr(item, "verify_message", "") or str(item)).strip()
            if code in (18, 19, 20, 21) or "self-signed" in reason.lower() or "local issuer" in reason.lower():
                return "tls", {"tls_problem": "unknown-ca"}, f"TLS: the server's certificate is not trusted ({reason})"
            if code == 62 or "hostname mismatch" in reason.lower() or "doesn't match" in reason.lower():
                return (
                    "tls",
                    {"tls_problem": "hostname-mismatch"},
                    f"TLS: certificate does not match the host ({reason})",
                )
            if code == 10 or "expired" in reason.lower():
                return "tls", {"tls_problem": "expired"}, f"TLS: the certificate has expired ({reason})"
            return "tls", {}, f"TLS: certificate verification failed ({reason})"
        if isinstance(item, ssl.SSLError):
            return "tls", {"tls_problem": "handshake"}, f"TLS handshake failed ({item})"
        if isinstance(item, socket.gaierror):
            return "dns", {}, f"DNS: the host name does not resolve ({item.strerror or item})"
        if isinstance(item, ConnectionRefusedError):
            return "connect", {}, "TCP: connection refused (nothing listens on that port)"
        if isinstance(item, OSError) and item.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
            return "unreachable", {}, f"TCP: network unreachable ({item.strerror})"
    if isinstance(exc, httpx.ConnectTimeout):
        return "timeout", {"timeout_phase": "connect"}, f"TCP connect did not finish within {timeout_s:g} s"
    if isinstance(exc, (httpx.ReadTimeout, httpx.WriteTimeout, httpx.PoolTimeout)):
        return "timeout", {"timeout_phase": "read"}, f"no answer within {timeout_s:g} s (--timeout)"
    if "name or service not known" in lowered or "nodename nor servname" in lowered or "name resolution" in lowered:
        return "dns", {}, f"DNS: the host name does not resolve ({text})"
    if "connection refused" in lowered:
        return "connect", {}, "TCP: connection refused (nothing listens on that port)"
    if isinstance(exc, httpx.RemoteProtocolError) or "peer closed" in lowered or "incomplete" in lowered:
        return "reset", {}, f"the server closed the connection before the response was complete ({text})"
    if isinstance(exc, httpx.ReadError) or "reset" in lowered:
        return "reset", {}, f"the connection was reset ({text or type(exc).__name__})"
    if isinstance(exc, httpx.ConnectError):
        return "connect", {}, f"TCP connect failed ({text or type(exc).__name__})"
    return "protocol", {}, f"{type(exc).__name__}: {text}"


def retry_delay(headers: dict[str, str], attempt: int) -> tuple[float, bool]:
    """Seconds to wait before the next attempt, and whether the server said so (Retry-After)."""
    value = headers.get("retry-after", "").strip()
    if value:
        if value.isdigit():
            return float(value), True
        try:
            when = email.utils.parsedate_to_datetime(value)
            return max(0.0, when.timestamp() - time.time()), True
        except (TypeError, ValueError):
            pass
    backoff = min(BACKOFF_CAP_S, BACKOFF_BASE_S * (2**attempt))
    return backoff + random.uniform(0, backoff / 2), False


async def _attempt(
    client: httpx.AsyncClient, target: Target, spec: ProbeSpec, exchange: Exchange, timeout_s: float
) -> None:
    url, extra_headers, extensions = request_url(target, spec.path)
    headers = {**spec.headers, **extra_headers}
    for credential in spec.credentials:
        headers[credential.header] = credential.value()
    content = json.dumps(spec.body).encode() if spec.body is not None else None
    started = time.monotonic()
    exchange.status, exchange.headers, exchange.body, exchange.truncated = None, {}, "", False
    exchange.transport_error, exchange.error, exchange.facts = None, None, {}
    try:
        request = client.build_request(spec.method, url, headers=headers, content=content, extensions=extensions)
        response = await client.send(request, stream=True)
        try:
            exchange.status = response.status_code
            exchange.headers = {k.lower(): v for k, v in response.headers.items()}
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                chunks.append(chunk)
                size += len(chunk)
                if size > MAX_BODY_READ:
                    exchange.truncated = True
                    exchange.facts["body_truncated"] = "yes"
                    break
            exchange.body = b"".join(chunks)[:MAX_BODY_READ].decode("utf-8", errors="replace")
        finally:
            await response.aclose()
        if 300 <= response.status_code < 400 and "location" in exchange.headers:
            exchange.facts["redirect"] = "yes"
    except (UnicodeError, httpx.LocalProtocolError, ValueError):
        # A header value httpx cannot encode: the exception text holds the value itself, so it is not kept.
        exchange.transport_error = "protocol"
        exchange.error = "the request could not be built: a header value has a character HTTP cannot carry"
    except (httpx.HTTPError, OSError, ssl.SSLError) as exc:
        kind, facts, message = classify_exception(exc, timeout_s)
        exchange.transport_error = kind
        exchange.facts.update(facts)
        exchange.error = message
    finally:
        exchange.latency_ms = round((time.monotonic() - started) * 1000, 1)


async def send_probe(
    client: httpx.AsyncClient,
    target: Target,
    spec: ProbeSpec,
    *,
    deadline: float,
    retries: int,
    timeout_s: float,
    is_transient: TransientJudge,
) -> Exchange:
    """Send `spec`, retrying transient answers with backoff and Retry-After, never past `deadline`."""
    exchange = Exchange(spec=spec, url=target.origin + spec.path)
    for attempt in range(retries + 1):
        await _attempt(client, target, spec, exchange, timeout_s)
        if attempt == retries:
            break
        if exchange.transport_error is not None:
            if exchange.transport_error != "reset":
                break
        elif exchange.status is None or exchange.status not in RETRYABLE_STATUSES or not is_transient(exchange):
            break
        delay, told = retry_delay(exchange.headers, attempt)
        remaining = deadline - time.monotonic()
        if delay > remaining - 0.2:
            why = f"Retry-After {delay:g} s" if told else f"a {delay:.1f} s backoff"
            exchange.notes.append(f"not retried: {why} would pass the deadline")
            break
        exchange.notes.append(
            f"retry {attempt + 1} after {delay:.1f} s"
            + (" (Retry-After)" if told else " (backoff)")
            + f": got {exchange.status or exchange.transport_error}"
        )
        await asyncio.sleep(delay)
        exchange.retried += 1
    return exchange
