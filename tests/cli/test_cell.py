"""``lithiophile cell analyze`` in-process: figures, options, errors, store, plot, demo part."""

import json

import numpy as np
import pytest

from lithiophile.cli.main import run
from lithiophile.synth import cells


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("LITHIOPHILE_HOME", str(tmp_path / "home"))


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    d = tmp_path_factory.mktemp("cell")
    cells.symmetric(cycles=3, sample_s=60.0).write(d / "sym.parquet")
    cells.li_cu_reservoir(sample_s=300.0).write(d / "res.parquet")
    cells.li_cu(cycles=3, sample_s=60.0).write(d / "licu_bdf.csv")  # BDF keeps no area
    return d


def test_json_single_file(folder, capsys):
    assert run(["cell", "analyze", str(folder / "res.parquet"), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["result"]["protocol"] == "li-cu-reservoir"
    ce = next(m for m in out["result"]["metrics"] if m["variant"] == "reservoir")
    assert ce["value"] == pytest.approx(14.9 / 15)  # Adams formula by hand (test_coulombic)
    assert out["cached"] is False


def test_table_and_rerun_from_the_store(folder, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # rich wraps the table at the terminal width
    assert run(["cell", "analyze", str(folder / "sym.parquet")]) == 0
    out = capsys.readouterr().out
    # 5 A m-2 = 0.5 mA cm-2; 5 A m-2 x 3600 s = 18000 C m-2 = 0.5 mAh cm-2
    assert "polarization (plateau)" in out and "0.5 mA cm-2, 0.5 mAh cm-2" in out
    assert "no failure within 6 h" in out
    assert run(["cell", "analyze", str(folder / "sym.parquet")]) == 0
    assert "(from the store)" in capsys.readouterr().out


def test_area_option_and_missing_area_note(folder, capsys):
    assert run(["cell", "analyze", str(folder / "licu_bdf.csv"), "--csv"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("file,protocol,metric,variant,value")
    assert "(area unknown)" in out
    assert (
        run(["cell", "analyze", str(folder / "licu_bdf.csv"), "--csv", "--diameter", "12 mm"]) == 0
    )
    out = capsys.readouterr().out
    assert "0.5 mA cm-2, 1 mAh cm-2" in out and "area unknown" not in out
    assert (
        run(["cell", "analyze", str(folder / "licu_bdf.csv"), "--area", "1.131 cm^2", "--json"])
        == 0
    )
    m = json.loads(capsys.readouterr().out)["result"]["metrics"][0]
    assert m["conditions"]["current_density_A_m2"] == pytest.approx(5.0, rel=1e-4)


def test_folder_in_two_processes(folder, capsys):
    assert run(["cell", "analyze", str(folder), "--json", "--workers", "2"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert sorted(r["result"]["protocol"] for r in out) == ["li-cu", "li-cu-reservoir", "symmetric"]


def test_errors(folder, tmp_path, capsys):
    assert run(["cell", "analyze", str(folder / "sym.parquet"), "--protocol", "li-cu"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "--protocol li-cu needs strippings" in err
    assert run(["cell", "analyze", str(folder / "sym.parquet"), "--area", "-1 cm^2"]) == 1
    assert "'area' option of cell analyze must be a positive area" in capsys.readouterr().err
    assert run(["cell", "analyze", str(tmp_path / "nope.csv")]) == 1
    assert "no such file or folder" in capsys.readouterr().err
    assert run(["cell", "analyze", str(folder / "sym.parquet"), "--protocol", "lili"]) == 1
    assert "'protocol' option must be 'auto' or one of" in capsys.readouterr().err
    assert run(["cell", "analyze", str(folder), "--plot", str(tmp_path / "p.png")]) == 1
    assert "--plot draws one file; 3 were given" in capsys.readouterr().err
    ccd = cells.ccd_test(area_m2=None, steps=7).write(tmp_path / "ccd.csv")
    assert run(["cell", "analyze", str(ccd)]) == 1
    assert "electrode area is unknown" in capsys.readouterr().err


@pytest.mark.parametrize("suffix", [".png", ".html"])
def test_plot(folder, tmp_path, suffix, capsys):
    out = tmp_path / f"plot{suffix}"
    assert run(["cell", "analyze", str(folder / "sym.parquet"), "--plot", str(out)]) == 0
    assert out.stat().st_size > 1000
    head = out.read_bytes()[:8]
    assert head.startswith(b"\x89PNG") if suffix == ".png" else b"<html" in out.read_bytes()[:200]


def test_demo_part(tmp_path):
    from lithiophile.cli.cell import demo_part

    lines = []
    out = demo_part(tmp_path, lines.append, {})
    assert lines[0].startswith("== cell: Li-metal figures")
    table = out["table1"]
    # truth by construction: CE_avg 14.9 / 15; hard short at 100.5 h
    assert table["Li-Cu efficiency"]["value"] == pytest.approx(14.9 / 15)
    assert table["cycle life"]["value"] == pytest.approx(100.5 * 3600, abs=61)
    polar = table["polarized potential after cycling"]
    assert polar["metric"] == "polarization" and polar["variant"] == "plateau"
    assert polar["value"] == pytest.approx(out["truth"]["polarization_V"], abs=1e-4)
    json.dumps(out)  # JSON-able for the kb part
    assert any("soft short at 40.3 h" in line for line in lines)
    # the realistic noisy cell: truth by construction (lithiophile.synth.realistic), within
    # the tolerances of tests/synth/test_realistic.py; its provenance list is printed
    real = out["realistic"]
    assert real["max_plateau_error_V"] < 5e-4 and real["max_charge_error"] < 0.02
    assert "provenance (what was read, assumed or repaired):" in "\n".join(lines)
    assert any("electrode area" in line for line in real["provenance"])


def test_coarse_first_plating_warns_and_gives_no_number(tmp_path, capsys):
    path = cells.first_plating(sample_s=5.0).write(tmp_path / "coarse.parquet")
    assert run(["cell", "analyze", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert any("too coarse to resolve the nucleation dip" in w for w in out["warnings"])
    assert not [m for m in out["result"]["metrics"] if m["metric"] == "nucleation_overpotential"]


def test_ce_range_threshold_and_limit_options(folder, capsys):
    args = ["cell", "analyze", str(folder / "licu_bdf.csv"), "--json", "--ce-range", "2-3"]
    assert run([*args, "--ce-threshold", "0.95"]) == 0
    metrics = json.loads(capsys.readouterr().out)["result"]["metrics"]
    variants = {m["variant"]: m["value"] for m in metrics}
    # synthetic CE: 0.9 in cycle 1, 0.98 after (lithiophile.synth.cells.li_cu defaults)
    assert variants["mean of cycles 2-3"] == pytest.approx(0.98)
    assert variants["CE < 95%"] == 1
    assert run(["cell", "analyze", str(folder / "licu_bdf.csv"), "--ce-range", "5-x"]) == 1
    assert "'--ce-range' option of cell analyze must be two cycle numbers" in (
        capsys.readouterr().err
    )
    assert run(["cell", "analyze", str(folder / "sym.parquet"), "--json", "--limit", "40 mV"]) == 0
    result = json.loads(capsys.readouterr().out)["result"]
    # the 10 mV spike on the 35.4 mV plateau crosses 40 mV at the very first point
    life = next(m for m in result["metrics"] if m["metric"] == "cycle_life_time")
    assert life["variant"] == "polarization-limit" and life["value"] == 0.0


def test_voltage_only_file_with_current_option(tmp_path, capsys):
    # a time-and-voltage export: the current column all missing (NaN)
    import numpy as np

    from lithiophile.io.celldata import CellData

    s = cells.symmetric(cycles=2, sample_s=60.0)
    t = s.data["time_s"]
    with np.errstate(invalid="ignore"):
        bare = CellData.from_columns(
            {"time_s": t, "voltage_V": s.data["voltage_V"], "current_A": np.full(t.size, np.nan)},
            s.data.meta,
        )
    path = bare.write_parquet(tmp_path / "ewe_vs_t.parquet")
    assert run(["cell", "analyze", str(path), "--json", "--current", "0.5655 mA"]) == 0
    result = json.loads(capsys.readouterr().out)["result"]
    assert result["current"] == "supplied"
    m = next(m for m in result["metrics"] if m["variant"] == "plateau")
    # 0.5655 mA on the 1.131 cm2 disc = 0.5 mA cm-2 = 5 A m-2 (the generator's)
    assert m["conditions"]["current_density_A_m2"] == pytest.approx(5.0, rel=1e-3)
    assert run(["cell", "analyze", str(path), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)["result"]
    assert result["current"] == "none" and "current-unknown" in result["flags"]
    assert run(["cell", "analyze", str(path), "--current", "-2 mA"]) == 1
    assert "'current' option must be a positive applied current" in capsys.readouterr().err


def test_join_continuation_files_and_provenance(tmp_path, capsys, monkeypatch):
    from lithiophile.synth.realistic import realistic_symmetric

    monkeypatch.setenv("COLUMNS", "250")
    cell = realistic_symmetric(layout="bdf", cycles=2, parts=2, seed=4)
    from lithiophile.io import bdf

    paths = [bdf.write(p, tmp_path / f"part{k}.csv") for k, p in enumerate(cell.truth["parts"])]
    args = ["cell", "analyze", *map(str, paths), "--join", "--area", "1.131 cm2"]
    assert run([*args, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    half = out["result"]["half_cycles"]
    # one test: the 4 half-cycles of the generator, each 1800 s x 0.206 mA = 0.3708 C
    assert len(half["capacity_C"]) == 4
    np.testing.assert_allclose(half["capacity_C"], 0.206e-3 * 1800, rtol=0.01)
    assert " + " in out["file"]
    assert run(args) == 0
    printed = capsys.readouterr().out
    assert "provenance: electrode area 1.131 cm2 from the area option" in printed
    assert run(["cell", "analyze", str(paths[0]), "--join"]) == 1
    assert "--join joins the files of one test" in capsys.readouterr().err
