"""Readers on what real cyclers write (issue 11, readers follow-up): continuation files with
the instrument's own charge counter, interruptions, +-10 % current noise, voltage-only exports.

Expected values are known by construction: the realistic generator
(:func:`lithiophile.synth.realistic.realistic_symmetric`) knows its steps and its parts, and
the same test written as one file is the reference for the same test written as several.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import lithiophile.io as lio
from lithiophile.io.celldata import CellData
from lithiophile.io.charge import net_from_capacities
from lithiophile.io.join import join
from lithiophile.io.steps import derive_steps
from lithiophile.synth.instruments import WRITERS
from lithiophile.synth.realistic import realistic_symmetric

EXT = {"biologic-mpr": ".mpr", "biologic-mpt": ".mpt", "maccor-text": ".001"}
#: Layouts whose files carry the instrument's charge counter (BioLogic (Q-Qo), Arbin and
#: Neware charge/discharge capacities), and those from which the charge is integrated.
COUNTER = ["biologic-mpr", "biologic-mpt", "arbin-csv", "neware-csv"]
INTEGRAL = ["maccor-text", "land"]


def _write(layout, data, path):
    return WRITERS[layout](data, path.with_suffix(EXT.get(layout, ".csv")))


@pytest.mark.parametrize("layout", COUNTER + INTEGRAL)
def test_join_continues_charge_across_each_cut(tmp_path, layout):
    cell = realistic_symmetric(layout=layout, cycles=2, parts=3, record_dV=None, seed=3)
    parts = cell.truth["parts"]
    files = [_write(layout, p, tmp_path / f"part{k}") for k, p in enumerate(parts)]
    whole = lio.read(_write(layout, cell.data, tmp_path / "whole"))
    data = lio.read(files)
    assert len(data) == len(whole)
    # times to the files' precision (Maccor: the later files' start in whole seconds and
    # times to 0.01 s, so a cut may move a record by a few ms; far below the 30 s interval)
    np.testing.assert_allclose(data["time_s"], whole["time_s"], atol=0.01)
    # the interval that ends at each later file's first record carries I x 30 s (about
    # 6.2e-3 C): the whole file counts it, and so must the join. Counter layouts agree to
    # the files' own rounding; integral layouts by the first current over the interval vs
    # the trapezoid of the whole file (differ by the +-5 % current noise over one interval)
    tol = 1e-4 if layout in COUNTER else 3e-4
    np.testing.assert_allclose(data["charge_C"], whole["charge_C"], rtol=0, atol=tol)
    cuts = np.cumsum([len(p) for p in parts])[:-1]
    for cut in cuts:
        across = data["charge_C"][cut] - data["charge_C"][cut - 1]
        assert abs(across) > 0.5 * cell.truth["current_A"] * 30.0
    said = [p.what for p in data.meta.provenance if p.code == "join-counters"]
    assert len(said) == 2 and all("first current" in w for w in said)


def test_join_keeps_a_counter_first_value_and_adds_nothing_across_an_unknown_pause():
    t = np.arange(6, dtype=float)
    i = np.full(6, 1e-3)
    a = CellData.from_columns({"time_s": t, "voltage_V": t * 0 + 0.1, "current_A": i})
    # the second file's counter already holds 0.25 C at its first record (by construction)
    q = 0.25 + np.arange(6) * 1e-3
    b = CellData.from_columns(
        {"time_s": t, "voltage_V": t * 0 + 0.1, "current_A": i, "charge_C": q}
    )
    both = join([a, b])
    q_a_end = a["charge_C"][-1]  # 5 s x 1 mA = 5e-3 C
    assert q_a_end == pytest.approx(5e-3)
    np.testing.assert_allclose(both["charge_C"][6:], q_a_end + q, rtol=1e-12)
    # no start times and a counter that starts at 0: nothing is invented across the cut
    b0 = CellData.from_columns({"time_s": t, "voltage_V": t * 0 + 0.1, "current_A": i})
    both = join([a, b0])
    assert both["charge_C"][6] == pytest.approx(q_a_end, abs=1e-15)
    said = [p.what for p in both.meta.provenance if p.code == "join-counters"]
    assert "unknown" in said[0]


def test_capacity_counters_keep_their_first_value():
    # hand calculation: the first row holds 0.5 - 0.1 counted before it; then +0.5, then
    # the discharge counter grows by 0.2
    got = net_from_capacities(np.array([0.5, 1.0, 1.0]), np.array([0.1, 0.1, 0.3]))
    np.testing.assert_allclose(got, [0.4, 0.9, 0.7])


@pytest.mark.parametrize("layout", ["biologic-mpr", "arbin-csv", "neware-csv"])
def test_writers_count_no_charge_over_an_interruption(tmp_path, layout):
    pause = 600.0
    cell = realistic_symmetric(layout=layout, cycles=2, pause_s=pause, record_dV=None)
    data = lio.read(_write(layout, cell.data, tmp_path / "paused"))
    codes = [p.code for p in data.meta.provenance]
    assert "charge-from-counter" in codes
    t, q, i = data["time_s"], data["charge_C"], data["current_A"]
    gap = int(np.flatnonzero(np.diff(t) > pause)[0]) + 1
    assert i[gap] != 0  # current flows on both sides: the instrument just stopped
    # the counter adds nothing over the pause (before the fix: I x 630 s, about 0.13 C)
    assert abs(q[gap] - q[gap - 1]) < 1e-6
    # and the half-cycle's charge is the set current x its time of flow (truth)
    half = data["step"] == data["step"][gap]
    counted = abs(q[half][-1] - q[np.flatnonzero(half)[0] - 1])
    assert counted == pytest.approx(cell.truth["capacity_C"][1], rel=0.01)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("record_dV", [2e-3, None])
def test_steps_survive_ten_percent_current_noise(seed, record_dV):
    # +-10 % noise: 2e-4 of a 0.1 A range on 0.206 mA. By construction: 1 OCV period, then
    # 4 cycles of plate / rest / strip / rest = 17 steps
    cell = realistic_symmetric(cycles=4, noise_of_range=2e-4, record_dV=record_dV, seed=seed)
    d = cell.data
    step = derive_steps(d["time_s"], d["voltage_V"], d["current_A"])
    assert int(step.max()) == 17
    flowing = d["current_A"] != 0
    new = np.flatnonzero(np.diff(step)) + 1
    # every boundary is where the current starts or stops flowing
    assert np.all(flowing[new] != flowing[new - 1])


def test_noisy_set_point_changes_found_at_their_row():
    # a staircase of set points with +-10 % uniform noise: changes at rows 200, 400, 600, 800
    rng = np.random.default_rng(1)
    level = np.repeat([1e-3, 2e-3, 0.5e-3, 1.3e-3, -1e-3], 200)
    i = level * (1 + rng.uniform(-0.1, 0.1, level.size))
    t = np.arange(level.size, dtype=float)
    step = derive_steps(t, np.linspace(0, 1, level.size), i)
    np.testing.assert_array_equal(np.flatnonzero(np.diff(step)) + 1, [200, 400, 600, 800])


def test_blocks_find_the_steps_one_pass_finds(monkeypatch):
    # set-point changes on and near the edges of small blocks: the blocked pass must give
    # what a single pass (BLOCK larger than the data) gives
    from lithiophile.io import steps

    rng = np.random.default_rng(2)
    level = np.repeat([1e-3, 2e-3, 0.5e-3, 1.3e-3, -1e-3, 3e-3], [63, 64, 65, 66, 63, 70])
    i = level * (1 + rng.uniform(-0.1, 0.1, level.size))
    t = np.arange(level.size, dtype=float)
    v = np.linspace(0, 1, level.size)
    whole = derive_steps(t, v, i)
    assert int(whole.max()) == 6
    for block in (32, 63, 64, 65):
        monkeypatch.setattr(steps, "BLOCK", block)
        np.testing.assert_array_equal(derive_steps(t, v, i), whole)


def test_voltage_only_table_reads_with_missing_current(tmp_path):
    t = np.arange(0.0, 100.0, 10.0)
    path = tmp_path / "ewe_vs_t.csv"
    path.write_text("time/s,Ewe/V\n" + "".join(f"{a},{np.sin(a):.6f}\n" for a in t))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data = lio.read(path)
    assert np.isnan(data["current_A"]).all() and np.isnan(data["charge_C"]).all()
    assert set(data["step_kind"].tolist()) == {"unknown"}
    np.testing.assert_allclose(data["voltage_V"], np.round(np.sin(t), 6))
    codes = [p.code for p in data.meta.provenance]
    assert "no-current-column" in codes and "no-current" in codes


def test_all_nan_current_gives_no_numpy_warning():
    t = np.arange(10.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cd = CellData.from_columns(
            {"time_s": t, "voltage_V": np.sin(t), "current_A": np.full(10, np.nan)}
        )
    assert cd["step"].tolist() == [1] * 10
    assert np.isnan(cd["charge_C"]).all()
