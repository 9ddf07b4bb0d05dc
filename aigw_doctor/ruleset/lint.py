"""Reject rule regexes prone to catastrophic backtracking, at validation time.

Python's `re` backtracks: a pattern such as `(a+)+b`, `(.*)*` or `(?:\\w|\\d)+` takes exponential time on a
body that almost matches. Rule packs come from users, and a server's body can be anything, so such a pattern
must never reach the engine. This lint works on the parsed pattern (`re._parser`) and flags:

- a quantifier inside an unbounded quantifier (`(a+)+`, `(\\w+\\s?)*`, `(.*x)*`), unless the outer body has a
  mandatory separator the inner quantifier cannot consume (`(?:,\\s*\\w+)*` and `(?:[a-z]+\\s)*` are fine:
  the separator fixes where each repetition ends);
- an alternation under an unbounded quantifier whose branches can start with the same character
  (`(?:\\w|\\d)+`, `(a|aa)*`, `(?:foo|f\\w+)*`).

It errs on the side of rejecting: a rejected pattern can always be written unambiguously. The second guard,
a cap on how much of a body the engine matches (`engine.MAX_MATCHED_BODY`), bounds whatever polynomial
cost remains. Runs only when a rule file is validated; the compiled rule cache skips it.
"""

from __future__ import annotations

import importlib
import re
from typing import Any


def _sre(name: str, old_name: str) -> Any:
    """Python 3.11 moved the regex parser into `re`; 3.10 has it as a top-level module. Same structure."""
    try:
        return importlib.import_module(name)
    except ImportError:  # pragma: no cover - Python 3.10
        return importlib.import_module(old_name)


_c = _sre("re._constants", "sre_constants")
_p = _sre("re._parser", "sre_parse")

MAX_PATTERN_CHARS = 2000
# An outer repeat this large is treated as unbounded: (a+){50} is as slow as (a+)+.
_LARGE_REPEAT = 16

_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", _c.MAX_REPEAT)}
_POSSESSIVE = getattr(_c, "POSSESSIVE_REPEAT", None)
_ZERO_WIDTH = {_c.AT, _c.ASSERT, _c.ASSERT_NOT}
# The characters the lint reasons about: ASCII plus a few others that classes such as \w and \s contain.
_ALPHABET = (*(chr(c) for c in range(128)), "\u00e9", "\u03b1", "\u4e00", "\u00a0", "\u2028", "\u0661")
_CATEGORY_TEST = {
    _c.CATEGORY_DIGIT: re.compile(r"\d"),
    _c.CATEGORY_NOT_DIGIT: re.compile(r"\D"),
    _c.CATEGORY_SPACE: re.compile(r"\s"),
    _c.CATEGORY_NOT_SPACE: re.compile(r"\S"),
    _c.CATEGORY_WORD: re.compile(r"\w"),
    _c.CATEGORY_NOT_WORD: re.compile(r"\W"),
}
_EVERYTHING = frozenset(_ALPHABET)
_SCOPED_IGNORE_CASE = re.compile(r"\(\?[aLmsux]*i")

Items = Any  # a re._parser.SubPattern or a list of (opcode, argument) pairs


class UnsafeRegex(ValueError):
    """The pattern could take exponential time on some input."""


def lint_regex(pattern: str) -> str | None:
    """Why `pattern` is unsafe, or None. A pattern that does not compile is left to the compiler's check."""
    if len(pattern) > MAX_PATTERN_CHARS:
        return f"the pattern is longer than {MAX_PATTERN_CHARS} characters"
    try:
        parsed = _p.parse(pattern)
    except (re.error, RecursionError, OverflowError):
        return None
    # A scoped `(?i:…)` counts too: the lint only needs to over-approximate character sets.
    ignore_case = bool(parsed.state.flags & re.IGNORECASE) or _SCOPED_IGNORE_CASE.search(pattern) is not None
    try:
        return _Lint(ignore_case).check(list(parsed))
    except RecursionError:
        return "groups nested too deeply"


def check_regex(pattern: str) -> None:
    reason = lint_regex(pattern)
    if reason:
        raise UnsafeRegex(f"regex {pattern!r} is prone to catastrophic backtracking: {reason}")


