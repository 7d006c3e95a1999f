"""Impedance readers: ZPlot .z, Gamry .DTA, plain CSV (and Gamry curve tables).

Expected values come from impedance.py's own readers (``impedance.preprocessing``, MIT, run in
the test as the independent read), from pandas, from the generating parameters of the
pyDRTtools synthetic spectra given in ../shared/data/cycler/MANIFEST.md, or from small files
written here whose answer is known by construction.
"""

from __future__ import annotations

import contextlib
from datetime import datetime

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import file_digest
from tests.io.pandas_reference import read_csv_exact

import lithiophile.io as lio
from lithiophile.errors import FileFormatError, LithiophileError
from lithiophile.io import gamry_dta, impedance_csv, zplot

preprocessing = pytest.importorskip(
    "impedance.preprocessing", reason="impedance.py (test-only cross-check) not installed"
)

ZFILE = "impedancepy__Circuit1_EIS_1.z"
DTA = "impedancepy__exampleDataGamry.DTA"
CSV = "impedancepy__exampleData.csv"
ZARC1 = "pydrttools__1ZARC.csv"
ZARC2 = "pydrttools__2ZARC0.csv"


@pytest.mark.parametrize(
    ("name", "fmt", "reference", "rows"),
    [
        # rows: MANIFEST.md ("impedance.preprocessing.readZPlot: OK 48 rows" ...)
        (ZFILE, "zplot", preprocessing.readZPlot, 48),
        (DTA, "gamry-dta", preprocessing.readGamry, 72),
        (CSV, "impedance-csv", preprocessing.readCSV, 66),
    ],
)
def test_matches_impedance_py(shared, name, fmt, reference, rows):
    path = shared(name)
    before = file_digest(path)
    data = lio.read(path)
    assert file_digest(path) == before
    assert lio.detect(path).name == fmt
    assert data.meta.format == fmt
    f, z = reference(str(path))
    assert len(data) == rows == len(f)
    np.testing.assert_array_equal(data["frequency_Hz"], f)
    np.testing.assert_array_equal(data["z_real_ohm"], z.real)
    # impedance.py keeps Im(Z) as ZView, Gamry and this CSV write it: the same sign as ours
    np.testing.assert_array_equal(data["z_imag_ohm"], z.imag)
    assert set(data["spectrum"].tolist()) == {1}


def test_zplot_metadata(shared):
    data = lio.read(shared(ZFILE))
    # header lines "Date: 10-12-2018", "Time: 12:32:21", "Measured Data, ZPlot: 3.2c"
    assert data.meta.start_time == datetime(2018, 10, 12, 12, 32, 21)
    assert data.meta.format_version == "ZPlot 3.2c"
    assert data.meta.header["Data Points"] == "48"
    # "Surface Area: 1" is ZPlot's default, not a measured area
    assert data.meta.area_m2 is None
    np.testing.assert_array_equal(data["time_s"][:2], [2.59, 3.28])  # Time(Sec) column


def test_gamry_metadata_and_sign(shared):
    data = lio.read(shared(DTA))
    # DATE 4/23/2018, TIME 16:43:15, FRAMEWORKVERSION 7.05, TAG EISPOT
    assert data.meta.start_time == datetime(2018, 4, 23, 16, 43, 15)
    assert data.meta.format_version == "Gamry Framework 7.05"
    assert "EISPOT" in data.meta.techniques
    assert data.meta.header["NOTES"] == ["-50mV +5.66X10^-4 D8"]
    # Gamry writes Zimag as Im(Z): it has the sign of the phase Zphz in every row
    assert (np.sign(data["z_imag_ohm"]) == np.sign(data["phase_deg"])).all()
    np.testing.assert_allclose(
        np.degrees(np.arctan2(data["z_imag_ohm"], data["z_real_ohm"])),
        data["phase_deg"],
        atol=1e-3,
    )


def test_gamry_ocv_table(shared):
    path = shared(DTA)
    ocv = lio.read(path, table="OCVCURVE")
    # "OCVCURVE TABLE 387" on line 20 (labels 21, units 22): pandas on the same 387 rows
    # pandas as the independent reader, floats parsed exactly (see pandas_reference)
    ref = read_csv_exact(
        path,
        sep="\t",
        skiprows=22,
        nrows=387,
        header=None,
        encoding="latin-1",
    )
    assert len(ocv) == 387
    np.testing.assert_array_equal(ocv["time_s"], ref[2].to_numpy())
    np.testing.assert_array_equal(ocv["voltage_V"], ref[3].to_numpy())
    assert set(ocv.table.get_column("step_kind").cast(str).to_list()) == {"ocv"}
    assert "temperature_K" not in ocv.columns  # Temp = -327.67: no thermocouple


