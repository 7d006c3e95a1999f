"""Arbin readers: MITS Pro ``.res`` (through mdbtools) and the CSV / Excel exports.

Expected values come from independent reads of the same files: galvani's ``res2sqlite``
(GPL-3.0, test-only) for ``.res``, ``pandas.read_csv`` / ``pandas.read_excel`` for the exports,
the row counts of ../shared/data/cycler/MANIFEST.md, hand calculations written next to the
assertion, or small files made here whose answer is known by construction.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pytest
from tests.conftest import file_digest, needs_mdbtools
from tests.io.pandas_reference import read_csv_exact

import lithiophile.io as lio
from lithiophile.errors import DependencyMissing, FileFormatError, InputError
from lithiophile.io import arbin_columns, arbin_csv, arbin_res

RES_CELLPY = "cellpy__20160805_test001_45_cc_01.res"
RES_NAVANI = "navani__arbin_example.res"
CSV_BDTK = "bdtk__arbin_example.csv"
CSV_BEEP = "beep__2017-05-09_test-TC-contact_CH33.csv"
XLSX_NAVANI = "navani__bs542_004_gr_li_50ua_50mv_1v_191020_Channel_11.xlsx"

#: MANIFEST.md: "galvani.res2sqlite+sqlite3: OK 10261 rows" / "OK 2150 rows",
#: "pandas.read_csv: OK 2142 rows" / "OK 287 rows", "pandas.read_excel: OK 4526 rows"
MANIFEST_ROWS = {
    RES_CELLPY: 10261,
    RES_NAVANI: 2150,
    CSV_BDTK: 2142,
    CSV_BEEP: 287,
    XLSX_NAVANI: 4526,
}

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="uses /bin/sh scripts")


# -- .res --------------------------------------------------------------------------------------
def _galvani(path: Path) -> sqlite3.Connection:
    """galvani's own conversion of the .res to an in-memory sqlite database."""
    from galvani import res2sqlite

    with contextlib.redirect_stdout(io.StringIO()):  # it prints its progress
        return res2sqlite.convert_arbin_to_sqlite(str(path))


def _galvani_normal(path: Path) -> pd.DataFrame:
    con = _galvani(path)
    try:
        # rows in Data_Point order, as cellpy orders them (the .res stores them unordered)
        return pd.read_sql_query(
            "SELECT * FROM Channel_Normal_Table ORDER BY Test_ID, Data_Point", con
        )
    finally:
        con.close()


@needs_mdbtools
@pytest.mark.parametrize("name", [RES_CELLPY, RES_NAVANI])
def test_res_matches_galvani(shared, name):
    path = shared(name)
    before = file_digest(path)
    data = lio.read(path)
    assert file_digest(path) == before  # mdb-export only reads
    ref = _galvani_normal(path)
    assert len(data) == MANIFEST_ROWS[name] == len(ref)
    assert data.meta.format == "arbin-res"
    assert data.meta.instrument == "Arbin"
    # sqlite's text-to-REAL conversion is not always correctly rounded: galvani's doubles
    # can be 1 ulp off mdb-export's 16-digit text (e.g. "8100.255441467531", row 27 of the
    # cellpy file); test_res_matches_mdb_export checks the exact values
    np.testing.assert_allclose(data["time_s"], ref["Test_Time"].to_numpy(), rtol=3e-16, atol=0)
    np.testing.assert_allclose(data["voltage_V"], ref["Voltage"].to_numpy(), rtol=3e-16, atol=0)
    # Arbin's sign is the package's (see test_res_sign_convention): current as written
    np.testing.assert_allclose(data["current_A"], ref["Current"].to_numpy(), rtol=3e-16, atol=0)
    np.testing.assert_array_equal(data["cycle"], ref["Cycle_Index"].to_numpy())
    np.testing.assert_array_equal(data["step_index"], ref["Step_Index"].to_numpy())
    np.testing.assert_array_equal(data["data_point"], ref["Data_Point"].to_numpy())
    np.testing.assert_allclose(data["step_time_s"], ref["Step_Time"].to_numpy(), rtol=3e-16)
    # A*h -> C and W*h -> J: x 3600
    np.testing.assert_allclose(
        data["charge_capacity_C"], ref["Charge_Capacity"].to_numpy() * 3600.0, rtol=1e-15
    )
    np.testing.assert_allclose(
        data["discharge_energy_J"], ref["Discharge_Energy"].to_numpy() * 3600.0, rtol=1e-15
    )
    np.testing.assert_allclose(data["dvdt_V_s"], ref["dV/dt"].to_numpy(), rtol=1e-15)
    # OLE Automation days -> datetime (day 0 = 1899-12-30)
    first = datetime(1899, 12, 30) + timedelta(days=float(ref["DateTime"].iloc[0]))
    assert abs(data.table.get_column("date_time")[0] - first) < timedelta(microseconds=2)
    # all-zero instrument columns carry no information and are dropped, with a note
    assert "ac_impedance_ohm" not in data.columns
    assert any("AC_Impedance" in n for n in data.meta.notes)


