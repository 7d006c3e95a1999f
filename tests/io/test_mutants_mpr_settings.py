"""The .mpr settings, log and loop modules and the module headers, decoded from contents built
here byte by byte at the offsets the module documents (and galvani and the .mpt twins agree
on): technique id at byte 0, electrode material and electrolyte as length-prefixed text at
0x11E and 0x1C0, surface area (float32) at 0x211 in the unit of byte 0x250 (2 = cm², 3 = mm²),
characteristic mass (float32) at 0x24C in the unit of byte 0x251 (1 = g); the log's OLE start
date (float64, days since 1899-12-30) at 0x249 and version texts at 0x3B7, 0x3BE, 0x3C5, 0x3CF;
the loop module's u32 count then that many u32 row starts. Written to kill the mutants mutmut
left alive in biologic_mpr.py (issue 11 item 20)."""

from __future__ import annotations

import dataclasses
import struct
from datetime import datetime, timedelta

import numpy as np
import pytest

from lithiophile.errors import FileFormatError
from lithiophile.io.biologic_mpr import MAGIC, _log, _loops, _Module, _Reader, _settings, parse


def _reader(content: bytes) -> tuple[_Reader, _Module]:
    """A reader over 10 bytes, then ``content`` as one module's content."""
    mod = _Module(0, "VMP Set", "", 10, len(content), 0, None, "", False)
    return _Reader(bytes(10) + content, "m.mpr"), mod


def _text(buf: bytearray, at: int, s: str) -> None:
    raw = s.encode("cp1252")
    buf[at] = len(raw)
    buf[at + 1 : at + 1 + len(raw)] = raw


def _settings_content(
    tid=0x04, area=1.131, area_unit=2, mass=12.5, mass_unit=1, material="Li foil", lyte="LP30"
):
    buf = bytearray(0x260)
    buf[0] = tid
    _text(buf, 0x11E, material)
    _text(buf, 0x1C0, lyte)
    struct.pack_into("<f", buf, 0x211, area)
    struct.pack_into("<f", buf, 0x24C, mass)
    buf[0x250] = area_unit
    buf[0x251] = mass_unit
    return bytes(buf)


def _decode(content: bytes) -> tuple[dict, list[str]]:
    rd, mod = _reader(content)
    info: dict = {"header": {}}
    notes: list[str] = []
    _settings(rd, mod, info, notes)
    return info, notes


def _f32(x: float) -> float:
    return struct.unpack("<f", struct.pack("<f", x))[0]


def test_settings_in_cm2_and_g():
    info, notes = _decode(_settings_content())
    assert notes == []
    assert info["technique_id"] == 4 and info["techniques"] == ("GCPL",)
    assert info["header"] == {
        "electrode_material": "Li foil",
        "electrolyte": "LP30",
        "electrode_surface_area": pytest.approx(_f32(1.131), rel=1e-7),
        "electrode_surface_area_unit_code": 2,
        "characteristic_mass": 12.5,
        "characteristic_mass_unit_code": 1,
    }
    # 1.131 cm2 = 1.131e-4 m2; 12.5 g = 12.5e-3 kg
    assert info["area_m2"] == pytest.approx(1.131e-4, rel=1e-6)
    assert info["mass_kg"] == pytest.approx(12.5e-3, rel=1e-9)


def test_settings_in_mm2_and_mg_codes():
    # unit code 3: mm2 (113.1 mm2 = 1.131e-4 m2); mass code 2 taken as mg, and said
    info, notes = _decode(_settings_content(area=113.1, area_unit=3, mass=250.0, mass_unit=2))
    assert info["area_m2"] == pytest.approx(1.131e-4, rel=1e-6)
    assert info["mass_kg"] == pytest.approx(250e-6, rel=1e-9)
    assert notes == [
        "characteristic mass unit code 2 taken as mg (inferred, not confirmed by an export)"
    ]


