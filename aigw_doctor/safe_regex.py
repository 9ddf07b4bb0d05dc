"""Rule regexes run on RE2, whose matching time is linear in the text whatever the pattern: a rule pack (also
one named by `AIGW_DOCTOR_RULES` in somebody else's repository) cannot hang a run with a pattern such as
`(?:a|a){15}b`. The regex lint (`ruleset/lint.py`) still explains the shapes it knows at load time; this is
the guarantee for the shapes it does not know.

RE2 has no lookarounds and no backreferences; a pattern that needs them is a load error naming the file and
line (rules say "does not contain" with the `excludes:` test instead).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any


class RegexError(ValueError):
    pass


@lru_cache(maxsize=1024)
def compile_rule_regex(pattern: str) -> Any:
    """The compiled pattern (an `re2` pattern with `search`), or RegexError saying why it cannot be one."""
    import re2  # type: ignore[import-untyped]

    options = re2.Options()
    options.log_errors = False  # RE2 would print its own message on stderr; ours names the rule file
    try:
        return re2.compile(pattern, options)
    except re2.error as exc:
        reason = exc.args[0].decode(errors="replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise RegexError(
            f"bad regex {pattern!r}: {reason} (rule regexes use RE2 syntax: no lookarounds or backreferences; "
            "use `excludes:` for text that must not appear)"
        ) from None
