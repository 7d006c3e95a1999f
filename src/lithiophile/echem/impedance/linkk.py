"""Lin-KK: the linear Kramers-Kronig validity test of Schönleber et al. (2014).

A spectrum is fitted by a series resistance, an inductance (and optionally a capacitance) and M
Voigt (RC) elements with time constants fixed log-uniformly between 1/w_max and 1/w_min; the
resistances follow from one linear least-squares solve. M grows until the over-fitting measure
mu = 1 - sum|R_k<0| / sum|R_k>=0| falls below c (0.85 in the paper). For finely sampled
spectra mu oscillates with M (odd and even M place the time constants differently), so the
first M below c can under-fit badly; we keep the paper's intent (a KK-compliant model that
does not over-fit) and take, among the M up to ``max_m`` whose mu exceeds c, the one with the
smallest residual. When even that model misses the data by more than ``threshold``, a Voigt
fit with non-negative resistances on ``max_m`` time constants (which cannot over-fit by
cancellation) gets the last word. A spectrum that a KK-
compliant model cannot follow (relative residuals well above the noise) was not measured on a
linear, causal, stable system.

Judged against the noise: noise alone leaves residuals that change from one frequency to the
next without pattern, while drift and non-linearity leave smooth ones. The test estimates the
noise from the point-to-point differences of its residuals (for independent residuals of
standard deviation s, the differences have standard deviation s sqrt(2)); a spectrum fails
only when its rms residual exceeds both ``threshold`` and :data:`NOISE_FACTOR` times that
noise, so a spectrum with nothing but noise passes however noisy it is (the noise shows in
the fitted parameters' errors instead).

References
----------
Schönleber, M.; Klotz, D.; Ivers-Tiffée, E. A Method for Improving the Robustness of linear
Kramers-Kronig Validity Tests. Electrochim. Acta 2014, 131, 20-27.
doi:10.1016/j.electacta.2014.01.034
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from lithiophile import cite
from lithiophile.echem.impedance.validate import check_spectrum
from lithiophile.errors import CalculationFailed

__all__ = ["LinKKResult", "lin_kk", "voigt_floor"]

cite.define(
    cite.Citation(
        "Schonleber2014",
        "Schönleber, M.; Klotz, D.; Ivers-Tiffée, E. A Method for Improving the Robustness of "
        "linear Kramers-Kronig Validity Tests. Electrochim. Acta 2014, 131, 20-27.",
        doi="10.1016/j.electacta.2014.01.034",
    )
)

#: rms relative residual above which a spectrum is said to fail the test (a heuristic: 1 %
#: noise on each component gives about 0.01; drift and non-linearity give more)
DEFAULT_THRESHOLD = 0.02
#: residuals up to this multiple of the estimated noise are taken for noise (for independent
#: residuals the ratio is 1 within about 1/sqrt(number of residuals))
NOISE_FACTOR = 1.5
#: dataclass field metadata: the field is left out of :func:`lithiophile.store.to_payload`
_HIDDEN = {"payload": False}


@dataclass(frozen=True)
class LinKKResult:
    """Outcome of :func:`lin_kk`.

    Attributes
    ----------
    m
        Number of RC elements used.
    mu
        Over-fitting measure at ``m`` [1].
    residuals_real, residuals_imag
        (Z - Z_KK) / |Z| for each frequency, high to low [1].
    rms
        Root-mean-square of both residual vectors [1].
    threshold
        The ``rms`` up to which the spectrum passes whatever its noise.
    noise
        The noise the residuals show, estimated from their point-to-point differences
        (relative to |Z|, like ``rms``); None when not estimated.
    """

    m: int
    mu: float
    residuals_real: np.ndarray = field(metadata=_HIDDEN)
    residuals_imag: np.ndarray = field(metadata=_HIDDEN)
    rms: float = field(metadata={"payload_key": "rms_residual"})
    threshold: float
    noise: float | None = None

    #: shown by :func:`lithiophile.store.to_payload` after the fields (the residual vectors
    #: stay out; ``rms`` shows as ``rms_residual``)
    PAYLOAD_EXTRA = ("max_residual", "passed")

    @property
    def passed(self) -> bool:
        """Residuals within ``threshold`` or within :data:`NOISE_FACTOR` times the noise."""
        noisy = self.noise is not None and self.rms <= NOISE_FACTOR * self.noise
        return self.rms <= self.threshold or noisy

    @property
    def noise_text(self) -> str:
        return "noise" if self.noise is None else f"noise of {self.noise:.2%}"

    @property
    def max_residual(self) -> float:
        """The largest residual, real or imaginary, in magnitude [1]."""
        return float(max(np.abs(self.residuals_real).max(), np.abs(self.residuals_imag).max()))


def lin_kk(
    f: object,
    z: object,
    *,
    c: float = 0.85,
    max_m: int | None = None,
    capacitance: bool = False,
    threshold: float = DEFAULT_THRESHOLD,
) -> LinKKResult:
    """Run the Lin-KK test on a spectrum.

    Parameters
    ----------
    f, z
        Frequencies [Hz] and impedance [ohm].
    c
        Over-fitting threshold on mu (Schönleber et al. 2014 use 0.85).
    max_m
        Most RC elements tried (default: the number of frequencies, at most 60).
    capacitance
        Add a series capacitance (for blocking electrodes).
    threshold
        rms relative residual above which the spectrum fails [1].

    References
    ----------
    Schönleber et al. 2014, doi:10.1016/j.electacta.2014.01.034.
    """
    cite.register("Schonleber2014")
    spec = check_spectrum(f, z, name="lin_kk")
    w, zz = spec.w, spec.z
    weight = 1.0 / np.abs(zz)
    target = np.concatenate([zz.real * weight, zz.imag * weight])
    n = w.size
    max_m = min(n, 60) if max_m is None else max(1, min(max_m, n))
    fixed = [np.ones(n, dtype=complex), 1j * w]
    if capacitance:
        fixed.append(-1j / w)
    best = None
    for m in range(1, max_m + 1):
        if m == 1:
            tau = np.array([1 / np.sqrt(w.max() * w.min())])
        else:
            tau = np.geomspace(1 / w.max(), 1 / w.min(), m)
        basis = 1.0 / (1.0 + 1j * w[:, None] * tau[None, :])
        a = np.column_stack([*fixed, basis])
        aw = a * weight[:, None]
        design = np.vstack([aw.real, aw.imag])
        coef, *_ = np.linalg.lstsq(design, target, rcond=None)
        r_k = coef[len(fixed) :]
        pos = np.abs(r_k[r_k >= 0]).sum()
        mu = 1.0 - np.abs(r_k[r_k < 0]).sum() / pos if pos > 0 else 0.0
        zfit = a @ coef
        rms = float(np.sqrt(np.mean((target - design @ coef) ** 2)))
        if best is None or (mu > c and (best[1] <= c or rms < best[3])):
            best = (m, float(mu), zfit, rms)
    if best is None:  # pragma: no cover - max_m >= 1 always gives one
        raise CalculationFailed("Lin-KK: no model was fitted")
    m, mu, zfit, rms_best = best
    if rms_best > threshold:
        # the mu rule can stop at an under-fitting M on noisy, widely spanning spectra: confirm
        # with a Voigt fit whose resistances are kept non-negative (no over-fitting by
        # cancelling elements), and keep whichever KK-compliant model fits better
        zfit_nn = _nonnegative_voigt(w, zz, weight, fixed, max_m)
        if np.sqrt(np.mean(np.abs((zz - zfit_nn) * weight) ** 2) / 2) < rms_best:
            zfit = zfit_nn
    res_re = (zz.real - zfit.real) * weight
    res_im = (zz.imag - zfit.imag) * weight
    rms = float(np.sqrt(np.mean(np.concatenate([res_re, res_im]) ** 2)))
    return LinKKResult(m, mu, res_re, res_im, rms, threshold, noise_level(res_re, res_im))


def noise_level(res_re: np.ndarray, res_im: np.ndarray) -> float:
    """Standard deviation of the noise in residuals ordered by frequency, from their
    point-to-point differences: sqrt(mean(diff^2) / 2) over both parts (von Neumann's
    mean square successive difference, which a smooth systematic misfit hardly raises)."""
    d = np.concatenate([np.diff(res_re), np.diff(res_im)])
    return float(np.sqrt(np.mean(d**2) / 2)) if d.size else 0.0


def _nonnegative_voigt(
    w: np.ndarray, zz: np.ndarray, weight: np.ndarray, fixed: list[np.ndarray], m: int
) -> np.ndarray:
    from scipy.optimize import nnls

    tau = np.geomspace(1 / w.max(), 1 / w.min(), max(m, 2))
    basis = 1.0 / (1.0 + 1j * w[:, None] * tau[None, :])
    # fixed columns enter with both signs so that they stay free
    a = np.column_stack([*fixed, *(-col for col in fixed), basis])
    aw = a * weight[:, None]
    design = np.vstack([aw.real, aw.imag])
    target = np.concatenate([zz.real * weight, zz.imag * weight])
    coef, _ = nnls(design, target, maxiter=50 * design.shape[1])
    return a @ coef


def voigt_floor(w: np.ndarray, zz: np.ndarray, weight: np.ndarray) -> float:
    """Reduced chi-square of a Kramers-Kronig-compliant model of the spectrum: series R and L
    and RC elements at fixed time constants, about 2.5 per decade between 1/w_max and
    1/w_min (at most a third of the frequencies), fitted linearly with the given weights.

    The noise floor that no circuit of R, C, CPE and Warburg elements can beat by much: a
    circuit fit whose reduced chi-square is close to it has found the best minimum there is.
    """
    n = w.size
    decades = max(np.log10(w.max() / w.min()), 1.0)
    m = int(np.clip(round(2.5 * decades), 2, max(n // 3, 2)))
    tau = np.geomspace(1 / w.max(), 1 / w.min(), m)
    a = np.column_stack([np.ones(n), 1j * w, 1.0 / (1.0 + 1j * w[:, None] * tau[None, :])])
    aw = a * weight[:, None]
    design = np.vstack([aw.real, aw.imag])
    target = np.concatenate([zz.real * weight, zz.imag * weight])
    coef, *_ = np.linalg.lstsq(design, target, rcond=None)
    r = target - design @ coef
    return float(r @ r) / max(2 * n - design.shape[1], 1)
