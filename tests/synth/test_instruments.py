"""Instrument-style example files (:mod:`lithiophile.synth.instruments`).

Every file is written from synthetic data whose values are known by construction
(:func:`lithiophile.synth.examples.li_li_symmetric`, :func:`~.synth.examples.rc_spectrum`), then
detected and read back by :mod:`lithiophile.io`; the expected values are the source data at the
precision each format stores (stated at each case). Independent readers run on the same files:
galvani's ``MPRfile``/``MPTfile`` (GPL-3.0, test-only) and impedance.py's ``readZPlot``,
``readGamry`` and ``readBioLogic`` (MIT, test-only). Where ``../shared/data/cycler`` is present,
the layouts are compared with the real instrument files they mirror.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lithiophile.io as lio
from lithiophile.errors import InputError
from lithiophile.io import CellData, ImpedanceData
from lithiophile.io.registry import FORMATS
from lithiophile.synth.examples import li_li_symmetric, rc_spectrum
from lithiophile.synth.instruments import (
    DEFAULT_START,
    WRITERS,
    _data_module_length,
    write_arbin_csv,
    write_biologic_mpr,
    write_biologic_mpt,
    write_gamry_dta,
    write_instrument_examples,
    write_land,
    write_maccor_text,
    write_neware_csv,
    write_zplot,
)

CELL = li_li_symmetric(rest_s=600.0)  # the default of write_instrument_examples
SPECTRUM = rc_spectrum()
F32 = np.float32


@dataclass(frozen=True)
class Case:
    """How a file must read back: its format and the precision of each column.

    ``atol``/``rtol`` per column; ``None`` means bit-for-bit equal to ``exact`` (a function of
    the source column giving the value the format stores).
    """

    fmt: str
    tol: dict[str, tuple[float, float]]
    running_step: bool = True  # the reader's step is the source's running step
    cycle_offset: int = 0  # reader's cycle minus the source's


RTOL_F32_8DIGITS = 1.2e-7  # a float32 (2**-24 = 6e-8) printed with 8 digits (5e-8)
CELL_CASES = {
    # EC-Lab 11.50 GCPL export: time/s and <I>/mA "%.15E" (16 digits); Ewe/V a float32
    # printed "%.7E" (8 digits)
    "li_li_symmetric_gcpl.mpt": Case(
        "biologic-mpt",
        {"time_s": (0, 1e-15), "voltage_V": (0, RTOL_F32_8DIGITS), "current_A": (0, 2e-15)},
    ),
    # .mpr: time float64 (exact), Ewe/V and I/mA float32: checked bit for bit below
    "li_li_symmetric_gcpl.mpr": Case("biologic-mpr", {}),
    # Maccor: Test (Min) 4 decimals = 6 ms (half: 3 ms), Volts 8 decimals, Amps 10 decimals
    "li_li_symmetric.001": Case(
        "maccor-text",
        {"time_s": (3.0001e-3, 0), "voltage_V": (5.0001e-9, 0), "current_A": (5.0001e-11, 0)},
        running_step=False,
        cycle_offset=-1,  # Maccor counts cycles from 0
    ),
    # Neware BTSDA: h:mm:ss (the synthetic times are whole seconds: exact), Voltage(V) 4
    # decimals, Current(A) 8 decimals
    "li_li_symmetric_neware.csv": Case(
        "neware-csv",
        {"time_s": (0, 0), "voltage_V": (5.0001e-5, 0), "current_A": (5.0001e-9, 0)},
    ),
    # Arbin: times 4 decimals, voltage and current 8 significant digits ("%.8G")
    "li_li_symmetric_arbin.csv": Case(
        "arbin-csv",
        {"time_s": (5.0001e-5, 0), "voltage_V": (0, 5.0001e-8), "current_A": (0, 5.0001e-8)},
    ),
    # LAND: times 3 decimals, Voltage/V 6 decimals, Current/mA 6 decimals (5e-10 A)
    "li_li_symmetric_land.csv": Case(
        "land",
        {"time_s": (5.0001e-4, 0), "voltage_V": (5.0001e-7, 0), "current_A": (5.0001e-10, 0)},
        running_step=False,
    ),
}
SPECTRUM_CASES = {
    # EC-Lab 11.18 PEIS export: float32 printed with 8 digits; -Im(Z) turned into Im(Z)
    "interface_peis.mpt": Case(
        "biologic-mpt",
        {c: (0, RTOL_F32_8DIGITS) for c in ("frequency_Hz", "z_real_ohm", "z_imag_ohm")},
    ),
    # .mpr: float32 columns, checked bit for bit below
    "interface_peis.mpr": Case("biologic-mpr", {}),
    # Gamry: 7 significant digits ("%.7G")
    "interface_eis.DTA": Case(
        "gamry-dta", {c: (0, 5.0001e-7) for c in ("frequency_Hz", "z_real_ohm", "z_imag_ohm")}
    ),
    # ZPlot: Freq(Hz) "%.6E" (7 digits), Z'(a) and Z''(b) "%.4E" (5 digits)
    "interface_eis.z": Case(
        "zplot",
        {
            "frequency_Hz": (0, 5.0001e-7),
            "z_real_ohm": (0, 5.0001e-5),
            "z_imag_ohm": (0, 5.0001e-5),
        },
    ),
}
NAMES = [
    "li_li_symmetric_gcpl.mpt",
    "li_li_symmetric_gcpl.mpr",
    "interface_peis.mpt",
    "interface_peis.mpr",
    "li_li_symmetric.001",
    "li_li_symmetric_neware.csv",
    "li_li_symmetric_arbin.csv",
    "li_li_symmetric_land.csv",
    "interface_eis.DTA",
    "interface_eis.z",
]


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("instrument_files")
    paths = write_instrument_examples(out, cell=CELL, spectrum=SPECTRUM)
    assert [p.name for p in paths] == NAMES
    return out


def _f32(x: np.ndarray) -> np.ndarray:
    return np.asarray(x).astype(F32).astype(np.float64)


# -- every file: detected, read back --------------------------------------------------------
@pytest.mark.parametrize("name", list(CELL_CASES))
def test_cell_files_read_back(folder, name):
    case = CELL_CASES[name]
    path = folder / name
    assert lio.detect(path).name == case.fmt
    data = lio.read(path)
    assert isinstance(data, CellData)
    assert data.meta.format == case.fmt
    assert len(data) == len(CELL)
    for column, (atol, rtol) in case.tol.items():
        np.testing.assert_allclose(data[column], CELL[column], atol=atol, rtol=rtol, err_msg=column)
    # what the writers state about the structure: step kinds from the vendor's state/step
    # type/control mode, cycles as each vendor numbers them
    assert data.table.get_column("step_kind").equals(CELL.table.get_column("step_kind"))
    np.testing.assert_array_equal(data["cycle"], CELL["cycle"] + case.cycle_offset)
    if case.running_step:
        np.testing.assert_array_equal(data["step"], CELL["step"])
    assert data.meta.start_time == DEFAULT_START


def test_mpr_cell_bit_for_bit(folder):
    # EC-Lab stores time/s as float64, Ewe/V and I/mA as float32 (the reader scales I by 1e-3)
    data = lio.read(folder / "li_li_symmetric_gcpl.mpr")
    np.testing.assert_array_equal(data["time_s"], CELL["time_s"])
    np.testing.assert_array_equal(data["voltage_V"], _f32(CELL["voltage_V"]))
    np.testing.assert_array_equal(data["current_A"], _f32(CELL["current_A"] * 1e3) * 1e-3)
    assert data.meta.techniques == ("GCPL",)
    # the area is a float32 in cm^2 in the settings module
    assert data.meta.area_m2 == pytest.approx(float(F32(CELL.meta.area_m2 * 1e4)) * 1e-4, rel=1e-7)
    assert data.meta.format_version == "EC-Lab 11.43, data module v3"


@pytest.mark.parametrize("name", list(SPECTRUM_CASES))
def test_spectrum_files_read_back(folder, name):
    case = SPECTRUM_CASES[name]
    path = folder / name
    assert lio.detect(path).name == case.fmt
    data = lio.read(path)
    assert isinstance(data, ImpedanceData)
    assert len(data) == len(SPECTRUM)
    for column, (atol, rtol) in case.tol.items():
        np.testing.assert_allclose(
            data[column], SPECTRUM[column], atol=atol, rtol=rtol, err_msg=column
        )
    assert data["spectrum"].tolist() == [1] * len(SPECTRUM)
    assert data.meta.start_time == DEFAULT_START


def test_mpr_spectrum_bit_for_bit(folder):
    data = lio.read(folder / "interface_peis.mpr")
    np.testing.assert_array_equal(data["frequency_Hz"], _f32(SPECTRUM["frequency_Hz"]))
    np.testing.assert_array_equal(data["z_real_ohm"], _f32(SPECTRUM["z_real_ohm"]))
    # EC-Lab stores -Im(Z) as float32; float32 negation is exact
    np.testing.assert_array_equal(data["z_imag_ohm"], _f32(SPECTRUM["z_imag_ohm"]))
    assert data.meta.techniques == ("PEIS",)


@pytest.mark.parametrize("name", ["li_li_symmetric_gcpl.mpt", "interface_peis.mpt"])
def test_mpt_area_in_metadata(folder, name):
    # "Electrode surface area : 1.131 cm²": EC-Lab writes 3 decimals of cm^2
    data = lio.read(folder / name)
    area_cm2 = CELL.meta.area_m2 * 1e4  # li_li_symmetric and rc_spectrum: a 12 mm disc
    assert data.meta.area_m2 == pytest.approx(round(area_cm2, 3) * 1e-4, rel=1e-12)
    assert abs(data.meta.area_m2 - CELL.meta.area_m2) <= 0.0005e-4
    technique = "GCPL" if "gcpl" in name else "PEIS"
    assert data.meta.techniques == (technique,)


def test_mpt_with_decimal_commas(tmp_path):
    # EC-Lab on a French Windows writes "3,4228721E+000": the same digits, commas for points
    point = write_biologic_mpt(CELL, tmp_path / "point.mpt")
    comma = write_biologic_mpt(CELL, tmp_path / "comma.mpt", decimal_comma=True)
    assert b"1,131 cm\xb2" in comma.read_bytes()
    a, b = lio.read(point), lio.read(comma)
    assert b.meta.header["decimal_comma"] is True
    for column in ("time_s", "voltage_V", "current_A", "step", "cycle"):
        np.testing.assert_array_equal(a[column], b[column])
    assert a.meta.area_m2 == b.meta.area_m2
    spectrum = lio.read(write_biologic_mpt(SPECTRUM, tmp_path / "peis.mpt", decimal_comma=True))
    np.testing.assert_allclose(spectrum["z_imag_ohm"], SPECTRUM["z_imag_ohm"], rtol=1.2e-7)


# -- independent readers ---------------------------------------------------------------------
def test_galvani_reads_the_gcpl_mpr(folder):
    from galvani import BioLogic

    mpr = BioLogic.MPRfile(str(folder / "li_li_symmetric_gcpl.mpr"))
    d = mpr.data
    assert len(d) == len(CELL) == int(mpr.npts[0])
    np.testing.assert_array_equal(d["time/s"], CELL["time_s"])
    np.testing.assert_array_equal(d["Ewe/V"], CELL["voltage_V"].astype(F32))
    np.testing.assert_array_equal(d["I/mA"], (CELL["current_A"] * 1e3).astype(F32))
    # EC-Lab's control mode: 1 (galvanostatic) while current flows, 3 (open circuit) at rest
    rest = CELL.table.get_column("step_kind").cast(str).to_numpy() == "rest"
    np.testing.assert_array_equal(mpr.get_flag("mode"), np.where(rest, 3, 1))
    # half cycle // 2 + 1 is the cycle; Ns is the half cycle within the cycle (0 plating,
    # 1 stripping: li_li_symmetric plates first)
    np.testing.assert_array_equal(d["half cycle"] // 2 + 1, CELL["cycle"])
    i = CELL["current_A"]
    assert i[0] < 0
    # rests belong to the half cycle before them: Ns from the last non-zero current
    last = np.maximum.accumulate(np.where(i != 0, np.arange(i.size), 0))
    np.testing.assert_array_equal(d["Ns"], np.where(i[last] < 0, 0, 1))
    # dq = I dt / 3.6 [mA.h] (hand calculation: 1.1309734 mA for 10 s = 3.1416e-3 mA.h),
    # (Q-Qo) its running sum
    dt = np.diff(CELL["time_s"], prepend=0.0)
    np.testing.assert_allclose(d["dq/mA.h"], i * 1e3 * dt / 3600, rtol=1e-12, atol=1e-18)
    np.testing.assert_allclose(d["(Q-Qo)/mA.h"], np.cumsum(i * dt) / 3.6, rtol=1e-12, atol=1e-12)
    assert d["dq/mA.h"][1] == pytest.approx(1.1309733552923256 * 10 / 3600 * -1)
    assert mpr.timestamp == DEFAULT_START
    assert mpr.startdate == DEFAULT_START.date()


def test_galvani_reads_the_peis_mpr(folder):
    from galvani import BioLogic

    d = BioLogic.MPRfile(str(folder / "interface_peis.mpr")).data
    np.testing.assert_array_equal(d["freq/Hz"], SPECTRUM["frequency_Hz"].astype(F32))
    np.testing.assert_array_equal(d["Re(Z)/Ohm"], SPECTRUM["z_real_ohm"].astype(F32))
    np.testing.assert_array_equal(d["-Im(Z)/Ohm"], (-SPECTRUM["z_imag_ohm"]).astype(F32))
    np.testing.assert_allclose(d["|Z|/Ohm"], np.abs(SPECTRUM.z), rtol=1e-7)
    # the phase has the sign of Im(Z): below 0 on the capacitive arc, -Im(Z) above 0 there
    # (the noise of rc_spectrum flips the sign of the tiny Im(Z) of a few low frequencies)
    np.testing.assert_array_equal(np.sign(d["Phase(Z)/deg"]), np.sign(SPECTRUM["z_imag_ohm"]))
    assert (d["-Im(Z)/Ohm"][:40] > 0).all()


@pytest.mark.parametrize(("source", "stem"), [(CELL, "cell"), (SPECTRUM, "spectrum")])
def test_data_module_v2_reads_as_v3(tmp_path, source, stem):
    """The data module before v3, as public .mpr readers describe it (no 0x01 byte, the rows
    from content byte 405): our reader and galvani (the independent reader, which takes rows
    from 405 in a v2 module and 406 in v3) give the v3 file's arrays."""
    from galvani import BioLogic

    v3 = write_biologic_mpr(source, tmp_path / f"{stem}_v3.mpr")
    v2 = write_biologic_mpr(source, tmp_path / f"{stem}_v2.mpr", data_module_version=2)
    raw3, raw2 = v3.read_bytes(), v2.read_bytes()
    # one byte shorter, module version 2 in its header, and no 0x01 before the rows
    assert len(raw2) == len(raw3) - 1
    at = raw2.index(b"MODULEVMP data")
    assert raw2[at + 6 + 35 + 4 : at + 6 + 35 + 8] == (2).to_bytes(4, "little")
    content = at + 6 + 35 + 16
    assert raw3[content + 0x195] == 0x01
    assert raw2[content + 0x195 :][:64] == raw3[content + 0x196 :][:64]
    ours2, ours3 = lio.read(v2), lio.read(v3)
    assert ours2.meta.format_version == "EC-Lab 11.43, data module v2"
    assert ours2.columns == ours3.columns
    assert ours2.table.equals(ours3.table)
    g2, g3 = BioLogic.MPRfile(str(v2)), BioLogic.MPRfile(str(v3))
    assert (g2.version, g3.version) == (2, 3)
    for name in g3.data.dtype.names:
        np.testing.assert_array_equal(g2.data[name], g3.data[name], err_msg=name)


