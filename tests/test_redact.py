from __future__ import annotations

import pytest

from aigw_doctor.redact import forget_secrets, mask, mask_header_value, mask_text, register_secret


@pytest.fixture(autouse=True)
def _clean_registry() -> None:
    forget_secrets()


@pytest.mark.parametrize(
    ("text", "secret", "kept"),
    [
        ("Authorization: Bearer nt_live_abcdefghijklmnopqrstuvwxyz1234", "abcdefghijklmnop", "nt_live_…1234"),
        ("key sk-proj-AAAAAAAAAAAAAAAAbcd1 leaked", "AAAAAAAAAAAA", "sk-proj-…bcd1"),
        (
            "https://x/v1beta/models/g:generateContent?key=AIzaSyA1234567890abcdefghijklmno&alt=json",
            "SyA12345",
            "alt=json",
        ),
        ("> cf-aig-authorization: Bearer cfat_12345678901234567890", "1234567890123", "cfat_…7890"),
        ("x-api-key: sk-ant-api03-abcdefghijklmnopqrstu", "abcdefghijkl", "sk-ant-api03-…rstu"),
        ('{"api_key": "abcdef123456789"}', "abcdef12345", '"api_key": "…6789"'),
        ("x-goog-api-key: whatever-value-here", "whatever-value", "x-goog-api-key: …here"),
        ("dapi0123456789abcdef0123456789abcdef", "0123456789abcdef0123", "dapi…cdef"),
    ],
)
def test_credential_shapes_are_masked(text: str, secret: str, kept: str) -> None:
    masked = mask_text(text)
    assert secret not in masked
    assert kept in masked
    assert mask_text(masked) == masked


@pytest.mark.parametrize(
    "prose",
    [
        "The bearer credential is missing",
        "ai gateway daily token limit exceeded",
        "disk-encryption and sk-learn are words",
        "Authorization: Bearer $NEON_AI_GATEWAY_TOKEN",
    ],
)
def test_prose_is_left_alone(prose: str) -> None:
    assert mask_text(prose) == prose


def test_registered_secrets_are_masked_in_any_shape() -> None:
    register_secret("plain-secret-without-shape-42")
    assert "plain-secret" not in mask_text("echo: plain-secret-without-shape-42!")


def test_mask_keeps_the_kind() -> None:
    assert mask("nt_live_0123456789abcdefXYZW") == "nt_live_…XYZW"
    assert mask("nt_live_short") == "nt_live_…"
    assert mask_header_value("Authorization", "Bearer sk-proj-0123456789abcdef") == "Bearer sk-proj-…cdef"
