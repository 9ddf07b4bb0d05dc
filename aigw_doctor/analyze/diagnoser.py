"""Diagnosis of one exchange, memoised.

In real traffic the same failure recurs thousands of times: the same status, the same body, the same
headers. The engine's verdict depends only on what its rules can look at, so the memo key is exactly that:
the gateway, status, body, request context, the headers the catalog's rules test (their values where a rule
tests a value, their presence where a rule only asks whether they are there) and the presence of `cf-aig-*`
headers (which identify the gateway). The observation diagnosed on a miss is rebuilt from the key alone, so
a hit can never return a verdict the engine would not have given.

Bodies often differ only by an identifier (a request id, a trace id, a UUID, a timestamp): the key holds the
body with those replaced by placeholders (`normalised_body`), and the body diagnosed is that same normalised
text. No rule tests an identifier's value (`tests/test_analyze.py` checks the whole corpus diagnoses the
same either way), so thousands of distinct bodies cost one diagnosis.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from aigw_doctor.analyze.record import LoggedExchange
from aigw_doctor.engine import MAX_MATCHED_BODY, diagnose
from aigw_doctor.facts import enrich
from aigw_doctor.model import Observation, RequestContext
from aigw_doctor.ruleset.catalog import Catalog

DEFAULT_CACHE_SIZE = 4096

# Identifiers that make otherwise identical error bodies distinct. Each is replaced by a fixed placeholder.
_IDENTIFIERS = re.compile(
    r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b"  # a UUID
    r"|\b(?:req|msg|chatcmpl|resp|gen|trace|run|evt)[_-][A-Za-z0-9]{8,}"  # prefixed ids (req_011C…)
    r"|\b[0-9a-fA-F]{16,}\b"  # long hex (trace ids, Cloudflare ray ids)
    r"|\b\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?"  # a timestamp
)
_ID_FIELDS = re.compile(r'("(?:request_id|requestId|request-id|trace_id|traceId|x-request-id)"\s*:\s*)"[^"\\]{1,200}"')


def normalised_body(body: str) -> str:
    """The body with its identifiers replaced by placeholders: what the memo key and the diagnosis read."""
    if not body:
        return body
    return _IDENTIFIERS.sub("<id>", _ID_FIELDS.sub(r'\1"<id>"', body))


# The redirect fact reads `location`; it is tested here by presence only.
_ALWAYS_PRESENCE = ("location",)


@dataclass(frozen=True, slots=True)
class Diagnosis:
    rule: str
    category: str
    severity: str
    transient: bool
    title: str
    fix: str
    docs: str | None


Key = tuple[Any, ...]


class Diagnoser:
    def __init__(self, catalog: Catalog, cache_size: int = DEFAULT_CACHE_SIZE) -> None:
        self.catalog = catalog
        valued: set[str] = set()
        present: set[str] = set(_ALWAYS_PRESENCE)
        for rule in catalog.rules:
            _collect_header_tests([rule.match], valued, present)
        self._valued = tuple(sorted(valued))
        self._present = tuple(sorted(present - valued))
        self.cache_size = cache_size
        self._lookup = lru_cache(maxsize=cache_size)(self._compute) if cache_size > 0 else self._compute
        self.calls = 0

    def diagnose(self, exchange: LoggedExchange) -> Diagnosis:
        self.calls += 1
        return self._lookup(self.key(exchange))

    @property
    def hits(self) -> int:
        info = getattr(self._lookup, "cache_info", None)
        return int(info().hits) if info is not None else 0

    def key(self, exchange: LoggedExchange) -> Key:
        headers = exchange.headers
        relevant: list[tuple[str, str]] = []
        if headers:
            for name in self._valued:
                value = headers.get(name)
                if value is not None:
                    relevant.append((name, value[:1024]))
            for name in self._present:
                if name in headers:
                    relevant.append((name, "1"))
            relevant.extend((name, "1") for name in headers if name.startswith("cf-aig-") and name not in self._valued)
        return (
            exchange.gateway,
            exchange.status,
            normalised_body(exchange.body[:MAX_MATCHED_BODY]),
            exchange.headers_known,
            tuple(relevant),
            exchange.method,
            exchange.host,
            exchange.path,
            exchange.model,
            exchange.request_header_names,
            exchange.transport_error,
            exchange.transport_text if exchange.transport_error else None,
            exchange.facts,
        )

    def _compute(self, key: Key) -> Diagnosis:
        (gateway, status, body, headers_known, headers, method, host, path, model, names, transport, text, facts) = key
        observation = Observation(
            gateway=gateway,
            request=RequestContext(method=method, host=host, path=path, model=model, header_names=list(names)),
            status=status,
            headers=dict(headers),
            headers_known=headers_known,
            body=body,
            transport_error=transport,
            facts=dict(facts),
        )
        finding = diagnose(enrich(observation, text), self.catalog)[0]
        return Diagnosis(
            rule=finding.rule,
            category=_value(finding.category),
            severity=_value(finding.severity),
            transient=finding.transient,
            title=finding.title,
            fix=finding.fix,
            docs=finding.docs,
        )


def _value(item: Any) -> str:
    return str(getattr(item, "value", item))


def _collect_header_tests(blocks: Iterable[Any], valued: set[str], present: set[str]) -> None:
    for block in blocks:
        for test in block.headers:
            (present if test.present is not None else valued).add(test.name.lower())
        _collect_header_tests(block.any, valued, present)
