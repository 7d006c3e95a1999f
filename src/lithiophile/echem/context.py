"""What every figure of one test shares: electrode area, temperature, source, start time.

:meth:`TestContext.conditions` turns currents and capacities into the areal conditions of a
:class:`~lithiophile.metrics.Conditions` when the area is known; without it the plain current
and capacity are kept (as SI text in ``extra``) and no areal number is invented.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from lithiophile.errors import InputError
from lithiophile.io.celldata import CellData
from lithiophile.metrics import Conditions

__all__ = ["AREA_HELP", "TestContext"]

AREA_HELP = (
    'give the electrode area with --area "1.13 cm^2" or --diameter "12 mm" '
    "(area_m2= / AnalysisOptions(area_m2=...) in Python), or use a file whose header states it"
)


@dataclass(frozen=True)
class TestContext:
    """Area [m^2], median temperature [K], source hash, start time [s] of one test, and where
    its current comes from (``"measured"``, ``"supplied"`` or ``"none"``: without a current
    no current density or capacity enters the conditions)."""

    area_m2: float | None
    temperature_K: float | None
    source: str | None
    t0_s: float
    current: str = "measured"

    @classmethod
    def of(cls, cell: CellData, area_m2: float | None, current: str = "measured") -> TestContext:
        area = area_m2 if area_m2 is not None else cell.meta.area_m2
        temp = None
        if "temperature_K" in cell.columns:
            values = cell["temperature_K"]
            values = values[np.isfinite(values)]
            if values.size:
                temp = float(np.median(values))
        t = cell["time_s"]
        return cls(area, temp, cell.meta.sha256, float(t[0]) if t.size else 0.0, current)

    def require_area(self, what: str) -> float:
        """The area, or an InputError saying ``what`` needs it and how to give it."""
        if self.area_m2 is None:
            raise InputError(
                f"{what} is an areal figure and the electrode area is unknown: {AREA_HELP}."
            )
        return self.area_m2

    def conditions(
        self,
        *,
        cell: str,
        abs_current_A: float | None = None,
        capacity_C: float | None = None,
        time_s: float | None = None,
        cycle: int | None = None,
        cutoff_V: float | None = None,
        extra: tuple[tuple[str, str], ...] = (),
    ) -> Conditions:
        """Conditions of a figure; ``time_s`` is test time (elapsed since the first point)."""
        cd = cap = None
        more = list(extra)
        if self.current == "none":
            abs_current_A = capacity_C = None
        elif self.current == "supplied":
            more.append(("current", "supplied by the user (the file records none)"))
        if self.area_m2 is not None:
            if abs_current_A is not None and math.isfinite(abs_current_A):
                cd = abs_current_A / self.area_m2
            if capacity_C is not None and math.isfinite(capacity_C):
                cap = capacity_C / self.area_m2
        else:
            if abs_current_A is not None:
                more.append(("current_A", f"{abs_current_A:.6g}"))
            if capacity_C is not None:
                more.append(("capacity_C", f"{capacity_C:.6g}"))
        return Conditions(
            current_density_A_m2=cd,
            areal_capacity_C_m2=cap,
            temperature_K=self.temperature_K,
            time_s=None if time_s is None else max(0.0, float(time_s)),
            cycle=cycle,
            cell=cell,
            cutoff_V=cutoff_V,
            extra=tuple(more),
        )
