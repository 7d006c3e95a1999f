"""BioLogic EC-Lab readers: binary .mpr and text .mpt.

Expected values come from: the row counts of ../shared/data/cycler/MANIFEST.md; galvani 0.5.0
run in the test on the same .mpr (GPL, test-only cross-check); the .mpt that EC-Lab exported
from the same run (the "twin"); the .mpt headers (start time, loops); and hand calculations,
each named where it is used. Frozen regression values are labelled as such.
"""

from __future__ import annotations

import contextlib
import shutil
import struct
import warnings
from datetime import datetime
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal
from tests.conftest import file_digest

import lithiophile.io as lio
from lithiophile.errors import FileFormatError, UnknownColumnWarning
from lithiophile.io import biologic_mpr, biologic_mpr_rows, biologic_mpt

# rows per file: MANIFEST.md, "read results" column (galvani / impedance.py / yadg agree)
MPR_ROWS = {
    "navani__00_test_04_MB_C01.mpr": 1501,
    "navani__jdb11-1_c3_gcpl_5cycles_2V-3p8V_C-24_data_C09.mpr": 46102,
    "yadg__cp.issue_149.mpr": 44,
    "yadg__gcpl.issue_149.mpr": 132,
    "yadg__gcpl.pr_182.1.mpr": 2533,
    "yadg__geis.issue_149.mpr": 84,
    "yadg__mb.issue_95.mpr": 33,
    "yadg__ocv.issue_149.mpr": 43,
    "yadg__peis.issue_149.mpr": 84,
}
MPT_ROWS = {
    "impedancepy__exampleDataBioLogic.mpt": 43,
    "yadg__cp.issue_149.mpt": 44,
    "yadg__gcpl.issue_149.mpt": 132,
    "yadg__gcpl.pr_182.1.mpt": 2533,
    "yadg__geis.issue_149.mpt": 84,
    "yadg__mb.issue_95.mpt": 33,
    "yadg__ocv.issue_149.mpt": 43,
    "yadg__peis.issue_149.mpt": 84,
}
# technique of each file: MANIFEST.md "technique" column
TECHNIQUE = {
    "navani__00_test_04_MB_C01.mpr": "MB",
    "navani__jdb11-1_c3_gcpl_5cycles_2V-3p8V_C-24_data_C09.mpr": "GCPL",
    "impedancepy__exampleDataBioLogic.mpt": "PEIS",
}
TWINS = [
    "cp.issue_149",
    "gcpl.issue_149",
    "gcpl.pr_182.1",
    "geis.issue_149",
    "mb.issue_95",
    "ocv.issue_149",
    "peis.issue_149",
]
EIS = {"geis.issue_149", "peis.issue_149"}
GCPL = "yadg__gcpl.issue_149.mpr"


def _technique(name: str) -> str:
    if name in TECHNIQUE:
        return TECHNIQUE[name]
    return name.split("__")[1].split(".")[0].upper()


def _read(path: Path):
    before = file_digest(path)
    data = lio.read(path)
    assert file_digest(path) == before  # input files are never modified
    return data


# -- every file: detection by content, row counts, the file left untouched ---------------------
@pytest.mark.parametrize("name", sorted(MPR_ROWS))
def test_mpr_rows_and_detection(shared, name):
    path = shared(name)
    assert lio.detect(path).name == "biologic-mpr"
    data = _read(path)
    assert len(data) == MPR_ROWS[name]
    assert data.meta.format == "biologic-mpr"
    assert data.meta.instrument == "BioLogic"
    assert data.meta.techniques == (_technique(name),)
    expected = lio.ImpedanceData if _technique(name) in ("PEIS", "GEIS") else lio.CellData
    assert type(data) is expected


@pytest.mark.parametrize("name", sorted(MPT_ROWS))
def test_mpt_rows_and_detection(shared, name):
    path = shared(name)
    assert lio.detect(path).name == "biologic-mpt"
    data = _read(path)
    assert len(data) == MPT_ROWS[name]
    assert data.meta.format == "biologic-mpt"
    if name != "yadg__gcpl.pr_182.1.mpt":  # minimal header: no technique stated
        assert data.meta.techniques == (_technique(name),)


