"""More tests that kill mutants of the BioLogic .mpr row decoder (biologic_mpr_rows), beside
tests/io/test_mutants_mpr.py: the plausibility score by hand, the whole-file / block reading
threshold, the longest column list a v2 module holds, and the unknown-id warning in full.

Independent source of each expected value: the arrays written into files built here (their
content known by construction), hand counts of plausible rows, and the documented rules of the
module (``_plausibility``: "how much the known float columns of the first rows look like
numbers (0..1), and the time non-decreasing", bound |x| < 1e15; ``parse``: "views into the
file's bytes for bytes and small files, contiguous arrays (read in blocks) for big ones").
"""

from __future__ import annotations

import numpy as np
import pytest
from tests.io.test_mutants_mpr import _E, _T, N, _build, _content

from lithiophile.errors import UnknownColumnWarning
from lithiophile.io import biologic_mpr
from lithiophile.io.biologic_mpr_rows import _Col, _plausibility

TIME = _Col("known", (4,), "time/s", "<f8", 8)
I_RANGE = _Col("known", (39,), "I Range", "<u2", 2)  # an integer column (COLUMN_IDS[39])


class _Bytes:
    """The one method of biologic_mpr._Reader that _plausibility uses, over given bytes."""

    def __init__(self, rows: np.ndarray) -> None:
        self.buf = rows.tobytes()

    def at(self, offset: int, n: int) -> bytes:
        return self.buf[offset : offset + n]


def _score(plan: tuple[_Col, ...], rows: np.ndarray) -> float:
    return _plausibility(_Bytes(rows), plan, 0, len(rows))  # type: ignore[arg-type]


def test_plausibility_counts_rows_beyond_the_bound_even_when_time_goes_up():
    # times 0, 1, 2e15, 3e15: the last two are beyond |x| < 1e15 although each is above the
    # one before, so 2 of 4 rows are plausible: 0.5 (hand count)
    rows = np.array([0.0, 1.0, 2e15, 3e15], dtype="<f8")
    assert _score((TIME,), rows) == 0.5


def test_plausibility_bound_is_strict():
    # 1e15 itself is not below the bound: 1 of 2 rows plausible (hand count)
    rows = np.array([0.0, 1e15], dtype="<f8")
    assert _score((TIME,), rows) == 0.5


def test_plausibility_scores_only_the_float_columns():
    # time 0, NaN (1 of 2 plausible) beside an integer column: the integer column is not
    # scored (documented: the known float columns), so 0.5, not the mean of 0.5 and 1.0
    rows = np.zeros(2, dtype=[("t", "<f8"), ("r", "<u2")])
    rows["t"] = [0.0, np.nan]
    rows["r"] = [1, 2]
    assert _score((TIME, I_RANGE), rows) == 0.5


def test_plausibility_reads_only_the_first_2000_rows():
    # 2001 increasing times, the last one NaN: the first 2000 rows are all plausible, 1.0;
    # judging 2001 rows would give 2000/2001
    rows = np.arange(2001, dtype="<f8")
    rows[-1] = np.nan
    assert _score((TIME,), rows) == 1.0


def test_plausibility_of_no_rows_stays_in_range():
    # no row: nothing implausible, the documented range 0..1 holds (1.0)
    assert _score((TIME,), np.zeros(0, dtype="<f8")) == 1.0


def test_small_file_columns_are_views_of_its_bytes(tmp_path):
    # a file of a few kB is read whole and its columns are views (not copies) of its bytes
    rows = np.zeros(N, dtype=[("t", "<f8"), ("e", "<f4")])
    rows["t"], rows["e"] = _T, _E
    cols, _ = biologic_mpr.parse(_build(tmp_path / "small.mpr", (4, 6), rows))
    np.testing.assert_array_equal(cols["time/s"], _T)
    assert not cols["time/s"].flags.owndata
    assert not cols["Ewe/V"].flags.owndata


