"""Coulombic efficiency of Li||Cu cells: per cycle, averaged, and the reservoir protocols.

Per cycle: CE_i = Q_strip,i / Q_plate,i, plating a fixed capacity on Cu and stripping to a
cut-off. Average CE of the reservoir protocol (Adams et al. 2018): after a conditioning cycle
(reported apart), plate a reservoir Q_T, cycle n times with Q_C, strip everything to the
cut-off (Q_S)::

    CE_avg = (n Q_C + Q_S) / (n Q_C + Q_T)

and the older variant that cycles until the reservoir is exhausted (Aurbach 1989)::

    CE_avg = n Q_C / (n Q_C + Q_T)

Q_T, Q_C, n and Q_S are read from the data (half-cycle capacities), never assumed; n Q_C is
the sum of the n measured cycling capacities.

References
----------
Adams, B. D. et al. Adv. Energy Mater. 2018, 8, 1702097; Aurbach, D. et al. J. Electrochem.
Soc. 1989, 136, 3198.

Units: SI (C, A, s, V); capacities are per half-cycle.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from lithiophile import cite
from lithiophile.echem.citations import ADAMS, AURBACH
from lithiophile.echem.context import TestContext
from lithiophile.echem.result import AnalysisOptions
from lithiophile.errors import CalculationFailed
from lithiophile.metrics import Metric

__all__ = [
    "CoulombicResult",
    "average_ce",
    "find_reservoir",
    "li_cu_efficiency",
    "reservoir_efficiency",
]

CELL = "Li|Cu"
#: A plating at least this many times the cycling capacity is a reservoir.
RESERVOIR_RATIO = 1.5
#: CE counts as above 100 % only beyond floating-point noise of the charge integrals.
CE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class CoulombicResult:
    metrics: tuple[Metric, ...]
    cycles: pl.DataFrame
    half_roles: tuple[str, ...]
    flags: tuple[str, ...]
    notes: tuple[str, ...]


def _halves(half: pl.DataFrame, strip_sign: int, cutoff_min_V: float) -> list[dict[str, Any]]:
    rows = half.to_dicts()
    for r in rows:
        r["is_strip"] = int(np.sign(r["current_A"])) == strip_sign
        r["on_cutoff"] = r["is_strip"] and abs(r["v_last_V"]) >= cutoff_min_V
    return rows


def _cutoff(rows: list[dict[str, Any]]) -> float | None:
    ends = [abs(r["v_last_V"]) for r in rows if r["on_cutoff"]]
    return round(float(np.median(ends)), 3) if ends else None


def average_ce(cycles: pl.DataFrame, first: int, last: int) -> float:
    """Mean of the per-cycle CE over cycles ``first`` to ``last`` (1-based, inclusive)."""
    sel = cycles.filter((pl.col("cycle") >= first) & (pl.col("cycle") <= last))
    if sel.height == 0:
        raise CalculationFailed(
            f"no Li||Cu cycle between {first} and {last}; the test has cycles 1-{cycles.height}"
        )
    return float(sel.get_column("ce").mean())  # type: ignore[arg-type]


def _direction_runs(rows: list[dict[str, Any]]) -> tuple[list[list[int]], list[str]]:
    """Runs of consecutive half-cycles of one direction (a plating interrupted by a rest or a
    measurement counts as one), starting with a plating; and what was decided."""
    notes: list[str] = []
    runs: list[list[int]] = []
    for k, r in enumerate(rows):
        if runs and rows[runs[-1][0]]["is_strip"] == r["is_strip"]:
            runs[-1].append(k)
        else:
            runs.append([k])
    for run in runs:
        if len(run) > 1:
            what = "strip" if rows[run[0]]["is_strip"] else "plate"
            notes.append(
                f"half-cycles {rows[run[0]]['half_cycle']}-{rows[run[-1]]['half_cycle']} {what} "
                f"in a row (interrupted by a rest or a measurement): counted as one"
            )
    if runs and rows[runs[0][0]]["is_strip"]:
        notes.append(
            f"half-cycle {rows[runs[0][0]]['half_cycle']} strips before any plating: left out"
        )
        runs = runs[1:]
    return runs, notes


def _cycle_row(
    rows: list[dict[str, Any]], plate_run: list[int], strip_run: list[int], cycle: int, t0: float
) -> dict[str, Any]:
    """One Li||Cu cycle: the plating run and the stripping run after it."""
    q_p = float(sum(rows[k]["capacity_C"] for k in plate_run))
    q_s = float(sum(rows[k]["capacity_C"] for k in strip_run))
    end_row = rows[strip_run[-1]]
    return {
        "cycle": cycle,
        "plate_half_cycle": rows[plate_run[0]]["half_cycle"],
        "strip_half_cycle": rows[strip_run[0]]["half_cycle"],
        "t_end_s": end_row["t_end_s"] - t0,
        "plate_current_A": abs(rows[plate_run[0]]["current_A"]),
        "q_plate_C": q_p,
        "q_strip_C": q_s,
        "ce": q_s / q_p if q_p > 0 else np.nan,
        "strip_end_V": end_row["v_last_V"],
        "on_cutoff": end_row["on_cutoff"],
    }


def _ce_ranges(
    n: int, extra: tuple[tuple[int, int], ...], notes: list[str]
) -> list[tuple[int, int]]:
    """Cycle ranges to average CE over: all, 2-N, the last 10, and those asked for."""
    ranges = [(1, n)] + ([(2, n)] if n >= 2 else []) + ([(n - 9, n)] if n > 10 else [])
    for first, last in extra:
        if last > n:
            notes.append(f"CE range {first}-{last} asked for, but the test has {n} cycles")
        elif (first, last) not in ranges:
            ranges.append((first, last))
    return ranges


def _above_100(ce: np.ndarray, notes: list[str]) -> tuple[str, ...]:
    """The ``ce-above-100`` flag (and a note) when any cycle's CE exceeds 100 %."""
    high = np.flatnonzero(ce > 1.0 + CE_TOLERANCE)
    if not high.size:
        return ()
    listed = ", ".join(str(int(x) + 1) for x in high[:10]) + (" ..." if high.size > 10 else "")
    notes.append(
        f"CE above 100 % in cycles {listed}: a warning sign of a soft short or a side "
        "reaction in a Li||Cu cell"
    )
    return ("ce-above-100",)


