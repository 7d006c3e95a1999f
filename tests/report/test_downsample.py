"""M4 downsampling: what it keeps is checked against a plain loop over pixel columns."""

from __future__ import annotations

import numpy as np
import pytest

from lithiophile.errors import InputError
from lithiophile.report.downsample import m4_indices


def _m4_loop(x, y, columns):
    """Reference: the first, last, argmin and argmax of each pixel column, by a loop."""
    col = np.minimum(((x - x[0]) / (x[-1] - x[0]) * columns).astype(int), columns - 1)
    keep = set()
    for c in np.unique(col):
        idx = np.flatnonzero(col == c)
        keep |= {idx[0], idx[-1], idx[np.argmin(y[idx])], idx[np.argmax(y[idx])]}
    return np.array(sorted(keep))


def test_m4_keeps_exactly_first_last_min_max_of_each_column():
    rng = np.random.default_rng(3)
    x = np.cumsum(rng.uniform(0.1, 2.0, 50_000))  # uneven sampling in time
    y = np.sin(x / 300) + rng.normal(0, 0.2, x.size)
    got = m4_indices(x, y, 500)
    np.testing.assert_array_equal(got, _m4_loop(x, y, 500))
    assert got.size <= 4 * 500


def test_m4_keeps_every_extreme_spike():
    # one-sample spikes (a soft short, a nucleation dip) must survive thinning
    x = np.arange(1_000_000, dtype=float)
    y = np.zeros(x.size)
    y[[12_345, 777_777]] = [-1.0, 2.0]
    kept = m4_indices(x, y, 1000)
    assert {12_345, 777_777} <= set(kept.tolist())
    assert kept.size <= 4000


def test_short_series_are_kept_whole():
    x = np.linspace(0, 1, 40)
    np.testing.assert_array_equal(m4_indices(x, x**2, 10), np.arange(40))


def test_non_monotonic_x_uses_runs_of_points():
    # a voltage-capacity loop: x goes out and back; columns are equal runs of points
    n = 10_000
    x = np.r_[np.linspace(0, 1, n // 2), np.linspace(1, 0, n // 2)]
    y = np.r_[np.full(n // 2, -0.03), np.full(n // 2, 0.03)]
    y[100] = -0.5
    kept = m4_indices(x, y, 100)
    assert kept.size <= 400 and 100 in kept and kept[0] == 0 and kept[-1] == n - 1


def test_nan_does_not_hide_extremes():
    x = np.arange(10_000.0)
    y = np.ones(x.size)
    y[5000:5100] = np.nan
    y[7000] = 9.0
    kept = m4_indices(x, y, 100)
    assert 7000 in kept


def test_bad_arguments_are_named():
    with pytest.raises(InputError, match="one length"):
        m4_indices(np.arange(3.0), np.arange(4.0), 10)
    with pytest.raises(InputError, match="columns >= 1"):
        m4_indices(np.arange(3.0), np.arange(3.0), 0)
