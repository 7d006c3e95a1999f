"""Pieces of the critical current density (echem.ccd) against hand calculations: the set-point
clustering of current levels, the relative spread that decides a fixed-time or fixed-capacity
protocol, and the refusal of a current that is not stepped up."""

import dataclasses
from types import SimpleNamespace

import numpy as np
import polars as pl
import pytest

from lithiophile.echem import ccd
from lithiophile.errors import CalculationFailed
from lithiophile.synth import cells


def _half(*abs_current_A: float) -> pl.DataFrame:
    return pl.DataFrame({"abs_current_A": list(abs_current_A)})


def test_a_new_level_needs_more_than_five_percent():
    # 19 and 20 differ by exactly 5 % of the larger (1 = 0.05 x 20 in binary floating point
    # too): one set point; 19 and 20.01 by 5.05 %: two
    assert ccd.current_steps(_half(19.0, 20.0, 19.0, 20.0)).tolist() == [1, 1, 1, 1]
    assert ccd.current_steps(_half(19.0, 19.0, 20.01, 20.01)).tolist() == [1, 1, 2, 2]
    # a level that comes back after another is a new step (steps are consecutive runs)
    assert ccd.current_steps(_half(1.0, 2.0, 1.0)).tolist() == [1, 2, 3]


def test_relative_spread_by_hand():
    # std of (99, 101) is 1, their mean 100: 0.01
    assert ccd._spread(np.array([99.0, 101.0])) == pytest.approx(0.01, rel=1e-12)
    # equal half-cycles of half a second: no spread (a mean below 1 is still a mean)
    assert ccd._spread(np.array([0.5, 0.5])) == 0.0
    # nothing to compare, or nothing passed: never "fixed"
    with np.errstate(all="ignore"):
        assert ccd._spread(np.zeros(0)) == np.inf
        assert ccd._spread(np.zeros(3)) == np.inf


def test_not_stepped_lists_the_first_twelve_levels():
    j = np.arange(14.0, 0.0, -1.0)  # 14 levels stepped down
    with pytest.raises(CalculationFailed) as err:
        ccd._require_stepped(j)
    listed = str(err.value).split("[A m-2]: ")[1].split(";")[0]
    assert listed == ", ".join(f"{x:g}" for x in range(14, 2, -1))
    assert str(err.value).startswith("the current is not stepped up: 14 current level(s)")
    ccd._require_stepped(np.array([1.0, 2.0]))  # two levels stepped up pass


