"""``lithiophile chem``: reactions with Li, interface type, elemental map, assessment."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from lithiophile.cli.display import echo_json
from lithiophile.cli.options import JSON

HELP = (
    "Predict what a material turns into in contact with Li metal: the reaction and its energy, "
    "the interface type I/II/III, the elemental lithiophilicity map, and a combined assessment."
)

app = typer.Typer(help=HELP, no_args_is_help=True)

_SOURCE_HELP = (
    "Energy source: bundled (experimental enthalpies, offline), crc-gibbs (CRC Handbook Gibbs "
    "energies, offline), mp (Materials Project, needs MP_API_KEY) or entries.json."
)


def _print_reaction(rx: Any) -> None:
    """Render a :class:`~lithiophile.thermo.reactions.ReactionResult`."""
    typer.echo(f"{rx.material} + Li at {rx.potential_V:g} V vs Li/Li+ (source {rx.source})")
    if rx.energy_per_atom_eV is None:
        typer.echo(f"  products at equilibrium with Li: {rx.full.equation}")
        typer.echo("  reaction energy: unknown (the material has no energy in this source)")
    elif not rx.reacts:
        typer.echo("  no reaction: stable against Li in this source")
    else:
        typer.echo(f"  most negative per atom: {rx.equation}")
        typer.echo(
            f"    {rx.energy_per_atom_eV:.3f} eV/atom, {rx.energy_per_formula_unit_eV:.3f} eV "
            f"per formula unit, {rx.energy_per_mol_Li_eV:.3f} eV per Li"
        )
        typer.echo(f"  with excess Li: {rx.full.equation} ({rx.full.per_atom_eV:.3f} eV/atom)")
        if rx.reduction_onset_V is not None:
            typer.echo(f"  reduced below {rx.reduction_onset_V:.2f} V vs Li/Li+")
        if len(rx.path) > 1:
            typer.echo("  path as Li is added:")
            for step in rx.path:
                typer.echo(f"    {step.equation}  ({step.per_atom_eV:.3f} eV/atom)")
    typer.echo(f"  energies: {rx.energy_kind}")
    for formula, origin in rx.energy_sources.items():
        typer.echo(f"    {formula}: {origin}")
    for note in rx.missing_phases:
        typer.echo(f"  note: {note}")


@app.command("react", help="The reaction of a material with Li and its energy.")
def react_cmd(
    material: str = typer.Argument(
        ..., help="Formula, e.g. ZnO or 'ZnO + Al'.", show_default=False
    ),
    source: str = typer.Option("bundled", "--source", help=_SOURCE_HELP),
    potential: float = typer.Option(0.0, "--potential", help="Potential vs Li/Li+ [V]."),
    json_: bool = JSON,
) -> None:
    from lithiophile.thermo import react

    rx = react(material, source=source, potential_V=potential)
    if json_:
        echo_json(rx)
        return
    _print_reaction(rx)


@app.command("interface", help="Interface type I/II/III of a material against Li metal.")
def interface_cmd(
    material: str = typer.Argument(..., help="Formula, e.g. Li7La3Zr2O12.", show_default=False),
    source: str = typer.Option("bundled", "--source", help=_SOURCE_HELP),
    json_: bool = JSON,
) -> None:
    from lithiophile.thermo import interface_type

    it = interface_type(material, source=source)
    if json_:
        echo_json(it)
        return
    typer.echo(f"{it.material}: interface type {it.type} ({it.basis})")
    for c in it.characters:
        typer.echo(f"  {c.formula}: {c.character} [{c.source}]")
    for r in it.reasons:
        typer.echo(f"  - {r}")
    if it.literature is not None and it.basis != "literature":
        lit = it.literature
        agree = "agrees" if lit.type == it.type else "DISAGREES"
        typer.echo(f"  literature ({lit.source}): type {lit.type}, {agree}: {lit.statement}")


@app.command("map", help="Elemental lithiophilicity map (review Figure 3A) as PNG or HTML.")
def map_cmd(
    output: Path | None = typer.Option(None, "-o", "--output", help="map.png or map.html."),
    source: str = typer.Option("bundled", "--source", help=_SOURCE_HELP),
    json_: bool = JSON,
) -> None:
    from lithiophile.thermo.elements import element_map, write_map

    records = element_map(source)
    if output is not None:
        write_map(records, output)
    if json_:
        echo_json(records)
        return
    agree = [
        r for r in records if r.review_class in ("green", "blue") and r.predicted == "reacts/wets"
    ]
    named = [r for r in records if r.review_class in ("green", "blue")]
    typer.echo(
        f"{sum(r.predicted == 'reacts/wets' for r in records)} elements react with Li, "
        f"{sum(r.predicted == 'does not react' for r in records)} do not, "
        f"{sum(r.predicted == 'unknown' for r in records)} unknown; "
        f"{len(agree)}/{len(named)} of the review's green/blue elements predicted to react."
    )
    if output is not None:
        typer.echo(f"wrote {output}")


@app.command("assess", help="Reaction, interface type, alloying and wetting, with a verdict.")
def assess_cmd(
    material: str = typer.Argument(..., help="Formula, e.g. Al2O3.", show_default=False),
    electrolyte: str = typer.Option("liquid", "--electrolyte", help="liquid or solid."),
    source: str = typer.Option("bundled", "--source", help=_SOURCE_HELP),
    adhesion: float | None = typer.Option(
        None, "--adhesion", help="Work of adhesion of Li on the material [J m-2], if known."
    ),
    temperature: str = typer.Option(
        "250C", "--temperature", help="Molten-Li temperature, e.g. 250C or 523K."
    ),
    json_: bool = JSON,
) -> None:
    from lithiophile.errors import InputError
    from lithiophile.thermo import assess
    from lithiophile.units import temperature_to_K
    from lithiophile.wetting import li_surface_tension

    t_k = temperature_to_K(temperature, name="--temperature")
    li_surface_tension(t_k, name="--temperature")
    if electrolyte not in ("liquid", "solid"):
        raise InputError(
            f"'--electrolyte' must be 'liquid' (host or coating) or 'solid' (interlayer on a "
            f"solid electrolyte). Got {electrolyte!r}."
        )
    a = assess(
        material,
        electrolyte=electrolyte,
        source=source,
        temperature_K=t_k,
        work_of_adhesion_J_m2=adhesion,
    )
    if json_:
        echo_json(a)
        return
    _print_assessment(a, typer.echo)


def _print_assessment(a: Any, echo: Any, indent: str = "") -> None:
    """Render an :class:`~lithiophile.thermo.assessment.Assessment`."""
    rx = a.reaction
    echo(f"{indent}{a.material} ({a.electrolyte} electrolyte): {a.verdict}")
    if rx.full.per_formula_unit_eV is None:
        echo(f"{indent}  reaction energy: unknown ({a.material} has no energy in the source);")
        echo(f"{indent}  if it is reduced, its elements give: {rx.full.equation}")
    elif not rx.reacts:
        echo(f"{indent}  reaction: none (stable against Li metal)")
    else:
        unc = rx.full.uncertainty_per_atom_eV
        pm = f" +- {unc:.3f}" if unc else ""
        echo(f"{indent}  reaction: {rx.equation} ({rx.energy_per_atom_eV:.3f}{pm} eV/atom)")
        echo(f"{indent}  with excess Li: {rx.full.equation}")
        if rx.marginal:
            echo(f"{indent}  (downhill by less than its uncertainty: marginal)")
    echo(f"{indent}  interface type {a.interface.type} ({a.interface.basis})")
    est = a.wetting.estimate
    if est is None:
        echo(f"{indent}  wets molten Li: unknown ({a.wetting.basis})")
    else:
        echo(
            f"{indent}  wets molten Li: {'yes' if est.wets else 'no'}, contact angle "
            f"{est.angle_deg:.0f} deg (range {est.low_deg:.0f}-{est.high_deg:.0f}) at "
            f"{est.temperature_K:.2f} K, {est.model}"
        )
        echo(f"{indent}    {a.wetting.basis}")


def demo_part(folder: Path, echo: Any, results: dict[str, Any]) -> dict[str, Any]:
    """Assess three coatings (ZnO on garnet, Al2O3, LiF), Li3PS4, the garnet, and wetting."""
    from lithiophile.store import to_payload
    from lithiophile.thermo import assess
    from lithiophile.thermo.elements import element_map, write_map
    from lithiophile.wetting.summary import summarize

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    echo("== chem: coatings on Li metal (ZnO, Al2O3, LiF), Li3PS4 and the garnet itself ==")
    echo(
        "  (energies: experimental formation enthalpies, 298 K; computed with CHGNet/SevenNet "
        "where no experiment exists)"
    )
    out: dict[str, Any] = {"assessments": []}
    for material, electrolyte in (
        ("ZnO", "solid"),
        ("Al2O3", "solid"),
        ("LiF", "solid"),
        ("Li3PS4", "solid"),
        ("Li7La3Zr2O12", "solid"),
    ):
        a = assess(material, electrolyte=electrolyte)
        _print_assessment(a, echo, indent="  ")
        out["assessments"].append(to_payload(a))
    records = element_map()
    png = write_map(records, folder / "element_map.png")
    named = [r for r in records if r.review_class in ("green", "blue")]
    agree = sum(r.predicted == "reacts/wets" for r in named)
    echo(
        f"  elemental map: {agree}/{len(named)} of the review's Figure 3A green/blue elements "
        f"predicted to react with Li; figure {png}"
    )
    at_30 = summarize(temperature_K=523.15, theta_deg=30.0)
    gamma, w30 = at_30.surface_tension_J_m2, at_30.work_of_adhesion_J_m2
    rough = summarize(temperature_K=523.15, theta_deg=80.0, roughness=1.6).wenzel
    assert rough is not None  # asked for: summarize computes it
    echo(
        f"  wetting at 250 C: gamma_Li = {gamma:.4f} N/m; W_ad for 30 deg = {w30:.3f} J/m2; "
        f"Wenzel r = 1.6 turns 80 deg into {rough.angle_deg:.1f} deg ({rough.regime})"
    )
    out["element_map_png"] = str(png)
    out["wetting"] = {
        "li_surface_tension_250C_N_m": gamma,
        "work_of_adhesion_for_30deg_J_m2": w30,
        "wenzel_80deg_r1.6": to_payload(rough),
    }
    return out
