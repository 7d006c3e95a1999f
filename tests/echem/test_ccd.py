"""Critical current density from stepped-current Li||Li tests of known short."""

import pytest

from lithiophile.echem import analyze
from lithiophile.errors import InputError
from lithiophile.synth import cells


def test_ccd_last_stable_cumulative():
    s = cells.ccd_test(start_A_m2=1.0, step_A_m2=1.0, critical_A_m2=6.0)
    r = analyze(s.data)
    assert r.protocol == "ccd"
    assert r.metric("critical_current_density", "failure step").value == pytest.approx(6.0)
    assert r.metric("critical_current_density", "last stable step").value == pytest.approx(5.0)
    # by hand: steps 1..5 A m-2, 2 half-cycles of 1800 s each: 3600 (1+2+3+4+5) = 54000 C m-2,
    # + 6 A m-2 x 0.3 x 1800 s = 3240 before the short -> 57240 C m-2 (1.59 mAh cm-2)
    cum = r.metric("cumulative_capacity")
    assert cum.value == pytest.approx(57240.0, rel=1e-3)
    assert r.failure.time_s == pytest.approx(s.truth["failure_time_s"], abs=10.5)
    extra = dict(cum.conditions.extra)
    assert "fixed time: 1800 s per half-cycle" in extra["step_protocol"]
    assert float(extra["step_A_m2"]) == pytest.approx(1.0)


def test_ccd_needs_the_area():
    s = cells.ccd_test(area_m2=None)
    with pytest.raises(InputError, match=r"areal figure and the electrode area is unknown.*--area"):
        analyze(s.data)
    r = analyze(s.data, area_m2=cells.COIN_AREA_M2)
    assert r.metric("critical_current_density").value == pytest.approx(6.0)


def test_no_short_reported_as_such():
    r = analyze(cells.ccd_test(critical_A_m2=None, steps=4).data)
    assert not r.find("critical_current_density")
    assert any("no short up to 4 A m-2 in 4 steps" in n for n in r.notes)


def test_ccd_refused_on_constant_current(sym):
    from lithiophile.echem.protocols import ProtocolError

    with pytest.raises(ProtocolError, match=r"--protocol ccd needs the current stepped up"):
        analyze(sym.data, protocol="ccd")


def test_fixed_capacity_steps():
    # 0.5 mAh cm-2 = 18000 C m-2 per half-cycle at 1, 2, 3 ... A m-2; short at 4 A m-2
    s = cells.ccd_test(capacity_C_m2=18000.0, critical_A_m2=4.0, sample_s=20.0)
    r = analyze(s.data)
    m = r.metric("critical_current_density", "failure step")
    assert m.value == pytest.approx(4.0)
    protocol = dict(m.conditions.extra)["step_protocol"]
    assert "fixed capacity: 1.8e+04 C m-2 per half-cycle" in protocol
    assert m.conditions.areal_capacity_C_m2 == pytest.approx(18000.0, rel=1e-3)
    # by hand: 3 steps x 2 half-cycles x 18000 + 0.3 x 18000 = 113400 C m-2
    assert r.metric("cumulative_capacity").value == pytest.approx(113400.0, rel=2e-3)
