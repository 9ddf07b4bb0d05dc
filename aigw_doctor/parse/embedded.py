"""Bodies inside other text: Python/JS object literals (`{'error': …}`) turned into JSON without evaluating
anything, and JSON embedded in a log line or a traceback.
"""

from __future__ import annotations

import ast
import json
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from aigw_doctor.parse.limits import _LITERAL_TOKEN_BUDGET, _MAX_EMBED_ATTEMPTS, _MAX_LITERAL_DEPTH, MAX_LITERAL_CHARS

_JS_NAMES: dict[str, Any] = {"null": None, "undefined": None, "true": True, "false": False}
_PY_NAMES: dict[str, Any] = {"None": None, "True": True, "False": False}


class _NotLiteral(Exception):
    pass


@dataclass
class _LiteralWalk:
    dialect: str = "python"

    def value(self, node: ast.expr, depth: int) -> Any:
        if depth > _MAX_LITERAL_DEPTH:
            raise _NotLiteral
        if isinstance(node, ast.Constant):
            if node.value is None or isinstance(node.value, (str, bool, int, float)):
                if isinstance(node.value, float) and node.value != node.value:
                    raise _NotLiteral
                return node.value
            raise _NotLiteral
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            operand = node.operand
            if isinstance(operand, ast.Constant) and type(operand.value) in (int, float):
                number = operand.value
                assert isinstance(number, (int, float))
                return -number if isinstance(node.op, ast.USub) else number
            raise _NotLiteral
        if isinstance(node, ast.Name):
            if node.id in _PY_NAMES:
                return _PY_NAMES[node.id]
            if node.id in _JS_NAMES:
                self.dialect = "javascript"
                return _JS_NAMES[node.id]
            raise _NotLiteral
        if isinstance(node, (ast.List, ast.Tuple)):
            return [self.value(item, depth + 1) for item in node.elts]
        if isinstance(node, ast.Dict):
            result: dict[str, Any] = {}
            for key_node, value_node in zip(node.keys, node.values, strict=True):
                if key_node is None:  # `**spread`
                    raise _NotLiteral
                result[self.key(key_node)] = self.value(value_node, depth + 1)
            return result
        raise _NotLiteral

    def key(self, node: ast.expr) -> str:
        if isinstance(node, ast.Name):
            # An unquoted key only occurs in JavaScript object literals (Node's util.inspect output).
            self.dialect = "javascript"
            return node.id
        value = self.value(node, _MAX_LITERAL_DEPTH)
        if isinstance(value, (dict, list)):
            raise _NotLiteral
        return value if isinstance(value, str) else json.dumps(value)


def literal_to_json(text: str) -> tuple[str, str] | None:
    """Convert a Python repr or JavaScript object literal of a dict/list to JSON text, without evaluating it.

    Returns (json_text, dialect) with dialect `python` or `javascript`, or None when the text is not
    such a literal. Only constants, dicts, lists and tuples are accepted (`ast` is used as a parser only).
    """
    text = text.strip()
    if not text or len(text) > MAX_LITERAL_CHARS or text[0] not in "{[(":
        return None
    walk = _LiteralWalk()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences warn on newer Pythons
            tree = ast.parse(text, mode="eval")
        value = walk.value(tree.body, 0)
        if not isinstance(value, (dict, list)):
            return None
        return json.dumps(value, ensure_ascii=False), walk.dialect
    except (_NotLiteral, SyntaxError, ValueError, TypeError, RecursionError, MemoryError, OverflowError):
        return None


_LITERAL_SPECIAL = re.compile(r"[{}\[\]()'\"\\\n]")


def _literal_end(text: str, start: int, budget: list[int]) -> int | None:
    """Index just past the bracket that closes `text[start]`, honouring Python quoting; None if unknown."""
    depth = 0
    quote = ""
    escaped_before = -1
    for match in _LITERAL_SPECIAL.finditer(text, start, min(len(text), start + MAX_LITERAL_CHARS)):
        budget[0] -= 1
        if budget[0] < 0:
            return None
        index = match.start()
        if index < escaped_before:
            continue
        char = match.group()
        if quote:
            if char == "\\":
                escaped_before = index + 2
            elif char == quote:
                quote = ""
            elif char == "\n":
                return None  # a repr string never spans lines
        elif char in "'\"":
            quote = char
        elif char in "{[(":
            depth += 1
        elif char in "}])":
            depth -= 1
            if depth == 0:
                return index + 1
    return None


_LITERAL_START = re.compile(r"\{[ \t\n]*(?:['\"}]|[A-Za-z_$])")


@dataclass(frozen=True)
class EmbeddedJson:
    """A JSON object found inside other text: its span in that text, the JSON text and where it came from."""

    start: int
    end: int
    json_text: str
    value: dict[str, Any]
    dialect: str  # "json", "python" or "javascript"


def _iter_embedded(text: str, start: int = 0) -> Iterator[EmbeddedJson]:
    decoder = json.JSONDecoder()
    budget = [_LITERAL_TOKEN_BUDGET]
    pos = text.find("{", start)
    attempts = 0
    while pos != -1 and attempts < _MAX_EMBED_ATTEMPTS:
        attempts += 1
        found: EmbeddedJson | None = None
        try:
            value, end = decoder.raw_decode(text, pos)
            if isinstance(value, dict):
                found = EmbeddedJson(pos, end, text[pos:end], value, "json")
        except (ValueError, RecursionError):
            pass
        if found is None and budget[0] > 0 and _LITERAL_START.match(text, pos):
            end_index = _literal_end(text, pos, budget)
            if end_index is not None:
                converted = literal_to_json(text[pos:end_index])
                # Unquoted keys with bare numbers are CSS or code far more often than an error body.
                plausible = converted is not None and (
                    converted[1] == "python" or any(q in text[pos:end_index] for q in "'\"")
                )
                if converted is not None and plausible:
                    value = json.loads(converted[0])
                    if isinstance(value, dict):
                        found = EmbeddedJson(pos, end_index, converted[0], value, converted[1])
        if found is not None:
            yield found
            pos = text.find("{", found.end)  # objects nested in a found one are not separate bodies
        else:
            pos = text.find("{", pos + 1)


def find_embedded_json(text: str, start: int = 0) -> EmbeddedJson | None:
    """The first balanced `{…}` at or after `start` that parses as JSON or as a Python/JS literal."""
    return next(_iter_embedded(text, start), None)


_ERRORISH_KEYS = frozenset({"error", "errors", "message", "detail", "error_code", "msg", "code"})


def _pick_embedded(text: str, anchor: int | None) -> EmbeddedJson | None:
    """Choose the body among the objects in `text`.

    With an anchor (where the status was read), the first object containing or following it wins: a
    traceback quotes source lines such as `json={"model": …}` before the exception message.
    Without one, an object with error-like keys beats a leading `{}` from a log prefix.
    """
    candidates: list[EmbeddedJson] = []
    for candidate in _iter_embedded(text):
        candidates.append(candidate)
        if anchor is not None and candidate.end > anchor:
            return candidate
        if anchor is None and _ERRORISH_KEYS & candidate.value.keys():
            return candidate
        if len(candidates) >= 16:
            break
    if anchor is None:
        # No status to anchor on and no object that looks like an error: the objects are request data or a
        # schema quoted in the message (`{"required": ["messages"]}`), and the message is the text around them.
        return None
    return candidates[0] if candidates else None
