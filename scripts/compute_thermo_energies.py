"""Regenerate ``src/lithiophile/data/thermo/computed/energies.json`` (offline, CPU, ~1 h).

Relaxes every structure of :data:`lithiophile.atomistic.crystals.CRYSTALS`, the elemental
references of :func:`lithiophile.atomistic.bulk` it needs and the gas molecules (O2, N2, F2,
Cl2 in a 12 A box) with each bundled potential (CHGNet, SevenNet-0), cell and positions
(FIRE + FrechetCellFilter), and writes the total energies with their provenance. The thermo
package turns them into formation energies referenced to the same model's elemental phases
(``lithiophile.thermo.computed``).

Usage::

    nice -n 19 .venv/bin/python scripts/compute_thermo_energies.py [--models chgnet sevennet]

The file is rewritten after every structure, and structures already in it are skipped, so an
interrupted run resumes.
"""

from __future__ import annotations

import argparse
import datetime
import json
import platform
import time
from pathlib import Path

OUT = (
    Path(__file__).resolve().parent.parent
    / "src"
    / "lithiophile"
    / "data"
    / "thermo"
    / "computed"
    / "energies.json"
)
ELEMENT_BULK = ("Li", "Ag", "Al", "Mg", "Ti", "Zn", "C")
MOLECULES = ("O2", "N2", "F2", "Cl2")
FMAX = 0.05
STEPS = 400
#: Cells of 36-96 atoms, relaxed last (and, for CPU time, with --fmax 0.1 --steps 250:
#: ``--only Li7La3Zr2O12 --fmax 0.1 --steps 250``).
BIG = ("Li7La3Zr2O12",)


def _jobs() -> list[str]:
    from lithiophile.atomistic.crystals import CRYSTALS

    small = [n for n, s in CRYSTALS.items() if s.kind != "file" and n not in BIG and "PO4" not in n]
    big = [n for n in CRYSTALS if n not in small]
    return [*ELEMENT_BULK, *MOLECULES, *small, *big]


def _atoms(name: str):  # type: ignore[no-untyped-def]
    from pymatgen.io.ase import AseAtomsAdaptor

    from lithiophile.atomistic.bulk import bulk
    from lithiophile.atomistic.crystals import CRYSTALS, crystal
    from lithiophile.atomistic.entries import _molecule

    if name in MOLECULES:
        return _molecule(name), "molecule"
    if name in CRYSTALS:
        kind = "molecule" if CRYSTALS[name].kind == "molecule" else "bulk"
        return AseAtomsAdaptor.get_atoms(crystal(name)), kind
    return bulk(name), "bulk"


def _run_one(
    name: str, model: str, fmax: float = FMAX, steps: int = STEPS, fixed_cell: bool = False
) -> dict:
    from pymatgen.io.ase import AseAtomsAdaptor

    from lithiophile.atomistic.models import get_calculator
    from lithiophile.atomistic.relax import relax, relax_bulk

    atoms, kind = _atoms(name)
    calc = get_calculator(model, stress=True)
    t0 = time.perf_counter()
    if kind == "molecule" or fixed_cell:
        res = relax(atoms, calc, fmax=fmax, steps=steps, optimizer="FIRE")
    else:
        res = relax_bulk(atoms, calc, fmax=fmax, steps=steps)
    structure = AseAtomsAdaptor.get_structure(res.atoms)
    return {
        "name": name,
        "formula": structure.composition.formula.replace(" ", ""),
        "reduced_formula": structure.composition.reduced_formula,
        "n_atoms": len(structure),
        "energy_eV": res.energy_eV,
        "energy_per_atom_eV": res.energy_eV / len(structure),
        "converged": bool(res.converged),
        "max_force_eV_A": res.max_force_eV_A,
        "steps": res.steps,
        "geometry": kind + (" (positions only, published cell)" if fixed_cell else ""),
        "volume_A3": structure.volume,
        "lattice_abc_A": list(structure.lattice.abc),
        "seconds": round(time.perf_counter() - t0, 1),
        "fmax_eV_A": fmax,
    }


BINDING_OUT = OUT.parent / "binding_b_graphene.json"


