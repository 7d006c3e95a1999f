"""The least-squares problem of a circuit fit (:class:`~lithiophile.echem.impedance.Circuit`):
weighted residuals and their Jacobian in the internal parameters (logarithms of the positive
ones, exponents as they are), evaluated once per point, and the covariance of the optimum,
s^2 (J^T J)^-1 by SVD, with the parameters the data leave undetermined.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from lithiophile.echem.impedance.circuit import Circuit

__all__ = ["LeastSquaresProblem", "covariance", "t_quantile"]


@functools.lru_cache(maxsize=256)
def t_quantile(p: float, dof: int) -> float:
    from scipy import stats

    return float(stats.t.ppf(p, dof))


def covariance(jac: np.ndarray, s2: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Variances and covariance of the fitted (internal) parameters, s2 (J^T J)^-1 by SVD,
    with s2 = chi2 / dof the residual variance; and which parameters the data leave
    undetermined (infinite variance)."""
    _, s, vt = np.linalg.svd(jac, full_matrices=False)
    tol = s.max() * max(jac.shape) * np.finfo(float).eps if s.size else 0.0
    keep = s > max(tol, 1e-10 * s.max()) if s.size else s > 0
    inv = np.zeros_like(s)
    inv[keep] = 1.0 / s[keep] ** 2
    var_theta = np.sum(vt.T**2 * inv[None, :], axis=1) * s2
    # a parameter the residuals do not depend on (e.g. a Warburg driven to zero) has no
    # finite error
    col = np.linalg.norm(jac, axis=0)
    undetermined = col <= 1e-8 * max(col.max(), 1e-300)
    undetermined |= np.abs(vt[~keep]).max(axis=0) > 0.5 if (~keep).any() else False
    var_theta = np.where(undetermined, np.inf, var_theta)
    cov_theta = (vt.T * inv[None, :]) @ vt * s2
    return var_theta, cov_theta, undetermined


class LeastSquaresProblem:
    """The least-squares problem of one fit: weighted residuals and Jacobian of the free
    (internal) parameters, the fixed ones held at their values in ``theta0``.

    least_squares asks for the residuals and then the Jacobian at the same point: the model
    is evaluated once per point.
    """

    def __init__(
        self, circuit: Circuit, w: np.ndarray, z: np.ndarray, wt: np.ndarray, theta0: np.ndarray
    ) -> None:
        self.circuit = circuit
        self.w, self.wt = w, wt
        self.target = np.concatenate([z.real * wt, z.imag * wt])
        self.free = circuit.constraints.free
        self.full0 = theta0.copy()  # the fixed parameters' values live here
        self._last: list[Any] = [None, None, None, None]  # theta, Z, dZ, x

    def model_at(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Z, dZ/dx and x at internal parameters ``theta``."""
        last = self._last
        if last[0] is None or not np.array_equal(last[0], theta):
            x = self.circuit._to_params(theta)
            zm, dz = self.circuit._model(self.w, x)
            last[:] = [theta.copy(), zm, dz, x]
        return last[1], last[2], last[3]

    def expand(self, theta_free: np.ndarray) -> np.ndarray:
        full = self.full0.copy()
        full[self.free] = theta_free
        return full

    def residuals(self, theta_free: np.ndarray) -> np.ndarray:
        zm, _, _ = self.model_at(self.expand(theta_free))
        return np.concatenate([zm.real * self.wt, zm.imag * self.wt]) - self.target

    def jacobian_full(self, theta: np.ndarray) -> np.ndarray:
        _, dz, x = self.model_at(theta)
        # d/d(ln x) = x d/dx for the positive parameters, then the weights
        dz = dz * (np.where(self.circuit._positive, x, 1.0)[None, :] * self.wt[:, None])
        return np.vstack([dz.real, dz.imag])

    def jacobian(self, theta_free: np.ndarray) -> np.ndarray:
        return self.jacobian_full(self.expand(theta_free))[:, self.free]
