"""JUnit XML: what CI dashboards (GitHub, GitLab, Jenkins, Azure) read as test results.

`check`: one suite of test cases per check and one per probe; `explain`: one case per finding; `analyze`:
one suite with a case per diagnosis and one with a case per input file. A failed
check is a <failure>, an inconclusive one (transient, timeout, crashed checker) an <error>: it could not be
decided. Failures carry the finding's title, cause and fix.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from aigw_doctor.model import Finding
from aigw_doctor.report.outline import Case, Outline, outline

# Characters XML 1.0 cannot carry at all, even escaped: dropped, or the file would not parse.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _x(text: str) -> str:
    return _NOT_XML.sub("", text)


def render(report: object, verbosity: int = 0) -> str:
    view = outline(report)
    root = ET.Element("testsuites", name=f"aigw-doctor {view.command}")
    totals = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
    suites: dict[str, list[Case]] = {}
    for case in view.cases:
        suites.setdefault(case.suite, []).append(case)
    if not suites:
        suites[view.command] = []  # an empty run is still a valid document with one (empty) suite
    for suite_name, cases in suites.items():
        suite = ET.SubElement(root, "testsuite", name=f"aigw-doctor {view.command} {suite_name}")
        counts = _counts(cases)
        for key, count in counts.items():
            suite.set(key, str(count))
            totals[key] += count
        suite.set("time", _seconds(view.seconds))  # wall clock: the probes ran concurrently
        properties = ET.SubElement(suite, "properties")
        for name, value in view.properties.items():
            ET.SubElement(properties, "property", name=name, value=_x(value))
        for case in cases:
            _case(suite, view, case)
        if view.notes:
            ET.SubElement(suite, "system-out").text = _x("\n".join(view.notes))
    for key, total in totals.items():
        root.set(key, str(total))
    root.set("time", _seconds(view.seconds))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _counts(cases: list[Case]) -> dict[str, int]:
    return {
        "tests": len(cases),
        "failures": sum(c.verdict == "failed" for c in cases),
        "errors": sum(c.verdict == "inconclusive" for c in cases),
        "skipped": sum(c.verdict == "skipped" for c in cases),
    }


def _case(suite: ET.Element, view: Outline, case: Case) -> None:
    element = ET.SubElement(
        suite,
        "testcase",
        classname=_x(f"aigw-doctor.{view.command}.{case.suite}.{case.group}"),
        name=_x(case.name),
        time=_seconds(case.seconds),
    )
    body = "\n\n".join(_finding_text(f) for f in case.findings) or case.detail
    first = case.findings[0] if case.findings else None
    message = first.title if first else case.detail
    kind = first.rule if first else case.status
    if case.verdict == "failed":
        ET.SubElement(element, "failure", message=_x(message), type=_x(kind)).text = _x(body)
    elif case.verdict == "inconclusive":
        note = "inconclusive (transient or could not complete): retry later"
        ET.SubElement(element, "error", message=_x(f"{message} · {note}"), type=_x(kind)).text = _x(body)
    elif case.verdict == "skipped":
        ET.SubElement(element, "skipped", message=_x(case.detail or "skipped"))
    output = case.output or [case.detail]
    if case.verdict == "passed":  # a warning that does not fail under --fail-on: still shown, with its fix
        output = [*output, *(f"{case.status}: {_finding_text(f)}" for f in case.findings)]
    if any(output):
        ET.SubElement(element, "system-out").text = _x("\n".join(line for line in output if line))


def _finding_text(finding: Finding) -> str:
    lines = [f"{finding.title} [{finding.rule} · {finding.category.value}]"]
    if finding.cause:  # an analyze summary keeps no cause
        lines.append(f"Cause: {finding.cause}")
    lines.append(f"Fix: {finding.fix}")
    lines += [f"  $ {command}" for command in finding.commands]
    if finding.retry_after:
        lines.append(f"Retry-After: {finding.retry_after}")
    if finding.docs:
        lines.append(f"Docs: {finding.docs}")
    if finding.evidence:
        lines.append("Evidence: " + "; ".join(finding.evidence))
    return "\n".join(lines)


def _seconds(value: float) -> str:
    return f"{max(value, 0.0):.3f}"
