"""The nucleation figures' record (echem.nucleation) on a first plating whose dip and growth
plateau are known by construction: -(0.02 V + 1e-5 V/s t' + 0.04 V (t'/5 s) exp(1 - t'/5 s))
after the 0 V crossing at 300 s (the dip term has died out, exp(-44), inside the plateau
window)."""

import dataclasses
import warnings

import numpy as np
import pytest

from lithiophile.echem import context
from lithiophile.echem.nucleation import nucleation_overpotential
from lithiophile.echem.segments import segment
from lithiophile.errors import DataQualityWarning
from lithiophile.io.celldata import CellData, Metadata


def _dip_cell(dt: float) -> CellData:
    t = np.arange(0.0, 1200.0, dt)
    tp = np.maximum(t - 300.0, 0.0)
    v = np.where(
        t < 300.0,
        2.9 * (1 - t / 300.0) ** 3,
        -(0.02 + 1e-5 * tp + 0.04 * (tp / 5.0) * np.exp(1 - tp / 5.0)),
    )
    return CellData.from_columns(
        {"time_s": t + 1000.0, "voltage_V": v, "current_A": np.full(t.size, -1e-3)},
        Metadata(area_m2=1e-4),
    )


def _run(cell: CellData, **kw):
    return nucleation_overpotential(
        segment(cell), context.TestContext.of(cell, None), half_cycle=1, cell_type="Li|Cu", **kw
    )


def test_event_states_the_signed_minimum_and_plateau():
    r = _run(_dip_cell(0.5))
    # minimum at t' = 5 s: -(0.02 + 5e-5 + 0.04) V; plateau: the 25-75 % window of the
    # 894.5 s from the minimum (t = 305 s) to the end (1199.5 s) is centred on t' = 452.25 s:
    # -(0.02 + 1e-5 x 452.25) = -0.02452 V (a straight line: its median is its centre)
    (event,) = r.events
    assert event.detail == "voltage minimum -0.06005 V; growth plateau -0.02452 V"
    assert r.metrics[1].value == pytest.approx(0.0245225, abs=3e-6)
    assert r.metrics[0].value == pytest.approx(0.06005 - 0.0245225, abs=3e-6)
    assert r.notes == ()


def test_result_is_frozen():
    r = _run(_dip_cell(0.5))
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.notes = ("changed",)  # type: ignore[misc]


def test_coarse_dip_warning_points_at_the_caller():
    # points 1.5 s apart around the minimum: unresolved (MAX_DT_S = 1 s); the warning names
    # the line that asked for the figure (stacklevel 2), here this test
    cell = _dip_cell(1.5)
    seg, ctx = segment(cell), context.TestContext.of(cell, None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        r = nucleation_overpotential(seg, ctx, half_cycle=1, cell_type="Li|Cu")
    assert r.metrics == () and r.events == ()
    (w,) = [w for w in caught if issubclass(w.category, DataQualityWarning)]
    assert w.filename == __file__
    # a wider limit resolves the same dip
    assert len(_run(_dip_cell(1.5), max_dt_s=2.0).metrics) == 2


def test_window_is_a_fraction_of_the_time_after_the_minimum():
    # window 50-100 %: centred on t' = 5 + 0.75 x 894.5 = 675.875 s -> plateau
    # 0.02 + 1e-5 x 675.875 V (the dip has died out there)
    r = _run(_dip_cell(0.5), window=(0.5, 1.0))
    assert r.metrics[1].value == pytest.approx(0.02675875, abs=3e-6)
    assert "50%-100% of the time from the minimum" in r.metrics[1].definition


def test_spacing_around_the_minimum():
    from lithiophile.echem.nucleation import _spacing_around

    # the two intervals next to point 2 (1 s each), not the 10 s and 18 s further out
    t = np.array([0.0, 10.0, 11.0, 12.0, 30.0])
    assert _spacing_around(t, 2) == 1.0
    # the minimum at the first point: only the interval after it (0.5 s)
    assert _spacing_around(np.array([0.0, 0.5, 20.0]), 0) == 0.5
    # a lone point: no spacing, never resolved
    assert _spacing_around(np.array([5.0]), 0) == np.inf


def test_growth_plateau_needs_three_points():
    from lithiophile.echem.nucleation import _growth_plateau
    from lithiophile.errors import CalculationFailed

    # window 25-50 % of 8 s after the minimum at 0 s: t = 2, 3, 4 s, three points whose
    # median is 2 V
    t = np.arange(9.0)
    y = np.array([9.0, 9.0, 1.0, 2.0, 3.0, 9.0, 9.0, 9.0, 9.0])
    assert _growth_plateau(t, y, 0.0, (0.25, 0.5), 1) == 2.0
    # 25-35 %: 2 to 2.8 s holds t = 2 s only: refused, with the count
    with pytest.raises(CalculationFailed, match="has 1 points in its window"):
        _growth_plateau(t, y, 0.0, (0.25, 0.35), 1)


def test_a_plating_that_only_reaches_0_V_is_refused():
    from lithiophile.errors import CalculationFailed

    # the voltage falls from 0.5 V to exactly 0 V (Li's equilibrium) and never below: no
    # nucleation overpotential to measure
    t = np.arange(0.0, 100.0, 0.5)
    v = np.maximum(0.5 - 0.01 * t, 0.0)
    cell = CellData.from_columns(
        {"time_s": t, "voltage_V": v, "current_A": np.full(t.size, -1e-3)},
        Metadata(area_m2=1e-4),
    )
    with pytest.raises(CalculationFailed, match="never goes below 0 V vs Li"):
        _run(cell)