def test_data_module_version_refused():
    with pytest.raises(InputError, match=r"data_module_version must be 2 or 3 .* Got 4\."):
        write_biologic_mpr(CELL, "x.mpr", data_module_version=4)


@pytest.mark.parametrize(
    ("name", "columns"),
    [
        ("li_li_symmetric_gcpl.mpt", ("time/s", "Ewe/V", "<I>/mA")),
        ("interface_peis.mpt", ("freq/Hz", "Re(Z)/Ohm", "-Im(Z)/Ohm")),
    ],
)
def test_galvani_reads_the_mpt(folder, name, columns):
    # galvani rejects LF exports ("Bad first line"): this checks the CRLF line ends too
    from galvani import BioLogic

    table, _comments = BioLogic.MPTfile(str(folder / name), encoding="cp1252")
    ours = lio.read(folder / name)
    assert len(table) == len(ours)
    first, second, third = columns
    if "gcpl" in name:
        np.testing.assert_array_equal(table[first], ours["time_s"])
        np.testing.assert_array_equal(table[second], ours["voltage_V"])
        # galvani names <I>/mA "I/mA"
        np.testing.assert_array_equal(table["I/mA"] * 1e-3, ours["current_A"])
    else:
        np.testing.assert_array_equal(table[first], ours["frequency_Hz"])
        np.testing.assert_array_equal(table[second], ours["z_real_ohm"])
        np.testing.assert_array_equal(-table[third], ours["z_imag_ohm"])


