"""JSON output: one object on stdout, nothing else. Masked like every other format."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from aigw_doctor.redact import mask_text


def to_json(data: BaseModel | dict[str, Any], *, exclude: set[str] | None = None) -> str:
    payload = data.model_dump(mode="json", exclude=exclude) if isinstance(data, BaseModel) else data
    return mask_text(json.dumps(payload, indent=2, ensure_ascii=False))
