"""Bundled crystal structures checked against the published numbers (issue 13, item 1)."""

from __future__ import annotations

import numpy as np
import pytest

from lithiophile.atomistic.crystals import CITATIONS, CRYSTALS, crystal


def _min_distance(s, a: str, b: str) -> float:
    d = s.distance_matrix + np.eye(len(s)) * 99.0
    pairs = [
        d[i, j]
        for i in range(len(s))
        for j in range(len(s))
        if {s[i].specie.symbol, s[j].specie.symbol} == {a, b}
    ]
    return float(min(pairs))


def test_lipon_stand_in_is_the_published_sd_li2po2n_cell():
    # Senevirathne et al., Solid State Ionics 2013, 233, 95: SD-Li2PO2N, Cmc2_1 (No. 36),
    # a = 9.0692, b = 5.3999, c = 4.6856 A, Z = 4 (Li 8b, P 4a, N 4a, O 8b)
    from pymatgen.symmetry.analyzer import SpacegroupAnalyzer

    spec = CRYSTALS["Li2PO2N"]
    assert spec.source == "Senevirathne2013" and "Senevirathne" in CITATIONS[spec.source]
    assert "stand-in" in spec.note and "not the paper's table" in spec.note
    s = crystal("Li2PO2N")
    assert s.composition.reduced_formula == "Li2PNO2"
    assert len(s) == 12  # primitive cell: Z = 2 of the C-centred cell's 4
    sga = SpacegroupAnalyzer(s, symprec=0.01)
    assert sga.get_space_group_number() == 36
    conv = sga.get_conventional_standard_structure()
    assert len(conv) == 24
    # pymatgen's standard setting may swap a and b; the cell edges are the published ones
    assert sorted(conv.lattice.abc) == pytest.approx(sorted((9.0692, 5.3999, 4.6856)), abs=1e-4)
    # density from the published cell: 4 Li2PO2N (M = 90.86 g/mol) in 229.5 A^3: 2.63 g/cm3
    assert s.density == pytest.approx(4 * 90.86 / 0.60221 / (9.0692 * 5.3999 * 4.6856), rel=2e-3)
    # chemically sensible bonds: P-O and P-N of a PO2N2 tetrahedron, Li-O of LiO4
    assert 1.45 < _min_distance(s, "P", "O") < 1.65
    assert 1.55 < _min_distance(s, "P", "N") < 1.75
    assert 1.85 < _min_distance(s, "Li", "O") < 2.2
    for a, b in (("Li", "Li"), ("Li", "P"), ("Li", "N"), ("O", "O"), ("N", "O"), ("P", "P")):
        assert _min_distance(s, a, b) > 1.5, (a, b)
