"""The command line: help without heavy imports, read/convert, one-line errors and exit codes."""

import json
import subprocess
import sys

import pytest

from lithiophile.cli.main import run
from lithiophile.examples import li_li_symmetric, rc_spectrum
from lithiophile.io import bdf


@pytest.fixture
def cell_file(tmp_path):
    return li_li_symmetric(cycles=2, sample_s=60.0).write_parquet(tmp_path / "cell.parquet")


def test_help_does_not_import_numpy_or_polars():
    # lazy imports: `lithiophile --help` must not load the scientific stack
    code = (
        "import sys; from lithiophile.cli.main import run; rc = run(['--help']); "
        "print(rc, 'numpy' in sys.modules, 'polars' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "0 False False"


def test_read_json(cell_file, capsys):
    assert run(["read", str(cell_file), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    # li_li_symmetric(cycles=2, sample_s=60): 4 half cycles of 3600 s at one point per 60 s
    assert summary["rows"] == 240
    assert summary["cycles"] == 2
    assert summary["area_m2"] == pytest.approx(1.1309733552923255e-4)


def test_read_table(cell_file, capsys):
    assert run(["read", str(cell_file)]) == 0
    out = capsys.readouterr().out
    assert "1.131 cm2" in out and "2 / 4" in out


def test_read_error_is_one_line(tmp_path, capsys):
    bad = tmp_path / "x.mpr"
    bad.write_bytes(b"\x00\x01garbage" * 10)
    assert run(["read", str(bad)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: cannot read")


def test_traceback_flag(tmp_path, capsys):
    assert run(["--traceback", "read", str(tmp_path / "missing.csv")]) == 1
    err = capsys.readouterr().err
    assert "Traceback" in err and "error: no such file" in err


def test_usage_error_exit_2(capsys):
    assert run(["read", "--no-such-option"]) == 2


def test_convert_file_to_bdf(cell_file, tmp_path):
    out = tmp_path / "out.csv"
    assert run(["convert", str(cell_file), "-o", str(out)]) == 0
    assert out.read_text().startswith("Test Time / s,Voltage / V,Current / A")


def test_convert_rejects_unknown_suffix(cell_file, tmp_path, capsys):
    assert run(["convert", str(cell_file), "-o", str(tmp_path / "out.xls")]) == 1
    assert "must end in .parquet or .csv" in capsys.readouterr().err


def test_convert_folder_recursive(tmp_path, capsys):
    src = tmp_path / "src"
    (src / "sub").mkdir(parents=True)
    li_li_symmetric(cycles=1, sample_s=60.0).write_parquet(src / "a.parquet")
    bdf.write(rc_spectrum(), src / "sub" / "z.csv")
    (src / "README.txt").write_text("not data\n")
    out = tmp_path / "out"
    assert run(["convert", str(src), "--recursive", "-o", str(out), "--workers", "2"]) == 0
    printed = capsys.readouterr().out
    assert (out / "a.parquet.parquet").is_file() and (out / "sub" / "z.csv.parquet").is_file()
    assert "2 converted, 1 skipped" in printed


def test_convert_folder_needs_recursive(tmp_path, capsys):
    assert run(["convert", str(tmp_path), "-o", str(tmp_path / "o")]) == 1
    assert "add --recursive" in capsys.readouterr().err


def test_demo_runs(tmp_path, capsys):
    assert run(["demo", "--out", str(tmp_path), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    formats = {m["detected_format"] for m in result["measure"]}
    assert {"bdf-csv", "parquet", "generic-csv", "impedance-csv"} <= formats
