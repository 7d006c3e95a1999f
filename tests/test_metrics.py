"""Metric records: SI values, conditions, display, JSON round trip."""

from __future__ import annotations

import pytest

from lithiophile.errors import InputError
from lithiophile.metrics import METRICS, Conditions, Metric, as_metric
from lithiophile.store import to_payload


def test_display_in_review_units():
    # 0.030 V = 30 mV; 5 A/m^2 = 0.5 mA/cm^2; 1 mAh/cm^2 = 3.6 C / 1e-4 m^2 = 36000 C/m^2
    m = Metric(
        "polarization",
        0.030,
        Conditions(current_density_A_m2=5.0, areal_capacity_C_m2=36e3, time_s=300 * 3600),
        variant="plateau",
    )
    assert m.display() == "polarization (plateau) 30 mV after 300 h at 0.5 mA cm-2, 1 mAh cm-2"
    assert m.unit == "V" and m.display_unit == "mV"
    # 1.2e-3 ohm m^2 = 12 ohm cm^2
    assert Metric("interfacial_asr", 1.2e-3).display_value == pytest.approx(12.0)
    assert Metric("cumulative_capacity", 72e3).display_value == pytest.approx(2.0)  # mAh cm-2
    # and the factor agrees with the package's pint registry
    from lithiophile.units import to_si

    assert to_si("1 mAh/cm^2", "C/m^2") == pytest.approx(36e3)


def test_round_trip():
    m = Metric(
        "li_cu_ce",
        0.985,
        Conditions(cycle=100, cell="Li|Cu", extra=(("electrolyte salt", "LiFSI"),)),
        definition="Q_strip / Q_plate",
        uncertainty=0.002,
        notes=("flag",),
    )
    assert as_metric(to_payload(m)) == m


def test_payload_shows_the_si_unit_and_conditions_read_in_si():
    # the unit comes from METRICS (polarization is in V); si_text lists only what is stated
    m = Metric("polarization", 0.03, Conditions(current_density_A_m2=5.0, cell="Li|Li"))
    data = to_payload(m)
    assert data["unit"] == "V" and data["value"] == 0.03
    assert as_metric(data) == m and as_metric(m) is m
    assert m.conditions.si_text() == "current_density_A_m2=5.0, cell=Li|Li"
    assert Conditions().si_text() == ""


def test_bad_values_refused():
    with pytest.raises(InputError, match="'metric' must be one of"):
        Metric("polarisation", 0.03)
    with pytest.raises(InputError, match="must be a finite number"):
        Metric("polarization", float("nan"))
    with pytest.raises(InputError, match="'time_s' must not be negative"):
        Conditions(time_s=-1.0)


def test_every_kind_has_units():
    for kind in METRICS.values():
        assert kind.unit and kind.display_factor > 0


def test_display_units_agree_with_pint():
    from lithiophile.metrics import DISPLAY_UNITS
    from lithiophile.units import factor_to_si

    # each display factor is 1 / (display unit in SI), checked against the pint registry
    for si, (display, factor) in DISPLAY_UNITS.items():
        assert factor == pytest.approx(1 / factor_to_si(display, si), rel=1e-12), si
    for kind in METRICS.values():
        if kind.unit not in ("1", "deg") and kind.display_unit != kind.unit:
            expected = 1 / factor_to_si(kind.display_unit, kind.unit)
            assert kind.display_factor == pytest.approx(expected, rel=1e-12), kind.name


def test_counts_as_people_write_them():
    assert Conditions(cycle=1).display() == "after 1 cycle"
    assert Conditions(cycle=2).display() == "after 2 cycles"
    # 0.2 mA with the area unknown; 3.6 C = 1 mAh
    c = Conditions(extra=(("current_A", "-2e-4"), ("capacity_C", "3.6")))
    assert c.display() == "at 0.2 mA (area unknown), 1 mAh"
