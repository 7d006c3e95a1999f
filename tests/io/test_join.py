"""Continuation files joined into one test (``lio.read([a, b])``, :func:`lithiophile.io.join`).
Known by construction: one synthetic test written as two files, cut at a cycle boundary."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pytest

import lithiophile.io as lio
from lithiophile.errors import InputError
from lithiophile.io.celldata import CellData
from lithiophile.io.join import join
from lithiophile.synth.examples import li_li_symmetric, rc_spectrum
from lithiophile.synth.instruments import write_biologic_mpr
from lithiophile.synth.instruments.defects import split_file


@pytest.fixture(scope="module")
def whole():
    return li_li_symmetric(cycles=3)


def _cycle_start(cell, cycle):
    return int(np.flatnonzero(cell["cycle"] == cycle)[0])


def test_read_list_joins_continuation_files(tmp_path, whole):
    cut = _cycle_start(whole, 2)
    cols = {c: whole[c] for c in ("time_s", "voltage_V", "current_A")}
    a, b = split_file(write_biologic_mpr, cols, [tmp_path / "a.mpr", tmp_path / "b.mpr"], [cut])
    assert lio.read(b)["time_s"][0] == 0.0  # the second file's clock starts again
    data = lio.read([a, b])
    # both files state the same start time, so the pause is unknown: one sampling interval
    # (10 s here, uniform) is put between them, which is exactly the original timing
    np.testing.assert_allclose(data["time_s"], whole["time_s"], rtol=0, atol=1e-9)
    np.testing.assert_array_equal(data["cycle"], whole["cycle"])
    np.testing.assert_array_equal(data["step"], whole["step"])
    # the charge continues from file 1's last value; within each file it grows as the same
    # test read as one file does; across the cut nothing is added (the second file's counter
    # starts at its first record: the charge of the pause is in neither file)
    single = lio.read(write_biologic_mpr(cols, tmp_path / "whole.mpr"))
    dq, dq_single = np.diff(data["charge_C"]), np.diff(single["charge_C"])
    keep = np.arange(dq.size) != cut - 1
    np.testing.assert_allclose(dq[keep], dq_single[keep], rtol=1e-9, atol=1e-12)
    assert dq[cut - 1] == pytest.approx(0.0, abs=1e-15)
    assert data["charge_C"][cut] == pytest.approx(data["charge_C"][cut - 1], abs=1e-15)
    codes = [p.code for p in data.meta.provenance]
    assert "join-time" in codes and "join-counters" in codes
    assert "pause between them is unknown" in str(data.meta.provenance[codes.index("join-time")])


def test_join_uses_start_times_and_reports_the_gap(whole):
    cut = _cycle_start(whole, 2)
    t0 = datetime(2024, 1, 15, 9, 0, 0)
    first = CellData.from_columns(
        {c: whole[c][:cut] for c in ("time_s", "voltage_V", "current_A")},
        whole.meta.replace(start_time=t0),
    )
    rest = {c: whole[c][cut:] for c in ("time_s", "voltage_V", "current_A")}
    rest["time_s"] = rest["time_s"] - rest["time_s"][0]
    # the second file starts 1 h after the end of the first (by construction)
    end = float(whole["time_s"][cut - 1])
    second = CellData.from_columns(
        rest, whole.meta.replace(start_time=t0 + timedelta(seconds=end + 3600))
    )
    data = join([first, second])
    assert data["time_s"][cut] == pytest.approx(end + 3600, abs=1e-9)
    said = [str(p) for p in data.meta.provenance if p.code == "join-time"]
    assert said and "starts 3600 s after file 1 ends" in said[0]


def test_join_spectra_numbered_on_and_kinds_not_mixed(whole):
    spec = rc_spectrum()
    both = join([spec, spec])
    assert both.summary().spectra == 2 and len(both) == 2 * len(spec)
    with pytest.raises(InputError, match="parts of one kind"):
        join([whole, spec])
    with pytest.raises(InputError, match="at least one file"):
        join([])
