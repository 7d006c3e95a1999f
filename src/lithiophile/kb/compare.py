"""Where does a result stand? Rank it among records of the same metric, with condition gaps.

A record is *comparable* with the user's result when no stated condition differs by more than
the tolerances (current density, areal capacity and C-rate within a factor 2, temperature within
10 K, the same cell type). Every difference is reported as a gap, including conditions one side
does not state, so that a cycle life at 0.5 mA cm-2 is never set beside one at 4 mA cm-2 without
saying so. Records printed with a bound ("over 300 h", "less than 25 mV") are better, worse or
undetermined against the user's value according to the bound; records flagged ``exclude`` (what
the number measures is unclear) are left out unless asked for.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

from lithiophile.kb.display import CONDITION_UNITS, per_display_unit
from lithiophile.kb.schema import DIRECTION, Record
from lithiophile.metrics import METRICS, Conditions, Metric

__all__ = ["RATE_DEPENDENT", "Comparison", "Entry", "Gap", "compare", "condition_gaps"]

#: Metric kinds set beside each other with a "defined differently" gap: a reservoir average
#: CE (Adams 2018) and the review's "Li-Cu efficiency" both measure Li||Cu reversibility.
RELATED: dict[str, tuple[str, ...]] = {"average_ce": ("li_cu_ce",), "li_cu_ce": ("average_ce",)}

#: Metrics whose value depends on the current density (or C-rate) of the test.
RATE_DEPENDENT = frozenset(
    {
        "polarization",
        "cycle_life_time",
        "cycle_life_cycles",
        "li_cu_ce",
        "average_ce",
        "full_cell_ce",
        "capacity_retention",
        "nucleation_overpotential",
        "growth_overpotential",
        "cumulative_capacity",
    }
)


@dataclass(frozen=True)
class Gap:
    """One condition that differs (or is unstated on one side)."""

    name: str
    text: str
    blocking: bool


@dataclass(frozen=True)
class Entry:
    """One literature record set beside the user's result."""

    record: Record
    outcome: Literal["better", "worse", "equal", "undetermined"]
    gaps: tuple[Gap, ...]

    @property
    def comparable(self) -> bool:
        return not any(g.blocking for g in self.gaps)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.record.id,
            "material": self.record.material,
            "strategy": self.record.strategy,
            "value": self.record.value_si,
            "value_text": self.record.value_text(),
            "ref": self.record.provenance.ref if self.record.provenance else None,
            "outcome": self.outcome,
            "comparable": self.comparable,
            "gaps": [g.text for g in self.gaps],
            "flags": [f.kind for f in self.record.flags],
        }


@dataclass(frozen=True)
class Comparison:
    """The user's result against the records of its metric."""

    mine: Metric
    direction: Literal["higher", "lower"]
    entries: tuple[Entry, ...]
    left_out: tuple[Record, ...] = field(default=())

    @property
    def comparable(self) -> list[Entry]:
        return [e for e in self.entries if e.comparable]

    def rank(self, comparable_only: bool = True) -> tuple[int, int, int]:
        """(rank, of how many, undetermined): rank 1 is best; ties share a rank."""
        pool = self.comparable if comparable_only else list(self.entries)
        better = sum(e.outcome == "better" for e in pool)
        undetermined = sum(e.outcome == "undetermined" for e in pool)
        return better + 1, len(pool) + 1, undetermined

    def summary(self) -> str:
        r, n, u = self.rank(True)
        ra, na, ua = self.rank(False)
        kind = METRICS[self.mine.metric].name.replace("_", " ")
        text = (
            f"{kind}: {self.direction} is better. Yours ranks {r} of {n} among records under "
            f"comparable conditions"
        )
        if u:
            text += f" ({u} undetermined: printed as a bound)"
        text += f"; {ra} of {na} among all {na - 1} records of this metric"
        if ua:
            text += f" ({ua} undetermined)"
        return text + "."

    def lines(self, limit: int = 8) -> list[str]:
        """Readable lines: the summary, then the closest records with their gaps."""
        out = [self.summary(), f"yours: {self.mine.display()}"]
        ordered = sorted(self.entries, key=lambda e: (not e.comparable, len(e.gaps)))
        for e in ordered[:limit]:
            mark = "comparable" if e.comparable else "NOT comparable"
            ref = e.record.provenance.ref if e.record.provenance else None
            out.append(
                f"  {e.outcome:>12s}  {e.record.value_text():>12s}  {e.record.material} "
                f"[ref {ref}] ({mark})"
            )
            for g in e.gaps:
                out.append(f"{'':16s}gap: {g.text}")
        if len(ordered) > limit:
            out.append(f"  ... and {len(ordered) - limit} more records")
        if self.left_out:
            out.append(
                f"  left out {len(self.left_out)} record(s) flagged as unclear "
                "(include_excluded=True to see them)"
            )
        return out

    def as_dict(self) -> dict[str, Any]:
        r, n, u = self.rank(True)
        ra, na, ua = self.rank(False)
        return {
            "metric": self.mine.metric,
            "direction": self.direction,
            "yours": self.mine.as_dict(),
            "rank_comparable": {"rank": r, "of": n, "undetermined": u},
            "rank_all": {"rank": ra, "of": na, "undetermined": ua},
            "entries": [e.as_dict() for e in self.entries],
            "left_out": [rec.id for rec in self.left_out],
            "summary": self.summary(),
        }


