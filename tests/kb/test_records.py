"""The bundled records: every one validates, and they say what the review says.

Expected values below are read by hand from the review (Li et al., Energy Mater. 2021, 1,
100017; ../shared/seed/lithiophilicity-review.txt), table and line as named in each test.
"""

from __future__ import annotations

import json
import math
import re
from importlib import resources

import pytest
from tests.kb.conftest import seed_table_cells

from lithiophile.kb.schema import FLAG_KINDS, validate_record


def test_every_bundled_record_validates():
    raw = json.loads(
        resources.files("lithiophile").joinpath("data", "kb", "records.json").read_bytes()
    )
    assert raw["source"]["doi"] == "10.20517/energymater.2021.21"
    ids = [item["id"] for item in raw["records"]]
    assert len(ids) == len(set(ids)), "record ids must be unique"
    for item in raw["records"]:
        record = validate_record(item, where=f"bundled record {item['id']!r}")
        # value_si stored in the file equals value x unit (validated), and SI by construction
        assert math.isfinite(record.value_si)
    assert len(ids) >= 100  # the issue: "about a hundred quantitative results"


def test_every_result_cell_of_tables_1_to_3_has_a_record(seed_text, records):
    # independent reading: every non-empty, non-"-" cell right of the Method column
    for n in (1, 2, 3):
        quotes = {r.provenance.quote for r in records.values() if r.provenance.table == n}
        for cells in seed_table_cells(seed_text, n):
            if re.fullmatch(r"\[?\d+\]?", cells[0]):  # misaligned row: no strategy cell
                cells = ["", *cells]
            for cell in cells[3:]:
                if cell and cell != "-":
                    assert cell in quotes, f"Table {n}: no record for the cell {cell!r}"


def test_quotes_and_citations_are_verbatim(seed_text, records):
    refs = seed_text[seed_text.index("REFERENCES") :]
    for r in records.values():
        p = r.provenance
        assert p.quote in seed_text, r.id
        assert r.printed in p.quote, r.id
        if p.text:
            assert p.text in seed_text, r.id
        # the citation is the reference list's entry of the checked number
        head = p.citation.split(".")[0]
        assert re.search(rf"(^|\n)\s*-?\s*{p.ref}\. {re.escape(head)}", refs), (r.id, p.ref)
        assert p.doi is None  # the seed's list has no DOI strings: none invented


