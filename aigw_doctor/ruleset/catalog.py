"""Find, load and validate rule files. A bad rule fails here, at load time, naming its file and line."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from aigw_doctor.model import Rule
from aigw_doctor.ruleset.errors import RuleError, RuleSource, read_rule_file

RULES_ENV_VAR = "AIGW_DOCTOR_RULES"


@dataclass
class Catalog:
    rules: list[Rule] = field(default_factory=list)
    sources: dict[str, RuleSource] = field(default_factory=dict)

    def origin(self, rule_id: str) -> str:
        """Where a rule came from, as a finding shows it: `shipped`, or a pack's file and line."""
        source = self.sources.get(rule_id)
        return source.describe() if source is not None else "shipped"

    def get(self, key: str) -> Rule | None:
        """A rule by id or alias, ignoring case."""
        matches = self.lookup(key)
        return matches[0] if matches else None

    def lookup(self, key: str) -> list[Rule]:
        """Every rule whose id or one of whose aliases is `key` (aliases may be shared, e.g. a gateway code)."""
        wanted = key.strip().casefold()
        by_id = [rule for rule in self.rules if rule.id.casefold() == wanted]
        if by_id:
            return by_id
        return [rule for rule in self.rules if any(alias.casefold() == wanted for alias in rule.aliases)]


def shipped_rules_dir() -> Path:
    """The catalog inside an installed wheel, or the top-level `rules/` of a source checkout."""
    package_dir = Path(__file__).resolve().parents[1]  # aigw_doctor/, above this package
    for candidate in (package_dir / "rules", package_dir.parent / "rules"):
        if candidate.is_dir():
            return candidate
    raise RuleError(package_dir / "rules", None, "the shipped rule catalog is missing from this installation")


def user_rule_paths(cli_paths: Sequence[Path] = ()) -> list[Path]:
    """User rule packs: `--rules` paths first, then those named by the AIGW_DOCTOR_RULES variable."""
    from_env = [Path(p) for p in os.environ.get(RULES_ENV_VAR, "").split(os.pathsep) if p.strip()]
    return [*cli_paths, *from_env]


def rule_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.suffix in {".yaml", ".yml"} and p.is_file())
    raise RuleError(path, None, "no such rule file or directory")


def load_catalog(extra: Sequence[Path] = (), *, include_shipped: bool = True) -> Catalog:
    """Load the shipped catalog, then each user pack. A pack's rule replaces a shipped rule of the same id only
    when it says `override: true` (a pack named by AIGW_DOCTOR_RULES could otherwise rewrite what a shipped
    diagnosis tells the user, silently); every finding then carries where its rule came from."""
    catalog = Catalog()
    packs: list[Path] = ([shipped_rules_dir()] if include_shipped else []) + list(extra)
    for index, pack in enumerate(packs):
        shipped = include_shipped and index == 0
        pack_rules: dict[str, tuple[Rule, RuleSource]] = {}
        for path in rule_files(pack):
            for rule, source in load_rule_file_cached(path):
                if rule.id in pack_rules:
                    first = pack_rules[rule.id][1]
                    raise RuleError(
                        path, source.line, f"duplicate rule id {rule.id!r} (first defined at {first.path}:{first.line})"
                    )
                known = catalog.sources.get(rule.id)
                if known is not None and not (known.shipped and rule.override):
                    if known.shipped:
                        raise RuleError(
                            path,
                            source.line,
                            f"rule id {rule.id!r} is a shipped rule ({known.path}:{known.line}); a pack replaces it "
                            "only with `override: true`, and the report then says so",
                        )
                    raise RuleError(
                        path, source.line, f"duplicate rule id {rule.id!r} (first defined at {known.path}:{known.line})"
                    )
                pack_rules[rule.id] = (rule, replace(source, shipped=shipped, overrides=known is not None))
        for rule_id, (rule, source) in pack_rules.items():
            if rule_id in catalog.sources:
                catalog.rules = [r for r in catalog.rules if r.id != rule_id]
            catalog.rules.append(rule)
            catalog.sources[rule_id] = source
    return catalog


def load_rule_file_cached(path: Path) -> list[tuple[Rule, RuleSource]]:
    """A rule file's rules, from the compiled cache when the file is unchanged since it was validated."""
    from aigw_doctor.ruleset import cache as rulecache

    content = read_rule_file(path)
    cached = rulecache.load(path, content)
    if cached is not None:
        return cached
    from aigw_doctor.ruleset.file import load_rule_file

    rules = load_rule_file(path, content)
    rulecache.store(path, content, rules)
    return rules
