"""Segmentation does not depend on instrument quirks: cycle numbering from 0 or 1, numbering
that increments on charge or on discharge, program step columns or none."""

import numpy as np
import polars as pl
import pytest

from lithiophile.echem import analyze, segment
from lithiophile.io.celldata import CellData
from lithiophile.synth import cells


def _figures(result):
    return [(m.metric, m.variant, round(m.value, 12)) for m in result.metrics]


@pytest.mark.parametrize("cycle_start", [0, 1])
@pytest.mark.parametrize("increments_on", ["plate", "strip"])
def test_cycle_numbering_does_not_change_the_answer(cycle_start, increments_on):
    plain = cells.symmetric(cycles=4, sample_s=60.0)
    numbered = cells.symmetric(
        cycles=4,
        sample_s=60.0,
        with_instrument_columns=True,
        cycle_start=cycle_start,
        increments_on=increments_on,
    )
    assert numbered.data["cycle"][0] == cycle_start
    assert _figures(analyze(numbered.data)) == _figures(analyze(plain.data))


def test_program_step_column_and_none_agree(licu):
    t = licu.data.table
    # an instrument's program step: 1 for plating, 2 for stripping, repeating every cycle
    program = np.where(t.get_column("current_A").to_numpy() < 0, 1, 2)
    with_steps = CellData.from_columns(
        t.select("time_s", "voltage_V", "current_A").with_columns(pl.Series("step", program)),
        licu.data.meta,
    )
    assert "step_index" in with_steps.columns
    bare = CellData.from_columns(t.select("time_s", "voltage_V", "current_A"), licu.data.meta)
    assert _figures(analyze(with_steps)) == _figures(analyze(bare))


def test_half_cycles_capacity_and_rests():
    s = cells.symmetric(cycles=2, sample_s=10.0)
    t = s.data.table
    # insert a 10-minute rest after every half-cycle: rows of zero current
    time = t.get_column("time_s").to_numpy()
    cur = t.get_column("current_A").to_numpy()
    volt = t.get_column("voltage_V").to_numpy()
    edges = np.flatnonzero(np.diff(np.sign(cur))) + 1
    parts_t, parts_v, parts_i, shift, a = [], [], [], 0.0, 0
    for b in [*edges.tolist(), time.size]:
        parts_t.append(time[a:b] + shift)
        parts_v.append(volt[a:b])
        parts_i.append(cur[a:b])
        rest = time[b - 1] + shift + np.arange(1, 61) * 10.0
        parts_t.append(rest)
        parts_v.append(np.zeros(60))
        parts_i.append(np.zeros(60))
        shift += 600.0
        a = b
    cell = CellData.from_columns(
        {
            "time_s": np.concatenate(parts_t),
            "voltage_V": np.concatenate(parts_v),
            "current_A": np.concatenate(parts_i),
        },
        s.data.meta,
    )
    seg = segment(cell)
    assert seg.half_cycles.height == 4
    assert seg.segments.filter(pl.col("kind") == "rest").height == 4
    # capacity of each half-cycle: |I| x 3600 s (its own points, first at 0 s, last at 3600 s)
    np.testing.assert_allclose(
        seg.half_cycles.get_column("capacity_C"), 5.0 * cells.COIN_AREA_M2 * 3600.0, rtol=1e-12
    )
    r = analyze(cell)
    np.testing.assert_allclose(
        r.cycles.get_column("hysteresis_V"), s.truth["hysteresis_V"], atol=1e-4
    )


def test_written_instrument_file_reads_back_to_the_same_figures(tmp_path):
    import lithiophile.io as lio

    s = cells.li_cu(cycles=2, sample_s=120.0, dense_dt_s=0.5, dense_s=30.0, noise_V=0.0)
    mpt = s.write(tmp_path / "licu.mpt", fmt="biologic-mpt")
    data = lio.read(mpt)
    r = analyze(data, area_m2=cells.COIN_AREA_M2)
    # EC-Lab text keeps ~7 significant digits: CE to 1e-5
    np.testing.assert_allclose(r.cycles.get_column("ce"), s.truth["ce"], rtol=1e-5)


def test_rests_ocv_eis_and_ramps_are_recognised():
    # 600 s at +1 mA, an OCV period, an impedance block, 600 s ramping from -0.1 to -1 mA
    t = np.arange(0.0, 2400.0, 1.0)
    i = np.zeros(t.size)
    i[:600] = 1e-3
    i[1800:] = np.linspace(-1e-4, -1e-3, 600)
    v = np.where(i > 0, 0.03, np.where(i < 0, -0.02 + 20 * i, 0.0))
    kind = np.array(["charge"] * 600 + ["ocv"] * 600 + ["eis"] * 600 + ["discharge"] * 600)
    cell = CellData.from_columns({"time_s": t, "voltage_V": v, "current_A": i, "step_kind": kind})
    seg = segment(cell)
    assert seg.segments.get_column("kind").to_list() == ["strip", "ocv", "eis", "plate"]
    assert seg.half_cycles.get_column("control").to_list() == ["cc", "ramp"]


def test_missing_voltages_do_not_move_the_plateau(sym):
    t = sym.data.table.select("time_s", "voltage_V", "current_A")
    holes = t.with_columns(
        pl.when(pl.int_range(pl.len()) % 7 == 3)
        .then(float("nan"))
        .otherwise(pl.col("voltage_V"))
        .alias("voltage_V")
    )
    r = analyze(CellData.from_columns(holes, sym.data.meta))
    np.testing.assert_allclose(
        r.half_cycles.get_column("plateau_abs_V"), sym.truth["plateau_V"], atol=6e-5
    )
