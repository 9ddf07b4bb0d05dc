"""Reports and rules as JSON-ready values: what the JSON format, the schema and the rule cache share."""

from __future__ import annotations

import dataclasses
from enum import Enum
from typing import Any


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
