"""Elemental map against the review's Figure 3A text (Wang et al. 2019)."""

from __future__ import annotations

import pytest

from lithiophile.errors import InputError
from lithiophile.thermo import element_map
from lithiophile.thermo.elements import REVIEW_GREEN, write_map


@pytest.fixture(scope="module")
def records():
    return {r.symbol: r for r in element_map()}


def test_review_classes_reproduced(records):
    # green and blue react with molten Li, red do not (review, Figure 3A)
    for sym in REVIEW_GREEN | {"N", "F", "P", "Br"}:
        assert records[sym].predicted == "reacts/wets", sym
    for sym in ("Ti", "Fe", "Cu", "Ni"):
        assert records[sym].predicted == "does not react", sym


def test_computed_formation_energies(records):
    # LiF is the Li-richest Li-F phase: -6.394 eV per 2 atoms (pymatgen exp_compounds)
    assert records["F"].li_richest_phase == "LiF"
    assert records["F"].formation_energy_eV_atom == pytest.approx(-6.394 / 2)
    # Li-Zn: LiZn is the Li-richest (Debski 2016: -15.3 kJ/mol-atom = -0.1586 eV/atom)
    assert records["Zn"].li_richest_phase == "LiZn"
    assert records["Zn"].formation_energy_eV_atom == pytest.approx(-15.3 / 96.48533212, abs=1e-4)
    assert records["Zn"].basis == "computed"
    assert records["Mg"].with_li == "solid solution"


def test_write_png_and_html(tmp_path, records):
    recs = list(records.values())
    png = write_map(recs, tmp_path / "map.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    html = write_map(recs, tmp_path / "map.html")
    text = html.read_text()
    assert "plotly" in text and "Li-richest: LiZn" in text
    with pytest.raises(InputError, match=r"must end in \.png"):
        write_map(recs, tmp_path / "map.svg")
