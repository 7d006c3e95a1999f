"""Equivalent-circuit fitting: ``Circuit("R0-p(R1,CPE1)").fit(f, Z)``, the impedance.py shape.

Positive parameters are fitted as their logarithms, exponents (CPE alpha, ZARC gamma) within
[0, 1], by :func:`scipy.optimize.least_squares` (trust-region reflective, bounds) on vectorised
residuals with the analytic Jacobian of :mod:`lithiophile.echem.impedance.elements`. Starting
points come from the spectrum (:mod:`lithiophile.echem.impedance.guess`) and from a seeded,
deterministic multi-start around them; the best converged start wins. Standard errors come from
the Jacobian at the optimum (covariance s^2 (J^T J)^-1 with s^2 the residual variance);
confidence intervals are Student-t intervals on the fitted (log) parameter, so they stay
positive.

Residuals are weighted by |Z| by default ("modulus" weighting, impedance.py's
``weight_by_modulus=True``), which suits noise proportional to |Z|; ``weighting="unit"``
fits absolute residuals. The chi-square reported is the weighted sum of squared residuals
(Boukamp's pseudo chi-square for modulus weighting).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from lithiophile import cite
from lithiophile.echem.impedance.constraints import Bounds, Constraints
from lithiophile.echem.impedance.elements import ELEMENTS
from lithiophile.echem.impedance.guess import Features, features, initial_guess
from lithiophile.echem.impedance.linkk import DEFAULT_THRESHOLD, LinKKResult, lin_kk, voigt_floor
from lithiophile.echem.impedance.lsq import LeastSquaresProblem, covariance, t_quantile
from lithiophile.echem.impedance.parser import Node, compile_model, parse
from lithiophile.echem.impedance.threads import single_blas_thread
from lithiophile.echem.impedance.validate import (
    KramersKronigWarning,
    Spectrum,
    check_spectrum,
)
from lithiophile.errors import CalculationFailed, InputError, NotFittedError

__all__ = ["Circuit", "FitReport", "Parameter"]

cite.define(
    cite.Citation(
        "Murbach2020",
        "Murbach, M. D.; Gerwe, B.; Dawson-Elli, N.; Tsui, L. impedance.py: A Python package "
        "for electrochemical impedance analysis. J. Open Source Softw. 2020, 5, 2349.",
        doi="10.21105/joss.02349",
    ),
    cite.Citation(
        "Boukamp1995",
        "Boukamp, B. A. A Linear Kronig-Kramers Transform Test for Immittance Data Validation. "
        "J. Electrochem. Soc. 1995, 142, 1885-1894.",
        doi="10.1149/1.2044210",
    ),
)

_LOG_LO, _LOG_HI = np.log(1e-20), np.log(1e20)
#: a fit whose reduced chi-square is within this factor of the Voigt noise floor
#: (:func:`~lithiophile.echem.impedance.linkk.voigt_floor`) ends the multi-start
FLOOR_FACTOR = 1.25
_WEIGHTINGS = ("modulus", "unit")
#: lowest value a confidence interval of an exponent (CPE alpha, ZARC gamma) is clipped to:
#: exponents live in (0, 1]
EXPONENT_FLOOR = 1e-6


@dataclass(frozen=True)
class Parameter:
    """A fitted parameter: value, standard error and confidence interval (SI units)."""

    name: str
    value: float
    stderr: float
    ci_low: float = field(metadata={"payload": False})
    ci_high: float = field(metadata={"payload": False})
    unit: str
    fixed: bool = False

    #: shown by :func:`lithiophile.store.to_payload` in place of ``ci_low`` and ``ci_high``
    PAYLOAD_EXTRA = ("ci",)

    @property
    def ci(self) -> tuple[float, float]:
        """The confidence interval, (low, high)."""
        return self.ci_low, self.ci_high


@dataclass(frozen=True)
class FitReport:
    """What a fitted :class:`Circuit` reports (its JSON form, :meth:`Circuit.report`)."""

    circuit: str
    parameters: tuple[Parameter, ...]
    chi_square: float
    reduced_chi_square: float
    weighting: str
    confidence: float
    points: int
    dof: int
    fixed: dict[str, float]
    bounds: dict[str, tuple[float | None, float | None]]
    lin_kk: LinKKResult | None
    notes: tuple[str, ...]


class Circuit:
    """An equivalent circuit in impedance.py notation, fitted with automatic initial guesses.

    Parameters
    ----------
    circuit
        E.g. ``"R0-p(R1,CPE1)-W1"``: ``-`` joins in series, ``p(A,B)`` in parallel; elements
        R, C, L, CPE, W, Wo, Ws, K, Zarc (see :data:`~lithiophile.echem.impedance.ELEMENTS`).
    initial_guess
        Starting values (SI, in :attr:`param_names` order); None reads them from the spectrum.
    n_starts
        Most starting points tried (the guess plus seeded perturbations of it). The search
        stops early once a start reaches the noise floor of the data (a reduced chi-square
        within 25 % of that of a Kramers-Kronig-compliant Voigt model of the spectrum) or two
        starts agree on the best chi-square.
    seed
        Seed of the multi-start: the same seed gives the same fit.
    weighting
        ``"modulus"`` (residuals / |Z|, the default) or ``"unit"``.
    confidence
        Level of the confidence intervals (0.95).
    kk_check
        Run Lin-KK before fitting and warn (:class:`KramersKronigWarning`) when it fails.
    kk_threshold
        rms relative Lin-KK residual above which the spectrum fails.
    max_nfev
        Most residual evaluations per start (default 200 per parameter); a start that needs
        more has not converged.
    fixed
        Parameters held at a value (SI), e.g. ``{"R0": 10.0}`` (impedance.py's
        ``constants``); they have zero standard error and do not count as fitted.
    bounds
        Limits of parameters (SI), e.g. ``{"R1": (1.0, 100.0)}``; None for an open end.

    Examples
    --------
    >>> import numpy as np
    >>> f = np.geomspace(1e5, 1e-1, 50)
    >>> z = 10 + 100 / (1 + 1j * 2 * np.pi * f * 100 * 1e-5)
    >>> c = Circuit("R0-p(R1,C1)").fit(f, z)
    >>> round(c.parameters_["R1"], 6)
    100.0
    """

    def __init__(
        self,
        circuit: str,
        initial_guess: list[float] | np.ndarray | None = None,
        *,
        n_starts: int = 8,
        seed: int = 0,
        weighting: str = "modulus",
        confidence: float = 0.95,
        kk_check: bool = True,
        kk_threshold: float = DEFAULT_THRESHOLD,
        max_nfev: int | None = None,
        fixed: Mapping[str, float] | None = None,
        bounds: Bounds | None = None,
    ) -> None:
        self.circuit = circuit
        self.tree: Node = parse(circuit)
        self._eval = compile_model(self.tree)
        self.elements = self.tree.elements()
        self.param_names = [n for e in self.elements for n in e.param_names]
        self._positive = np.array([p for e in self.elements for p in e.kind.positive])
        self.param_units = [u for e in self.elements for u in e.kind.units]
        self.constraints = Constraints(circuit, self.param_names, self._positive, fixed, bounds)
        if weighting not in _WEIGHTINGS:
            raise InputError(
                f"Circuit 'weighting' must be one of {list(_WEIGHTINGS)}. Got {weighting!r}."
            )
        if not (isinstance(n_starts, int) and n_starts >= 1):
            raise InputError(f"Circuit 'n_starts' must be a positive integer. Got {n_starts!r}.")
        if not 0 < confidence < 1:
            raise InputError(
                f"Circuit 'confidence' must lie between 0 and 1, e.g. 0.95. Got {confidence!r}."
            )
        if initial_guess is not None:
            guess = np.asarray(initial_guess, dtype=float).ravel()
            if guess.size != len(self.param_names):
                raise InputError(
                    f"Circuit {circuit!r} has {len(self.param_names)} parameters "
                    f"{self.param_names}; 'initial_guess' has {guess.size} values."
                )
            bad = ~np.isfinite(guess) | (self._positive & (guess <= 0))
            bad |= ~self._positive & ((guess < 0) | (guess > 1))
            if bad.any():
                names = [n for n, b in zip(self.param_names, bad, strict=False) if b]
                raise InputError(
                    f"Circuit 'initial_guess' must be positive (exponents within [0, 1]); "
                    f"invalid for {names}."
                )
            initial_guess = guess
        self.initial_guess = initial_guess
        self.n_starts = n_starts
        self.seed = seed
        self.weighting = weighting
        self.confidence = confidence
        self.kk_check = kk_check
        self.kk_threshold = kk_threshold
        self.max_nfev = max_nfev
        self._fitted = False

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state.pop("_eval", None)  # a closure: rebuilt from the tree after unpickling
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._eval = compile_model(self.tree)

    @property
    def fixed(self) -> dict[str, float]:
        """Parameters held at a value (SI)."""
        return dict(self.constraints.fixed)

    @property
    def bounds(self) -> dict[str, tuple[float | None, float | None]]:
        """User bounds of parameters (SI)."""
        return dict(self.constraints.bounds)

    def __repr__(self) -> str:
        state = f"chi2={self.chi_square_:.3g}" if self._fitted else "not fitted"
        return f"Circuit({self.circuit!r}, {state})"

    # -- model ---------------------------------------------------------------------------
    def _to_internal(self, x: np.ndarray) -> np.ndarray:
        return np.where(self._positive, np.log(np.maximum(x, 1e-300)), x)

    def _to_params(self, theta: np.ndarray) -> np.ndarray:
        return np.where(self._positive, np.exp(np.clip(theta, _LOG_LO, _LOG_HI)), theta)

    def _model(self, w: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self._eval(w, x)

    # -- fit -----------------------------------------------------------------------------
    def fit(self, f: object, z: object, *, name: str = "spectrum") -> Circuit:
        """Fit the circuit to frequencies ``f`` [Hz] and complex impedance ``z`` [ohm].

        High-frequency points with Im Z > 0 (cable inductance) are left out when the circuit
        has no inductor, as impedance.py's ``ignoreBelowX`` does (said in :attr:`notes_`).

        Returns
        -------
        self

        Raises
        ------
        InputError
            The spectrum is unusable (too few points, NaN, non-monotonic frequencies ...).
        CalculationFailed
            No start converged; the message gives the best attempt's chi-square.
        """
        with single_blas_thread():  # small dense problems: one BLAS thread is fastest
            return self._fit(f, z, name)

    def _fit(self, f: object, z: object, name: str) -> Circuit:
        cite.register("Murbach2020")
        notes: list[str] = []
        spec = self._usable(check_spectrum(f, z, name=name), name, notes)
        self.kk_ = self._kk(spec, name)
        w, zd = spec.w, spec.z
        wt = 1.0 / np.abs(zd) if self.weighting == "modulus" else np.ones(w.size)
        free = self.constraints.free
        lo, hi = self.constraints.internal_limits(
            np.where(self._positive, _LOG_LO, 0.0), np.where(self._positive, _LOG_HI, 1.0)
        )
        feat = features(spec.f, spec.z)
        starts = self._starts(feat, lo, hi)
        self.guess_ = self._to_params(starts[0])
        problem = LeastSquaresProblem(self, w, zd, wt, starts[0])
        # a start whose reduced chi-square comes within FLOOR_FACTOR of a KK-compliant Voigt
        # model's has nothing left to gain from further starts
        floor = voigt_floor(w, zd, wt) * FLOOR_FACTOR if len(starts) > 1 else np.inf
        dof = max(2 * w.size - int(free.sum()), 1)
        starts_free = [theta0[free] for theta0 in starts]
        limits = (lo[free], hi[free])
        sol, chi2 = self._multistart(
            problem.residuals, problem.jacobian, starts_free, limits, floor * dof, name
        )
        theta = problem.expand(sol.x)
        self._finish(theta, int(sol.nfev), chi2, spec, wt, problem.jacobian_full, notes, feat)
        return self

    def _usable(self, spec: Spectrum, name: str, notes: list[str]) -> Spectrum:
        """The spectrum to fit: inductive high frequencies left out (said in ``notes``) when
        the circuit has no inductor; InputError when too few points remain."""
        has_l = any(e.kind.name in ("L",) for e in self.elements)
        if spec.n_inductive_hf and not has_l:
            k = spec.n_inductive_hf
            notes.append(
                f"left out the {k} highest frequencies (Im Z > 0, inductance); add L0 in "
                "series to fit them"
            )
            spec = Spectrum(spec.f[k:], spec.z[k:], 0)
        n_p = int(self.constraints.free.sum())
        if 2 * spec.f.size <= n_p:
            raise InputError(
                f"{name}: too few points ({spec.f.size} frequencies, {2 * spec.f.size} values) "
                f"for the {n_p} parameters of {self.circuit!r}; measure more frequencies or "
                "fit a smaller circuit."
            )
        return spec

    def _kk(self, spec: Spectrum, name: str) -> LinKKResult | None:
        """The Lin-KK test of the spectrum (None without ``kk_check``); warns when it fails."""
        if not self.kk_check:
            return None
        kk = lin_kk(spec.f, spec.z, threshold=self.kk_threshold)
        if not kk.passed:
            warnings.warn(
                f"{name} fails the Lin-KK test (rms residual {kk.rms:.2%} > "
                f"{self.kk_threshold:.2%}, Schönleber et al. 2014, and above the "
                f"{kk.noise_text} the test estimates): the cell drifted or responded "
                "non-linearly during the measurement; fitted values are suspect.",
                KramersKronigWarning,
                stacklevel=4,
            )
        return kk

    def _multistart(
        self,
        residuals: Any,
        jacobian: Any,
        starts: list[np.ndarray],
        limits: tuple[np.ndarray, np.ndarray],
        chi2_floor: float,
        name: str,
    ) -> tuple[Any, float]:
        """The best converged least-squares solution over the starts; stops early when a
        second start confirms the best minimum or one reaches ``chi2_floor``."""
        from scipy.optimize import least_squares

        best = None
        best_any = np.inf
        for theta0 in starts:
            try:
                with np.errstate(all="ignore"):
                    sol = least_squares(
                        residuals,
                        theta0,
                        jac=jacobian,
                        bounds=limits,
                        method="trf",
                        x_scale="jac",
                        max_nfev=self.max_nfev or 200 * theta0.size,
                    )
            except (ValueError, FloatingPointError, np.linalg.LinAlgError):
                continue
            chi2 = float(np.sum(sol.fun**2))
            if not np.isfinite(chi2):
                continue
            best_any = min(best_any, chi2)
            if sol.status <= 0:
                continue
            if best is not None and abs(chi2 - best[1]) <= 1e-6 * max(best[1], 1e-300):
                break  # a second start confirms the best minimum
            if best is None or chi2 < best[1]:
                best = (sol, chi2)
            if chi2 <= chi2_floor:
                break  # at the noise floor of the data
        if best is None:
            shown = f"{best_any:.4g}" if np.isfinite(best_any) else "none finite"
            raise CalculationFailed(
                f"the fit of {self.circuit!r} to {name} did not converge from any of "
                f"{len(starts)} starts (best attempt's chi-square {shown}); give an "
                "initial_guess, a circuit that matches the spectrum, or more n_starts."
            )
        return best

    def _starts(self, feat: Features, lo: np.ndarray, hi: np.ndarray) -> list[np.ndarray]:
        base = (
            self.initial_guess if self.initial_guess is not None else initial_guess(self.tree, feat)
        )
        theta = self.constraints.apply_fixed(self._to_internal(np.asarray(base, dtype=float)))
        theta = np.where(self.constraints.free, np.clip(theta, lo, hi), theta)
        rng = np.random.default_rng(self.seed)
        starts = [theta]
        for _ in range(self.n_starts - 1):
            jitter = np.where(
                self._positive,
                theta + rng.normal(0.0, np.log(10.0), theta.size),
                rng.uniform(0.5, 1.0, theta.size),
            )
            jitter = np.where(self.constraints.free, np.clip(jitter, lo, hi), theta)
            starts.append(jitter)
        return starts

    def _finish(
        self,
        theta: np.ndarray,
        nfev: int,
        chi2: float,
        spec: Spectrum,
        wt: np.ndarray,
        jacobian: Any,
        notes: list[str],
        feat: Features,
    ) -> None:
        x = self._to_params(theta)
        free = self.constraints.free
        for name, value in self.constraints.fixed.items():
            x[self.param_names.index(name)] = value  # exactly, not exp(log(value))
        n_obs = 2 * spec.f.size
        dof = max(n_obs - int(free.sum()), 1)
        jac = jacobian(theta)[:, free]
        var_f, cov_f, undet_f = covariance(jac, chi2 / dof)
        n = x.size
        var_theta, undetermined = np.zeros(n), np.zeros(n, dtype=bool)
        var_theta[free], undetermined[free] = var_f, undet_f
        cov_theta = np.zeros((n, n))
        cov_theta[np.ix_(free, free)] = cov_f
        scale = np.where(self._positive, x, 1.0)
        self.covariance_ = cov_theta * scale[:, None] * scale[None, :]
        sd_theta = np.sqrt(var_theta)
        t = t_quantile(0.5 + self.confidence / 2, dof)
        pos = self._positive
        with np.errstate(over="ignore", invalid="ignore"):
            stderr = np.where(pos, x * sd_theta, sd_theta)
            stderr = np.where(np.isfinite(sd_theta), stderr, np.inf)
            lo_ci = np.where(pos, np.exp(theta - t * sd_theta), theta - t * sd_theta)
            hi_ci = np.where(pos, np.exp(theta + t * sd_theta), theta + t * sd_theta)
        lo_ci, hi_ci = self._clip_exponent_intervals(lo_ci, hi_ci, notes)
        lo_ci, hi_ci = np.where(free, lo_ci, x), np.where(free, hi_ci, x)
        self._add_notes(x, undetermined, notes)
        self.params_ = [
            Parameter(n, float(v), float(e), float(a), float(b), unit, not f)
            for n, v, e, a, b, unit, f in zip(
                self.param_names, x, stderr, lo_ci, hi_ci, self.param_units, free, strict=False
            )
        ]
        self.parameters_ = {p.name: p.value for p in self.params_}
        self.frequencies_ = spec.f
        self.data_ = spec.z
        zfit, _ = self._model(spec.w, x)
        self.residuals_ = (spec.z - zfit) * wt  # weighted; relative for modulus weighting
        self.chi_square_ = chi2
        self.reduced_chi_square_ = chi2 / dof
        self.dof_ = dof
        self.nfev_ = nfev
        self.notes_ = tuple(notes)
        self.features_ = feat
        self._fitted = True

    def _clip_exponent_intervals(
        self, lo_ci: np.ndarray, hi_ci: np.ndarray, notes: list[str]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Exponents live in (0, 1]: their Student-t intervals are clipped to it, and said."""
        exp = ~self._positive
        low_new = np.where(exp, np.clip(lo_ci, EXPONENT_FLOOR, 1.0), lo_ci)
        high_new = np.where(exp, np.clip(hi_ci, EXPONENT_FLOOR, 1.0), hi_ci)
        clipped = [
            f"{n} [{a:.4g}, {b:.4g}]"
            for n, a, b, a2, b2, e in zip(
                self.param_names, lo_ci, hi_ci, low_new, high_new, exp, strict=False
            )
            if e and (a != a2 or b != b2) and np.isfinite(a) and np.isfinite(b)
        ]
        if clipped:
            notes.append(
                "confidence intervals of exponents clipped to (0, 1], where exponents live; "
                "unclipped: " + ", ".join(clipped)
            )
        return low_new, high_new

    def _add_notes(self, x: np.ndarray, undetermined: np.ndarray, notes: list[str]) -> None:
        if undetermined.any():
            bad = [n for n, u in zip(self.param_names, undetermined, strict=False) if u]
            notes.append(
                f"parameters {bad} are not determined by the data (infinite error): the circuit "
                "has more elements than the spectrum shows"
            )
        free = self.constraints.free
        at_bound = [
            n
            for n, v, p, f in zip(self.param_names, x, self._positive, free, strict=False)
            if f and not p and (v <= 1e-9 or v >= 1 - 1e-9)
        ]
        if at_bound:
            notes.append(f"exponents {at_bound} sit at their bound (0 or 1)")
        if self.constraints.fixed:
            held = ", ".join(f"{k} = {v:g}" for k, v in self.constraints.fixed.items())
            notes.append(f"held fixed, not fitted (zero standard error): {held}")
        user = self.constraints.at_bound(x)
        if user:
            notes.append(f"ended on a bound given by the user: {', '.join(user)}")

    # -- use -----------------------------------------------------------------------------
    def _check_fitted(self) -> None:
        if not self._fitted:
            raise NotFittedError(
                f"Circuit({self.circuit!r}) is not fitted yet; call .fit(f, Z) first."
            )

    def predict(self, f: object) -> np.ndarray:
        """Impedance of the fitted circuit at frequencies ``f`` [Hz] (complex, [ohm])."""
        self._check_fitted()
        f_arr = np.asarray(f, dtype=float).ravel()
        if f_arr.size == 0 or not np.isfinite(f_arr).all() or (f_arr <= 0).any():
            raise InputError("predict: frequencies must be positive finite numbers [Hz].")
        x = np.array([p.value for p in self.params_])
        z, _ = self._model(2 * np.pi * f_arr, x)
        return z

    def parameter(self, name: str) -> Parameter:
        """One fitted parameter by name (e.g. ``"R1"`` or ``"CPE1_alpha"``)."""
        self._check_fitted()
        for p in self.params_:
            if p.name == name:
                return p
        raise InputError(
            f"circuit {self.circuit!r} has no parameter {name!r}; it has {self.param_names}."
        )

    def report(self) -> FitReport:
        """What the fit reports: parameters, chi-square, constraints, Lin-KK, notes."""
        self._check_fitted()
        return FitReport(
            self.circuit,
            tuple(self.params_),
            self.chi_square_,
            self.reduced_chi_square_,
            self.weighting,
            self.confidence,
            int(self.frequencies_.size),
            self.dof_,
            self.fixed,
            self.bounds,
            self.kk_,
            tuple(self.notes_),
        )

    def model_dump(self, mode: str = "json") -> dict[str, Any]:
        """The fit's :meth:`report` as JSON-safe data. :func:`lithiophile.store.to_payload`
        serialises objects through this method (pydantic's name for it), so a result that
        holds a fitted circuit shows its report."""
        from lithiophile.store import to_payload

        out: dict[str, Any] = to_payload(self.report())
        return out

    def save(self, path: str | Path) -> Path:
        """Write the fitted model as JSON (:mod:`~lithiophile.echem.impedance.model_io`)."""
        from lithiophile.echem.impedance.model_io import write_model

        return write_model(self, path)

    @classmethod
    def load(cls, path: str | Path) -> Circuit:
        """A fitted model saved by :meth:`save`: predicts, prints and reports as it did."""
        from lithiophile.echem.impedance.model_io import read_model

        return read_model(path)


def element_kinds() -> list[str]:
    """Names of the element kinds circuits may use."""
    return sorted(ELEMENTS)
