"""Every performance figure of the README in one table, from one run on one machine.

    python bench/all.py [--runs 9] [--lines 1000000] [--latency-ms 500]

- start-up: `explain 401` against `python -c pass`, `python -c "import typer"` and a minimal Typer command;
- check: with the emulator adding --latency-ms to every response, against one response's delay;
- analyze: a seeded --lines JSONL log against the jq pipeline (skipped, and said, without jq);
- peak memory (max RSS) of each.

Every figure is a median over --runs interleaved runs, so that the ratios hold on a noisy machine. Prints;
asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from analyze_compare import JQ_PIPELINE, generate  # noqa: E402
from startup import MINIMAL_TYPER_APP  # noqa: E402

PY = sys.executable
DOCTOR = [PY, "-m", "aigw_doctor"]


def measure(command: list[str], stdin: bytes | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one run; the RSS is the child's own (os.wait4)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT
    )
    if stdin is not None and process.stdin:
        process.stdin.write(stdin)
    if process.stdin:
        process.stdin.close()
    _, _, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    rss_kib = usage.ru_maxrss if sys.platform != "darwin" else usage.ru_maxrss // 1024
    return elapsed, rss_kib / 1024


def medians(commands: dict[str, list[str]], runs: int) -> dict[str, tuple[float, float]]:
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(runs):  # interleaved: machine noise hits every command alike
        for name, command in commands.items():
            samples[name].append(measure(command))
    return {
        name: (statistics.median(s[0] for s in values), statistics.median(s[1] for s in values))
        for name, values in samples.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--latency-ms", type=float, default=500.0)
    args = parser.parse_args()
    measure([*DOCTOR, "explain", "401"])  # warm the compiled rule cache
    rows: list[tuple[str, float, float, str]] = []

    startup = medians(
        {
            "python -c pass": [PY, "-c", "pass"],
            "python -c 'import typer'": [PY, "-c", "import typer"],
            "minimal Typer command": [PY, "-c", MINIMAL_TYPER_APP, "401"],
            "aigw-doctor explain 401": [*DOCTOR, "explain", "401"],
            "aigw-doctor explain 401 --format json": [*DOCTOR, "explain", "401", "--format", "json"],
        },
        args.runs,
    )
    typer_s, minimal_s = startup["python -c 'import typer'"][0], startup["minimal Typer command"][0]
    bare_s = startup["python -c pass"][0]
    for name, (seconds, rss) in startup.items():
        ratio = (
            f"{seconds / typer_s:.2f}× import typer, {seconds / minimal_s:.2f}× minimal Typer, "
            f"{seconds / bare_s:.1f}× bare"
        )
        rows.append((name, seconds, rss, ratio))

    check = [*DOCTOR, "check", "--mock", "healthy", "--invoke", "--format", "json", "--timeout", "30"]
    timed = medians(
        {"check (no added latency)": [*check, "--mock-latency", "0"],
         f"check (+{args.latency_ms:.0f} ms per response)": [*check, "--mock-latency", str(args.latency_ms)]},
        max(3, args.runs // 3),
    )  # fmt: skip
    (base_s, base_rss), (slow_s, slow_rss) = timed.values()
    delay = args.latency_ms / 1000
    rows.append(("check (no added latency)", base_s, base_rss, "start-up + emulator + 9 probes"))
    rows.append(
        (
            f"check (+{args.latency_ms:.0f} ms per response)",
            slow_s,
            slow_rss,
            f"added {(slow_s - base_s) / delay:.2f}× one delay; "
            f"/ (start-up + one delay) = {slow_s / (base_s + delay):.2f}",
        )
    )

    with tempfile.TemporaryDirectory(prefix="aigw-bench-") as workdir:
        log = Path(workdir) / f"log-{args.lines}.jsonl"
        generate(log, args.lines)
        analyze = medians({"analyze": [*DOCTOR, "analyze", str(log), "--format", "json"]}, max(1, args.runs // 3))
        seconds, rss = analyze["analyze"]
        if shutil.which("jq"):
            jq = medians({"jq": ["bash", "-c", JQ_PIPELINE, "bash", str(log)]}, max(1, args.runs // 3))["jq"]
            rows.append(
                (f"jq pipeline ({args.lines:,} lines)", jq[0], jq[1], "select(.status >= 400) | sort | uniq -c")
            )
            note = f"{jq[0] / seconds:.2f}× the jq pipeline's speed"
        else:
            note = "jq not installed: comparison skipped (apt-get install jq)"
        rows.append((f"aigw-doctor analyze ({args.lines:,} lines)", seconds, rss, note))

    print(f"{'what':46} {'median':>10} {'peak RSS':>9}  ratio")
    for name, seconds, rss, ratio in rows:
        print(f"{name:46} {seconds * 1000:8.0f}ms {rss:7.0f}MiB  {ratio}")


if __name__ == "__main__":
    main()
