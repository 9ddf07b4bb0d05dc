"""The data model shared by every command: observations in, findings and reports out.

Plain standard-library dataclasses, so that `explain` starts without importing pydantic. pydantic still
validates rule files (catalog.py) and generates JSON schemas: it understands these dataclasses, their
`annotated_types` constraints, their `__pydantic_config__` and the checks in their `__post_init__`.
Nothing in this module prints or does I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Annotated, Any, Literal

import annotated_types as at

REPORT_SCHEMA_VERSION = 2  # 2: findings carry `confidence` and `layer` (added fields need no new version)
_FORBID_EXTRA = {"extra": "forbid"}


class Category(str, Enum):
    """The fixed list of diagnosis categories; CI users filter on these names."""

    credential = "credential"
    permission = "permission"
    routing = "routing"
    model = "model"
    request = "request"
    rate_limit = "rate-limit"
    quota = "quota"
    upstream = "upstream"
    timeout = "timeout"
    cache = "cache"
    configuration = "configuration"
    unknown = "unknown"


class Severity(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"


# Who a rule belongs to: a registered gateway (its rules only fire on that gateway's responses), one of
# these providers (their envelopes look the same through any gateway), or `any`.
PROVIDER_RULE_OWNERS: tuple[str, ...] = ("openai", "anthropic", "gemini", "databricks")


def rule_owners() -> tuple[str, ...]:
    """Every value a rule's `gateway:` may take: the registered gateways, the providers and `any`."""
    from aigw_doctor import gateways

    return (*gateways.names(), *PROVIDER_RULE_OWNERS, "any")


# --------------------------------------------------------------------------- observations


@dataclass
class RequestContext:
    """What was sent, as far as it is known. Header *names* only: values may be secrets."""

    method: str | None = None
    url: str | None = None
    host: str | None = None
    path: str | None = None
    model: str | None = None
    header_names: list[str] = field(default_factory=list)


@dataclass
class Observation:
    """One exchange as seen: the request context, the response and facts derived from both."""

    gateway: str | None = None
    request: RequestContext = field(default_factory=RequestContext)
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    # False when the input could not show headers (a pasted body, SDK text): then a header's absence proves
    # nothing, and rules that require one to be absent must not match.
    headers_known: bool = True
    body: str = ""
    elapsed_ms: float | None = None
    transport_error: str | None = None
    facts: dict[str, str] = field(default_factory=dict)
    assumptions: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if any(name != name.lower() for name in self.headers):
            self.headers = {name.lower(): value for name, value in self.headers.items()}

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


# --------------------------------------------------------------------------- rules
# Rule files are validated by pydantic against these classes (catalog.py); unknown keys are errors, so a
# typo cannot silently disable a rule.

StatusCode = Annotated[int, at.Ge(100), at.Le(599)]
Confidence = Literal["exact", "likely"]
FindingConfidence = Literal["exact", "likely", "unknown"]
NonEmpty = Annotated[str, at.MinLen(1)]
VALUE_TESTS = ("equals", "contains", "prefix", "regex", "excludes", "one_of", "present")


@dataclass(frozen=True)
class ValueTest:
    """Exactly one test of a value. String tests ignore case; `equals` on numbers compares values.

    In rule files the `one_of` test is written `in:`.
    """

    __pydantic_config__ = _FORBID_EXTRA

    equals: str | int | bool | None = None
    contains: str | None = None
    prefix: str | None = None
    regex: str | None = None
    excludes: str | None = None  # the value is present and does not contain this text
    one_of: list[str | int] | None = None
    present: bool | None = None

    def __post_init__(self) -> None:
        tests = [name for name in VALUE_TESTS if getattr(self, name) is not None]
        if len(tests) != 1:
            shown = ", ".join("in" if t == "one_of" else t for t in tests)
            got = f" (got {shown})" if tests else ""
            raise ValueError(f"give exactly one of equals, contains, prefix, regex, excludes, in, present{got}")
        if self.regex is not None:
            from aigw_doctor.safe_regex import compile_rule_regex

            compile_rule_regex(self.regex)  # RegexError is a ValueError: pydantic reports it with its place

    def describe(self) -> str:
        if self.present is not None:
            return "is present" if self.present else "is absent"
        if self.one_of is not None:
            return "in " + ", ".join(str(v) for v in self.one_of)
        if self.excludes is not None:
            return f"does not contain {self.excludes!r}"
        for name in ("equals", "contains", "prefix", "regex"):
            value = getattr(self, name)
            if value is not None:
                return f"{name} {value!r}"
        return "?"


@dataclass(frozen=True)
class BodyCondition(ValueTest):
    """A test on the response body.

    `field` is a dotted path into the JSON body (`error.message`, `error.0.code`); a list met on the
    way is searched element by element. The pseudo-fields `$message`, `$code` and `$type` find the
    error message, code and type in any known envelope (OpenAI, Anthropic, Gemini, Databricks/Neon
    flat, Cloudflare AiGatewayError). Without `field` the test applies to the raw body text.
    """

    field: str | None = None


