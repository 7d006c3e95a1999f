"""Steps, step kinds and cycles from time, voltage and current alone.

Used when a file carries no step column (a CSV with three columns must work), and to label the
steps an instrument gives when it does not say what they are. Vectorised: a pass over the rows
in numpy, then a loop over steps (few) for the cycle count.

Sign convention (the package's): current < 0 is reduction at the working electrode (Li plating
on a Li-metal or Cu working electrode, "discharge" of a Li half cell); current > 0 is oxidation
(stripping, "charge").
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from lithiophile.io.robust import robust_relative_noise, running_median5

__all__ = [
    "STEP_KINDS",
    "cycles_from_steps",
    "derive_steps",
    "kinds_from_steps",
    "rest_tolerance_A",
    "running_step_count",
]

#: The values of the ``step_kind`` column. ``charge`` = oxidation at the working electrode
#: (current > 0), ``discharge`` = reduction (current < 0), ``cv`` = a potentiostatic hold,
#: ``ocv`` = open circuit as the instrument declares it, ``rest`` = zero current found from
#: the data, ``eis`` = an impedance block, ``unknown`` = not decidable.
STEP_KINDS: tuple[str, ...] = ("rest", "charge", "discharge", "cv", "ocv", "eis", "unknown")
KIND_CODE = {k: i for i, k in enumerate(STEP_KINDS)}

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int32]


def rest_tolerance_A(current: FloatArray) -> float:
    """Current below which a point counts as rest [A].

    1e-4 of the 99th percentile of |I| (a current that noise or an instrument's offset reaches
    but no intended step does), and never below 1e-12 A.
    """
    # a strided sample keeps this O(1e5) for 10-million-row files
    sample = current[:: max(1, current.size // 200_000)]
    sample = np.abs(sample[np.isfinite(sample)])
    if sample.size == 0:
        return 1e-12
    return max(1e-12, 1e-4 * float(np.percentile(sample, 99)))


BLOCK = 1 << 20  # rows per block: keeps temporaries small on 10-million-row files
#: Rows each side a block borrows from its neighbours: a row's set-point test reads 5 rows
#: either side and its peak test the flags 4 rows either side, so 10 make every block decide
#: its rows exactly as one pass over the whole array would.
HALO = 10
#: A set-point change must exceed this many robust noise widths (1.4826 MAD of |I| about its
#: running median, relative): the medians of 5 noisy points on either side of a row then
#: differ by it less than once in 10^6 rows for Gaussian or uniform noise.
NOISE_WIDTHS = 5.0


def _sign_class(cur: FloatArray, tol: float) -> npt.NDArray[np.int8]:
    """-1 / 0 / +1: reduction, rest (|I| <= tol or no current), oxidation."""
    cls = np.zeros(cur.size, dtype=np.int8)
    with np.errstate(invalid="ignore"):
        cls[cur > tol] = 1
        cls[cur < -tol] = -1
    return cls


def _local_peaks(flag: npt.NDArray[np.bool_], score: FloatArray) -> npt.NDArray[np.bool_]:
    """Flagged rows whose score is the largest within 4 rows either side (the reach of the
    5-point medians: one set-point change flags up to 9 neighbouring rows)."""
    if not flag.any():
        return flag
    padded = np.pad(np.where(flag, score, -np.inf), 4, constant_values=-np.inf)
    peak = np.lib.stride_tricks.sliding_window_view(padded, 9).max(axis=1)
    out = flag & (score >= peak)
    # equal scores within one reach (a flat run): keep the first
    idx = np.flatnonzero(out)
    keep = np.concatenate(([True], np.diff(idx) > 4)) if idx.size else idx.astype(bool)
    out[idx[~keep]] = False
    return out


def _set_point_changes(
    cur: FloatArray, volt: FloatArray, cls: npt.NDArray[np.int8], tol: float, rel: float
) -> npt.NDArray[np.bool_]:
    """Rows (of a block with its halo) where the median |I| of the 5 rows from it differs
    from that of the 5 rows before it by more than ``rel`` of the larger, within one sign
    class, and the voltage is not held while the current decays (a potentiostatic hold)."""
    n = cur.size
    out = np.zeros(n, dtype=bool)
    if n < 10:  # the medians of 5 rows before and 5 from a row need 10 rows
        return out
    mag = np.abs(cur)
    med = running_median5(mag)
    before = np.full(n, np.nan)
    after = np.full(n, np.nan)
    before[3:] = med[:-3]  # rows k-5 .. k-1
    after[:-2] = med[2:]  # rows k .. k+4
    # the sign class is constant over rows k-5 .. k+4
    changes = np.concatenate(([0], np.cumsum(cls[1:] != cls[:-1])))
    steady = np.zeros(n, dtype=bool)
    steady[5:-4] = changes[9:] == changes[:-9]
    diff = np.abs(after - before)
    with np.errstate(invalid="ignore"):
        jump = diff > rel * np.fmax(after, before) + tol
    held = np.zeros(n, dtype=bool)
    held[1:] = np.abs(np.diff(volt)) < 1e-3
    jump &= steady & (cls != 0) & ~(held & (after < before))
    # the change itself: within a run, the row where |I| moves most from the row before
    step = np.zeros(n)
    step[1:] = np.abs(np.diff(mag))
    return _local_peaks(jump, step)


def derive_steps(
    time_s: FloatArray,
    voltage_V: FloatArray,
    current_A: FloatArray,
    *,
    relative_jump: float = 0.1,
) -> IntArray:
    """Step number (1-based) of every point, from the data alone.

    A new step starts where the current changes sign class (negative / rest / positive; a
    missing current counts as rest), or where its set point changes within one class: the
    median |I| of the 5 points from a row differs from that of the 5 points before it by more
    than ``relative_jump`` of the larger, or by more than :data:`NOISE_WIDTHS` times the
    current's robust relative noise (:func:`~lithiophile.io.robust.robust_relative_noise`,
    so that the +-10 % noise at the bottom of a current range does not split a step),
    whichever is larger; a potentiostatic hold (voltage held, current decaying) stays one
    step. ``time_s`` is not used for the boundaries today; it is part of the signature so
    that criteria such as gaps in time can be added without changing callers. Works block by
    block so that temporaries stay small.
    """
    n = current_A.size
    if n == 0:
        return np.zeros(0, dtype=np.int32)
    tol = rest_tolerance_A(current_A)
    new = np.empty(n, dtype=bool)
    new[0] = True
    for a in range(1, n, BLOCK):
        b = min(n, a + BLOCK)
        lo, hi = max(0, a - HALO), min(n, b + HALO)
        cur = current_A[lo:hi]
        cls = _sign_class(cur, tol)
        mag = np.abs(cur)
        noise = robust_relative_noise(np.where(cls != 0, mag, np.nan), running_median5(mag))
        rel = max(relative_jump, NOISE_WIDTHS * noise)
        out = _set_point_changes(cur, voltage_V[lo:hi], cls, tol, rel)
        out[1:] |= cls[1:] != cls[:-1]
        new[a:b] = out[a - lo : b - lo]
    return np.cumsum(new, dtype=np.int32)


def running_step_count(
    step_index: npt.NDArray[np.integer], cycle: npt.ArrayLike | None = None
) -> IntArray:
    """Running step count (1-based) from a program step number that repeats every cycle.

    A new step starts wherever the program step or the cycle number changes.
    """
    n = step_index.size
    new = np.empty(n, dtype=bool)
    if n == 0:
        return np.zeros(0, dtype=np.int32)
    new[0] = True
    np.not_equal(step_index[1:], step_index[:-1], out=new[1:])
    if cycle is not None:
        c = np.asarray(cycle)
        if c.shape == step_index.shape:
            new[1:] |= c[1:] != c[:-1]
    return np.cumsum(new, dtype=np.int32)


def _step_starts(step: npt.NDArray[np.integer]) -> npt.NDArray[np.intp]:
    starts = np.flatnonzero(np.diff(step)) + 1
    return np.concatenate(([0], starts)) if step.size else starts


def kinds_from_steps(
    step: npt.NDArray[np.integer], voltage_V: FloatArray, current_A: FloatArray
) -> npt.NDArray[np.uint8]:
    """Code (index into :data:`STEP_KINDS`) of each point's step, from the data of the step.

    unknown if the step has no current recorded; rest if the median |I| of the step is below
    the rest tolerance; cv if the voltage stays
    within 5 mV while the current changes by more than 20 %; else charge or discharge by sign.
    """
    n = step.size
    out = np.full(n, KIND_CODE["unknown"], dtype=np.uint8)
    if n == 0:
        return out
    tol = rest_tolerance_A(current_A)
    starts = _step_starts(step)
    ends = np.append(starts[1:], n)
    finite_i = np.where(np.isfinite(current_A), current_A, 0.0)
    for a, b in zip(starts.tolist(), ends.tolist(), strict=True):
        seg = finite_i[a:b]
        med = float(np.median(seg))
        if not np.isfinite(current_A[a:b]).any():
            code = KIND_CODE["unknown"]  # no current recorded: the kind is not decidable
        elif abs(med) <= tol:
            code = KIND_CODE["rest"]
        else:
            v = voltage_V[a:b]
            mag = np.abs(seg)
            spread_v = float(np.nanmax(v) - np.nanmin(v)) if b - a > 2 else np.inf
            spread_i = float(mag.max() - mag.min()) / max(float(mag.max()), tol)
            if b - a > 4 and spread_v < 5e-3 and spread_i > 0.2:
                code = KIND_CODE["cv"]
            else:
                code = KIND_CODE["charge"] if med > 0 else KIND_CODE["discharge"]
        out[a:b] = code
    return out


def cycles_from_steps(
    step: npt.NDArray[np.integer], kind_code: npt.NDArray[np.uint8], current_A: FloatArray
) -> IntArray:
    """Cycle number (1-based) of every point.

    The first non-rest step fixes the direction that opens a cycle; a new cycle starts at each
    later step of that direction once a step of the other direction has occurred since the
    cycle began. Rests, OCV and EIS belong to the cycle in progress. Instrument conventions
    (numbering from 0, incrementing on charge or on discharge) therefore do not matter.
    """
    n = step.size
    out = np.ones(n, dtype=np.int32)
    if n == 0:
        return out
    starts = _step_starts(step)
    ends = np.append(starts[1:], n)
    step_sign = np.zeros(starts.size, dtype=np.int8)
    charge, discharge, cv = KIND_CODE["charge"], KIND_CODE["discharge"], KIND_CODE["cv"]
    for j, (a, b) in enumerate(zip(starts.tolist(), ends.tolist(), strict=True)):
        k = kind_code[a]
        if k == charge:
            step_sign[j] = 1
        elif k == discharge:
            step_sign[j] = -1
        elif k == cv:
            step_sign[j] = 1 if float(np.nanmedian(current_A[a:b])) > 0 else -1
    cycle_of_step = np.ones(starts.size, dtype=np.int32)
    opener = 0
    seen_other = False
    cycle = 1
    for j, s in enumerate(step_sign.tolist()):
        if s != 0:
            if opener == 0:
                opener = s
            elif s == opener and seen_other:
                cycle += 1
                seen_other = False
            elif s == -opener:
                seen_other = True
        cycle_of_step[j] = cycle
    lengths = ends - starts
    return np.repeat(cycle_of_step, lengths)
