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
    from lithiophile import wetting
    from lithiophile.errors import InputError

    if ctx.invoked_subcommand is not None:
        return
    if theta is None and adhesion is None:
        raise InputError("give --theta (an intrinsic angle in degrees) or --adhesion (J m-2).")
    from lithiophile.units import temperature_to_K

    t_k = temperature_to_K(temperature, name="--temperature")
    gamma = wetting.li_surface_tension(t_k)
    out: dict = {"temperature_K": t_k, "li_surface_tension_N_m": gamma}
    if adhesion is not None:
        ca = wetting.contact_angle_from_adhesion(adhesion, gamma)
        out["young_dupre"] = ca.as_dict()
        theta = ca.angle_deg if theta is None else theta
    if theta is not None:
        out["theta_deg"] = theta
        out["work_of_adhesion_J_m2"] = wetting.work_of_adhesion(theta, gamma)
        out["nucleation_barrier_factor"] = wetting.nucleation_barrier_factor(theta)
        if roughness is not None:
            out["wenzel"] = wetting.wenzel(theta, roughness).as_dict()
        if solid_fraction is not None:
            out["cassie_baxter"] = wetting.cassie_baxter(theta, solid_fraction).as_dict()
        if target is not None:
            out["wenzel_roughness_for_target"] = wetting.wenzel_roughness_for(theta, target)
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
