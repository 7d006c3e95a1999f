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
    # the in-cell reading (issue 13; in full in test_interface_variants.py)
    assert it.reasons[2].startswith(
        "in cells (Guerard1975GIC): at room temperature Li inserts into graphite (LiC6, LiC12: "
        "metallic intercalation compounds); the carbide Li2C2 (LiC) of full equilibrium forms "
        "only at high temperature: "
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
    import dataclasses

    from lithiophile import cite
    from lithiophile.thermo import react
    from lithiophile.thermo.interface import classify_reaction

    # Li3YCl6 as a material with no energy of its own (reacts None; the bundled set now
    # computes it, so that case is made here from its real reaction): Wang 2019 (Angew.) cites
    # it as reduced to Y + LiCl, type III. Y alloys per the curated table, but with no energy
    # for the material the literature type stands and the basis stays "literature"
    cite.reset()
    rx = dataclasses.replace(react("Li3YCl6", path=False), reacts=None)
    assert any("has no Li-Y phase" in n for n in rx.missing_phases)
    it = classify_reaction(Composition("Li3YCl6"), rx)
    assert (it.type, it.basis) == ("III", "literature")
    assert it.alloying_elements == ("Y",)
    assert it.literature is not None and it.literature.source == "Wang2019Angew"
    assert "Wang2019Angew" in cite.used()
    assert it.reasons[1] == (
        "products its elements form at equilibrium with Li in this source: "
        f"{', '.join(it.products)}."
    )
    assert it.reasons[0].startswith(
        "Li3YCl6 has no energy in source 'bundled'; literature [Wang2019Angew]: "
    )


def test_literature_only_material_llto():
    from lithiophile.thermo import interface_type

    # LLTO has no bundled energy: the cited type (Inaguma 1993: Ti4+ reduced by Li metal, a
    # mixed conductor, III) with the products its elements would form beside it
    it = interface_type("Li0.33La0.56TiO3")
    assert it.reaction.reacts is None
    assert (it.type, it.basis, it.alloying_elements) == ("III", "literature", ())
    assert it.literature is not None and it.literature.source == "Inaguma1993SSC"
    assert it.reasons[1] == (
        "products its elements form at equilibrium with Li in this source: "
        f"{', '.join(it.products)}."
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


def test_li_saturated_insulator_reason_in_full():
    # review Figure 4E (I = thermodynamically stable) and its text (LiF, Li3N as electronically
    # insulating interlayers): the reason printed for LiF, word for word
    from lithiophile.thermo import interface_type

    it = interface_type("LiF")
    assert (it.type, it.basis, it.products) == ("I", "computed", ("LiF",))
    assert it.reasons == (
        "LiF is stable against Li and is itself a Li-saturated electronic insulator: a type I "
        "interface (review Figure 4E: I = thermodynamically stable), which also serves as an "
        "electronically insulating interlayer (the review's LiF, Li3N interlayers).",
    )


def test_as_dict_holds_every_field_under_its_name():
    # the JSON form a user reads (--json): each documented attribute under its own name
    from lithiophile.thermo import interface_type

    it = interface_type("ZnO")  # 2 Li + ZnO -> Li2O + Zn, then Zn alloys: LiZn (III)
    d = it.as_dict()
    assert d == {
        "material": "ZnO",
        "type": "III",
        "basis": "computed",
        "products": list(it.products),
        "characters": [c.__dict__ for c in it.characters],
        "reasons": list(it.reasons),
        "literature": None,
        "alloying_elements": [],
        "variants": [],
        "reaction": it.reaction.as_dict(),
    }
    assert {c["formula"] for c in d["characters"]} == set(it.products)
    assert d["reaction"]["material"] == "ZnO"


def test_a_note_naming_a_non_alloying_element_does_not_make_it_alloy():
    # Okamoto 2000: Li and Cu form no compound (li_alloying.csv: Cu,none). Even if a source's
    # note names a missing Li-Cu phase, Cu must not be counted as alloying (type stays I)
    import dataclasses

    from lithiophile.thermo import react
    from lithiophile.thermo.interface import classify_reaction

    rx = react("Cu", path=False)
    note = "source 'bundled' has no Li-Cu phase, but Li and Cu form none [Okamoto2000ASM]"
    rx = dataclasses.replace(rx, missing_phases=(note,))
    it = classify_reaction(Composition("Cu"), rx)
    assert (it.type, it.alloying_elements) == ("I", ())
    # an element that alloys (Au: compounds) with the same kind of note is upgraded to III
    rx_au = dataclasses.replace(
        react("Au", path=False),
        missing_phases=("source 'bundled' has no Li-Au phase, but Li and Au form compounds",),
    )
    it_au = classify_reaction(Composition("Au"), rx_au)
    assert (it_au.type, it_au.alloying_elements) == ("III", ("Au",))


def test_classify_many_equals_one_by_one_without_the_path():
    # classify() is documented as interface_type() per material, with the phase diagrams
    # cached and no reaction path (path=False: "faster, same type")
    from lithiophile.thermo import interface_type
    from lithiophile.thermo.interface import classify

    many = classify(["ZnO", "LiF", "Cu"])
    assert [r.material for r in many] == ["ZnO", "LiF", "Cu"]
    for r in many:
        one = interface_type(r.material, path=False)
        assert (r.type, r.basis, r.products, r.reasons) == (
            one.type,
            one.basis,
            one.products,
            one.reasons,
        )
        assert r.reaction.path == ()
    assert interface_type("ZnO").reaction.path != ()  # the default computes it


#: The works thermo/interface.py defines, key -> (first author's surname, year): the key is
#: built from them (lithiophile.cite's convention), so key and text must agree.
INTERFACE_WORKS = {
    "Wenzel2015SSI": ("Wenzel", "2015"),
    "Zhu2015ACSAMI": ("Zhu", "2015"),
    "Wenzel2016ChemMater": ("Wenzel", "2016"),
    "Schwoebel2015SSI": ("Schwoebel", "2015"),
    "Jain2013MP": ("Jain", "2013"),
    "Inaguma1993SSC": ("Inaguma", "1993"),
    "Wenzel2018SSI": ("Wenzel", "2018"),
    "Wang2019Angew": ("Wang", "2019"),
    "Guerard1975GIC": ("Guerard", "1975"),
    "Hartmann2013JPCC": ("Hartmann", "2013"),
    "Yan2019AFM": ("Yan", "2019"),
}


@pytest.mark.parametrize("key", sorted(INTERFACE_WORKS))
def test_interface_citations_agree_with_their_keys(key):
    import re

    from lithiophile import cite
    from lithiophile.thermo import interface  # noqa: F401  (defines the works on import)

    surname, year = INTERFACE_WORKS[key]
    c = cite.CITATIONS[key]
    assert c.key == key
    assert c.text.startswith(f"{surname}, ")
    assert f" {year}" in c.text or f"{year}," in c.text
    assert c.text.rstrip().endswith((".", ")"))
    if c.doi is not None:
        # a DOI as doi.org resolves it: "10.<registrant>/<suffix>", nothing around it
        assert re.fullmatch(r"10\.\d{4,9}/[-._;()/:A-Za-z0-9]+", c.doi)
