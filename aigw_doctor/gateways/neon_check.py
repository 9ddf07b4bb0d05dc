"""How `check` probes the Neon AI Gateway: its token, its host, its endpoints and its model list."""

from __future__ import annotations

import json

from aigw_doctor.check import preflight
from aigw_doctor.check.exchange import Exchange
from aigw_doctor.check.model import CheckResult, CheckStatus, Group
from aigw_doctor.check.options import CheckOptions
from aigw_doctor.check.plan import Secrets, load_token
from aigw_doctor.check.probes import ProbeSpec, invoke_mode, neon_dialects, plan_neon
from aigw_doctor.check.target import Target
from aigw_doctor.gateways import neon

_GROUP_OF_KIND = {"list": Group.authorization, "reject": Group.models, "invoke": Group.models}


class NeonCheckPlan:
    token_required = True

    def load_secrets(self, options: CheckOptions, target: Target) -> Secrets:
        legacy = {neon.LEGACY_TOKEN_ENV: neon.TOKEN_ENV}
        return Secrets(load_token(options, "token", list(neon.GATEWAY.token_env), legacy))

    def preflight(self, options: CheckOptions, target: Target, secrets: Secrets) -> list[CheckResult]:
        variable = options.token_env or neon.TOKEN_ENV  # the variable the user named, when they named one
        wanted = f"set {variable} to the nt_live_... credential (or use --token-file / --token-stdin)"
        checks = preflight.token_checks(
            secrets.token, neon.GATEWAY, "token", wanted, neon.token_problems, "nt_live_ prefix, no stray characters"
        )
        checks.append(preflight.scheme_check(target))
        parsed = neon.parse_host(target.host, options.trusted_suffix)
        parts = ", ".join(
            f"{k} {v}" for k, v in (("branch", parsed.branch_id), ("cell", parsed.cell), ("region", parsed.region)) if v
        )
        checks.append(
            preflight.problems_check(
                "host format",
                Group.host,
                neon.host_problems(target.host, options.trusted_suffix),
                neon.GATEWAY,
                f"{target.host}: {parts or 'parsed'} ({parsed.generation} format)",
            )
        )
        checks += preflight.address_checks(target, options)
        dialects = neon_dialects(options.models, options.endpoints) if options.endpoints else []
        checks += _model_checks(options.models, dialects)
        return checks

    def probes(self, options: CheckOptions, target: Target, secrets: Secrets) -> list[ProbeSpec]:
        if secrets.token is None:
            return []
        mode = invoke_mode(options.invoke, options.zero_cost)
        return plan_neon(secrets.token, options.models, options.endpoints, mode)

    def probe_group(self, spec: ProbeSpec) -> Group:
        return _GROUP_OF_KIND[spec.kind]

    def after_probe(self, exchange: Exchange, options: CheckOptions) -> list[CheckResult]:
        if exchange.spec.kind == "list" and exchange.status == 200:
            return _listed_models(exchange.body, options.models)
        return []

    def after_probes(self, exchanges: list[Exchange]) -> list[CheckResult]:
        return []


def _model_checks(models: list[str], dialects: list[str]) -> list[CheckResult]:
    """Offline: is each intended model one Neon serves, and on the endpoints the user means to call?"""
    results: list[CheckResult] = []
    for model in models:
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
                preflight.problems_check(
                    f"{model} on {dialect}",
                    Group.models,
                    neon.model_endpoint_problems(model, dialect),
                    neon.GATEWAY,
                    f"{info.provider} model served by {dialect}",
                )
            )
    return results


def _listed_models(body: str, models: list[str]) -> list[CheckResult]:
    """What GET /v1/models says of each intended model: listed, and `enabled` (callable on this account)."""
    try:
        data = json.loads(body).get("data", [])
        listed = {str(m.get("id")): m for m in data if isinstance(m, dict)}
    except (ValueError, AttributeError, RecursionError):
        return [
            CheckResult(name="model list", group=Group.models, status=CheckStatus.warning, detail="unreadable body")
        ]
    enabled = sum(1 for m in listed.values() if m.get("enabled") is not False)
    results = [
        CheckResult(
            name="model list",
            group=Group.models,
            status=CheckStatus.ok,
            detail=f"{len(listed)} models listed, {enabled} enabled",
        )
    ]
    for model in models:
        entry = listed.get(model) or listed.get(neon.canonical_model_id(model))
        if entry is None:
            results.append(
                CheckResult(
                    name=f"{model} listed",
                    group=Group.models,
                    status=CheckStatus.error,
                    detail="not in GET /v1/models: the gateway will answer 400 unknown model",
                )
            )
        elif entry.get("enabled") is False:
            results.append(
                CheckResult(
                    name=f"{model} enabled",
                    group=Group.models,
                    status=CheckStatus.error,
                    detail="listed with enabled: false: not callable on this account (plan, credits or "
                    "account verification; see the Console's AI Gateway page)",
                )
            )
        else:
            results.append(
                CheckResult(
                    name=f"{model} listed", group=Group.models, status=CheckStatus.ok, detail="listed and enabled"
                )
            )
    return results
