"""Checks of a spectrum before anything is fitted to it, and the warnings they raise."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from lithiophile.errors import DataQualityWarning, InputError

__all__ = [
    "InductiveLoopWarning",
    "KramersKronigWarning",
    "Spectrum",
    "check_spectrum",
]

#: fewest frequencies we fit anything to
MIN_POINTS = 5
#: Im Z / |Z| above which low-frequency points with Im Z > 0 are an inductive loop, not noise
LOOP_FRACTION = 0.03


class KramersKronigWarning(DataQualityWarning):
    """The spectrum fails the Lin-KK test: it is not the response of a linear, causal, stable
    system (drift during the measurement, non-linearity, noise), so fitted values are suspect."""


class InductiveLoopWarning(DataQualityWarning):
    """Im(Z) > 0 at low frequencies (an inductive loop): no RC/CPE circuit can represent it."""


@dataclass(frozen=True)
class Spectrum:
    """A checked spectrum, sorted from high to low frequency.

    Attributes
    ----------
    f
        Frequencies [Hz], strictly decreasing.
    z
        Impedance [ohm] (Im Z negative for a capacitive arc).
    n_inductive_hf
        How many of the highest frequencies have Im Z > 0 (cable/cell inductance).
    """

    f: np.ndarray
    z: np.ndarray
    n_inductive_hf: int

    @property
    def w(self) -> np.ndarray:
        return 2 * np.pi * self.f


def check_spectrum(f: object, z: object, *, name: str = "spectrum") -> Spectrum:
    """Validate frequencies and impedance; sort them high to low.

    Raises :class:`InputError` (naming ``name``) for too few points, non-finite values,
    non-positive or non-monotonic frequencies, mismatched lengths and spectra whose imaginary
    part has the wrong sign; warns with :class:`InductiveLoopWarning` on a low-frequency
    inductive loop.
    """
    try:
        f_arr = np.asarray(f, dtype=float).ravel()
        z_arr = np.asarray(z, dtype=complex).ravel()
    except (TypeError, ValueError) as exc:
        raise InputError(
            f"{name}: frequencies must be real numbers [Hz] and Z complex numbers [ohm] ({exc})."
        ) from None
    if f_arr.size != z_arr.size:
        raise InputError(
            f"{name}: {f_arr.size} frequencies but {z_arr.size} impedance values; give one Z "
            "per frequency."
        )
    if f_arr.size < MIN_POINTS:
        raise InputError(
            f"{name}: too few points ({f_arr.size}); an impedance fit needs at least "
            f"{MIN_POINTS} frequencies, better 5-10 per decade."
        )
    bad = np.flatnonzero(~(np.isfinite(f_arr) & np.isfinite(z_arr)))
    if bad.size:
        raise InputError(
            f"{name}: {bad.size} point(s) hold NaN or infinite values (rows {bad[:10].tolist()}); "
            "remove them before fitting."
        )
    if (f_arr <= 0).any():
        row = int(np.flatnonzero(f_arr <= 0)[0])
        raise InputError(
            f"{name}: frequencies must be positive [Hz]; row {row} holds {f_arr[row]!r}."
        )
    step = np.diff(f_arr)
    if not ((step < 0).all() or (step > 0).all()):
        kind = "repeats" if (step == 0).any() else "reverses"
        row = int(np.flatnonzero(step == 0)[0] if kind == "repeats" else _first_turn(step))
        raise InputError(
            f"{name}: frequencies are not monotonic (the sweep {kind} at row {row + 1}); one "
            "spectrum must be a single sweep. Split a file of several sweeps by its 'spectrum' "
            "column (lithiophile eis series does this)."
        )
    if step[0] > 0:
        f_arr, z_arr = f_arr[::-1].copy(), z_arr[::-1].copy()
    positive = z_arr.imag > 0
    if positive.mean() > 0.7:
        raise InputError(
            f"{name}: Im(Z) is positive at {int(positive.sum())} of {positive.size} points. "
            "lithiophile expects Im(Z) itself (negative for a capacitive arc); if you passed "
            "-Im(Z), as many instruments write it, negate it."
        )
    n_hf = int(np.argmin(positive)) if not positive.all() else positive.size
    tail = positive[::-1]
    n_lf = int(np.argmin(tail)) if not tail.all() else 0
    loop = z_arr.imag[z_arr.size - n_lf :] / np.abs(z_arr[z_arr.size - n_lf :])
    if n_lf >= 2 and n_hf < positive.size - n_lf and loop.max() > LOOP_FRACTION:
        warnings.warn(
            f"{name}: Im(Z) > 0 at the {n_lf} lowest frequencies (an inductive loop, below "
            f"{f_arr[-n_lf]:.3g} Hz): an RC/CPE circuit cannot represent it and the "
            "fitted resistances are suspect. Drop those points or measure at steady state.",
            InductiveLoopWarning,
            stacklevel=3,
        )
    return Spectrum(f_arr, z_arr, n_hf)


def _first_turn(step: np.ndarray) -> int:
    sign = np.sign(step[step != 0][0])
    return int(np.flatnonzero(np.sign(step) == -sign)[0])
