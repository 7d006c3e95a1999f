"""Classify 1,000 compositions against Li: lithiophile (cached phase diagrams) vs a naive loop.

The naive loop is what a pymatgen user writes: for each material, filter the entries of its
chemical system, build a PhaseDiagram and a GrandPotentialPhaseDiagram open in Li at the
Li-metal potential, decompose, and compute the reaction energy. It runs on a subset and is
extrapolated to 1,000 (said in the output). Both use the same bundled entries; the results
(react or not, products) are checked to agree on the subset.

Run: .venv/bin/python benchmarks/bench_thermo.py [n_naive]
"""

from __future__ import annotations

import random
import sys
import time


def compositions(n: int = 1000, n_systems: int = 50, seed: int = 0) -> list[str]:
    """n mixtures ``a A + b B`` of bundled compounds within ``n_systems`` chemical systems.

    A screening campaign varies coatings within a few chemical systems (oxides, fluorides,
    sulfides of a set of metals): the chemical systems repeat, the compositions do not.
    """
    from lithiophile.thermo.sources import bundled

    by_system: dict[tuple[str, ...], list[str]] = {}
    for e in bundled().entries:
        syms = tuple(sorted(x.symbol for x in e.elements))
        if len(syms) > 1 and "Li" not in syms:
            by_system.setdefault(syms, []).append(e.composition.reduced_formula)
    systems = sorted(by_system, key=lambda k: (-len(set(by_system[k])), k))[:n_systems]
    rng = random.Random(seed)
    out = []
    for i in range(n):
        formulas = sorted(set(by_system[systems[i % len(systems)]]))
        picks = rng.sample(formulas, k=min(2, len(formulas)))
        out.append(" + ".join(f"{rng.randint(1, 3)} {f}" for f in picks))
    return out


def naive(formula: str, entries: list) -> tuple[bool, frozenset[str]]:
    from pymatgen.analysis.phase_diagram import GrandPotentialPhaseDiagram, PhaseDiagram
    from pymatgen.core import Composition, Element

    parts = []
    for p in formula.split("+"):
        amount, name = p.split()
        parts.append(Composition(name) * float(amount))
    comp = sum(parts, Composition())
    elements = {el.symbol for el in comp.elements} | {"Li"}
    sub = [e for e in entries if {x.symbol for x in e.elements} <= elements]
    PhaseDiagram(sub)  # a user checks the closed diagram first
    gppd = GrandPotentialPhaseDiagram(sub, {Element("Li"): 0.0})
    decomp = gppd.get_decomposition(comp)
    e_mat = 0.0
    for part in parts:
        mine = min(
            (e for e in sub if e.composition.reduced_formula == part.reduced_formula),
            key=lambda e: e.energy_per_atom,
        )
        e_mat += mine.energy_per_atom * part.num_atoms
    energy = 0.0
    li = 0.0
    products = set()
    for g, frac in decomp.items():
        o = g.original_entry
        n_non_li = sum(a for el, a in o.composition.items() if el.symbol != "Li")
        amount = frac * comp.num_atoms / n_non_li  # the compounds hold no Li
        energy += amount * o.energy
        li += amount * o.composition["Li"]
        products.add(o.composition.reduced_formula)
    de = energy - e_mat
    return de < -1e-6, frozenset(products)


def main(n_naive: int = 40) -> None:
    from lithiophile.thermo import classify
    from lithiophile.thermo.sources import bundled

    t0 = time.perf_counter()
    es = bundled()
    load_s = time.perf_counter() - t0
    mats = compositions(1000)

    t0 = time.perf_counter()
    ours = classify(mats, source=es)
    ours_s = time.perf_counter() - t0

    entries = list(es.entries)
    subset = mats[:n_naive]
    t0 = time.perf_counter()
    ref = [naive(m, entries) for m in subset]
    naive_s = (time.perf_counter() - t0) * len(mats) / len(subset)

    agree = sum(
        (o.reaction.reacts == r[0]) and (frozenset(o.products) == r[1] or not r[0])
        for o, r in zip(ours[:n_naive], ref, strict=True)
    )
    types = {t: sum(o.type == t for o in ours) for t in ("I", "II", "III")}
    print(f"bundled entries loaded once: {len(entries)} entries in {load_s:.2f} s")
    print(f"lithiophile.thermo.classify, 1000 compositions (cached diagrams): {ours_s:.2f} s")
    print(
        f"naive pymatgen loop: {naive_s:.1f} s for 1000 (extrapolated from {n_naive} run "
        f"here; one phase diagram + grand-potential diagram per composition)"
    )
    print(f"speed-up: {naive_s / ours_s:.1f}x; agreement on the subset: {agree}/{n_naive}")
    print(f"types: {types}; {len(set(mats))} distinct compositions")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 40)