def _li_cu_metrics(
    table: pl.DataFrame, cond: Any, opts: AnalysisOptions, notes: list[str], source: str | None
) -> list[Metric]:
    """CE of cycle 1 and of the last cycle, averages over ranges, Li||Cu cycle life."""
    ce = table.get_column("ce").to_numpy()
    n = table.height
    t_end = table.get_column("t_end_s").to_numpy()
    metrics = [
        Metric(
            "li_cu_ce",
            float(ce[0]),
            cond(1, float(t_end[0])),
            definition="Q_strip / Q_plate of cycle 1 (first plating on the bare substrate)",
            variant="cycle 1",
            source=source,
        ),
        Metric(
            "li_cu_ce",
            float(ce[-1]),
            cond(n, float(t_end[-1])),
            definition=f"Q_strip / Q_plate of the last cycle ({n})",
            variant="last cycle",
            source=source,
        ),
    ]
    for first, last in _ce_ranges(n, opts.ce_ranges, notes):
        metrics.append(
            Metric(
                "average_ce",
                average_ce(table, first, last),
                cond(last, float(t_end[last - 1])),
                definition=f"mean of the per-cycle Q_strip / Q_plate over cycles {first}-{last}",
                variant=f"mean of cycles {first}-{last}",
                source=source,
            )
        )
    below = np.flatnonzero(ce < opts.ce_threshold)
    if below.size:
        c = int(below[0]) + 1
        metrics.append(
            Metric(
                "cycle_life_cycles",
                float(c),
                cond(c, float(t_end[c - 1])),
                definition=f"first cycle whose CE falls below {opts.ce_threshold:.0%}",
                variant=f"CE < {opts.ce_threshold:.0%}",
                source=source,
            )
        )
    else:
        notes.append(
            f"CE stayed at or above {opts.ce_threshold:.0%} in all {n} cycles: no Li||Cu cycle "
            f"life within the data (no failure within {t_end[-1] / 3600:.4g} h)"
        )
    return metrics


