"""The rows of an EC-Lab ``.mpr`` data module: which bytes hold which column.

The data module lists its column ids; :func:`_plan` turns them into columns in file order
(the flag ids share one byte; consecutive unknown ids form one block), the sizes of unknown
ids are inferred from the module's length (:func:`_resolve_unknown`; ambiguous spans kept as
raw bytes, :func:`_merge_ambiguous`), and :func:`_columns` decodes the rows into named
columns, as views of the file's bytes where it can. The ids come from
:mod:`lithiophile.io.biologic_columns`; the module walking is :mod:`lithiophile.io.biologic_mpr`.
"""

from __future__ import annotations

import functools
import itertools
import struct
import warnings
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from lithiophile.errors import UnknownColumnWarning
from lithiophile.io.biologic_columns import COLUMN_IDS, FLAG_IDS

if TYPE_CHECKING:  # pragma: no cover
    from lithiophile.io.biologic_mpr import _Module, _Reader

_SIZE_DTYPE = {1: "u1", 2: "<u2", 4: "<f4", 8: "<f8"}  # an unknown column's dtype by its size
#: Files larger than this are not read whole: their rows go through a buffer of about this
#: size, block by block, into one contiguous array per column (the peak memory stays near the
#: columns themselves). Smaller files are read in one go and their columns are views.
_BLOCK_BYTES = 4 << 20
_FLAGS = "\0flags"  # the flags byte among the fields of a row (not a column)


@dataclass(frozen=True)
class _Col:
    kind: str  # "flags" | "known" | "unknown" | "raw" (a span of ambiguous columns)
    ids: tuple[int, ...]
    label: str = ""
    dtype: str = ""
    size: int = 0


@functools.lru_cache(maxsize=256)
def _plan(ids: tuple[int, ...]) -> tuple[_Col, ...]:
    """Columns in file order: the flag ids share one byte where the first of them stands;
    consecutive unknown ids form one block (size 0 until resolved). Cached per id set."""
    plan: list[_Col] = []
    flag_ids = tuple(cid for cid in ids if cid in FLAG_IDS)
    for cid in ids:
        if cid in FLAG_IDS:
            if cid == flag_ids[0]:
                plan.append(_Col("flags", flag_ids, "flags", "u1", 1))
        elif cid in COLUMN_IDS:
            label, dtype = COLUMN_IDS[cid]
            plan.append(_Col("known", (cid,), label, dtype, np.dtype(dtype).itemsize))
        elif plan and plan[-1].kind == "unknown":
            plan[-1] = replace(plan[-1], ids=(*plan[-1].ids, cid))
        else:
            plan.append(_Col("unknown", (cid,), "", "V0", 0))
    return tuple(plan)


def _known_size(plan: tuple[_Col, ...]) -> int:
    return sum(c.size for c in plan if c.kind != "unknown")


@functools.lru_cache(maxsize=256)
def _dtype(plan: tuple[_Col, ...]) -> np.dtype:
    """The structured row dtype of a plan, built once per column-id set (and sizes)."""
    return np.dtype([(f"c{j}", c.dtype) for j, c in enumerate(plan)])


def _achievable(k: int) -> list[int]:
    return sorted({sum(p) for p in itertools.product((1, 2, 4, 8), repeat=k)}) if k <= 4 else []


def _split(k: int, size: int) -> tuple[int, ...] | None:
    """The one way k columns of 1/2/4/8 bytes fill ``size`` bytes, else None."""
    if k > 4:
        return None
    ways = [p for p in itertools.product((1, 2, 4, 8), repeat=k) if sum(p) == size]
    return ways[0] if len(ways) == 1 else None


def _plausibility(rd: _Reader, plan: tuple[_Col, ...], start: int, n: int) -> float:
    """How much the known float columns of the first rows look like numbers (0..1), and the
    time non-decreasing; used only to choose between layouts of unknown columns."""
    m = min(n, 2000)
    dtype = _dtype(plan)
    arr = np.frombuffer(rd.at(start, m * dtype.itemsize), dtype, m)
    scores = []
    for j, c in enumerate(plan):
        if c.kind != "known" or c.dtype[-2] != "f":
            continue
        with np.errstate(all="ignore"):
            x = arr[f"c{j}"].astype(np.float64)
            ok = np.isfinite(x) & (np.abs(x) < 1e15)
            if c.label == "time/s" and m > 1:
                ok[1:] &= np.diff(x) >= 0
        scores.append(float(ok.mean()) if m else 1.0)
    return float(np.mean(scores)) if scores else 0.0


