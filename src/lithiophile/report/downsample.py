"""Honest downsampling for display: M4 (first, last, min and max of each pixel column).

A line chart of n points drawn ``width`` pixels wide shows, in each pixel column, a vertical
stroke from the minimum to the maximum of the points there, joined to its neighbours through
the first and last point of the column. Keeping exactly those four points per column (M4)
therefore draws the same picture as the full series, at most ``4 x width`` points, while every
point kept is a measured sample (nothing is averaged or invented).

References
----------
Jugel, U.; Jerzak, Z.; Hackenbroich, G.; Markl, V. M4: A Visualization-Oriented Time Series
Data Aggregation. Proc. VLDB Endow. 2014, 7 (10), 797-808. doi:10.14778/2732951.2732953
"""

from __future__ import annotations

import numpy as np

from lithiophile import cite
from lithiophile.errors import InputError

__all__ = ["m4_indices"]

cite.define(
    cite.Citation(
        "Jugel2014",
        "Jugel, U.; Jerzak, Z.; Hackenbroich, G.; Markl, V. M4: A Visualization-Oriented Time "
        "Series Data Aggregation. Proc. VLDB Endow. 2014, 7 (10), 797-808.",
        doi="10.14778/2732951.2732953",
    )
)


def m4_indices(x: np.ndarray, y: np.ndarray, columns: int) -> np.ndarray:
    """Indices (sorted) of the points M4 keeps for a chart ``columns`` pixels wide.

    Parameters
    ----------
    x
        Abscissae in drawing order. Monotonic (time): columns are equal ranges of x, as the
        pixels of the chart. Otherwise (a voltage-capacity loop): equal runs of points.
    y
        Ordinates, same length.
    columns
        Pixel columns of the chart (>= 1).

    Returns every index when the series has no more than ``4 x columns`` points. Non-finite y
    values are kept where they fall on a column's first or last point (gaps stay gaps).
    """
    n = len(x)
    if len(y) != n:
        raise InputError(f"m4_indices needs x and y of one length; got {n} and {len(y)}")
    if columns < 1:
        raise InputError(f"m4_indices needs columns >= 1; got {columns}")
    if n <= 4 * columns:
        return np.arange(n)
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    dx = np.diff(x)
    if np.all(dx >= 0) and x[-1] > x[0]:
        col = np.minimum(((x - x[0]) / (x[-1] - x[0]) * columns).astype(np.int64), columns - 1)
    else:
        col = np.arange(n) * columns // n
    starts = np.flatnonzero(np.r_[True, col[1:] != col[:-1]])
    ends = np.r_[starts[1:] - 1, n - 1]
    yy = np.where(np.isfinite(y), y, np.nan)
    lo = np.where(np.isnan(yy), np.inf, yy)
    hi = np.where(np.isnan(yy), -np.inf, yy)
    order = np.arange(n)
    # argmin/argmax inside each run: the global index of the extreme of each column
    imin = _run_arg(lo, starts, order, np.minimum)
    imax = _run_arg(hi, starts, order, np.maximum)
    keep = np.concatenate([starts, ends, imin, imax])
    return np.unique(keep)


def _run_arg(v: np.ndarray, starts: np.ndarray, order: np.ndarray, ufunc: np.ufunc) -> np.ndarray:
    """Index of the first extreme (ufunc = np.minimum / np.maximum) of each run of ``v``."""
    ext = ufunc.reduceat(v, starts)
    run = np.repeat(np.arange(starts.size), np.diff(np.r_[starts, v.size]))
    hit = v == ext[run]
    # first hit of each run: the smallest index among hits, per run
    big = np.where(hit, order, v.size)
    first = np.minimum.reduceat(big, starts)
    return np.minimum(first, v.size - 1)
