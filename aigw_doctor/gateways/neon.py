"""What aigw-doctor knows about the Neon AI Gateway: hosts, regions, tokens, models and endpoints.

Pure functions over plain data: no I/O, no printing, and nothing heavier than the standard library, so the
preflight checks, the rule facts and the emulator can all share one source of truth.
Sources: the Neon troubleshooting page (seed) and REFERENCE.md §1.2-1.9.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal
from urllib.parse import unquote, urlsplit

from aigw_doctor.gateways.problems import Problem, header_unsafe

if TYPE_CHECKING:
    from aigw_doctor.check.plan import CheckPlan
    from aigw_doctor.model import Observation

TRUSTED_SUFFIX = ".neon.tech"
TOKEN_PREFIX = "nt_live_"
REQUIRED_SCOPE = "ai_gateway:invoke"
DOCS = "https://neon.com/docs/ai-gateway/troubleshooting"

# --------------------------------------------------------------------------- regions

# Where the AI Gateway runs (models page 2026-09-26, prepaid-credits page, agent skill). The June docs
# named us-east-2 only, so an older deployment may serve fewer.
GATEWAY_REGIONS: tuple[str, ...] = ("us-east-2", "us-east-1", "eu-central-1", "ap-southeast-1")

# Every public AWS region, so a typo ("us-east-3") can be told apart from a real region Neon lacks.
AWS_REGIONS: frozenset[str] = frozenset(
    {
        "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "ca-west-1", "mx-central-1",
        "sa-east-1", "eu-central-1", "eu-central-2", "eu-west-1", "eu-west-2", "eu-west-3", "eu-south-1",
        "eu-south-2", "eu-north-1", "il-central-1", "me-south-1", "me-central-1", "af-south-1",
        "ap-east-1", "ap-east-2", "ap-south-1", "ap-south-2", "ap-northeast-1", "ap-northeast-2",
        "ap-northeast-3", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
        "ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "us-gov-east-1", "us-gov-west-1",
        "cn-north-1", "cn-northwest-1",
    }
)  # fmt: skip

_REGION_LABEL = re.compile(r"[a-z]{2}(?:-gov)?-[a-z]+-\d+")
_CELL_LABEL = re.compile(r"c-?\d+")
_BRANCH_LABEL = re.compile(r"(br-[a-z0-9]+(?:-[a-z0-9]+)*)-api")
_HOST_CHARS = re.compile(r"[a-z0-9.-]+")


def is_aws_region(region: str) -> bool:
    return region in AWS_REGIONS


def gateway_runs_in(region: str) -> bool:
    return region in GATEWAY_REGIONS


def neon_region_id(region: str) -> str:
    """`us-east-2` → `aws-us-east-2`, the form the Neon API and Console use."""
    return f"aws-{region}"


# --------------------------------------------------------------------------- hosts


@dataclass(frozen=True)
class NeonHost:
    """A gateway host taken apart. Fields are None when the host does not carry them.

    `matches_template` says whether the whole host fits `<branch-id>-api[.ai][.<cell>].<region>.aws<suffix>`;
    `problem` explains why not. `region` is filled whenever some label looks like a region, because the
    gateway resolves the workspace from that label alone.
    """

    host: str
    branch_id: str | None
    cell: str | None
    region: str | None
    ai_label: bool
    trusted: bool
    matches_template: bool
    problem: str | None

    @property
    def generation(self) -> Literal["current", "legacy"]:
        """`current` hosts carry the `.ai.` label (REFERENCE §1.2 generation B); older ones do not."""
        return "current" if self.ai_label else "legacy"

    @property
    def region_is_aws(self) -> bool:
        return self.region is not None and is_aws_region(self.region)

    @property
    def region_has_gateway(self) -> bool:
        return self.region is not None and gateway_runs_in(self.region)


def normalize_host(value: str) -> str:
    """Lowercase host name without scheme, credentials, port, path or trailing dot."""
    text = value.strip()
    if "://" in text:
        try:
            text = urlsplit(text).netloc
        except ValueError:
            text = text.split("://", 1)[1]
    text = text.split("/", 1)[0].rsplit("@", 1)[-1]
    if text.startswith("["):  # an IPv6 literal: keep it whole, drop the port
        return text.split("]", 1)[0].lstrip("[").lower()
    if text.count(":") == 1:
        text = text.split(":", 1)[0]
    return text.rstrip(".").lower()


def host_template(trusted_suffix: str = TRUSTED_SUFFIX) -> re.Pattern[str]:
    """The permissive host pattern of REFERENCE §1.3, for any trusted suffix (tests use their own)."""
    return re.compile(
        r"(br-[a-z0-9]+(?:-[a-z0-9]+)*)-api(\.ai)?(?:\.(c-?\d+))?\.([a-z]{2}(?:-gov)?-[a-z]+-\d+)\.aws"
        + re.escape(trusted_suffix.lower())
    )


def parse_host(value: str, trusted_suffix: str = TRUSTED_SUFFIX) -> NeonHost:
    """Take a gateway host (bare, with a port, or inside a URL) apart. Never raises."""
    host = normalize_host(value)
    suffix = trusted_suffix.lower()
    trusted = bool(host) and host.endswith(suffix) and host != suffix.lstrip(".")
    match = host_template(suffix).fullmatch(host)
    if match:
        return NeonHost(
            host=host,
            branch_id=match.group(1),
            cell=match.group(3),
            region=match.group(4),
            ai_label=match.group(2) is not None,
            trusted=True,
            matches_template=True,
            problem=None,
        )
    labels = host.split(".") if host else []
    branch = _BRANCH_LABEL.fullmatch(labels[0]) if labels else None
    region = next((label for label in labels if _REGION_LABEL.fullmatch(label)), None)
    cell = next((label for label in labels if _CELL_LABEL.fullmatch(label)), None)
    return NeonHost(
        host=host,
        branch_id=branch.group(1) if branch else None,
        cell=cell,
        region=region,
        ai_label="ai" in labels[1:],
        trusted=trusted,
        matches_template=False,
        problem=_host_problem(host, labels, trusted, branch is not None, region, suffix),
    )


def _host_problem(
    host: str, labels: list[str], trusted: bool, has_branch: bool, region: str | None, suffix: str
) -> str:
    if not host:
        return "the host is empty"
    if not _HOST_CHARS.fullmatch(host) or "" in labels:
        return f"{host!r} is not a valid host name"
    if not trusted:
        return f"the host does not end with the trusted suffix {suffix}"
    if not has_branch:
        return "the first label is not `<branch-id>-api` (a branch id starts with `br-`)"
    if region is None:
        return "the host has no AWS region label such as `us-east-2`"
    return f"the host does not follow `<branch-id>-api.ai.<cell>.<region>.aws{suffix}`"


def host_problems(value: str, trusted_suffix: str = TRUSTED_SUFFIX) -> list[Problem]:
    """Preflight findings about a gateway host, most serious first."""
    parsed = parse_host(value, trusted_suffix)
    fix_copy = "Copy the AI Gateway host from the Neon Console or API instead of building it by hand."
    problems: list[Problem] = []
    if not parsed.trusted:
        problems.append(
            Problem(
                "neon.host.untrusted-suffix",
                "routing",
                "error",
                f"{parsed.host or value!r} does not end with {trusted_suffix}; the gateway answers 403 "
                "`could not resolve workspace from host`.",
                fix_copy,
            )
        )
    if not parsed.trusted:
        pass  # the gateway stops at the suffix; nothing after it is checked
    elif parsed.region is None:
        problems.append(
            Problem(
                "neon.host.no-region",
                "routing",
                "error",
                "The host has no AWS region label; the gateway answers 400 `could not resolve workspace from host`.",
                fix_copy,
            )
        )
    elif not parsed.region_is_aws:
        problems.append(
            Problem(
                "neon.host.unknown-region",
                "routing",
                "error",
                f"{parsed.region!r} is not an AWS region.",
                fix_copy,
            )
        )
    elif not parsed.region_has_gateway:
        problems.append(
            Problem(
                "neon.host.region-without-gateway",
                "routing",
                "error",
                f"The AI Gateway does not run in {neon_region_id(parsed.region)} (it runs in "
                + ", ".join(neon_region_id(r) for r in GATEWAY_REGIONS)
                + "); the gateway answers 404 `could not resolve workspace from host`.",
                "Use a branch of a project in a region where the AI Gateway runs.",
            )
        )
    if parsed.trusted and parsed.branch_id is None:
        problems.append(
            Problem(
                "neon.host.no-branch",
                "routing",
                "error",
                "The host does not start with `<branch-id>-api` (branch ids start with `br-`).",
                fix_copy,
            )
        )
    if not problems and not parsed.matches_template:
        problems.append(
            Problem("neon.host.unusual-shape", "routing", "warning", parsed.problem or "unusual host", fix_copy)
        )
    return problems


def branch_host(branch_id: str, region: str = "us-east-2", cell: str | None = "c-2") -> str:
    """The current-generation host of a branch (for demos and the emulator; users copy theirs)."""
    middle = f".{cell}" if cell else ""
    return f"{branch_id}-api.ai{middle}.{region}.aws{TRUSTED_SUFFIX}"


# --------------------------------------------------------------------------- tokens


def clean_token(token: str) -> str:
    """What the user most likely meant: surrounding blanks, quotes and a pasted `Bearer ` removed."""
    text = token.strip().strip("\"'").strip()
    if text.lower().startswith("bearer "):
        text = text[7:].strip().strip("\"'")
    return text


def token_problems(token: str, *, prefix: str = TOKEN_PREFIX, min_length: int = 24) -> list[Problem]:
    """Shape checks on a gateway token (no network). Problems are data; the token is never echoed."""
    problems: list[Problem] = []
    if not token.strip():
        return [
            Problem(
                "neon.token.missing",
                "credential",
                "error",
                "No token was given (the variable is empty).",
                "Set NEON_AI_GATEWAY_TOKEN to the full nt_live_... credential (`neon env pull` writes it).",
            )
        ]
    if (unsafe := header_unsafe(token.strip(" \t\r\n"))) is not None:
        problems.append(
            Problem(
                "client.credential.header-not-encodable",
                "credential",
                "error",
                f"The token has a character that cannot be sent in an HTTP header: {unsafe}.",
                "Retype or re-copy the token from its source (curly quotes and no-break spaces come from documents "
                "and chat apps); SDKs fail on it with UnicodeEncodeError or an illegal-header error.",
            )
        )
    if "\n" in token or "\r" in token:
        problems.append(
            Problem(
                "neon.token.newline",
                "credential",
                "error",
                "The token contains a line break (often from `echo` into a file or a copied .env line).",
                "Remove the line break: write the file with `printf %s` and trim trailing newlines.",
            )
        )
    if token != token.strip(" \t") and "\n" not in token.strip(" \t"):
        problems.append(
            Problem(
                "neon.token.whitespace",
                "credential",
                "error",
                "The token has leading or trailing spaces.",
                "Trim the value; the gateway compares the token byte for byte.",
            )
        )
    inner = token.strip()
    if inner[:1] in "\"'" or inner[-1:] in "\"'":
        problems.append(
            Problem(
                "neon.token.quotes",
                "credential",
                "error",
                "The token is wrapped in quotes, which become part of the value.",
                "Remove the quotes (in .env files, quotes are only stripped by some loaders).",
            )
        )
    if clean_token(inner).lower() != inner.strip("\"'").strip().lower():
        problems.append(
            Problem(
                "neon.token.bearer-prefix",
                "credential",
                "error",
                "The token starts with `Bearer `; the client adds that itself, so it is sent twice.",
                "Store only the nt_live_... value, without the `Bearer ` prefix.",
            )
        )
    core = clean_token(token)
    if any(ch.isspace() for ch in core):
        problems.append(
            Problem(
                "neon.token.inner-whitespace",
                "credential",
                "error",
                "The token contains whitespace inside it.",
                "Copy the credential again in one piece.",
            )
        )
    if prefix and not core.startswith(prefix):
        problems.append(
            Problem(
                "neon.token.prefix",
                "credential",
                "error",
                f"The token does not start with `{prefix}`, so it is not a Neon credential "
                "(a Neon API key or a provider key does not work here).",
                "Create a credential with the ai_gateway:invoke scope on the branch (Console → Credentials).",
            )
        )
    if len(core) < min_length or len(core) > 1024:
        problems.append(
            Problem(
                "neon.token.length",
                "credential",
                "warning",
                f"The token is {len(core)} characters long, which looks truncated or mangled.",
                "Copy the whole credential again; it is shown only once when created.",
            )
        )
    return problems


# --------------------------------------------------------------------------- models and endpoints

Dialect = Literal[
    "chat_completions",
    "openai_responses",
    "anthropic_messages",
    "gemini_generate_content",
    "embeddings",
    "models",
]
DIALECTS: tuple[Dialect, ...] = (
    "chat_completions",
    "openai_responses",
    "anthropic_messages",
    "gemini_generate_content",
    "embeddings",
    "models",
)

CHAT: Dialect = "chat_completions"
RESPONSES: Dialect = "openai_responses"
MESSAGES: Dialect = "anthropic_messages"
GEMINI: Dialect = "gemini_generate_content"
EMBEDDINGS: Dialect = "embeddings"
MODELS: Dialect = "models"


@dataclass(frozen=True)
class ModelInfo:
    """One catalog entry. `id` is the short form; `databricks-<id>` is accepted as well."""

    id: str
    provider: str
    dialects: frozenset[Dialect]
    kind: Literal["chat", "embedding"] = "chat"


def _family(
    provider: str, dialects: tuple[Dialect, ...], ids: str, kind: Literal["chat", "embedding"] = "chat"
) -> list[ModelInfo]:
    return [ModelInfo(id=i, provider=provider, dialects=frozenset(dialects), kind=kind) for i in ids.split()]


# REFERENCE §1.6: the 2026-07-13 tables plus the later additions named on other pages.
MODEL_CATALOG: tuple[ModelInfo, ...] = tuple(
    _family(
        "anthropic",
        (CHAT, MESSAGES),
        "claude-opus-5 claude-sonnet-5 claude-fable-5 claude-fable-5-1 claude-opus-4-8 claude-opus-4-7 "
        "claude-opus-4-6 claude-opus-4-5 claude-opus-4-1 claude-sonnet-4-6 claude-sonnet-4-5 claude-sonnet-4 "
        "claude-haiku-4-5",
    )
    + _family(
        "google",
        (CHAT, GEMINI),
        "gemini-3-5-flash gemini-3-1-pro gemini-3-1-flash-lite gemini-3-pro gemini-3-flash gemini-2-5-pro "
        "gemini-2-5-flash",
    )
    + _family("google", (CHAT,), "gemma-3-12b")
    + _family("databricks", (CHAT,), "gpt-oss-120b gpt-oss-20b")
    + _family("meta", (CHAT,), "llama-4-maverick meta-llama-3-3-70b-instruct meta-llama-3-1-8b-instruct")
    + _family("alibaba", (CHAT,), "qwen3-next-80b-a3b-instruct qwen35-122b-a10b")
    + _family(
        "openai",
        (CHAT, RESPONSES),
        "gpt-5-4 gpt-5-4-mini gpt-5-4-nano gpt-5-2 gpt-5-1 gpt-5 gpt-5-mini gpt-5-nano",
    )
    + _family("openai", (RESPONSES,), "gpt-5-3-codex gpt-5-2-codex gpt-5-1-codex-max gpt-5-1-codex-mini gpt-5-5-pro")
    + _family("alibaba", (EMBEDDINGS,), "qwen3-embedding-0-6b", kind="embedding")
    + _family("databricks", (EMBEDDINGS,), "gte-large-en", kind="embedding")
)
_BY_ID: dict[str, ModelInfo] = {m.id: m for m in MODEL_CATALOG}

# Newer Claude models reject `thinking.type: "enabled"` (REFERENCE §1.5).
ADAPTIVE_THINKING_ONLY: frozenset[str] = frozenset(
    [
        "claude-opus-5",
        "claude-sonnet-5",
        "claude-fable-5",
        "claude-fable-5-1",
        "claude-opus-4-8",
        "claude-opus-4-7",
    ]
)
EMBEDDING_MAX_INPUTS = 150
EMBEDDING_DIMENSIONS = 1024
MAX_BODY_BYTES = 32 * 1024 * 1024

# One cheap, always-listed model per endpoint family, for probes and examples.
DEFAULT_PROBE_MODELS: dict[Dialect, str] = {
    CHAT: "gpt-5-mini",
    RESPONSES: "gpt-5-mini",
    MESSAGES: "claude-haiku-4-5",
    GEMINI: "gemini-2-5-flash",
    EMBEDDINGS: "qwen3-embedding-0-6b",
}


def canonical_model_id(model: str) -> str:
    """The short catalog id for `model` (drops one `databricks-` prefix when that names a catalog entry)."""
    if model not in _BY_ID and model.startswith("databricks-") and model[11:] in _BY_ID:
        return model[11:]
    return model


def lookup_model(model: str) -> ModelInfo | None:
    """The catalog entry for a short or `databricks-` prefixed id, else None. Ids are case-sensitive."""
    return _BY_ID.get(canonical_model_id(model))


@dataclass(frozen=True)
class Endpoint:
    """One gateway path. `path` may end in `{model}:{action}` (Gemini)."""

    path: str
    dialect: Dialect
    method: str
    generation: Literal["current", "legacy", "seed"]


ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("/v1/chat/completions", CHAT, "POST", "current"),
    Endpoint("/ai-gateway/mlflow/v1/chat/completions", CHAT, "POST", "legacy"),
    Endpoint("/mlflow/v1/chat/completions", CHAT, "POST", "seed"),
    Endpoint("/openai/v1/responses", RESPONSES, "POST", "current"),
    Endpoint("/ai-gateway/openai/v1/responses", RESPONSES, "POST", "legacy"),
    Endpoint("/anthropic/v1/messages", MESSAGES, "POST", "current"),
    Endpoint("/ai-gateway/anthropic/v1/messages", MESSAGES, "POST", "legacy"),
    Endpoint("/gemini/v1beta/models/{model}:{action}", GEMINI, "POST", "current"),
    Endpoint("/ai-gateway/gemini/v1beta/models/{model}:{action}", GEMINI, "POST", "legacy"),
    Endpoint("/v1/gemini/v1beta/models/{model}:{action}", GEMINI, "POST", "current"),
    Endpoint("/v1/embeddings", EMBEDDINGS, "POST", "current"),
    Endpoint("/ai-gateway/mlflow/v1/embeddings", EMBEDDINGS, "POST", "legacy"),
    Endpoint("/v1/models", MODELS, "GET", "current"),
)

# The path each dialect is best called on today (what fixes suggest).
PREFERRED_PATHS: dict[Dialect, str] = {
    CHAT: "/v1/chat/completions",
    RESPONSES: "/openai/v1/responses",
    MESSAGES: "/anthropic/v1/messages",
    GEMINI: "/gemini/v1beta/models/{model}:generateContent",
    EMBEDDINGS: "/v1/embeddings",
    MODELS: "/v1/models",
}

GEMINI_ACTIONS_SEED: frozenset[str] = frozenset({"generateContent"})
# The July and October troubleshooting pages also allow streaming (REFERENCE §1.5).
GEMINI_ACTIONS_CURRENT: frozenset[str] = frozenset({"generateContent", "streamGenerateContent"})


@dataclass(frozen=True)
class EndpointMatch:
    """A request path recognised as a gateway endpoint; `model_action` is the raw Gemini segment."""

    endpoint: Endpoint
    model_action: str | None = None

    @property
    def dialect(self) -> Dialect:
        return self.endpoint.dialect


def match_endpoint(path: str) -> EndpointMatch | None:
    """Which endpoint a request path names (query string ignored, trailing slash tolerated). Never raises."""
    clean = path.split("?", 1)[0].split("#", 1)[0]
    if len(clean) > 1:
        clean = clean.rstrip("/") or "/"
    for endpoint in ENDPOINTS:
        if "{model}" in endpoint.path:
            prefix = endpoint.path.split("{model}", 1)[0]
            if clean.startswith(prefix) and len(clean) > len(prefix):
                return EndpointMatch(endpoint, unquote(clean[len(prefix) :]))
        elif clean == endpoint.path:
            return EndpointMatch(endpoint)
    return None


def parse_gemini_segment(segment: str) -> tuple[str, str] | None:
    """`<model>:<action>` with exactly one colon and both parts non-empty, else None (404 invalid path)."""
    if "/" in segment or segment.count(":") != 1:
        return None
    model, action = segment.split(":")
    if not model or not action:
        return None
    return model, action


def endpoints_for(model: str) -> list[Dialect]:
    info = lookup_model(model)
    return [d for d in DIALECTS if info is not None and d in info.dialects]


def model_endpoint_problem(model: str, dialect: str) -> str | None:
    """None when `model` can be called on `dialect`; otherwise what is wrong and which paths would work."""
    if dialect == MODELS:
        return None
    info = lookup_model(model)
    if info is None:
        return f'unknown model "{model}": it is not in the Neon AI Gateway catalog'
    if dialect in info.dialects:
        return None
    paths = ", ".join(PREFERRED_PATHS[d] for d in DIALECTS if d in info.dialects)
    return f'model "{model}" is not available on the {dialect} endpoint; use {paths}'


def model_endpoint_problems(model: str, dialect: str) -> list[Problem]:
    """`model_endpoint_problem` in the shape of a preflight finding."""
    text = model_endpoint_problem(model, dialect)
    if text is None:
        return []
    code = "neon.model.unknown" if lookup_model(model) is None else "neon.model.wrong-endpoint"
    fix = (
        "Check the id against GET /v1/models; the short form (`claude-sonnet-4-6`) and the prefixed form "
        "(`databricks-claude-sonnet-4-6`) both work."
        if code == "neon.model.unknown"
        else "Call the model on an endpoint that serves its family."
    )
    return [Problem(code, "model", "error", text, fix)]


# --------------------------------------------------------------------------- the gateway interface

TOKEN_ENV = "NEON_AI_GATEWAY_TOKEN"
LEGACY_TOKEN_ENV = "NEON_AI_GATEWAY_KEY"
URL_ENV = "NEON_AI_GATEWAY_BASE_URL"
LEGACY_HOST_ENV = "NEON_AI_GATEWAY_HOST"


class NeonGateway:
    """The Neon AI Gateway as the registry sees it (`aigw_doctor.gateways.base.Gateway`)."""

    name = "neon"
    title = "Neon AI Gateway"
    docs = DOCS
    url_env = (URL_ENV, LEGACY_HOST_ENV)
    token_env = (TOKEN_ENV, LEGACY_TOKEN_ENV)

    def owns_host(self, host: str) -> bool:
        return host.endswith(TRUSTED_SUFFIX)

    def claims_path(self, path: str) -> bool:
        return False  # Neon's paths are the providers' own: only the host tells Neon apart

    def detect(self, observation: Observation) -> str | None:
        host = (observation.request.host or "").lower().rstrip(".")
        return f"the request host ends with {TRUSTED_SUFFIX}" if self.owns_host(host) else None

    def trusted_host(self, host: str, trusted_suffix: str) -> bool:
        suffix = trusted_suffix if trusted_suffix.startswith(".") else f".{trusted_suffix}"
        return host.endswith(suffix)

    def trusted_hosts(self, trusted_suffix: str) -> str:
        return f"*{trusted_suffix}"

    def base_path(self, path: str, source: str) -> tuple[str, list[str]]:
        if path.strip("/"):
            return "", [f"the path {path!r} in {source} was ignored: the Neon base URL is the host alone"]
        return "", []

    def request_facts(self, observation: Observation) -> dict[str, str]:
        request = observation.request
        facts: dict[str, str] = {}
        if request.host:
            parsed = parse_host(request.host)
            for key, value in (("branch_id", parsed.branch_id), ("region", parsed.region), ("cell", parsed.cell)):
                if value:
                    facts[key] = value
            facts["host_trusted"] = "yes" if parsed.trusted else "no"
        model = request.model
        if request.path:
            match = match_endpoint(request.path)
            facts["endpoint"] = match.dialect if match else "unknown"
            if model is None and match is not None and match.model_action is not None:
                segment = parse_gemini_segment(match.model_action)
                model = segment[0] if segment else None
        if model:
            info = lookup_model(model)
            facts["model_family"] = info.provider if info else "unknown"
        return facts

    def check_plan(self) -> CheckPlan:
        from aigw_doctor.gateways.neon_check import NeonCheckPlan

        return NeonCheckPlan()


GATEWAY = NeonGateway()
