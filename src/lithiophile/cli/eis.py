"""``lithiophile eis fit|series``: interfacial resistance from impedance spectra."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from lithiophile.cli.display import echo_json
from lithiophile.cli.options import JSON, SCHEDULER, STORE, WORKERS, area_m2
from lithiophile.store import to_payload

HELP = (
    "Interfacial resistance from impedance spectra: equivalent-circuit fits with automatic "
    "initial guesses, Lin-KK check, DRT, area-specific and per-interface values, series over "
    "rest time, cycles and temperature with an Arrhenius fit."
)

app = typer.Typer(help=HELP, no_args_is_help=True)

_CIRCUIT_HELP = (
    "Circuit string in impedance.py notation (e.g. 'R0-p(R1,CPE1)-W1'), a library name "
    "(one-arc, one-arc-warburg, two-arc, two-arc-warburg, randles), or 'auto' (lowest BIC)."
)


def _constraints(
    fix: list[str], bounds: list[str], model: Path | None, circuit: str
) -> tuple[str, dict[str, Any]]:
    """The circuit and the fit_files options --fix, --bounds and --model give."""
    from lithiophile.echem.impedance.constraints import parse_bounds, parse_fixed
    from lithiophile.errors import InputError

    kw: dict[str, Any] = {"fix": parse_fixed(fix), "bounds": parse_bounds(bounds)}
    if model is None:
        return circuit, kw
    from lithiophile.echem.impedance import Circuit
    from lithiophile.echem.impedance.library import resolve

    start = Circuit.load(model)
    if circuit != "auto" and resolve(circuit) != start.circuit:
        raise InputError(
            f"--circuit {circuit!r} and --model '{model}' ({start.circuit!r}) disagree; give "
            "one of them."
        )
    kw["fix"] = {**start.fixed, **kw["fix"]}
    kw["bounds"] = {**start.bounds, **kw["bounds"]}
    kw["initial_guess"] = [p.value for p in start.params_]
    return start.circuit, kw


def _analyse_files(
    files: list[Path], *, area: str | None, store_path: Path | None = None, **options: Any
) -> Any:
    """Call the entry function (``options`` as :func:`lithiophile.echem.impedance.fit_files`
    takes them) and print its warnings, once each."""
    from lithiophile.echem.impedance import fit_files
    from lithiophile.store import Store

    res = fit_files(files, area=area_m2(area, "eis"), store=Store(store_path), **options)
    for text in res.warnings:
        typer.echo(f"warning: {text}", err=True)
    return res


def _fail_if_any(res: Any) -> None:
    """Exit 1 (one error line) when a file of the batch failed, naming each."""
    from lithiophile.errors import InputError

    failed = res.failed
    if len(failed) == 1 and len(res.files) == 1:
        raise InputError(failed[0].error or "the file could not be analysed")
    if failed:
        for item in failed:
            typer.echo(f"failed: {item.path}: {item.error}", err=True)
        raise InputError(
            f"{len(failed)} of {len(res.files)} files failed (listed above); the others' "
            "results are in the store."
        )


def _print_parameters(fit: Any) -> None:
    for p in fit.params_:
        held = "  (fixed)" if p.fixed else ""
        typer.echo(
            f"    {p.name:<12} {p.value:11.4g} ± {p.stderr:<10.3g} [{p.ci_low:.4g}, "
            f"{p.ci_high:.4g}] {p.unit}{held}"
        )


def _print_fit(result: Any) -> None:
    fit = result.fit
    kk = fit.kk_
    kk_text = "" if kk is None else f", Lin-KK {'pass' if kk.passed else 'FAIL'} ({kk.rms:.2%})"
    typer.echo(f"{result.name}: {fit.circuit}  chi2 {fit.chi_square_:.3g}{kk_text}")
    _print_parameters(fit)
    for m in result.metrics:
        typer.echo(f"  {m.display()}")
    if result.drt is not None:
        peaks = ", ".join(
            f"tau {p.tau_s:.3g} s: {p.r_ohm:.3g} ohm"
            + (f" (ZARC phi {p.phi:.2f})" if p.refined and p.phi is not None else "")
            + ("" if p.in_window else " (outside the measured window)")
            for p in result.drt.peaks
        )
        typer.echo(f"  DRT (lambda {result.drt.lam:.2g} by {result.drt.method}): {peaks}")
        for note in result.drt.notes:
            typer.echo(f"  DRT note: {note}")
    for note in fit.notes_:
        typer.echo(f"  note: {note}")


@app.command("fit")
def fit(
    files: list[Path] = typer.Argument(..., help="Impedance files.", show_default=False),
    circuit: str = typer.Option("auto", "--circuit", "-c", help=_CIRCUIT_HELP),
    area: str | None = typer.Option(
        None, "--area", help="Electrode area, e.g. '1.13 cm^2' (else the file's header)."
    ),
    symmetric: bool = typer.Option(
        False, "--symmetric", help="Symmetric Li|Li cell: also per-interface R/2, R x area / 2."
    ),
    asr: bool | None = typer.Option(
        None, "--asr/--no-asr", help="Demand (or suppress) the ASR in ohm cm2 (needs an area)."
    ),
    drt: bool = typer.Option(False, "--drt", help="Also compute the DRT and its peaks."),
    seed: int = typer.Option(0, "--seed", help="Seed of the multi-start."),
    fix: list[str] = typer.Option(
        [], "--fix", help="Hold a parameter at a value (SI), e.g. --fix R0=10 (repeatable)."
    ),
    bounds: list[str] = typer.Option(
        [], "--bounds", help="Limit a parameter (SI), e.g. --bounds R1=1:100 (repeatable)."
    ),
    model: Path | None = typer.Option(
        None, "--model", help="Start from a model saved with --save-model (its circuit, values)."
    ),
    save_model: Path | None = typer.Option(
        None, "--save-model", help="Write the fitted model as JSON (several: name-1.json ...)."
    ),
    workers: int = WORKERS,
    scheduler: str | None = SCHEDULER,
    store_path: Path | None = STORE,
    plot: Path | None = typer.Option(
        None, "--plot", help="Write Nyquist, Bode, residuals (and DRT) to out.png or out.html."
    ),
    json_: bool = JSON,
) -> None:
    """Fit an equivalent circuit to every spectrum of the files; report R_int and ASR."""
    circuit, constraints = _constraints(fix, bounds, model, circuit)
    res = _analyse_files(
        files,
        circuit=circuit,
        area=area,
        symmetric=symmetric,
        asr=asr,
        drt=drt,
        seed=seed,
        workers=workers,
        scheduler=scheduler,
        store_path=store_path,
        **constraints,
    )
    if len(res.failed) == len(res.files):
        _fail_if_any(res)
    _render(res, plot=plot, save_model=save_model, json_=json_)


def _render(res: Any, *, plot: Path | None, save_model: Path | None, json_: bool) -> None:
    """Models, plots, then the fits as text or JSON; exit 1 at the end if a file failed."""
    results = res.fits
    if save_model is not None:
        _save_models(results, save_model)
    if plot is not None:
        from lithiophile.echem.impedance.plot import plot_fits

        plot_fits(results, plot)
    if json_:
        out = [
            {**to_payload(fit), "provenance": list(item.provenance), "citations": res.citations}
            for item in res.files
            for fit in item.fits
        ]
        echo_json(out if len(out) > 1 else out[0])
        _fail_if_any(res)
        return
    for item in res.files:
        cached = " (from the store)" if item.cached else ""
        typer.echo(f"{item.path}{cached}")
        for line in item.provenance:
            typer.echo(f"  {line}")
        for r in item.fits:
            _print_fit(r)
    if plot is not None:
        typer.echo(f"plot written to {plot}")
    if save_model is not None:
        typer.echo(
            f"model written to {save_model}"
            + (" (one file per spectrum)" if len(results) > 1 else "")
        )
    _fail_if_any(res)


def _save_models(results: list[Any], path: Path) -> None:
    if len(results) == 1:
        results[0].fit.save(path)
        return
    for k, r in enumerate(results, start=1):
        r.fit.save(path.with_name(f"{path.stem}-{k}{path.suffix or '.json'}"))


@app.command("show")
def show(
    model: Path = typer.Argument(..., help="A model saved with 'eis fit --save-model'."),
    json_: bool = JSON,
) -> None:
    """Print a saved model: circuit, parameters with errors and intervals, notes."""
    from lithiophile.echem.impedance import Circuit

    fit = Circuit.load(model)
    if json_:
        echo_json(fit)
        return
    typer.echo(f"{model.name}: {fit.circuit}  chi2 {fit.chi_square_:.3g}")
    _print_parameters(fit)
    for note in fit.notes_:
        typer.echo(f"  note: {note}")


@app.command("series")
def series_cmd(
    files: list[Path] = typer.Argument(
        ..., help="Impedance files (several sweeps each, or one per file).", show_default=False
    ),
    by: str = typer.Option(..., "--by", help="rest, cycle or temperature."),
    values: str | None = typer.Option(
        None,
        "--values",
        help="The condition of each spectrum in order when the files do not say: rest times "
        "('0 h,24 h,48 h'), cycles ('0,10,50') or temperatures ('25 degC,40 degC' or K).",
    ),
    circuit: str = typer.Option("auto", "--circuit", "-c", help=_CIRCUIT_HELP),
    area: str | None = typer.Option(None, "--area", help="Electrode area, e.g. '1.13 cm^2'."),
    symmetric: bool = typer.Option(False, "--symmetric", help="Symmetric Li|Li cell."),
    seed: int = typer.Option(0, "--seed", help="Seed of the multi-start."),
    workers: int = WORKERS,
    store_path: Path | None = STORE,
    plot: Path | None = typer.Option(None, "--plot", help="Write the fits to out.png|html."),
    json_: bool = JSON,
) -> None:
    """R_int against rest time, cycle or temperature; Arrhenius activation energy."""
    from lithiophile.echem.impedance import series
    from lithiophile.echem.impedance.series import BY, file_values
    from lithiophile.errors import InputError

    if by not in BY:
        raise InputError(f"--by must be one of {list(BY)}. Got {by!r}.")
    results = _analyse_files(
        files,
        circuit=circuit,
        area=area,
        symmetric=symmetric,
        asr=None,
        drt=False,
        seed=seed,
        workers=workers,
        store_path=store_path,
    )
    _fail_if_any(results)
    results = results.fits
    parsed = _parse_values(values, by) if values is not None else file_values(results, by)
    result = series(results, by, parsed)
    if plot is not None:
        from lithiophile.echem.impedance.plot import plot_fits

        plot_fits(results, plot)
    if json_:
        echo_json(result)
        return
    unit = {"rest": "h", "cycle": "", "temperature": "K"}[by]
    scale = {"rest": 1 / 3600, "cycle": 1.0, "temperature": 1.0}[by]
    for p in result.points:
        err = f" ± {p.stderr_ohm:.3g}" if p.stderr_ohm is not None else ""
        typer.echo(
            f"{by} {p.x * scale:10.4g} {unit:<2} R_int {p.r_ohm:10.4g}{err} ohm  "
            f"{p.metric.display()}  ({p.name})"
        )
    typer.echo(result.before_after_line())
    if result.activation is not None:
        typer.echo(result.activation.display())


def _parse_values(text: str, by: str) -> list[float]:
    from lithiophile.errors import InputError, UnitsError
    from lithiophile.units import temperature_to_K, to_si

    si = {"rest": "s", "cycle": None, "temperature": "K"}[by]
    out = []
    for item in (t.strip() for t in text.split(",")):
        try:
            if si is None:
                out.append(float(int(item)))
            elif by == "temperature":
                out.append(temperature_to_K(item, name="values"))  # a bare number is in K
            else:
                out.append(to_si(item, si, name="values"))
        except (ValueError, UnitsError) as exc:
            raise InputError(
                f"--values: cannot read {item!r} as a {by} value ({exc}); e.g. '0 h,48 h' for "
                "rest, '0,10' for cycles, '298,308' (K) or '25 degC' for temperature."
            ) from None
    return out


#: The demo's symmetric Li|Li cell, known by construction: bulk 4 ohm; SEI + charge transfer
#: 60 + 90 ohm before cycling, 12 + 28 ohm after 10 cycles (the interface activated by
#: plating/stripping). The report part draws the same cell.
DEMO_TERMS: dict[str, list[tuple[Any, ...]]] = {
    "before": [("R", 4.0), ("RQ", 60.0, 2e-6, 0.92), ("RQ", 90.0, 2e-4, 0.85)],
    "after": [("R", 4.5), ("RQ", 12.0, 3e-6, 0.9), ("RQ", 28.0, 5e-4, 0.85)],
}


def demo_part(folder: Path, echo: Any, results: dict[str, Any]) -> dict[str, Any]:
    """Fit a synthetic before/after-cycling pair of a symmetric Li|Li cell (area 1.13 cm^2)
    and print the interfacial ASR per interface in the review's table form."""
    from lithiophile.echem.impedance import fit_files, series
    from lithiophile.metrics import METRICS
    from lithiophile.store import Store
    from lithiophile.synth.spectra import frequencies, spectrum

    folder.mkdir(parents=True, exist_ok=True)
    area = 1.13e-4  # 12 mm disc [m^2]
    f = frequencies(1e6, 0.1, 8)
    truth = {"before": 150.0, "after": 40.0}  # the RQ terms of DEMO_TERMS added
    cells = {label: spectrum(t, f, seed=k) for k, (label, t) in enumerate(DEMO_TERMS.items(), 1)}
    paths = [
        spec.to_impedance_data(area_m2=area).write_parquet(folder / f"li_li_{label}.parquet")
        for label, spec in cells.items()
    ]
    res = fit_files(paths, circuit="two-arc", symmetric=True, store=Store(folder / "demo.duckdb"))
    fits = res.fits
    result = series(fits, "cycle", [0, 10])
    before, after = result.before, result.after
    echo("== eis: interfacial resistance of a symmetric Li|Li cell before/after cycling")
    echo(
        f"   two synthetic spectra (area 1.13 cm2, 1 % noise, true values known by "
        f"construction), fitted with {fits[0].fit.circuit} from automatic initial guesses"
    )
    echo(f"   {res.files[0].provenance[0]}; results kept in {folder / 'demo.duckdb'}")
    for label, item in zip(cells, fits, strict=True):
        r = item.metric("interfacial_resistance", "cell")
        kk = item.fit.kk_
        kk_text = "" if kk is None else f", Lin-KK {'pass' if kk.passed else 'FAIL'}"
        echo(
            f"   {label:<6} R_int {r.value:6.1f} ± {r.uncertainty:.1f} ohm (true "
            f"{truth[label]:.0f}), chi2 {item.fit.chi_square_:.2g}{kk_text}"
        )
    echo("   review's Table 1 columns (per interface, ASR = R_int x area / 2):")
    rows = [
        ("interfacial resistance (before cycling)", before, result.condition_label(before)),
        ("interfacial resistance (after cycling)", after, result.condition_label(after)),
    ]
    for label, m, when in rows:
        unc = m.uncertainty * METRICS[m.metric].display_factor if m.uncertainty else None
        value = f"{m.display_value:.3g}" + (f" ± {unc:.2g}" if unc is not None else "")
        echo(f"   {label:40s} {value:>12s} {m.display_unit}  {when}")
    echo(f"   {result.before_after_line()}")
    return {
        "before": to_payload(before),
        "after": to_payload(after),
        "fits": to_payload(fits),
        "true_r_int_ohm": truth,
        "line": result.before_after_line(),
        "citations": list(res.citations),
    }
