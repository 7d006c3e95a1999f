"""The cell card: what the files and the user state, each with its source, and how far the test
is from the conditions of a practical Li-metal cell.

Practical targets (Liu et al. 2019, the Battery500 analysis of what a 300-500 Wh kg-1 Li-metal
pouch cell needs): cathode areal capacity >= 4 mAh cm-2, Li no thicker than 50 um, lean
electrolyte E/C <= 3 g Ah-1. The N/P target printed here is derived from the first two
(50 um of Li holds 10.3 mAh cm-2, over 4 mAh cm-2: N/P <= 2.6) and labelled as derived.

Li: 3860 mAh g-1 (the review's value) and 0.534 g cm-3 (CRC Handbook of Chemistry and Physics,
density of the elements) give 0.206 mAh cm-2 per um of Li foil.

References
----------
Liu, J.; Bao, Z.; Cui, Y.; Dufek, E. J.; Goodenough, J. B.; Khalifah, P.; Li, Q.; Liaw, B. Y.;
Liu, P.; Manthiram, A.; et al. Pathways for practical high-energy long-cycling lithium metal
batteries. Nat. Energy 2019, 4, 180-186. doi:10.1038/s41560-019-0338-x
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lithiophile import cite
from lithiophile.errors import InputError

__all__ = ["PRACTICAL", "CellState", "Gap", "card_rows", "practical_gaps"]

cite.define(
    cite.Citation(
        "Liu2019",
        "Liu, J.; Bao, Z.; Cui, Y.; et al. Pathways for practical high-energy long-cycling "
        "lithium metal batteries. Nat. Energy 2019, 4, 180-186.",
        doi="10.1038/s41560-019-0338-x",
    )
)

#: Li capacity [C kg-1] (3860 mAh g-1) and density [kg m-3]
LI_CAPACITY_C_KG = 3860 * 3.6 * 1e3
LI_DENSITY_KG_M3 = 534.0
MAH_CM2 = 36000.0  # C m-2 per mAh cm-2

#: Practical targets: (value, unit, how stated, citation key)
PRACTICAL: dict[str, tuple[float, str, str, str]] = {
    "areal_capacity": (4.0, "mAh cm-2", ">= 4 mAh cm-2 cathode loading", "Liu2019"),
    "li_thickness": (50.0, "um", "<= 50 um Li", "Liu2019"),
    "n_p": (
        50e-6 * LI_DENSITY_KG_M3 * LI_CAPACITY_C_KG / MAH_CM2 / 4.0,
        "",
        "<= 2.6, derived: 50 um Li over a 4 mAh cm-2 cathode",
        "Liu2019",
    ),
    "e_c": (3.0, "g Ah-1", "<= 3 g Ah-1 (lean electrolyte)", "Liu2019"),
}


@dataclass(frozen=True)
class CellState:
    """What the user states about the cell (SI; None: not stated).

    Attributes
    ----------
    area_m2
        Electrode area [m^2] (overrides the file's header).
    li_thickness_m
        Thickness of the Li foil [m].
    electrolyte
        Electrolyte as written (``"1 M LiPF6 in EC/DEC"``).
    electrolyte_volume_m3, electrolyte_mass_kg, electrolyte_density_kg_m3
        Amount of electrolyte in the cell and its density.
    substrate
        Substrate, host or coating (``"Cu foil"``, ``"ZnO-coated Cu"``).
    temperature_K, pressure_Pa
        Test temperature [K] and stack pressure [Pa].
    cathode_capacity_C_m2
        Areal capacity of the positive electrode of a full cell [C m^-2].
    materials
        Materials to assess with ``lithiophile.thermo`` (formulas).
    """

    area_m2: float | None = None
    li_thickness_m: float | None = None
    electrolyte: str | None = None
    electrolyte_volume_m3: float | None = None
    electrolyte_mass_kg: float | None = None
    electrolyte_density_kg_m3: float | None = None
    substrate: str | None = None
    temperature_K: float | None = None
    pressure_Pa: float | None = None
    cathode_capacity_C_m2: float | None = None
    materials: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        for name in (
            "area_m2",
            "li_thickness_m",
            "electrolyte_volume_m3",
            "electrolyte_mass_kg",
            "electrolyte_density_kg_m3",
            "temperature_K",
            "pressure_Pa",
            "cathode_capacity_C_m2",
        ):
            v = getattr(self, name)
            if v is not None and not (math.isfinite(v) and v > 0):
                raise InputError(f"The cell's '{name}' must be a positive number. Got {v!r}.")


@dataclass(frozen=True)
class Gap:
    """How far one quantity is from the practical target."""

    quantity: str
    yours: str
    practical: str
    verdict: str
    basis: str
    citation: str


def _g(x: float) -> str:
    return f"{x:.3g}"


def card_rows(
    state: CellState, meta_area_m2: float | None, options: dict[str, str]
) -> list[tuple[str, str, str]]:
    """(quantity, value, source) rows; ``options`` maps a field to the option that set it."""
    rows: list[tuple[str, str, str]] = []
    if state.area_m2 is not None:
        rows.append(
            ("electrode area", f"{_g(state.area_m2 * 1e4)} cm2", f"you ({options['area_m2']})")
        )
    elif meta_area_m2 is not None:
        rows.append(("electrode area", f"{_g(meta_area_m2 * 1e4)} cm2", "the file's header"))
    else:
        rows.append(("electrode area", "unknown", "stated nowhere: no areal figures"))
    shown: list[tuple[str, str, Callable[[Any], str]]] = [
        ("li_thickness_m", "Li thickness", lambda v: f"{_g(v * 1e6)} um"),
        ("electrolyte", "electrolyte", str),
        ("electrolyte_volume_m3", "electrolyte volume", lambda v: f"{_g(v * 1e9)} uL"),
        ("electrolyte_mass_kg", "electrolyte mass", lambda v: f"{_g(v * 1e6)} mg"),
        ("electrolyte_density_kg_m3", "electrolyte density", lambda v: f"{_g(v / 1e3)} g mL-1"),
        ("substrate", "substrate / coating", str),
        ("temperature_K", "temperature", lambda v: f"{_g(v - 273.15)} °C"),
        ("pressure_Pa", "stack pressure", lambda v: f"{_g(v / 1e6)} MPa"),
        (
            "cathode_capacity_C_m2",
            "cathode areal capacity",
            lambda v: f"{_g(v / MAH_CM2)} mAh cm-2",
        ),
    ]
    for name, label, fmt in shown:
        value = getattr(state, name)
        if value is None:
            rows.append((label, "not stated", f"give it with {options[name]}"))
        else:
            rows.append((label, fmt(value), f"you ({options[name]})"))
    return rows


def practical_gaps(
    state: CellState, area_m2: float | None, cycled_C_m2: float | None, options: dict[str, str]
) -> list[Gap]:
    """The test against the practical targets of :data:`PRACTICAL` (Liu 2019).

    ``cycled_C_m2`` is the areal capacity cycled per half-cycle found in the data [C m^-2].
    A quantity that cannot be computed says what is missing.
    """
    cite.register("Liu2019")
    out: list[Gap] = []
    positive = state.cathode_capacity_C_m2
    basis_pos = f"cathode areal capacity ({options['cathode_capacity_C_m2']})"
    if positive is None and cycled_C_m2 is not None:
        positive, basis_pos = cycled_C_m2, "areal capacity cycled per half-cycle (from the data)"
    target, _, how, key = PRACTICAL["areal_capacity"]
    if positive is None:
        out.append(Gap("areal capacity", "unknown", how, "unknown", _need_area(options), key))
    else:
        x = positive / MAH_CM2
        verdict = "meets it" if x >= target else f"{_g(target / x)}x below"
        out.append(Gap("areal capacity", f"{_g(x)} mAh cm-2", how, verdict, basis_pos, key))
    target, _, how, key = PRACTICAL["li_thickness"]
    if state.li_thickness_m is None:
        out.append(
            Gap("Li thickness", "unknown", how, "unknown", f"give {options['li_thickness_m']}", key)
        )
        out.append(
            Gap(
                "N/P ratio",
                "unknown",
                PRACTICAL["n_p"][2],
                "unknown",
                "needs the Li thickness",
                key,
            )
        )
    else:
        um = state.li_thickness_m * 1e6
        verdict = "meets it" if um <= target else f"{_g(um / target)}x thicker"
        out.append(Gap("Li thickness", f"{_g(um)} um", how, verdict, "you", key))
        li_C_m2 = state.li_thickness_m * LI_DENSITY_KG_M3 * LI_CAPACITY_C_KG
        out.append(_n_p(li_C_m2, positive, basis_pos))
    out.append(_e_c(state, area_m2, positive, options))
    return out


def _need_area(options: dict[str, str]) -> str:
    return f"needs the electrode area ({options['area_m2']}) or {options['cathode_capacity_C_m2']}"


def _n_p(li_C_m2: float, positive: float | None, basis: str) -> Gap:
    target, _, how, key = PRACTICAL["n_p"]
    if positive is None:
        return Gap("N/P ratio", "unknown", how, "unknown", "needs the areal capacity", key)
    ratio = li_C_m2 / positive
    verdict = "meets it" if ratio <= target else f"{_g(ratio / target)}x more Li"
    text = f"Li {_g(li_C_m2 / MAH_CM2)} mAh cm-2 (3860 mAh g-1, 0.534 g cm-3) over {basis}"
    return Gap("N/P ratio", _g(ratio), how, verdict, text, key)


def _e_c(
    state: CellState, area_m2: float | None, positive: float | None, options: dict[str, str]
) -> Gap:
    target, _, how, key = PRACTICAL["e_c"]
    mass = state.electrolyte_mass_kg
    vol = state.electrolyte_volume_m3
    if mass is None and vol is not None and state.electrolyte_density_kg_m3 is not None:
        mass = vol * state.electrolyte_density_kg_m3
    if positive is None or area_m2 is None:
        return Gap("electrolyte per capacity", "unknown", how, "unknown", _need_area(options), key)
    capacity_Ah = positive * area_m2 / 3600
    if mass is not None:
        e_c = mass * 1e3 / capacity_Ah
        verdict = "meets it" if e_c <= target else f"{_g(e_c / target)}x more electrolyte"
        return Gap(
            "electrolyte per capacity",
            f"{_g(e_c)} g Ah-1",
            how,
            verdict,
            "electrolyte mass over cell capacity",
            key,
        )
    if vol is not None:
        ul_mah = vol * 1e9 / (capacity_Ah * 1e3)
        return Gap(
            "electrolyte per capacity",
            f"{_g(ul_mah)} uL mAh-1",
            how,
            "unknown",
            f"g Ah-1 needs the density ({options['electrolyte_density_kg_m3']})",
            key,
        )
    return Gap(
        "electrolyte per capacity",
        "unknown",
        how,
        "unknown",
        f"give {options['electrolyte_volume_m3']} or {options['electrolyte_mass_kg']}",
        key,
    )
