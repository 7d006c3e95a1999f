"""LAND / LANHE exports.

No LAND file is in ../shared, so every file here is synthesised in ``tmp_path`` (xlsx with
openpyxl, csv as text) in a layout documented by a public reader of these exports, named at
each builder: navani (be-smith/navani, MIT), LANDT-py (toby-hayhurst/LANDT-py), BatteryML
(microsoft/BatteryML, MIT) and a public script reading LANHE Chinese exports. The expected
values are those written into the files (known by construction).
"""

from __future__ import annotations

import contextlib
from datetime import datetime

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import file_digest

import lithiophile.io as lio
from lithiophile.errors import FileFormatError, LithiophileError
from lithiophile.io import land

openpyxl = pytest.importorskip("openpyxl", reason="openpyxl (test-only) writes the workbooks")

# one charge (+0.5 mA, 3.0 -> 3.4 V), a rest, one discharge (-0.5 mA, 3.4 -> 3.0 V), 10 s apart
N = 15
T = np.arange(N) * 10.0
I_MA = np.array([0.5] * 5 + [0.0] * 5 + [-0.5] * 5)
V = np.concatenate([3.0 + 0.1 * np.arange(5), [3.4] * 5, 3.4 - 0.1 * np.arange(5)])
STEP = np.array([1] * 5 + [2] * 5 + [3] * 5)
STATE_EN = ["CCC"] * 5 + ["Rest"] * 5 + ["CCD"] * 5
CAP_MAH = np.concatenate(
    [np.arange(5) * 0.5 * 10 / 3600, np.zeros(5), np.arange(5) * 0.5 * 10 / 3600]
)
KINDS = ["charge"] * 5 + ["rest"] * 5 + ["discharge"] * 5


def _save(wb, path):
    wb.save(path)
    return path


