"""Segmentation thresholds (echem.segments) on currents whose answer is known by construction:
the robust spread and the drift that tell a galvanostatic half-cycle from a ramp, the rest
length that is bridged, the gap that is an interruption, the control a BioLogic file declares.
"""

import dataclasses

import numpy as np
import pytest

from lithiophile.echem import segment
from lithiophile.io.celldata import CellData, Metadata


def _one_half_cycle(current_A: np.ndarray, dt: float = 1.0, **meta) -> CellData:
    """A stripping half-cycle of ``current_A`` (> 0) whose voltage follows the current (a
    50 ohm cell: never held within 5 mV, so a non-constant current is a ramp, not a
    potentiostatic hold)."""
    t = np.arange(current_A.size) * dt
    return CellData.from_columns(
        {"time_s": t, "voltage_V": 0.01 + 50.0 * current_A, "current_A": current_A},
        Metadata(**meta) if meta else None,
    )


def test_a_jittering_current_is_not_galvanostatic():
    # |I| cycling 1, 0.7, 1.3 mA (every 5-point median is 1 mA: one set point): deviations
    # 0, 0.3, 0.3 mA, MAD 0.3 mA, robust spread 1.4826 x 0.3 = 0.44 > 0.15, no drift: a ramp;
    # cycling 1, 0.95, 1.05 mA: spread 0.074, constant current
    wide = segment(_one_half_cycle(1e-3 * np.tile([1.0, 0.7, 1.3], 200))).half_cycles
    narrow = segment(_one_half_cycle(1e-3 * np.tile([1.0, 0.95, 1.05], 200))).half_cycles
    assert wide.get_column("control").to_list() == ["ramp"]
    assert not wide.get_column("constant_current")[0]
    assert narrow.get_column("control").to_list() == ["cc"]


def test_a_drifting_current_is_not_galvanostatic():
    # |I| rising linearly from 1 to 2 mA: over the 25-75 % window the first and last thirds'
    # medians are 1.333 and 1.667 mA, a drift of 0.333 / 1.5 = 0.22 > 0.15 (its spread,
    # 1.4826 x 0.125 / 1.5 = 0.12, alone would pass): a ramp; from 1 to 1.2 mA the drift is
    # 0.067 / 1.1 = 0.06: constant current
    steep = segment(_one_half_cycle(np.linspace(1e-3, 2e-3, 600))).half_cycles
    gentle = segment(_one_half_cycle(np.linspace(1e-3, 1.2e-3, 600))).half_cycles
    assert steep.get_column("control").to_list() == ["ramp"]
    assert gentle.get_column("control").to_list() == ["cc"]


def _with_rest(rest_s: float) -> CellData:
    """600 s at +1 mA, a rest of ``rest_s``, 600 s at +1 mA, sampled every 1 s."""
    n_rest = int(rest_s)
    i = np.concatenate([np.full(600, 1e-3), np.zeros(n_rest), np.full(600, 1e-3)])
    t = np.arange(i.size, dtype=float)
    return CellData.from_columns({"time_s": t, "voltage_V": 0.02 * (i > 0), "current_A": i})


def test_only_rests_under_a_tenth_of_their_neighbours_are_bridged():
    # a 30 s rest (31 s from the record before to the one after: 5 % of 600 s) is bridged:
    # one half-cycle; a 100 s rest (17 %) is not: two
    short, long = segment(_with_rest(30)), segment(_with_rest(100))
    assert short.half_cycles.height == 1 and short.half_cycles.get_column("bridged")[0]
    assert any("1 short rest(s) inside a half-cycle" in n for n in short.notes)
    assert long.half_cycles.height == 2 and long.notes == ()


def test_an_interval_of_twice_the_sampling_is_an_interruption():
    # +1 mA sampled every 10 s for 1000 s, with one record missing (a 20 s interval, 2x the
    # regular 10 s, more than 1.5x): its 20 mC are not counted, by hand 1000 - 20 = 980 s
    t = np.arange(0.0, 1001.0, 10.0)
    t = np.delete(t, 50)
    cell = CellData.from_columns(
        {"time_s": t, "voltage_V": np.full(t.size, 0.02), "current_A": np.full(t.size, 1e-3)}
    )
    seg = segment(cell)
    assert seg.half_cycles.get_column("capacity_C")[0] == pytest.approx(0.98, rel=1e-12)
    assert any("1 interruption(s) inside steps" in n for n in seg.notes)


def test_a_biologic_file_declares_its_control():
    # a current rising 1 -> 2 mA (a ramp by the data) in a BioLogic file whose mode column
    # says galvanostatic (1) or potentiostatic (2): the file's word decides
    i = np.linspace(1e-3, 2e-3, 600)
    for mode, control in ((1, "cc"), (2, "cv")):
        base = _one_half_cycle(i, format="biologic-mpr")
        cell = CellData.from_columns(
            {
                **{c: base[c] for c in ("time_s", "voltage_V", "current_A")},
                "mode": np.full(600, mode),
            },
            base.meta,
        )
        assert "mode" in cell.columns
        assert segment(cell).half_cycles.get_column("control").to_list() == [control]


