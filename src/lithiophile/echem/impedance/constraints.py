"""Fixed parameters and bounds of a circuit fit, checked against the circuit.

``fixed`` maps a parameter name to the value it keeps (SI units, as :attr:`Circuit.param_names`
spells it: ``{"R0": 10.0}``); ``bounds`` maps a name to ``(low, high)``, either end None for
no limit (``{"R1": (1.0, 100.0)}``). impedance.py calls fixed parameters ``constants``.
Command-line spellings: ``R0=10`` and ``R1=1:100`` (``R1=1:`` for a lower bound only).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from lithiophile.errors import InputError

__all__ = ["Constraints", "parse_bounds", "parse_fixed"]

Bounds = Mapping[str, tuple[float | None, float | None]]


def _unknown(name: str, names: Sequence[str], circuit: str, what: str) -> InputError:
    return InputError(
        f"{what}: circuit {circuit!r} has no parameter {name!r}; its parameters are {list(names)}."
    )


class Constraints:
    """Fixed values and bounds of one circuit, validated, in the fit's internal coordinates
    (logarithms of positive parameters, exponents as they are)."""

    def __init__(
        self,
        circuit: str,
        names: Sequence[str],
        positive: np.ndarray,
        fixed: Mapping[str, float] | None = None,
        bounds: Bounds | None = None,
    ) -> None:
        self.names = list(names)
        self.positive = np.asarray(positive, dtype=bool)
        self.fixed = {k: float(v) for k, v in (fixed or {}).items()}
        self.bounds = {k: (lo, hi) for k, (lo, hi) in (bounds or {}).items()}
        for name, value in self.fixed.items():
            if name not in self.names:
                raise _unknown(name, self.names, circuit, "fixed parameter")
            self._check_value(name, value, "fixed value")
        for name, (lo, hi) in self.bounds.items():
            if name not in self.names:
                raise _unknown(name, self.names, circuit, "bounds")
            for v in (lo, hi):
                if v is not None:
                    self._check_value(name, float(v), "bound")
            if lo is not None and hi is not None and not lo < hi:
                raise InputError(
                    f"bounds of {name}: the lower bound ({lo:g}) must be below the upper "
                    f"({hi:g}); write e.g. '{name}=1:100'."
                )
            if name in self.fixed:
                v = self.fixed[name]
                if (lo is not None and v < lo) or (hi is not None and v > hi):
                    raise InputError(
                        f"{name} is fixed at {v:g}, outside its bounds {_span(lo, hi)}; "
                        "drop one of the two."
                    )
        if len(self.fixed) == len(self.names):
            raise InputError(
                f"every parameter of {circuit!r} is fixed; leave at least one free to fit."
            )
        self.free = np.array([n not in self.fixed for n in self.names])

    def _check_value(self, name: str, value: float, what: str) -> None:
        k = self.names.index(name)
        if not math.isfinite(value):
            raise InputError(f"{what} of {name} must be a finite number. Got {value!r}.")
        if self.positive[k] and value <= 0:
            raise InputError(f"{what} of {name} must be positive (SI units). Got {value:g}.")
        if not self.positive[k] and not 0 < value <= 1:
            raise InputError(f"{what} of {name} (an exponent) must lie in (0, 1]. Got {value:g}.")

    def internal_limits(self, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The fit's default limits ``lo``, ``hi`` narrowed by the bounds (internal units)."""
        lo, hi = lo.copy(), hi.copy()
        for name, (b_lo, b_hi) in self.bounds.items():
            k = self.names.index(name)
            to = np.log if self.positive[k] else float
            if b_lo is not None:
                lo[k] = max(lo[k], to(b_lo))
            if b_hi is not None:
                hi[k] = min(hi[k], to(b_hi))
        return lo, hi

    def apply_fixed(self, theta: np.ndarray) -> np.ndarray:
        """``theta`` (internal units) with the fixed parameters set to their values."""
        out = theta.copy()
        for name, value in self.fixed.items():
            k = self.names.index(name)
            out[k] = np.log(value) if self.positive[k] else value
        return out

    def at_bound(self, x: np.ndarray) -> list[str]:
        """Free parameters that ended on a user bound (within 1e-6 relative)."""
        out = []
        for name, (lo, hi) in self.bounds.items():
            k = self.names.index(name)
            if name in self.fixed:
                continue
            for b in (lo, hi):
                if b is not None and abs(x[k] - b) <= 1e-6 * max(abs(b), 1e-300):
                    out.append(f"{name} = {b:g}")
        return out


def _span(lo: float | None, hi: float | None) -> str:
    return f"[{'-inf' if lo is None else f'{lo:g}'}, {'inf' if hi is None else f'{hi:g}'}]"


def _number(text: str, option: str, item: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise InputError(
            f"{option}: cannot read {text!r} in {item!r} as a number (SI units: ohm, F, H, s)."
        ) from None
    return value


def _split(item: str, option: str, example: str) -> tuple[str, str]:
    name, sep, value = item.partition("=")
    if not sep or not name.strip() or not value.strip():
        raise InputError(f"{option}: expected NAME=VALUE such as {example!r}. Got {item!r}.")
    return name.strip(), value.strip()


def parse_fixed(items: Sequence[str], option: str = "--fix") -> dict[str, float]:
    """``["R0=10", "CPE1_alpha=0.9"]`` (each item may hold several, comma-separated)."""
    out: dict[str, float] = {}
    for item in (p for it in items for p in it.split(",") if p.strip()):
        name, value = _split(item, option, "R0=10")
        out[name] = _number(value, option, item)
    return out


def parse_bounds(
    items: Sequence[str], option: str = "--bounds"
) -> dict[str, tuple[float | None, float | None]]:
    """``["R1=1:100", "R0=:5"]``: low:high, either end left empty for no limit."""
    out: dict[str, tuple[float | None, float | None]] = {}
    for item in (p for it in items for p in it.split(",") if p.strip()):
        name, value = _split(item, option, "R1=1:100")
        lo_text, sep, hi_text = value.partition(":")
        if not sep:
            raise InputError(f"{option}: expected NAME=LOW:HIGH such as 'R1=1:100'. Got {item!r}.")
        lo = _number(lo_text, option, item) if lo_text.strip() else None
        hi = _number(hi_text, option, item) if hi_text.strip() else None
        if lo is None and hi is None:
            raise InputError(f"{option}: {item!r} gives neither a lower nor an upper bound.")
        out[name] = (lo, hi)
    return out
