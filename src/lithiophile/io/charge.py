"""The charge passed, from the instrument's own counter where the file has one.

An instrument integrates its current at its own, fast, internal rate; a file records only
some points. The counter therefore includes what sampling misses (a current that changes
between two records), and the integral of the recorded current does not. Readers pass the
counter here: it becomes ``charge_C``, and the trapezoidal integral of the recorded current is
computed beside it as a cross-check; a difference in the total charge passed of more than
:data:`TOLERANCE` is recorded in the data's provenance.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lithiophile.io.celldata import Provenance

__all__ = [
    "TOLERANCE",
    "charge_from_capacities",
    "from_counter",
    "net_from_capacities",
    "throughput_C",
]

#: Relative difference of the charge passed (counter vs integral) worth reporting.
TOLERANCE = 0.005


def throughput_C(charge_C: np.ndarray) -> float:
    """Total charge passed either way [C]: the sum of |change| of a running charge (missing
    values skipped)."""
    steps = np.diff(charge_C)
    np.abs(steps, out=steps)
    return _sum_skipping_nan(steps)


def _sum_skipping_nan(x: np.ndarray) -> float:
    """``np.nansum`` without its copy on the common case of no NaN (one pass, then a second
    only where the plain sum shows a NaN)."""
    total = float(np.sum(x))
    return total if not np.isnan(total) else float(np.nansum(x))


def _trapezoid_throughput_C(time_s: np.ndarray, current_A: np.ndarray) -> float:
    """What :func:`throughput_C` of the trapezoidal running integral of the current gives,
    without building that integral: sum of |(I[k] + I[k-1]) / 2 * dt| over forward steps."""
    dt = np.diff(time_s)
    np.maximum(dt, 0.0, out=dt)
    mean = current_A[1:] + current_A[:-1]
    mean *= dt
    np.abs(mean, out=mean)
    return 0.5 * _sum_skipping_nan(mean)


def from_counter(
    time_s: np.ndarray, current_A: np.ndarray, counter_C: np.ndarray, label: str
) -> tuple[np.ndarray, list[Provenance]]:
    """``charge_C`` from the instrument's running charge ``counter_C`` [C] (column ``label``),
    with the cross-check against the integral of the current recorded.

    Returns the counter (float64) and the provenance entries: always one assumption saying
    where the charge comes from, plus a cross-check entry when the totals differ by more
    than :data:`TOLERANCE`.
    """
    counter = np.asarray(counter_C, dtype=np.float64)
    found = [
        Provenance(
            "assumption",
            f"charge_C is the instrument's own charge counter ({label}), which includes "
            "what the records' sampling misses; the integral of the recorded current is "
            "the cross-check",
            "",
            "charge-from-counter",
        )
    ]
    by_counter = throughput_C(counter)
    by_integral = _trapezoid_throughput_C(time_s, current_A)
    if by_integral > 0:
        rel = (by_counter - by_integral) / by_integral
        if abs(rel) > TOLERANCE:
            found.append(
                Provenance(
                    "cross-check",
                    f"the charge passed by the instrument's counter ({by_counter:.6g} C) "
                    f"differs from the integral of the recorded current ({by_integral:.6g} C) "
                    f"by {100 * rel:+.2f} % (more than {100 * TOLERANCE:g} %): the current "
                    "changes between records faster than they sample it",
                    "whole file",
                    "charge-counter-differs",
                )
            )
    return counter, found


def net_from_capacities(
    charge_capacity_C: np.ndarray, discharge_capacity_C: np.ndarray
) -> np.ndarray:
    """The running signed charge [C] from a cycler's two unsigned counters (charge and
    discharge capacity, as Arbin writes them), which restart at 0 at each new cycle: each
    row adds its increase of the charge counter and subtracts that of the discharge counter;
    where a counter restarts, its value there is the increase since the restart. The first
    row keeps its counters' own value (charge minus discharge): the counters count from the
    file's zero, and what they hold at the first record was counted before it (the interval
    that record ends, in a continuation file)."""
    out = np.zeros(charge_capacity_C.size, dtype=np.float64)
    if out.size == 0:
        return out
    first = np.nan_to_num(
        np.asarray(charge_capacity_C[:1], dtype=np.float64)
        - np.asarray(discharge_capacity_C[:1], dtype=np.float64)
    )
    out[0] = first[0]
    if out.size < 2:
        return out
    steps = []
    for counter in (charge_capacity_C, discharge_capacity_C):
        c = np.nan_to_num(np.asarray(counter, dtype=np.float64))
        d = np.diff(c)
        restart = d < 0
        d[restart] = c[1:][restart]
        steps.append(d)
    np.cumsum(steps[0] - steps[1], out=out[1:])
    out[1:] += out[0]
    return out


def charge_from_capacities(
    cols: dict[str, Any], charge_key: str, discharge_key: str, label: str
) -> list[Provenance]:
    """Set ``cols["charge_C"]`` from a cycler's unsigned charge and discharge capacity
    columns (:func:`net_from_capacities`), cross-checked with the integral of current
    (:func:`from_counter`); returns the provenance entries, none when a column is missing."""
    if charge_key not in cols or discharge_key not in cols:
        return []
    net = net_from_capacities(
        np.asarray(cols[charge_key], dtype=np.float64),
        np.asarray(cols[discharge_key], dtype=np.float64),
    )
    q, found = from_counter(
        np.asarray(cols["time_s"], dtype=np.float64),
        np.asarray(cols["current_A"], dtype=np.float64),
        net,
        label,
    )
    cols["charge_C"] = q
    return found
