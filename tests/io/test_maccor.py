"""Maccor text exports and Maccor FRA (.EDA) exports.

Expected values come from an independent read of the same bytes with pandas (the read the
MANIFEST of ../shared/data/cycler describes: ``pandas.read_csv(sep="\\t", skiprows=1)``), from
the row counts in that MANIFEST, or from small files written here whose answer is known by
construction.
"""

from __future__ import annotations

import contextlib
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import file_digest
from tests.io.pandas_reference import read_csv_exact

import lithiophile.io as lio
from lithiophile.errors import FileFormatError, LithiophileError
from lithiophile.io import maccor_eis, maccor_text, textblock

MACCOR_001 = "bdtk__maccor_example.001"
MACCOR_052 = "beep__PredictionDiagnostics_000151_test.052"
MACCOR_041 = "beep__maccor_test_file_4267-66-6519.041"
MACCOR_EDA = "beep__maccor_test_file_4267-66-6519.EDA0001.041"

#: rows and columns per file: MANIFEST.md ("pandas.read_csv(tsv, skiprows=1) [Maccor text]: OK
#: 8 rows, 12 cols" ...)
MANIFEST_ROWS = {MACCOR_001: 8, MACCOR_052: 333, MACCOR_041: 74}


def _pandas(path: Path) -> pd.DataFrame:
    """The independent read the MANIFEST describes."""
    # pandas as the independent reader, floats parsed exactly (see pandas_reference)
    return read_csv_exact(path, sep="\t", skiprows=1)


def _pandas_seconds(df: pd.DataFrame) -> np.ndarray:
    """Test time in seconds from whichever column the export has (pandas only)."""
    if "Test (Min)" in df:
        return df["Test (Min)"].to_numpy() * 60.0
    if "Test (Sec)" in df:
        return df["Test (Sec)"].to_numpy(dtype=float)
    text = df["TestTime"].str.strip().str.replace("d ", " days ", regex=False)
    return pd.to_timedelta(text).dt.total_seconds().to_numpy()


@pytest.fixture(params=["text", "file"])
def parse_mode(request, monkeypatch):
    """Run a test with the whole-text parse and with the from-disk parse of big files."""
    if request.param == "file":
        monkeypatch.setattr(textblock, "BIG_FILE_BYTES", 0)
    return request.param


@pytest.mark.parametrize("name", [MACCOR_001, MACCOR_052, MACCOR_041])
def test_maccor_text_matches_pandas(shared, name, parse_mode):
    path = shared(name)
    before = file_digest(path)
    data = lio.read(path)
    assert file_digest(path) == before
    ref = _pandas(path)
    assert len(data) == MANIFEST_ROWS[name] == len(ref)
    assert data.meta.format == "maccor-text"
    assert data.meta.instrument == "Maccor"
    np.testing.assert_array_equal(data["voltage_V"], ref["Volts"].to_numpy())
    np.testing.assert_allclose(data["time_s"], _pandas_seconds(ref), rtol=0, atol=1e-9)
    # sign convention: State D (discharge = reduction at the working electrode) negative
    state = ref["State"].str.strip().to_numpy()
    amps = ref["Amps"].to_numpy()
    expected = np.where(state == "D", -np.abs(amps), np.where(state == "C", np.abs(amps), amps))
    np.testing.assert_array_equal(data["current_A"], expected)
    # Maccor's own counters are kept
    np.testing.assert_array_equal(data["cycle"], ref["Cyc#"].to_numpy())
    np.testing.assert_array_equal(data["step"], ref["Step"].to_numpy())
    np.testing.assert_array_equal(data["record"], ref["Rec#"].to_numpy())
    np.testing.assert_array_equal(data["end_status"], ref["ES"].to_numpy())
    np.testing.assert_allclose(data["step_capacity_C"], ref["Amp-hr"].to_numpy() * 3600.0)
    np.testing.assert_allclose(data["step_energy_J"], ref["Watt-hr"].to_numpy() * 3600.0)
    assert data.table.get_column("state").to_list() == list(state)


