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
:mod:`lithiophile.synth.instruments`).

The Li||Li generators (:func:`symmetric`, :func:`ccd_test`) are here; those plating on Cu
(:func:`li_cu`, :func:`li_cu_reservoir`, :func:`first_plating`) are in
:mod:`lithiophile.synth.copper` and re-exported here, their shared pieces in
:mod:`lithiophile.synth.common`.

Sign convention: the package's (plating on the working electrode is negative current).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from lithiophile.synth.common import (
    COIN_AREA_M2,
    MAH_CM2,
    SyntheticCell,
    _area,
    _check_positive,
    _grid,
    _growth_overpotential,
    _instrument_columns,
    _meta,
    _short_after,
    _Trace,
    bv_overpotential,
)
from lithiophile.synth.copper import first_plating, li_cu, li_cu_reservoir

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


@dataclass(frozen=True)
class _Shorts:
    """Soft shorts (start, duration) at ``r_soft_ohm`` and a hard short at ``r_short_ohm``."""

    soft: Sequence[tuple[float, float]]
    r_soft_ohm: float
    hard_s: float | None
    r_short_ohm: float

    def apply(self, volts: np.ndarray, t_abs: np.ndarray, current_A: float) -> np.ndarray:
        """``volts`` where the shorts hold: |V| = |I| R, with the current's sign."""
        for s0, d in self.soft:
            inside = (t_abs >= s0) & (t_abs < s0 + d)
            volts = np.where(inside, current_A * self.r_soft_ohm, volts)
        return _short_after(volts, t_abs, self.hard_s, current_A * self.r_short_ohm)


def _symmetric_plateaus(
    cycles: int,
    *,
    j: float,
    asr_ohm_m2: float,
    growth_per_cycle: float,
    eta_ct: float,
    overpotential_V: float | None,
    growth_V_per_cycle: float,
) -> list[float]:
    """|V| of the plateau in each cycle: ASR growing by ``1 + growth`` per cycle plus the
    charge-transfer term, or ``overpotential_V`` growing linearly when that is given."""
    if overpotential_V is None:
        return [j * asr_ohm_m2 * (1 + growth_per_cycle) ** c + eta_ct for c in range(cycles)]
    return [overpotential_V + growth_V_per_cycle * c for c in range(cycles)]


def _symmetric_halves(
    trace: _Trace,
    cycle_plateaus: list[float],
    *,
    current: float,
    strip_first: bool,
    tau: np.ndarray,
    until: float | None,
    spike_V: float,
    tau_spike_s: float,
    shorts: _Shorts,
    rest_tau: np.ndarray,
    rest_until: float | None,
) -> tuple[list[float], list[tuple[int, int]]]:
    """Append the half-cycles (each followed by its rest, if any) to ``trace``: a plateau with
    a decaying spike at its start, the shorts applied. Returns the plateau of each half-cycle
    and (points, current sign) of each block."""
    plateaus, halves = [], []
    for h in range(2 * len(cycle_plateaus)):
        sign = (1.0 if strip_first else -1.0) * (-1.0 if h % 2 else 1.0)
        plateau = cycle_plateaus[h // 2]
        volts = sign * (plateau + spike_V * np.exp(-tau / tau_spike_s))
        volts = shorts.apply(volts, trace.now + tau, sign * current)
        trace.add(tau, volts, sign * current, until)
        plateaus.append(plateau)
        halves.append((tau.size, int(sign)))
        if rest_tau.size:
            trace.add(rest_tau, np.zeros(rest_tau.size), 0.0, rest_until)
            halves.append((rest_tau.size, 0))
    return plateaus, halves


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
    area = _area(area_m2)
    trace = _Trace(np.random.default_rng(seed), noise_V)
    cycle_plateaus = _symmetric_plateaus(
        cycles,
        j=current_density_A_m2,
        asr_ohm_m2=asr_ohm_m2,
        growth_per_cycle=growth_per_cycle,
        eta_ct=2 * bv_overpotential(current_density_A_m2, j0_A_m2, temperature_K),
        overpotential_V=overpotential_V,
        growth_V_per_cycle=growth_V_per_cycle,
    )
    plateaus, halves = _symmetric_halves(
        trace,
        cycle_plateaus,
        current=current_density_A_m2 * area,
        strip_first=strip_first,
        tau=_grid(half_cycle_s, sample_s) if endpoint else np.arange(0.0, half_cycle_s, sample_s),
        until=None if endpoint else half_cycle_s,
        spike_V=spike_V,
        tau_spike_s=tau_spike_s,
        shorts=_Shorts(soft_shorts, r_soft_ohm, hard_short_s, r_short_ohm),
        rest_tau=np.arange(0.0, rest_s, sample_s) if rest_s > 0 else np.zeros(0),
        rest_until=None if endpoint else rest_s,
    )
    extra = _instrument_columns(halves, with_instrument_columns, cycle_start, increments_on)
    header = {"current_density_A_m2": current_density_A_m2}
    data = trace.cell(_meta("Li||Li symmetric (synthetic)", area_m2, header), extra)
    return SyntheticCell(
        data,
        {
            **_plateau_truth(plateaus, spike_V),
            "failure_time_s": hard_short_s,
            "soft_short_times_s": [s for s, _ in soft_shorts],
            "areal_capacity_C_m2": current_density_A_m2 * half_cycle_s,
            "current_density_A_m2": current_density_A_m2,
            "area_m2": area,
        },
    )


def _plateau_truth(plateaus: list[float], spike_V: float) -> dict[str, list[float]]:
    """``plateau_V`` and ``peak_V`` (plateau plus the spike) per half-cycle, and
    ``hysteresis_V`` per cycle (twice the plateau |V| of its first half-cycle)."""
    return {
        "plateau_V": plateaus,
        "peak_V": [p + spike_V for p in plateaus],
        "hysteresis_V": [2 * p for p in plateaus[::2]],
    }


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
    area = _area(area_m2)
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
        eta = _growth_overpotential(j, asr_ohm_m2, j0_A_m2)
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
            volts = _short_after(volts, start + tau, shorted_at, sign * j * area * r_short_ohm)
            if shorted_at is None and not fails:
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
