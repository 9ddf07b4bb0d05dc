"""Checks that need no network, shared by every gateway's plan: credential presence and shape, the scheme,
the address actually connected to. Gateway-specific checks live in each gateway's plan."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from aigw_doctor.check.credentials import Secret
from aigw_doctor.check.model import CheckResult, CheckStatus, Group
from aigw_doctor.check.options import CheckOptions
from aigw_doctor.check.target import Target
from aigw_doctor.gateways.base import Gateway
from aigw_doctor.gateways.problems import Problem
from aigw_doctor.model import Category, Finding, Severity

_STATUS_OF = {"error": CheckStatus.error, "warning": CheckStatus.warning, "info": CheckStatus.ok}


def problem_finding(problem: Problem, gateway: Gateway) -> Finding:
    """A gateway module's Problem in the same shape as a catalog finding."""
    return Finding(
        rule=problem.code,
        category=Category(problem.category),
        severity=Severity(problem.severity),
        transient=False,
        title=problem.message,
        cause=problem.message,
        fix=problem.fix,
        docs=gateway.docs,
        evidence=["preflight (no request sent)"],
    )


def problems_check(
    name: str, group: Group, problems: Iterable[Problem], gateway: Gateway, ok_detail: str
) -> CheckResult:
    problems = list(problems)
    if not problems:
        return CheckResult(name=name, group=group, status=CheckStatus.ok, detail=ok_detail)
    worst = min(problems, key=lambda p: ["error", "warning", "info"].index(p.severity))
    return CheckResult(
        name=name,
        group=group,
        status=_STATUS_OF[worst.severity],
        detail=" ".join(p.message for p in problems),  # each message is a whole sentence
        findings=[problem_finding(p, gateway) for p in problems],
    )


def token_checks(
    secret: Secret | None,
    gateway: Gateway,
    what: str,
    wanted: str,
    shape_problems: Callable[[str], list[Problem]],
    shape_ok: str,
) -> list[CheckResult]:
    """The token is present and has the gateway's shape; its masked form and source are shown, never its value."""
    name = f"{what} present"
    if secret is None:
        missing = Problem(f"{gateway.name}.token.missing", "credential", "error", f"No {what} was found.", wanted)
        return [
            CheckResult(
                name=name,
                group=Group.token,
                status=CheckStatus.error,
                detail=f"no {what} found; {wanted}",
                findings=[problem_finding(missing, gateway)],
            )
        ]
    results = [
        CheckResult(name=name, group=Group.token, status=CheckStatus.ok, detail=f"{secret.masked} from {secret.source}")
    ]
    if secret.note:
        results.append(
            CheckResult(name=f"{what} variable", group=Group.token, status=CheckStatus.warning, detail=secret.note)
        )
    results.append(problems_check(f"{what} shape", Group.token, shape_problems(secret.value), gateway, shape_ok))
    return results


def scheme_check(target: Target) -> CheckResult:
    if target.scheme == "https":
        return CheckResult(name="scheme", group=Group.host, status=CheckStatus.ok, detail="https")
    if target.loopback:
        return CheckResult(name="scheme", group=Group.host, status=CheckStatus.ok, detail="http to a loopback address")
    return CheckResult(
        name="scheme", group=Group.host, status=CheckStatus.error, detail="plain http: the gateways serve https only"
    )


def address_checks(target: Target, options: CheckOptions) -> list[CheckResult]:
    """Where the connection really goes: a --resolve override, a loopback address."""
    results: list[CheckResult] = []
    if target.connect_address:
        results.append(
            CheckResult(
                name="resolve override",
                group=Group.host,
                status=CheckStatus.ok,
                detail=f"{target.host}:{target.port} → {target.connect_address} (--resolve)",
            )
        )
    if not target.gateway.trusted_host(target.host, options.trusted_suffix) and target.loopback:
        results.append(
            CheckResult(
                name="trusted host",
                group=Group.host,
                status=CheckStatus.ok,
                detail="loopback address: the credential stays on this machine",
            )
        )
    return results
