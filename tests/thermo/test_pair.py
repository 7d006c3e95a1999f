"""Reaction of two materials in contact (closed system): thermo.pair.react_pair."""

from __future__ import annotations

import gzip
import json

import pytest

from lithiophile.thermo.pair import react_pair
from lithiophile.thermo.sources import exp_compounds_path

EV_PER_KJ_MOL = 1 / 96.48533212


def _exp(formula: str) -> float:
    """Experimental formation enthalpy [eV per formula unit] read straight from pymatgen's file."""
    with gzip.open(exp_compounds_path(), "rt") as fh:
        rows = json.load(fh)
    return next(float(r["exp energy"]) for r in rows if r["formula"] == formula)


def test_zno_li2s_metathesis_matches_hand_balanced_reaction():
    # hand-balanced: ZnO + Li2S -> ZnS + Li2O (5 atoms of reactants); energy from the same
    # experimental enthalpies read independently of the library
    expected = (_exp("ZnS") + _exp("Li2O") - _exp("ZnO") - _exp("Li2S")) / 5
    r = react_pair("ZnO", "Li2S")
    assert r.reacts is True
    assert r.per_atom_eV == pytest.approx(expected, abs=1e-4)
    assert "ZnS" in (r.equation or "") and "Li2O" in (r.equation or "")
    assert r.fraction_a == pytest.approx(0.4, abs=1e-6)  # 2 of the 5 atoms are ZnO's
    # CRC 95th ed. (Haynes 2014): ZnO -350.5, Li2S -441.4, ZnS -206.0, Li2O -597.9 kJ/mol give
    # the same sign (-0.025 eV/atom): the metathesis is downhill in both data sets
    crc = (-206.0 - 597.9 + 350.5 + 441.4) * EV_PER_KJ_MOL / 5
    assert crc < 0 and r.per_atom_eV < 0


def test_lif_li2o_share_no_reaction():
    # LiF and Li2O share their cation and form no compound: nothing is downhill
    r = react_pair("LiF", "Li2O")
    assert r.reacts is False
    assert r.per_atom_eV == pytest.approx(0.0, abs=1e-9)
    assert "stable in contact" in r.text()


def test_missing_energy_is_unknown_and_named():
    # tantalum garnet: no energy in the bundled source (neither experiment nor computed)
    r = react_pair("Cu", "Li5La3Ta2O12")
    assert r.reacts is None and r.per_atom_eV is None
    assert "Li5La3Ta2O12" in r.note and "unknown" in r.text()


def test_zno_against_li3ps4_gives_zns_and_li3po4():
    # hand-balanced: 4 ZnO + Li3PS4 -> 4 ZnS + Li3PO4 (O and S exchange between Zn and P)
    r = react_pair("ZnO", "Li3PS4")
    assert r.reacts is True
    assert "ZnS" in (r.equation or "") and "Li3PO4" in (r.equation or "")
    assert r.fraction_a == pytest.approx(8 / 16, abs=1e-6)  # 4 ZnO = 8 atoms, Li3PS4 = 8
    assert r.uncertainty_eV > 0  # Li3PS4 and Li3PO4 are computed phases


def test_metastable_electrolyte_is_taken_at_its_hull_energy():
    # Li6PS5Cl is metastable at 0 K against Li3PS4 + Li2S + LiCl (the Materials Project's GGA
    # hull gives the same decomposition): its own decomposition must not show as a reaction
    # with LiF, which shares its Li+ and Cl-free anion chemistry only through LiCl/Li2S
    r = react_pair("LiF", "Li6PS5Cl")
    assert r.reacts is False
    assert r.per_atom_eV == pytest.approx(0.0, abs=1e-9)
    assert "Li6PS5Cl lies" in r.note and "metastable" in r.note
