"""``lithiophile wet``: contact angles of molten Li from Young-Dupre, Wenzel, Cassie-Baxter."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from lithiophile.cli.display import echo_json
from lithiophile.cli.options import JSON

if TYPE_CHECKING:  # pragma: no cover
    from lithiophile.wetting.summary import WettingSummary

HELP = (
    "Contact-angle models for molten Li: apparent angle on a rough (Wenzel) or composite "
    "(Cassie-Baxter) surface, the angle from a work of adhesion (Young-Dupre) with the liquid-Li "
    "surface tension at the temperature given, and the nucleation barrier factor."
)

app = typer.Typer(help=HELP, no_args_is_help=True, invoke_without_command=True)


@app.callback()
def wet(
    ctx: typer.Context,
    theta: float | None = typer.Option(
        None, "--theta", help="Intrinsic (Young) contact angle [deg]."
    ),
    roughness: float | None = typer.Option(
        None, "--roughness", help="Wenzel roughness ratio r >= 1."
    ),
    solid_fraction: float | None = typer.Option(
        None, "--solid-fraction", help="Cassie-Baxter wetted solid fraction f_s (0, 1]."
    ),
    adhesion: float | None = typer.Option(
        None, "--adhesion", help="Work of adhesion [J m-2]: gives the Young-Dupre angle."
    ),
    target: float | None = typer.Option(
        None, "--target", help="Target apparent angle [deg]: the Wenzel roughness that gives it."
    ),
    temperature: str = typer.Option(
        "250C", "--temperature", help="Molten-Li temperature (250C, 523K)."
    ),
    json_: bool = JSON,
) -> None:
    from lithiophile.store import to_payload
    from lithiophile.units import temperature_to_K
    from lithiophile.wetting.summary import summarize

    if ctx.invoked_subcommand is not None:
        return
    t_k = temperature_to_K(temperature, name="--temperature")
    result = summarize(
        temperature_K=t_k,
        theta_deg=theta,
        work_of_adhesion_J_m2=adhesion,
        roughness=roughness,
        solid_fraction=solid_fraction,
        target_deg=target,
        names={
            "theta_deg": "--theta",
            "work_of_adhesion_J_m2": "--adhesion",
            "temperature_K": "--temperature",
        },
    )
    if json_:
        echo_json(to_payload(result, drop_none=True))
        return
    for line in _lines(
        result, adhesion=adhesion, roughness=roughness, solid_fraction=solid_fraction, target=target
    ):
        typer.echo(line)


def _lines(
    result: WettingSummary,
    *,
    adhesion: float | None,
    roughness: float | None,
    solid_fraction: float | None,
    target: float | None,
) -> list[str]:
    """The summary as readable lines (only what was asked for)."""
    r = result
    out = [
        f"molten Li at {r.temperature_K:.2f} K: surface tension {r.surface_tension_J_m2:.4f} N/m "
        "(Davison 1968)"
    ]
    if r.young_dupre is not None:
        yd = r.young_dupre
        out.append(f"  Young-Dupre: W_ad {adhesion:g} J/m2 -> {yd.angle_deg:.1f} deg ({yd.regime})")
    out.append(
        f"  theta {r.theta_deg:g} deg: W_ad {r.work_of_adhesion_J_m2:.4f} J/m2, nucleation "
        f"barrier factor {r.nucleation_barrier_factor:.4f}"
    )
    for angle, label in (
        (r.wenzel, f"Wenzel r={roughness}"),
        (r.cassie_baxter, f"Cassie-Baxter f_s={solid_fraction}"),
    ):
        if angle is not None:
            out.append(f"  {label}: {angle.angle_deg:.1f} deg ({angle.regime})")
    if r.wenzel_roughness_for_target is not None:
        out.append(f"  roughness for {target:g} deg: r = {r.wenzel_roughness_for_target:.4f}")
    return out
