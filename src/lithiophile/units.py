"""The one pint registry of the package and conversions at its edges.

Inside lithiophile every number is a plain SI float with its unit in its name
(``current_density_A_m2``). pint is used only where text with units comes in: file headers,
command-line options, notebook input.

Examples
--------
>>> from lithiophile.units import to_si
>>> to_si("0.5 mA/cm^2", "A/m^2")
5.0
>>> round(to_si("12 mm", "m"), 6)
0.012
"""

from __future__ import annotations

import functools
import math
import re
from typing import TYPE_CHECKING

from lithiophile.errors import UnitsError

if TYPE_CHECKING:  # pragma: no cover
    import pint

__all__ = ["area_from_diameter_m2", "factor_to_si", "registry", "temperature_to_K", "to_si"]

# Spellings found in instrument headers that pint does not know, mapped to pint's.
_ALIASES = {
    "ohm.cm2": "ohm*cm^2",
    "Ω": "ohm",
    "Ohm": "ohm",
    "µ": "u",
    "μ": "u",
    "°C": "degC",
    "degC": "degC",
    "Ah": "(A*h)",
    "mAh": "(mA*h)",
    "uAh": "(uA*h)",
    "Wh": "(W*h)",
    "mWh": "(mW*h)",
}


def _parse_errors() -> tuple[type[BaseException], ...]:
    import tokenize

    import pint

    # pint's parser raises its own errors but also the tokenizer's and Python's for odd text
    return (
        pint.errors.PintError,
        AttributeError,
        TypeError,
        ValueError,
        AssertionError,
        KeyError,
        IndexError,
        SyntaxError,
        tokenize.TokenError,
    )


@functools.cache
def registry() -> pint.UnitRegistry:
    """The package's single pint UnitRegistry (created on first use)."""
    import pint

    ureg: pint.UnitRegistry = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
    ureg.define("percent = 0.01 = %")
    return ureg


#: Whole-label spellings of instrument headers (Maccor's "Test (Min)", Neware's "mO").
_WHOLE = {
    "Min": "min",
    "Sec": "s",
    "Hr": "h",
    "Hrs": "h",
    "mO": "mohm",
    "℃": "degC",
    "deg C": "degC",
}


def _normalise(unit: str) -> str:
    text = unit.strip()
    text = _WHOLE.get(text, text)
    for old, new in _ALIASES.items():
        if old in ("Ah", "mAh", "uAh", "Wh", "mWh"):
            text = re.sub(rf"(?<![A-Za-z]){old}(?![A-Za-z])", new, text)
        else:
            text = text.replace(old, new)
    return text


@functools.cache
def factor_to_si(unit: str, si_unit: str) -> float:
    """Multiplicative factor that converts a value in ``unit`` to ``si_unit``.

    Raises
    ------
    UnitsError
        If ``unit`` cannot be parsed or is not convertible to ``si_unit`` (or is an offset
        unit such as degC, which has no multiplicative factor: use :func:`to_si`).
    """

    ureg = registry()
    try:
        source = ureg.Quantity(1.0, _normalise(unit))
        if not source.unitless and source.units in (ureg.degC, ureg.degF):
            raise UnitsError(
                f"unit '{unit}' is an offset unit; convert values with to_si(), not a factor"
            )
        value = source.to(_normalise(si_unit)).magnitude
    except UnitsError:
        raise
    except _parse_errors() as exc:
        raise UnitsError(f"cannot convert unit '{unit}' to '{si_unit}': {exc}") from None
    return float(value)


def to_si(quantity: str | float, si_unit: str, *, name: str = "value") -> float:
    """Parse a quantity written with its unit (``"0.5 mA/cm^2"``) into a float in ``si_unit``.

    Parameters
    ----------
    quantity
        Text such as ``"1.13 cm^2"``; a bare number is taken to be in ``si_unit`` already.
    si_unit
        The unit wanted, e.g. ``"A/m^2"``.
    name
        What the quantity is, for the error message (e.g. ``"the 'area' option"``).

    Raises
    ------
    UnitsError
        With a message naming ``name``, what was expected and what was given.
    """

    if isinstance(quantity, bool):
        raise UnitsError(
            f'{name} must be a quantity in {si_unit}, such as "1 {si_unit}". Got {quantity!r}.'
        )
    if isinstance(quantity, int | float):
        value = float(quantity)
    else:
        text = _normalise(str(quantity))
        try:
            parsed: pint.Quantity = registry().Quantity(text)
            if parsed.dimensionless and not isinstance(parsed.magnitude, int | float):
                raise ValueError("not a number")
            value = float(parsed.to(_normalise(si_unit)).magnitude)
        except _parse_errors() as exc:
            raise UnitsError(
                f'{name} must be a quantity convertible to {si_unit}, such as "1 {si_unit}". '
                f"Got {quantity!r} ({exc})."
            ) from None
    if not math.isfinite(value):
        raise UnitsError(f"{name} must be a finite number. Got {quantity!r}.")
    return value


#: "250C", "250 C", "250°C", "250 ℃": Celsius the short way ("C" alone is pint's coulomb)
_CELSIUS = re.compile(r"^\s*([-+]?[0-9.]+(?:[eE][-+]?[0-9]+)?)\s*(?:°\s*C|℃|C|c)\s*$")


def temperature_to_K(text: str | float, *, name: str = "the temperature") -> float:
    """A temperature typed by a user -> K: ``"250C"``, ``"25 degC"``, ``"523.15 K"``, or a bare
    number (kelvin). Refuses values below absolute zero.

    >>> temperature_to_K("250C"), temperature_to_K("523.15")
    (523.15, 523.15)
    """
    m = _CELSIUS.match(text) if isinstance(text, str) else None
    try:
        if m:
            value = float(m.group(1)) + 273.15
        elif isinstance(text, str) and not re.search(r"[A-Za-z°℃]", text):
            value = float(text)  # a bare number is in kelvin
        else:
            value = to_si(text, "K", name=name)
    except (ValueError, UnitsError):
        raise UnitsError(
            f"{name} must be a number with C or K, such as '250C', '25 degC' or '523K'. "
            f"Got {text!r}."
        ) from None
    if not math.isfinite(value):
        raise UnitsError(f"{name} must be a finite number. Got {text!r}.")
    if value < 0:
        raise UnitsError(f"{name} {text!r} is below absolute zero (0 K = -273.15 C).")
    return value


def area_from_diameter_m2(diameter: str | float) -> float:
    """Area of a disc electrode [m^2] from its diameter (text with unit, or metres)."""
    d = to_si(diameter, "m", name="the electrode diameter")
    if d <= 0:
        raise UnitsError(
            f'the electrode diameter must be positive, such as "12 mm". Got {diameter!r}.'
        )
    return math.pi * d * d / 4.0
