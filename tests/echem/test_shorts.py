"""Shorts need a physically meaningful duration (docs/methods.md, "Shorts"; issue 11 item 12):
the voltage's passage through 0 V after a current reversal is never a soft short, a one-record
dip is noise, and a hard short is timed at the first record that shows it, in any
half-cycle."""

import numpy as np
import pytest

from lithiophile.echem import analyze
from lithiophile.io.celldata import CellData
from lithiophile.synth import cells


def _reversing_cell(dip=None, dip_points=0):
    """Li||Li, 10 half-cycles of 600 s at 1 mA, 1 s records; after each reversal the voltage
    relaxes through 0 V: V = s 20 mV (1 - 2 exp(-t / 20 s)), below half the plateau for the
    first 20 ln 4 = 28 s (4.6 % of the half-cycle). ``dip``: (half-cycle, start [s]) of a drop
    to 1 mV over ``dip_points`` records."""
    t, v, i = [], [], []
    for h in range(10):
        s = -1.0 if h % 2 == 0 else 1.0
        tau = np.arange(0.0, 600.0, 1.0)
        volt = s * 0.02 * (1 - 2 * np.exp(-tau / 20.0)) if h else s * 0.02 * np.ones(tau.size)
        if dip is not None and h == dip[0]:
            k = int(dip[1])
            volt[k : k + dip_points] = s * 0.001
        t.append(h * 600.0 + tau)
        v.append(volt)
        i.append(np.full(tau.size, s * 1e-3))
    return CellData.from_columns(
        {
            "time_s": np.concatenate(t),
            "voltage_V": np.concatenate(v),
            "current_A": np.concatenate(i),
        }
    )


def test_reversal_through_zero_is_not_a_soft_short():
    r = analyze(_reversing_cell())
    assert not [e for e in r.events if e.kind == "soft-short"]
    assert r.failure is None


def test_a_dip_inside_a_half_cycle_is_a_soft_short_and_one_record_is_not():
    r = analyze(_reversing_cell(dip=(5, 300), dip_points=30))
    soft = [e for e in r.events if e.kind == "soft-short"]
    # half-cycle 6 (index 5) starts at 3000 s: the dip at 3300 s, 30 records of 1 s
    assert [e.time_s for e in soft] == [3300.0]
    assert soft[0].duration_s == 30.0 and soft[0].half_cycle == 6
    one = analyze(_reversing_cell(dip=(5, 300), dip_points=1))
    assert not [e for e in one.events if e.kind == "soft-short"]


@pytest.mark.parametrize(
    "short_h",
    [
        1.2537,  # inside half-cycle 2 (stripping), between records
        2.5071,  # half-cycle 3 (plating)
        5.0003,  # just after the start of half-cycle 6
        7.4444,  # inside the last half-cycle (8), with 56 % of it left
    ],
)
def test_hard_short_timed_at_the_first_record_showing_it(short_h):
    # records every 10 s from each half-cycle's start; the short begins between two records:
    # the first record showing it is at most one interval later, never before
    t_short = short_h * 3600
    s = cells.symmetric(cycles=4, sample_s=10.0, hard_short_s=t_short)
    r = analyze(s.data)
    life = r.metric("cycle_life_time", "hard-short")
    assert t_short <= life.value < t_short + 10.0 + 1e-2
    assert r.failure.half_cycle == int(t_short // 3600) + 1
    assert "docs/methods.md" in r.failure.detail


def test_a_collapse_shorter_than_half_a_half_cycle_is_not_confirmed():
    # the short starts 0.6 of the way into the last half-cycle: 40 % of it left (1440 s)
    s = cells.symmetric(cycles=2, sample_s=10.0, hard_short_s=3.6 * 3600)
    r = analyze(s.data)
    assert r.failure is None
    assert any("it must last 50% of a half-cycle" in n for n in r.notes)
