"""The compiled rule cache: used when fresh, ignored when stale, corrupt or unwritable; never changes a result."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from aigw_doctor.plain import plain
from aigw_doctor.ruleset import cache as rulecache
from aigw_doctor.ruleset.catalog import load_catalog

RULE = """\
rules:
  - id: custom.cache.teapot
    gateway: any
    category: upstream
    title: {title}
    match:
      status: 418
      body: [{{field: $message, in: [teapot, kettle]}}]
    cause: c
    fix: f
    docs: https://example.com
    examples:
      match: [{{status: 418, body: '{{"error": {{"message": "teapot"}}}}'}}]
      no_match: [{{status: 418, body: 'coffee'}}]
"""


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv(rulecache.CACHE_DIR_ENV, str(directory))
    return directory


def write_pack(tmp_path: Path, title: str = "A teapot") -> Path:
    path = tmp_path / "pack.yaml"
    path.write_text(RULE.format(title=title), encoding="utf-8")
    return path


def test_cached_catalog_equals_the_validated_one(cache: Path, tmp_path: Path) -> None:
    pack = write_pack(tmp_path)
    fresh = load_catalog([pack])
    assert any(cache.glob("rules-*.json"))
    cached = load_catalog([pack])
    assert [plain(r) for r in cached.rules] == [plain(r) for r in fresh.rules]
    assert cached.sources == fresh.sources


def test_a_changed_file_is_validated_again(cache: Path, tmp_path: Path) -> None:
    pack = write_pack(tmp_path)
    load_catalog([pack])
    write_pack(tmp_path, title="Another teapot")
    rule = load_catalog([pack]).get("custom.cache.teapot")
    assert rule is not None and rule.title == "Another teapot"


def test_a_corrupt_cache_is_ignored(cache: Path, tmp_path: Path) -> None:
    pack = write_pack(tmp_path)
    load_catalog([pack])
    for entry in cache.glob("rules-*.json"):
        entry.write_text('{"format": 1, "rules": [{"rule": {"id": 3}}]}')
    assert load_catalog([pack]).get("custom.cache.teapot") is not None


def test_an_unwritable_cache_costs_only_speed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if os.geteuid() == 0:
        monkeypatch.setenv(rulecache.CACHE_DIR_ENV, "/proc/aigw-doctor-cache")  # root ignores file modes
    else:
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(stat.S_IRUSR | stat.S_IXUSR)
        monkeypatch.setenv(rulecache.CACHE_DIR_ENV, str(locked / "cache"))
    assert load_catalog([write_pack(tmp_path)]).get("custom.cache.teapot") is not None


def test_the_cache_can_be_switched_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(rulecache.NO_CACHE_ENV, "1")
    assert rulecache.cache_dir() is None
    assert load_catalog([write_pack(tmp_path)]).get("custom.cache.teapot") is not None