def test_maccor_001_metadata(shared):
    data = lio.read(shared(MACCOR_001))
    # the first 'DPt Time' of the file: 03/31/2016 16:05:31
    assert data.meta.start_time == datetime(2016, 3, 31, 16, 5, 31)
    assert data.meta.header["Procedure"].startswith("ABRHV-NCM523-Form-4p1.000")
    assert "minutes" in data.meta.format_version
    # all eight rows are State R with zero current: rest
    assert set(data.table.get_column("step_kind").cast(str).to_list()) == {"rest"}


def test_maccor_052_signed_amps_and_midnight_stamp(shared):
    path = shared(MACCOR_052)
    data = lio.read(path)
    # every row of this file is a discharge (State D) written with negative Amps
    assert (data["current_A"] < 0).all()
    assert set(data.table.get_column("step_kind").cast(str).to_list()) == {"discharge"}
    # one 'DPt Time' is a bare date '10/22/2019' at midnight (BEEP documents this misprint)
    stamps = data.table.get_column("timestamp")
    assert stamps.null_count() == 0
    ref = pd.to_datetime(_pandas(path)["DPt Time"], format="mixed")
    assert stamps.to_list() == [t.to_pydatetime() for t in ref]
    assert any("bare date" in n for n in data.meta.notes)


def test_maccor_041_fra_rows_are_eis(shared):
    data = lio.read(shared(MACCOR_041))
    ref = _pandas(shared(MACCOR_041))
    kinds = np.array(data.table.get_column("step_kind").cast(str).to_list())
    state = ref["State"].str.strip().to_numpy()
    assert (kinds[state == "FRA"] == "eis").all()
    assert (kinds[state == "R"] == "rest").all()
    assert "EIS (FRA)" in data.meta.techniques


def test_detection_by_content_not_extension(shared, tmp_path):
    # the same bytes under a misleading name are still a Maccor export
    src = shared(MACCOR_001)
    renamed = tmp_path / "cell.csv"
    renamed.write_bytes(src.read_bytes())
    assert lio.detect(src).name == "maccor-text"
    assert lio.detect(renamed).name == "maccor-text"
    assert lio.detect(shared(MACCOR_EDA)).name == "maccor-eis"


# -- synthetic variants (answers known by construction) -----------------------------------

UNSIGNED = (
    "Today's Date 01/02/2024  Date of Test:\t01/01/2024\t Filename:\tC:\\x.001 Procedure:\tp.000"
    "\tComment/Barcode: Li|Cu\r\n"
    "Rec#\tCyc#\tStep\tTest (Sec)\tStep (Sec)\tAmp-hr\tWatt-hr\tAmps\tVolts\tState\tES"
    "\tDPt Time\r\n"
    "1\t0\t1\t0.0\t0.0\t0.0\t0.0\t0.000\t3.00\tR\t0\t01/01/2024 10:00:00\r\n"
    "2\t0\t1\t10.0\t10.0\t0.0\t0.0\t0.000\t3.00\tR\t129\t01/01/2024 10:00:10\r\n"
    "3\t1\t2\t20.0\t0.0\t0.0\t0.0\t0.001\t2.90\tD\t0\t01/01/2024 10:00:20\r\n"
    "4\t1\t2\t30.0\t10.0\t2.8e-6\t8e-6\t0.001\t2.80\tD\t133\t01/01/2024 10:00:30\r\n"
    "5\t1\t3\t40.0\t0.0\t0.0\t0.0\t0.002\t3.10\tC\t0\t01/01/2024 10:00:40\r\n"
    "6\t1\t3\t50.0\t10.0\t5.6e-6\t1.7e-5\t0.002\t3.20\tC\t133\t01/01/2024 10:00:50\r\n"
)


def test_unsigned_amps_get_the_sign_of_state(tmp_path):
    p = tmp_path / "unsigned.001"
    p.write_text(UNSIGNED, newline="")
    data = lio.read(p)
    # by construction: R rows 0 A, D rows -1 mA, C rows +2 mA
    np.testing.assert_array_equal(data["current_A"], [0, 0, -0.001, -0.001, 0.002, 0.002])
    np.testing.assert_array_equal(data["time_s"], [0, 10, 20, 30, 40, 50])
    assert data.table.get_column("step_kind").cast(str).to_list() == [
        "rest",
        "rest",
        "discharge",
        "discharge",
        "charge",
        "charge",
    ]
    assert data.meta.header["Comment/Barcode"] == "Li|Cu"
    assert data.meta.start_time == datetime(2024, 1, 1, 10, 0, 0)


