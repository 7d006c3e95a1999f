"""coulombic.py pinned by answers known without the code: half-cycle tables written by hand
(currents, capacities, end voltages, end times) whose per-cycle CE, averages, reservoir sums and
roles follow from the definitions in the module docstring and METHODS.md (Adams et al. 2018,
Aurbach et al. 1989) by hand arithmetic. Written to kill the mutants mutmut left alive in
coulombic.py (issue 11)."""

from __future__ import annotations

import dataclasses

import numpy as np
import polars as pl
import pytest

from lithiophile.echem import context
from lithiophile.echem.coulombic import (
    CoulombicResult,
    _above_100,
    _ce_ranges,
    _cutoff,
    _cycle_row,
    _direction_runs,
    _halves,
    _trailing,
    average_ce,
    find_reservoir,
    li_cu_efficiency,
    reservoir_efficiency,
)
from lithiophile.echem.result import AnalysisOptions
from lithiophile.errors import CalculationFailed

AREA = 1e-4  # m^2
T0 = 100.0  # s, the test's first record


def _half(*rows, step=1000.0):
    """Half-cycles from (sign of current, capacity [C], end voltage [V][, |current| [A]]); 1 mA
    unless given, each ending ``step`` s after the previous one (the first at T0 + step)."""
    return pl.DataFrame(
        {
            "half_cycle": list(range(1, len(rows) + 1)),
            "current_A": [r[0] * (r[3] if len(r) > 3 else 1e-3) for r in rows],
            "capacity_C": [float(r[1]) for r in rows],
            "v_last_V": [float(r[2]) for r in rows],
            "t_end_s": [T0 + step * (k + 1) for k in range(len(rows))],
        }
    )


def _ctx():
    return context.TestContext(AREA, None, "sha", T0)


# plating (I < 0) ends near 0 V below Li; stripping (I > 0) ends at the 1 V cut-off or early
P, S = -1, 1


def test_halves_roles_and_cut_off():
    half = _half((P, 3.6, -0.05), (S, 3.0, 1.0), (P, 3.6, -0.05), (S, 3.3, 0.3), (S, 0.1, 0.29))
    rows = _halves(half, 1, 0.3)
    assert [r["is_strip"] for r in rows] == [False, True, False, True, True]
    # at the cut-off: a stripping whose |end voltage| reaches cutoff_min_V (0.3 V counts)
    assert [r["on_cutoff"] for r in rows] == [False, True, False, True, False]
    # the other sign convention: the plating current is positive
    flipped = _halves(half, -1, 0.3)
    assert [r["is_strip"] for r in flipped] == [True, False, True, False, False]
    assert [r["on_cutoff"] for r in flipped] == [False, False, False, False, False]
    # the cut-off stated: the median of the end voltages at it, to the mV
    more = _halves(_half((S, 1, 1.0004), (S, 1, 0.9996), (S, 1, 1.0012), (P, 1, -2.0)), 1, 0.3)
    assert _cutoff(more) == 1.0
    assert _cutoff(_halves(_half((S, 1, 0.9996), (S, 1, 1.0012)), 1, 0.3)) == 1.0
    assert _cutoff(_halves(_half((S, 1, 0.2)), 1, 0.3)) is None


def test_direction_runs_merge_repeats_and_drop_a_first_stripping():
    half = _half(
        (S, 1, 1), (P, 2, 0), (P, 1, 0), (P, 1, 0), (S, 2.5, 1), (P, 2, 0), (S, 1, 0.5), (S, 1, 1)
    )
    runs, notes = _direction_runs(_halves(half, 1, 0.3))
    assert runs == [[1, 2, 3], [4], [5], [6, 7]]
    assert notes == [
        "half-cycles 2-4 plate in a row (interrupted by a rest or a measurement): counted as one",
        "half-cycles 7-8 strip in a row (interrupted by a rest or a measurement): counted as one",
        "half-cycle 1 strips before any plating: left out",
    ]
    assert _direction_runs([]) == ([], [])


