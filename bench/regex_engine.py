"""What matching rule regexes with RE2 instead of Python's `re` costs, on the real-world corpus, and what it
buys on hostile patterns.

    python bench/regex_engine.py [--runs 5]

- corpus: every rule regex searched in every corpus body (and the bodies' message fields), with each engine;
  a median over --runs, as a ratio RE2 / re;
- hostile: patterns the lint once let through, on a 20 KiB body, with RE2 only (Python's `re` takes minutes
  on these, so it is not run; the figure to compare is "over 60 s" from the attack run).

Prints; asserts nothing.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aigw_doctor.safe_regex import compile_rule_regex  # noqa: E402

HOSTILE = [r".*.*x", r"a*a*a*b", r"(?:a{0,15}){0,15}b", r"[\s\S]*?[\s\S]*?z", r"(?:a|a){15}b"]


def _patterns() -> list[str]:
    found: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "regex" and isinstance(item, str):
                    found.add(item)
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for path in (ROOT / "rules").rglob("*.yaml"):
        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return sorted(found)


def _bodies() -> list[str]:
    bodies: list[str] = []
    for path in (ROOT / "tests" / "corpus").glob("*.yaml"):
        for case in yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]:
            bodies.append(str(case.get("body") or ""))
    return bodies


def _time(searchers: list[object], bodies: list[str]) -> float:
    started = time.perf_counter()
    for search in searchers:
        for body in bodies:
            search(body)  # type: ignore[operator]
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    patterns, bodies = _patterns(), _bodies()
    python_re = [re.compile(p).search for p in patterns]
    re2 = [compile_rule_regex(p).search for p in patterns]
    runs_re, runs_re2 = [], []
    for _ in range(args.runs):
        runs_re.append(_time(python_re, bodies))
        runs_re2.append(_time(re2, bodies))
    a, b = statistics.median(runs_re), statistics.median(runs_re2)
    print(f"corpus: {len(patterns)} rule regexes x {len(bodies)} bodies, median of {args.runs}")
    print(f"  re   {a * 1000:8.1f} ms")
    print(f"  RE2  {b * 1000:8.1f} ms   ratio RE2/re = {b / a:.2f}")
    body = "a" * 20 * 1024
    print("hostile patterns on a 20 KiB body, RE2:")
    for pattern in HOSTILE:
        started = time.perf_counter()
        compile_rule_regex(pattern).search(body)
        print(f"  {pattern:24} {(time.perf_counter() - started) * 1000:8.2f} ms")


if __name__ == "__main__":
    main()
