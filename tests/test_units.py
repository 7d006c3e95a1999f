"""Units at the edges: one pint registry, to_si, header factors."""

import math

import pytest

from lithiophile.errors import UnitsError
from lithiophile.units import area_from_diameter_m2, factor_to_si, registry, temperature_to_K, to_si


def test_to_si_current_density():
    # hand calculation: 0.5 mA/cm^2 = 0.5e-3 A / 1e-4 m^2 = 5 A/m^2
    assert to_si("0.5 mA/cm^2", "A/m^2") == pytest.approx(5.0)


def test_to_si_areal_capacity():
    # hand calculation: 1 mAh/cm^2 = 1e-3 A * 3600 s / 1e-4 m^2 = 36000 C/m^2
    assert to_si("1 mAh/cm^2", "C/m^2") == pytest.approx(36000.0)


def test_to_si_bare_number_is_si():
    assert to_si(2.5, "m") == 2.5


@pytest.mark.parametrize(
    ("unit", "si", "factor"),
    [
        ("mA", "A", 1e-3),  # SI prefix milli
        ("µA", "A", 1e-6),  # micro sign as instruments write it
        ("mAh", "C", 3.6),  # 1e-3 A * 3600 s
        ("min", "s", 60.0),
        ("h", "s", 3600.0),
        ("mV", "V", 1e-3),
        ("kOhm", "ohm", 1e3),
        ("Ω", "ohm", 1.0),
    ],
)
def test_factor_to_si(unit, si, factor):
    assert factor_to_si(unit, si) == pytest.approx(factor)


def test_area_from_diameter():
    # pi d^2 / 4 with d = 12 mm: 1.130973e-4 m^2 (1.131 cm^2, the usual coin-cell disc)
    assert area_from_diameter_m2("12 mm") == pytest.approx(math.pi * 0.012**2 / 4)


def test_one_registry():
    assert registry() is registry()


def test_incompatible_units_name_the_quantity():
    with pytest.raises(
        UnitsError, match=r"the 'area' option must be a quantity convertible to m\^2.*'3 V'"
    ):
        to_si("3 V", "m^2", name="the 'area' option")


def test_garbage_unit():
    with pytest.raises(UnitsError, match="cannot convert unit 'furlongs per blargh'"):
        factor_to_si("furlongs per blargh", "A")


def test_offset_unit_has_no_factor():
    with pytest.raises(UnitsError, match="offset unit"):
        factor_to_si("degC", "K")


def test_negative_diameter():
    with pytest.raises(UnitsError, match="diameter must be positive"):
        area_from_diameter_m2("-1 mm")


def test_non_finite():
    with pytest.raises(UnitsError, match="finite"):
        to_si(float("nan"), "m")


@pytest.mark.parametrize(
    "text, kelvin",
    # by hand: T[K] = T[C] + 273.15; a bare number is already kelvin
    [("250C", 523.15), ("250 °C", 523.15), ("25 degC", 298.15), ("523 K", 523.0), ("77", 77.0)],
)
def test_temperature_to_K(text, kelvin):
    assert temperature_to_K(text) == pytest.approx(kelvin)


@pytest.mark.parametrize("text, message", [("-300C", "below absolute zero"), ("hot", "'250C'")])
def test_temperature_to_K_refuses(text, message):
    with pytest.raises(UnitsError, match=message):
        temperature_to_K(text, name="--temperature")