def landtpy_workbook(path, *, unsigned=True):
    """LANDT-py's README layout: sheets Record-Tab, Step-Tab, Cycle-Tab; record labels
    TestTime/Sec, StepTime/Sec, Current/mA, Voltage/V, AuxVolt/V, SysTime, StepNo, StepStatus."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Record-Tab"
    ws.append(
        [
            "TestTime/Sec",
            "StepTime/Sec",
            "Current/mA",
            "Voltage/V",
            "AuxVolt/V",
            "SysTime",
            "StepNo",
            "StepStatus",
        ]
    )
    for k in range(N):
        current = abs(I_MA[k]) if unsigned else I_MA[k]
        ws.append(
            [
                T[k],
                T[k] - T[STEP[k] == STEP][0],
                current,
                V[k],
                0.0,
                f"2024-01-02 03:04:{k:02d}",
                int(STEP[k]),
                STATE_EN[k],
            ]
        )
    step = wb.create_sheet("Step-Tab")
    step.append(
        ["Step", "Mode", "Period/Sec", "Capacity/mAh", "Power/mWh", "StartVolt/V", "EndVolt/V"]
    )
    step.append([1, "CCC", 40, 0.0056, 0.02, 3.0, 3.4])
    wb.create_sheet("Cycle-Tab").append(["Cycle", "CapC/mAh", "CapD/mAh"])
    return _save(wb, path)


def test_landtpy_layout_unsigned_current(tmp_path):
    p = landtpy_workbook(tmp_path / "cell_240102_001_1.xlsx")
    before = file_digest(p)
    assert lio.detect(p).name == "land"
    data = lio.read(p)
    assert file_digest(p) == before
    assert len(data) == N
    np.testing.assert_allclose(data["time_s"], T)
    np.testing.assert_allclose(data["voltage_V"], V)
    # unsigned in the file; CCC -> +, CCD -> - (the package's convention)
    np.testing.assert_allclose(data["current_A"], I_MA * 1e-3)
    assert data["step"].tolist() == STEP.tolist()
    assert data.table.get_column("step_kind").cast(str).to_list() == KINDS
    assert data.meta.start_time == datetime(2024, 1, 2, 3, 4, 0)
    assert data.meta.header["record_sheets"] == ["Record-Tab"]
    assert data.meta.format == "land"
    assert data.meta.instrument == "LAND"


def test_navani_old_layout_headerless_continuation(tmp_path):
    """navani's old_land_processing: sheets 'Record', then 'Record1' continuing without a header;
    labels Index, TestTime/h, Current/mA (signed), Voltage/V, Capacity/mAh."""
    wb = openpyxl.Workbook()
    first = wb.active
    first.title = "Record"
    first.append(["Index", "TestTime/h", "Current/mA", "Voltage/V", "Capacity/mAh"])
    second = wb.create_sheet("Record1")
    for k in range(N):
        (first if k < 8 else second).append([k + 1, T[k] / 3600, I_MA[k], V[k], CAP_MAH[k]])
    p = _save(wb, tmp_path / "navani_old.xlsx")
    data = lio.read(p)
    assert len(data) == N
    np.testing.assert_allclose(data["time_s"], T, rtol=1e-12)
    np.testing.assert_allclose(data["current_A"], I_MA * 1e-3)
    np.testing.assert_allclose(data["capacity_C"], CAP_MAH * 3.6)
    assert data["record"].tolist() == list(range(1, N + 1))
    assert any("no header row" in n for n in data.meta.notes)
    # no state column: steps and kinds from the data
    assert data.table.get_column("step_kind").cast(str).to_list() == KINDS


def test_navani_new_layout_single_sheet_with_preamble(tmp_path):
    """navani's new_land_processing: one sheet, the header row (holding 'Index') below a
    preamble."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["Test information"])
    ws.append(["Channel", "1-3"])
    ws.append([])
    ws.append(["Index", "TestTime/h", "Current/mA", "Voltage/V", "Capacity/mAh", "SpeCap/mAh/g"])
    for k in range(N):
        ws.append([k + 1, T[k] / 3600, I_MA[k], V[k], CAP_MAH[k], CAP_MAH[k] / 0.002])
    p = _save(wb, tmp_path / "navani_new.xlsx")
    assert land.sniff(p.read_bytes()[:65536], p) == 65
    data = lio.read(p)
    np.testing.assert_allclose(data["current_A"], I_MA * 1e-3)
    # mAh/g -> C/kg: x 3600 (1 mAh = 3.6 C, 1 g = 1e-3 kg)
    np.testing.assert_allclose(data["specific_capacity_C_kg"], CAP_MAH / 0.002 * 3600)
    assert data.meta.header["preamble"][0] == ["Test information"]


def batteryml_chinese_workbook(path):
    """BatteryML's ZN-coin preprocessor: sheets 记录 and 记录(2) (each with its header), 循环;
    labels 循环序号, 电流/mA, 电压/V, 容量/mAh, 测试时间 (h:mm:ss),
    系统时间 (%Y-%m-%d %H:%M:%S.%f)."""
    wb = openpyxl.Workbook()
    labels = ["循环序号", "工步序号", "测试时间", "电流/mA", "电压/V", "容量/mAh", "系统时间"]
    first = wb.active
    first.title = "记录"
    second = wb.create_sheet("记录(2)")
    first.append(labels)
    second.append(labels)
    for k in range(N):
        clock = f"{int(T[k]) // 3600}:{int(T[k]) // 60 % 60:02d}:{int(T[k]) % 60:02d}"
        (first if k < 9 else second).append(
            [1, int(STEP[k]), clock, I_MA[k], V[k], CAP_MAH[k], f"2023-12-05 23:00:{k:02d}.500"]
        )
    wb.create_sheet("循环").append(["循环序号", "充电容量/mAh", "放电容量/mAh"])
    return _save(wb, path)


def test_batteryml_chinese_layout(tmp_path):
    p = batteryml_chinese_workbook(tmp_path / "我的设备_202软包.xlsx")
    assert land.sniff(p.read_bytes()[:65536], p) == 85
    data = lio.read(p)
    np.testing.assert_allclose(data["time_s"], T)
    np.testing.assert_allclose(data["current_A"], I_MA * 1e-3)
    assert data["cycle"].tolist() == [1] * N
    assert data.meta.start_time == datetime(2023, 12, 5, 23, 0, 0, 500000)
    assert data.meta.header["record_sheets"] == ["记录", "记录(2)"]