def test_file_over_4_mib_is_read_in_blocks(tmp_path):
    # a file of ~4.5 MiB is above the 4 MiB whole-file limit: its columns are contiguous arrays
    # of their own, equal to the rows written
    n = 400_000  # 12-byte rows: 4.8 MB of rows
    rows = np.zeros(n, dtype=[("t", "<f8"), ("e", "<f4")])
    rows["t"] = np.arange(n) * 0.5
    rows["e"] = 3.0 + (np.arange(n) % 100) * 0.001
    p = _build(tmp_path / "big.mpr", (4, 6), rows)
    assert 4 << 20 < p.stat().st_size < 5 << 20  # between the limit and 5 MiB
    cols, _ = biologic_mpr.parse(p)
    assert cols["time/s"].flags.owndata and cols["Ewe/V"].flags.owndata
    np.testing.assert_array_equal(cols["time/s"], rows["t"])
    np.testing.assert_array_equal(cols["Ewe/V"], rows["e"])


def test_longest_column_list_of_a_v2_module(tmp_path):
    # a v2 module's rows start at 0x195 = 405: 200 ids (u16) from byte 5 end exactly there
    # (5 + 2 * 200 = 405), so they fit; here time (id 4) 200 times, each row 200 f8 values
    ids = (4,) * 200
    rows = np.zeros(N, dtype=[(f"t{j}", "<f8") for j in range(200)])
    for j in range(200):
        rows[f"t{j}"] = _T
    p = _build(tmp_path / "v2.mpr", ids, rows, version=2, content=_content(1, 0x195, ids, rows))
    cols, info = biologic_mpr.parse(p)
    assert info["layout"] == "v2"
    assert info["column_ids"] == list(ids)
    np.testing.assert_array_equal(cols["time/s"], _T)
    np.testing.assert_array_equal(cols["time/s (id 4)"], _T)


def test_warning_for_ids_without_bytes_in_full(tmp_path):
    # time and Ewe fill the 12-byte rows, so the unknown ids 990 and 991 have no bytes of their
    # own: each is named in the warning, the two joined by "; "
    rows = np.zeros(N, dtype=[("t", "<f8"), ("e", "<f4")])
    rows["t"], rows["e"] = _T, _E
    p = _build(tmp_path / "bits.mpr", (4, 990, 6, 991), rows)
    with pytest.warns(UnknownColumnWarning) as rec:
        cols, _ = biologic_mpr.parse(p)
    assert str(rec.list[0].message) == (
        f"'{p}': column ids unknown to lithiophile, kept under raw names with sizes inferred "
        "from the data module's length: id 990 (no bytes of its own: a flag bit, not decoded); "
        "id 991 (no bytes of its own: a flag bit, not decoded). Export the file as .mpt in "
        "EC-Lab to learn their labels."
    )
    assert list(cols) == ["time/s", "Ewe/V"]


def test_unknown_version_with_an_unknown_id_falls_through_to_v2(tmp_path):
    # a module version that names no layout (4), laid out as v2 (rows at 0x195) with an unknown
    # id: the extended layout's u16 count (2 + 4 * 256) does not fit; v3's rows (one byte
    # later) leave 399 bytes for 40 points, no whole row size; v2's fill the module exactly
    rows = np.zeros(N, dtype=[("t", "<f8"), ("x", "<u2")])
    rows["t"], rows["x"] = _T, np.arange(N) * 7 + 3
    content = _content(1, 0x195, (4, 990), rows)
    p = _build(tmp_path / "v4u.mpr", (4, 990), rows, version=4, content=content)
    with pytest.warns(UnknownColumnWarning, match=r"id 990 -> raw_id_990 \(2 bytes per row"):
        cols, info = biologic_mpr.parse(p)
    assert info["layout"] == "v2"
    np.testing.assert_array_equal(cols["time/s"], _T)
    np.testing.assert_array_equal(cols["raw_id_990"], rows["x"])