def test_ce_ranges_all_from_two_last_ten_and_asked():
    notes: list[str] = []
    assert _ce_ranges(1, (), notes) == [(1, 1)]
    assert _ce_ranges(2, (), notes) == [(1, 2), (2, 2)]
    assert _ce_ranges(10, (), notes) == [(1, 10), (2, 10)]  # the last ten are all ten
    assert _ce_ranges(11, (), notes) == [(1, 11), (2, 11), (2, 11)]
    assert _ce_ranges(12, ((4, 6), (1, 12), (12, 12), (10, 13)), notes) == [
        (1, 12),
        (2, 12),
        (3, 12),
        (4, 6),
        (12, 12),
    ]
    assert notes == ["CE range 10-13 asked for, but the test has 12 cycles"]


def test_above_100_beyond_floating_point_noise_only():
    notes: list[str] = []
    assert _above_100(np.array([0.99, 1.0 + 1e-10, 1.0]), notes) == () and notes == []
    # the tolerance is 1e-9: exactly 1 + 1e-9 is not above it, 1 + 1.5e-9 is
    assert _above_100(np.array([1.0 + 1e-9]), []) == ()
    assert _above_100(np.array([1.0 + 1.5e-9]), []) == ("ce-above-100",)
    assert _above_100(np.array([0.99, 1.0 + 1e-10, 1.01]), notes) == ("ce-above-100",)
    assert notes == [
        "CE above 100 % in cycles 3: a warning sign of a soft short or a side reaction in a "
        "Li||Cu cell"
    ]
    many: list[str] = []
    _above_100(np.full(11, 1.02), many)  # 11 cycles: ten listed, then "..."
    assert many[0].startswith("CE above 100 % in cycles 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 ...:")
    ten: list[str] = []
    _above_100(np.full(10, 1.02), ten)
    assert ten[0].startswith("CE above 100 % in cycles 1, 2, 3, 4, 5, 6, 7, 8, 9, 10:")


def _li_cu(ce, q=3.6):
    """Cycles of plating q and stripping ce x q to the 1 V cut-off."""
    rows = []
    for c in ce:
        rows += [(P, q, -0.05), (S, c * q, 1.0)]
    return _half(*rows)


def test_li_cu_per_cycle_table_by_hand():
    res = li_cu_efficiency(_li_cu([0.9, 0.95]), _ctx(), AnalysisOptions(), strip_sign=1)
    t = res.cycles
    assert t.get_column("cycle").to_list() == [1, 2]
    assert t.get_column("plate_half_cycle").to_list() == [1, 3]
    assert t.get_column("strip_half_cycle").to_list() == [2, 4]
    # end of the stripping, in test time: T0 + 2000 - T0 and T0 + 4000 - T0
    assert t.get_column("t_end_s").to_list() == [2000.0, 4000.0]
    assert t.get_column("plate_current_A").to_list() == [1e-3, 1e-3]
    assert t.get_column("q_plate_C").to_list() == [3.6, 3.6]
    assert t.get_column("q_strip_C").to_list() == pytest.approx([3.24, 3.42], rel=1e-12)
    assert t.get_column("ce").to_list() == pytest.approx([0.9, 0.95], rel=1e-12)
    assert t.get_column("strip_end_V").to_list() == [1.0, 1.0]
    assert t.get_column("on_cutoff").to_list() == [True, True]
    assert res.half_roles == ("plate", "strip", "plate", "strip")
    assert res.flags == ()


def test_li_cu_metrics_by_hand():
    ce = [0.9, 0.95, 0.85, 0.7]
    res = li_cu_efficiency(_li_cu(ce), _ctx(), AnalysisOptions(), strip_sign=1)
    m = {(x.metric, x.variant): x for x in res.metrics}
    first, last = m[("li_cu_ce", "cycle 1")], m[("li_cu_ce", "last cycle")]
    assert first.value == pytest.approx(0.9, rel=1e-12)
    assert last.value == pytest.approx(0.7, rel=1e-12)
    assert first.definition == (
        "Q_strip / Q_plate of cycle 1 (first plating on the bare substrate)"
    )
    assert last.definition == "Q_strip / Q_plate of the last cycle (4)"
    # conditions: 1 mA on 1 cm2 = 10 A m-2, 3.6 C on 1 cm2 = 36000 C m-2 (1 mAh cm-2)
    c1, c4 = first.conditions, last.conditions
    assert (c1.cycle, c1.time_s, c4.cycle, c4.time_s) == (1, 2000.0, 4, 8000.0)
    assert c1.current_density_A_m2 == pytest.approx(10.0)
    assert c1.areal_capacity_C_m2 == pytest.approx(36000.0)
    assert (c1.cell, c1.cutoff_V) == ("Li|Cu", 1.0)
    assert first.source == "sha"
    avg = m[("average_ce", "mean of cycles 2-4")]
    assert avg.value == pytest.approx((0.95 + 0.85 + 0.7) / 3, rel=1e-12)
    assert avg.definition == "mean of the per-cycle Q_strip / Q_plate over cycles 2-4"
    assert (avg.conditions.cycle, avg.conditions.time_s) == (4, 8000.0)
    assert m[("average_ce", "mean of cycles 1-4")].value == pytest.approx(0.85, rel=1e-12)
    # first CE below 80 %: cycle 4 (0.7), at 8000 s
    life = m[("cycle_life_cycles", "CE < 80%")]
    assert life.value == 4.0 and (life.conditions.cycle, life.conditions.time_s) == (4, 8000.0)
    assert life.definition == "first cycle whose CE falls below 80%"


