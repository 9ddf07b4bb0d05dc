"""Rule packs are data, and their regexes cannot hang the tool: the backtracking lint, YAML safe loading."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aigw_doctor.cli import app
from aigw_doctor.engine import MAX_MATCHED_BODY
from aigw_doctor.ruleset.catalog import load_catalog
from aigw_doctor.ruleset.errors import RuleError
from aigw_doctor.ruleset.file import load_rule_file
from aigw_doctor.ruleset.lint import MAX_PATTERN_CHARS, UnsafeRegex, check_regex, lint_regex

RULE_WITH_REGEX = """\
rules:
  - id: custom.thing.broken
    gateway: any
    category: upstream
    title: A thing broke
    match:
      status: 418
      body:
        - field: $message
          regex: '{regex}'
    cause: The server is a teapot.
    fix: Use a coffee pot.
    docs: https://example.com/teapot
    examples:
      match:
        - status: 418
          body: '{{"error": {{"message": "teapot"}}}}'
      no_match:
        - status: 418
          body: '{{"error": {{"message": "coffee"}}}}'
"""
REGEX_LINE = 10  # the line of `regex:` in RULE_WITH_REGEX

PATHOLOGICAL = [
    r"(a+)+b",
    r"(.*)*",
    r"(.*)+x",
    r"(a*)*",
    r"(\w+\s?)+$",
    r"^(([a-z])+.)+[A-Z]([a-z])+$",
    r"(x+x+)+y",
    r"(a|aa)*b",
    r"(?:a|a)+",
    r"(?:ab|ab)+c",
    r"(?:cat|c.t)+x",
    r"(?:\s*\w+)*!",
    r"(?:x|a+)*",
    r"(a+){20}",
    r"((ab)*)*",
    r"(?i)(?:\w+\s*)+:",
]
SAFE = [
    r"(?i)^unknown model\b",
    r"(?is)^(?!.*ai gateway)",
    r"(?:,\s*\w+)*",
    r"(?:[a-z]+\s)*",
    r"(?:GET|POST)+",
    r'(?:"[^"]*",?)*',
    r"\d+(?:\.\d+)*",
    r"(a|ab)*",
    r"(?:\w|\d)+",
    r"(?:a?b)*",
    r"(a+){2}",
    r"(?i)\bstream(ing)?\b.*\bembeddings?\b|\bembeddings?\b.*\bstream(ing)?\b",
    r'"type"\s*:\s*"overloaded_error"',
]


@pytest.mark.parametrize("pattern", PATHOLOGICAL)
def test_patterns_prone_to_catastrophic_backtracking_are_rejected(pattern: str) -> None:
    assert lint_regex(pattern), pattern
    with pytest.raises(UnsafeRegex, match="catastrophic backtracking"):
        check_regex(pattern)


@pytest.mark.parametrize("pattern", SAFE)
def test_linear_patterns_pass(pattern: str) -> None:
    assert lint_regex(pattern) is None


def test_every_shipped_regex_passes_the_lint() -> None:
    patterns = []
    for rule in load_catalog().rules:
        groups = [rule.match, *rule.match.any]
        for group in groups:
            patterns += [t.regex for t in [*group.body, *group.headers] if t.regex]
    assert patterns
    assert [p for p in patterns if lint_regex(p)] == []


def test_an_overlong_pattern_is_rejected_and_a_broken_one_is_left_to_the_compiler() -> None:
    assert lint_regex("a" * (MAX_PATTERN_CHARS + 1))
    assert lint_regex("(unclosed") is None


def test_deep_nesting_is_a_reason_not_a_crash() -> None:
    reason = lint_regex("(" * 400 + "a" + ")" * 400)
    assert reason is None or isinstance(reason, str)


def write_rule(tmp_path: Path, regex: str) -> Path:
    path = tmp_path / "pack.yaml"
    path.write_text(RULE_WITH_REGEX.format(regex=regex), encoding="utf-8")
    return path


def test_a_pathological_pattern_is_rejected_at_load_with_file_and_line(tmp_path: Path) -> None:
    path = write_rule(tmp_path, "(a+)+$")
    with pytest.raises(RuleError) as caught:
        load_rule_file(path)
    assert caught.value.line == REGEX_LINE
    assert str(caught.value).startswith(f"{path}:{REGEX_LINE}: ")
    assert "catastrophic backtracking" in str(caught.value)


def test_the_same_rule_with_a_safe_pattern_loads(tmp_path: Path) -> None:
    rules = load_rule_file(write_rule(tmp_path, "(?i)tea ?pot"))
    assert [rule.id for rule, _ in rules] == ["custom.thing.broken"]


@pytest.mark.parametrize("command", [["rules", "lint"], ["rules", "test"], ["explain", "418", "--rules"]])
def test_cli_refuses_the_pack_with_exit_2_and_no_traceback(tmp_path: Path, command: list[str]) -> None:
    path = write_rule(tmp_path, "(.*)*x")
    result = CliRunner().invoke(app, [*command, str(path)])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert f"{path.name}:{REGEX_LINE}" in result.output
    assert "Traceback" not in result.output


def test_the_matched_body_is_capped() -> None:
    # The second guard: whatever polynomial cost a linted pattern keeps is bounded by the body it sees.
    assert MAX_MATCHED_BODY <= 64 * 1024
    pattern = re.compile(r"(?i)\bdaily (spend|token) limit\b")
    assert pattern.search("x" * MAX_MATCHED_BODY) is None


# --------------------------------------------------------------------------- data only: YAML safe loading

CODE_TAGS = [
    "!!python/object/apply:os.system ['echo pwned > {marker}']",
    "!!python/object/new:subprocess.Popen [['touch', '{marker}']]",
    "!!python/name:os.system",
    "!!python/object:builtins.object {{}}",
]


@pytest.mark.parametrize("tag", CODE_TAGS)
def test_python_tags_are_a_clean_rule_error_and_run_nothing(tmp_path: Path, tag: str) -> None:
    marker = tmp_path / "pwned"
    path = tmp_path / "pack.yaml"
    path.write_text(f"rules:\n  - id: {tag.format(marker=marker)}\n", encoding="utf-8")
    with pytest.raises(RuleError) as caught:
        load_rule_file(path)
    assert caught.value.line == 2
    assert not marker.exists()
    result = CliRunner().invoke(app, ["rules", "lint", str(path)])
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not marker.exists()


def test_templates_are_not_evaluated(tmp_path: Path) -> None:
    text = RULE_WITH_REGEX.format(regex="teapot").replace(
        "The server is a teapot.", "'{{ 7 * 7 }} ${HOME} %(x)s {__import__(\"os\")}'"
    )
    path = tmp_path / "pack.yaml"
    path.write_text(text, encoding="utf-8")
    [(rule, _)] = load_rule_file(path)
    assert rule.cause == '{{ 7 * 7 }} ${HOME} %(x)s {__import__("os")}'


def test_yaml_aliases_cannot_blow_up_memory(tmp_path: Path) -> None:
    # The "billion laughs" shape: ten levels of ten aliases. Refused by size before anything walks it all.
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 8)]
    lines.append("rules: *a7")
    path = tmp_path / "pack.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(RuleError, match="holds more than"):
        load_rule_file(path)
