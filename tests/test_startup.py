"""`explain`, `--help` and `--version` import only what they need (speed is measured in bench/, not here)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

PROBE = """
import json, sys
sys.argv = ["aigw-doctor", *json.loads(sys.argv[1])]
from aigw_doctor.cli import main
try:
    main()
except SystemExit:
    pass
sys.stdout.flush()
print("\\nMODULES " + json.dumps(sorted(sys.modules)), file=sys.stderr)
"""
HEAVY = ("httpx", "httpcore", "aigw_doctor.mock", "aigw_doctor.check.transport", "aigw_doctor.analyze",
         "aigw_doctor.report.junit", "aigw_doctor.report.github", "aigw_doctor.report.markdown", "yaml", "asyncio",
         "trustme", "cryptography")  # fmt: skip


def imported(args: list[str]) -> set[str]:
    """The modules a run loaded, once the compiled rule cache is warm (a cold cache validates with yaml)."""
    subprocess.run([sys.executable, "-m", "aigw_doctor", "explain", "401"], capture_output=True, check=False)
    result = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args)], capture_output=True, text=True, check=False, timeout=60
    )
    line = next(ln for ln in result.stderr.splitlines() if ln.startswith("MODULES "))
    return set(json.loads(line.removeprefix("MODULES ")))


@pytest.mark.parametrize(
    "args", [["explain", "401"], ["explain", "401", "--format", "json"], ["--version"], ["explain", "--help"]]
)
def test_the_quick_paths_stay_light(args: list[str]) -> None:
    modules = imported(args)
    loaded = sorted(m for m in modules for heavy in HEAVY if m == heavy or m.startswith(heavy + "."))
    assert loaded == []


def test_json_output_does_not_need_rich_rendering() -> None:
    modules = imported(["explain", "401", "--format", "json"])
    assert "rich.panel" not in modules and "rich.table" not in modules
