"""Records to and from JSON, CSV and Parquet files.

JSON: an array of records in the record schema (what ``kb export x.json`` writes). CSV and
Parquet: one row per record, flat columns (``metric``, ``value``, ``unit``, ``material``,
``strategy``, ``electrolyte``, the condition columns in SI such as ``current_density_A_m2``,
``cell`` ...) plus ``flags`` and ``record`` as JSON text; on import a non-empty ``record`` column
wins, otherwise the record is built from the flat columns.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any

from lithiophile.errors import FileFormatError, InputError
from lithiophile.kb.schema import Record

__all__ = ["FLAT_COLUMNS", "read_rows", "write_records"]

_RECORD_FIELDS = (
    "id",
    "origin",
    "strategy",
    "strategy_printed",
    "electrolyte",
    "material",
    "metric",
    "variant",
    "value",
    "value_high",
    "unit",
    "value_si",
    "qualifier",
    "printed",
    "value_printed",
    "unit_printed",
    "uncertainty",
    "definition",
    "source",
)
_CONDITION_FIELDS = (
    "current_density_A_m2",
    "areal_capacity_C_m2",
    "temperature_K",
    "time_s",
    "cycle",
    "rest_time_s",
    "cell",
    "c_rate",
    "cutoff_V",
)
#: Columns of a CSV / Parquet export.
FLAT_COLUMNS = (
    *_RECORD_FIELDS,
    *_CONDITION_FIELDS,
    "cell_electrolyte",
    "ref",
    "citation",
    "flags",
    "record",
)
_NUMERIC = {
    "value",
    "value_high",
    "value_si",
    "value_printed",
    "uncertainty",
    "current_density_A_m2",
    "areal_capacity_C_m2",
    "temperature_K",
    "time_s",
    "rest_time_s",
    "c_rate",
    "cutoff_V",
}


def _flat(r: Record) -> dict[str, Any]:
    d = r.model_dump()
    row = {k: d[k] for k in _RECORD_FIELDS}
    row.update({k: d["conditions"][k] for k in _CONDITION_FIELDS})
    row["cell_electrolyte"] = d["conditions"]["electrolyte"]
    row["ref"] = r.provenance.ref if r.provenance else None
    row["citation"] = r.provenance.citation if r.provenance else None
    row["flags"] = json.dumps(d["flags"], ensure_ascii=False)
    row["record"] = r.model_dump_json()
    return row


def write_records(records: list[Record], path: Path) -> int:
    """Write ``records`` to ``path`` in the format its suffix names; returns how many."""
    suffix = path.suffix.lower()
    if suffix not in (".json", ".csv", ".parquet"):
        raise InputError(
            f"the export file '{path}' must end in .json, .csv or .parquet. Got '{suffix}'."
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".json":
        path.write_text(
            json.dumps([r.model_dump() for r in records], ensure_ascii=False, indent=1) + "\n",
            encoding="utf-8",
        )
        return len(records)
    rows = [_flat(r) for r in records]
    if suffix == ".csv":
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=FLAT_COLUMNS)
            writer.writeheader()
            for row in rows:
                writer.writerow({k: "" if v is None else v for k, v in row.items()})
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        types = {k: (pa.float64() if k in _NUMERIC else pa.string()) for k in FLAT_COLUMNS}
        types["cycle"] = pa.int64()
        types["ref"] = pa.int64()
        table = pa.table(
            {k: pa.array([row[k] for row in rows], type=types[k]) for k in FLAT_COLUMNS}
        )
        pq.write_table(table, path)
    return len(records)


def read_rows(path: Path) -> list[dict[str, Any]]:
    """The rows of an import file as record dicts (not yet validated)."""
    if not path.is_file():
        raise InputError(
            f"the import file '{path}' does not exist; give a .json, .csv or "
            ".parquet file written by 'lithiophile kb export' or by hand"
        )
    suffix = path.suffix.lower()
    if suffix == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise FileFormatError(path, "JSON records", f"not valid JSON ({exc})") from None
        if isinstance(data, dict) and "records" in data:
            data = data["records"]
        if not isinstance(data, list) or not all(isinstance(x, dict) for x in data):
            raise FileFormatError(path, "JSON records", "expected an array of record objects")
        return data
    if suffix == ".csv":
        with path.open(newline="", encoding="utf-8") as fh:
            flat = [dict(row) for row in csv.DictReader(fh)]
    elif suffix == ".parquet":
        import pyarrow.parquet as pq

        try:
            flat = pq.read_table(path).to_pylist()
        except Exception as exc:  # pyarrow raises several kinds for a bad file
            raise FileFormatError(path, "Parquet records", str(exc)) from None
    else:
        raise InputError(
            f"the import file '{path}' must end in .json, .csv or .parquet. Got '{suffix}'."
        )
    return [_unflatten(row) for row in flat]


def _cell(value: Any, name: str) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if name in _NUMERIC and isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return value  # the schema names the field and the reason
    if name == "cycle" and isinstance(value, str):
        try:
            return int(float(value))
        except ValueError:
            return value
    return value


def _unflatten(row: dict[str, Any]) -> dict[str, Any]:
    text = row.get("record")
    if isinstance(text, str) and text.strip():
        try:
            return dict(json.loads(text))
        except json.JSONDecodeError:
            return {"record": text}  # refused by the schema with the field named
    out: dict[str, Any] = {}
    for k in _RECORD_FIELDS:
        if k in row:
            v = _cell(row[k], k)
            if v is not None:
                out[k] = v
    if "unit" in row and out.get("unit") is None:
        out["unit"] = None  # missing unit: refused with its name
    cond = {k: _cell(row.get(k), k) for k in _CONDITION_FIELDS if _cell(row.get(k), k) is not None}
    if _cell(row.get("cell_electrolyte"), "cell_electrolyte") is not None:
        cond["electrolyte"] = row["cell_electrolyte"]
    out["conditions"] = cond
    flags = row.get("flags")
    if isinstance(flags, str) and flags.strip():
        try:
            out["flags"] = json.loads(flags)
        except json.JSONDecodeError:
            out["flags"] = flags
    return out
