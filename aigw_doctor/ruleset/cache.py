"""The compiled rule cache: each validated rule file stored as JSON, keyed by its content and the tool's
version, so that `explain` starts without YAML parsing or pydantic validation.

JSON, not pickle: a cache file is data, never code. A stale, corrupt or unwritable cache is ignored (the
file is then validated again); it can never change a diagnosis.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from aigw_doctor import __version__
from aigw_doctor.model import (
    BodyCondition,
    Category,
    Conditions,
    Example,
    Examples,
    HeaderCondition,
    Rule,
    Severity,
)
from aigw_doctor.ruleset.errors import RuleSource

CACHE_FORMAT = 3  # 3: rules carry `override`, conditions may use `excludes`
CACHE_DIR_ENV = "AIGW_DOCTOR_CACHE_DIR"
NO_CACHE_ENV = "AIGW_DOCTOR_NO_CACHE"


def cache_dir() -> Path | None:
    if os.environ.get(NO_CACHE_ENV, "").strip() not in ("", "0"):
        return None
    explicit = os.environ.get(CACHE_DIR_ENV)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "aigw-doctor"


def _key(content: bytes) -> str:
    digest = hashlib.sha256(f"{__version__}\0{CACHE_FORMAT}\0".encode())
    digest.update(content)
    return digest.hexdigest()[:40]


def _entry(content: bytes) -> Path | None:
    directory = cache_dir()
    return directory / f"rules-{_key(content)}.json" if directory else None


def load(path: Path, content: bytes) -> list[tuple[Rule, RuleSource]] | None:
    entry = _entry(content)
    if entry is None:
        return None
    try:
        data = json.loads(entry.read_bytes())
        if data.get("format") != CACHE_FORMAT:
            return None
        return [(rule_from_dict(item["rule"]), RuleSource(path, int(item["line"]))) for item in data["rules"]]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # missing, stale or corrupt: validate the file again


def store(path: Path, content: bytes, rules: list[tuple[Rule, RuleSource]]) -> None:
    entry = _entry(content)
    if entry is None:
        return
    from aigw_doctor.plain import plain

    payload = {"format": CACHE_FORMAT, "rules": [{"rule": plain(r), "line": s.line} for r, s in rules]}
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=entry.parent, prefix=".rules-", suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(payload, stream)
        os.replace(temporary, entry)  # atomic: a concurrent reader sees the old file or the new one
    except OSError:
        return  # a read-only home or a full disk only costs speed


def _conditions(data: dict[str, Any]) -> Conditions:
    return Conditions(
        status=data.get("status"),
        body=[BodyCondition(**test) for test in data.get("body", [])],
        headers=[HeaderCondition(**test) for test in data.get("headers", [])],
        facts=data.get("facts", {}),
        any=[_conditions(group) for group in data.get("any", [])],
    )


def rule_from_dict(data: dict[str, Any]) -> Rule:
    """Rebuild a rule that was validated before (trusted input: the cache's own output)."""
    examples = data["examples"]
    return Rule(
        id=data["id"],
        gateway=data["gateway"],
        category=Category(data["category"]),
        title=data["title"],
        match=_conditions(data["match"]),
        cause=data["cause"],
        fix=data["fix"],
        docs=data["docs"],
        examples=Examples(
            match=[Example(**e) for e in examples["match"]],
            no_match=[Example(**e) for e in examples["no_match"]],
        ),
        aliases=data.get("aliases", []),
        severity=Severity(data.get("severity", "error")),
        transient=bool(data.get("transient", False)),
        priority=int(data.get("priority", 0)),
        commands=data.get("commands", []),
        confidence=data.get("confidence", "exact"),
        override=bool(data.get("override", False)),
    )
