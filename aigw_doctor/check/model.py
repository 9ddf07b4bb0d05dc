"""What a check run produces. Renderers only read these; nothing here knows about HTTP or terminals."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from aigw_doctor.model import REPORT_SCHEMA_VERSION, Finding, Settled


class CheckStatus(str, Enum):
    ok = "ok"
    warning = "warning"
    error = "error"
    crashed = "crashed"  # the checker itself failed: shown as such, never the end of the run
    skipped = "skipped"


class Group(str, Enum):
    """The report's sections, in the order they are shown."""

    token = "Token"
    host = "Host"
    connectivity = "Connectivity"
    authorization = "Authorization"
    models = "Models & endpoints"
    rate_limits = "Rate limits"
    cache = "Cache"


@dataclass
class CheckResult:
    name: str
    group: Group
    status: CheckStatus
    detail: str = ""
    findings: list[Finding] = field(default_factory=list)
    inconclusive: bool = False  # could not be decided (network, timeout): counts toward exit code 3


@dataclass
class ProbeRecord:
    """One request that was sent: where, what came back, how long it took, how often it was retried."""

    name: str
    endpoint: str
    method: str
    url: str
    status: int | None = None
    latency_ms: float | None = None
    retried: int = 0
    error: str | None = None
    proves: str = ""
    request_headers: list[str] = field(default_factory=list)
    response_headers: dict[str, str] = field(default_factory=dict)
    body_excerpt: str = ""
    truncated: bool = False


@dataclass
class RateLimit:
    """One rate-limit dimension read from response headers (e.g. requests or tokens)."""

    source: str
    name: str
    limit: str | None = None
    remaining: str | None = None
    reset: str | None = None
    low: bool = False


@dataclass
class CheckReport(Settled):
    schema_version: int = REPORT_SCHEMA_VERSION
    gateway: str = ""
    target: dict[str, str | None] = field(default_factory=dict)
    checks: list[CheckResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    probes: list[ProbeRecord] = field(default_factory=list)
    rate_limits: list[RateLimit] = field(default_factory=list)
    retry_after: str | None = None
    cache: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    elapsed_ms: float = 0.0
    # Whether a real request (a model answering through the upstream) was part of the run; without one a pass
    # proves the gateway, not the request path, and the verdict says so.
    request_path_tested: bool = False