def lanhe_script_workbook(path):
    """A public script reading LANHE Chinese exports: a title row above the header, labels
    测试时间 (d-hh:mm:ss past a day), 步骤时间, 电流/A, 容量/Ah, 电压/V, 辅助温度/℃, 工步状态 (CCC,
    CVC, CCD), and the header row repeated inside the table."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "具体数据系列2"
    labels = ["测试时间", "步骤时间", "电流/A", "容量/Ah", "电压/V", "辅助温度/℃", "工步状态"]
    ws.append(["3号电池 具体数据"])
    ws.append(labels)
    states = ["CCC", "CCC", "CVC", "CVC", "CCD", "CCD"]
    currents = [0.002, 0.002, 0.0015, 0.0010, 0.002, 0.002]  # unsigned, in A
    volts = [4.0, 4.2, 4.2, 4.2, 3.9, 3.8]
    times = ["0-23:59:58", "0-23:59:59", "1-00:00:00", "1-00:00:01", "2-05:50:36", "2-05:50:37"]
    for k in range(6):
        if k == 4:
            ws.append(labels)  # a segment boundary repeats the header
        ws.append([times[k], "0:00:01", currents[k], 0.001 * k, volts[k], 25.0, states[k]])
    return _save(wb, path)


def test_lanhe_script_layout(tmp_path):
    p = lanhe_script_workbook(tmp_path / "3号电池.xlsx")
    assert lio.detect(p).name == "land"
    data = lio.read(p)
    assert len(data) == 6  # the repeated header row is not data
    # d-hh:mm:ss: 0-23:59:58 = 86398 s ... 2-05:50:36 = 2*86400 + 5*3600 + 50*60 + 36
    np.testing.assert_allclose(data["time_s"], [86398, 86399, 86400, 86401, 193836, 193837])
    np.testing.assert_allclose(data["current_A"], [0.002, 0.002, 0.0015, 0.001, -0.002, -0.002])
    np.testing.assert_allclose(data["capacity_C"], np.arange(6) * 0.001 * 3600)
    np.testing.assert_allclose(data["temperature_K"], 298.15)
    assert data.table.get_column("step_kind").cast(str).to_list() == [
        "charge",
        "charge",
        "cv",
        "cv",
        "discharge",
        "discharge",
    ]


def test_csv_exports(tmp_path):
    # the LANDT-py record labels written as CSV (comma), and the BatteryML Chinese labels as
    # tab-separated GB18030 text (Chinese Windows' code page)
    rows = ["TestTime/Sec,Current/mA,Voltage/V,StepNo,StepStatus"]
    rows += [f"{T[k]},{abs(I_MA[k])},{V[k]},{STEP[k]},{STATE_EN[k]}" for k in range(N)]
    p = tmp_path / "land.csv"
    p.write_text("\r\n".join(rows) + "\r\n")
    assert lio.detect(p).name == "land"
    data = lio.read(p)
    np.testing.assert_allclose(data["current_A"], I_MA * 1e-3)
    rows = ["循环序号\t测试时间\t电流/mA\t电压/V\t工步状态"]
    state_cn = {"CCC": "恒流充电", "Rest": "静置", "CCD": "恒流放电"}
    rows += [
        f"1\t0:00:{int(T[k]) % 60:02d}\t{abs(I_MA[k])}\t{V[k]}\t{state_cn[STATE_EN[k]]}"
        for k in range(6)
    ]
    q = tmp_path / "land_cn.txt"
    q.write_bytes(("\n".join(rows) + "\n").encode("gb18030"))
    assert lio.detect(q).name == "land"
    cn = lio.read(q)
    np.testing.assert_allclose(cn["current_A"], I_MA[:6] * 1e-3)
    assert cn.table.get_column("step_kind").cast(str).to_list() == KINDS[:6]


def test_not_land(shared, tmp_path):
    # an Arbin workbook (navani example: sheets Global_Info, Channel_11_1, labels "Current(A)")
    p = shared("navani__bs542_004_gr_li_50ua_50mv_1v_191020_Channel_11.xlsx")
    assert land.sniff(p.read_bytes()[:65536], p) == 0
    # a Neware-style CSV (labels "Current(mA)") is not LAND either
    q = tmp_path / "neware.csv"
    q.write_text("Record ID,Time(h:min:s.ms),Voltage(V),Current(mA)\n1,0:00:00.000,3.0,0.5\n")
    assert land.sniff(q.read_bytes(), q) == 0


# -- bad input -----------------------------------------------------------------------------


def test_corrupted_cell_names_sheet_and_row(tmp_path):
    p = landtpy_workbook(tmp_path / "bad.xlsx")
    wb = openpyxl.load_workbook(p)
    wb["Record-Tab"]["C5"] = "0.5mA"  # Current/mA of the 4th data row (sheet row 5)
    wb.save(p)
    with pytest.raises(FileFormatError, match=r"sheet 'Record-Tab' row 5: 'Current/mA' is '0.5mA'"):
        lio.read(p)


def test_truncated_workbook_and_csv(tmp_path):
    p = landtpy_workbook(tmp_path / "full.xlsx")
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(p.read_bytes()[:2000])
    with pytest.raises(FileFormatError, match=r"not a readable \.xlsx workbook"):
        lio.read(cut, format="land")
    q = tmp_path / "cut.csv"
    rows = ["TestTime/Sec,Current/mA,Voltage/V"] + [f"{T[k]},{I_MA[k]},{V[k]}" for k in range(N)]
    q.write_text("\n".join(rows)[:-5])
    with pytest.raises(FileFormatError, match=r"line 16 \(the last\) has 2 fields .*truncated"):
        lio.read(q, format="land")


def test_empty_binary_and_wrong_layout(shared, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(FileFormatError, match="empty"):
        land.read(empty)
    garbage = tmp_path / "garbage.csv"
    garbage.write_bytes(bytes(range(256)) * 30)
    with pytest.raises(FileFormatError, match="binary"):
        land.read(garbage)
    with pytest.raises(FileFormatError, match="no header line with current and voltage labels"):
        land.read(shared("bdtk__maccor_example.001"))
    wb = openpyxl.Workbook()
    wb.active.append(["a", "b"])
    other = _save(wb, tmp_path / "other.xlsx")
    with pytest.raises(FileFormatError, match="no record sheet"):
        land.read(other)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    cut=st.floats(min_value=0.0, max_value=1.0),
    flips=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), max_size=6),
)
def test_fuzz_damaged_workbooks(tmp_path, cut, flips):
    raw = bytearray(batteryml_chinese_workbook(tmp_path / "src.xlsx").read_bytes())
    raw = raw[: max(1, int(len(raw) * cut))]
    for pos, value in flips:
        raw[min(len(raw) - 1, int(pos * len(raw)))] = value
    p = tmp_path / "fuzz.xlsx"
    p.write_bytes(bytes(raw))
    with contextlib.suppress(LithiophileError):
        land.read(p)


def test_xlsx_text_helpers_resolve_character_entities():
    from lithiophile.io.table import xlsx_sheet_names, xlsx_strings

    # what openpyxl with lxml writes for the sheet 记录 and the label 电流/mA (U+8BB0 U+5F55,
    # U+7535 U+6D41): character references, resolved here as any XML parser would
    book = '<sheets><sheet name="&#35760;&#24405;" sheetId="1"/><x:sheet name="cycle"/></sheets>'
    assert xlsx_sheet_names(book) == ["记录", "cycle"]
    cells = '<c t="inlineStr"><is><t>&#30005;&#27969;/mA</t></is></c><si><t xml:space="p">V</t>'
    assert xlsx_strings(cells) == ["电流/mA", "V"]