def test_csv_export(tmp_path):
    p = tmp_path / "export.csv"
    p.write_text(UNSIGNED.replace("\t", ","), newline="")
    assert lio.detect(p).name == "maccor-text"
    data = lio.read(p)
    np.testing.assert_array_equal(data["current_A"], [0, 0, -0.001, -0.001, 0.002, 0.002])
    assert "comma-separated" in data.meta.format_version


def test_later_export_with_preamble_and_decimal_commas(tmp_path):
    # the layout of cellpy's maccor_txt_four configuration (KIT, SIMBA project): a 12-line
    # preamble, labels Rec/Cycle P/Cycle C/.../Md/DPT Time, tab-separated, decimal commas
    preamble = [f"Header line {i}" for i in range(12)]
    labels = "Rec\tCycle P\tCycle C\tStep\tTestTime\tStepTime\tCap. [Ah]\tEner. [Wh]\tCurrent [A]"
    labels += "\tVoltage [V]\tMd\tES\tDPT Time"
    rows = [
        "1\t1\t1\t1\t0\t0\t0\t0\t0\t3,5\tR\t0\t15.03.2023 08:00:00",
        "2\t1\t1\t2\t60,5\t0\t0,001\t0,003\t0,5\t3,6\tC\t0\t15.03.2023 08:01:00",
        "3\t1\t1\t3\t121\t0\t0,001\t0,003\t0,5\t3,4\tD\t0\t15.03.2023 08:02:00",
    ]
    p = tmp_path / "kit.txt"
    p.write_text("\n".join([*preamble, labels, *rows]) + "\n")
    assert maccor_text.sniff(p.read_bytes(), p) == 90
    data = maccor_text.read(p)
    np.testing.assert_allclose(data["time_s"], [0, 60.5, 121])
    np.testing.assert_allclose(data["voltage_V"], [3.5, 3.6, 3.4])
    np.testing.assert_allclose(data["current_A"], [0, 0.5, -0.5])
    np.testing.assert_allclose(data["step_capacity_C"], [0, 3.6, 3.6])
    assert data["cycle"].tolist() == [1, 1, 1]
    assert data.meta.start_time == datetime(2023, 3, 15, 8, 0, 0)


# -- bad input -----------------------------------------------------------------------------


def _read(p: Path):
    return lio.read(p, format="maccor-text")


