"""Synthetic plating on Cu: Li||Cu cycling, the reservoir protocol and a first plating.

The physics is described in :mod:`lithiophile.synth.cells` (nucleation dip after the SEI
slope, growth overpotential, stripping that ends by a rise to the cut-off when the Li runs
out); the truth of each generator is stated in its docstring.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from lithiophile.errors import InputError
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
    _Trace,
)

__all__ = ["first_plating", "li_cu", "li_cu_reservoir"]


@dataclass(frozen=True)
class _Sampling:
    """Points ``dense_dt`` apart over the first ``dense_s`` of a block, ``dt`` after."""

    dt: float
    dense_dt: float | None = None
    dense_s: float = 0.0

    def grid(self, duration: float) -> np.ndarray:
        return _grid(duration, self.dt, self.dense_dt, self.dense_s)


@dataclass(frozen=True)
class _Nucleation:
    """A first plating on bare Cu: the SEI-formation slope from ``ocv_V`` down to 0 V over
    ``sei_s``, then the growth overpotential with the nucleation dip on top."""

    eta_growth: float
    eta_nuc: float
    tau_nuc_s: float
    ocv_V: float = 2.9
    sei_s: float = 20.0

    def shape(self) -> Callable[[np.ndarray], np.ndarray]:
        """|V|(t') after the 0 V crossing: growth rising with tau/5 plus the dip."""
        eta_growth, eta_nuc, tau_nuc_s = self.eta_growth, self.eta_nuc, self.tau_nuc_s

        def f(tp: np.ndarray) -> np.ndarray:
            x = tp / tau_nuc_s
            return eta_growth * (1 - np.exp(-5 * x)) + eta_nuc * x * np.exp(1 - x)

        return f

    def block(self, duration: float, sampling: _Sampling) -> tuple[np.ndarray, np.ndarray]:
        """Times and signed voltages of the first plating (package convention)."""
        tau = sampling.grid(duration)
        shape = self.shape()
        above = tau < self.sei_s
        volts = np.where(
            above,
            self.ocv_V * (1 - tau / self.sei_s) ** 3,  # SEI formation slope down to 0 V
            -shape(np.maximum(tau - self.sei_s, 0.0)),
        )
        return tau, volts

    def truth(self) -> dict[str, float]:
        """``eta_nuc_V`` (the dip below the growth plateau: the maximum of the noiseless |V| on
        a 1 ms grid, less the growth) and ``eta_growth_V``."""
        fine = np.arange(0.0, 20 * self.tau_nuc_s, 1e-3)
        dip = float(self.shape()(fine).max())
        return {"eta_nuc_V": dip - self.eta_growth, "eta_growth_V": self.eta_growth}


def _strip_volts(
    tau: np.ndarray, duration: float, eta_g: float, cutoff_V: float | None
) -> np.ndarray:
    """|V| of a stripping of ``duration`` at the growth overpotential; with ``cutoff_V`` it
    ends by a rise to the cut-off over its last few per cent (the Li runs out)."""
    if cutoff_V is None:
        return np.full(tau.size, eta_g)
    return eta_g + (cutoff_V - eta_g) * np.exp((tau - duration) / (0.02 * duration))


def _ces(ce: float | Sequence[float], first_ce: float | None, cycles: int) -> list[float]:
    """The Coulombic efficiency of each cycle (``first_ce``, when given, for the first)."""
    ces = list(ce) if isinstance(ce, Sequence) else [float(ce)] * cycles
    if len(ces) != cycles:
        raise InputError(f"'ce' must have one value per cycle ({cycles}). Got {len(ces)}.")
    if first_ce is not None:
        ces[0] = first_ce
    return ces


def _li_cu_cycles(
    trace: _Trace,
    nuc: _Nucleation,
    sampling: _Sampling,
    *,
    plate_s: list[float],
    ces: list[float],
    current: float,
    cutoff_V: float,
    flip: float,
) -> list[tuple[int, int]]:
    """Append each cycle's plating (the first on bare Cu, later ones with a smaller dip) and
    its stripping to the cut-off; returns (points, current sign) of each block."""
    halves = []
    for c, t_plate in enumerate(plate_s):
        if c == 0:
            tau, volts = nuc.block(t_plate, sampling)
        else:
            tau = sampling.grid(t_plate)
            x = tau / nuc.tau_nuc_s
            volts = -(nuc.eta_growth + 0.3 * nuc.eta_nuc * x * np.exp(1 - x))
        trace.add(tau, flip * volts, -flip * current)
        halves.append((tau.size, int(-flip)))
        t_strip = ces[c] * t_plate
        tau = sampling.grid(t_strip)
        volts = _strip_volts(tau, t_strip, nuc.eta_growth, cutoff_V)
        trace.add(tau, flip * volts, flip * current)
        halves.append((tau.size, int(flip)))
    return halves


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
    area = _area(area_m2)
    current = current_density_A_m2 * area
    ces = _ces(ce, first_ce, cycles)
    eta_g = _growth_overpotential(current_density_A_m2, asr_ohm_m2, j0_A_m2, temperature_K)
    nuc = _Nucleation(eta_g, eta_nuc_V, tau_nuc_s, ocv_V, sei_s)
    t_plate = areal_capacity_C_m2 / current_density_A_m2
    t_first = (formation_C_m2 or areal_capacity_C_m2) / current_density_A_m2
    plate_s = [t_first if c == 0 else t_plate for c in range(cycles)]
    trace = _Trace(np.random.default_rng(seed), noise_V)
    halves = _li_cu_cycles(
        trace,
        nuc,
        _Sampling(sample_s, dense_dt_s, dense_s),
        plate_s=plate_s,
        ces=ces,
        current=current,
        cutoff_V=cutoff_V,
        flip=-1.0 if reversed_sign else 1.0,
    )
    extra = _instrument_columns(halves, with_instrument_columns, cycle_start, increments_on)
    data = trace.cell(_meta("Li||Cu (synthetic)", area_m2, {"cutoff_V": cutoff_V}), extra)
    truth = {
        **_ce_truth(ces, [current * t for t in plate_s]),
        **nuc.truth(),
        "cutoff_V": cutoff_V,
        "current_density_A_m2": current_density_A_m2,
        "areal_capacity_C_m2": areal_capacity_C_m2,
        "area_m2": area,
    }
    return SyntheticCell(data, truth)


def _ce_truth(ces: list[float], q_plates: list[float]) -> dict[str, list[float]]:
    """``ce``, ``q_plate_C`` and ``q_strip_C`` (= ce x plated) per cycle."""
    return {
        "ce": ces,
        "q_plate_C": q_plates,
        "q_strip_C": [x * q for x, q in zip(ces, q_plates, strict=True)],
    }


@dataclass
class _Reservoir:
    """A Li||Cu cell run block by block, keeping count of the recoverable Li [C]."""

    trace: _Trace
    nuc: _Nucleation
    sampling: _Sampling
    current: float
    cutoff_V: float
    bare: bool = True  # the next plating is the first on bare Cu

    def plate(self, duration: float) -> None:
        """Plate for ``duration`` (the first plating with the nucleation dip)."""
        if self.bare:
            tau, volts = self.nuc.block(duration, self.sampling)
            self.bare = False
        else:
            tau = self.sampling.grid(duration)
            volts = -np.full(tau.size, self.nuc.eta_growth)
        self.trace.add(tau, volts, -self.current)

    def strip(self, duration: float, to_cutoff: bool) -> None:
        """Strip for ``duration`` (ending on the cut-off when ``to_cutoff``)."""
        tau = self.sampling.grid(duration)
        cutoff = self.cutoff_V if to_cutoff else None
        volts = _strip_volts(tau, duration, self.nuc.eta_growth, cutoff)
        self.trace.add(tau, volts, self.current)


def _reservoir_cycles(
    cell: _Reservoir,
    *,
    q_t: float,
    t_t: float,
    q_c: float,
    t_c: float,
    n_cycles: int,
    ce: float,
    strip_fraction: float,
    until_exhausted: bool,
) -> tuple[int, float]:
    """Plate the reservoir Q_T (for ``t_t``), cycle (strip ``strip_fraction`` Q_C, plate Q_C
    keeping ``ce``) ``n_cycles`` times or, ``until_exhausted``, until less than Q_C is left,
    then strip all to the cut-off. Returns (complete cycles n, Q_S the charge of that last
    strip)."""
    cell.plate(t_t)
    available = q_t
    n = 0
    while True:
        if until_exhausted:
            if available < q_c:
                break
        elif n == n_cycles:
            break
        cell.strip(strip_fraction * t_c, False)
        available -= strip_fraction * q_c
        cell.plate(t_c)
        available += ce * q_c
        n += 1
        if n > 100_000:
            raise InputError("the reservoir is never exhausted: give ce < 1")
    cell.strip(available / cell.current, True)
    return n, available


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
    area = _area(area_m2)
    eta_g = _growth_overpotential(current_density_A_m2, asr_ohm_m2, j0_A_m2)
    cell = _Reservoir(
        _Trace(np.random.default_rng(seed), noise_V),
        _Nucleation(eta_g, eta_nuc_V, tau_nuc_s),
        _Sampling(sample_s, dense_dt_s, dense_s),
        current_density_A_m2 * area,
        cutoff_V,
    )
    truth: dict[str, Any] = {
        "area_m2": area,
        "cutoff_V": cutoff_V,
        "current_density_A_m2": current_density_A_m2,
    }
    if conditioning_C_m2 is not None:
        t_cond = conditioning_C_m2 / current_density_A_m2
        cell.plate(t_cond)
        cell.strip(conditioning_ce * t_cond, True)
        truth["conditioning_ce"] = conditioning_ce
    q_t = reservoir_C_m2 * area
    q_c = cycling_C_m2 * area
    n, q_s = _reservoir_cycles(
        cell,
        q_t=q_t,
        t_t=reservoir_C_m2 / current_density_A_m2,
        q_c=q_c,
        t_c=cycling_C_m2 / current_density_A_m2,
        n_cycles=n_cycles,
        ce=ce,
        strip_fraction=strip_fraction,
        until_exhausted=until_exhausted,
    )
    truth.update(_reservoir_truth(n, q_s, q_t, q_c, strip_fraction, until_exhausted))
    data = cell.trace.cell(_meta("Li||Cu reservoir protocol (synthetic)", area_m2, {}))
    return SyntheticCell(data, truth)


def _reservoir_truth(
    n: int, q_s: float, q_t: float, q_c: float, strip_fraction: float, exhausted: bool
) -> dict[str, Any]:
    """The charges and the efficiencies of the reservoir protocol: ``ce_adams`` =
    (n f Q_C + Q_S) / (n Q_C + Q_T) (f the strip fraction) and, when run to exhaustion,
    ``ce_aurbach`` = n Q_C / (n Q_C + Q_T)."""
    truth: dict[str, Any] = {"q_t_C": q_t, "q_c_C": q_c, "n": n, "q_s_C": q_s}
    truth["ce_adams"] = (n * strip_fraction * q_c + q_s) / (n * q_c + q_t)
    if exhausted:
        truth["ce_aurbach"] = n * q_c / (n * q_c + q_t)
    return truth


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
    area = _area(area_m2)
    eta_g = _growth_overpotential(current_density_A_m2, asr_ohm_m2, j0_A_m2)
    nuc = _Nucleation(eta_g, eta_nuc_V, tau_nuc_s, ocv_V, sei_s)
    trace = _Trace(np.random.default_rng(seed), noise_V)
    tau, volts = nuc.block(duration_s, _Sampling(sample_s))
    trace.add(tau, volts, -current_density_A_m2 * area)
    truth = {**nuc.truth(), "area_m2": area}
    return SyntheticCell(trace.cell(_meta("Cu first plating (synthetic)", area_m2, {})), truth)
