"""The ranking rules, one function each; every rule returns the steps it took, with points.

The rules are written out, with their sources, in docs/methods.md ("Advise: ranking rules").
R1 applicability, R2 the candidate against Li (thermodynamics and wetting), R3 the electrolyte
and anode of the system against Li, R4 the literature under comparable conditions, R5 failure
modes and counter-evidence, R6 the stated conditions, R7 the user's own results. The score is
the sum of the points; the confidence says how much of it rests on evidence.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from lithiophile.advise.catalog import Strategy
from lithiophile.advise.evidence import Baselines, Evidence
from lithiophile.advise.predict import Prediction
from lithiophile.advise.system import System

__all__ = [
    "Step",
    "applies",
    "confidence",
    "r2_candidate",
    "r3_system",
    "r4_literature",
    "r5_failures",
    "r6_conditions",
    "r7_results",
]

#: Mechanisms judged by whether the candidate reacts or alloys with Li and is wetted.
WETTING = frozenset({"alloying", "alloy additive", "seed", "host chemistry", "host dopant"})
#: Mechanisms whose candidate should be stable or passivating against Li and insulating.
PASSIVATING = frozenset({"insulating", "fluorinated SEI", "artificial SEI"})
#: Mechanisms that keep Li and the electrolyte apart without a chemistry of their own.
SEPARATING = frozenset({"insulating", "soft contact", "mixed-conducting"})


@dataclass(frozen=True)
class Step:
    """One rule applied: its id, the points it gives, why, and the sources."""

    rule: str
    points: float
    why: str
    cites: tuple[str, ...] = ()

    def text(self) -> str:
        cites = f" [{'; '.join(self.cites)}]" if self.cites else ""
        return f"{self.rule} {self.points:+.2f}: {self.why}{cites}"


def applies(s: Strategy, system: System) -> tuple[bool, list[Step]]:
    """R1: the strategy's electrolyte class and anode must match; another family costs 0.5."""
    kind, family = system.electrolyte.kind, system.electrolyte.family
    if s.electrolyte not in ("any", kind):
        return False, [Step("R1", 0.0, f"for {s.electrolyte} electrolytes; yours is {kind}")]
    if system.anode not in s.anodes:
        return False, [
            Step("R1", 0.0, f"applies to anodes {', '.join(s.anodes)}; yours is {system.anode}")
        ]
    if s.families and family not in s.families and s.families_strict:
        return False, [
            Step("R1", 0.0, f"only for {', '.join(s.families)} electrolytes; yours is {family}")
        ]
    if s.families and family not in s.families:
        return True, [
            Step(
                "R1",
                -0.5,
                f"reported for {', '.join(s.families)} electrolytes; yours is {family}",
                tuple(f"Li2021 ref [{r}]" for r in s.refs[:2]),
            )
        ]
    return True, [Step("R1", 0.0, f"applies to {kind} ({family}) with a {system.anode} anode")]