def _sized(plan: tuple[_Col, ...], sizes: tuple[int, ...]) -> tuple[_Col, ...]:
    it = iter(sizes)
    return tuple(
        replace(c, dtype=f"V{(s := next(it))}", size=s) if c.kind == "unknown" else c for c in plan
    )


def _resolve_unknown(
    rd: _Reader, plan: tuple[_Col, ...], start: int, n: int, avail: int
) -> tuple[_Col, ...]:
    """Give each block of unknown ids the size that makes the rows fill the module exactly.

    Several possible sizes are told apart by how plausible the known float columns then look;
    a tie is an error rather than a guess.
    """
    blocks = [c for c in plan if c.kind == "unknown"]
    if n == 0:
        return plan
    spare = avail // n - _known_size(plan)
    if spare == 0:  # no bytes of their own: bits of the flags byte, probably
        return plan
    options = [_achievable(len(b.ids)) for b in blocks]
    if any(not o for o in options) or np.prod([len(o) for o in options]) > 50_000:
        raise rd.fail(
            f"too many unknown column ids ({[c.ids for c in blocks]}) to infer their sizes"
        )
    fits = [sizes for sizes in itertools.product(*options) if sum(sizes) == spare]
    if not fits:
        raise rd.fail(
            f"the unknown column ids {[i for b in blocks for i in b.ids]} would need "
            f"{spare} bytes per row, which 1/2/4/8-byte columns cannot fill"
        )
    if len(fits) > 1:
        scored = sorted(
            ((_plausibility(rd, _sized(plan, sizes), start, n), sizes) for sizes in fits),
            key=lambda x: x[0],
            reverse=True,
        )
        if scored[0][0] == scored[1][0]:
            tied = [sizes for score, sizes in scored if score == scored[0][0]]
            return _merge_ambiguous(rd, plan, tied, spare)
        fits = [scored[0][1]]
    return _sized(plan, fits[0])


#: Labels without which a data module is not worth reading.
_ESSENTIAL = frozenset({"time/s", "Ewe/V", "<Ewe>/V", "Ecell/V", "I/mA", "<I>/mA", "freq/Hz"})


def _merge_ambiguous(
    rd: _Reader, plan: tuple[_Col, ...], tied: list[tuple[int, ...]], spare: int
) -> tuple[_Col, ...]:
    """Several sizes of the unknown columns fit equally well: the columns from the first to the
    last unknown block whose size differs between the fits are kept as one block of raw bytes
    (their positions are certain only as a whole); every column outside that span is decoded.
    An error only when time, voltage, current or frequency fall inside the span."""
    unknown_at = [j for j, c in enumerate(plan) if c.kind == "unknown"]
    differ = [j for k, j in enumerate(unknown_at) if len({sizes[k] for sizes in tied}) > 1]
    a, b = differ[0], differ[-1]
    span = plan[a : b + 1]
    lost = [c.label for c in span if c.kind == "known"]
    if set(lost) & _ESSENTIAL or any(c.kind == "flags" for c in span):
        raise rd.fail(
            f"the sizes of the unknown column ids {[c.ids for c in span if c.kind == 'unknown']} "
            f"cannot be told apart ({spare} bytes per row between them) and the columns "
            f"{lost} lie among them; please report the file"
        )
    first = _sized(plan, tied[0])
    size = sum(c.size for c in first[a : b + 1])
    ids = tuple(i for c in span for i in c.ids)
    return (*first[:a], _Col("raw", ids, "", f"V{size}", size), *first[b + 1 :])


