"""Usage errors pass through the redaction layer too.

Typer renders a usage error itself (`Invalid value for '--timeout': 'nt_live_…'`), quoting whatever the user
typed; a token pasted into the wrong option would be printed back in full. The group class below masks the
message before Typer sees it, and registers the credentials the environment holds first, so that even a
token without a recognisable shape is caught.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from typer.core import TyperGroup
from typer.exceptions import TyperException

from aigw_doctor.redact import mask_text, register_environment_secrets


@contextmanager
def _masked_usage_errors() -> Iterator[None]:
    try:
        yield
    except TyperException as exc:
        if isinstance(getattr(exc, "message", None), str):
            exc.message = mask_text(exc.message)
        raise


class MaskingGroup(TyperGroup):
    """The root command group: every usage error, at any level of the command tree, is masked."""

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> Any:
        register_environment_secrets()
        with _masked_usage_errors():
            return super().make_context(info_name, args, parent=parent, **extra)

    def invoke(self, ctx: Any) -> Any:
        with _masked_usage_errors():
            return super().invoke(ctx)