def test_impedance_py_reads_zplot_gamry_and_biologic(folder):
    from impedance.preprocessing import readBioLogic, readGamry, readZPlot

    f0, z0 = SPECTRUM["frequency_Hz"], SPECTRUM.z
    for reader, name, rtol_z in (
        (readZPlot, "interface_eis.z", 5.0001e-5),  # Z'(a), Z''(b): 5 significant digits
        (readGamry, "interface_eis.DTA", 5.0001e-7),  # 7 significant digits
        (readBioLogic, "interface_peis.mpt", RTOL_F32_8DIGITS),
    ):
        f, z = reader(str(folder / name))
        np.testing.assert_allclose(f, f0, rtol=5.0001e-7, err_msg=name)
        np.testing.assert_allclose(z.real, z0.real, rtol=rtol_z, err_msg=name)
        np.testing.assert_allclose(z.imag, z0.imag, rtol=rtol_z, err_msg=name)
        ours = lio.read(folder / name)
        np.testing.assert_array_equal(ours["frequency_Hz"], f)
        np.testing.assert_array_equal(ours.z, z)


# -- what the files hold, read as plain text ---------------------------------------------------
def test_vendor_sign_conventions_in_the_text(folder):
    i = CELL["current_A"]
    # Maccor: Amps unsigned, State D while reducing (negative current), C while oxidising
    text = (folder / "li_li_symmetric.001").read_text(encoding="cp1252")
    rows = list(csv.reader(io.StringIO(text), delimiter="\t"))[2:]
    amps = np.array([float(r[7]) for r in rows])
    states = np.array([r[9] for r in rows])
    assert (amps >= 0).all()
    np.testing.assert_array_equal(states, np.where(i < 0, "D", np.where(i > 0, "C", "R")))
    # Neware, Arbin, LAND: signed, discharge negative
    rows = list(csv.DictReader(io.StringIO((folder / "li_li_symmetric_neware.csv").read_text())))
    assert [r["Step Type"] for r in rows[:1]] == ["CC DChg"] and float(rows[0]["Current(A)"]) < 0
    rows = list(csv.DictReader(io.StringIO((folder / "li_li_symmetric_land.csv").read_text())))
    assert rows[0]["StepStatus"] == "CCD" and float(rows[0]["Current/mA"]) < 0
    # EC-Lab writes -Im(Z) (positive on the capacitive arc); Gamry and ZPlot Im(Z) itself
    sign = np.sign(SPECTRUM["z_imag_ohm"])
    assert (sign[:40] < 0).all()  # the arc: Im(Z) < 0 (noise flips a few tiny low-f values)
    mpt = lio.biologic_mpt.parse(folder / "interface_peis.mpt")[0]
    np.testing.assert_array_equal(np.sign(mpt["-Im(Z)/Ohm"]), -sign)
    lines = (folder / "interface_eis.DTA").read_text(encoding="latin-1").splitlines()
    zcurve = lines.index("ZCURVE\tTABLE")
    assert lines[zcurve + 1].split("\t")[5] == "Zimag"
    gamry = np.array([float(ln.split("\t")[5]) for ln in lines[zcurve + 3 :]])
    np.testing.assert_array_equal(np.sign(gamry), sign)
    lines = (folder / "interface_eis.z").read_text(encoding="ascii").splitlines()
    zplot = np.array([float(ln.split("\t")[5]) for ln in lines[lines.index("End Comments") + 1 :]])
    np.testing.assert_array_equal(np.sign(zplot), sign)


