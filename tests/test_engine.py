"""The engine on hand-made rules: conditions, envelopes, ranking and the fallback."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from pydantic import TypeAdapter

from aigw_doctor.engine import Subject, diagnose, match_rules
from aigw_doctor.model import Category, Observation, Rule
from aigw_doctor.ruleset.catalog import Catalog


def rule(rule_id: str, match: dict[str, Any], **extra: Any) -> Rule:
    data: dict[str, Any] = {
        "id": rule_id,
        "gateway": "any",
        "category": "request",
        "title": rule_id,
        "match": match,
        "cause": "c",
        "fix": "f",
        "docs": "https://example.com",
        "examples": {"match": [{"status": 400}], "no_match": [{"status": 401}]},
    }
    data.update(extra)
    return TypeAdapter(Rule).validate_python(data)


def obs(status: int | None = None, body: str = "", **kw: Any) -> Observation:
    return Observation(status=status, body=body, **kw)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('{"error": {"message": "unknown model \\"gpt-9\\""}}', ['unknown model "gpt-9"']),
        (
            '{"error_code": "REQUEST_LIMIT_EXCEEDED", "message": "ai gateway quota exceeded"}',
            ["ai gateway quota exceeded"],
        ),
        ('{"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}', ["Overloaded"]),
        (
            '{"success": false, "error": [{"code": 2009, "message": "Unauthorized"}], "message": "Unauthorized"}',
            ["Unauthorized", "Unauthorized"],
        ),
        ('{"error": "plain string error"}', ["plain string error"]),
        ("<html>502 Bad Gateway</html>", ["<html>502 Bad Gateway</html>"]),
    ],
)
def test_message_pseudo_field_reads_every_envelope(body: str, expected: list[str]) -> None:
    assert Subject(obs(body=body)).field_values("$message") == expected


def test_code_and_type_pseudo_fields() -> None:
    cf = Subject(obs(body='{"error": [{"code": 2009}], "name": "AiGatewayError", "internalCode": 2009}'))
    assert cf.field_values("$code") == [2009, 2009]
    assert cf.field_values("$type") == ["AiGatewayError"]
    gemini = Subject(obs(body='{"error": {"code": 429, "status": "RESOURCE_EXHAUSTED", "message": "x"}}'))
    assert "RESOURCE_EXHAUSTED" in gemini.field_values("$type")


def test_dotted_paths_index_and_search_lists() -> None:
    subject = Subject(obs(body='{"error": [{"code": 1}, {"code": 2}]}'))
    assert subject.field_values("error.1.code") == [2]
    assert subject.field_values("error.code") == [1, 2]
    assert subject.field_values("error.9.code") == []


def test_body_outranks_status_and_evidence_says_what_matched() -> None:
    generic = rule("x.generic.status", {"status": 400})
    specific = rule("x.specific.body", {"status": 400, "body": [{"field": "$message", "prefix": "unknown model"}]})
    catalog = Catalog(rules=[generic, specific])
    findings = diagnose(obs(400, '{"error": {"message": "Unknown model \\"gpt-9\\""}}'), catalog)
    assert [f.rule for f in findings] == ["x.specific.body", "x.generic.status"]
    assert findings[0].evidence == ["status 400", 'message = Unknown model "gpt-9"']


def test_priority_breaks_ties() -> None:
    low = rule("x.a.low", {"status": 400})
    high = rule("x.a.high", {"status": 400}, priority=5)
    assert [m.rule.id for m in match_rules(obs(400), Catalog(rules=[low, high]))] == ["x.a.high", "x.a.low"]


def test_headers_are_case_insensitive_and_absence_can_be_required() -> None:
    temp = rule("x.q.temp", {"status": 429, "headers": [{"name": "Retry-After", "present": True}]})
    perm = rule("x.q.perm", {"status": 429, "headers": [{"name": "retry-after", "present": False}]})
    catalog = Catalog(rules=[temp, perm])
    assert diagnose(obs(429, headers={"RETRY-AFTER": "30"}), catalog)[0].rule == "x.q.temp"
    assert diagnose(obs(429, headers={"RETRY-AFTER": "30"}), catalog)[0].retry_after == "30"
    assert [f.rule for f in diagnose(obs(429), catalog)] == ["x.q.perm"]


def test_any_groups_and_facts() -> None:
    r = rule(
        "x.m.wrong",
        {
            "facts": {"gateway": ["neon"]},
            "any": [
                {"body": [{"field": "$code", "equals": "invalid_model"}]},
                {"body": [{"field": "$message", "regex": r"not available on the \w+ endpoint"}]},
            ],
        },
    )
    catalog = Catalog(rules=[r])
    hit = obs(
        400, '{"error": {"message": "model \\"x\\" is not available on the openai_responses endpoint"}}', gateway="neon"
    )
    assert diagnose(hit, catalog)[0].rule == "x.m.wrong"
    assert diagnose(replace(hit, gateway=None), catalog)[0].rule.startswith("fallback.")


def test_equals_compares_numbers_and_strings() -> None:
    r = rule("x.cf.code", {"body": [{"field": "$code", "equals": 2009}]})
    catalog = Catalog(rules=[r])
    assert diagnose(obs(body='{"error": [{"code": "2009"}]}'), catalog)[0].rule == "x.cf.code"
    assert diagnose(obs(body='{"error": [{"code": 2009}]}'), catalog)[0].rule == "x.cf.code"


def test_an_unknown_status_never_satisfies_a_status_condition() -> None:
    r = rule("x.s.body", {"status": 401, "body": [{"field": "$message", "contains": "credential"}]})
    assert diagnose(obs(None, "invalid or missing credential"), Catalog(rules=[r]))[0].rule.startswith("fallback.")
    assert diagnose(obs(401, "invalid or missing credential"), Catalog(rules=[r]))[0].rule == "x.s.body"
    assert diagnose(obs(403, "invalid or missing credential"), Catalog(rules=[r]))[0].rule.startswith("fallback.")


def test_other_gateways_rules_do_not_apply() -> None:
    neon = rule("neon.a.b", {"status": 401}, gateway="neon")
    provider = rule("openai.a.b", {"status": 401}, gateway="openai")
    catalog = Catalog(rules=[neon, provider])
    assert [f.rule for f in diagnose(obs(401, gateway="cloudflare"), catalog)] == ["openai.a.b"]
    assert {f.rule for f in diagnose(obs(401), catalog)} == {"neon.a.b", "openai.a.b"}


@pytest.mark.parametrize(
    ("observation", "rule_id", "transient"),
    [
        (obs(418, "teapot"), "fallback.4xx", False),
        (obs(429), "fallback.429", True),
        (obs(599, "boom"), "fallback.5xx", True),
        (obs(None, "???"), "fallback.unknown", False),
        (obs(None, transport_error="timeout"), "fallback.transport", True),
    ],
)
def test_fallback_is_honest(observation: Observation, rule_id: str, transient: bool) -> None:
    (finding,) = diagnose(observation, Catalog())
    assert finding.rule == rule_id
    assert finding.category is Category.unknown
    assert finding.transient is transient
    assert "not a diagnosis" in finding.cause


def test_fallback_shows_the_body_masked() -> None:
    (finding,) = diagnose(obs(418, "key nt_live_abcdefghijklmnopqrstuvwxyz123456 rejected"), Catalog())
    assert "nt_live_…3456" in finding.evidence[-1]
    assert "abcdefghijkl" not in " ".join(finding.evidence)


def test_huge_body_is_capped_before_matching() -> None:
    r = rule("x.big.tail", {"body": [{"contains": "needle"}]})
    assert diagnose(obs(400, "x" * 200_000 + "needle"), Catalog(rules=[r]))[0].rule.startswith("fallback.")


def test_status_only_rules_do_not_match_when_the_status_is_unknown() -> None:
    status_only = rule("x.s.only", {"status": 504})
    with_header = rule("x.s.header", {"status": 429, "headers": [{"name": "retry-after", "present": False}]})
    catalog = Catalog(rules=[status_only, with_header])
    assert diagnose(obs(None, "something"), catalog)[0].rule.startswith("fallback.")
    assert diagnose(obs(504), catalog)[0].rule == "x.s.only"
