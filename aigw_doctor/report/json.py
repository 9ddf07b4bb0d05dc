"""JSON output: one object on stdout, nothing else. The report reaching it is already masked."""

from __future__ import annotations

import json
import re
from typing import Any

from aigw_doctor.plain import plain

# json.dumps escapes C0 controls but leaves DEL and the C1 range (terminal controls too) raw.
_RAW_CONTROLS = re.compile("[\x7f-\x9f]")


def to_json(data: Any) -> str:
    text = json.dumps(plain(data), indent=2, ensure_ascii=False)
    return _RAW_CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def render(report: object, verbosity: int = 0) -> str:
    return to_json(report)
