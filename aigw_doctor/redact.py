"""The one place that masks secrets. A finished report goes through `mask_report` once, before any renderer;
messages (errors, warnings, notes) and excerpts cut from untrusted text go through `mask_text` where they are made.

Two mechanisms, because neither alone is enough: secrets the process knows (the token it read from the
environment) are replaced wherever they appear, even in a shape no pattern anticipates; and credential
shapes (provider keys, bearer values, `?key=` query parameters, sensitive header values) are masked
whatever their origin, so a server that echoes back somebody else's key cannot leak it either.
"""

from __future__ import annotations

import os
import re
import threading
from typing import TypeVar

ELLIPSIS = "…"

# Headers whose values are credentials, whoever sent them.
SENSITIVE_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "cf-aig-authorization",
        "x-api-key",
        "api-key",
        "x-goog-api-key",
        "x-amz-security-token",
        "cookie",
        "set-cookie",
        "x-auth-token",
    }
)

# Known credential prefixes, kept visible so the masked form still says what kind of credential it was.
# Distinctive prefixes mask on sight; the generic `sk-` and `dapi` ones only when a digit follows, so prose
# such as "sk-learn" survives.
_PREFIXED = re.compile(
    r"(?:\b|(?<=\\[nrt]))(?:(?P<prefix>nt_live_|nt_test_|sk-ant-api\d\d-|sk-ant-|sk-proj-|sk-svcacct-|cfat_|cfut_|AIza|ya29\.)"
    r"(?P<rest>[A-Za-z0-9_\-\.]{8,})"
    r"|(?P<generic>sk-|dapi)(?=[A-Za-z_\-]*\d)[A-Za-z0-9_\-]{16,})"
)
# A bearer value has a digit in practice; requiring one keeps prose like "bearer credential" readable.
_BEARER = re.compile(r"(?i)(?:\b|(?<=\\[nrt]))(bearer)(\s+)(?P<value>(?=[A-Za-z_\-\.=+/:]*\d)[A-Za-z0-9_\-\.=+/:]{6,})")
_QUERY_SECRET = re.compile(
    r"(?i)([?&](?:key|api[_-]?key|token|access_token|auth|signature|sig)=)(?P<value>[^&#\s'\"]+)"
)
_HEADER_LINE = re.compile(
    r"(?im)^(?P<lead>[<>]?\s*)(?P<name>" + "|".join(re.escape(h) for h in sorted(SENSITIVE_HEADERS)) + r")"
    r"(?P<sep>\s*:\s*)(?P<value>[^\r\n]*)"
)
# A secret-named field in JSON, also when that JSON sits escaped inside another JSON string (a body excerpt
# in a JSON report): the quote may carry backslashes, the same number on every quote of the pair.
_JSON_SECRET_FIELD = re.compile(
    r"(?i)(?P<key>(?P<q>\\*\")(?:api[_-]?key|token|access_token|secret|password|api_token|"
    + "|".join(re.escape(h) for h in sorted(SENSITIVE_HEADERS))
    + r")(?P=q)\s*:\s*(?P=q))(?P<value>[^\"\\]{4,})(?P=q)"
)

# Credentials with a shape of their own, whatever the text around them: a JWT (an OAuth or Vertex access
# token), an AWS access key id, a password in a URL, and values behind a credential label in prose or config
# (`aws_secret_access_key = …`, `password: …`, `X-Amz-Security-Token=…`).
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")
_AWS_KEY_ID = re.compile(r"\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b")
# Anchored on `://` and bounded, so that a long run of letters is not rescanned from every position.
_URL_PASSWORD = re.compile(r"(?P<lead>://[^/\s:@]{1,256}:)(?P<value>[^/\s@]{1,256})(?=@)")
_LABELLED = re.compile(
    r"(?i)\b(?P<label>aws_secret_access_key|aws_session_token|x-amz-security-token|secret_access_key|"
    r"client_secret|password|passwd|api[_-]?secret)(?P<sep>[\"']?[ \t]{0,8}[:=][ \t]{0,8}[\"']?)"
    r"(?P<value>[^\s\"',;&]{6,4096})"
)

_KIND_PREFIXES = (
    "nt_live_",
    "nt_test_",
    "sk-ant-api03-",
    "sk-ant-",
    "sk-proj-",
    "sk-svcacct-",
    "sk-",
    "cfat_",
    "cfut_",
    "AIza",
    "ya29.",
    "dapi",
)
# A shell variable or a placeholder in an example command is not a secret, and masking it would make the
# command useless to copy.
_PLACEHOLDER = re.compile(r"^(\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|<[^<>]+>|\.\.\.|…)$")

_known_secrets: set[str] = set()
_lock = threading.Lock()


def mask(secret: str) -> str:
    """`nt_live_abcdef…1234` → `nt_live_…1234`: the kind stays visible, the secret does not."""
    secret = secret.strip()
    prefix = next((p for p in _KIND_PREFIXES if secret.startswith(p)), "")
    rest = secret[len(prefix) :]
    if len(rest) < 12:
        return f"{prefix}{ELLIPSIS}"
    return f"{prefix}{ELLIPSIS}{rest[-4:]}"


def register_secret(secret: str | None) -> None:
    """Remember a secret this process holds, so that it is masked wherever it turns up."""
    if secret and len(secret.strip()) >= 6:
        with _lock:
            _known_secrets.add(secret.strip())


