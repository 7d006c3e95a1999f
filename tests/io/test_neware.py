"""Neware readers: BTS binary ``.nda``/``.ndax`` and BTSDA CSV/XLSX exports.

Expected values come from independent sources, named next to each assertion:

* the row counts of ../shared/data/cycler/MANIFEST.md;
* fastnda (BSD-3-Clause, the runtime dependency, called here through its public
  ``fastnda.read``) and NewareNDA (BSD-3-Clause, test-only), both run in the test on the same
  file, their units converted to SI here;
* ``pandas.read_csv`` on the CSV export, its units converted here;
* small files made in ``tmp_path`` whose answer is known by construction.
"""

from __future__ import annotations

import csv
import io
import logging
import shutil
import struct
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import SHARED_CYCLER, file_digest
from tests.io.pandas_reference import read_csv_exact

import lithiophile.io as lio
from lithiophile.errors import FileFormatError, InputError, UnknownColumnWarning
from lithiophile.io import neware_csv, neware_nda

CELLPY_NDAX = "cellpy__20260302_IFE_BTS85_2_9_8_1.ndax"
NAVANI_NDAX = "navani__test.ndax"
ISSUE27_NDAX = "newarenda-dc__Issue27_46_1_5_60_ZZZZZZZZTEST.ndax"
ISSUE72_NDA = "newarenda__Issue72_TestFile.nda"
ISSUE94_NDAX = "newarenda__Issue94_Unit27_Example_Data_File.ndax"
NEW_NDA = "newarenda__new_nda_file.nda"
UIO_CSV = "cellpy__neware_uio.csv"

#: MANIFEST.md, "read results" column ("NewareNDA.read: OK 252951 rows" ..., the same counts
#: fastnda gives; "pandas.read_csv: OK 9065 rows" for the CSV)
MANIFEST_ROWS = {
    CELLPY_NDAX: 252951,
    NAVANI_NDAX: 1464,
    ISSUE27_NDAX: 84,
    ISSUE72_NDA: 6670,
    ISSUE94_NDAX: 301,
    NEW_NDA: 439,
}
BINARY = list(MANIFEST_ROWS)

logging.getLogger("fastnda").setLevel(logging.ERROR)  # its unix-time notice on the cellpy file


def read_nda(path: Path):
    """neware_nda.read, expecting the one UnknownColumnWarning a file is known to raise."""
    if path.name == CELLPY_NDAX:
        # TestInfo.xml lists an auxiliary channel of type 1122 (data_AUX_1_1022_1.ndc): neither
        # fastnda nor NewareNDA knows its quantity (fastnda calls it "aux1_?")
        with pytest.warns(UnknownColumnWarning, match="channel type 1122"):
            return neware_nda.read(path)
    return neware_nda.read(path)


def fastnda_read(path: Path) -> pl.DataFrame:
    """fastnda.read with the instrument's own cycle numbers (cycle_mode='raw').

    It returns total_time_s and step_time_s [s] (rounded to 1 us), voltage_V [V] and
    current_mA [mA] as float32, cycle_count, step_count (running), step_index (program step),
    step_type (names), unix_time_s [s], and capacity_mAh / energy_mWh (net, float32).
    """
    import fastnda

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fastnda.read(path, cycle_mode="raw")


def newarenda_read(path: Path) -> pd.DataFrame:
    """NewareNDA.read with the file's own cycle numbers (software_cycle_number=False).

    It returns pandas float32 columns: Voltage [V], Current(mA) [mA], Time [s] (the step time
    for .nda up to version 29 and for .ndax; the total test time for BTS 9 .nda, version 130),
    Cycle, Step (running), Step_Index, Status (names).
    """
    NewareNDA = pytest.importorskip("NewareNDA")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # its pandas deprecation warnings
        return NewareNDA.read(str(path), software_cycle_number=False, log_level="ERROR")


# -- binary files: rows, detection, untouched ---------------------------------------------------
@pytest.mark.parametrize("name", BINARY)
def test_binary_rows_detection_and_file_untouched(shared, name):
    path = shared(name)
    before = file_digest(path)
    data = read_nda(path)
    assert len(data) == MANIFEST_ROWS[name]  # MANIFEST.md
    assert lio.detect(path).name == "neware-nda"
    assert data.meta.instrument == "Neware" and data.meta.format == "neware-nda"
    assert file_digest(path) == before  # same bytes, same mtime
    for col in ("time_s", "voltage_V", "current_A", "cycle", "step", "step_kind"):
        assert col in data.columns
    assert data.table.schema["cycle"] == pl.Int32 and data.table.schema["step"] == pl.Int32
    assert data.table.schema["step_index"] == pl.Int32