def test_ce_at_the_threshold_is_not_below_it():
    # CE of exactly 0.75 (3 of 4 C) with a 75 % threshold: no cycle life, a note instead
    # (half-cycles of 30 min: the data end 2 h in)
    half = _half((P, 4.0, -0.05), (S, 3.0, 1.0), (P, 4.0, -0.05), (S, 3.0, 1.0), step=1800.0)
    res = li_cu_efficiency(half, _ctx(), AnalysisOptions(ce_threshold=0.75), strip_sign=1)
    assert not [m for m in res.metrics if m.metric == "cycle_life_cycles"]
    assert res.notes == (
        "CE stayed at or above 75% in all 2 cycles: no Li||Cu cycle life within the data (no "
        "failure within 2 h)",
    )


def test_li_cu_notes_and_refusal():
    # a stripping first, an unstripped last plating
    half = _half((S, 1.0, 1.0), (P, 3.6, -0.05), (S, 3.24, 1.0), (P, 3.6, -0.05))
    res = li_cu_efficiency(half, _ctx(), AnalysisOptions(), strip_sign=1)
    assert res.half_roles == ("unused", "plate", "strip", "unused")
    assert "the last plating (half-cycle 4) is not stripped" in res.notes
    assert "half-cycle 1 strips before any plating: left out" in res.notes
    assert res.cycles.height == 1
    with pytest.raises(CalculationFailed) as err:
        li_cu_efficiency(_half((P, 3.6, -0.05)), _ctx(), AnalysisOptions(), strip_sign=1)
    assert str(err.value) == (
        "no plating followed by a stripping was found, so no Li||Cu CE can be computed"
    )
    r = li_cu_efficiency(_li_cu([1.02, 0.9]), _ctx(), AnalysisOptions(), strip_sign=1)
    assert r.flags == ("ce-above-100",)


def test_average_ce_inclusive_and_refused_outside():
    t = pl.DataFrame({"cycle": [1, 2, 3, 4], "ce": [0.5, 0.7, 0.9, 1.0]})
    assert average_ce(t, 2, 3) == pytest.approx(0.8, rel=1e-12)
    assert average_ce(t, 4, 4) == 1.0
    with pytest.raises(CalculationFailed) as err:
        average_ce(t, 5, 9)
    assert str(err.value) == "no Li||Cu cycle between 5 and 9; the test has cycles 1-4"


def _reservoir(conditioning=True, n=3, qs=17.0, trailing=0, ce_cond=0.9):
    """A reservoir protocol (Adams 2018): optionally a conditioning cycle (plate 10 C, strip
    9 C to the cut-off), the reservoir Q_T = 18 C, n cycles of plating 3.6 C and stripping
    3.5 C (ending below the cut-off), the final strip Q_S to 1 V, and trailing cycles."""
    rows = []
    if conditioning:
        rows += [(P, 10.0, -0.05), (S, 10.0 * ce_cond, 1.0)]
    rows += [(P, 18.0, -0.05)]
    for _ in range(n):
        rows += [(P, 3.6, -0.05), (S, 3.5, 0.1)]
    rows += [(S, qs, 1.0)]
    for _ in range(trailing):
        rows += [(P, 3.6, -0.05), (S, 3.6, 1.0)]
    return _half(*rows)


