"""Request and transport facts the rules match on, derived from an Observation.

`enrich` tells the gateway from the request URL or the response, then adds facts computed by the gateway
modules: Cloudflare provider, endpoint kind, model prefix; Neon branch, region, endpoint dialect; which
request headers were sent; the details of a transport failure. It never overwrites a fact already set and
never raises: a fact it cannot derive is simply left out, so no rule waiting on it matches.

Fact names (all values are strings):
    provider, provider_path (missing|present), endpoint, model_prefix (missing|present), account_id,
    gateway_id                                  Cloudflare, from the request path and model
    endpoint, branch_id, region, cell, model_family, host_trusted (yes|no)
                                                Neon, from the request host, path and model
    request_header.<name> (present|absent)      `absent` only when the request headers are known
    transport_error (refined), tls_problem, timeout_phase, dns_problem
                                                from the client's error text
    redirect (yes)                              a 301/302/307/308 with a Location header
"""

from __future__ import annotations

import contextlib
import copy
from dataclasses import replace

from aigw_doctor import gateways
from aigw_doctor.gateways import cloudflare
from aigw_doctor.model import Observation

__all__ = ["RELEVANT_REQUEST_HEADERS", "detect_gateway", "enrich", "request_facts", "transport_facts"]

# Headers whose absence explains gateway errors; `absent` is only claimed when the request headers were seen.
RELEVANT_REQUEST_HEADERS: tuple[str, ...] = tuple(
    dict.fromkeys(
        (
            "authorization",
            "cf-aig-authorization",
            "cf-aig-byok-alias",
            "cf-aig-skip-cache",
            "cf-aig-cache-key",
            "cf-aig-cache-ttl",
            "cf-aig-request-timeout",
            *cloudflare.FACT_HEADERS,
        )
    )
)
REDIRECT_STATUSES = frozenset({301, 302, 307, 308})
# Error text is short; a long paste is only scanned this far for transport details.
_MAX_SCAN = 64 * 1024
# --------------------------------------------------------------------------- gateway detection


def detect_gateway(observation: Observation) -> str | None:
    """The registered gateway the observation came from, or None, from the request and the response."""
    found = gateways.detect(observation)
    return found[0].name if found else None


# --------------------------------------------------------------------------- request facts


def _header_facts(header_names: list[str]) -> dict[str, str]:
    sent = {name.strip().lower() for name in header_names if name.strip()}
    facts = {f"request_header.{name}": "present" for name in sorted(sent)}
    if sent:  # an empty list means the request headers were not seen, not that none were sent
        for name in RELEVANT_REQUEST_HEADERS:
            facts.setdefault(f"request_header.{name}", "absent")
    return facts


def request_facts(observation: Observation, gateway: str | None) -> dict[str, str]:
    """The facts the request context supports for `gateway`, without looking at existing facts."""
    facts: dict[str, str] = {}
    if gateway is not None:
        # A provider name given as --gateway: no gateway facts to derive.
        with contextlib.suppress(gateways.UnknownGatewayError):
            facts.update(gateways.get(gateway).request_facts(observation))
    facts.update(_header_facts(observation.request.header_names))
    location = observation.header("location")
    if observation.status in REDIRECT_STATUSES and location and location.strip():
        facts["redirect"] = "yes"
    return facts


# --------------------------------------------------------------------------- transport details

# Each list is checked in order and the first list with a marker wins; markers are lowercase substrings.
_CONNECT_REFINEMENTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        # The client could not get through its own proxy: whatever followed (a reset, a refusal) was the proxy's.
        "proxy",
        (
            "cannot connect to proxy", "proxyerror", "tunnel connection failed", "proxy authentication required",
            "unable to connect to proxy", "proxy connect aborted", "curl: (5)",
        ),
    ),
    (
        "reset",
        (
            "connection reset", "econnreset", "connectionreseterror", "recv failure", "send failure",
            "broken pipe", "epipe", "connection aborted", "connectionabortederror", "econnaborted",
            "server disconnected without sending a response", "remote end closed connection",
            "remotedisconnected", "other side closed", "socket hang up", "und_err_socket",
            # A body cut off midway: the server (or something between) dropped a response it had begun.
            "peer closed connection without sending complete message body", "incomplete chunked read",
            "curl: (55)", "curl: (56)",
        ),
    ),
    (
        "unreachable",
        (
            "no route to host", "network is unreachable", "host is unreachable", "enetunreach", "ehostunreach",
            "[errno 101]", "[errno 113]", "[errno 65]", "[errno 51]",
        ),
    ),
    (
        "protocol",
        (
            "empty reply from server", "curl: (52)", "remoteprotocolerror", "localprotocolerror",
            "weird server reply", "received http/0.9", "http2 framing layer", "protocol_error",
            "badstatusline", "invalid http response", "incompleteread", "incomplete read",
            "curl: (8)", "curl: (16)",
            "curl: (92)", "curl: (18)", "hpe_invalid", "parse error: invalid",
        ),
    ),
    (
        "connect",
        ("connection refused", "econnrefused", "[errno 111]", "[errno 61]", "couldn't connect to server"),
    ),
)  # fmt: skip

