"""Scenario names: a stable interface (tests, users' CI and `check --mock` use them). Never rename one.

Behaviour scenarios change what the emulated gateway answers; fault scenarios change the transport and
apply to both gateways.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from aigw_doctor.mock.faults import Faults

GatewayKind = Literal["neon", "cloudflare"]


@dataclass(frozen=True)
class Scenario:
    name: str
    gateways: tuple[GatewayKind, ...]
    summary: str
    fault: bool = False


_BOTH: tuple[GatewayKind, ...] = ("neon", "cloudflare")
_NEON: tuple[GatewayKind, ...] = ("neon",)
_CF: tuple[GatewayKind, ...] = ("cloudflare",)

SCENARIOS: tuple[Scenario, ...] = (
    Scenario("healthy", _BOTH, "every request is judged on its merits (the default)"),
    # Neon
    Scenario("auth-unavailable", _NEON, "503 authorization temporarily unavailable on every authenticated call"),
    Scenario("upstream-rate-limit", _NEON, "429 from the upstream with Retry-After and X-Ratelimit-*/Anthropic-*"),
    Scenario("quota-temporary", _NEON, "429 REQUEST_LIMIT_EXCEEDED with Retry-After (lifts later)"),
    Scenario("quota-permanent", _NEON, "429 REQUEST_LIMIT_EXCEEDED without Retry-After (until resolved)"),
    Scenario("upstream-failure", _NEON, "502 upstream request failed"),
    Scenario("upstream-timeout", _NEON, "504 upstream model timed out (newer message; seed: 502)"),
    Scenario("upstream-over-capacity", _NEON, "503 upstream model over capacity, with Retry-After (seed: 502)"),
    Scenario("upstream-model-error", _NEON, "500 upstream model error (newer message; seed: 502)"),
    Scenario("upstream-disabled", _NEON, "503 upstream model endpoint temporarily disabled (seed: 502)"),
    # Cloudflare
    Scenario("provider-error", _CF, "the provider answers 500 in its own error envelope, passed through"),
    Scenario("provider-rate-limit", _CF, "the provider answers 429 in its own envelope with its rate-limit headers"),
    Scenario("timeout", _CF, "the provider never answers: the gateway gives up after cf-aig-request-timeout"),
    Scenario("rate-limited", _CF, "the gateway's rate limit: 429 AiGatewayError 2003"),
    Scenario("spend-limit", _CF, "a spend-limit rule is over budget: 429 AiGatewayError 2041"),
    Scenario("credits-exhausted", _CF, "Unified Billing has no credits: 402 AiGatewayError 2021"),
    Scenario("guardrails-block", _CF, "Guardrails block the prompt: 424 AiGatewayError 2016"),
    # Transport faults (both gateways)
    Scenario("slow-body", _BOTH, "response bodies trickle a few bytes at a time", fault=True),
    Scenario("reset-mid-body", _BOTH, "the connection is reset (TCP RST) halfway through the body", fault=True),
    Scenario("huge-body", _BOTH, "every response body is padded to 16 MiB of valid JSON", fault=True),
    Scenario("html-502", _BOTH, "every request gets a proxy's HTML 502 Bad Gateway page", fault=True),
    Scenario("hang", _BOTH, "connections are accepted and requests read, but never answered", fault=True),
)
_BY_NAME = {s.name: s for s in SCENARIOS}


class ScenarioError(ValueError):
    pass


def scenarios_for(gateway: GatewayKind) -> list[Scenario]:
    return [s for s in SCENARIOS if gateway in s.gateways]


def validate(gateway: GatewayKind, names: list[str] | tuple[str, ...]) -> frozenset[str]:
    """The set of scenario names, or ScenarioError naming the unknown one and the known ones."""
    known = {s.name for s in scenarios_for(gateway)}
    for name in names:
        if name not in known:
            hint = f" (a {'/'.join(_BY_NAME[name].gateways)} scenario)" if name in _BY_NAME else ""
            raise ScenarioError(f"unknown scenario {name!r} for {gateway}{hint}; known: {', '.join(sorted(known))}")
    chosen = frozenset(names) - {"healthy"}
    return chosen or frozenset({"healthy"})


def faults_for(names: frozenset[str], latency_ms: float = 0.0, **tuning: float) -> Faults:
    return Faults(
        latency_ms=latency_ms,
        slow_body="slow-body" in names,
        reset_mid_body="reset-mid-body" in names,
        huge_body="huge-body" in names,
        html_502="html-502" in names,
        hang="hang" in names,
        **tuning,  # type: ignore[arg-type]
    )
