"""Calculators: the energy+forces-only CHGNet path, offline loading, element checks."""

from __future__ import annotations

import numpy as np
import pytest
from ase import Atoms

from lithiophile.atomistic import carbon, models
from lithiophile.errors import DependencyMissing, InputError


def test_energy_forces_path_matches_stock_chgnet():
    # reference library run in the test: chgnet's own CHGNetCalculator (task "efsm")
    from chgnet.model.dynamics import CHGNetCalculator

    atoms = carbon.graphene((3, 3), "pyridinic-N3")
    atoms.append("Li")
    atoms.positions[-1] = [*atoms.info["defect_center"][:2], 9.0]
    atoms.positions[0, 2] += 0.1  # break the symmetry so forces are not all zero
    fast = atoms.copy()
    fast.calc = models.get_calculator("chgnet", stress=False)
    stock = atoms.copy()
    stock.calc = CHGNetCalculator(model=models._chgnet_model(), use_device="cpu")
    assert fast.get_potential_energy() == pytest.approx(stock.get_potential_energy(), abs=1e-5)
    np.testing.assert_allclose(fast.get_forces(), stock.get_forces(), atol=1e-5)
    assert np.abs(stock.get_forces()).max() > 0.01  # a real comparison, not of zeros
    assert "stress" not in fast.calc.implemented_properties


def test_unknown_model_name():
    with pytest.raises(InputError, match="'model' must be one of"):
        models.get_calculator("mace")


def test_any_ase_calculator_is_accepted_as_is():
    from ase.calculators.emt import EMT

    calc = EMT()
    assert models.get_calculator(calc) is calc


def test_element_unknown_to_model_is_refused():
    atoms = Atoms("CmLi", positions=[[0, 0, 0], [2.5, 0, 0]], cell=[10, 10, 10], pbc=True)
    with pytest.raises(InputError, match=r"Cm, which the CHGNet 0\.3\.0.*was not trained on"):
        models.check_elements(atoms, "chgnet")
    po = Atoms("PoLi", positions=[[0, 0, 0], [2.5, 0, 0]], cell=[10, 10, 10], pbc=True)
    models.check_elements(po, "chgnet")  # CHGNet covers Z <= 94
    with pytest.raises(InputError, match="Po, which the SevenNet-0"):
        models.check_elements(po, "sevennet")


def test_missing_weights_are_refused_not_downloaded(monkeypatch, tmp_path):
    import sevenn._const as const

    monkeypatch.setattr(const, "SEVENNET_0_11Jul2024", str(tmp_path / "gone.pth"))
    with pytest.raises(DependencyMissing, match="does not download weights"):
        models._sevennet_checkpoint()


def test_models_load_offline_once():
    import os

    a = models._chgnet_model()
    assert models._chgnet_model() is a
    assert os.environ.get("HF_HUB_OFFLINE") == "1"
    assert models.model_info("7net-0").key == "sevennet"
