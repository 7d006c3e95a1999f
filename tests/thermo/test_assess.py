"""thermo.assess, the predict entry point: typed results, batches, the store, wetting, unknowns."""

from __future__ import annotations

import math

import pytest

from lithiophile.errors import InputError
from lithiophile.metrics import Metric
from lithiophile.thermo import Assessment, Assessments, assess
from lithiophile.wetting import li_surface_tension


def test_single_material_gives_a_typed_assessment():
    a = assess("ZnO", electrolyte="solid")
    assert isinstance(a, Assessment)
    assert a.material == "ZnO" and a.interface_type == "III"
    # 3 Li + ZnO -> Li2O + LiZn: LiZn is the Li alloy at the interface (Wang 2017 ZnO on garnet)
    assert a.alloy_products == ("LiZn",) and a.alloys_with_li
    kinds = {m.metric for m in a.metrics}
    assert kinds == {"reaction_energy", "contact_angle"}
    assert all(isinstance(m, Metric) for m in a.metrics)
    assert "Wenzel2015SSI" in a.citations and "Eustathopoulos2005" in a.citations


def test_batch_keeps_order_and_failures():
    batch = assess(["Al2O3", "ZnO3x", "LiF"], electrolyte="solid")
    assert isinstance(batch, Assessments)
    assert [a.material for a in batch] == ["Al2O3", "LiF"]
    assert list(batch.failures) == ["ZnO3x"]
    assert "does not parse as a formula" in batch.failures["ZnO3x"]


def test_batch_is_cached_in_the_store(tmp_path):
    from lithiophile.store import Store

    store = Store(tmp_path / "s.duckdb")
    first = assess(["ZnO", "Cu"], store=store)
    assert len(store.keys("thermo-assessment")) == 2
    again = assess(["ZnO", "Cu"], store=store)
    # read back from the store, typed, and equal to the computed result
    assert [a.verdict for a in again] == [a.verdict for a in first]
    assert again[0].interface.reaction.full.equation == first[0].interface.reaction.full.equation
    assert again[0].contact_angle_deg == pytest.approx(first[0].contact_angle_deg)


def test_unknown_is_not_no():
    # issue 12 item 10: H2O has no energy in the bundled source: reaction, type, wetting and
    # lithiophilicity are unknown, and the verdict says so instead of "lithiophobic"
    a = assess("H2O")
    assert a.reacts is None and a.interface_type == "unknown"
    assert a.lithiophilic is None and a.wetting.wets is None
    assert a.verdict.startswith("unknown") and "lithiophobic" not in a.verdict


@pytest.mark.parametrize("material", ["Li", "LiLiLi", "Li3"])
def test_lithium_itself_is_refused(material):
    with pytest.raises(InputError, match="is lithium itself"):
        assess(material)


def test_temperature_below_the_crc_melting_point_is_refused():
    with pytest.raises(InputError, match="below the melting point of Li"):
        assess("ZnO", temperature_K=450.0)
    # 453.65 K, the CRC melting point, is molten Li
    a = assess("ZnO", temperature_K=453.65)
    assert a.wetting.estimate is not None and a.wetting.estimate.temperature_K == 453.65


def test_contact_angle_rule_by_hand():
    # non-reactive interface: W_ad = 0.6 gamma -> cos = -0.4 -> 113.58 deg at any temperature;
    # metallic: W_ad = 1.94 gamma -> cos = 0.94 -> 19.95 deg
    cu = assess("Cu", temperature_K=523.15).wetting.estimate
    zn = assess("Zn", temperature_K=523.15).wetting.estimate
    assert cu.angle_deg == pytest.approx(math.degrees(math.acos(-0.4)), abs=1e-6)
    assert zn.angle_deg == pytest.approx(math.degrees(math.acos(0.94)), abs=1e-6)
    assert cu.work_of_adhesion_J_m2 == pytest.approx(0.6 * li_surface_tension(523.15))
    assert (cu.low_deg, cu.high_deg) == pytest.approx((90.0, math.degrees(math.acos(-0.7))))


# Molten-Li wetting the review cites (its ref. 47, Wang et al. Nat. Commun. 2019, Figure 3A:
# green elements react and wet, red do not) and the coatings it reports on garnet.
@pytest.mark.parametrize("element", ["Mg", "In", "Au", "Zn", "Ag", "Ga", "Sb", "Bi", "Ge"])
def test_wang2019_green_elements_wet(element):
    assert assess(element).wetting.wets is True


@pytest.mark.parametrize("element", ["Ti", "Fe", "Cu", "Ni"])
def test_wang2019_red_elements_do_not_wet(element):
    assert assess(element).wetting.wets is False


def test_carbon_is_lithiophobic_insertion_is_not_wetting():
    # the review: carbon hosts are lithiophobic to molten Li; Li insertion keeps the framework
    a = assess("C")
    assert a.reacts and a.wetting.wets is False
    assert "inserts" in a.wetting.basis


def test_garnet_surface_carbonate_and_coatings():
    # the review: Li2CO3 (and Li2O) on garnet cause poor wetting; Li2CO3 reacts with Li but its
    # products (Li2O + carbide) are ionic, so the reaction does not make it wet
    carbonate = assess("Li2CO3", electrolyte="solid")
    assert carbonate.reacts and carbonate.wetting.wets is False
    assert "Li2O" in carbonate.interface.products
    li2o = assess("Li2O", electrolyte="solid")
    assert li2o.wetting.wets is False and li2o.interface_type == "I"
    # polished garnet (no carbonate) with the coatings the review reports to make it wet:
    # ZnO (Wang 2017), Al2O3 (Han 2016), Au, Si (Luo 2016), Al
    for coating in ("ZnO", "Al2O3", "Au", "Si", "Al"):
        assert assess(coating, electrolyte="solid").wetting.wets is True, coating


def test_work_of_adhesion_replaces_the_rule():
    # W_ad = gamma(523.15 K) (1 + cos 30) = 0.722962 J/m2 -> 30 degrees (Young-Dupre)
    a = assess("Cu", work_of_adhesion_J_m2=0.722962, temperature_K=523.15)
    assert a.contact_angle_deg == pytest.approx(30.0, abs=1e-3)
    assert a.wetting.estimate.model.startswith("Young-Dupre")
