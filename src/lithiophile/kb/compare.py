"""Where does a result stand? Rank it among records of the same metric, with condition gaps.

A record is *comparable* with the user's result when nothing that changes the number differs
beyond a tolerance. What is part of comparability, and why:

- **rate and capacity**: current density, areal capacity and C-rate within ``factor`` (default
  2; 1 demands equality). Within that range a polarization is normalised where physics allows
  it: both sides are set on the area-specific resistance V/j (the record's value re-expressed
  at the user's current density, assuming a linear, ohmic response), so 20 mV at 0.5 mA cm-2
  and 20 mV at 1 mA cm-2 are not "equal" (their ASRs differ twofold). A linear response is not
  assumed over a wider range, so beyond ``factor`` the record stays not comparable. Cycle life
  and CE are not normalised.
- **stage**: a value "initial" and one "after 1400 h" are not comparable; one at rest ("after
  resting 48 h") and one after cycling neither.
- **electrolyte class**: liquid and solid are never pooled.
- **control rows**: the "without" rows of the review (the bare interface a strategy is measured
  against) are baselines: listed apart, never ranked against a strategy (unless the user's own
  result is a control).
- **area basis**: a resistance in ohm of unknown electrode area is comparable with nothing; use
  the area-specific resistance (ohm cm2).
- **whole-cell or per-interface**: a symmetric cell holds two interfaces, so its ASR is twice the
  per-interface value (METHODS.md). Where both sides state the basis the record is normalised;
  where one does not, the record may be off by a factor 2 and its outcome is decided only when
  it holds both ways.
- temperature within 10 K, the same cell type.

Every difference is reported as a gap (``blocking`` when it breaks comparability), including
conditions one side does not state. Records printed with a bound ("over 300 h") are better,
worse or undetermined according to the bound; records flagged ``exclude`` are left out unless
asked for.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypedDict

from lithiophile.kb.gaps import Gap, condition_gaps, interface_basis
from lithiophile.kb.schema import DIRECTION, Record
from lithiophile.metrics import METRICS, Metric, as_metric

__all__ = [
    "RATE_DEPENDENT",
    "Comparison",
    "Entry",
    "compare",
]

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
#: Metrics normalised by the current density (V / j = area-specific resistance).
NORMALISED_BY_RATE = frozenset({"polarization"})
#: Resistance metrics, whose basis (whole cell or one interface) matters.
RESISTANCES = frozenset({"interfacial_resistance", "interfacial_asr"})

Outcome = Literal["better", "worse", "equal", "undetermined"]


class RankOptions(TypedDict, total=False):
    """The keyword options of :func:`compare`, for the functions that pass them on."""

    factor: float
    temperature_tol_K: float
    include_excluded: bool
    electrolyte: str | None
    control: bool


@dataclass(frozen=True)
class Entry:
    """One literature record set beside the user's result.

    ``scale`` (low, high) is what the record's value was multiplied by to put it in the user's
    frame (current density, interface basis); ``(1, 1)`` when nothing was normalised."""

    record: Record = field(metadata={"payload": False})
    outcome: Outcome
    gaps: tuple[Gap, ...] = field(metadata={"payload_as": lambda gaps: [g.text for g in gaps]})
    scale: tuple[float, float] = field(
        default=(1.0, 1.0), metadata={"payload_key": "scale_to_yours"}
    )

    #: What ``--json`` shows of the record beside the outcome (through
    #: :func:`lithiophile.store.to_payload`).
    PAYLOAD_EXTRA = (
        "id",
        "material",
        "strategy",
        "value",
        "value_text",
        "ref",
        "comparable",
        "blocking",
        "flags",
    )

    @property
    def comparable(self) -> bool:
        return not any(g.blocking for g in self.gaps)

    @property
    def blocking(self) -> list[str]:
        """The names of the conditions that make the record not comparable."""
        return [g.name for g in self.gaps if g.blocking]

    @property
    def metric(self) -> Metric:
        """The record as a Metric record (SI value, its conditions)."""
        return self.record.to_metric()

    @property
    def normalised(self) -> bool:
        return self.scale != (1.0, 1.0)

    @property
    def id(self) -> str:
        return self.record.id

    @property
    def material(self) -> str:
        return self.record.material

    @property
    def strategy(self) -> str:
        return self.record.strategy

    @property
    def value(self) -> float | None:
        """The record's value in SI."""
        return self.record.value_si

    def value_text(self) -> str:
        return self.record.value_text()

    @property
    def ref(self) -> int | None:
        """The record's reference in the review, where it names one."""
        return self.record.provenance.ref if self.record.provenance else None

    @property
    def flags(self) -> list[str]:
        return [f.kind for f in self.record.flags]


