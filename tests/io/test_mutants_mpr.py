"""Tests that kill mutants of the BioLogic .mpr row decoder (lithiophile.io.biologic_mpr_rows)
which tests/io/test_biologic.py lets survive.

Independent source of each expected value: the same file's known column, read under its
documented EC-Lab id (biologic_columns.COLUMN_IDS, cross-checked against galvani in
test_biologic.py); an unknown id of the same byte width must give the very same integers.
"""

from __future__ import annotations

import numpy as np
import pytest
from tests.io.test_biologic import GCPL, _patch_ids

from lithiophile.errors import FileFormatError, UnknownColumnWarning
from lithiophile.io import biologic_mpr
from lithiophile.io.biologic_mpr_rows import _Col, _layout


def test_unknown_two_byte_column_is_read_as_uint16(shared, tmp_path):
    # "I Range" (id 39) is a little-endian u2 in every GCPL twin; renamed to id 999 it is
    # unknown, 2 bytes wide, and must come back as the same unsigned 16-bit integers
    src = shared(GCPL)
    p = _patch_ids(src, tmp_path / "irange.mpr", {39: 999})
    with pytest.warns(UnknownColumnWarning, match=r"id 999 -> raw_id_999 \(2 bytes per row"):
        cols, _ = biologic_mpr.parse(p)
    ref, _ = biologic_mpr.parse(src)
    assert cols["raw_id_999"].dtype == np.dtype("<u2")
    np.testing.assert_array_equal(cols["raw_id_999"], ref["I Range"])


def test_unknown_one_byte_column_is_uint8():
    # a lone unknown id of 1 byte per row: the module's rule is 1 -> u1 (by construction)
    plan = (_Col("known", (4,), "time/s", "<f8", 8), _Col("unknown", (998,), "", "V1", 1))
    _, fields, _, unknown = _layout(plan)
    raw = [f for f in fields if f[0] == "raw_id_998"]
    assert len(raw) == 1
    assert raw[0][2] == 8  # byte offset after the f8 time column
    assert raw[0][3] == np.dtype("u1")
    assert unknown == (((998,), "raw_id_998", 1),)


def test_unknown_eight_byte_column_is_read_as_float64(shared, tmp_path):
    # "(Q-Qo)/mA.h" (id 13) is a little-endian f8; renamed to id 995 it must come back as the
    # same 64-bit floats, bit for bit
    src = shared(GCPL)
    p = _patch_ids(src, tmp_path / "qqo.mpr", {13: 995})
    with pytest.warns(UnknownColumnWarning, match=r"id 995 -> raw_id_995 \(8 bytes per row"):
        cols, _ = biologic_mpr.parse(p)
    ref, _ = biologic_mpr.parse(src)
    assert cols["raw_id_995"].dtype == np.dtype("<f8")
    np.testing.assert_array_equal(cols["raw_id_995"], ref["(Q-Qo)/mA.h"])


# -- files built here, content known by construction ---------------------------------------------
# The .mpr container is the one lithiophile.synth.instruments writes (EC-Lab <= 11.43, data module
# v3: n rows u32, column count u8, ids u16, rows from 0x196), with any column ids and rows given
# here: each expected column is the array written into the file.


def _build(path, ids, rows, version=3, n=None, content=None):
    """An .mpr file whose data module holds ``rows`` (a packed structured array, fields in file
    order) under the column ids ``ids``; version 3 has its rows from 0x196, version 2 (older
    EC-Lab, per biologic_mpr_rows._data) from 0x195. ``n`` overrides the number of points
    declared, ``content`` the data module's whole content. Byte offsets by construction: the
    52-byte file header, the settings module (57-byte header + 7019 bytes), so the data
    module's header at byte 7128 and its content at 7185."""
    import struct
    from datetime import datetime

    from lithiophile.synth.instruments import biologic_mpr as w

    start = datetime(2024, 1, 2, 3, 4, 5)
    rows_at = w._ROWS_AT if version == 3 else w._ROWS_AT - 1
    head = bytearray(rows_at)
    struct.pack_into("<IB", head, 0, len(rows) if n is None else n, len(ids))
    struct.pack_into(f"<{len(ids)}H", head, 5, *ids)
    head[rows_at - 1] = 0x01
    settings = w._settings("GCPL", None, None)
    log = w._log("GCPL", start, path.name)
    body = bytes(head) + rows.tobytes() if content is None else content
    data_module = w._module("VMP data", "VMP data", len(body), version, start) + body
    path.write_bytes(
        w._MPR_MAGIC
        + w._module("VMP Set", "VMP settings", len(settings), 0, start)
        + settings
        + data_module
        + w._module("VMP LOG", "VMP LOG", len(log), 0, start)
        + log
    )
    return path


