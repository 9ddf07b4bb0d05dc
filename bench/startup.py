"""How much does aigw-doctor's start-up cost beyond what a Typer application can reach? Medians, interleaved.

    python bench/startup.py [--runs 15]

The reference is a minimal Typer application shaped like `explain` (one argument, eight options of the same
types), not `import typer` alone: building and parsing any Typer command costs more than importing Typer, and
that part is Typer's, not ours. The ratios are the targets of the start-up issue:

- `explain 401 --format json` ≤ 1.3× the minimal app, and ≤ 1.6× `python -c "import typer"` (so that a slow
  Typer cannot hide our own cost);
- `explain 401` (Rich text) ≤ 1.7× the minimal app;
- `--version` ≤ 1.2× the minimal app, `--help` ≤ 1.2× the minimal app's `--help`.

Measure with byte-code present (an installed wheel, or an editable install run once): with
PYTHONDONTWRITEBYTECODE=1 an editable install compiles every module on every run (about +25 ms). Interpreter
teardown is part of every figure: nothing here skips atexit handlers or flushing. Prints; asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

# The least comparable work: a Typer command with explain's parameter types (1 argument, 8 options).
MINIMAL_TYPER_APP = """
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional
import typer

class Gateway(str, Enum):
    neon = "neon"
    cloudflare = "cloudflare"

class Format(str, Enum):
    text = "text"
    json = "json"

app = typer.Typer(rich_markup_mode="rich", pretty_exceptions_enable=False)

@app.command()
def explain(
    query: Annotated[Optional[str], typer.Argument(help="What to explain.")] = None,
    status: Annotated[Optional[int], typer.Option("--status", "-s", min=100, max=599, help="Status.")] = None,
    header: Annotated[Optional[list[str]], typer.Option("--header", "-H", help="A header.")] = None,
    gateway: Annotated[Optional[Gateway], typer.Option("--gateway", "-g", help="Gateway.")] = None,
    all_rules: Annotated[bool, typer.Option("--all", help="All.")] = False,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Format.")] = Format.text,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="File.")] = None,
    rules: Annotated[Optional[list[Path]], typer.Option("--rules", help="Rules.")] = None,
    no_color: Annotated[bool, typer.Option("--no-color", help="No colour.")] = False,
) -> None:
    \"\"\"Explain a gateway error.\"\"\"
    print(query)

app()
"""
PY = sys.executable
DOCTOR = [PY, "-m", "aigw_doctor"]
COMMANDS: dict[str, list[str]] = {
    "python -c pass": [PY, "-c", "pass"],
    "python -c 'import typer'": [PY, "-c", "import typer"],
    "minimal explain-shaped Typer app": [PY, "-c", MINIMAL_TYPER_APP, "401"],
    "minimal app --help": [PY, "-c", MINIMAL_TYPER_APP, "--help"],
    "aigw-doctor explain 401 --format json": [*DOCTOR, "explain", "401", "--format", "json"],
    "aigw-doctor explain 401": [*DOCTOR, "explain", "401"],
    "aigw-doctor --version": [*DOCTOR, "--version"],
    "aigw-doctor --help": [*DOCTOR, "--help"],
    "aigw-doctor explain - (raw response)": [*DOCTOR, "explain", "-", "--format", "json"],
}
RAW = (
    b"HTTP/2 429\r\nretry-after: 30\r\n\r\n"
    b'{"error_code": "REQUEST_LIMIT_EXCEEDED", "message": "ai gateway quota exceeded"}'
)
# (measured, reference, target): the start-up issue's ratios.
TARGETS: tuple[tuple[str, str, float], ...] = (
    ("aigw-doctor explain 401 --format json", "minimal explain-shaped Typer app", 1.3),
    ("aigw-doctor explain 401 --format json", "python -c 'import typer'", 1.6),
    ("aigw-doctor explain 401", "minimal explain-shaped Typer app", 1.7),
    ("aigw-doctor --version", "minimal explain-shaped Typer app", 1.2),
    ("aigw-doctor --help", "minimal app --help", 1.2),
)


def startup_medians(runs: int) -> dict[str, float]:
    """Median wall seconds per command over `runs` interleaved rounds (noise hits every command alike)."""
    subprocess.run(COMMANDS["aigw-doctor explain 401"], capture_output=True, check=False)  # warm the rule cache
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(runs):
        for name, command in COMMANDS.items():
            started = time.perf_counter()
            subprocess.run(command, input=RAW, capture_output=True, check=False)
            times[name].append(time.perf_counter() - started)
    return {name: statistics.median(values) for name, values in times.items()}


def target_lines(medians: dict[str, float]) -> list[str]:
    lines = []
    for measured, reference, target in TARGETS:
        ratio = medians[measured] / medians[reference]
        verdict = "met" if ratio <= target else "NOT met"
        lines.append(f"{measured} / {reference} = {ratio:.2f} (target ≤ {target}: {verdict})")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    medians = startup_medians(args.runs)
    minimal = medians["minimal explain-shaped Typer app"]
    print(f"{'command':42} {'median':>9} {'× minimal app':>14}")
    for name, value in medians.items():
        print(f"{name:42} {value * 1000:7.1f}ms {value / minimal:14.2f}")
    print()
    print("\n".join(target_lines(medians)))


if __name__ == "__main__":
    main()
