"""Files in the offending layouts real labs' files have, written from synthetic data.

Each function writes (or rewrites) a file so that it shows one defect class that real
instrument files show and that :mod:`lithiophile.io` must read right or refuse clearly: the
tests first reproduce each defect with these files, then check the readers' answer. The data
are known by construction, so what a right reading returns is known too.

* :func:`drop_mpt_label`: an EC-Lab text export whose column-label line names one column
  fewer than each row holds (an edited or mis-exported header).
* :func:`set_mpr_area_unit`: an .mpr whose electrode area is stated in another unit code
  (3 = mm², as a GCPL file whose .mpt twin reads "113.100 mm²").
* :func:`drop_trailing_fields`: a CSV whose last row leaves its trailing sparse columns out
  (Arbin MITS Pro's dV/dt, internal resistance).
* :func:`write_neware_nested_csv`: a BTSDA 7 export with cycle, step and record layers, whose
  first data line may hold the cycle row and the first step row together.
* :func:`split_file`: one test split over several files (continuation files).
"""

from __future__ import annotations

import struct
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from lithiophile.errors import InputError
from lithiophile.synth.instruments._common import _Cell

__all__ = [
    "drop_mpt_label",
    "drop_trailing_fields",
    "set_mpr_area_unit",
    "split_file",
    "write_neware_nested_csv",
]


def _label_line(data: bytes) -> int:
    """Index (0-based) of the label line of an EC-Lab text export with a full header."""
    second = data.split(b"\n", 2)[1].decode("latin-1")
    return int(second.split(":")[1]) - 1


def drop_mpt_label(source: str | Path, path: str | Path, label: str) -> Path:
    """Copy an .mpt written by :func:`~lithiophile.synth.instruments.write_biologic_mpt` to
    ``path`` with ``label`` removed from its column-label line (the rows keep every value)."""
    data = Path(source).read_bytes()
    lines = data.split(b"\r\n")
    k = _label_line(data)
    labels = lines[k].split(b"\t")
    target = label.encode("cp1252")
    if target not in labels:
        raise InputError(f"label {label!r} is not among the file's labels {labels!r}.")
    labels.remove(target)
    lines[k] = b"\t".join(labels)
    Path(path).write_bytes(b"\r\n".join(lines))
    return Path(path)


def set_mpr_area_unit(source: str | Path, path: str | Path, area: float, code: int) -> Path:
    """Copy an .mpr written by :func:`~lithiophile.synth.instruments.write_biologic_mpr` to
    ``path`` with the electrode area ``area`` (float32, settings byte 0x211) stated in unit
    code ``code`` (settings byte 0x250)."""
    data = bytearray(Path(source).read_bytes())
    at = data.find(b"MODULEVMP Set")
    if at < 0:
        raise InputError(f"{source} has no settings module (not an .mpr of this package?).")
    content = at + 6 + 10 + 25 + 8 + 8  # MODULE, names, length and version, date
    struct.pack_into("<f", data, content + 0x211, area)
    data[content + 0x250] = code
    Path(path).write_bytes(bytes(data))
    return Path(path)


def drop_trailing_fields(source: str | Path, path: str | Path, count: int, sep: str = ",") -> Path:
    """Copy a delimited text file to ``path`` with the last ``count`` fields of its last row
    left out (the line still ends as the others do)."""
    data = Path(source).read_bytes()
    end = b"\r\n" if data.endswith(b"\r\n") else b"\n" if data.endswith(b"\n") else b""
    body = data[: len(data) - len(end)] if end else data
    cut = body.rfind(b"\n") + 1
    fields = body[cut:].rstrip(b"\r").split(sep.encode())
    if count >= len(fields):
        raise InputError(f"the last row has only {len(fields)} fields; cannot drop {count}.")
    last = sep.encode().join(fields[:-count])
    Path(path).write_bytes(body[:cut] + last + end)
    return Path(path)


def _hms(seconds: float) -> str:
    h, rest = divmod(seconds, 3600.0)
    m, s = divmod(rest, 60.0)
    return f"{int(h)}:{int(m):02d}:{s:06.3f}"


def write_neware_nested_csv(
    data: Any, path: str | Path, *, merge_first_cycle_and_step: bool = False
) -> Path:
    """Write a BTSDA 7 nested export: a cycle row (``Cycle ID, Cap_Chg(mAh), Cap_DChg(mAh)``),
    under it a row per step (``, Step ID, Step Name, Step Time(h:min:s.ms), Capacity(mAh)``)
    and under each step its records (``, , Record ID, Time(h:min:s.ms), Voltage(V),
    Current(mA)``, time since the step began). With ``merge_first_cycle_and_step`` the first
    data line holds the first cycle's id and the first step's fields together. Times to 1 ms,
    voltage and current to 6 decimals."""
    cell = _Cell(data, "write_neware_nested_csv")
    t, v, i = cell.t, cell.v, cell.i
    rows: list[list[str]] = [
        ["Cycle ID", "Cap_Chg(mAh)", "Cap_DChg(mAh)"],
        ["", "Step ID", "Step Name", "Step Time(h:min:s.ms)", "Capacity(mAh)"],
        ["", "", "Record ID", "Time(h:min:s.ms)", "Voltage(V)", "Current(mA)"],
    ]
    starts = np.flatnonzero(np.diff(cell.step, prepend=-1))
    ends = [*starts[1:], t.size]
    record = 0
    for a, b in zip(starts, ends, strict=True):
        if a == 0 or cell.cycle[a] != cell.cycle[a - 1]:
            rows.append([str(int(cell.cycle[a])), "0", "0"])
        name = "Rest" if not np.any(i[a:b]) else "CC_Chg" if i[a:b].mean() > 0 else "CC_DChg"
        dq_mah = abs(float(np.sum(cell.dq_C[a + 1 : b]))) / 3.6
        step_row = [
            "",
            str(int(cell.step[a])),
            name,
            _hms(t[b - 1] - (t[a - 1] if a else t[0])),
            f"{dq_mah:.4f}",
        ]
        if merge_first_cycle_and_step and a == 0:
            rows[-1] = [rows[-1][0], *step_row[1:]]
        else:
            rows.append(step_row)
        begun = t[a - 1] if a else t[0]  # a step begins where the record before it was taken
        for k in range(a, b):
            record += 1
            rows.append(
                ["", "", str(record), _hms(t[k] - begun), f"{v[k]:.6f}", f"{i[k] * 1e3:.6f}"]
            )
    Path(path).write_text("\r\n".join(",".join(r) for r in rows) + "\r\n", encoding="utf-8")
    return Path(path)


def split_file(
    writer: Any, data: Mapping[str, Any], paths: Sequence[str | Path], at: Sequence[int]
) -> list[Path]:
    """Write ``data`` (SI columns) as several files with ``writer``, cut at the row indices
    ``at``; each file's clock starts again at 0 and its cycles and steps count from 1, as an
    instrument writes a test continued in a new file."""
    bounds = [0, *at, len(data["time_s"])]
    if len(paths) != len(bounds) - 1:
        raise InputError(f"{len(bounds) - 1} parts need {len(bounds) - 1} paths; got {len(paths)}.")
    out = []
    for path, a, b in zip(paths, bounds[:-1], bounds[1:], strict=True):
        part = {
            k: np.asarray(v)[a:b]
            for k, v in data.items()
            if k in ("time_s", "voltage_V", "current_A")
        }
        part["time_s"] = part["time_s"] - part["time_s"][0]
        out.append(writer(part, path))
    return out
