"""Circuit elements: impedance and its analytic derivatives, in impedance.py's notation.

Every element maps angular frequency ``w`` [rad s-1] and its parameters to ``Z`` [ohm] and to
``dZ/dp`` for each parameter. Parameters are SI: R [ohm], C [F], L [H], CPE Q [ohm-1 s^a] and
alpha [1], Warburg A_W [ohm s^-1/2], Wo/Ws Z0 [ohm] and tau [s], K/Zarc R [ohm] and tau [s].

The formulas are those of impedance.py's ``models/circuits/elements.py`` (Murbach et al.
2020), so that a circuit string means the same thing in both packages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = ["ELEMENTS", "ElementKind"]

Array = np.ndarray
Evaluator = Callable[[Array, tuple[float, ...]], tuple[Array, list[Array]]]


@dataclass(frozen=True)
class ElementKind:
    """One kind of element: its parameters (name, unit, positive or fraction) and formulas."""

    name: str
    params: tuple[str, ...]
    units: tuple[str, ...]
    #: per parameter: True for a positive quantity (fitted as its logarithm), False for an
    #: exponent in [0, 1] (fitted as is)
    positive: tuple[bool, ...]
    evaluate: Evaluator
    description: str


def _r(w: Array, p: tuple[float, ...]) -> tuple[Array, list[Array]]:
    (r,) = p
    z = np.full(w.shape, r, dtype=complex)
    return z, [np.ones(w.shape, dtype=complex)]


def _c(w: Array, p: tuple[float, ...]) -> tuple[Array, list[Array]]:
    (c,) = p
    z = 1.0 / (1j * w * c)
    return z, [-z / c]


def _l(w: Array, p: tuple[float, ...]) -> tuple[Array, list[Array]]:
    (ind,) = p
    jw = 1j * w
    return jw * ind, [jw.astype(complex)]


def _cpe(w: Array, p: tuple[float, ...]) -> tuple[Array, list[Array]]:
    q, a = p
    log_jw = np.log(w) + 0.5j * np.pi
    z = np.exp(-a * log_jw) / q
    return z, [-z / q, -z * log_jw]


def _w(w: Array, p: tuple[float, ...]) -> tuple[Array, list[Array]]:
    (aw,) = p
    unit = (1 - 1j) / np.sqrt(w)
    return aw * unit, [unit]


def _sqrt_jwt(w: Array, tau: float) -> tuple[Array, Array]:
    s = np.sqrt(1j * w * tau)
    return s, np.exp(-2.0 * s)  # Re(s) > 0: e^{-2s} never overflows


def _wo(w: Array, p: tuple[float, ...]) -> tuple[Array, list[Array]]:
    z0, tau = p
    s, e = _sqrt_jwt(w, tau)
    coth = (1 + e) / (1 - e)
    csch2 = 4 * e / (1 - e) ** 2
    z = z0 * coth / s
    dtau = z0 * (-s * csch2 - coth) / (2 * tau * s)
    return z, [z / z0, dtau]


def _ws(w: Array, p: tuple[float, ...]) -> tuple[Array, list[Array]]:
    z0, tau = p
    s, e = _sqrt_jwt(w, tau)
    tanh = (1 - e) / (1 + e)
    sech2 = 4 * e / (1 + e) ** 2
    z = z0 * tanh / s
    dtau = z0 * (s * sech2 - tanh) / (2 * tau * s)
    return z, [z / z0, dtau]


def _k(w: Array, p: tuple[float, ...]) -> tuple[Array, list[Array]]:
    r, tau = p
    d = 1 + 1j * w * tau
    return r / d, [1 / d, -r * 1j * w / d**2]


def _zarc(w: Array, p: tuple[float, ...]) -> tuple[Array, list[Array]]:
    r, tau, g = p
    log_jwt = np.log(w * tau) + 0.5j * np.pi
    u = np.exp(g * log_jwt)
    d = 1 + u
    return r / d, [1 / d, -r * g * u / (tau * d**2), -r * u * log_jwt / d**2]


ELEMENTS: dict[str, ElementKind] = {
    k.name: k
    for k in [
        ElementKind("R", ("R",), ("ohm",), (True,), _r, "resistor"),
        ElementKind("C", ("C",), ("F",), (True,), _c, "capacitor"),
        ElementKind("L", ("L",), ("H",), (True,), _l, "inductor"),
        ElementKind(
            "CPE",
            ("Q", "alpha"),
            ("ohm^-1 s^alpha", ""),
            (True, False),
            _cpe,
            "constant-phase element 1/(Q (jw)^alpha)",
        ),
        ElementKind(
            "W", ("A_W",), ("ohm s^-1/2",), (True,), _w, "semi-infinite Warburg A_W (1-j)/sqrt(w)"
        ),
        ElementKind(
            "Wo",
            ("Z0", "tau"),
            ("ohm", "s"),
            (True, True),
            _wo,
            "finite-space (open, reflective) Warburg Z0 coth(sqrt(jw tau))/sqrt(jw tau)",
        ),
        ElementKind(
            "Ws",
            ("Z0", "tau"),
            ("ohm", "s"),
            (True, True),
            _ws,
            "finite-length (short, transmissive) Warburg Z0 tanh(sqrt(jw tau))/sqrt(jw tau)",
        ),
        ElementKind("K", ("R", "tau"), ("ohm", "s"), (True, True), _k, "RC element R/(1+jw tau)"),
        ElementKind(
            "Zarc",
            ("R", "tau", "gamma"),
            ("ohm", "s", ""),
            (True, True, False),
            _zarc,
            "ZARC R/(1+(jw tau)^gamma)",
        ),
    ]
}
