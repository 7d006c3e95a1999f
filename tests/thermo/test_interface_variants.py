"""The two readings of an interface whose products in cells differ from equilibrium (issue 13):
carbon (Li2C2 at equilibrium, LiC6 in cells) and Mg3N2 (stable by the tabulated enthalpies,
turned into Mg + Li3N in the review's cells).

Independent sources of the expected values:
- formation enthalpies from the CRC Handbook (97th ed., "Standard thermodynamic properties of
  chemical substances"; the same numbers as NIST-JANAF): Li3N(cr) -164.6 kJ/mol, Mg3N2(cr)
  -461.1 kJ/mol, Li2C2(cr) -59.4 kJ/mol; 1 eV = 96.485 kJ/mol;
- the review's text on Mg3N2 (its ref. 80) and on graphite interlayers (ref. 82), and
  Guerard & Herold 1975 (LiC6, LiC12 metallic; Li2C2 only when heated);
- reactions balanced by hand, checked atom by atom with pymatgen's Composition.
"""

from __future__ import annotations

import pytest
from pymatgen.core import Composition

from lithiophile import cite
from lithiophile.thermo import interface_type
from lithiophile.thermo.interface import (
    OBSERVED_IN_CELLS,
    Observed,
    Variant,
    observed_energy,
)

KJ_PER_EV = 96.485


def _atoms(side):
    total = Composition()
    for formula, n in side:
        total += Composition(formula) * n
    return total


@pytest.mark.parametrize("material", sorted(OBSERVED_IN_CELLS))
def test_observed_reactions_are_balanced_and_start_from_the_material(material):
    obs = OBSERVED_IN_CELLS[material]
    assert _atoms(obs.reactants) == _atoms(obs.products)
    assert material in [f for f, _ in obs.reactants]
    assert "Li" in [f for f, _ in obs.reactants]
    assert obs.source in cite.CITATIONS  # defined, so register() and bibtex() find it


def test_mg3n2_by_hand_is_uphill():
    # Mg3N2 + 6 Li -> 2 Li3N + 3 Mg, CRC enthalpies: dH = 2(-164.6) - (-461.1) = +131.9 kJ/mol
    # = +1.367 eV per Mg3N2, over 11 atoms of reactants: +0.1243 eV/atom. Uphill, so the
    # equilibrium type is I (no reaction), while the review (ref. 80) reports Mg + Li3N in cells
    dh = (2 * -164.6 - -461.1) / KJ_PER_EV / 11
    assert dh == pytest.approx(0.1243, abs=2e-4)
    e = observed_energy("bundled", OBSERVED_IN_CELLS["Mg3N2"])
    # pymatgen's table (Wang 2021) holds the same enthalpies to ~0.5 kJ/mol
    assert e == pytest.approx(dh, abs=2e-3)


def test_mg3n2_shows_both_readings_labelled():
    cite.reset()
    it = interface_type("Mg3N2")
    # the equilibrium type stays that of the energy source: no reaction, type I
    assert (it.type, it.basis, it.products) == ("I", "computed", ("Mg3N2",))
    eq, cell = it.variants
    assert isinstance(eq, Variant)
    assert (eq.label, eq.type, eq.basis, eq.products) == (
        "equilibrium (energy source 'bundled')",
        "I",
        "computed",
        ("Mg3N2",),
    )
    assert eq.energy_per_atom_eV == 0.0
    # in cells: Li3N (insulator, Wenzel 2015) + Mg (a metal): a conductor among the products,
    # type III; the review calls it a mixed ionic-electronic conducting interlayer
    assert (cell.label, cell.type, cell.basis, cell.products) == (
        "in cells (Yan2019AFM)",
        "III",
        "literature [Yan2019AFM]",
        ("Li3N", "Mg"),
    )
    assert cell.energy_per_atom_eV == pytest.approx(0.1243, abs=2e-3)
    assert cell.reason == (
        "in cells (Yan2019AFM): the Li anode turns a Mg3N2 layer into electronically conducting "
        "Mg and ionically conducting Li3N (the review's ref. 80: a mixed-conducting "
        "interlayer): Mg3N2 + 6 Li -> 2 Li3N + 3 Mg (+0.124 eV/atom in source 'bundled'): "
        "type III."
    )
    assert eq.reason == "equilibrium (energy source 'bundled'): Mg3N2 (+0.000 eV/atom): type I."
    assert it.reasons[1:3] == (eq.reason, cell.reason)
    assert it.reasons[-2:] == (
        "the two readings differ: type I at equilibrium (the type given), type III in cells.",
        "source 'bundled' puts the reaction observed in cells uphill: computation and "
        "literature disagree (both shown).",
    )
    assert "Yan2019AFM" in cite.used()
    d = it.as_dict()["variants"]
    assert [v["type"] for v in d] == ["I", "III"] and d[1]["products"] == ["Li3N", "Mg"]


