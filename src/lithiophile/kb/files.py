"""Records to and from JSON, CSV and Parquet files.

JSON: an array of records in the record schema (what ``kb export x.json`` writes). CSV and
Parquet: one row per record, flat columns (``metric``, ``value``, ``unit``, ``material``,
``strategy``, ``electrolyte``, the condition columns in SI such as ``current_density_A_m2``,
``cell`` ...) plus ``flags`` and ``record`` as JSON text.

On import the visible columns win: what a person edited in a spreadsheet is what gets imported
(a blank cell clears the field; a non-number in a number column is refused, naming the row and
the column). The ``record`` column only supplies what has no column of its own (provenance,
notes, extra conditions). ``value_si`` is derived from ``value`` and ``unit``: an edit there
alone is refused with a message to edit ``value`` instead.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any

from lithiophile.errors import FileFormatError, InputError
from lithiophile.kb.schema import Record

__all__ = ["FLAT_COLUMNS", "metrics_in", "read_rows", "write_records"]

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
    base: dict[str, Any] = {}
    if isinstance(text, str) and text.strip():
        try:
            base = dict(json.loads(text))
        except json.JSONDecodeError:
            return {"record": text}  # refused by the schema with the field named
    exported_si = base.pop("value_si", None)
    out = dict(base)
    for k in _RECORD_FIELDS:
        if k == "value_si" or k not in row:
            continue
        v = _cell(row[k], k)
        if v is None and base.get(k) == "":
            out[k] = ""  # a CSV cannot tell an empty text from a blank: keep the record's
        elif v is None:
            out.pop(k, None)  # a blank visible cell clears the field
        else:
            out[k] = v
    if "unit" in row and out.get("unit") is None:
        from lithiophile.metrics import METRICS

        kind = METRICS.get(str(out.get("metric")))
        # a blank cell is the unit of a dimensionless metric, else missing: refused, named
        out["unit"] = "" if kind is not None and kind.display_unit == "" else None
    si = _cell(row.get("value_si"), "value_si")
    if (
        isinstance(si, float)
        and isinstance(exported_si, int | float)
        and not math.isclose(si, exported_si, rel_tol=1e-9)
        and out.get("value") == base.get("value")
    ):
        out[EDITED_SI] = si
    out["conditions"] = _conditions(row, dict(base.get("conditions") or {}))
    flags = row.get("flags")
    if isinstance(flags, str) and flags.strip():
        try:
            out["flags"] = json.loads(flags)
        except json.JSONDecodeError:
            out["flags"] = flags
    elif "flags" in row and base:
        out["flags"] = []
    _provenance(row, out)
    return out


#: Marker a row carries when its ``value_si`` was edited without its ``value``.
EDITED_SI = "__value_si_edited__"


def _conditions(row: dict[str, Any], cond: dict[str, Any]) -> dict[str, Any]:
    for k in _CONDITION_FIELDS:
        if k not in row:
            continue
        v = _cell(row.get(k), k)
        if v is None:
            cond.pop(k, None)
        else:
            cond[k] = v
    if "cell_electrolyte" in row:
        v = _cell(row.get("cell_electrolyte"), "cell_electrolyte")
        if v is None:
            cond.pop("electrolyte", None)
        else:
            cond["electrolyte"] = v
    return cond


def _provenance(row: dict[str, Any], out: dict[str, Any]) -> None:
    """The visible ``ref`` and ``citation`` columns edit the provenance they came from."""
    prov = out.get("provenance")
    if not isinstance(prov, dict):
        return
    prov = dict(prov)
    if "ref" in row:
        ref = _cell(row.get("ref"), "ref")
        if isinstance(ref, str) and ref.replace(".", "", 1).isdigit():
            ref = int(float(ref))  # else refused by the schema, naming provenance.ref
        prov["ref"] = ref
    if "citation" in row:
        prov["citation"] = _cell(row.get("citation"), "citation")
    out["provenance"] = prov


def metrics_in(data: Any) -> list[Any]:
    """Every Metric-shaped object inside a JSON document (the output of ``cell analyze
    --json``, ``eis fit --json`` ...), as :class:`lithiophile.metrics.Metric`, in order."""
    from lithiophile.metrics import METRICS, as_metric

    found: list[Any] = []
    if isinstance(data, dict):
        if data.get("metric") in METRICS and isinstance(data.get("value"), int | float):
            return [as_metric(data)]
        for v in data.values():
            found += metrics_in(v)
    elif isinstance(data, list):
        for v in data:
            found += metrics_in(v)
    return found
