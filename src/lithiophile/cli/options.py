"""Options several commands share, declared once, and the one parser of an electrode area
typed on the command line. typer reads each declaration as a parameter's default, so one
object serves every command that takes the option."""

from __future__ import annotations

import typer

JSON = typer.Option(False, "--json", help="Print JSON for machines.")
WORKERS = typer.Option(1, "--workers", help="Processes for a batch of files.")
SCHEDULER = typer.Option(None, "--scheduler", help="Dask scheduler address, e.g. tcp://host:8786.")
STORE = typer.Option(
    None, "--store", help="Store file (default: the project's store in LITHIOPHILE_HOME)."
)
NO_CACHE = typer.Option(False, "--no-cache", help="Recompute even if the store holds the result.")


def area_m2(area: str | None, command: str, *, diameter: str | None = None) -> float | None:
    """The electrode area [m^2] a user typed (``--area "1.13 cm2"`` or ``--diameter "12 mm"``)
    for ``command`` (``"cell analyze"``, ``"eis"``), or None; one message for every command
    when it is not a positive area."""
    from lithiophile.errors import InputError, UnitsError
    from lithiophile.units import electrode_area_m2

    try:
        return electrode_area_m2(area, diameter=diameter)
    except UnitsError as exc:
        raise InputError(
            f"The 'area' option of {command} must be an area such as '1.13 cm^2': {exc}"
        ) from None
    except InputError as exc:
        if area is None or "must be" not in str(exc):
            raise
        raise InputError(
            f"The 'area' option of {command} must be a positive area such as '1.13 cm^2'. "
            f"Got {area!r}."
        ) from None
