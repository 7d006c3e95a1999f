"""Rank the catalogue's strategies for one system, or for many in a batch.

For a system (anode, electrolyte, conditions, the user's own results) every strategy of
:func:`lithiophile.advise.catalog.strategies` goes through the rules of
:mod:`lithiophile.advise.rules`; the candidates are assessed against Li once
(:mod:`lithiophile.advise.predict`), the literature is the bundled knowledge base. Nothing is
downloaded: the whole run is offline.
"""

from __future__ import annotations

import functools
import statistics
from collections.abc import Sequence
from typing import Any

from lithiophile import cite
from lithiophile.advise import rules
from lithiophile.advise.cards import Advice, Card, Finding
from lithiophile.advise.catalog import Strategy, strategies
from lithiophile.advise.evidence import Baselines, Evidence, baselines, gather
from lithiophile.advise.predict import Prediction, predict_many
from lithiophile.advise.system import System, make_system
from lithiophile.kb.schema import Record
from lithiophile.metrics import METRICS, Conditions, Metric

__all__ = ["advise", "advise_many", "advise_system"]


@functools.cache
def _review() -> tuple[Record, ...]:
    from lithiophile.kb import bundled_records

    return tuple(bundled_records())


@functools.cache
def _medians() -> Baselines:
    return baselines(_review())


def _candidates(system: System) -> dict[str, Prediction]:
    kind = system.electrolyte.kind
    wanted = [s.candidate for s in strategies() if s.candidate]
    preds = predict_many(wanted, kind)
    extra = ["Li2CO3", "Li2O", "Cu"] + (
        [system.electrolyte.formula] if system.electrolyte.formula else []
    )
    preds.update(predict_many(extra, "solid" if kind == "solid" else "liquid"))
    return preds


def _diagnosis(system: System, preds: dict[str, Prediction]) -> list[Finding]:
    from lithiophile.kb.claims import bundled_claims

    e = system.electrolyte
    out: list[Finding] = []
    if e.formula and e.formula in preds:
        p = preds[e.formula]
        out.append(
            Finding(
                f"{e.name} ({e.formula}) against Li: {p.reaction or 'unknown'}; "
                f"interface type {p.interface_type} ({p.interface_basis})",
                ("Zhu2015ACSAMI", "Wenzel2015SSI"),
            )
        )
    if e.family == "garnet":
        claims = {c.id: c for c in bundled_claims()}
        li2o, llzt = (
            claims["text-77-li2o-interface-energy"],
            claims["text-77-llzt-interface-energy"],
        )
        out.append(
            Finding(
                "cause of poor wetting: surface Li2CO3 and Li2O on the garnet (formed in air). "
                f"Li2CO3 against Li: {preds['Li2CO3'].reaction}, {preds['Li2CO3'].wetting_text}; "
                f"Li2O: {preds['Li2O'].wetting_text}. The review: the Li|Li2O interface formation "
                f"energy is positive ({li2o.value:g}, printed {li2o.printed}, read as J m-2) and "
                f"Li|LLZT negative ({llzt.value:g}); polished LLZT is wetted",
                ("Li2021 ref [77]", "Li2021 ref [78]"),
            )
        )
    if e.kind == "liquid":
        out.append(
            Finding(
                "surface contaminants of Li (Li2O, Li2CO3, LiOH) usually lead to poor "
                f"lithiophilicity; {preds['Li2CO3'].wetting_text} on Li2CO3",
                ("Li2021",),
            )
        )
    if e.family == "carbonate":
        out.append(
            Finding(
                "carbonate electrolytes form a fragile, Li2CO3-rich SEI on Li; "
                "fluorinated (LiF-rich) SEIs are the review's remedy",
                ("Li2021 ref [27]", "Li2021 ref [28]"),
            )
        )
    if system.anode == "Cu":
        out.append(
            Finding(
                f"anode-free Cu: {preds['Cu'].reaction or 'Cu'} "
                f"(type {preds['Cu'].interface_type}); {preds['Cu'].wetting_text}: "
                "Li nucleates on bare Cu with a barrier",
                ("Li2021 ref [11]", "Wang2019NatCommun"),
            )
        )
    t = system.temperature_K
    if t is not None and t < 453.65:
        out.append(
            Finding(
                f"at {t - 273.15:.0f} °C Li is solid (melts at 180.5 °C): contact "
                "comes from pressure, interlayers or a melt step",
                ("Li2021 ref [17]",),
            )
        )
    return out


