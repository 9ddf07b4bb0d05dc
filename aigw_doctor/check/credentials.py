"""Where secrets come from: an environment variable, a file or standard input, never an option value
(an option value lands in shell history and process listings)."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from aigw_doctor.redact import mask, register_secret

MAX_SECRET_FILE_BYTES = 64 * 1024


class CredentialError(Exception):
    """A secret that was asked for cannot be read: a configuration error (exit 2)."""


@dataclass(frozen=True)
class Secret:
    value: str
    source: str
    note: str | None = None

    @property
    def masked(self) -> str:
        return mask(self.value)

    def __repr__(self) -> str:  # a Secret in a log line or traceback must not carry its value
        return f"Secret({self.masked!r}, source={self.source!r})"

    __str__ = __repr__


def _remember(value: str, source: str, note: str | None = None) -> Secret:
    if not value.strip():
        # Empty or blank is missing, whatever the source: never sent, never marked present.
        raise CredentialError(f"the credential from {source} is empty{' (only whitespace)' if value else ''}")
    register_secret(value)
    register_secret(value.strip())
    return Secret(value, source, note)


def _strip_final_newline(text: str) -> str:
    """Files and pipes end with one newline by convention; anything beyond that is the token's problem."""
    if text.endswith("\r\n"):
        return text[:-2]
    return text[:-1] if text.endswith("\n") else text


def from_file(path: Path, what: str) -> Secret:
    try:
        # At most the limit and one byte more: `/dev/zero` or a log file named by mistake is never read whole.
        with path.expanduser().open("rb") as handle:
            data = handle.read(MAX_SECRET_FILE_BYTES + 1)
    except OSError as exc:
        raise CredentialError(f"cannot read the {what} file {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_SECRET_FILE_BYTES:
        raise CredentialError(f"the {what} file {path} is larger than {MAX_SECRET_FILE_BYTES // 1024} KiB")
    return _remember(_strip_final_newline(data.decode("utf-8", errors="replace")), f"file {path}")


def from_stdin(what: str) -> Secret:
    if sys.stdin is None or sys.stdin.closed:
        raise CredentialError(f"--token-stdin: there is no standard input to read the {what} from")
    text = sys.stdin.read(MAX_SECRET_FILE_BYTES + 1)
    if len(text) > MAX_SECRET_FILE_BYTES:
        raise CredentialError(f"standard input holds more than {MAX_SECRET_FILE_BYTES // 1024} KiB, not a {what}")
    return _remember(_strip_final_newline(text), "standard input")


def from_environment(names: list[str], legacy: dict[str, str] | None = None) -> Secret | None:
    """The first set variable of `names`; `legacy` maps older names to the name that replaced them."""
    for name in names:
        value = os.environ.get(name)
        if value is not None and value != "":  # a blank (whitespace-only) value is an error in _remember
            note = None
            if legacy and name in legacy:
                note = f"{name} is the older name of {legacy[name]}; set {legacy[name]} instead"
            return _remember(value, f"environment variable {name}", note)
    return None