# Variables that hold a credential by convention. Their values are registered before any output is made, so
# that a token pasted where it does not belong (an option value, a command name) is masked even when it has
# no recognisable shape.
CREDENTIAL_VARIABLES = (
    "NEON_AI_GATEWAY_TOKEN",
    "NEON_AI_GATEWAY_KEY",
    "CF_AIG_TOKEN",
    "CLOUDFLARE_API_TOKEN",
    "GOOGLE_API_KEY",
    "DATABRICKS_TOKEN",
)


def register_environment_secrets() -> None:
    """Register the values of the credential variables in the environment (`CREDENTIAL_VARIABLES` and every
    `*_API_KEY`)."""
    for name, value in os.environ.items():
        if name in CREDENTIAL_VARIABLES or name.endswith("_API_KEY"):
            register_secret(value)


def forget_secrets() -> None:
    with _lock:
        _known_secrets.clear()


def mask_text(text: str) -> str:
    """Mask every secret in `text`. Idempotent: masking masked text changes nothing."""
    if not text:
        return text
    with _lock:
        known = sorted(_known_secrets, key=len, reverse=True)
    if known:
        lowered = text.lower()
        for secret in known:
            if secret in text:
                text = text.replace(secret, mask(secret))
            elif secret.lower() in lowered:
                # A host name or header value may have been lower-cased on the way (`--url TOKEN`).
                text = re.sub(re.escape(secret), mask(secret), text, flags=re.IGNORECASE)
    text = _HEADER_LINE.sub(_mask_header_line, text)
    text = _BEARER.sub(lambda m: f"{m.group(1)}{m.group(2)}{_mask_unless_masked(m.group('value'))}", text)
    text = _PREFIXED.sub(lambda m: mask(m.group(0)), text)
    text = _QUERY_SECRET.sub(lambda m: f"{m.group(1)}{_mask_unless_masked(m.group('value'))}", text)
    text = _JWT.sub(lambda m: f"eyJ{ELLIPSIS}{m.group(0)[-4:]}", text)
    text = _AWS_KEY_ID.sub(lambda m: f"{m.group(0)[:4]}{ELLIPSIS}{m.group(0)[-4:]}", text)
    text = _URL_PASSWORD.sub(lambda m: f"{m.group('lead')}{ELLIPSIS}", text)
    text = _LABELLED.sub(lambda m: f"{m.group('label')}{m.group('sep')}{_mask_unless_masked(m.group('value'))}", text)
    text = _JSON_SECRET_FIELD.sub(
        lambda m: f"{m.group('key')}{_mask_credential_value(m.group('value'))}{m.group('q')}", text
    )
    # Last, once every shape is masked: a piece of a known secret (a server echoing half of it). Earlier, a
    # piece shared by two keys of one kind (their prefix) would be cut out of a key the shapes still had to see.
    for secret in known:
        if len(secret) >= 2 * _FRAGMENT:
            text = _mask_fragments(text, secret)
    return text


# A run this long of a known secret is a piece of it (a server echoing half a key): masked like the whole.
_FRAGMENT = 12


def _mask_fragments(text: str, secret: str) -> str:
    # Low-variety runs (`000000000000`, a demo token's padding) are not telling: they would mask ids and dates.
    windows = {
        window
        for i in range(len(secret) - _FRAGMENT + 1)
        if len(set(window := secret[i : i + _FRAGMENT])) >= _FRAGMENT // 2
    }
    if not windows:
        return text
    out: list[str] = []
    i, start, n = 0, 0, len(text)
    while i <= n - _FRAGMENT:
        if text[i : i + _FRAGMENT] in windows:
            end = i + _FRAGMENT
            while end < n and text[i : end + 1] in secret:
                end += 1
            out.append(text[start:i] + ELLIPSIS)
            i = start = end
        else:
            i += 1
    if not out:
        return text
    out.append(text[start:])
    return "".join(out)


def mask_header_value(name: str, value: str) -> str:
    if name.lower() in SENSITIVE_HEADERS:
        return _mask_credential_value(value)
    return mask_text(value)


def _mask_unless_masked(value: str) -> str:
    return value if ELLIPSIS in value else mask(value)


def _mask_credential_value(value: str) -> str:
    if "," in value:
        # A repeated header arrives joined with ", ": each value is a credential of its own.
        return ", ".join(_mask_credential_value(part.strip()) for part in value.split(","))
    if _PLACEHOLDER.match(value.strip().split(" ")[-1]):
        return value
    scheme, _, rest = value.strip().partition(" ")
    if rest and scheme.lower() in {"bearer", "basic", "token"}:
        return f"{scheme} {_mask_unless_masked(rest.strip())}"
    return _mask_unless_masked(value.strip()) if value.strip() else value


def _mask_header_line(match: re.Match[str]) -> str:
    value = match.group("value")
    return f"{match.group('lead')}{match.group('name')}{match.group('sep')}{_mask_credential_value(value)}"


_Masked = TypeVar("_Masked")


def mask_report(value: _Masked) -> _Masked:
    """The one masking pass: a copy of a finished report (or any value of dataclasses, dicts, lists and
    strings) with every string masked, header values by their header's name. Commands call it once, before
    any renderer; renderers and the output sinks never mask."""
    from aigw_doctor.plain import map_strings

    return map_strings(value, lambda text, key: mask_header_value(key, text) if key else mask_text(text))
