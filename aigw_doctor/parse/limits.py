"""Work limits and the small patterns every input shape shares. Caps keep a pasted multi-gigabyte log
from hanging the CLI; error bodies are small.
"""

from __future__ import annotations

import re

# Work is capped so a pasted multi-gigabyte log cannot hang the CLI; error bodies are small.
MAX_INPUT_CHARS = 4 * 1024 * 1024
# A Python or JavaScript literal longer than this is not converted (ast.parse cost grows with size).
MAX_LITERAL_CHARS = 256 * 1024
# How many `{` positions are tried when looking for a body inside free text, and how many
# bracket/quote tokens the literal matcher may visit in total: both bound the worst case.
_MAX_EMBED_ATTEMPTS = 200
_LITERAL_TOKEN_BUDGET = 300_000
_MAX_LITERAL_DEPTH = 100
_MAX_UNWRAP_ROUNDS = 3
# Line-oriented loops run in Python, so they are bounded separately from the character cap.
_MAX_RESPONSES = 1_000
_MAX_HEADER_LINES = 1_000
_MAX_PREAMBLE_LINES = 200
_MAX_TRANSCRIPT_LINES = 200_000
# Regex scans for a status, a URL or a transport error look at this much of the text.
_MAX_SCAN_CHARS = 1024 * 1024

_LOWEST_STATUS, _HIGHEST_STATUS = 100, 599

_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_STATUS_LINE = re.compile(r"[ \t]*HTTP/(\d(?:\.\d)?)[ \t]+(\d{3})(?:[ \t]+([^\n]*))?")
_FENCE = re.compile(r"[ \t]*```[\w+-]*[ \t]*")


def _plausible(code: int) -> bool:
    return _LOWEST_STATUS <= code <= _HIGHEST_STATUS
