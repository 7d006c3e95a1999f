"""``lithiophile report FILE... -o report.html``: one self-contained offline HTML report."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer

HELP = (
    "One self-contained HTML report (opens offline) of a cell's cycling and impedance files: "
    "cell card and practical-condition gaps, provenance, the review's figures, where the "
    "result stands in the literature, and how to reproduce it. --group overlays cells."
)

app = typer.Typer(help=HELP, no_args_is_help=True, add_completion=False)


def _state(**given: Any) -> Any:
    """The CellState from the options as typed (each parsed with its unit)."""
    from lithiophile.report.card import CellState
    from lithiophile.units import temperature_to_K, to_si

    units = {
        "area": ("area_m2", "m^2"),
        "li_thickness": ("li_thickness_m", "m"),
        "electrolyte_volume": ("electrolyte_volume_m3", "m^3"),
        "electrolyte_mass": ("electrolyte_mass_kg", "kg"),
        "electrolyte_density": ("electrolyte_density_kg_m3", "kg/m^3"),
        "pressure": ("pressure_Pa", "Pa"),
        "cathode_capacity": ("cathode_capacity_C_m2", "C/m^2"),
    }
    kw: dict[str, Any] = {}
    for option, (field, unit) in units.items():
        text = given[option]
        if text is not None:
            flag = "--" + option.replace("_", "-")
            kw[field] = to_si(text, unit, name=f"the '{flag}' option of report")
    if given["temperature"] is not None:
        kw["temperature_K"] = temperature_to_K(
            given["temperature"], name="the '--temperature' option of report"
        )
    kw["electrolyte"] = given["electrolyte"]
    kw["substrate"] = given["substrate"]
    kw["materials"] = tuple(given["material"] or ())
    return CellState(**kw)


@app.command("report", help=HELP)
def report(
    files: list[Path] = typer.Argument(
        ..., help="Cycling and impedance files.", show_default=False
    ),
    out: Path = typer.Option(Path("report.html"), "-o", "--out", help="The HTML file to write."),
    group: bool = typer.Option(False, "--group", help="Each file is a cell: overlay them."),
    area: str | None = typer.Option(None, "--area", help='Electrode area, e.g. "1.13 cm^2".'),
    li_thickness: str | None = typer.Option(None, "--li-thickness", help='e.g. "50 um".'),
    electrolyte: str | None = typer.Option(None, "--electrolyte", help='e.g. "1 M LiPF6 EC/DEC".'),
    electrolyte_volume: str | None = typer.Option(
        None, "--electrolyte-volume", help='Electrolyte in the cell, e.g. "40 uL".'
    ),
    electrolyte_mass: str | None = typer.Option(
        None, "--electrolyte-mass", help='Electrolyte in the cell, e.g. "48 mg".'
    ),
    electrolyte_density: str | None = typer.Option(
        None, "--electrolyte-density", help='e.g. "1.2 g/mL" (turns a volume into g Ah-1).'
    ),
    substrate: str | None = typer.Option(None, "--substrate", help='e.g. "ZnO-coated Cu".'),
    temperature: str | None = typer.Option(None, "--temperature", help='e.g. "25C".'),
    pressure: str | None = typer.Option(None, "--pressure", help='Stack pressure, e.g. "1 MPa".'),
    cathode_capacity: str | None = typer.Option(
        None, "--cathode-capacity", help='Areal capacity of a full cell\'s cathode, "4 mAh/cm^2".'
    ),
    material: list[str] = typer.Option(
        [], "--material", help="Material to assess with thermo (repeatable), e.g. ZnO."
    ),
    protocol: str = typer.Option("auto", "--protocol", help="As cell analyze --protocol."),
    circuit: str = typer.Option("auto", "--circuit", help="As eis fit --circuit."),
    no_compare: bool = typer.Option(
        False, "--no-compare", help="Leave out the literature placement."
    ),
    json_: bool = typer.Option(False, "--json", help="Print what was written as JSON."),
) -> None:
    from lithiophile.cli.display import echo_json
    from lithiophile.report.build import build_report

    state = _state(
        area=area,
        li_thickness=li_thickness,
        electrolyte=electrolyte,
        electrolyte_volume=electrolyte_volume,
        electrolyte_mass=electrolyte_mass,
        electrolyte_density=electrolyte_density,
        substrate=substrate,
        temperature=temperature,
        pressure=pressure,
        cathode_capacity=cathode_capacity,
        material=material,
    )
    result = build_report(
        files,
        out,
        state=state,
        group=group,
        protocol=protocol,
        circuit=circuit,
        compare=not no_compare,
        command="lithiophile " + " ".join(sys.argv[1:]),
    )
    if json_:
        echo_json(result)
        return
    _print(result)


def _print(result: Any) -> None:
    mb = 1e6
    typer.echo(
        f"wrote {result.path} ({result.size_bytes / mb:.2f} MB: plotting library "
        f"{result.library_bytes / mb:.2f} MB, data and figures {result.content_bytes / mb:.2f} MB)"
        f", {result.figures} figures from {result.files} file(s)"
    )
    for err in result.errors:
        typer.echo(f"warning: {err}", err=True)
    typer.echo(f"open it in a browser: {result.path.resolve().as_uri()}")


def demo_part(folder: Path, echo: Any, results: dict[str, Any]) -> dict[str, Any]:
    """Write a report of the demo's Li||Li cell (its cycling file and its before/after
    spectra) and a group report overlaying the demo's cycling cells; print the paths."""
    from lithiophile.report.build import build_report
    from lithiophile.report.card import CellState
    from lithiophile.store import to_payload

    folder.mkdir(parents=True, exist_ok=True)
    cycling, spectra = _demo_files(folder)
    # what a user would state about the cell; the card shows each with its source
    state = CellState(
        li_thickness_m=100e-6,
        electrolyte="1 M LiPF6 in EC/DEC (synthetic example)",
        electrolyte_volume_m3=40e-9,
        electrolyte_density_kg_m3=1200.0,
        materials=("ZnO",),
    )
    one = build_report(
        [cycling[-1], *spectra], folder / "li_li_cell.html", state=state, title="demo: Li||Li cell"
    )
    many = build_report(
        cycling, folder / "cells.html", group=True, title="demo: the example cells overlaid"
    )
    echo("== report: one offline HTML file per experiment (lithiophile report)")
    for label, r in (("Li||Li cell (cycling + EIS)", one), ("cells overlaid (--group)", many)):
        echo(
            f"   {label:28s} {r.figures:2d} figures, {r.size_bytes / 1e6:.1f} MB "
            f"(data and figures {r.content_bytes / 1e6:.2f} MB)"
        )
        echo(f"   open: {r.path.resolve().as_uri()}")
    return {"reports": to_payload([one, many])}


