"""Wetting models against their closed forms (hand calculations in the comments)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lithiophile import wetting as w
from lithiophile.errors import InputError


def test_li_surface_tension_davison():
    # Davison 1968: 0.3957 N/m at 453.69 K, slope -1.19e-4 N/m/K
    assert w.li_surface_tension(453.69) == pytest.approx(0.3957)
    # 250 C = 523.15 K: 0.3957 - 1.19e-4 * 69.46 = 0.387434
    assert w.li_surface_tension(523.15) == pytest.approx(0.3957 - 1.19e-4 * 69.46, rel=1e-12)


@pytest.mark.parametrize(
    ("t", "match"),
    [(-1.0, "below absolute zero"), (300.0, "below the melting point"), (2000.0, "boiling")],
)
def test_li_surface_tension_refuses(t, match):
    with pytest.raises(InputError, match=match):
        w.li_surface_tension(t)


def test_young_closed_form():
    # cos = (0.5 - 0.3) / 0.4 = 0.5 -> 60 deg
    ca = w.young(0.5, 0.3, 0.4)
    assert ca.angle_deg == pytest.approx(60.0)
    assert ca.regime == "partial wetting"
    # (1.0 - 0.2) / 0.4 = 2 >= 1: spreading, not NaN
    spread = w.young(1.0, 0.2, 0.4)
    assert (spread.angle_deg, spread.regime, spread.cos_model) == (0.0, "complete wetting", 2.0)


def test_young_dupre_forward_and_inverse():
    g = 0.3957
    # W = g (1 + cos 60) = 1.5 g
    assert w.work_of_adhesion(60.0, g) == pytest.approx(1.5 * g)
    assert w.young_dupre_angle(1.5 * g, g) == pytest.approx(60.0)
    assert w.young_dupre_angle(g, g) == pytest.approx(90.0)
    assert w.young_dupre_angle(0.0, g) == 180.0
    # W >= 2 gamma: the documented complete-wetting result 0.0, never NaN
    assert w.young_dupre_angle(3 * g, g) == 0.0
    assert w.contact_angle_from_adhesion(3 * g, g).regime == "complete wetting"


def test_young_dupre_refuses_bad_input():
    with pytest.raises(InputError, match="must be >= 0 J m-2"):
        w.young_dupre_angle(-0.1, 0.39)
    with pytest.raises(InputError, match="surface_tension_J_m2' must be a positive"):
        w.young_dupre_angle(0.1, 0.0)
    with pytest.raises(InputError, match="finite"):
        w.young_dupre_angle(float("nan"), 0.39)


def test_work_of_adhesion_for_30_deg_at_250C():
    # gamma(523.15 K) = 0.387434 N/m; W = gamma (1 + cos 30) = 0.387434 * 1.8660254 = 0.722962
    assert w.work_of_adhesion_for_angle(30.0, 523.15) == pytest.approx(0.722962, abs=1e-6)


def test_wenzel_closed_form_and_limits():
    # cos* = 1.6 cos 80 = 0.277837 -> 73.87 deg
    assert w.wenzel(80.0, 1.6).angle_deg == pytest.approx(
        math.degrees(math.acos(0.277837)), abs=1e-3
    )
    # 1.6 cos 110 = -0.547232 -> 123.18 deg
    assert w.wenzel(110.0, 1.6).angle_deg == pytest.approx(123.18, abs=0.01)
    # |r cos| > 1: a prediction, not NaN
    full = w.wenzel(30.0, 3.0)
    assert (full.angle_deg, full.regime) == (0.0, "complete wetting")
    assert full.cos_model == pytest.approx(3 * math.cos(math.radians(30)))
    non = w.wenzel(150.0, 3.0)
    assert (non.angle_deg, non.regime) == (180.0, "non-wetting")


def test_wenzel_refuses_roughness_below_one():
    with pytest.raises(InputError, match="must be >= 1"):
        w.wenzel(80.0, 0.9)


def test_roughness_inverse_problem():
    # r = cos(0) / cos(80) = 5.7588: the roughness that makes an 80-degree surface spread
    assert w.wenzel_roughness_for(80.0, 0.0) == pytest.approx(1 / math.cos(math.radians(80)))
    # 100 degrees can never be turned into wetting by roughness (Wenzel amplifies)
    with pytest.raises(InputError, match="no Wenzel roughness >= 1 turns 100 degrees into 60"):
        w.wenzel_roughness_for(100.0, 60.0)
    # ... but roughness drives it to non-wetting at r = -1 / cos(100) = 5.7588
    assert w.wenzel_roughness_for(100.0, 180.0) == pytest.approx(-1 / math.cos(math.radians(100)))


def test_cassie_baxter_closed_form():
    # cos* = 0.5 (1 + cos 60) - 1 = -0.25 -> 104.48 deg
    assert w.cassie_baxter(60.0, 0.5).angle_deg == pytest.approx(math.degrees(math.acos(-0.25)))
    assert w.cassie_baxter(60.0, 1.0).angle_deg == pytest.approx(60.0)
    with pytest.raises(InputError, match=r"solid_fraction' .* must be in \(0, 1\]"):
        w.cassie_baxter(60.0, 0.0)


def test_nucleation_barrier_factor():
    # f(90) = (2 + 0)(1 - 0)^2 / 4 = 0.5; f(0) = 0; f(180) = (1)(4)/4 = 1
    assert w.nucleation_barrier_factor(90.0) == pytest.approx(0.5)
    assert w.nucleation_barrier_factor(0.0) == pytest.approx(0.0)
    assert w.nucleation_barrier_factor(180.0) == pytest.approx(1.0)
    with pytest.raises(InputError, match="between 0 and 180"):
        w.nucleation_barrier_factor(200.0)


@given(st.floats(0.0, 180.0), st.floats(0.05, 1.0))
def test_young_dupre_round_trip(theta, gamma):
    angle = w.young_dupre_angle(w.work_of_adhesion(theta, gamma), gamma)
    assert not math.isnan(angle)
    assert math.cos(math.radians(angle)) == pytest.approx(math.cos(math.radians(theta)), abs=1e-9)


def test_contact_angle_metric():
    m = w.wenzel(80.0, 1.6).metric(temperature_K=523.15)
    assert m.metric == "contact_angle" and m.variant == "Wenzel"
    assert m.value == pytest.approx(w.wenzel(80.0, 1.6).angle_deg)
    assert m.conditions.temperature_K == 523.15
