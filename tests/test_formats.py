"""Report formats (`--format text|json|junit|github|markdown`), `--output`, `--fail-on` and the exit-code matrix,
on real `check` runs against the emulator and real `explain` queries."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from aigw_doctor.check.model import CheckReport, CheckResult, CheckStatus, Group
from aigw_doctor.cli import app
from aigw_doctor.exitcodes import ExitCode, FailOn
from aigw_doctor.explain import ExplainReport
from aigw_doctor.mock.config import NEON_TOKEN_FULL, NEON_TOKEN_REVOKED
from aigw_doctor.model import Category, Finding, Severity
from aigw_doctor.redact import mask_report
from aigw_doctor.report import github, junit, markdown
from aigw_doctor.report.formats import ReportFormat, render
from aigw_doctor.verdict import check_outcome, settle_analyze, settle_check

runner = CliRunner()
FORMATS = [f.value for f in ReportFormat]
MACHINE_FORMATS = [f for f in FORMATS if f != "text"]
NEON_HOST_URL = "https://br-winter-pond-aptw82ef-api.ai.c-2.us-east-2.aws.neon.tech"


@dataclass(frozen=True)
class Case:
    """A check run with a known outcome: its exit code under --fail-on error, warning and never."""

    args: tuple[str, ...]
    env: tuple[tuple[str, str], ...]
    codes: tuple[int, int, int]


CASES = {
    "healthy": Case(("--mock", "healthy"), (), (0, 0, 0)),
    # the older variable name still works, with a warning: only --fail-on warning fails the run
    "warning-only": Case(("--mock", "healthy"), (("NEON_AI_GATEWAY_KEY", NEON_TOKEN_FULL),), (0, 1, 0)),
    "definite-error": Case(("--mock", "quota-permanent", "--invoke"), (), (1, 1, 0)),
    # the quota block is transient (Retry-After); the Rate limits section warns about it: a warning that
    # --fail-on warning counts
    "transient-only": Case(("--mock", "quota-temporary", "--invoke", "--retries", "0"), (), (3, 1, 0)),
    # no token at all: a configuration error, whatever --fail-on says
    "no-token": Case(("--url", NEON_HOST_URL, "--offline"), (), (2, 2, 2)),
}


def run(*args: str, env: dict[str, str] | None = None) -> Any:
    return runner.invoke(app, list(args), env=env)


def check(case: str, *extra: str, env: dict[str, str] | None = None) -> Any:
    spec = CASES[case]
    return run("check", *spec.args, *extra, env={**dict(spec.env), **(env or {})})


# --------------------------------------------------------------------------- exit codes


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("fail_on", ["error", "warning", "never"])
@pytest.mark.parametrize("case", list(CASES))
def test_exit_code_matrix(case: str, fail_on: str, fmt: str) -> None:
    """The documented codes hold in every format; --fail-on decides which findings count."""
    result = check(case, "--format", fmt, "--fail-on", fail_on)
    expected = CASES[case].codes[["error", "warning", "never"].index(fail_on)]
    assert result.exit_code == expected, result.output
    if fmt == "json":
        assert json.loads(result.stdout)["exit_code"] == expected


def _report(*checks: CheckResult) -> CheckReport:
    return CheckReport(gateway="neon", checks=list(checks))


def _finding(*, transient: bool = False, severity: Severity = Severity.error) -> Finding:
    return Finding("neon.x.y", Category.quota, severity, transient, "Title", "Cause.", "Fix.")


def _check(status: CheckStatus, *findings: Finding, inconclusive: bool = False) -> CheckResult:
    return CheckResult("c", Group.models, status, "detail", list(findings), inconclusive)


@pytest.mark.parametrize(
    ("checks", "codes"),
    [
        ((_check(CheckStatus.ok),), (0, 0, 0)),
        ((_check(CheckStatus.ok), _check(CheckStatus.skipped)), (0, 0, 0)),
        ((_check(CheckStatus.warning, _finding(severity=Severity.warning)),), (0, 1, 0)),
        ((_check(CheckStatus.warning),), (0, 1, 0)),
        ((_check(CheckStatus.warning, _finding(transient=True)),), (3, 3, 0)),
        ((_check(CheckStatus.error, _finding()),), (1, 1, 0)),
        ((_check(CheckStatus.error, _finding(transient=True)),), (3, 3, 0)),
        ((_check(CheckStatus.error, _finding(transient=True)), _check(CheckStatus.error, _finding())), (1, 1, 0)),
        ((_check(CheckStatus.error, _finding(transient=True)), _check(CheckStatus.warning)), (3, 1, 0)),
        ((_check(CheckStatus.error, inconclusive=True),), (3, 3, 0)),
        ((_check(CheckStatus.ok, inconclusive=True),), (3, 3, 0)),
        ((_check(CheckStatus.crashed),), (3, 3, 0)),
        ((_check(CheckStatus.crashed), _check(CheckStatus.error)), (1, 1, 0)),
    ],
)
def test_exit_code_core(checks: tuple[CheckResult, ...], codes: tuple[int, int, int]) -> None:
    report = _report(*checks)
    got = []
    for fail_on in FailOn:
        settle_check(report, fail_on)
        got.append(report.exit_code)
    assert tuple(got) == codes
    settle_check(report, FailOn.never, token_missing=True)
    assert report.exit_code == ExitCode.USAGE and report.verdict.startswith("Could not check")


def test_outcome_never_still_shows_problems() -> None:
    """--fail-on never changes the exit code, not the verdicts the reports show."""
    failing = _check(CheckStatus.error, _finding())
    assert check_outcome(failing, FailOn.never).value == "failed"
    assert check_outcome(_check(CheckStatus.warning), FailOn.never).value == "passed"
    assert check_outcome(_check(CheckStatus.warning), FailOn.warning).value == "failed"


# --------------------------------------------------------------------------- JUnit


def _junit(text: str) -> ET.Element:
    root = ET.fromstring(text)
    assert root.tag == "testsuites"
    for suite in root.iter("testsuite"):
        cases = suite.findall("testcase")
        assert int(suite.get("tests", "-1")) == len(cases)
        assert int(suite.get("failures", "-1")) == sum(len(c.findall("failure")) for c in cases)
        assert int(suite.get("errors", "-1")) == sum(len(c.findall("error")) for c in cases)
        assert int(suite.get("skipped", "-1")) == sum(len(c.findall("skipped")) for c in cases)
        for case in cases:
            assert case.get("classname") and case.get("name")
            float(case.get("time", "x"))
            assert len([e for e in case if e.tag in ("failure", "error", "skipped")]) <= 1
    assert int(root.get("tests", "-1")) == sum(int(s.get("tests", "0")) for s in root.iter("testsuite"))
    return root


def test_junit_healthy_has_a_case_per_check_and_per_probe() -> None:
    data = json.loads(check("healthy", "--format", "json").stdout)
    result = check("healthy", "--format", "junit")
    assert result.exit_code == 0
    root = _junit(result.stdout)
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert set(suites) == {"aigw-doctor check checks", "aigw-doctor check probes"}
    checks = suites["aigw-doctor check checks"].findall("testcase")
    probes = suites["aigw-doctor check probes"].findall("testcase")
    assert [c.get("name") for c in checks] == [c["name"] for c in data["checks"]]
    assert [p.get("name") for p in probes] == [p["name"] for p in data["probes"]]
    assert root.get("failures") == "0" and root.get("errors") == "0"
    props = {p.get("name"): p.get("value") for p in suites["aigw-doctor check checks"].iter("property")}
    assert props["gateway"] == "neon" and props["exit_code"] == "0"


def test_junit_failures_carry_title_cause_and_fix() -> None:
    result = check("definite-error", "--format", "junit")
    assert result.exit_code == 1
    root = _junit(result.stdout)
    failures = [(case, case.find("failure")) for case in root.iter("testcase") if case.find("failure") is not None]
    invoked = [case for case, _ in failures if case.get("name", "").startswith("invoke")]
    assert invoked, "every invoke check and probe hit the quota block"
    for _, failure in failures:
        assert failure is not None
        assert failure.get("type") == "neon.quota.permanent"
        assert failure.get("message") == "Account AI Gateway quota blocked until resolved (no Retry-After)"
        assert "Cause: " in (failure.text or "") and "Fix: " in (failure.text or "")


def test_junit_transient_problems_are_errors_not_failures() -> None:
    result = check("transient-only", "--format", "junit")
    assert result.exit_code == 3
    root = _junit(result.stdout)
    assert root.get("failures") == "0"
    errors = [e for e in root.iter("error")]
    assert errors and all("retry later" in (e.get("message") or "") for e in errors)


def test_junit_warnings_fail_only_under_fail_on_warning() -> None:
    lenient = _junit(check("warning-only", "--format", "junit").stdout)
    strict = _junit(check("warning-only", "--format", "junit", "--fail-on", "warning").stdout)
    assert lenient.get("failures") == "0"
    warned = [c for c in lenient.iter("testcase") if c.get("name") == "token variable"]
    assert warned and "NEON_AI_GATEWAY_KEY" in "".join(warned[0].itertext())
    assert [c.get("name") for c in strict.iter("testcase") if c.find("failure") is not None] == ["token variable"]


def test_junit_explain_has_a_case_per_finding() -> None:
    data = json.loads(run("explain", "403", "--format", "json").stdout)
    result = run("explain", "403", "--format", "junit")
    assert result.exit_code == 0
    root = _junit(result.stdout)
    cases = list(root.iter("testcase"))
    assert [c.get("name") for c in cases] == [f["rule"] for f in data["findings"]]
    failure = cases[0].find("failure")
    assert failure is not None and failure.get("message") == data["findings"][0]["title"]


def test_junit_survives_control_characters_and_masks_tokens() -> None:
    token = "nt_live_" + "s3cr3t" * 5
    finding = Finding("fallback.4xx", Category.unknown, Severity.error, False, "bad \x00 byte\x1b[31m", "a\x08b", "fix")
    finding.evidence = [f"Authorization: Bearer {token}"]
    text = junit.render(mask_report(ExplainReport(findings=[finding])))  # as emit_report hands it over
    root = _junit(text)
    assert token not in text and "nt_live_" in text
    assert root.find(".//failure") is not None


def test_empty_report_is_still_a_document() -> None:
    empty = ExplainReport(findings=[])
    assert _junit(junit.render(empty)).get("tests") == "0"
    assert github.render(empty).strip().startswith("aigw-doctor explain")
    assert markdown.render(empty).startswith("## ")
    assert json.loads(render(empty, ReportFormat.json))["findings"] == []


# --------------------------------------------------------------------------- GitHub


_COMMAND = re.compile(r"^::(error|warning|notice)( (?P<props>[a-z]+=[^,\r\n]*(,[a-z]+=[^,\r\n]*)*))?::(?P<data>.*)$")


def _annotations(stdout: str) -> list[re.Match[str]]:
    lines = stdout.splitlines()
    assert lines[-1].startswith("aigw-doctor ")  # the one plain line: the verdict
    matches = [_COMMAND.match(line) for line in lines[:-1]]
    assert all(matches), lines
    for match in matches:
        assert match is not None
        assert "\n" not in match.group("data") and "\r" not in match.group("data")
        for prop in (match.group("props") or "").split(","):
            if prop:
                assert ":" not in prop.partition("=")[2]
    return [m for m in matches if m is not None]


def test_github_escaping() -> None:
    assert github.escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert github.escape_property("a: b, c%") == "a%3A b%2C c%25"
    assert github.command("error", "line 1\nline 2", title="x: y, z") == "::error title=x%3A y%2C z::line 1%0Aline 2"
    assert github.command("notice", "plain") == "::notice::plain"


def test_github_annotations_for_a_failing_check() -> None:
    result = check("definite-error", "--format", "github")
    assert result.exit_code == 1
    found = _annotations(result.stdout)
    assert len(found) == 1, "one annotation per distinct problem, however many checks saw it"
    assert found[0].group(1) == "error"
    assert "Account AI Gateway quota blocked" in found[0].group("props")
    assert "Cause%3A" not in found[0].group("data") and "%0AFix: " in found[0].group("data")


def test_github_transient_problems_are_warnings() -> None:
    result = check("transient-only", "--format", "github")
    assert result.exit_code == 3
    assert {m.group(1) for m in _annotations(result.stdout)} == {"warning"}


def test_github_healthy_has_no_annotations() -> None:
    result = check("healthy", "--format", "github")
    assert result.exit_code == 0
    assert _annotations(result.stdout) == []


def test_github_explain_diagnosis_is_an_error_alternatives_are_notices() -> None:
    body = '{"error": {"message": "credential not authorized for this branch"}}'
    result = run("explain", body, "--status", "403", "--format", "github")
    found = _annotations(result.stdout)
    assert found[0].group(1) == "error" and "branch" in found[0].group("props")
    assert {m.group(1) for m in found[1:]} <= {"notice"}
    lookup = _annotations(run("explain", "403", "--format", "github").stdout)
    assert {m.group(1) for m in lookup} == {"notice"}


def test_github_step_summary_is_appended(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("# earlier step\n")
    result = check("definite-error", "--format", "github", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.exit_code == 1
    text = summary.read_text()
    assert text.startswith("# earlier step\n")
    assert "| Group | Check | Result |" in text and "### Problems and fixes" in text
    assert "neon.quota.permanent" in text
    assert "| Group |" not in result.stdout, "the summary goes to the file, not to stdout"


def test_github_step_summary_unwritable_is_a_warning(tmp_path: Path) -> None:
    result = check("healthy", "--format", "github", env={"GITHUB_STEP_SUMMARY": str(tmp_path / "no" / "such")})
    assert result.exit_code == 0
    assert "warning: cannot append the job summary" in result.stderr


# --------------------------------------------------------------------------- Markdown


def test_markdown_failing_check() -> None:
    result = check("definite-error", "--format", "markdown")
    assert result.exit_code == 1
    text = result.stdout
    assert text.startswith("## ❌ aigw-doctor check · neon · ")
    assert "|  | Group | Check | Result |" in text
    assert "### Problems and fixes" in text
    assert "**Cause**" in text and "**Fix**" in text and "```bash" in text
    assert "(`neon.quota.permanent`)" in text
    rows = [line for line in text.splitlines() if line.startswith("| ❌ |")]
    assert len(rows) >= 4


def test_markdown_healthy_and_explain() -> None:
    healthy = check("healthy", "--format", "markdown").stdout
    assert healthy.startswith("## ✅ ") and "Problems and fixes" not in healthy
    explained = run("explain", "neon.quota.temporary", "--format", "markdown")
    assert explained.exit_code == 0
    assert "| `neon.quota.temporary` | quota | error |" in explained.stdout


def test_markdown_escapes_table_cells_and_html() -> None:
    finding = Finding("a.b.c", Category.request, Severity.error, False, "pipe | and <tag>", "c <x> `<kept>`", "f")
    text = markdown.render(ExplainReport(findings=[finding]))
    assert "pipe \\| and &lt;tag&gt;" in text
    assert "c &lt;x&gt; `<kept>`" in text


# --------------------------------------------------------------------------- stdout, --output, secrets


@pytest.mark.parametrize("fmt", MACHINE_FORMATS)
def test_machine_formats_keep_stdout_clean(fmt: str) -> None:
    result = check("transient-only", "--format", fmt)
    assert "checking the built-in neon emulator" in result.stderr
    assert "checking the built-in" not in result.stdout
    if fmt == "json":
        json.loads(result.stdout)
    elif fmt == "junit":
        _junit(result.stdout)
    elif fmt == "github":
        _annotations(result.stdout)
    else:
        assert result.stdout.startswith("## ")


@pytest.mark.parametrize("fmt", FORMATS)
def test_output_file_gets_the_format_and_the_terminal_the_text(tmp_path: Path, fmt: str) -> None:
    target = tmp_path / f"report.{fmt}"
    result = check("definite-error", "--format", fmt, "--output", str(target))
    assert result.exit_code == 1
    assert "Problems found" in result.stdout and "Models & endpoints" in result.stdout
    content = target.read_text()
    if fmt == "json":
        assert json.loads(content)["exit_code"] == 1
    elif fmt == "junit":
        _junit(content)
    elif fmt == "github":
        _annotations(content)
    elif fmt == "markdown":
        assert content.startswith("## ❌")
    else:
        assert "Problems found" in content and "\x1b[" not in content
    assert f"report written to {target}" in result.stderr


def test_output_to_an_unwritable_place_is_a_usage_error(tmp_path: Path) -> None:
    result = run("explain", "429", "--format", "junit", "--output", str(tmp_path / "missing" / "r.xml"))
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --output: cannot write")
    assert "Traceback" not in result.output


def test_explain_output_file(tmp_path: Path) -> None:
    target = tmp_path / "explain.xml"
    result = run("explain", "unknown model", "--format", "junit", "--output", str(target))
    assert result.exit_code == 0
    assert "Fix" in result.stdout
    _junit(target.read_text())


def test_explain_all_takes_text_or_json_only() -> None:
    result = run("explain", "--all", "--format", "junit")
    assert result.exit_code == 2 and "--all" in result.stderr


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_format_prints_the_token(tmp_path: Path, fmt: str) -> None:
    summary = tmp_path / "summary.md"
    target = tmp_path / "out"
    env = {"NEON_AI_GATEWAY_TOKEN": NEON_TOKEN_REVOKED, "GITHUB_STEP_SUMMARY": str(summary)}
    result = run("check", "--mock", "healthy", "-vv", "--format", fmt, env=env)
    assert result.exit_code == 1
    with_file = run("check", "--mock", "healthy", "-vv", "--format", fmt, "--output", str(target), env=env)
    everything = result.output + with_file.output + target.read_text()
    everything += summary.read_text() if summary.exists() else ""
    assert NEON_TOKEN_REVOKED not in everything
    assert NEON_TOKEN_REVOKED[:8] in everything or fmt == "github"  # shown masked, never whole


# --------------------------------------------------------------------------- colour and CI


def test_colour_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("CI", raising=False)
    ansi = "\x1b["
    assert ansi not in run("explain", "429", env={"CI": "true"}).output
    assert ansi in run("explain", "429", env={"FORCE_COLOR": "1"}).output
    assert ansi in run("explain", "429", env={"FORCE_COLOR": "1", "CI": "true"}).output
    assert ansi not in run("explain", "429", env={"FORCE_COLOR": "1", "NO_COLOR": "1"}).output
    assert ansi not in run("explain", "429", "--no-color", env={"FORCE_COLOR": "1"}).output
    assert ansi not in run("explain", "429", env={"FORCE_COLOR": "0"}).output
    assert ansi not in run("explain", "429", "--format", "json", env={"FORCE_COLOR": "1"}).stdout


def test_ci_width_is_stable_and_there_is_no_spinner(monkeypatch: pytest.MonkeyPatch) -> None:
    from contextlib import nullcontext

    from aigw_doctor.terminal import REPORT_WIDTH, Terminal

    monkeypatch.setenv("CI", "true")
    monkeypatch.delenv("COLUMNS", raising=False)
    terminal = Terminal()
    assert terminal.out.width == REPORT_WIDTH and terminal.err.width == REPORT_WIDTH
    assert not terminal.out.is_terminal
    assert isinstance(terminal.status("working"), nullcontext)
    monkeypatch.setenv("NO_COLOR", "")  # empty means unset (no-color.org)
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert Terminal().out.color_system is not None


# --------------------------------------------------------------------------- analyze

ANALYZE_LOG = "".join(
    (line if isinstance(line, str) else json.dumps(line)) + "\n"
    for line in (
        {
            "timestamp": "2026-07-01T10:00:00Z",
            "status": 401,
            "body": {"error": {"message": "invalid or missing credential"}},
        },
        {
            "timestamp": "2026-07-01T10:05:00Z",
            "status": 401,
            "body": {"error": {"message": "invalid or missing credential"}},
        },
        {
            "status": 429,
            "headers": {"Retry-After": "30"},
            "body": {"error": {"message": "AI Gateway quota exceeded", "code": "REQUEST_LIMIT_EXCEEDED"}},
        },
        {"status": 418, "body": {"error": "teapot"}},
        {"status": 200, "body": "ok"},
        "not json",
    )
)
WARNING_LOG = json.dumps({"status": 418, "body": {"error": "teapot"}}) + "\n" + json.dumps({"status": 200}) + "\n"


def analyze(log: str, tmp_path: Path, *extra: str, env: dict[str, str] | None = None) -> Any:
    path = tmp_path / "gateway.jsonl"
    path.write_text(log, encoding="utf-8")
    result = run("analyze", str(path), *extra, env=env)
    assert "Traceback" not in result.output
    return result


def _analyze_json(log: str, tmp_path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(analyze(log, tmp_path, "--format", "json").stdout)
    return data


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("fail_on", ["error", "warning", "never"])
@pytest.mark.parametrize(("log", "codes"), [(ANALYZE_LOG, (1, 1, 0)), (WARNING_LOG, (0, 1, 0)), ("", (0, 0, 0))])
def test_analyze_exit_code_matrix(
    tmp_path: Path, log: str, codes: tuple[int, int, int], fail_on: str, fmt: str
) -> None:
    result = analyze(log, tmp_path, "--format", fmt, "--fail-on", fail_on)
    expected = codes[["error", "warning", "never"].index(fail_on)]
    assert result.exit_code == expected, result.output
    if fmt == "json":
        assert json.loads(result.stdout)["exit_code"] == expected


def test_junit_analyze_has_a_case_per_diagnosis_and_per_input(tmp_path: Path) -> None:
    data = _analyze_json(ANALYZE_LOG, tmp_path)
    result = analyze(ANALYZE_LOG, tmp_path, "--format", "junit")
    assert result.exit_code == 1
    root = _junit(result.stdout)
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert set(suites) == {"aigw-doctor analyze diagnoses", "aigw-doctor analyze inputs"}
    diagnoses = suites["aigw-doctor analyze diagnoses"].findall("testcase")
    assert [c.get("name") for c in diagnoses] == [row["rule"] for row in data["diagnoses"]]
    failed = {c.get("name") for c in diagnoses if c.find("failure") is not None}
    assert failed == {row["rule"] for row in data["diagnoses"] if row["severity"] == "error"}
    assert failed and len(failed) < len(diagnoses), "the 418 is a warning: a passing case"
    for case in diagnoses:
        row = next(r for r in data["diagnoses"] if r["rule"] == case.get("name"))
        assert case.get("classname") == f"aigw-doctor.analyze.diagnoses.{row['category']}"
        out = case.findtext("system-out") or ""
        assert f"({row['share']:.1%} of the diagnosed exchanges)" in out and "Example (" in out
        failure = case.find("failure")
        if failure is not None:
            assert failure.get("type") == row["rule"] and failure.get("message") == row["title"]
            assert "Fix: " in (failure.text or "") and "Cause: " not in (failure.text or "")
    credential = next(c for c in diagnoses if "credential" in (c.get("name") or ""))
    assert "Seen 2 times" in "".join(credential.itertext())
    assert "First seen 2026-07-01 10:00:00 UTC, last seen 2026-07-01 10:05:00 UTC" in "".join(credential.itertext())
    (source,) = suites["aigw-doctor analyze inputs"].findall("testcase")
    assert source.get("name") == str(tmp_path / "gateway.jsonl") and source.find("failure") is None
    assert source.findtext("system-out") == "5 records (jsonl), 1 unreadable"
    props = {p.get("name"): p.get("value") for p in root.iter("property")}
    assert props["exit_code"] == "1" and props["fail_on"] == "error" and props["diagnosed"] == "4"


def test_junit_analyze_fail_on_warning_and_never(tmp_path: Path) -> None:
    strict = analyze(WARNING_LOG, tmp_path, "--format", "junit", "--fail-on", "warning")
    assert strict.exit_code == 1
    assert [c.get("name") for c in _junit(strict.stdout).iter("testcase") if c.find("failure") is not None] == [
        "fallback.4xx"
    ]
    lenient = analyze(ANALYZE_LOG, tmp_path, "--format", "junit", "--fail-on", "never")
    assert lenient.exit_code == 0
    assert _junit(lenient.stdout).get("failures") == "2", "never changes the exit code, not the verdicts"


def test_github_annotations_for_analyze(tmp_path: Path) -> None:
    data = _analyze_json(ANALYZE_LOG, tmp_path)
    result = analyze(ANALYZE_LOG, tmp_path, "--format", "github")
    assert result.exit_code == 1
    found = _annotations(result.stdout)
    levels = [m.group(1) for m in found]
    errors = [r for r in data["diagnoses"] if r["severity"] == "error"]
    assert levels == ["error"] * len(errors) + ["warning", "warning"], "errors first; the 418, the bad line"
    first = found[0]
    assert f"title=aigw-doctor analyze%3A {github.escape_property(errors[0]['title'])}" == first.group("props")
    assert first.group("data").startswith("Seen ") and "%0AFix: " in first.group("data")
    assert "%0AExample (" in first.group("data") and f"Rule: {errors[0]['rule']}" in first.group("data")
    assert "unreadable record" in found[-1].group("props") and "line 6" in found[-1].group("data")
    assert result.stdout.splitlines()[-1] == "aigw-doctor analyze: 3 exchanges with error-level diagnoses · exit 1"


def test_github_analyze_step_summary_is_the_markdown(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("# earlier step\n")
    result = analyze(ANALYZE_LOG, tmp_path, "--format", "github", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.exit_code == 1
    markdown_out = analyze(ANALYZE_LOG, tmp_path, "--format", "markdown").stdout
    assert summary.read_text() == "# earlier step\n" + markdown_out + "\n"
    assert "| Diagnosis |" not in result.stdout


def test_markdown_analyze_is_the_log_summary(tmp_path: Path) -> None:
    result = analyze(ANALYZE_LOG, tmp_path, "--format", "markdown")
    assert result.exit_code == 1
    text = result.stdout
    assert text.startswith("## aigw-doctor analyze\n")
    assert "| # | Diagnosis | Category | Count | Share | Seen (UTC) | Fix |" in text
    assert "| Status | Count | Share |" in text and "| Category | Count | Share |" in text
    assert "**1 unreadable records**" in text and "`neon.credential.invalid`" in text
    assert text.rstrip().endswith("· exit 1_")


@pytest.mark.parametrize("fmt", FORMATS)
def test_analyze_output_file_gets_the_format_and_the_terminal_the_text(tmp_path: Path, fmt: str) -> None:
    target = tmp_path / f"report.{fmt}"
    result = analyze(ANALYZE_LOG, tmp_path, "--format", fmt, "--output", str(target))
    assert result.exit_code == 1
    assert "Diagnoses" in result.stdout and "Statuses" in result.stdout
    content = target.read_text()
    if fmt == "json":
        assert json.loads(content)["exit_code"] == 1
    elif fmt == "junit":
        _junit(content)
    elif fmt == "github":
        _annotations(content)
    elif fmt == "markdown":
        assert content.startswith("## aigw-doctor analyze")
    else:
        assert "Diagnoses" in content and "\x1b[" not in content
    assert f"report written to {target}" in result.stderr


@pytest.mark.parametrize("fmt", MACHINE_FORMATS)
def test_analyze_empty_log_is_still_a_document(tmp_path: Path, fmt: str) -> None:
    result = analyze("", tmp_path, "--format", fmt)
    assert result.exit_code == 0
    if fmt == "junit":
        root = _junit(result.stdout)
        assert root.get("tests") == "1" and root.get("failures") == "0"  # the input file, nothing else
    elif fmt == "github":
        assert _annotations(result.stdout) == []
    elif fmt == "json":
        assert json.loads(result.stdout)["diagnoses"] == []
    else:
        assert result.stdout.startswith("## ")


def test_analyze_outline_levels_follow_severity_and_fail_on() -> None:
    from aigw_doctor.analyze.summary import AnalyzeReport, DiagnosisRow, MalformedSummary, Totals
    from aigw_doctor.report.outline import outline

    def row(rule: str, severity: str) -> DiagnosisRow:
        return DiagnosisRow(rule, "request", severity, False, rule, "Fix.", None, 1, 0.5, None, None, {}, "", "")

    rows = [row("a.info", "info"), row("a.warning", "warning"), row("a.error", "error")]
    totals = Totals(records=3, below_min_status=0, diagnosed=3, errors=1, warnings=1, info=1, malformed=0)
    report = AnalyzeReport(1, 400, [], totals, None, None, rows, 0, [], [], None, MalformedSummary(0, []))
    for fail_on, failed in ((FailOn.error, {"a.error"}), (FailOn.warning, {"a.error", "a.warning"})):
        settle_analyze(report, fail_on)
        view = outline(report)
        assert {c.name for c in view.cases if c.verdict == "failed"} == failed
        assert [(p.title, p.level) for p in view.problems] == [
            *((r.rule, "error") for r in rows if r.rule in failed),  # errors first, in the report's order
            *(() if fail_on is FailOn.warning else (("a.warning", "warning"),)),
            ("a.info", "notice"),
        ]
    settle_analyze(report, FailOn.never)
    never = outline(report)
    assert {c.name for c in never.cases if c.verdict == "failed"} == {"a.error"}
