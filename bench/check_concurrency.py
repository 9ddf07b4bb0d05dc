"""Does `check` run its probes concurrently? Compare a run where the emulator delays every response by
500 ms with the same run without delay: concurrent probes add about one delay, serial ones one per probe.

    python bench/check_concurrency.py [--runs 5] [--latency-ms 500]

Prints medians and ratios; it asserts nothing (figures, not tests).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time


def timed_check(latency_ms: float) -> tuple[float, int]:
    command = [sys.executable, "-m", "aigw_doctor", "check", "--mock", "healthy", "--invoke",
               "--mock-latency", str(latency_ms), "--format", "json", "--timeout", "30"]  # fmt: skip
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"check failed (exit {result.returncode}): {result.stderr.strip()}")
    return elapsed, len(json.loads(result.stdout)["probes"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--latency-ms", type=float, default=500.0)
    args = parser.parse_args()
    baseline, delayed, probes = [], [], 0
    for _ in range(args.runs):  # interleaved, so that machine noise hits both series alike
        seconds, probes = timed_check(0)
        baseline.append(seconds)
        seconds, probes = timed_check(args.latency_ms)
        delayed.append(seconds)
    base, slow = statistics.median(baseline), statistics.median(delayed)
    delay = args.latency_ms / 1000
    added = slow - base
    print(f"probes per check                 {probes}")
    print(f"check, no added latency (median) {base:.3f} s   (start-up, emulator and probes)")
    print(f"check, +{args.latency_ms:.0f} ms per response     {slow:.3f} s")
    print(f"added by the latency             {added:.3f} s = {added / delay:.2f} × one response's delay")
    print(f"if the probes ran one by one     {probes * delay:.3f} s = {probes:.2f} × one response's delay")
    print(f"check time / (start-up + 1 delay) {slow / (base + delay):.2f}   (target ≤ 1.3)")


if __name__ == "__main__":
    main()
