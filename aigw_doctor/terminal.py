"""All terminal output goes through here: Rich consoles for stdout and stderr, masking on the way out.

Commands never touch Rich directly. Diagnostics (errors, notes, progress) go to stderr so that a machine
format on stdout stays clean.
"""

from __future__ import annotations

import os
import sys
from contextlib import AbstractContextManager, nullcontext
from typing import IO, TYPE_CHECKING, Any

from aigw_doctor.redact import mask_text

if TYPE_CHECKING:
    from collections.abc import Callable

    from rich.console import Console, RenderableType

REPORT_WIDTH = 100  # logs, CI and report files: a stable width, whatever the runner's pseudo-terminal says


def _truthy(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() not in {"", "0", "false", "no"}


class Terminal:
    def __init__(self, *, no_color: bool = False, out_file: IO[str] | None = None) -> None:
        # https://no-color.org: present and not empty; https://force-color.org: FORCE_COLOR=0 means no.
        self.no_color = no_color or os.environ.get("NO_COLOR", "") != ""
        self.force_color = _truthy("FORCE_COLOR") and not self.no_color
        self._out_file = out_file  # capture the text report (for --output): plain, fixed width
        self._out: Console | None = None
        self._err: Console | None = None

    @property
    def in_ci(self) -> bool:
        return _truthy("CI")

    def _console(self, stderr: bool) -> Console:
        from rich.console import Console

        if self._out_file is not None and not stderr:
            return Console(
                file=self._out_file, no_color=True, color_system=None, force_terminal=False, width=REPORT_WIDTH,
                highlight=False, soft_wrap=False, emoji=False,
            )  # fmt: skip
        stream = sys.stderr if stderr else sys.stdout
        interactive = stream.isatty() and not self.in_ci
        width = None
        if not interactive and "COLUMNS" not in os.environ:
            width = REPORT_WIDTH
        return Console(
            file=stream,
            stderr=stderr,
            no_color=self.no_color,
            # Decided here rather than by Rich's own reading of FORCE_COLOR/TTY_COMPATIBLE: under CI there are
            # no cursor tricks even when the runner allocates a pseudo-terminal.
            force_terminal=True if self.force_color else interactive,
            color_system="auto" if (interactive or self.force_color) and not self.no_color else None,
            width=width,
            highlight=False,
            soft_wrap=False,
            emoji=False,
        )

    @property
    def out(self) -> Console:
        if self._out is None:
            self._out = self._console(stderr=False)
        return self._out

    @property
    def err(self) -> Console:
        if self._err is None:
            self._err = self._console(stderr=True)
        return self._err

    def print(self, renderable: RenderableType | str = "", **kwargs: Any) -> None:
        if isinstance(renderable, str):
            # A line of text is never wrapped: wrapping can split a path, an id or a masked token.
            kwargs.setdefault("soft_wrap", True)
        self.out.print(renderable, **kwargs)

    def write_raw(self, text: str) -> None:
        """Machine formats: exactly these characters on stdout, no markup or wrapping (what is written here
        was masked where it was made: a report by `redact.mask_report`)."""
        stream = self._out_file or sys.stdout
        stream.write(text)
        if not text.endswith("\n"):
            stream.write("\n")
        stream.flush()

    def status(self, message: str) -> AbstractContextManager[object]:
        """A spinner on stderr while work runs, only on an interactive terminal (never in CI or a pipe)."""
        if self.err.is_terminal and not self.in_ci and not self.err.is_dumb_terminal:
            return self.err.status(message)
        return nullcontext()

    def error(self, message: str) -> None:
        self.err.print(f"[bold red]error:[/] {_escape(mask_text(message))}", soft_wrap=True)

    def warning(self, message: str) -> None:
        self.err.print(f"[yellow]warning:[/] {_escape(mask_text(message))}", soft_wrap=True)

    def note(self, message: str) -> None:
        self.err.print(f"[dim]{_escape(mask_text(message))}[/]", soft_wrap=True)


def _escape(text: str) -> str:
    """Rich markup and terminal control characters from untrusted text, both shown as text."""
    from rich.markup import escape

    from aigw_doctor.sanitize import escape_text

    return escape(escape_text(text))


def capture(render: Callable[[Terminal], None]) -> str:
    """What `render` prints to a terminal, as plain text (no colour, fixed width): the text report in a file."""
    import io

    buffer = io.StringIO()
    render(Terminal(no_color=True, out_file=buffer))
    return buffer.getvalue()
