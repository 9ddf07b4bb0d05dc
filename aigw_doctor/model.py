"""The data model shared by every command: observations in, findings and reports out.

Everything here is plain data validated by pydantic. Nothing in this module prints or does I/O.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

REPORT_SCHEMA_VERSION = 1


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


GATEWAYS = ("neon", "cloudflare", "openai", "anthropic", "gemini", "databricks", "any")
GatewayName = Literal["neon", "cloudflare", "openai", "anthropic", "gemini", "databricks", "any"]


class Strict(BaseModel):
    """Base for rule-file models: unknown keys are errors, so typos cannot silently disable a rule."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# --------------------------------------------------------------------------- observations


class RequestContext(BaseModel):
    """What was sent, as far as it is known. Header *names* only: values may be secrets."""

    method: str | None = None
    url: str | None = None
    host: str | None = None
    path: str | None = None
    model: str | None = None
    header_names: list[str] = Field(default_factory=list)


class Observation(BaseModel):
    """One exchange as seen: the request context, the response and facts derived from both."""

    gateway: str | None = None
    request: RequestContext = Field(default_factory=RequestContext)
    status: int | None = None
    headers: dict[str, str] = Field(default_factory=dict)
    # False when the input could not show headers (a pasted body, SDK text): then a header's absence proves
    # nothing, and rules that require one to be absent must not match.
    headers_known: bool = True
    body: str = ""
    elapsed_ms: float | None = None
    transport_error: str | None = None
    facts: dict[str, str] = Field(default_factory=dict)
    assumptions: list[str] = Field(default_factory=list)

    @field_validator("headers")
    @classmethod
    def _lowercase_header_names(cls, headers: dict[str, str]) -> dict[str, str]:
        return {name.lower(): value for name, value in headers.items()}

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


# --------------------------------------------------------------------------- rules


class _ValueTest(Strict):
    """Exactly one test of a value. String tests ignore case; `equals` on numbers compares values."""

    equals: str | int | bool | None = None
    contains: str | None = None
    prefix: str | None = None
    regex: str | None = None
    one_of: list[str | int] | None = Field(default=None, alias="in")
    present: bool | None = None

    @model_validator(mode="after")
    def _exactly_one_test(self) -> _ValueTest:
        tests = [
            name
            for name in ("equals", "contains", "prefix", "regex", "one_of", "present")
            if getattr(self, name) is not None
        ]
        if len(tests) != 1:
            raise ValueError(
                "give exactly one of equals, contains, prefix, regex, in, present"
                + (f" (got {', '.join(tests)})" if tests else "")
            )
        if self.regex is not None:
            try:
                re.compile(self.regex)
            except re.error as exc:
                raise ValueError(f"bad regex {self.regex!r}: {exc}") from exc
        return self

    def describe(self) -> str:
        if self.present is not None:
            return "is present" if self.present else "is absent"
        if self.one_of is not None:
            return "in " + ", ".join(str(v) for v in self.one_of)
        for name in ("equals", "contains", "prefix", "regex"):
            value = getattr(self, name)
            if value is not None:
                return f"{name} {value!r}"
        return "?"


class BodyCondition(_ValueTest):
    """A test on the response body.

    `field` is a dotted path into the JSON body (`error.message`, `error.0.code`); a list met on the
    way is searched element by element. The pseudo-fields `$message`, `$code` and `$type` find the
    error message, code and type in any known envelope (OpenAI, Anthropic, Gemini, Databricks/Neon
    flat, Cloudflare AiGatewayError). Without `field` the test applies to the raw body text.
    """

    field: str | None = None


class HeaderCondition(_ValueTest):
    """A test on a response header; names are case-insensitive."""

    name: str

    @field_validator("name")
    @classmethod
    def _lower(cls, name: str) -> str:
        return name.lower()


StatusSpec = Annotated[int, Field(ge=100, le=599)]


class Conditions(Strict):
    """All of these must hold. `any` holds when at least one of its groups holds."""

    status: StatusSpec | list[StatusSpec] | None = None
    body: list[BodyCondition] = Field(default_factory=list)
    headers: list[HeaderCondition] = Field(default_factory=list)
    facts: dict[str, str | list[str]] = Field(default_factory=dict)
    any: list[Conditions] = Field(default_factory=list)

    def statuses(self) -> list[int]:
        """Every status this block can match (own or in its `any` groups)."""
        own: list[int] = [] if self.status is None else [self.status] if isinstance(self.status, int) else self.status
        nested = [code for group in self.any for code in group.statuses()]
        return sorted(set(own + nested))

    @model_validator(mode="after")
    def _not_empty(self) -> Conditions:
        if self.status is None and not self.body and not self.headers and not self.facts and not self.any:
            raise ValueError("a match block needs at least one condition")
        return self


class Example(Strict):
    """A response a rule must (or must not) diagnose. `raw` is a whole HTTP response as curl -i prints it."""

    status: int | None = None
    headers: dict[str, str] = Field(default_factory=dict)
    body: str | dict[str, Any] | list[Any] | None = None
    raw: str | None = None
    facts: dict[str, str] = Field(default_factory=dict)
    gateway: str | None = None


class Examples(Strict):
    match: list[Example] = Field(min_length=1)
    no_match: list[Example] = Field(min_length=1)


class Rule(Strict):
    id: Annotated[str, Field(pattern=r"^[a-z0-9-]+(\.[a-z0-9-]+){2,}$")]
    aliases: list[str] = Field(default_factory=list)
    gateway: GatewayName
    category: Category
    severity: Severity = Severity.error
    transient: bool = False
    priority: int = 0
    title: str
    match: Conditions
    cause: str
    fix: str
    commands: list[str] = Field(default_factory=list)
    docs: str
    examples: Examples

    @field_validator("title", "cause", "fix", "docs")
    @classmethod
    def _non_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value.strip()


class RuleFile(Strict):
    rules: list[Rule] = Field(min_length=1)


# --------------------------------------------------------------------------- findings and reports


class Finding(BaseModel):
    """One diagnosis: what is wrong, why, and what to do. `evidence` is already masked."""

    rule: str
    category: Category
    severity: Severity
    transient: bool
    title: str
    cause: str
    fix: str
    commands: list[str] = Field(default_factory=list)
    docs: str | None = None
    evidence: list[str] = Field(default_factory=list)
    retry_after: str | None = None


class Report(BaseModel):
    """What a command found: the findings best first, plus what it assumed about its input."""

    schema_version: int = REPORT_SCHEMA_VERSION
    findings: list[Finding] = Field(default_factory=list)
    assumptions: list[str] = Field(default_factory=list)
