"""The Typer application: registers the commands and maps failures to exit codes. Kept thin."""

from __future__ import annotations

import errno
import os
import sys
from typing import Annotated

import typer

from aigw_doctor import __version__
from aigw_doctor.clierrors import MaskingGroup
from aigw_doctor.commands import analyze as analyze_command
from aigw_doctor.commands import check as check_command
from aigw_doctor.commands import completions as completions_command
from aigw_doctor.commands import explain as explain_command
from aigw_doctor.commands import mock as mock_command
from aigw_doctor.commands import rules as rules_command
from aigw_doctor.commands import schema as schema_command

app = typer.Typer(
    name="aigw-doctor",
    cls=MaskingGroup,  # usage errors quote what was typed: mask it
    help="Diagnose failing requests to the Neon and Cloudflare AI gateways: a cause and a fix for every "
    "documented error.",
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        print(f"aigw-doctor {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool, typer.Option("--version", help="Show the version and exit.", callback=_version, is_eager=True)
    ] = False,
) -> None:
    """Diagnose failing requests to the Neon and Cloudflare AI gateways."""


app.command("check", epilog=check_command.EPILOG)(check_command.check)
app.command("explain", epilog=explain_command.EPILOG)(explain_command.explain)
app.command("analyze", epilog=analyze_command.EPILOG)(analyze_command.analyze)
app.command("mock", epilog=mock_command.EPILOG)(mock_command.mock)
app.add_typer(rules_command.app, name="rules")
app.command("schema", epilog=schema_command.EPILOG)(schema_command.schema)
app.add_typer(completions_command.app, name="completions")


def main() -> None:
    """Console entry point: a bug in the tool is one masked line and exit 2, never a traceback."""
    try:
        app()
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        raise SystemExit(130) from None
    except BrokenPipeError:
        # `aigw-doctor … | head`: the reader left; nothing more to say, and Python must not complain at exit.
        _silence_stdout()
        raise SystemExit(1) from None
    except OSError as exc:
        if exc.errno not in (errno.ENOSPC, errno.EIO, errno.EDQUOT, errno.EFBIG):
            raise
        _silence_stdout()
        sys.stderr.write(f"error: cannot write the output: {exc.strerror or exc}\n")
        raise SystemExit(2) from None
    except Exception as exc:
        if os.environ.get("AIGW_DOCTOR_DEBUG"):
            raise
        from aigw_doctor.redact import mask_text

        sys.stderr.write(
            mask_text(f"error: internal error: {type(exc).__name__}: {exc} (set AIGW_DOCTOR_DEBUG=1 for details)")
            + "\n"
        )
        raise SystemExit(2) from None


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's final flush cannot fail a second time."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
