"""Find, load and validate rule files. A bad rule fails here, at load time, naming its file and line."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from aigw_doctor.model import Rule, RuleFile

RULES_ENV_VAR = "AIGW_DOCTOR_RULES"
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class RuleError(Exception):
    """A rule file that cannot be used. `str()` is a one-line `file:line: what is wrong`."""

    def __init__(self, path: Path | str, line: int | None, message: str) -> None:
        self.path = Path(path)
        self.line = line
        self.message = message
        where = f"{self.path}:{line}" if line else str(self.path)
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class RuleSource:
    path: Path
    line: int


@dataclass
class Catalog:
    rules: list[Rule] = field(default_factory=list)
    sources: dict[str, RuleSource] = field(default_factory=dict)

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

    def ids(self) -> list[str]:
        return [rule.id for rule in self.rules]


def shipped_rules_dir() -> Path:
    """The catalog inside an installed wheel, or the top-level `rules/` of a source checkout."""
    package_dir = Path(__file__).resolve().parent
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
    """Load the shipped catalog, then each user pack; a user rule with a shipped rule's id replaces it."""
    catalog = Catalog()
    packs: list[Path] = ([shipped_rules_dir()] if include_shipped else []) + list(extra)
    for index, pack in enumerate(packs):
        overriding = include_shipped and index > 0
        pack_rules: dict[str, tuple[Rule, RuleSource]] = {}
        for path in rule_files(pack):
            for rule, source in load_rule_file(path):
                if rule.id in pack_rules:
                    first = pack_rules[rule.id][1]
                    raise RuleError(
                        path, source.line, f"duplicate rule id {rule.id!r} (first defined at {first.path}:{first.line})"
                    )
                if not overriding and rule.id in catalog.sources:
                    first = catalog.sources[rule.id]
                    raise RuleError(
                        path, source.line, f"duplicate rule id {rule.id!r} (first defined at {first.path}:{first.line})"
                    )
                pack_rules[rule.id] = (rule, source)
        for rule_id, (rule, source) in pack_rules.items():
            if rule_id in catalog.sources:
                catalog.rules = [r for r in catalog.rules if r.id != rule_id]
            catalog.rules.append(rule)
            catalog.sources[rule_id] = source
    return catalog


def load_rule_file(path: Path) -> list[tuple[Rule, RuleSource]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(path, None, f"cannot read rule file: {exc}") from exc
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                raise RuleError(path, None, "empty rule file (expected a mapping with a 'rules:' list)")
            _reject_duplicate_keys(path, node)
            data = loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise RuleError(path, line, f"invalid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise RuleError(path, None, f"invalid YAML: {exc}") from None
    try:
        parsed = RuleFile.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        location = tuple(error["loc"])
        line = _line_of(node, location)
        extra = f" (and {exc.error_count() - 1} more problems)" if exc.error_count() > 1 else ""
        raise RuleError(path, line, f"{_format_location(location)}: {_clean_message(error)}{extra}") from None
    rule_nodes = _rule_nodes(node)
    return [
        (rule, RuleSource(path, rule_nodes[i].start_mark.line + 1 if i < len(rule_nodes) else 1))
        for i, rule in enumerate(parsed.rules)
    ]


def _rule_nodes(root: yaml.Node) -> list[yaml.Node]:
    rules = _child(root, "rules")
    return list(rules.value) if isinstance(rules, yaml.SequenceNode) else []


def _child(node: yaml.Node, key: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == str(key):
                return value_node  # type: ignore[no-any-return]
    elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
        return node.value[key]  # type: ignore[no-any-return]
    return None


def _line_of(root: yaml.Node, location: Iterable[Any]) -> int:
    """The line of the deepest YAML node on the path pydantic reported (its loc may name union branches)."""
    node = root
    line: int = root.start_mark.line + 1
    for part in location:
        child = _child(node, part)
        if child is None:
            if isinstance(node, yaml.MappingNode):
                # An unknown key: point at the key itself rather than at its parent.
                for key_node, _ in node.value:
                    if key_node.value == str(part):
                        return int(key_node.start_mark.line) + 1
            continue
        node = child
        line = node.start_mark.line + 1
    return line


def _reject_duplicate_keys(path: Path, node: yaml.Node) -> None:
    for child in _walk(node):
        if isinstance(child, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, _ in child.value:
                if isinstance(key_node, yaml.ScalarNode):
                    if key_node.value in seen:
                        raise RuleError(path, key_node.start_mark.line + 1, f"duplicate key {key_node.value!r}")
                    seen.add(key_node.value)


def _walk(node: yaml.Node) -> Iterator[yaml.Node]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, yaml.MappingNode):
            stack.extend(value for _, value in current.value)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)


def _format_location(location: tuple[Any, ...]) -> str:
    text = ""
    for part in location:
        if isinstance(part, int):
            text += f"[{part}]"
        elif "-" in str(part) or "[" in str(part) or part in {"str", "int", "bool", "float"}:
            continue  # pydantic's names for union branches and constrained types add noise, not information
        else:
            text += f".{part}" if text else str(part)
    return text or "(file)"


def _clean_message(error: Any) -> str:
    message = str(error.get("msg", "invalid"))
    if error.get("type") == "extra_forbidden":
        return "unknown key (check the spelling; see rules/README.md for the format)"
    return message.removeprefix("Value error, ")
