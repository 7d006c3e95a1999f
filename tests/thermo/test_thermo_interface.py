"""Interface types of the review's solid electrolytes and interlayers (Figure 4E and text)."""

from __future__ import annotations

import pytest

from lithiophile.thermo import assess, interface_type
from lithiophile.thermo.interface import electronic_character


@pytest.mark.parametrize(
    ("material", "expected", "basis"),
    [
        # interlayers alloying with Li (review: Al, Si, Ge, Mg, ZnO, Al2O3): type III
        ("Al", "III", "computed"),
        ("Si", "III", "computed"),
        ("ZnO", "III", "computed"),
        ("Al2O3", "III", "computed"),
        ("SnO2", "III", "computed"),
        # Ge and Mg: no Li-Ge / Li-Mg energy bundled; the curated Li-X table says they alloy
        ("Ge", "III", "curated alloying table"),
        ("Mg", "III", "curated alloying table"),
        # LiF, Li3N interlayers: stable, electronically insulating interphases (review: type II)
        ("LiF", "II", "computed"),
        ("Li3N", "II", "computed"),
        # Cu: no reaction and no alloy (Wang 2019: red) -> type I
        ("Cu", "I", "computed"),
        # solid electrolytes without a bundled energy: cited literature types
        ("Li7La3Zr2O12", "I", "literature"),  # Zhu 2015: reduced only below 0.05 V, kinetic
        ("Li10GeP2S12", "III", "literature"),  # Wenzel 2016: Li2S, Li3P, Li-Ge alloy
        ("Li2PO2N", "II", "literature"),  # Schwoebel 2015
        ("Li3PS4", "II", "literature"),  # Zhu 2015: Li2S + Li3P
        ("Li1.3Al0.3Ti1.7(PO4)3", "III", "literature"),  # Hartmann 2013: Ti3+
        ("Li1.5Al0.5Ge1.5(PO4)3", "III", "literature"),  # Hartmann 2013: Ge
    ],
)
def test_interface_types(material, expected, basis):
    it = interface_type(material)
    assert it.type == expected
    assert it.basis == basis


def test_zno_products_and_characters():
    it = interface_type("ZnO")
    chars = {c.formula: c.character for c in it.characters}
    assert chars == {"Li2O": "insulator", "LiZn": "conductor"}


def test_lgps_elements_would_give_a_conductor():
    # even without LGPS's own energy, its elements at equilibrium with Li include a Ge phase
    it = interface_type("Li10GeP2S12")
    assert "Li2S" in it.products
    assert any("Ge" in f for f in it.products)
    assert it.literature is not None and it.literature["source"] == "Wenzel2016ChemMater"


def test_electronic_character_rule():
    assert electronic_character("LiF").character == "insulator"
    assert electronic_character("Li9Al4").character == "conductor"
    assert electronic_character("Zn").character == "conductor"
    assert electronic_character("Li3PS4").character == "unknown"


def test_assess_solid_and_liquid():
    a = assess("Al2O3", "solid")
    assert a.interface.type == "III" and a.alloys_with_li and a.wets_molten_li
    assert "type III interlayer" in a.verdict
    lif = assess("LiF", "solid")
    assert lif.interface.type == "II" and "type II" in lif.verdict
    cu = assess("Cu", "liquid")
    assert cu.wets_molten_li is False and "lithiophobic" in cu.verdict


def test_assess_with_work_of_adhesion():
    # W_ad = gamma(523.15 K) (1 + cos 30) = 0.722962 J/m2 -> 30 degrees
    a = assess("ZnO", "liquid", work_of_adhesion_J_m2=0.722962, temperature_K=523.15)
    assert a.contact_angle_deg == pytest.approx(30.0, abs=1e-3)


def test_assess_bad_electrolyte():
    from lithiophile.errors import InputError

    with pytest.raises(InputError, match="'electrolyte' must be 'liquid'"):
        assess("ZnO", "gel")


def test_mgo_is_stable_although_mg_alloys():
    # 2 Li + MgO -> Li2O + Mg is uphill (CRC: -597.9 + 601.6 = +3.7 kJ/mol): no reaction, and
    # the missing Li-Mg phases must not turn a stable oxide into type III
    it = interface_type("MgO")
    assert it.type == "I" and it.alloying_elements == ()


def test_gold_alloys_through_the_curated_table():
    # the review: Au interlayers on garnet alloy with Li (no Li-Au energy is bundled)
    it = interface_type("Au")
    assert it.type == "III" and it.alloying_elements == ("Au",)