def test_reservoir_ce_by_hand():
    half = _reservoir()
    assert find_reservoir(half, 1, 0.3) == 3
    res = reservoir_efficiency(half, _ctx(), AnalysisOptions(), strip_sign=1)
    adams, cond = res.metrics
    # (n Q_C + Q_S) / (n Q_C + Q_T) with the measured sums: (3 x 3.5 + 17) / (3 x 3.6 + 18)
    assert adams.value == pytest.approx((10.5 + 17.0) / (10.8 + 18.0), rel=1e-12)
    assert adams.variant == "reservoir" and adams.notes == ()
    assert adams.definition == (
        "(n Q_C + Q_S) / (n Q_C + Q_T), reservoir protocol of Adams et al. 2018, with n = 3, "
        "Q_T = 18 C, Q_C = 3.6 C (n Q_C = the measured sums: plated 10.8 C, stripped 10.5 C), "
        "Q_S = 17 C"
    )
    c = adams.conditions
    assert (c.cycle, c.cell, c.cutoff_V) == (3, "Li|Cu", 1.0)
    # the final strip is half-cycle 10, ending at T0 + 10000 s
    assert c.time_s == 10000.0
    assert c.current_density_A_m2 == pytest.approx(10.0)  # 1 mA on 1 cm2
    assert c.areal_capacity_C_m2 == pytest.approx(36000.0)  # Q_C 3.6 C on 1 cm2
    assert dict(c.extra) == {"Q_T_C": "18", "Q_C_C": "3.6", "n": "3", "Q_S_C": "17"}
    # the conditioning cycle, reported apart: 9 / 10, ending at T0 + 2000 s
    assert (cond.variant, cond.value) == ("conditioning", pytest.approx(0.9, rel=1e-12))
    assert cond.definition == "Q_strip / Q_plate of the conditioning cycle (before the reservoir)"
    cc = cond.conditions
    assert (cc.cycle, cc.time_s, cc.cutoff_V) == (1, 2000.0, 1.0)
    assert cc.areal_capacity_C_m2 == pytest.approx(100000.0)  # 10 C on 1 cm2
    assert cc.current_density_A_m2 == pytest.approx(10.0)
    assert res.half_roles == (
        "conditioning-plate",
        "conditioning-strip",
        "reservoir",
        *(["cycling-plate", "cycling-strip"] * 3),
        "final-strip",
    )
    t = res.cycles
    assert t.columns == ["phase", "cycle", "q_plate_C", "q_strip_C", "ce", "t_end_s"]
    assert t.get_column("ce").to_list() == pytest.approx([0.9, adams.value], rel=1e-12)
    assert t.get_column("phase").to_list() == ["conditioning", "reservoir"]
    assert t.get_column("cycle").to_list() == [1, 1]
    assert t.get_column("q_plate_C").to_list() == pytest.approx([10.0, 28.8])
    assert t.get_column("q_strip_C").to_list() == pytest.approx([9.0, 27.5])
    assert t.get_column("t_end_s").to_list() == [2000.0, 10000.0]
    assert res.flags == () and res.notes == ()


def test_reservoir_cycled_to_exhaustion_gives_the_aurbach_variant():
    # Q_S = 3.5 C < 0.98 Q_C = 3.528 C: exhausted; Aurbach: n Q_C / (n Q_C + Q_T) with Q_C the
    # mean plating, 3 x 3.6 / (10.8 + 18)
    res = reservoir_efficiency(_reservoir(qs=3.5), _ctx(), AnalysisOptions(), strip_sign=1)
    adams, aurbach = res.metrics[:2]
    assert adams.notes == (
        "cycled until the reservoir was exhausted (Q_S < Q_C): the Aurbach variant applies; "
        "this value is the overall charge balance",
    )
    assert aurbach.variant == "aurbach"
    assert aurbach.value == pytest.approx(10.8 / 28.8, rel=1e-12)
    assert aurbach.definition == (
        "n Q_C / (n Q_C + Q_T), cycled until the reservoir is exhausted (Aurbach 1989), with "
        "n = 3 complete cycles, Q_C = 3.6 C, Q_T = 18 C"
    )
    assert aurbach.conditions == adams.conditions
    # Q_S = 0.98 Q_C exactly (3.528 C) is not below it: no Aurbach variant
    at = reservoir_efficiency(_reservoir(qs=0.98 * 3.6), _ctx(), AnalysisOptions(), strip_sign=1)
    assert [m.variant for m in at.metrics] == ["reservoir", "conditioning"]