def _data(rd: _Reader, mod: _Module) -> tuple[list[int], tuple[_Col, ...], int, int, str]:
    """Column ids, column plan, row start, n points and a layout description of a data module.

    Layouts ([T] the rows then fill the module exactly in every file here): extended header:
    u16 column count, rows from content byte 0x3EF; short header v3: u8 count, rows from 0x196.
    Other versions are tried against both and, for v2 files of older EC-Lab versions, a start
    one byte earlier (0x195; not checked against a file here); a layout is accepted only if the
    known columns' sizes fill the module exactly.
    """
    if mod.length < 6:
        raise rd.fail(f"the data module at byte {mod.start} has only {mod.length} bytes")
    c = mod.content
    head = rd.at(c, min(mod.length, 0x3EF))  # the module's content before the rows
    n = struct.unpack_from("<I", head, 0)[0]
    preferred: list[tuple[int, int, str]] = []  # (count size, rows start, name)
    if mod.extended:
        preferred.append((2, 0x3EF, "extended"))
    if mod.version == 3:
        preferred.append((1, 0x196, "v3"))
    if mod.version == 2:
        preferred.append((1, 0x195, "v2"))
    for cand in ((2, 0x3EF, "extended"), (1, 0x196, "v3"), (1, 0x195, "v2")):
        if cand not in preferred:
            preferred.append(cand)
    first_problem = None
    for count_size, rows_at, name in preferred:
        nc = head[4] if count_size == 1 else struct.unpack_from("<H", head, 4)[0]
        ids_at = 4 + count_size
        if nc == 0 or ids_at + 2 * nc > rows_at or rows_at > mod.length:
            first_problem = first_problem or (
                f"its column list ({nc} ids from byte {c + ids_at}) does not fit before the "
                f"rows at byte {c + rows_at}"
                if nc
                else "it declares 0 columns"
            )
            continue
        ids = np.frombuffer(head, "<u2", nc, ids_at).tolist()
        plan = _plan(tuple(ids))
        avail = mod.length - rows_at
        has_unknown = any(p.kind == "unknown" for p in plan)
        need = n * _known_size(plan)
        if not has_unknown and need != avail:
            first_problem = first_problem or (
                f"its {n} points of {_known_size(plan)} bytes (column ids {ids}) need {need} "
                f"bytes from byte {c + rows_at} but the module holds {avail} (file corrupt, or "
                "a column whose size lithiophile's table has wrong)"
            )
            continue
        if has_unknown and (need > avail or (n and avail % n)):
            first_problem = first_problem or (
                f"its {n} points need at least {need} bytes from byte {c + rows_at} and a "
                f"whole number of bytes per point, but the module holds {avail} (file corrupt?)"
            )
            continue
        if has_unknown:
            plan = _resolve_unknown(rd, plan, c + rows_at, n, avail)
        return ids, plan, c + rows_at, n, name
    raise rd.fail(f"the data module (header at byte {mod.start}) is not readable: {first_problem}")


_Field = tuple[str, str, int, np.dtype, tuple[int, ...], tuple[int, ...]]
_Unknown = tuple[tuple[int, ...], str, int]


