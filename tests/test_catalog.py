"""Rule files: the shipped catalog loads and passes its own examples; broken files fail with file:line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aigw_doctor.cli import app
from aigw_doctor.model import Category
from aigw_doctor.ruleset.catalog import load_catalog, shipped_rules_dir
from aigw_doctor.ruleset.errors import RuleError
from aigw_doctor.ruleset.selftest import test_rules as run_rule_tests

GOOD_RULE = """\
rules:
  - id: custom.thing.broken
    gateway: any
    category: upstream
    title: A thing broke
    match:
      status: 418
      body:
        - field: $message
          contains: teapot
    cause: The server is a teapot.
    fix: Use a coffee pot.
    docs: https://example.com/teapot
    examples:
      match:
        - status: 418
          body: '{"error": {"message": "I am a teapot"}}'
      no_match:
        - status: 418
          body: '{"error": {"message": "coffee"}}'
"""


def write(tmp_path: Path, text: str, name: str = "pack.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_shipped_catalog_loads_and_every_example_passes() -> None:
    catalog = load_catalog()
    assert len(catalog.rules) >= 40
    result = run_rule_tests(catalog)
    assert result.failures == []
    assert result.examples >= 2 * len(catalog.rules)


RULE_PREFIXES = {"neon", "cloudflare", "openai", "anthropic", "gemini", "databricks", "any", "net", "generic", "client"}


def test_every_rule_uses_a_fixed_category_and_has_docs() -> None:
    for rule in load_catalog().rules:
        assert rule.category in set(Category)
        assert rule.docs.startswith("https://"), rule.id
        assert rule.id.split(".")[0] in RULE_PREFIXES, rule.id


def test_shipped_rules_dir_is_the_top_level_rules_folder_in_a_checkout() -> None:
    assert shipped_rules_dir() == Path(__file__).resolve().parent.parent / "rules"


def test_user_pack_adds_rules(tmp_path: Path) -> None:
    catalog = load_catalog([write(tmp_path, GOOD_RULE)])
    assert catalog.get("custom.thing.broken") is not None


def test_user_rule_with_a_shipped_id_needs_override(tmp_path: Path) -> None:
    """A pack (also one named by AIGW_DOCTOR_RULES) cannot silently rewrite a shipped diagnosis."""
    shipped = load_catalog()
    victim = shipped.rules[0].id
    pack = write(tmp_path, GOOD_RULE.replace("custom.thing.broken", victim))
    with pytest.raises(RuleError, match=r"is a shipped rule .*override: true"):
        load_catalog([pack])


def test_user_rule_with_override_replaces_it_and_says_so(tmp_path: Path) -> None:
    shipped = load_catalog()
    victim = shipped.rules[0].id
    text = GOOD_RULE.replace("custom.thing.broken", victim).replace(
        "    title: A thing broke", "    title: A thing broke\n    override: true"
    )
    pack = write(tmp_path, text)
    catalog = load_catalog([pack])
    rule = catalog.get(victim)
    assert rule is not None and rule.title == "A thing broke"
    assert len(catalog.rules) == len(shipped.rules)
    source = catalog.sources[victim]
    assert source.path == pack and source.overrides and not source.shipped
    assert catalog.origin(victim) == f"pack {pack}:{source.line} (overrides a shipped rule)"
    assert shipped.origin(victim) == "shipped"


BROKEN = [
    (
        "unknown key",
        GOOD_RULE.replace("    title: A thing broke", "    title: A thing broke\n    severty: error"),
        6,
        "severty",
    ),
    ("bad regex", GOOD_RULE.replace("contains: teapot", "regex: '(teapot'"), 9, "bad regex"),
    ("missing field", GOOD_RULE.replace("    fix: Use a coffee pot.\n", ""), 2, "fix"),
    ("bad category", GOOD_RULE.replace("category: upstream", "category: upstreem"), 4, "category"),
    (
        "two tests in one condition",
        GOOD_RULE.replace("contains: teapot", "contains: teapot\n          prefix: I"),
        9,
        "exactly one",
    ),
    (
        "yaml syntax",
        GOOD_RULE.replace("      status: 418\n      body:", "      status: [418\n      body:"),
        8,
        "invalid YAML",
    ),
    (
        "duplicate key",
        GOOD_RULE.replace("    cause: The server is a teapot.", "    cause: a\n    cause: b"),
        12,
        "duplicate key",
    ),
    ("no examples that must not match", GOOD_RULE.split("      no_match:")[0] + "      no_match: []\n", 18, "no_match"),
    ("status out of range", GOOD_RULE.replace("status: 418\n      body", "status: 999\n      body"), 7, "status"),
    (
        "empty match",
        GOOD_RULE.replace(
            "      status: 418\n      body:\n        - field: $message\n          contains: teapot\n", "      {}\n"
        ),
        7,
        "at least one condition",
    ),
]


@pytest.mark.parametrize(("case", "text", "line", "words"), BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_rule_file_names_file_and_line(tmp_path: Path, case: str, text: str, line: int, words: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(RuleError) as caught:
        load_catalog([path])
    assert caught.value.path == path
    assert caught.value.line == line, str(caught.value)
    assert words in str(caught.value)
    assert str(caught.value).startswith(f"{path}:{line}: ")


def test_duplicate_id_within_a_pack(tmp_path: Path) -> None:
    rule = GOOD_RULE.split("rules:\n", 1)[1]
    path = write(tmp_path, "rules:\n" + rule + rule)
    with pytest.raises(RuleError, match=r"duplicate rule id 'custom.thing.broken' \(first defined at .*:2\)") as caught:
        load_catalog([path])
    assert caught.value.line == 21


def test_lint_cli_reports_file_line_and_exit_2_without_traceback(tmp_path: Path) -> None:
    path = write(tmp_path, BROKEN[1][1])
    result = CliRunner().invoke(app, ["rules", "lint", str(path)])
    assert result.exit_code == 2
    assert f"{path}:9:" in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_explain_with_a_broken_user_pack_exits_2(tmp_path: Path) -> None:
    path = write(tmp_path, BROKEN[0][1])
    result = CliRunner().invoke(app, ["explain", "401", "--rules", str(path)])
    assert result.exit_code == 2
    assert "unknown key" in result.output


def test_rules_from_environment_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIGW_DOCTOR_RULES", str(write(tmp_path, GOOD_RULE)))
    result = CliRunner().invoke(app, ["explain", "custom.thing.broken", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert '"rule": "custom.thing.broken"' in result.output


def test_rules_test_cli_passes_on_the_catalog_and_fails_on_a_bad_example(tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(app, ["rules", "test"])
    assert ok.exit_code == 0, ok.output
    assert " 0 failed" in ok.output
    bad = write(tmp_path, GOOD_RULE.replace('body: \'{"error": {"message": "coffee"}}\'', "body: 'teapot'"))
    failed = runner.invoke(app, ["rules", "test", str(bad)])
    assert failed.exit_code == 1
    assert "custom.thing.broken no_match[0]: the rule matched" in failed.output
    assert "1 rules, 2 examples: 1 passed, 1 failed" in failed.output


def test_missing_rule_path_is_a_clean_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["rules", "lint", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2
    assert "no such rule file or directory" in result.output


def test_every_problem_check_can_report_is_a_catalog_rule() -> None:
    """Whatever `check` prints as a finding can be looked up with `rules show ID` (issue: every finding is a
    rule). The preflight rules are generated from the Problem(...) calls by scripts/preflight_rules.py."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "preflight_rules", Path(__file__).resolve().parent.parent / "scripts" / "preflight_rules.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    codes = set(module.problems())
    ids = {rule.id for rule in load_catalog().rules}
    assert codes and codes <= ids, sorted(codes - ids)
