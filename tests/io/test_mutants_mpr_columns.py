"""Tests that kill mutants of the BioLogic column-id table (lithiophile.io.biologic_columns):
every id, label, dtype and flag bit checked against an independent table.

Independent source: galvani 0.5.0's published column table (``VMPdata_colID_dtype_map``,
``VMPdata_colID_flag_map``), imported here as a test-only cross-check (GPL, never used by
src/); the two ids galvani 0.5.0 lacks are those of galvani issue 120
(https://github.com/echemdata/galvani/issues/120: EC-Lab Express writes "|Ece|/V" under 97
and "Ewe/V" under 436, both float32).
"""

from __future__ import annotations

import numpy as np
import pytest

from lithiophile.io.biologic_columns import COLUMN_IDS, FLAG_IDS, INTEGER_LABELS

#: galvani issue 120 (EC-Lab Express): id -> (label, dtype)
ISSUE_120 = {97: ("|Ece|/V", "<f4"), 436: ("Ewe/V", "<f4")}


@pytest.fixture(scope="module")
def galvani_tables():
    biologic = pytest.importorskip("galvani.BioLogic")
    return biologic.VMPdata_colID_dtype_map, biologic.VMPdata_colID_flag_map


def test_every_column_id_is_galvanis_or_issue_120(galvani_tables):
    columns, _ = galvani_tables
    assert set(COLUMN_IDS) == set(columns) | set(ISSUE_120)
    for cid, (label, dtype) in COLUMN_IDS.items():
        want_label, want_dtype = ISSUE_120[cid] if cid in ISSUE_120 else columns[cid]
        assert label == want_label, cid
        # same kind, width and byte order (galvani writes "<f4" or numpy types like np.uint16)
        assert np.dtype(dtype) == np.dtype(want_dtype).newbyteorder("<"), cid
        assert dtype.startswith("<") or np.dtype(dtype).itemsize == 1, cid


def test_every_flag_id_and_bit_is_galvanis(galvani_tables):
    _, flags = galvani_tables
    assert {cid: (label, mask) for cid, (label, mask, _) in flags.items()} == FLAG_IDS


def test_integer_labels_are_the_flags_and_unsigned_columns(galvani_tables):
    # the flag labels and every column galvani types as unsigned (u1/u2/u4): a hand rule on
    # galvani's table, independent of how biologic_columns derives its set
    columns, flags = galvani_tables
    unsigned = {lab for lab, dt in columns.values() if np.dtype(dt).kind == "u"}
    assert {lab for lab, _, _ in flags.values()} | unsigned == INTEGER_LABELS