# hand conversions: 1 mA cm-2 = 10 A m-2; 1 mAh cm-2 = 3.6 C / 1e-4 m2 = 36 000 C m-2;
# 1 h = 3600 s; 1 ohm cm2 = 1e-4 ohm m2
@pytest.mark.parametrize(
    ("rid", "expected"),
    [
        # Table 1 row [26], "~24 Ω after resting 2 h": a rest time, not before cycling
        (
            "t1-26-rint-before",
            dict(
                metric="interfacial_resistance",
                value_si=24.0,
                qualifier="~",
                rest_time_s=2 * 3600.0,
                ref=26,
                flags={"before_after_rest_time"},
            ),
        ),
        # Table 1 [26] "~99.1% after 360 cycles (1.0 mA cm-2, 3 mA h cm-2)"
        (
            "t1-26-ce",
            dict(metric="li_cu_ce", value_si=0.991, cycle=360, cd=10.0, cap=108e3, ref=26),
        ),
        # Table 1 [35] "20 Ω cm-2": ohm cm2 meant, 20 ohm cm2 = 2e-3 ohm m2; really ref [34]
        (
            "t1-35-asr-before",
            dict(
                metric="interfacial_asr",
                value_si=20e-4,
                ref=34,
                ref_printed="[35]",
                flags={"unit_typo", "reference_shifted"},
            ),
        ),
        # Table 1 [36] "~30 mV after 300 h (0.5 mA cm-2, 1 mA h cm-2)" -> skin grafting [35]
        (
            "t1-36-polar",
            dict(
                metric="polarization", value_si=0.030, time_s=300 * 3600.0, cd=5.0, cap=36e3, ref=35
            ),
        ),
        # Table 1 [42] (misaligned row) "1000 h at 0.1 mA cm-2, 1 mA h cm-2" -> Jiang et al. [41]
        (
            "t1-42-life",
            dict(
                metric="cycle_life_time",
                value_si=1000 * 3600.0,
                cd=1.0,
                cap=36e3,
                ref=41,
                flags={"row_misaligned", "reference_shifted"},
            ),
        ),
        # Table 2 [51] "65 mV" under Li-Cu efficiency: a voltage in the CE column, excluded
        (
            "t2-51-voltage-in-ce-column",
            dict(
                metric="polarization",
                value_si=0.065,
                ref=50,
                flags={"misplaced_column"},
                excluded=True,
            ),
        ),
        # Table 2 [56] "-80 mV over 1500 h at 2.0 mA cm-2": the text's ~80 mV Li|Li overpotential
        (
            "t2-56-polar",
            dict(
                metric="polarization",
                value_si=0.080,
                value_printed=-80.0,
                time_s=1500 * 3600.0,
                cd=20.0,
                ref=55,
                flags={"misplaced_column", "sign_typo"},
            ),
        ),
        # Table 2 [58] "Over 140 cycles at 2.0 mA cm-2, 0.042 mA h cm-2"
        (
            "t2-58-life",
            dict(
                metric="cycle_life_cycles",
                value_si=140.0,
                qualifier=">",
                cd=20.0,
                cap=0.042 * 36e3,
                ref=57,
            ),
        ),
        # Table 3 [64] 6000 -> 320 Ω: the text says the IL interlayer reduced it (without/with)
        (
            "t3-64-rint-without",
            dict(
                metric="interfacial_resistance",
                value_si=6000.0,
                ref=63,
                flags={"before_after_without_with"},
            ),
        ),
        # Table 3 [70] "99.8%-100% over 640 cycles for Li LFP": full-cell CE in the Li-Cu column
        (
            "t3-70-ce",
            dict(
                metric="full_cell_ce",
                value_si=0.998,
                qualifier="range",
                cycle=640,
                cell="Li|LFP",
                ref=69,
                flags={"full_cell_ce_as_li_cu"},
            ),
        ),
        # Table 3 "71" PEGDA, printed without brackets and right (text says [70])
        (
            "t3-71-polar",
            dict(
                metric="polarization", value_si=0.040, cd=20.0, cap=72e3, ref=71, ref_printed="71"
            ),
        ),
        # Table 3 [86] "127.4 Ω cm-2" -> 127.4 ohm cm2, HFE interlayer of Xu et al. [85]
        (
            "t3-86-asr-before",
            dict(
                metric="interfacial_asr",
                value_si=127.4e-4,
                ref=85,
                flags={"unit_typo", "row_misaligned"},
            ),
        ),
        # text: Zhang et al. [65] "critical current density larger than 0.74 mA cm-2"
        (
            "text-65-ccd",
            dict(
                metric="critical_current_density",
                value_si=7.4,
                qualifier=">",
                ref=65,
                electrolyte="solid",
            ),
        ),
        # text: "critical current density (750 µA cm-2)" [82] = 0.75 mA cm-2 = 7.5 A m-2
        (
            "text-82-ccd",
            dict(metric="critical_current_density", value_si=7.5, value_printed=750.0, ref=82),
        ),
        # text: "over 85% for 200 cycles at 55 °C" [66]
        (
            "text-66-retention",
            dict(
                metric="capacity_retention",
                value_si=0.85,
                qualifier=">",
                cycle=200,
                temperature_K=328.15,
                cell="Li|LFP",
                ref=66,
            ),
        ),
    ],
)
def test_sample_records_field_by_field(records, rid, expected):
    r = records[rid]
    c = r.conditions
    checks = {
        "metric": r.metric,
        "value_si": r.value_si,
        "qualifier": r.qualifier,
        "rest_time_s": c.rest_time_s,
        "time_s": c.time_s,
        "cycle": c.cycle,
        "cd": c.current_density_A_m2,
        "cap": c.areal_capacity_C_m2,
        "cell": c.cell,
        "temperature_K": c.temperature_K,
        "ref": r.provenance.ref,
        "ref_printed": r.provenance.ref_printed,
        "value_printed": r.value_printed,
        "electrolyte": r.electrolyte,
        "excluded": r.excluded,
    }
    for key, want in expected.items():
        if key == "flags":
            assert want <= {f.kind for f in r.flags}, (rid, [f.kind for f in r.flags])
        elif isinstance(want, float):
            assert checks[key] == pytest.approx(want, rel=1e-9), (rid, key)
        else:
            assert checks[key] == want, (rid, key)


def _flagged(records, kind):
    return {r.id for r in records.values() if any(f.kind == kind for f in r.flags)}


def test_every_flag_kind_occurs_where_the_seed_has_the_problem(seed_text, records):
    assert {f.kind for r in records.values() for f in r.flags} == set(FLAG_KINDS)
    # unit typo: every cell printed "Ω cm ⁻²" (an ohm per cm2) is flagged, and only those ohm
    typo = {r.id for r in records.values() if "Ω cm ⁻²" in r.printed}
    assert len(typo) == seed_text.count("Ω cm ⁻²") == 4
    assert typo <= _flagged(records, "unit_typo")
    # misplaced column: every "mV" cell under Li-Cu efficiency
    in_ce = {
        r.id
        for r in records.values()
        if r.provenance.column == "Li-Cu efficiency" and "mV" in r.printed
    }
    assert len(in_ce) == 4 and in_ce <= _flagged(records, "misplaced_column")
    # rest times under "before/after cycling": every resistance cell stating "after resting"
    rested = {
        r.id
        for r in records.values()
        if "Interfacial resistance" in (r.provenance.column or "")
        and "resting" in r.provenance.quote
    }
    assert len(rested) == 7 and rested <= _flagged(records, "before_after_rest_time")
    # "after a 52 h standing" in both columns of [27]: without/with after the same rest
    assert {"t1-27-rint-a", "t1-27-rint-b"} <= _flagged(records, "before_after_without_with")
    # full-cell CE printed as Li-Cu efficiency: "for Li LFP" / "for Li NCM622" in that column
    full = {
        r.id
        for r in records.values()
        if r.provenance.column == "Li-Cu efficiency" and " for Li " in r.provenance.quote
    }
    assert full == _flagged(records, "full_cell_ce_as_li_cu") == {"t3-70-ce", "t3-71-ce"}
    # text contradicting the table: 1500 h vs 700 h (FEC), 0.17 V vs 17 mV (BMP-TFSI)
    assert {"t1-28-life", "text-27-cycle-life", "t3-66-polar", "text-65-polar"} == _flagged(
        records, "text_contradicts_table"
    )
    # shifted references: Table 1's [42] is Jiang et al. [41] (list's [42] is on Li2O2)
    # (the seed writes the formula with subscript digits, "Li₂O₂")
    assert "Li₂O₂" in seed_text[seed_text.index(" 42. Cui") :][:80]
    assert records["t1-42-life"].provenance.ref == 41
    shifted = _flagged(records, "reference_shifted")
    assert all(
        records[i].provenance.ref_printed.strip("[]") != str(records[i].provenance.ref)
        or records[i].provenance.kind == "table"  # "71" is right; flagged for the text's [70]
        for i in shifted
    )
    # a sign typo: "-97%" cannot be an efficiency
    assert "t3-69-ce" in _flagged(records, "sign_typo")


