"""Voltage-only files (an "Ewe vs t" export, issue 11 item 11): with a supplied current the
figures are computed and labelled as resting on it; without, the figures that need no current
are given and the rest refused with the reason."""

import numpy as np
import pytest

from lithiophile.echem import ProtocolError, analyze
from lithiophile.errors import InputError
from lithiophile.io.celldata import CellData
from lithiophile.synth import cells


@pytest.fixture(scope="module")
def sym():
    # 4 cycles of 1 h at 0.5 mA cm-2 on a 12 mm disc, hard short at 6.5 h
    return cells.symmetric(cycles=4, sample_s=30.0, hard_short_s=6.5 * 3600)


def _voltage_only(cell):
    t = cell.table.select("time_s", "voltage_V")
    nan = np.full(len(cell), np.nan)
    return CellData.from_columns(
        {
            "time_s": t["time_s"].to_numpy(),
            "voltage_V": t["voltage_V"].to_numpy(),
            "current_A": nan,
        },
        cell.meta,
    )


def test_without_current_the_current_free_figures_are_given(sym):
    with np.errstate(invalid="ignore"):  # the reader's step derivation meets an all-NaN current
        data = _voltage_only(sym.data)
    r = analyze(data)
    full = analyze(sym.data)
    assert r.current == "none" and "current-unknown" in r.flags
    # polarization and failure time need no current: equal to the analysis with the current
    for variant in ("plateau", "peak", "hysteresis"):
        assert r.metric("polarization", variant).value == pytest.approx(
            full.metric("polarization", variant).value, abs=1e-12
        )
    assert r.metric("cycle_life_time").value == pytest.approx(
        full.metric("cycle_life_time").value, abs=1e-9
    )
    # no current density or capacity enters the conditions
    c = r.metric("polarization", "plateau").conditions
    assert c.current_density_A_m2 is None and c.areal_capacity_C_m2 is None
    assert "cannot be checked for being ohmic" in r.failure.detail
    assert any("records no current" in n for n in r.notes)


def test_supplied_current_gives_capacities_labelled_as_supplied(sym):
    with np.errstate(invalid="ignore"):
        data = _voltage_only(sym.data)
    current = 5.0 * cells.COIN_AREA_M2  # the generator's 0.5 mA cm-2 on the 12 mm disc
    r = analyze(data, current_A=current)
    assert r.current == "supplied" and "current-supplied" in r.flags
    m = r.metric("polarization", "plateau")
    # 5 A m-2 and 5 A m-2 x 3600 s = 18000 C m-2, from the supplied current and the voltage's
    # half-cycles alone
    assert m.conditions.current_density_A_m2 == pytest.approx(5.0, rel=1e-9)
    assert m.conditions.areal_capacity_C_m2 == pytest.approx(18000.0, rel=1e-3)
    assert ("current", "supplied by the user (the file records none)") in m.conditions.extra
    assert any("current supplied by the user" in p for p in r.provenance)
    by_density = analyze(data, current_density_A_m2=5.0)
    assert by_density.metric("polarization", "plateau").conditions.current_density_A_m2 == (
        pytest.approx(5.0)
    )


def test_refusals(sym, licu):
    with np.errstate(invalid="ignore"):
        data = _voltage_only(sym.data)
        licu_v = _voltage_only(licu.data)
    with pytest.raises(InputError, match="--current is for files that record only time"):
        analyze(sym.data, current_A=1e-3)
    with pytest.raises(InputError, match="'current' option must be a positive applied current"):
        analyze(data, current_A=-1e-3)
    no_area = CellData.from_columns(data.table, data.meta.replace(area_m2=None))
    with pytest.raises(InputError, match="--current-density needs the electrode area"):
        analyze(no_area, current_density_A_m2=5.0)
    with pytest.raises(ProtocolError, match="records no current, and --protocol li-cu"):
        analyze(licu_v)
