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

from lithiophile.errors import InputError, UnitsError

if TYPE_CHECKING:  # pragma: no cover
    import pint

__all__ = [
    "AREA_RANGE_M2",
    "area_from_diameter_m2",
    "check_area_m2",
    "electrode_area_m2",
    "factor_to_si",
    "normalise",
    "registry",
    "temperature_to_K",
    "to_si",
]


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
    if "percent" not in ureg:  # pint >= 0.24 defines it already
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
    "cycle": "dimensionless",
    "cycles": "dimensionless",
}

#: Characters and fragments replaced before parsing (order matters: longest first).
_REPLACE = (
    ("Ω", "ohm"),
    ("Ohm", "ohm"),
    ("µ", "u"),
    ("μ", "u"),
    ("°C", "degC"),
    ("℃", "degC"),
    ("°", "deg"),
    ("%", "percent"),
    ("⁻", "-"),
    ("⁺", ""),
    ("^{", "^"),
    ("}", ""),
    ("·", "*"),
    ("⋅", "*"),
)
_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
#: "cm2", "cm-2", "cm⁻²", "s-1": a unit symbol followed directly by its (signed) power
_POWER = re.compile(r"(?<![A-Za-z^])([A-Za-z]+)\s?(-?[1-4])(?![\d.])")
#: "mAh", "Wh", "mA h": ampere-hours and watt-hours, which pint would read as A * h only after
#: the prefix binds to the ampere
_AH = re.compile(r"(?<![A-Za-z])([kmun]?)(A|W)\s?h(?![A-Za-z])")
#: the number at the start of a quantity ("1.13 cm2", "30mV", "-2.5e-3 A")
_NUMBER = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*?)\s*$", re.S)


@functools.cache
def normalise(unit: str) -> str:
    """A unit as papers, tables and instrument headers write it, in pint's spelling.

    The one normaliser of the package (the knowledge base uses it too).

    >>> normalise("mA cm-2"), normalise("mA cm⁻²"), normalise("1/cm2")
    ('mA*cm^-2', 'mA*cm^-2', '1/cm^2')
    >>> normalise("mAh/cm2"), normalise("Ω cm²"), normalise("ohm.cm2")
    ('(mA*h)/cm^2', 'ohm*cm^2', 'ohm*cm^2')
    """
    text = _WHOLE.get(unit.strip(), unit.strip())
    for old, new in _REPLACE:
        text = text.replace(old, new)
    text = text.translate(_SUPERSCRIPT)
    text = re.sub(r"\s*\^\s*", "^", text)
    text = _POWER.sub(r"\1^\2", text)
    text = _AH.sub(r"(\1\2*h)", text)
    text = re.sub(r"(?<=[A-Za-z])\.(?=[A-Za-z(])", "*", text)  # "ohm.cm2"
    text = re.sub(r"\s*([*/])\s*", r"\1", text)
    text = re.sub(r"\s+", "*", text)
    return text or "dimensionless"


def _split(quantity: str) -> tuple[str, str]:
    """``"1.13 cm2"`` -> ``("1.13", "cm^2")``; text without a leading number is left whole."""
    m = _NUMBER.match(quantity)
    if m is None:
        return "", quantity
    return m.group(1), normalise(m.group(2)) if m.group(2) else ""


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
        source = ureg.Quantity(1.0, normalise(unit))
        if not source.unitless and source.units in (ureg.degC, ureg.degF):
            raise UnitsError(
                f"unit '{unit}' is an offset unit; convert values with to_si(), not a factor"
            )
        value = source.to(normalise(si_unit)).magnitude
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
        number, unit = _split(str(quantity))
        try:
            if not number:
                raise ValueError("no number")
            parsed: pint.Quantity = registry().Quantity(float(number), unit or "dimensionless")
            value = float(parsed.to(normalise(si_unit)).magnitude)
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


#: Plausible electrode areas [m^2]: from 1 µm^2 (a microelectrode) to 1 m^2 (beyond the largest
#: pouch-cell electrode sheet). Anything outside is a typo or a unit mix-up.
AREA_RANGE_M2 = (1e-12, 1.0)


def check_area_m2(value: float, *, name: str = "--area", given: object = None) -> float:
    """``value`` [m^2] if it is a plausible electrode area, else one InputError saying so.

    >>> check_area_m2(1.13e-4)
    0.000113
    """
    lo, hi = AREA_RANGE_M2
    if not (math.isfinite(value) and lo <= value <= hi):
        shown = value if given is None else given
        raise InputError(
            f"{name} must be a positive electrode area between 1 µm^2 and 1 m^2, such as "
            f'"1.13 cm^2". Got {shown!r}.'
        )
    return value


def electrode_area_m2(
    area: str | float | None = None,
    *,
    diameter: str | float | None = None,
    header_m2: float | None = None,
    name: str = "--area",
    diameter_name: str = "--diameter",
) -> float | None:
    """The electrode area [m^2] to use: the one given (as an area or a disc diameter)
    overrides the file's header; None when neither states one.

    Parameters
    ----------
    area
        Text with a unit (``"1.13 cm2"``, ``"113 mm^2"``) or a float in m^2.
    diameter
        A disc electrode's diameter (``"12 mm"``), instead of ``area``.
    header_m2
        The area the file's header states [m^2], if any.
    name, diameter_name
        How the user gave them, for messages (``"--area"``, ``"area_m2"`` ...).

    Raises
    ------
    InputError
        When both area and diameter are given, or the area is not positive and plausible.
    UnitsError
        When the text is not an area.
    """
    if area is not None and diameter is not None:
        raise InputError(f"give either {name} or {diameter_name}, not both")
    if area is not None:
        return check_area_m2(to_si(area, "m^2", name=name), name=name, given=area)
    if diameter is not None:
        return area_from_diameter_m2(diameter, name=diameter_name)
    if header_m2 is not None:
        return check_area_m2(float(header_m2), name="the area the file states")
    return None


def area_from_diameter_m2(diameter: str | float, *, name: str = "the electrode diameter") -> float:
    """Area of a disc electrode [m^2] from its diameter (text with unit, or metres)."""
    d = to_si(diameter, "m", name=name)
    if d <= 0:
        raise UnitsError(f'{name} must be positive, such as "12 mm". Got {diameter!r}.')
    return check_area_m2(math.pi * d * d / 4.0, name=name, given=diameter)
