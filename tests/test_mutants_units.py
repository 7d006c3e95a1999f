"""Tests that kill mutants of lithiophile.units which tests/test_units.py lets survive.

Each case pins one spelling, bound or message that a one-token change in units.py alters.
Expected values are hand calculations from the SI definitions (noted per case).
"""

import math
import re

import pytest

from lithiophile.errors import InputError, UnitsError
from lithiophile.units import (
    AREA_RANGE_M2,
    area_from_diameter_m2,
    check_area_m2,
    electrode_area_m2,
    factor_to_si,
    normalise,
    temperature_to_K,
    to_si,
)


@pytest.mark.parametrize(
    ("unit", "si", "factor"),
    # by hand from the SI definitions: 1 min = 60 s, 1 h = 3600 s, 1 mohm = 1e-3 ohm,
    # a cycle count is dimensionless (factor 1)
    [
        ("Min", "s", 60.0),  # Maccor "Test (Min)"
        ("Sec", "s", 1.0),
        ("Hr", "s", 3600.0),
        ("Hrs", "s", 3600.0),
        ("mO", "ohm", 1e-3),  # Neware's milliohm
        ("cycle", "dimensionless", 1.0),
        ("cycles", "dimensionless", 1.0),
        ("Ohm", "ohm", 1.0),
        ("μA", "A", 1e-6),  # Greek small letter mu (U+03BC), not the micro sign
        ("µA", "A", 1e-6),  # micro sign (U+00B5)
        ("s⁻¹", "Hz", 1.0),
        ("cm^{-2}", "m^-2", 1e4),  # LaTeX braces: 1 cm^-2 = 1e4 m^-2
        ("cm3", "m^3", 1e-6),  # power 3 written without a caret: (1e-2 m)^3
        ("mA⋅h", "C", 3.6),  # dot operator (U+22C5): 1e-3 A * 3600 s
        ("uAh", "C", 3.6e-3),  # micro-ampere-hour: 1e-6 A * 3600 s
        ("nAh", "C", 3.6e-6),
        ("kWh", "J", 3.6e6),
        ("%", "dimensionless", 0.01),
        ("ohm·cm", "ohm*m", 1e-2),  # middle dot (U+00B7)
    ],
)
def test_instrument_and_paper_spellings(unit, si, factor):
    assert factor_to_si(unit, si) == pytest.approx(factor, rel=1e-12)


@pytest.mark.parametrize(
    ("text", "kelvin"),
    # by hand: T[K] = T[C] + 273.15
    [
        ("25 ℃", 298.15),
        ("25 deg C", 298.15),
        ("25 °C", 298.15),
        ("-10C", 263.15),
        ("1e2 c", 373.15),
        ("0", 0.0),  # absolute zero itself is allowed; only below it is refused
    ],
)
def test_temperature_spellings(text, kelvin):
    assert temperature_to_K(text) == pytest.approx(kelvin, rel=1e-12, abs=1e-12)


def test_temperature_via_to_si_spellings():
    # by hand: 25 degC = 298.15 K (pint's offset conversion, autoconvert on)
    assert to_si("25 ℃", "K") == pytest.approx(298.15, rel=1e-12)
    assert to_si("25 deg C", "K") == pytest.approx(298.15, rel=1e-12)


def test_temperature_refusals_name_the_option():
    with pytest.raises(UnitsError, match=re.escape("--temperature must be a number with C or K")):
        temperature_to_K("12 V", name="--temperature")
    with pytest.raises(UnitsError, match="--temperature must be a finite number"):
        temperature_to_K("1e999C", name="--temperature")
    with pytest.raises(UnitsError, match=re.escape("--temperature '-1' is below absolute zero")):
        temperature_to_K("-1", name="--temperature")


@pytest.mark.parametrize(
    ("text", "expected"),
    # by hand: leading number forms of the quantity regex
    [(".5 mA", 0.5e-3), ("+2 mA", 2e-3), ("1E3 mA", 1.0), ("2.e0 mA", 2e-3)],
)
def test_number_forms(text, expected):
    assert to_si(text, "A") == pytest.approx(expected, rel=1e-12)


def test_integer_is_taken_as_si():
    value = to_si(3, "m")
    assert value == 3.0
    assert isinstance(value, float)


def test_bool_is_refused():
    with pytest.raises(UnitsError, match=re.escape('--x must be a quantity in m, such as "1 m"')):
        to_si(True, "m", name="--x")


def test_text_without_number_is_refused():
    with pytest.raises(UnitsError, match="no number"):
        to_si("mA", "A", name="--current")


def test_non_finite_text_names_the_quantity():
    with pytest.raises(UnitsError, match=re.escape("--x must be a finite number. Got '1e999 m'")):
        to_si("1e999 m", "m", name="--x")


def test_fahrenheit_is_an_offset_unit_too():
    with pytest.raises(UnitsError, match=re.escape("unit 'degF' is an offset unit")):
        factor_to_si("degF", "K")


def test_normalise_empty_and_spacing():
    assert normalise("") == "dimensionless"
    assert normalise("mA / cm ^ 2") == "mA/cm^2"
    assert normalise("Ω cm²") == "ohm*cm^2"