@pytest.mark.parametrize("name", [ZARC1, ZARC2])
def test_pydrttools_synthetic_spectra(shared, name):
    path = shared(name)
    data = lio.read(path)
    ref = read_csv_exact(path, index_col=0)
    assert len(data) == len(ref) == 81  # MANIFEST: 81 rows
    assert lio.detect(path).name == "impedance-csv"
    np.testing.assert_array_equal(data["frequency_Hz"], ref["Freq"].to_numpy())
    np.testing.assert_array_equal(data["z_real_ohm"], ref["Real"].to_numpy())
    np.testing.assert_array_equal(data["z_imag_ohm"], ref["Imag"].to_numpy())
    assert any("taken as Im(Z) itself" in n for n in data.meta.notes)
    assert any("row index" in n for n in data.meta.notes)
    # generating parameters (MANIFEST): R_inf = 10 ohm; 1ZARC: R = 50 ohm, tau = 0.1 s,
    # phi = 0.8; 2ZARC0: R1 = 10 ohm at tau 0.1 s, R2 = 50 ohm at tau 1e-4 s, phi = 0.8;
    # noise about 0.5 ohm
    f = data["frequency_Hz"]
    w = 2 * np.pi * f
    model = 10 + (50 if name == ZARC1 else 10) / (1 + (1j * w * 0.1) ** 0.8)
    if name == ZARC2:
        model = model + 50 / (1 + (1j * w * 1e-4) ** 0.8)
    hf_intercept = np.median(data["z_real_ohm"][f >= 1e4])
    lf_intercept = data["z_real_ohm"][np.argmin(f)]
    assert hf_intercept == pytest.approx(10.0, abs=1.0)
    assert lf_intercept == pytest.approx(60.0 if name == ZARC1 else 70.0, abs=1.0)
    resid = data.z - model
    assert np.sqrt(np.mean(resid.real**2)) < 1.0
    # 1ZARC also carries an inductive tail above ~1 kHz that the MANIFEST does not list
    low = f <= 1e3
    assert np.sqrt(np.mean(resid.imag[low] ** 2)) < 1.5


# -- plain CSV variants (answers known by construction) ------------------------------------

F = np.logspace(4, -1, 11)
Z = 10 + 50 / (1 + (2j * np.pi * F * 0.01))  # an RC arc: Im(Z) < 0 at every frequency


def _rows(sep: str, imag: np.ndarray, decimal: str = ".") -> list[str]:
    out = []
    for f, re_, im in zip(F, Z.real, imag, strict=True):
        out.append(sep.join(f"{v:.10g}".replace(".", decimal) for v in (f, re_, im)))
    return out


def test_minus_im_column_is_negated_and_noted(tmp_path):
    p = tmp_path / "minus.csv"
    p.write_text("\n".join(["frequency/Hz,Z'/Ohm,-Z''/Ohm", *_rows(",", -Z.imag)]) + "\n")
    data = lio.read(p)
    np.testing.assert_allclose(data["z_imag_ohm"], Z.imag, rtol=1e-9)
    assert any("labelled as -Im(Z)" in n for n in data.meta.notes)


def test_mostly_positive_unlabelled_column_is_taken_as_minus_im(tmp_path):
    p = tmp_path / "plain.csv"
    p.write_text("\n".join(_rows(",", -Z.imag)) + "\n")
    data = lio.read(p)
    np.testing.assert_allclose(data["z_imag_ohm"], Z.imag, rtol=1e-9)
    assert any("taken as -Im(Z) because 11 of 11" in n for n in data.meta.notes)
    kept = lio.read(p, imag_sign="im")
    np.testing.assert_allclose(kept["z_imag_ohm"], -Z.imag, rtol=1e-9)


def test_units_semicolons_decimal_commas_and_whitespace(tmp_path):
    p = tmp_path / "eu.csv"
    lines = ["Freq (kHz);Zreal (kOhm);Zimag (kOhm)"]
    for f, re_, im in zip(F, Z.real, Z.imag, strict=True):
        lines.append(
            ";".join(f"{v:.10g}".replace(".", ",") for v in (f / 1e3, re_ / 1e3, im / 1e3))
        )
    p.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig")
    data = lio.read(p)
    np.testing.assert_allclose(data["frequency_Hz"], F, rtol=1e-9)
    np.testing.assert_allclose(data.z, Z, rtol=1e-9)
    q = tmp_path / "spaces.txt"
    q.write_text("\n".join("   ".join(r.split(",")) for r in _rows(",", Z.imag)) + "\n")
    np.testing.assert_allclose(lio.read(q, format="impedance-csv").z, Z, rtol=1e-9)