def test_unknown_unit_codes_and_technique_are_said_and_set_nothing():
    info, notes = _decode(_settings_content(tid=0xEE, area_unit=7, mass_unit=5))
    assert "techniques" not in info and "area_m2" not in info and "mass_kg" not in info
    assert info["technique_id"] == 0xEE
    assert info["header"]["electrode_surface_area_unit_code"] == 7
    assert info["header"]["characteristic_mass_unit_code"] == 5
    assert notes == [
        "technique id 238 (0xEE) in the settings is not known to lithiophile",
        # the float32 shown by its shortest repr, as EC-Lab's export prints it
        "electrode surface area 1.131 has unit code 7, not known: area not set",
        "characteristic mass 12.5 has unit code 5, not known: mass not set",
    ]


def test_placeholder_values_are_kept_in_the_header_only():
    # EC-Lab writes 0.001 where the user gave no value: not an area or a mass
    info, notes = _decode(_settings_content(area=0.001, mass=0.001))
    assert "area_m2" not in info and "mass_kg" not in info and notes == []
    assert info["header"]["electrode_surface_area"] == pytest.approx(0.001, rel=1e-6)
    assert info["header"]["characteristic_mass"] == pytest.approx(0.001, rel=1e-6)


def _log_content(days: float | None = 45000.25, texts=("11.50", "11.51", "11.52", "0042")):
    buf = bytearray(0x3E0)
    if days is not None:
        struct.pack_into("<d", buf, 0x249, days)
    for at, s in zip((0x3B7, 0x3BE, 0x3C5, 0x3CF), texts, strict=True):
        _text(buf, at, s)
    return bytes(buf)


def _log_info(content: bytes) -> dict:
    rd, mod = _reader(content)
    info: dict = {"header": {}}
    _log(rd, mod, info)
    return info


def test_log_start_time_and_versions():
    info = _log_info(_log_content())
    # OLE date: days since 1899-12-30; 45000.25 days is 2023-03-15 06:00
    assert info["start_time"] == datetime(1899, 12, 30) + timedelta(days=45000.25)
    assert info["start_time"] == datetime(2023, 3, 15, 6, 0)
    assert info["header"] == {
        "ec_lab_version": "11.50",
        "server_version": "11.51",
        "interpreter_version": "11.52",
        "device_serial": "0042",
    }


@pytest.mark.parametrize(
    ("days", "kept"),
    [(1.0, False), (1.5, True), (2_958_464.5, True), (2_958_465.0, False), (3e6, False)],
)
def test_log_start_time_only_within_the_years_1900_to_9999(days, kept):
    info = _log_info(_log_content(days=days))
    assert ("start_time" in info) is kept


def test_log_blank_texts_and_a_module_too_short_for_a_date():
    info = _log_info(_log_content(texts=("   ", "11.51", "", "0042")))
    assert info["header"] == {"server_version": "11.51", "device_serial": "0042"}
    short = _log_info(bytes(0x249 + 7))  # the date would end one byte past the module
    assert "start_time" not in short and short["header"] == {}


def _loop_content(count: int, starts: list[int], extra: int = 0) -> bytes:
    return struct.pack(f"<I{len(starts)}I", count, *starts) + bytes(extra)


def test_loop_starts():
    rd, mod = _reader(_loop_content(3, [0, 5, 10]))
    assert _loops(rd, mod, 10) == [0, 5]  # the last entry is the end, not a loop
    rd, mod = _reader(_loop_content(2, [0, 10]))
    assert _loops(rd, mod, 10) == [0]  # one loop
    rd, mod = _reader(_loop_content(1, [0], extra=8))
    assert _loops(rd, mod, 10) is None  # no loop boundaries
    rd, mod = _reader(_loop_content(3, [0, 5]))  # declares 3, holds 2: cut off
    assert _loops(rd, mod, 10) is None
    rd, mod = _reader(_loop_content(3, [0, 6, 5]))  # going back
    assert _loops(rd, mod, 10) is None
    rd, mod = _reader(_loop_content(3, [0, 5, 11]))  # past the last point
    assert _loops(rd, mod, 10) is None


def _header(short: str, long: str, length: int, version: int, date: str) -> bytes:
    """A short module header as documented: "MODULE", names (10, 25; space padded), length
    and version (u32), date (8 bytes)."""
    return (
        b"MODULE"
        + short.ljust(10).encode("latin-1")
        + long.ljust(25).encode("latin-1")
        + struct.pack("<II", length, version)
        + date.encode("latin-1")
    )