def _demo_files(folder: Path) -> tuple[list[Path], list[Path]]:
    """The cycling and impedance files the demo's cell and eis parts wrote, or the same
    synthetic cells written here when this part runs alone."""
    from lithiophile.report.index import list_files

    cell_dir, eis_dir = folder.parent / "cell", folder.parent / "eis"
    sym = cell_dir / "li_li_symmetric.parquet"
    spectra = sorted(eis_dir.glob("li_li_*.parquet")) if eis_dir.is_dir() else []
    spectra.sort(key=lambda p: "after" in p.name)  # before cycling, then after
    if sym.is_file() and spectra:
        # every cycling file of the demo's cell part (several instruments), the Li||Li cell last
        others = [p for p in list_files(cell_dir) if p != sym]
        return [*others, sym], spectra
    from lithiophile.cli.eis import DEMO_TERMS
    from lithiophile.synth import cells
    from lithiophile.synth.spectra import frequencies, spectrum

    own = folder / "examples"
    own.mkdir(parents=True, exist_ok=True)
    cycling = [
        cells.li_cu_reservoir(sample_s=60.0).write(own / "li_cu_reservoir.parquet"),
        cells.symmetric(cycles=60, sample_s=60.0, soft_shorts=[(40.3 * 3600, 300.0)]).write(
            own / "li_li_symmetric.parquet"
        ),
    ]
    f = frequencies(1e6, 0.1, 8)
    spectra = [
        spectrum(t, f, seed=k)
        .to_impedance_data(area_m2=1.13e-4, cycle=10 * (k - 1))
        .write_parquet(own / f"li_li_{k}_{label}.parquet")
        for k, (label, t) in enumerate(DEMO_TERMS.items(), 1)
    ]
    return cycling, spectra
