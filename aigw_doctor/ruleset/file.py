"""Read one rule file: YAML safe loading, then pydantic validation, with every error mapped to a file and
line. Heavy (yaml, pydantic): imported only when the compiled catalog cache cannot be used."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from aigw_doctor.model import Rule, RuleFile
from aigw_doctor.ruleset.errors import RuleError, RuleSource, read_rule_file

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CONDITION_LISTS = ("body", "headers")


@lru_cache(maxsize=1)
def _validator() -> TypeAdapter[RuleFile]:
    return TypeAdapter(RuleFile)


def _rename_in(conditions: Any) -> None:
    """Rule files write the membership test `in:`, a Python keyword; the model calls it `one_of`."""
    if not isinstance(conditions, dict):
        return
    for key in _CONDITION_LISTS:
        for test in conditions.get(key) or []:
            if isinstance(test, dict) and "in" in test and "one_of" not in test:
                test["one_of"] = test.pop("in")
    for group in conditions.get("any") or []:
        _rename_in(group)


def _prepare(data: Any) -> Any:
    if isinstance(data, dict):
        for rule in data.get("rules") or []:
            if isinstance(rule, dict):
                _rename_in(rule.get("match"))
    return data


MAX_NUMBER_DIGITS = 30


def load_rule_file(path: Path, content: bytes | None = None) -> list[tuple[Rule, RuleSource]]:
    try:
        text = (read_rule_file(path) if content is None else content).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RuleError(path, None, f"cannot read rule file: {exc}") from None
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                raise RuleError(path, None, "empty rule file (expected a mapping with a 'rules:' list)")
            _reject_duplicate_keys(path, node)
            _reject_unsafe_regexes(path, node)
            try:
                data = loader.construct_document(node)
            except ValueError as exc:  # e.g. a number past Python's digit limit: the walk above names its line
                raise RuleError(path, None, f"a value cannot be read: {exc}") from None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise RuleError(path, line, f"invalid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise RuleError(path, None, f"invalid YAML: {exc}") from None
    try:
        parsed = _validator().validate_python(_prepare(data))
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
    """Duplicate keys (YAML would keep the last one silently), and numbers too long to be meant."""
    for child in _walk(node, path):
        if (
            isinstance(child, yaml.ScalarNode)
            and child.tag == "tag:yaml.org,2002:int"
            and len(child.value) > MAX_NUMBER_DIGITS
        ):
            raise RuleError(
                path,
                child.start_mark.line + 1,
                f"a number of {len(child.value):,} digits (at most {MAX_NUMBER_DIGITS})",
            )
        if isinstance(child, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, _ in child.value:
                if isinstance(key_node, yaml.ScalarNode):
                    if key_node.value in seen:
                        raise RuleError(path, key_node.start_mark.line + 1, f"duplicate key {key_node.value!r}")
                    seen.add(key_node.value)


def _reject_unsafe_regexes(path: Path, node: yaml.Node) -> None:
    """A regex prone to catastrophic backtracking could hang the tool on a hostile body: refused at load."""
    from aigw_doctor.ruleset.lint import lint_regex

    for child in _walk(node, path):
        if isinstance(child, yaml.MappingNode):
            for key_node, value_node in child.value:
                if key_node.value == "regex" and isinstance(value_node, yaml.ScalarNode):
                    reason = lint_regex(str(value_node.value))
                    if reason:
                        raise RuleError(
                            path,
                            value_node.start_mark.line + 1,
                            f"regex {value_node.value!r} is prone to catastrophic backtracking ({reason}); "
                            "rewrite it so that each repetition can match in only one way",
                        )


# YAML aliases share nodes, so a small file can expand into billions of them ("billion laughs"); every walk
# over the expanded tree stops here. The largest shipped rule file has a few hundred nodes.
MAX_RULE_FILE_NODES = 100_000


def _walk(node: yaml.Node, path: Path) -> Iterator[yaml.Node]:
    stack = [node]
    seen = 0
    while stack:
        current = stack.pop()
        seen += 1
        if seen > MAX_RULE_FILE_NODES:
            raise RuleError(
                path,
                current.start_mark.line + 1,
                f"the rule file holds more than {MAX_RULE_FILE_NODES:,} values (split it into several files, or "
                "check for YAML aliases that expand)",
            )
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
    if error.get("type") in ("extra_forbidden", "unexpected_keyword_argument"):
        return "unknown key (check the spelling; see rules/README.md for the format)"
    return message.removeprefix("Value error, ")
