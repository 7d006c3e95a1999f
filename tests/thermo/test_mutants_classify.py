"""Tests that kill mutants of lithiophile.thermo.interface (the type I/II/III/unknown decision)
which tests/thermo/test_thermo_interface.py lets survive.

Expected classes follow the module's documented rules (Wenzel et al., Solid State Ionics 2015,
278, 98: I = stable, II = insulating products only, III = an electronic conductor among them;
unknown where a product's character is unknown), applied by hand to each synthetic case.
"""

from __future__ import annotations

import pytest
from pymatgen.core import Composition

from lithiophile.thermo.interface import (
    ANION_FORMERS,
    ProductCharacter,
    _li_saturated_insulator,
    _reacting_type,
    electronic_character,
)


@pytest.mark.parametrize(
    ("formula", "anion_former"),
    # one compound per anion former, none in the curated table: the rule must answer "unknown"
    # (a mutated element symbol in ANION_FORMERS would make it a "conductor")
    [
        ("MgH2", "H"),
        ("CaB6", "B"),
        ("Al4C3", "C"),
        ("AlN", "N"),
        ("MgO", "O"),
        ("MgF2", "F"),
        ("AlP", "P"),
        ("ZnS", "S"),
        ("NaCl", "Cl"),
        ("ZnSe", "Se"),
        ("KBr", "Br"),
        ("CdTe", "Te"),
        ("KI", "I"),
        ("GaAs", "As"),
        ("InSb", "Sb"),
    ],
)
def test_each_anion_former_blocks_the_metal_rule(formula, anion_former):
    assert anion_former in ANION_FORMERS
    c = electronic_character(formula)
    assert (c.formula, c.character, c.source) == (formula, "unknown", "not in the curated table")


def test_anion_formers_are_exactly_the_documented_fifteen():
    # the docstring of electronic_character lists them
    documented = ["H", "B", "C", "N", "O", "F", "P", "S", "Cl", "Se", "Br", "Te", "I", "As", "Sb"]
    assert set(ANION_FORMERS) == set(documented)


@pytest.mark.parametrize("formula", ["Si", "Ge", "Li", "LiSi", "Li15Ge4", "Zn", "Li3Mg"])
def test_metals_and_lithiated_metalloids_conduct(formula):
    # docstring: a phase free of anion formers is a metal/alloy; Si, Ge count as conductors
    c = electronic_character(formula)
    assert c.character == "conductor"
    assert c.source.startswith("rule: metal, alloy or Li-lithiated metalloid")


def test_table_rows_keep_their_source():
    # electronic.csv: "LiF,insulator,Wenzel2015SSI"; "Li3Sb,semiconductor,..."
    assert electronic_character("LiF") == ProductCharacter("LiF", "insulator", "Wenzel2015SSI")
    assert electronic_character("Li3Sb").character == "semiconductor"


@pytest.mark.parametrize(
    ("formula", "expected"),
    # by hand: a Li binary (exactly two elements, one Li) whose table character is insulator
    [
        ("LiF", True),
        ("Li3N", True),
        ("LiAlO2", False),  # insulator, but three elements
        ("ZrO2", False),  # insulator, but no Li
        ("Li3Bi", False),  # Li binary, but a conductor
        ("Li3Sb", False),  # Li binary, a semiconductor
        ("Li", False),  # one element
    ],
)
def test_li_saturated_insulator(formula, expected):
    assert _li_saturated_insulator(Composition(formula)) is expected


def _c(formula: str, character: str) -> ProductCharacter:
    return ProductCharacter(formula, character, "test")


def test_reacting_type_conductor_wins():
    kind, reasons = _reacting_type(
        ("Li2O", "LiZn", "X"),
        (_c("Li2O", "insulator"), _c("LiZn", "conductor"), _c("X", "unknown")),
    )
    assert kind == "III"
    assert reasons == [
        "reacts with Li to Li2O, LiZn, X; electronic conductor(s) among the products: LiZn."
    ]


def test_reacting_type_semiconductor_counts_as_conductor():
    kind, reasons = _reacting_type(
        ("Li2O", "Li3Sb"), (_c("Li2O", "insulator"), _c("Li3Sb", "semiconductor"))
    )
    assert kind == "III"
    assert reasons[0].endswith("among the products: Li3Sb.")


def test_reacting_type_unknown_is_not_a_guess():
    kind, reasons = _reacting_type(
        ("Li2O", "Li5GaO4"), (_c("Li2O", "insulator"), _c("Li5GaO4", "unknown"))
    )
    assert kind == "unknown"
    assert "the electronic character of Li5GaO4 is unknown" in reasons[0]


def test_reacting_type_all_insulators_is_type_ii():
    kind, reasons = _reacting_type(
        ("Li2S", "Li3P"), (_c("Li2S", "insulator"), _c("Li3P", "insulator"))
    )
    assert kind == "II"
    assert reasons == ["reacts with Li to Li2S, Li3P, all electronic insulators."]


