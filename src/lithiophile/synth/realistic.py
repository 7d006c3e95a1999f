"""Realistic synthetic Li||Li cycling: what a real cycler writes, with the truth known.

On top of the closed-form cell of :func:`lithiophile.synth.cells.symmetric` (a plateau per
half-cycle and a decaying spike at its start), the recording adds what instruments do:

* current noise set by the current range: uniform within +-``noise_of_range`` x the range
  (+-10 % of the current at the bottom of a range, as the +-0.1 % of full scale of common
  cyclers gives there);
* voltage quantisation (``quantum_V``, an ADC step) and Gaussian voltage noise;
* record-on-change sampling: a point is written when the voltage moves by ``record_dV`` or
  ``record_dt_s`` has passed, and at every step's start and end (transition records);
  ``record_dV=None`` records on the clock only, at the end of every interval;
* a rest (zero current, the voltage relaxing to 0 V) after every half-cycle and an
  open-circuit period before the first;
* an interruption: the instrument stops recording for ``pause_s`` inside one half-cycle
  (no current flows; the step resumes where it stopped);
* continuation files: the records split into ``parts`` files, as a test continued in a new
  file (each part's time counted from the start of the test);
* the cycle column counted as each vendor layout counts it (:data:`CYCLE_COUNTING`).

:func:`realistic_symmetric` returns a :class:`~lithiophile.synth.cells.SyntheticCell` whose
``truth`` holds, per half-cycle, the plateau |V| and the charge (set current x duration of
current flow), per cycle the hysteresis, and the parts for continuation files.

Units: SI (s, V, A, C).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lithiophile.errors import InputError
from lithiophile.io.celldata import CellData, Metadata
from lithiophile.synth.common import COIN_AREA_M2, SyntheticCell, _check_positive

__all__ = ["CYCLE_COUNTING", "realistic_symmetric"]

#: How each vendor layout numbers cycles: (first cycle number, half-cycle that starts a new
#: cycle: "plate" for I < 0, "strip" for I > 0). BioLogic counts from 0; the others from 1.
CYCLE_COUNTING: dict[str, tuple[int, str]] = {
    "biologic-mpt": (0, "plate"),
    "biologic-mpr": (0, "plate"),
    "maccor-text": (1, "strip"),
    "neware-csv": (1, "plate"),
    "arbin-csv": (1, "plate"),
    "land": (1, "plate"),
    "bdf": (1, "plate"),
}


def _records(t: np.ndarray, v: np.ndarray, dv: float | None, dt: float) -> np.ndarray:
    """Indices of the fine points a cycler records within one step (first and last always)."""
    if dv is None:
        keep = np.zeros(t.size, dtype=bool)
        ticks = np.floor((t - t[0]) / dt + 1e-9)
        keep[1:] = ticks[1:] != ticks[:-1]
    else:
        level = np.floor(v / dv)
        bucket = np.floor((t - t[0]) / dt + 1e-9)
        keep = np.zeros(t.size, dtype=bool)
        keep[1:] = (level[1:] != level[:-1]) | (bucket[1:] != bucket[:-1])
    keep[0] = keep[-1] = True
    return np.flatnonzero(keep)


def _step(duration: float, fine_dt: float, start: float) -> tuple[np.ndarray, np.ndarray]:
    """Fine times of one step: from its start, every ``fine_dt``, its end included."""
    tau = np.arange(0.0, duration + 1e-9, fine_dt)
    if tau[-1] < duration:
        tau = np.append(tau, duration)
    return tau, start + tau


def _parts(cols: dict[str, np.ndarray], meta: Metadata, parts: int) -> list[CellData]:
    """The records split into ``parts`` continuation files: each file's clock starts at 0 and
    its header states its own start time (the test's start plus the offset)."""
    from datetime import timedelta

    from lithiophile.synth.instruments import DEFAULT_START

    start = meta.start_time or DEFAULT_START
    cuts = np.linspace(0, cols["time_s"].size, parts + 1).astype(int)
    out = []
    for a, b in itertools.pairwise(cuts):
        piece = {k: c[a:b] for k, c in cols.items()}
        t0 = float(piece["time_s"][0])
        piece["time_s"] = piece["time_s"] - t0
        when = start + timedelta(seconds=t0)
        out.append(CellData.from_columns(piece, meta.replace(start_time=when)))
    return out


@dataclass
class _Recorder:
    """The records a cycler writes, step by step, with the cycle number of each."""

    record_dt_s: float
    cycle: int
    t: list[np.ndarray] = field(default_factory=list)
    v: list[np.ndarray] = field(default_factory=list)
    i: list[np.ndarray] = field(default_factory=list)
    cycles: list[np.ndarray] = field(default_factory=list)

    def emit(self, t: np.ndarray, v: np.ndarray, i: np.ndarray, dv: float | None) -> None:
        """Record one step's fine points as :func:`_records` selects them."""
        keep = _records(t, v, dv, self.record_dt_s)
        self.t.append(t[keep])
        self.v.append(v[keep])
        self.i.append(i[keep])
        self.cycles.append(np.full(keep.size, self.cycle, dtype=np.int64))


@dataclass(frozen=True)
class _Protocol:
    """What the cell does: half-cycles at +-``current_A`` (plating first), each followed by a
    rest that relaxes the voltage, after an open-circuit period; a pause inside one."""

    cycles: int
    current_A: float
    half_cycle_s: float
    plateau_V: float
    growth_per_cycle: float
    spike_V: float
    tau_spike_s: float
    rest_s: float
    ocv_s: float
    tau_rest_s: float
    fine_dt_s: float
    pause_s: float

    @property
    def pause_at(self) -> tuple[int, float] | None:
        """(half-cycle index, time into it) of the interruption: half-cycle 2, at 40 %."""
        return (1, 0.4 * self.half_cycle_s) if self.pause_s > 0 else None

    def run(self, rec: _Recorder, increments_on: str, record_dV: float | None) -> list[float]:
        """Record the whole test; returns the plateau |V| of each half-cycle."""
        dt = self.fine_dt_s
        now = 0.0
        if self.ocv_s > 0:
            _, t = _step(self.ocv_s, dt, now)
            rec.emit(t, np.zeros(t.size), np.zeros(t.size), None)
            now = t[-1] + dt
        plateaus = []
        for h in range(2 * self.cycles):
            sign = -1.0 if h % 2 == 0 else 1.0
            if h > 0 and (sign < 0) == (increments_on == "plate"):
                rec.cycle += 1
            plateaus.append(self.plateau_V * (1 + self.growth_per_cycle) ** (h // 2))
            now = self._half_cycle(rec, h, sign, plateaus[-1], now, record_dV)
            now += dt
        return plateaus

    def _half_cycle(
        self, rec: _Recorder, h: int, sign: float, plateau: float, now: float, dv: float | None
    ) -> float:
        """Record half-cycle ``h`` from ``now`` and its rest; returns the time of the last
        record."""
        tau, t = _step(self.half_cycle_s, self.fine_dt_s, now)
        v = sign * (plateau + self.spike_V * np.exp(-tau / self.tau_spike_s))
        pause_at = self.pause_at
        if pause_at is not None and h == pause_at[0]:
            t = np.where(tau > pause_at[1], t + self.pause_s, t)
        rec.emit(t, v, np.full(t.size, sign * self.current_A), dv)
        now, v_end = float(t[-1]), float(v[-1])
        if self.rest_s > 0:
            tau, t = _step(self.rest_s, self.fine_dt_s, now + self.fine_dt_s)
            rec.emit(t, v_end * np.exp(-tau / self.tau_rest_s), np.zeros(t.size), dv)
            now = float(t[-1])
        return now


def _instrument_noise(
    rec: _Recorder, rng: np.random.Generator, noise_A: float, noise_V: float, quantum_V: float
) -> dict[str, np.ndarray]:
    """The recorded columns: uniform current noise while current flows, Gaussian voltage noise
    quantised to ``quantum_V``."""
    t = np.concatenate(rec.t)
    v_true = np.concatenate(rec.v)
    i_set = np.concatenate(rec.i)
    flowing = i_set != 0
    i = np.where(flowing, i_set + rng.uniform(-noise_A, noise_A, t.size), 0.0)
    v = np.round((v_true + rng.normal(0.0, noise_V, t.size)) / quantum_V) * quantum_V
    return {"time_s": t, "voltage_V": v, "current_A": i, "cycle": np.concatenate(rec.cycles)}


def realistic_symmetric(
    *,
    layout: str = "bdf",
    cycles: int = 4,
    current_A: float = 2.06e-4,
    range_A: float = 0.1,
    noise_of_range: float = 1e-4,
    half_cycle_s: float = 1800.0,
    plateau_V: float = 0.025,
    growth_per_cycle: float = 0.02,
    spike_V: float = 0.01,
    tau_spike_s: float = 20.0,
    rest_s: float = 120.0,
    ocv_s: float = 300.0,
    tau_rest_s: float = 30.0,
    quantum_V: float = 1e-4,
    noise_V: float = 5e-5,
    record_dV: float | None = 2e-3,
    record_dt_s: float = 30.0,
    fine_dt_s: float = 1.0,
    pause_s: float = 0.0,
    parts: int = 1,
    area_m2: float | None = COIN_AREA_M2,
    seed: int = 0,
) -> SyntheticCell:
    """A Li||Li cell as a cycler records it (see the module docstring); plating first.

    Truth
    -----
    ``plateau_V`` (|V| of each half-cycle's plateau, the model value without the spike),
    ``capacity_C`` (set current x half_cycle_s, per half-cycle), ``hysteresis_V`` per cycle,
    ``current_A``, ``noise_A`` (the half-width of the current noise), ``parts`` (CellData of
    each continuation file), ``pause`` (start, duration) of the interruption.
    """
    if layout not in CYCLE_COUNTING:
        raise InputError(f"layout must be one of {sorted(CYCLE_COUNTING)}. Got {layout!r}.")
    _check_positive(current_A=current_A, half_cycle_s=half_cycle_s)
    rng = np.random.default_rng(seed)
    noise_A = noise_of_range * range_A
    start_cycle, increments_on = CYCLE_COUNTING[layout]
    protocol = _Protocol(
        cycles, current_A, half_cycle_s, plateau_V, growth_per_cycle, spike_V, tau_spike_s,
        rest_s, ocv_s, tau_rest_s, fine_dt_s, pause_s,
    )  # fmt: skip
    rec = _Recorder(record_dt_s, start_cycle)
    plateaus = protocol.run(rec, increments_on, record_dV)
    cols = _instrument_noise(rec, rng, noise_A, noise_V, quantum_V)
    meta = Metadata(
        instrument="lithiophile synthetic (realistic)",
        format="synthetic",
        area_m2=area_m2,
        techniques=("OCV", "GCPL"),
        header={"cell": "Li||Li symmetric (synthetic, realistic recording)", "layout": layout},
    )
    pause_at = protocol.pause_at
    truth: dict[str, Any] = {
        "plateau_V": plateaus,
        "capacity_C": [current_A * half_cycle_s] * (2 * cycles),
        "hysteresis_V": [2 * p for p in plateaus[::2]],
        "current_A": current_A,
        "noise_A": noise_A,
        "half_cycle_s": half_cycle_s,
        "parts": _parts(cols, meta, parts),
        "pause": None if pause_at is None else (pause_at[0] + 1, pause_s),
        "area_m2": area_m2,
    }
    return SyntheticCell(CellData.from_columns(cols, meta), truth)