@dataclass(frozen=True)
class Comparison:
    """The user's result against the records of its metric.

    ``controls`` are the "without" rows (bare interfaces), kept apart as baselines."""

    mine: Metric = field(metadata={"payload_key": "yours"})
    direction: Literal["higher", "lower"]
    entries: tuple[Entry, ...]
    left_out: tuple[Record, ...] = field(
        default=(), metadata={"payload_as": lambda records: [r.id for r in records]}
    )
    controls: tuple[Entry, ...] = field(default=())
    citations: tuple[str, ...] = ("Li2021",)

    #: Shown beside the fields by :func:`lithiophile.store.to_payload`.
    PAYLOAD_EXTRA = ("metric", "rank_comparable", "rank_all", "summary")

    @property
    def metric(self) -> str:
        return self.mine.metric

    @property
    def rank_comparable(self) -> dict[str, int]:
        """:meth:`rank` among records under comparable conditions, by name."""
        return dict(zip(("rank", "of", "undetermined"), self.rank(True), strict=True))

    @property
    def rank_all(self) -> dict[str, int]:
        """:meth:`rank` among all records of the metric, by name."""
        return dict(zip(("rank", "of", "undetermined"), self.rank(False), strict=True))

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
            text += f" ({u} undetermined: printed as a bound or of unknown basis)"
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
            out.append(
                f"  {e.outcome:>12s}  {e.value_text():>12s}  {e.material} [ref {e.ref}] ({mark})"
            )
            for g in e.gaps:
                out.append(f"{'':16s}{'gap' if g.blocking else 'note'}: {g.text}")
        if len(ordered) > limit:
            out.append(f"  ... and {len(ordered) - limit} more records")
        if self.controls:
            out.append(
                "  baselines (control rows, not ranked): "
                + "; ".join(f"{c.record.value_text()} {c.record.material}" for c in self.controls)
            )
        if self.left_out:
            out.append(
                f"  left out {len(self.left_out)} record(s) flagged as unclear "
                "(--include-excluded to see them)"
            )
        return out


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
    r: Record, x: float, direction: str, scale: tuple[float, float] = (1.0, 1.0)
) -> Outcome:
    lo, hi = _interval(r)
    lo, hi = lo * scale[0], hi * scale[1]
    if lo == hi and math.isclose(lo, x, rel_tol=1e-9):
        return "equal"
    if direction == "higher":
        return "better" if lo > x else "worse" if hi < x else "undetermined"
    return "better" if hi < x else "worse" if lo > x else "undetermined"


def _basis_scale(mine: Metric, r: Record) -> tuple[tuple[float, float], Gap | None]:
    """Factor(s) putting the record's resistance on the user's basis, and the gap to say so."""
    a, b = interface_basis(mine), interface_basis(r)
    if a == b and a is not None:
        return (1.0, 1.0), None
    if a and b:  # both stated, different: a symmetric cell's whole-cell value is 2 interfaces
        f = 0.5 if b == "whole cell" else 2.0
        return (f, f), Gap("basis", f"the record is {b}, yours {a}: normalised (x{f:g})", False)
    if a == "per interface":
        return (0.5, 1.0), Gap(
            "basis", "the record does not say whole cell or per interface: may be 2x yours", False
        )
    if a == "whole cell":
        return (1.0, 2.0), Gap(
            "basis", "the record does not say whole cell or per interface: may be half yours", False
        )
    return (0.5, 2.0), Gap(
        "basis",
        "whole-cell or per-interface basis not stated"
        + (f" (record: {b})" if b else "")
        + ": values may differ by a factor 2",
        False,
    )


