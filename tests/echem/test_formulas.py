"""Cases where each formula's variants give different numbers (issue 11 item 20): unequal
stripping and plating sums in the reservoir protocol, drifting plateaus, a growth plateau that
is not flat, and a CCD short in the last half-cycle of the test. Expected values are hand
calculations from how each case is built."""

import numpy as np
import pytest

from lithiophile.echem import analyze
from lithiophile.io.celldata import CellData, Metadata
from lithiophile.synth import cells


def test_reservoir_with_unequal_strip_and_plate_sums():
    # each cycle strips 0.8 Q_C and plates Q_C: n Q_C stripped != plated
    s = cells.li_cu_reservoir(sample_s=60.0, strip_fraction=0.8, n_cycles=6, ce=0.97)
    r = analyze(s.data)
    m = r.metric("average_ce", "reservoir")
    t = s.truth
    # Adams 2018 with the measured sums: (sum strip + Q_S) / (sum plate + Q_T)
    by_hand = (6 * 0.8 * t["q_c_C"] + t["q_s_C"]) / (6 * t["q_c_C"] + t["q_t_C"])
    assert by_hand == pytest.approx(t["ce_adams"], rel=1e-12)
    assert m.value == pytest.approx(by_hand, rel=1e-6)
    swapped = (6 * t["q_c_C"] + t["q_s_C"]) / (6 * 0.8 * t["q_c_C"] + t["q_t_C"])
    assert abs(swapped - by_hand) > 100 * abs(m.value - by_hand)


def _drifting_symmetric():
    """Li||Li, 4 half-cycles of 1000 s at 1 mA, 1 s records; |V| rises linearly within each
    half-cycle from 10 to 30 mV: the median over 25-75 % of the duration is |V| at 50 %, 20 mV
    (over 0-75 % it would be 17.5 mV)."""
    t, v, i = [], [], []
    for h in range(4):
        sgn = -1.0 if h % 2 == 0 else 1.0
        tau = np.arange(0.0, 1001.0, 1.0)
        t.append(h * 1000.0 + 1e-3 * h + tau)
        v.append(sgn * (0.01 + 0.02 * tau / 1000.0))
        i.append(np.full(tau.size, sgn * 1e-3))
    return CellData.from_columns(
        {
            "time_s": np.concatenate(t),
            "voltage_V": np.concatenate(v),
            "current_A": np.concatenate(i),
        }
    )


def test_plateau_window_on_drifting_plateaus():
    r = analyze(_drifting_symmetric())
    np.testing.assert_allclose(r.half_cycles.get_column("plateau_abs_V"), 0.02, atol=1e-9)
    assert r.metric("polarization", "peak").value == pytest.approx(0.03, abs=1e-12)
    # hysteresis: stripping minus plating plateau voltage, +20 mV - (-20 mV)
    assert r.metric("polarization", "hysteresis").value == pytest.approx(0.04, abs=1e-9)


def test_growth_plateau_anchored_at_the_minimum():
    # a first plating on Cu, 0.5 s records: the SEI slope from 2.9 V to 0 V over 300 s, then the
    # nucleation dip (-60 mV at 305 s) on a growth overpotential that rises linearly,
    # |V| = 20 mV + 1e-5 V/s x (t - 300 s). The growth plateau is the median over 25-75 % of the
    # time from the minimum to the end: |V| at the middle of that window.
    t = np.arange(0.0, 1200.0, 0.5)
    tp = np.maximum(t - 300.0, 0.0)
    growth = 0.02 + 1e-5 * tp
    dip = 0.04 * (tp / 5.0) * np.exp(1 - tp / 5.0)
    v = np.where(t < 300.0, 2.9 * (1 - t / 300.0) ** 3, -(growth + dip))
    cell = CellData.from_columns(
        {"time_s": t, "voltage_V": v, "current_A": np.full(t.size, -1e-3)},
        Metadata(area_m2=1e-4),
    )
    r = analyze(cell, protocol="nucleation")
    t_min = t[np.argmax(-v)]
    middle = t_min + 0.5 * (t[-1] - t_min)
    plateau = 0.02 + 1e-5 * (middle - 300.0)
    assert r.metric("growth_overpotential").value == pytest.approx(plateau, abs=2e-6)
    v_min = float(np.max(-v))
    assert r.metric("nucleation_overpotential").value == pytest.approx(v_min - plateau, abs=2e-6)
    # anchored at the start of the plating the window's middle would be 600 s: 1.5 mV apart
    assert abs(0.02 + 1e-5 * 300.0 - plateau) > 1e-3


