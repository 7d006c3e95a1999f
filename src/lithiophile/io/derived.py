"""Columns computed from the recorded ones: the cumulative charge (a running trapezoidal
integral of current) and the sweep number of impedance spectra. Used by
:class:`~lithiophile.io.celldata.CellData` and the impedance readers.
"""

from __future__ import annotations

import numpy as np

from lithiophile.io.steps import BLOCK

__all__ = ["cumulative_charge_C", "spectrum_index"]


def cumulative_charge_C(time_s: np.ndarray, current_A: np.ndarray) -> np.ndarray:
    """Signed charge passed since the first point [C]: trapezoidal running integral of I dt.

    Non-finite currents count as zero; steps back in time (appended files) add nothing.
    Computed block by block so that temporaries stay small on long files.
    """
    n = time_s.size
    out = np.zeros(n, dtype=np.float64)
    total = 0.0
    block = BLOCK
    for a in range(1, n, block):
        b = min(n, a + block)
        i = current_A[a - 1 : b]
        i = np.where(np.isfinite(i), i, 0.0)
        seg = np.diff(time_s[a - 1 : b])
        np.maximum(seg, 0.0, out=seg)
        seg *= i[1:] + i[:-1]
        seg *= 0.5
        np.cumsum(seg, out=out[a:b])
        out[a:b] += total
        total = float(out[b - 1])
    return out


def spectrum_index(freq: np.ndarray) -> np.ndarray:
    """1-based sweep number: a new sweep starts where the frequency sweep starts over.

    Two layouts are recognised: repeated sweeps in one direction (a single jump back to the
    start frequency between them) and sweeps that alternate direction (down, then up ...).
    A new spectrum starts after a jump, and at each turn of direction that is followed by
    more than one step the other way. A single sweep gives all ones.
    """
    n = freq.size
    out = np.ones(n, dtype=np.int32)
    if n < 3:
        return out
    with np.errstate(divide="ignore", invalid="ignore"):
        step = np.diff(np.log10(np.abs(freq)))
    sign = np.sign(np.where(np.isfinite(step), step, 0.0))
    if not sign.any():
        return out
    # repeated frequencies (step 0) belong to the run they sit in
    idx = np.where(sign != 0, np.arange(sign.size), 0)
    np.maximum.accumulate(idx, out=idx)
    sign = sign[idx]
    starts = np.flatnonzero(np.diff(sign)) + 1  # step index where a new run begins
    if starts.size == 0:
        return out
    bounds = np.concatenate(([0], starts, [sign.size]))
    lengths = np.diff(bounds)
    new_at: list[int] = []
    for r in range(1, lengths.size):
        if lengths[r] == 1 and r + 1 < lengths.size:
            new_at.append(int(bounds[r]) + 1)  # a one-step jump: the sweep restarts after it
        elif lengths[r - 1] > 1 and lengths[r] > 1:
            new_at.append(int(bounds[r]) + 1)  # a turn: the turning point ends the last sweep
    resets = np.zeros(n, dtype=np.int32)
    resets[new_at] = 1
    return out + np.cumsum(resets, dtype=np.int32)