def r2_candidate(s: Strategy, p: Prediction | None) -> list[Step]:
    """R2: what the candidate material does against Li (lithiophile.thermo.assess)."""
    if s.candidate is None or p is None:
        return [Step("R2", 0.0, "no single material meets Li: nothing to assess")]
    if p.error or (p.reacts is None and p.interface_type in (None, "unknown")):
        return [Step("R2", 0.0, f"{s.candidate}: unknown against Li ({p.error or p.verdict})")]
    seen = f"{s.candidate}: {p.reaction or 'no reaction'}, type {p.interface_type}; "
    wang = ("Wang2019NatCommun",)
    if s.mechanism in WETTING:
        if p.alloys or (p.reacts and p.wets):
            return [Step("R2", 2.0, seen + p.wetting_text + ": lithiophilic", wang)]
        if p.reacts is False:
            return [Step("R2", -2.0, seen + p.wetting_text + ": lithiophobic", wang)]
        return [Step("R2", 0.0, seen + p.wetting_text + ": reacts, but the product does not wet")]
    if s.mechanism in PASSIVATING:
        if p.interface_type in ("I", "II") and not p.alloys:
            return [
                Step(
                    "R2",
                    1.5,
                    seen + "stable or passivating and electronically insulating: blocks side "
                    "reactions (interface I/II, review Fig. 4E)",
                    ("Li2021 ref [84]", "Wenzel2015SSI"),
                )
            ]
        if p.interface_type == "III":
            return [Step("R2", -1.0, seen + "conducts electrons: keeps reacting", ("Li2021",))]
    if s.mechanism == "mixed-conducting" and p.reacts:
        return [Step("R2", 1.0, seen + "converts to an ionic + electronic mix", ("Li2021",))]
    if s.mechanism == "polishing" and p.wets is False:
        return [
            Step(
                "R2",
                1.5,
                f"removes {s.candidate}, which Li does not wet ({p.wetting_text})",
                ("Li2021 ref [77]",),
            )
        ]
    return [Step("R2", 0.0, seen + "no rule for this mechanism and outcome")]


def r3_system(
    s: Strategy, system: System, electrolyte: Prediction | None, anode: Prediction | None
) -> list[Step]:
    """R3: what the system's own interface needs (electrolyte vs Li; bare Cu vs Li)."""
    steps: list[Step] = []
    e = system.electrolyte
    t = electrolyte.interface_type if electrolyte is not None else None
    if e.kind == "solid" and t == "III" and s.mechanism in SEPARATING:
        steps.append(
            Step(
                "R3",
                1.0,
                f"{e.name} is reduced by Li to a mixed conductor (type "
                "III): a layer that keeps Li off it helps",
                ("Li2021 ref [70]",),
            )
        )
    if e.kind == "solid" and t == "III" and s.mechanism in ("alloying", "alloy additive"):
        steps.append(
            Step(
                "R3",
                -1.0,
                f"{e.name} is reduced by Li (type III): an electron-conducting interlayer passes "
                "electrons to it",
                ("Li2021 ref [70]",),
            )
        )
    if e.kind == "solid" and t == "II" and s.mechanism == "insulating":
        steps.append(
            Step(
                "R3",
                0.5,
                f"{e.name} decomposes against Li (type II): an insulating "
                "interphase is its natural fix",
                ("Li2021 ref [84]",),
            )
        )
    if e.family == "garnet" and s.mechanism in ("alloying", "alloy additive", "polishing"):
        steps.append(
            Step(
                "R3",
                0.5,
                "garnet is stable against Li; its problem is wetting "
                "(surface Li2CO3/Li2O), which alloying or polishing address",
                ("Li2021 ref [77]", "Li2021 ref [78]"),
            )
        )
    if e.family == "carbonate" and s.mechanism == "fluorinated SEI":
        steps.append(
            Step(
                "R3",
                1.0,
                "carbonates form a Li2CO3-rich SEI (lithiophobic, poor "
                "conductor); a LiF-rich SEI replaces it",
                ("Li2021 ref [27]", "Li2021 ref [28]"),
            )
        )
    if system.anode == "Cu" and s.mechanism in (
        "seed",
        "alloying",
        "host dopant",
        "host chemistry",
    ):
        why = "bare Cu does not react with Li" if anode is None or anode.reacts is not True else ""
        steps.append(
            Step(
                "R3",
                1.0,
                f"anode-free Cu: {why or 'Cu'} ({anode.wetting_text if anode else 'unknown'}); "
                "lithiophilic sites lower the nucleation barrier",
                ("Li2021 ref [11]", "Wang2019NatCommun"),
            )
        )
    return steps


