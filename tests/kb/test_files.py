"""Import and export: JSON, CSV and Parquet round-trip; one bad row imports nothing."""

from __future__ import annotations

import csv
import json

import pytest
from tests.conftest import file_digest

from lithiophile.errors import FileFormatError, InputError
from lithiophile.kb import KnowledgeBase, bundled_records
from lithiophile.kb.base import Imported

MINE = [
    {
        "strategy": "host coating",
        "electrolyte": "liquid",
        "material": "Ag-coated Cu foam",
        "metric": "li_cu_ce",
        "value": 98.7,
        "unit": "%",
        "qualifier": "~",
        "conditions": {
            "current_density_A_m2": 10.0,
            "areal_capacity_C_m2": 36e3,
            "cycle": 200,
            "cell": "Li|Cu",
            "temperature_K": 298.15,
            "extra": [["electrolyte salt", "1 M LiTFSI"]],
        },
        "flags": [
            {
                "kind": "ambiguous_condition",
                "severity": "note",
                "explanation": "cut-off voltage not stated",
            }
        ],
        "notes": ["made in my lab"],
    },
    {
        "strategy": "alloying interlayer",
        "electrolyte": "solid",
        "material": "Mg interlayer | LLZO",
        "metric": "interfacial_asr",
        "value": 12.5,
        "value_high": 14.0,
        "qualifier": "range",
        "unit": "ohm cm2",
        "uncertainty": 0.4,
        "conditions": {"cycle": 10, "cell": "Li|Li", "rest_time_s": 7200.0},
    },
    {
        "strategy": "control",
        "material": "bare Li",
        "metric": "cycle_life_time",
        "value": 120.0,
        "unit": "h",
        "qualifier": ">",
        "conditions": {"current_density_A_m2": 5.0, "areal_capacity_C_m2": 18e3},
    },
]


@pytest.mark.parametrize("suffix", [".json", ".csv", ".parquet"])
def test_user_records_round_trip(base, tmp_path, suffix):
    added = base.add_records(MINE)
    path = tmp_path / f"mine{suffix}"
    assert base.export(path, origin="user") == 3
    other = KnowledgeBase(tmp_path / "other.duckdb")
    assert other.import_file(path) == Imported(imported=3, already_there=0, skipped_bundled=0)
    back = {r.id: r for r in other.query(origin="user")}
    assert {r.id: r for r in added} == back  # every field, value_si and flags included
    # 12.5 ohm cm2 = 12.5e-4 ohm m2 (hand conversion)
    assert next(r for r in back.values() if r.metric == "interfacial_asr").value_si == (
        pytest.approx(12.5e-4)
    )
    again = other.import_file(path)  # the same records again: said so, kept once
    assert (again.imported, again.already_there) == (0, 3) and other.count(origin="user") == 3


@pytest.mark.parametrize("suffix", [".json", ".csv", ".parquet"])
def test_exporting_everything_and_importing_it_skips_the_bundled(base, tmp_path, suffix):
    base.add_records(MINE[:1])
    path = tmp_path / f"all{suffix}"
    n = len(bundled_records())
    assert base.export(path) == n + 1
    other = KnowledgeBase(tmp_path / "other.duckdb")
    assert other.import_file(path) == Imported(imported=1, already_there=0, skipped_bundled=n)


def _write_csv(path, rows):
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


FLAT = [
    {
        "strategy": "host dopant",
        "electrolyte": "liquid",
        "material": "N-doped graphene",
        "metric": "polarization",
        "value": "18",
        "unit": "mV",
        "current_density_A_m2": "10",
        "areal_capacity_C_m2": "36000",
        "cell": "Li|Li",
    },
    {
        "strategy": "host dopant",
        "electrolyte": "liquid",
        "material": "N-doped graphene",
        "metric": "li_cu_ce",
        "value": "98.9",
        "unit": "%",
        "current_density_A_m2": "5",
        "areal_capacity_C_m2": "",
        "cell": "Li|Cu",
    },
    {
        "strategy": "control",
        "electrolyte": "",
        "material": "bare Cu",
        "metric": "li_cu_ce",
        "value": "92",
        "unit": "%",
        "current_density_A_m2": "5",
        "areal_capacity_C_m2": "",
        "cell": "Li|Cu",
    },
]


