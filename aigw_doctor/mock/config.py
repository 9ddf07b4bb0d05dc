"""The emulator's world: branches, credentials, regions, models (Neon); gateways, tokens, keys (Cloudflare).

Built-in defaults make a complete demo; `--config FILE` replaces any part of them with YAML such as::

    neon:
      branches:
        - {id: br-winter-pond-aptw82ef, name: main}
        - {id: br-quiet-river-a1b2c3d4, name: dev, parent: br-winter-pond-aptw82ef}
      credentials:
        - {token: nt_live_..., branch: br-winter-pond-aptw82ef, scopes: [ai_gateway:invoke]}
      disabled_models: [gpt-5-5-pro]
    cloudflare:
      gateways:
        - {id: demo-gateway, authenticated: true, tokens: [cfat_...], byok: {anthropic: [default]}}

The demo secrets are fake, stable and documented: they exist so a user can try every behaviour at once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from aigw_doctor.gateways import cloudflare as cf
from aigw_doctor.gateways import neon

MAIN_BRANCH = "br-winter-pond-aptw82ef"
DEV_BRANCH = "br-quiet-river-a1b2c3d4"
STAGING_BRANCH = "br-bold-sun-e5f6a7b8"

NEON_TOKEN_FULL = "nt_live_aigwdemo_fullscope_7f3c9a1e5b2d4f60"
NEON_TOKEN_NO_SCOPE = "nt_live_aigwdemo_noscope_2b8e6d4a0c9f1e37"
NEON_TOKEN_OTHER_BRANCH = "nt_live_aigwdemo_staging_5d1a7c3e9b0f2468"
NEON_TOKEN_REVOKED = "nt_live_aigwdemo_revoked_9e0b3f6a2c8d1e45"

CF_ACCOUNT_ID = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
CF_GATEWAY = "demo-gateway"
CF_OPEN_GATEWAY = "open-gateway"
CF_GATEWAY_TOKEN = "cfat_aigwdemo_gateway_run_token_3c5e7a9b1d2f"
CF_OPENAI_KEY = "sk-proj-aigwdemo0openai0key0000000000000001"
CF_ANTHROPIC_KEY = "sk-ant-api03-aigwdemo0anthropic0key00000001"
CF_GOOGLE_KEY = "AIzaSyAigwDemoGoogleAiStudioKey00000001"


class ConfigError(ValueError):
    """A config file that cannot be used; the message says where and why."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Branch(_Model):
    id: str
    name: str = ""
    parent: str | None = None


class Credential(_Model):
    token: str
    branch: str
    scopes: list[str] = Field(default_factory=lambda: [neon.REQUIRED_SCOPE])
    revoked: bool = False
    label: str = ""


