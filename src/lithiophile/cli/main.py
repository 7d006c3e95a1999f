"""Entry point of the ``lithiophile`` command.

Commands live one group per module and import their heavy dependencies inside the command
function, so ``lithiophile --help`` answers without loading numpy or polars. Errors print one
``error:`` line and exit 1 (2 for usage errors); ``--traceback`` shows the rest.
"""

from __future__ import annotations

import sys
import traceback
from typing import Any

import typer
from typer import Abort, Exit

from lithiophile.cli import atoms, cell, chem, eis, kb, wet
from lithiophile.cli import convert as _convert
from lithiophile.cli import demo as _demo
from lithiophile.cli import read as _read

# typer re-exports click's usage errors (recent versions vendor click): find their base class
ClickException: Any = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")

app = typer.Typer(
    name="lithiophile",
    help="Measure, predict and compare lithiophilicity at the Li-metal/electrolyte interface.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)


@app.callback()
def _root(
    traceback_: bool = typer.Option(
        False, "--traceback", help="Show the full traceback when a command fails."
    ),
) -> None:
    """Measure, predict and compare lithiophilicity at the Li-metal/electrolyte interface."""


app.command("read", help=_read.HELP)(_read.read)
app.command("convert", help=_convert.HELP)(_convert.convert)
app.command("demo", help=_demo.HELP)(_demo.demo)

#: Command groups, one module each under lithiophile.cli, exposing ``app`` (a typer.Typer)
#: and ``HELP``; their heavy imports happen inside the commands.
GROUPS = {"cell": cell, "eis": eis, "chem": chem, "wet": wet, "kb": kb, "atoms": atoms}
for _name, _module in GROUPS.items():
    app.add_typer(_module.app, name=_name, help=_module.HELP)


def run(argv: list[str] | None = None) -> int:
    """Run the command line; returns (and, as a script, exits with) the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    show_tb = "--traceback" in args
    command = typer.main.get_command(app)
    try:
        command.main(args=args, prog_name="lithiophile", standalone_mode=False)
    except Exit as exc:
        return _exit(exc.exit_code, argv)
    except Abort:
        print("error: aborted", file=sys.stderr)
        return _exit(1, argv)
    except ClickException as exc:  # usage errors
        exc.show()
        return _exit(exc.exit_code, argv)
    except Exception as exc:
        from lithiophile.errors import LithiophileError

        if show_tb:
            traceback.print_exc()
        if isinstance(exc, LithiophileError):
            print(f"error: {exc}", file=sys.stderr)
        else:
            print(
                f"error: internal error ({type(exc).__name__}: {exc}); "
                "please report it with the output of --traceback",
                file=sys.stderr,
            )
        return _exit(1, argv)
    return _exit(0, argv)


def _exit(code: int, argv: list[str] | None) -> int:
    if argv is None:
        sys.exit(code)
    return code


if __name__ == "__main__":  # pragma: no cover
    run()
