"""Robust statistics shared by the readers and the analysis above them (vectorised).

:func:`running_median5` is the 5-point running median; :func:`robust_relative_noise` the
scatter of a signal about it (1.4826 x the median absolute deviation, relative to its level),
which the step detection uses to tell a set-point change from noise.

References
----------
Rousseeuw, P. J. & Croux, C. (1993) Alternatives to the median absolute deviation.
J. Am. Stat. Assoc. 88, 1273-1283 (the 1.4826 factor: MAD to standard deviation for
Gaussian noise).
"""

from __future__ import annotations

import numpy as np

__all__ = ["MAD_TO_SIGMA", "robust_relative_noise", "running_median5"]

#: 1.4826 x MAD estimates the standard deviation of Gaussian noise (Rousseeuw & Croux 1993).
MAD_TO_SIGMA = 1.4826


def running_median5(x: np.ndarray) -> np.ndarray:
    """Centred running median over 5 points (edges padded with the end values): a sorting
    network of 7 compare-exchanges (Paeth), vectorised; NaN anywhere in a window gives NaN."""
    p = np.pad(x, 2, mode="edge")
    n = x.size
    v = [p[k : k + n].copy() for k in range(5)]
    for a, b in ((0, 1), (3, 4), (0, 3), (1, 4), (1, 2), (2, 3), (1, 2)):
        lo, hi = np.minimum(v[a], v[b]), np.maximum(v[a], v[b])
        v[a], v[b] = lo, hi
    return v[2]


def robust_relative_noise(x: np.ndarray, smooth: np.ndarray) -> float:
    """1.4826 x the median of |x - smooth| over the median of |smooth| (finite points only,
    a strided sample of at most ~200 000); 0 where nothing is finite or the level is 0."""
    stride = max(1, x.size // 200_000)
    dev = np.abs(x[::stride] - smooth[::stride])
    level = np.abs(smooth[::stride])
    ok = np.isfinite(dev) & np.isfinite(level)
    if not ok.any():
        return 0.0
    ref = float(np.median(level[ok]))
    return MAD_TO_SIGMA * float(np.median(dev[ok])) / ref if ref > 0 else 0.0