def li_cu_efficiency(
    half: pl.DataFrame, ctx: TestContext, opts: AnalysisOptions, *, strip_sign: int
) -> CoulombicResult:
    """Per-cycle CE, averages, the cycle at which CE first falls below the threshold.

    A cycle is a plating followed by the next stripping; a stripping before the first plating
    and a plating never stripped are left out (noted).
    """
    rows = _halves(half, strip_sign, opts.cutoff_min_V)
    runs, notes = _direction_runs(rows)
    roles = ["unused"] * len(rows)
    cycles: list[dict[str, Any]] = []
    for plate_run, strip_run in zip(runs[::2], runs[1::2], strict=False):
        for k in plate_run:
            roles[k] = "plate"
        for k in strip_run:
            roles[k] = "strip"
        cycles.append(_cycle_row(rows, plate_run, strip_run, len(cycles) + 1, ctx.t0_s))
    if len(runs) % 2 == 1:
        notes.append(
            f"the last plating (half-cycle {rows[runs[-1][0]]['half_cycle']}) is not stripped"
        )
    if not cycles:
        raise CalculationFailed(
            "no plating followed by a stripping was found, so no Li||Cu CE can be computed"
        )
    table = pl.DataFrame(cycles)
    ce = table.get_column("ce").to_numpy()
    cutoff = _cutoff(rows)
    current = float(np.median(table.get_column("plate_current_A").to_numpy()))
    q_plate = float(np.median(table.get_column("q_plate_C").to_numpy()))

    def cond(cycle: int | None = None, time_s: float | None = None) -> Any:
        return ctx.conditions(
            cell=CELL,
            abs_current_A=current,
            capacity_C=q_plate,
            cycle=cycle,
            time_s=time_s,
            cutoff_V=cutoff,
        )

    metrics = _li_cu_metrics(table, cond, opts, notes, ctx.source)
    flags = _above_100(ce, notes)
    return CoulombicResult(tuple(metrics), table, tuple(roles), flags, tuple(notes))


def _reservoir_index(rows: list[dict[str, Any]]) -> int | None:
    """Index of the reservoir plating: a plating much larger than the later platings, not
    followed by a full strip to the cut-off (that is a conditioning cycle)."""
    plates = [k for k, r in enumerate(rows) if not r["is_strip"]]
    for pos, k in enumerate(plates):
        later = [rows[j]["capacity_C"] for j in plates[pos + 1 :]]
        if not later:
            return None
        nxt = rows[k + 1] if k + 1 < len(rows) else None
        conditioning = (
            nxt is not None and nxt["on_cutoff"] and nxt["capacity_C"] > 0.5 * rows[k]["capacity_C"]
        )
        if rows[k]["capacity_C"] >= RESERVOIR_RATIO * float(np.median(later)) and not conditioning:
            return k
    return None


def find_reservoir(half: pl.DataFrame, strip_sign: int, cutoff_min_V: float) -> int | None:
    """Half-cycle number (1-based) of the reservoir plating, or None (see
    :func:`reservoir_efficiency`)."""
    rows = _halves(half, strip_sign, cutoff_min_V)
    k = _reservoir_index(rows)
    return None if k is None else int(rows[k]["half_cycle"])


