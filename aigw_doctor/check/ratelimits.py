"""Read rate-limit and cache headers: OpenAI-style `x-ratelimit-*`, `anthropic-ratelimit-*`, `cf-aig-*`."""

from __future__ import annotations

import re

from aigw_doctor.check.model import RateLimit

_OPENAI = re.compile(r"^x-ratelimit-(limit|remaining|reset)-(.+)$")
_ANTHROPIC = re.compile(r"^anthropic-ratelimit-(.+)-(limit|remaining|reset)$")
LOW_FRACTION = 0.1
CACHE_HEADERS = (
    "cf-aig-cache-status",
    "cf-aig-log-id",
    "cf-aig-event-id",
    "cf-aig-step",
    "cf-aig-model",
    "cf-aig-provider",
)


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def rate_limits(responses: list[dict[str, str]]) -> list[RateLimit]:
    """One entry per (family, dimension), from the last response that reported it."""
    found: dict[tuple[str, str], dict[str, str]] = {}
    for headers in responses:
        for name, value in headers.items():
            lowered = name.lower()
            if match := _OPENAI.match(lowered):
                field, dimension = match.groups()
                found.setdefault(("x-ratelimit", dimension), {})[field] = value
            elif match := _ANTHROPIC.match(lowered):
                dimension, field = match.groups()
                found.setdefault(("anthropic-ratelimit", dimension), {})[field] = value
    limits = []
    for (source, dimension), fields in sorted(found.items()):
        limit, remaining = _number(fields.get("limit")), _number(fields.get("remaining"))
        low = remaining is not None and (
            remaining <= 0 or (limit is not None and limit > 0 and remaining / limit < LOW_FRACTION)
        )
        limits.append(
            RateLimit(
                source=source,
                name=dimension,
                limit=fields.get("limit"),
                remaining=fields.get("remaining"),
                reset=fields.get("reset"),
                low=low,
            )
        )
    return limits


def cache_headers(responses: list[dict[str, str]]) -> dict[str, str]:
    seen: dict[str, str] = {}
    for headers in responses:
        for name in CACHE_HEADERS:
            if name in headers:
                seen[name] = headers[name]
    return seen
