"""Nucleation and growth overpotential of a first plating (Yan 2016, Pei 2017)."""

import warnings

import pytest

from lithiophile.echem import analyze
from lithiophile.errors import DataQualityWarning
from lithiophile.synth import cells


def test_first_plating_figures():
    s = cells.first_plating(sample_s=0.1)
    r = analyze(s.data)
    assert r.protocol == "nucleation"
    # truth: the dip of the noiseless function on a 1 ms grid minus the growth plateau
    assert r.metric("nucleation_overpotential").value == pytest.approx(
        s.truth["eta_nuc_V"], abs=5e-4
    )
    assert r.metric("growth_overpotential").value == pytest.approx(
        s.truth["eta_growth_V"], abs=1e-4
    )
    (event,) = [e for e in r.events if e.kind == "nucleation"]
    # the minimum of g(t') = t'/tau exp(1 - t'/tau) plus the growth rise: a few s after 0 V
    # is crossed at 20 s
    assert 20 < event.time_s < 30


def test_li_cu_reports_nucleation_of_its_first_plating(licu):
    r = analyze(licu.data)
    assert r.metric("nucleation_overpotential").value == pytest.approx(
        licu.truth["eta_nuc_V"], abs=5e-4
    )


def test_coarse_sampling_warns_instead_of_a_number():
    s = cells.first_plating(sample_s=5.0)
    with pytest.warns(DataQualityWarning, match="too coarse to resolve the nucleation dip"):
        r = analyze(s.data)
    assert not r.find("nucleation_overpotential")
    assert any("5 s apart" in n for n in r.notes)


def test_no_plating_below_zero_is_refused():
    from lithiophile.echem.protocols import ProtocolError
    from lithiophile.io.celldata import CellData

    s = cells.first_plating(sample_s=0.5, duration_s=15.0)  # ends before 0 V is reached (20 s)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ProtocolError, match="never goes below 0 V"):
            analyze(
                CellData.from_columns(s.data.table.select("time_s", "voltage_V", "current_A")),
                protocol="nucleation",
            )