def test_area_bounds_are_inclusive():
    lo, hi = AREA_RANGE_M2
    # the documented range: 1 µm^2 = 1e-12 m^2 up to 1 m^2, both ends allowed
    assert (lo, hi) == (1e-12, 1.0)
    assert check_area_m2(1e-12) == 1e-12
    assert check_area_m2(1.0) == 1.0
    for bad in (0.99e-12, 1.01, float("inf"), float("nan")):
        with pytest.raises(InputError, match="--area must be a positive electrode area"):
            check_area_m2(bad)


def test_area_error_shows_the_value_when_no_text_given():
    with pytest.raises(InputError, match=re.escape("Got 2.0.")):
        check_area_m2(2.0)


def test_header_area_is_checked_with_its_own_name():
    with pytest.raises(InputError, match="the area the file states must be a positive"):
        electrode_area_m2(None, header_m2=5.0)


def test_zero_diameter_is_a_units_error_naming_the_option():
    with pytest.raises(UnitsError, match=re.escape('--diameter must be positive, such as "12 mm"')):
        electrode_area_m2(diameter="0 mm", diameter_name="--diameter")


def test_area_from_diameter_in_metres():
    # pi d^2 / 4, d = 0.02 m: 3.14159e-4 m^2; a factor-of-2 or wrong divisor changes it
    assert area_from_diameter_m2(0.02) == pytest.approx(math.pi * 0.02**2 / 4, rel=1e-12)


def test_implausible_diameter_area_names_the_diameter_text():
    with pytest.raises(InputError, match=re.escape("--diameter must be a positive electrode area")):
        area_from_diameter_m2("3 m", name="--diameter")


def test_celsius_signs_in_quantities():
    # by hand: 25 degC = 298.15 K; a heating rate of 2 degC/min = 2 K / 60 s = 0.0333 K/s
    # (pint itself cannot parse the single-character sign U+2103 inside a compound unit)
    assert to_si("25 °C", "K") == pytest.approx(298.15, rel=1e-12)
    assert to_si("2 ℃/min", "K/s") == pytest.approx(2.0 / 60.0, rel=1e-12)


def test_degree_sign_and_superscript_plus():
    # by hand: 30 degrees = 30 * pi / 180 rad = pi / 6 (a contact angle written "30 °");
    # cm⁺² is cm^2 = 1e-4 m^2 (an explicit superscript plus on the power)
    assert to_si("30 °", "rad") == pytest.approx(math.pi / 6, rel=1e-12)
    assert to_si("1 cm⁺²", "m^2") == pytest.approx(1e-4, rel=1e-12)


def _message(exc_info: pytest.ExceptionInfo) -> str:
    return str(exc_info.value)


def test_error_messages_in_full():
    # the exact user-facing sentences of units.py (a decorated or truncated message is a bug
    # that a substring match would not see)
    with pytest.raises(UnitsError) as e:
        factor_to_si("degC", "K")
    assert _message(e) == "unit 'degC' is an offset unit; convert values with to_si(), not a factor"
    with pytest.raises(UnitsError) as e:
        factor_to_si("blargh", "A")
    assert _message(e).startswith("cannot convert unit 'blargh' to 'A': ")
    with pytest.raises(UnitsError) as e:
        to_si(False, "m")
    assert _message(e) == 'value must be a quantity in m, such as "1 m". Got False.'
    with pytest.raises(UnitsError) as e:
        to_si("3 V", "m")
    assert _message(e).startswith(
        "value must be a quantity convertible to m, such as \"1 m\". Got '3 V' ("
    )
    assert _message(e).endswith(").")
    with pytest.raises(UnitsError) as e:
        to_si("mA", "A")
    assert _message(e).endswith("Got 'mA' (no number).")
    with pytest.raises(UnitsError) as e:
        to_si("1e999 m", "m")
    assert _message(e) == "value must be a finite number. Got '1e999 m'."


def test_temperature_messages_in_full():
    with pytest.raises(UnitsError) as e:
        temperature_to_K("hot")
    assert _message(e) == (
        "the temperature must be a number with C or K, such as '250C', '25 degC' or '523K'. "
        "Got 'hot'."
    )
    with pytest.raises(UnitsError) as e:
        temperature_to_K("1e999C")
    assert _message(e) == "the temperature must be a finite number. Got '1e999C'."
    with pytest.raises(UnitsError) as e:
        temperature_to_K("-1")
    assert _message(e) == "the temperature '-1' is below absolute zero (0 K = -273.15 C)."


def test_bare_number_text_for_a_dimensionless_target():
    # "0.5" has no unit: it is read as dimensionless, so to "1" it stays 0.5 (by construction)
    assert to_si("0.5", "dimensionless") == 0.5
    assert to_si("50 %", "dimensionless") == pytest.approx(0.5, rel=1e-12)


def test_area_option_messages_in_full():
    with pytest.raises(InputError) as e:
        electrode_area_m2("1 cm2", diameter="12 mm")
    assert _message(e) == "give either --area or --diameter, not both"
    with pytest.raises(UnitsError) as e:
        area_from_diameter_m2("-1 mm")
    assert _message(e) == "the electrode diameter must be positive, such as \"12 mm\". Got '-1 mm'."
