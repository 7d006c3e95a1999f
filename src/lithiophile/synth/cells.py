"""Synthetic Li-metal cycling tests whose true figures are known by construction.

Physics of the voltage (each term a parameter, SI units):

* ohmic drop ``j * asr`` (``asr_ohm_m2`` the area-specific resistance of electrolyte + SEI),
* charge transfer at each Li electrode by symmetric Butler-Volmer kinetics (alpha = 0.5):
  ``eta_ct = (2 R T / F) asinh(j / (2 j0))``, two interfaces in series,
* a nucleation dip on the first plating on a bare substrate (Cu): after the SEI-formation
  slope from the open-circuit voltage down to 0 V, ``-eta_nuc g(t')`` with
  ``g = (t'/tau) exp(1 - t'/tau)`` on top of the growth overpotential,
* a spike at the start of each Li||Li half-cycle (``spike_V exp(-t / tau_spike)``: fresh
  nucleation and pitting), decayed long before the plateau window,
* polarization that grows by a factor ``1 + growth`` per cycle (SEI and dead Li build-up),
* Li loss per cycle (Coulombic efficiency < 1): a stripping recovers ``ce x`` what was plated,
  and ends by a rise of the voltage to the cut-off,
* optional soft shorts (|V| drops to ``I R_soft`` for a while, then recovers) and a hard short
  (from then on ``V = I R_short``: ohmic and time independent),
* Gaussian voltage noise.

Every generator returns a :class:`SyntheticCell`: the :class:`~lithiophile.io.CellData` and a
dict ``truth`` of the figures as built (closed forms, or the minimum of the noiseless function
on a 1 ms grid for the nucleation dip). :meth:`SyntheticCell.write` writes any format the
project can write (Parquet, BDF CSV, and the instrument layouts of
:mod:`lithiophile.instrument_files`).

Sign convention: the package's (plating on the working electrode is negative current).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from lithiophile.errors import InputError
from lithiophile.io.celldata import CellData, Metadata

__all__ = [
    "COIN_AREA_M2",
    "MAH_CM2",
    "SyntheticCell",
    "bv_overpotential",
    "ccd_test",
    "first_plating",
    "li_cu",
    "li_cu_reservoir",
    "symmetric",
]

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
        :data:`lithiophile.instrument_files.WRITERS` (``biologic-mpt``, ``biologic-mpr``,
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
        from lithiophile.instrument_files import WRITERS

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


def symmetric(
    *,
    current_density_A_m2: float = 5.0,
    half_cycle_s: float = 3600.0,
    cycles: int = 20,
    area_m2: float | None = COIN_AREA_M2,
    asr_ohm_m2: float = 2e-3,
    j0_A_m2: float = 10.0,
    growth_per_cycle: float = 0.01,
    spike_V: float = 0.01,
    tau_spike_s: float = 30.0,
    sample_s: float = 10.0,
    noise_V: float = 1e-4,
    temperature_K: float = 298.15,
    soft_shorts: Sequence[tuple[float, float]] = (),
    r_soft_ohm: float = 5.0,
    hard_short_s: float | None = None,
    r_short_ohm: float = 2.0,
    strip_first: bool = False,
    cycle_start: int = 1,
    increments_on: str = "plate",
    with_instrument_columns: bool = False,
    overpotential_V: float | None = None,
    growth_V_per_cycle: float = 0.0,
    endpoint: bool = True,
    rest_s: float = 0.0,
    seed: int = 0,
) -> SyntheticCell:
    """A Li||Li cell cycled at constant current, plating first (unless ``strip_first``).

    Parameters
    ----------
    current_density_A_m2
        |j| of every half-cycle [A m^-2] (5 A m^-2 = 0.5 mA cm^-2).
    half_cycle_s
        Duration of each half-cycle [s].
    area_m2
        Electrode area [m^2] written to the metadata (None: not stated; the current still
        uses :data:`COIN_AREA_M2`).
    asr_ohm_m2, j0_A_m2, growth_per_cycle
        Initial area-specific resistance [ohm m^2], exchange current density [A m^-2], and
        the growth of the polarization per cycle [-].
    soft_shorts
        (start [s], duration [s]) of soft shorts: |V| = |I| r_soft_ohm during them.
    hard_short_s
        Test time of a hard short [s]: V = I r_short_ohm from then on.
    cycle_start, increments_on, with_instrument_columns
        Write an instrument-style ``cycle`` column numbered from ``cycle_start`` that
        increments on ``"plate"`` or ``"strip"`` half-cycles.
    overpotential_V, growth_V_per_cycle
        A plateau |V| of ``overpotential_V + growth_V_per_cycle x cycle`` (cycle from 0) in
        place of the ASR and Butler-Volmer terms (None: those terms).
    endpoint, rest_s
        ``endpoint=False`` samples each half-cycle at 0, dt, ... < half_cycle_s on one clock
        (the next starts at half_cycle_s); ``rest_s`` adds a rest at zero current after every
        half-cycle (voltage noise only).

    Truth
    -----
    ``plateau_V`` and ``peak_V`` per half-cycle (closed form: the spike has decayed by
    ``exp(-0.25 half_cycle_s / tau_spike_s)`` at the plateau window), ``hysteresis_V`` per cycle,
    ``failure_time_s`` (hard short), ``soft_short_times_s``, ``area_m2``.
    """
    _check_positive(
        current_density_A_m2=current_density_A_m2,
        half_cycle_s=half_cycle_s,
        sample_s=sample_s,
        asr_ohm_m2=asr_ohm_m2,
        j0_A_m2=j0_A_m2,
    )
    area = area_m2 if area_m2 is not None else COIN_AREA_M2
    current = current_density_A_m2 * area
    rng = np.random.default_rng(seed)
    trace = _Trace(rng, noise_V)
    eta_ct = 2 * bv_overpotential(current_density_A_m2, j0_A_m2, temperature_K)
    tau = _grid(half_cycle_s, sample_s) if endpoint else np.arange(0.0, half_cycle_s, sample_s)
    rest_tau = np.arange(0.0, rest_s, sample_s) if rest_s > 0 else np.zeros(0)
    until = None if endpoint else half_cycle_s
    plateaus, peaks, halves = [], [], []
    for h in range(2 * cycles):
        c = h // 2
        sign = (1.0 if strip_first else -1.0) * (-1.0 if h % 2 else 1.0)
        if overpotential_V is None:
            plateau = current_density_A_m2 * asr_ohm_m2 * (1 + growth_per_cycle) ** c + eta_ct
        else:
            plateau = overpotential_V + growth_V_per_cycle * c
        volts = sign * (plateau + spike_V * np.exp(-tau / tau_spike_s))
        start = trace.now
        t_abs = start + tau
        for s0, d in soft_shorts:
            inside = (t_abs >= s0) & (t_abs < s0 + d)
            volts = np.where(inside, sign * current * r_soft_ohm, volts)
        if hard_short_s is not None:
            volts = np.where(t_abs >= hard_short_s, sign * current * r_short_ohm, volts)
        trace.add(tau, volts, sign * current, until)
        plateaus.append(plateau)
        peaks.append(plateau + spike_V)
        halves.append((tau.size, int(sign)))
        if rest_tau.size:
            trace.add(rest_tau, np.zeros(rest_tau.size), 0.0, None if endpoint else rest_s)
            halves.append((rest_tau.size, 0))
    extra = (
        {"cycle": _cycle_columns(halves, cycle_start, increments_on)}
        if with_instrument_columns
        else None
    )
    data = trace.cell(
        _meta(
            "Li||Li symmetric (synthetic)", area_m2, {"current_density_A_m2": current_density_A_m2}
        ),
        extra,
    )
    truth = {
        "plateau_V": plateaus,
        "peak_V": peaks,
        "hysteresis_V": [2 * p for p in plateaus[::2]],
        "failure_time_s": hard_short_s,
        "soft_short_times_s": [s for s, _ in soft_shorts],
        "areal_capacity_C_m2": current_density_A_m2 * half_cycle_s,
        "current_density_A_m2": current_density_A_m2,
        "area_m2": area,
    }
    return SyntheticCell(data, truth)


def _nucleation_shape(
    eta_growth: float, eta_nuc: float, tau_nuc_s: float
) -> Callable[[np.ndarray], np.ndarray]:
    """|V|(t') after the 0 V crossing of a first plating: growth rising with tau/5 plus the dip."""

    def f(tp: np.ndarray) -> np.ndarray:
        x = tp / tau_nuc_s
        return eta_growth * (1 - np.exp(-5 * x)) + eta_nuc * x * np.exp(1 - x)

    return f


def _true_dip(shape: Callable[[np.ndarray], np.ndarray], tau_nuc_s: float) -> float:
    fine = np.arange(0.0, 20 * tau_nuc_s, 1e-3)
    return float(shape(fine).max())


def _first_plating_block(
    duration: float,
    *,
    ocv_V: float,
    sei_s: float,
    eta_growth: float,
    eta_nuc: float,
    tau_nuc_s: float,
    dt: float,
    dense_dt: float | None,
    dense_s: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Times and signed voltages of a first plating on bare Cu (package convention)."""
    tau = _grid(duration, dt, dense_dt, dense_s)
    shape = _nucleation_shape(eta_growth, eta_nuc, tau_nuc_s)
    above = tau < sei_s
    volts = np.where(
        above,
        ocv_V * (1 - tau / sei_s) ** 3,  # SEI formation slope down to 0 V
        -shape(np.maximum(tau - sei_s, 0.0)),
    )
    return tau, volts


def li_cu(
    *,
    cycles: int = 30,
    current_density_A_m2: float = 5.0,
    areal_capacity_C_m2: float = MAH_CM2,
    formation_C_m2: float | None = None,
    ce: float | Sequence[float] = 0.98,
    first_ce: float | None = 0.9,
    cutoff_V: float = 1.0,
    area_m2: float | None = COIN_AREA_M2,
    asr_ohm_m2: float = 2e-3,
    j0_A_m2: float = 10.0,
    ocv_V: float = 2.9,
    sei_s: float = 20.0,
    eta_nuc_V: float = 0.05,
    tau_nuc_s: float = 5.0,
    sample_s: float = 10.0,
    dense_dt_s: float | None = 0.1,
    dense_s: float = 120.0,
    noise_V: float = 1e-4,
    temperature_K: float = 298.15,
    reversed_sign: bool = False,
    cycle_start: int = 1,
    increments_on: str = "plate",
    with_instrument_columns: bool = False,
    seed: int = 0,
) -> SyntheticCell:
    """A Li||Cu cell: plate ``areal_capacity_C_m2`` on Cu, strip to ``cutoff_V``, repeat.

    ``formation_C_m2`` plates a larger first cycle (a formation cycle, stripped to the cut-off
    like the others). Stripping recovers ``ce`` of the plated charge (``first_ce`` in cycle 1;
    ``ce`` may be a sequence, one per cycle) and ends by a rise of the voltage to the cut-off.
    Points are ``dense_dt_s`` apart over the first ``dense_s`` of each half-cycle (a cycler's
    record on dV), ``sample_s`` after. ``reversed_sign`` writes the opposite sign convention
    (current and voltage negated).

    Truth
    -----
    ``ce`` per cycle, ``q_plate_C`` / ``q_strip_C`` per cycle, ``eta_nuc_V`` and
    ``eta_growth_V`` of the first plating, ``cutoff_V``.
    """
    _check_positive(
        cycles=cycles,
        current_density_A_m2=current_density_A_m2,
        areal_capacity_C_m2=areal_capacity_C_m2,
        cutoff_V=cutoff_V,
        sample_s=sample_s,
    )
    area = area_m2 if area_m2 is not None else COIN_AREA_M2
    current = current_density_A_m2 * area
    ces = list(ce) if isinstance(ce, Sequence) else [float(ce)] * cycles
    if len(ces) != cycles:
        raise InputError(f"'ce' must have one value per cycle ({cycles}). Got {len(ces)}.")
    if first_ce is not None:
        ces[0] = first_ce
    eta_g = current_density_A_m2 * asr_ohm_m2 + 2 * bv_overpotential(
        current_density_A_m2, j0_A_m2, temperature_K
    )
    trace = _Trace(np.random.default_rng(seed), noise_V)
    flip = -1.0 if reversed_sign else 1.0
    t_plate = areal_capacity_C_m2 / current_density_A_m2
    t_first = (formation_C_m2 or areal_capacity_C_m2) / current_density_A_m2
    q_plates = [current * (t_first if c == 0 else t_plate) for c in range(cycles)]
    halves = []
    for c in range(cycles):
        if c == 0:
            tau, volts = _first_plating_block(
                t_first,
                ocv_V=ocv_V,
                sei_s=sei_s,
                eta_growth=eta_g,
                eta_nuc=eta_nuc_V,
                tau_nuc_s=tau_nuc_s,
                dt=sample_s,
                dense_dt=dense_dt_s,
                dense_s=dense_s,
            )
        else:
            tau = _grid(t_plate, sample_s, dense_dt_s, dense_s)
            volts = -(eta_g + 0.3 * eta_nuc_V * (tau / tau_nuc_s) * np.exp(1 - tau / tau_nuc_s))
        trace.add(tau, flip * volts, -flip * current)
        halves.append((tau.size, int(-flip)))
        t_strip = ces[c] * (t_first if c == 0 else t_plate)
        tau = _grid(t_strip, sample_s, dense_dt_s, dense_s)
        rise = (cutoff_V - eta_g) * np.exp((tau - t_strip) / (0.02 * t_strip))
        trace.add(tau, flip * (eta_g + rise), flip * current)
        halves.append((tau.size, int(flip)))
    extra = (
        {"cycle": _cycle_columns(halves, cycle_start, increments_on)}
        if with_instrument_columns
        else None
    )
    data = trace.cell(_meta("Li||Cu (synthetic)", area_m2, {"cutoff_V": cutoff_V}), extra)
    shape = _nucleation_shape(eta_g, eta_nuc_V, tau_nuc_s)
    truth = {
        "ce": ces,
        "q_plate_C": q_plates,
        "q_strip_C": [x * q for x, q in zip(ces, q_plates, strict=True)],
        "eta_nuc_V": _true_dip(shape, tau_nuc_s) - eta_g,
        "eta_growth_V": eta_g,
        "cutoff_V": cutoff_V,
        "current_density_A_m2": current_density_A_m2,
        "areal_capacity_C_m2": areal_capacity_C_m2,
        "area_m2": area,
    }
    return SyntheticCell(data, truth)


def li_cu_reservoir(
    *,
    current_density_A_m2: float = 5.0,
    conditioning_C_m2: float | None = 5 * MAH_CM2,
    conditioning_ce: float = 0.9,
    reservoir_C_m2: float = 5 * MAH_CM2,
    cycling_C_m2: float = MAH_CM2,
    n_cycles: int = 10,
    ce: float = 0.99,
    strip_fraction: float = 1.0,
    until_exhausted: bool = False,
    cutoff_V: float = 1.0,
    area_m2: float | None = COIN_AREA_M2,
    asr_ohm_m2: float = 2e-3,
    j0_A_m2: float = 10.0,
    eta_nuc_V: float = 0.05,
    tau_nuc_s: float = 5.0,
    sample_s: float = 20.0,
    dense_dt_s: float | None = 0.1,
    dense_s: float = 60.0,
    noise_V: float = 1e-4,
    seed: int = 0,
) -> SyntheticCell:
    """The reservoir protocol of Adams et al. 2018 (or the Aurbach variant).

    Conditioning (``conditioning_C_m2`` plated on bare Cu, stripped to the cut-off with
    ``conditioning_ce``; None skips it), a reservoir Q_T = ``reservoir_C_m2`` x area plated,
    then ``n_cycles`` of (strip Q_C, plate Q_C) where each plating keeps only ``ce`` of its
    charge as recoverable Li, then everything stripped to the cut-off: Q_S = Q_T - n (1 - ce)
    Q_C. With ``until_exhausted`` (Aurbach 1989) the cycling goes on until a stripping runs out
    of Li (that strip ends on the cut-off; n = complete cycles before it). ``strip_fraction``
    strips that fraction of Q_C in each cycle (the sums of stripping and plating then differ).

    Truth
    -----
    ``q_t_C``, ``q_c_C``, ``n``, ``q_s_C``, ``ce_adams`` = (n Q_C + Q_S)/(n Q_C + Q_T) and, when
    exhausted, ``ce_aurbach`` = n Q_C / (n Q_C + Q_T); ``conditioning_ce``.
    """
    _check_positive(
        current_density_A_m2=current_density_A_m2,
        reservoir_C_m2=reservoir_C_m2,
        cycling_C_m2=cycling_C_m2,
        cutoff_V=cutoff_V,
    )
    area = area_m2 if area_m2 is not None else COIN_AREA_M2
    current = current_density_A_m2 * area
    eta_g = current_density_A_m2 * asr_ohm_m2 + 2 * bv_overpotential(current_density_A_m2, j0_A_m2)
    trace = _Trace(np.random.default_rng(seed), noise_V)

    def plate(duration: float, first: bool) -> None:
        if first:
            tau, volts = _first_plating_block(
                duration,
                ocv_V=2.9,
                sei_s=20.0,
                eta_growth=eta_g,
                eta_nuc=eta_nuc_V,
                tau_nuc_s=tau_nuc_s,
                dt=sample_s,
                dense_dt=dense_dt_s,
                dense_s=dense_s,
            )
        else:
            tau = _grid(duration, sample_s, dense_dt_s, dense_s)
            volts = -np.full(tau.size, eta_g)
        trace.add(tau, volts, -current)

    def strip(duration: float, to_cutoff: bool) -> None:
        tau = _grid(duration, sample_s, dense_dt_s, dense_s)
        volts = np.full(tau.size, eta_g)
        if to_cutoff:
            volts = volts + (cutoff_V - eta_g) * np.exp((tau - duration) / (0.02 * duration))
        trace.add(tau, volts, current)

    truth: dict[str, Any] = {
        "area_m2": area,
        "cutoff_V": cutoff_V,
        "current_density_A_m2": current_density_A_m2,
    }
    first = True
    if conditioning_C_m2 is not None:
        t_cond = conditioning_C_m2 / current_density_A_m2
        plate(t_cond, True)
        strip(conditioning_ce * t_cond, True)
        truth["conditioning_ce"] = conditioning_ce
        first = False
    q_t = reservoir_C_m2 * area
    q_c = cycling_C_m2 * area
    t_c = cycling_C_m2 / current_density_A_m2
    plate(reservoir_C_m2 / current_density_A_m2, first)
    available = q_t
    n = 0
    while True:
        if until_exhausted:
            if available < q_c:
                break
        elif n == n_cycles:
            break
        strip(strip_fraction * t_c, False)
        available -= strip_fraction * q_c
        plate(t_c, False)
        available += ce * q_c
        n += 1
        if n > 100_000:
            raise InputError("the reservoir is never exhausted: give ce < 1")
    strip(available / current, True)
    truth.update(q_t_C=q_t, q_c_C=q_c, n=n, q_s_C=available)
    truth["ce_adams"] = (n * strip_fraction * q_c + available) / (n * q_c + q_t)
    if until_exhausted:
        truth["ce_aurbach"] = n * q_c / (n * q_c + q_t)
    data = trace.cell(_meta("Li||Cu reservoir protocol (synthetic)", area_m2, {}))
    return SyntheticCell(data, truth)


def ccd_test(
    *,
    start_A_m2: float = 1.0,
    step_A_m2: float = 1.0,
    steps: int = 10,
    half_cycle_s: float = 1800.0,
    capacity_C_m2: float | None = None,
    half_cycles_per_step: int = 2,
    critical_A_m2: float | None = 6.0,
    short_fraction: float = 0.3,
    short_half: int = 0,
    area_m2: float | None = COIN_AREA_M2,
    asr_ohm_m2: float = 5e-3,
    j0_A_m2: float = 5.0,
    r_short_ohm: float = 1.0,
    sample_s: float = 10.0,
    noise_V: float = 1e-4,
    seed: int = 0,
) -> SyntheticCell:
    """Li||Li with the current density stepped up at fixed time per half-cycle (or, with
    ``capacity_C_m2``, fixed areal capacity per half-cycle: the time shrinks as j grows).

    The first step with ``j >= critical_A_m2`` shorts a fraction ``short_fraction`` into its
    half-cycle ``short_half`` (0: the first; V = I r_short_ohm from then on); cycling stops at
    the end of that step.

    Truth
    -----
    ``ccd_A_m2``, ``last_stable_A_m2``, ``cumulative_C_m2`` (areal charge passed in both
    directions before the short), ``failure_time_s``, ``step_A_m2``.
    """
    _check_positive(start_A_m2=start_A_m2, step_A_m2=step_A_m2, half_cycle_s=half_cycle_s)
    area = area_m2 if area_m2 is not None else COIN_AREA_M2
    trace = _Trace(np.random.default_rng(seed), noise_V)
    truth: dict[str, Any] = {
        "ccd_A_m2": None,
        "step_A_m2": step_A_m2,
        "area_m2": area,
        "half_cycle_s": half_cycle_s,
    }
    cumulative = 0.0
    shorted_at: float | None = None
    for k in range(steps):
        j = start_A_m2 + k * step_A_m2
        half_s = half_cycle_s if capacity_C_m2 is None else capacity_C_m2 / j
        tau = _grid(half_s, sample_s)
        eta = j * asr_ohm_m2 + 2 * bv_overpotential(j, j0_A_m2)
        fails = critical_A_m2 is not None and j >= critical_A_m2 and shorted_at is None
        for h in range(half_cycles_per_step):
            sign = -1.0 if h % 2 == 0 else 1.0
            volts = np.full(tau.size, sign * eta)
            start = trace.now
            if fails and h == short_half:
                shorted_at = start + short_fraction * half_s
                cumulative += j * short_fraction * half_s
            elif fails and h < short_half:
                cumulative += j * half_s
            if shorted_at is not None:
                volts = np.where(start + tau >= shorted_at, sign * j * area * r_short_ohm, volts)
            elif not fails:
                cumulative += j * half_s
            trace.add(tau, volts, sign * j * area)
        if fails:
            truth.update(
                ccd_A_m2=j,
                last_stable_A_m2=j - step_A_m2 if k else None,
                cumulative_C_m2=cumulative,
                failure_time_s=shorted_at,
            )
            break
    data = trace.cell(_meta("Li||Li CCD (synthetic)", area_m2, {}))
    if truth["ccd_A_m2"] is None:
        truth["cumulative_C_m2"] = cumulative
    return SyntheticCell(data, truth)


def first_plating(
    *,
    current_density_A_m2: float = 5.0,
    duration_s: float = 1800.0,
    area_m2: float | None = COIN_AREA_M2,
    asr_ohm_m2: float = 2e-3,
    j0_A_m2: float = 10.0,
    ocv_V: float = 2.9,
    sei_s: float = 20.0,
    eta_nuc_V: float = 0.06,
    tau_nuc_s: float = 5.0,
    sample_s: float = 0.1,
    noise_V: float = 1e-4,
    seed: int = 0,
) -> SyntheticCell:
    """One galvanostatic plating on bare Cu, sampled every ``sample_s`` throughout.

    Truth
    -----
    ``eta_nuc_V`` (dip depth below the growth plateau, minimum of the noiseless function on a
    1 ms grid) and ``eta_growth_V``.
    """
    _check_positive(
        current_density_A_m2=current_density_A_m2, duration_s=duration_s, sample_s=sample_s
    )
    area = area_m2 if area_m2 is not None else COIN_AREA_M2
    eta_g = current_density_A_m2 * asr_ohm_m2 + 2 * bv_overpotential(current_density_A_m2, j0_A_m2)
    trace = _Trace(np.random.default_rng(seed), noise_V)
    tau, volts = _first_plating_block(
        duration_s,
        ocv_V=ocv_V,
        sei_s=sei_s,
        eta_growth=eta_g,
        eta_nuc=eta_nuc_V,
        tau_nuc_s=tau_nuc_s,
        dt=sample_s,
        dense_dt=None,
        dense_s=0.0,
    )
    trace.add(tau, volts, -current_density_A_m2 * area)
    shape = _nucleation_shape(eta_g, eta_nuc_V, tau_nuc_s)
    truth = {
        "eta_nuc_V": _true_dip(shape, tau_nuc_s) - eta_g,
        "eta_growth_V": eta_g,
        "area_m2": area,
    }
    return SyntheticCell(trace.cell(_meta("Cu first plating (synthetic)", area_m2, {})), truth)