def _versus_electrolyte(s: Strategy, system: System, preds: dict[str, Prediction]) -> str:
    e = system.electrolyte
    own = preds.get(e.formula or "")
    against = f"{e.name} against Li: type {own.interface_type}" if own else ""
    if s.candidate is None:
        return f"no single material to pair with {e.name or e.text}" + (
            f"; {against}" if against else ""
        )
    tail = f"; {against}" if against else ""
    if e.kind != "solid":
        return (
            f"{s.candidate} with {e.name or e.text}: wetting by the liquid not computed (no "
            "energy source holds liquid electrolytes)" + tail
        )
    return _pair_text(s.candidate, e.formula, e.name or e.text) + tail


def _pair_text(candidate: str, formula: str | None, name: str) -> str:
    """The candidate's own reaction with the solid electrolyte, or why it is unknown."""
    from lithiophile.errors import LithiophileError
    from lithiophile.thermo.pair import react_pair

    if not formula:
        return f"{candidate} with {name}: unknown (the electrolyte has no formula)"
    try:
        return react_pair(candidate, formula).text()
    except LithiophileError as exc:
        return f"{candidate} with {name}: unknown ({exc})"


def _effect(s: Strategy, evidence: Sequence[Evidence], system: System) -> list[str]:
    out = []
    for metric in s.moves:
        found = [e for e in evidence if e.record.metric == metric and e.weight > 0]
        if not found:
            continue
        refs = "; ".join(
            f"{e.effect} [ref {e.record.provenance.ref if e.record.provenance else '-'}]"
            for e in found[:3]
        )
        out.append(f"{metric.replace('_', ' ')}: {refs}")
        ratios = [e.strength for e in found if e.strength is not None and "control" in e.effect]
        mine = [m for m in system.results if m.metric == metric]
        if ratios and mine:
            factor = 10 ** -statistics.median(ratios)
            m = mine[0]
            kind = METRICS[m.metric]
            now = f"{m.value * kind.display_factor:.3g} {kind.display_unit}"
            after = f"{m.value * factor * kind.display_factor:.3g} {kind.display_unit}"
            out.append(
                f"yours: {now} -> ~{after} if the median x{factor:.2g} of these works carried "
                "over (an assumption)"
            )
    return out or ["no record in the knowledge base quantifies it"]


def _card(
    s: Strategy,
    system: System,
    preds: dict[str, Prediction],
    pre: list[rules.Step],
    leave_out: frozenset[str],
) -> Card:
    review = _review()
    mine = Conditions(
        current_density_A_m2=system.current_density_A_m2, temperature_K=system.temperature_K
    )
    matches = [r for r in review if s.matches(r.id) and r.id not in leave_out]
    evidence = gather(matches, review, mine, system.electrolyte.kind, _medians())
    if s.families and system.electrolyte.family not in s.families:  # R1: another family
        evidence = [_elsewhere(e, s.families) for e in evidence]
    diagnosis_preds = preds
    cand = preds.get(s.candidate) if s.candidate else None
    e_pred = diagnosis_preds.get(system.electrolyte.formula or "")
    steps = [
        *pre,
        *rules.r2_candidate(s, cand),
        *rules.r3_system(s, system, e_pred, diagnosis_preds.get("Cu")),
        *rules.r4_literature(evidence),
        *rules.r5_failures(s),
        *rules.r6_conditions(s, system),
        *rules.r7_results(s, system, _medians()),
    ]
    level, why = rules.confidence(steps, evidence)
    return Card(
        s,
        round(sum(x.points for x in steps), 6),
        level,
        why,
        tuple(steps),
        cand,
        _versus_electrolyte(s, system, diagnosis_preds),
        tuple(evidence),
        tuple(_effect(s, evidence, system)),
    )


