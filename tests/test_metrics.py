"""Metric records: SI values, conditions, display, JSON round trip."""

from __future__ import annotations

import pytest

from lithiophile.errors import InputError
from lithiophile.metrics import METRICS, Conditions, Metric


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
    assert Metric.from_dict(m.as_dict()) == m


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