class NeonConfig(_Model):
    trusted_suffix: str = neon.TRUSTED_SUFFIX
    regions: list[str] = Field(default_factory=lambda: list(neon.GATEWAY_REGIONS))
    branches: list[Branch] = Field(
        default_factory=lambda: [
            Branch(id=MAIN_BRANCH, name="main"),
            Branch(id=DEV_BRANCH, name="dev", parent=MAIN_BRANCH),
            Branch(id=STAGING_BRANCH, name="staging", parent=MAIN_BRANCH),
        ]
    )
    credentials: list[Credential] = Field(
        default_factory=lambda: [
            Credential(token=NEON_TOKEN_FULL, branch=MAIN_BRANCH, label="full scope, main branch"),
            Credential(token=NEON_TOKEN_NO_SCOPE, branch=MAIN_BRANCH, scopes=[], label="no ai_gateway:invoke"),
            Credential(token=NEON_TOKEN_OTHER_BRANCH, branch=STAGING_BRANCH, label="bound to staging"),
            Credential(token=NEON_TOKEN_REVOKED, branch=MAIN_BRANCH, revoked=True, label="revoked"),
        ]
    )
    # `enabled: false` in /v1/models and 403 `model requires a verified account` when called.
    disabled_models: list[str] = Field(default_factory=lambda: ["gpt-5-5-pro"])
    default_branch: str = MAIN_BRANCH
    default_region: str = "us-east-2"

    @field_validator("trusted_suffix")
    @classmethod
    def _dot(cls, value: str) -> str:
        value = value.strip().lower()
        return value if value.startswith(".") else f".{value}"

    @model_validator(mode="after")
    def _consistent(self) -> NeonConfig:
        ids = {b.id for b in self.branches}
        for branch in self.branches:
            if branch.parent is not None and branch.parent not in ids:
                raise ValueError(f"branch {branch.id!r} names an unknown parent {branch.parent!r}")
        for cred in self.credentials:
            if cred.branch not in ids:
                raise ValueError(f"a credential names an unknown branch {cred.branch!r}")
        return self

    def credential(self, token: str) -> Credential | None:
        return next((c for c in self.credentials if c.token == token), None)

    def is_ancestor_or_self(self, ancestor: str, branch: str) -> bool:
        """The lineage rule: a credential works on its own branch and every descendant."""
        parents = {b.id: b.parent for b in self.branches}
        current: str | None = branch
        seen: set[str] = set()
        while current is not None and current in parents and current not in seen:
            if current == ancestor:
                return True
            seen.add(current)
            current = parents[current]
        return False

    def host_for(self, branch: str | None = None, region: str | None = None) -> str:
        host = neon.branch_host(branch or self.default_branch, region or self.default_region)
        return host[: -len(neon.TRUSTED_SUFFIX)] + self.trusted_suffix


class CloudflareGateway(_Model):
    id: str
    authenticated: bool = False
    tokens: list[str] = Field(default_factory=list)
    byok: dict[str, list[str]] = Field(default_factory=dict)
    cache_ttl: int = 0
    credits: float = 10.0
    request_timeout_ms: int = 2000


class CloudflareConfig(_Model):
    account_id: str = CF_ACCOUNT_ID
    gateways: list[CloudflareGateway] = Field(
        default_factory=lambda: [
            CloudflareGateway(
                id=CF_GATEWAY,
                authenticated=True,
                tokens=[CF_GATEWAY_TOKEN],
                byok={"anthropic": ["default", "team-b"], "google-ai-studio": ["other-studio"]},
                cache_ttl=300,
            ),
            CloudflareGateway(id=CF_OPEN_GATEWAY),
        ]
    )
    # Keys the emulated providers accept; a provider not listed accepts any non-empty key.
    provider_keys: dict[str, list[str]] = Field(
        default_factory=lambda: {
            "openai": [CF_OPENAI_KEY],
            "anthropic": [CF_ANTHROPIC_KEY],
            "google-ai-studio": [CF_GOOGLE_KEY],
        }
    )

    @field_validator("account_id")
    @classmethod
    def _hex(cls, value: str) -> str:
        if not cf.is_account_id(value):
            raise ValueError("account_id must be 32 lowercase hex characters")
        return value

    def gateway(self, gateway_id: str) -> CloudflareGateway:
        """A configured gateway, or a fresh open one: Cloudflare creates gateways on first use."""
        found = next((g for g in self.gateways if g.id == gateway_id), None)
        return found if found is not None else CloudflareGateway(id=gateway_id)


class EmulatorConfig(_Model):
    neon: NeonConfig = Field(default_factory=NeonConfig)
    cloudflare: CloudflareConfig = Field(default_factory=CloudflareConfig)


def load_config(path: Path | None) -> EmulatorConfig:
    """Defaults, or the YAML file at `path` (parts it leaves out keep their defaults)."""
    if path is None:
        return EmulatorConfig()
    import yaml

    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    if data is None:
        return EmulatorConfig()
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the top level must be a mapping with `neon:` and/or `cloudflare:`")
    try:
        return EmulatorConfig.model_validate(data)
    except ValidationError as exc:
        details = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors(include_url=False)
        )
        raise ConfigError(f"{path}: {details}") from exc
