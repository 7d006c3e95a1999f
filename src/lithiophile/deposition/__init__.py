"""Phase-field Li electrodeposition on a substrate of chosen lithiophilicity.

The nonlinear Butler-Volmer Allen-Cahn model (Chen et al., J. Power Sources 2015, 300, 376) with
binary-electrolyte salt transport and charge conservation, four-fold anisotropy and optional
noise, on a substrate whose lithiophilicity enters as (a) an equilibrium contact angle imposed as
a wetting boundary condition and (b) maps of exchange current and nucleation barrier (uniform,
seeds, a coating with defects), plus an optional resistive SEI layer. JAX, jit-compiled; the
same code runs on a GPU. SI units.

Examples
--------
>>> from lithiophile.deposition import Setup, Substrate, deposit
>>> s = Setup(nx=32, nz=32, substrate=Substrate.uniform(32, 120.0), time_s=5.0)
>>> r = deposit(s)                                           # doctest: +SKIP
>>> r.metric("nucleation_overpotential").display()          # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "ContactAngleChoice",
    "DepositionResult",
    "Parameters",
    "Setup",
    "Substrate",
    "contact_angle_for",
    "deposit",
    "potentiostatic_scaling",
    "sand_transition",
    "substrate_table",
    "sweep",
]

_LAZY = {
    "Parameters": "lithiophile.deposition.params",
    "Setup": "lithiophile.deposition.setup",
    "Substrate": "lithiophile.deposition.substrate",
    "DepositionResult": "lithiophile.deposition.results",
    "deposit": "lithiophile.deposition.results",
    "ContactAngleChoice": "lithiophile.deposition.predict",
    "contact_angle_for": "lithiophile.deposition.predict",
    "substrate_table": "lithiophile.deposition.compare",
    "potentiostatic_scaling": "lithiophile.deposition.potentiostatic",
    "sand_transition": "lithiophile.deposition.sand",
    "sweep": "lithiophile.deposition.sweep",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'lithiophile.deposition' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