def _ratio_gap(
    name: str, mine: float | None, theirs: float | None, scale: float, unit: str, factor: float
) -> Gap | None:
    if theirs is None:
        if mine is None:
            return None
        return Gap(
            name, f"{name} not stated in the record (yours {mine * scale:.3g} {unit})", False
        )
    if mine is None:
        return Gap(
            name, f"{name} {theirs * scale:.3g} {unit} in the record, yours not stated", False
        )
    a, b = abs(mine), abs(theirs)
    if math.isclose(a, b, rel_tol=1e-9):
        return None
    ratio = max(a, b) / min(a, b) if min(a, b) > 0 else math.inf
    word = "higher" if b > a else "lower"
    return Gap(
        name,
        f"{name} {b * scale:.4g} {unit} vs yours {a * scale:.4g} {unit} ({ratio:.3g}x {word})",
        ratio > factor,
    )


def _display(field: str) -> tuple[float, str]:
    """(SI -> display factor, display unit) of a condition."""
    return per_display_unit(field), CONDITION_UNITS[field][1]


def _cell(text: str | None) -> str | None:
    return None if text is None else text.replace("||", "|").replace(" ", "").lower()


def condition_gaps(
    mine: Conditions,
    theirs: Conditions,
    *,
    factor: float = 2.0,
    temperature_tol_K: float = 10.0,
    needs_rate: bool = False,
) -> list[Gap]:
    """Differences between two sets of conditions; ``blocking`` where beyond the tolerance.

    With ``needs_rate`` (metrics that depend on the rate: polarization, cycle life, CE), a
    record that states neither a current density nor a C-rate, or only the other one of the
    two, cannot be compared with a result at a stated current density."""
    gaps: list[Gap | None] = []
    if needs_rate and mine.current_density_A_m2 is not None:
        if theirs.current_density_A_m2 is None and theirs.c_rate is None:
            gaps.append(Gap("rate", "the record states no current density or C-rate", True))
        elif theirs.current_density_A_m2 is None:
            gaps.append(
                Gap(
                    "rate",
                    f"the record states a C-rate ({theirs.c_rate:.3g} C), yours "
                    "a current density: not comparable",
                    True,
                )
            )
    gaps += [
        _ratio_gap(
            "current density",
            mine.current_density_A_m2,
            theirs.current_density_A_m2,
            *_display("current_density_A_m2"),
            factor,
        ),
        _ratio_gap(
            "areal capacity",
            mine.areal_capacity_C_m2,
            theirs.areal_capacity_C_m2,
            *_display("areal_capacity_C_m2"),
            factor,
        ),
    ]
    if gaps and gaps[0] is not None and gaps[0].name == "rate":
        gaps = [g for g in gaps if g is None or g.name != "current density"]
    if mine.c_rate is not None or theirs.c_rate is not None:
        gaps.append(_ratio_gap("C-rate", mine.c_rate, theirs.c_rate, 1.0, "C", factor))
    if mine.time_s is not None and theirs.time_s is not None:
        g = _ratio_gap("time", mine.time_s, theirs.time_s, *_display("time_s"), math.inf)
        gaps.append(g)
    if mine.cycle is not None and theirs.cycle is not None and mine.cycle != theirs.cycle:
        gaps.append(Gap("cycle", f"after {theirs.cycle} cycles vs yours {mine.cycle}", False))
    if mine.rest_time_s is not None or theirs.rest_time_s is not None:
        gaps.append(
            _ratio_gap(
                "rest time",
                mine.rest_time_s,
                theirs.rest_time_s,
                *_display("rest_time_s"),
                math.inf,
            )
        )
    a, b = _cell(mine.cell), _cell(theirs.cell)
    if a and b and a != b:
        gaps.append(Gap("cell", f"cell {theirs.cell} vs yours {mine.cell}", True))
    elif a and not b:
        gaps.append(Gap("cell", f"cell type not stated in the record (yours {mine.cell})", False))
    ta, tb = mine.temperature_K, theirs.temperature_K
    if ta is not None and tb is not None and abs(ta - tb) > 1e-9:
        gaps.append(
            Gap(
                "temperature",
                f"{tb - 273.15:.3g} °C vs yours {ta - 273.15:.3g} °C",
                abs(ta - tb) > temperature_tol_K,
            )
        )
    elif tb is not None and ta is None:
        gaps.append(
            Gap("temperature", f"{tb - 273.15:.3g} °C in the record, yours not stated", False)
        )
    return [g for g in gaps if g is not None]


