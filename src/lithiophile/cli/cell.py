"""``lithiophile cell analyze FILE|DIR...``: Li-metal figures from cycling files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from lithiophile.cli.display import value_text
from lithiophile.cli.options import JSON, SCHEDULER, STORE, WORKERS, area_m2

HELP = (
    "Li-metal anode figures from cycling files: Li||Cu Coulombic efficiency (per cycle, "
    "reservoir protocol), symmetric-cell polarization and lifetime, soft shorts, nucleation "
    "overpotential, critical current density. Voltage-only files with --current."
)

app = typer.Typer(help=HELP, no_args_is_help=True)

PROTOCOL_HELP = "auto, li-cu, li-cu-reservoir, symmetric, ccd or nucleation."


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
            f"The '--ce-range' option of cell analyze must be two cycle numbers such as \"10-50\". "
            f"Got {text!r}."
        ) from None
    return first, last


def _si(text: str | None, unit: str, flag: str) -> float | None:
    from lithiophile.units import to_si

    return None if text is None else to_si(text, unit, name=f"the '{flag}' option of cell analyze")


def _options(
    protocol: str,
    area: str | None,
    diameter: str | None,
    current: str | None,
    current_density: str | None,
    ce_threshold: float,
    limit: str,
    ce_range: list[str],
) -> Any:
    from lithiophile.echem.result import AnalysisOptions

    return AnalysisOptions(
        protocol=protocol,
        area_m2=area_m2(area, "cell analyze", diameter=diameter),
        ce_threshold=ce_threshold,
        polarization_limit_V=_si(limit, "V", "limit") or 0.0,
        ce_ranges=tuple(_cycle_range(r) for r in ce_range),
        current_A=_si(current, "A", "current"),
        current_density_A_m2=_si(current_density, "A/m^2", "current-density"),
    )


@app.command("analyze", help="Figures per file with their conditions (a folder: every file).")
def analyze(
    paths: list[Path] = typer.Argument(..., help="Files or folders.", show_default=False),
    protocol: str = typer.Option("auto", "--protocol", help=PROTOCOL_HELP),
    area: str | None = typer.Option(None, "--area", help='Electrode area, e.g. "1.13 cm^2".'),
    diameter: str | None = typer.Option(
        None, "--diameter", help='Electrode (disc) diameter, e.g. "12 mm".'
    ),
    current: str | None = typer.Option(
        None,
        "--current",
        help='Applied current of a voltage-only file, e.g. "0.4 mA" (sign from the voltage).',
    ),
    current_density: str | None = typer.Option(
        None,
        "--current-density",
        help='Applied current density of a voltage-only file, e.g. "0.5 mA cm-2" (needs an area).',
    ),
    join: bool = typer.Option(
        False, "--join", help="The files continue one test (continuation files): join them."
    ),
    json_: bool = JSON,
    csv_: bool = typer.Option(False, "--csv", help="Print one CSV row per figure."),
    plot: Path | None = typer.Option(
        None, "--plot", help="Plot of one file: out.png (matplotlib) or out.html (plotly)."
    ),
    workers: int = WORKERS,
    scheduler: str | None = SCHEDULER,
    store_path: Path | None = STORE,
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
    from lithiophile.echem.analysis import analyze as run_analysis
    from lithiophile.echem.analysis import batch_name
    from lithiophile.errors import InputError, LithiophileError
    from lithiophile.store import Store

    if json_ and csv_:
        raise InputError("give either --json or --csv, not both")
    files = _files(paths)
    if plot is not None and (len(files) != 1 or join):
        raise InputError(f"--plot draws one file; {len(files)} were given")
    if plot is not None and plot.suffix.lower() not in (".png", ".html"):
        raise InputError(f"--plot must end in .png or .html. Got '{plot.name}'.")
    if join and len(files) < 2:
        raise InputError("--join joins the files of one test: give two files or more")
    opts = _options(
        protocol, area, diameter, current, current_density, ce_threshold, limit, ce_range
    )
    rows: list[Row]
    if plot is not None:
        rows = [_plotted(files[0], opts, plot)]
    else:
        batch = run_analysis(
            files, opts, join=join, workers=workers, scheduler=scheduler, store=Store(store_path)
        )
        if len(batch) == 1 and batch.failed:
            raise LithiophileError(f"{batch_name(batch.results[0].item)}: {batch.failed[0].error}")
        rows = [(batch_name(r.item), r.value, r.cached, r.warnings, r.error) for r in batch]
    _render(rows, json_, csv_)
    if plot is not None and not (json_ or csv_):
        typer.echo(f"plot written to {plot}")
    if plot is None:
        from lithiophile.cli.display import finish_batch

        finish_batch(batch, name=batch_name)


#: One analysed input as rendered: name, CellAnalysis (or None), cached, warnings, error.
Row = tuple[str, Any, bool, tuple[str, ...], str | None]


def _plotted(path: Path, opts: Any, out: Path) -> Row:
    """Read one file once, analyse it and plot it."""
    import warnings

    from lithiophile.echem.analysis import analyze_data
    from lithiophile.echem.plot import plot_analysis
    from lithiophile.errors import InputError
    from lithiophile.io import CellData, read

    data = read(path)
    if not isinstance(data, CellData):
        raise InputError(f"'{path}' holds an impedance spectrum; plot it with 'eis fit'")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # kept in the result's warnings
        result = analyze_data(data, opts)
    plot_analysis(data, result, out)
    return str(path), result, False, result.warnings, None


def _render(rows: list[Row], json_: bool, csv_: bool) -> None:
    from lithiophile.cli.display import echo_json, print_metrics, write_metrics_csv

    if json_:
        out = [
            {"file": f, "cached": c, "result": r, "error": e, "warnings": list(w)}
            for f, r, c, w, e in rows
        ]
        echo_json(out if len(out) > 1 else out[0])
        return
    if csv_:
        write_metrics_csv(
            ({"file": f, "protocol": r.protocol}, r.metrics) for f, r, _, _, _ in rows if r
        )
        return
    for f, r, cached, warned, _ in rows:
        if r is None:
            continue
        origin = " (from the store)" if cached else ""
        print_metrics(r.metrics, title=f"{Path(f).name}: {r.protocol}{origin}", caption=r.detection)
        _print_details(r, warned)


def _print_details(r: Any, warned: tuple[str, ...]) -> None:
    """Events, notes, warnings and the provenance list of one analysis."""
    from rich.console import Console

    console = Console()
    for e in r.events:
        if e.kind in ("soft-short", "failure"):
            console.print(f"  {e.kind} at {e.time_s / 3600:.4g} h: {e.detail}", highlight=False)
    for note in r.notes:
        console.print(f"  note: {note}", highlight=False)
    for w in dict.fromkeys((*r.warnings, *warned)):
        console.print(f"  warning: {w}", highlight=False)
    for p in r.provenance:
        console.print(f"  provenance: {p}", highlight=False)


def demo_part(folder: Path, echo: Any, results: dict[str, Any]) -> dict[str, Any]:
    """Analyse a synthetic Li||Cu reservoir test, a synthetic symmetric cell and a realistic
    noisy symmetric cell (record-on-change sampling, current noise at the bottom of its range,
    rests, written as a BioLogic .mpt); print the review's Table 1 columns
    (polarized potential after cycling, Li-Cu efficiency, cycle life) with their conditions,
    and the realistic cell's figures against their truth with its provenance list."""
    from lithiophile import cite
    from lithiophile.echem.analysis import analyze as run_analysis
    from lithiophile.store import Store, to_payload

    folder.mkdir(parents=True, exist_ok=True)
    reservoir, sym, noisy, files = _demo_cells(folder)
    batch = run_analysis(files, store=Store(folder / "demo.duckdb"))
    res, symr, real = (r.value for r in batch)
    if res is None or symr is None or real is None:
        raise RuntimeError(f"the demo's own cells failed: {batch.failure_summary()}")
    cite.register("Li2021")
    for key in (*res.citations, *symr.citations, *real.citations):
        cite.register(key)
    echo("== cell: Li-metal figures from cycling data (lithiophile cell analyze)")
    echo(
        "synthetic Li||Cu reservoir test (Adams 2018) and Li||Li symmetric cell, true values "
        "known by construction"
    )
    rows = _demo_table1(res, symr, echo)
    polar = rows[0][1]
    true_polar = None
    if polar is not None and polar.conditions.cycle is not None:
        cycle = int(polar.conditions.cycle)
        true_polar = sum(sym.truth["plateau_V"][2 * cycle - 2 : 2 * cycle]) / 2
    echo(
        f"  (true, by construction: polarization {true_polar * 1e3:.4g} mV, CE_avg "
        f"{reservoir.truth['ce_adams']:.2%}, hard short at "
        f"{sym.truth['failure_time_s'] / 3600:.4g} h)"
        if true_polar is not None
        else f"  (true: CE_avg {reservoir.truth['ce_adams']:.2%})"
    )
    for e in symr.events:
        if e.kind == "soft-short":
            echo(f"  soft short at {e.time_s / 3600:.4g} h ({e.detail})")
    real_out = _demo_realistic(real, noisy.truth, echo)
    return {
        "files": [str(f) for f in files],
        "table1": to_payload(dict(rows)),
        "metrics": to_payload(
            {"li_cu_reservoir": res.metrics, "symmetric": symr.metrics, "realistic": real.metrics}
        ),
        "realistic": real_out,
        "truth": {
            "polarization_V": true_polar,
            "ce_adams": reservoir.truth["ce_adams"],
            "failure_time_s": sym.truth["failure_time_s"],
        },
    }


