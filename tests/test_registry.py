"""The gateway registry: one list of gateways, asked by everything; a new gateway needs no edits elsewhere."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import get_args

import pytest

from aigw_doctor import gateways
from aigw_doctor.engine import diagnose
from aigw_doctor.facts import enrich
from aigw_doctor.gateways.neon import NeonGateway
from aigw_doctor.model import Observation, RequestContext
from aigw_doctor.ruleset.catalog import load_catalog

PACKAGE = Path(__file__).resolve().parents[1] / "aigw_doctor"


def test_get_names_the_choices_for_an_unknown_gateway() -> None:
    with pytest.raises(gateways.UnknownGatewayError, match=r"no such gateway: 'x'; choose from neon, cloudflare"):
        gateways.get("x")
    assert gateways.get("Neon").name == "neon"


def test_the_emulator_emulates_exactly_the_registered_gateways() -> None:
    from aigw_doctor.mock import emulator

    assert set(get_args(emulator.Gateway)) == set(gateways.names())


@pytest.mark.parametrize(
    ("host", "path", "expected"),
    [
        ("br-a-api.c-2.us-east-2.aws.neon.tech", "/v1/chat/completions", "neon"),
        ("gateway.ai.cloudflare.com", "/v1/acct/gw/openai", "cloudflare"),
        ("127.0.0.1", "/v1/0123456789abcdef0123456789abcdef/gw/openai", "cloudflare"),
        ("example.com", "/", None),
    ],
)
def test_detect_url(host: str, path: str, expected: str | None) -> None:
    found = gateways.detect_url(host, path)
    assert (found.name if found else None) == expected


def _name_comparisons(tree: ast.AST) -> Iterator[int]:
    names = set(gateways.names())
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            for side in [node.left, *node.comparators]:
                values = side.elts if isinstance(side, (ast.Tuple, ast.Set, ast.List)) else [side]
                if any(isinstance(v, ast.Constant) and v.value in names for v in values):
                    yield node.lineno


def test_no_module_outside_gateways_and_mock_compares_gateway_names() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative.startswith(("gateways/", "mock/")):
            continue
        for line in _name_comparisons(ast.parse(path.read_text(encoding="utf-8"))):
            offenders.append(f"{relative}:{line}")
    assert not offenders


class AcmeGateway(NeonGateway):
    """A throwaway third gateway: a new object and one registry call, nothing else edited."""

    name = "acme"
    title = "Acme AI Gateway"
    docs = "https://acme.example/docs"
    url_env = ("ACME_AIG_URL",)
    token_env = ("ACME_AIG_TOKEN",)

    def owns_host(self, host: str) -> bool:
        return host.endswith(".acme.example")

    def detect(self, observation: Observation) -> str | None:
        return "the request host" if self.owns_host(observation.request.host or "") else None

    def request_facts(self, observation: Observation) -> dict[str, str]:
        return {"acme_seen": "yes"}


@pytest.fixture
def acme() -> Iterator[AcmeGateway]:
    gateway = AcmeGateway()
    gateways.register(gateway)
    yield gateway
    gateways.unregister(gateway.name)


def test_a_third_gateway_is_detected_and_keeps_other_gateways_rules_away(acme: AcmeGateway) -> None:
    assert gateways.names()[-1] == "acme"
    observation = enrich(
        Observation(
            request=RequestContext(host="api.acme.example", path="/v1/chat/completions"),
            status=401,
            body='{"error": {"message": "invalid credentials"}}',
        )
    )
    assert observation.gateway == "acme"
    assert observation.facts["acme_seen"] == "yes"
    rules = {f.rule for f in diagnose(observation, load_catalog())}
    assert not any(rule.startswith(("neon.", "cloudflare.")) for rule in rules)


def test_a_third_gateway_is_a_check_choice(acme: AcmeGateway) -> None:
    from typer.testing import CliRunner

    from aigw_doctor.cli import app

    result = CliRunner().invoke(app, ["check", "--gateway", "nope", "--offline"])
    assert result.exit_code == 2
    assert "acme" in result.output