@pytest.mark.parametrize("short_half", [0, 1])
def test_ccd_short_in_either_half_cycle_of_the_step(short_half):
    # the 6 A m-2 step shorts 30 % into its first or its second (the test's last) half-cycle
    s = cells.ccd_test(steps=10, critical_A_m2=6.0, short_half=short_half)
    r = analyze(s.data)
    assert r.metric("critical_current_density", "failure step").value == pytest.approx(6.0)
    assert r.metric("critical_current_density", "last stable step").value == pytest.approx(5.0)
    # cumulative areal charge before the short: 2 x 1800 s x (1 + ... + 5) A m-2, plus what the
    # failing step passed (generator's truth)
    assert r.metric("cumulative_capacity").value == pytest.approx(
        s.truth["cumulative_C_m2"], rel=2e-3
    )


def test_ccd_on_one_current_level_says_so(sym):
    # called on a constant-current Li||Li cell directly (analyze refuses it earlier): one
    # level, the generator's 5 A m-2
    from lithiophile.echem.ccd import critical_current_density, current_steps
    from lithiophile.echem.context import TestContext
    from lithiophile.echem.result import AnalysisOptions
    from lithiophile.echem.segments import segment
    from lithiophile.errors import CalculationFailed

    seg = segment(sym.data)
    ctx = TestContext.of(sym.data, None)
    with pytest.raises(
        CalculationFailed,
        match=r"^the current is not stepped up: 1 current level\(s\) \[A m-2\]: 5; a CCD test "
        r"raises the current density step by step$",
    ):
        critical_current_density(seg, ctx, AnalysisOptions())
    one = seg.half_cycles.head(1)
    assert current_steps(one).tolist() == [1]
    assert current_steps(one.head(0)).tolist() == []


def _ccd_parts(*levels):
    """Li||Li, one cycle (2 x 1800 s) per current density in ``levels`` [A m-2], joined."""
    import polars as pl

    frames, now = [], 0.0
    for j in levels:
        part = cells.symmetric(current_density_A_m2=j, cycles=1, half_cycle_s=1800.0, sample_s=60.0)
        t = part.data.table.select("time_s", "voltage_V", "current_A")
        frames.append(t.with_columns(pl.col("time_s") + now))
        now += float(t["time_s"][-1]) + 1.0
    return CellData.from_columns(pl.concat(frames), Metadata(area_m2=cells.COIN_AREA_M2))


def test_ccd_of_two_levels_and_of_a_current_stepped_down():
    from lithiophile.echem.ccd import critical_current_density
    from lithiophile.echem.context import TestContext
    from lithiophile.echem.result import AnalysisOptions
    from lithiophile.echem.segments import segment
    from lithiophile.errors import CalculationFailed

    up = _ccd_parts(2.0, 4.0)
    res = critical_current_density(
        segment(up), TestContext.of(up, None), AnalysisOptions(protocol="ccd")
    )
    # two levels stepped up, no short: said so, with the steps table (2 half-cycles each)
    assert res.notes == ("no short up to 4 A m-2 in 2 steps (no CCD within the data)",)
    assert res.steps.get_column("half_cycles").to_list() == [2, 2]
    assert "fixed time: 1800 s per half-cycle, steps of 2 A m-2" in res.protocol
    down = _ccd_parts(4.0, 2.0)
    with pytest.raises(
        CalculationFailed, match=r"not stepped up: 2 current level\(s\) \[A m-2\]: 4, 2; a CCD"
    ):
        critical_current_density(
            segment(down), TestContext.of(down, None), AnalysisOptions(protocol="ccd")
        )
    bare = TestContext.of(up, None).__class__(None, None, None, 0.0)
    from lithiophile.errors import InputError

    with pytest.raises(InputError, match=r"^The critical current density is an areal figure"):
        critical_current_density(segment(up), bare, AnalysisOptions(protocol="ccd"))


