"""One probe's outcome as plain data (no httpx here, so the runner can type it without importing httpx)."""

from __future__ import annotations

from dataclasses import dataclass, field

from aigw_doctor.check.probes import ProbeSpec


@dataclass
class Exchange:
    spec: ProbeSpec
    url: str
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""
    truncated: bool = False
    latency_ms: float | None = None
    transport_error: str | None = None
    facts: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    retried: int = 0
    notes: list[str] = field(default_factory=list)