@pytest.mark.parametrize("name", [n for n in NAMES if not n.endswith(".mpr")])
def test_text_files_have_crlf_line_ends(folder, name):
    data = (folder / name).read_bytes()
    assert data.count(b"\n") == data.count(b"\r\n") > 10
    if name.endswith(".mpt"):  # EC-Lab ends the last row without a line end
        assert not data.endswith(b"\n")
        assert data.startswith(b"EC-Lab ASCII FILE\r\nNb header lines : ")
        assert b" cm\xb2\r\n" in data  # Windows-1252 "cm²"
    else:
        assert data.endswith(b"\r\n")


def test_mpt_header_line_count(folder):
    for name in ("li_li_symmetric_gcpl.mpt", "interface_peis.mpt"):
        lines = (folder / name).read_bytes().split(b"\r\n")
        nb = int(lines[1].split(b":")[1])
        assert len(lines[1]) == 46  # padded as EC-Lab pads it
        assert lines[nb - 1].startswith((b"mode\t", b"freq/Hz\t"))
        assert lines[nb - 1].endswith(b"\t")


# -- the layouts of the real files they mirror (../shared) -----------------------------------
def _line(path: Path, number: int, encoding: str) -> str:
    return path.read_bytes().decode(encoding).splitlines()[number - 1]


