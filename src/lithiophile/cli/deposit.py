"""``lithiophile deposit``: phase-field Li electrodeposition on a substrate of given
lithiophilicity."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

HELP = (
    "Phase-field Li electrodeposition (Butler-Volmer Allen-Cahn, Chen et al. 2015) on a "
    "substrate of given lithiophilicity: contact angle as a wetting boundary, lithiophilic "
    "seeds, optional SEI; snapshots, a GIF of the growth, and the figures as metrics."
)

app = typer.Typer(help=HELP, no_args_is_help=True, invoke_without_command=True)


@app.callback()
def deposit(
    ctx: typer.Context,
    substrate: str = typer.Option("Cu", "--substrate", help="Substrate name or formula."),
    theta: float | None = typer.Option(None, "--theta", help="Contact angle of Li [deg]."),
    adhesion: float | None = typer.Option(
        None, "--adhesion", help="Work of adhesion [J m-2]: angle by Young-Dupre."
    ),
    predict: bool = typer.Option(
        False, "--predict", help="Predict the angle from an atomistic W_ad (CHGNet, slow)."
    ),
    current_density: str = typer.Option(
        "1 mA cm^-2", "--current-density", help="Plating current density, e.g. '1 mA cm^-2'."
    ),
    time_: str = typer.Option("600s", "--time", help="Time to simulate, e.g. 600s or 10 min."),
    grid: int = typer.Option(128, "--grid", help="Grid cells per side (e.g. 256)."),
    spacing: str = typer.Option("50 nm", "--dx", help="Grid spacing, e.g. '50 nm'."),
    dt: float | None = typer.Option(None, "--dt", help="Time step [s] (default: automatic)."),
    exchange_current: str = typer.Option(
        "1 mA cm^-2", "--exchange-current", help="Exchange current density of Li."
    ),
    seeds: int = typer.Option(0, "--seeds", help="Number of lithiophilic seeds on the surface."),
    seed_theta: float = typer.Option(10.0, "--seed-theta", help="Contact angle on seeds [deg]."),
    sei_conductivity: float | None = typer.Option(
        None, "--sei-conductivity", help="SEI ionic conductivity [S m-1] (adds an SEI layer)."
    ),
    sei_thickness: str = typer.Option("20 nm", "--sei-thickness", help="SEI thickness."),
    float32: bool = typer.Option(True, "--float32/--float64", help="Precision of the fields."),
    out: Path = typer.Option(Path("deposit-out"), "--out", help="Folder for figures and JSON."),
    json_: bool = typer.Option(False, "--json", help="Print JSON for machines."),
) -> None:
    from lithiophile.deposition import contact_angle_for
    from lithiophile.deposition import deposit as run

    if ctx.invoked_subcommand is not None:
        return
    no_angle = theta is None and adhesion is None and not predict
    choice = contact_angle_for(
        substrate,
        theta_deg=theta,
        work_of_adhesion_J_m2=adhesion,
        atomistic=predict,
        verdict=_wetting_verdict(substrate) if no_angle else "",
    )
    surf = _surface(substrate, choice.theta_deg, grid, seeds, seed_theta)
    if sei_conductivity is not None:
        from lithiophile.units import to_si

        surf = surf.with_sei(sei_conductivity, to_si(sei_thickness, "m", name="--sei-thickness"))
    setup = _setup(surf, grid, spacing, current_density, exchange_current, time_, dt, float32)
    echo = (lambda line: None) if json_ else typer.echo
    echo(f"contact angle {choice.theta_deg:.1f} deg ({choice.basis})")
    echo(f"simulating {setup.conditions_text()} with dt = {setup.dt():.3g} s ...")
    result = run(setup, progress=_progress(echo), checkpoint=out / "checkpoint.npz")
    _report(result, out, choice.basis, json_, echo)


def _surface(substrate: str, theta_deg: float, grid: int, seeds: int, seed_theta: float) -> Any:
    """The substrate maps: uniform, or ``seeds`` lithiophilic seeds on it."""
    from lithiophile.deposition import Substrate
    from lithiophile.errors import InputError

    if grid < 8:
        raise InputError(f"--grid must be at least 8 cells. Got {grid}.")
    if not seeds:
        return Substrate.uniform(grid, theta_deg, name=substrate)
    return Substrate.seeds(
        grid,
        theta_deg,
        seed_theta,
        n_seeds=seeds,
        seed_width=max(2, grid // (4 * seeds)),
        name=f"seeds on {substrate}",
    )


def _setup(
    surf: Any,
    grid: int,
    spacing: str,
    current_density: str,
    exchange_current: str,
    time_: str,
    dt: float | None,
    float32: bool,
) -> Any:
    """The Setup from the options as typed (units parsed; errors name the option)."""
    from lithiophile.deposition import Parameters, Setup
    from lithiophile.errors import InputError
    from lithiophile.units import to_si

    dx = to_si(spacing, "m", name="--dx")
    i = to_si(current_density, "A/m^2", name="--current-density")
    i0 = to_si(exchange_current, "A/m^2", name="--exchange-current")
    t = to_si(time_, "s", name="--time")
    if t <= 0 or dx <= 0:
        raise InputError("--time and --dx must be positive (e.g. --time 600s --dx '50 nm').")
    params = Parameters(exchange_current_A_m2=i0) if i0 > 0 else _bad_i0(i0)
    try:
        return Setup(
            nx=grid,
            nz=grid,
            dx_m=dx,
            params=params,
            substrate=surf,
            current_density_A_m2=i,
            time_s=t,
            dt_s=dt,
            float32=float32,
        )
    except InputError as exc:
        raise InputError(str(exc).replace("dt = ", "--dt = ")) from None


def _report(result: Any, out: Path, basis: str, json_: bool, echo: Any) -> None:
    """Write the figures and deposit.json; print the metrics (or the JSON)."""
    from lithiophile.deposition.figures import write_figures
    from lithiophile.store import to_payload

    files = write_figures(result, out)
    payload = to_payload(result)
    (out / "deposit.json").write_text(json.dumps(payload, indent=2))
    if json_:
        from lithiophile.cli.display import echo_json

        echo_json({**payload, "contact_angle_basis": basis, "files": [str(f) for f in files]})
        return
    for m in result.metrics:
        echo("  " + m.display())
    for note in result.notes:
        echo(f"  note: {note}")
    echo(f"figures: {', '.join(str(f) for f in files)}")


def _wetting_verdict(substrate: str) -> str:
    """The chemistry verdict (lithiophile.thermo, Wang et al. 2019 rule: wets or not) as one
    sentence for the no-angle error; empty when thermo cannot judge the substrate."""
    try:
        from lithiophile.thermo import assess

        a = assess(substrate)
    except Exception:  # the verdict is a courtesy; the no-angle error stands without it
        return ""
    if a.wets_molten_li is None:
        return ""
    return (
        f"lithiophile predicts that {a.material} "
        f"{'wets' if a.wets_molten_li else 'does not wet'} molten Li "
        f"({a.wetting_basis.rstrip('.')}), but that rule gives no angle."
    )


def _bad_i0(i0: float) -> Any:
    from lithiophile.errors import InputError

    raise InputError(f"--exchange-current must be positive, e.g. '1 mA cm^-2'. Got {i0:g} A m-2.")


def _progress(echo: Any) -> Any:
    state = {"last": -1}

    def show(t: float, total: float) -> None:
        pct = int(100 * t / total) // 10 * 10
        if pct != state["last"]:
            state["last"] = pct
            echo(f"  {pct:3d} % ({t:.3g} of {total:g} s)")

    return show


def demo_part(folder: Path, echo: Any, results: dict[str, Any]) -> dict[str, Any]:
    """A small case (64x64): lithiophilic against lithiophobic substrate, and seeds."""
    from lithiophile.deposition.compare import substrate_table
    from lithiophile.deposition.potentiostatic import potentiostatic_scaling
    from lithiophile.store import to_payload

    echo("== deposit: phase-field Li plating on a lithiophilic vs a lithiophobic substrate ==")
    table = substrate_table(nx=64, nz=64)
    for line in table.lines():
        echo("  " + line)
    out: dict[str, Any] = to_payload(table)
    scaling = potentiostatic_scaling()
    dens, size = scaling.density, scaling.size
    echo(f"  potentiostatic holds ({scaling.conditions}), against Pei et al. 2017:")
    if dens.exponent is None or size.exponent is None:
        echo(f"    {scaling.note}")
    else:
        echo(
            f"    density ~ eta^{dens.exponent:.2f} (classical 3), size ~ "
            f"eta^{size.exponent:.2f} (classical -1) over {dens.rows} rows; {scaling.note}"
        )
    out["potentiostatic_scaling"] = to_payload(scaling)
    return out
