"""Distribution of relaxation times by Tikhonov regularisation with non-negativity.

Model: ``Z(w) = R_inf + j w L + integral gamma(ln tau) / (1 + j w tau) d ln tau``, gamma [ohm]
piecewise linear in ln tau (hat functions on a grid extending one decade beyond the measured
frequencies), the kernel integrals by quadrature. The regularisation penalises the first
derivative of gamma; its strength lambda is chosen by generalised cross-validation (GCV) or the
L-curve corner, computed on the unconstrained problem; the final gamma comes from a non-negative
least-squares solve of the augmented system [A; sqrt(lambda) D]. gamma, R_inf and the
inductance are all kept non-negative (a negative inductance or resistance has no physical
meaning; a spectrum that seems to need one is not a DRT's to explain).

What the data can say: the measured frequencies span time constants from 1/w_max to 1/w_min
(the *window*). gamma outside it is extrapolation by the regulariser, so every peak says
whether it lies inside (``in_window``) and the result splits its resistance into the part
inside the window and the part outside, with a note whenever the outside holds more than
:data:`OUTSIDE_NOTE` of it. The total is also checked against the measured real-axis span
(Re Z at the lowest minus at the highest frequency): a difference over :data:`SPAN_TOLERANCE`
is a :class:`DRTConsistencyWarning`.

References
----------
Wan, T. H.; Saccoccio, M.; Chen, C.; Ciucci, F. Influence of the Discretization Methods on the
Distribution of Relaxation Times Deconvolution: Implementing Radial Basis Functions with
DRTtools. Electrochim. Acta 2015, 184, 483-499. doi:10.1016/j.electacta.2015.09.097
Saccoccio, M.; Wan, T. H.; Chen, C.; Ciucci, F. Optimal Regularization in Distribution of
Relaxation Times applied to Electrochemical Impedance Spectroscopy: Ridge and Lasso Regression
Methods - A Theoretical and Experimental Study. Electrochim. Acta 2014, 147, 470-482.
doi:10.1016/j.electacta.2014.09.058
"""

from __future__ import annotations

import itertools
import warnings
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from lithiophile import cite
from lithiophile.echem.impedance.circuit import Circuit
from lithiophile.echem.impedance.library import bic
from lithiophile.echem.impedance.threads import single_blas_thread
from lithiophile.echem.impedance.validate import check_spectrum
from lithiophile.errors import CalculationFailed, DataQualityWarning, InputError

__all__ = ["DRTConsistencyWarning", "DRTPeak", "DRTResult", "drt"]


class DRTConsistencyWarning(DataQualityWarning):
    """The DRT's total resistance disagrees by more than 20 % with the measured real-axis
    span of the spectrum or with the circuit fit's interfacial resistance."""


cite.define(
    cite.Citation(
        "Wan2015",
        "Wan, T. H.; Saccoccio, M.; Chen, C.; Ciucci, F. Influence of the Discretization "
        "Methods on the Distribution of Relaxation Times Deconvolution: Implementing Radial "
        "Basis Functions with DRTtools. Electrochim. Acta 2015, 184, 483-499.",
        doi="10.1016/j.electacta.2015.09.097",
    ),
    cite.Citation(
        "Saccoccio2014",
        "Saccoccio, M.; Wan, T. H.; Chen, C.; Ciucci, F. Optimal Regularization in Distribution "
        "of Relaxation Times applied to Electrochemical Impedance Spectroscopy: Ridge and Lasso "
        "Regression Methods. Electrochim. Acta 2014, 147, 470-482.",
        doi="10.1016/j.electacta.2014.09.058",
    ),
)

_METHODS = ("gcv", "lcurve")
#: decades the ln tau grid extends beyond 1/w_max and 1/w_min
EXTEND = 1.0
#: relative difference between the DRT's total resistance and the measured real-axis span (or
#: the circuit's R_int) above which a warning is raised
SPAN_TOLERANCE = 0.20
#: fraction of the DRT's resistance outside the measured window above which a note says so
OUTSIDE_NOTE = 0.05
#: dataclass field metadata: the field is left out of :func:`lithiophile.store.to_payload`
_HIDDEN = {"payload": False}


