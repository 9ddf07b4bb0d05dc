"""Run a check: preflight, probes in parallel under one deadline, then turn every answer into checks and
findings through the same rule engine `explain` uses."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable

from aigw_doctor.check.credentials import CredentialError
from aigw_doctor.check.exchange import Exchange
from aigw_doctor.check.model import CheckReport, CheckResult, CheckStatus, Group, ProbeRecord
from aigw_doctor.check.options import CheckOptions
from aigw_doctor.check.plan import CheckPlan
from aigw_doctor.check.probes import ProbeSpec
from aigw_doctor.check.ratelimits import cache_headers, rate_limits
from aigw_doctor.check.route import Route, choose_route
from aigw_doctor.check.target import Target, TargetError, credential_refusal, resolve_target
from aigw_doctor.engine import diagnose, finding_from_rule
from aigw_doctor.facts import enrich
from aigw_doctor.gateways.problems import header_unsafe
from aigw_doctor.model import Finding, Observation, RequestContext, Severity
from aigw_doctor.redact import mask_text
from aigw_doctor.ruleset.catalog import Catalog
from aigw_doctor.verdict import settle_check

# Progress events for the terminal: ("waiting", probe name, seconds so far), ("done", name, latency).
EventSink = Callable[[str, str, float], None]
_PERMANENT_TRANSPORT = frozenset({"dns", "connect", "unreachable", "tls"})


class CheckConfigError(Exception):
    """The check cannot run as configured (no URL, unreadable token file, refused host): exit code 2."""


def _noop(kind: str, name: str, seconds: float) -> None:
    return None


def run_check(options: CheckOptions, catalog: Catalog, events: EventSink = _noop) -> CheckReport:
    started = time.monotonic()
    try:
        target = resolve_target(options)
    except TargetError as exc:
        raise CheckConfigError(str(exc)) from None
    plan = target.gateway.check_plan()
    try:
        secrets = plan.load_secrets(options, target)
    except CredentialError as exc:
        raise CheckConfigError(str(exc)) from None
    report = CheckReport(gateway=target.gateway.name, target=target.facts(), notes=list(target.notes))
    report.checks.extend(plan.preflight(options, target, secrets))
    specs = plan.probes(options, target, secrets)
    unsendable = _unsendable_credential(specs, catalog)
    try:
        route = choose_route(target)
    except TargetError as exc:
        raise CheckConfigError(str(exc)) from None
    report.target["proxy"] = route.shown
    # Every secret the run holds (gateway token, provider key) rides on some probe's credentials: one check of
    # the destination, before any request is built, whichever secret it is.
    if any(spec.credentials for spec in specs) and (refusal := destination_refusal(target, route, options)):
        raise CheckConfigError(refusal)
    token_missing = secrets.token is None and plan.token_required
    if options.offline:
        report.checks.append(
            CheckResult(name="probes", group=Group.connectivity, status=CheckStatus.skipped, detail="--offline")
        )
    elif unsendable is not None:
        report.checks.append(unsendable)
    elif token_missing:
        report.checks.append(
            CheckResult(
                name="probes",
                group=Group.connectivity,
                status=CheckStatus.skipped,
                detail="no token: nothing would pass the gateway's authentication",
            )
        )
    else:
        exchanges = asyncio.run(_probe_all(target, route, specs, options, catalog, events))
        _interpret(report, target, plan, exchanges, catalog, options)
    report.findings = _collect_findings(report.checks)
    report.elapsed_ms = round((time.monotonic() - started) * 1000, 1)
    settle_check(report, options.fail_on, token_missing=token_missing)
    return report


def _unsendable_credential(specs: list[ProbeSpec], catalog: Catalog) -> CheckResult | None:
    """A credential no HTTP client can send (a curly quote, a no-break space): nothing is sent, and the check
    says which character and where the value came from, never the value."""
    for spec in specs:
        for credential in spec.credentials:
            # The value as stored, not as cleaned for the header: an SDK sends it as it is, and fails on it.
            reason = header_unsafe(credential.secret.value)
            if reason is None:
                continue
            rule = catalog.get("client.credential.header-not-encodable")
            findings = [finding_from_rule(rule, None, [reason], catalog.origin(rule.id))] if rule else []
            return CheckResult(
                name="credential encoding",
                group=Group.token,
                status=CheckStatus.error,
                detail=f"the value from {credential.secret.source} has {reason}; no probe was sent",
                findings=findings,
            )
    return None


def destination_refusal(target: Target, route: Route, options: CheckOptions) -> str | None:
    """Why no credential may go to this destination, or None: the target's own rules (its gateway's hosts over
    https, or loopback), then the way there (never in clear text through a proxy)."""
    refusal = credential_refusal(target, options)
    if refusal is None and not route.tunnelled:
        refusal = (
            f"refusing to send the credential in clear text through the proxy ({route.shown}): "
            f"use https, or add {target.host} to NO_PROXY"
        )
    return refusal


async def _probe_all(
    target: Target, route: Route, specs: list[ProbeSpec], options: CheckOptions, catalog: Catalog, events: EventSink
) -> list[Exchange]:
    from aigw_doctor.check.transport import make_client, send_probe

    def is_transient(exchange: Exchange) -> bool:
        # The same observation (request context, facts, enrichment) the report will diagnose, so the retry
        # decision and the report cannot disagree.
        return diagnose(observation_of(exchange, target), catalog)[0].transient

    started = time.monotonic()
    deadline = started + options.timeout_s
    async with make_client(options.ca_bundle, options.timeout_s, route.proxy) as client:
        tasks = {
            asyncio.ensure_future(
                send_probe(
                    client,
                    target,
                    spec,
                    deadline=deadline,
                    retries=options.retries,
                    timeout_s=options.timeout_s,
                    is_transient=is_transient,
                )
            ): spec
            for spec in specs
        }
        pending = set(tasks)
        announced = False
        while pending:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            wait_for = remaining
            if not announced:
                wait_for = min(remaining, max(0.0, started + options.waiting_note_after_s - time.monotonic()))
            done, pending = await asyncio.wait(pending, timeout=wait_for, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                exchange = task.result()
                events("done", tasks[task].name, exchange.latency_ms or 0.0)
            if not announced and pending and time.monotonic() - started >= options.waiting_note_after_s:
                announced = True
                for task in pending:
                    events("waiting", tasks[task].name, time.monotonic() - started)
        for task in pending:
            task.cancel()
        results: list[Exchange] = []
        for task, spec in tasks.items():
            if task in pending or task.cancelled():
                exchange = Exchange(spec=spec, url=target.origin + spec.path)
                exchange.transport_error = "timeout"
                exchange.facts = {"timeout_phase": "deadline"}
                exchange.error = f"no answer within {options.timeout_s:g} s (--timeout); gave up waiting"
                exchange.latency_ms = round(options.timeout_s * 1000, 1)
                results.append(exchange)
            else:
                results.append(task.result())
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
    return results


def observation_of(exchange: Exchange, target: Target) -> Observation:
    spec = exchange.spec
    observation = Observation(
        gateway=target.gateway.name,
        request=RequestContext(
            method=spec.method,
            url=exchange.url,
            host=target.host,
            path=spec.path,
            model=spec.model,
            header_names=spec.header_names,
        ),
        status=exchange.status,
        headers=exchange.headers,
        body=exchange.body,
        elapsed_ms=exchange.latency_ms,
        transport_error=exchange.transport_error,
        facts=dict(exchange.facts),
    )
    return enrich(observation)


def _interpret(
    report: CheckReport,
    target: Target,
    plan: CheckPlan,
    exchanges: list[Exchange],
    catalog: Catalog,
    options: CheckOptions,
) -> None:
    report.checks.append(_connectivity(target, exchanges, catalog, report.target.get("proxy")))
    for exchange in exchanges:
        try:
            check, record = _probe_check(exchange, target, plan.probe_group(exchange.spec), catalog)
        except Exception as exc:  # a crashed checker is a result, never the end of the run
            check = CheckResult(
                name=exchange.spec.name,
                group=plan.probe_group(exchange.spec),
                status=CheckStatus.crashed,
                detail=mask_text(f"the checker failed: {type(exc).__name__}: {exc}"),
                inconclusive=True,
            )
            record = ProbeRecord(
                name=exchange.spec.name, endpoint=exchange.spec.endpoint, method=exchange.spec.method, url=exchange.url
            )
        report.checks.append(check)
        report.probes.append(record)
        report.checks.extend(plan.after_probe(exchange, options))
    report.request_path_tested = any(e.spec.kind == "invoke" for e in exchanges)
    if not report.request_path_tested:
        why = "--zero-cost" if options.zero_cost else "no endpoint to send a real request to"
        report.checks.append(
            CheckResult(
                name="upstream path",
                group=Group.models,
                status=CheckStatus.skipped,
                detail=f"not exercised ({why}): the probes above stop before any model runs, so account quota "
                "and upstream failures stay unseen; drop --zero-cost to send one minimal real request",
            )
        )
    headers = [e.headers for e in exchanges if e.headers]
    report.rate_limits = rate_limits(headers)
    retry_after = [h["retry-after"] for h in headers if "retry-after" in h]
    report.retry_after = retry_after[0] if retry_after else None
    low = [r for r in report.rate_limits if r.low]
    if report.rate_limits or report.retry_after:
        detail = ", ".join(f"{r.source} {r.name}: {r.remaining}/{r.limit} left" for r in report.rate_limits[:4])
        if report.retry_after:
            detail = (detail + "; " if detail else "") + f"Retry-After {report.retry_after}"
        report.checks.append(
            CheckResult(
                name="rate-limit headers",
                group=Group.rate_limits,
                status=CheckStatus.warning if low or report.retry_after else CheckStatus.ok,
                detail=detail + (" (low: " + ", ".join(r.name for r in low) + ")" if low else ""),
            )
        )
    else:
        report.checks.append(
            CheckResult(
                name="rate-limit headers",
                group=Group.rate_limits,
                status=CheckStatus.skipped,
                detail="the responses carried no rate-limit headers",
            )
        )
    extra = plan.after_probes(exchanges)
    report.cache = cache_headers(headers) if any(c.group is Group.cache for c in extra) else {}
    report.checks.extend(extra)


def _connectivity(target: Target, exchanges: list[Exchange], catalog: Catalog, route: str | None) -> CheckResult:
    answered = [e for e in exchanges if e.status is not None and e.transport_error is None]
    where = f"{target.host}:{target.port}" + (f" via {target.connect_address}" if target.connect_address else "")
    if route and route.startswith("proxy "):
        where += f" through the {route}"
    if answered:
        fastest = min(e.latency_ms or 0.0 for e in answered)
        tls = "TLS" if target.scheme == "https" else "plain http"
        return CheckResult(
            name="connection",
            group=Group.connectivity,
            status=CheckStatus.ok,
            detail=f"{where} answered over {tls} in {fastest:.0f} ms",
        )
    failed = next((e for e in exchanges if e.transport_error), None)
    if failed is None:
        return CheckResult(name="connection", group=Group.connectivity, status=CheckStatus.skipped, detail="no probes")
    findings = diagnose(observation_of(failed, target), catalog)[:1]
    return CheckResult(
        name="connection",
        group=Group.connectivity,
        status=CheckStatus.error,
        detail=f"{where}: {failed.error}",
        findings=findings,
        inconclusive=failed.transport_error not in _PERMANENT_TRANSPORT,
    )


def _probe_check(exchange: Exchange, target: Target, group: Group, catalog: Catalog) -> tuple[CheckResult, ProbeRecord]:
    spec = exchange.spec
    record = ProbeRecord(
        name=spec.name,
        endpoint=spec.endpoint,
        method=spec.method,
        url=exchange.url,
        status=exchange.status,
        latency_ms=exchange.latency_ms,
        retried=exchange.retried,
        error=exchange.error,
        proves=spec.proves,
        request_headers=spec.header_names,
        response_headers=exchange.headers,
        body_excerpt=mask_text(exchange.body)[:2000],  # masked before the cut, which could halve a token
        truncated=exchange.truncated,
    )
    notes = ("; " + "; ".join(exchange.notes)) if exchange.notes else ""
    if exchange.status is None or exchange.transport_error is not None:
        # The finding rides on the probe too: when other probes answered, the connectivity check is ok and
        # would not carry it (a body that trickles past the deadline). Findings are deduplicated by rule.
        return (
            CheckResult(
                name=spec.name,
                group=group,
                status=CheckStatus.skipped if exchange.transport_error in _PERMANENT_TRANSPORT else CheckStatus.error,
                detail=(exchange.error or "no answer") + notes,
                findings=diagnose(observation_of(exchange, target), catalog)[:1] if exchange.transport_error else [],
                inconclusive=True,
            ),
            record,
        )
    observation = observation_of(exchange, target)
    findings = diagnose(observation, catalog)
    top = findings[0]
    latency = f" in {exchange.latency_ms:.0f} ms" if exchange.latency_ms is not None else ""
    truncated = " (body larger than 1 MiB: read the first 1 MiB)" if exchange.truncated else ""
    if _as_expected(spec, exchange.status, top, exchange.body):
        info = [f for f in findings if f.severity is Severity.info and f.category.value == "cache"]
        return (
            CheckResult(
                name=spec.name,
                group=group,
                status=CheckStatus.ok,
                detail=f"{exchange.status}{latency}: {spec.proves}{truncated}{notes}",
                findings=info[:1],
            ),
            record,
        )
    if spec.kind == "reject" and 200 <= exchange.status < 300:
        return (
            CheckResult(
                name=spec.name,
                group=group,
                status=CheckStatus.warning,
                detail=f"{exchange.status}{latency}: the gateway accepted a model that cannot exist "
                f"({spec.model}); this probe proves only that the endpoint answers",
            ),
            record,
        )
    # The probe did not get the answer that proves its point: a failure whatever the catalog thinks of the
    # body, except a transient answer (shown as a warning, and inconclusive by the verdict's rules).
    status = CheckStatus.warning if top.transient and top.severity is Severity.warning else CheckStatus.error
    return (
        CheckResult(
            name=spec.name,
            group=group,
            status=status,
            detail=f"{exchange.status}{latency}: {top.title}{truncated}{notes}",
            findings=[top],
            inconclusive=top.rule.startswith("fallback.") and top.transient,
        ),
        record,
    )


# A reasoning model refuses a one-token budget: the request reached the model, so the path works.
_TOKEN_BUDGET_REFUSAL = re.compile(r"(?i)max_(?:completion_|output_)?tokens|output limit|token limit was reached")


def _as_expected(spec: ProbeSpec, status: int, top: Finding, body: str = "") -> bool:
    if spec.kind == "invoke" and status == 400 and _TOKEN_BUDGET_REFUSAL.search(body[:4096]):
        return True
    if spec.kind in ("list", "invoke"):
        return 200 <= status < 300
    return status in (400, 404) and top.category.value == "model"


def _collect_findings(checks: list[CheckResult]) -> list[Finding]:
    seen: dict[str, Finding] = {}
    for check in checks:
        for finding in check.findings:
            seen.setdefault(finding.rule, finding)
    order = {Severity.error: 0, Severity.warning: 1, Severity.info: 2}
    return sorted(seen.values(), key=lambda f: order[f.severity])