def r4_literature(evidence: Sequence[Evidence]) -> list[Step]:
    """R4: weighted mean strength of the records, plus 0.25 log2(1 + total weight)."""
    used = [e for e in evidence if e.strength is not None and e.weight > 0]
    if not used:
        n = len(evidence)
        why = "no record in the knowledge base" if not n else f"{n} record(s), none scorable"
        return [Step("R4", 0.0, why)]
    w = sum(e.weight for e in used)
    mean = sum(e.weight * (e.strength or 0.0) for e in used) / w
    bonus = 0.25 * math.log2(1 + w)
    comparable = sum(e.comparable for e in used)
    refs = tuple(
        dict.fromkeys(
            f"Li2021 ref [{e.record.provenance.ref}]"
            for e in used
            if e.record.provenance and e.record.provenance.ref
        )
    )
    return [
        Step(
            "R4",
            mean + bonus,
            f"{len(used)} record(s), {comparable} under comparable "
            f"conditions: weighted strength {mean:+.2f} (log10 vs the review's medians) "
            f"+ {bonus:.2f} for {w:g} weight of evidence",
            refs,
        )
    ]


def r5_failures(s: Strategy) -> list[Step]:
    """R5: each failure mode costs 0.25; counter-evidence from a published result 0.5."""
    steps = []
    for f in s.failures:
        cites = tuple(f.cites) + tuple(f"Li2021 ref [{r}]" for r in f.refs)
        steps.append(Step("R5", -0.5 if f.cites else -0.25, f.text, cites or ("Li2021",)))
    return steps


def r6_conditions(s: Strategy, system: System) -> list[Step]:
    """R6: conditions the user stated that the strategy is known to mind."""
    steps = []
    t = system.temperature_K
    if t is not None and t < 323.15 and s.id == "polymer-interlayer":
        steps.append(
            Step("R6", -1.0, f"at {t - 273.15:.0f} °C polymers conduct Li+ poorly", ("Li2021",))
        )
    if t is not None and t >= 453.65 and s.mechanism == "thermal":
        steps.append(
            Step("R6", 0.5, "you work above the Li melting point (180.5 °C)", ("Li2021 ref [17]",))
        )
    return steps


def r7_results(s: Strategy, system: System, medians: Baselines) -> list[Step]:
    """R7: a result of the user's that is worse than the review's median, in a figure the
    strategy moves, adds 0.5."""
    from lithiophile.kb.schema import DIRECTION

    steps = []
    for m in system.results:
        if m.metric not in s.moves:
            continue
        base = medians.get((m.metric, system.electrolyte.kind))
        if m.metric == "polarization" and m.conditions.current_density_A_m2:
            value = m.value / abs(m.conditions.current_density_A_m2)
        else:
            value = m.value
        if base is None:
            continue
        worse = value > base if DIRECTION[m.metric] == "lower" else value < base
        if worse:
            steps.append(
                Step(
                    "R7",
                    0.5,
                    f"your {m.display()} is worse than the review's median "
                    f"for {system.electrolyte.kind} electrolytes; this strategy moves it",
                )
            )
    return steps


def confidence(steps: Sequence[Step], evidence: Sequence[Evidence]) -> tuple[str, str]:
    """("high" | "medium" | "low", why)."""
    thermo = sum(x.points for x in steps if x.rule == "R2")
    lit = sum(x.points for x in steps if x.rule == "R4")
    n = sum(1 for e in evidence if e.comparable and e.weight >= 0.5 and e.strength is not None)
    any_lit = any(e.strength is not None and e.weight > 0 for e in evidence)
    if thermo < 0 < lit or lit < 0 < thermo:
        return "low", "thermodynamics and literature disagree"
    if n >= 2 and thermo >= 0:
        return "high", f"{n} comparable records and no contrary prediction"
    if n == 1 and thermo > 0:
        return "medium", "1 comparable record and a prediction that agrees"
    if any_lit:
        return "medium", "literature only (no comparable pair of record and prediction)"
    if abs(thermo) >= 1.5:
        return "medium", "prediction only: no record in the knowledge base"
    return "low", "no record and no decisive prediction"
