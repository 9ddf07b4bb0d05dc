"""User rule packs cannot hang a run, cannot impersonate a shipped rule, and cannot cost unbounded time or
memory at load; every error names its file and line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aigw_doctor.cli import app

runner = CliRunner()

RULE = """rules:
  - id: {id}
    gateway: neon
    category: upstream
    title: A pack's own finding
{extra}    match:
      status: 418
      body:
        - {test}
    cause: The teapot.
    fix: Use a coffee pot.
    docs: https://example.com/teapot
    examples:
      match:
        - {{status: 418, body: "I am a teapot {sample}"}}
      no_match:
        - {{status: 418, body: "coffee"}}
"""

# Patterns an attack run found to hang Python's backtracking engine for over a minute on a few KiB.
HOSTILE = [r".*.*x", r"a*a*a*b", r"(?:a{0,15}){0,15}b", r"[\s\S]*?[\s\S]*?z", r"(?:a|a){15}b"]


def pack(tmp_path: Path, *, id: str = "custom.teapot.broken", test: str = "contains: teapot", extra: str = "") -> Path:
    path = tmp_path / "pack.yaml"
    path.write_text(RULE.format(id=id, test=test, extra=extra, sample="x z b"), encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _plain(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.delenv("AIGW_DOCTOR_RULES", raising=False)


@pytest.mark.parametrize("pattern", HOSTILE)
def test_a_hostile_regex_cannot_hang_explain(tmp_path: Path, pattern: str) -> None:
    """Rule regexes run on RE2 (linear time): whatever the lint thinks of the pattern, the run ends at once.
    A subprocess with a deadline, so that a regression fails instead of hanging the suite."""
    rules = pack(tmp_path, test=f"regex: '{pattern}'")
    body = "HTTP/1.1 418 I'm a teapot\r\n\r\n" + "a" * 20_000
    env = {**os.environ, "AIGW_DOCTOR_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run(
        [sys.executable, "-m", "aigw_doctor", "explain", "-", "--rules", str(rules)],
        input=body,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert done.returncode in (0, 1, 2), done.stderr
    assert "Traceback" not in done.stderr
    if done.returncode == 2:  # refused at load by the lint: named with file and line
        assert f"{rules}:" in done.stderr


def test_a_regex_re2_cannot_run_is_a_load_error_with_its_line(tmp_path: Path) -> None:
    rules = pack(tmp_path, test="regex: '(?!coffee)tea'")
    result = runner.invoke(app, ["explain", "418", "--rules", str(rules)])
    assert result.exit_code == 2
    assert f"{rules}:9" in result.output and "RE2" in result.output and "excludes" in result.output


def test_excludes_is_the_way_to_say_does_not_contain(tmp_path: Path) -> None:
    rules = pack(tmp_path, test="{excludes: coffee}")
    assert runner.invoke(app, ["rules", "test", str(rules)]).exit_code == 0


def test_a_pack_cannot_silently_replace_a_shipped_rule(tmp_path: Path) -> None:
    rules = pack(tmp_path, id="neon.credential.invalid")
    result = runner.invoke(app, ["explain", "401", "--rules", str(rules)])
    assert result.exit_code == 2
    assert "is a shipped rule" in result.output and "override: true" in result.output


def test_an_override_is_marked_in_text_and_json(tmp_path: Path) -> None:
    rules = pack(tmp_path, id="neon.credential.invalid", extra="    override: true\n")
    text = runner.invoke(app, ["explain", "neon.credential.invalid", "--rules", str(rules)])
    assert text.exit_code == 0, text.output
    assert "From" in text.output and "overrides a shipped rule" in text.output
    data = json.loads(
        runner.invoke(app, ["explain", "neon.credential.invalid", "--rules", str(rules), "--format", "json"]).stdout
    )
    assert data["findings"][0]["rule_source"] == f"pack {rules}:2 (overrides a shipped rule)"


def test_a_pack_rule_says_where_it_came_from(tmp_path: Path) -> None:
    rules = pack(tmp_path)
    data = json.loads(
        runner.invoke(
            app, ["explain", "-", "--rules", str(rules), "--format", "json"], input="HTTP/1.1 418\r\n\r\nteapot"
        ).stdout
    )
    assert data["findings"][0]["rule"] == "custom.teapot.broken"
    assert data["findings"][0]["rule_source"] == f"pack {rules}:2"
    shipped = json.loads(runner.invoke(app, ["explain", "401", "--format", "json"]).stdout)
    assert {f["rule_source"] for f in shipped["findings"]} == {"shipped"}


def test_a_huge_number_is_an_error_with_its_line(tmp_path: Path) -> None:
    rules = pack(tmp_path, extra="    priority: " + "9" * 5000 + "\n")
    result = runner.invoke(app, ["explain", "418", "--rules", str(rules)])
    assert result.exit_code == 2 and f"{rules}:6: a number of 5,000 digits" in result.output


def test_a_huge_pack_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    one = RULE.format(id="custom.teapot.r{n}", test="contains: teapot", extra="", sample="")
    body = one.split("rules:\n", 1)[1]
    path = tmp_path / "huge.yaml"
    path.write_text("rules:\n" + "".join(body.replace("{n}", str(i)) for i in range(5000)), encoding="utf-8")
    result = runner.invoke(app, ["explain", "418", "--rules", str(path)])
    assert result.exit_code == 2 and "larger than 1024 KiB" in result.output
