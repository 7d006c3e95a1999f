"""Synthetic impedance spectra of equivalent circuits with known parameters and realistic noise.

The formulas are written out here on their own (not taken from the fitting code), so a test
that fits these spectra checks the fit against an independent construction:

* resistor ``R``; inductor ``j w L``; RC element ``R / (1 + j w R C)``;
* R in parallel with a constant-phase element ``R / (1 + R Q (j w)^alpha)``;
* ZARC (Cole-Cole) ``R / (1 + (j w tau)^phi)`` (equal to R||CPE with Q = tau^phi / R);
* semi-infinite Warburg ``A_W (1 - j) / sqrt(w)``.

Noise is Gaussian and proportional to |Z| on the real and the imaginary part independently
(the usual error structure of a frequency-response analyser, Orazem & Tribollet,
Electrochemical Impedance Spectroscopy, 2nd ed. 2017, ch. 21), plus an optional absolute floor.

Examples
--------
>>> s = spectrum([("R", 10.0), ("RC", 100.0, 1e-5)], noise=0.0)
>>> round(float(s.z.real[-1]), 3)   # the low-frequency limit is R0 + R1
110.0
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["SyntheticSpectrum", "frequencies", "spectrum", "term_impedance"]

#: the term kinds and their parameters
TERMS = {
    "R": ("R",),
    "L": ("L",),
    "RC": ("R", "C"),
    "RQ": ("R", "Q", "alpha"),
    "ZARC": ("R", "tau", "phi"),
    "W": ("A_W",),
}


def frequencies(f_max: float = 1e6, f_min: float = 1e-2, per_decade: int = 10) -> np.ndarray:
    """Log-spaced frequencies from ``f_max`` down to ``f_min`` [Hz], ``per_decade`` per decade."""
    if not (f_max > f_min > 0):
        raise ValueError(f"need f_max > f_min > 0 [Hz]; got {f_max!r}, {f_min!r}")
    n = round(np.log10(f_max / f_min) * per_decade) + 1
    return np.geomspace(f_max, f_min, max(n, 2))


def term_impedance(term: Sequence[Any], f: np.ndarray) -> np.ndarray:
    """Impedance [ohm] of one term such as ``("RC", 100.0, 1e-5)`` at frequencies ``f`` [Hz]."""
    kind, *p = term
    if kind not in TERMS or len(p) != len(TERMS[kind]):
        raise ValueError(f"unknown term {term!r}; terms are {TERMS}")
    w = 2 * np.pi * np.asarray(f, dtype=float)
    if kind == "R":
        return np.full(w.shape, p[0], dtype=complex)
    if kind == "L":
        return 1j * w * p[0]
    if kind == "RC":
        r, c = p
        return r / (1 + 1j * w * r * c)
    if kind == "RQ":
        r, q, a = p
        return r / (1 + r * q * (1j * w) ** a)
    if kind == "ZARC":
        r, tau, phi = p
        return r / (1 + (1j * w * tau) ** phi)
    (aw,) = p
    return aw * (1 - 1j) / np.sqrt(w)


@dataclass(frozen=True)
class SyntheticSpectrum:
    """A spectrum with its true parameters.

    Attributes
    ----------
    f
        Frequencies [Hz], high to low.
    z
        Noisy impedance [ohm].
    z_true
        Noise-free impedance [ohm].
    terms
        The terms it was built from, e.g. ``(("R", 10.0), ("RQ", 100.0, 1e-5, 0.9))``.
    noise
        Relative noise level (standard deviation / |Z| on each part).
    """

    f: np.ndarray
    z: np.ndarray
    z_true: np.ndarray
    terms: tuple[tuple[Any, ...], ...]
    noise: float
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def r_polarisation(self) -> float:
        """Sum of the arc resistances (RC, RQ, ZARC terms) [ohm]: the true R_int."""
        return float(sum(t[1] for t in self.terms if t[0] in ("RC", "RQ", "ZARC")))

    def to_impedance_data(self, **columns: Any) -> Any:
        """As :class:`lithiophile.io.ImpedanceData`; keyword ``area_m2`` sets the metadata,
        other keywords (``temperature_K``, ``cycle``, ``time_s``) become constant columns."""
        from lithiophile.io.celldata import ImpedanceData, Metadata

        area = columns.pop("area_m2", None)
        data: dict[str, Any] = {
            "frequency_Hz": self.f,
            "z_real_ohm": self.z.real,
            "z_imag_ohm": self.z.imag,
        }
        for name, value in columns.items():
            data[name] = np.full(self.f.size, value)
        meta = Metadata(instrument="lithiophile.synth", format="synthetic", area_m2=area)
        return ImpedanceData.from_columns(data, meta)


def spectrum(
    terms: Sequence[Sequence[Any]],
    f: np.ndarray | None = None,
    *,
    noise: float = 0.01,
    floor_ohm: float = 0.0,
    seed: int = 0,
) -> SyntheticSpectrum:
    """A spectrum of terms in series, with Gaussian noise.

    Parameters
    ----------
    terms
        E.g. ``[("R", 10.0), ("RQ", 100.0, 1e-5, 0.9), ("W", 30.0)]``: R [ohm], L [H],
        RC (R [ohm], C [F]), RQ (R [ohm], Q [ohm-1 s^alpha], alpha), ZARC (R [ohm], tau [s],
        phi), W (A_W [ohm s^-1/2]).
    f
        Frequencies [Hz]; default 1 MHz to 10 mHz, 10 per decade.
    noise
        Standard deviation of the noise relative to |Z|, on each part [1].
    floor_ohm
        Absolute noise added on each part [ohm].
    seed
        Seed of the noise.
    """
    f = frequencies() if f is None else np.asarray(f, dtype=float)
    terms_t = tuple(tuple(t) for t in terms)
    z_true = np.sum([term_impedance(t, f) for t in terms_t], axis=0)
    rng = np.random.default_rng(seed)
    sigma = noise * np.abs(z_true) + floor_ohm
    z = z_true + sigma * (rng.standard_normal(f.size) + 1j * rng.standard_normal(f.size))
    return SyntheticSpectrum(f, z, z_true, terms_t, noise)
