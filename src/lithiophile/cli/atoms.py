"""``lithiophile atoms bind|adhesion|screen``: atomistic lithiophilicity with bundled potentials."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

from lithiophile.cli.display import echo_json
from lithiophile.cli.options import JSON, NO_CACHE, SCHEDULER

HELP = (
    "Atomistic lithiophilicity offline with CHGNet 0.3.0 (default) or SevenNet-0: Li binding "
    "on hosts and dopant sites, Li|substrate work of adhesion and predicted contact angle, "
    "batched screens with caching."
)

app = typer.Typer(help=HELP, no_args_is_help=True)

_MODEL_HELP = "Model: chgnet, sevennet, or both as 'chgnet,sevennet' (their spread is reported)."


def _models(text: str) -> list[str]:
    from lithiophile.atomistic.models import iter_models

    return iter_models([m.strip() for m in text.split(",") if m.strip()] or ["chgnet"])


def _print_ranking(rank: list[Any], echo: Callable[[str], None]) -> None:
    """Render :class:`~lithiophile.atomistic.ranking.RankedBinding` rows."""
    for d in rank:
        line = (
            f"  {d.name:<22} {d.model:<8} site {d.best_site:<10} E_b "
            f"{d.binding_vs_bcc.value:+.3f} eV vs bcc Li ({d.binding_vs_atom.value:+.3f} vs atom)"
        )
        if d.relative is not None:
            line += f", {d.relative.value:+.3f} eV vs {d.relative.variant[12:]}"
            if d.spread_eV is not None:
                line += f" ± {d.spread_eV:.2f}"
        if d.calibrated is not None:
            line += f", calibrated {d.calibrated.value:+.3f} eV"
        echo(line)
        if d.by_model:
            each = ", ".join(f"{m} {v:+.3f}" for m, v in d.by_model.items())
            echo(f"      models: {each} eV (spread ± {d.spread_eV:.2f} eV)")
        elif d.relative is not None:
            echo("      one model only: run --model chgnet,sevennet to see the model spread")
        echo(f"      {d.verdict}")
    if any(d.family == "metal" for d in rank):
        from lithiophile.atomistic.binding import METAL_NOTE

        echo(f"  note: {METAL_NOTE}.")
    echo(
        "  raw E_b of machine-learned potentials over-bind Li (CHGNet ~1 eV, SevenNet-0 ~0.5 eV "
        "on graphene): judge by the relative or calibrated values."
    )


def _without_structure(results: list[Any]) -> list[dict[str, Any]]:
    """Adhesion results as JSON, less the relaxed structure's text (``--out`` writes it)."""
    from lithiophile.store import to_payload

    return [{k: v for k, v in to_payload(d).items() if k != "structure"} for d in results]


def _run(
    jobs: Any,
    *,
    use_cache: bool,
    progress: bool,
    out: Path | None,
    workers: int = 1,
    scheduler: str | None = None,
    model: list[str] | None = None,
) -> Any:
    """Call :func:`lithiophile.atomistic.screen`; every job failed -> one error."""
    from lithiophile.atomistic.jobs import screen, write_relaxed
    from lithiophile.errors import CalculationFailed

    result = screen(
        jobs,
        model=model,
        workers=workers,
        scheduler=scheduler,
        use_cache=use_cache,
        progress=progress,
    )
    if result.errors and len(result.errors) == len(result.rows):
        raise CalculationFailed("; ".join(f"{n}: {e}" for n, e in result.errors.items()))
    if out is not None:
        write_relaxed(result.rows, out)
    return result


