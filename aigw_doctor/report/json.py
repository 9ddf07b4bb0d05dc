"""JSON output: one object on stdout, nothing else. Masked like every other format."""

from __future__ import annotations

import dataclasses
import json
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


def to_json(data: Any) -> str:
    from aigw_doctor.redact import mask_text

    # Each string is masked before serialisation: once escaped (a body holding JSON or newlines becomes
    # `{\\"api_key\\": …\\n…`), a secret no longer has the shape the masking patterns know.
    def masked(value: Any) -> Any:
        if isinstance(value, str):
            return mask_text(value)
        if isinstance(value, dict):
            return {k: masked(v) for k, v in value.items()}
        if isinstance(value, list):
            return [masked(v) for v in value]
        return value

    return mask_text(json.dumps(masked(plain(data)), indent=2, ensure_ascii=False))
