"""``lithiophile cell analyze FILE|DIR...``: Li-metal figures from cycling files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

HELP = (
    "Li-metal anode figures from cycling files: Li||Cu Coulombic efficiency (per cycle, "
    "reservoir protocol), symmetric-cell polarization and lifetime, soft shorts, nucleation "
    "overpotential, critical current density."
)

app = typer.Typer(help=HELP, no_args_is_help=True)

PROTOCOL_HELP = "auto, li-cu, li-cu-reservoir, symmetric, ccd or nucleation."

#: mAh cm-2 per C m-2 and mA cm-2 per A m-2 (1 mAh = 3.6 C, 1 cm2 = 1e-4 m2).
_MAH_CM2 = 1 / 36000.0
_MA_CM2 = 0.1
#: Display of each metric kind here (capacities computed from the factor above).
_UNITS = {
    "polarization": ("mV", 1e3),
    "li_cu_ce": ("%", 100.0),
    "average_ce": ("%", 100.0),
    "cycle_life_time": ("h", 1 / 3600),
    "cycle_life_cycles": ("cycles", 1.0),
    "critical_current_density": ("mA cm-2", _MA_CM2),
    "cumulative_capacity": ("mAh cm-2", _MAH_CM2),
    "nucleation_overpotential": ("mV", 1e3),
    "growth_overpotential": ("mV", 1e3),
}


def _g(x: float) -> str:
    return f"{x:.4g}"


def conditions_text(c: dict[str, Any]) -> str:
    """Conditions of a metric dict in display units: ``after 300 h, 150 cycles at ...``."""
    after = []
    if c.get("time_s") is not None:
        after.append(f"{_g(c['time_s'] / 3600)} h")
    if c.get("cycle") is not None:
        after.append(f"{c['cycle']} cycles")
    at = []
    if c.get("current_density_A_m2") is not None:
        at.append(f"{_g(c['current_density_A_m2'] * _MA_CM2)} mA cm-2")
    if c.get("areal_capacity_C_m2") is not None:
        at.append(f"{_g(c['areal_capacity_C_m2'] * _MAH_CM2)} mAh cm-2")
    if c.get("temperature_K") is not None:
        at.append(f"{_g(c['temperature_K'] - 273.15)} °C")
    if c.get("cutoff_V") is not None:
        at.append(f"cut-off {_g(c['cutoff_V'])} V")
    extra = dict(tuple(p) for p in c.get("extra") or ())
    if "current_A" in extra:
        at.append(f"{_g(float(extra['current_A']) * 1e3)} mA (area unknown)")
    if "capacity_C" in extra:
        at.append(f"{_g(float(extra['capacity_C']) / 3.6)} mAh")
    parts = []
    if after:
        parts.append("after " + ", ".join(after))
    if at:
        parts.append("at " + ", ".join(at))
    if c.get("cell"):
        parts.append(c["cell"])
    return ", ".join(parts)


def value_text(m: dict[str, Any]) -> str:
    """A metric dict's value in its display unit."""
    unit, factor = _UNITS.get(m["metric"], (m.get("unit") or "", 1.0))
    return f"{_g(m['value'] * factor)} {unit}".strip()


def _figure_name(m: dict[str, Any]) -> str:
    name = m["metric"].replace("_", " ")
    return f"{name} ({m['variant']})" if m.get("variant") else name


def _files(paths: list[Path]) -> list[Path]:
    from lithiophile.errors import InputError

    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.is_file() and not f.name.startswith("."))
            if not found:
                raise InputError(f"the folder '{p}' holds no files to analyse")
            out += found
        elif p.exists():
            out.append(p)
        else:
            raise InputError(f"no such file or folder: '{p}'. Check the path.")
    return out


def _cycle_range(text: str) -> tuple[int, int]:
    from lithiophile.errors import InputError

    try:
        first, last = (int(x) for x in text.split("-"))
    except ValueError:
        raise InputError(
            f"The 'ce-range' option of cell analyze must be two cycle numbers such as \"10-50\". "
            f"Got {text!r}."
        ) from None
    return first, last


def _area(area: str | None, diameter: str | None) -> float | None:
    from lithiophile.errors import InputError
    from lithiophile.units import area_from_diameter_m2, to_si

    if area is not None and diameter is not None:
        raise InputError("give either --area or --diameter, not both")
    if area is not None:
        value = to_si(area, "m^2", name="the 'area' option of cell analyze")
        if value <= 0:
            raise InputError(
                f"The 'area' option of cell analyze must be a positive area such as "
                f'"1.13 cm^2". Got {area!r}.'
            )
        return value
    if diameter is not None:
        return area_from_diameter_m2(diameter)
    return None