@app.command("bind")
def bind(
    host: str = typer.Argument(
        ..., help="graphene, a metal (Cu, Ag, Au ...), ZnO/Al2O3, or a structure file."
    ),
    dopant: str | None = typer.Option(
        None,
        "--dopant",
        help="Graphene motif: pyridinic-N3, monovacancy, graphitic-N, B, O, S, P, F ...",
    ),
    size: str | None = typer.Option(
        None, "--size", help="In-plane supercell, e.g. 5x5 (default 4x4 graphene, 3x3 metals)."
    ),
    facet: str | None = typer.Option(None, "--facet", help="Facet of a metal or oxide, e.g. 111."),
    layers: int = typer.Option(4, "--layers", help="Atomic layers of a metal slab."),
    sites: str | None = typer.Option(
        None, "--sites", help="Starting sites: top,bridge,hollow,vacancy (default all)."
    ),
    model: str = typer.Option("chgnet", "--model", help=_MODEL_HELP),
    reference: bool = typer.Option(
        True,
        "--reference/--no-reference",
        help="Also compute the reference site (pristine graphene / Cu(111)) of the same cell.",
    ),
    fmax: float = typer.Option(0.05, "--fmax", help="Force threshold of the relaxations [eV/A]."),
    steps: int = typer.Option(200, "--steps", help="Step limit of each relaxation."),
    out: Path | None = typer.Option(
        None, "--out", help="Folder for the relaxed structures (extxyz)."
    ),
    no_cache: bool = NO_CACHE,
    json_: bool = JSON,
) -> None:
    """Li binding energy on a host: every starting site relaxed, the lowest kept."""
    from lithiophile.atomistic.hosts import HostSpec
    from lithiophile.atomistic.jobs import bind_jobs

    opts: dict[str, Any] = {"fmax": fmax, "steps": steps}
    if sites:
        opts["sites"] = [s.strip() for s in sites.split(",") if s.strip()]
    models = _models(model)
    spec = HostSpec(host, dopant=dopant, size=size, facet=facet, layers=layers)
    jobs = bind_jobs(spec, models, reference=reference, **opts)
    name = jobs[0].name.split("@")[0]
    result = _run(jobs, use_cache=not no_cache, progress=not json_, out=out)
    rows, rank = result.rows, list(result.ranking)
    if json_:
        errors = {r.job.name: r.error for r in rows if not r.ok}
        echo_json({"ranking": rank, "errors": errors})
        return
    typer.echo(f"Li binding on {name} ({', '.join(models)}):")
    for r in rows:
        if r.ok:
            for s in r.result.sites:
                state = (
                    f"E_b {s.binding_vs_bcc_eV:+.3f} eV vs bcc Li"
                    if s.converged
                    else f"NOT converged after {s.steps} steps, "
                    f"max force {s.max_force_eV_A:.3f} eV/A"
                )
                typer.echo(f"  {r.job.name:<22} {s.kind:<11} {state}")
        else:
            typer.echo(f"  {r.job.name}: failed: {r.error}")
    _print_ranking(rank, typer.echo)


@app.command("adhesion")
def adhesion(
    film: str = typer.Argument(..., help="The film; only Li is supported."),
    substrate: str = typer.Argument(
        ..., help="Substrate: a metal (Cu, Ag, Au, Al, Zn ...) or ZnO/Al2O3."
    ),
    facet: str = typer.Option("111", "--facet", help="Substrate facet."),
    li_facet: str = typer.Option("110", "--li-facet", help="Facet of bcc Li."),
    max_strain: float = typer.Option(
        0.05, "--max-strain", help="Largest Li strain accepted by the lattice match (0.05 = 5 %)."
    ),
    temperature: str = typer.Option(
        "300C", "--temperature", help="Temperature of molten Li for the contact angle (300C, 573K)."
    ),
    model: str = typer.Option("chgnet", "--model", help=_MODEL_HELP),
    out: Path | None = typer.Option(
        None, "--out", help="Folder for the relaxed interface (extxyz)."
    ),
    no_cache: bool = NO_CACHE,
    json_: bool = JSON,
) -> None:
    """Work of adhesion of Li on a substrate, interface energy and predicted contact angle."""
    from lithiophile.atomistic.jobs import Job
    from lithiophile.errors import InputError
    from lithiophile.units import temperature_to_K

    if film != "Li":
        raise InputError(f"The FILM of atoms adhesion must be 'Li'. Got {film!r}.")
    models = _models(model)
    jobs = [
        Job.adhesion(
            f"Li|{substrate}({facet})@{m}",
            substrate,
            facet,
            m,
            li_facet=li_facet,
            max_strain=max_strain,
            temperature_K=temperature_to_K(temperature, name="--temperature"),
        )
        for m in models
    ]
    result = _run(jobs, use_cache=not no_cache, progress=not json_, out=out)
    rows = result.rows
    results = result.adhesion
    if json_:
        errors = {r.job.name: r.error for r in rows if not r.ok}
        echo_json({"results": _without_structure(results), "errors": errors})
        return
    for d in results:
        angle = (
            f"{d.contact_angle_deg:.0f} deg at {d.temperature_K:.0f} K"
            if d.contact_angle_deg is not None
            else "not computed"
        )
        typer.echo(
            f"Li({d.li_facet})|{d.substrate}({d.facet}) with {d.model}: "
            f"W_ad {d.work_of_adhesion_J_m2:.3f} J m-2, interface energy "
            f"{d.interface_energy_J_m2:.3f} J m-2, Li strain {d.strain:.1%}, "
            f"predicted contact angle {angle}"
        )
        for note in d.notes:
            typer.echo(f"  note: {note}")
    for r in rows:
        if not r.ok:
            typer.echo(f"  {r.job.name}: failed: {r.error}")