def _conditioning(rows: list[dict[str, Any]], r: int, t0: float) -> list[dict[str, Any]]:
    """Conditioning cycles before the reservoir plating (index ``r``): plate then strip."""
    out: list[dict[str, Any]] = []
    for k in range(r):
        if not rows[k]["is_strip"] and k + 1 < r and rows[k + 1]["is_strip"]:
            out.append(
                {
                    "phase": "conditioning",
                    "cycle": len(out) + 1,
                    "k": k,
                    "q_plate_C": rows[k]["capacity_C"],
                    "q_strip_C": rows[k + 1]["capacity_C"],
                    "ce": rows[k + 1]["capacity_C"] / rows[k]["capacity_C"],
                    "t_end_s": rows[k + 1]["t_end_s"] - t0,
                }
            )
    return out


def _reservoir_roles(
    rows: list[dict[str, Any]], r: int, final: int, cond: list[dict[str, Any]]
) -> list[str]:
    roles = ["unused"] * len(rows)
    for c in cond:
        roles[c["k"]], roles[c["k"] + 1] = "conditioning-plate", "conditioning-strip"
    roles[r] = "reservoir"
    for k in range(r + 1, final):
        roles[k] = "cycling-strip" if rows[k]["is_strip"] else "cycling-plate"
    roles[final] = "final-strip"
    return roles


def _average_ce_metrics(q: dict[str, float], n: int, cond: Any, source: str | None) -> list[Metric]:
    """The Adams 2018 average CE with the measured sums, and the Aurbach variant when the
    cycling exhausted the reservoir (Q_S < 0.98 Q_C)."""
    exhausted = q["S"] < 0.98 * q["C"]
    cite.register(ADAMS)
    adams = (q["strip"] + q["S"]) / (q["plate"] + q["T"])
    metrics = [
        Metric(
            "average_ce",
            adams,
            cond,
            definition=(
                "(n Q_C + Q_S) / (n Q_C + Q_T), reservoir protocol of Adams et al. 2018, with "
                f"n = {n}, Q_T = {q['T']:.6g} C, Q_C = {q['C']:.6g} C (n Q_C = the measured "
                f"sums: plated {q['plate']:.6g} C, stripped {q['strip']:.6g} C), "
                f"Q_S = {q['S']:.6g} C"
            ),
            variant="reservoir",
            source=source,
            notes=(
                (
                    "cycled until the reservoir was exhausted (Q_S < Q_C): the Aurbach variant "
                    "applies; this value is the overall charge balance",
                )
                if exhausted
                else ()
            ),
        )
    ]
    if exhausted:
        cite.register(AURBACH)
        metrics.append(
            Metric(
                "average_ce",
                n * q["C"] / (n * q["C"] + q["T"]),
                cond,
                definition=(
                    "n Q_C / (n Q_C + Q_T), cycled until the reservoir is exhausted "
                    f"(Aurbach 1989), with n = {n} complete cycles, Q_C = {q['C']:.6g} C, "
                    f"Q_T = {q['T']:.6g} C"
                ),
                variant="aurbach",
                source=source,
            )
        )
    return metrics


def _conditioning_metrics(
    cond_cycles: list[dict[str, Any]], rows: list[dict[str, Any]], ctx: TestContext, cutoff: Any
) -> list[Metric]:
    return [
        Metric(
            "li_cu_ce",
            c["ce"],
            ctx.conditions(
                cell=CELL,
                abs_current_A=abs(rows[c["k"]]["current_A"]),
                capacity_C=c["q_plate_C"],
                cycle=c["cycle"],
                time_s=c["t_end_s"],
                cutoff_V=cutoff,
            ),
            definition="Q_strip / Q_plate of the conditioning cycle (before the reservoir)",
            variant="conditioning",
            source=ctx.source,
        )
        for c in cond_cycles
    ]


def _final_strip(rows: list[dict[str, Any]], r: int, cutoff_min_V: float) -> int:
    final = next((k for k in range(r + 1, len(rows)) if rows[k]["on_cutoff"]), None)
    if final is None:
        raise CalculationFailed(
            f"the reservoir plated in half-cycle {rows[r]['half_cycle']} is never stripped to "
            "the cut-off (no stripping after it ends above "
            f"{cutoff_min_V:g} V): the protocol did not finish, Q_S is unknown"
        )
    return final


