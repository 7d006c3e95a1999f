"""Reactions with Li against hand calculations from tabulated enthalpies."""

from __future__ import annotations

import pytest

from lithiophile.errors import InputError
from lithiophile.thermo import react

EV = 96.48533212  # kJ/mol per eV


def crc_hf_kj(cas: str) -> float:
    """Standard formation enthalpy of a solid [kJ/mol] from the CRC table shipped by chemicals."""
    from chemicals import heat_capacity

    return heat_capacity.CRC_standard_data.loc[cas, "Hfs"] / 1000.0


LI2O, ZNO, SNO2 = "12057-24-8", "1314-13-2", "18282-10-5"


def test_zno_against_crc_hand_calculation():
    rx = react("ZnO")
    assert rx.equation == "2 Li + ZnO -> Li2O + Zn"
    assert set(rx.products) == {"Li2O", "Zn"}
    # CRC: dH = Hf(Li2O) - Hf(ZnO) = -597.9 + 350.5 = -247.4 kJ/mol = -2.564 eV over 4 atoms
    dh = (crc_hf_kj(LI2O) - crc_hf_kj(ZNO)) / EV
    assert rx.energy_per_formula_unit_eV == pytest.approx(dh, abs=0.01)
    assert rx.energy_per_atom_eV == pytest.approx(dh / 4, abs=0.003)
    assert rx.energy_per_atom_eV == pytest.approx(-0.64, abs=0.005)
    assert rx.energy_per_mol_Li_eV == pytest.approx(dh / 2, abs=0.005)
    assert "Li2O" in rx.energy_sources and "mp-1960" in rx.energy_sources["Li2O"]
    assert rx.energy_kind.startswith("formation enthalpy")


def test_zno_full_lithiation_to_lizn():
    # with excess Li, Zn alloys to LiZn (Debski 2016: -15.3 kJ/mol-atom):
    # 3 Li + ZnO -> Li2O + LiZn, dH = -2.5641 - 2 * 15.3 / 96.485 = -2.8813 eV over 5 atoms
    rx = react("ZnO")
    assert rx.full.equation == "3 Li + ZnO -> Li2O + LiZn"
    assert rx.full.per_atom_eV == pytest.approx((-2.56412 - 2 * 15.3 / EV) / 5, abs=1e-3)
    assert next(step.equation for step in rx.path) == "2 Li + ZnO -> Li2O + Zn"


def test_sno2_against_crc():
    # 4 Li + SnO2 -> 2 Li2O + Sn: 2(-597.9) + 577.6 = -618.2 kJ/mol over 7 atoms
    rx = react("SnO2")
    assert rx.equation == "4 Li + SnO2 -> 2 Li2O + Sn"
    dh = (2 * crc_hf_kj(LI2O) - crc_hf_kj(SNO2)) / EV
    assert rx.energy_per_atom_eV == pytest.approx(dh / 7, abs=0.003)


def test_al_alloys_with_li():
    # pymatgen exp_compounds: LiAl -0.429 eV per formula unit -> -0.2145 eV/atom
    rx = react("Al")
    assert rx.equation == "Li + Al -> LiAl"
    assert rx.energy_per_atom_eV == pytest.approx(-0.429 / 2)


def test_stable_materials_do_not_react():
    for m in ("LiF", "Li3N", "Li2O", "Cu"):
        rx = react(m)
        assert not rx.reacts, m
        assert rx.energy_per_atom_eV == 0.0


def test_al2o3_reduced_to_li2o_and_li_al():
    rx = react("Al2O3")
    assert rx.reacts and rx.energy_per_atom_eV < 0
    assert "Li2O" in rx.final_products
    assert any("Al" in f and "Li" in f and "O" not in f for f in rx.final_products)


def test_material_not_in_source_says_so():
    # the tantalum garnet Li5La3Ta2O12 has no energy in any bundled source (LLZO now has one)
    rx = react("Li5La3Ta2O12")
    assert rx.energy_per_atom_eV is None and rx.reacts is None
    assert not rx.complete
    assert "has no energy in source 'bundled'" in rx.missing_phases[0]
    # its elements at equilibrium with Li: Ta2O5 + 10 Li -> 5 Li2O + 2 Ta is downhill
    # (5(-597.9) + 2046 < 0 kJ/mol, CRC), La2O3 + 6 Li -> 3 Li2O + 2 La is not (+1.2 kJ/mol)
    assert set(rx.final_products) == {"La2O3", "Li2O", "Ta"}