@dataclass(frozen=True)
class HeaderCondition(ValueTest):
    """A test on a response header; names are case-insensitive."""

    name: NonEmpty = ""

    def __post_init__(self) -> None:
        if not self.name:
            raise ValueError("a header condition needs `name`")
        object.__setattr__(self, "name", self.name.lower())
        super().__post_init__()


@dataclass(frozen=True)
class Conditions:
    """All of these must hold. `any` holds when at least one of its groups holds."""

    __pydantic_config__ = _FORBID_EXTRA

    status: StatusCode | list[StatusCode] | None = None
    body: list[BodyCondition] = field(default_factory=list)
    headers: list[HeaderCondition] = field(default_factory=list)
    facts: dict[str, str | list[str]] = field(default_factory=dict)
    any: list[Conditions] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.status is None and not self.body and not self.headers and not self.facts and not self.any:
            raise ValueError("a match block needs at least one condition")

    def statuses(self) -> list[int]:
        """Every status this block can match (own or in its `any` groups)."""
        own: list[int] = (
            [] if self.status is None else [self.status] if isinstance(self.status, int) else list(self.status)
        )
        nested = [code for group in self.any for code in group.statuses()]
        return sorted(set(own + nested))


@dataclass(frozen=True)
class Example:
    """A response a rule must (or must not) diagnose. `raw` is a whole HTTP response as curl -i prints it."""

    __pydantic_config__ = _FORBID_EXTRA

    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: str | dict[str, Any] | list[Any] | None = None
    raw: str | None = None
    facts: dict[str, str] = field(default_factory=dict)
    gateway: str | None = None


@dataclass(frozen=True)
class Examples:
    __pydantic_config__ = _FORBID_EXTRA

    match: Annotated[list[Example], at.MinLen(1)]
    no_match: Annotated[list[Example], at.MinLen(1)]


RuleId = Annotated[str, at.Predicate(lambda s: re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+){2,}", s) is not None)]


@dataclass(frozen=True)
class Rule:
    __pydantic_config__ = _FORBID_EXTRA

    id: RuleId
    gateway: NonEmpty
    category: Category
    title: NonEmpty
    match: Conditions
    cause: NonEmpty
    fix: NonEmpty
    docs: NonEmpty
    examples: Examples
    aliases: list[str] = field(default_factory=list)
    severity: Severity = Severity.error
    transient: bool = False
    priority: int = 0
    commands: list[str] = field(default_factory=list)
    # `exact`: this documented error, told by its own message or code. `likely`: a generic reading of an
    # envelope's machine-readable fields, of message wording or of the status and headers; ranked below every
    # exact rule whatever its score.
    confidence: Confidence = "exact"
    # A user pack replaces a shipped rule only when it says so; the report then marks the finding.
    override: bool = False

    def __post_init__(self) -> None:
        if self.gateway not in rule_owners():
            raise ValueError(f"gateway must be one of {', '.join(rule_owners())}, not {self.gateway!r}")
        for name in ("title", "cause", "fix", "docs"):
            value = getattr(self, name)
            if not value.strip():
                raise ValueError(f"{name} must not be empty")
            object.__setattr__(self, name, value.strip())


@dataclass(frozen=True)
class RuleFile:
    __pydantic_config__ = _FORBID_EXTRA

    rules: Annotated[list[Rule], at.MinLen(1)]


# --------------------------------------------------------------------------- findings and reports


@dataclass
class Finding:
    """One diagnosis: what is wrong, why, and what to do. `evidence` is already masked."""

    rule: str
    category: Category
    severity: Severity
    transient: bool
    title: str
    cause: str
    fix: str
    commands: list[str] = field(default_factory=list)
    docs: str | None = None
    evidence: list[str] = field(default_factory=list)
    retry_after: str | None = None
    # How sure the diagnosis is: `exact` (a documented error matched on body evidence), `likely` (generic
    # envelope fields, wording, or status and headers), `unknown` (no rule matched: generic advice).
    confidence: FindingConfidence = "exact"
    # Who produced the response: gateway, provider, edge, proxy, network or client, with the evidence.
    layer: str | None = None
    layer_evidence: str | None = None
    # Where the rule came from: "shipped", or the pack's file and line (and whether it replaced a shipped rule).
    rule_source: str = "shipped"


@dataclass(kw_only=True)
class Settled:
    """What every report ends with, whichever command made it: the one-line verdict, the `--fail-on` in force
    and the exit code. The core computes all three once (`aigw_doctor.verdict`); renderers and the CLI only
    read them."""

    verdict: str = ""
    fail_on: str = "error"
    exit_code: int = 0


@dataclass
class Report(Settled):
    """What a command found: the findings best first, plus what it assumed about its input."""

    schema_version: int = REPORT_SCHEMA_VERSION
    findings: list[Finding] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