def test_truncated_file(shared, tmp_path, parse_mode):
    raw = shared(MACCOR_052).read_bytes()
    cut = tmp_path / "cut.052"
    cut.write_bytes(raw[: raw.index(b"\n", len(raw) // 2) + 40])  # mid-line, half way
    with pytest.raises(FileFormatError, match=r"line \d+ \(the last\) has \d+ fields .*truncated"):
        _read(cut)


def test_corrupted_value_names_the_line(shared, tmp_path, parse_mode):
    lines = shared(MACCOR_001).read_bytes().split(b"\r\n")
    fields = lines[5].split(b"\t")
    fields[8] = b"3.3x6"  # the Volts column of file line 6
    lines[5] = b"\t".join(fields)
    bad = tmp_path / "bad.001"
    bad.write_bytes(b"\r\n".join(lines))
    with pytest.raises(FileFormatError, match=r"line 6: 'Volts' is '3.3x6', not a number"):
        _read(bad)


def test_empty_binary_and_wrong_format(shared, tmp_path):
    empty = tmp_path / "empty.001"
    empty.write_bytes(b"")
    with pytest.raises(FileFormatError, match="empty"):
        maccor_text.read(empty)
    garbage = tmp_path / "garbage.001"
    garbage.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(FileFormatError, match="binary"):
        maccor_text.read(garbage)
    with pytest.raises(FileFormatError, match="no column label line with Maccor's"):
        _read(shared("impedancepy__Circuit1_EIS_1.z"))
    header_only = tmp_path / "header.001"
    header_only.write_text(UNSIGNED.split("\r\n1\t")[0] + "\r\n")
    with pytest.raises(FileFormatError, match="no data rows"):
        maccor_text.read(header_only)


# -- Maccor FRA export ---------------------------------------------------------------------


def test_eda_matches_pandas(shared):
    path = shared(MACCOR_EDA)
    before = file_digest(path)
    data = lio.read(path)
    assert file_digest(path) == before
    # independent read: MANIFEST "pandas(tsv after Freq header): OK 60 rows, 24 cols"
    ref = read_csv_exact(path, sep="\t", skiprows=10)
    assert len(data) == len(ref) == 60
    assert data.meta.format == "maccor-eis"
    np.testing.assert_array_equal(data["frequency_Hz"], ref["Freq(Hz)"].to_numpy())
    np.testing.assert_array_equal(data["z_real_ohm"], ref["Z'(a)"].to_numpy())
    np.testing.assert_array_equal(data["z_imag_ohm"], ref["Z''(b)"].to_numpy())
    np.testing.assert_array_equal(data["time_s"], ref["time(sec)"].to_numpy())
    np.testing.assert_array_equal(data["voltage_V"], ref["V-DC"].to_numpy())
    assert data["spectrum"].tolist() == [1] * 60
    # start line of the file: "Wednesday, November 2, 2016 Start Time: 15:58"
    assert data.meta.start_time == datetime(2016, 11, 2, 15, 58)


def test_eda_units_and_sign_checked_against_its_own_columns(shared):
    data = lio.read(shared(MACCOR_EDA))
    f, zr, zi = data["frequency_Hz"], data["z_real_ohm"], data["z_imag_ohm"]
    # Phase_Angle = atan2(Z'', Z') in degrees: Z'' is Im(Z) itself (4 decimals in the file)
    np.testing.assert_allclose(np.degrees(np.arctan2(zi, zr)), data["phase_deg"], atol=1e-4)
    # the instrument's C(F) = 1/(2 pi f Z'') with Z in ohm (6 decimals in the file)
    np.testing.assert_allclose(data["capacitance_F"], 1 / (2 * np.pi * f * zi), atol=2e-6)
    # Polar(V) is 2 pi f
    np.testing.assert_allclose(data["angular_frequency_rad_s"], 2 * np.pi * f, rtol=1e-5)


def test_eda_truncated_and_corrupted(shared, tmp_path):
    raw = shared(MACCOR_EDA).read_bytes()
    cut = tmp_path / "cut.EDA0001.041"
    cut.write_bytes(raw[:-30])
    with pytest.raises(FileFormatError, match=r"\(the last\) has \d+ fields .*truncated"):
        lio.read(cut, format="maccor-eis")
    bad = tmp_path / "bad.EDA0001.041"
    # line 13 is the first data row (12 lines of preamble, labels and blank lines above it)
    bad.write_bytes(raw.replace(b"0.773446", b"0.77#446"))
    with pytest.raises(FileFormatError, match=r"line 13: \"Z'\(a\)\" is '0.77#446', not a number"):
        lio.read(bad, format="maccor-eis")


# -- fuzz: damaged copies raise FileFormatError or read, never anything else ---------------


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    cut=st.floats(min_value=0.0, max_value=1.0),
    flips=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), max_size=6),
    which=st.sampled_from([MACCOR_001, MACCOR_041, MACCOR_EDA]),
)
def test_fuzz_damaged_files(shared, tmp_path, cut, flips, which):
    raw = bytearray(shared(which).read_bytes())
    raw = raw[: max(1, int(len(raw) * cut))]
    for pos, value in flips:
        raw[min(len(raw) - 1, int(pos * len(raw)))] = value
    p = tmp_path / "fuzz.041"
    p.write_bytes(bytes(raw))
    module = maccor_eis if which == MACCOR_EDA else maccor_text
    with contextlib.suppress(LithiophileError):
        module.read(p)
