"""Run every rule's examples through the engine: the catalog's own test suite (`aigw-doctor rules test`)."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

from aigw_doctor.engine import match_rules
from aigw_doctor.facts import enrich
from aigw_doctor.model import Example, Observation, Rule
from aigw_doctor.ruleset.catalog import Catalog


@dataclass(frozen=True)
class ExampleFailure:
    rule: str
    location: str
    kind: str  # "match" or "no_match"
    index: int
    problem: str

    def __str__(self) -> str:
        return f"{self.location}: {self.rule} {self.kind}[{self.index}]: {self.problem}"


@dataclass(frozen=True)
class RuleTestResult:
    rules: int
    examples: int
    failures: list[ExampleFailure]

    @property
    def ok(self) -> bool:
        return not self.failures


def example_observation(example: Example) -> Observation:
    """An example as the engine sees it: a raw response goes through the same parser as `explain -`."""
    if example.raw is not None:
        from aigw_doctor.parse import parse_response_text

        observation = parse_response_text(example.raw)
    else:
        body = example.body
        text = body if isinstance(body, str) else "" if body is None else json.dumps(body)
        # An example that lists no headers stands for input that could not show them (a pasted body).
        observation = Observation(
            status=example.status, headers=example.headers, body=text, headers_known=bool(example.headers)
        )
    updates: dict[str, object] = {}
    if example.raw is not None and example.status is not None:
        updates["status"] = example.status
    if example.raw is not None and example.headers:
        updates["headers"] = {**observation.headers, **{k.lower(): v for k, v in example.headers.items()}}
    if example.facts:
        updates["facts"] = {**observation.facts, **example.facts}
    if example.gateway:
        updates["gateway"] = example.gateway
    observation = replace(observation, **updates) if updates else observation  # type: ignore[arg-type]
    return enrich(observation, example.raw)


def test_rules(catalog: Catalog, only: set[str] | None = None) -> RuleTestResult:
    """Check the examples of every rule (or of the rules named in `only`) against the whole catalog."""
    failures: list[ExampleFailure] = []
    tested = [rule for rule in catalog.rules if only is None or rule.id in only]
    examples = 0
    for rule in tested:
        source = catalog.sources.get(rule.id)
        location = f"{source.path}:{source.line}" if source else rule.id
        for index, example in enumerate(rule.examples.match):
            examples += 1
            problem = _match_problem(rule, example_observation(example), catalog)
            if problem:
                failures.append(ExampleFailure(rule.id, location, "match", index, problem))
        for index, example in enumerate(rule.examples.no_match):
            examples += 1
            matches = match_rules(example_observation(example), catalog)
            if any(m.rule.id == rule.id for m in matches):
                failures.append(ExampleFailure(rule.id, location, "no_match", index, "the rule matched"))
    return RuleTestResult(len(tested), examples, failures)


test_rules.__test__ = False  # type: ignore[attr-defined]  # not a pytest test, despite the name


def _match_problem(rule: Rule, observation: Observation, catalog: Catalog) -> str | None:
    matches = match_rules(observation, catalog)
    if not matches:
        return "no rule matched"
    top = matches[0]
    if top.rule.id != rule.id:
        mine = next((m for m in matches if m.rule.id == rule.id), None)
        where = f"ranked below {top.rule.id}" if mine else "did not match"
        return f"{where} (top: {top.rule.id}, score {top.score})"
    rivals = [m.rule.id for m in matches[1:] if m.rank == top.rank]
    if rivals:
        return (
            f"ambiguous: {', '.join(rivals)} match at the same rank (score {top.score}, priority {top.rule.priority})"
        )
    return None