def test_carbon_equilibrium_carbide_and_intercalation_in_cells():
    # Li2C2: JANAF/CRC -59.4 kJ/mol over 4 atoms -> -0.1539 eV/atom (Li + C -> LiC per atom
    # of reactants is the same ratio). LiC6: no experimental value bundled; its energy is the
    # bundled potentials' (lithiophile.thermo.computed), so only its sign and ratio are checked:
    # Li + 6 C -> LiC6 has 7 atoms of reactants.
    from lithiophile.thermo.computed import computed_phases

    cite.reset()
    it = interface_type("C")
    assert (it.type, it.basis, it.products) == ("II", "computed", ("LiC",))
    eq, cell = it.variants
    assert (eq.type, eq.products) == ("II", ("LiC",))
    assert eq.energy_per_atom_eV == pytest.approx(-59.4 / KJ_PER_EV / 4, abs=2e-3)
    assert (cell.type, cell.products, cell.basis) == (
        "III",
        ("LiC6",),
        "literature [Guerard1975GIC]",
    )
    lic6 = computed_phases()["LiC6"].per_atom_eV  # per atom of LiC6 = per atom of reactants
    assert cell.energy_per_atom_eV == pytest.approx(lic6, rel=1e-9)
    assert cell.energy_per_atom_eV < 0  # downhill, though less than the carbide
    assert cell.energy_per_atom_eV > eq.energy_per_atom_eV
    # the text agrees with the type: the type given is the equilibrium one, and the metallic
    # intercalation compounds are labelled as the in-cell reading
    assert it.reasons[0] == "reacts with Li to LiC, all electronic insulators."
    assert it.reasons[1] == "equilibrium (energy source 'bundled'): LiC (-0.154 eV/atom): type II."
    assert it.reasons[2] == cell.reason and cell.reason.startswith(
        "in cells (Guerard1975GIC): at room temperature Li inserts into graphite (LiC6, LiC12: "
        "metallic intercalation compounds); the carbide Li2C2 (LiC) of full equilibrium forms "
        "only at high temperature: Li + 6 C -> LiC6 ("
    )
    assert it.reasons[1] == eq.reason
    assert it.reasons[2].endswith(
        "Li + 6 C -> LiC6 (-0.032 eV/atom in source 'bundled'): type III."
    )
    assert it.reasons[3] == (
        "the two readings differ: type II at equilibrium (the type given), type III in cells."
    )
    assert len(it.reasons) == 4  # downhill in cells: no disagreement note
    assert "Guerard1975GIC" in cite.used()


def test_materials_without_an_observation_have_no_variants():
    # LiF: stable, nothing observed otherwise; ZnO: reacts as computed (Li2O + LiZn)
    assert interface_type("LiF").variants == ()
    assert interface_type("ZnO").variants == ()
    assert interface_type("ZnO").as_dict()["variants"] == []


def test_observed_energy_unknown_where_it_cannot_be_computed():
    obs = Observed((("Li", 1), ("C", 6)), (("LiC6", 1),), "Guerard1975GIC", "x")
    # a source given by name only as a file or entries list: not resolvable here
    assert observed_energy("entries", obs) is None
    # a phase the source lacks (no such compound exists: in no table, computed by no one)
    missing = Observed((("Li", 5), ("C", 97)), (("Li5C97", 1),), "Guerard1975GIC", "x")
    assert observed_energy("bundled", missing) is None


def test_observed_energy_per_atom_of_reactants_by_hand():
    # Li3N from the elements in the bundled enthalpies: 3 Li + 1/2 N2 -> Li3N, written with
    # integer coefficients as 6 Li + N2 -> 2 Li3N: 2 x (-164.6) kJ/mol over 8 atoms of
    # reactants (6 Li + 2 N) = -0.4265 eV/atom (CRC); a sum over the wrong side, or per atom of
    # products with wrong coefficients, gives another number
    obs = Observed((("Li", 6), ("N2", 1)), (("Li3N", 2),), "Wenzel2015SSI", "x")
    e = observed_energy("bundled", obs)
    assert e == pytest.approx(2 * -164.6 / KJ_PER_EV / 8, abs=2e-3)


def test_observed_energy_in_each_named_source():
    # Li + 6 C -> LiC6 per atom of reactants = the formation energy per atom of LiC6 (7 atoms
    # on each side, elements at 0). The bundled value is the mean of the two potentials'
    # (lithiophile.thermo.computed: "mean formation energy, spread +-..."), so the three agree
    # only if each source is read by its own name
    from lithiophile.thermo.computed import model_entries

    obs = OBSERVED_IN_CELLS["C"]
    per_model = {}
    for model in ("chgnet", "sevennet"):
        (lic6,) = [e for e in model_entries(model) if e.composition.reduced_formula == "LiC6"]
        per_model[model] = lic6.energy_per_atom
        assert observed_energy(f"computed-{model}", obs) == pytest.approx(lic6.energy_per_atom)
    assert per_model["chgnet"] != pytest.approx(per_model["sevennet"], abs=1e-3)
    mean = (per_model["chgnet"] + per_model["sevennet"]) / 2
    assert observed_energy("bundled", obs) == pytest.approx(mean, abs=1e-6)
    # the anchored variant is a named source too: its own LiC6 per atom (same 7-atom balance)
    from lithiophile.thermo.sources import bundled_anchored

    (anchored,) = [e for e in bundled_anchored().entries if e.composition.reduced_formula == "LiC6"]
    assert observed_energy("bundled-anchored", obs) == pytest.approx(
        anchored.energy_per_atom, abs=1e-9
    )
    # the CRC Gibbs table holds neither Li3N nor Mg3N2 nor any Li-C phase: not computable
    assert observed_energy("crc-gibbs", obs) is None
    assert observed_energy("crc-gibbs", OBSERVED_IN_CELLS["Mg3N2"]) is None