@needs_mdbtools
@pytest.mark.parametrize("name", [RES_CELLPY, RES_NAVANI])
def test_res_matches_mdb_export(shared, name):
    """Exactly the numbers mdb-export writes, parsed by Python's correctly rounded float()."""
    path = shared(name)
    text = subprocess.run(
        ["mdb-export", str(path), "Channel_Normal_Table"],
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout
    rows = list(csv.DictReader(io.StringIO(text.decode())))
    rows.sort(key=lambda r: (int(r["Test_ID"]), int(r["Data_Point"])))
    data = arbin_res.read(path)
    assert len(data) == MANIFEST_ROWS[name] == len(rows)
    for ours, theirs in (
        ("time_s", "Test_Time"),
        ("voltage_V", "Voltage"),
        ("current_A", "Current"),
        ("step_time_s", "Step_Time"),
    ):
        expected = np.array([float(r[theirs]) for r in rows])
        np.testing.assert_array_equal(data[ours], expected, err_msg=ours)


@needs_mdbtools
@posix_only
def test_res_reads_a_read_only_file(shared, tmp_path):
    # mdbtools opens the file O_RDONLY (checked with strace): a read-only copy reads the same
    p = tmp_path / "locked.res"
    shutil.copyfile(shared(RES_NAVANI), p)
    p.chmod(0o444)
    before = file_digest(p)
    assert lio.read(p).table.equals(lio.read(shared(RES_NAVANI)).table)
    assert file_digest(p) == before


@needs_mdbtools
def test_res_metadata_from_global_table(shared):
    path = shared(RES_CELLPY)
    data = lio.read(path)
    con = _galvani(path)
    try:
        glob = pd.read_sql_query("SELECT * FROM Global_Table", con).iloc[0]
        version = con.execute("SELECT Version_Schema_Field FROM Version_Table").fetchone()[0]
    finally:
        con.close()
    # Start_DateTime 42587.67804398148 days after 1899-12-30 = 2016-08-05 16:16:23
    assert data.meta.start_time == datetime(1899, 12, 30) + timedelta(
        days=float(glob["Start_DateTime"])
    )
    assert data.meta.start_time.replace(microsecond=0) == datetime(2016, 8, 5, 16, 16, 23)
    # MASS is in g: 0.00085283798 g = 8.5283798e-7 kg
    assert data.meta.mass_kg == pytest.approx(float(glob["MASS"]) * 1e-3, rel=1e-7)
    assert data.meta.format_version == version == "Results File 5.26"
    h = data.meta.header
    assert h["test_name"] == glob["Test_Name"] == "20160805_sic006_45_cc_01-01-003"
    assert h["schedule_file_name"] == glob["Schedule_File_Name"]
    assert h["channel_index"] == int(glob["Channel_Index"]) == 3
    assert h["software_version"] == glob["Software_Version"]
    # Specific_Capacity 3.579 A*h/g -> 3.579 * 3600 / 1e-3 C/kg
    assert h["specific_capacity_C_kg"] == pytest.approx(3.579 * 3.6e6, rel=1e-6)
    # the first point is 300 s after the start: the stated start and the data agree
    assert not any("differs" in n for n in data.meta.notes)


@needs_mdbtools
@pytest.mark.parametrize("name", [RES_CELLPY, RES_NAVANI])
def test_res_sign_convention(shared, name):
    """Arbin's own counters say which way charge flows: Discharge_Capacity grows only while
    the current is negative, Charge_Capacity only while it is positive. Discharge is reduction
    at the working electrode, negative in the package's convention: no sign change needed."""
    data = lio.read(shared(name))
    i = data["current_A"]
    # a counter grows between two points by the current at either end (step boundaries)
    lowest, highest = np.minimum(i[:-1], i[1:]), np.maximum(i[:-1], i[1:])
    grows_d = np.diff(data["discharge_capacity_C"]) > 1e-9
    grows_c = np.diff(data["charge_capacity_C"]) > 1e-9
    assert grows_d.sum() > 100 and grows_c.sum() > 100
    assert (lowest[grows_d] < 0).all()
    assert (highest[grows_c] > 0).all()
    assert (i[1:][grows_d] <= 0).all() and (i[1:][grows_c] >= 0).all()
    if name == RES_CELLPY:  # Si | Li half cell: the first current step lithiates Si (reduction)
        first = data.table.filter(pl.col("current_A").abs() > 1e-5).row(0, named=True)
        assert first["current_A"] < 0 and first["step_kind"] == "discharge"


@needs_mdbtools
def test_res_rows_sorted_by_data_point(shared):
    # mdb-export gives this file's rows out of order (one break at row 1560); the reader sorts
    raw = shared(RES_NAVANI)
    data = lio.read(raw)
    assert (np.diff(data["data_point"]) == 1).all()
    assert (np.diff(data["time_s"]) >= 0).all()


@needs_mdbtools
def test_res_running_step_count(shared):
    data = lio.read(shared(RES_CELLPY))
    t = data.table
    step = t.get_column("step").to_numpy()
    # by construction: +1 at each change of Step_Index or Cycle_Index, never back
    assert step[0] == 1 and set(np.diff(step).tolist()) <= {0, 1}
    per_step = t.group_by("step").agg(
        pl.col("step_index").n_unique().alias("si"), pl.col("cycle").n_unique().alias("c")
    )
    assert per_step.get_column("si").max() == 1 and per_step.get_column("c").max() == 1
    # Step_Index 3 (the C/20 discharge) comes back in each of the first cycles; step does not
    ref = _galvani_normal(shared(RES_CELLPY))
    cycles_with_3 = ref.loc[ref["Step_Index"] == 3, "Cycle_Index"].nunique()
    assert cycles_with_3 > 1
    assert t.filter(pl.col("step_index") == 3).get_column("step").n_unique() == cycles_with_3
    assert data.summary().cycles == 18  # MANIFEST: cellpy "summary 18 cycles"


@needs_mdbtools
def test_res_detected_by_content(shared, tmp_path):
    assert lio.detect(shared(RES_CELLPY)).name == "arbin-res"
    renamed = tmp_path / "export.bin"  # no .res extension: content decides
    shutil.copyfile(shared(RES_NAVANI), renamed)
    assert lio.detect(renamed).name == "arbin-res"
    head = renamed.read_bytes()[:65536]
    assert arbin_res.sniff(head, renamed) >= 90
    assert arbin_res.sniff(b"Data_Point,Test_Time\n", renamed) == 0


@needs_mdbtools
@pytest.mark.parametrize(
    ("cut", "match"),
    [
        # not a whole number of 4096-byte pages
        (100_000, r"100000 bytes is not a whole number of 4096-byte database pages"),
        # whole pages, but the catalogue points past the end
        (65_536, r"mdb-count could not read the table list .* is beyond EOF"),
        # catalogue intact, data pages missing
        (409_600, r"mdb-export could not read Channel_Normal_Table: .*beyond EOF"),
        (5_000, r"5000 bytes is not a whole number of 4096-byte database pages"),
    ],
)
def test_res_truncated(shared, tmp_path, cut, match):
    p = tmp_path / "cut.res"
    p.write_bytes(shared(RES_NAVANI).read_bytes()[:cut])
    with pytest.raises(FileFormatError, match=r"cut.res' as Arbin .res: " + match):
        lio.read(p)


@needs_mdbtools
@pytest.mark.parametrize(
    ("page", "match"),
    [
        # page 27 of this file zeroed: mdb-export says nothing and returns no rows; the row
        # count of the table definition gives it away (found by zeroing each page in turn)
        (27, r"Channel_Normal_Table declares 2150 rows but 0 were read \(damaged data pages\?\)"),
        # page 2 is the catalogue's table definition
        (2, r"mdb-count could not read .*Page 2 .* is not a valid table definition page"),
        # a data page: mdbtools warns about it
        (70, r"mdb-export could not read Channel_Normal_Table: warning: page 70"),
    ],
)
def test_res_damaged_page(shared, tmp_path, page, match):
    data = bytearray(shared(RES_NAVANI).read_bytes())
    data[page * 4096 : (page + 1) * 4096] = bytes(4096)
    p = tmp_path / "damaged.res"
    p.write_bytes(bytes(data))
    with pytest.raises(FileFormatError, match=match):
        arbin_res.read(p)


@needs_mdbtools
def test_res_wrong_content(tmp_path):
    p = tmp_path / "notes.res"
    p.write_bytes(b"hello world\n" * 1000)
    with pytest.raises(FileFormatError, match=r"not an MS Access \(Jet\) database"):
        lio.read(p, format="arbin-res")
    with pytest.raises(FileFormatError, match="matches none of"):
        lio.read(p)  # detection: nothing claims it


@needs_mdbtools
def test_res_header_then_garbage(shared, tmp_path):
    rng = np.random.default_rng(7)  # fixed garbage after a real first page
    p = tmp_path / "garbage.res"
    p.write_bytes(shared(RES_NAVANI).read_bytes()[:4096] + rng.bytes(40 * 4096))
    with pytest.raises(FileFormatError, match=r"as Arbin .res: mdb-count could not read"):
        lio.read(p)


def test_res_needs_mdbtools(shared, monkeypatch, tmp_path):
    path = shared(RES_NAVANI)
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no mdb-export
    message = (
        r"needs the 'mdb-export' program of mdbtools, which is not on PATH; install mdbtools: "
        r"'apt-get install mdbtools' \(Debian/Ubuntu\), 'brew install mdbtools' \(macOS\) or "
        r"'conda install -c conda-forge mdbtools'"
    )
    with pytest.raises(DependencyMissing, match=message):
        lio.read(path)
    assert lio.detect(path).name == "arbin-res"  # detection needs no mdbtools


def _fake_tool(folder: Path, name: str, body: str) -> None:
    script = folder / name
    script.write_text("#!/bin/sh\n" + body + "\n")
    script.chmod(0o755)


@posix_only
def test_res_hanging_mdbtools_is_stopped(shared, monkeypatch, tmp_path):
    """A tool that never answers is stopped at the timeout (known answer: the fake sleeps)."""
    for tool in ("mdb-export", "mdb-count", "mdb-tables"):
        _fake_tool(tmp_path, tool, "exec sleep 30")
    monkeypatch.setenv("PATH", str(tmp_path) + os.pathsep + os.environ.get("PATH", ""))
    with pytest.raises(FileFormatError, match=r"mdb-count could not read .*timed out after 0.5 s"):
        arbin_res.read(shared(RES_NAVANI), timeout_s=0.5)


@posix_only
def test_res_flooding_mdbtools_is_stopped(shared, monkeypatch, tmp_path):
    """mdbtools can print the same warning forever on a damaged page (seen with mdbtools
    1.0.0 on fuzzed files); the first stderr output ends the process."""
    _fake_tool(tmp_path, "mdb-count", 'while true; do echo "warning: bad page 9" >&2; done')
    _fake_tool(tmp_path, "mdb-export", "exec sleep 30")
    monkeypatch.setenv("PATH", str(tmp_path) + os.pathsep + os.environ.get("PATH", ""))
    with pytest.raises(FileFormatError, match=r"mdb-count could not read .*: warning: bad page 9"):
        arbin_res.read(shared(RES_NAVANI))


def test_aux_columns_known_answer():
    # Data_Type 1 = temperature [degC], 0 = voltage; point 3 has no temperature
    aux = pl.DataFrame(
        {
            "Test_ID": [1, 1, 1, 1, 1],
            "Data_Point": [2, 1, 1, 2, 3],
            "Auxiliary_Index": [0, 0, 1, 1, 1],
            "Data_Type": [1, 1, 0, 0, 0],
            "X": [26.0, 25.0, 3.5, 3.6, 3.7],
        }
    )
    keys = pl.DataFrame({"Test_ID": [1, 1, 1], "Data_Point": [1, 2, 3]})
    out = arbin_res.aux_columns(aux, {(0, 1): "mV"}, keys)
    np.testing.assert_allclose(out["aux_temperature_0_K"][:2], [298.15, 299.15])
    assert np.isnan(out["aux_temperature_0_K"][2])
    np.testing.assert_allclose(out["aux_voltage_1_V"], [3.5e-3, 3.6e-3, 3.7e-3])


def test_running_step_known_answer():
    si = np.array([1, 1, 2, 2, 2, 1, 1, 1])
    cyc = np.array([1, 1, 1, 1, 1, 2, 2, 2])
    st = np.array([0.0, 1.0, 0.0, 1.0, 0.5, 0.0, 1.0, 2.0])  # step time restarts at row 4
    got = arbin_columns.running_step(si, cycle=cyc, step_time=st)
    assert got.tolist() == [1, 1, 2, 2, 3, 4, 4, 4]


# -- CSV ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", [CSV_BDTK, CSV_BEEP])
def test_csv_matches_pandas(shared, name):
    path = shared(name)
    before = file_digest(path)
    data = lio.read(path)
    assert file_digest(path) == before
    # pandas as the independent reader, floats parsed exactly (see pandas_reference)
    ref = read_csv_exact(path)
    assert len(data) == MANIFEST_ROWS[name] == len(ref)
    assert data.meta.format == "arbin-csv"
    assert data.meta.instrument == "Arbin"
    assert data.meta.format_version == "CSV, old header (labels without units)"
    np.testing.assert_array_equal(data["time_s"], ref["Test_Time"].to_numpy())
    np.testing.assert_array_equal(data["voltage_V"], ref["Voltage"].to_numpy())
    np.testing.assert_array_equal(data["current_A"], ref["Current"].to_numpy())
    np.testing.assert_allclose(data["temperature_K"], ref["Temperature"].to_numpy() + 273.15)
    np.testing.assert_allclose(
        data["charge_capacity_C"], ref["Charge_Capacity"].to_numpy() * 3600.0, rtol=1e-15
    )
    # DateTime is Unix time [s]
    first = datetime.fromtimestamp(float(ref["DateTime"].iloc[0]), UTC)
    assert abs(data.table.get_column("date_time")[0] - first) < timedelta(microseconds=2)
    assert data.meta.start_time == first - timedelta(seconds=float(ref["Test_Time"].iloc[0]))


def test_bdtk_csv_counters(shared):
    data = lio.read(shared(CSV_BDTK))
    ref = read_csv_exact(shared(CSV_BDTK))
    np.testing.assert_array_equal(data["cycle"], ref["Cycle_Index"].to_numpy())
    np.testing.assert_array_equal(data["step_index"], ref["Step_Index"].to_numpy())
    # by construction: runs of equal (Step_Index, Cycle_Index), or a restart of Step_Time
    runs = (
        (ref["Step_Index"].diff() != 0)
        | (ref["Cycle_Index"].diff() != 0)
        | (ref["Step_Time"].diff() < 0)
    ).cumsum()
    np.testing.assert_array_equal(data["step"], runs.to_numpy())
    assert data.meta.start_time == datetime(2017, 7, 2, 14, 39, 13, tzinfo=UTC)  # 1499006353 s


def test_beep_csv_without_step_columns(shared):
    data = lio.read(shared(CSV_BEEP))
    # Step_Index, Cycle_Index and Step_Time are empty in this file: derived, and said so
    assert "step_index" not in data.columns
    assert any("no Step_Index" in n for n in data.meta.notes)
    assert any("'Step_Index', 'Cycle_Index'" in n for n in data.meta.notes)
    assert data["step"][0] == 1 and (np.diff(data["step"]) >= 0).all()
    assert set(data.table.get_column("step_kind").unique().to_list()) <= {"charge", "rest"}


@pytest.mark.parametrize("name", [CSV_BDTK, CSV_BEEP])
def test_csv_detected_by_content(shared, tmp_path, name):
    assert lio.detect(shared(name)).name == "arbin-csv"
    renamed = tmp_path / "data.txt"
    shutil.copyfile(shared(name), renamed)
    assert lio.detect(renamed).name == "arbin-csv"


def test_csv_with_bom_reads_identically(shared, tmp_path):
    # a UTF-8 byte-order mark in front of the real file, as Excel's "CSV UTF-8" writes it
    path = shared(CSV_BDTK)
    p = tmp_path / "bom.csv"
    p.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert lio.detect(p).name == "arbin-csv"
    assert lio.read(p).table.equals(lio.read(path).table)


NEW_LABELS = {
    "Data_Point": "Data_Point",
    "Test_Time": "Test_Time(s)",
    "DateTime": "Date_Time",
    "Step_Time": "Step_Time(s)",
    "Step_Index": "Step_Index",
    "Cycle_Index": "Cycle_Index",
    "Current": "Current(A)",
    "Voltage": "Voltage(V)",
    "Charge_Capacity": "Charge_Capacity(Ah)",
    "Discharge_Capacity": "Discharge_Capacity(Ah)",
    "Charge_Energy": "Charge_Energy(Wh)",
    "Discharge_Energy": "Discharge_Energy(Wh)",
    "dV/dt": "dV/dt(V/s)",
    "Internal_Resistance": "Internal Resistance(Ohm)",
    "Temperature": "Aux_Temperature_1(C)",
}


def test_new_header_reads_like_old_header(shared, tmp_path):
    # the real file with its first line replaced by MITS Pro's newer labels (units in
    # parentheses, the temperature as auxiliary input 1); the numbers are untouched
    path = shared(CSV_BDTK)
    first, rest = path.read_bytes().split(b"\n", 1)
    old = first.decode().strip().split(",")
    p = tmp_path / "new_header.csv"
    p.write_bytes(",".join(NEW_LABELS[lab] for lab in old).encode() + b"\r\n" + rest)
    new = lio.read(p)
    ref = lio.read(path)
    assert new.meta.format_version == "CSV, new header (labels with units)"
    assert new.columns == ref.columns
    assert new.table.equals(ref.table)


def test_new_header_units_converted(shared, tmp_path):
    # pandas writes the file in mA / mA*h; the reader must come back to A and C
    ref = read_csv_exact(shared(CSV_BDTK))
    scaled = ref.rename(columns=NEW_LABELS).rename(
        columns={"Current(A)": "Current(mA)", "Charge_Capacity(Ah)": "Charge_Capacity(mAh)"}
    )
    scaled["Current(mA)"] *= 1e3
    scaled["Charge_Capacity(mAh)"] *= 1e3
    p = tmp_path / "milli.csv"
    scaled.to_csv(p, index=False)
    data = lio.read(p)
    np.testing.assert_allclose(data["current_A"], ref["Current"].to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(
        data["charge_capacity_C"], ref["Charge_Capacity"].to_numpy() * 3600.0, rtol=1e-12
    )


def test_csv_truncated(shared, tmp_path):
    data = shared(CSV_BDTK).read_bytes()
    p = tmp_path / "cut.csv"
    cut = data[: len(data) // 2]
    p.write_bytes(cut)  # ends in the middle of a line
    last_line = cut.count(b"\n") + 1  # by construction: the cut line is the file's last
    with pytest.raises(
        FileFormatError,
        match=rf"cut.csv' as an Arbin CSV export: the last line \(line {last_line}\) has no "
        r"value for .* while the line before has \(file truncated\?\)",
    ):
        lio.read(p)


def test_csv_corrupted(shared, tmp_path):
    data = shared(CSV_BDTK).read_bytes()
    p = tmp_path / "bad.csv"
    p.write_bytes(data[:150_000] + b"\x01garbage\xff" + data[150_000:])
    with pytest.raises(FileFormatError, match=r"data table unreadable: could not parse .*garbage"):
        lio.read(p)


def test_csv_binary_or_foreign(tmp_path):
    p = tmp_path / "noise.csv"
    p.write_bytes(np.random.default_rng(1).bytes(5000))
    with pytest.raises(FileFormatError, match="the file is binary, not a CSV text export"):
        lio.read(p, format="arbin-csv")
    q = tmp_path / "plain.csv"
    q.write_text("time,voltage,current\n0,1,2\n1,1,2\n")
    with pytest.raises(FileFormatError, match=r"no Arbin header \(Test_Time, Voltage, Current"):
        lio.read(q, format="arbin-csv")
    assert arbin_csv.sniff(q.read_bytes(), q) == 0


def test_split_label():
    assert arbin_columns.split_label("Test_Time(s)") == ("testtime", "s")
    assert arbin_columns.split_label("dV/dt") == ("dvdt", None)
    assert arbin_columns.split_label("dV/dt(V/s)") == ("dvdt", "V/s")
    assert arbin_columns.split_label("Internal Resistance(Ohm)") == ("internalresistance", "Ohm")
    assert arbin_columns.split_label("\ufeffData_Point") == ("datapoint", None)


# -- Excel -------------------------------------------------------------------------------------
def _read_excel(path: Path, **kwargs: object) -> pd.DataFrame:
    """pandas with openpyxl: a reader independent of the calamine library we use."""
    pytest.importorskip("openpyxl")
    return pd.read_excel(path, engine="openpyxl", **kwargs)


def test_xlsx_matches_pandas(shared):
    path = shared(XLSX_NAVANI)
    before = file_digest(path)
    data = lio.read(path)
    assert file_digest(path) == before
    ref = _read_excel(path, sheet_name="Channel_11_1")
    assert len(data) == MANIFEST_ROWS[XLSX_NAVANI] == len(ref)
    assert lio.detect(path).name == data.meta.format == "arbin-csv"
    np.testing.assert_array_equal(data["time_s"], ref["Test_Time(s)"].to_numpy())
    np.testing.assert_array_equal(data["voltage_V"], ref["Voltage(V)"].to_numpy())
    np.testing.assert_array_equal(data["current_A"], ref["Current(A)"].to_numpy())
    np.testing.assert_array_equal(data["cycle"], ref["Cycle_Index"].to_numpy())
    np.testing.assert_array_equal(data["step_index"], ref["Step_Index"].to_numpy())
    np.testing.assert_allclose(
        data["discharge_capacity_C"], ref["Discharge_Capacity(Ah)"].to_numpy() * 3600.0
    )
    # Internal Resistance(Ohm) is empty in this export: dropped, with a note
    assert "internal_resistance_ohm" not in data.columns
    assert any("Internal Resistance(Ohm)" in n for n in data.meta.notes)


def test_xlsx_global_info(shared):
    path = shared(XLSX_NAVANI)
    data = lio.read(path)
    info = _read_excel(path, sheet_name="Global_Info", header=None)
    labels = info.iloc[3].tolist()
    values = info.iloc[4].tolist()
    row = dict(zip(labels, values, strict=True))
    assert data.meta.start_time == row["Start DateTime"] == datetime(2020, 10, 19, 11, 33, 31)
    h = data.meta.header
    assert h["channel"] == int(row["Channel"]) == 11
    assert h["schedule_file_name"] == row["Schedule File Name"]
    assert h["software_version"] == row["Software Version"]
    assert h["test_name"] == info.iloc[1, 3] == "bs542_004_gr_li_50ua_50mv_1v_191020"
    assert data.meta.format_version == f"Excel export, {row['Software Version']}"
    # the first point (11:31:46.58 at Test_Time 1.001 s) precedes the stated start: noted
    assert any("differs from the first point" in n for n in data.meta.notes)


def test_old_header_csv_from_xlsx_reads_like_xlsx(shared, tmp_path):
    # the workbook's data sheet written by pandas as a CSV with Arbin's old labels (units
    # removed from the labels: the old header implies s, A, V, A*h, W*h)
    path = shared(XLSX_NAVANI)
    ref = _read_excel(path, sheet_name="Channel_11_1")
    ref.columns = [c.split("(")[0].strip().replace(" ", "_") for c in ref.columns]
    p = tmp_path / "old_header.csv"
    ref.to_csv(p, index=False)
    from_csv = lio.read(p)
    from_xlsx = lio.read(path)
    assert from_csv.meta.format_version == "CSV, old header (labels without units)"
    for col in (
        "time_s",
        "voltage_V",
        "current_A",
        "cycle",
        "step",
        "step_kind",
        "charge_capacity_C",
        "discharge_energy_J",
    ):
        assert from_csv.table.get_column(col).equals(from_xlsx.table.get_column(col)), col


def test_xlsx_truncated(shared, tmp_path):
    data = shared(XLSX_NAVANI).read_bytes()
    p = tmp_path / "cut.xlsx"
    p.write_bytes(data[: len(data) // 2])
    assert lio.detect(p).name == "arbin-csv"  # the sheet names are in the first bytes
    with pytest.raises(
        FileFormatError, match=r"cut.xlsx' as an Arbin Excel export: not a readable .xlsx workbook"
    ):
        lio.read(p)


def _workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


HEADER = ["Date_Time", "Test_Time(s)", "Step_Index", "Cycle_Index", "Voltage(V)", "Current(A)"]


def test_xlsx_parts_joined_and_channel_chosen(tmp_path):
    # made here: channel 5 split over two sheets, channel 7 in one; known by construction
    t0 = datetime(2024, 1, 2, 3, 4, 5)
    rows5a = [[t0 + timedelta(seconds=k), float(k), 1, 1, 3.0, 0.001] for k in range(3)]
    rows5b = [[t0 + timedelta(seconds=k), float(k), 2, 1, 3.1, -0.001] for k in range(3, 5)]
    rows7 = [[t0, 0.0, 1, 1, 4.0, 0.0], [t0, 1.0, 1, 1, 4.0, 0.0]]
    info = [
        ["", "", "", "TEST REPORT"],
        ["", "", "", "my test", "Serial Number"],
        ["", "", "", "", 123.0],
        ["Channel", "Start DateTime", "Schedule File Name"],
        [5.0, t0, "a.sdu"],
        [7.0, t0 + timedelta(hours=1), "b.sdu"],
    ]
    p = _workbook(
        tmp_path / "book.xlsx",
        {
            "Global_Info": info,
            "Channel_5_1": [HEADER, *rows5a],
            "Channel_5_2": [HEADER, *rows5b],
            "Channel_7_1": [HEADER, *rows7],
        },
    )
    assert lio.detect(p).name == "arbin-csv"
    data = lio.read(p)
    assert data["time_s"].tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert data["current_A"].tolist() == [0.001] * 3 + [-0.001] * 2
    assert data.meta.header["schedule_file_name"] == "a.sdu"
    assert data.meta.header["test_name"] == "my test"
    assert data.meta.header["serial_number"] == "123"
    assert data.meta.start_time == t0
    assert any("channels [5, 7]" in n for n in data.meta.notes)
    seven = lio.read(p, channel=7)
    assert len(seven) == 2 and seven.meta.header["schedule_file_name"] == "b.sdu"
    assert seven.meta.start_time == t0 + timedelta(hours=1)
    with pytest.raises(InputError, match=r"the channel option must be one of .*\[5, 7\]. Got 9"):
        lio.read(p, channel=9)


def test_xlsx_without_channel_sheet(tmp_path):
    p = _workbook(tmp_path / "other.xlsx", {"Sheet1": [HEADER]})
    with pytest.raises(FileFormatError, match=r"no data sheet named Channel_<N>_<part>"):
        lio.read(p, format="arbin-csv")


def test_xlsx_sniff_from_zip_head(tmp_path):
    def book(names: list[str]) -> bytes:
        buf = io.BytesIO()
        sheets = "".join(f'<sheet name="{n}" sheetId="{k}"/>' for k, n in enumerate(names, 1))
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("[Content_Types].xml", "<Types/>")
            z.writestr("xl/workbook.xml", f"<workbook><sheets>{sheets}</sheets></workbook>")
        return buf.getvalue()

    p = tmp_path / "x.xlsx"
    assert arbin_csv.sniff(book(["Global_Info", "Channel_3_1"]), p) == 95
    assert arbin_csv.sniff(book(["Channel_3_1"]), p) == 85
    assert arbin_csv.sniff(book(["Sheet1", "record"]), p) == 0


def test_text_datetime_is_month_first():
    # MITS Pro writes month/day/year (US locale): "05/06/2023" is 6 May, not 5 June
    # (polars' own format guess would read it day-first)
    from datetime import datetime

    import polars as pl

    from lithiophile.io.arbin_columns import _datetime_column

    notes: list[str] = []
    out = _datetime_column(pl.Series(["05/06/2023 07:08:09.000", "05/06/2023 07:08:10.500"]), notes)
    assert out.to_list() == [datetime(2023, 5, 6, 7, 8, 9), datetime(2023, 5, 6, 7, 8, 10, 500000)]
