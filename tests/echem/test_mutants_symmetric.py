"""symmetric.py pinned by answers known without the code: collapse thresholds worked by hand
from the definition in docs/methods.md ("Shorts"), hand-made voltage and current records whose
V/I, median and interquartile spread are known by construction, and the synthetic Li||Li cells
of lithiophile.synth.cells. Written to kill the mutants mutmut left alive in symmetric.py
(issue 11)."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import numpy as np
import polars as pl
import pytest

from lithiophile.echem import analyze, context
from lithiophile.echem.result import AnalysisOptions, Event
from lithiophile.echem.symmetric import (
    Failure,
    SymmetricResult,
    _collapse_threshold,
    _cycle_polarization,
    _cycle_table,
    _failure_figures,
    _half_cycle_polarization,
    _hard_short,
    _settled,
    detect_failure,
    soft_shorts,
)
from lithiophile.synth import cells

REF = "definition: docs/methods.md, 'Shorts'"


def _plateaus(*p: float) -> pl.DataFrame:
    return pl.DataFrame({"plateau_abs_V": list(p)}, schema={"plateau_abs_V": pl.Float64})


@pytest.mark.parametrize(
    ("plateaus", "expected"),
    [
        # no half-cycle: the absolute floor, from half-cycle 1
        ((), (0.005, 1)),
        # 100 mV then 10 mV: before = (0.1, 0.1, 0.1, 0.01); threshold min(max(5 mV, 20 mV),
        # 50 mV) = 20 mV; every plateau from index 2 stays below it -> 20 mV, search from 2
        ((0.1, 0.1, 0.01, 0.01), (0.02, 2)),
        # the collapse right after the first half-cycle: h = 1 (0-based), searched from 1
        ((0.1, 0.01, 0.01), (0.02, 1)),
        # a 4 mV cell (solid electrolyte at uA): the 5 mV floor is capped at half of it, 2 mV
        ((0.004, 0.004, 0.0005, 0.0005), (0.002, 2)),
        # no collapse: the threshold of the smallest plateau, only in the last half-cycle
        ((0.1, 0.1), (0.02, 2)),
        ((0.004, 0.004), (0.002, 2)),
        ((0.1,), (0.02, 1)),
        # a plateau exactly at a fifth of the one before is not below it (powers of two keep
        # 0.2 x 0.125 = 0.025 exact): no collapse found, the last half-cycle's threshold
        # min(max(5 mV, 0.2 x 25 mV), 0.5 x 25 mV) = 5 mV
        ((0.125, 0.125, 0.025, 0.025), (0.2 * 0.025, 4)),
    ],
)
def test_collapse_threshold_by_hand(plateaus, expected):
    thr, start = _collapse_threshold(_plateaus(*plateaus), 0.005)
    assert (thr, start) == (pytest.approx(expected[0], rel=1e-12), expected[1])


def _seg(v, i, t0=50.0):
    t = 100.0 + 10.0 * np.arange(len(v))
    return SimpleNamespace(
        time_s=t, t0=t0, voltage_V=np.asarray(v, float), current_A=np.asarray(i, float)
    )


def test_hard_short_without_a_current_by_hand():
    seg = _seg([0.0, 0.001, 0.001, 0.001], [0.0] * 4)
    f = _hard_short(seg, np.array([1, 2, 3]), 0.012349, 7200.0, 3, ohmic_check=False)
    # the first record of the tail, row 1 at 110 s, minus t0 = 50 s; 12.349 mV shows as 12.3
    assert f == Failure(
        "hard-short",
        1,
        60.0,
        3,
        "|V| collapsed below 12.3 mV at the first record showing it and stayed there for the "
        f"remaining 2 h; without a current the response cannot be checked for being ohmic ({REF})",
    )
    assert f.failed


@pytest.mark.parametrize(
    ("r0", "step", "current", "what"),
    [
        # V/I = 2 + 0.01 k, k = 0..100: median 2.5, quartiles 2.75 and 2.25 (spread 0.5)
        (2.0, 0.01, 1e-3, "ohmic, R = 2.5 ohm (V/I interquartile spread 0.5 ohm)"),
        # a 0.5-ohm short at exactly 1 A: V/I = 0.5 + 0.001 k -> median 0.55, spread 0.05
        (0.5, 0.001, 1.0, "ohmic, R = 0.55 ohm (V/I interquartile spread 0.05 ohm)"),
        # spread 50 ohm around a median of 52: not ohmic
        (2.0, 1.0, -1e-3, "not clearly ohmic (V/I median 52 ohm, spread 50 ohm)"),
        # V/I = 0.5 + 0.01 k at 1 A (exact): median 1, quartiles 1.25 and 0.75, spread 0.5 =
        # half the median, which is not below half of it
        (0.5, 0.01, 1.0, "not clearly ohmic (V/I median 1 ohm, spread 0.5 ohm)"),
    ],
)
def test_hard_short_ohmic_check_by_hand(r0, step, current, what):
    r = r0 + step * np.arange(101)
    i = np.full(101, current)
    seg = _seg(r * i, i, t0=40.0)
    f = _hard_short(seg, np.arange(101), 0.012349, 3600.0, 2, ohmic_check=True)
    assert (f.criterion, f.row, f.time_s, f.half_cycle) == ("hard-short", 0, 60.0, 2)
    assert f.detail == (
        "|V| collapsed below 12.3 mV at the first record showing it and stayed there for the "
        f"remaining 1 h of cycling; response {what} ({REF})"
    )


def test_results_are_immutable():
    f = Failure("none", None, 1.0, None, "")
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.time_s = 2.0
    res = SymmetricResult((), pl.DataFrame(), pl.DataFrame(), (), f, ())
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.notes = ("x",)


def test_ccd_figures_are_those_of_a_li_li_cell():
    s = cells.ccd_test(start_A_m2=1.0, step_A_m2=1.0, critical_A_m2=6.0)
    r = analyze(s.data)
    assert {m.conditions.cell for m in r.metrics} == {"Li|Li"}


#: a plateau whose fifth is 12.349 mV: shown as 12.3 mV (x 1.001 would show 12.4)
P = 0.061745
THR_TEXT = "12.3 mV"


def _cell(v, per_half, duration_s, plateaus, t0=1000.0, dt=10.0):
    """A hand-made segmentation: records every ``dt`` s from ``t0``, ``per_half`` records per
    half-cycle, the half-cycles' plateaus and durations as given; current 1 mA flowing with
    the sign of V (an ohmic response V = I x |V| / 1 mA)."""
    v = np.asarray(v, float)
    n = v.size
    row_half = np.arange(n) // per_half + 1
    half = pl.DataFrame(
        {
            "plateau_abs_V": [float(x) for x in plateaus],
            "duration_s": [float(duration_s)] * len(plateaus),
        }
    )
    t = t0 + dt * np.arange(n)
    seg = SimpleNamespace(
        half_cycles=half, time_s=t, t0=t0, voltage_V=v, current_A=np.where(v < 0, -1e-3, 1e-3)
    )
    return seg, row_half


def _volts(n, short_from, low=0.002, nan_at=None):
    v = np.array([P if k % 2 == 0 else -P for k in range(n)])  # any sign: |V| counts
    v[short_from:] = low
    if nan_at is not None:
        v[nan_at] = np.nan
    return v


def test_no_half_cycle_is_no_failure_timed_from_the_first_record():
    seg, _ = _cell(np.full(5, 0.1), 5, 40.0, [0.1])
    f = detect_failure(seg, AnalysisOptions(), np.zeros(5, dtype=int))
    # 5 records 10 s apart: the data end 40 s after the first
    assert f == Failure("none", None, 40.0, None, "no half-cycles")
    assert not f.failed


def test_confirmed_short_starting_on_a_half_cycles_last_record():
    # 4 half-cycles of 10 records (100 s); plateaus P, P, P then 2 mV: the collapse threshold is
    # P / 5 from half-cycle 3 (hand: test_collapse_threshold_by_hand); |V| is 2 mV from row 29,
    # the last record of half-cycle 3, to the end: 11 records over 100 s >= 50 s -> a short at
    # 1000 + 290 s, i.e. 290 s into the test, in half-cycle 3, ohmic with R = 2 mV / 1 mA
    v = _volts(40, 29)
    seg, row_half = _cell(v, 10, 100.0, [P, P, P, 0.002])
    f = detect_failure(seg, AnalysisOptions(), row_half)
    assert (f.criterion, f.row, f.time_s, f.half_cycle) == ("hard-short", 29, 290.0, 3)
    assert f.detail == (
        f"|V| collapsed below {THR_TEXT} at the first record showing it and stayed there for "
        "the remaining 0.02778 h of cycling; response ohmic, R = 2 ohm (V/I interquartile "
        f"spread 0 ohm) ({REF})"
    )
    # the default checks the response for being ohmic
    assert detect_failure(seg, AnalysisOptions(), row_half, ohmic_check=True) == f


def test_an_unreadable_voltage_is_neither_low_nor_over_the_limit():
    # as above, with the record just before the collapse unreadable (NaN): the short still
    # starts at row 29, and NaN never reaches the polarization limit
    v = _volts(40, 29, nan_at=28)
    seg, row_half = _cell(v, 10, 100.0, [P, P, P, 0.002])
    f = detect_failure(seg, AnalysisOptions(), row_half)
    assert (f.criterion, f.row, f.time_s) == ("hard-short", 29, 290.0)


def test_three_records_over_half_a_half_cycle_are_just_enough():
    # 3 half-cycles of 4 records (40 s each): a short needs 3 records and 20 s; rows 9-11
    # (3 records, 20 s) confirm it, in half-cycle 3, 90 s into the test
    seg, row_half = _cell(_volts(12, 9), 4, 40.0, [P, P, 0.002])
    f = detect_failure(seg, AnalysisOptions(), row_half)
    assert (f.criterion, f.row, f.time_s, f.half_cycle) == ("hard-short", 9, 90.0, 3)


def test_two_records_are_too_few_and_the_note_says_so():
    # rows 10-11 only: 2 records over 10 s (from 100 s = 0.02778 h); the data end at 110 s
    seg, row_half = _cell(_volts(12, 10), 4, 40.0, [P, P, 0.002])
    f = detect_failure(seg, AnalysisOptions(), row_half)
    assert f == Failure(
        "none",
        None,
        110.0,
        None,
        f"no failure within 0.03056 h; |V| collapsed below {THR_TEXT} in the last 2 points "
        "(from 0.02778 h, 10 s), too few to confirm a hard short (it must last 50% of a "
        f"half-cycle, 20 s, and 3 points; {REF})",
    )


def test_polarization_limit_is_reached_at_equality():
    # |V| = 1 V exactly at row 6 (half-cycle 2): the limit of 1 V is reached there, 60 s in
    v = np.full(12, 0.5)
    v[6] = -1.0
    seg, row_half = _cell(v, 4, 40.0, [0.5, 0.5, 0.5])
    f = detect_failure(seg, AnalysisOptions(), row_half)
    assert f == Failure("polarization-limit", 6, 60.0, 2, "|V| reached 1 V, over the limit of 1 V")


def test_the_earlier_of_a_short_and_the_limit_is_the_failure():
    # |V| of 1.2 V at row 2 (20 s, half-cycle 1) and a confirmed short from row 9 (90 s): both
    # are found, the limit comes first
    v = _volts(12, 9)
    v[2] = 1.2
    seg, row_half = _cell(v, 4, 40.0, [P, P, 0.002])
    f = detect_failure(seg, AnalysisOptions(), row_half)
    assert (f.criterion, f.row, f.time_s, f.half_cycle) == ("polarization-limit", 2, 20.0, 1)


def test_settled_once_the_voltage_reaches_half_the_plateau_with_the_currents_sign():
    # rows 0-1 rest; half-cycle 1 (rows 2-7) plating, I < 0, plateau 10 mV; half-cycle 2 (rows
    # 8-13) stripping, I > 0, plateau 10 mV. Half-cycle 1 reaches -5 mV (exactly half of
    # -10 mV) at row 4; half-cycle 2 reaches +5 mV at row 10 and stays settled through its
    # dip at row 12
    first = [0.0, 0.0, 0.01, -0.002, -0.005, -0.01, -0.01, -0.01]
    v = np.array([*first, -0.01, 0.004, 0.005, 0.01, 0.003, 0.01])
    half = pl.DataFrame({"current_A": [-1e-3, 1e-3], "row_start": [2, 8]})
    row_half = np.array([0, 0] + [1] * 6 + [2] * 6)
    seg = SimpleNamespace(half_cycles=half, voltage_V=v)
    got = _settled(seg, row_half, np.array([np.nan, 0.01, 0.01]))
    want = [False, False, False, False, True, True, True, True]
    want += [False, False, True, True, True, True]
    assert got.tolist() == want


@pytest.mark.parametrize("rest_rows", [0, 1])
def test_settled_from_a_half_cycles_first_record(rest_rows):
    # no reversal transient: each half-cycle is at its plateau from its first record, so every
    # record of it is settled (with and without a rest record before the first half-cycle)
    v = np.array([0.0] * rest_rows + [-0.01] * 4 + [0.01] * 4)
    half = pl.DataFrame({"current_A": [-1e-3, 1e-3], "row_start": [rest_rows, rest_rows + 4]})
    row_half = np.array([0] * rest_rows + [1] * 4 + [2] * 4)
    seg = SimpleNamespace(half_cycles=half, voltage_V=v)
    got = _settled(seg, row_half, np.array([np.nan, 0.01, 0.01]))
    assert got.tolist() == [False] * rest_rows + [True] * 8


def _soft_cell(dips, halves=2, dt=1.0, t0=5000.0, flowing=None):
    """Half-cycles of 100 records ``dt`` apart from ``t0``, stripping (+20 mV) then plating
    (-20 mV), each at its 20 mV plateau from its first record (settled at once); ``dips``:
    (first row, rows, |V|) with the half-cycle's sign. A half-cycle's record k sits at
    position k / 100 of its duration (100 dt)."""
    n = 100 * halves
    sign = np.where((np.arange(n) // 100) % 2 == 0, 1.0, -1.0)
    v = 0.02 * sign
    for a, k, value in dips:
        v[a : a + k] = value * sign[a : a + k]
    t = t0 + dt * np.arange(n)
    half = pl.DataFrame(
        {
            "plateau_abs_V": [0.02] * halves,
            "t_start_s": [t[100 * h] for h in range(halves)],
            "duration_s": [100 * dt] * halves,
            "current_A": [1e-3 if h % 2 == 0 else -1e-3 for h in range(halves)],
            "row_start": [100 * h for h in range(halves)],
        }
    )
    seg = SimpleNamespace(half_cycles=half, time_s=t, t0=t0, voltage_V=v, flowing=flowing)
    row_half = np.arange(n) // 100 + 1
    return seg, row_half


def _soft(seg, row_half, before_row=None):
    cycle_of_half = np.concatenate(([0], np.arange(seg.half_cycles.height) // 2 + 1))
    return soft_shorts(seg, row_half, before_row, cycle_of_half)


def _event(start, rows, dt, h, to_mV):
    return Event(
        "soft-short",
        start * dt,
        duration_s=rows * dt,
        half_cycle=h,
        cycle=1,
        detail=f"|V| dropped from the 20 mV plateau to {to_mV} mV and recovered ({REF})",
    )


@pytest.mark.parametrize("dt", [1.0, 0.005])
def test_soft_shorts_by_hand(dt):
    # dips: rows 3-6 (4 records from position 0.03), 10-14 (5 records), 30 (one record: noise),
    # 40-41 (2 records: enough), 150-152 (3 records in the plating half-cycle 2); the same at
    # 1 s and at 5 ms per record (positions do not depend on the time unit)
    dips = [(3, 4, 0.001), (10, 5, 0.001), (30, 1, 0.001), (40, 2, 0.002), (150, 3, 0.003)]
    seg, row_half = _soft_cell(dips, dt=dt)
    got = _soft(seg, row_half)
    want = [
        _event(3, 4, dt, 1, 1),
        _event(10, 5, dt, 1, 1),
        _event(40, 2, dt, 1, 2),
        _event(150, 3, dt, 2, 3),
    ]
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert (g.kind, g.half_cycle, g.cycle, g.detail) == (w.kind, w.half_cycle, 1, w.detail)
        assert g.time_s == pytest.approx(w.time_s, rel=1e-12)
        assert g.duration_s == pytest.approx(w.duration_s, rel=1e-12)


def test_soft_short_in_a_test_of_one_half_cycle():
    seg, row_half = _soft_cell([(10, 5, 0.001)], halves=1)
    (e,) = _soft(seg, row_half)
    assert (e.time_s, e.duration_s, e.half_cycle) == (10.0, 5.0, 1)


@pytest.mark.parametrize(
    ("dip", "why"),
    [
        # rows 90-97, back at the plateau at row 98 = position 0.98, outside the interior
        ((90, 8, 0.001), "recovers only outside the half-cycle's interior"),
        # |V| exactly half the plateau (10 mV of 20, exact in binary) is not below half of it
        ((50, 5, 0.01), "not below half the plateau"),
    ],
)
def test_what_is_not_a_soft_short(dip, why):
    seg, row_half = _soft_cell([dip])
    assert _soft(seg, row_half) == [], why


def test_soft_short_starting_on_the_interiors_edge():
    # rows 2-6 low; row 2 sits at position 0.02 exactly, not inside (0.02, 0.98): the event
    # starts at row 3 and lasts 4 records
    seg, row_half = _soft_cell([(2, 5, 0.001)])
    (e,) = _soft(seg, row_half)
    assert (e.time_s, e.duration_s) == (3.0, 4.0)


def test_soft_shorts_after_the_failure_row_are_not_counted():
    seg, row_half = _soft_cell([(10, 5, 0.001), (150, 3, 0.001)])
    assert [e.time_s for e in _soft(seg, row_half, before_row=120)] == [10.0]
    # records that carry no current (a rest inside the half-cycle) are not inside it either
    flowing = np.ones(200, dtype=bool)
    flowing[8:20] = False
    seg2, _ = _soft_cell([(10, 5, 0.001), (150, 3, 0.001)], flowing=flowing)
    assert [e.time_s for e in _soft(seg2, row_half)] == [150.0]


T0 = 100.0
WINDOW = "median |V| over 25%-75% of each half-cycle's duration"


def _ctx():
    return context.TestContext(1e-4, 298.15, "sha", T0)


def _halves():
    """Five half-cycles (plating first, I < 0), the fifth without its partner; 1 mA then
    2 mA, ends every 1000 s after T0."""
    return pl.DataFrame(
        {
            "half_cycle": [1, 2, 3, 4, 5],
            "t_end_s": [T0 + 1000.0 * k for k in range(1, 6)],
            "plateau_abs_V": [0.02, 0.03, 0.04, 0.06, 0.05],
            "peak_abs_V": [0.05, 0.04, 0.07, 0.08, 0.09],
            "plateau_V": [-0.02, 0.03, -0.04, 0.06, -0.05],
            "current_A": [-1e-3, 1e-3, -2e-3, 2e-3, -2e-3],
            "abs_current_A": [1e-3, 1e-3, 2e-3, 2e-3, 2e-3],
            "capacity_C": [3.6, 3.6, 7.2, 7.2, 7.2],
        }
    )


def test_cycle_table_by_hand():
    t = _cycle_table(_halves(), T0)
    # two complete cycles (the fifth half-cycle has no partner); times in test time
    assert t.get_column("cycle").to_list() == [1, 2]
    assert t.get_column("t_end_s").to_list() == [2000.0, 4000.0]
    assert t.get_column("plateau_V").to_list() == pytest.approx([0.025, 0.05], rel=1e-12)
    assert t.get_column("peak_V").to_list() == [0.05, 0.08]
    # stripping (I > 0) minus plating plateau: 0.03 + 0.02, 0.06 + 0.04
    assert t.get_column("hysteresis_V").to_list() == pytest.approx([0.05, 0.1], rel=1e-12)
    assert t.get_column("abs_current_A").to_list() == [1e-3, 2e-3]
    assert t.get_column("capacity_C").to_list() == [3.6, 7.2]


def test_first_and_last_cycle_polarization_by_hand():
    cycles = _cycle_table(_halves(), T0)
    got = _cycle_polarization(cycles, False, _ctx(), "Li|Li", WINDOW)
    assert [(m.variant, m.notes) for m in got] == [
        ("plateau", ("first cycle",)),
        ("peak", ("first cycle",)),
        ("hysteresis", ("first cycle",)),
        ("plateau", ("last cycle",)),
        ("peak", ("last cycle",)),
        ("hysteresis", ("last cycle",)),
    ]
    assert [m.value for m in got] == pytest.approx([0.025, 0.05, 0.05, 0.05, 0.08, 0.1])
    assert [m.definition for m in got[:3]] == [
        f"mean over the cycle's two half-cycles of the {WINDOW}; first cycle",
        "max |V| over the cycle's two half-cycles; first cycle",
        f"stripping minus plating voltage of the cycle ({WINDOW}); first cycle",
    ]
    last = got[3].conditions
    # cycle 2: 2 mA and 7.2 C on 1 cm2 = 20 A m-2 and 72000 C m-2, ending 4000 s in
    assert (last.cycle, last.time_s, last.cell, last.temperature_K) == (2, 4000.0, "Li|Li", 298.15)
    assert last.current_density_A_m2 == pytest.approx(20.0)
    assert last.areal_capacity_C_m2 == pytest.approx(72000.0)
    assert all(m.source == "sha" and m.metric == "polarization" for m in got)
    failed = _cycle_polarization(cycles, True, _ctx(), "Li|Li", WINDOW)
    assert failed[-1].notes == ("before failure",)
    assert failed[-1].definition.endswith("; before failure")
    # one cycle: its figures once, as the first cycle
    one = _cycle_polarization(cycles.head(1), False, _ctx(), "Li|Li", WINDOW)
    assert [m.notes for m in one] == [("first cycle",)] * 3


def test_first_half_cycle_polarization_by_hand():
    row = _halves().row(0, named=True)
    got = _half_cycle_polarization(row, _ctx(), "Li|Li", WINDOW)
    assert [(m.variant, m.value) for m in got] == [("plateau", 0.02), ("peak", 0.05)]
    assert [m.definition for m in got] == [
        f"{WINDOW} (first half-cycle)",
        "max |V| over the first half-cycle",
    ]
    c = got[0].conditions
    # half-cycle 1 ends 1000 s into the test; 1 mA and 3.6 C on 1 cm2
    assert (c.cycle, c.time_s, c.cell) == (1, 1000.0, "Li|Li")
    assert c.current_density_A_m2 == pytest.approx(10.0)
    assert c.areal_capacity_C_m2 == pytest.approx(36000.0)
    assert all(m.notes == ("first half-cycle",) and m.source == "sha" for m in got)
    # an unknown peak is left out, not reported as NaN
    nan_peak = dict(row, peak_abs_V=float("nan"))
    assert [m.variant for m in _half_cycle_polarization(nan_peak, _ctx(), "Li|Li", WINDOW)] == [
        "plateau"
    ]


def test_failure_figures_by_hand():
    half = _halves()
    cycle_of_half = np.array([0, 1, 1, 2, 2, 3])
    failure = Failure("hard-short", 30, 2500.0, 3, "detail text")
    metrics, event = _failure_figures(failure, half, cycle_of_half, _ctx(), "Li|Li")
    assert [(m.metric, m.value, m.variant) for m in metrics] == [
        ("cycle_life_time", 2500.0, "hard-short"),
        ("cycle_life_cycles", 2.0, "hard-short"),
    ]
    for m in metrics:
        assert m.definition == "time and cycle at which the cell failed by hard-short"
        assert m.notes == ("detail text",) and m.source == "sha"
        c = m.conditions
        # half-cycle 3 runs at 2 mA (20 A m-2, half-cycle 2 at 1 mA); the median capacity
        # 7.2 C (72000 C m-2)
        assert (c.cycle, c.time_s, c.cell) == (2, 2500.0, "Li|Li")
        assert c.current_density_A_m2 == pytest.approx(20.0)
        assert c.areal_capacity_C_m2 == pytest.approx(72000.0)
    assert event == Event(
        "failure", 2500.0, half_cycle=3, cycle=2, detail="hard-short: detail text"
    )


def test_cycle_times_do_not_depend_on_the_clocks_origin():
    s = cells.symmetric(cycles=2, sample_s=60.0)
    t = s.data.table
    shifted = t.with_columns(pl.col("time_s") + 1e6)
    from lithiophile.io.celldata import CellData

    moved = CellData.from_columns(shifted.select("time_s", "voltage_V", "current_A"), s.data.meta)
    a, b = analyze(s.data), analyze(moved)
    # 2 cycles of 2 x 3600 s: the cycles end 2 h and 4 h into the test
    assert a.cycles.get_column("t_end_s").to_list() == pytest.approx([7200.0, 14400.0], abs=1)
    assert b.cycles.get_column("t_end_s").to_list() == pytest.approx([7200.0, 14400.0], abs=1)


def test_hard_short_between_rests_is_timed_at_its_start():
    # rests of 600 s between the half-cycles (no current, |V| near 0): they are no part of
    # the collapse nor do they break it; the generator shorts the cell at its failure time
    s = cells.symmetric(cycles=4, sample_s=10.0, hard_short_s=2.5 * 3600, rest_s=600.0)
    r = analyze(s.data)
    assert r.failure is not None
    assert r.failure.time_s == pytest.approx(s.truth["failure_time_s"], abs=10.5)


def _whole(cell):
    from lithiophile.echem.segments import segment
    from lithiophile.echem.symmetric import symmetric_cell

    opts = AnalysisOptions()
    seg = segment(cell, opts.plateau_window)
    return symmetric_cell(seg, context.TestContext.of(cell, None), opts)


def test_symmetric_cell_notes_and_events():
    # 3 cycles of 2 x 1 h, soft shorts at 2.4 h and 4.4 h (the generator's), no failure
    shorts = [(2.4 * 3600, 300.0), (4.4 * 3600, 300.0)]
    s = cells.symmetric(cycles=3, sample_s=10.0, soft_shorts=shorts)
    r = _whole(s.data)
    assert [e.kind for e in r.events] == ["soft-short", "soft-short", "no-failure"]
    assert r.events[-1].time_s == pytest.approx(6 * 3600, abs=1)
    assert r.notes == (
        "no failure within 6 h (not a lifetime)",
        "2 soft-short events (sudden, reversible drops of |V|)",
    )
    # no soft short: no such note
    plain = _whole(cells.symmetric(cycles=3, sample_s=10.0).data)
    assert plain.notes == ("no failure within 6 h (not a lifetime)",)


def test_symmetric_cell_without_a_complete_cycle():
    # a short 0.6 h into the first half-cycle: nothing healthy to report but the failure
    s = cells.symmetric(cycles=2, sample_s=10.0, hard_short_s=0.6 * 3600)
    r = _whole(s.data)
    assert r.failure.criterion == "hard-short"
    assert r.notes == ("no complete cycle before the failure: no polarization reported",)
    assert [m.metric for m in r.metrics] == ["cycle_life_time", "cycle_life_cycles"]
    # the data end 0.9 h into the first half-cycle: its plateau and peak, no hysteresis
    t = s.data.table.filter(pl.col("time_s") < 0.9 * 3600)
    from lithiophile.io.celldata import CellData

    part = _whole(CellData.from_columns(t.select("time_s", "voltage_V", "current_A"), s.data.meta))
    assert part.notes[0] == (
        "no complete cycle (plating and stripping) before the end or the failure: "
        "polarization of the first half-cycle only, no hysteresis"
    )
    assert [m.variant for m in part.metrics] == ["plateau", "peak"]
    assert part.metrics[0].value == pytest.approx(s.truth["plateau_V"][0], abs=5e-5)


def test_polarization_before_a_failure_does_not_depend_on_the_clocks_origin():
    # a short at 5.25 h (cycle 3): cycles 1 and 2 are healthy, whatever the clock reads
    s = cells.symmetric(cycles=4, sample_s=30.0, hard_short_s=5.25 * 3600)
    from lithiophile.io.celldata import CellData

    t = s.data.table.with_columns(pl.col("time_s") + 1e6)
    moved = CellData.from_columns(t.select("time_s", "voltage_V", "current_A"), s.data.meta)
    for cell in (s.data, moved):
        r = _whole(cell)
        assert r.cycles.get_column("cycle").to_list() == [1, 2]
        last = [m for m in r.metrics if m.notes == ("before failure",)]
        assert [m.variant for m in last] == ["plateau", "peak", "hysteresis"]
        # the half-cycle table in test time, with the cycle of each half-cycle
        h = r.half_cycles
        assert h.get_column("t_start_s")[0] == pytest.approx(0.0, abs=1e-6)
        assert h.get_column("t_end_s")[0] == pytest.approx(3600.0, abs=31)
        assert h.get_column("cycle").to_list()[:5] == [1, 1, 2, 2, 3]


def test_polarization_at_a_cycles_end_and_each_variant():
    from lithiophile.echem.symmetric import polarization_at
    from lithiophile.errors import InputError

    s = cells.symmetric(cycles=3, sample_s=60.0)
    r = analyze(s.data)
    ends = r.cycles.get_column("t_end_s").to_list()
    # a cycle ending exactly at the time asked for is the one reported
    for variant, column in (("plateau", "plateau_V"), ("peak", "peak_V"), ("hysteresis", None)):
        m = polarization_at(r, ends[1], variant)
        assert (m.conditions.cycle, m.conditions.time_s, m.variant) == (2, ends[1], variant)
        if column is not None:
            assert m.value == r.cycles.get_column(column)[1]
    # the definition of the figure, with the time asked for (cycle 2 ends at 4 h)
    assert polarization_at(r, ends[1]).definition == (
        f"mean over the cycle's two half-cycles of the {WINDOW}; last cycle ending by 4 h"
    )
    assert polarization_at(r, ends[1], "peak").value == pytest.approx(
        max(s.truth["peak_V"][2:4]), abs=6e-4
    )
    # the first cycle ends at 2 h (2 x 3600 s): nothing ends by 1 h
    with pytest.raises(InputError) as err:
        polarization_at(r, 3600.0)
    assert str(err.value) == "no cycle of the test ends by 1 h; the first ends at 2 h"


def test_unknown_cycle_figures_are_left_out_not_reported():
    # a cycle whose plateau is unknown (NaN) and whose hysteresis is missing: its peak alone
    cycles = _cycle_table(_halves(), T0).head(1)
    cycles = cycles.with_columns(
        pl.lit(float("nan")).alias("plateau_V"), pl.lit(None, pl.Float64).alias("hysteresis_V")
    )
    got = _cycle_polarization(cycles, False, _ctx(), "Li|Li", WINDOW)
    assert [(m.variant, m.value) for m in got] == [("peak", 0.05)]
