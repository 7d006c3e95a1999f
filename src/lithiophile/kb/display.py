"""Display units of the conditions (mA cm-2, mAh cm-2, h), with factors from the one registry.

Conditions are SI inside (``current_density_A_m2``, ``areal_capacity_C_m2``, ``time_s``); the
comparison text and the figures show them in the units of the review's tables. The factors come
from :func:`lithiophile.units.factor_to_si` (1 mA cm-2 = 10 A m-2; 1 mAh cm-2 = 36 000 C m-2;
1 h = 3600 s), never typed in by hand.
"""

from __future__ import annotations

from typing import Any

__all__ = ["CONDITION_UNITS", "per_display_unit", "record_row", "to_display"]

#: SI condition field -> (its name, display unit as printed, the same in pint's spelling, SI unit).
CONDITION_UNITS: dict[str, tuple[str, str, str, str]] = {
    "current_density_A_m2": ("current_density", "mA cm-2", "mA/cm^2", "A/m^2"),
    "areal_capacity_C_m2": ("areal_capacity", "mAh cm-2", "mA*h/cm^2", "C/m^2"),
    "time_s": ("time", "h", "h", "s"),
    "rest_time_s": ("rest_time", "h", "h", "s"),
}


def per_display_unit(field: str) -> float:
    """How many display units one SI unit of ``field`` is (0.1 for A m-2 -> mA cm-2)."""
    from lithiophile.units import factor_to_si

    _, _, pint_unit, si_unit = CONDITION_UNITS[field]
    return 1.0 / factor_to_si(pint_unit, si_unit)


def to_display(field: str, value_si: float | None) -> float | None:
    """``value_si`` of the condition ``field`` in its display unit (None stays None)."""
    return None if value_si is None else value_si * per_display_unit(field)


def record_row(record: Any, *, si: bool = False) -> dict[str, Any]:
    """One record as a flat row: value and conditions in SI (``current_density_A_m2``) or in
    display units (``current_density [mA cm-2]``), the unit named in the key or in ``unit``."""
    from lithiophile.kb.schema import unit_factor
    from lithiophile.metrics import METRICS

    kind = METRICS[record.metric]
    factor = 1.0 if si else kind.display_factor
    high = None
    if record.value_high is not None:
        high = record.value_high * unit_factor(record.unit, record.metric) * factor
    c = record.conditions
    row: dict[str, Any] = {
        "id": record.id,
        "origin": record.origin,
        "metric": record.metric,
        "variant": record.variant,
        "qualifier": record.qualifier,
        "value": record.value_si * factor,
        "value_high": high,
        "unit": kind.unit if si else kind.display_unit,
        "strategy": record.strategy,
        "electrolyte": record.electrolyte,
        "material": record.material,
    }
    for field, (name, unit, _, _) in CONDITION_UNITS.items():
        value = getattr(c, field)
        row[field if si else f"{name} [{unit}]"] = value if si else to_display(field, value)
    row["cycle"] = c.cycle
    row["temperature_K" if si else "temperature [degC]"] = (
        c.temperature_K if si or c.temperature_K is None else c.temperature_K - 273.15
    )
    row["c_rate"] = c.c_rate
    row["cell"] = c.cell
    row["ref"] = record.provenance.ref if record.provenance else None
    row["flags"] = ", ".join(f.kind for f in record.flags)
    return row