def test_two_sweeps_are_two_spectra(tmp_path):
    p = tmp_path / "two.csv"
    p.write_text("\n".join(_rows(",", Z.imag) * 2) + "\n")
    data = lio.read(p)
    assert data["spectrum"].tolist() == [1] * 11 + [2] * 11
    # sweeps down, up, down sharing their turning points: 11 + 10 + 10 points
    down, up = F, F[::-1][1:]
    freq = np.concatenate([down, up, down[1:]])
    assert impedance_csv.spectrum_index(freq).tolist() == [1] * 11 + [2] * 10 + [3] * 10


def test_headerless_index_column(tmp_path):
    p = tmp_path / "indexed.csv"
    p.write_text("\n".join(f"{i},{r}" for i, r in enumerate(_rows(",", Z.imag))) + "\n")
    data = lio.read(p)
    np.testing.assert_allclose(data.z, Z, rtol=1e-9)
    assert any("row index" in n for n in data.meta.notes)


def test_a_cycler_csv_is_not_an_impedance_table(tmp_path):
    # time, voltage, current without a header: linear time, not a log-spaced sweep
    p = tmp_path / "cycler.csv"
    p.write_text("\n".join(f"{t},{3 + t / 1e3},{0.001}" for t in range(1, 40)) + "\n")
    assert impedance_csv.sniff(p.read_bytes(), p) == 0


# -- Gamry curve tables --------------------------------------------------------------------

CV_DTA = (
    "EXPLAIN\r\nTAG\tCV\r\nTITLE\tLABEL\tCyclic Voltammetry\tTest &Identifier\r\n"
    "DATE\tLABEL\t1/2/2024\tDate\r\nTIME\tLABEL\t10:00:00\tTime\r\n"
    "AREA\tQUANT\t2.00000E+000\t&Area (cm^2)\r\nCONVENTION\tIQUANT\t{conv}\tCurrent Convention\r\n"
    "CURVE1\tTABLE\r\n\tPt\tT\tVf\tIm\tVu\tSig\tAch\tIERange\tOver\tTemp\r\n"
    "\t#\ts\tV vs. Ref.\tA\tV\tV\tV\t#\tbits\tdeg C\r\n"
    "\t0\t0.1\t0.10\t1.0E-003\t0\t0\t0\t5\t...........\t25.0\r\n"
    "\t1\t0.2\t0.20\t2.0E-003\t0\t0\t0\t5\t...........\t25.0\r\n"
    "CURVE2\tTABLE\r\n\tPt\tT\tVf\tIm\tVu\tSig\tAch\tIERange\tOver\tTemp\r\n"
    "\t#\ts\tV vs. Ref.\tA\tV\tV\tV\t#\tbits\tdeg C\r\n"
    "\t0\t0.3\t0.10\t-1.0E-003\t0\t0\t0\t5\t...........\t25.0\r\n"
    "\t1\t0.4\t0.00\t-2.0E-003\t0\t0\t0\t5\t...........\t25.0\r\n"
)


def test_gamry_cv_curves(tmp_path):
    p = tmp_path / "cv.DTA"
    p.write_text(CV_DTA.format(conv=1), newline="")
    data = lio.read(p)
    assert data.meta.format == "gamry-dta"
    np.testing.assert_array_equal(data["time_s"], [0.1, 0.2, 0.3, 0.4])
    np.testing.assert_array_equal(data["current_A"], [1e-3, 2e-3, -1e-3, -2e-3])
    assert data["cycle"].tolist() == [1, 1, 2, 2]  # CURVE1, CURVE2
    np.testing.assert_allclose(data["temperature_K"], 298.15)
    assert data.meta.area_m2 == pytest.approx(2e-4)  # AREA 2 cm^2
    flipped = lio.read(_write(tmp_path / "cv0.DTA", CV_DTA.format(conv=0)))
    np.testing.assert_array_equal(flipped["current_A"], [-1e-3, -2e-3, 1e-3, 2e-3])
    assert any("cathodic positive" in n for n in flipped.meta.notes)