@dataclass(frozen=True)
class DRTPeak:
    """One peak of the DRT.

    ``tau_s`` and ``r_ohm`` are the figures to report: with refinement (the default) they come
    from a least-squares fit of ``L + R_inf + one ZARC per peak`` to the impedance itself,
    seeded by the DRT (``refined`` is then True, ``phi`` the ZARC exponent, ``tau_stderr_s``
    and ``r_stderr_ohm`` the standard errors of that fit); otherwise, or when that fit fails,
    they are the DRT's own values. ``tau_drt_s`` and ``r_drt_ohm`` hold the DRT's own values
    at the maximum of gamma nearest to the peak (None when none lies within a decade): the
    gamma-weighted mean time constant of the top half of the peak and the area under it.

    The DRT's own time constants scatter with the noise far more than the refined ones: on
    the pyDRTtools tutorial spectra rebuilt with 100 seeded noise realisations (0.5 ohm on
    each part), the top-half mean of gamma (lambda by GCV) scatters by 5 % in tau for a
    single 50-ohm arc and by 15-30 % for a 10-ohm arc beside a 50-ohm one, while the refined
    values scatter as little as a maximum-likelihood fit of the true circuit (1 % and 6 %) and
    agree with it to 0.5 %.

    f = 1/(2 pi tau) is the frequency at the peak (the kernel is 1/(1 + j w tau), w = 2 pi f).
    """

    tau_s: float
    r_ohm: float
    tau_drt_s: float | None
    r_drt_ohm: float | None
    refined: bool = False
    phi: float | None = None
    tau_stderr_s: float | None = None
    r_stderr_ohm: float | None = None
    #: the time constant lies within the measured window [1/w_max, 1/w_min]
    in_window: bool = True

    #: shown by :func:`lithiophile.store.to_payload` beside the fields
    PAYLOAD_EXTRA = ("frequency_Hz",)

    @property
    def frequency_Hz(self) -> float:
        return 1.0 / (2 * np.pi * self.tau_s)


@dataclass(frozen=True)
class DRTResult:
    """Outcome of :func:`drt`.

    Attributes
    ----------
    tau_s, gamma_ohm
        The grid of time constants [s] and gamma(ln tau) on it [ohm].
    r_inf_ohm, inductance_H
        Series resistance [ohm] and inductance [H].
    lam
        Regularisation strength chosen (relative to the scale of the problem).
    method
        ``"gcv"``, ``"lcurve"`` or ``"given"``.
    peaks
        Peaks, shortest time constant first.
    frequency_Hz, z_fit
        Frequencies [Hz] (high to low) and the impedance of the DRT model there [ohm].
    tau_window_s
        The time constants the measured frequencies cover, (1/w_max, 1/w_min) [s].
    span_ohm
        The measured real-axis span, Re Z(f_min) - Re Z(f_max) [ohm].
    notes
        What the figures rest on: resistance or peaks outside the window, disagreement with
        the measured span.
    """

    tau_s: np.ndarray
    gamma_ohm: np.ndarray
    r_inf_ohm: float
    inductance_H: float
    lam: float = field(metadata={"payload_key": "lambda"})
    method: str = field(metadata={"payload_key": "lambda_method"})
    peaks: tuple[DRTPeak, ...]
    frequency_Hz: np.ndarray = field(metadata=_HIDDEN)
    z_fit: np.ndarray = field(metadata=_HIDDEN)
    residual_rms: float
    tau_window_s: tuple[float, float] = (0.0, np.inf)
    span_ohm: float | None = None
    notes: tuple[str, ...] = ()

    #: shown by :func:`lithiophile.store.to_payload` after the fields (``lam`` and ``method``
    #: show as ``lambda`` and ``lambda_method``; the fitted impedance and its frequencies stay
    #: out)
    PAYLOAD_EXTRA = ("r_polarisation_ohm", "r_window_ohm", "r_outside_ohm")

    @property
    def r_polarisation_ohm(self) -> float:
        """Total resistance of the distribution, integral of gamma d ln tau [ohm] (over the
        whole grid, the decade beyond the window on each side included)."""
        return float(np.trapezoid(self.gamma_ohm, np.log(self.tau_s)))

    @property
    def r_window_ohm(self) -> float:
        """The part of :attr:`r_polarisation_ohm` within the measured window [ohm]."""
        return _integral(self.tau_s, self.gamma_ohm, *self.tau_window_s)

    @property
    def r_outside_ohm(self) -> float:
        """The part of :attr:`r_polarisation_ohm` outside the measured window [ohm]:
        extrapolated by the regulariser, not measured."""
        return self.r_polarisation_ohm - self.r_window_ohm


