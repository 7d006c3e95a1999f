"""Entry point of the ``lithiophile`` command.

Commands live one group per module and import their heavy dependencies inside the command
function, so ``lithiophile --help`` answers without loading numpy or polars. Errors print one
``error:`` line and exit 1 (2 for usage errors, 130 for Ctrl-C); ``--traceback`` shows the
rest. Warnings print as one ``warning:`` line each, once per run.
"""

from __future__ import annotations

import sys
import traceback
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer
from typer import Abort, Exit

from lithiophile.cli import advise, atoms, cell, chem, deposit, eis, kb, wet
from lithiophile.cli import cite as _cite
from lithiophile.cli import convert as _convert
from lithiophile.cli import dashboard as _dashboard
from lithiophile.cli import demo as _demo
from lithiophile.cli import read as _read
from lithiophile.cli import report as _report

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

#: Set by the --traceback option of the current run.
_state = {"traceback": False}


def _version(value: bool) -> None:
    if value:
        from lithiophile import __version__

        typer.echo(f"lithiophile {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    traceback_: bool = typer.Option(
        False, "--traceback", help="Show the full traceback when a command fails."
    ),
    version: bool = typer.Option(
        False,
        "--version",
        callback=_version,
        is_eager=True,
        help="Print the version and exit.",
    ),
) -> None:
    """Measure, predict and compare lithiophilicity at the Li-metal/electrolyte interface."""
    _state["traceback"] = traceback_


app.command("read", help=_read.HELP)(_read.read)
app.command("convert", help=_convert.HELP)(_convert.convert)
app.command("demo", help=_demo.HELP)(_demo.demo)
app.command("cite", help=_cite.HELP)(_cite.cite)
app.command("report", help=_report.HELP)(_report.report)
app.command("dashboard", help=_dashboard.HELP)(_dashboard.dashboard)

#: Command groups, one module each under lithiophile.cli, exposing ``app`` (a typer.Typer)
#: and ``HELP``; their heavy imports happen inside the commands.
GROUPS = {
    "cell": cell,
    "eis": eis,
    "chem": chem,
    "wet": wet,
    "kb": kb,
    "atoms": atoms,
    "deposit": deposit,
    "advise": advise,
}
for _name, _module in GROUPS.items():
    app.add_typer(_module.app, name=_name, help=_module.HELP)


@contextmanager
def one_line_warnings() -> Iterator[None]:
    """Show each distinct warning once, as ``warning: <message>`` on stderr (never Python's
    format with its source line). Shown: lithiophile's own warning classes, and user warnings
    raised by lithiophile's code; the internals of other libraries (a pymatgen notice, a
    numpy RuntimeWarning) are not the user's business and are left out."""
    import lithiophile

    package = str(Path(lithiophile.__file__).parent)
    seen: set[str] = set()

    def show(message: Any, category: Any, filename: str, *args: Any, **kwargs: Any) -> None:
        ours = category.__module__.startswith("lithiophile")
        raised_here = str(filename).startswith(package) and issubclass(category, UserWarning)
        text = " ".join(str(message).split())
        if (ours or raised_here) and text not in seen:
            seen.add(text)
            print(f"warning: {text}", file=sys.stderr)

    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.showwarning = show
        yield


def run(argv: list[str] | None = None) -> int:
    """Run the command line; returns (and, as a script, exits with) the exit code."""
    from lithiophile import cite

    args = list(sys.argv[1:] if argv is None else argv)
    _state["traceback"] = False
    cite.reset()  # a run records the works it used, not those of earlier runs in this process
    command = typer.main.get_command(app)
    try:
        # make_context + invoke, not command.main: main would turn Ctrl-C into a bare 130 and
        # lose what BatchInterrupted says
        with one_line_warnings(), command.make_context("lithiophile", args) as ctx:
            command.invoke(ctx)
    except Exit as exc:
        return _exit(exc.exit_code, argv)
    except (Abort, KeyboardInterrupt) as exc:  # BatchInterrupted says how far the batch got
        print(f"error: {str(exc) or 'interrupted'}", file=sys.stderr)
        return _exit(130, argv)
    except ClickException as exc:  # usage errors
        exc.show()
        return _exit(exc.exit_code, argv)
    except Exception as exc:
        print(f"error: {_message(exc)}", file=sys.stderr)
        return _exit(1, argv)
    _record_citations()
    return _exit(0, argv)


def _message(exc: Exception) -> str:
    """The one line a failure prints (after the traceback when --traceback was given)."""
    from lithiophile.errors import LithiophileError

    if _state["traceback"]:
        traceback.print_exc()
    if isinstance(exc, LithiophileError):
        return str(exc)
    if isinstance(exc, OSError):  # unreadable or unwritable files are bad input, not a bug
        where = f"'{exc.filename}': " if exc.filename else ""
        return f"cannot access {where}{exc.strerror or exc}"
    return (
        f"internal error ({type(exc).__name__}: {exc}); "
        "please report it with the output of --traceback"
    )


def _record_citations() -> None:
    """Keep the works this run used, for ``lithiophile cite``."""
    from lithiophile import cite

    if cite.used():
        cite.save_used()


def _exit(code: int, argv: list[str] | None) -> int:
    if argv is None:
        sys.exit(code)
    return code


if __name__ == "__main__":  # pragma: no cover
    run()