def _write(p, text):
    p.write_text(text, newline="")
    return p


# -- bad input -----------------------------------------------------------------------------


def test_zplot_truncated_and_corrupted(shared, tmp_path):
    raw = shared(ZFILE).read_bytes()
    lines = raw.split(b"\n")
    short = tmp_path / "short.z"
    short.write_bytes(b"\n".join(lines[:-9]) + b"\n")  # the last 8 rows gone
    with pytest.raises(FileFormatError, match="declares 48 data points but 40 rows follow"):
        lio.read(short)
    cut = tmp_path / "cut.z"
    cut.write_bytes(raw[:-40])
    with pytest.raises(FileFormatError, match=r"\(the last\) has \d+ fields .*truncated"):
        lio.read(cut)
    bad = tmp_path / "bad.z"
    # line 124 is the first data row of the file (after "End Comments" on line 123)
    bad.write_bytes(raw.replace(b"2.9036E+01", b"2.9O36E+01"))
    with pytest.raises(FileFormatError, match=r"line 124: \"Z'\(a\)\" is '2.9O36E\+01'"):
        lio.read(bad)


def test_gamry_truncated_and_corrupted(shared, tmp_path):
    raw = shared(DTA).read_bytes()
    cut = tmp_path / "cut.DTA"
    cut.write_bytes(raw[:-25])
    with pytest.raises(FileFormatError, match=r"\(the last\) has \d+ fields .*truncated"):
        lio.read(cut)
    half = tmp_path / "half.DTA"
    half.write_bytes(raw[: raw.index(b"\t200\t")])  # stops inside OCVCURVE, before ZCURVE
    with pytest.raises(FileFormatError, match="OCVCURVE declares 387 points but 200 rows"):
        lio.read(half)
    bad = tmp_path / "bad.DTA"
    # line 449 is the first ZCURVE row (ZCURVE TABLE on line 446, labels 447, units 448)
    bad.write_bytes(raw.replace(b"825.8584", b"825.85#4"))
    with pytest.raises(FileFormatError, match=r"line 449: 'Zreal' is '825.85#4', not a number"):
        lio.read(bad)


def test_csv_truncated_and_corrupted(shared, tmp_path):
    raw = shared(CSV).read_bytes()
    cut = tmp_path / "cut.csv"
    cut.write_bytes(raw[: raw.rindex(b",")])  # the file's 66 lines are its 66 rows (MANIFEST)
    with pytest.raises(FileFormatError, match=r"line 66 \(the last\) has 2 fields .*truncated"):
        lio.read(cut, format="impedance-csv")
    bad = tmp_path / "bad.csv"
    lines = raw.split(b"\n")
    lines[4] = b"7.943300000000000360e-03,abc,-1.3e-02"  # file line 5
    bad.write_bytes(b"\n".join(lines))
    with pytest.raises(FileFormatError, match=r"line 5: 'column_2' is 'abc', not a number"):
        lio.read(bad, format="impedance-csv")


@pytest.mark.parametrize("fmt", ["zplot", "gamry-dta", "impedance-csv"])
def test_empty_binary_wrong_format(shared, tmp_path, fmt):
    module = {"zplot": zplot, "gamry-dta": gamry_dta, "impedance-csv": impedance_csv}[fmt]
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(FileFormatError, match="empty"):
        module.read(empty)
    garbage = tmp_path / "garbage.bin"
    garbage.write_bytes(bytes(range(256)) * 30)
    with pytest.raises(FileFormatError, match="binary"):
        module.read(garbage)
    with pytest.raises(FileFormatError, match=r"(no column label|not 'EXPLAIN'|no table)"):
        lio.read(shared("bdtk__maccor_example.001"), format=fmt)


# -- fuzz ----------------------------------------------------------------------------------


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    cut=st.floats(min_value=0.0, max_value=1.0),
    flips=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), max_size=6),
    which=st.sampled_from([ZFILE, DTA, CSV, ZARC1]),
)
def test_fuzz_damaged_files(shared, tmp_path, cut, flips, which):
    raw = bytearray(shared(which).read_bytes())
    raw = raw[: max(1, int(len(raw) * cut))]
    for pos, value in flips:
        raw[min(len(raw) - 1, int(pos * len(raw)))] = value
    p = tmp_path / "fuzz.dat"
    p.write_bytes(bytes(raw))
    module = {ZFILE: zplot, DTA: gamry_dta}.get(which, impedance_csv)
    with contextlib.suppress(LithiophileError):
        module.read(p)