def test_missing_li_alloy_phase_is_reported():
    # Li-Pt compounds exist (Okamoto 2000) but no Li-Pt energy is bundled
    rx = react("Pt")
    assert any("no Li-Pt phase" in n for n in rx.missing_phases)


def test_potential_shifts_mu_li():
    # at 3 V vs Li/Li+ the Li chemical potential is 3 eV lower: ZnO is no longer reduced
    # (onset of 2 Li + ZnO -> Li2O + Zn is -dH/2e = 1.28 V)
    assert not react("ZnO", potential_V=3.0).reacts
    assert react("ZnO", potential_V=1.0).reacts


def test_mixture():
    rx = react("ZnO + Al")
    assert rx.reacts
    assert "Li2O" in rx.final_products


@pytest.mark.parametrize(
    ("material", "match"),
    [
        ("Zn$O", "not a chemical formula"),
        ("Xx2O", "unknown element 'Xx'"),
        ("", "is empty"),
    ],
)
def test_bad_formulas(material, match):
    with pytest.raises(InputError, match=match):
        react(material)


def test_bad_potential():
    with pytest.raises(InputError, match="'potential_V' must lie between"):
        react("ZnO", potential_V=10)


def test_gibbs_variant_labelled_and_hand_checked():
    # CRC Gibbs energies: dG = Gf(Li2O) - Gf(ZnO) = -561.2 + 320.5 = -240.7 kJ/mol
    from chemicals import heat_capacity

    crc = heat_capacity.CRC_standard_data
    dg = (crc.loc[LI2O, "Gfs"] - crc.loc[ZNO, "Gfs"]) / 1000.0 / EV
    rx = react("ZnO", source="crc-gibbs")
    assert rx.equation == "2 Li + ZnO -> Li2O + Zn"
    assert rx.energy_per_formula_unit_eV == pytest.approx(dg, rel=1e-9)
    assert "Gibbs" in rx.energy_kind and "enthalpy" in react("ZnO").energy_kind
    # the Gibbs table has no Li-Zn alloys: said, not hidden
    assert any("no Li-Zn phase" in n for n in rx.missing_phases)


def test_reduction_onset_potential():
    # onset of 2 Li + ZnO -> Li2O + Zn: -dH / 2 e = 2.5641 / 2 = 1.282 V
    rx = react("ZnO")
    assert rx.reduction_onset_V == pytest.approx(2.56412 / 2, abs=1e-3)
    assert react("ZnO", potential_V=rx.reduction_onset_V - 0.01).reacts
    assert not react("ZnO", potential_V=rx.reduction_onset_V + 0.01).reacts


def test_mixture_energy_is_the_sum_of_its_parts():
    # the energy of a mixture is the sum of its parts' energies (pymatgen exp_compounds)
    rx = react("2 ZnO + Al2O3", path=False)
    single = react("ZnO", path=False).full.per_formula_unit_eV
    alumina = react("Al2O3", path=False).full.per_formula_unit_eV
    # no Zn-Al-O ternary in the source, so the mixture reacts as its parts do
    assert rx.full.per_formula_unit_eV == pytest.approx(2 * single + alumina, abs=1e-6)


def test_metrics_carry_definition_and_source():
    ms = react("ZnO").metrics()
    assert [m.variant for m in ms] == ["most negative per atom", "excess Li"]
    assert ms[0].value == pytest.approx(-0.641, abs=0.002)
    assert "2 Li + ZnO -> Li2O + Zn" in ms[0].definition and ms[0].source == "bundled"


def test_charge_imbalanced_formula_not_in_source_refused():
    with pytest.raises(InputError, match="'material' ZnO3 is not charge balanced"):
        react("ZnO3")
    # a real sub-valent phase passes when asked, and doped (non-integer) formulas pass
    assert react("Zr3O", check_charge=False, path=False).source == "bundled"
    assert react("Li6.4La3Zr1.4Ta0.6O12", path=False).energy_per_atom_eV is None
    # LATP now has an energy: its end members' (issue 13), said in a note
    latp = react("Li1.3Al0.3Ti1.7(PO4)3", path=False)
    assert latp.energy_per_atom_eV is not None
    assert any("approximated by the mixture of its end members" in n for n in latp.missing_phases)


def test_chemical_system_no_source_covers():
    with pytest.raises(InputError, match=r"Tc missing from the sources tried \(bundled\)"):
        react("TcO2")