def _demo_cells(folder: Path) -> tuple[Any, Any, Any, list[Path]]:
    """The demo's three synthetic cells, written under ``folder``, and their files."""
    from lithiophile.synth import cells
    from lithiophile.synth.realistic import realistic_symmetric

    reservoir = cells.li_cu_reservoir(sample_s=60.0)
    sym = cells.symmetric(
        cycles=60,
        half_cycle_s=3600.0,
        sample_s=60.0,
        hard_short_s=100.5 * 3600,
        soft_shorts=[(40.3 * 3600, 300.0)],
        growth_per_cycle=0.004,
    )
    noisy = realistic_symmetric(layout="biologic-mpt", cycles=4, seed=7)
    files = [
        reservoir.write(folder / "li_cu_reservoir.parquet"),
        sym.write(folder / "li_li_symmetric.parquet"),
        noisy.write(folder / "li_li_realistic.mpt", fmt="biologic-mpt"),
    ]
    return reservoir, sym, noisy, files


def _demo_table1(res: Any, symr: Any, echo: Any) -> list[tuple[str, Any]]:
    """The review's Table 1 columns from the reservoir and symmetric analyses, printed."""
    plateau = symr.find("polarization", "plateau")
    polar = next((m for m in plateau if "before failure" in m.notes), None) or next(
        (m for m in plateau if "last cycle" in m.notes), None
    )
    rows = [
        ("polarized potential after cycling", polar),
        ("Li-Cu efficiency", next(iter(res.find("average_ce", "reservoir")), None)),
        ("cycle life", next(iter(symr.find("cycle_life_time")), None)),
    ]
    echo("review's Table 1 columns:")
    for label, m in rows:
        if m is None:
            echo(f"  {label:34s} not reached within the data")
        else:
            echo(f"  {label:34s} {value_text(m):>10s}  {m.conditions.display()}")
    return rows