def advise_system(system: System, *, leave_out: Sequence[str] = ()) -> Advice:
    """Ranked strategies for ``system`` (see :func:`advise`). ``leave_out``: record ids kept out
    of the literature step (for leave-one-out checks)."""
    preds = _candidates(system)
    cards, excluded = [], []
    for s in strategies():
        ok, pre = rules.applies(s, system)
        if not ok:
            excluded.append((s.id, pre[0].why))
            continue
        cards.append(_card(s, system, preds, pre, frozenset(leave_out)))
    cards.sort(key=lambda c: (-c.score, c.strategy.id))
    ranked = tuple(_ranked(c, i + 1) for i, c in enumerate(cards))
    comparisons: tuple[Any, ...] = ()
    if system.results:
        from lithiophile import kb

        comparisons = tuple(
            kb.compare(list(system.results), list(_review()), electrolyte=system.electrolyte.kind)
        )
    keys = ["Li2021", "Wang2019NatCommun", "Raj2020arXiv"]
    for k in keys:
        if k in cite.CITATIONS:
            cite.register(k)
    return Advice(
        system,
        ranked,
        tuple(_diagnosis(system, preds)),
        tuple(excluded),
        comparisons,
        tuple(k for k in keys if k in cite.CITATIONS),
    )


def _elsewhere(e: Evidence, families: Sequence[str]) -> Evidence:
    """A record from another electrolyte family: half its weight, and said so."""
    from dataclasses import replace

    from lithiophile.kb.gaps import Gap

    gap = Gap("family", f"reported on {', '.join(families)} electrolytes", False)
    return replace(e, weight=e.weight * 0.5, gaps=(*e.gaps, gap))


def _ranked(c: Card, rank: int) -> Card:
    from dataclasses import replace

    return replace(c, rank=rank)


def advise(
    anode: str,
    electrolyte: str,
    *,
    collector: str | None = None,
    temperature_K: float | None = None,
    current_density_A_m2: float | None = None,
    results: Sequence[Metric] = (),
) -> Advice:
    """The entry function of *advise*: strategies ranked for an anode and an electrolyte.

    Parameters
    ----------
    anode
        ``"Li"`` (Li-metal foil), ``"Cu"`` (anode-free) or a host's name.
    electrolyte
        A solid electrolyte (``"LLZO"``, ``"Li6PS5Cl"``, ``"LATP"`` ...) or a liquid by salt and
        solvents (``"1 M LiPF6 in EC/DEC"``).
    collector
        The current collector (informative).
    temperature_K, current_density_A_m2
        Operating conditions; records at a current density beyond a factor 2 count half.
    results
        The user's own Metric records (``cell analyze`` / ``eis fit``): compared with the
        literature, and a poor figure promotes the strategies that move it.

    Returns
    -------
    Advice
        Evidence cards ranked by score, the diagnosis of the system's interface, the
        strategies that do not apply (and why), and the works used.

    References
    ----------
    Li, C.-C. et al. Energy Mater. 2021, 1, 100017; Wang, S.-H. et al. Nat. Commun. 2019, 10,
    4930; Raj, V. et al. arXiv:2001.06276 (2020).

    Examples
    --------
    >>> a = advise("Li", "LLZO")
    >>> a.cards[0].score >= a.cards[-1].score
    True
    """
    system = make_system(
        anode,
        electrolyte,
        collector=collector,
        temperature_K=temperature_K,
        current_density_A_m2=current_density_A_m2,
        results=tuple(results),
    )
    return advise_system(system)


def _job(system: System) -> Advice:
    return advise_system(system)


#: Seconds a fresh worker process needs before its first advice: importing the package and
#: assessing the catalogue's candidates once (measured as the cold advise of
#: benchmarks/bench_advise.py: 6-13 s on the shared 2-core machine). A pool pays only when the
#: work left exceeds about twice this, i.e. for several hundred systems.
WORKER_START_S = 8.0


def advise_many(
    systems: Sequence[System | dict[str, Any]], *, workers: int = 1, scheduler: str | None = None
) -> tuple[Advice, ...]:
    """Advice for many systems (Systems, or dicts of :func:`advise`'s arguments), in order.

    The candidates are assessed once in this process first; the systems then run here unless
    a process pool pays for its start-up (:data:`WORKER_START_S` per worker,
    :func:`lithiophile.parallel.run_jobs`)."""
    from lithiophile.errors import InputError
    from lithiophile.parallel import run_jobs

    items = [s if isinstance(s, System) else make_system(**s) for s in systems]
    for kind in dict.fromkeys(s.electrolyte.kind for s in items):  # warm: each class once
        _candidates(next(s for s in items if s.electrolyte.kind == kind))
    out = []
    jobs = run_jobs(
        _job, items, workers=workers, scheduler=scheduler, pool_overhead_s=WORKER_START_S
    )
    for job in jobs:
        if job.value is None:
            raise InputError(f"cannot advise on {job.item.label}: {job.error}")
        out.append(job.value)
    return tuple(out)
