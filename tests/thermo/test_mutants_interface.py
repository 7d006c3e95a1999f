"""Tests that kill mutants of thermo's interface classification (lithiophile.thermo.interface)
which tests/thermo/test_mutants_classify.py, test_thermo_interface.py and
test_interface_variants.py let survive.

Independent sources: the bibliographic records of the cited works (journal, volume, pages as
published), and the frozen-dataclass contract of the result types (Python's dataclasses).
"""

from __future__ import annotations

import dataclasses

import pytest

#: Published records of the works the interface module cites: authors, title, journal record.
#: The module's text for each must contain "<authors> <title>. <record>".
RECORDS = {
    "Wenzel2015SSI": (
        "Wenzel, S.; Leichtweiss, T.; Krueger, D.; Sann, J.; Janek, J.",
        "Interphase formation on lithium solid electrolytes - an in situ approach to study "
        "interfacial reactions by photoelectron spectroscopy",
        "Solid State Ionics 2015, 278, 98-105",
    ),
    "Zhu2015ACSAMI": (
        "Zhu, Y.; He, X.; Mo, Y.",
        "Origin of outstanding stability in the lithium solid electrolyte materials: insights "
        "from thermodynamic analyses based on first-principles calculations",
        "ACS Appl. Mater. Interfaces 2015, 7, 23685-23693",
    ),
    "Wenzel2016ChemMater": (
        "Wenzel, S.; Randau, S.; Leichtweiss, T.; Weber, D. A.; Sann, J.; Zeier, W. G.; Janek, J.",
        "Direct observation of the interfacial instability of the fast ionic conductor "
        "Li10GeP2S12 at the lithium metal anode",
        "Chem. Mater. 2016, 28, 2400-2407",
    ),
    "Schwoebel2015SSI": (
        "Schwoebel, A.; Hausbrand, R.; Jaegermann, W.",
        "Interface reactions between LiPON and lithium studied by in-situ X-ray photoemission",
        "Solid State Ionics 2015, 273, 51-54",
    ),
    "Jain2013MP": (
        "Jain, A. et al.",
        "Commentary: The Materials Project: a materials genome approach to accelerating "
        "materials innovation",
        "APL Mater. 2013, 1, 011002",
    ),
    "Inaguma1993SSC": (
        "Inaguma, Y.; Chen, L.; Itoh, M.; Nakamura, T.; Uchida, T.; Ikuta, H.; Wakihara, M.",
        "High ionic conductivity in lithium lanthanum titanate",
        "Solid State Commun. 1993, 86, 689",
    ),
    "Wenzel2018SSI": (
        "Wenzel, S.; Sedlmaier, S. J.; Dietrich, C.; Zeier, W. G.; Janek, J.",
        "Interfacial reactivity and interphase growth of argyrodite solid electrolytes at "
        "lithium metal electrodes",
        "Solid State Ionics 2018, 318, 102-112",
    ),
    "Wang2019Angew": (
        "Wang, S.; Bai, Q.; Nolan, A. M.; Liu, Y.; Gong, S.; Sun, Q.; Mo, Y.",
        "Lithium chlorides and bromides as promising solid-state chemistries for fast ion "
        "conductors with good electrochemical stability",
        "Angew. Chem. Int. Ed. 2019, 58, 8039",
    ),
    "Guerard1975GIC": (
        "Guerard, D.; Herold, A.",
        "Intercalation of lithium into graphite and other carbons",
        "Carbon 1975, 13, 337",
    ),
    "Hartmann2013JPCC": (
        "Hartmann, P.; Leichtweiss, T.; Busche, M. R.; Schneider, M.; Reich, M.; Sann, J.; "
        "Adelhelm, P.; Janek, J.",
        "Degradation of NASICON-type materials in contact with lithium metal: formation of "
        "mixed conducting interphases (MCI) on solid electrolytes",
        "J. Phys. Chem. C 2013, 117, 21064-21074",
    ),
    # Adv. Funct. Mater. 30, 1908047 (the volume of 2020; first published online in 2019)
    "Yan2019AFM": (
        "Yan, M.; Liang, J.; Zuo, T. et al.",
        "Stabilizing polymer-lithium interface in a rechargeable solid battery",
        "Adv. Funct. Mater.",
    ),
}


@pytest.mark.parametrize("key", sorted(RECORDS))
def test_interface_citations_match_the_published_records(key):
    from lithiophile import cite
    from lithiophile.thermo import interface  # noqa: F401  (defines the works on import)

    authors, title, record = RECORDS[key]
    assert f"{authors} {title}. {record}" in cite.CITATIONS[key].text


