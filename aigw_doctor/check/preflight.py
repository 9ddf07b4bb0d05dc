"""Checks that need no network: the token's shape, the host's parts, and model/endpoint choices."""

from __future__ import annotations

from collections.abc import Iterable

from aigw_doctor.check.credentials import Secret
from aigw_doctor.check.model import CheckResult, CheckStatus, Group
from aigw_doctor.check.options import CF_TOKEN_ENV, CheckOptions
from aigw_doctor.check.probes import PROVIDER_KEY_ENV
from aigw_doctor.check.target import Target, trusted_host
from aigw_doctor.gateways import cloudflare as cf
from aigw_doctor.gateways import neon
from aigw_doctor.gateways.problems import Problem
from aigw_doctor.model import Category, Finding, Severity

_DOCS = {"neon": neon.DOCS, "cloudflare": cf.DOCS}
_STATUS_OF = {"error": CheckStatus.error, "warning": CheckStatus.warning, "info": CheckStatus.ok}


def problem_finding(problem: Problem, gateway: str) -> Finding:
    """A gateway module's Problem in the same shape as a catalog finding."""
    return Finding(
        rule=problem.code,
        category=Category(problem.category),
        severity=Severity(problem.severity),
        transient=False,
        title=problem.message,
        cause=problem.message,
        fix=problem.fix,
        docs=_DOCS.get(gateway),
        evidence=["preflight (no request sent)"],
    )


def problems_check(name: str, group: Group, problems: Iterable[Problem], gateway: str, ok_detail: str) -> CheckResult:
    problems = list(problems)
    if not problems:
        return CheckResult(name=name, group=group, status=CheckStatus.ok, detail=ok_detail)
    worst = min(problems, key=lambda p: ["error", "warning", "info"].index(p.severity))
    return CheckResult(
        name=name,
        group=group,
        status=_STATUS_OF[worst.severity],
        detail="; ".join(p.message for p in problems),
        findings=[problem_finding(p, gateway) for p in problems],
    )


def token_checks(secret: Secret | None, gateway: str, what: str, wanted: str) -> list[CheckResult]:
    """The token is present and looks like a token; its masked form and source are shown, never its value."""
    name = f"{what} present"
    if secret is None:
        return [
            CheckResult(
                name=name,
                group=Group.token,
                status=CheckStatus.error,
                detail=f"no {what} found; {wanted}",
                findings=[
                    problem_finding(
                        Problem(f"{gateway}.token.missing", "credential", "error", f"No {what} was found.", wanted),
                        gateway,
                    )
                ],
            )
        ]
    results = [
        CheckResult(name=name, group=Group.token, status=CheckStatus.ok, detail=f"{secret.masked} from {secret.source}")
    ]
    if secret.note:
        results.append(
            CheckResult(name=f"{what} variable", group=Group.token, status=CheckStatus.warning, detail=secret.note)
        )
    if gateway == "neon":
        results.append(
            problems_check(
                f"{what} shape",
                Group.token,
                neon.token_problems(secret.value),
                gateway,
                "nt_live_ prefix, no stray characters",
            )
        )
    else:
        value = secret.value
        problems = []
        if value != value.strip() or any(c.isspace() for c in value.strip()):
            problems.append(
                Problem(
                    "cloudflare.token.whitespace",
                    "credential",
                    "error",
                    f"The {what} contains whitespace.",
                    "Copy it again in one piece.",
                )
            )
        if value.strip().lower().startswith("bearer "):
            problems.append(
                Problem(
                    "cloudflare.token.bearer-prefix",
                    "credential",
                    "error",
                    f"The {what} starts with `Bearer `, which the header adds itself.",
                    "Store only the token.",
                )
            )
        results.append(problems_check(f"{what} shape", Group.token, problems, gateway, "no stray characters"))
    return results


