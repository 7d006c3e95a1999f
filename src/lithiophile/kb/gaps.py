"""Condition gaps: which conditions of a literature record differ from the user's, stated in
display units, and whether each breaks comparability (rate and capacity beyond a factor, stage
of cycling, electrolyte class, temperature, cell type). The rules and their reasons are in
:mod:`lithiophile.kb.compare`, which ranks with them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from lithiophile.kb.display import CONDITION_UNITS, per_display_unit
from lithiophile.kb.schema import Record
from lithiophile.metrics import Conditions, Metric

__all__ = ["Gap", "condition_gaps", "interface_basis", "stage_of"]


@dataclass(frozen=True)
class Gap:
    """One condition that differs (or is unstated on one side)."""

    name: str
    text: str
    blocking: bool


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


def stage_of(c: Conditions) -> str | None:
    """``"initial"``, ``"after cycling"``, ``"at rest"`` or None (not stated)."""
    stated = dict(c.extra).get("stage")
    if stated:
        return str(stated)
    if c.time_s is not None or c.cycle is not None:
        return "after cycling"
    if c.rest_time_s is not None:
        return "at rest"
    return None


def interface_basis(metric: Metric | Record) -> str | None:
    """``"per interface"``, ``"whole cell"`` or None for a resistance (from its variant)."""
    variant = (metric.variant or "").lower()
    if "per interface" in variant or "per-interface" in variant:
        return "per interface"
    if variant.startswith(("cell", "whole")):
        return "whole cell"
    return None


def _rate_gaps(
    mine: Conditions, theirs: Conditions, factor: float, needs_rate: bool, normalise: bool
) -> list[Gap | None]:
    gaps: list[Gap | None] = []
    rate_missing = False
    if needs_rate and mine.current_density_A_m2 is not None:
        if theirs.current_density_A_m2 is None and theirs.c_rate is None:
            gaps.append(Gap("rate", "the record states no current density or C-rate", True))
            rate_missing = True
        elif theirs.current_density_A_m2 is None:
            gaps.append(
                Gap(
                    "rate",
                    f"the record states a C-rate ({theirs.c_rate:.3g} C), yours "
                    "a current density: not comparable",
                    True,
                )
            )
            rate_missing = True
    if not rate_missing:
        g = _ratio_gap(
            "current density",
            mine.current_density_A_m2,
            theirs.current_density_A_m2,
            *_display("current_density_A_m2"),
            factor,
        )
        if (
            g is not None
            and normalise
            and mine.current_density_A_m2
            and theirs.current_density_A_m2
        ):
            g = Gap(
                g.name,
                g.text + "; normalised: compared as V/j (area-specific resistance, "
                "assuming a linear response within the factor)",
                g.blocking,
            )
        gaps.append(g)
    gaps.append(
        _ratio_gap(
            "areal capacity",
            mine.areal_capacity_C_m2,
            theirs.areal_capacity_C_m2,
            *_display("areal_capacity_C_m2"),
            factor,
        )
    )
    if mine.c_rate is not None or theirs.c_rate is not None:
        gaps.append(_ratio_gap("C-rate", mine.c_rate, theirs.c_rate, 1.0, "C", factor))
    return gaps


def _stage_gaps(mine: Conditions, theirs: Conditions) -> list[Gap | None]:
    gaps: list[Gap | None] = []
    a, b = stage_of(mine), stage_of(theirs)
    if a and b and a != b:
        gaps.append(Gap("stage", f"stage: {b} in the record vs yours {a}", True))
    elif b and not a:
        gaps.append(Gap("stage", f"stage: {b} in the record, yours not stated", False))
    if mine.time_s is not None and theirs.time_s is not None:
        gaps.append(_ratio_gap("time", mine.time_s, theirs.time_s, *_display("time_s"), math.inf))
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
    return gaps


def condition_gaps(
    mine: Conditions,
    theirs: Conditions,
    *,
    factor: float = 2.0,
    temperature_tol_K: float = 10.0,
    needs_rate: bool = False,
    normalise_rate: bool = False,
) -> list[Gap]:
    """Differences between two sets of conditions; ``blocking`` where beyond the tolerance.

    With ``needs_rate`` (metrics that depend on the rate: polarization, cycle life, CE), a
    record that states neither a current density nor a C-rate, or only the other one of the
    two, cannot be compared with a result at a stated current density. With
    ``normalise_rate`` (polarization) a current-density difference is a note, not a block:
    the values are compared as V/j."""
    if factor < 1:
        from lithiophile.errors import InputError

        raise InputError(f"factor must be 1 or more, such as 2 (1: equal only). Got {factor!r}.")
    gaps = _rate_gaps(mine, theirs, factor, needs_rate, normalise_rate)
    gaps += _stage_gaps(mine, theirs)
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