def _integral(tau: np.ndarray, gamma: np.ndarray, lo: float, hi: float) -> float:
    """Integral of gamma d ln tau between tau = lo and hi (gamma linear in ln tau)."""
    u = np.log(tau)
    a, b = np.log(max(lo, tau[0])), np.log(min(hi, tau[-1]))
    if not a < b:
        return 0.0
    inside = (u > a) & (u < b)
    uu = np.concatenate([[a], u[inside], [b]])
    gg = np.interp(uu, u, gamma)
    return float(np.trapezoid(gg, uu))


def _kernel(w: np.ndarray, ln_tau: np.ndarray, sub: int = 8) -> np.ndarray:
    """A[i, k] = integral of hat_k(u) / (1 + j w_i e^u) du (trapezoidal, ``sub`` per cell)."""
    h = ln_tau[1] - ln_tau[0]
    s = np.linspace(-1.0, 1.0, 2 * sub + 1)  # offsets in units of h around each node
    weight = (1.0 - np.abs(s)) * (s[1] - s[0]) * h
    weight[[0, -1]] = 0.0
    u = ln_tau[:, None] + s[None, :] * h  # (m, q)
    kern = 1.0 / (1.0 + 1j * w[:, None, None] * np.exp(u)[None, :, :])
    return kern @ weight


def drt(
    f: object,
    z: object,
    *,
    lam: float | None = None,
    method: str = "gcv",
    per_decade: int = 10,
    inductance: bool = True,
    weighting: str = "unit",
    peak_fraction: float = 0.03,
    derivative: int = 1,
    refine: bool = True,
) -> DRTResult:
    """Distribution of relaxation times of a spectrum.

    Parameters
    ----------
    f, z
        Frequencies [Hz] and complex impedance [ohm].
    lam
        Regularisation strength (relative); None chooses it by ``method``.
    method
        ``"gcv"`` (generalised cross-validation) or ``"lcurve"`` (corner of the L-curve).
    per_decade
        Grid points of ln tau per decade.
    inductance
        Fit a series inductance (for spectra with Im Z > 0 at high frequency).
    weighting
        ``"unit"`` (absolute residuals, for noise of constant size) or ``"modulus"``.
    peak_fraction
        Peaks holding less than this fraction of the total resistance are taken for
        regularisation ripples on the tails of real peaks and left out (at the noise of
        typical data such ripples hold a few per cent).
    refine
        Fit ``L + R_inf + one ZARC per peak`` to the impedance, seeded by the DRT, and report
        each peak's time constant and resistance from that fit (the DRT's own values stay in
        ``tau_drt_s``/``r_drt_ohm``). Peaks the data do not support (removing their ZARC
        lowers the Bayesian information criterion: regularisation ripples that split one
        broad distribution into several maxima) are dropped.
    derivative
        Order of the derivative of gamma that is penalised (1 or 2).

    References
    ----------
    Wan et al. 2015, doi:10.1016/j.electacta.2015.09.097; Saccoccio et al. 2014,
    doi:10.1016/j.electacta.2014.09.058.
    """
    _check_options(lam, method, weighting, derivative)
    cite.register("Wan2015")
    cite.register("Saccoccio2014")
    spec = check_spectrum(f, z, name="drt")
    with single_blas_thread():  # small dense problems: one thread is fastest
        sol = _regularised(
            spec.w, spec.z, lam, method, per_decade, inductance, weighting, derivative
        )
        peaks = _peaks(sol.ln_tau, sol.gamma, peak_fraction)
        if refine and peaks:
            peaks = _refine(spec.f, spec.z, peaks, sol.r_inf, sol.inductance, inductance, weighting)
    window = (float(1 / spec.w.max()), float(1 / spec.w.min()))
    peaks = tuple(replace(p, in_window=window[0] <= p.tau_s <= window[1]) for p in peaks)
    result = DRTResult(
        tau_s=np.exp(sol.ln_tau),
        gamma_ohm=sol.gamma,
        r_inf_ohm=sol.r_inf,
        inductance_H=sol.inductance,
        lam=sol.lam,
        method=sol.method,
        peaks=peaks,
        frequency_Hz=spec.f,
        z_fit=sol.z_fit,
        residual_rms=sol.rms,
        tau_window_s=window,
        span_ohm=float(spec.z.real[-1] - spec.z.real[0]),
    )
    return replace(result, notes=_window_notes(result))


