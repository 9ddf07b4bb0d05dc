"""Transport rules (rules/net): through the engine with facts as `check` sets them, and through `explain -`."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from aigw_doctor.cli import app
from aigw_doctor.engine import diagnose
from aigw_doctor.model import Category, Observation
from aigw_doctor.ruleset.catalog import load_catalog

runner = CliRunner()
CATALOG = load_catalog()
NEON_HOST = "br-cool-pond-a1b2c3d4-api.ai.c-2.us-east-2.aws.neon.tech"


@pytest.fixture(autouse=True)
def _plain_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.delenv("AIGW_DOCTOR_RULES", raising=False)


def explain(text: str, *args: str) -> tuple[int, dict[str, Any]]:
    result = runner.invoke(app, ["explain", "-", *args, "--format", "json"], input=text)
    return result.exit_code, json.loads(result.stdout)


def net_rules() -> list[str]:
    return [rule.id for rule in CATALOG.rules if rule.id.startswith("net.")]


# --------------------------------------------------------------------------- through the engine


@pytest.mark.parametrize(
    ("transport_error", "facts", "gateway", "rule", "category", "transient"),
    [
        ("dns", {}, None, "net.dns.unresolved", "routing", False),
        ("connect", {}, "neon", "net.connect.refused", "configuration", False),
        ("unreachable", {}, None, "net.connect.unreachable", "configuration", False),
        ("reset", {}, "cloudflare", "net.connect.reset", "upstream", True),
        ("protocol", {}, None, "net.protocol.invalid-response", "configuration", False),
        ("tls", {"tls_problem": "unknown-ca"}, "neon", "net.tls.unknown-ca", "configuration", False),
        ("tls", {"tls_problem": "hostname-mismatch"}, None, "net.tls.hostname-mismatch", "routing", False),
        ("tls", {"tls_problem": "expired"}, None, "net.tls.expired", "configuration", False),
        ("tls", {"tls_problem": "handshake"}, None, "net.tls.handshake", "configuration", False),
        ("tls", {}, None, "net.tls.failed", "configuration", False),
        ("timeout", {"timeout_phase": "connect"}, "neon", "net.timeout.connect", "timeout", True),
        ("timeout", {"timeout_phase": "read"}, "neon", "net.timeout.read", "timeout", True),
        ("timeout", {"timeout_phase": "deadline"}, None, "net.timeout.deadline", "timeout", True),
        ("timeout", {}, "neon", "net.timeout.no-response", "timeout", True),
    ],
)
def test_transport_error_gives_its_rule(
    transport_error: str, facts: dict[str, str], gateway: str | None, rule: str, category: str, transient: bool
) -> None:
    findings = diagnose(Observation(transport_error=transport_error, facts=facts, gateway=gateway), CATALOG)
    assert findings[0].rule == rule
    assert findings[0].category == Category(category)
    assert findings[0].transient is transient
    assert f"transport_error = {transport_error}" in findings[0].evidence


def test_the_transport_error_may_come_as_a_fact() -> None:
    findings = diagnose(Observation(facts={"transport_error": "tls", "tls_problem": "unknown-ca"}), CATALOG)
    assert findings[0].rule == "net.tls.unknown-ca"


@pytest.mark.parametrize(
    ("phase", "rule"),
    [
        (None, "cloudflare.timeout.transport"),
        ("read", "cloudflare.timeout.transport"),
        ("deadline", "cloudflare.timeout.transport"),
        ("connect", "net.timeout.connect"),
    ],
)
def test_cloudflare_timeouts(phase: str | None, rule: str) -> None:
    facts = {"timeout_phase": phase} if phase else {}
    findings = diagnose(Observation(gateway="cloudflare", transport_error="timeout", facts=facts), CATALOG)
    assert findings[0].rule == rule
    ids = [f.rule for f in findings]
    assert len(ids) == len(set(ids))


def test_redirect_needs_the_location_header() -> None:
    with_location = Observation(
        status=308, headers={"Location": "https://x.neon.tech/v1/models"}, facts={"redirect": "yes"}
    )
    assert diagnose(with_location, CATALOG)[0].rule == "net.http.redirect"
    without = Observation(status=308, facts={"redirect": "yes"})
    assert "net.http.redirect" not in [f.rule for f in diagnose(without, CATALOG)]


def test_body_truncated_is_a_warning_below_a_real_diagnosis() -> None:
    alone = diagnose(Observation(status=200, facts={"body_truncated": "yes"}), CATALOG)
    assert alone[0].rule == "net.http.body-truncated"
    assert alone[0].severity.value == "warning"
    real = diagnose(
        Observation(
            status=401, body='{"error": {"message": "invalid or missing credential"}}', facts={"body_truncated": "yes"}
        ),
        CATALOG,
    )
    assert real[0].rule == "neon.credential.invalid"
    assert "net.http.body-truncated" in [f.rule for f in real]


def test_a_response_never_gets_a_transport_rule() -> None:
    findings = diagnose(Observation(status=503, body="upstream connect error or disconnect/reset"), CATALOG)
    assert not any(f.rule.startswith("net.") for f in findings)


@pytest.mark.parametrize("rule_id", net_rules())
def test_net_rules_are_complete(rule_id: str) -> None:
    rule = CATALOG.get(rule_id)
    assert rule is not None
    assert rule.gateway == "any"
    assert rule.category in {Category.routing, Category.configuration, Category.timeout, Category.upstream}
    assert rule.docs.startswith("https://")
    assert len(rule.cause) > 150 and len(rule.fix) > 150


# --------------------------------------------------------------------------- through explain -


def transcript(*lines: str) -> str:
    return "\n".join(lines) + "\n"


DNS = transcript(
    f"$ curl -v https://{NEON_HOST}/v1/models",
    f"* Could not resolve host: {NEON_HOST}",
    "* Closing connection",
    f"curl: (6) Could not resolve host: {NEON_HOST}",
)
SELF_SIGNED = transcript(
    "*   Trying 104.18.2.24:443...",
    "* Connected to gateway.ai.cloudflare.com (104.18.2.24) port 443",
    "* ALPN: curl offers h2,http/1.1",
    "* TLSv1.3 (OUT), TLS handshake, Client hello (1):",
    "* TLSv1.3 (IN), TLS handshake, Server hello (2):",
    "* SSL certificate problem: self-signed certificate in certificate chain",
    "* Closing connection",
    "curl: (60) SSL certificate problem: self-signed certificate in certificate chain",
    "More details here: https://curl.se/docs/sslcerts.html",
)
REFUSED = transcript(
    "*   Trying 127.0.0.1:8787...",
    "* connect to 127.0.0.1 port 8787 failed: Connection refused",
    "*   Trying [::1]:8787...",
    "* connect to ::1 port 8787 failed: Connection refused",
    "* Failed to connect to localhost port 8787 after 1 ms: Couldn't connect to server",
    "* Closing connection",
    "curl: (7) Failed to connect to localhost port 8787 after 1 ms: Couldn't connect to server",
)
TIMEOUT_NEON = transcript(
    "*   Trying 3.33.1.2:443...",
    f"* Connected to {NEON_HOST} (3.33.1.2) port 443",
    "> POST /v1/chat/completions HTTP/2",
    f"> Host: {NEON_HOST}",
    "> Authorization: Bearer nt_live_SECRETSECRETSECRET",
    ">",
    "* Operation timed out after 30002 milliseconds with 0 bytes received",
    "* Closing connection",
    "curl: (28) Operation timed out after 30002 milliseconds with 0 bytes received",
)
TIMEOUT_CONNECT = transcript(
    "*   Trying 10.255.255.1:443...",
    "* Operation timed out after 5001 milliseconds with 0 out of 0 bytes received",
    "* Closing connection",
    "curl: (28) Operation timed out after 5001 milliseconds with 0 out of 0 bytes received",
)
TIMEOUT_CLOUDFLARE = transcript(
    "*   Trying 104.18.2.24:443...",
    "* Connected to gateway.ai.cloudflare.com (104.18.2.24) port 443",
    "> POST /v1/0123456789abcdef0123456789abcdef/my-gateway/openai/chat/completions HTTP/2",
    "> Host: gateway.ai.cloudflare.com",
    ">",
    "* Operation timed out after 60001 milliseconds with 0 bytes received",
    "curl: (28) Operation timed out after 60001 milliseconds with 0 bytes received",
)


@pytest.mark.parametrize(
    ("text", "rule", "needles"),
    [
        (DNS, "net.dns.unresolved", ("dig", "nslookup", "VPN", "console")),
        (SELF_SIGNED, "net.tls.unknown-ca", ("--ca-bundle", "SSL_CERT_FILE", "proxy", "inspect")),
        (REFUSED, "net.connect.refused", ("port", "proxy", "emulator")),
        (TIMEOUT_NEON, "net.timeout.deadline", ("--timeout", "status page", "stream")),
        (TIMEOUT_CONNECT, "net.timeout.connect", ("firewall", "proxy")),
        (TIMEOUT_CLOUDFLARE, "cloudflare.timeout.transport", ("cf-aig-request-timeout",)),
    ],
)
def test_explain_curl_v_transport_failures(text: str, rule: str, needles: tuple[str, ...]) -> None:
    code, data = explain(text)
    assert code == 0
    finding = data["findings"][0]
    assert finding["rule"] == rule
    advice = " ".join([finding["cause"], finding["fix"], *finding["commands"]])
    for needle in needles:
        assert needle in advice, needle
    assert "SECRETSECRET" not in json.dumps(data)


def test_explain_reads_the_tls_problem_from_sdk_text() -> None:
    text = (
        "Traceback (most recent call last):\n"
        '  File "app.py", line 3, in <module>\n'
        "httpx.ConnectError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: "
        "self-signed certificate in certificate chain (_ssl.c:1006)\n"
    )
    _, data = explain(text)
    assert data["findings"][0]["rule"] == "net.tls.unknown-ca"


def test_explain_reset_is_not_reported_as_refused() -> None:
    _, data = explain("curl: (56) Recv failure: Connection reset by peer\n")
    assert data["findings"][0]["rule"] == "net.connect.reset"
    assert data["findings"][0]["transient"] is True


def test_explain_redirect() -> None:
    text = (
        f"$ curl -si http://{NEON_HOST}/v1/models\n"
        "HTTP/1.1 301 Moved Permanently\n"
        f"Location: https://{NEON_HOST}/v1/models\n"
        "Content-Length: 0\n\n"
    )
    code, data = explain(text)
    assert code == 0
    finding = data["findings"][0]
    assert finding["rule"] == "net.http.redirect"
    assert any("location" in line for line in finding["evidence"])
    assert "never sent to a redirect target" in finding["fix"] + finding["cause"]