def test_detection_ignores_the_extension(shared, tmp_path):
    # content decides: an .mpr and an .mpt under neutral names are still recognised
    shutil.copy(shared(GCPL), tmp_path / "run.bin")
    shutil.copy(shared("yadg__gcpl.issue_149.mpt"), tmp_path / "run.dat")
    assert lio.detect(tmp_path / "run.bin").name == "biologic-mpr"
    assert lio.detect(tmp_path / "run.dat").name == "biologic-mpt"


# -- cross-check against galvani (run here) ------------------------------------------------------
@pytest.mark.parametrize("name", sorted(MPR_ROWS))
def test_mpr_equals_galvani(shared, name):
    galvani = pytest.importorskip("galvani.BioLogic")
    path = shared(name)
    mpr = galvani.MPRfile(str(path))
    ref = mpr.data
    data = lio.read(path)
    names = ref.dtype.names
    # acquisition start from the log module (galvani rounds to the millisecond too)
    assert data.meta.start_time == getattr(mpr, "timestamp", None)
    if isinstance(data, lio.ImpedanceData):
        np.testing.assert_array_equal(data["frequency_Hz"], ref["freq/Hz"])
        np.testing.assert_array_equal(data["z_real_ohm"], ref["Re(Z)/Ohm"])
        # z_imag_ohm is Im(Z); EC-Lab (and galvani) give -Im(Z)
        np.testing.assert_array_equal(data["z_imag_ohm"], -ref["-Im(Z)/Ohm"].astype(np.float64))
        np.testing.assert_array_equal(data["time_s"], ref["time/s"])
        np.testing.assert_allclose(data["current_A"], ref["<I>/mA"] * 1e-3, rtol=1e-6)
        return
    np.testing.assert_array_equal(data["time_s"], ref["time/s"])
    v = "Ewe/V" if "Ewe/V" in names else "<Ewe>/V"
    np.testing.assert_array_equal(data["voltage_V"], ref[v])
    if "I/mA" in names:
        expected = ref["I/mA"] * 1e-3  # mA -> A
    elif "dq/mA.h" in names:
        # hand calculation of EC-Lab's <I> from galvani's columns: dq [mA.h] * 3.6 C/mA.h / dt
        t = ref["time/s"]
        expected = np.r_[0.0, ref["dq/mA.h"][1:] * 3.6 / np.diff(t)]
    else:  # open circuit: no current recorded
        expected = np.zeros(len(ref))
    np.testing.assert_allclose(data["current_A"], expected, rtol=1e-6, atol=1e-15)
    if "Ns" in names:
        np.testing.assert_array_equal(data["Ns"], ref["Ns"])


# -- .mpt equals its .mpr twin (same run) ---------------------------------------------------------
@pytest.mark.parametrize("stem", TWINS)
def test_mpt_equals_mpr_twin(shared, stem):
    a = lio.read(shared(f"yadg__{stem}.mpr"))
    b = lio.read(shared(f"yadg__{stem}.mpt"))
    assert type(a) is type(b)
    if stem in EIS:
        cols = ["frequency_Hz", "z_real_ohm", "z_imag_ohm", "time_s", "voltage_V", "current_A"]
        exact = ["spectrum", "cycle"]
    else:
        cols = ["time_s", "voltage_V", "current_A", "charge_C"]
        exact = ["cycle", "step"]
    for c in cols:  # the export prints 8 significant digits of float32 columns
        np.testing.assert_allclose(b[c], a[c], rtol=1e-6, atol=1e-15, err_msg=c)
    for c in exact:
        np.testing.assert_array_equal(b[c], a[c], err_msg=c)
    if stem not in EIS:
        assert b.table["step_kind"].equals(a.table["step_kind"])
    if stem != "gcpl.pr_182.1":  # the minimal-header export states nothing of this
        assert b.meta.start_time == a.meta.start_time
        assert b.meta.techniques == a.meta.techniques
        assert (b.meta.area_m2, b.meta.mass_kg) == (a.meta.area_m2, a.meta.mass_kg)