def _check_options(lam: float | None, method: str, weighting: str, derivative: int) -> None:
    """InputError naming a bad option of :func:`drt`."""
    if method not in _METHODS:
        raise InputError(f"drt 'method' must be one of {list(_METHODS)}. Got {method!r}.")
    if weighting not in ("unit", "modulus"):
        raise InputError(f"drt 'weighting' must be 'unit' or 'modulus'. Got {weighting!r}.")
    if derivative not in (1, 2):
        raise InputError(f"drt 'derivative' must be 1 or 2. Got {derivative!r}.")
    if lam is not None and not (np.isfinite(lam) and lam > 0):
        raise InputError(f"drt 'lam' must be a positive number such as 1e-3. Got {lam!r}.")


@dataclass(frozen=True)
class _Solution:
    """The regularised solution on the ln tau grid, before peaks are found."""

    ln_tau: np.ndarray
    gamma: np.ndarray
    r_inf: float
    inductance: float
    lam: float
    method: str
    z_fit: np.ndarray
    rms: float


def _regularised(
    w: np.ndarray,
    zz: np.ndarray,
    lam: float | None,
    method: str,
    per_decade: int,
    inductance: bool,
    weighting: str,
    derivative: int,
) -> _Solution:
    """gamma, R_inf and L by non-negative Tikhonov regularisation, and how well they fit."""
    wt = 1.0 / np.abs(zz) if weighting == "modulus" else np.ones(w.size)
    ln_tau, a_c, n_free = _design(w, per_decade, inductance)
    x, lam_used, chosen = _solve(a_c, zz, wt, n_free, derivative, lam, method)
    z_fit = a_c @ x
    res = (zz - z_fit) * wt
    rms = float(np.sqrt(np.mean(res.real**2 + res.imag**2) / 2))
    l_fit = float(x[1]) if inductance else 0.0
    return _Solution(ln_tau, x[n_free:], float(x[0]), l_fit, float(lam_used), chosen, z_fit, rms)


