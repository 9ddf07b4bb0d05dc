"""JSON output: one object on stdout, nothing else. The report reaching it is already masked."""

from __future__ import annotations

import json
from typing import Any

from aigw_doctor.plain import plain


def to_json(data: Any) -> str:
    return json.dumps(plain(data), indent=2, ensure_ascii=False)


def render(report: object, verbosity: int = 0) -> str:
    return to_json(report)
