"""``lithiophile wet``: contact angles of molten Li from Young-Dupre, Wenzel, Cassie-Baxter."""

from __future__ import annotations

import json

import typer

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
    json_: bool = typer.Option(False, "--json", help="Print JSON for machines."),
) -> None:
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
    out = result.as_dict()
    gamma = result.surface_tension_J_m2
    theta = result.theta_deg
    if json_:
        typer.echo(json.dumps(out, indent=2))
        return
    typer.echo(f"molten Li at {t_k:.2f} K: surface tension {gamma:.4f} N/m (Davison 1968)")
    if "young_dupre" in out:
        yd = out["young_dupre"]
        typer.echo(
            f"  Young-Dupre: W_ad {adhesion:g} J/m2 -> {yd['angle_deg']:.1f} deg ({yd['regime']})"
        )
    if theta is not None:
        typer.echo(
            f"  theta {theta:g} deg: W_ad {out['work_of_adhesion_J_m2']:.4f} J/m2, nucleation "
            f"barrier factor {out['nucleation_barrier_factor']:.4f}"
        )
    for key, label in (
        ("wenzel", f"Wenzel r={roughness}"),
        ("cassie_baxter", f"Cassie-Baxter f_s={solid_fraction}"),
    ):
        if key in out:
            typer.echo(f"  {label}: {out[key]['angle_deg']:.1f} deg ({out[key]['regime']})")
    if "wenzel_roughness_for_target" in out:
        typer.echo(f"  roughness for {target:g} deg: r = {out['wenzel_roughness_for_target']:.4f}")