def _window_notes(res: DRTResult) -> tuple[str, ...]:
    """What the DRT's figures rest on; warns when the total disagrees with the span."""
    notes = []
    lo, hi = res.tau_window_s
    total, outside = res.r_polarisation_ohm, res.r_outside_ohm
    if total > 0 and outside > OUTSIDE_NOTE * total:
        notes.append(
            f"{outside:.4g} ohm ({outside / total:.0%}) of the DRT's {total:.4g} ohm lies at "
            f"time constants outside the measured window {lo:.3g}-{hi:.3g} s: extrapolated by "
            "the regularisation, not measured"
        )
    for p in res.peaks:
        if not p.in_window:
            notes.append(
                f"the peak at tau {p.tau_s:.3g} s ({p.r_ohm:.4g} ohm) lies outside the measured "
                f"window {lo:.3g}-{hi:.3g} s: extrapolated, not measured"
            )
    span = res.span_ohm
    if span is not None and span > 0 and abs(total - span) > SPAN_TOLERANCE * span:
        text = (
            f"the DRT's total resistance {total:.4g} ohm differs from the measured real-axis "
            f"span {span:.4g} ohm by {abs(total / span - 1):.0%} (over "
            f"{SPAN_TOLERANCE:.0%}): the arcs do not close within the measured frequencies, "
            "or the spectrum holds a diffusion tail the DRT extends beyond them"
        )
        notes.append(text)
        warnings.warn(text, DRTConsistencyWarning, stacklevel=3)
    return tuple(notes)


def _design(w: np.ndarray, per_decade: int, inductance: bool) -> tuple[np.ndarray, Any, int]:
    """The ln tau grid (a decade beyond the measured window on each side) and the complex
    design matrix [1, (j w), kernel]; n_free columns before the kernel."""
    lo = np.log(1.0 / w.max()) - EXTEND * np.log(10.0)
    hi = np.log(1.0 / w.min()) + EXTEND * np.log(10.0)
    m = int(np.ceil((hi - lo) / np.log(10.0) * per_decade)) + 1
    ln_tau = np.linspace(lo, hi, m)
    cols = [np.ones(w.size, dtype=complex)]
    if inductance:
        cols.append(1j * w)
    return ln_tau, np.column_stack([*cols, _kernel(w, ln_tau)]), len(cols)


def _solve(
    a_c: np.ndarray,
    zz: np.ndarray,
    wt: np.ndarray,
    n_free: int,
    derivative: int,
    lam: float | None,
    method: str,
) -> tuple[np.ndarray, float, str]:
    """Non-negative Tikhonov solution (R_inf, L, gamma), lambda and how it was chosen."""
    from scipy.optimize import nnls

    m = a_c.shape[1] - n_free
    a = np.vstack([(a_c * wt[:, None]).real, (a_c * wt[:, None]).imag])
    b = np.concatenate([zz.real * wt, zz.imag * wt])
    # column scaling so that the unpenalised columns are of the size of the others
    scale = np.linalg.norm(a, axis=0)
    scale[scale == 0] = 1.0
    a_s = a / scale
    diff = np.diff(np.eye(m), n=derivative, axis=0)
    d = np.zeros((diff.shape[0], n_free + m))
    d[:, n_free:] = diff
    d_s = d / scale
    ata, dtd, atb = a_s.T @ a_s, d_s.T @ d_s, a_s.T @ b
    norm = np.trace(ata) / max(np.trace(dtd), 1e-300)
    chosen = "given"
    if lam is None:
        grid = np.geomspace(1e-9, 1e3, 49)
        lam, chosen = _choose_lambda(ata, dtd, atb, a_s, b, d_s, norm, grid, method), method
    aug = np.vstack([a_s, np.sqrt(lam * norm) * d_s])
    # non-negative gamma, R_inf and inductance
    x, _ = nnls(aug, np.concatenate([b, np.zeros(d.shape[0])]), maxiter=50 * aug.shape[1])
    return x / scale, float(lam), chosen


