"""Impedance exports of programs without a dedicated reader: PalmSens PSTrace ``.pssession``
and RelaxIS text spectra.

PalmSens ``.pssession`` (PSTrace 5.x): UTF-16 JSON (a byte-order mark, then an object with
``measurements``; each has a ``dataset`` whose ``values`` are arrays with a ``description``
such as ``Frequency``, ``ZRe``, ``ZIm``, ``Idc``, ``potential``, ``time``, a ``unit`` object
(``s``: symbol, ``q``: quantity; ``ZIm`` is stated as quantity ``-Z''``, ``Idc`` in
``MicroAmpere``) and ``datavalues`` of ``{"v": value}``). Some files have bytes after the
closing brace; they are ignored (and reported). Layout learnt from
``palmsens__BatteryCurve.pssession`` (PalmSens SDK example data, BSD-3-Clause).

RelaxIS 3 spectrum export: line 1 ``RelaxIS 3.0 Spectrum export``, line 2 ``Date: ...``,
line 3 the tab-separated labels ``Data: Frequency, Data: Z', Data: Z'', ...``, line 4 the
spectrum's parameters (``DC=..., TM=...``) and name, then one row per frequency. ``Z''`` is Im Z
itself (negative for a capacitive arc, as the reference file shows: its phase ``Theta (Z)`` is
negative). Layout learnt from ``hybdrt__PEIS_LPSCl_IonBlocking_-25C_RelaxIS.txt``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from lithiophile.errors import FileFormatError, InputError
from lithiophile.io.celldata import ImpedanceData, Metadata, Provenance

__all__ = ["read", "sniff"]

FMT_PS = "a PalmSens .pssession"
FMT_RX = "a RelaxIS spectrum export"
_UTF16_JSON = ("\ufeff{", "{")

#: PalmSens current units (the ``type`` of a current array's unit) -> A.
_PS_CURRENT = {
    "PalmSens.Units.MicroAmpere": 1e-6,
    "PalmSens.Units.MilliAmpere": 1e-3,
    "PalmSens.Units.NanoAmpere": 1e-9,
    "PalmSens.Units.Ampere": 1.0,
}


def sniff(head: bytes, path: Path) -> int:
    if head.startswith(b"\xff\xfe{\x00") and b'"\x00m\x00e\x00a\x00s\x00' in head:
        return 100
    if head.startswith(b"RelaxIS") and b"Spectrum export" in head[:60]:
        return 100
    return 0


def read(path: Path, **_: Any) -> ImpedanceData:
    with open(path, "rb") as fh:
        head = fh.read(64)
    if head.startswith(b"RelaxIS"):
        return _relaxis(path)
    try:
        return _pssession(path)
    except (AttributeError, KeyError, TypeError, ValueError, InputError) as exc:
        if isinstance(exc, FileFormatError):
            raise
        raise FileFormatError(
            path, FMT_PS, f"the JSON does not have the structure of a PSTrace session ({exc})"
        ) from None


# -- PalmSens -----------------------------------------------------------------------------------
def _ps_json(path: Path) -> tuple[dict[str, Any], list[Provenance]]:
    try:
        text = path.read_bytes().decode("utf-16")
    except UnicodeDecodeError as exc:
        raise FileFormatError(path, FMT_PS, f"not UTF-16 text (byte {exc.start})") from None
    end = text.rfind("}")
    if not text.lstrip("\ufeff").startswith("{") or end < 0:
        raise FileFormatError(path, FMT_PS, "no JSON object in the file")
    found = []
    if text[end + 1 :].strip():
        found.append(
            Provenance(
                "warning",
                f"{len(text) - end - 1} characters after the JSON object were ignored",
                f"character {end + 1}",
                "trailing-bytes",
            )
        )
    try:
        return json.loads(text[: end + 1].lstrip("\ufeff")), found
    except json.JSONDecodeError as exc:
        raise FileFormatError(path, FMT_PS, f"JSON unreadable: {exc}") from None


def _ps_arrays(path: Path, measurement: dict[str, Any]) -> dict[str, tuple[np.ndarray, dict]]:
    out = {}
    for arr in measurement.get("dataset", {}).get("values", []):
        name = str(arr.get("description", ""))
        values = [d.get("v", math.nan) for d in arr.get("datavalues", [])]
        try:
            out[name] = (np.asarray(values, dtype=np.float64), arr.get("unit") or {})
        except (TypeError, ValueError):
            continue  # text arrays (debug text) carry no numbers
    return out


def _pssession(path: Path) -> ImpedanceData:
    doc, found = _ps_json(path)
    ms = [m for m in doc.get("measurements", []) if "Frequency" in _ps_arrays(path, m)]
    if not ms:
        raise FileFormatError(path, FMT_PS, "no measurement with a Frequency array (not EIS?)")
    frames: dict[str, list[np.ndarray]] = {}
    for k, m in enumerate(ms, start=1):
        arrays = _ps_arrays(path, m)
        missing = [c for c in ("Frequency", "ZRe", "ZIm") if c not in arrays]
        if missing:
            raise FileFormatError(path, FMT_PS, f"measurement {k} has no {missing} array")
        f = arrays["Frequency"][0]
        sizes = {name: a[0].size for name, a in arrays.items()}
        if len(set(sizes.values())) > 1:
            raise FileFormatError(
                path, FMT_PS, f"measurement {k} has arrays of unequal lengths {sizes}"
            )
        zim, unit = arrays["ZIm"]
        sign = -1.0 if str(unit.get("q", "")).startswith("-") else 1.0
        cols = {
            "frequency_Hz": f,
            "z_real_ohm": arrays["ZRe"][0],
            "z_imag_ohm": sign * zim,
            "spectrum": np.full(f.size, k, dtype=np.int32),
        }
        if "time" in arrays:
            cols["time_s"] = arrays["time"][0]
        if "potential" in arrays:
            cols["voltage_V"] = arrays["potential"][0]
        if "Idc" in arrays:
            values, unit = arrays["Idc"]
            factor = _PS_CURRENT.get(str(unit.get("type")))
            if factor is not None:
                cols["current_A"] = values * factor
        for c, v in cols.items():
            frames.setdefault(c, []).append(v)
    found.append(
        Provenance(
            "assumption",
            "ZIm taken as -Im(Z), as its quantity label \"-Z''\" states"
            if sign < 0
            else "ZIm taken as Im(Z) as labelled",
            "",
            "sign-from-label",
        )
    )
    columns = {c: np.concatenate(v) for c, v in frames.items() if len(v) == len(ms)}
    first = ms[0]
    meta = Metadata(
        instrument="PalmSens",
        format="palmsens-pssession",
        format_version=f"PSTrace .pssession (core {doc.get('coreversion', '?')})",
        techniques=tuple(dict.fromkeys(str(m.get("title", "EIS")) for m in ms)),
        header={
            "title": first.get("title"),
            "device": first.get("deviceused"),
            "timestamp": first.get("timestamp"),
        },
        provenance=tuple(found),
    )
    return ImpedanceData.from_columns(columns, meta)


# -- RelaxIS ------------------------------------------------------------------------------------
def _relaxis(path: Path) -> ImpedanceData:
    lines = path.read_bytes().decode("utf-8", errors="replace").splitlines()
    if len(lines) < 5:
        raise FileFormatError(path, FMT_RX, f"{len(lines)} lines: no data rows after the header")
    labels = [lab.strip().removeprefix("Data:").strip() for lab in lines[2].split("\t")]
    want = {"Frequency": "frequency_Hz", "Z'": "z_real_ohm", "Z''": "z_imag_ohm"}
    where = {want[lab]: j for j, lab in enumerate(labels) if lab in want}
    if len(where) < 3:
        raise FileFormatError(
            path, FMT_RX, f"line 3 should name Frequency, Z' and Z''; it names {labels}"
        )
    rows = []
    for n, line in enumerate(lines[4:], start=5):
        if not line.strip():
            continue
        fields = line.split("\t")
        try:
            rows.append([float(fields[where[c]]) for c in want.values()])
        except (IndexError, ValueError):
            raise FileFormatError(
                path, FMT_RX, f"line {n} is not a row of numbers: {line[:60]!r}"
            ) from None
    data = np.asarray(rows, dtype=np.float64).reshape(-1, 3)
    meta = Metadata(
        instrument="RelaxIS",
        format="relaxis-text",
        format_version=lines[0].strip(),
        techniques=("EIS",),
        header={"spectrum": lines[3].strip(), "date": lines[1].removeprefix("Date:").strip()},
        provenance=(Provenance("assumption", "Z'' taken as Im(Z) as RelaxIS writes it", "line 3"),),
    )
    return ImpedanceData.from_columns({c: data[:, k] for k, c in enumerate(want.values())}, meta)