def cloudflare_credential_checks(
    token: Secret | None, provider_key: Secret | None, provider: str, byok: bool, byok_alias: str | None
) -> list[CheckResult]:
    """The gateway token (optional: only authenticated gateways need it) and the provider key (unless the
    gateway supplies one)."""
    if token is None:
        checks = [
            CheckResult(
                name="gateway token",
                group=Group.token,
                status=CheckStatus.warning,
                detail=f"no {CF_TOKEN_ENV}: fine for an unauthenticated gateway; "
                "an authenticated one answers 401 (2009)",
            )
        ]
    else:
        checks = token_checks(token, "cloudflare", "gateway token", f"set {CF_TOKEN_ENV}")
    if byok:
        alias = byok_alias or "default"
        key = CheckResult(
            name="provider key",
            group=Group.token,
            status=CheckStatus.ok,
            detail=f"none sent (--byok): the gateway supplies it (stored key alias {alias}, or Unified Billing)",
        )
    elif provider_key is None:
        names = " or ".join(PROVIDER_KEY_ENV.get(provider, ("--provider-key-env",)))
        key = CheckResult(
            name="provider key",
            group=Group.token,
            status=CheckStatus.warning,
            detail=f"no {provider} key ({names}); the gateway must hold a BYOK key or pay through Unified Billing "
            "(pass --byok to say so)",
        )
    else:
        key = CheckResult(
            name="provider key",
            group=Group.token,
            status=CheckStatus.ok,
            detail=f"{provider_key.masked} from {provider_key.source}",
        )
    return [*checks, key]


def host_checks(target: Target, options: CheckOptions) -> list[CheckResult]:
    results: list[CheckResult] = []
    if target.scheme == "https":
        scheme = CheckResult(name="scheme", group=Group.host, status=CheckStatus.ok, detail="https")
    elif target.loopback:
        scheme = CheckResult(
            name="scheme", group=Group.host, status=CheckStatus.ok, detail="http to a loopback address"
        )
    else:
        scheme = CheckResult(
            name="scheme",
            group=Group.host,
            status=CheckStatus.error,
            detail="plain http: the gateways serve https only",
        )
    results.append(scheme)
    if target.gateway == "neon":
        parsed = neon.parse_host(target.host, options.trusted_suffix)
        parts = ", ".join(
            f"{k} {v}" for k, v in (("branch", parsed.branch_id), ("cell", parsed.cell), ("region", parsed.region)) if v
        )
        results.append(
            problems_check(
                "host format",
                Group.host,
                neon.host_problems(target.host, options.trusted_suffix),
                "neon",
                f"{target.host}: {parts or 'parsed'} ({parsed.generation} format)",
            )
        )
    else:
        parsed_url = cf.parse_url(target.base_url)
        detail = f"account {parsed_url.path.account_id}, gateway {parsed_url.path.gateway_id}"
        # On loopback (the emulator, --resolve) the host and scheme checks above already speak for the URL.
        loopback_only = {"cloudflare.url.host", "cloudflare.url.scheme"}
        problems = [p for p in parsed_url.problems if not (target.loopback and p.code in loopback_only)]
        results.append(problems_check("gateway URL", Group.host, problems, "cloudflare", detail))
    if target.connect_address:
        results.append(
            CheckResult(
                name="resolve override",
                group=Group.host,
                status=CheckStatus.ok,
                detail=f"{target.host}:{target.port} → {target.connect_address} (--resolve)",
            )
        )
    if not trusted_host(target, options.trusted_suffix) and target.loopback:
        results.append(
            CheckResult(
                name="trusted host",
                group=Group.host,
                status=CheckStatus.ok,
                detail="loopback address: the credential stays on this machine",
            )
        )
    return results


def model_checks(
    target: Target, models: list[str], dialects: list[str], provider: str | None = None
) -> list[CheckResult]:
    """Offline model/endpoint compatibility for what the user intends to call."""
    results: list[CheckResult] = []
    for model in models:
        if target.gateway == "cloudflare" and provider and cf.split_compat_model(model) is None:
            # The URL names the provider: the model is called natively there, and as provider/model on /compat.
            results.append(
                CheckResult(
                    name=f"model {model}",
                    group=Group.models,
                    status=CheckStatus.ok,
                    detail=f"native on /{provider}/; on /compat/chat/completions it is {provider}/{model}",
                )
            )
            continue
        if target.gateway == "cloudflare":
            results.append(
                problems_check(
                    f"model {model}",
                    Group.models,
                    cf.compat_model_problems(model),
                    "cloudflare",
                    "provider prefix present",
                )
            )
            continue
        info = neon.lookup_model(model)
        if info is None:
            results.append(
                CheckResult(
                    name=f"model {model}",
                    group=Group.models,
                    status=CheckStatus.warning,
                    detail="not in aigw-doctor's copy of the model catalog; GET /v1/models decides",
                )
            )
            continue
        served = [d for d in neon.DIALECTS if d in info.dialects]
        for dialect in dialects or served:
            results.append(
                problems_check(
                    f"{model} on {dialect}",
                    Group.models,
                    neon.model_endpoint_problems(model, dialect),
                    "neon",
                    f"{info.provider} model served by {dialect}",
                )
            )
    return results