def _interval(r: Record) -> tuple[float, float]:
    v = float(r.value_si or 0.0)
    if r.qualifier == ">":
        return v, math.inf
    if r.qualifier == "<":
        return -math.inf, v
    if r.qualifier == "range" and r.value_high is not None:
        return v, v * (r.value_high / r.value) if r.value else v
    return v, v


def _outcome(
    r: Record, x: float, direction: str
) -> Literal["better", "worse", "equal", "undetermined"]:
    lo, hi = _interval(r)
    if lo == hi and math.isclose(lo, x, rel_tol=1e-9):
        return "equal"
    if direction == "higher":
        return "better" if lo > x else "worse" if hi < x else "undetermined"
    return "better" if hi < x else "worse" if lo > x else "undetermined"


def compare(
    result: Metric | Record | dict[str, Any],
    records: list[Record],
    *,
    factor: float = 2.0,
    temperature_tol_K: float = 10.0,
    include_excluded: bool = False,
) -> Comparison:
    """Rank ``result`` among ``records`` of the same metric.

    Parameters
    ----------
    result
        The user's Metric (or a Record, or a Metric dict).
    records
        Candidate records (other metrics are ignored).
    factor
        Largest ratio of current density, areal capacity or C-rate still comparable.
    temperature_tol_K
        Largest temperature difference still comparable [K].
    include_excluded
        Also rank records flagged ``exclude``.
    """
    if isinstance(result, Record):
        mine = result.to_metric()
    elif isinstance(result, Metric):
        mine = result
    else:
        mine = Metric.from_dict(result)
    direction = DIRECTION[mine.metric]
    entries, left_out = [], []
    related = RELATED.get(mine.metric, ())
    for r in records:
        if r.metric != mine.metric and r.metric not in related:
            continue
        if r.excluded and not include_excluded:
            left_out.append(r)
            continue
        gaps = condition_gaps(
            mine.conditions,
            r.conditions.to_conditions(),
            factor=factor,
            temperature_tol_K=temperature_tol_K,
            needs_rate=mine.metric in RATE_DEPENDENT,
        )
        if r.metric != mine.metric:
            gaps.insert(
                0,
                Gap(
                    "definition",
                    f"the record is a {r.metric}, yours a {mine.metric}: defined differently",
                    False,
                ),
            )
        entries.append(Entry(r, _outcome(r, mine.value, direction), tuple(gaps)))
    return Comparison(mine, direction, tuple(entries), tuple(left_out))