def test_detection_by_content_not_name(shared, tmp_path):
    # an .nda renamed .bin and an .ndax renamed .zip are still found by their bytes
    nda = tmp_path / "run.bin"
    shutil.copyfile(shared(NEW_NDA), nda)
    ndax = tmp_path / "run.zip"
    shutil.copyfile(shared(ISSUE94_NDAX), ndax)
    assert lio.detect(nda).name == "neware-nda"
    assert lio.detect(ndax).name == "neware-nda"
    assert len(neware_nda.read(nda)) == MANIFEST_ROWS[NEW_NDA]
    assert len(neware_nda.read(ndax)) == MANIFEST_ROWS[ISSUE94_NDAX]


def test_sniffs_do_not_claim_other_shared_files():
    if not SHARED_CYCLER.is_dir():
        pytest.skip(f"no ../shared checkout at {SHARED_CYCLER}")
    ours = {p.name for p in SHARED_CYCLER.iterdir() if "neware" in p.name or "nda" in p.suffix}
    # MANIFEST.md: the batteryabn workbook is a Neware BTSDA Excel export (batch 2)
    ours |= {p.name for p in SHARED_CYCLER.glob("batteryabn__*.xlsx")}
    for path in sorted(SHARED_CYCLER.iterdir()):
        if path.name in ours or path.name == "MANIFEST.md":
            continue
        head = path.read_bytes()[:65536]
        assert neware_nda.sniff(head, path) == 0, path.name
        assert neware_csv.sniff(head, path) < 40, path.name


# -- binary files against fastnda and NewareNDA -------------------------------------------------
@pytest.mark.parametrize("name", BINARY)
def test_binary_equals_fastnda(shared, name):
    path = shared(name)
    ours = read_nda(path).table
    ref = fastnda_read(path)
    assert ours.height == ref.height
    # time: fastnda's total_time_s (step times laid end to end), rounded by it to 1 us
    np.testing.assert_allclose(ours["time_s"], ref["total_time_s"], rtol=0, atol=1e-6)
    np.testing.assert_allclose(ours["step_time_s"], ref["step_time_s"], rtol=0, atol=1e-6)
    # voltage: the same float32 values, widened to float64 here
    np.testing.assert_array_equal(ours["voltage_V"], ref["voltage_V"].cast(pl.Float64))
    # current: fastnda rounds mA to float32; ours keeps the float64 it decodes (1e-6 relative)
    np.testing.assert_allclose(
        ours["current_A"], ref["current_mA"].cast(pl.Float64) * 1e-3, rtol=1e-6, atol=0
    )
    np.testing.assert_array_equal(ours["cycle"], ref["cycle_count"])
    np.testing.assert_array_equal(ours["step"], ref["step_count"])
    np.testing.assert_array_equal(ours["step_index"], ref["step_index"])
    assert ours["step_type"].cast(pl.String).to_list() == ref["step_type"].cast(pl.String).to_list()
    # net step capacity/energy: fastnda's capacity_mAh, energy_mWh (float32), 1 mAh = 3.6 C
    net_c = (ours["step_charge_capacity_C"] - ours["step_discharge_capacity_C"]) / 3.6
    np.testing.assert_allclose(net_c, ref["capacity_mAh"], rtol=1e-6, atol=1e-9)
    net_e = (ours["step_charge_energy_J"] - ours["step_discharge_energy_J"]) / 3.6
    np.testing.assert_allclose(net_e, ref["energy_mWh"], rtol=1e-6, atol=1e-9)
    # clock: fastnda's unix_time_s [s]
    epoch_s = ours["date_time"].dt.epoch("us").cast(pl.Float64) / 1e6
    np.testing.assert_allclose(epoch_s, ref["unix_time_s"], rtol=0, atol=1e-6)