def _dip_cell(dt=0.5, hole=False):
    """The first plating of test_growth_plateau_anchored_at_the_minimum, sampled every ``dt``;
    ``hole``: a missing voltage just before the dip."""
    t = np.arange(0.0, 1200.0, dt)
    tp = np.maximum(t - 300.0, 0.0)
    v = np.where(
        t < 300.0,
        2.9 * (1 - t / 300.0) ** 3,
        -(0.02 + 1e-5 * tp + 0.04 * (tp / 5.0) * np.exp(1 - tp / 5.0)),
    )
    if hole:
        v[int(303.0 / dt)] = np.nan
    return CellData.from_columns(  # the clock starts at 1000 s: times are test time
        {"time_s": t + 1000.0, "voltage_V": v, "current_A": np.full(t.size, -1e-3)},
        Metadata(area_m2=1e-4),
    )


def test_nucleation_conditions_definitions_and_sampling_limit():
    from lithiophile.echem.context import TestContext
    from lithiophile.echem.nucleation import nucleation_overpotential
    from lithiophile.echem.segments import segment
    from lithiophile.errors import DataQualityWarning

    r = analyze(_dip_cell(), protocol="nucleation")
    eta = r.metric("nucleation_overpotential")
    # the dip of x exp(1 - x) peaks at x = 1: 5 s after the 0 V crossing at 300 s
    assert eta.conditions.time_s == pytest.approx(305.0) and eta.conditions.cycle == 1
    w = "25%-75% of the time from the minimum to the end of the plating"
    assert (
        eta.definition == f"|V_min| - |V_plateau| of the first plating; V_plateau = median over {w}"
    )
    assert r.metric("growth_overpotential").definition == (
        f"|V_plateau| of the first plating, median over {w}"
    )
    (event,) = [e for e in r.events if e.kind == "nucleation"]
    assert event.time_s == pytest.approx(305.0) and event.cycle == 1
    assert event.detail.startswith("voltage minimum -0.06")
    # a missing voltage near the dip does not move the figures
    o = analyze(_dip_cell(hole=True), protocol="nucleation")
    assert o.metric("nucleation_overpotential").value == pytest.approx(eta.value, abs=1e-9)
    # points exactly 1 s apart resolve the dip; 1.5 s do not (MAX_DT_S = 1 s)
    analyze(_dip_cell(dt=1.0), protocol="nucleation").metric("nucleation_overpotential")
    with pytest.warns(
        DataQualityWarning,
        match=r"^nucleation overpotential not computed: the points around the voltage minimum "
        r"\(t = 304\.5 s\) are 1\.5 s apart, more than 1 s, too coarse to resolve the nucleation "
        r"dip; record the first plating faster$",
    ):
        analyze(_dip_cell(dt=1.5), protocol="nucleation")
    cell = _dip_cell()
    direct = nucleation_overpotential(
        segment(cell), TestContext.of(cell, None), half_cycle=1, cell_type="Li|Cu"
    )
    assert direct.metrics[1].value == pytest.approx(r.metric("growth_overpotential").value)


def test_nucleation_refusals_say_why():
    from lithiophile.echem import ProtocolError

    t = np.arange(0.0, 600.0, 0.5)
    above = CellData.from_columns(
        {"time_s": t, "voltage_V": np.full(t.size, 0.5), "current_A": np.full(t.size, -1e-3)}
    )
    with pytest.raises(
        ProtocolError,
        match=r"^--protocol nucleation cannot be applied: the plating half-cycle 1 never goes "
        r"below 0 V vs Li \(its voltage ends at 0\.5 V\): no Li nucleation to measure$",
    ):
        analyze(above, protocol="nucleation")
    # the voltage falls to its minimum at the very end: no growth plateau after it
    falling = CellData.from_columns(
        {"time_s": t, "voltage_V": -0.01 - 1e-4 * t, "current_A": np.full(t.size, -1e-3)}
    )
    with pytest.raises(
        ProtocolError,
        match=r"^--protocol nucleation cannot be applied: the growth plateau after the "
        r"nucleation minimum of half-cycle 1 has 1 points in its window; the plating ends too "
        r"soon after the dip$",
    ):
        analyze(falling, protocol="nucleation")


def test_nucleation_in_the_opposite_sign_convention():
    # a Li||Cu file written with the opposite sign (plating is positive current there): the
    # first plating's figures are those of the package's convention
    a = analyze(cells.li_cu(cycles=2, sample_s=60.0, noise_V=0.0).data)
    b = analyze(cells.li_cu(cycles=2, sample_s=60.0, noise_V=0.0, reversed_sign=True).data)
    for name in ("nucleation_overpotential", "growth_overpotential"):
        assert b.metric(name).value == pytest.approx(a.metric(name).value, abs=1e-12)
