"""``lithiophile cell analyze`` in-process: figures, options, errors, store, plot, demo part."""

import json

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
    assert "'ce-range' option of cell analyze must be two cycle numbers" in (
        capsys.readouterr().err
    )
    assert run(["cell", "analyze", str(folder / "sym.parquet"), "--json", "--limit", "40 mV"]) == 0
    result = json.loads(capsys.readouterr().out)["result"]
    # the 10 mV spike on the 35.4 mV plateau crosses 40 mV at the very first point
    life = next(m for m in result["metrics"] if m["metric"] == "cycle_life_time")
    assert life["variant"] == "polarization-limit" and life["value"] == 0.0