def test_labels_match_the_reference_files(folder, shared):
    ours = folder / "li_li_symmetric_gcpl.mpt"
    ref = shared("yadg__gcpl.issue_149.mpt")
    assert _line(ours, 73, "cp1252") == _line(ref, 81, "cp1252")
    assert len(_line(ours, 2, "cp1252")) == len(_line(ref, 2, "cp1252"))  # padded alike
    ours = folder / "interface_peis.mpt"
    ref = shared("impedancepy__exampleDataBioLogic.mpt")
    assert _line(ours, 61, "cp1252") == _line(ref, 61, "cp1252")
    ours, ref = folder / "li_li_symmetric.001", shared("bdtk__maccor_example.001")
    assert _line(ours, 2, "cp1252") == _line(ref, 2, "cp1252")
    # the test-information line: the same fields, tabs and spaces
    shape = re.compile(
        r"^Today's Date \d\d/\d\d/\d{4}  Date of Test:\t\d\d/\d\d/\d{4}\t Filename:\t"
        r"C:\\Data\\.*\.001 Procedure: .*\.000.*\tComment/Barcode: .*$"
    )
    assert shape.match(_line(ref, 1, "cp1252"))
    assert shape.match(_line(ours, 1, "cp1252"))
    ours, ref = folder / "li_li_symmetric_neware.csv", shared("cellpy__neware_uio.csv")
    assert _line(ours, 1, "utf-8") == _line(ref, 1, "utf-8")
    ours, ref = folder / "interface_eis.z", shared("impedancepy__Circuit1_EIS_1.z")
    label = next(ln for ln in ref.read_text().splitlines() if "Freq(Hz)" in ln)
    assert label in ours.read_text().splitlines()
    ours, ref = folder / "interface_eis.DTA", shared("impedancepy__exampleDataGamry.DTA")
    ref_lines = ref.read_bytes().decode("latin-1").splitlines()
    our_lines = ours.read_bytes().decode("latin-1").splitlines()
    k, j = ref_lines.index("ZCURVE\tTABLE"), our_lines.index("ZCURVE\tTABLE")
    assert our_lines[j + 1 : j + 3] == ref_lines[k + 1 : k + 3]
    assert our_lines[:2] == ref_lines[:2] == ["EXPLAIN", "TAG\tEISPOT"]