@functools.lru_cache(maxsize=256)
def _layout(
    plan: tuple[_Col, ...],
) -> tuple[np.dtype, tuple[_Field, ...], tuple[tuple[str, int, int], ...], tuple[_Unknown, ...]]:
    """Row dtype; the fields of a row in file order (label, name in :func:`_dtype` or "" for
    an unknown column, byte offset, dtype, extra shape and strides: ``(width,), (1,)`` for a
    block of raw bytes), the flags byte under the label ``_FLAGS``; the flag labels with mask
    and shift; the unknown ids. Cached per plan."""
    fields: list[_Field] = []
    flags: tuple[tuple[str, int, int], ...] = ()
    unknown: list[_Unknown] = []
    labels: set[str] = set()
    offset = 0
    for j, c in enumerate(plan):
        if c.kind == "known":
            label = c.label if c.label not in labels else f"{c.label} (id {c.ids[0]})"
            labels.add(label)
            fields.append((label, f"c{j}", offset, np.dtype(c.dtype), (), ()))
        elif c.kind == "flags":  # one byte, decoded into its flag labels
            flags = tuple(
                (FLAG_IDS[cid][0], mask, (mask & -mask).bit_length() - 1)
                for cid in c.ids
                for mask in (FLAG_IDS[cid][1],)
            )
            labels.update(label for label, _, _ in flags)
            fields.append((_FLAGS, f"c{j}", offset, np.dtype(np.uint8), (), ()))
        elif c.kind == "raw":  # an ambiguous span: its bytes, one row per point
            label = "raw_id_" + "_".join(map(str, c.ids))
            fields.append((label, "", offset, np.dtype(np.uint8), (c.size,), (1,)))
            unknown.append((c.ids, label, c.size))
        elif c.size == 0:
            unknown.extend(((cid,), "", 0) for cid in c.ids)
        else:
            sizes = (c.size,) if len(c.ids) == 1 else _split(len(c.ids), c.size)
            if sizes is None:  # keep the block's bytes, one row per point
                label = "raw_id_" + "_".join(map(str, c.ids))
                fields.append((label, "", offset, np.dtype(np.uint8), (c.size,), (1,)))
                unknown.append((c.ids, label, c.size))
            else:
                sub = offset
                for cid, size in zip(c.ids, sizes, strict=True):
                    label = f"raw_id_{cid}"
                    fields.append((label, "", sub, np.dtype(_SIZE_DTYPE[size]), (), ()))
                    unknown.append(((cid,), label, size))
                    sub += size
        offset += c.size
    return _dtype(plan), tuple(fields), flags, tuple(unknown)


def _columns(
    rd: _Reader, plan: tuple[_Col, ...], start: int, n: int
) -> tuple[dict[str, np.ndarray], list[_Unknown]]:
    """Named columns of the rows: views into the file's bytes when the reader holds them
    (except the decoded flag bits), else contiguous arrays filled block by block from the file
    through one reused buffer (the whole file is never in memory)."""
    dtype, fields, flags, unknown = _layout(plan)
    rowsize = dtype.itemsize

    def views(buf: Any, offset: int, m: int) -> dict[str, np.ndarray]:
        rows = np.frombuffer(buf, dtype, m, offset)
        return {
            label: rows[name]
            if name
            else np.ndarray((m, *shape), dt, buf, offset + off, (rowsize, *strides))
            for label, name, off, dt, shape, strides in fields
        }

    if rd.buf is not None:  # the whole file is in memory: zero-copy views
        cols = views(rd.buf, start, n)
    else:
        cols = {label: np.empty((n, *shape), dt) for label, _, _, dt, shape, _ in fields}
        step = max(1, _BLOCK_BYTES // max(rowsize, 1))
        block = np.empty(min(n, step) * rowsize, np.uint8)
        for a in range(0, n, step):
            m = min(step, n - a)
            rd.readinto(start if a == 0 else None, block[: m * rowsize])
            for label, part in views(block, 0, m).items():
                cols[label][a : a + m] = part
        del block
    out: dict[str, np.ndarray] = {}
    for label, *_ in fields:  # in the order of the row, the flag labels where their byte is
        if label != _FLAGS:
            out[label] = cols[label]
            continue
        byte = cols[_FLAGS]
        for flag, mask, shift in flags:
            values = byte & mask
            out[flag] = values >> shift if shift else values
    return out, list(unknown)


def _warn_unknown(name: str | Path, unknown: list[_Unknown]) -> None:
    parts = []
    for ids, label, size in unknown:
        if not label:
            parts.append(f"id {ids[0]} (no bytes of its own: a flag bit, not decoded)")
        elif len(ids) > 1:  # a block whose split into columns is ambiguous
            parts.append(f"ids {list(ids)} -> {label} ({size} raw bytes per row)")
        else:
            parts.append(
                f"id {ids[0]} -> {label} ({size} bytes per row, read as "
                f"{np.dtype(_SIZE_DTYPE[size]).name})"
            )
    warnings.warn(
        f"'{name}': column ids unknown to lithiophile, kept under raw names with sizes inferred "
        f"from the data module's length: {'; '.join(parts)}. Export the file as .mpt in EC-Lab "
        "to learn their labels.",
        UnknownColumnWarning,
        stacklevel=3,
    )
