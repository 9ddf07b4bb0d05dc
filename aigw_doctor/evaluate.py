"""Score the diagnosis against a corpus of real responses: `aigw-doctor rules eval CORPUS…`.

A corpus is YAML: `cases:` a list of {id, source, status, headers, body, categories, …} (the format is in
tests/corpus/README.md). Each case is diagnosed exactly as `explain - --status N` would diagnose the pasted
body, and the top finding's category is compared with the accepted ones: right, an honest unknown (the
fallback), or wrong. Nothing here prints.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aigw_doctor.explain import ExplainRequest, explain
from aigw_doctor.model import Category
from aigw_doctor.ruleset.catalog import Catalog

Verdict = str  # right | unknown | wrong
CATEGORIES = frozenset(c.value for c in Category)


class CorpusError(Exception):
    """A corpus file that cannot be read or has a malformed case: names the file and the case."""


@dataclass(frozen=True)
class Case:
    id: str
    file: str
    status: int | None
    headers: dict[str, str]
    body: str
    categories: tuple[str, ...]
    source: str = ""
    layer: str | None = None


@dataclass
class Scored:
    case: Case
    verdict: Verdict
    category: str
    confidence: str
    rule: str
    layer: str | None = None


@dataclass
class EvalReport:
    total: int = 0
    right: int = 0
    unknown: int = 0
    wrong: int = 0
    wrong_exact: int = 0
    by_file: dict[str, dict[str, int]] = field(default_factory=dict)
    by_category: dict[str, dict[str, int]] = field(default_factory=dict)
    by_confidence: dict[str, dict[str, int]] = field(default_factory=dict)
    confusion: dict[str, dict[str, int]] = field(default_factory=dict)
    misses: list[dict[str, Any]] = field(default_factory=list)

    def share(self, count: int) -> float:
        return round(100 * count / self.total, 1) if self.total else 0.0


def _case(raw: Any, file: str, index: int) -> Case:
    if not isinstance(raw, dict):
        raise CorpusError(f"{file}: case {index + 1} is not a mapping")
    case_id = str(raw.get("id") or f"case-{index + 1}")
    categories = raw.get("categories")
    if isinstance(categories, str):
        categories = [categories]
    if not categories or not isinstance(categories, list) or not set(map(str, categories)) <= CATEGORIES:
        raise CorpusError(f"{file}: {case_id}: categories must be a list of {', '.join(sorted(CATEGORIES))}")
    status = raw.get("status")
    if status is not None and (not isinstance(status, int) or not 100 <= status <= 599):
        raise CorpusError(f"{file}: {case_id}: status must be an HTTP status or null")
    headers = raw.get("headers") or {}
    if not isinstance(headers, dict):
        raise CorpusError(f"{file}: {case_id}: headers must be a mapping")
    body = raw.get("body")
    if body is None:
        body = ""
    if not isinstance(body, str):
        raise CorpusError(f"{file}: {case_id}: body must be text")
    return Case(
        id=case_id,
        file=file,
        status=status,
        headers={str(k).lower(): str(v) for k, v in headers.items()},
        body=body,
        categories=tuple(map(str, categories)),
        source=str(raw.get("source") or ""),
        layer=raw.get("layer"),
    )


def corpus_files(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*.y*ml") if p.suffix in (".yaml", ".yml")))
        else:
            found.append(path)
    return found


def load_corpus(paths: list[Path]) -> list[Case]:
    import yaml

    cases: list[Case] = []
    for path in corpus_files(paths):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise CorpusError(f"{path}: cannot read: {exc}") from None
        raw_cases = data.get("cases") if isinstance(data, dict) else None
        if not isinstance(raw_cases, list):
            raise CorpusError(f"{path}: expected a mapping with a `cases:` list")
        cases.extend(_case(raw, path.name, i) for i, raw in enumerate(raw_cases))
    return cases


def score_case(case: Case, catalog: Catalog) -> Scored:
    report = explain(ExplainRequest(query="-", stdin_text=case.body, status=case.status, headers=case.headers), catalog)
    top = report.findings[0]
    category = top.category.value
    confidence = top.confidence
    if category in case.categories:
        verdict = "right"
    elif category == Category.unknown.value:
        verdict = "unknown"
    else:
        verdict = "wrong"
    return Scored(case, verdict, category, confidence, top.rule, top.layer)


def evaluate(cases: list[Case], catalog: Catalog) -> EvalReport:
    report = EvalReport()
    tallies: dict[str, dict[str, Counter[str]]] = {"file": {}, "category": {}, "confidence": {}}
    confusion: dict[str, Counter[str]] = {}
    for case in cases:
        scored = score_case(case, catalog)
        report.total += 1
        setattr(report, scored.verdict, getattr(report, scored.verdict) + 1)
        if scored.verdict == "wrong" and scored.confidence == "exact":
            report.wrong_exact += 1
        for kind, key in (("file", case.file), ("category", case.categories[0]), ("confidence", scored.confidence)):
            tallies[kind].setdefault(key, Counter())[scored.verdict] += 1
        confusion.setdefault(case.categories[0], Counter())[scored.category] += 1
        if scored.verdict != "right":
            report.misses.append(
                {
                    "id": case.id,
                    "file": case.file,
                    "verdict": scored.verdict,
                    "expected": list(case.categories),
                    "got": scored.category,
                    "confidence": scored.confidence,
                    "rule": scored.rule,
                }
            )
    report.by_file = {k: dict(v) for k, v in sorted(tallies["file"].items())}
    report.by_category = {k: dict(v) for k, v in sorted(tallies["category"].items())}
    report.by_confidence = {k: dict(v) for k, v in sorted(tallies["confidence"].items())}
    report.confusion = {k: dict(v) for k, v in sorted(confusion.items())}
    return report
