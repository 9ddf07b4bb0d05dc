"""The built wheel carries the rule catalog and works outside the source tree; lint and types stay clean."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("aigw_doctor-*.whl")
    return built


def test_wheel_contains_the_rules(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    rule_files = {n for n in names if n.startswith("aigw_doctor/rules/") and n.endswith(".yaml")}
    shipped = {
        f"aigw_doctor/rules/{p.relative_to(ROOT / 'rules').as_posix()}" for p in (ROOT / "rules").rglob("*.yaml")
    }
    assert rule_files == shipped


def test_installed_wheel_finds_its_catalog(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    env = {**os.environ, "PYTHONPATH": str(target), "NO_COLOR": "1"}
    where = subprocess.run(
        [sys.executable, "-c", "import aigw_doctor.ruleset.catalog as c; print(c.shipped_rules_dir())"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(where.stdout.strip()).is_relative_to(target)
    tested = subprocess.run(
        [sys.executable, "-m", "aigw_doctor", "rules", "test"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert re.search(r"\d+ passed, 0 failed", tested.stdout)
    explained = subprocess.run(
        [sys.executable, "-m", "aigw_doctor", "explain", "unknown model"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert explained.returncode == 0 and "neon.model.unknown" in explained.stdout


def test_ruff_is_clean() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "aigw_doctor", "tests", "bench"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_is_clean() -> None:
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- test-command -->\s*```(?:bash|sh)?\n(.+?)\n```", readme)
    assert match, "README has no marked test command"
    assert match.group(1).strip() in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