_TLS_PROBLEMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "expired",
        (
            "certificate has expired", "certificate expired", "cert_has_expired", "certificate is not yet valid",
            "cert_not_yet_valid", "has expired or is not yet valid", "sec_e_cert_expired",
        ),
    ),
    (
        "hostname-mismatch",
        (
            "no alternative certificate subject name matches", "hostname mismatch", "doesn't match",
            "does not match target host", "err_tls_cert_altname_invalid", "certificate is not valid for",
            "certificate is valid for", "subject name does not match", "sec_e_wrong_principal",
            "ssl: certificate_verify_failed] certificate verify failed: hostname",
        ),
    ),
    (
        "unknown-ca",
        (
            "self signed certificate", "self-signed certificate", "unable to get local issuer certificate",
            "unable to get issuer certificate", "unable to verify the first certificate",
            "unable_to_verify_leaf_signature", "unable_to_get_issuer_cert", "self_signed_cert_in_chain",
            "depth_zero_self_signed_cert", "signed by unknown authority", "unknown ca", "untrusted root",
            "sec_e_untrusted_root", "certificate chain was issued by an authority that is not trusted",
            "pkix path building failed", "unable to find valid certification path",
        ),
    ),
    (
        "handshake",
        (
            "handshake failure", "handshake_failure", "wrong version number", "unsupported protocol",
            "tlsv1 alert", "sslv3 alert", "alert handshake", "unexpected eof", "eof occurred in violation",
            "packet length too long", "no protocols available", "tls handshake", "ssl handshake",
            "curl: (35)", "ssl_error_syscall", "unknown protocol", "sec_e_illegal_message",
        ),
    ),
)  # fmt: skip

_TIMEOUT_PHASES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "connect",
        (
            "connecttimeout", "connect timeout", "connection timed out", "connect timed out", "failed to connect",
            "resolving timed out", "und_err_connect_timeout", "connect etimedout", "dial tcp",
            "timeout while connecting",
        ),
    ),
    (
        "read",
        (
            "readtimeout", "read timeout", "read timed out", "read operation timed out", "awaiting headers",
            "und_err_headers_timeout", "und_err_body_timeout", "timed out while reading", "esockettimedout",
        ),
    ),
    (
        "deadline",
        (
            "operation timed out after", "context deadline exceeded", "deadline exceeded", "apitimeouterror",
            "request timed out", "aborted due to timeout", "timeout was reached", "max-time", "total timeout",
            "curl: (28)",
        ),
    ),
)  # fmt: skip


def _first_kind(lowered: str, table: tuple[tuple[str, tuple[str, ...]], ...]) -> str | None:
    for kind, markers in table:
        if any(marker in lowered for marker in markers):
            return kind
    return None


def transport_facts(text: str, kind: str | None) -> dict[str, str]:
    """Details of a failure that happened before any response, from the client's error text.

    `kind` is the coarse class already known (`dns`, `connect`, `tls`, `timeout`, ...). The result may refine
    `transport_error` (a `connect` that was really a reset, an unreachable network or a protocol error) and
    adds `tls_problem` (unknown-ca, hostname-mismatch, expired, handshake) or `timeout_phase` (connect, read,
    deadline) when the text says which.
    """
    if not kind:
        return {}
    lowered = text[:_MAX_SCAN].lower()
    facts: dict[str, str] = {}
    if kind == "connect":
        refined = _first_kind(lowered, _CONNECT_REFINEMENTS)
        if refined and refined != kind:
            facts["transport_error"] = refined
    elif kind == "dns":
        # EAI_AGAIN: the resolver could not answer now (a container's or VPN's DNS), not "no such name".
        if "eai_again" in lowered or "temporary failure in name resolution" in lowered:
            facts["dns_problem"] = "temporary"
    elif kind == "tls":
        problem = _first_kind(lowered, _TLS_PROBLEMS)
        if problem:
            facts["tls_problem"] = problem
    elif kind == "timeout":
        phase = _first_kind(lowered, _TIMEOUT_PHASES)
        # curl -m reports "Operation timed out" even while still connecting: a transcript that tried an
        # address and never connected timed out in the connect phase.
        tried = "*   trying " in lowered or "* trying " in lowered
        connected = "* connected to" in lowered or "* established connection" in lowered
        if phase == "deadline" and tried and not connected:
            phase = "connect"
        if phase:
            facts["timeout_phase"] = phase
    return facts


# --------------------------------------------------------------------------- entry point


def _enrich(observation: Observation, text: str | None) -> Observation:
    gateway = observation.gateway
    assumptions = list(observation.assumptions)
    if gateway is None and (found := gateways.detect(observation)) is not None:
        gateway = found[0].name
        assumptions.append(f"gateway taken to be {gateway} from {found[1]}")
    derived = request_facts(observation, gateway)
    if observation.transport_error:
        derived.update(transport_facts(text if text is not None else observation.body, observation.transport_error))
    refined = derived.pop("transport_error", None)
    facts = {**derived, **observation.facts}  # facts already set always win
    update: dict[str, object] = {"facts": facts, "gateway": gateway, "assumptions": assumptions}
    if refined and "transport_error" not in observation.facts:
        update["transport_error"] = refined
    return replace(copy.deepcopy(observation), **update)  # type: ignore[arg-type]


def enrich(observation: Observation, text: str | None = None) -> Observation:
    """A copy of `observation` with the gateway filled in when it can be told and request facts added.

    `text`, when given, is the whole text the observation was parsed from: a `curl -v` transcript keeps its
    transport messages (`* SSL certificate problem: …`) outside the body. Never raises; facts already set are
    never overwritten.
    """
    try:
        return _enrich(observation, text)
    except Exception:  # a fact is a hint: deriving one must never break a diagnosis
        return copy.deepcopy(observation)