@app.command("screen")
def screen(
    file: Path = typer.Argument(..., help="Screen file (YAML) with a 'jobs:' list."),
    workers: int = typer.Option(1, "--workers", help="Local worker processes."),
    scheduler: str | None = SCHEDULER,
    model: str | None = typer.Option(
        None, "--model", help=_MODEL_HELP + " Overrides the file's model."
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Folder for the relaxed structures (extxyz)."
    ),
    no_cache: bool = NO_CACHE,
    json_: bool = JSON,
) -> None:
    """Run a batch of bind/adhesion jobs (cached: reruns are free, interrupted screens resume).

    The file lists jobs such as {name: N3V, host: graphene, dopant: pyridinic-N3, size: 4x4},
    {name: Cu, host: Cu, facet: '111'}, {name: mine, structure: host.cif} or {name: LiCu,
    task: adhesion, substrate: Cu, facet: '111'}; optional 'model:' (one or a list) and
    'calibration:' (your DFT E_b vs bcc Li in eV, by job name).
    """
    result = _run(
        file,
        model=_models(model) if model else None,
        workers=workers,
        scheduler=scheduler,
        use_cache=not no_cache,
        progress=not json_,
        out=out,
    )
    rows, rank, adh, errors = result.rows, list(result.ranking), result.adhesion, result.errors
    if json_:
        adhesion_view = _without_structure(adh)
        echo_json(
            {"ranking": rank, "adhesion": adhesion_view, "errors": errors, "cached": result.cached}
        )
        return
    typer.echo(f"{len(rows)} jobs, {sum(r.cached for r in rows)} from the store:")
    _print_ranking(rank, typer.echo)
    for d in adh:
        typer.echo(
            f"  Li|{d.substrate}({d.facet}) {d.model}: W_ad {d.work_of_adhesion_J_m2:.3f} J m-2"
        )
    for name, err in errors.items():
        typer.echo(f"  {name}: failed: {err}")


def demo_part(folder: Path, echo: Callable[[str], None], results: dict[str, Any]) -> dict[str, Any]:
    """Rank three carbon host motifs by Li binding relative to pristine graphene (CHGNet)."""
    from lithiophile.atomistic.carbon import graphene
    from lithiophile.atomistic.jobs import Job, screen, write_relaxed
    from lithiophile.store import Store, to_payload

    start = time.perf_counter()
    motifs = [("pristine", ["hollow"]), ("monovacancy", ["vacancy"]), ("pyridinic-N3", ["vacancy"])]
    jobs = [
        Job.bind(f"graphene {m}", graphene((4, 4), m), "chgnet", sites=s, fmax=0.05)
        for m, s in motifs
    ]
    folder = Path(folder)
    result = screen(jobs, store=Store(folder / "atomistic.duckdb"))
    write_relaxed(result.rows, folder / "atomistic")
    rank = list(result.ranking)
    seconds = time.perf_counter() - start
    echo("== atoms: Li binding on carbon host motifs (CHGNet 0.3.0, 4x4 graphene) ==")
    _print_ranking(rank, echo)
    echo(f"  ({seconds:.1f} s; relaxed structures in {folder / 'atomistic'})")
    keep = ("name", "best_site", "binding_vs_bcc", "relative", "verdict")
    return {
        "model": "chgnet",
        "seconds": seconds,
        "ranking": [{k: v for k, v in to_payload(d).items() if k in keep} for d in rank],
    }
