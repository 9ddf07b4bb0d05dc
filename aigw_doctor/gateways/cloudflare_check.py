"""How `check` probes the Cloudflare AI Gateway: gateway token and provider key, URL, compat and provider
paths, cache headers."""

from __future__ import annotations

from aigw_doctor.check import preflight
from aigw_doctor.check.credentials import Secret, from_environment, from_file
from aigw_doctor.check.exchange import Exchange
from aigw_doctor.check.model import CheckResult, CheckStatus, Group
from aigw_doctor.check.options import CheckOptions
from aigw_doctor.check.plan import Secrets, load_token
from aigw_doctor.check.probes import PROVIDER_KEY_ENV, ProbeSpec, cloudflare_provider, invoke_mode, plan_cloudflare
from aigw_doctor.check.ratelimits import cache_headers
from aigw_doctor.check.target import Target
from aigw_doctor.gateways import cloudflare as cf
from aigw_doctor.gateways.problems import Problem

_GROUP_OF_KIND = {"list": Group.authorization, "reject": Group.models, "invoke": Group.models}
# On loopback (the emulator, --resolve) the scheme and host checks already speak for the URL.
_LOOPBACK_EXEMPT = frozenset({"cloudflare.url.host", "cloudflare.url.scheme"})


class CloudflareCheckPlan:
    token_required = False  # only authenticated gateways need cf-aig-authorization

    def load_secrets(self, options: CheckOptions, target: Target) -> Secrets:
        token = load_token(options, "gateway token", list(cf.GATEWAY.token_env))
        provider = cloudflare_provider(target, options.url or target.base_url, options.models)
        key: Secret | None = None
        if options.byok:
            key = None
        elif options.provider_key_file:
            key = from_file(options.provider_key_file, "provider key")
        elif options.provider_key_env:
            key = from_environment([options.provider_key_env])
        else:
            key = from_environment(list(PROVIDER_KEY_ENV.get(provider, ()))) or options.fallback_provider_key
        return Secrets(token, key)

    def preflight(self, options: CheckOptions, target: Target, secrets: Secrets) -> list[CheckResult]:
        provider = cloudflare_provider(target, options.url or target.base_url, options.models)
        checks = _credential_checks(secrets, provider, options.byok, options.byok_alias)
        checks.append(preflight.scheme_check(target))
        parsed_url = cf.parse_url(target.base_url)
        detail = f"account {parsed_url.path.account_id}, gateway {parsed_url.path.gateway_id}"
        problems = [p for p in parsed_url.problems if not (target.loopback and p.code in _LOOPBACK_EXEMPT)]
        checks.append(preflight.problems_check("gateway URL", Group.host, problems, cf.GATEWAY, detail))
        checks += preflight.address_checks(target, options)
        parsed = cf.parse_url(options.url or target.base_url).path
        url_provider = parsed.provider if parsed.kind == "provider" else None
        checks += _model_checks(options.models, url_provider)
        return checks

    def probes(self, options: CheckOptions, target: Target, secrets: Secrets) -> list[ProbeSpec]:
        provider = cloudflare_provider(target, options.url or target.base_url, options.models)
        return plan_cloudflare(
            target,
            provider,
            secrets.token,
            secrets.provider_key,
            options.models,
            invoke_mode(options.invoke, options.zero_cost),
            options.byok_alias,
        )

    def probe_group(self, spec: ProbeSpec) -> Group:
        if spec.kind == "list" and spec.endpoint != "compat":
            return Group.authorization
        return _GROUP_OF_KIND[spec.kind]

    def after_probe(self, exchange: Exchange, options: CheckOptions) -> list[CheckResult]:
        return []

    def after_probes(self, exchanges: list[Exchange]) -> list[CheckResult]:
        cache = cache_headers([e.headers for e in exchanges if e.headers])
        return [
            CheckResult(
                name="cache headers",
                group=Group.cache,
                status=CheckStatus.ok if cache else CheckStatus.skipped,
                detail=", ".join(f"{k}: {v}" for k, v in cache.items()) or "no cf-aig-cache-status seen",
            )
        ]


def _token_shape(value: str) -> list[Problem]:
    problems = []
    if value != value.strip() or any(c.isspace() for c in value.strip()):
        problems.append(
            Problem(
                "cloudflare.token.whitespace",
                "credential",
                "error",
                "The gateway token contains whitespace.",
                "Copy it again in one piece.",
            )
        )
    if value.strip().lower().startswith("bearer "):
        problems.append(
            Problem(
                "cloudflare.token.bearer-prefix",
                "credential",
                "error",
                "The gateway token starts with `Bearer `, which the header adds itself.",
                "Store only the token.",
            )
        )
    return problems


def _credential_checks(secrets: Secrets, provider: str, byok: bool, byok_alias: str | None) -> list[CheckResult]:
    """The gateway token (optional: only authenticated gateways need it) and the provider key (unless the
    gateway supplies one)."""
    if secrets.token is None:
        checks = [
            CheckResult(
                name="gateway token",
                group=Group.token,
                status=CheckStatus.warning,
                detail=f"no {cf.TOKEN_ENV}: fine for an unauthenticated gateway; "
                "an authenticated one answers 401 (2009)",
            )
        ]
    else:
        checks = preflight.token_checks(
            secrets.token, cf.GATEWAY, "gateway token", f"set {cf.TOKEN_ENV}", _token_shape, "no stray characters"
        )
    if byok:
        alias = byok_alias or "default"
        key = CheckResult(
            name="provider key",
            group=Group.token,
            status=CheckStatus.ok,
            detail=f"none sent (--byok): the gateway supplies it (stored key alias {alias}, or Unified Billing)",
        )
    elif secrets.provider_key is None:
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
            detail=f"{secrets.provider_key.masked} from {secrets.provider_key.source}",
        )
    return [*checks, key]


def _model_checks(models: list[str], provider: str | None) -> list[CheckResult]:
    results: list[CheckResult] = []
    for model in models:
        if provider and cf.split_compat_model(model) is None:
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
        results.append(
            preflight.problems_check(
                f"model {model}", Group.models, cf.compat_model_problems(model), cf.GATEWAY, "provider prefix present"
            )
        )
    return results
