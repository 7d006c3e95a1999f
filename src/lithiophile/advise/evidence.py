"""The literature behind a strategy: its records, whether each is comparable, how strong it is.

Each record a strategy names is set against the user's conditions with
:func:`lithiophile.kb.gaps.condition_gaps` (same electrolyte class required; current
density within a factor 2 where the user states one). Its *strength* says how far the result
lies from what the review typically reports for the same metric and electrolyte class, on a
log scale so that a factor of 10 counts 1 (rule R3 of docs/methods.md, "Advise"):

- resistance: ``log10(control / with)`` against the same work's control row ("without"), else
  against the median of the review's control rows of that class; a resistance in ohm of unknown
  area counts only as a ratio to its own control.
- polarization: ``log10(median / (V/j))`` on the area-specific resistance V/j.
- cycle life, critical current density: ``log10(value / median)``.
- Coulombic efficiency, capacity retention: ``log10((1 - median) / (1 - value))`` (losses).

Strengths are clipped to [-1, 2]. A record weighs 1 when comparable, 0.5 when not; a
``caution`` flag halves its weight, an ``exclude`` flag sets it to 0.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from lithiophile.kb.gaps import Gap, condition_gaps
from lithiophile.kb.schema import Record
from lithiophile.metrics import METRICS, Conditions
from lithiophile.store import JsonView

__all__ = ["Baselines", "Evidence", "baselines", "gather"]

_LOSS = ("li_cu_ce", "average_ce", "full_cell_ce", "capacity_retention")
_RATIO = ("cycle_life_time", "cycle_life_cycles", "critical_current_density")
_RES = ("interfacial_asr", "interfacial_resistance")


def _record_view(r: Record) -> dict[str, Any]:
    """The record as a person reads it on a card: value and conditions as text, flags as
    sentences."""
    return {
        "id": r.id,
        "material": r.material,
        "metric": r.metric,
        "value": r.value_text(),
        "conditions": r.conditions.to_conditions().display(),
        "ref": r.provenance.ref if r.provenance else None,
        "citation": r.provenance.citation if r.provenance else r.source,
        "flags": [f"{f.kind} ({f.severity}): {f.explanation}" for f in r.flags],
    }


@dataclass(frozen=True)
class Evidence(JsonView):
    """One record set against the user's system (its JSON shows the record as a card does)."""

    record: Record = field(metadata={"payload_as": _record_view, "payload_merge": True})
    comparable: bool
    gaps: tuple[Gap, ...] = field(metadata={"payload_as": lambda gaps: [g.text for g in gaps]})
    weight: float
    strength: float | None
    effect: str


def _value(r: Record) -> float:
    return float(r.value_si if r.value_si is not None else r.value)


def _asr_of_polarization(r: Record) -> float | None:
    j = r.conditions.current_density_A_m2
    return None if not j else _value(r) / abs(j)


Baselines = dict[tuple[str, str | None], float]


def baselines(records: Sequence[Record]) -> Baselines:
    """The medians the review reports per (metric, electrolyte class): polarization as V/j,
    ``"control:<metric>"`` for the control rows' resistances."""
    values: dict[tuple[str, str | None], list[float]] = {}
    for r in records:
        if r.excluded or r.origin != "review":
            continue
        if r.strategy == "control":
            if r.metric in _RES:
                values.setdefault(("control:" + r.metric, r.electrolyte), []).append(_value(r))
            continue
        v = _asr_of_polarization(r) if r.metric == "polarization" else _value(r)
        if v is not None and v > 0:
            values.setdefault((r.metric, r.electrolyte), []).append(v)
    return {k: statistics.median(v) for k, v in values.items() if v}


def _clip(x: float) -> float:
    return max(-1.0, min(2.0, x))


def _control_of(r: Record, records: Sequence[Record]) -> Record | None:
    if r.provenance is None:
        return None
    for c in records:
        if (
            c.strategy == "control"
            and c.metric == r.metric
            and c.provenance is not None
            and c.provenance.ref == r.provenance.ref
            and c.provenance.row == r.provenance.row
        ):
            return c
    return None


def _strength(r: Record, records: Sequence[Record], medians: Baselines) -> tuple[float | None, str]:
    kind = METRICS[r.metric]
    v = _value(r)
    shown = r.value_text()
    if r.metric in _RES:
        control = _control_of(r, records)
        if control is not None and v > 0:
            ratio = _value(control) / v
            return _clip(math.log10(ratio)), (
                f"{kind.name.replace('_', ' ')} {control.value_text()} -> {shown} with it "
                f"(x{1 / ratio:.2g}, the same work's control)"
            )
        base = medians.get(("control:" + r.metric, r.electrolyte))
        if r.metric == "interfacial_asr" and base and v > 0:
            return _clip(math.log10(base / v)), (
                f"{shown}, x{v / base:.2g} the median control row of the review "
                f"({base * kind.display_factor:.4g} {kind.display_unit})"
            )
        return None, f"{shown} (ohm of unknown area: no ratio without its own control)"
    base = medians.get((r.metric, r.electrolyte))
    if r.metric == "polarization":
        asr = _asr_of_polarization(r)
        if asr is None or base is None or asr <= 0:
            return None, f"{shown} (no current density: not normalised)"
        return _clip(math.log10(base / asr)), (
            f"{shown} = {asr * 1e4:.3g} ohm cm2 as V/j (review median {base * 1e4:.3g})"
        )
    if base is None or base <= 0:
        return None, shown
    if r.metric in _LOSS and v < 1 and base < 1:
        return _clip(math.log10((1 - base) / (1 - v))), (
            f"{shown} (loss x{(1 - v) / (1 - base):.2g} the review median "
            f"{base * kind.display_factor:.4g} {kind.display_unit})"
        )
    if r.metric in _RATIO and v > 0:
        return _clip(math.log10(v / base)), (
            f"{shown} (x{v / base:.2g} the review median "
            f"{base * kind.display_factor:.4g} {kind.display_unit})"
        )
    return None, shown


def _weight(r: Record, comparable: bool) -> float:
    if r.excluded:
        return 0.0
    w = 1.0 if comparable else 0.5
    if any(f.severity == "caution" for f in r.flags):
        w *= 0.5
    return w


def gather(
    matches: Sequence[Record],
    records: Sequence[Record],
    mine: Conditions,
    electrolyte: str,
    medians: Baselines,
) -> list[Evidence]:
    """Evidence from the strategy's records ``matches`` (controls left out) for a system at
    conditions ``mine`` in an ``electrolyte`` class; ``records`` is the whole base (medians,
    control rows)."""
    out = []
    for r in matches:
        if r.strategy == "control":
            continue
        gaps = condition_gaps(
            mine,
            r.conditions.to_conditions(),
            needs_rate=False,
            normalise_rate=r.metric == "polarization",
        )
        if r.electrolyte and r.electrolyte != electrolyte:
            gaps.append(Gap("electrolyte", f"{r.electrolyte} electrolyte vs yours", True))
        comparable = not any(g.blocking for g in gaps)
        strength, effect = _strength(r, records, medians)
        out.append(Evidence(r, comparable, tuple(gaps), _weight(r, comparable), strength, effect))
    return out
