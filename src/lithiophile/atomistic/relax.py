"""Relaxations: fixed-cell positions (ASE FIRE or BFGS) and bulk cells (FrechetCellFilter).

A relaxation that does not reach ``fmax`` within ``steps`` is returned with ``converged=False``
and its last maximum force; callers never report its energy as a result.

Units: eV, Angstrom, eV/Angstrom.

References
----------
Bitzek, E. et al. Structural relaxation made simple. Phys. Rev. Lett. 2006, 97, 170201 (FIRE).
Larsen, A. H. et al. The atomic simulation environment. J. Phys.: Condens. Matter 2017, 29,
273002.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lithiophile import cite
from lithiophile.errors import CalculationFailed, InputError

__all__ = ["RelaxResult", "relax", "relax_bulk"]

OPTIMIZERS = ("FIRE", "BFGS")


@dataclass(frozen=True)
class RelaxResult:
    """The outcome of one relaxation.

    Attributes
    ----------
    atoms
        The last structure (``ase.Atoms``, no calculator attached).
    energy_eV
        Its energy [eV]; meaningful as a result only when ``converged``.
    max_force_eV_A
        Largest force on a free atom at the last step [eV/A].
    steps
        Optimizer steps taken.
    converged
        Whether ``max_force_eV_A <= fmax`` was reached within the step limit.
    fmax
        The threshold asked for [eV/A].
    """

    atoms: Any
    energy_eV: float
    max_force_eV_A: float
    steps: int
    converged: bool
    fmax: float

    def describe(self) -> str:
        state = "converged" if self.converged else "NOT converged"
        return (
            f"{state} after {self.steps} steps (max force {self.max_force_eV_A:.3f} eV/A, "
            f"threshold {self.fmax} eV/A)"
        )

    def require(self, what: str) -> RelaxResult:
        """Self if converged, else :class:`CalculationFailed` naming ``what`` and the remedy."""
        if not self.converged:
            raise CalculationFailed(
                f"the relaxation of {what} did not converge: {self.describe()}; raise 'steps' "
                "or loosen 'fmax'."
            )
        return self


def _max_force(atoms: Any) -> float:
    import numpy as np

    f = atoms.get_forces()  # constrained forces: fixed atoms count zero
    return float(np.sqrt((f**2).sum(axis=1)).max()) if len(f) else 0.0


def _check(fmax: float, steps: int, optimizer: str) -> str:
    if not fmax > 0:
        raise InputError(f"'fmax' must be a positive force in eV/A such as 0.05. Got {fmax!r}.")
    if not (isinstance(steps, int) and steps >= 0):
        raise InputError(f"'steps' must be a non-negative integer such as 200. Got {steps!r}.")
    name = optimizer.upper()
    if name not in OPTIMIZERS:
        raise InputError(f"'optimizer' must be one of {OPTIMIZERS}. Got {optimizer!r}.")
    return name


def _quiet() -> Any:
    """Silence torch's "Converting a tensor with requires_grad=True to a scalar" from CHGNet's
    stress path (harmless, repeated every step)."""
    import warnings

    ctx = warnings.catch_warnings()
    ctx.__enter__()
    warnings.filterwarnings("ignore", message="Converting a tensor with requires_grad")
    return ctx


def _optimize(target: Any, fmax: float, steps: int, optimizer: str) -> int:
    from ase.optimize import BFGS, FIRE

    cls = FIRE if optimizer == "FIRE" else BFGS
    if optimizer == "FIRE":
        cite.register("Bitzek2006")
    opt = cls(target, logfile=None)
    ctx = _quiet()
    try:
        opt.run(fmax=fmax, steps=steps)
    finally:
        ctx.__exit__(None, None, None)
    return int(opt.nsteps)


def relax(
    atoms: Any, calculator: Any, *, fmax: float = 0.05, steps: int = 200, optimizer: str = "BFGS"
) -> RelaxResult:
    """Relax atomic positions in a fixed cell (constraints such as FixAtoms are honoured).

    Parameters
    ----------
    atoms
        ``ase.Atoms``; not modified.
    calculator
        An ASE calculator (:func:`lithiophile.atomistic.get_calculator`).
    fmax
        Convergence threshold on the largest force [eV/A].
    steps
        Step limit.
    optimizer
        ``"BFGS"`` (default) or ``"FIRE"``.
    """
    name = _check(fmax, steps, optimizer)
    cite.register("Larsen2017")
    work = atoms.copy()
    work.calc = calculator
    n = _optimize(work, fmax, steps, name) if _max_force(work) > fmax else 0
    return _result(work, fmax, n)


def relax_bulk(atoms: Any, calculator: Any, *, fmax: float = 0.02, steps: int = 300) -> RelaxResult:
    """Relax positions and cell of a bulk crystal (needs a calculator that gives stress).

    Uses ASE's ``FrechetCellFilter`` with FIRE; ``max_force_eV_A`` is that of the filter
    (atomic forces and cell stress times volume).
    """
    from ase.filters import FrechetCellFilter

    name = _check(fmax, steps, "FIRE")
    cite.register("Larsen2017")
    work = atoms.copy()
    work.calc = calculator
    filt = FrechetCellFilter(work)
    n = _optimize(filt, fmax, steps, name)
    return _result(work, fmax, n, filt)


def _result(work: Any, fmax: float, n: int, filt: Any = None) -> RelaxResult:
    import numpy as np

    ctx = _quiet()
    try:
        energy = float(work.get_potential_energy())
    finally:
        ctx.__exit__(None, None, None)
    if filt is not None:
        f = filt.get_forces()
        force = float(np.sqrt((f**2).sum(axis=1)).max())
    else:
        force = _max_force(work)
    final = work.copy()
    final.calc = None
    return RelaxResult(final, energy, force, n, force <= fmax, fmax)