def _binding() -> None:
    """Li on B-doped vs pristine 4x4 graphene with both models (issue 13: show the spread)."""
    from lithiophile.atomistic.hosts import HostSpec
    from lithiophile.atomistic.jobs import bind_jobs, screen
    from lithiophile.store import Store

    spec = HostSpec("graphene", dopant="B", size="4x4")
    jobs = bind_jobs(spec, ["chgnet", "sevennet"], sites=["hollow"], fmax=FMAX, steps=200)
    import tempfile

    cache = Path(tempfile.gettempdir()) / "lithiophile-binding-cache.duckdb"
    result = screen(jobs, store=Store(cache))
    rows = [
        {
            k: d[k]
            for k in (
                "name",
                "model",
                "best_site",
                "binding_vs_bcc",
                "relative",
                "spread_eV",
                "by_model",
                "verdict",
            )
        }
        for d in result.ranking
    ]
    BINDING_OUT.write_text(json.dumps({"host": "graphene 4x4, one B", "ranking": rows}, indent=1))
    print(json.dumps(rows, indent=1), flush=True)


def _merge(paths: list[Path], out: Path) -> None:
    """Add the converged runs of other energies files to ``out`` (a run there is replaced only
    by a converged one)."""
    data = json.loads(out.read_text()) if out.exists() else {}
    for path in paths:
        other = json.loads(path.read_text())
        for model, runs in other.items():
            if model == "meta":
                continue
            mine = data.setdefault(model, {})
            for name, row in runs.items():
                if row.get("converged") or name not in mine:
                    mine[name] = row
    data["meta"] = {**data.get("meta", {}), "structures": _structures_meta()}
    out.write_text(json.dumps(data, indent=1, sort_keys=True))


def _structures_meta() -> dict:
    """Source and note of every bundled structure (read by lithiophile.thermo.computed)."""
    from lithiophile.atomistic.crystals import CRYSTALS

    return {
        n: {"source": s.source, "spacegroup": s.spacegroup, "note": s.note}
        for n, s in CRYSTALS.items()
    }


def main() -> None:
    from lithiophile.atomistic.models import MODELS, set_torch_threads

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", nargs="+", default=["chgnet", "sevennet"])
    ap.add_argument("--only", nargs="*", default=None, help="structure names to (re)compute")
    ap.add_argument("--binding", action="store_true", help="only the B-graphene binding step")
    ap.add_argument("--out", type=Path, default=OUT, help="energies file (default: bundled)")
    ap.add_argument(
        "--merge",
        nargs="+",
        type=Path,
        default=None,
        help="merge the model sections of these energies files (runs done in parallel)",
    )
    ap.add_argument(
        "--fixed-cell", action="store_true", help="relax positions only, in the published cell"
    )
    ap.add_argument("--fmax", type=float, default=FMAX, help="force threshold [eV/A]")
    ap.add_argument("--steps", type=int, default=STEPS, help="step limit per relaxation")
    args = ap.parse_args()
    out = args.out
    if args.binding:
        set_torch_threads(1)
        _binding()
        return
    if args.merge:
        _merge(args.merge, out)
        return
    set_torch_threads(1)
    data = json.loads(out.read_text()) if out.exists() else {}
    data["meta"] = {
        "script": "scripts/compute_thermo_energies.py",
        "relaxation": f"FIRE + FrechetCellFilter (cell and positions), fmax {FMAX} eV/A, "
        f"at most {STEPS} steps unless a run's fmax_eV_A says otherwise (the cells of 16-50 "
        "atoms: 0.1 eV/A, 200 steps; the 96-atom Li7La3Zr2O12: 0.1 eV/A, 250 steps, for CPU "
        "time); molecules: positions only in a fixed 12 A box",
        "structures": _structures_meta(),
        "models": {m: MODELS[m].name for m in args.models},
        "machine": platform.platform(),
        "date": datetime.date.today().isoformat(),
    }
    for model in args.models:
        done = data.setdefault(model, {})
        for name in args.only or _jobs():
            if name in done and not args.only:
                continue
            try:
                done[name] = _run_one(name, model, args.fmax, args.steps, args.fixed_cell)
            except Exception as exc:  # record and go on: one failure must not lose the rest
                done[name] = {"name": name, "error": f"{type(exc).__name__}: {exc}"}
            print(
                model,
                name,
                {
                    k: done[name].get(k)
                    for k in ("energy_per_atom_eV", "converged", "steps", "seconds", "error")
                },
                flush=True,
            )
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(json.dumps(data, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
