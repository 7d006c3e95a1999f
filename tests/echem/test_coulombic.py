"""Li||Cu CE per cycle and the reservoir protocols, against synthetic cells of known CE and a
hand calculation of the METHODS.md formula."""

import numpy as np
import polars as pl
import pytest

from lithiophile.echem import analyze
from lithiophile.echem.coulombic import average_ce
from lithiophile.errors import CalculationFailed
from lithiophile.io.celldata import CellData
from lithiophile.synth import cells


def test_per_cycle_ce_matches_construction(licu):
    r = analyze(licu.data)
    assert r.protocol == "li-cu"
    ce = r.cycles.get_column("ce").to_numpy()
    # the generator strips exactly ce x the plated charge (truth), sampled to its end point
    np.testing.assert_allclose(ce, licu.truth["ce"], rtol=1e-9)
    np.testing.assert_allclose(r.cycles.get_column("q_plate_C"), licu.truth["q_plate_C"], rtol=1e-9)
    m = r.metric("li_cu_ce", "cycle 1")
    assert m.value == pytest.approx(0.9)
    assert m.conditions.cutoff_V == pytest.approx(1.0)
    # 0.5 mA cm-2 = 5 A m-2; 1 mAh cm-2 = 36000 C m-2 (generator inputs)
    assert m.conditions.current_density_A_m2 == pytest.approx(5.0)
    assert m.conditions.areal_capacity_C_m2 == pytest.approx(36000.0)


def test_averages_and_cycle_life(licu):
    r = analyze(licu.data)
    truth = np.array(licu.truth["ce"])
    assert r.metric("average_ce", "mean of cycles 1-12").value == pytest.approx(truth.mean())
    assert r.metric("average_ce", "mean of cycles 2-12").value == pytest.approx(truth[1:].mean())
    assert r.metric("average_ce", "mean of cycles 3-12").value == pytest.approx(truth[2:].mean())
    # CE of cycle k (k >= 2) is 0.99 - 0.02 (k - 1): first below 0.8 at k = 11 (0.79); but
    # cycle 1 is 0.9, so the first cycle below 80 % is 11
    life = r.metric("cycle_life_cycles")
    assert life.value == 11 and life.variant == "CE < 80%"
    assert average_ce(r.cycles, 4, 5) == pytest.approx(truth[3:5].mean())
    ranged = analyze(licu.data, ce_ranges=((4, 6), (10, 40)))
    assert ranged.metric("average_ce", "mean of cycles 4-6").value == pytest.approx(
        truth[3:6].mean()
    )
    assert any("CE range 10-40 asked for, but the test has 12 cycles" in n for n in ranged.notes)
    with pytest.raises(CalculationFailed, match="no Li\\|\\|Cu cycle between 20 and 30"):
        average_ce(r.cycles, 20, 30)


def test_noise_and_reversed_sign_give_the_same_ce():
    a = cells.li_cu(cycles=4, ce=0.97, sample_s=60.0, noise_V=2e-3, seed=3)
    b = cells.li_cu(cycles=4, ce=0.97, sample_s=60.0, reversed_sign=True)
    ra, rb = analyze(a.data), analyze(b.data)
    np.testing.assert_allclose(ra.cycles.get_column("ce"), a.truth["ce"], rtol=1e-9)
    np.testing.assert_allclose(rb.cycles.get_column("ce"), b.truth["ce"], rtol=1e-9)
    assert any("opposite to the package's convention" in n for n in rb.notes)


def test_ce_above_100_is_flagged():
    s = cells.li_cu(cycles=3, ce=[0.95, 1.02, 0.98], first_ce=None, sample_s=60.0)
    r = analyze(s.data)
    assert "ce-above-100" in r.flags
    assert any("cycles 2" in n and "soft short" in n for n in r.notes)


def test_no_cycle_life_is_a_note_not_a_number():
    r = analyze(cells.li_cu(cycles=3, ce=0.99, sample_s=60.0).data)
    assert not r.find("cycle_life_cycles")
    assert any("no Li||Cu cycle life within the data" in n for n in r.notes)


