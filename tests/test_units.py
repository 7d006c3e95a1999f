"""Units at the edges: one pint registry, to_si, header factors."""

import math
import re

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


@pytest.mark.parametrize(
    ("text", "si", "expected"),
    # by hand: 1 mA cm-2 = 1e-3 A / 1e-4 m^2 = 10 A m-2; 1 mAh = 3.6 C; 1 cm^2 = 1e-4 m^2
    [
        ("0.5 mA cm-2", "A/m^2", 5.0),
        ("0.5 mA/cm^2", "A/m^2", 5.0),
        ("0.5 mA cm⁻²", "A/m^2", 5.0),
        ("0.5 mA·cm^-2", "A/m^2", 5.0),
        ("1.13 cm2", "m^2", 1.13e-4),
        ("1.13cm2", "m^2", 1.13e-4),
        ("30mV", "V", 0.030),
        ("1 mAh/cm2", "C/m^2", 36e3),
        ("1 mA h cm-2", "C/m^2", 36e3),
        ("12 Ω cm²", "ohm*m^2", 12e-4),
        ("12 ohm.cm2", "ohm*m^2", 12e-4),
        ("2.5e-3 A", "A", 2.5e-3),
        ("50 %", "1", 0.5),
    ],
)
def test_spellings_of_papers_and_instruments(text, si, expected):
    assert to_si(text, si) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("text", "joules"),
    # by hand: 1 Wh = 1 W * 3600 s = 3600 J; 1 mWh = 3.6 J; 1 kWh = 3.6e6 J; 1 Ah = 3600 C
    [("1 Wh", 3600.0), ("2 mWh", 7.2), ("1 kWh", 3.6e6), ("0.5 Wh", 1800.0)],
)
def test_watt_hours(text, joules):
    assert to_si(text, "J") == pytest.approx(joules, rel=1e-12)
    assert factor_to_si("Ah", "C") == pytest.approx(3600.0)


def test_one_normaliser_for_the_knowledge_base():
    from lithiophile.kb.schema import pint_unit
    from lithiophile.units import normalise

    assert pint_unit is normalise
    assert normalise("mA cm-2") == normalise("mA cm⁻²") == "mA*cm^-2"


def test_electrode_area_option_overrides_header():
    from lithiophile.units import electrode_area_m2

    assert electrode_area_m2("1.13 cm2", header_m2=2e-4) == pytest.approx(1.13e-4)
    assert electrode_area_m2(None, header_m2=2e-4) == 2e-4
    assert electrode_area_m2(diameter="12 mm") == pytest.approx(math.pi * 0.012**2 / 4)
    assert electrode_area_m2() is None


@pytest.mark.parametrize("text", ["1e300 cm2", "-1 cm2", "0 cm^2", "1e-20 m^2"])
def test_absurd_areas_refused_with_the_plausible_range(text):
    from lithiophile.errors import InputError
    from lithiophile.units import electrode_area_m2

    message = (
        '--area must be a positive electrode area between 1 µm^2 and 1 m^2, such as "1.13 cm^2".'
        f" Got {text!r}."
    )
    with pytest.raises(InputError, match=re.escape(message)):
        electrode_area_m2(text)


def test_area_and_diameter_together_refused():
    from lithiophile.errors import InputError
    from lithiophile.units import electrode_area_m2

    with pytest.raises(InputError, match="either --area or --diameter"):
        electrode_area_m2("1 cm2", diameter="12 mm")