def test_yan_volume_and_article_number():
    from lithiophile import cite
    from lithiophile.thermo import interface  # noqa: F401

    assert "2020, 30, 1908047 (online 2019; a Mg3N2 layer turned by Li into Mg and Li3N" in (
        cite.CITATIONS["Yan2019AFM"].text
    )


def test_results_are_frozen():
    # the result types are frozen dataclasses: assigning a field raises, and a Variant (all
    # of its fields hashable) can be hashed, e.g. to deduplicate readings
    from lithiophile.thermo.interface import Variant, interface_type

    it = interface_type("C")  # graphite: an equilibrium and an in-cell reading
    v = it.variants[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        v.type = "II"  # type: ignore[misc]
    assert hash(v) == hash(Variant(**dataclasses.asdict(v) | {"products": v.products}))
    with pytest.raises(dataclasses.FrozenInstanceError):
        it.type = "II"  # type: ignore[misc]


def test_mg3n2_downhill_in_a_source_of_its_own():
    # synthetic formation energies [eV per formula unit, elements 0]: Li3N -1.7, Mg3N2 -2.0, so
    # Mg3N2 + 6 Li -> 2 Li3N + 3 Mg releases 2 * 1.7 - 2.0 = 1.4 eV over 11 atoms of reactants:
    # -0.127 eV/atom (hand calculation). Both readings then name Li3N and Mg; the source is
    # not one of the named ones, so the in-cell reading's energy is not computed there
    from pymatgen.analysis.phase_diagram import PDEntry
    from pymatgen.core import Composition

    from lithiophile.thermo.interface import interface_type

    energies = {"Li": 0.0, "Mg": 0.0, "N2": 0.0, "Li3N": -1.7, "Mg3N2": -2.0}
    entries = [PDEntry(Composition(f), e) for f, e in energies.items()]
    it = interface_type("Mg3N2", source=entries)
    eq, cell = it.variants
    assert it.products == ("Li3N", "Mg") and it.type == "III"
    assert eq.energy_per_atom_eV == pytest.approx(-1.4 / 11)
    assert (
        eq.reason == "equilibrium (energy source 'entries'): Li3N, Mg (-0.127 eV/atom): type III."
    )
    assert cell.energy_per_atom_eV is None
    assert cell.reason.endswith(
        ": Mg3N2 + 6 Li -> 2 Li3N + 3 Mg (energy not computable in source 'entries'): type III."
    )
    assert not any("the two readings differ" in r for r in it.reasons)


def test_reacting_type_names_every_conductor():
    # InSb in the bundled source: Li3Sb (a semiconductor, counted with the conductors by the
    # documented rule) and LiIn (a metal); both are named, separated by ", "
    from lithiophile.thermo.interface import interface_type

    it = interface_type("InSb", path=False)
    assert it.type == "III"
    assert it.reasons[0] == (
        "reacts with Li to Li3Sb, LiIn; electronic conductor(s) among the products: Li3Sb, LiIn."
    )


def test_reacting_type_names_every_unknown_product():
    # two products of unknown electronic character (made-up formulas, by construction): both
    # named, separated by ", "; type unknown (no conductor among them)
    from lithiophile.thermo.interface import ProductCharacter, _reacting_type

    chars = tuple(ProductCharacter(f, "unknown", "test") for f in ("LiXa", "LiXb"))
    kind, reasons = _reacting_type(("LiXa", "LiXb"), chars)
    assert kind == "unknown"
    assert reasons == [
        "reacts with Li to LiXa, LiXb; the electronic character of LiXa, LiXb is unknown: "
        "type II if insulating, III if conducting (not decided here)."
    ]


def test_missing_li_phase_of_an_element_not_left_bare_is_reported():
    # MgO is stable against Li in the CRC Gibbs table, which holds no Li-Mg phase although Li
    # and Mg form a solid solution (the curated alloying table): Mg does not end as the
    # element, so it is no alloying element of the result, but the gap is still reported
    from lithiophile.thermo.interface import interface_type

    it = interface_type("MgO", source="crc-gibbs", path=False)
    assert (it.type, it.products, it.alloying_elements) == ("I", ("MgO",), ())
    assert len(it.reasons) == 2
    assert it.reasons[0] == "MgO does not react with Li in source 'crc-gibbs'."
    assert it.reasons[1].startswith(
        "source 'crc-gibbs' has no Li-Mg phase, but Li and Mg form solid solution"
    )
