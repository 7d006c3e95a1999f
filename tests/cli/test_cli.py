"""The command line: help without heavy imports, read/convert, one-line errors and exit codes."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from lithiophile.cli.main import run
from lithiophile.io import bdf
from lithiophile.synth.examples import li_li_symmetric, rc_spectrum


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


def test_demo_runs(tmp_path, monkeypatch, capsys):
    import lithiophile.io as lio

    reads: list[str] = []
    real = lio.read

    def counted(path, **kw):
        reads.append(str(path))
        return real(path, **kw)

    monkeypatch.setattr(lio, "read", counted)
    monkeypatch.chdir(tmp_path)  # the default --out is ./lithiophile-demo
    assert run(["demo", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    out = tmp_path / "lithiophile-demo"
    assert result["out"] == str(out)
    formats = {m["detected_format"] for m in result["measure"]}
    assert {"bdf-csv", "parquet", "generic-csv", "impedance-csv"} <= formats
    for m in result["measure"]:  # written where the user can open them, each read once
        file = m["summary"]["file"]
        assert Path(file).is_file() and out in Path(file).parents
        assert Path(m["converted_to"]).is_file()
        assert reads.count(file) == 1
    assert "Li2021" in result["citations"]


def test_version(capsys):
    from lithiophile import __version__

    assert run(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"lithiophile {__version__}"


def test_traceback_is_an_option_not_a_word_anywhere(tmp_path, capsys):
    # a file named "--traceback"-like text elsewhere in argv does not switch it on
    assert run(["read", str(tmp_path / "missing.csv")]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.startswith("error: no such file")


def test_convert_json(cell_file, tmp_path, capsys):
    out = tmp_path / "out.parquet"
    assert run(["convert", str(cell_file), "-o", str(out), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    (converted,) = result["converted"]
    assert (converted["source"], converted["output"]) == (str(cell_file), str(out))
    assert isinstance(converted["provenance"], list)  # what the reader assumed (issue 11.7)
    assert isinstance(result["citations"], list)


def _truncated_mpr(folder):
    from lithiophile.synth.instruments import write_instrument_examples

    mpr = next(p for p in write_instrument_examples(folder / "w") if p.suffix == ".mpr")
    data = mpr.read_bytes()
    bad = folder / "src" / "cut.mpr"
    bad.parent.mkdir(parents=True, exist_ok=True)
    bad.write_bytes(data[: len(data) // 2])  # the magic number stays: recognised, then fails
    return bad


def test_convert_folder_with_a_failure_exits_1_with_summary(tmp_path, capsys):
    bad = _truncated_mpr(tmp_path)
    li_li_symmetric(cycles=1, sample_s=60.0).write_parquet(bad.parent / "good.parquet")
    out = tmp_path / "out"
    assert run(["convert", str(bad.parent), "-r", "-o", str(out), "--workers", "1"]) == 1
    captured = capsys.readouterr()
    assert "1 converted, 0 skipped (not a data file), 1 failed" in captured.out
    err = captured.err.splitlines()
    assert err[0] == "error: 1 of 2 files failed:"
    assert err[1].startswith(f"  {bad}: cannot read '{bad}' as ")
    assert (out / "good.parquet.parquet").is_file() and not (out / "cut.mpr.parquet").exists()
    assert not [p for p in out.rglob("*") if p.name.startswith(".")]  # no temporary left


def test_unreadable_file_is_one_line_exit_1(cell_file, tmp_path, monkeypatch, capsys):
    import lithiophile.io as lio

    def denied(path, **kw):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(lio, "read", denied)
    assert run(["read", str(cell_file)]) == 1
    assert capsys.readouterr().err == f"error: cannot access '{cell_file}': Permission denied\n"
    # inside a folder conversion: that file fails with the reason, the batch goes on
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.parquet").write_bytes(cell_file.read_bytes())
    assert run(["convert", str(src), "-r", "-o", str(tmp_path / "o"), "-j", "1"]) == 1
    err = capsys.readouterr().err
    assert f"cannot read '{src / 'a.parquet'}': Permission denied" in err
    assert "Traceback" not in err and "internal error" not in err


def test_interrupted_write_leaves_no_file_under_the_final_name(cell_file, tmp_path, monkeypatch):
    from lithiophile.io.celldata import CellData

    def half_then_interrupt(self, path):
        path.write_bytes(b"PAR1 partial")  # what an interrupted writer leaves
        raise KeyboardInterrupt

    monkeypatch.setattr(CellData, "write_parquet", half_then_interrupt)
    out = tmp_path / "out.parquet"
    assert run(["convert", str(cell_file), "-o", str(out)]) == 130
    assert list(tmp_path.glob("*out.parquet*")) == []  # neither the final nor a temporary name


def test_interrupted_batch_exits_130(tmp_path, monkeypatch, capsys):
    import lithiophile.io.convert as conv
    from lithiophile.errors import BatchInterrupted

    def interrupted(*args, **kwargs):
        raise BatchInterrupted(1, 3)

    monkeypatch.setattr(conv, "convert_tree", interrupted)
    assert run(["convert", str(tmp_path), "-r", "-o", str(tmp_path / "o")]) == 130
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["error: interrupted: 1 of 3 jobs had finished; the workers were stopped"]


def test_warnings_are_one_line_once(cell_file, monkeypatch, capsys):
    import warnings

    import lithiophile.io as lio
    from lithiophile.errors import DataQualityWarning

    real = lio.read

    def noisy(path, **kw):
        for _ in range(3):
            warnings.warn(DataQualityWarning("sampling  too\ncoarse"), stacklevel=1)
        # another library's notice (here: as pymatgen raises one) is not shown
        warnings.warn_explicit("Failed to guess oxidation states", UserWarning, "pymatgen.py", 1)
        return real(path, **kw)

    monkeypatch.setattr(lio, "read", noisy)
    assert run(["read", str(cell_file), "--json"]) == 0
    assert capsys.readouterr().err == "warning: sampling too coarse\n"


def test_cite(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("LITHIOPHILE_HOME", str(tmp_path / "home"))
    assert run(["cite"]) == 0
    assert "no run has recorded citations yet" in capsys.readouterr().out
    # converting to BDF CSV uses the Battery Data Format: the run records it, cite prints it
    assert run(["convert", str(_cell(tmp_path)), "-o", str(tmp_path / "x.csv")]) == 0
    capsys.readouterr()
    assert run(["cite"]) == 0
    assert capsys.readouterr().out.startswith("[BDF] Battery Data Alliance.")
    assert run(["cite", "--bibtex"]) == 0
    assert capsys.readouterr().out.startswith("@misc{BDF,\n  note = {Battery Data Alliance.")
    result = tmp_path / "r.json"
    result.write_text(json.dumps({"x": {"citations": ["Li2021"]}}))
    assert run(["cite", str(result), "--json"]) == 0
    (work,) = json.loads(capsys.readouterr().out)["citations"]
    assert work["key"] == "Li2021" and work["doi"] == "10.20517/energymater.2021.21"
    assert run(["cite", "--all"]) == 0
    assert "[Adams2018]" in capsys.readouterr().out


def _cell(folder):
    return li_li_symmetric(cycles=1, sample_s=60.0).write_parquet(folder / "c.parquet")


def _leaf_commands(command, path=()):
    subs = getattr(command, "commands", None)
    if subs is None:
        yield path, command
        return
    for name, sub in subs.items():
        yield from _leaf_commands(sub, (*path, name))


def test_every_command_takes_json():
    import typer

    from lithiophile.cli.main import app

    root = typer.main.get_command(app)
    missing = [
        " ".join(path)
        for path, cmd in _leaf_commands(root)
        if not any("--json" in p.opts for p in cmd.params)
    ]
    assert missing == []


def test_read_and_convert_print_what_the_reader_assumed(tmp_path, capsys):
    # issue 11 item 7: an EC-Lab export states its electrode area and carries its own charge
    # counter; the reader uses both and says so, and read and convert print it
    from lithiophile.synth.instruments import write_biologic_mpt

    path = write_biologic_mpt(li_li_symmetric(cycles=1, sample_s=60.0), tmp_path / "c.mpt")
    assert run(["read", str(path)]) == 0
    out = capsys.readouterr().out
    assert "provenance (what was read, assumed or repaired):" in out
    assert "taken from the file's header" in out
    assert run(["convert", str(path), "-o", str(tmp_path / "c.parquet")]) == 0
    out = capsys.readouterr().out
    assert "instrument's own charge counter" in out
    assert run(["convert", str(path), "-o", str(tmp_path / "d.parquet"), "--json"]) == 0
    (entry,) = json.loads(capsys.readouterr().out)["converted"]
    assert any("header" in p["what"] for p in entry["provenance"])