def _entry(
    mine: Metric, r: Record, gaps: list[Gap], direction: str, electrolyte: str | None
) -> Entry:
    scale = (1.0, 1.0)
    if r.metric != mine.metric:
        gaps.insert(
            0,
            Gap(
                "definition",
                f"the record is a {r.metric}, yours a {mine.metric}: defined differently",
                False,
            ),
        )
    if r.electrolyte and electrolyte and r.electrolyte != electrolyte:
        gaps.append(Gap("electrolyte", f"{r.electrolyte} electrolyte vs yours {electrolyte}", True))
    elif r.electrolyte and not electrolyte:
        gaps.append(
            Gap(
                "electrolyte", f"{r.electrolyte} electrolyte in the record, yours not stated", False
            )
        )
    if mine.metric == "interfacial_resistance":
        gaps.append(
            Gap(
                "area basis",
                "ohm of unknown electrode area: not comparable; compare area-specific "
                "resistances (ohm cm2)",
                True,
            )
        )
    if mine.metric in RESISTANCES:
        scale, g = _basis_scale(mine, r)
        if g is not None:
            gaps.append(g)
    jm, jt = mine.conditions.current_density_A_m2, r.conditions.current_density_A_m2
    if mine.metric in NORMALISED_BY_RATE and jm and jt and not math.isclose(abs(jm), abs(jt)):
        f = abs(jm) / abs(jt)
        scale = (scale[0] * f, scale[1] * f)
    return Entry(r, _outcome(r, mine.value, direction, scale), tuple(gaps), scale)


def _as_metric(result: Metric | Record | dict[str, Any]) -> Metric:
    if isinstance(result, Record):
        return result.to_metric()
    return as_metric(result)


def compare(
    result: Metric | Record | dict[str, Any],
    records: Sequence[Record],
    *,
    factor: float = 2.0,
    temperature_tol_K: float = 10.0,
    include_excluded: bool = False,
    electrolyte: str | None = None,
    control: bool = False,
) -> Comparison:
    """Rank ``result`` among ``records`` of the same metric.

    Parameters
    ----------
    result
        The user's Metric (or a Record, or a Metric dict).
    records
        Candidate records (other metrics are ignored).
    factor
        Largest ratio of current density, areal capacity or C-rate still comparable (>= 1).
    temperature_tol_K
        Largest temperature difference still comparable [K].
    include_excluded
        Also rank records flagged ``exclude``.
    electrolyte
        The user's electrolyte class (``"liquid"`` or ``"solid"``); None: read from the
        result's stated electrolyte where it names one.
    control
        The user's result is itself a control (bare interface): rank it among the control
        rows instead of keeping them apart.
    """
    from lithiophile.kb.electrolytes import electrolyte_class

    mine = _as_metric(result)
    if isinstance(result, Record):
        electrolyte = electrolyte or result.electrolyte
        control = control or result.strategy == "control"
    electrolyte = electrolyte or electrolyte_class(mine.conditions.electrolyte)
    direction = DIRECTION[mine.metric]
    entries, controls, left_out = [], [], []
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
            normalise_rate=mine.metric in NORMALISED_BY_RATE,
        )
        entry = _entry(mine, r, gaps, direction, electrolyte)
        if (r.strategy == "control") != control:
            controls.append(entry)
        else:
            entries.append(entry)
    return Comparison(mine, direction, tuple(entries), tuple(left_out), tuple(controls))


@dataclass(frozen=True)
class Comparisons:
    """Several results, each ranked (what :func:`lithiophile.kb.compare` returns for a list)."""

    items: tuple[Comparison, ...] = field(metadata={"payload_key": "comparisons"})
    warnings: tuple[str, ...] = ()
    citations: tuple[str, ...] = ("Li2021",)

    def __iter__(self) -> Any:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: int) -> Comparison:
        return self.items[i]