# -- sign convention, steps, cycles, kinds ---------------------------------------------------------
def test_sign_convention_oxidation_positive(shared):
    # EC-Lab writes anodic current as positive, the package's convention. Check by physics on a
    # cathode half cell: while I > 0 (charge, oxidation of the working electrode) Ewe rises,
    # while I < 0 it falls.
    d = lio.read(shared(GCPL))
    step, kind, v = d["step"], d["step_kind"], d["voltage_V"]
    checked = 0
    for s in np.unique(step):
        k = kind[step == s][0]
        dv = v[step == s][-1] - v[step == s][0]
        if k == "charge":
            assert dv > 0 and (d["current_A"][step == s] > 0).all()
            checked += 1
        elif k == "discharge":
            assert dv < 0 and (d["current_A"][step == s] < 0).all()
            checked += 1
    assert checked == 8  # 4 loops x (charge + discharge): .mpt header "Number of loops : 4"


def test_gcpl_steps_cycles_kinds(shared):
    d = lio.read(shared(GCPL))
    # .mpt twin: 4 loops of Ns 0 (rest), 1 (+30 uA), 2 (-30 uA); its "cycle number" column
    # (EC-Lab's, from 0) reads 0 x 44, 1 x 33, 2 x 33, 3 x 22: a loop's rest still belongs to
    # the cycle in progress, and EC-Lab's cycle 0 is a real cycle, so lithiophile adds 1
    assert d["cycle"].tolist() == np.repeat([1, 2, 3, 4], [44, 33, 33, 22]).tolist()
    assert d.summary().step_kinds == {"rest": 44, "charge": 44, "discharge": 44}
    assert d["step"].max() == 12
    # 30 uA set current (.mpt parameter table "Is 30,000 uA")
    charge = d["current_A"][d["step_kind"] == "charge"]
    assert np.median(charge) == pytest.approx(30e-6, rel=1e-3)