def test_strategies_and_electrolyte_classes_follow_the_tables(records):
    for r in records.values():
        if r.provenance.kind == "table":
            assert r.electrolyte == ("solid" if r.provenance.table == 3 else "liquid")
    assert records["t1-26-ce"].strategy == "in-situ SEI"
    assert records["t1-36-polar"].strategy == "reactive artificial SEI"
    assert records["t2-57-ce"].strategy == "host dopant"
    assert records["t3-20-asr-with"].strategy == "alloying interlayer"
    assert records["t3-86-polar"].strategy == "electronically insulating interlayer"


def test_record_to_metric_is_si_with_conditions(records):
    m = records["t1-36-polar"].to_metric()
    # ~30 mV after 300 h at 0.5 mA cm-2, 1 mAh cm-2; hand conversion: 0.5 mA cm-2 = 5 A m-2,
    # 1 mAh cm-2 = 3.6 C / 1e-4 m2 = 36 000 C m-2, 300 h = 1.08e6 s
    assert m.value == pytest.approx(0.030)
    assert m.conditions.current_density_A_m2 == pytest.approx(5.0)
    assert m.conditions.areal_capacity_C_m2 == pytest.approx(36_000.0)
    assert m.conditions.time_s == pytest.approx(1.08e6)
    assert m.display().startswith("polarization 30 mV after 300 h at 0.5 mA cm-2, 1 mAh cm-2")


_QUANTITY = {
    # printed unit in a quote -> (condition field, the unit in pint's spelling, SI unit)
    r"mA h\s*·?\s*cm\s*⁻²": ("areal_capacity_C_m2", "mA*h/cm^2", "C/m^2"),
    r"mA\s*·?\s*cm\s*⁻²": ("current_density_A_m2", "mA/cm^2", "A/m^2"),
}


def test_every_stated_rate_and_capacity_is_converted_as_pint_says(records):
    # independent of the package's conversions: every "x mA cm-2" / "x mA h cm-2" of a table
    # quote, converted by the pint registry (lithiophile.units.to_si), is that condition of
    # the record
    from lithiophile.units import to_si

    checked = 0
    for r in records.values():
        if r.provenance.kind != "table":
            continue
        for pattern, (name, unit, si) in _QUANTITY.items():
            for m in re.finditer(rf"(\d+(?:\.\d+)?)\s*{pattern}", r.provenance.quote):
                want = to_si(f"{m.group(1)} {unit}", si)
                assert getattr(r.conditions, name) == pytest.approx(want, rel=1e-9), (r.id, name)
                checked += 1
    assert checked >= 100  # the regexes do match: 109 rates and capacities in the quotes


def test_every_stated_time_and_rest_is_converted_as_pint_says(records):
    # "after 300 h" / "over 830 h" of a polarization (not its "initial" value) is the time at
    # which it holds; "after resting 2 h" / "after a 52 h standing" is a rest time
    from lithiophile.units import to_si

    checked = 0
    for r in records.values():
        quote = r.provenance.quote
        if r.metric == "polarization" and ("stage", "initial") not in r.conditions.extra:
            for m in re.finditer(r"(?:after|over) (\d+(?:\.\d+)?) h\b", quote):
                assert r.conditions.time_s == pytest.approx(to_si(f"{m.group(1)} h", "s")), r.id
                checked += 1
        if r.metric == "interfacial_resistance":
            for m in re.finditer(r"after (?:resting|a) (\d+(?:\.\d+)?) (h|days?)\b", quote):
                want = to_si(f"{m.group(1)} {m.group(2)}", "s")
                assert r.conditions.rest_time_s == pytest.approx(want), r.id
                checked += 1
    assert checked >= 20  # the regexes do match: 11 times and 9 rests in the quotes
