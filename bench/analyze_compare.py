"""How fast is `aigw-doctor analyze`, and does its memory stay flat? Compares it with the least comparable
jq pipeline on the same synthetic log, and measures what the diagnosis memo buys.

    python bench/analyze_compare.py [--lines 1000000] [--small 100000] [--runs 3] [--workdir DIR]

1. Generates (once, seeded: bench/analyze_generate.py) a log of --lines and one of --small lines.
2. Times `aigw-doctor analyze LOG --format json` against
   `jq -c 'select(.status >= 400) | .status' LOG | sort | uniq -c` (median of --runs, interleaved).
3. Peak memory (max RSS) of analyze on both logs: flat means the big one stays within 20% of the small one.
4. The memo: the small log analysed in-process with the diagnosis cache on and off.

Prints figures and ratios; asserts nothing. Without jq it says so and skips that comparison.
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
JQ_PIPELINE = "jq -c 'select(.status >= 400) | .status' \"$1\" | sort | uniq -c"


def generate(path: Path, lines: int) -> None:
    if path.exists():
        return
    print(f"generating {path} ({lines:,} lines)…", file=sys.stderr)
    subprocess.run([sys.executable, str(ROOT / "bench" / "analyze_generate.py"), str(path), "--lines", str(lines)],
                   check=True)  # fmt: skip


def run(command: list[str]) -> tuple[float, int, int]:
    """Wall seconds, peak RSS in MiB (of the process and the children it waited for) and the exit status."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    rss_kib = usage.ru_maxrss if sys.platform != "darwin" else usage.ru_maxrss // 1024
    return elapsed, rss_kib // 1024, process.returncode


def analyze_command(log: Path) -> list[str]:
    return [sys.executable, "-m", "aigw_doctor", "analyze", str(log), "--format", "json"]


def memo_effect(log: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from aigw_doctor.analyze import AnalyzeOptions, analyze
    from aigw_doctor.ruleset.catalog import load_catalog

    catalog = load_catalog()
    timings = {}
    for size in (4096, 0):
        started = time.perf_counter()
        _, summary = analyze(AnalyzeOptions([str(log)], cache_size=size), catalog)
        timings[size] = time.perf_counter() - started
        if size:
            calls, hits = summary.diagnoser.calls, summary.diagnoser.hits
            print(f"memo: {calls:,} diagnoses, {hits:,} cache hits ({hits / max(calls, 1):.1%})")
    print(f"memo: {log.name} in {timings[4096]:.2f} s with the cache, {timings[0]:.2f} s without "
          f"({timings[0] / timings[4096]:.1f}x faster with it)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "aigw-doctor-bench")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    big, small = args.workdir / f"log-{args.lines}.jsonl", args.workdir / f"log-{args.small}.jsonl"
    generate(big, args.lines)
    generate(small, args.small)
    print(f"log: {big} ({big.stat().st_size / 2**20:.0f} MiB), {small} ({small.stat().st_size / 2**20:.0f} MiB)")

    jq = shutil.which("jq")
    if jq is None:
        print("jq is not installed: the jq comparison is skipped (apt-get install -y jq, brew install jq).")
    analyze_times, jq_times, big_rss, small_rss = [], [], [], []
    for _ in range(args.runs):  # interleaved, so that machine noise hits both series alike
        seconds, rss, code = run(analyze_command(big))
        if code not in (0, 1):
            raise SystemExit(f"analyze failed with exit code {code}")
        analyze_times.append(seconds)
        big_rss.append(rss)
        small_rss.append(run(analyze_command(small))[1])
        if jq is not None:
            jq_times.append(run(["sh", "-c", JQ_PIPELINE, "sh", str(big)])[0])

    a = statistics.median(analyze_times)
    print(f"analyze: {args.lines:,} lines in {a:.2f} s (median of {args.runs}; {args.lines / a:,.0f} lines/s)")
    if jq_times:
        j = statistics.median(jq_times)
        shown = JQ_PIPELINE.replace('"$1"', "LOG")
        print(f"jq:      {args.lines:,} lines in {j:.2f} s (median of {args.runs}): {shown}")
        print(f"speed ratio jq/analyze: {j / a:.2f} (>= 1.00 means analyze is at least as fast; target met: {j >= a})")
    rb, rs = max(big_rss), max(small_rss)
    print(f"peak memory: {rb} MiB for {args.lines:,} lines, {rs} MiB for {args.small:,} lines: "
          f"ratio {rb / rs:.2f} (target <= 1.20; met: {rb <= rs * 1.2})")  # fmt: skip
    memo_effect(small)


if __name__ == "__main__":
    main()
