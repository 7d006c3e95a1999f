"""Figures do not depend on the sign convention, the clock's origin, or where the test's
temperature column comes from; temperature is carried into the conditions."""

import numpy as np
import polars as pl
import pytest

from lithiophile.echem import analyze
from lithiophile.io.celldata import CellData
from lithiophile.synth import cells


def _rebuild(cell, **changes):
    t = cell.table.select("time_s", "voltage_V", "current_A")
    return CellData.from_columns(t.with_columns(**changes), cell.meta)


def _values(result):
    return [(m.metric, m.variant, m.value) for m in result.metrics]


def test_opposite_sign_convention_symmetric():
    s = cells.symmetric(cycles=4, sample_s=60.0, hard_short_s=6.5 * 3600)
    flipped = _rebuild(s.data, voltage_V=-pl.col("voltage_V"), current_A=-pl.col("current_A"))
    a, b = _values(analyze(s.data)), _values(analyze(flipped))
    assert [x[:2] for x in a] == [x[:2] for x in b]
    np.testing.assert_allclose([x[2] for x in a], [x[2] for x in b], rtol=1e-12)


def test_clock_origin_does_not_matter(licu):
    later = _rebuild(licu.data, time_s=pl.col("time_s") + 1e6)
    a, b = _values(analyze(licu.data)), _values(analyze(later))
    np.testing.assert_allclose([x[2] for x in a], [x[2] for x in b], rtol=1e-9)


def test_temperature_in_conditions():
    s = cells.symmetric(cycles=2, sample_s=60.0)
    warm = _rebuild(s.data, temperature_K=pl.lit(333.15))
    m = analyze(warm).metric("polarization", "plateau")
    assert m.conditions.temperature_K == pytest.approx(333.15)