def _trailing(k: int) -> list[str]:
    """A note on the half-cycles after the final strip to the cut-off, if any."""
    if k <= 0:
        return []
    return [
        f"{k} half-cycles after the final strip to the cut-off are not part of the reservoir "
        "protocol and were left out"
    ]


def reservoir_efficiency(
    half: pl.DataFrame, ctx: TestContext, opts: AnalysisOptions, *, strip_sign: int
) -> CoulombicResult:
    """Average CE of the reservoir protocol (Adams 2018), and the Aurbach variant when the
    cycling exhausted the reservoir; conditioning cycles are reported apart.

    Raises
    ------
    CalculationFailed
        When no reservoir plating or no final strip to the cut-off is found.
    """
    rows = _halves(half, strip_sign, opts.cutoff_min_V)
    r = _reservoir_index(rows)
    if r is None:
        caps = ", ".join(f"{x['capacity_C']:.4g}" for x in rows if not x["is_strip"])
        raise CalculationFailed(
            "no reservoir plating found: no plating is at least "
            f"{RESERVOIR_RATIO:g}x the later platings and followed by cycling (plating "
            f"capacities [C]: {caps}); for plain Li||Cu cycling use --protocol li-cu"
        )
    final = _final_strip(rows, r, opts.cutoff_min_V)
    notes: list[str] = []
    cond_cycles = _conditioning(rows, r, ctx.t0_s)
    cycling = range(r + 1, final)
    plates = [rows[k]["capacity_C"] for k in cycling if not rows[k]["is_strip"]]
    strips = [rows[k]["capacity_C"] for k in cycling if rows[k]["is_strip"]]
    notes += _trailing(len(rows) - final - 1)
    n = len(plates)
    if n == 0:
        raise CalculationFailed(
            "no cycling between the reservoir plating and the final strip: n = 0"
        )
    if len(strips) != n:
        notes.append(f"{n} cycling platings but {len(strips)} cycling strippings")
    q = {
        "T": rows[r]["capacity_C"],
        "S": rows[final]["capacity_C"],
        "C": float(np.mean(plates)),
        "plate": float(np.sum(plates)),
        "strip": float(np.sum(strips)),
    }
    cutoff = _cutoff(rows)
    t_end = rows[final]["t_end_s"] - ctx.t0_s
    extra = (
        ("Q_T_C", f"{q['T']:.6g}"),
        ("Q_C_C", f"{q['C']:.6g}"),
        ("n", str(n)),
        ("Q_S_C", f"{q['S']:.6g}"),
    )
    cond = ctx.conditions(
        cell=CELL,
        abs_current_A=float(np.median([abs(rows[k]["current_A"]) for k in cycling])),
        capacity_C=q["C"],
        cycle=n,
        time_s=t_end,
        cutoff_V=cutoff,
        extra=extra,
    )
    metrics = _average_ce_metrics(q, n, cond, ctx.source)
    metrics += _conditioning_metrics(cond_cycles, rows, ctx, cutoff)
    adams = metrics[0].value
    total = {
        "phase": "reservoir",
        "cycle": 1,
        "q_plate_C": q["plate"] + q["T"],
        "q_strip_C": q["strip"] + q["S"],
        "ce": adams,
        "t_end_s": t_end,
    }
    table = [{k: v for k, v in c.items() if k != "k"} for c in cond_cycles]
    flags = ("ce-above-100",) if adams > 1.0 + CE_TOLERANCE else ()
    if flags:
        notes.append("average CE above 100 %: a warning sign of a soft short or side reaction")
    roles = _reservoir_roles(rows, r, final, cond_cycles)
    return CoulombicResult(
        tuple(metrics), pl.DataFrame([*table, total]), tuple(roles), flags, tuple(notes)
    )