class _Lint:
    def __init__(self, ignore_case: bool) -> None:
        self.ignore_case = ignore_case

    # ------------------------------------------------------------------ walking

    def check(self, items: Items) -> str | None:
        for op, arg in items:
            if op in _REPEATS:
                _low, high, body = arg
                body = list(body)
                if op != _POSSESSIVE and (high == _c.MAXREPEAT or high >= _LARGE_REPEAT) and high > 1:
                    reason = self._unbounded_body(body)
                    if reason:
                        return reason
                found = self.check(body)
            else:
                found = self.check_children(op, arg)
            if found:
                return found
        return None

    def check_children(self, op: Any, arg: Any) -> str | None:
        for child in _children(op, arg):
            found = self.check(child)
            if found:
                return found
        return None

    def _unbounded_body(self, body: Items) -> str | None:
        flat = _flatten(body)
        separators = [self.chars([item]) for item in flat if _single_char(item)]
        for inner in _variable_repeats(body):
            consumed = self.chars(inner)
            if not any(sep and not (sep & consumed) for sep in separators):
                return "a quantifier inside an unbounded quantifier, with nothing that ends each repetition"
        for branch in _branches(body):
            nonempty = [list(b) for b in branch if list(b)]
            if sum(1 for b in branch if _nullable(list(b))) > 1:
                return "alternatives under an unbounded quantifier that can both match the same text"
            if len(nonempty) < len(branch):
                # An empty alternative makes the rest optional: ambiguous when it can start the next repetition.
                optional = frozenset().union(*(self.chars(b) for b in nonempty)) if nonempty else frozenset()
                if not any(sep and not (sep & optional) for sep in separators):
                    return "an optional part inside an unbounded quantifier that can also start the next repetition"
            firsts = [self.first(b) for b in nonempty]
            for i, one in enumerate(firsts):
                for other in firsts[i + 1 :]:
                    if one & other:
                        return "alternatives under an unbounded quantifier that can start with the same character"
        return None

    # ------------------------------------------------------------------ character sets

    def first(self, items: Items) -> frozenset[str]:
        """Characters a match of `items` can start with (an over-approximation)."""
        result: set[str] = set()
        for op, arg in items:
            if op in _ZERO_WIDTH:
                continue
            if op in _REPEATS:
                low, _high, body = arg
                result |= self.first(list(body))
                if low > 0 and not _nullable(list(body)):
                    return frozenset(result)
                continue
            if op is _c.SUBPATTERN:
                body = list(arg[-1])
                result |= self.first(body)
                if not _nullable(body):
                    return frozenset(result)
                continue
            if op is _c.BRANCH:
                alternatives = [list(b) for b in arg[1]]
                for alt in alternatives:
                    result |= self.first(alt)
                if not any(_nullable(alt) for alt in alternatives):
                    return frozenset(result)
                continue
            if op is _c.GROUPREF:
                return _EVERYTHING
            chars = self.chars([(op, arg)])
            return frozenset(result | chars)
        return frozenset(result)

    def chars(self, items: Items) -> frozenset[str]:
        """Every character a match of `items` can consume (an over-approximation)."""
        result: set[str] = set()
        for op, arg in items:
            if op in (_c.LITERAL, _c.NOT_LITERAL):
                char = chr(arg)
                same = {char, char.lower(), char.upper()} if self.ignore_case else {char}
                result |= same if op is _c.LITERAL else (_EVERYTHING - same) | {"\uffff"}
            elif op is _c.ANY:
                result |= _EVERYTHING
            elif op is _c.IN:
                result |= self._class(arg)
            elif op in _ZERO_WIDTH:
                continue
            elif op is _c.GROUPREF or op not in (_c.SUBPATTERN, _c.BRANCH, *_REPEATS):
                result |= _EVERYTHING
            else:
                for child in _children(op, arg):
                    result |= self.chars(child)
        return frozenset(result)

    def _class(self, members: list[tuple[Any, Any]]) -> frozenset[str]:
        negate = False
        chosen: set[str] = set()
        for op, arg in members:
            if op is _c.NEGATE:
                negate = True
            elif op is _c.LITERAL:
                chosen.add(chr(arg))
            elif op in (_c.RANGE, getattr(_c, "RANGE_UNI_IGNORE", _c.RANGE)):
                low, high = arg
                chosen |= {c for c in _ALPHABET if low <= ord(c) <= high}
            elif op is _c.CATEGORY and arg in _CATEGORY_TEST:
                test = _CATEGORY_TEST[arg]
                chosen |= {c for c in _ALPHABET if test.match(c)}
            else:
                chosen |= _EVERYTHING
        if self.ignore_case:
            chosen |= {c.lower() for c in chosen} | {c.upper() for c in chosen}
        return frozenset(_EVERYTHING - chosen) if negate else frozenset(chosen)


def _children(op: Any, arg: Any) -> list[Items]:
    if op is _c.SUBPATTERN:
        return [list(arg[-1])]
    if op is _c.BRANCH:
        return [list(b) for b in arg[1]]
    if op in _REPEATS:
        return [list(arg[2])]
    if op in (_c.ASSERT, _c.ASSERT_NOT):
        return [list(arg[1])]
    if op is getattr(_c, "ATOMIC_GROUP", None):
        return [list(arg)]
    if op is _c.GROUPREF_EXISTS:
        return [list(b) for b in arg[1:] if b is not None]
    return []


def _flatten(items: Items) -> list[tuple[Any, Any]]:
    """The top-level sequence of a repeat's body, with plain groups opened (they do not repeat)."""
    flat: list[tuple[Any, Any]] = []
    for op, arg in items:
        if op is _c.SUBPATTERN:
            flat.extend(_flatten(list(arg[-1])))
        else:
            flat.append((op, arg))
    return flat


def _single_char(item: tuple[Any, Any]) -> bool:
    return item[0] in (_c.LITERAL, _c.NOT_LITERAL, _c.IN, _c.ANY)


def _variable_repeats(items: Items) -> list[Items]:
    """Bodies of repeats (at any depth, outside possessive/atomic ones) whose count can vary: `a+`, `b?`."""
    found: list[Items] = []
    for op, arg in items:
        if op in _REPEATS and op != _POSSESSIVE:
            low, high, body = arg
            if high != low:
                found.append(list(body))
            found.extend(_variable_repeats(list(body)))
        elif op is not getattr(_c, "ATOMIC_GROUP", None) and op not in _REPEATS:
            for child in _children(op, arg):
                found.extend(_variable_repeats(child))
    return found


def _branches(items: Items) -> list[list[Any]]:
    found: list[list[Any]] = []
    for op, arg in items:
        if op is _c.BRANCH:
            found.append(list(arg[1]))
        for child in _children(op, arg):
            found.extend(_branches(child))
    return found


def _nullable(items: Items) -> bool:
    for op, arg in items:
        if op in _ZERO_WIDTH:
            continue
        if op in _REPEATS:
            if arg[0] == 0 or _nullable(list(arg[2])):
                continue
            return False
        if op is _c.SUBPATTERN:
            if _nullable(list(arg[-1])):
                continue
            return False
        if op is _c.BRANCH:
            if any(_nullable(list(b)) for b in arg[1]):
                continue
            return False
        return False
    return True