def test_arbin_labels_match_the_mits_pro_workbook(folder, shared):
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(
        str(shared("navani__bs542_004_gr_li_50ua_50mv_1v_191020_Channel_11.xlsx"))
    )
    labels = book.get_sheet_by_name("Channel_11_1").to_python(nrows=1)[0]
    assert _line(folder / "li_li_symmetric_arbin.csv", 1, "utf-8").split(",") == labels


def test_mpr_modules_and_columns_match_the_reference_files(folder, shared):
    from galvani import BioLogic

    ours = BioLogic.MPRfile(str(folder / "li_li_symmetric_gcpl.mpr"))
    ref = BioLogic.MPRfile(str(shared("navani__jdb11-1_c3_gcpl_5cycles_2V-3p8V_C-24_data_C09.mpr")))
    assert [(m["shortname"], m["longname"], m["version"], m["length"]) for m in ours.modules] == [
        (m["shortname"], m["longname"], m["version"], m["length"] if i != 1 else ours_len)
        for i, (m, ours_len) in enumerate(
            zip(ref.modules, [m["length"] for m in ours.modules], strict=True)
        )
    ]
    ref_ids = ref.cols.tolist()
    after_ewe = ref_ids.index(6) + 1
    ids = [*ref_ids[:after_ewe], 8, *ref_ids[after_ewe:]]
    assert ours.cols.tolist() == ids  # the GCPL ids with I/mA after Ewe/V, as MB files hold it
    # PEIS: the ids of yadg__peis.issue_149.mpr (EC-Lab 11.50: galvani reads only the low
    # byte of its ids, so lithiophile's parser lists them) without the quality indicators
    peis = BioLogic.MPRfile(str(folder / "interface_peis.mpr"))
    ref_ids = lio.biologic_mpr.parse(shared("yadg__peis.issue_149.mpr"))[1]["column_ids"]
    quality = set(range(473, 498))
    assert peis.cols.tolist() == [c for c in ref_ids if c not in quality]


# -- inputs ----------------------------------------------------------------------------------
def test_every_writer_names_a_registry_format():
    assert set(WRITERS) <= {f.name for f in FORMATS}
    assert "neware-nda" not in WRITERS and "arbin-res" not in WRITERS


def test_output_is_reproducible(tmp_path, folder):
    # the default data and start time give the same bytes on every run
    paths = write_instrument_examples(tmp_path)
    for p in paths:
        assert p.read_bytes() == (folder / p.name).read_bytes(), p.name