def test_reservoir_without_conditioning_with_trailing_cycles():
    half = _reservoir(conditioning=False, trailing=2)
    res = reservoir_efficiency(half, _ctx(), AnalysisOptions(), strip_sign=1)
    assert [m.variant for m in res.metrics] == ["reservoir"]
    assert res.half_roles[0] == "reservoir" and res.half_roles[-4:] == ("unused",) * 4
    assert res.notes == (
        "4 half-cycles after the final strip to the cut-off are not part of the reservoir "
        "protocol and were left out",
    )
    assert _trailing(0) == [] and _trailing(-1) == []
    assert _trailing(1) == [
        "1 half-cycles after the final strip to the cut-off are not part of the reservoir "
        "protocol and were left out"
    ]


def test_reservoir_refusals_and_flags():
    opts = AnalysisOptions()
    # no plating 1.5 x the later ones: 3.6 C throughout
    plain = _half((P, 3.6, -0.05), (S, 3.5, 1.0), (P, 3.6, -0.05), (S, 3.5, 1.0))
    assert find_reservoir(plain, 1, 0.3) is None
    with pytest.raises(CalculationFailed) as err:
        reservoir_efficiency(plain, _ctx(), opts, strip_sign=1)
    assert str(err.value) == (
        "no reservoir plating found: no plating is at least 1.5x the later platings and "
        "followed by cycling (plating capacities [C]: 3.6, 3.6); for plain Li||Cu cycling "
        "use --protocol li-cu"
    )
    # never stripped to the cut-off
    unfinished = _half((P, 18.0, -0.05), (P, 3.6, -0.05), (S, 3.5, 0.1))
    with pytest.raises(CalculationFailed) as err:
        reservoir_efficiency(unfinished, _ctx(), opts, strip_sign=1)
    assert str(err.value) == (
        "the reservoir plated in half-cycle 1 is never stripped to the cut-off (no stripping "
        "after it ends above 0.3 V): the protocol did not finish, Q_S is unknown"
    )
    # the reservoir stripped straight to the cut-off (by less than half of it, so no
    # conditioning), a plating after: no cycling, n = 0
    straight = _reservoir(conditioning=False, n=0, qs=5.0, trailing=1)
    with pytest.raises(CalculationFailed) as err:
        reservoir_efficiency(straight, _ctx(), opts, strip_sign=1)
    assert str(err.value) == "no cycling between the reservoir plating and the final strip: n = 0"
    # one stripping missing: a note; CE over 100 %: the flag
    lopsided = _half(
        (P, 18.0, -0.05), (P, 3.6, -0.05), (S, 3.5, 0.1), (P, 3.6, -0.05), (S, 30.0, 1.0)
    )
    res = reservoir_efficiency(lopsided, _ctx(), opts, strip_sign=1)
    assert "2 cycling platings but 1 cycling strippings" in res.notes
    assert res.flags == ("ce-above-100",)  # (3.5 + 30) / (7.2 + 18) > 1
    assert res.notes[-1] == (
        "average CE above 100 %: a warning sign of a soft short or side reaction"
    )


def test_reservoir_is_the_first_large_plating_not_fully_stripped():
    # 18 C = 5 x 3.6: a reservoir; a plating of exactly 1.5 x the later ones also is one
    assert find_reservoir(_reservoir(conditioning=False), 1, 0.3) == 1
    exact = _half((P, 5.4, -0.05), (P, 3.6, -0.05), (S, 3.5, 0.1), (S, 5.0, 1.0))
    assert find_reservoir(exact, 1, 0.3) == 1
    below = _half((P, 5.39, -0.05), (P, 3.6, -0.05), (S, 3.5, 0.1), (S, 5.0, 1.0))
    assert find_reservoir(below, 1, 0.3) is None
    # a large plating stripped to the cut-off by more than half of it is a conditioning cycle
    # (10 C, 9 C back); stripped by exactly half it is not (5 of 10 C)
    assert find_reservoir(_reservoir(), 1, 0.3) == 3
    assert find_reservoir(_reservoir(ce_cond=0.5), 1, 0.3) == 1
    # against the later platings' median: 18 vs median(3.6, 3.6, 20) = 3.6
    med = _half((P, 18.0, -0.05), (P, 3.6, 0), (S, 3.5, 0.1), (P, 3.6, 0), (P, 20.0, 0))
    assert find_reservoir(med, 1, 0.3) == 1


