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
import math
from typing import Any

import numpy as np

from lithiophile.errors import InputError
from lithiophile.io.celldata import CellData, Metadata
from lithiophile.synth.cells import COIN_AREA_M2, SyntheticCell

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

    from lithiophile.instrument_files import DEFAULT_START

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
    for name, value in (("current_A", current_A), ("half_cycle_s", half_cycle_s)):
        if not (math.isfinite(value) and value > 0):
            raise InputError(f"'{name}' must be a positive number. Got {value!r}.")
    rng = np.random.default_rng(seed)
    noise_A = noise_of_range * range_A
    start_cycle, increments_on = CYCLE_COUNTING[layout]
    ts, vs, cs, cyc = [], [], [], []
    now, cycle, v_end = 0.0, start_cycle, 0.0
    plateaus = []
    pause_at = (1, 0.4 * half_cycle_s) if pause_s > 0 else None  # in half-cycle 2, at 40 %

    def emit(t: np.ndarray, v: np.ndarray, i: np.ndarray, dv: float | None) -> None:
        keep = _records(t, v, dv, record_dt_s)
        ts.append(t[keep])
        vs.append(v[keep])
        cs.append(i[keep])
        cyc.append(np.full(keep.size, cycle, dtype=np.int64))

    if ocv_s > 0:
        tau, t = _step(ocv_s, fine_dt_s, now)
        emit(t, np.zeros(t.size), np.zeros(t.size), None)
        now = t[-1] + fine_dt_s
    for h in range(2 * cycles):
        sign = -1.0 if h % 2 == 0 else 1.0
        if h > 0 and (sign < 0) == (increments_on == "plate"):
            cycle += 1
        plateau = plateau_V * (1 + growth_per_cycle) ** (h // 2)
        plateaus.append(plateau)
        tau, t = _step(half_cycle_s, fine_dt_s, now)
        v = sign * (plateau + spike_V * np.exp(-tau / tau_spike_s))
        if pause_at is not None and h == pause_at[0]:
            t = np.where(tau > pause_at[1], t + pause_s, t)
        emit(t, v, np.full(t.size, sign * current_A), record_dV)
        now, v_end = float(t[-1]), float(v[-1])
        if rest_s > 0:
            tau, t = _step(rest_s, fine_dt_s, now + fine_dt_s)
            emit(t, v_end * np.exp(-tau / tau_rest_s), np.zeros(t.size), record_dV)
            now = float(t[-1])
        now += fine_dt_s
    t = np.concatenate(ts)
    v_true = np.concatenate(vs)
    i_set = np.concatenate(cs)
    flowing = i_set != 0
    i = np.where(flowing, i_set + rng.uniform(-noise_A, noise_A, t.size), 0.0)
    v = np.round((v_true + rng.normal(0.0, noise_V, t.size)) / quantum_V) * quantum_V
    meta = Metadata(
        instrument="lithiophile synthetic (realistic)",
        format="synthetic",
        area_m2=area_m2,
        techniques=("OCV", "GCPL"),
        header={"cell": "Li||Li symmetric (synthetic, realistic recording)", "layout": layout},
    )
    cols = {"time_s": t, "voltage_V": v, "current_A": i, "cycle": np.concatenate(cyc)}
    data = CellData.from_columns(cols, meta)
    pieces = _parts(cols, meta, parts)
    truth: dict[str, Any] = {
        "plateau_V": plateaus,
        "capacity_C": [current_A * half_cycle_s] * (2 * cycles),
        "hysteresis_V": [2 * p for p in plateaus[::2]],
        "current_A": current_A,
        "noise_A": noise_A,
        "half_cycle_s": half_cycle_s,
        "parts": pieces,
        "pause": None if pause_at is None else (pause_at[0] + 1, pause_s),
        "area_m2": area_m2,
    }
    return SyntheticCell(data, truth)
