"""What the synthetic cycling generators share: the cell they return, the trace they append
half-cycles to, sample grids, metadata, and the Butler-Volmer overpotential.

Units SI; sign convention the package's (plating on the working electrode is negative
current). The physics of each protocol is in :mod:`lithiophile.synth.cells` (Li||Li) and
:mod:`lithiophile.synth.copper` (plating on Cu).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from lithiophile.errors import InputError
from lithiophile.io.celldata import CellData, Metadata

__all__ = ["COIN_AREA_M2", "MAH_CM2", "SyntheticCell", "bv_overpotential"]

F = 96485.33212  # C/mol
R_GAS = 8.314462618  # J/(mol K)
#: A 12 mm disc [m^2].
COIN_AREA_M2 = math.pi * 0.012**2 / 4
#: 1 mAh cm^-2 in C m^-2 (1e-3 A x 3600 s per 1e-4 m^2).
MAH_CM2 = 36000.0
GAP_S = 1e-3  # time between the last point of one half-cycle and the first of the next [s]


def bv_overpotential(j: float, j0: float, temperature_K: float = 298.15) -> float:
    """Charge-transfer overpotential of one electrode [V], symmetric Butler-Volmer.

    ``eta = (2 R T / F) asinh(j / (2 j0))``, with j and j0 in A m^-2.
    """
    return 2 * R_GAS * temperature_K / F * math.asinh(j / (2 * j0))


@dataclass(frozen=True, eq=False)
class SyntheticCell:
    """A synthetic test and its true figures."""

    data: CellData
    truth: dict[str, Any] = field(default_factory=dict)

    def write(self, path: str | Path, fmt: str | None = None) -> Path:
        """Write the data: ``.parquet``, BDF ``.csv``, or ``fmt`` from
        :data:`lithiophile.synth.instruments.WRITERS` (``biologic-mpt``, ``biologic-mpr``,
        ``maccor-text``, ``neware-csv``, ``arbin-csv``, ``land``)."""
        path = Path(path)
        if fmt is None and path.suffix == ".parquet":
            return self.data.write_parquet(path)
        if fmt is None or fmt == "bdf":
            if path.suffix != ".csv":
                raise InputError(
                    f"cannot tell the format of '{path.name}': name it .parquet or .csv (BDF), "
                    "or give fmt= (e.g. 'biologic-mpt')"
                )
            from lithiophile.io import bdf

            return bdf.write(self.data, path)
        from lithiophile.synth.instruments import WRITERS

        if fmt not in WRITERS:
            raise InputError(f"fmt must be 'bdf' or one of {sorted(WRITERS)}. Got {fmt!r}.")
        return WRITERS[fmt](self.data, path)


class _Trace:
    """Half-cycles appended one after another."""

    def __init__(self, rng: np.random.Generator, noise_V: float) -> None:
        self.t: list[np.ndarray] = []
        self.v: list[np.ndarray] = []
        self.i: list[np.ndarray] = []
        self.now = 0.0
        self.rng = rng
        self.noise = noise_V

    def add(
        self,
        tau: np.ndarray,
        volts: np.ndarray,
        current: float | np.ndarray,
        until: float | None = None,
    ) -> float:
        """Append points at ``now + tau``; returns the start time of the block. The next block
        starts ``GAP_S`` after the last point, or at ``now + until`` when given."""
        start = self.now
        self.t.append(start + tau)
        self.v.append(volts + self.rng.normal(0.0, self.noise, tau.size) if self.noise else volts)
        self.i.append(np.broadcast_to(np.asarray(current, dtype=float), tau.shape).copy())
        self.now = start + (float(tau[-1]) + GAP_S if until is None else until)
        return start

    def cell(self, meta: Metadata, extra: dict[str, np.ndarray] | None = None) -> CellData:
        cols: dict[str, Any] = {
            "time_s": np.concatenate(self.t),
            "voltage_V": np.concatenate(self.v),
            "current_A": np.concatenate(self.i),
        }
        cols.update(extra or {})
        return CellData.from_columns(cols, meta)


def _grid(duration: float, dt: float, dense_dt: float | None = None, dense_s: float = 0.0):
    """Sample times in [0, duration], both ends included; denser over the first dense_s."""
    if dense_dt and dense_s > 0:
        head = np.arange(0.0, min(dense_s, duration), dense_dt)
        tail = np.arange(head[-1] + dt if head.size else 0.0, duration, dt)
        tau = np.concatenate((head, tail))
    else:
        tau = np.arange(0.0, duration, dt)
    if tau.size == 0 or tau[-1] < duration:
        tau = np.append(tau, duration)
    return tau


def _meta(kind: str, area_m2: float | None, header: dict[str, Any]) -> Metadata:
    return Metadata(
        instrument="lithiophile synthetic",
        format="synthetic",
        area_m2=area_m2,
        techniques=("GCPL",),
        header={"cell": kind, **header},
    )


def _check_positive(**values: float) -> None:
    for name, value in values.items():
        if not (math.isfinite(value) and value > 0):
            raise InputError(f"'{name}' must be a positive number. Got {value!r}.")


def _cycle_columns(
    halves: list[tuple[int, int]], cycle_start: int, increments_on: str
) -> np.ndarray:
    """An instrument-style cycle column: numbering from ``cycle_start``, a new cycle at each
    half-cycle of direction ``increments_on`` (``"plate"``: I < 0, ``"strip"``: I > 0)."""
    want = -1 if increments_on == "plate" else 1
    cyc = cycle_start
    out = []
    seen_first = False
    for n, direction in halves:
        if direction == want:
            if seen_first:
                cyc += 1
            seen_first = True
        out.append(np.full(n, cyc, dtype=np.int64))
    return np.concatenate(out)


def _instrument_columns(
    halves: list[tuple[int, int]], wanted: bool, cycle_start: int, increments_on: str
) -> dict[str, np.ndarray] | None:
    """The ``cycle`` column of :func:`_cycle_columns` when ``wanted`` (else None)."""
    return {"cycle": _cycle_columns(halves, cycle_start, increments_on)} if wanted else None


def _area(area_m2: float | None) -> float:
    """The area the current is computed on: the stated one, else :data:`COIN_AREA_M2`."""
    return area_m2 if area_m2 is not None else COIN_AREA_M2


def _growth_overpotential(
    j: float, asr_ohm_m2: float, j0_A_m2: float, temperature_K: float = 298.15
) -> float:
    """|V| of steady Li growth [V]: the ohmic drop plus two Butler-Volmer interfaces."""
    return j * asr_ohm_m2 + 2 * bv_overpotential(j, j0_A_m2, temperature_K)


def _short_after(
    volts: np.ndarray, t_abs: np.ndarray, at_s: float | None, v_short: float
) -> np.ndarray:
    """``volts`` with ``v_short`` (= I R) from test time ``at_s`` on (a hard short)."""
    return volts if at_s is None else np.where(t_abs >= at_s, v_short, volts)