@app.command("analyze", help="Figures per file with their conditions (a folder: every file).")
def analyze(
    paths: list[Path] = typer.Argument(..., help="Files or folders.", show_default=False),
    protocol: str = typer.Option("auto", "--protocol", help=PROTOCOL_HELP),
    area: str | None = typer.Option(None, "--area", help='Electrode area, e.g. "1.13 cm^2".'),
    diameter: str | None = typer.Option(
        None, "--diameter", help='Electrode (disc) diameter, e.g. "12 mm".'
    ),
    json_: bool = typer.Option(False, "--json", help="Print JSON for machines."),
    csv_: bool = typer.Option(False, "--csv", help="Print one CSV row per figure."),
    plot: Path | None = typer.Option(
        None, "--plot", help="Plot of one file: out.png (matplotlib) or out.html (plotly)."
    ),
    workers: int = typer.Option(1, "--workers", help="Processes for a batch of files."),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="Dask scheduler address, e.g. tcp://host:8786."
    ),
    store_path: Path | None = typer.Option(
        None, "--store", help="Store file (default: the project's store in LITHIOPHILE_HOME)."
    ),
    ce_range: list[str] = typer.Option(
        [], "--ce-range", help='Also average the Li||Cu CE over these cycles, e.g. "10-50".'
    ),
    ce_threshold: float = typer.Option(
        0.8, "--ce-threshold", help="Li||Cu cycle life: first cycle with CE below this."
    ),
    limit: str = typer.Option(
        "1 V", "--limit", help='Symmetric cell fails when |V| exceeds this, e.g. "1 V".'
    ),
) -> None:
    import json

    from lithiophile.echem.analysis import analyze_files
    from lithiophile.echem.result import AnalysisOptions
    from lithiophile.errors import InputError, LithiophileError
    from lithiophile.store import Store
    from lithiophile.units import to_si

    if json_ and csv_:
        raise InputError("give either --json or --csv, not both")
    files = _files(paths)
    if plot is not None and len(files) != 1:
        raise InputError(f"--plot draws one file; {len(files)} were given")
    if plot is not None and plot.suffix.lower() not in (".png", ".html"):
        raise InputError(f"--plot must end in .png or .html. Got '{plot.name}'.")
    opts = AnalysisOptions(
        protocol=protocol,
        area_m2=_area(area, diameter),
        ce_threshold=ce_threshold,
        polarization_limit_V=to_si(limit, "V", name="the 'limit' option of cell analyze"),
        ce_ranges=tuple(_cycle_range(r) for r in ce_range),
    )
    store = Store(store_path)
    items = analyze_files(files, opts, workers=workers, scheduler=scheduler, store=store)
    failed = [it for it in items if not it.ok]
    if len(items) == 1 and failed:
        raise LithiophileError(f"{items[0].path}: {items[0].error}")
    if plot is not None:
        from lithiophile.echem.plot import plot_analysis
        from lithiophile.echem.result import CellAnalysis
        from lithiophile.io import CellData, read

        data = read(files[0])
        if isinstance(data, CellData) and items[0].result is not None:
            plot_analysis(data, CellAnalysis.from_dict(items[0].result), plot)
    if json_:
        out = [
            {
                "file": it.path,
                "cached": it.cached,
                "result": it.result,
                "error": it.error,
                "warnings": list(it.warnings),
            }
            for it in items
        ]
        typer.echo(json.dumps(out if len(out) > 1 else out[0], indent=2, default=str))
    elif csv_:
        _print_csv(items)
    else:
        _print_table(items)
        if plot is not None:
            typer.echo(f"plot written to {plot}")
    if failed:
        for it in failed:
            typer.echo(f"error: {it.path}: {it.error}", err=True)
        raise typer.Exit(1)


def _print_csv(items: list[Any]) -> None:
    import csv
    import sys

    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(
        [
            "file",
            "protocol",
            "metric",
            "variant",
            "value",
            "unit",
            "display",
            "conditions",
            "definition",
        ]
    )
    for it in items:
        if not it.ok:
            continue
        for m in it.result["metrics"]:
            writer.writerow(
                [
                    it.path,
                    it.result["protocol"],
                    m["metric"],
                    m["variant"] or "",
                    repr(m["value"]),
                    m["unit"],
                    value_text(m),
                    conditions_text(m["conditions"]),
                    m["definition"],
                ]
            )


