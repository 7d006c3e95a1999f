"""Classify 1,000 compositions against Li: lithiophile.thermo vs pymatgen used as documented.

The peer is pymatgen as its documentation intends a screening to be written: one
``GrandPotentialPhaseDiagram`` open in Li at the Li-metal potential per chemical system, built
once and reused for every composition of that system (``get_decomposition``), with the
entries indexed once by formula for the materials' own energies. Both run on all 1,000
compositions in the same process, on the same bundled entries; the results (reacts or not,
the products at equilibrium with Li) are cross-checked on all 1,000 and the agreement is
printed. Nothing is extrapolated.

Run: .venv/bin/python benchmarks/bench_thermo.py [n]
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


def pymatgen_documented(formulas: list[str], entries: list) -> list[tuple[bool, frozenset[str]]]:
    """Reacts-or-not and products for each formula, pymatgen as documented (see the module)."""
    from pymatgen.analysis.phase_diagram import GrandPotentialPhaseDiagram
    from pymatgen.core import Composition, Element

    best: dict[str, object] = {}
    for e in entries:
        f = e.composition.reduced_formula
        if f not in best or e.energy_per_atom < best[f].energy_per_atom:  # type: ignore[attr-defined]
            best[f] = e
    diagrams: dict[frozenset[str], GrandPotentialPhaseDiagram] = {}
    out = []
    for formula in formulas:
        parts = []
        for p in formula.split("+"):
            amount, name = p.split()
            parts.append(Composition(name) * float(amount))
        comp = sum(parts, Composition())
        system = frozenset({el.symbol for el in comp.elements} | {"Li"})
        gppd = diagrams.get(system)
        if gppd is None:
            sub = [e for e in entries if {x.symbol for x in e.elements} <= system]
            gppd = diagrams[system] = GrandPotentialPhaseDiagram(sub, {Element("Li"): 0.0})
        decomp = gppd.get_decomposition(comp)
        e_mat = sum(
            best[p.reduced_formula].energy_per_atom * p.num_atoms  # type: ignore[attr-defined]
            for p in parts
        )
        energy = 0.0
        products = set()
        for g, frac in decomp.items():
            o = g.original_entry
            n_non_li = sum(a for el, a in o.composition.items() if el.symbol != "Li")
            energy += frac * comp.num_atoms / n_non_li * o.energy  # the compounds hold no Li
            products.add(o.composition.reduced_formula)
        out.append((energy - e_mat < -1e-6, frozenset(products)))
    return out


def main(n: int = 1000) -> None:
    from lithiophile.thermo import classify
    from lithiophile.thermo.sources import bundled

    t0 = time.perf_counter()
    es = bundled()
    load_s = time.perf_counter() - t0
    mats = compositions(n)
    entries = list(es.entries)

    t0 = time.perf_counter()
    ours = classify(mats, source=es)
    ours_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    ref = pymatgen_documented(mats, entries)
    peer_s = time.perf_counter() - t0

    agree = sum(
        (o.reaction.reacts == r[0]) and (frozenset(o.products) == r[1] or not r[0])
        for o, r in zip(ours, ref, strict=True)
    )
    types = {t: sum(o.type == t for o in ours) for t in ("I", "II", "III", "unknown")}
    print(f"bundled entries loaded once: {len(entries)} entries in {load_s:.2f} s")
    print(f"lithiophile.thermo.classify, {n} compositions: {ours_s:.2f} s (measured)")
    print(
        f"pymatgen as documented (one GrandPotentialPhaseDiagram per chemical system, reused): "
        f"{peer_s:.2f} s for {n} (measured)"
    )
    print(
        f"ratio peer/lithiophile: {peer_s / ours_s:.2f}x; agreement (reacts, products): {agree}/{n}"
    )
    print(f"types: {types}; {len(set(mats))} distinct compositions")


def pairs_benchmark() -> None:
    """Coating x solid electrolyte reactions: lithiophile.thermo.react_pair vs pymatgen's
    InterfacialReactivity used as documented (one PhaseDiagram per chemical system, the
    reactants at their hull energy), on the same bundled entries, cross-checked pair by pair."""
    from pymatgen.analysis.interface_reactions import InterfacialReactivity
    from pymatgen.analysis.phase_diagram import PhaseDiagram
    from pymatgen.core import Composition

    from lithiophile.thermo.pair import react_pair
    from lithiophile.thermo.sources import bundled

    coatings = ["ZnO", "Al2O3", "LiF", "Li3N", "Li3PO4", "Mg", "Al", "Si", "Ge", "Sn", "Ag", "Au"]
    electrolytes = ["Li3PS4", "Li6PS5Cl", "Li10GeP2S12", "Li3InCl6", "Li3YCl6", "Li7La3Zr2O12"]
    pairs = [(c, e) for c in coatings for e in electrolytes]
    es = bundled()
    react_pair.cache_clear()
    t0 = time.perf_counter()
    ours = [react_pair(c, e) for c, e in pairs]
    ours_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    diagrams: dict[frozenset[str], PhaseDiagram] = {}
    ref = []
    for c, e in pairs:
        ca, cb = Composition(c), Composition(e)
        key = frozenset(el.symbol for el in (ca + cb).elements)
        if key not in diagrams:
            diagrams[key] = PhaseDiagram(es.in_system(key))
        ir = InterfacialReactivity(ca, cb, diagrams[key], norm=True, use_hull_energy=True)
        ref.append(ir.minimum[1])
    peer_s = time.perf_counter() - t0
    agree = sum(
        o.per_atom_eV is not None and abs(o.per_atom_eV - r) < 1e-6
        for o, r in zip(ours, ref, strict=True)
    )
    print(f"react_pair, {len(pairs)} coating x electrolyte pairs: {ours_s:.2f} s (measured)")
    print(f"pymatgen InterfacialReactivity as documented: {peer_s:.2f} s (measured)")
    print(
        f"ratio peer/lithiophile: {peer_s / ours_s:.2f}x; same minimum energy: {agree}/{len(pairs)}"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
    pairs_benchmark()
