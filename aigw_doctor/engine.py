"""Match an observation against the rule catalog and rank what matched.

The engine is pure: it reads an Observation and a Catalog and returns Findings, best first.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aigw_doctor import gateways
from aigw_doctor.layers import answered_by
from aigw_doctor.model import (
    BodyCondition,
    Category,
    Conditions,
    Finding,
    HeaderCondition,
    Observation,
    Rule,
    Severity,
)
from aigw_doctor.redact import mask_text
from aigw_doctor.safe_regex import compile_rule_regex

if TYPE_CHECKING:  # the engine sits below the catalog: it only reads `catalog.rules`
    from aigw_doctor.ruleset.catalog import Catalog

# Rules only see this much of a body: a multi-megabyte error page is not an error message, and a cap keeps
# every regex in the catalog cheap whatever a server sends.
MAX_MATCHED_BODY = 64 * 1024

BODY_WEIGHT = 100
HEADER_WEIGHT = 10
FACT_WEIGHT = 10
STATUS_WEIGHT = 1

_NOT_JSON = object()

# Where each pseudo-field looks, in order, across the envelopes the catalog knows.
PSEUDO_FIELDS: dict[str, tuple[str, ...]] = {
    "$message": ("error.message", "message", "errors.message", "error", "detail", "msg"),
    "$code": ("error.code", "error_code", "internalCode", "errors.code", "code"),
    "$type": ("error.type", "error.status", "name", "type", "status"),
}


@dataclass(frozen=True)
class Match:
    rule: Rule
    score: int
    evidence: tuple[str, ...]

    @property
    def rank(self) -> tuple[int, int]:
        return (self.score, self.rule.priority)


class Subject:
    """An observation prepared for matching: the body parsed once, the facts gathered once."""

    def __init__(self, observation: Observation) -> None:
        self.observation = observation
        self.text = observation.body[:MAX_MATCHED_BODY]
        try:
            self.json: Any = json.loads(self.text) if self.text.strip()[:1] in ("{", "[") else _NOT_JSON
        except (ValueError, RecursionError):  # nested too deep for the decoder: matched as text
            self.json = _NOT_JSON
        request = observation.request
        facts = {
            "gateway": observation.gateway,
            "method": request.method,
            "host": request.host,
            "path": request.path,
            "model": request.model,
            "transport_error": observation.transport_error,
        }
        self.facts: dict[str, str] = {k: v for k, v in facts.items() if v}
        self.facts.update(observation.facts)

    def field_values(self, path: str | None) -> list[Any]:
        if path is None:
            return [self.text] if self.text else []
        if path in PSEUDO_FIELDS:
            return self._pseudo(path)
        if self.json is _NOT_JSON:
            return []
        return list(_resolve(self.json, path.split(".")))

    def _pseudo(self, name: str) -> list[Any]:
        if self.json is _NOT_JSON:
            return [self.text] if name == "$message" and self.text.strip() else []
        values: list[Any] = []
        for path in PSEUDO_FIELDS[name]:
            for value in _resolve(self.json, path.split(".")):
                # `error` is the message only when it is a plain string; objects are envelopes.
                if not isinstance(value, (dict, list)):
                    values.append(value)
        return values


def _resolve(value: Any, parts: list[str]) -> Iterable[Any]:
    if not parts:
        if value is not None:
            yield value
        return
    head, rest = parts[0], parts[1:]
    if isinstance(value, dict):
        if head in value:
            yield from _resolve(value[head], rest)
    elif isinstance(value, list):
        if head.isdigit():
            index = int(head)
            if index < len(value):
                yield from _resolve(value[index], rest)
        else:
            for item in value:
                yield from _resolve(item, parts)


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _value_holds(test: BodyCondition | HeaderCondition, values: list[Any]) -> Any | None:
    """The first value that passes the test (or True for a satisfied `present: false`), else None."""
    if test.present is not None:
        if test.present:
            return values[0] if values else None
        return None if values else True
    for value in values:
        text = _as_text(value)
        folded = text.casefold()
        if test.equals is not None and folded == _as_text(test.equals).casefold():
            return value
        if test.contains is not None and test.contains.casefold() in folded:
            return value
        if test.prefix is not None and folded.startswith(test.prefix.casefold()):
            return value
        if test.regex is not None and compile_rule_regex(test.regex).search(text):
            return value
        if test.excludes is not None and test.excludes.casefold() not in folded:
            return value
        if test.one_of is not None and folded in {_as_text(v).casefold() for v in test.one_of}:
            return value
    return None


def _short(value: Any, limit: int = 160) -> str:
    # Masked before the cut: a cut inside a secret would leave a fragment no pattern recognises.
    text = mask_text(_as_text(value)).replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def match_conditions(conditions: Conditions, subject: Subject) -> tuple[int, list[str]] | None:
    """Score and evidence when every condition holds, else None."""
    score = 0
    evidence: list[str] = []
    status = subject.observation.status
    if conditions.status is not None:
        # An unknown status never satisfies a status condition: a pasted text without one must not be
        # diagnosed as, say, an edge 524 because it mentions "cloudflare".
        allowed = conditions.status if isinstance(conditions.status, list) else [conditions.status]
        if status is None or status not in allowed:
            return None
        score += STATUS_WEIGHT
        evidence.append(f"status {status}")
    for body_test in conditions.body:
        hit = _value_holds(body_test, subject.field_values(body_test.field))
        if hit is None:
            return None
        score += BODY_WEIGHT
        where = (body_test.field or "body").lstrip("$")
        evidence.append(f"{where} absent" if hit is True else f"{where} = {_short(hit)}")
    for header_test in conditions.headers:
        value = subject.observation.header(header_test.name)
        if value is None and header_test.present is False and not subject.observation.headers_known:
            return None
        hit = _value_holds(header_test, [] if value is None else [value])
        if hit is None:
            return None
        score += HEADER_WEIGHT
        evidence.append(
            f"header {header_test.name} absent" if hit is True else f"header {header_test.name}: {_short(hit)}"
        )
    for name, expected in conditions.facts.items():
        actual = subject.facts.get(name)
        accepted = [expected] if isinstance(expected, str) else expected
        if actual is None or actual.casefold() not in {a.casefold() for a in accepted}:
            return None
        score += FACT_WEIGHT
        evidence.append(f"{name} = {_short(actual)}")
    if conditions.any:
        best: tuple[int, list[str]] | None = None
        for group in conditions.any:
            result = match_conditions(group, subject)
            if result is not None and (best is None or result[0] > best[0]):
                best = result
        if best is None:
            return None
        score += best[0]
        evidence.extend(best[1])
    return score, list(dict.fromkeys(evidence))


def applies_to(rule: Rule, observation: Observation) -> bool:
    """A Neon rule says nothing about a Cloudflare response and vice versa; provider rules apply to both."""
    owners = gateways.names()
    gateway = observation.gateway
    return not (gateway in owners and rule.gateway in owners and rule.gateway != gateway)


def match_rules(observation: Observation, catalog: Catalog) -> list[Match]:
    subject = Subject(observation)
    unknown_status = observation.status is None
    matches = []
    for rule in catalog.rules:
        if not applies_to(rule, observation):
            continue
        result = match_conditions(rule.match, subject)
        if result is None:
            continue
        if unknown_status and result[0] < BODY_WEIGHT and rule.match.statuses():
            # Nothing but the status would have tied this rule to the response, and the status is unknown.
            continue
        matches.append(Match(rule, result[0], tuple(result[1])))
    # A likely category ranks by the most telling signal for it; within it, a provider's own reading (its
    # envelope's type, with advice for that provider) comes before the gateway-neutral generic rules.
    best: dict[str, int] = {}
    for match in matches:
        if match.rule.confidence != "exact":
            category = match.rule.category.value
            best[category] = max(best.get(category, match.rule.priority), match.rule.priority)
    matches.sort(key=lambda m: _rank(m, best))
    return matches


def _rank(match: Match, best: dict[str, int]) -> tuple[int, int, int, int, int, str]:
    """Exact rules first, most specific first; then likely rules, by the priority of the best signal for
    their category (a generic rule's score says how many conditions it has, not how telling they are)."""
    if match.rule.confidence == "exact":
        return (0, -match.score, -match.rule.priority, 0, 0, match.rule.id)
    generic = 1 if match.rule.gateway == "any" else 0
    return (1, -best[match.rule.category.value], generic, -match.rule.priority, -match.score, match.rule.id)


def diagnose(observation: Observation, catalog: Catalog) -> list[Finding]:
    """Every rule that matches, best first; an honest fallback when none does."""
    matches = match_rules(observation, catalog)
    if not matches:
        fallback = fallback_finding(observation)
        if (layer := answered_by(observation, None)) is not None:
            fallback.layer, fallback.layer_evidence = layer
        return [fallback]
    if matches[0].rule.confidence == "exact":
        # A documented error was recognised: generic readings of the same response add nothing but noise.
        matches = [m for m in matches if m.rule.confidence == "exact"]
    findings = [finding_from_rule(m.rule, observation, list(m.evidence), catalog.origin(m.rule.id)) for m in matches]
    layer = answered_by(observation, matches[0].rule)
    if layer is not None:
        for finding in findings:
            finding.layer, finding.layer_evidence = layer
    return findings


def retry_after(observation: Observation) -> str | None:
    value = observation.header("retry-after")
    return value.strip() if value and value.strip() else None


def finding_from_rule(
    rule: Rule, observation: Observation | None, evidence: list[str], source: str = "shipped"
) -> Finding:
    return Finding(
        rule=rule.id,
        category=rule.category,
        severity=rule.severity,
        transient=rule.transient,
        title=rule.title,
        cause=rule.cause,
        fix=rule.fix,
        commands=list(rule.commands),
        docs=rule.docs,
        evidence=evidence,
        retry_after=retry_after(observation) if observation is not None else None,
        confidence=rule.confidence,
        rule_source=source,
    )


_FALLBACK_ADVICE: dict[str, tuple[str, str, bool]] = {
    "transport": (
        "The request did not complete",
        "Check the host name, your network, proxy and TLS settings; then retry.",
        True,
    ),
    "1xx": (
        "An informational response is not an answer",
        "Look further down the transcript for the real status.",
        False,
    ),
    "2xx": (
        "The request succeeded",
        "Nothing to fix at the HTTP level; if the content is wrong, check the request.",
        False,
    ),
    "3xx": (
        "The request was redirected",
        "Use the exact base URL from the gateway's console; API clients should not depend on redirects.",
        False,
    ),
    "4xx": (
        "The gateway or provider rejected the request",
        "Read the message in the body: check the credential, the URL path, the model name and the request body. "
        "This error is not in the catalog, so retrying the same request will most likely fail again.",
        False,
    ),
    "429": (
        "Too many requests",
        "Back off and retry; honour Retry-After when the response has it.",
        True,
    ),
    "5xx": (
        "The gateway or the upstream provider failed",
        "Retry with exponential backoff; if it persists, check the provider's and the gateway's status pages.",
        True,
    ),
    "unknown": (
        "Not an error this catalog knows",
        "Give the HTTP status (`--status`) or paste the whole response (`curl -si ... | aigw-doctor explain -`).",
        False,
    ),
}


def status_class(observation: Observation) -> str:
    status = observation.status
    if observation.transport_error and status is None:
        return "transport"
    if status is None:
        return "unknown"
    if status == 429:
        return "429"
    return f"{status // 100}xx" if 100 <= status < 600 else "unknown"


def fallback_finding(observation: Observation) -> Finding:
    klass = status_class(observation)
    title, fix, transient = _FALLBACK_ADVICE[klass]
    evidence = []
    if observation.status is not None:
        evidence.append(f"status {observation.status}")
    if observation.transport_error:
        evidence.append(f"transport error: {observation.transport_error}")
    if observation.body.strip():
        evidence.append(f"body: {_short(observation.body.strip(), 400)}")
    return Finding(
        rule=f"fallback.{klass}",
        category=Category.unknown,
        severity=Severity.info if klass == "2xx" else Severity.warning,
        transient=transient,
        title=f"{title} (not in the catalog)",
        cause="No rule in the catalog matches this response, so this is generic advice for its status class, "
        "not a diagnosis.",
        fix=fix,
        evidence=evidence,
        retry_after=retry_after(observation),
        confidence="unknown",
    )
