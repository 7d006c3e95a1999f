"""Continuation files: one test split over several files, joined into one.

Instruments start a new file when a test is resumed, a channel is restarted or a file grows
too large; each file's clock then starts again at 0 and its cycles and steps count from 1.
:func:`join` lays the parts end to end in the order given:

* time: where both files state their start time, the later part starts at the difference of
  start times (so the real pause between them is kept and reported); otherwise it starts one
  typical sampling interval after the end of the part before (the gap is unknown, and said);
* cycles continue: the later part's first cycle follows the last cycle of the part before;
* steps continue (``step`` counts on);
* ``charge_C`` continues across the cut by :func:`_boundary_charge`: an instrument's charge
  counter in the later file counts from that file's own zero, so its value at the first record
  is what the instrument counted before that record, and it is added on as written (never
  re-based to 0). Where that value is 0 (the file's zero is its first record, or the charge
  is integrated from current), the interval between the last record of the part before and
  the first of this one is counted as the first record's current over it, as a counter counts
  the interval a record ends, when the start times show it to be one sampling interval of a
  recording that went on; where the pause is unknown or longer (an interruption, during which
  no instrument counts), nothing is added, and the provenance says which;
* spectra (impedance data) are numbered on.

Every choice is recorded in the joined data's provenance (``kind="repair"``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

from lithiophile.errors import InputError
from lithiophile.io.celldata import (
    CHARGE,
    CURRENT,
    CYCLE,
    SPECTRUM,
    STEP,
    TIME,
    CellData,
    ImpedanceData,
    Metadata,
    Provenance,
)

__all__ = ["join"]

#: A cut longer than this many typical sampling intervals is an interruption (nothing counted).
INTERRUPTION_FACTOR = 3.0


def _interval(t: np.ndarray) -> float:
    d = np.diff(t)
    d = d[d > 0]
    return float(np.median(d)) if d.size else 0.0


def _offset(
    before: CellData | ImpedanceData, part: CellData | ImpedanceData, k: int, base: float
) -> tuple[float, Provenance, bool]:
    """Time to add to ``part`` (the k-th file, 1-based), what was decided, and whether the
    start times fixed it (False: the pause between the files is unknown)."""
    t0, t1 = before[TIME], part[TIME]
    end = float(t0[-1]) if t0.size else 0.0
    start0, start1 = before.meta.start_time, part.meta.start_time
    if (
        start0 is not None
        and start1 is not None
        and (start0.tzinfo is None) == (start1.tzinfo is None)
    ):
        offset = base + (start1 - start0).total_seconds()
        gap = offset + float(t1[0]) - (base + end)
        if gap >= 0:
            return (
                offset,
                Provenance(
                    "repair",
                    f"file {k} starts {gap:.6g} s after file {k - 1} ends (from their start "
                    f"times); its time_s shifted by {offset:.6g} s",
                    f"file {k}",
                    "join-time",
                ),
                True,
            )
    step = _interval(t0)
    offset = base + end + step - float(t1[0])
    return (
        offset,
        Provenance(
            "repair",
            f"file {k} laid after file {k - 1} one sampling interval ({step:.6g} s) after its "
            f"end: the files do not state start times that order them, so the pause between "
            "them is unknown",
            f"file {k}",
            "join-time",
        ),
        False,
    )


def _boundary_charge(
    before: pl.DataFrame, part: pl.DataFrame, offset: float | None, k: int
) -> tuple[float, str]:
    """Charge [C] to add across the cut before file ``k`` (besides its counter's own first
    value) and how it was decided (see the module docstring). ``offset``: the time shift of
    ``part`` when the start times fix it, else None (the pause is unknown)."""
    q = part.get_column(CHARGE).to_numpy()
    if q.size and np.isfinite(q[0]) and q[0] != 0.0:
        return 0.0, f"its charge counter's first value ({q[0]:.6g} C) carries the cut"
    if offset is None or not q.size:
        return 0.0, "nothing added across the cut (the pause between the files is unknown)"
    t_a = before.get_column(TIME).to_numpy()
    gap = float(part.get_column(TIME)[0]) + offset - float(t_a[-1])
    i_b = float(part.get_column(CURRENT)[0]) if CURRENT in part.columns else float("nan")
    if not np.isfinite(i_b) or gap > INTERRUPTION_FACTOR * _interval(t_a[-1000:]):
        return 0.0, (f"nothing added across the {gap:.6g} s cut (an interruption, or no current)")
    return i_b * gap, (
        f"the {gap:.6g} s between the files counted as file {k}'s first current "
        f"({i_b:.6g} A) over it"
    )


def _shifted(
    part: pl.DataFrame, offset: float | None, counters: dict[str, int], charge: float
) -> pl.DataFrame:
    exprs = [] if offset is None else [(pl.col(TIME) + offset).alias(TIME)]
    for name, after in counters.items():
        if name in part.columns:
            first = part.get_column(name).min()
            exprs.append((pl.col(name) - first + after + 1).alias(name))
    if CHARGE in part.columns:
        exprs.append((pl.col(CHARGE) + charge).alias(CHARGE))
    return part.with_columns(exprs)


def join(parts: Sequence[CellData | ImpedanceData]) -> CellData | ImpedanceData:
    """Join the parts of one test, in the order given (see the module docstring).

    Raises
    ------
    InputError
        When fewer than one part is given, or cell data and spectra are mixed.
    """
    if not parts:
        raise InputError("join needs at least one file; got none.")
    kind = type(parts[0])
    if any(type(p) is not kind for p in parts):
        raise InputError(
            "join needs parts of one kind: all cycling data or all spectra; got "
            f"{[type(p).__name__ for p in parts]}."
        )
    if len(parts) == 1:
        return parts[0]
    counters = [SPECTRUM] if kind is ImpedanceData else [CYCLE, STEP]
    frames = [parts[0].table]
    found: list[Provenance] = []
    joined = parts[0]
    base = 0.0
    for k, part in enumerate(parts[1:], start=2):
        timed = TIME in part.columns and TIME in joined.columns
        if not timed and kind is CellData:
            raise InputError(f"file {k} or the one before has no time_s: cannot join them.")
        offset, said, known = _offset(parts[k - 2], part, k, base) if timed else (0.0, None, False)
        base = offset
        last = frames[-1]
        after = {c: int(last.get_column(c).to_numpy().max()) for c in counters if c in last.columns}
        charge, how = 0.0, ""
        if CHARGE in last.columns and CHARGE in part.columns:
            across, how = _boundary_charge(last, part.table, offset if known else None, k)
            charge = float(last.get_column(CHARGE)[-1]) + across
        frames.append(_shifted(part.table, offset if timed else None, after, charge))
        if said is not None:
            found.append(said)
        found.append(
            Provenance(
                "repair",
                f"file {k}'s {' and '.join(after)} numbers continued after file {k - 1}'s "
                f"last ({', '.join(f'{c} {v}' for c, v in after.items())})"
                + (f"; its charge_C continues from {charge:.6g} C: {how}" if how else ""),
                f"file {k}",
                "join-counters",
            )
        )
        for entry in part.meta.all_provenance():
            where = f"file {k}" + (f", {entry.where}" if entry.where else "")
            found.append(Provenance(entry.kind, entry.what, where, entry.code))
        joined = part
    table = pl.concat(frames, how="diagonal_relaxed")
    first = parts[0].meta
    meta = Metadata(
        source_path=" + ".join(str(p.meta.source_path) for p in parts),
        instrument=first.instrument,
        format=first.format,
        format_version=first.format_version,
        start_time=first.start_time,
        area_m2=first.area_m2,
        mass_kg=first.mass_kg,
        techniques=tuple(dict.fromkeys(t for p in parts for t in p.meta.techniques)),
        header={"joined_files": [p.meta.source_path for p in parts]},
        notes=first.notes,
        provenance=(*first.provenance, *found),
    )
    return kind(table, meta)