def test_result_is_immutable():
    r = CoulombicResult((), pl.DataFrame(), (), (), ())
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.flags = ("x",)


def test_a_plating_of_no_charge_has_no_ce():
    rows = _halves(_half((P, 0.0, -0.05), (S, 0.0, 1.0)), 1, 0.3)
    row = _cycle_row(rows, [0], [1], 1, T0)
    assert np.isnan(row["ce"]) and (row["q_plate_C"], row["q_strip_C"]) == (0.0, 0.0)


def test_conditioning_is_a_plating_followed_by_a_stripping():
    # a stripping first, a plating interrupted (two in a row), its stripping, then the
    # reservoir (18 C) and one cycle: only half-cycles 3-4 (plate 3.6, strip 3.0) condition
    half = _half(
        (S, 1.0, 1.0),
        (P, 3.6, -0.05),
        (P, 3.6, -0.05),
        (S, 3.0, 1.0),
        (P, 18.0, -0.05),
        (P, 3.6, -0.05),
        (S, 3.5, 0.1),
        (S, 17.0, 1.0),
    )
    res = reservoir_efficiency(half, _ctx(), AnalysisOptions(), strip_sign=1)
    cond = [m for m in res.metrics if m.variant == "conditioning"]
    assert [m.value for m in cond] == [pytest.approx(3.0 / 3.6, rel=1e-12)]
    assert res.half_roles[:5] == (
        "unused",
        "unused",
        "conditioning-plate",
        "conditioning-strip",
        "reservoir",
    )


def test_conditioning_cycle_conditions_by_hand():
    # the conditioning plating at 0.5 mA (5 A m-2 on 1 cm2), everything else at 1 mA
    half = _half(
        (P, 10.0, -0.05, 5e-4),
        (S, 9.0, 1.0),
        (P, 18.0, -0.05),
        (P, 3.6, -0.05),
        (S, 3.5, 0.1),
        (S, 17.0, 1.0),
    )
    res = reservoir_efficiency(half, _ctx(), AnalysisOptions(), strip_sign=1)
    (cond,) = [m for m in res.metrics if m.variant == "conditioning"]
    assert cond.conditions.current_density_A_m2 == pytest.approx(5.0)
    assert res.metrics[0].conditions.current_density_A_m2 == pytest.approx(10.0)


def test_reservoir_ce_of_exactly_one_is_not_flagged():
    # plate 16 C, two cycles of 4 C in and 3.5 C out, strip 17 C: (7 + 17) / (8 + 16) = 1
    half = _half(
        (P, 16.0, -0.05),
        (P, 4.0, -0.05),
        (S, 3.5, 0.1),
        (P, 4.0, -0.05),
        (S, 3.5, 0.1),
        (S, 17.0, 1.0),
    )
    res = reservoir_efficiency(half, _ctx(), AnalysisOptions(), strip_sign=1)
    assert res.metrics[0].value == 1.0
    assert res.flags == () and res.notes == ()


def test_conditioning_current_is_that_of_its_own_plating():
    # a first stripping at 2 mA (20 A m-2 on 1 cm2) comes before the conditioning plating at
    # 0.5 mA (5 A m-2): the conditioning CE is stated at 5 A m-2, not at the first half-cycle's
    half = _half(
        (S, 1.0, 1.0, 2e-3),
        (P, 10.0, -0.05, 5e-4),
        (S, 9.0, 1.0),
        (P, 18.0, -0.05),
        (P, 3.6, -0.05),
        (S, 3.5, 0.1),
        (S, 17.0, 1.0),
    )
    res = reservoir_efficiency(half, _ctx(), AnalysisOptions(), strip_sign=1)
    (cond,) = [m for m in res.metrics if m.variant == "conditioning"]
    assert cond.value == pytest.approx(0.9, rel=1e-12)
    assert cond.conditions.current_density_A_m2 == pytest.approx(5.0)