def _demo_realistic(real: Any, truth: dict[str, Any], echo: Any) -> dict[str, Any]:
    """The realistic cell's plateau and charge against the truth, and its provenance list."""
    half = real.half_cycles
    plateau = half.get_column("plateau_abs_V").to_list()
    charge = half.get_column("capacity_C").to_list()
    worst_v = max(abs(a - b) for a, b in zip(plateau, truth["plateau_V"], strict=True))
    worst_q = max(abs(a / b - 1) for a, b in zip(charge, truth["capacity_C"], strict=True))
    echo(
        "realistic noisy Li||Li cell as a BioLogic .mpt (current noise +-"
        f"{truth['noise_A'] / truth['current_A']:.0%} at the bottom of its range, "
        "record-on-change sampling, rests and open circuit):"
    )
    echo(
        f"  {len(plateau)} half-cycles; plateau |V| within {worst_v * 1e3:.2g} mV and charge "
        f"within {worst_q:.2%} of the truth"
    )
    echo("  provenance (what was read, assumed or repaired):")
    for line in real.provenance:
        echo(f"    - {line}")
    return {
        "plateau_V": plateau,
        "capacity_C": charge,
        "max_plateau_error_V": worst_v,
        "max_charge_error": worst_q,
        "provenance": list(real.provenance),
    }
