"""Shell completion: the committed scripts are fresh, and completing in a real bash gives useful words."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aigw_doctor.cli import app
from aigw_doctor.commands.completions import COMPLETE_VAR, FILE_NAMES, Shell, script
from aigw_doctor.ruleset.catalog import load_catalog

ROOT = Path(__file__).resolve().parents[1]
COMPLETIONS = ROOT / "completions"
runner = CliRunner()


def test_committed_scripts_are_fresh(tmp_path: Path) -> None:
    result = runner.invoke(app, ["completions", "generate", str(tmp_path)])
    assert result.exit_code == 0, result.output
    for name in FILE_NAMES.values():
        committed = COMPLETIONS / name
        assert committed.is_file(), f"{committed} is missing: run 'aigw-doctor completions generate completions'"
        assert committed.read_text() == (tmp_path / name).read_text(), (
            f"{committed} is stale: run 'aigw-doctor completions generate completions'"
        )
    assert runner.invoke(app, ["completions", "generate", "--check", str(COMPLETIONS)]).exit_code == 0


def test_generate_check_reports_stale_scripts(tmp_path: Path) -> None:
    (tmp_path / FILE_NAMES[Shell.bash]).write_text("# old\n")
    result = runner.invoke(app, ["completions", "generate", "--check", str(tmp_path)])
    assert result.exit_code == 1
    assert "stale" in result.stderr
    assert (tmp_path / FILE_NAMES[Shell.bash]).read_text() == "# old\n", "--check writes nothing"


@pytest.mark.parametrize("shell", list(Shell))
def test_show_prints_the_script(shell: Shell) -> None:
    result = runner.invoke(app, ["completions", "show", shell.value])
    assert result.exit_code == 0
    assert result.stdout == script(shell)
    assert COMPLETE_VAR in result.stdout


def test_zsh_script_starts_with_compdef() -> None:
    assert script(Shell.zsh).startswith("#compdef aigw-doctor\n")


def complete(*words: str) -> list[str]:
    """Typer's engine, as the bash script calls it: COMP_WORDS/COMP_CWORD and the completion variable."""
    line = " ".join(words)
    env = {COMPLETE_VAR: "complete_bash", "COMP_WORDS": line, "COMP_CWORD": str(len(words) - 1)}
    result = runner.invoke(app, [], env=env, prog_name="aigw-doctor")
    assert result.exit_code == 0, result.output
    return result.stdout.split()


def test_commands_and_choices_complete() -> None:
    assert {"check", "explain", "mock", "rules", "schema", "completions"} <= set(complete("aigw-doctor", ""))
    assert complete("aigw-doctor", "check", "--format", "") == ["text", "json", "junit", "github", "markdown"]
    assert complete("aigw-doctor", "explain", "--format", "j") == ["json", "junit"]
    assert complete("aigw-doctor", "check", "--fail-on", "") == ["error", "warning", "never"]
    assert complete("aigw-doctor", "check", "--gateway", "") == ["auto", "neon", "cloudflare"]
    assert complete("aigw-doctor", "explain", "--gateway", "") == ["neon", "cloudflare"]
    assert "rate-limit" in complete("aigw-doctor", "rules", "list", "--category", "")
    assert complete("aigw-doctor", "schema", "") == ["check", "explain", "analyze"]
    assert complete("aigw-doctor", "completions", "show", "") == ["bash", "zsh", "fish"]


def test_explain_completes_rule_ids_statuses_and_error_codes() -> None:
    catalog = load_catalog()
    credential = sorted(r.id for r in catalog.rules if r.id.startswith("neon.credential."))
    assert credential and set(credential) <= set(complete("aigw-doctor", "explain", "neon.credential."))
    assert "429" in complete("aigw-doctor", "explain", "42")
    assert "REQUEST_LIMIT_EXCEEDED" in complete("aigw-doctor", "explain", "REQUEST_")
    assert "2009" in complete("aigw-doctor", "explain", "200")


def test_scenarios_complete_per_gateway() -> None:
    neon = complete("aigw-doctor", "mock", "neon", "--scenario", "")
    cloudflare = complete("aigw-doctor", "mock", "cloudflare", "--scenario", "")
    assert "quota-temporary" in neon and "quota-temporary" not in cloudflare
    assert "credits-exhausted" in cloudflare and "credits-exhausted" not in neon
    assert "healthy" in neon and "healthy" in cloudflare
    assert complete("aigw-doctor", "check", "--mock", "quota-") == ["quota-temporary", "quota-permanent"]
    assert "spend-limit" in complete("aigw-doctor", "check", "--mock-gateway", "cloudflare", "--mock", "")


@pytest.fixture
def program(tmp_path: Path) -> Path:
    """An `aigw-doctor` on PATH that runs this checkout with this interpreter, wherever the suite runs."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    launcher = bin_dir / "aigw-doctor"
    launcher.write_text(f"#!{sys.executable}\nfrom aigw_doctor.cli import main\n\nmain()\n")
    launcher.chmod(0o755)
    return bin_dir


def bash_complete(bin_dir: Path, *words: str) -> list[str]:
    """Source the committed bash script in a real bash and run its completion function on `words`."""
    bash = shutil.which("bash")
    assert bash
    program = r"""
source "$1"; shift
COMP_WORDS=("$@")
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
func=$(complete -p aigw-doctor | sed -E 's/.* -F ([^ ]+) .*/\1/')
"$func" aigw-doctor
printf '%s\n' "${COMPREPLY[@]}"
"""
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "PYTHONPATH": str(ROOT), "NO_COLOR": "1", "HOME": str(bin_dir)}
    result = subprocess.run(
        [bash, "--noprofile", "--norc", "-c", program, "bash", str(COMPLETIONS / FILE_NAMES[Shell.bash]), *words],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return [line for line in result.stdout.splitlines() if line]


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_bash_completes_commands_and_rule_ids(program: Path) -> None:
    assert bash_complete(program, "aigw-doctor", "ch") == ["check"]
    credential = sorted(r.id for r in load_catalog().rules if r.id.startswith("neon.credential."))
    got = bash_complete(program, "aigw-doctor", "explain", "neon.cre")
    assert set(credential) <= set(got)
    assert all(word.startswith("neon.cre") for word in got)
    assert bash_complete(program, "aigw-doctor", "check", "--format", "ju") == ["junit"]
