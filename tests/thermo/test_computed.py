"""Energies computed with the bundled potentials: provenance, accuracy, products, Zhu 2015."""

from __future__ import annotations

import pytest

from lithiophile.atomistic.crystals import CRYSTALS
from lithiophile.thermo import computed, interface_type, react
from lithiophile.thermo.sources import bundled, experimental_per_atom


def test_every_computed_phase_has_a_cited_structure_and_models():
    phases = computed.computed_phases()
    assert phases, "no computed energies bundled"
    for formula, p in phases.items():
        assert p.structure in CRYSTALS, formula
        assert p.source == CRYSTALS[p.structure].source
        assert set(p.by_model) <= {"chgnet", "sevennet"} and p.by_model
        assert "computed (CHGNet)" in p.label or "computed (SevenNet)" in p.label


def test_spread_is_half_the_model_difference():
    for p in computed.computed_phases().values():
        if len(p.by_model) == 2:
            a, b = p.by_model.values()
            assert p.uncertainty_eV == pytest.approx(abs(a - b) / 2)
            assert p.per_atom_eV == pytest.approx((a + b) / 2)


def test_formation_energies_against_experiment():
    # the computed formation energies of the phases that also have an experimental enthalpy
    # (pymatgen exp_compounds; Debski calorimetry for the Li intermetallics): a mean absolute
    # error above 0.15 eV/atom would mean a wrong reference (e.g. mu_Li of another model)
    rows, mae = computed.validation(experimental_per_atom())
    formulas = {r.formula for r in rows}
    assert {"Li2O", "LiF", "LiCl", "Li3N", "LiAl", "LiZn"} <= formulas
    assert mae["chgnet"] < 0.15
    if "sevennet" in mae:
        assert mae["sevennet"] < 0.15


def test_bundled_source_keeps_experimental_values_first():
    es = bundled()
    origins = {e.composition.reduced_formula: es.origin(e) for e in es.entries}
    assert "experimental" in origins["Li2O"]
    assert origins["Li3P"].startswith("computed (")


@pytest.mark.parametrize(
    ("material", "product"),
    [
        # issue 13: products at equilibrium with Li are lithiated where Li phases exist
        ("Li3PS4", "Li3P"),  # not "Li2S + P"
        ("GeO2", "Li15Ge4"),  # not Ge
        ("Sb2O3", "Li3Sb"),
        ("Bi2O3", "Li3Bi"),
        ("AgF", "LiAg"),
        ("In2O3", "LiIn"),
        ("AlP", "Li3P"),
    ],
)
def test_products_are_lithiated(material, product):
    rx = react(material)
    assert product in rx.final_products
    bare = {"P", "Ge", "Sb", "Bi", "Ag", "In", "GeP"}
    assert not bare & set(rx.final_products)


def test_lithium_phosphide_is_not_reduced_to_phosphorus():
    # issue 13: "Li3P -> P" was unbalanced and impossible; Li3P is Li-saturated: type I
    rx = react("Li3P")
    assert rx.reacts is False and rx.final_products == ("Li3P",)
    assert interface_type("Li3P").type == "I"


def test_li_ge_alloying_makes_germanium_phosphate_type_iii():
    # issue 13: LiGe2(PO4)3 (LAGP's end member) is III by Li-Ge alloying
    it = interface_type("LiGe2(PO4)3")
    assert it.type == "III" and "Li15Ge4" in it.products


# Zhu, Y.; He, X.; Mo, Y. ACS Appl. Mater. Interfaces 2015, 7, 23685, Table 1: reduction
# potential [V vs Li/Li+] from first principles (MP GGA energies) and phases at equilibrium
# with Li metal. Ours: the bundled source (experiment + CHGNet/SevenNet), first kink of the
# Li + material path.
ZHU2015 = {
    "Li10GeP2S12": (1.71, {"Li2S", "Li3P", "Li15Ge4"}),
    "Li3PS4": (1.71, {"Li2S", "Li3P"}),
    "Li3PO4": (0.69, {"Li2O", "Li3P"}),
    "Li1.5Al0.5Ge1.5(PO4)3": (2.70, {"Li2O", "Li3P", "Li15Ge4"}),
}


@pytest.mark.parametrize("material", sorted(ZHU2015))
def test_reduction_against_zhu_2015(material):
    onset_v, products = ZHU2015[material]
    rx = react(material)
    assert rx.reacts is True
    assert rx.reduction_onset_V == pytest.approx(onset_v, abs=0.2)
    assert products <= set(rx.final_products)


@pytest.mark.xfail(
    strict=True,
    reason="LATP: Zhu 2015 reduce it at 2.17 V to P + LiTiPO5 + AlPO4 + Li3PO4; LiTiPO5 is in "
    "no bundled source and the doped phase is approximated by its end members, whose AlPO4 "
    "part reduces first (2.48 V here): a known gap, reported, not hidden",
)
def test_latp_reduction_against_zhu_2015():
    rx = react("Li1.3Al0.3Ti1.7(PO4)3")
    assert rx.reduction_onset_V == pytest.approx(2.17, abs=0.2)


def test_latp_products_at_li_metal_match_zhu_2015():
    # at 0 V the products agree with Zhu 2015 (Li2O, Li3P and reduced Ti/Al phases): type III
    rx = react("Li1.3Al0.3Ti1.7(PO4)3")
    assert {"Li2O", "Li3P"} <= set(rx.final_products)
    assert interface_type("Li1.3Al0.3Ti1.7(PO4)3").type == "III"


def test_llzo_has_no_bundled_energy_and_says_so():
    # LLZO (Zhu 2015: 0.05 V; Zr3O + La2O3 + Li2O) is not computed here (a 96-atom ordered
    # tetragonal cell was beyond this run): its type is the cited one, not a guess
    it = interface_type("Li7La3Zr2O12")
    assert it.basis == "literature" and it.reaction.reacts is None