N = 40
_T = np.arange(N, dtype="<f8") * 0.75 + 1.0  # increasing time, s
_E = (3.0 + 0.01 * np.arange(N)).astype("<f4")  # Ewe, V
_RNG = np.random.default_rng(7)


def test_flags_byte_stands_where_the_first_flag_id_is(tmp_path):
    # ids: time, mode (flag), Ewe, ox/red (flag), error (flag): the flags byte takes the place
    # of the first flag id (1), not of a later one; bits: mode 0x03, ox/red 0x04, error 0x08
    # (biologic_columns.FLAG_IDS, as galvani's VMPdata_colID_flag_map)
    rows = np.zeros(N, dtype=[("t", "<f8"), ("flags", "u1"), ("e", "<f4")])
    mode = np.arange(N) % 4
    oxred = (np.arange(N) // 2) % 2
    error = (np.arange(N) // 3) % 2
    rows["t"], rows["e"] = _T, _E
    rows["flags"] = mode | oxred << 2 | error << 3
    p = _build(tmp_path / "flags.mpr", (4, 1, 6, 2, 3), rows)
    cols, info = biologic_mpr.parse(p)
    assert list(cols) == ["time/s", "mode", "ox/red", "error", "Ewe/V"]
    np.testing.assert_array_equal(cols["time/s"], _T)
    np.testing.assert_array_equal(cols["Ewe/V"], _E)
    np.testing.assert_array_equal(cols["mode"], mode)
    np.testing.assert_array_equal(cols["ox/red"], oxred)
    np.testing.assert_array_equal(cols["error"], error)
    assert info["column_ids"] == [4, 1, 6, 2, 3]


@pytest.mark.parametrize(("size", "dtype"), [(1, "u1"), (2, "<u2"), (4, "<f4"), (8, "<f8")])
def test_unknown_id_of_each_size(tmp_path, size, dtype):
    # one unknown id after time and Ewe: the spare bytes per row (size) give its width, and the
    # documented dtype by width (1 u1, 2 u2, 4 f4, 8 f8) its values
    rows = np.zeros(N, dtype=[("t", "<f8"), ("e", "<f4"), ("x", dtype)])
    rows["t"], rows["e"] = _T, _E
    rows["x"] = np.arange(N) * 3 + 1
    p = _build(tmp_path / "u.mpr", (4, 6, 990), rows)
    with pytest.warns(UnknownColumnWarning, match=rf"id 990 -> raw_id_990 \({size} bytes per row"):
        cols, _ = biologic_mpr.parse(p)
    assert cols["raw_id_990"].dtype == np.dtype(dtype)
    np.testing.assert_array_equal(cols["raw_id_990"], rows["x"])
    np.testing.assert_array_equal(cols["Ewe/V"], _E)


def test_two_unknown_ids_apart_sized_by_plausibility(tmp_path):
    # ids 998 (2 bytes) before time and 999 (4 bytes) after it: 6 spare bytes, which 2+4 or 4+2
    # could fill; only 2+4 leaves the time column increasing (4+2 reads its bytes shifted into
    # the random float32 of 999), so 2+4 is chosen and every column comes back as written
    rows = np.zeros(N, dtype=[("a", "<u2"), ("t", "<f8"), ("b", "<f4"), ("e", "<f4")])
    rows["a"] = np.arange(N) + 100
    rows["t"], rows["e"] = _T, _E
    rows["b"] = _RNG.uniform(-1e6, 1e6, N).astype("<f4")
    p = _build(tmp_path / "apart.mpr", (998, 4, 999, 6), rows)
    with pytest.warns(UnknownColumnWarning, match="raw_id_998"):
        cols, _ = biologic_mpr.parse(p)
    assert list(cols) == ["raw_id_998", "time/s", "raw_id_999", "Ewe/V"]
    np.testing.assert_array_equal(cols["raw_id_998"], rows["a"])
    np.testing.assert_array_equal(cols["raw_id_999"], rows["b"])
    np.testing.assert_array_equal(cols["time/s"], _T)
    np.testing.assert_array_equal(cols["Ewe/V"], _E)


def test_tied_unknown_ids_keep_the_span_between_them_as_bytes(tmp_path):
    # 998 (4 bytes) and 999 (2 bytes) with I Range (id 39, u2, an integer: not scored) between
    # them: 4+2 and 2+4 read time and Ewe the same, a tie; the span 998..999 (8 bytes) is kept
    # as raw bytes and every column outside it is decoded
    rows = np.zeros(N, dtype=[("t", "<f8"), ("e", "<f4"), ("a", "<f4"), ("r", "<u2"), ("b", "<u2")])
    rows["t"], rows["e"] = _T, _E
    rows["a"], rows["r"], rows["b"] = 1.5, 41, 7
    p = _build(tmp_path / "tie.mpr", (4, 6, 998, 39, 999), rows)
    with pytest.warns(
        UnknownColumnWarning, match=r"ids \[998, 39, 999\] -> raw_id_998_39_999 \(8 raw bytes"
    ):
        cols, _ = biologic_mpr.parse(p)
    assert list(cols) == ["time/s", "Ewe/V", "raw_id_998_39_999"]
    raw = rows.view(np.uint8).reshape(N, 20)[:, 12:20]  # bytes 12..19 of each 20-byte row
    np.testing.assert_array_equal(cols["raw_id_998_39_999"], raw)
    np.testing.assert_array_equal(cols["time/s"], _T)
    np.testing.assert_array_equal(cols["Ewe/V"], _E)


def test_tie_around_an_essential_column_is_an_error(tmp_path):
    # 998 and 999 (4 + 2 bytes of zeros) around Ewe: Ewe of 3, 3.25, 3.5, 3.75 V has two zero
    # low bytes (0x4040_0000 ...), so Ewe read 2 bytes off is 0.0, finite: both layouts look
    # equally plausible, and Ewe would be lost between them: an error, not a guess
    rows = np.zeros(N, dtype=[("t", "<f8"), ("a", "<f4"), ("e", "<f4"), ("b", "<u2")])
    rows["t"], rows["e"] = _T, 3.0 + 0.25 * (np.arange(N) % 4)
    p = _build(tmp_path / "lost.mpr", (4, 998, 6, 999), rows)
    with pytest.raises(FileFormatError, match=r"cannot be told apart \(6 bytes per row") as e:
        biologic_mpr.parse(p)
    assert "['Ewe/V'] lie among them" in str(e.value)


def test_unknown_ids_that_no_sizes_fill_are_an_error(tmp_path):
    # one unknown id and 3 spare bytes per row: no 1/2/4/8-byte column is 3 bytes wide
    rows = np.zeros(N, dtype=[("t", "<f8"), ("x", "V3")])
    rows["t"] = _T
    p = _build(tmp_path / "three.mpr", (4, 990), rows)
    with pytest.raises(FileFormatError, match=r"\[990\] would need 3 bytes per row"):
        biologic_mpr.parse(p)


def test_five_adjacent_unknown_ids_are_too_many(tmp_path):
    # five consecutive unknown ids form one block; more than four are not sized (1/2/4/8 ** 5
    # splits) and the file is refused with the ids named
    rows = np.zeros(N, dtype=[("t", "<f8"), ("x", "V10")])
    rows["t"] = _T
    p = _build(tmp_path / "five.mpr", (4, 990, 991, 992, 993, 994), rows)
    with pytest.raises(FileFormatError) as e:
        biologic_mpr.parse(p)
    assert str(e.value).endswith(
        ": too many unknown column ids ([(990, 991, 992, 993, 994)]) to infer their sizes"
    )


def test_achievable_and_split_by_hand():
    from lithiophile.io.biologic_mpr_rows import _achievable, _split

    # sums of k columns of 1/2/4/8 bytes, listed by hand
    assert _achievable(1) == [1, 2, 4, 8]
    assert _achievable(2) == [2, 3, 4, 5, 6, 8, 9, 10, 12, 16]
    # k = 3, the 20 multisets by hand: 111=3 112=4 114=6 118=10 122=5 124=7 128=11 144=9
    # 148=13 188=17 222=6 224=8 228=12 244=10 248=14 288=18 444=12 448=16 488=20 888=24
    assert _achievable(3) == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16, 17, 18, 20, 24]
    assert _achievable(4)[0] == 4 and _achievable(4)[-1] == 32
    assert _achievable(5) == []
    # the one ordered split, else None
    assert [_split(1, s) for s in (1, 2, 3, 4, 8)] == [(1,), (2,), None, (4,), (8,)]
    assert _split(2, 4) == (2, 2)  # 1 + 3 is no split: 3-byte columns do not exist
    assert _split(2, 8) == (4, 4)
    assert _split(2, 16) == (8, 8)
    assert _split(2, 2) == (1, 1)
    assert _split(2, 12) is None  # 4+8 or 8+4
    assert _split(3, 24) == (8, 8, 8)
    assert _split(4, 32) == (8, 8, 8, 8)  # four columns are still split
    assert _split(4, 4) == (1, 1, 1, 1)
    assert _split(5, 5) is None  # more than four columns: never split


def test_adjacent_unknown_ids_split_when_only_one_way_fits(tmp_path):
    # two adjacent unknown ids filling 16 bytes: only 8 + 8 fits, so each is read as float64
    rows = np.zeros(N, dtype=[("t", "<f8"), ("a", "<f8"), ("b", "<f8")])
    rows["t"], rows["a"], rows["b"] = _T, _T * 2, -_T
    p = _build(tmp_path / "adj.mpr", (4, 996, 997), rows)
    with pytest.warns(UnknownColumnWarning, match=r"id 996 -> raw_id_996 \(8 bytes per row"):
        cols, _ = biologic_mpr.parse(p)
    np.testing.assert_array_equal(cols["raw_id_996"], _T * 2)
    np.testing.assert_array_equal(cols["raw_id_997"], -_T)


@pytest.mark.parametrize("version", [2, 3])
def test_v2_and_v3_row_starts(tmp_path, version):
    # v3: rows from 0x196 (the writer's layout); v2: from 0x195 (one byte earlier); the same
    # rows must come back from either, and the layout found is named
    rows = np.zeros(N, dtype=[("t", "<f8"), ("e", "<f4"), ("i", "<f4")])  # <I>/mA is float32
    rows["t"], rows["e"], rows["i"] = _T, _E, -_T / 10
    p = _build(tmp_path / f"v{version}.mpr", (4, 6, 76), rows, version=version)
    cols, info = biologic_mpr.parse(p)
    assert info["layout"] == f"v{version}"
    np.testing.assert_array_equal(cols["time/s"], _T)
    np.testing.assert_array_equal(cols["Ewe/V"], _E)
    np.testing.assert_array_equal(cols["<I>/mA"], rows["i"])


def test_repeated_label_gets_its_id(tmp_path):
    # ids 6 and 436 are both "Ewe/V" in EC-Lab (biologic_columns.COLUMN_IDS): the second keeps
    # its values under "Ewe/V (id 436)", neither overwrites the other
    rows = np.zeros(N, dtype=[("t", "<f8"), ("a", "<f4"), ("b", "<f4")])
    rows["t"], rows["a"], rows["b"] = _T, _E, _E + 1
    p = _build(tmp_path / "twice.mpr", (4, 6, 436), rows)
    cols, _ = biologic_mpr.parse(p)
    assert list(cols) == ["time/s", "Ewe/V", "Ewe/V (id 436)"]
    np.testing.assert_array_equal(cols["Ewe/V"], _E)
    np.testing.assert_array_equal(cols["Ewe/V (id 436)"], _E + 1)


@pytest.mark.parametrize("block_bytes", [1, 60, 100_000])
def test_built_files_read_in_blocks_equal_the_written_rows(tmp_path, monkeypatch, block_bytes):
    # flags and an unknown id, read through a buffer of 1 row, of a few rows (60 bytes: 3 rows
    # of 17, a shorter last block) and of all rows: each column equals what was written
    from lithiophile.io import biologic_mpr_rows

    rows = np.zeros(N, dtype=[("t", "<f8"), ("f", "u1"), ("e", "<f4"), ("x", "<u2")])
    rows["t"], rows["e"] = _T, _E
    rows["f"] = (np.arange(N) % 4) | ((np.arange(N) // 5) % 2) << 2
    rows["x"] = np.arange(N) * 7
    p = _build(tmp_path / "blocks.mpr", (4, 1, 2, 6, 997), rows)
    monkeypatch.setattr(biologic_mpr, "_BLOCK_BYTES", 0)  # force reading in parts
    monkeypatch.setattr(biologic_mpr_rows, "_BLOCK_BYTES", block_bytes)
    with pytest.warns(UnknownColumnWarning):
        cols, info = biologic_mpr.parse(p)
    assert info["n_points"] == N
    np.testing.assert_array_equal(cols["time/s"], _T)
    np.testing.assert_array_equal(cols["mode"], np.arange(N) % 4)
    np.testing.assert_array_equal(cols["ox/red"], (np.arange(N) // 5) % 2)
    np.testing.assert_array_equal(cols["Ewe/V"], _E)
    np.testing.assert_array_equal(cols["raw_id_997"], rows["x"])
    assert all(v.flags.owndata or v.base is not None for v in cols.values())


def _two_layouts(n, ewe_bits, pad_bits):
    """Rows [time f8][998: 4 bytes][Ewe f4][999: 2 bytes] whose Ewe, read in the other layout
    the 6 spare bytes allow ([998: 2][Ewe at byte 10][999: 4]), has the float32 bits
    (high 16 of ``ewe_bits``) << 16 | ``pad_bits``: the misread value is set by construction."""
    rows = np.zeros(n, dtype=[("t", "<f8"), ("a", "<u4"), ("e", "<u4"), ("b", "<u2")])
    rows["t"] = _T[:n]
    rows["a"] = np.uint32(pad_bits) << 16  # its last two bytes precede Ewe
    rows["e"] = ewe_bits
    return rows


def test_a_misread_beyond_1e15_is_implausible(tmp_path):
    # true Ewe bits 0x4040_58AA (3.0054 V): read 2 bytes early it becomes 0x58AA_87BF =
    # 1.5e15 (float32), beyond the documented plausibility bound (|x| < 1e15), so the true
    # layout (4 + 2) wins; a bound of 2e15 would tie them and lose Ewe
    rows = _two_layouts(N, 0x4040_58AA, 0x87BF)
    p = _build(tmp_path / "big.mpr", (4, 998, 6, 999), rows)
    with pytest.warns(UnknownColumnWarning, match=r"id 998 -> raw_id_998 \(4 bytes"):
        cols, _ = biologic_mpr.parse(p)
    np.testing.assert_array_equal(cols["Ewe/V"], rows["e"].view("<f4"))
    np.testing.assert_array_equal(cols["raw_id_999"], rows["b"])


@pytest.mark.parametrize("n", [2, N])
def test_time_going_back_is_implausible(tmp_path, n):
    # [998: 2][time f8][999: 4][Ewe]: read as 4 + 2, time's top two bytes are 999's first two;
    # they are set to 0x3FF0, 0x3FE0, ... so the misread times are finite, below 1, and halve
    # from row to row: only the time order tells the layouts apart (2 rows are enough)
    rows = np.zeros(n, dtype=[("a", "<u2"), ("t", "<f8"), ("b", "<u4"), ("e", "<f4")])
    rows["a"] = 5
    rows["t"] = _T[:n]
    rows["b"] = 0x4000_0000 | (0x3FF0 - 0x10 * np.arange(n))
    rows["e"] = _E[:n]
    p = _build(tmp_path / "back.mpr", (998, 4, 999, 6), rows)
    with pytest.warns(UnknownColumnWarning, match=r"id 998 -> raw_id_998 \(2 bytes"):
        cols, _ = biologic_mpr.parse(p)
    np.testing.assert_array_equal(cols["time/s"], _T[:n])
    np.testing.assert_array_equal(cols["raw_id_999"], rows["b"].view("<f4"))


@pytest.mark.parametrize("n", [0, 1])
def test_unknown_id_in_a_module_of_zero_or_one_row(tmp_path, n):
    # one row: its 2 spare bytes size the unknown id; no row: nothing to size it by, so it is
    # reported without bytes of its own (the module's length cannot tell)
    rows = np.zeros(n, dtype=[("t", "<f8"), ("e", "<f4"), ("x", "<u2")] if n else [("t", "<f8")])
    if n:
        rows["t"], rows["e"], rows["x"] = 2.5, 3.5, 777
    ids = (4, 6, 990) if n else (4, 990)
    p = _build(tmp_path / f"n{n}.mpr", ids, rows)
    expect = r"id 990 -> raw_id_990 \(2 bytes" if n else r"id 990 \(no bytes of its own"
    with pytest.warns(UnknownColumnWarning, match=expect):
        cols, info = biologic_mpr.parse(p)
    assert info["n_points"] == n
    assert info["layout"] == "v3"  # a module of no rows ends where its rows start
    np.testing.assert_array_equal(cols["time/s"], rows["t"])
    if n:
        assert cols["raw_id_990"].tolist() == [777]


@pytest.mark.parametrize(
    ("cid", "label", "dtype"),
    # the columns without which a data module is not worth reading (biologic_mpr_rows docs:
    # time, voltage, current, frequency), one id each as biologic_columns.COLUMN_IDS has them
    [
        (4, "time/s", "<f8"),
        (6, "Ewe/V", "<f4"),
        (77, "<Ewe>/V", "<f4"),
        (8, "I/mA", "<f4"),
        (76, "<I>/mA", "<f4"),
        (32, "freq/Hz", "<f4"),
    ],
)
def test_tie_around_each_essential_column_is_an_error(tmp_path, cid, label, dtype):
    # [998: 4 zero bytes][the column][999: 2 zero bytes]: its values (1, 1.5, 2 ...) have zero
    # low bytes, so read 2 bytes early they are 0.0: finite and non-decreasing, a tie between
    # 4 + 2 and 2 + 4, and the column would be lost in the raw span: an error naming it
    rows = np.zeros(N, dtype=[("a", "<u4"), ("x", dtype), ("b", "<u2")])
    rows["x"] = 1.0 + 0.5 * np.arange(N)
    p = _build(tmp_path / "ess.mpr", (998, cid, 999), rows)
    with pytest.raises(FileFormatError) as e:
        biologic_mpr.parse(p)
    assert str(e.value).endswith(
        "the sizes of the unknown column ids [(998,), (999,)] cannot be told apart (6 bytes per "
        f"row between them) and the columns ['{label}'] lie among them; please report the file"
    )


def test_tie_around_the_flags_byte_is_an_error(tmp_path):
    # the flags byte between two tied unknown ids: its bits would be lost, an error
    rows = np.zeros(N, dtype=[("t", "<f8"), ("a", "<u4"), ("f", "u1"), ("b", "<u2")])
    rows["t"] = _T
    p = _build(tmp_path / "fl.mpr", (4, 998, 1, 999), rows)
    with pytest.raises(FileFormatError, match=r"cannot be told apart \(6 bytes per row"):
        biologic_mpr.parse(p)


def test_unknown_warning_in_full(tmp_path):
    # the whole warning for a sized id and a raw span (the tie test's file), attributed to
    # biologic_mpr.parse's line (stacklevel 3: _warn_unknown <- _parse <- parse)
    rows = np.zeros(N, dtype=[("t", "<f8"), ("e", "<f4"), ("a", "<f4"), ("r", "<u2"), ("b", "<u2")])
    rows["t"], rows["e"] = _T, _E
    p = _build(tmp_path / "w.mpr", (4, 6, 998, 39, 999), rows)
    with pytest.warns(UnknownColumnWarning) as rec:
        biologic_mpr.parse(p)
    (w,) = rec.list
    assert str(w.message) == (
        f"'{p}': column ids unknown to lithiophile, kept under raw names with sizes inferred "
        "from the data module's length: ids [998, 39, 999] -> raw_id_998_39_999 (8 raw bytes "
        "per row). Export the file as .mpt in EC-Lab to learn their labels."
    )
    assert w.filename.endswith("biologic_mpr.py")
    rows1 = np.zeros(N, dtype=[("t", "<f8"), ("x", "<f4")])
    rows1["t"] = _T
    q = _build(tmp_path / "w1.mpr", (4, 990), rows1)
    with pytest.warns(UnknownColumnWarning) as rec:
        biologic_mpr.parse(q)
    assert str(rec.list[0].message) == (
        f"'{q}': column ids unknown to lithiophile, kept under raw names with sizes inferred "
        "from the data module's length: id 990 -> raw_id_990 (4 bytes per row, read as "
        "float32). Export the file as .mpt in EC-Lab to learn their labels."
    )


def test_tie_span_starts_at_the_first_block_that_differs(tmp_path):
    # [997: 2][time][Ewe][998: 4][I Range][999: 2]: 8 spare bytes fit (2,4,2), (2,2,4) and
    # (4,2,2); (4,2,2) reads time 2 bytes late, its top bytes then Ewe's low 0xFFFF: NaN, so it
    # loses. 997 is 2 bytes in both tied fits: decoded, and the raw span is 998..999 only
    rows = np.zeros(
        N,
        dtype=[("c", "<u2"), ("t", "<f8"), ("e", "<u4"), ("a", "<u4"), ("r", "<u2"), ("b", "<u2")],
    )
    rows["c"] = np.arange(N) + 11
    rows["t"] = _T
    rows["e"] = 0x4040_FFFF  # 3.0156 V, its low two bytes 0xFFFF
    rows["r"] = 41
    p = _build(tmp_path / "first.mpr", (997, 4, 6, 998, 39, 999), rows)
    with pytest.warns(UnknownColumnWarning, match=r"id 997 -> raw_id_997 \(2 bytes per row"):
        cols, _ = biologic_mpr.parse(p)
    assert list(cols) == ["raw_id_997", "time/s", "Ewe/V", "raw_id_998_39_999"]
    np.testing.assert_array_equal(cols["raw_id_997"], rows["c"])
    np.testing.assert_array_equal(cols["time/s"], _T)
    np.testing.assert_array_equal(cols["Ewe/V"], rows["e"].view("<f4"))
    raw = rows.view(np.uint8).reshape(N, 22)[:, 14:22]  # 22-byte rows: bytes 14..21
    np.testing.assert_array_equal(cols["raw_id_998_39_999"], raw)


def test_tie_span_ends_at_the_last_block_that_differs(tmp_path):
    # [time][997][I Range][998][Ns][999][Ewe] with 7 spare bytes: every order of 1, 2, 4 fits
    # and reads time and Ewe the same (six tied fits), so the span from 997 to 999 (11 bytes)
    # is raw, and Ewe after it is decoded
    rows = np.zeros(
        N,
        dtype=[
            ("t", "<f8"),
            ("a", "u1"),
            ("r", "<u2"),
            ("b", "<u2"),
            ("s", "<u2"),
            ("c", "<u4"),
            ("e", "<f4"),
        ],
    )
    rows["t"], rows["e"] = _T, _E
    rows["a"], rows["r"], rows["b"], rows["s"], rows["c"] = 1, 41, 2, 3, 4
    p = _build(tmp_path / "last.mpr", (4, 997, 39, 998, 131, 999, 6), rows)
    with pytest.warns(UnknownColumnWarning, match=r"raw_id_997_39_998_131_999 \(11 raw bytes"):
        cols, _ = biologic_mpr.parse(p)
    assert list(cols) == ["time/s", "raw_id_997_39_998_131_999", "Ewe/V"]
    raw = rows.view(np.uint8).reshape(N, 23)[:, 8:19]
    np.testing.assert_array_equal(cols["raw_id_997_39_998_131_999"], raw)
    np.testing.assert_array_equal(cols["Ewe/V"], _E)


@pytest.mark.parametrize(("version", "rows_at"), [(3, 7185 + 0x196), (2, 7185 + 0x195)])
def test_wrong_point_count_names_the_layout_of_the_module_version(tmp_path, version, rows_at):
    # 41 points declared, 40 rows of 16 bytes (time f8, Ewe f4, <I> f4): the first layout tried
    # is the module version's own (v3: rows at content + 0x196; v2: + 0x195), and its problem is
    # the one reported, with the byte where its rows start (content at byte 7185, _build)
    rows = np.zeros(N, dtype=[("t", "<f8"), ("e", "<f4"), ("i", "<f4")])
    p = _build(tmp_path / "n.mpr", (4, 6, 76), rows, version=version, n=N + 1)
    with pytest.raises(FileFormatError) as e:
        biologic_mpr.parse(p)
    assert str(e.value).endswith(
        "the data module (header at byte 7128) is not readable: its 41 points of 16 bytes "
        f"(column ids [4, 6, 76]) need 656 bytes from byte {rows_at} but the module holds "
        "640 (file corrupt, or a column whose size lithiophile's table has wrong)"
    )


@pytest.mark.parametrize(
    ("length", "problem"),
    # fewer than 6 bytes: not even the point count and column count; 6 zero bytes: a module
    # that declares no column
    [(5, "the data module at byte 7128 has only 5 bytes"), (6, "it declares 0 columns")],
)
def test_tiny_data_module(tmp_path, length, problem):
    p = _build(tmp_path / "tiny.mpr", (4,), np.zeros(0, "<f8"), content=bytes(length))
    with pytest.raises(FileFormatError) as e:
        biologic_mpr.parse(p)
    assert str(e.value).endswith(problem)


def test_extended_layout_is_named_and_its_rows_start_at_0x3ef(shared, tmp_path):
    # the issue_149 GCPL file has an extended data module header (at byte 7070, content at
    # 7135, rows at 7135 + 0x3EF = 8142, as test_biologic.test_corrupt_mpr has it); one point
    # too many declared is reported against those rows
    import struct

    src = shared(GCPL)
    _, info = biologic_mpr.parse(src)
    assert info["layout"] == "extended"
    bad = bytearray(src.read_bytes())
    struct.pack_into("<I", bad, 7135, info["n_points"] + 1)
    p = tmp_path / "plus1.mpr"
    p.write_bytes(bytes(bad))
    with pytest.raises(FileFormatError, match=rf"its {info['n_points'] + 1} points of 53 bytes"):
        biologic_mpr.parse(p)
    with pytest.raises(FileFormatError, match=r"bytes from byte 8142 but the module holds"):
        biologic_mpr.parse(p)


def _content(count_size, rows_at, ids, rows):
    """A data module's content: points (u32), column count (u8 or u16), ids (u16), zeros up to
    ``rows_at``, then the rows."""
    import struct

    head = bytearray(rows_at)
    struct.pack_into("<I", head, 0, len(rows))
    struct.pack_into("<B" if count_size == 1 else "<H", head, 4, len(ids))
    struct.pack_into(f"<{len(ids)}H", head, 4 + count_size, *ids)
    return bytes(head) + rows.tobytes()


@pytest.mark.parametrize(
    ("count_size", "rows_at", "layout"),
    # a module version that names no layout (4): each of the three documented layouts is tried
    # in turn, and the one whose rows fill the module exactly is taken and named
    [(2, 0x3EF, "extended"), (1, 0x196, "v3"), (1, 0x195, "v2")],
)
def test_unknown_module_version_tries_each_layout(tmp_path, count_size, rows_at, layout):
    rows = np.zeros(N, dtype=[("t", "<f8"), ("e", "<f4")])
    rows["t"], rows["e"] = _T, _E
    content = _content(count_size, rows_at, (4, 6), rows)
    p = _build(tmp_path / "v4.mpr", (4, 6), rows, version=4, content=content)
    cols, info = biologic_mpr.parse(p)
    assert info["layout"] == layout
    np.testing.assert_array_equal(cols["time/s"], _T)
    np.testing.assert_array_equal(cols["Ewe/V"], _E)


def test_a_single_column_module(tmp_path):
    # one column (time) is a valid module: the count 1 is not "no column"
    rows = np.zeros(N, dtype=[("t", "<f8")])
    rows["t"] = _T
    cols, info = biologic_mpr.parse(_build(tmp_path / "one.mpr", (4,), rows))
    assert info["column_ids"] == [4]
    np.testing.assert_array_equal(cols["time/s"], _T)


def test_column_list_too_long_for_its_layout(tmp_path):
    # a v3 module declaring 250 columns: 250 ids from content byte 5 run past the rows at
    # 0x196; reported with both byte positions (content at 7185: ids from 7190, rows at
    # 7185 + 0x196 = 7591)
    rows = np.zeros(N, dtype=[("t", "<f8")])
    content = bytearray(_content(1, 0x196, (4,), rows))
    content[4] = 250
    p = _build(tmp_path / "long.mpr", (4,), rows, content=bytes(content))
    with pytest.raises(FileFormatError) as e:
        biologic_mpr.parse(p)
    assert str(e.value).endswith(
        "is not readable: its column list (250 ids from byte 7190) does not fit before the rows "
        "at byte 7591"
    )


def test_rows_that_are_no_whole_number_of_bytes_per_point(tmp_path):
    # 40 points, time (8 bytes) and an unknown id, but 403 bytes of rows: 3 bytes too many for
    # any whole row size; reported for the module's own layout (v3: rows at 7185 + 0x196)
    rows = np.zeros(N, dtype=[("t", "<f8"), ("x", "<u2")])
    rows["t"] = _T
    content = _content(1, 0x196, (4, 990), rows) + b"\0\0\0"
    p = _build(tmp_path / "odd.mpr", (4, 990), rows, content=content)
    with pytest.raises(FileFormatError) as e:
        biologic_mpr.parse(p)
    assert str(e.value).endswith(
        "is not readable: its 40 points need at least 320 bytes from byte 7591 and a whole "
        "number of bytes per point, but the module holds 403 (file corrupt?)"
    )


def test_adjacent_unknown_ids_with_two_splits_stay_raw_bytes(tmp_path):
    # ids 996, 997 side by side in 12 bytes: 4 + 8 or 8 + 4, no way to tell: one block of raw
    # bytes under both ids, its bytes as written (row bytes 8..19)
    rows = np.zeros(N, dtype=[("t", "<f8"), ("a", "<f4"), ("b", "<f8")])
    rows["t"], rows["a"], rows["b"] = _T, 2.5, _T
    p = _build(tmp_path / "adj12.mpr", (4, 996, 997), rows)
    with pytest.warns(UnknownColumnWarning) as rec:
        cols, _ = biologic_mpr.parse(p)
    assert "ids [996, 997] -> raw_id_996_997 (12 raw bytes per row)" in str(rec.list[0].message)
    assert list(cols) == ["time/s", "raw_id_996_997"]
    np.testing.assert_array_equal(
        cols["raw_id_996_997"], rows.view(np.uint8).reshape(N, 20)[:, 8:20]
    )