def test_module_headers_as_written():
    # content length 75 (0x4B, "K"): the byte after the long name is printable
    content = b"Z" + bytes(74)
    data = MAGIC.ljust(52, b"\x00") + _header("VMP Set", "VMP settings", 75, 0, "01/02/24")
    data += content
    ext = (
        b"MODULE"
        + b"VMP data".ljust(10)
        + b"VMP data".ljust(25)
        + b"\xff\xff\xff\xff"
        + struct.pack("<III", 3, 2, 7)
        + b"03/04/25"
        + b"ABC"
    )
    data += ext
    (a, b) = _Reader(data, "h.mpr").modules()
    assert (a.short, a.long, a.length, a.version, a.date) == (
        "VMP Set",
        "VMP settings",
        75,
        0,
        "01/02/24",
    )
    assert a.content == 52 + 57 and a.end == 52 + 57 + 75 and not a.extended
    assert (b.short, b.long, b.length, b.version, b.revision, b.date) == (
        "VMP data",
        "VMP data",
        3,
        2,
        7,
        "03/04/25",
    )
    assert b.extended and b.content == a.end + 65 and b.end == len(data)
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.length = 1  # type: ignore[misc]


def test_reads_from_an_open_file_stop_at_its_end(tmp_path):
    p = tmp_path / "f.bin"
    p.write_bytes(bytes(range(20)))
    with open(p, "rb") as fh:
        rd = _Reader(None, p, fh, 20)
        assert rd.at(18, 10) == bytes([18, 19])  # fewer at the end of the file
        assert rd.at(20, 10) == b""  # nothing past it
        assert _Reader(None, p, fh).size == 0


def test_loops_of_zero_points_are_kept():
    # a loop that recorded nothing starts where the next one does: [0, 5, 5, 10] -> three loops
    rd, mod = _reader(_loop_content(4, [0, 5, 5, 10]))
    assert _loops(rd, mod, 10) == [0, 5, 5]


def test_texts_with_tabs_and_line_ends_are_kept_control_bytes_are_not():
    rd, mod = _reader(b"\x07a\tb\r\nc!" + b"\x03a\x01b")
    assert rd.text(mod, 0) == "a\tb\r\nc!"
    assert rd.text(mod, 8) is None  # 0x01: not text


def test_errors_name_what_was_read(tmp_path):
    with pytest.raises(FileFormatError) as err:
        parse(b"not an mpr at all")
    assert str(err.value).startswith("cannot read '<bytes>' as BioLogic .mpr: ")
    with pytest.raises(FileFormatError) as err2:
        parse(tmp_path)  # a folder cannot be opened as a file
    assert "cannot open it (Is a directory)" in str(err2.value)
    # a module whose short name is blank, cut off: named '?'; its content would start at
    # 52 + 57 = 109 and the file ends 10 bytes later, at 119
    data = MAGIC.ljust(52, b"\x00") + _header("", "", 100, 0, "01/02/24") + bytes(10)
    with pytest.raises(FileFormatError) as err3:
        parse(data)
    assert str(err3.value).endswith(
        "the ? module (header at byte 52) ends at byte 119 but its header declares 100 bytes "
        "from byte 109 (file truncated?)"
    )


def test_a_file_without_settings_names_no_technique(tmp_path):
    from tests.io.test_mutants_mpr import _T, N

    from lithiophile.synth.instruments import biologic_mpr as w

    rows = np.zeros(N, dtype=[("t", "<f8"), ("e", "<f4")])
    rows["t"], rows["e"] = _T, 3.0
    head = bytearray(w._ROWS_AT)
    struct.pack_into("<IB", head, 0, N, 2)
    struct.pack_into("<2H", head, 5, 4, 6)
    head[w._ROWS_AT - 1] = 0x01
    body = bytes(head) + rows.tobytes()
    start = datetime(2024, 1, 2, 3, 4, 5)
    data = w._MPR_MAGIC + w._module("VMP data", "VMP data", len(body), 3, start) + body
    _, info = parse(data)
    assert info["techniques"] == () and info["area_m2"] is None and info["mass_kg"] is None