def _choose_lambda(
    ata: np.ndarray,
    dtd: np.ndarray,
    atb: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    d: np.ndarray,
    norm: float,
    grid: np.ndarray,
    method: str,
) -> float:
    from scipy.linalg import eigh

    n = b.size
    # one generalised eigen-decomposition serves every lambda: with B = A^T A (+ a ridge of
    # 1e-12 of its trace for definiteness), V^T B V = I and V^T (D^T D) V = diag(s), so
    # (A^T A + lam D^T D)^-1 = V diag(1 / (1 + lam s)) V^T
    m = ata.shape[0]
    big = ata + 1e-12 * np.trace(ata) / m * np.eye(m)
    s, v = eigh(norm * dtd, big)
    av = a @ v  # (n, m)
    vb = v.T @ atb
    h_diag = np.einsum("ij,ij->j", av, av)  # diag(V^T A^T A V)
    dv = d @ v
    scores, res_norm, seminorm = [], [], []
    for lam in grid:
        g = 1.0 / (1.0 + lam * s)
        r = b - av @ (g * vb)
        rr = float(r @ r)
        scores.append(n * rr / max(n - float(np.sum(g * h_diag)), 1e-12) ** 2)
        res_norm.append(rr)
        seminorm.append(float(np.sum((dv @ (g * vb)) ** 2)))
    scores_a = np.array(scores)
    if method == "gcv":
        return float(grid[int(np.argmin(scores_a))])
    # L-curve: corner of maximal curvature of (log ||r||, log ||D x||)
    xs = 0.5 * np.log(np.maximum(res_norm, 1e-300))
    ys = 0.5 * np.log(np.maximum(seminorm, 1e-300))
    t = np.log(grid)
    dx, dy = np.gradient(xs, t), np.gradient(ys, t)
    ddx, ddy = np.gradient(dx, t), np.gradient(dy, t)
    curv = (dx * ddy - ddx * dy) / np.maximum((dx**2 + dy**2) ** 1.5, 1e-300)
    curv[[0, -1]] = -np.inf
    return float(grid[int(np.argmax(curv))])


