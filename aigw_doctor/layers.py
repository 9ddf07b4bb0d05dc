"""Who answered: the layer that produced a response — the gateway, the provider behind it, Cloudflare's edge
in front, a proxy, the network, or the client — and the evidence for it. Pure: reads an observation and the
rule that explained it."""

from __future__ import annotations

import re

from aigw_doctor import gateways
from aigw_doctor.model import PROVIDER_RULE_OWNERS, Observation, Rule

_SCAN = 16 * 1024
_HTML = re.compile(r"(?i)^\s*<(!doctype html|html|head|title|center|h1|body)\b")
_CLOUDFLARE_PAGE = re.compile(r"(?i)cloudflare|cf-ray|ray id|cf-error")
_PROXY_PAGE = re.compile(r"(?i)nginx|envoy|haproxy|squid|zscaler|apache|openresty|varnish|traefik|proxy")
_PROVIDER_SHAPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "aws bedrock",
        re.compile(
            r"\b(ThrottlingException|ValidationException|AccessDeniedException|"
            r"ResourceNotFoundException|ModelTimeoutException|ServiceUnavailableException)\b"
        ),
    ),
    (
        "anthropic",
        re.compile(
            r'"type"\s*:\s*"error"|\b(overloaded|authentication|permission|not_found|rate_limit|'
            r"invalid_request|api)_error\b"
        ),
    ),
    ("google", re.compile(r'"status"\s*:\s*"[A-Z_]{5,}"|googleapis\.com|\bRESOURCE_EXHAUSTED|PERMISSION_DENIED\b')),
    ("databricks", re.compile(r'"error_code"\s*:\s*"[A-Z_]+"')),
    ("openai", re.compile(r'"error"\s*:\s*\{[^{}]{0,400}"type"\s*:')),
)


def answered_by(observation: Observation, rule: Rule | None) -> tuple[str, str] | None:
    """(layer, evidence), or None when nothing tells."""
    if observation.transport_error and observation.status is None:
        return "network", f"no response: {observation.transport_error} failure"
    text = observation.body[:_SCAN]
    server = (observation.header("server") or "").lower()
    if _HTML.match(text):
        if _CLOUDFLARE_PAGE.search(server) or observation.header("cf-ray") or _CLOUDFLARE_PAGE.search(text):
            return "edge", "Cloudflare's HTML error page"
        found = _PROXY_PAGE.search(text) or (re.search(r"\S+", server) if server else None)
        return "proxy", f"an HTML error page ({found.group(0)})" if found else "an HTML error page"
    if rule is not None and rule.gateway in gateways.names():
        return "gateway", f"the {gateways.get(rule.gateway).title}'s own error"
    if rule is not None and rule.gateway in PROVIDER_RULE_OWNERS:
        return "provider", f"{rule.gateway}'s error envelope"
    for name, shape in _PROVIDER_SHAPES:
        if shape.search(text):
            return "provider", f"{name}'s error envelope"
    return None
