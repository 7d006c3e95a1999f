"""``lithiophile kb ...``: list, show, query, add, import, export, compare, plot, errors, demo.

Every test's store is under tmp_path (LITHIOPHILE_HOME), never the user's.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from lithiophile.cli import kb as kb_cli
from lithiophile.cli.main import app, run
from lithiophile.kb import bundled_records

N_BUNDLED = len(bundled_records())


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("LITHIOPHILE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("COLUMNS", "200")
    return tmp_path / "home"


def _ok(*args):
    result = CliRunner().invoke(app, ["kb", *args])
    assert result.exit_code == 0, (result.output, result.exception)
    return result.output


def _json(*args):
    return json.loads(_ok(*args, "--json"))


def test_list_and_show_from_the_store_in_the_settings_home(home):
    records = _json("list")
    assert (home / "lithiophile.duckdb").is_file()  # made on first use, where settings say
    assert len(records) == N_BUNDLED and {r["origin"] for r in records} == {"review"}
    out = _ok("list", "--metric", "critical_current_density")
    assert f"{4} record(s)" in out and "text-82-ccd" in out
    shown = _json("show", "t1-35-asr-before")
    assert shown["printed"] == "20 Ω cm ⁻²" and shown["value_si"] == pytest.approx(20e-4)
    out = _ok("show", "t1-35-asr-before")
    # the printed unit typo stays beside the reading; the shifted reference is explained
    assert "printed     '20 Ω cm ⁻²' -> read as 20 ohm cm2 (0.002 ohm*m^2 in SI)" in out
    assert "reference   printed [35], really [34]" in out and "flag        unit_typo" in out


def test_query_with_condition_ranges_in_display_or_si_units():
    rows = _json(
        "query",
        "--metric",
        "cycle_life_time",
        "--where",
        "current_density>=1 mA cm-2",
        "--where",
        "areal_capacity>=1 mAh cm-2",
    )
    # by hand from Tables 1-2 (see tests/kb/test_store.py): [35], [39], [49], [56], [57]
    assert {r["id"] for r in rows} == {
        "t1-35-life",
        "t1-39-life",
        "t2-49-life",
        "t2-56-life",
        "t2-57-life",
    }
    out = _ok("query", "--strategy", "host dopant", "--metric", "li_cu_ce")
    assert "98.8 %" in out and "at 2 mA cm-2, 2 mAh cm-2" in out
    si = _ok("query", "--strategy", "host dopant", "--metric", "li_cu_ce", "--si")
    # 98.8 % = 0.988; 2 mA cm-2 = 20 A m-2; 2 mAh cm-2 = 72 000 C m-2 (hand conversion)
    assert "0.988" in si and "current_density_A_m2=20.0" in si and "72000.0" in si
    # Table 2 [57]: 98.8 % over 300 cycles at 2.0 mA cm-2, 2.0 mA h cm-2
    args = ["query", "--metric", "li_cu_ce", "--material", "CuBr"]
    (ce,) = _json(*args, "--si")
    assert (ce["id"], ce["row"]["value"], ce["row"]["unit"]) == (
        "t2-57-ce",
        pytest.approx(0.988),
        "1",
    )
    assert ce["row"]["areal_capacity_C_m2"] == pytest.approx(72e3)
    (ce,) = _json(*args)
    assert ce["row"]["value"] == pytest.approx(98.8) and ce["row"]["unit"] == "%"
    assert ce["row"]["areal_capacity [mAh cm-2]"] == pytest.approx(2.0)
    solid = _json("query", "--electrolyte", "solid", "--material", "LLZ", "--limit", "2")
    assert len(solid) == 2 and all(r["electrolyte"] == "solid" for r in solid)


def test_add_a_value_and_the_metrics_of_cell_analyze(tmp_path):
    added = _json(
        "add",
        "--material",
        "my Ag host",
        "--strategy",
        "host coating",
        "--electrolyte",
        "liquid",
        "--metric",
        "polarization",
        "--value",
        "25 mV",
        "--current-density",
        "1 mA cm-2",
        "--areal-capacity",
        "1 mAh cm-2",
        "--time",
        "500 h",
        "--cell",
        "Li|Li",
        "--temperature",
        "25 degC",
    )["added"]
    (r,) = added
    # hand conversion: 25 mV, 10 A m-2, 36 000 C m-2, 1.8e6 s, 298.15 K
    assert (r["origin"], r["value_si"]) == ("user", pytest.approx(0.025))
    c = r["conditions"]
    assert c["current_density_A_m2"] == pytest.approx(10.0)
    assert c["areal_capacity_C_m2"] == pytest.approx(36e3)
    assert (c["time_s"], c["temperature_K"]) == (pytest.approx(1.8e6), pytest.approx(298.15))

    from lithiophile.synth import cells

    cell_file = cells.symmetric(cycles=3, sample_s=60.0).write(tmp_path / "sym.parquet")
    result = CliRunner().invoke(app, ["cell", "analyze", str(cell_file), "--json"])
    assert result.exit_code == 0, result.output
    analysis = tmp_path / "analysis.json"
    analysis.write_text(result.output, encoding="utf-8")
    from_file = _json(
        "add",
        "--from",
        str(analysis),
        "--pick",
        "polarization:plateau",
        "--material",
        "bare Li (synthetic)",
        "--strategy",
        "control",
    )["added"]
    want = [
        m
        for m in json.loads(result.output)["result"]["metrics"]
        if (m["metric"], m["variant"]) == ("polarization", "plateau")
    ]
    assert sorted(r["value_si"] for r in from_file) == sorted(m["value"] for m in want)
    assert len(_json("list", "--origin", "user")) == 1 + len(from_file)


def test_export_and_import_between_stores(tmp_path):
    _ok(
        "add",
        "--material",
        "mine",
        "--strategy",
        "control",
        "--metric",
        "li_cu_ce",
        "--value",
        "97.5 %",
        "--current-density",
        "0.5 mA cm-2",
        "--cell",
        "Li|Cu",
    )
    for suffix in ("json", "csv", "parquet"):
        path = tmp_path / f"mine.{suffix}"
        exported = _json("export", str(path), "--origin", "user")
        assert "Li2021" in exported.pop("citations")  # the review the records come from
        assert exported == {"exported": 1, "file": str(path)}
        other = tmp_path / f"other-{suffix}.duckdb"
        imported = _json("import", str(path), "--store", str(other))
        assert "Li2021" in imported.pop("citations")
        assert imported == {"imported": 1, "already_there": 0, "skipped_bundled": 0}
        (back,) = _json("list", "--origin", "user", "--store", str(other))
        assert back["value_si"] == pytest.approx(0.975) and back["material"] == "mine"
    again = _ok("import", str(tmp_path / "mine.csv"))  # into the store it came from
    assert "imported 0 record(s)" in again and "1 already in the knowledge base" in again


def test_compare_places_a_result_with_its_gaps():
    args = [
        "compare",
        "--metric",
        "polarization",
        "--value",
        "30 mV",
        "--current-density",
        "0.5 mA cm-2",
        "--areal-capacity",
        "1 mAh cm-2",
        "--time",
        "300 h",
        "--cell",
        "Li|Li",
    ]
    (c,) = _json(*args)
    # the hand ranking of tests/kb/test_compare.py: 5 better, 2 bounds undetermined, of 8
    assert c["rank_comparable"] == {"rank": 6, "of": 9, "undetermined": 2}
    out = _ok(*args, "--limit", "30")
    assert out.startswith("polarization: lower is better. Yours ranks 6 of 9")
    assert "gap: areal capacity 0.1 mAh cm-2 vs yours 1 mAh cm-2 (10x lower)" in out
    wide = _json(*args, "--factor", "5")
    assert wide[0]["rank_comparable"]["of"] > 9  # a looser tolerance compares more
    # factor 1: only records at exactly 0.5 mA cm-2 and 1 mAh cm-2: [36] ~30 mV, [51] 20 mV,
    # [61] less than 50 mV has 0.5 mAh cm-2 (out)
    strict = _json(*args, "--factor", "1")[0]
    assert {e["id"] for e in strict["entries"] if e["comparable"]} == {"t1-36-polar", "t2-51-polar"}
    solid = _json(*args, "--electrolyte", "LLZO")[0]  # liquid records are another class
    assert solid["rank_comparable"]["of"] == 1


def test_plot_writes_every_figure(tmp_path):
    out = tmp_path / "figs"
    files = _json("plot", "--out", str(out))["files"]
    assert sorted(p.rsplit("/", 1)[1] for p in files) == sorted(
        f"kb-{k}.{ext}"
        for k in ("cycle-life", "polarization", "resistance", "ce")
        for ext in ("png", "html")
    )
    assert all((out / p.rsplit("/", 1)[1]).stat().st_size > 1000 for p in files)
    assert "wrote" in _ok("plot", "ce", "--out", str(out), "--format", "png")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["show", "nope"], "no record with id 'nope' in the knowledge base"),
        (
            [
                "add",
                "--material",
                "x",
                "--strategy",
                "control",
                "--metric",
                "polarization",
                "--value",
                "25",
            ],
            "must include its unit, such as '25 mV'",
        ),
        (
            [
                "add",
                "--material",
                "x",
                "--strategy",
                "sorcery",
                "--metric",
                "polarization",
                "--value",
                "25 mV",
            ],
            "field 'strategy': unknown strategy 'sorcery'",
        ),
        (
            [
                "add",
                "--material",
                "x",
                "--strategy",
                "control",
                "--metric",
                "li_cu_ce",
                "--value",
                "101 %",
                "--cell",
                "Li|Cu",
            ],
            "field 'value': a Coulombic efficiency",
        ),
        (
            [
                "add",
                "--material",
                "x",
                "--strategy",
                "control",
                "--metric",
                "interfacial_asr",
                "--value",
                "-3 ohm cm2",
            ],
            "field 'value': a resistance cannot be negative",
        ),
        (["add", "--material", "x", "--strategy", "control"], "needs --metric and --value"),
        (["compare", "--metric", "polarization", "--value", "30 kg"], "'kg' is not a unit of"),
        (
            ["compare", "--metric", "polarization", "--value", "30 mV", "--factor", "0.5"],
            "'--factor' option of kb compare must be 1 or more",
        ),
        (
            ["compare", "--metric", "polarization", "--value", "30 mV", "--electrolyte", "tea"],
            "The '--electrolyte' option names an electrolyte this toolkit does not know",
        ),
        (["query", "--where", "current_density>=1"], "must give a unit"),
        (["plot", "pie"], "the figure must be one of cycle-life"),
        (["import", "nope.csv"], "the import file 'nope.csv' does not exist"),
    ],
)
def test_errors_are_one_line_naming_what_to_fix(args, message, capsys):
    assert run(["kb", *args]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and "Traceback" not in err


def test_a_bad_import_row_is_named_and_nothing_imported(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text(
        "strategy,material,metric,value,unit\n"
        "control,a,polarization,20,mV\n"
        "control,b,li_cu_ce,100.5,%\n",
        encoding="utf-8",
    )
    assert run(["kb", "import", str(path)]) == 1
    err = capsys.readouterr().err
    assert "row 2 (line 3) field 'value'" in err and "Nothing was imported." in err
    assert _json("list", "--origin", "user") == []


def test_demo_part_compares_the_demo_cells_and_writes_the_figures(tmp_path):
    from lithiophile.cli import cell, eis

    lines: list[str] = []
    results: dict = {}
    results["cell"] = cell.demo_part(tmp_path / "cell", lambda line: None, results)
    results["eis"] = eis.demo_part(tmp_path / "eis", lambda line: None, results)
    out = kb_cli.demo_part(tmp_path / "kb", lines.append, results)
    assert out["hypothetical"] is False
    compared = {c["metric"]: c for c in out["compared"]}
    assert set(compared) == {"polarization", "cycle_life_time", "average_ce", "interfacial_asr"}
    polar = results["cell"]["table1"]["polarized potential after cycling"]["value"]
    assert compared["polarization"]["yours"]["value"] == pytest.approx(polar)
    asr_after = results["eis"]["after"]["value"]
    assert compared["interfacial_asr"]["yours"]["value"] == pytest.approx(asr_after)
    assert len(out["figures"]) == 8 and all((tmp_path / "kb" / "figures").glob("*.png"))
    text = "\n".join(lines)
    assert "gap:" in text and "hypothetical" not in text


def test_demo_part_without_earlier_parts_states_its_hypothetical_result(tmp_path):
    lines: list[str] = []
    out = kb_cli.demo_part(tmp_path / "kb", lines.append, {})
    assert out["hypothetical"] is True
    assert any(
        "a hypothetical result instead, polarization (plateau) 30 mV after 300 h at "
        "0.5 mA cm-2, 1 mAh cm-2, Li|Li" in line
        for line in lines
    )
    assert out["compared"][0]["rank_comparable"] == {"rank": 6, "of": 9, "undetermined": 2}
    assert sorted(p.rsplit(".", 1)[1] for p in out["figures"]) == ["html"] * 4 + ["png"] * 4


def test_add_reads_values_as_papers_spell_them_and_says_when_already_there():
    args = ["add", "--material", "m", "--strategy", "control", "--metric", "polarization"]
    first = _json(*args, "--value", "30mV", "--current-density", "0.5 mA cm-2")
    assert first["added"][0]["value_si"] == pytest.approx(0.030)  # 30 mV by hand
    again = _ok(*args, "--value", "30 mV", "--current-density", "0.5 mA cm-2")
    assert again.startswith("already in the knowledge base, not added again: user-")
    asr = _json(*args[:-1], "interfacial_asr", "--value", "20 ohm cm2")["added"][0]
    assert asr["value_si"] == pytest.approx(20e-4)  # 20 ohm cm2 = 2e-3 ohm m2


def test_claims_lists_the_constants_and_the_disagreements():
    doc = _json("claims")
    claims = {c["id"]: c for c in doc["claims"]}
    # 180.5 degC = 453.65 K (hand), agreeing with the CRC value
    melt = claims["text-li-melting-point"]
    assert melt["value_si"] == pytest.approx(453.65) and melt["agrees_with_check"] is True
    assert any(d["kind"] == "text_contradicts_table" for d in doc["discrepancies"])
    text = _ok("claims")
    assert "flag unit_typo (caution): 0.23 J cm-2 would be 2300 J m-2" in text