def _zarc_fit(
    f: np.ndarray,
    z: np.ndarray,
    arcs: list[tuple[float, float, float]],
    series: tuple[float, float],
    inductance: bool,
    weighting: str,
    max_nfev: int | None = None,
) -> Circuit | None:
    """``L0-R0-Zarc1-...`` fitted from the given (R, tau, phi) per arc and (L, R_inf)."""
    head = ["L0", "R0"] if inductance else ["R0"]
    text = "-".join(head + [f"Zarc{k + 1}" for k in range(len(arcs))])
    guess = [max(series[0], 1e-12), max(series[1], 1e-6)] if inductance else [max(series[1], 1e-6)]
    for r, tau, phi in arcs:
        guess += [max(r, 1e-9), tau, min(max(phi, 0.3), 1.0)]
    circuit = Circuit(
        text, guess, n_starts=1, weighting=weighting, kk_check=False, max_nfev=max_nfev
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            circuit.fit(f, z, name="drt refinement")
    except (CalculationFailed, InputError):
        return None
    return circuit


def _refine(
    f: np.ndarray,
    z: np.ndarray,
    peaks: tuple[DRTPeak, ...],
    r_inf: float,
    inductance_h: float,
    inductance: bool,
    weighting: str,
) -> tuple[DRTPeak, ...]:
    """Time constants and resistances of the peaks from a ZARC fit seeded by the DRT.

    Forward selection: one ZARC at the largest peak, then each further peak (largest first)
    is kept when its ZARC lowers the Bayesian information criterion (Schwarz 1978) of the
    fit and every ZARC's resistance stays more than two standard errors from zero (two ZARCs
    at the time constant of one arc can trade resistance freely: the data do not resolve
    them). The peaks that fail (or whose fit does not converge within 25 evaluations per
    parameter) are regularisation ripples or noise, and are dropped.
    """
    cite.register("Schwarz1978")
    order = sorted(range(len(peaks)), key=lambda k: -(peaks[k].r_drt_ohm or 0.0))
    seeds = {k: (peaks[k].r_drt_ohm or 0.0, peaks[k].tau_drt_s or 1.0, 0.8) for k in order}
    series = (max(inductance_h, 1e-12), r_inf)
    fit = _zarc_fit(f, z, [seeds[order[0]]], series, inductance, weighting)
    if fit is None:
        return peaks

    def arcs_of(c: Circuit) -> list[tuple[float, float, float]]:
        v = c.parameters_
        n = sum(1 for name in v if name.endswith("_gamma"))
        return [
            (v[f"Zarc{k + 1}_R"], v[f"Zarc{k + 1}_tau"], v[f"Zarc{k + 1}_gamma"]) for k in range(n)
        ]

    for k in order[1:]:
        v = fit.parameters_
        arcs = [*arcs_of(fit), seeds[k]]
        # a ZARC the data support settles within a few dozen evaluations from these seeds;
        # one that wanders (R to zero, tau off the measured range) is cut short and rejected
        budget = 25 * (3 * len(arcs) + 2)
        trial = _zarc_fit(
            f, z, arcs, (v.get("L0", 0.0), v["R0"]), inductance, weighting, max_nfev=budget
        )
        if trial is not None and bic(trial) < bic(fit) and _resolved(trial):
            fit = trial
    # the ZARCs may trade places during the fits: report each with the DRT peak nearest to it
    drt_ln = np.log([p.tau_drt_s or 1.0 for p in peaks])  # candidates all have a DRT tau
    out = []
    for k, (r, tau, phi) in enumerate(arcs_of(fit)):
        j = int(np.argmin(np.abs(drt_ln - np.log(tau))))
        near = peaks[j] if abs(drt_ln[j] - np.log(tau)) <= np.log(10.0) else None
        out.append(
            DRTPeak(
                float(tau),
                float(r),
                near.tau_drt_s if near else None,  # None: far from every maximum of gamma
                near.r_drt_ohm if near else None,
                True,
                float(phi),
                fit.parameter(f"Zarc{k + 1}_tau").stderr,
                fit.parameter(f"Zarc{k + 1}_R").stderr,
            )
        )
    return tuple(sorted(out, key=lambda q: q.tau_s))


def _resolved(fit: Circuit) -> bool:
    """Every ZARC resistance of the fit is more than two standard errors from zero."""
    return all(
        np.isfinite(p.stderr) and p.value > 2 * p.stderr
        for p in fit.params_
        if p.name.startswith("Zarc") and p.name.endswith("_R")
    )


def _peaks(ln_tau: np.ndarray, gamma: np.ndarray, fraction: float) -> tuple[DRTPeak, ...]:
    top = gamma.max() if gamma.size else 0.0
    if top <= 0:
        return ()
    idx = [
        i
        for i in range(1, gamma.size - 1)
        if gamma[i] >= gamma[i - 1] and gamma[i] > gamma[i + 1] and gamma[i] > 1e-3 * top
    ]
    # boundaries: the minima between neighbouring peaks (the grid ends outside)
    bounds = [0]
    for a, b in itertools.pairwise(idx):
        bounds.append(a + int(np.argmin(gamma[a : b + 1])))
    bounds.append(gamma.size - 1)
    out = []
    for k, i in enumerate(idx):
        sl = slice(bounds[k], bounds[k + 1] + 1)
        r = float(np.trapezoid(gamma[sl], ln_tau[sl]))
        # the time constant is the gamma-weighted mean of ln tau over the top half of the peak
        # (within its bounds): steadier than the vertex on a noisy top, and exact for a
        # distribution symmetric in ln tau
        a, b = i, i
        while a > bounds[k] and gamma[a - 1] >= 0.5 * gamma[i]:
            a -= 1
        while b < bounds[k + 1] and gamma[b + 1] >= 0.5 * gamma[i]:
            b += 1
        g, u = gamma[a : b + 1], ln_tau[a : b + 1]
        ln_peak = float(np.sum(g * u) / np.sum(g))
        tau = float(np.exp(ln_peak))
        out.append(DRTPeak(tau, r, tau, r))
    total = float(np.trapezoid(gamma, ln_tau))
    return tuple(p for p in out if p.r_ohm >= fraction * total)