def test_mapping_input_gives_the_same_file_as_celldata(tmp_path):
    t = np.arange(3000.0)
    i = np.where((np.arange(3000) // 700) % 2 == 0, -1e-3, 1e-3)
    i[1400:1500] = 0.0
    v = np.sign(i) * 0.02 + 1e-4 * np.sin(t)
    columns = {"time_s": t, "voltage_V": v, "current_A": i}
    cell = CellData.from_columns(columns)
    with_steps = {**columns, "step": cell["step"], "cycle": cell["cycle"]}
    for writer, name in ((write_biologic_mpr, "a.mpr"), (write_maccor_text, "a.001")):
        written = []
        for k, data in enumerate((cell, columns, with_steps)):
            folder = tmp_path / str(k)  # one name for all: both layouts hold the file name
            folder.mkdir(exist_ok=True)
            written.append(writer(data, folder / name).read_bytes())
        assert written[0] == written[1] == written[2]


def test_zone_aware_start_written_as_wall_clock(tmp_path):
    from datetime import UTC

    start = datetime(2023, 5, 16, 7, 8, 9, tzinfo=UTC)
    cell = li_li_symmetric(cycles=1)
    cell.meta = cell.meta.replace(start_time=start)
    for writer, name in ((write_biologic_mpr, "a.mpr"), (write_arbin_csv, "a.csv")):
        assert lio.read(writer(cell, tmp_path / name)).meta.start_time == datetime(
            2023, 5, 16, 7, 8, 9
        )


def test_mass_goes_to_the_per_mass_columns(tmp_path):
    # Neware writes Spec. Cap. = capacity / mass: its reader takes the mass back from them
    cell = li_li_symmetric(cycles=1)
    cell.meta = cell.meta.replace(mass_kg=2.5e-6)
    data = lio.read(write_neware_csv(cell, tmp_path / "mass.csv"))
    assert data.meta.mass_kg == pytest.approx(2.5e-6, rel=1e-3)  # Spec. Cap. has 2 decimals
    mpr = lio.read(write_biologic_mpr(cell, tmp_path / "mass.mpr"))
    assert mpr.meta.mass_kg == pytest.approx(2.5e-6, rel=1e-7)  # float32 in g


def test_wrong_inputs():
    with pytest.raises(
        InputError,
        match=r"write_maccor_text writes cycling data: give a CellData .* Got "
        "ImpedanceData; spectra go to write_biologic_mpt",
    ):
        write_maccor_text(SPECTRUM, "x.001")
    with pytest.raises(
        InputError,
        match=r"write_zplot writes an impedance spectrum: give an ImpedanceData\. "
        "Got CellData",
    ):
        write_zplot(CELL, "x.z")
    with pytest.raises(
        InputError, match=r"write_land needs a CellData or a mapping of columns .* Got list\."
    ):
        write_land([1, 2, 3], "x.csv")
    with pytest.raises(InputError, match=r"the mapping given lacks \['current_A'\]"):
        write_arbin_csv({"time_s": [0.0], "voltage_V": [0.1]}, "x.csv")
    with pytest.raises(InputError, match=r"as 1-D columns of equal length; got shapes \(2,\)"):
        write_neware_csv({"time_s": [0.0, 1.0], "voltage_V": [0.1], "current_A": [0.0]}, "x.csv")
    with pytest.raises(InputError, match=r"the 'step' column must have one value per row \(2\)"):
        write_biologic_mpr(
            {"time_s": [0.0, 1.0], "voltage_V": [0.1, 0.1], "current_A": [0, 0], "step": [1]},
            "x.mpr",
        )
    with pytest.raises(InputError, match=r"write_biologic_mpt: the data have no rows"):
        write_biologic_mpt({"time_s": [], "voltage_V": [], "current_A": []}, "x.mpt")
    with pytest.raises(
        InputError, match=r"write_maccor_text cannot write voltage_V = nan \(row 1\)"
    ):
        write_maccor_text(
            {"time_s": [0.0, 1.0], "voltage_V": [0.1, np.nan], "current_A": [0.0, 0.0]}, "x.001"
        )


def test_wrong_spectra():
    bad_f = ImpedanceData.from_columns(
        {"frequency_Hz": [10.0, 0.0], "z_real_ohm": [1.0, 2.0], "z_imag_ohm": [-1.0, -2.0]}
    )
    with pytest.raises(
        InputError,
        match=r"write_gamry_dta needs positive finite frequencies; frequency_Hz is "
        r"0\.0 at row 1",
    ):
        write_gamry_dta(bad_f, "x.DTA")
    bad_z = ImpedanceData.from_columns(
        {"frequency_Hz": [10.0, 1.0], "z_real_ohm": [1.0, np.inf], "z_imag_ohm": [-1.0, -2.0]}
    )
    with pytest.raises(InputError, match=r"write_biologic_mpr cannot write Z = .* \(row 1\)"):
        write_biologic_mpr(bad_z, "x.mpr")
    empty = ImpedanceData.from_columns({"frequency_Hz": [], "z_real_ohm": [], "z_imag_ohm": []})
    with pytest.raises(InputError, match=r"write_zplot: the spectrum has no points"):
        write_zplot(empty, "x.z")


def test_too_many_rows_for_one_mpr():
    # the data module's length is a u32: 57-byte rows fit 75 million times
    assert _data_module_length(75_000_000, 57) == 0x196 + 75_000_000 * 57
    with pytest.raises(
        InputError,
        match=r"write_biologic_mpr: 80,000,000 rows of 57 bytes do not fit one \.mpr data "
        r"module \(at most 75,350,296 rows",  # (2**32 - 1 - 406) // 57
    ):
        _data_module_length(80_000_000, 57)


# -- block-wise .mpr writing -------------------------------------------------------------------
def test_mpr_blocks_join_seamlessly(tmp_path):
    """Half cycles that straddle the writer's 131072-row blocks: every counter continues.

    By construction: half cycle k holds rows [k*H, (k+1)*H), of which the last R rows rest;
    the current is -1 mA in even half cycles and +1 mA in odd ones, 1 s apart."""
    from galvani import BioLogic

    H, R, K = 50_001, 1_000, 12
    n = H * K
    row = np.arange(n)
    half = row // H
    resting = row % H >= H - R
    i = np.where(resting, 0.0, np.where(half % 2 == 0, -1e-3, 1e-3))
    t = row.astype(np.float64)
    v = np.where(resting, 0.0, np.sign(i) * 0.03)
    columns = {"time_s": t, "voltage_V": v, "current_A": i}
    path = write_biologic_mpr(columns, tmp_path / "blocks.mpr")
    d = BioLogic.MPRfile(str(path)).data
    np.testing.assert_array_equal(d["half cycle"], half)
    np.testing.assert_array_equal(d["Ns"], half % 2)
    dq = i * np.diff(t, prepend=0.0) / 3.6  # mA.h
    # sums of 600 000 terms, in blocks: equal to a few ulps of the running total (13 mA.h)
    np.testing.assert_allclose(d["(Q-Qo)/mA.h"], np.cumsum(dq), rtol=0, atol=1e-9)
    # charge since the half cycle began: -1 mA for the (H - R - 1) s after its first row
    q_half = np.cumsum(dq) - np.repeat(np.concatenate(([0.0], np.cumsum(dq)[H - 1 :: H][:-1])), H)
    np.testing.assert_allclose(d["Q charge/discharge/mA.h"], q_half, rtol=0, atol=1e-9)
    assert d["Q charge/discharge/mA.h"][H - 1] == pytest.approx(-(H - R - 1) / 3600)
    ours = lio.read(path)
    np.testing.assert_array_equal(ours["cycle"], half // 2 + 1)
    assert ours["step"].max() == 2 * K  # a current step and a rest in every half cycle


# -- property-based round trips (kept apart) ---------------------------------------------------
finite = st.floats(-5.0, 5.0, allow_nan=False, width=32)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(
        st.tuples(
            st.floats(1e-3, 1e3, allow_nan=False),
            finite,
            st.sampled_from([0.0, 1e-3, -1e-3, 2.5e-2, -2.5e-2]),
        ),
        min_size=1,
        max_size=60,
    )
)
def test_mpr_round_trip_property(tmp_path_factory, rows):
    """Any finite data written as .mpr read back by our reader and galvani: time exact,
    voltage and current the float32 EC-Lab stores."""
    from galvani import BioLogic

    dt, v, i = (np.array(c, dtype=np.float64) for c in zip(*rows, strict=True))
    t = np.cumsum(dt)
    path = write_biologic_mpr(
        {"time_s": t, "voltage_V": v, "current_A": i},
        tmp_path_factory.mktemp("prop") / "p.mpr",
    )
    ours = lio.read(path)
    np.testing.assert_array_equal(ours["time_s"], t)
    np.testing.assert_array_equal(ours["voltage_V"], _f32(v))
    np.testing.assert_array_equal(ours["current_A"], _f32(i * 1e3) * 1e-3)
    d = BioLogic.MPRfile(str(path)).data
    np.testing.assert_array_equal(d["time/s"], t)
    np.testing.assert_array_equal(d["I/mA"], (i * 1e3).astype(F32))


# values that float32 (EC-Lab) and the text formats hold to their stated relative precision
magnitudes = st.one_of(st.just(0.0), st.floats(1e-6, 1e4), st.floats(-1e4, -1e-6))


@settings(max_examples=25, deadline=None)
@given(
    z=st.lists(st.tuples(st.floats(1e-2, 1e4), magnitudes), min_size=2, max_size=40),
)
def test_spectrum_writers_round_trip_property(tmp_path_factory, z):
    """Any spectrum through the .z, .DTA and .mpt writers: equal within each format's digits."""
    n = len(z)
    f = np.logspace(5, -1, n)
    zr, zi = (np.array(c) for c in zip(*z, strict=True))
    spectrum = ImpedanceData.from_columns({"frequency_Hz": f, "z_real_ohm": zr, "z_imag_ohm": zi})
    folder = tmp_path_factory.mktemp("spec")
    for writer, name, rtol in (
        (write_zplot, "s.z", 5.0001e-5),
        (write_gamry_dta, "s.DTA", 5.0001e-7),
        (write_biologic_mpt, "s.mpt", RTOL_F32_8DIGITS),
    ):
        data = lio.read(writer(spectrum, folder / name))
        np.testing.assert_allclose(data["z_real_ohm"], zr, rtol=rtol, atol=1e-300, err_msg=name)
        np.testing.assert_allclose(data["z_imag_ohm"], zi, rtol=rtol, atol=1e-300, err_msg=name)