def test_reservoir_ce_against_hand_calculation(reservoir):
    r = analyze(reservoir.data)
    assert r.protocol == "li-cu-reservoir"
    # METHODS.md / Adams 2018: CE_avg = (n Q_C + Q_S) / (n Q_C + Q_T). By hand, with the
    # generator's inputs per cm2: Q_T = 5 mAh, Q_C = 1 mAh, n = 10, per-cycle CE 0.99 so
    # Q_S = 5 - 10 x 0.01 x 1 = 4.9 mAh: CE_avg = (10 + 4.9) / (10 + 5) = 0.993333...
    m = r.metric("average_ce", "reservoir")
    assert m.value == pytest.approx(14.9 / 15, rel=1e-9)
    extra = dict(m.conditions.extra)
    area = reservoir.truth["area_m2"]
    assert int(extra["n"]) == 10
    # 1 mAh cm-2 = 36000 C m-2
    assert float(extra["Q_T_C"]) == pytest.approx(5 * 36000 * area, rel=1e-5)
    assert float(extra["Q_C_C"]) == pytest.approx(36000 * area, rel=1e-5)
    assert float(extra["Q_S_C"]) == pytest.approx(4.9 * 36000 * area, rel=1e-5)
    assert m.conditions.cutoff_V == pytest.approx(1.0)
    cond = r.metric("li_cu_ce", "conditioning")  # reported apart
    assert cond.value == pytest.approx(0.9)
    assert not r.find("average_ce", "aurbach")
    roles = r.half_cycles.get_column("role").to_list()
    assert roles[:3] == ["conditioning-plate", "conditioning-strip", "reservoir"]
    assert roles[-1] == "final-strip" and roles.count("cycling-strip") == 10


def test_aurbach_variant_when_cycled_to_exhaustion():
    s = cells.li_cu_reservoir(
        conditioning_C_m2=None,
        reservoir_C_m2=4.9 * 36000,
        ce=0.8,
        until_exhausted=True,
        sample_s=120.0,
    )
    r = analyze(s.data)
    aurbach = r.metric("average_ce", "aurbach")
    # by hand: each cycle loses 0.2 mAh of 1 mAh; 4.9 mAh lasts n = 20 full cycles (after
    # 20 the reservoir holds 4.9 - 4.0 = 0.9 < 1 mAh): CE = 20 / (20 + 4.9)
    assert s.truth["n"] == 20
    assert aurbach.value == pytest.approx(20 / 24.9, rel=1e-9)
    assert r.metric("average_ce", "reservoir").value == pytest.approx(s.truth["ce_adams"])


def test_reservoir_refused_on_plain_cycling(licu):
    from lithiophile.echem.protocols import ProtocolError

    with pytest.raises(ProtocolError, match="no reservoir plating found"):
        analyze(licu.data, protocol="li-cu-reservoir")


def test_unfinished_reservoir_is_refused(reservoir):
    t = reservoir.data.table
    cut = t.filter(pl.col("time_s") < t.get_column("time_s").max() * 0.9)
    cell = CellData.from_columns(
        cut.select("time_s", "voltage_V", "current_A"), reservoir.data.meta
    )
    from lithiophile.echem.protocols import ProtocolError

    with pytest.raises(ProtocolError, match="never stripped to the cut-off"):
        analyze(cell, protocol="li-cu-reservoir")


def test_interrupted_plating_counts_as_one(licu):
    # a 30 s rest inserted in the middle of the second plating (the point before the rest is
    # repeated after it, so no plating time is lost): CE must stay as constructed
    t = licu.data.table
    time, volt, cur = (t.get_column(c).to_numpy() for c in ("time_s", "voltage_V", "current_A"))
    second = np.flatnonzero(np.diff(np.sign(cur)) < 0)[0] + 1  # first point of plating 2
    a = second + 100
    rest_t = time[a] + np.arange(1.0, 31.0)
    cell = CellData.from_columns(
        {
            "time_s": np.concatenate([time[: a + 1], rest_t, time[a:] + 31.0]),
            "voltage_V": np.concatenate([volt[: a + 1], np.full(30, -0.001), volt[a:]]),
            "current_A": np.concatenate([cur[: a + 1], np.zeros(30), cur[a:]]),
        },
        licu.data.meta,
    )
    r = analyze(cell)
    np.testing.assert_allclose(r.cycles.get_column("ce"), licu.truth["ce"], rtol=1e-9)
    assert any("half-cycles 3-4 plate in a row" in n for n in r.notes)
