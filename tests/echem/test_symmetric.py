"""Li||Li polarization (peak, plateau, hysteresis), failure and soft shorts, against synthetic
cells whose voltages are built in closed form (lithiophile.synth.cells.symmetric)."""

import numpy as np
import pytest

from lithiophile.echem import analyze
from lithiophile.synth import cells


def test_plateau_peak_hysteresis_per_half_cycle(sym):
    r = analyze(sym.data)
    assert r.protocol == "symmetric"
    half = r.half_cycles
    # plateau: j ASR (1.01)^c + 2 (2RT/F) asinh(j / 2 j0), noise 0.1 mV -> median within 0.05 mV
    np.testing.assert_allclose(half.get_column("plateau_abs_V"), sym.truth["plateau_V"], atol=5e-5)
    # peak: plateau + the 10 mV spike at t = 0 of each half-cycle (max |V| adds up to ~4 sigma)
    np.testing.assert_allclose(half.get_column("peak_abs_V"), sym.truth["peak_V"], atol=6e-4)
    np.testing.assert_allclose(
        r.cycles.get_column("hysteresis_V"), sym.truth["hysteresis_V"], atol=1e-4
    )


def test_metrics_first_and_last_cycle_with_conditions(sym):
    r = analyze(sym.data)
    last = next(m for m in r.find("polarization", "plateau") if "last cycle" in m.notes)
    assert last.value == pytest.approx(np.mean(sym.truth["plateau_V"][-2:]), abs=5e-5)
    c = last.conditions
    # 20 cycles of 2 x 3600 s (+ 1 ms gaps between half-cycles): 40 h
    assert c.time_s == pytest.approx(40 * 3600, abs=1.0)
    assert c.cycle == 20
    assert c.current_density_A_m2 == pytest.approx(5.0)
    assert c.areal_capacity_C_m2 == pytest.approx(18000.0)  # 5 A m-2 x 3600 s = 0.5 mAh cm-2
    assert c.cell == "Li|Li"
    assert "25%-75%" in last.definition
    hyst = next(m for m in r.find("polarization", "hysteresis") if "first cycle" in m.notes)
    assert hyst.value == pytest.approx(sym.truth["hysteresis_V"][0], abs=1e-4)
    # no failure within the data: stated as such, never as a lifetime
    assert not r.find("cycle_life_time")
    assert r.failure is None
    assert any(n.startswith("no failure within 40 h") for n in r.notes)


def test_hard_short_and_soft_shorts():
    s = cells.symmetric(
        cycles=8,
        sample_s=10.0,
        hard_short_s=11.25 * 3600,
        soft_shorts=[(2.4 * 3600, 300.0), (5.7 * 3600, 120.0)],
    )
    r = analyze(s.data)
    life = r.metric("cycle_life_time", "hard-short")
    # the generator switches to V = I x 2 ohm at 11.25 h (a point falls on it within 10 s)
    assert life.value == pytest.approx(11.25 * 3600, abs=10.5)
    assert r.metric("cycle_life_cycles").value == 6  # 11.25 h falls in cycle 6 (10-12 h)
    assert "ohmic, R = 2" in r.failure.detail
    soft = [e for e in r.events if e.kind == "soft-short"]
    assert [e.time_s for e in soft] == pytest.approx([2.4 * 3600, 5.7 * 3600], abs=10.5)
    assert soft[0].duration_s == pytest.approx(300.0, abs=10.5)
    assert "soft-shorts" in r.flags


def test_polarization_limit():
    # polarization grows x1.5 per cycle: plateau 0.0354 + 0.01 (1.5^c - 1)... |V| of the spike
    # crosses 1 V first in the cycle where plateau + 10 mV >= 1 V
    s = cells.symmetric(cycles=12, sample_s=30.0, growth_per_cycle=0.5, asr_ohm_m2=4e-3)
    peaks = np.array(s.truth["peak_V"])
    first = int(np.argmax(peaks >= 1.0))  # half-cycle index (0-based) where the limit is hit
    r = analyze(s.data)
    life = r.metric("cycle_life_time", "polarization-limit")
    assert life.value == pytest.approx(first * 3600, abs=1.0)  # at the start of that half-cycle
    assert r.metric("cycle_life_cycles").value == first // 2 + 1


def test_custom_limit_and_strip_first():
    s = cells.symmetric(cycles=4, sample_s=30.0, strip_first=True)
    r = analyze(s.data, polarization_limit_V=0.04)  # the 45 mV spike crosses 40 mV at t = 0
    assert r.metric("cycle_life_time").value == pytest.approx(0.0, abs=1e-6)
    r2 = analyze(s.data)
    np.testing.assert_allclose(
        r2.cycles.get_column("hysteresis_V"), s.truth["hysteresis_V"], atol=1e-4
    )


def test_polarization_at_a_time(sym):
    from lithiophile.echem.symmetric import polarization_at
    from lithiophile.errors import InputError

    r = analyze(sym.data)
    m = polarization_at(r, 10.5 * 3600)  # cycle 5 ends at 10 h, cycle 6 at 12 h
    assert m.conditions.cycle == 5
    assert m.value == pytest.approx(np.mean(sym.truth["plateau_V"][8:10]), abs=5e-5)
    h = polarization_at(r, 40 * 3600 + 1, "hysteresis")
    assert h.value == pytest.approx(sym.truth["hysteresis_V"][-1], abs=1e-4)
    with pytest.raises(InputError, match="no cycle of the test ends by 1 h"):
        polarization_at(r, 3600.0)
    with pytest.raises(InputError, match="variant must be one of"):
        polarization_at(r, 3600.0, "median")


def test_collapse_in_the_last_points_is_noted_not_counted():
    # the short comes 60 s before the end of 4 h of cycling: 6 points, too few to confirm
    s = cells.symmetric(cycles=2, sample_s=10.0, hard_short_s=4 * 3600 - 55)
    r = analyze(s.data)
    assert r.failure is None
    assert any("too few to confirm a hard short" in n for n in r.notes)


def test_falling_polarization_is_not_a_short():
    # ASR falls 60 % per cycle (activation): plateau 0.28 V in cycle 1 to 0.025 V later, far
    # below 20 % of the first plateau but never a collapse
    s = cells.symmetric(cycles=8, sample_s=60.0, asr_ohm_m2=0.05, growth_per_cycle=-0.6)
    assert s.truth["plateau_V"][-1] < 0.2 * s.truth["plateau_V"][0]
    r = analyze(s.data)
    assert r.failure is None
    short = cells.symmetric(
        cycles=8, sample_s=60.0, asr_ohm_m2=0.05, growth_per_cycle=-0.6, hard_short_s=13.5 * 3600
    )
    assert analyze(short.data).failure.time_s == pytest.approx(13.5 * 3600, abs=61)
