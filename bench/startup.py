"""How much does `aigw-doctor explain` cost beyond Typer's own import? Medians over interleaved runs.

    python bench/startup.py [--runs 15]

Prints wall times and ratios; asserts nothing (figures, not tests).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

# The least comparable work: a Typer command with one argument and one option. Typer (0.2x) builds a pydantic
# TypeAdapter for every parameter it parses, so any real Typer command pays for pydantic, unlike `import typer`.
MINIMAL_TYPER_APP = """
import typer
app = typer.Typer()
@app.command()
def main(query: str, verbose: bool = False) -> None:
    print(query)
app()
"""
COMMANDS: dict[str, list[str]] = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "python -c 'import typer'": [sys.executable, "-c", "import typer"],
    "minimal Typer command (1 arg, 1 option)": [sys.executable, "-c", MINIMAL_TYPER_APP, "401"],
    "aigw-doctor --version": [sys.executable, "-m", "aigw_doctor", "--version"],
    "aigw-doctor explain 401": [sys.executable, "-m", "aigw_doctor", "explain", "401"],
    "aigw-doctor explain 401 --format json": [
        sys.executable,
        "-m",
        "aigw_doctor",
        "explain",
        "401",
        "--format",
        "json",
    ],
    "aigw-doctor explain - (raw response)": [sys.executable, "-m", "aigw_doctor", "explain", "-"],
    "aigw-doctor --help": [sys.executable, "-m", "aigw_doctor", "--help"],
}
RAW = (
    b"HTTP/2 429\r\nretry-after: 30\r\n\r\n"
    b'{"error_code": "REQUEST_LIMIT_EXCEEDED", "message": "ai gateway quota exceeded"}'
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    subprocess.run(COMMANDS["aigw-doctor explain 401"], capture_output=True, check=False)  # warm the rule cache
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(args.runs):  # interleaved, so that machine noise hits every command alike
        for name, command in COMMANDS.items():
            started = time.perf_counter()
            subprocess.run(command, input=RAW, capture_output=True, check=False)
            times[name].append(time.perf_counter() - started)
    medians = {name: statistics.median(values) for name, values in times.items()}
    typer_time, bare = medians["python -c 'import typer'"], medians["python -c pass"]
    print(f"{'command':42} {'median':>9} {'× typer':>8} {'× bare':>8}")
    for name, value in medians.items():
        print(f"{name:42} {value * 1000:7.1f}ms {value / typer_time:8.2f} {value / bare:8.2f}")
    explain = medians["aigw-doctor explain 401"]
    minimal = medians["minimal Typer command (1 arg, 1 option)"]
    print(f"\nexplain 401 / import typer            = {explain / typer_time:.2f} (the issue's target: ≤ 1.3)")
    print(f"explain 401 / minimal Typer command    = {explain / minimal:.2f}")


if __name__ == "__main__":
    main()