@pytest.mark.parametrize("name", BINARY)
def test_binary_equals_newarenda(shared, name):
    path = shared(name)
    ours = read_nda(path).table
    ref = newarenda_read(path)
    assert ours.height == len(ref)
    # NewareNDA's Time is the step time, except for BTS 9 files (nda 130): the test time
    time_col = "time_s" if name == ISSUE72_NDA else "step_time_s"
    f32 = np.float32
    np.testing.assert_allclose(
        ours[time_col].to_numpy().astype(f32), ref["Time"].to_numpy(), rtol=1e-6, atol=1e-6
    )
    # float32 in NewareNDA (voltage scaled in float64 then rounded; fastnda scales in float32)
    np.testing.assert_allclose(ours["voltage_V"], ref["Voltage"], rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(ours["current_A"] * 1e3, ref["Current(mA)"], rtol=1e-6, atol=1e-9)
    np.testing.assert_array_equal(ours["cycle"], ref["Cycle"])
    np.testing.assert_array_equal(ours["step"], ref["Step"])
    np.testing.assert_array_equal(ours["step_index"], ref["Step_Index"])
    assert ours["step_type"].cast(pl.String).to_list() == ref["Status"].astype(str).tolist()


def test_sign_convention_discharge_negative(shared):
    # Neware writes discharge current negative (CC_DChg rows of these files, checked here on
    # the raw fastnda columns); the package's convention is the same, so signs are kept.
    for name in (NEW_NDA, ISSUE72_NDA, ISSUE27_NDAX):
        data = read_nda(shared(name)).table
        ref = fastnda_read(shared(name))
        dchg = (ref["step_type"].cast(pl.String) == "CC_DChg").to_numpy()
        chg = (ref["step_type"].cast(pl.String) == "CC_Chg").to_numpy()
        assert (ref["current_mA"].to_numpy()[dchg] <= 0).all()
        assert (data["current_A"].to_numpy()[dchg] <= 0).all()
        assert (data["current_A"].to_numpy()[dchg] < 0).any()
        assert (data["current_A"].to_numpy()[chg] >= 0).all()
        kinds = data["step_kind"].cast(pl.String).to_numpy()
        assert set(kinds[dchg]) == {"discharge"} and set(kinds[chg]) == {"charge"}


def test_step_kinds_from_neware_step_types(shared):
    # CCCV steps of navani's file are charge/discharge (their direction), CV_Chg is 'cv',
    # and the 'Control' step of the cellpy file (zero current, per fastnda) is classed as rest
    navani = read_nda(shared(NAVANI_NDAX)).table
    pairs = set(
        zip(navani["step_type"].cast(pl.String), navani["step_kind"].cast(pl.String), strict=True)
    )
    assert pairs == {("Rest", "rest"), ("CCCV_Chg", "charge"), ("CCCV_DChg", "discharge")}
    cellpy = read_nda(shared(CELLPY_NDAX)).table
    ref = fastnda_read(shared(CELLPY_NDAX))
    control = (ref["step_type"].cast(pl.String) == "Control").to_numpy()
    assert (ref["current_mA"].to_numpy()[control] == 0).all()
    pairs = set(
        zip(cellpy["step_type"].cast(pl.String), cellpy["step_kind"].cast(pl.String), strict=True)
    )
    assert pairs == {("Control", "rest"), ("CC_Chg", "charge"), ("CV_Chg", "cv")}


def test_aux_channels_paired_by_channel_id_and_type(shared):
    # TestInfo.xml of the cellpy file lists Aux1 = RealChlID 144, ChlType 102 (voltage), Aux2 =
    # 144/103 (temperature), Aux3 = 1/1122. The members are data_AUX_144_2_1.ndc,
    # data_AUX_144_3_1.ndc and data_AUX_1_1022_1.ndc (ChlType - 100 in the name). fastnda and
    # NewareNDA pair members and entries by sort order and call the 0 V member the temperature;
    # here the temperature is the member of type 103, decoded independently by fastnda's
    # ndc parser.
    from fastnda._ndc import read_ndc

    path = shared(CELLPY_NDAX)
    with zipfile.ZipFile(path) as zf:
        temp = read_ndc(zf.read("data_AUX_144_3_1.ndc"))["?"].cast(pl.Float64).to_numpy()
        volt = read_ndc(zf.read("data_AUX_144_2_1.ndc"))["?"].cast(pl.Float64).to_numpy()
    data = read_nda(path).table
    np.testing.assert_allclose(data["temperature_K"], temp + 273.15, rtol=0, atol=1e-9)
    np.testing.assert_array_equal(data["aux1_voltage_V"], volt)
    assert np.ptp(volt) == 0 and volt[0] == 0  # the aux-voltage probe reads 0 V throughout
    # Issue94: two temperature channels (AuxID 1 and 2): the first is temperature_K, as
    # fastnda's aux1_temperature_degC
    data = read_nda(shared(ISSUE94_NDAX)).table
    ref = fastnda_read(shared(ISSUE94_NDAX))
    np.testing.assert_allclose(
        data["temperature_K"], ref["aux1_temperature_degC"].cast(pl.Float64) + 273.15, atol=1e-9
    )
    np.testing.assert_allclose(
        data["aux2_temperature_K"], ref["aux2_temperature_degC"].cast(pl.Float64) + 273.15
    )


def test_metadata(shared):
    # values from the files' headers, as fastnda.read_metadata and TestInfo.xml state them
    nda = read_nda(shared(NEW_NDA)).meta
    assert nda.format_version == "BTS 7.6.0.1408(2018.08.27) / nda version 29"
    assert nda.start_time.isoformat() == "2020-03-25T11:16:21"
    assert nda.mass_kg == pytest.approx(1.0e-6)  # header: active mass 1.000 mg
    assert nda.techniques == ("CC_DChg", "Rest", "CC_Chg")
    bts9 = read_nda(shared(ISSUE72_NDA)).meta
    assert bts9.format_version == "BTS 9.1.5.7.20240403.R5 / nda version 130 (BTS 9)"
    assert bts9.start_time.isoformat() == "2024-05-27T08:02:48.782000+00:00"
    assert bts9.header["remarks"] == "cell16"
    ndax = read_nda(shared(ISSUE27_NDAX)).meta
    assert ndax.format_version == "BTS Client 8.0.1.492(2025.01.23) / ndc version 16"
    assert ndax.start_time.isoformat() == "2025-09-24T09:29:22"
    assert ndax.header["TestInfo"]["Barcode"] == "ZZZZZZZZTEST"
    assert read_nda(shared(CELLPY_NDAX)).meta.format_version.endswith("ndc version 17")


def test_read_through_package_entry_point(shared):
    path = shared(ISSUE94_NDAX)
    data = lio.read(path)
    assert data.meta.format == "neware-nda" and data.meta.sha256 and len(data) == 301


def test_options_are_refused(shared):
    with pytest.raises(InputError, match="takes no options; got \\['cycle_mode'\\]"):
        neware_nda.read(shared(NEW_NDA), cycle_mode="chg")


# -- bad binary input ---------------------------------------------------------------------------
def _nda_block(data: bytes) -> tuple[int, int]:
    """Begin and length of the data block of an nda version 1-29 file (header bytes 64-71)."""
    return struct.unpack_from("<II", data, 64)


def test_truncated_nda(shared, tmp_path):
    data = shared(NEW_NDA).read_bytes()
    cut = tmp_path / "cut.nda"
    cut.write_bytes(data[: len(data) * 3 // 4])
    with pytest.raises(FileFormatError, match=r"Neware \.nda: .*file ends at byte .*truncated"):
        neware_nda.read(cut)
    cut.write_bytes(data[:100])
    with pytest.raises(FileFormatError, match=r"shorter than an .nda header"):
        neware_nda.read(cut)
    bts9 = shared(ISSUE72_NDA).read_bytes()
    cut.write_bytes(bts9[:200_000])
    with pytest.raises(FileFormatError, match=r"data block at bytes 1024-374544 .*truncated"):
        neware_nda.read(cut)


def test_corrupted_nda_record_identifier(shared, tmp_path):
    data = bytearray(shared(NEW_NDA).read_bytes())
    begin, _ = _nda_block(data)
    data[begin + 10 * 86] = 0x00  # record 11 of 86 bytes loses its 0x55 identifier
    bad = tmp_path / "bad.nda"
    bad.write_bytes(bytes(data))
    with pytest.raises(FileFormatError, match=r"record 11 of 445 .*identifier 0x00.*corrupted"):
        neware_nda.read(bad)


def test_corrupted_nda_values(shared, tmp_path):
    data = bytearray(shared(NEW_NDA).read_bytes())
    begin, _ = _nda_block(data)
    # record 3 (a 0x55 data record, after the 0xaa step record at the block start): its int32
    # voltage in 0.1 mV at byte 22 becomes 2**31-1, i.e. 214748 V
    assert data[begin + 2 * 86] == 0x55
    data[begin + 2 * 86 + 22 : begin + 2 * 86 + 26] = struct.pack("<i", 2**31 - 1)
    bad = tmp_path / "bad.nda"
    bad.write_bytes(bytes(data))
    with pytest.raises(FileFormatError, match=r"row 2 \(record 2\) has the voltage 214748 V"):
        neware_nda.read(bad)


def test_unknown_nda_version(shared, tmp_path):
    data = bytearray(shared(NEW_NDA).read_bytes())
    data[14] = 200  # the version byte
    bad = tmp_path / "v200.nda"
    bad.write_bytes(bytes(data))
    with pytest.raises(FileFormatError, match=r"nda version 200 .*cannot decode it"):
        neware_nda.read(bad)


def test_truncated_and_corrupted_ndax(shared, tmp_path):
    data = shared(NAVANI_NDAX).read_bytes()
    cut = tmp_path / "cut.ndax"
    cut.write_bytes(data[: len(data) // 2])  # the zip directory at the end is gone
    with pytest.raises(FileFormatError, match=r"Neware \.ndax: not a readable zip archive"):
        neware_nda.read(cut)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo("data.ndc")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    bad = bytearray(data)
    for k in range(start + 100, start + 140):  # garble 40 bytes of the deflated data.ndc
        bad[k] ^= 0x5A
    cut.write_bytes(bytes(bad))
    with pytest.raises(FileFormatError, match=r"member data\.ndc .*(corrupted|inflate)"):
        neware_nda.read(cut)


def test_zip_that_is_not_an_ndax(tmp_path):
    fake = tmp_path / "notes.ndax"
    with zipfile.ZipFile(fake, "w") as zf:
        zf.writestr("readme.txt", "not a Neware file")
    assert neware_nda.sniff(fake.read_bytes(), fake) == 0
    with pytest.raises(FileFormatError, match=r"holds no data.ndc member .*readme.txt"):
        neware_nda.read(fake)


def test_garbage_and_empty(tmp_path):
    junk = tmp_path / "junk.nda"
    junk.write_bytes(np.random.default_rng(1).integers(0, 256, 4096, dtype=np.uint8).tobytes())
    assert neware_nda.sniff(junk.read_bytes(), junk) == 0
    with pytest.raises(FileFormatError, match=r"neither an .nda file .* nor an .ndax zip"):
        neware_nda.read(junk)
    empty = tmp_path / "empty.ndax"
    empty.write_bytes(b"")
    with pytest.raises(FileFormatError, match=r"Neware \.ndax: the file is empty"):
        neware_nda.read(empty)
    text = tmp_path / "table.nda"
    text.write_text("Time,Voltage,Current\n0,3.2,0.1\n")
    with pytest.raises(FileFormatError, match="starts with b'Time,Vol'"):
        neware_nda.read(text)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fraction=st.floats(0.0, 1.0, exclude_max=True))
def test_truncation_never_gives_a_shorter_table(fraction):
    # any cut either fails with FileFormatError or (past every block the header declares:
    # the tail of a BTS 9 file holds a log) gives every record
    path = SHARED_CYCLER / ISSUE72_NDA
    if not path.is_file():
        pytest.skip(f"shared file {ISSUE72_NDA} not found")
    data = path.read_bytes()
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        cut = Path(folder) / "cut.nda"
        cut.write_bytes(data[: int(fraction * len(data))])
        try:
            result = neware_nda.read(cut)
        except FileFormatError:
            return
        assert len(result) == MANIFEST_ROWS[ISSUE72_NDA]


# -- CSV: the flat record layer -----------------------------------------------------------------
def test_csv_rows_detection_untouched(shared):
    path = shared(UIO_CSV)
    before = file_digest(path)
    data = neware_csv.read(path)
    assert len(data) == 9065  # MANIFEST.md: pandas.read_csv OK 9065 rows
    assert lio.detect(path).name == "neware-csv"
    assert file_digest(path) == before
    assert data.meta.format == "neware-csv" and data.meta.instrument == "Neware"


def _clock_s(text: pd.Series) -> np.ndarray:
    """'h:mm:ss' (hours may pass 24) -> seconds, with pandas."""
    return pd.to_timedelta(text).dt.total_seconds().to_numpy()


def test_csv_equals_pandas(shared):
    path = shared(UIO_CSV)
    ours = neware_csv.read(path).table
    # pandas as the independent reader, floats parsed exactly (see pandas_reference)
    ref = read_csv_exact(path)
    # units in the labels: Current(A), Voltage(V), Capacity(Ah) [x 3600 -> C], Energy(Wh)
    # [x 3600 -> J], Power(W), Contact resistance(mO) [x 1e-3 -> ohm], dQ/dV(mAh/V) [x 3.6]
    np.testing.assert_array_equal(ours["voltage_V"], ref["Voltage(V)"])
    np.testing.assert_array_equal(ours["current_A"], ref["Current(A)"])
    np.testing.assert_array_equal(ours["time_s"], _clock_s(ref["Cumulative Time"]))
    np.testing.assert_array_equal(ours["step_time_s"], _clock_s(ref["Time"]))
    np.testing.assert_array_equal(ours["cycle"], ref["Cycle Index"])
    np.testing.assert_array_equal(ours["step_index"], ref["Step Index"])
    np.testing.assert_array_equal(ours["record_index"], ref["DataPoint"])
    np.testing.assert_allclose(ours["step_capacity_C"], ref["Capacity(Ah)"] * 3600, rtol=1e-12)
    np.testing.assert_allclose(
        ours["step_discharge_capacity_C"], ref["DChg. Cap.(Ah)"] * 3600, rtol=1e-12
    )
    np.testing.assert_allclose(ours["step_charge_energy_J"], ref["Chg. Energy(Wh)"] * 3600)
    np.testing.assert_allclose(ours["power_W"], ref["Power(W)"])
    np.testing.assert_allclose(ours["dqdv_C_V"], ref["dQ/dV(mAh/V)"] * 3.6)
    np.testing.assert_allclose(ours["contact_resistance_ohm"], ref["Contact resistance(mO)"] * 1e-3)
    assert ours["step_type"].to_list() == ref["Step Type"].tolist()
    dates = pd.to_datetime(ref["Date"]).to_numpy().astype("datetime64[us]")
    np.testing.assert_array_equal(ours["date_time"].to_numpy(), dates)


def test_csv_steps_kinds_sign_and_mass(shared):
    data = neware_csv.read(shared(UIO_CSV))
    t = data.table
    ref = read_csv_exact(shared(UIO_CSV))
    kinds = dict(zip(ref["Step Type"], t["step_kind"].cast(pl.String), strict=True))
    assert kinds == {"Rest": "rest", "CC DChg": "discharge", "CC Chg": "charge"}
    # sign as written: the 4667 CC DChg rows carry negative (or zero at the step start) current
    dchg = (ref["Step Type"] == "CC DChg").to_numpy()
    assert (t["current_A"].to_numpy()[dchg] <= 0).all() and dchg.sum() == 4667
    # running step: +1 at each change of (Cycle Index, Step Index); 29 blocks in the file
    blocks = (ref[["Cycle Index", "Step Index"]].diff().abs().sum(axis=1) > 0).cumsum() + 1
    np.testing.assert_array_equal(t["step"], blocks)
    # active mass: Capacity(Ah) / Spec. Cap.(mAh/g) of the last row = 1.43796 mAh / 691.33 mAh/g
    assert data.meta.mass_kg == pytest.approx(1.43796 / 691.33 * 1e-3, rel=1e-3)
    assert data.meta.start_time.isoformat() == "2022-05-18T16:27:52"


def test_csv_truncated_and_corrupted(shared, tmp_path):
    data = shared(UIO_CSV).read_bytes()
    cut = tmp_path / "cut.csv"
    line_start = data.index(b"\n", len(data) // 2) + 1
    cut.write_bytes(data[: line_start + 20])  # stops inside a record line
    with pytest.raises(FileFormatError, match=r"last line has 5 of 26 fields .*truncated"):
        neware_csv.read(cut)
    bad = bytearray(data)
    at = data.index(b"\n", len(data) // 2) + 1
    field = bytes(data[at:]).split(b",")[6]  # the Current(A) field of that row
    bad[at + bytes(data[at:]).index(field)] = ord("x")
    cut.write_bytes(bytes(bad))
    with pytest.raises(FileFormatError, match="data table from line 2 unreadable"):
        neware_csv.read(cut)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(FileFormatError, match="the file is empty"):
        neware_csv.read(empty)


def test_csv_not_neware(tmp_path):
    other = tmp_path / "other.csv"
    other.write_text("a,b,c\n1,2,3\n")
    assert neware_csv.sniff(other.read_bytes(), other) == 0
    with pytest.raises(FileFormatError, match="no BTSDA header found in the first 30 lines"):
        neware_csv.read(other)


# -- CSV: cycle/step/record layers in one sheet -------------------------------------------------
#: A nested BTSDA 7 export written here from known values: cycle 1 = a 2 s CC charge at
#: +1000 mA (records at 0, 1, 2 s of step time), then 1 s of rest; cycle 2 = a 1 s CC discharge
#: at -1000 mA. Laid end to end (each step starts where the longest step time of the steps
#: before it adds up to): 0, 1, 2 | 2, 3 | 3, 4 s.
NESTED_ROWS = [
    ["Cycle ID", "Cap_Chg(mAh)", "Cap_DChg(mAh)", "Specific Capacity-Chg(mAh/g)"],
    ["", "Step ID", "Step Name", "Step Time(h:min:s.ms)", "Capacity(mAh)"],
    ["", "", "Record ID", "Time(h:min:s.ms)", "Voltage(V)", "Current(mA)", "Temperature(C)",
     "Capacity(mAh)", "Energy(mWh)", "Realtime"],
    ["1", "0.5556", "0", "100"],
    ["", "1", "CC_Chg", "0:00:02.000", "0.5556"],
    ["", "", "1", "0:00:00.000", "3.20", "1000", "25.0", "0", "0", "2024-01-01 10:00:00"],
    ["", "", "2", "0:00:01.000", "3.30", "1000", "25.1", "0.2778", "0.9", "2024-01-01 10:00:01"],
    ["", "", "3", "0:00:02.000", "3.40", "1000", "25.2", "0.5556", "1.8", "2024-01-01 10:00:02"],
    ["", "2", "Rest", "0:00:01.000", "0"],
    ["", "", "4", "0:00:00.000", "3.35", "0", "25.2", "0", "0", "2024-01-01 10:00:03"],
    ["", "", "5", "0:00:01.000", "3.34", "0", "25.2", "0", "0", "2024-01-01 10:00:04"],
    ["2", "0", "0.2778", "0"],
    ["", "3", "CC_DChg", "0:00:01.000", "0.2778"],
    ["", "", "6", "0:00:00.000", "3.30", "-1000", "25.3", "0", "0", "2024-01-01 10:00:05"],
    ["", "", "7", "0:00:01.000", "3.10", "-1000", "25.3", "0.2778", "0.86", "2024-01-01 10:00:06"],
]  # fmt: skip
NESTED_EXPECTED = {
    "time_s": [0.0, 1.0, 2.0, 2.0, 3.0, 3.0, 4.0],
    "step_time_s": [0.0, 1.0, 2.0, 0.0, 1.0, 0.0, 1.0],
    "voltage_V": [3.20, 3.30, 3.40, 3.35, 3.34, 3.30, 3.10],
    "current_A": [1.0, 1.0, 1.0, 0.0, 0.0, -1.0, -1.0],
    "cycle": [1, 1, 1, 1, 1, 2, 2],
    "step": [1, 1, 1, 2, 2, 3, 3],
    "step_index": [1, 1, 1, 2, 2, 3, 3],
    "step_kind": ["charge"] * 3 + ["rest"] * 2 + ["discharge"] * 2,
    "temperature_K": [298.15, 298.25, 298.35, 298.35, 298.35, 298.45, 298.45],
    "step_capacity_C": [0.0, 1.00008, 2.00016, 0.0, 0.0, 0.0, 1.00008],  # mAh x 3.6
    "record_index": [1, 2, 3, 4, 5, 6, 7],
}


def _write_csv(path: Path, rows: list[list[str]], sep: str = ",") -> Path:
    with open(path, "w", newline="") as fh:
        csv.writer(fh, delimiter=sep, lineterminator="\n").writerows(rows)
    return path


def _check_nested(data) -> None:
    t = data.table
    for col, expected in NESTED_EXPECTED.items():
        got = t[col].cast(pl.String).to_list() if col == "step_kind" else t[col].to_list()
        if isinstance(expected[0], float):
            np.testing.assert_allclose(got, expected, rtol=1e-12, err_msg=col)
        else:
            assert got == expected, col
    assert t["step_type"].to_list() == ["CC_Chg"] * 3 + ["Rest"] * 2 + ["CC_DChg"] * 2
    assert t["date_time"][6].isoformat() == "2024-01-01T10:00:06"


@pytest.mark.parametrize("sep", [",", "\t"])
def test_nested_layout_csv(tmp_path, sep):
    path = _write_csv(tmp_path / "nested.csv", NESTED_ROWS, sep)
    assert lio.detect(path).name == "neware-csv"
    data = neware_csv.read(path)
    _check_nested(data)
    assert data.meta.format_version == "BTSDA export, cycle/step/record layers"
    assert data.meta.start_time.isoformat() == "2024-01-01T10:00:00"


def test_nested_layout_unsigned_discharge(tmp_path):
    rows = [list(r) for r in NESTED_ROWS]
    rows[-2][5] = rows[-1][5] = "1000"  # the discharge written without sign
    data = neware_csv.read(_write_csv(tmp_path / "unsigned.csv", rows))
    assert data.table["current_A"].to_list() == NESTED_EXPECTED["current_A"]
    assert any("unsigned" in str(e) for e in data.meta.all_provenance())


def test_nested_layout_without_records(tmp_path):
    path = _write_csv(tmp_path / "empty.csv", NESTED_ROWS[:5])
    with pytest.raises(FileFormatError, match="nested export holds no record rows"):
        neware_csv.read(path)


def _numbers(row: list[str]) -> list[object]:
    out: list[object] = []
    for cell in row:
        try:
            out.append(float(cell))
        except ValueError:
            out.append(cell or None)
    return out


def test_xlsx_nested_and_flat(shared, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    for row in NESTED_ROWS:
        sheet.append(_numbers(row))
    nested = tmp_path / "nested.xlsx"
    book.save(nested)
    data = neware_csv.read(nested)
    _check_nested(data)
    assert lio.detect(nested).name == "neware-csv"  # by the labels in sharedStrings.xml
    # BTSDA 8 workbook: 'cycle', 'step' and 'record' sheets; the record layer is the CSV's
    lines = shared(UIO_CSV).read_text().splitlines()[:200]
    rows = list(csv.reader(lines))
    book = openpyxl.Workbook()
    book.active.title = "cycle"
    book.active.append(["Cycle Index", "Chg. Cap.(Ah)"])
    book.create_sheet("step").append(["Step Index", "Step Type"])
    record = book.create_sheet("record")
    record.append(rows[0])
    for row in rows[1:]:
        record.append(_numbers(row))
    flat = tmp_path / "flat.xlsx"
    book.save(flat)
    assert lio.detect(flat).name == "neware-csv"
    from_xlsx = neware_csv.read(flat).table
    from_csv = neware_csv.read(_write_csv(tmp_path / "flat.csv", rows)).table
    for col in ("time_s", "voltage_V", "current_A", "cycle", "step", "step_time_s"):
        np.testing.assert_array_equal(from_xlsx[col], from_csv[col], err_msg=col)
    with pytest.raises(FileFormatError, match="no sheet named 'data'"):
        neware_csv.read(flat, sheet="data")


def test_unknown_csv_column_is_kept_with_a_warning(shared, tmp_path):
    lines = shared(UIO_CSV).read_text().splitlines()[:20]
    rows = [[*r, "Probe X"] if k == 0 else [*r, "1.5"] for k, r in enumerate(csv.reader(lines))]
    path = _write_csv(tmp_path / "extra.csv", rows)
    with pytest.warns(UnknownColumnWarning, match="'Probe X' is not a known BTSDA column"):
        data = neware_csv.read(path)
    assert data.table["probe_x"].to_list() == [1.5] * 19


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    ops=st.lists(
        st.tuples(
            st.sampled_from(["truncate", "flip", "insert", "delete"]),
            st.floats(0, 1, exclude_max=True),
            st.binary(min_size=1, max_size=8),
        ),
        min_size=1,
        max_size=3,
    )
)
def test_nested_layout_survives_mutations(ops):
    # truncated, flipped, inserted or deleted bytes give CellData or a FileFormatError, never
    # another exception (the nested layout is not among test_fuzz.py's seeds)
    import tempfile

    data = bytearray(b"".join(",".join(row).encode() + b"\n" for row in NESTED_ROWS))
    for kind, where, blob in ops:
        at = int(where * len(data)) if data else 0
        if kind == "truncate":
            del data[at:]
        elif kind == "flip" and data:
            data[min(at, len(data) - 1)] ^= blob[0] or 1
        elif kind == "insert":
            data[at:at] = blob
        else:
            del data[at : at + len(blob)]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "nested.csv"
        path.write_bytes(bytes(data))
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UnknownColumnWarning)
                result = neware_csv.read(path)
        except FileFormatError:
            return
        assert np.isfinite(result["time_s"]).all()
        assert len(result["voltage_V"]) == len(result)


# -- bare .ndc files (as BTS server writes them, outside an .ndax archive) ----------------------
def test_bare_ndc_version5_reads_as_its_ndax(shared, tmp_path):
    """The data.ndc member of navani__test.ndax (ndc version 5) written as a file of its own:
    every record column is in it, so it reads to the same time, voltage, current, cycle and
    step as the archive (reference: the archive read by the .ndax path)."""
    import zipfile

    archive = shared("navani__test.ndax")
    bare = tmp_path / "channel_1.ndc"
    bare.write_bytes(zipfile.ZipFile(archive).read("data.ndc"))
    assert lio.detect(bare).name == "neware-nda"
    ndc, ndax = lio.read(bare), lio.read(archive)
    assert ndc.meta.format == "neware-ndc" and len(ndc) == len(ndax) == MANIFEST_ROWS[NAVANI_NDAX]
    for col in ("time_s", "voltage_V", "current_A", "cycle", "step"):
        np.testing.assert_array_equal(ndc[col], ndax[col], err_msg=col)


def test_bare_ndc_of_newer_version_names_what_it_lacks(shared, tmp_path):
    import zipfile

    bare = tmp_path / "data.ndc"
    archive = shared("newarenda__Issue94_Unit27_Example_Data_File.ndax")  # ndc version 14
    bare.write_bytes(zipfile.ZipFile(archive).read("data.ndc"))
    with pytest.raises(FileFormatError, match=r"version 14\) holds only .*read the .ndax file"):
        lio.read(bare)
