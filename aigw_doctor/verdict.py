"""The one place that turns a finished report into its verdict and exit code.

Every command's core calls one `settle_*` function last; the report then carries its one-line verdict, the
`--fail-on` in force and the exit code, and nothing downstream (renderers, the CLI, CI formats) works any of
them out again. The exit-code contract itself is in `exitcodes.py` and the README.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

from aigw_doctor.exitcodes import ExitCode, FailOn

if TYPE_CHECKING:
    from aigw_doctor.analyze.summary import AnalyzeReport
    from aigw_doctor.check.model import CheckReport, CheckResult
    from aigw_doctor.explain import ExplainReport


class Outcome(str, Enum):
    """How one check (or diagnosis) counts toward the exit code; every format shows the same outcome."""

    passed = "passed"
    failed = "failed"
    inconclusive = "inconclusive"
    skipped = "skipped"


# --------------------------------------------------------------------------- check


def check_outcome(check: CheckResult, fail_on: FailOn = FailOn.error) -> Outcome:
    """A check's outcome under `--fail-on`. `never` judges like `error` (the report still shows the problems);
    only the exit code ignores them."""
    from aigw_doctor.check.model import CheckStatus

    if check.inconclusive or check.status is CheckStatus.crashed:
        return Outcome.inconclusive
    if check.status is CheckStatus.skipped:
        return Outcome.skipped
    if check.status is CheckStatus.ok:
        return Outcome.passed
    if check.findings and all(f.transient for f in check.findings):
        return Outcome.inconclusive  # retrying later can succeed: not a definite problem
    if check.status is CheckStatus.error or fail_on is FailOn.warning:
        return Outcome.failed
    return Outcome.passed


def _check_exit_code(report: CheckReport, fail_on: FailOn, *, token_missing: bool) -> ExitCode:
    """0 all good; 1 a problem found; 2 configuration; 3 inconclusive: the check could not complete, or the
    only problems seen were transient (retry later)."""
    if token_missing:  # the gateway needs a token and none was found: nothing could be checked
        return ExitCode.USAGE
    if fail_on is FailOn.never:
        return ExitCode.OK
    outcomes = {check_outcome(c, fail_on) for c in report.checks}
    if Outcome.failed in outcomes:
        return ExitCode.PROBLEM
    if Outcome.inconclusive in outcomes:
        return ExitCode.INCONCLUSIVE
    return ExitCode.OK


_CHECK_HEADLINES = {
    ExitCode.OK: "All checks passed",
    ExitCode.PROBLEM: "Problems found",
    ExitCode.USAGE: "Could not check: configuration",
    ExitCode.INCONCLUSIVE: "Inconclusive: retry later or check the network",
}


def check_headline(report: CheckReport) -> str:
    """The verdict's first words (the text report colours them by exit code)."""
    return report.verdict.partition(" · ")[0]


def settle_check(report: CheckReport, fail_on: FailOn, *, token_missing: bool = False) -> None:
    from aigw_doctor.check.model import CheckStatus

    code = _check_exit_code(report, fail_on, token_missing=token_missing)
    counts = {status: sum(1 for c in report.checks if c.status is status) for status in CheckStatus}
    errors = counts[CheckStatus.error] + counts[CheckStatus.crashed]
    headline = _CHECK_HEADLINES[code]
    if code is ExitCode.OK and errors:  # --fail-on never: the problems stay visible, only the exit code is 0
        headline = "Problems found (not failing the run: --fail-on never)"
    elif code is ExitCode.OK and not report.request_path_tested and report.probes:
        # A pass of the gateway alone: never "All checks passed", which users read as "my requests will work".
        headline = "Gateway checks passed; the request path was not tested (no real request sent)"
    report.fail_on = fail_on.value
    report.exit_code = int(code)
    report.verdict = (
        f"{headline} · {counts[CheckStatus.ok]} ok, {counts[CheckStatus.warning]} warnings, {errors} errors"
        f", {counts[CheckStatus.skipped]} skipped · {len(report.probes)} probes in {report.elapsed_ms / 1000:.1f} s"
        f" · exit {report.exit_code}"
    )


# --------------------------------------------------------------------------- explain


def settle_explain(report: ExplainReport) -> None:
    """0 when a rule explained the query, 1 when only generic advice was left; `--fail-on` does not apply."""
    report.exit_code = int(ExitCode.OK if report.explained else ExitCode.PROBLEM)
    if not report.findings:
        report.verdict = "nothing found"
    elif report.explained:
        top = report.findings[0]
        more = len(report.findings) - 1
        report.verdict = f"{top.title} ({top.rule})" + (f" and {more} more" if more else "")
    else:
        report.verdict = "no rule in the catalog matched: generic advice only"


# --------------------------------------------------------------------------- analyze


def severity_fails(severity: str, fail_on: FailOn) -> bool:
    """Whether a diagnosis of this severity is shown as a failure. `--fail-on never` changes only the exit
    code, not what the reports show, as for `check`."""
    return severity == "error" or (severity == "warning" and fail_on is FailOn.warning)


def settle_analyze(report: AnalyzeReport, fail_on: FailOn) -> None:
    """0 or 1 from the totals: every diagnosis counts, also those `--top` leaves out."""
    totals = report.totals
    failing = totals.errors or (fail_on is FailOn.warning and totals.warnings)
    report.fail_on = fail_on.value
    report.exit_code = int(ExitCode.PROBLEM if failing and fail_on is not FailOn.never else ExitCode.OK)
    gate = f" (--fail-on {fail_on.value})" if fail_on is not FailOn.error else ""
    if totals.errors:
        report.verdict = f"{totals.errors:,} exchanges with error-level diagnoses · exit {report.exit_code}{gate}"
    elif totals.diagnosed:
        report.verdict = (
            f"no error-level diagnoses ({totals.warnings:,} warnings, {totals.info:,} info)"
            f" · exit {report.exit_code}{gate}"
        )
    else:
        report.verdict = f"nothing to diagnose · exit {report.exit_code}{gate}"
