"""``lithiophile eis fit|series``: interfacial resistance from impedance spectra."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

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


def _area_m2(area: str | None) -> float | None:
    if area is None:
        return None
    from lithiophile.errors import InputError, UnitsError
    from lithiophile.units import to_si

    try:
        value = to_si(area, "m^2", name="area")
    except UnitsError as exc:
        raise InputError(
            f"the 'area' option of eis must be an area such as '1.13 cm^2': {exc}"
        ) from None
    if not value > 0:
        raise InputError(
            f"the 'area' option of eis must be a positive area such as '1.13 cm^2'. Got {area!r}."
        )
    return value


def _read_impedance(path: Path) -> Any:
    import lithiophile.io as lio
    from lithiophile.errors import InputError

    data = lio.read(path)
    if not isinstance(data, lio.ImpedanceData):
        raise InputError(
            f"'{path}' holds {data.summary().get('kind', 'cycling')} data, not an impedance "
            "spectrum; give a PEIS/GEIS or other impedance file (lithiophile read FILE shows "
            "what a file holds)."
        )
    return data


def _analyse_files(
    files: list[Path],
    *,
    circuit: str,
    area: str | None,
    symmetric: bool,
    asr: bool | None,
    drt: bool,
    seed: int,
) -> list[Any]:
    import dataclasses
    import warnings

    from lithiophile.echem.impedance import analyze, spectra_of
    from lithiophile.metrics import Conditions

    area_opt = _area_m2(area)
    results = []
    for path in files:
        data = _read_impedance(path)
        start = data.meta.start_time
        parts = spectra_of(data)
        for part in parts:
            name = path.name if len(parts) == 1 else f"{path.name}#{part.index}"
            t = part.time_s
            if t is not None and start is not None:
                t = start.timestamp() + t  # absolute, so that files can be put in order
            cond = Conditions(temperature_K=part.temperature_K)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                result = analyze(
                    part.f,
                    part.z,
                    circuit=circuit,
                    area_m2=area_opt if area_opt is not None else data.meta.area_m2,
                    symmetric=symmetric,
                    asr=asr,
                    with_drt=drt,
                    conditions=cond,
                    source=data.meta.sha256,
                    name=name,
                    seed=seed,
                )
            for w in caught:
                if issubclass(w.category, UserWarning):
                    text = str(w.message)
                    text = text if text.startswith(name) else f"{name}: {text}"
                    typer.echo(f"warning: {text}", err=True)
            extra = {"spectrum": part.index, "cycle": part.cycle, "time_s": t}
            results.append(dataclasses.replace(result, extra=extra))
    return results


def _print_fit(result: Any) -> None:
    fit = result.fit
    kk = fit.kk_
    kk_text = "" if kk is None else f", Lin-KK {'pass' if kk.passed else 'FAIL'} ({kk.rms:.2%})"
    typer.echo(f"{result.name}: {fit.circuit}  chi2 {fit.chi_square_:.3g}{kk_text}")
    for p in fit.params_:
        typer.echo(
            f"    {p.name:<12} {p.value:11.4g} ± {p.stderr:<10.3g} [{p.ci_low:.4g}, "
            f"{p.ci_high:.4g}] {p.unit}"
        )
    for m in result.metrics:
        typer.echo(f"  {m.display()}")
    if result.drt is not None:
        peaks = ", ".join(
            f"tau {p.tau_s:.3g} s: {p.r_ohm:.3g} ohm"
            + (f" (ZARC phi {p.phi:.2f})" if p.refined and p.phi is not None else "")
            for p in result.drt.peaks
        )
        typer.echo(f"  DRT (lambda {result.drt.lam:.2g} by {result.drt.method}): {peaks}")
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
    plot: Path | None = typer.Option(
        None, "--plot", help="Write Nyquist, Bode, residuals (and DRT) to out.png or out.html."
    ),
    json_: bool = typer.Option(False, "--json", help="Print JSON for machines."),
) -> None:
    """Fit an equivalent circuit to every spectrum of the files; report R_int and ASR."""
    import json

    results = _analyse_files(
        files, circuit=circuit, area=area, symmetric=symmetric, asr=asr, drt=drt, seed=seed
    )
    if plot is not None:
        from lithiophile.echem.impedance.plot import plot_fits

        plot_fits(results, plot)
    if json_:
        out = [r.as_dict() for r in results]
        typer.echo(json.dumps(out if len(out) > 1 else out[0], indent=2, default=str))
        return
    for r in results:
        _print_fit(r)
    if plot is not None:
        typer.echo(f"plot written to {plot}")


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
    plot: Path | None = typer.Option(None, "--plot", help="Write the fits to out.png|html."),
    json_: bool = typer.Option(False, "--json", help="Print JSON for machines."),
) -> None:
    """R_int against rest time, cycle or temperature; Arrhenius activation energy."""
    import json

    from lithiophile.echem.impedance import series
    from lithiophile.echem.impedance.series import BY
    from lithiophile.errors import InputError

    if by not in BY:
        raise InputError(f"--by must be one of {list(BY)}. Got {by!r}.")
    results = _analyse_files(
        files, circuit=circuit, area=area, symmetric=symmetric, asr=None, drt=False, seed=seed
    )
    parsed = _parse_values(values, by) if values is not None else _file_values(results, by)
    result = series(results, by, parsed)
    if plot is not None:
        from lithiophile.echem.impedance.plot import plot_fits

        plot_fits(results, plot)
    if json_:
        typer.echo(json.dumps(result.as_dict(), indent=2, default=str))
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


def _file_values(results: list[Any], by: str) -> list[float] | None:
    """Rest times (from the sweeps' start times, first = 0) or cycle numbers the files state;
    None when some spectrum does not say (temperatures come from the fits' conditions)."""
    key = {"rest": "time_s", "cycle": "cycle"}.get(by)
    if key is None:
        return None
    found = [r.extra.get(key) for r in results]
    if any(v is None for v in found):
        return None
    if by == "rest":
        first = min(found)
        return [float(v - first) for v in found]
    return [float(v) for v in found]


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


def demo_part(folder: Path, echo: Any, results: dict[str, Any]) -> dict[str, Any]:
    """Fit a synthetic before/after-cycling pair of a symmetric Li|Li cell (area 1.13 cm^2)
    and print the interfacial ASR per interface in the review's table form."""
    import lithiophile.io as lio
    from lithiophile.echem.impedance import analyze, series, spectra_of
    from lithiophile.metrics import METRICS, Conditions
    from lithiophile.synth.spectra import frequencies, spectrum

    folder.mkdir(parents=True, exist_ok=True)
    area = 1.13e-4  # 12 mm disc [m^2]
    f = frequencies(1e6, 0.1, 8)
    # known by construction: bulk 4 ohm; SEI + charge transfer 60 + 90 ohm before cycling,
    # 12 + 28 ohm after 10 cycles (the interface activated by plating/stripping)
    truth = {"before": 150.0, "after": 40.0}
    cells = {
        "before": spectrum(
            [("R", 4.0), ("RQ", 60.0, 2e-6, 0.92), ("RQ", 90.0, 2e-4, 0.85)], f, seed=1
        ),
        "after": spectrum(
            [("R", 4.5), ("RQ", 12.0, 3e-6, 0.9), ("RQ", 28.0, 5e-4, 0.85)], f, seed=2
        ),
    }
    fits = []
    for k, (label, spec) in enumerate(cells.items()):
        path = spec.to_impedance_data(area_m2=area).write_parquet(folder / f"li_li_{label}.parquet")
        data = lio.read(path)
        part = spectra_of(data)[0]
        fits.append(
            analyze(
                part.f,
                part.z,
                circuit="two-arc",
                area_m2=data.meta.area_m2,
                symmetric=True,
                conditions=Conditions(cycle=10 * k, cell="Li|Li"),
                source=data.meta.sha256,
                name=path.name,
            )
        )
    result = series(fits, "cycle")
    before, after = result.before, result.after
    echo("== eis: interfacial resistance of a symmetric Li|Li cell before/after cycling")
    echo(
        f"   two synthetic spectra (area 1.13 cm2, 1 % noise, true values known by "
        f"construction), fitted with {fits[0].fit.circuit} from automatic initial guesses"
    )
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
        "before": before.as_dict(),
        "after": after.as_dict(),
        "fits": [item.as_dict() for item in fits],
        "true_r_int_ohm": truth,
        "line": result.before_after_line(),
    }
