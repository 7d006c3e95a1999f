"""Li chemical-potential references of a model: relaxed bcc Li and the isolated Li atom.

Units: eV per atom.

References
----------
METHODS.md "Atomistic": E_b = E(host+Li) - E(host) - mu_Li, mu_Li the energy per atom of
relaxed bcc Li computed with the same model; also reported against the isolated atom.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

__all__ = ["LiReferences", "li_references"]

#: Edge of the cubic box of the isolated Li atom [A] (beyond both models' cutoffs: 5-6 A).
ATOM_BOX_A = 14.0


@dataclass(frozen=True)
class LiReferences:
    """Li references of one model [eV/atom] and the relaxed bcc lattice constant [A]."""

    model: str
    mu_bcc_eV: float
    atom_eV: float
    bcc_a_A: float

    @property
    def cohesive_eV(self) -> float:
        """The model's cohesive energy of Li [eV/atom] (experiment: 1.63 eV, Kittel 2005)."""
        return self.atom_eV - self.mu_bcc_eV


def li_references(model: Any = "chgnet") -> LiReferences:
    """mu_Li of relaxed bcc Li and the energy of an isolated Li atom, with ``model``.

    Computed once per process for the bundled models.
    """
    from lithiophile.atomistic.models import model_label

    if isinstance(model, str):
        return _cached(model_label(model))
    return _compute(model, model_label(model))


@functools.cache
def _cached(key: str) -> LiReferences:
    return _compute(key, key)


def _compute(model: Any, label: str) -> LiReferences:
    from ase import Atoms

    from lithiophile.atomistic.bulk import li_bcc
    from lithiophile.atomistic.models import get_calculator
    from lithiophile.atomistic.relax import relax_bulk

    res = relax_bulk(li_bcc(), get_calculator(model, stress=True)).require("bcc Li")
    mu = res.energy_eV / len(res.atoms)
    a = float(res.atoms.cell.lengths()[0]) * 2 / 3**0.5  # primitive bcc edge = a sqrt(3)/2
    atom = Atoms("Li", positions=[[ATOM_BOX_A / 2] * 3], cell=[ATOM_BOX_A] * 3, pbc=True)
    atom.calc = get_calculator(model, stress=False)
    return LiReferences(label, mu, float(atom.get_potential_energy()), a)
