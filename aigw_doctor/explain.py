"""`explain` as a core function: a query in, a report out. No printing, no exit codes."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace

from aigw_doctor import gateways
from aigw_doctor.engine import diagnose, finding_from_rule
from aigw_doctor.facts import enrich
from aigw_doctor.model import Observation, Report, Rule
from aigw_doctor.ruleset.catalog import Catalog
from aigw_doctor.verdict import settle_explain

_STATUS_ONLY = re.compile(r"^\s*(?:HTTP\s*)?([1-5]\d\d)\s*$", re.IGNORECASE)
_WORD = re.compile(r"[a-z0-9_]+")


@dataclass
class ExplainRequest:
    query: str
    stdin_text: str | None = None
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    gateway: str | None = None


@dataclass
class ExplainReport(Report):
    """A Report plus what a lookup adds: how the query was read, and near misses when nothing matched."""

    query_kind: str = "response"
    suggestions: list[str] = field(default_factory=list)

    @property
    def explained(self) -> bool:
        return any(not f.rule.startswith("fallback.") for f in self.findings)


def explain(request: ExplainRequest, catalog: Catalog) -> ExplainReport:
    report = _explain(request, catalog)
    settle_explain(report)
    return report


def _explain(request: ExplainRequest, catalog: Catalog) -> ExplainReport:
    query = request.query.strip()
    if query == "-":
        return _explain_response(request.stdin_text or "", request, catalog)
    by_key = catalog.lookup(query) if query else []
    if by_key and request.status is None:
        return ExplainReport(
            query_kind="rule",
            findings=[
                finding_from_rule(rule, None, [f"catalog entry {query!r}"], catalog.origin(rule.id)) for rule in by_key
            ],
        )
    status_only = _STATUS_ONLY.match(query)
    if status_only and not request.headers:
        return _explain_status(int(status_only.group(1)), request, catalog)
    return _explain_response(query, request, catalog)


def _explain_status(status: int, request: ExplainRequest, catalog: Catalog) -> ExplainReport:
    rules = [rule for rule in catalog.rules if status in rule.match.statuses() and _gateway_fits(rule, request.gateway)]
    if not rules:
        observation = Observation(status=status, gateway=request.gateway)
        return ExplainReport(
            query_kind="status",
            findings=diagnose(observation, catalog),
            assumptions=[f"no rule in the catalog is specific to status {status}"],
        )
    owners = gateways.names()
    # Documented errors first (the gateways' own, then the providers'); catch-all readings of a status last.
    rules.sort(key=lambda r: (r.confidence != "exact", r.gateway not in owners, r.gateway, -r.priority, r.id))
    note = (
        f"status {status} alone fits {len(rules)} catalog entries; paste the response body to narrow it to one"
        if len(rules) > 1
        else f"status {status} alone fits one catalog entry"
    )
    return ExplainReport(
        query_kind="status",
        # Candidates for a bare status, not a diagnosis: none is more than likely.
        findings=[
            replace(finding_from_rule(rule, None, [f"status {status}"], catalog.origin(rule.id)), confidence="likely")
            for rule in rules
        ],
        assumptions=[note],
    )


def _explain_response(text: str, request: ExplainRequest, catalog: Catalog) -> ExplainReport:
    from aigw_doctor.parse import parse_response_text

    observation = parse_response_text(text)
    updates: dict[str, object] = {}
    if request.status is not None:
        updates["status"] = request.status
    if request.headers:
        updates["headers"] = {**observation.headers, **{k.lower(): v for k, v in request.headers.items()}}
    if request.gateway:
        updates["gateway"] = request.gateway
    if updates:
        observation = replace(observation, **updates)  # type: ignore[arg-type]
    observation = enrich(observation, text)
    findings = diagnose(observation, catalog)
    report = ExplainReport(query_kind="response", findings=findings, assumptions=list(observation.assumptions))
    if findings[0].confidence != "exact" and _looks_like_phrase(text):
        phrase_hits = _rules_mentioning(text, catalog, request.gateway)
        if phrase_hits:
            return ExplainReport(
                query_kind="phrase",
                findings=[
                    replace(
                        finding_from_rule(
                            rule, None, [f"catalog text mentions {text.strip()!r}"], catalog.origin(rule.id)
                        ),
                        confidence="likely",
                    )
                    for rule in phrase_hits
                ],
                assumptions=["read the query as part of an error message and searched the catalog's texts"],
            )
        if findings[0].rule.startswith("fallback."):
            report.suggestions = suggest(text, catalog)
    return report


def _gateway_fits(rule: Rule, gateway: str | None) -> bool:
    owners = gateways.names()
    if gateway not in owners:
        return True
    return rule.gateway not in owners or rule.gateway == gateway


def _looks_like_phrase(text: str) -> bool:
    stripped = text.strip()
    return 0 < len(stripped) <= 200 and "\n" not in stripped and stripped[:1] not in "{["


def _literals(rule: Rule) -> list[str]:
    """The message texts a rule's conditions look for: what a user is likely to type back at us."""
    found: list[str] = []

    def visit(conditions: object) -> None:
        from aigw_doctor.model import Conditions

        if not isinstance(conditions, Conditions):
            return
        for test in conditions.body:
            for value in (test.equals, test.contains, test.prefix):
                if isinstance(value, str):
                    found.append(value)
            if test.one_of:
                found.extend(str(v) for v in test.one_of)
        for group in conditions.any:
            visit(group)

    visit(rule.match)
    found.extend(_example_messages(rule))
    return found


def _example_messages(rule: Rule) -> list[str]:
    """The error messages in a rule's own examples: the literal text users paste, unlike a regex."""
    from aigw_doctor.engine import Subject
    from aigw_doctor.ruleset.selftest import example_observation

    messages = []
    for example in rule.examples.match:
        for value in Subject(example_observation(example)).field_values("$message"):
            if isinstance(value, str) and 0 < len(value) <= 300:
                messages.append(value)
    return messages


def _rules_mentioning(text: str, catalog: Catalog, gateway: str | None) -> list[Rule]:
    words = _WORD.findall(text.casefold())
    if not words:
        return []
    phrase = " ".join(words)
    return [
        rule
        for rule, texts in _catalog_texts(catalog)
        if _gateway_fits(rule, gateway) and any(phrase in t for t in texts)
    ]


# Each catalog's searchable texts, built once: finding them parses every rule's examples (hundreds of parses),
# which a second phrase lookup in the same process (a test run, a library caller) must not repeat.
_TEXTS: dict[int, tuple[Catalog, list[tuple[Rule, list[str]]]]] = {}


def _words(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


def _catalog_texts(catalog: Catalog) -> list[tuple[Rule, list[str]]]:
    cached = _TEXTS.get(id(catalog))
    if cached is not None and cached[0] is catalog:
        return cached[1]
    texts = [
        (rule, [" ".join(_WORD.findall(t.casefold())) for t in [*_literals(rule), rule.title]])
        for rule in catalog.rules
    ]
    _TEXTS.clear()  # one catalog at a time: a process rarely loads more than one
    _TEXTS[id(catalog)] = (catalog, texts)
    return texts


def suggest(text: str, catalog: Catalog, limit: int = 3) -> list[str]:
    """Near misses: rule ids, aliases and catalog message texts close to what was typed."""
    candidates: dict[str, str] = {}
    for rule in catalog.rules:
        for key in [rule.id, *rule.aliases, *_literals(rule)]:
            candidates.setdefault(key.casefold(), key)
    close = difflib.get_close_matches(text.strip().casefold(), list(candidates), n=limit, cutoff=0.6)
    return [candidates[c] for c in close]
