"""Reports and rules as plain values: JSON-ready data for the JSON format, the schema and the rule cache, and one
walk over every string of a report for the passes that rewrite text (masking, control-character escaping)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from enum import Enum
from typing import Any, TypeVar, cast


def plain(data: Any) -> Any:
    """Dataclasses, pydantic models, enums and paths as JSON-ready values."""
    if hasattr(data, "model_dump"):
        return data.model_dump(mode="json")
    if dataclasses.is_dataclass(data) and not isinstance(data, type):
        return {f.name: plain(getattr(data, f.name)) for f in dataclasses.fields(data) if not f.name.startswith("_")}
    if isinstance(data, Enum):
        return data.value
    if isinstance(data, dict):
        return {str(k): plain(v) for k, v in data.items()}
    if isinstance(data, (list, tuple, set, frozenset)):
        return [plain(v) for v in data]
    if isinstance(data, (str, int, float, bool)) or data is None:
        return data
    return str(data)


_Value = TypeVar("_Value")


def map_strings(value: _Value, change: Callable[[str, str | None], str]) -> _Value:
    """A copy of `value` (dataclasses, dicts, lists, tuples) with every string replaced by `change(text, key)`,
    where `key` is the dict key the string is the value of (None elsewhere). Enums are labels the code chose and
    stay as they are; the original is not modified."""
    return cast(_Value, _mapped(value, change, None))


def _mapped(value: object, change: Callable[[str, str | None], str], key: str | None) -> object:
    if isinstance(value, Enum):
        return value
    if isinstance(value, str):
        return change(value, key)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _mapped(getattr(value, f.name), change, None) for f in dataclasses.fields(value) if f.init}
        return dataclasses.replace(value, **changes)
    if isinstance(value, dict):
        return {
            _mapped(k, change, None): _mapped(item, change, k if isinstance(k, str) else None)
            for k, item in value.items()
        }
    if isinstance(value, list):
        return [_mapped(item, change, None) for item in value]
    if isinstance(value, tuple):
        return tuple(_mapped(item, change, None) for item in value)
    return value
