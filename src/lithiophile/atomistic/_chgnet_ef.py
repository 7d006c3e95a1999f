"""An energy+forces-only CHGNet calculator for fixed-cell relaxations.

The stock ``chgnet.model.dynamics.CHGNetCalculator`` always asks the network for energy,
forces, stress and magnetic moments (task ``"efsm"``); the stress needs a second backward pass
through the strain. A fixed-cell relaxation needs none of that: this calculator asks for
``task="ef"`` only. Energies and forces are the same numbers (see tests/atomistic).

Units: eV, eV/Angstrom.
"""

from __future__ import annotations

import warnings
from typing import Any

from ase.calculators.calculator import Calculator, all_changes
from pymatgen.io.ase import AseAtomsAdaptor

__all__ = ["CHGNetEnergyForces", "quiet_stock_calculator"]

#: torch's warning from CHGNet's volume tensor, harmless and repeated at every call
_TORCH_NOISE = "Converting a tensor with requires_grad"


class CHGNetEnergyForces(Calculator):
    """ASE calculator: CHGNet energy [eV] and forces [eV/A] only."""

    implemented_properties = ("energy", "free_energy", "forces")  # type: ignore[assignment]

    def __init__(self, model: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.model = model
        self.model.graph_converter.set_isolated_atom_response("ignore")

    def calculate(
        self,
        atoms: Any = None,
        properties: Any = None,
        system_changes: Any = all_changes,
    ) -> None:
        super().calculate(atoms, properties or ["energy", "forces"], system_changes)
        structure = AseAtomsAdaptor.get_structure(self.atoms)
        graph = self.model.graph_converter(structure)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=_TORCH_NOISE)
            pred = self.model.predict_graph(graph, task="ef", return_crystal_feas=False)
        factor = len(structure) if self.model.is_intensive else 1
        energy = float(pred["e"]) * factor
        self.results = {"energy": energy, "free_energy": energy, "forces": pred["f"]}


def quiet_stock_calculator(model: Any) -> Any:
    """The stock ``CHGNetCalculator`` (energy, forces, stress, magmoms) for ``model``, with
    torch's harmless "Converting a tensor with requires_grad=True to a scalar" warning of its
    stress path silenced."""
    import contextlib
    import io

    from chgnet.model.dynamics import CHGNetCalculator

    class _Quiet(CHGNetCalculator):
        def calculate(self, *args: Any, **kwargs: Any) -> None:
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", message=_TORCH_NOISE)
                super().calculate(*args, **kwargs)

    with contextlib.redirect_stdout(io.StringIO()):
        return _Quiet(model=model, use_device="cpu", on_isolated_atoms="ignore")