def test_results_are_immutable():
    # electronic_character is lru-cached: a mutable result would let one caller corrupt the
    # answer every later caller gets; both result classes are documented frozen dataclasses
    import dataclasses

    from lithiophile.thermo.interface import InterfaceResult

    c = electronic_character("LiF")
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.character = "conductor"  # type: ignore[misc]
    assert InterfaceResult.__dataclass_params__.frozen  # type: ignore[attr-defined]


# -- the reasons given with each class, in full (pinned: a one-token change in a reason is a
# -- wrong explanation printed to the user; numbers come from the reaction the result rests on)


def test_reasons_of_a_stable_metal():
    from lithiophile.thermo import interface_type

    it = interface_type("Cu")  # Wang 2019: Cu neither reacts nor alloys with Li
    assert (it.type, it.basis, it.products, it.alloying_elements) == ("I", "computed", ("Cu",), ())
    assert it.reasons == ("Cu does not react with Li in source 'bundled'.",)
    assert it.literature is None


def test_reasons_of_a_marginal_oxide():
    from lithiophile.thermo import interface_type

    it = interface_type("MgO")
    full = it.reaction.full
    assert it.products == ("MgO",) and it.characters[0].formula == "MgO"
    assert it.reasons == (
        f"the reaction {full.equation} ({full.per_atom_eV:.3f} eV/atom) lies within the "
        f"uncertainty of the computed energies (+-{full.uncertainty_per_atom_eV:.3f} eV/atom): "
        "treated as stable, but a thin reacted layer cannot be ruled out.",
        "MgO does not react with Li in source 'bundled'.",
    )


def test_reasons_of_a_marginal_alloy():
    from lithiophile.thermo import interface_type

    it = interface_type("Mg")  # Okamoto 2000: Li and Mg alloy (bcc solid solution)
    full = it.reaction.full
    assert it.products == ("LiMg",)
    assert it.reasons == (
        "reacts with Li to LiMg; electronic conductor(s) among the products: LiMg.",
        f"the alloying energy ({full.per_atom_eV:.3f} eV/atom) lies within the uncertainty of "
        f"the computed energies (+-{full.uncertainty_per_atom_eV:.3f} eV/atom); the Li-X phase "
        "diagram (curated table) decides that it alloys.",
    )


def test_reasons_of_carbon_name_graphite_intercalation():
    from lithiophile import cite
    from lithiophile.thermo import interface_type

    cite.reset()
    it = interface_type("C")
    assert it.reasons[-1] == (
        "at room temperature Li inserts into graphite (LiC6, LiC12: metallic intercalation "
        "compounds, Guerard & Herold 1975); the carbide Li2C2 of full equilibrium forms only "
        "at high temperature."
    )
    assert "Guerard1975GIC" in cite.used()


def test_no_energy_and_no_literature_is_unknown_with_the_would_be_type():
    from lithiophile.thermo import interface_type

    it = interface_type("Li5GaO4")  # no bundled energy, not in interfaces_literature.csv
    assert (it.type, it.basis, it.literature) == ("unknown", "no energy for the material", None)
    assert it.reaction.reacts is None
    assert it.reasons[0] == (
        "Li5GaO4 has no energy in source 'bundled' and no cited type: whether Li reduces it "
        "cannot be computed, so its type is unknown. If it is reduced, its products would be "
        f"{', '.join(it.products)} (type III)."
    )


def test_literature_type_with_an_alloying_product_is_not_upgraded():
    from lithiophile import cite
    from lithiophile.thermo import interface_type

    # Li3YCl6: no bundled energy; Wang 2019 (Angew.) cites it as reduced to Y + LiCl. Y alloys
    # per the curated table, but with no energy for the material (reacts None) the literature
    # type stands and the basis stays "literature"
    cite.reset()
    it = interface_type("Li3YCl6")
    assert (it.type, it.basis) == ("III", "literature")
    assert it.alloying_elements == ("Y",)
    assert it.literature is not None and it.literature["source"] == "Wang2019Angew"
    assert "Wang2019Angew" in cite.used()
    assert it.reasons[1] == (
        "products its elements form at equilibrium with Li in this source: "
        f"{', '.join(it.products)}."
    )
    assert it.reasons[0].startswith(
        "Li3YCl6 has no energy in source 'bundled'; literature [Wang2019Angew]: "
    )


def test_gold_alloying_reason_in_full():
    from lithiophile.thermo import interface_type

    it = interface_type("Au")
    assert it.reasons == (
        "Au does not react with Li in source 'bundled'.",
        "Au ends as the element in source 'bundled', which holds no Li-Au phase, but Li and Au "
        "form compounds [Okamoto2000ASM]: Au alloys with Li (an electronic conductor).",
    )
    d = it.as_dict()
    assert d["type"] == "III" and d["alloying_elements"] == ["Au"]
    assert d["products"] == ["Au"] and d["basis"] == "curated alloying table"
