"""Cell card and practical-condition gaps, against hand calculations."""

from __future__ import annotations

import pytest

from lithiophile.errors import InputError
from lithiophile.report.build import OPTION_NAMES
from lithiophile.report.card import CellState, card_rows, practical_gaps

AREA = 1.13e-4  # m^2
MAH_CM2 = 36000.0


def _gaps(state, area=AREA, cycled=1.0 * MAH_CM2):
    return {g.quantity: g for g in practical_gaps(state, area, cycled, OPTION_NAMES)}


def test_n_p_and_electrolyte_per_capacity_by_hand():
    state = CellState(
        li_thickness_m=50e-6, electrolyte_volume_m3=40e-9, electrolyte_density_kg_m3=1200.0
    )
    g = _gaps(state)
    # hand: 50 um = 5e-3 cm x 0.534 g cm-3 x 3860 mAh g-1 = 10.306 mAh cm-2; over 1 mAh cm-2
    assert g["N/P ratio"].yours == "10.3"
    # hand: 40 uL x 1.2 g mL-1 = 48 mg over 1 mAh cm-2 x 1.13 cm2 = 1.13 mAh -> 42.5 g Ah-1
    assert g["electrolyte per capacity"].yours == "42.5 g Ah-1"
    assert g["electrolyte per capacity"].verdict == "14.2x more electrolyte"  # 42.48 / 3
    assert g["areal capacity"].verdict == "4x below"  # 4 / 1
    assert g["Li thickness"].verdict == "meets it"


def test_cathode_capacity_is_the_positive_electrode_when_given():
    state = CellState(li_thickness_m=20e-6, cathode_capacity_C_m2=4.0 * MAH_CM2)
    g = _gaps(state)
    # hand: 20 um of Li = 4.1225 mAh cm-2 over 4 mAh cm-2 = 1.03
    assert g["N/P ratio"].yours == "1.03" and g["N/P ratio"].verdict == "meets it"
    assert g["areal capacity"].verdict == "meets it"


def test_unknowns_say_what_is_missing():
    g = _gaps(CellState(electrolyte_volume_m3=40e-9), area=None, cycled=None)
    assert g["areal capacity"].verdict == "unknown" and "--area" in g["areal capacity"].basis
    assert g["N/P ratio"].verdict == "unknown"
    assert g["Li thickness"].basis == "give --li-thickness"
    vol_only = _gaps(CellState(electrolyte_volume_m3=40e-9))["electrolyte per capacity"]
    # hand: 40 uL over 1.13 mAh = 35.4 uL mAh-1; g Ah-1 needs the density
    assert vol_only.yours == "35.4 uL mAh-1" and "--electrolyte-density" in vol_only.basis


def test_card_names_each_source():
    rows = {r[0]: r for r in card_rows(CellState(area_m2=2e-4), 1.13e-4, OPTION_NAMES)}
    assert rows["electrode area"][1:] == ("2 cm2", "you (--area)")
    rows = {r[0]: r for r in card_rows(CellState(), 1.13e-4, OPTION_NAMES)}
    assert rows["electrode area"][1:] == ("1.13 cm2", "the file's header")
    assert rows["stack pressure"][1:] == ("not stated", "give it with --pressure")


def test_state_refuses_non_positive_values():
    with pytest.raises(InputError, match="'li_thickness_m' must be a positive number"):
        CellState(li_thickness_m=-1e-6)