def _print_table(items: list[Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    for it in items:
        if not it.ok:
            continue
        r = it.result
        cached = " (from the store)" if it.cached else ""
        table = Table(
            title=f"{Path(it.path).name}: {r['protocol']}{cached}",
            caption=r["detection"],
            title_justify="left",
        )
        table.add_column("figure", style="bold")
        table.add_column("value", justify="right")
        table.add_column("conditions")
        for m in r["metrics"]:
            table.add_row(_figure_name(m), value_text(m), conditions_text(m["conditions"]))
        console.print(table)
        for e in r["events"]:
            if e["kind"] in ("soft-short", "failure"):
                console.print(f"  {e['kind']} at {e['time_s'] / 3600:.4g} h: {e['detail']}")
        for note in r["notes"]:
            console.print(f"  note: {note}")
        for w in it.warnings:
            console.print(f"  warning: {w}")


def demo_part(folder: Path, echo: Any, results: dict[str, Any]) -> dict[str, Any]:
    """Analyse a synthetic Li||Cu reservoir test and a synthetic symmetric cell; print the
    review's Table 1 columns (polarized potential after cycling, Li-Cu efficiency, cycle life)
    with their conditions."""
    from lithiophile import cite
    from lithiophile.echem.analysis import analyze_files
    from lithiophile.echem.result import AnalysisOptions
    from lithiophile.store import Store
    from lithiophile.synth import cells

    folder.mkdir(parents=True, exist_ok=True)
    reservoir = cells.li_cu_reservoir(sample_s=60.0)
    sym = cells.symmetric(
        cycles=60,
        half_cycle_s=3600.0,
        sample_s=60.0,
        hard_short_s=100.5 * 3600,
        soft_shorts=[(40.3 * 3600, 300.0)],
        growth_per_cycle=0.004,
    )
    files = [
        reservoir.write(folder / "li_cu_reservoir.parquet"),
        sym.write(folder / "li_li_symmetric.parquet"),
    ]
    items = analyze_files(files, AnalysisOptions(), store=Store(folder / "demo.duckdb"))
    res, symr = (it.result for it in items)
    assert res is not None and symr is not None
    cite.register("Li2021")

    def pick(result: dict[str, Any], metric: str, variant: str | None, note: str | None = None):
        for m in result["metrics"]:
            same = m["metric"] == metric and (variant is None or m["variant"] == variant)
            if same and (note is None or note in m["notes"]):
                return m
        return None

    polar = pick(symr, "polarization", "plateau", "before failure") or pick(
        symr, "polarization", "plateau", "last cycle"
    )
    ce = pick(res, "average_ce", "reservoir")
    life = pick(symr, "cycle_life_time", None)
    echo("== cell: Li-metal figures from cycling data (lithiophile cell analyze)")
    echo(
        "synthetic Li||Cu reservoir test (Adams 2018) and Li||Li symmetric cell, true values "
        "known by construction"
    )
    echo("review's Table 1 columns:")
    rows = [
        ("polarized potential after cycling", polar),
        ("Li-Cu efficiency", ce),
        ("cycle life", life),
    ]
    for label, m in rows:
        if m is None:
            echo(f"  {label:34s} not reached within the data")
        else:
            echo(f"  {label:34s} {value_text(m):>10s}  {conditions_text(m['conditions'])}")
    true_polar = None
    if polar is not None:
        cycle = int(polar["conditions"]["cycle"])
        true_polar = sum(sym.truth["plateau_V"][2 * cycle - 2 : 2 * cycle]) / 2
    echo(
        f"  (true, by construction: polarization {true_polar * 1e3:.4g} mV, CE_avg "
        f"{reservoir.truth['ce_adams']:.2%}, hard short at "
        f"{sym.truth['failure_time_s'] / 3600:.4g} h)"
        if true_polar is not None
        else f"  (true: CE_avg {reservoir.truth['ce_adams']:.2%})"
    )
    for e in symr["events"]:
        if e["kind"] == "soft-short":
            echo(f"  soft short at {e['time_s'] / 3600:.4g} h ({e['detail']})")
    return {
        "files": [str(f) for f in files],
        "table1": {label: m for label, m in rows},
        "metrics": {"li_cu_reservoir": res["metrics"], "symmetric": symr["metrics"]},
        "truth": {
            "polarization_V": true_polar,
            "ce_adams": reservoir.truth["ce_adams"],
            "failure_time_s": sym.truth["failure_time_s"],
        },
    }