def test_ccd_result_is_frozen():
    s = cells.ccd_test(start_A_m2=1.0, step_A_m2=1.0, critical_A_m2=3.0, steps=4)
    from lithiophile.echem import context
    from lithiophile.echem.result import AnalysisOptions
    from lithiophile.echem.segments import segment

    res = ccd.critical_current_density(
        segment(s.data), context.TestContext.of(s.data, None), AnalysisOptions(protocol="ccd")
    )
    assert res.metrics[0].value == pytest.approx(3.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.protocol = "changed"  # type: ignore[misc]


def _protocol(durations_s, j_A_m2, area_m2=1e-4):
    """The step protocol of steps of ``durations_s`` per half-cycle at ``j_A_m2``."""
    d, j = np.asarray(durations_s, float), np.asarray(j_A_m2, float)
    per_step = pl.DataFrame({"half_cycle_s": d, "capacity_C": d * j * area_m2})
    return ccd._step_protocol(per_step, j, area_m2)


def test_the_failing_last_step_is_left_out_of_the_protocol():
    # 3 steps of 1800 s, the last cut short by the short at 600 s: fixed time (the last step
    # left out); with it the durations would spread by 0.38
    p = _protocol([1800, 1800, 600], [1, 2, 3])
    assert p.text == "fixed time: 1800 s per half-cycle, steps of 1 A m-2"
    # only the last step is left out: a step of 900 s before it is not "fixed time"; the
    # capacities (1800, 3600, 2700, 1200 C m-2) are not fixed either
    p = _protocol([1800, 1800, 900, 300], [1, 2, 3, 4])
    assert p.text == "steps of 1 A m-2, neither time nor capacity fixed"
    assert not p.fixed_capacity


def test_two_steps_are_both_used():
    # 1 A m-2 for 1800 s and 2 A m-2 for 900 s: the same 1800 C m-2 per half-cycle (fixed
    # capacity, by hand); with two steps none is left out, so the time is not fixed
    p = _protocol([1800, 900], [1, 2])
    assert p.text == "fixed capacity: 1800 C m-2 per half-cycle, steps of 1 A m-2"
    assert p.fixed_capacity and p.caps_C_m2.tolist() == pytest.approx([1800.0, 1800.0])
    assert p.step_A_m2 == 1.0


def test_protocol_spreads_are_strictly_below_five_percent():
    # durations 95 and 105 s: std 5, mean 100, a spread of exactly 0.05 (not below it); the
    # last step (10 s) is the failing one and left out
    p = _protocol([95, 105, 10], [1, 2, 3])
    assert p.text == "steps of 1 A m-2, neither time nor capacity fixed"
    # capacities 95 and 105 C m-2 (the same spread) at a fixed 2 A m-2 step are not fixed
    p = _protocol([95, 52.5, 10], [1, 2, 3], area_m2=1.0)
    assert not p.fixed_capacity


def test_capacity_fixed_or_not_by_the_steps_before_the_last():
    # 1800, 1800, 600 C m-2 (the last step failing): fixed capacity of 1800 C m-2; all three
    # would spread by 0.38
    p = _protocol([1800, 900, 200], [1, 2, 3])
    assert p.text == "fixed capacity: 1800 C m-2 per half-cycle, steps of 1 A m-2"
    # 1800, 1800, 900, 400 C m-2: the third step, not the last, differs: not fixed (leaving
    # out two steps would make it so); durations 1800, 900, 300, 100 s are not fixed either
    p = _protocol([1800, 900, 300, 100], [1, 2, 3, 4])
    assert p.text == "steps of 1 A m-2, neither time nor capacity fixed"
    # two steps of 1800 s at 1 and 2 A m-2: fixed time, and capacities 1800 and 3600 C m-2
    # (both used with only two steps) not fixed
    p = _protocol([1800, 1800], [1, 2])
    assert p.text.startswith("fixed time: 1800 s") and not p.fixed_capacity


def _ctx(area_m2):
    from lithiophile.echem import context

    return context.TestContext(area_m2, None, None, 0.0)


def test_charge_per_row_counts_half_cycles_only():
    # records every 10 s: +1 A, +1 A, rest, rest, -1 A; by hand (trapezoids, absolute):
    # 0, 10, 5 (rest row: not counted), 0, 5 (half of the -1 A interval) -> 0, 10, 0, 0, 5
    seg = SimpleNamespace(
        time_s=np.array([0.0, 10.0, 20.0, 30.0, 40.0]),
        current_A=np.array([1.0, 1.0, 0.0, 0.0, -1.0]),
    )
    dq = ccd._charge_per_row(seg, np.array([1, 1, 0, 0, 2]))
    assert dq.tolist() == [0.0, 10.0, 0.0, 0.0, 5.0]


def test_failure_figures_use_the_failing_step():
    from lithiophile.echem.symmetric import Failure

    # a fixed-capacity test whose three steps passed 17500, 18000 and 18500 C m-2 per
    # half-cycle (spread 2.3 %), failing in step 3 at row 3 after 4 C on 1 cm2
    proto = ccd._Protocol(
        "fixed capacity", 1.0, np.array([17500.0, 18000.0, 18500.0]), fixed_capacity=True
    )
    failure = Failure("hard short", 3, 7200.0, 5, "|V| collapsed")
    metrics, event, notes = ccd._failure_figures(
        failure, 3, np.array([1.0, 2.0, 3.0]), proto, np.ones(10), _ctx(1e-4), 1e-4
    )
    ccd_m, stable, cum = metrics
    assert (ccd_m.value, ccd_m.variant) == (3.0, "failure step")
    assert (stable.value, stable.variant) == (2.0, "last stable step")
    assert ccd_m.conditions.areal_capacity_C_m2 == pytest.approx(18500.0)
    # rows 0..3 passed 1 C each: 4 C / 1e-4 m2
    assert cum.value == pytest.approx(40000.0)
    assert ccd_m.conditions.time_s == 7200.0 and notes == []
    assert event.kind == "failure" and event.half_cycle == 5
    assert event.detail == "hard short at 3 A m-2: |V| collapsed"
    assert cum.definition == "areal charge passed (both directions) before the failure"
    # failing in the second step: the first is the last stable one
    metrics, _, notes = ccd._failure_figures(
        failure, 2, np.array([1.0, 2.0, 3.0]), proto, np.ones(10), _ctx(1e-4), 1e-4
    )
    assert [m.value for m in metrics[:2]] == [2.0, 1.0] and notes == []
    # failing in the first step: no stable step, said so; no fixed capacity in the conditions
    first = ccd._Protocol("fixed time", 1.0, np.array([1.0, 5.0]), fixed_capacity=False)
    metrics, _, notes = ccd._failure_figures(
        failure, 1, np.array([1.0, 2.0]), first, np.ones(10), _ctx(1e-4), 1e-4
    )
    assert [m.variant for m in metrics] == ["failure step", None]
    assert metrics[0].conditions.areal_capacity_C_m2 is None
    assert notes == ["the cell failed in the first step: no stable step"]


def test_steps_table_and_no_failure_event_on_a_shifted_clock():
    from lithiophile.echem import context
    from lithiophile.echem.result import AnalysisOptions
    from lithiophile.echem.segments import segment
    from lithiophile.io.celldata import CellData

    # 3 steps (1, 2, 3 A m-2) of 2 x 1800 s, no short, the instrument clock starting at 5000 s
    s = cells.ccd_test(critical_A_m2=None, steps=3)
    table = s.data.table.with_columns(pl.col("time_s") + 5000.0)
    cell = CellData.from_columns(table, s.data.meta)
    res = ccd.critical_current_density(
        segment(cell), context.TestContext.of(cell, None), AnalysisOptions(protocol="ccd")
    )
    # by construction: steps start at 0, 3600 and 7200 s of test time and pass j x 1800 s
    # = 1800, 3600, 5400 C m-2 per half-cycle (the first loses at most its first 10 s)
    assert res.steps.get_column("t_start_s").to_list() == pytest.approx([0, 3600, 7200], abs=10.5)
    assert res.steps.get_column("areal_capacity_C_m2").to_list() == pytest.approx(
        [1800, 3600, 5400], rel=1e-2
    )
    assert res.half_cycles.get_column("t_start_s")[0] == pytest.approx(0.0, abs=10.5)
    assert res.half_cycles.get_column("t_end_s")[-1] == pytest.approx(10800.0, abs=10.5)
    (event,) = res.events
    assert event.kind == "no-failure" and res.metrics == ()