def test_a_hand_written_flat_csv_imports(base, tmp_path):
    path = tmp_path / "flat.csv"
    _write_csv(path, FLAT)
    assert base.import_file(path).imported == 3
    got = {(r.metric, r.material): r for r in base.query(origin="user")}
    polar = got[("polarization", "N-doped graphene")]
    assert polar.value_si == pytest.approx(0.018)  # 18 mV
    assert polar.conditions.areal_capacity_C_m2 == pytest.approx(36e3)
    assert got[("li_cu_ce", "bare Cu")].electrolyte is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"value": "100.4"}, r"row 2 \(line 3\) field 'value': .*100.4 % is impossible"),
        ({"unit": ""}, r"row 2 \(line 3\) field 'unit': missing"),
        ({"strategy": "wishful thinking"}, r"row 2 \(line 3\) field 'strategy': unknown strategy"),
        ({"value": "lots"}, r"row 2 \(line 3\) field 'value'"),
    ],
)
def test_one_bad_csv_row_imports_nothing_and_is_named(base, tmp_path, change, message):
    rows = [dict(r) for r in FLAT]
    rows[1].update(change)
    path = tmp_path / "bad.csv"
    _write_csv(path, rows)
    before = file_digest(path)
    with pytest.raises(InputError, match=rf"cannot import '.*bad.csv': {message}.*Nothing was"):
        base.import_file(path)
    assert base.count(origin="user") == 0  # not even the good first row
    assert file_digest(path) == before


def test_one_bad_json_or_parquet_row_imports_nothing(base, tmp_path):
    rows = [dict(r) for r in MINE]
    rows[2] = {**rows[2], "metric": "interfacial_resistance", "value": -3.0, "unit": "ohm"}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(rows), encoding="utf-8")
    with pytest.raises(InputError, match=r"row 3 field 'value': a resistance cannot be negative"):
        base.import_file(path)
    assert base.count(origin="user") == 0
    good = tmp_path / "good.parquet"
    base.add_records(MINE)
    base.export(good, origin="user")
    base.delete_user()
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(good).to_pylist()
    table[0]["unit"] = None  # the visible column wins over the hidden record
    bad = tmp_path / "bad.parquet"
    pq.write_table(pa.Table.from_pylist(table), bad)
    with pytest.raises(InputError, match=r"row 1 field 'unit': missing"):
        base.import_file(bad)
    assert base.count(origin="user") == 0


def test_unreadable_import_files(base, tmp_path):
    (tmp_path / "x.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(FileFormatError, match=r"cannot read '.*x.json' as JSON records: not"):
        base.import_file(tmp_path / "x.json")
    (tmp_path / "y.json").write_text('{"a": 1}', encoding="utf-8")
    with pytest.raises(FileFormatError, match="expected an array of record objects"):
        base.import_file(tmp_path / "y.json")
    (tmp_path / "z.parquet").write_bytes(b"PAR1 not really")
    with pytest.raises(FileFormatError, match=r"as Parquet records"):
        base.import_file(tmp_path / "z.parquet")
    with pytest.raises(InputError, match=r"must end in .json, .csv or .parquet. Got '.xlsx'"):
        base.import_file(_touch(tmp_path / "r.xlsx"))
    with pytest.raises(InputError, match=r"'.*nope.csv' does not exist"):
        base.import_file(tmp_path / "nope.csv")
    with pytest.raises(InputError, match=r"export file .* must end in .json, .csv or .parquet"):
        base.export(tmp_path / "out.txt")


def _touch(path):
    path.write_bytes(b"")
    return path


def _csv_rows(path):
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_edits_in_the_visible_columns_are_what_gets_imported(base, tmp_path):
    base.add_records(MINE[:1])
    path = tmp_path / "mine.csv"
    base.export(path, origin="user")
    rows = _csv_rows(path)
    rows[0]["value"] = "97.5"  # a person edits the CE and the current density in a sheet
    rows[0]["current_density_A_m2"] = "20"
    _write_csv(path, rows)
    other = KnowledgeBase(tmp_path / "other.duckdb")
    assert other.import_file(path).imported == 1
    (back,) = other.query(origin="user")
    assert back.value_si == pytest.approx(0.975)  # 97.5 % (hand conversion)
    assert back.conditions.current_density_A_m2 == 20.0
    assert back.notes == ["made in my lab"]  # what has no column comes from the record JSON
    rows[0]["value"] = "abc"
    _write_csv(path, rows)
    with pytest.raises(InputError, match=r"row 1 \(line 2\) field 'value'"):
        other.import_file(path)
    rows[0]["value"] = "98.7"
    rows[0]["value_si"] = "0.5"  # the derived column edited alone
    _write_csv(path, rows)
    with pytest.raises(InputError, match=r"field 'value_si': it is derived from 'value'"):
        other.import_file(path)


def test_an_edited_bundled_record_comes_in_as_the_users(base, tmp_path):
    path = tmp_path / "all.csv"
    base.export(path)
    rows = _csv_rows(path)
    i = next(k for k, r in enumerate(rows) if r["id"] == "t1-36-polar")
    rows[i]["value"] = "28"  # was ~30 mV
    _write_csv(path, rows)
    other = KnowledgeBase(tmp_path / "other.duckdb")
    counts = other.import_file(path)
    assert counts == Imported(imported=1, already_there=0, skipped_bundled=len(rows) - 1)
    (mine,) = other.query(origin="user")
    assert mine.value_si == pytest.approx(0.028) and "edited copy of t1-36-polar" in mine.notes