def test_segmentation_is_frozen():
    seg = segment(_one_half_cycle(np.full(60, 1e-3)))
    with pytest.raises(dataclasses.FrozenInstanceError):
        seg.notes = ("changed",)


def test_a_set_point_change_three_records_after_the_start_is_found():
    # a rest, 3 records at 1 mA, then 3 mA: the 5-point running median reaches 2 rows either
    # side, so a change 3 rows after the class change is clear of the rest and splits the
    # half-cycle (3 + 300 points); 2 rows after it is within the median's reach: not split
    def points(k):
        i = np.concatenate([np.zeros(50), np.full(k, 1e-3), np.full(300, 3e-3)])
        t = np.arange(i.size, dtype=float)
        cell = CellData.from_columns({"time_s": t, "voltage_V": 0.01 + 50 * i, "current_A": i})
        return segment(cell).segments.get_column("points").to_list()

    assert points(3) == [50, 3, 300]
    assert points(2) == [50, 302]


def test_an_empty_test_has_no_segments():
    # no records: no segment, no half-cycle, the clock origin at 0 (segment used to fail here
    # with an IndexError)
    empty = np.zeros(0)
    seg = segment(CellData.from_columns({"time_s": empty, "voltage_V": empty, "current_A": empty}))
    assert seg.segments.height == 0 and seg.half_cycles.height == 0
    assert seg.t0 == 0.0 and seg.notes == ()
    assert "capacity_C" in seg.segments.columns


def _runs(*parts):
    """Rows at 1 s of (points, current [A], step kind) parts; voltage 20 mV x sign(I)."""
    i = np.concatenate([np.full(n, cur) for n, cur, _ in parts])
    kind = np.concatenate([np.full(n, k, dtype=object) for n, _, k in parts])
    t = np.arange(i.size, dtype=float)
    return CellData.from_columns(
        {"time_s": t, "voltage_V": 0.02 * np.sign(i), "current_A": i, "step_kind": kind}
    )


def test_a_rest_of_exactly_a_tenth_is_bridged():
    # 311 points at +1 mA (310 s), a 30-point rest (31 s from the record before it to the one
    # after), 400 points at +1 mA: 31 s = 0.1 x 310 s, inclusive: bridged
    seg = segment(_runs((311, 1e-3, "charge"), (30, 0.0, "rest"), (400, 1e-3, "charge")))
    assert seg.half_cycles.height == 1 and seg.half_cycles.get_column("points")[0] == 741
    # with a 32-point rest (33 s > 31 s) it is not
    seg = segment(_runs((311, 1e-3, "charge"), (32, 0.0, "rest"), (400, 1e-3, "charge")))
    assert seg.half_cycles.height == 2


def test_what_is_bridged_and_what_is_not():
    # an open-circuit period declared by the instrument is bridged like a rest
    ocv = segment(_runs((600, 1e-3, "charge"), (30, 0.0, "ocv"), (600, 1e-3, "charge")))
    assert ocv.half_cycles.height == 1
    # a rest between opposite directions is a half-cycle boundary, never bridged
    turn = segment(_runs((600, 1e-3, "charge"), (30, 0.0, "rest"), (600, -1e-3, "discharge")))
    assert turn.segments.get_column("kind").to_list() == ["strip", "rest", "plate"]
    # an open-circuit period between two rests is not inside a half-cycle: it stays itself
    quiet = segment(
        _runs((600, 1e-3, "charge"), (600, 0.0, "rest"), (30, 0.0, "ocv"), (600, 0.0, "rest"))
    )
    assert quiet.segments.get_column("kind").to_list() == ["strip", "rest", "ocv", "rest"]
    # the rest must be short against both neighbours: 31 s is more than a tenth of a
    # following 200 s half-cycle, so not bridged although it is under a tenth of 600 s
    after = segment(_runs((600, 1e-3, "charge"), (30, 0.0, "rest"), (200, 1e-3, "charge")))
    assert after.half_cycles.height == 2
    # a test that opens with a rest bridges the same short rest inside its first half-cycle
    opening = segment(
        _runs((300, 0.0, "rest"), (600, 1e-3, "charge"), (30, 0.0, "rest"), (600, 1e-3, "charge"))
    )
    assert opening.segments.get_column("kind").to_list() == ["rest", "strip"]
    # one half-cycle alone: nothing bridged, nothing noted
    assert segment(_runs((600, 1e-3, "charge"))).notes == ()


def test_current_at_the_rest_tolerance_is_rest():
    # docs: rest is |I| at or below the tolerance (binary-exact 2^-10 A here); records of
    # unknown kind (neither impedance nor open circuit) leave the class to the current
    from lithiophile.echem.segments import KIND_CODE, _sign_class

    tol = 2.0**-10
    i = np.array([-1.0, -tol, 0.0, tol, 2 * tol])
    kind = np.full(i.size, KIND_CODE["unknown"])
    assert _sign_class(i, kind, tol).tolist() == [-1, 0, 0, 0, 1]
