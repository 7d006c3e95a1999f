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

from lithiophile.errors import UnknownColumnWarning
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