def test_cycles_follow_ec_lab(shared):
    # galvani's half-cycle column (read here) of this file: 0 for the initial rest and a first
    # discharge, then 2..13 for six charge/discharge pairs. EC-Lab's cycle = half cycle // 2
    # is 0..6; lithiophile's is 1..7 with the first discharge in cycle 1.
    galvani = pytest.importorskip("galvani.BioLogic")
    name = "navani__jdb11-1_c3_gcpl_5cycles_2V-3p8V_C-24_data_C09.mpr"
    ref = galvani.MPRfile(str(shared(name))).data
    d = lio.read(shared(name))
    np.testing.assert_array_equal(d["cycle"], ref["half cycle"] // 2 + 1)
    assert np.unique(d["cycle"]).tolist() == [1, 2, 3, 4, 5, 6, 7]
    assert set(d["step_kind"][d["cycle"] == 1]) == {"rest", "discharge"}


def test_ocv_and_potentiostatic_kinds(shared):
    ocv = lio.read(shared("yadg__ocv.issue_149.mpr"))
    assert set(ocv["step_kind"]) == {"ocv"}
    assert (ocv["current_A"] == 0).all()
    assert any("current_A set to 0" in n for n in ocv.meta.notes)
    mb = lio.read(shared("navani__00_test_04_MB_C01.mpr"))
    # every row has EC-Lab mode 2 (potentiostatic) in this file (galvani's flags agree)
    assert set(mb["step_kind"]) == {"cv"}


def test_mb_kinds(shared):
    # .mpt header: ctrl_type Rest, CC 100 mA (charge), CC C/N discharge
    d = lio.read(shared("yadg__mb.issue_95.mpr"))
    assert d.summary().step_kinds == {"rest": 11, "charge": 11, "discharge": 11}


# -- impedance ---------------------------------------------------------------------------------
@pytest.mark.parametrize("stem", sorted(EIS))
def test_eis_spectra(shared, stem):
    z = lio.read(shared(f"yadg__{stem}.mpr"))
    # .mpt header: "Loop 0 from point number 0 to 20" ... "Loop 3 from point number 63 to 83"
    assert z["spectrum"].tolist() == np.repeat([1, 2, 3, 4], 21).tolist()
    # a capacitive arc: Im(Z) < 0 at the highest frequency of the first sweep (200 kHz)
    assert z["frequency_Hz"][0] == pytest.approx(2e5, rel=1e-4)


def test_impedancepy_mpt(shared):
    z = lio.read(shared("impedancepy__exampleDataBioLogic.mpt"))
    assert z.summary().spectra == 1
    # first line of data (hand copy): 1.0003201E+003  6.5470886E+001  3.8998979E-001
    assert z["frequency_Hz"][0] == pytest.approx(1000.3201)
    assert z["z_real_ohm"][0] == pytest.approx(65.470886)
    assert z["z_imag_ohm"][0] == pytest.approx(-0.38998979)
    # header: "Acquisition started on : 02/04/2018 10:02:46" (EC-Lab writes month first)
    assert z.meta.start_time == datetime(2018, 2, 4, 10, 2, 46)
    assert z.meta.format_version == "EC-Lab 11.18 text export"


# -- metadata ------------------------------------------------------------------------------------
def test_mpr_metadata_issue_149(shared):
    d = lio.read(shared(GCPL))
    # .mpt twin: "Acquisition started on : 01/10/2024 11:02:29.886", "EC-Lab ... v11.50"
    assert d.meta.start_time == datetime(2024, 1, 10, 11, 2, 29, 886000)
    assert d.meta.format_version.startswith("EC-Lab 11.50, data module")
    assert d.meta.header["device_serial"] == "1854"  # .mpt: "Device : SP-300 (SN 1854)"
    # .mpt: "Electrode surface area : 0,000 cm²", "Characteristic mass : 0,001 g" (EC-Lab's
    # empty-field value): neither is stated
    assert d.meta.area_m2 is None and d.meta.mass_kg is None
    assert d.meta.header["loop_starts"] == [0, 33, 66, 99]  # .mpt "Loop k from point number"


def test_mpr_metadata_pr_182(shared):
    d = lio.read(shared("yadg__gcpl.pr_182.1.mpr"))
    # frozen regression values, read from the settings module; 1.767 cm² is a 15 mm disc
    # (hand: pi * 0.75^2 cm² = 1.767 cm²)
    assert d.meta.area_m2 == pytest.approx(np.pi * 0.75**2 * 1e-4, rel=2e-4)
    assert d.meta.mass_kg == pytest.approx(6.52e-6)
    assert d.meta.header["electrode_material"] == "Hard Carbon"
    assert d.meta.start_time is None  # the file has no log module
    assert any("no log module" in n for n in d.meta.notes)


def test_mpt_header_parameters(shared):
    d = lio.read(shared("yadg__mb.issue_95.mpt"))
    params = d.meta.header["parameters"]
    assert params["ctrl_type"] == ["Rest", "CC", "CC"]  # hand copy of the header table
    assert d.meta.header["Device"] == "VSP (SN 1705)"


# -- text-export variants ------------------------------------------------------------------------
def _same_data(a, b, rtol=0.0):
    for c in ("time_s", "voltage_V", "current_A"):
        np.testing.assert_allclose(a[c], b[c], rtol=rtol, atol=0, err_msg=c)
    for c in ("step", "cycle"):
        np.testing.assert_array_equal(a[c], b[c], err_msg=c)


def test_mpt_decimal_commas(shared, tmp_path):
    # the issue_149 exports use decimal commas (French locale); read as numbers
    cp = lio.read(shared("yadg__cp.issue_149.mpt"))
    assert cp.meta.header["decimal_comma"] is True
    # hand copy of the first data line (line 64): time/s 1,099979972212168E+001,
    # <Ewe/V> 3,4244580E+000, I/mA 2,0003509E-002
    assert cp["time_s"][0] == 10.99979972212168
    assert cp["voltage_V"][0] == 3.4244580
    assert cp["current_A"][0] == pytest.approx(2.0003509e-5, rel=1e-12)
    # a decimal-point export turned into decimal commas gives the same data
    src = shared("yadg__mb.issue_95.mpt").read_bytes()
    head, body = src.split(b"\n", 93)[:93], src.split(b"\n", 93)[93]
    comma = tmp_path / "comma.mpt"
    comma.write_bytes(b"\n".join([*head, body.replace(b".", b",")]))
    a, b = lio.read(shared("yadg__mb.issue_95.mpt")), lio.read(comma)
    assert b.meta.header["decimal_comma"] is True
    _same_data(a, b)


def test_mpt_crlf(shared, tmp_path):
    src = shared("yadg__gcpl.issue_149.mpt")
    crlf = tmp_path / "crlf.mpt"
    crlf.write_bytes(src.read_bytes().replace(b"\n", b"\r\n"))
    a, b = lio.read(src), lio.read(crlf)
    _same_data(a, b)
    assert a.meta.start_time == b.meta.start_time
    assert a.meta.header["parameters"] == b.meta.header["parameters"]


def test_mpt_minimal_header(shared):
    d = lio.read(shared("yadg__gcpl.pr_182.1.mpt"))
    assert d.meta.header["header_lines"] == 3  # "Nb header lines : 3"
    assert d.meta.techniques == () and d.meta.start_time is None
    # the export prints 16 significant digits of float64 and 8 of float32 columns
    _same_data(d, lio.read(shared("yadg__gcpl.pr_182.1.mpr")), rtol=1e-6)


@pytest.mark.parametrize("crlf", [False, True])
def test_mpt_headerless(shared, tmp_path, crlf):
    src = shared("yadg__gcpl.issue_149.mpt")
    lines = src.read_bytes().split(b"\n")
    bare = tmp_path / "bare.mpt"
    body = b"\n".join(lines[80:])  # "Nb header lines : 81": the labels are line 81
    bare.write_bytes(body.replace(b"\n", b"\r\n") if crlf else body)
    assert lio.detect(bare).name == "biologic-mpt"
    d, full = lio.read(bare), lio.read(src)
    assert len(d) == 132  # MANIFEST row count
    for c in ("time_s", "voltage_V", "current_A", "cycle"):
        np.testing.assert_array_equal(d[c], full[c], err_msg=c)
    # documented: no header, so no technique, start time or loops (steps from Ns and mode only)
    assert d.meta.techniques == () and d.meta.start_time is None
    assert any("header-less" in n for n in d.meta.notes)
    assert d.table["step_kind"].equals(full.table["step_kind"])


def test_headerless_eis_export_is_impedance(shared, tmp_path):
    lines = shared("yadg__peis.issue_149.mpt").read_bytes().split(b"\n")
    bare = tmp_path / "bare_eis.mpt"
    bare.write_bytes(b"\n".join(lines[72:]))  # "Nb header lines : 73"
    z = lio.read(bare)
    assert isinstance(z, lio.ImpedanceData)
    # no loop lines: the sweeps are found from EC-Lab's cycle number and frequency resets
    assert z["spectrum"].tolist() == np.repeat([1, 2, 3, 4], 21).tolist()


def test_parse_api(shared):
    path = shared(GCPL)
    cols, info = biologic_mpr.parse(path)
    cols_b, info_b = biologic_mpr.parse(path.read_bytes())
    assert info["n_points"] == info_b["n_points"] == 132
    assert info["column_ids"] == [1, 2, 3, 21, 31, 65, 131, 4, 7, 13, 5, 6, 39, 467, 468, 70]
    for k in cols:
        np.testing.assert_array_equal(cols[k], cols_b[k])
    assert cols["time/s"].dtype == np.float64 and cols["Ewe/V"].dtype == np.float32
    tcols, tinfo = biologic_mpt.parse(shared("yadg__gcpl.issue_149.mpt"))
    np.testing.assert_allclose(tcols["time/s"], cols["time/s"], rtol=1e-14)
    assert tinfo["n_points"] == 132 and tinfo["decimal_comma"] is True


def test_kind_option(shared):
    z = biologic_mpr.read(shared("yadg__peis.issue_149.mpr"), kind="cell")
    assert isinstance(z, lio.CellData) and len(z) == 84
    with pytest.raises(FileFormatError, match=r"kind='impedance' needs freq/Hz"):
        biologic_mpr.read(shared(GCPL), kind="impedance")


# -- big files: read in row blocks, never whole ---------------------------------------------------
def _same_parse(a, b):
    """Two parse() results hold the same columns (names, order, dtype, shape, bytes) and info."""
    (ca, ia), (cb, ib) = a, b
    assert list(ca) == list(cb)
    for k in ca:
        assert ca[k].dtype == cb[k].dtype and ca[k].shape == cb[k].shape, k
        assert np.ascontiguousarray(ca[k]).tobytes() == np.ascontiguousarray(cb[k]).tobytes(), k
    assert ia == ib


def _same_read(a, b):
    assert type(a) is type(b) and a.meta == b.meta
    assert_frame_equal(a.table, b.table, check_exact=True)


@pytest.mark.parametrize("block_bytes", [1, 500, 4096])
@pytest.mark.parametrize("name", sorted(MPR_ROWS))
def test_mpr_read_in_row_blocks(shared, monkeypatch, name, block_bytes):
    # a file larger than _BLOCK_BYTES is read through a buffer of that many bytes (at least one
    # row): 1 = one row per block, 500 and 4096 = several rows with a shorter last block
    path = shared(name)
    whole = biologic_mpr.parse(path)  # these files are small: read whole, views of its bytes
    data = lio.read(path)
    monkeypatch.setattr(biologic_mpr, "_BLOCK_BYTES", block_bytes)
    monkeypatch.setattr(biologic_mpr_rows, "_BLOCK_BYTES", block_bytes)
    blocks = biologic_mpr.parse(path)
    # its own contiguous arrays (the frame can take them without a copy)
    assert all(v.flags.c_contiguous and v.flags.owndata for v in blocks[0].values())
    _same_parse(blocks, whole)
    _same_parse(blocks, biologic_mpr.parse(path.read_bytes()))
    _same_read(lio.read(path), data)


@pytest.mark.parametrize(
    "repl", [{70: 999}, {467: 997, 468: 998}, {13: 995, 70: 996}, {65: 300}], ids=str
)
def test_mpr_unknown_ids_in_row_blocks(shared, tmp_path, monkeypatch, repl):
    p = _patch_ids(shared(GCPL), tmp_path / "unknown.mpr", repl)
    with pytest.warns(UnknownColumnWarning):
        whole = biologic_mpr.parse(p)
    monkeypatch.setattr(biologic_mpr, "_BLOCK_BYTES", 200)
    monkeypatch.setattr(biologic_mpr_rows, "_BLOCK_BYTES", 200)
    with pytest.warns(UnknownColumnWarning):
        blocks = biologic_mpr.parse(p)
    _same_parse(blocks, whole)


# -- unknown column ids: kept under a raw name, with a warning -------------------------------------
def _patch_ids(src: Path, dest: Path, repl: dict[int, int]) -> Path:
    """Copy of the issue_149 GCPL .mpr with column ids replaced (ids from info['column_ids'])."""
    data = bytearray(src.read_bytes())
    _, info = biologic_mpr.parse(src)
    mod = next(m for m in info["modules"] if m["name"] == "VMP data")
    ids_at = mod["start"] + 65 + 6  # extended module header (65 bytes), n (u32), count (u16)
    for old, new in repl.items():
        k = info["column_ids"].index(old)
        struct.pack_into("<H", data, ids_at + 2 * k, new)
    dest.write_bytes(bytes(data))
    return dest


def test_unknown_column_id(shared, tmp_path):
    src = shared(GCPL)
    p = _patch_ids(src, tmp_path / "unknown.mpr", {70: 999})  # P/W (float32) -> id 999
    with pytest.warns(UnknownColumnWarning, match=r"id 999 -> raw_id_999 \(4 bytes per row"):
        d = lio.read(p)
    ref = lio.read(src)
    np.testing.assert_array_equal(d["raw_id_999"], ref["P/W"])
    _same_data(d, ref)


def test_unknown_adjacent_ids_kept_as_bytes(shared, tmp_path):
    # Q charge/discharge (f8) and half cycle (u4): 12 bytes that 4+8 or 8+4 could fill
    src = shared(GCPL)
    p = _patch_ids(src, tmp_path / "two.mpr", {467: 997, 468: 998})
    with pytest.warns(UnknownColumnWarning, match=r"ids \[997, 998\] -> raw_id_997_998"):
        d = lio.read(p)
    assert d.table.schema["raw_id_997_998"] == pl.Array(pl.UInt8, 12)
    ref = lio.read(src)
    for c in ("time_s", "voltage_V", "current_A", "P/W"):  # known columns still in place
        np.testing.assert_array_equal(d[c], ref[c])


def test_unknown_separate_ids_sized_by_plausibility(shared, tmp_path):
    # (Q-Qo) (f8) and P/W (f4) unknown, apart: only 8 + 4 leaves the columns between readable
    src = shared(GCPL)
    p = _patch_ids(src, tmp_path / "apart.mpr", {13: 995, 70: 996})
    with pytest.warns(UnknownColumnWarning, match="raw_id_995"):
        d = lio.read(p)
    ref = lio.read(src)
    np.testing.assert_array_equal(d["raw_id_995"], ref["(Q-Qo)/mA.h"])
    np.testing.assert_array_equal(d["raw_id_996"], ref["P/W"])


def test_unknown_flag_id(shared, tmp_path):
    p = _patch_ids(shared(GCPL), tmp_path / "flag.mpr", {65: 300})  # counter inc. flag
    with pytest.warns(UnknownColumnWarning, match="id 300 \\(no bytes of its own"):
        d = lio.read(p)
    assert len(d) == 132


# -- bad input: FileFormatError naming what is wrong and where -----------------------------------
@pytest.fixture(params=["whole", "blocks"])
def mpr_reading(request, monkeypatch):
    """Each .mpr test below twice: files read whole, and read in parts (rows one by one)."""
    if request.param == "blocks":
        monkeypatch.setattr(biologic_mpr, "_BLOCK_BYTES", 16)
        monkeypatch.setattr(biologic_mpr_rows, "_BLOCK_BYTES", 16)
    return request.param


def test_truncated_mpr(shared, tmp_path, mpr_reading):
    data = shared(GCPL).read_bytes()
    p = tmp_path / "cut.mpr"
    p.write_bytes(data[:9000])  # inside the data module (header at byte 7070, 8003 bytes)
    with pytest.raises(
        FileFormatError,
        match=r"cannot read '.*cut\.mpr' as BioLogic \.mpr: the VMP data module \(header at byte "
        r"7070\) ends at byte 9000 but its header declares 8003 bytes from byte 7135 "
        r"\(file truncated\?\)",
    ):
        lio.read(p)
    p.write_bytes(data[:7090])  # inside the data module's header
    with pytest.raises(FileFormatError, match=r"header at byte 7070 is cut off at byte 7090"):
        lio.read(p)
    p.write_bytes(data[:40])
    with pytest.raises(FileFormatError, match=r"file header is cut off at byte 40"):
        biologic_mpr.read(p)


def test_corrupt_mpr(shared, tmp_path, mpr_reading):
    data = bytearray(shared(GCPL).read_bytes())
    p = tmp_path / "bad.mpr"
    bad = bytearray(data)
    bad[7070:7076] = b"XODULE"
    p.write_bytes(bytes(bad))
    with pytest.raises(FileFormatError, match=r"expected a module header 'MODULE' at byte 7070"):
        lio.read(p)
    bad = bytearray(data)
    struct.pack_into("<I", bad, 7135, 1_000_000)  # number of points
    p.write_bytes(bytes(bad))
    with pytest.raises(FileFormatError, match=r"1000000 points of 53 bytes .* need 53000000 bytes"):
        lio.read(p)
    bad = bytearray(data)
    struct.pack_into("<I", bad, 7070 + 45, 2**31)  # the data module's length
    p.write_bytes(bytes(bad))
    with pytest.raises(FileFormatError, match=r"declares 2147483648 bytes from byte 7135"):
        lio.read(p)
    bad = bytearray(data)
    # rows from byte 7135 + 0x3EF, 53 bytes each: flags (1), Ns (2), time/s (8) ...
    row2 = 7135 + 0x3EF + 53
    bad[row2 + 3 : row2 + 11] = b"\xff" * 8  # time/s of row 2 -> NaN
    p.write_bytes(bytes(bad))
    with pytest.raises(FileFormatError, match=r"time/s on data row 2 is nan"):
        lio.read(p)


def test_not_an_mpr(tmp_path, mpr_reading):
    rng = np.random.default_rng(0)
    p = tmp_path / "garbage.mpr"
    p.write_bytes(rng.integers(0, 256, 4096, dtype=np.uint8).tobytes())
    with pytest.raises(FileFormatError, match=r"does not start with 'BIO-LOGIC MODULAR FILE'"):
        biologic_mpr.read(p)
    p.write_bytes(b"")
    with pytest.raises(FileFormatError, match=r"empty"):
        lio.read(p)


def test_mpr_without_data_module(shared, tmp_path, mpr_reading):
    data = shared(GCPL).read_bytes()
    p = tmp_path / "nodata.mpr"
    p.write_bytes(data[:7070])  # file header + settings module only
    with pytest.raises(FileFormatError, match=r"no 'VMP data' module \(modules: \['VMP Set'\]\)"):
        lio.read(p)


def test_truncated_mpt(shared, tmp_path):
    data = shared("yadg__gcpl.issue_149.mpt").read_bytes()
    p = tmp_path / "cut.mpt"
    p.write_bytes(data[:-300])  # cut inside the last row
    with pytest.raises(
        FileFormatError,
        match=r"line 213 has \d+ fields, the first data line 29 "
        r"\(file truncated\?\)",
    ):
        lio.read(p)
    p.write_bytes(data[:2000])  # cut inside the header
    with pytest.raises(FileFormatError, match=r"declares 81 header lines but the file has only"):
        lio.read(p)


def test_corrupt_mpt(shared, tmp_path):
    lines = shared("yadg__gcpl.issue_149.mpt").read_bytes().split(b"\n")
    p = tmp_path / "bad.mpt"
    lines[90] = lines[90].replace(b"3,", b"x,", 1)
    p.write_bytes(b"\n".join(lines))
    with pytest.raises(FileFormatError, match=r"data table from line 82 unreadable"):
        lio.read(p)
    p.write_bytes(b"EC-Lab ASCII FILE\nNb header lines : many\n")
    with pytest.raises(FileFormatError, match=r"line 2 should be 'Nb header lines : N'"):
        biologic_mpt.read(p)
    p.write_bytes(b"EC-Lab ASCII FILE\x00\x01\x02" * 100)
    with pytest.raises(FileFormatError, match=r"binary"):
        biologic_mpt.read(p)
    p.write_bytes(b"a\tb\tc\n1\t2\t3\n")
    with pytest.raises(FileFormatError, match=r"line 1 is neither 'EC-Lab ASCII FILE'"):
        biologic_mpt.read(p)


# -- fuzz: any damage gives data or a FileFormatError, never another exception or a hang ------
_FIXTURE = HealthCheck.function_scoped_fixture


@settings(max_examples=150, deadline=None, suppress_health_check=[_FIXTURE])
@given(
    cut=st.integers(0, 16822),
    flips=st.lists(st.tuples(st.integers(0, 16821), st.integers(0, 255)), max_size=8),
)
def test_fuzz_mpr(shared, tmp_path, cut, flips):
    data = bytearray(shared("yadg__ocv.issue_149.mpr").read_bytes())  # 16822 bytes
    for at, value in flips:
        data[at] = value
    p = tmp_path / "fuzz.mpr"
    p.write_bytes(bytes(data[: max(cut, 1)]))
    # read whole and read in parts (one row per block): the same data or the same error
    whole, blocks = (_fuzz_outcome(p, block) for block in (biologic_mpr._BLOCK_BYTES, 16))
    if isinstance(whole, str) or isinstance(blocks, str):
        assert whole == blocks
    else:
        _same_read(blocks, whole)


def _fuzz_outcome(path, block_bytes):
    # the reader decides whole-file vs buffered reading, the row decoder the buffer's size
    saved = biologic_mpr._BLOCK_BYTES, biologic_mpr_rows._BLOCK_BYTES
    biologic_mpr._BLOCK_BYTES = biologic_mpr_rows._BLOCK_BYTES = block_bytes
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UnknownColumnWarning)
            return biologic_mpr.read(path)
    except FileFormatError as exc:
        return str(exc)
    finally:
        biologic_mpr._BLOCK_BYTES, biologic_mpr_rows._BLOCK_BYTES = saved


@settings(max_examples=100, deadline=None, suppress_health_check=[_FIXTURE])
@given(
    cut=st.integers(0, 3265),
    flips=st.lists(st.tuples(st.integers(0, 3264), st.integers(0, 255)), max_size=8),
)
def test_fuzz_mpt(shared, tmp_path, cut, flips):
    data = bytearray(shared("yadg__ocv.issue_149.mpt").read_bytes())  # 3265 bytes
    for at, value in flips:
        data[at] = value
    p = tmp_path / "fuzz.mpt"
    p.write_bytes(bytes(data[: max(cut, 1)]))
    with contextlib.suppress(FileFormatError):
        biologic_mpt.read(p)
