"""Benchmark of ``lithiophile advise``, in one run.

There is no peer library that ranks lithiophilicity strategies, so the comparison is with the
way a user would do it by hand with the same library: for every system and every strategy of
the catalogue, one ``lithiophile.thermo.assess(candidate)`` call and one
``KnowledgeBase.query()`` of the store for the strategy's records (inside ``kb.reading()``, one
open connection per system, as the knowledge base's docs advise), then the same rules
(:mod:`lithiophile.advise.rules`) to score them. Both are run on the same systems in the same
process and checked to give the same ranking and scores.

1. one advise, cold (first call in the process: imports, energy sources, candidates) and warm
   (target under 10 s warm);
2. N systems (default 100: every anode x electrolyte x temperature x current density of the
   grids below) with ``advise_many(workers=2)`` (target under 2 minutes on 2 cores), and the
   hand-made loop, serially, on the same systems; the measured ratio is printed.
3. the Spearman correlation between each Table 3 strategy's score and its measured drop in
   interfacial resistance (reported, not a pass mark).

Run: ``.venv/bin/python benchmarks/bench_advise.py [--systems 100] [--workers 2]``.
"""

from __future__ import annotations

import argparse
import itertools
import tempfile
import time
from pathlib import Path

ANODES = ("Li", "Cu", "carbon cloth")
ELECTROLYTES = (
    "LLZO",
    "Li6PS5Cl",
    "LATP",
    "Li3PS4",
    "LGPS",
    "1 M LiPF6 in EC/DEC",
    "1 M LiTFSI in DME/DOL",
    "LiPF6 in FEC/DMC",
    "Py13TFSI with LiTFSI",
)
TEMPERATURES_K = (None, 298.15, 333.15, 353.15)
CURRENT_DENSITIES = (None, 5.0, 10.0)


def systems(n: int) -> list[dict]:
    grid = itertools.product(ANODES, ELECTROLYTES, TEMPERATURES_K, CURRENT_DENSITIES)
    out = []
    for anode, electrolyte, t, j in grid:
        if len(out) == n:
            break
        item: dict = {"anode": anode, "electrolyte": electrolyte}
        if t is not None:
            item["temperature_K"] = t
        if j is not None:
            item["current_density_A_m2"] = j
        out.append(item)
    return out


def by_hand(system: dict, kb) -> list[tuple[str, float]]:
    """The ranking a user builds with the library's calls, strategy by strategy."""
    from lithiophile.advise import make_system, rules, strategies
    from lithiophile.advise.evidence import baselines, gather
    from lithiophile.advise.predict import _from_assessment
    from lithiophile.kb import bundled_records
    from lithiophile.metrics import Conditions
    from lithiophile.thermo import assess

    s_ = make_system(**system)
    kind = s_.electrolyte.kind
    everything = kb.query()
    medians = baselines(bundled_records())
    electrolyte = None
    if s_.electrolyte.formula:
        electrolyte = _from_assessment(
            s_.electrolyte.formula, kind, assess(s_.electrolyte.formula, electrolyte=kind)
        )
    cu = _from_assessment("Cu", kind, assess("Cu", electrolyte=kind))
    mine = Conditions(current_density_A_m2=s_.current_density_A_m2, temperature_K=s_.temperature_K)
    scores = []
    for s in strategies():
        ok, pre = rules.applies(s, s_)
        if not ok:
            continue
        cand = None
        if s.candidate:
            cand = _from_assessment(s.candidate, kind, assess(s.candidate, electrolyte=kind))
        matches = [r for r in kb.query() if s.matches(r.id)]
        evidence = gather(matches, everything, mine, kind, medians)
        if s.families and s_.electrolyte.family not in s.families:
            from lithiophile.advise.engine import _elsewhere

            evidence = [_elsewhere(e, s.families) for e in evidence]
        steps = [
            *pre,
            *rules.r2_candidate(s, cand),
            *rules.r3_system(s, s_, electrolyte, cu),
            *rules.r4_literature(evidence),
            *rules.r5_failures(s),
            *rules.r6_conditions(s, s_),
            *rules.r7_results(s, s_, medians),
        ]
        scores.append((s.id, round(sum(x.points for x in steps), 6)))
    return sorted(scores, key=lambda p: (-p[1], p[0]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--systems", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    t0 = time.perf_counter()
    from lithiophile.advise import advise, advise_many

    first = advise("Li", "LLZO")
    cold = time.perf_counter() - t0
    t0 = time.perf_counter()
    again = advise("Li", "LLZO")
    warm = time.perf_counter() - t0
    assert [c.score for c in first.cards] == [c.score for c in again.cards]
    print(
        f"one advise (Li | LLZO, {len(first.cards)} strategies): cold {cold:.2f} s, "
        f"warm {warm:.3f} s (target < 10 s warm)"
    )

    todo = systems(args.systems)
    t0 = time.perf_counter()
    batch = advise_many(todo, workers=args.workers)
    t_batch = time.perf_counter() - t0
    print(
        f"{len(todo)} systems, advise_many(workers={args.workers}): {t_batch:.1f} s "
        f"(target < 120 s on 2 cores)"
    )
    t0 = time.perf_counter()
    serial = advise_many(todo, workers=1)
    t_serial = time.perf_counter() - t0
    same_serial = [[c.score for c in a.cards] for a in serial] == [
        [c.score for c in a.cards] for a in batch
    ]
    print(
        f"{len(todo)} systems, advise_many(workers=1) in this process: {t_serial:.1f} s "
        f"(same results: {same_serial})"
    )

    from lithiophile.kb import KnowledgeBase

    with tempfile.TemporaryDirectory() as tmp:
        kb = KnowledgeBase(Path(tmp) / "kb.duckdb")
        t0 = time.perf_counter()
        hand = []
        for s in todo:
            with kb.reading():
                hand.append(by_hand(s, kb))
        t_hand = time.perf_counter() - t0
    same = all(
        [(c.strategy.id, c.score) for c in a.cards] == h for a, h in zip(batch, hand, strict=True)
    )
    print(f"{len(todo)} systems by hand (assess + kb.query per strategy, serial): {t_hand:.1f} s")
    print(
        f"ratio by hand / advise_many(workers={args.workers}): {t_hand / t_batch:.1f}x; "
        f"same rankings and scores: {same}"
    )
    if not same:
        raise SystemExit("cross-check failed: the hand-made ranking differs")

    from lithiophile.advise.validate import table3_spearman

    rows, rho, rho_loo = table3_spearman()
    print("Table 3 strategies: measured drop log10(without/with) vs advisor score (Li | LLZO)")
    for r in rows:
        print(
            f"  {r.label:28s} drop {r.drop_log10:5.2f}  score {r.score:+5.2f}  "
            f"leave-one-out {r.score_left_out:+5.2f}"
        )
    print(
        f"Spearman rho (n={len(rows)}): {rho:+.2f} with every record, "
        f"{rho_loo:+.2f} with each row's own records left out"
    )


if __name__ == "__main__":
    main()
