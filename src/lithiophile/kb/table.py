"""The ``kb_records`` table of the store: its columns, how a record becomes a row, inserting
and re-clustering rows, and the SQL of a query (filters and conditions such as
``"current_density >= 1 mA cm-2"``). :class:`lithiophile.kb.base.KnowledgeBase` runs these inside
its transactions; the index and clustering are described in :mod:`lithiophile.kb.base`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from lithiophile.errors import InputError
from lithiophile.kb.bundled import bundled_digest
from lithiophile.kb.schema import STRATEGIES, Record, canonical_strategy
from lithiophile.metrics import METRICS

__all__ = [
    "CLUSTER_FRACTION",
    "CLUSTER_MIN_ROWS",
    "CLUSTER_ORDER",
    "COLUMNS",
    "CONDITION_COLUMNS",
    "DDL",
    "bundled_current",
    "cluster",
    "insert",
    "insert_rows",
    "meta",
    "parse_condition",
    "query_sql",
    "row_of",
    "set_meta",
    "where_sql",
]

_TABLE = """
CREATE TABLE IF NOT EXISTS {name} (
    id VARCHAR NOT NULL,
    origin VARCHAR NOT NULL,
    metric VARCHAR NOT NULL,
    strategy VARCHAR NOT NULL,
    electrolyte VARCHAR,
    material VARCHAR NOT NULL,
    value_si DOUBLE NOT NULL,
    current_density_A_m2 DOUBLE,
    areal_capacity_C_m2 DOUBLE,
    time_s DOUBLE,
    cycle BIGINT,
    rest_time_s DOUBLE,
    temperature_K DOUBLE,
    c_rate DOUBLE,
    cell VARCHAR,
    ref INTEGER,
    excluded BOOLEAN NOT NULL,
    record JSON NOT NULL
)
"""
DDL = (
    _TABLE.format(name="kb_records")
    + ";\nCREATE TABLE IF NOT EXISTS kb_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);"
)
#: The order the table is kept in (see the module docstring).
CLUSTER_ORDER = "metric, current_density_A_m2, areal_capacity_C_m2, id"
#: Re-cluster once the rows added since the last clustering exceed this share of the rest ...
CLUSTER_FRACTION = 0.5
#: ... and this many rows (below it a scan of the unsorted rows costs nothing).
CLUSTER_MIN_ROWS = 1000

#: Condition names accepted by queries -> (column, SI unit for pint).
CONDITION_COLUMNS: dict[str, tuple[str, str]] = {
    "current_density": ("current_density_A_m2", "A/m^2"),
    "areal_capacity": ("areal_capacity_C_m2", "C/m^2"),
    "time": ("time_s", "s"),
    "cycle": ("cycle", ""),
    "rest_time": ("rest_time_s", "s"),
    "temperature": ("temperature_K", "K"),
    "c_rate": ("c_rate", ""),
}
_OPS = (">=", "<=", "==", "!=", ">", "<", "=")
COLUMNS = (
    "id",
    "origin",
    "metric",
    "strategy",
    "electrolyte",
    "material",
    "value_si",
    "current_density_A_m2",
    "areal_capacity_C_m2",
    "time_s",
    "cycle",
    "rest_time_s",
    "temperature_K",
    "c_rate",
    "cell",
    "ref",
    "excluded",
    "record",
)


def parse_condition(text: str, metric: str | None = None) -> tuple[str, str, float]:
    """``"current_density >= 1 mA cm-2"`` -> ``("current_density_A_m2", ">=", 10.0)``.

    ``value`` names the record's own value (needs ``metric`` for its unit)."""
    from lithiophile.units import to_si

    m = re.match(r"^\s*([a-z_]+)\s*(>=|<=|==|!=|>|<|=)\s*(.+?)\s*$", text)
    names = ", ".join([*CONDITION_COLUMNS, "value"])
    if not m:
        raise InputError(
            f"the condition {text!r} must read NAME OP QUANTITY, such as "
            f"'current_density>=1 mA cm-2' (NAME one of {names}; OP one of {', '.join(_OPS)})"
        )
    name, op, quantity = m.groups()
    if name == "value":
        if metric is None:
            raise InputError(f"the condition {text!r} on 'value' needs a metric (--metric)")
        column, unit = "value_si", METRICS[metric].unit
        unit = "" if unit == "1" else unit
    elif name in CONDITION_COLUMNS:
        column, unit = CONDITION_COLUMNS[name]
    else:
        raise InputError(f"the condition {text!r} names {name!r}; use one of {names}")
    qunit = quantity.partition(" ")[2]
    if not qunit.strip() and unit not in ("",) and name not in ("cycle", "c_rate"):
        raise InputError(
            f"the condition {text!r} must give a unit, such as '{name}{op}1 "
            f"{_EXAMPLE_UNIT.get(name, unit)}'"
        )
    value = to_si(quantity, unit or "dimensionless", name=f"the condition {text!r}")
    return column, ("=" if op == "==" else op), value


_EXAMPLE_UNIT = {
    "current_density": "mA cm-2",
    "areal_capacity": "mAh cm-2",
    "time": "h",
    "rest_time": "h",
    "temperature": "K",
}


def row_of(r: Record) -> dict[str, Any]:
    c = r.conditions
    return {
        "id": r.id,
        "origin": r.origin,
        "metric": r.metric,
        "strategy": r.strategy,
        "electrolyte": r.electrolyte,
        "material": r.material,
        "value_si": r.value_si,
        "current_density_A_m2": None
        if c.current_density_A_m2 is None
        else abs(c.current_density_A_m2),
        "areal_capacity_C_m2": c.areal_capacity_C_m2,
        "time_s": c.time_s,
        "cycle": c.cycle,
        "rest_time_s": c.rest_time_s,
        "temperature_K": c.temperature_K,
        "c_rate": c.c_rate,
        "cell": c.cell,
        "ref": r.provenance.ref if r.provenance else None,
        "excluded": r.excluded,
        "record": r.model_dump_json(),
    }


ARROW_TYPES = {
    "value_si": "float64",
    "current_density_A_m2": "float64",
    "areal_capacity_C_m2": "float64",
    "time_s": "float64",
    "cycle": "int64",
    "rest_time_s": "float64",
    "temperature_K": "float64",
    "c_rate": "float64",
    "ref": "int32",
    "excluded": "bool",
}


def bundled_current(con: Any) -> bool:
    """True when the store holds the bundled records of this version of the package."""
    import duckdb

    try:
        rows = con.execute("SELECT value FROM kb_meta WHERE key = 'bundled'").fetchall()
    except duckdb.CatalogException:  # a store that has never held the base
        return False
    return bool(rows) and rows[0][0] == bundled_digest()


def meta(con: Any, key: str, default: str) -> str:
    rows = con.execute("SELECT value FROM kb_meta WHERE key = ?", [key]).fetchall()
    return str(rows[0][0]) if rows else default


def set_meta(con: Any, key: str, value: Any) -> None:
    con.execute("INSERT OR REPLACE INTO kb_meta VALUES (?, ?)", [key, str(value)])


def insert(con: Any, records: Sequence[Record]) -> int:
    """Insert records (one statement, through Arrow); a record already there is kept once.
    Returns how many rows were new."""
    if not records:
        return 0
    rows = {r.id: row_of(r) for r in records}.values()
    return insert_rows(con, list(rows))


def insert_rows(con: Any, rows: list[dict[str, Any]]) -> int:
    """Insert prepared table rows (dicts with every column of ``kb_records``) whose ids are
    not in the table yet, inside the caller's transaction; returns how many were new.

    The ids are unique because every write runs in a transaction that holds the file
    (DuckDB lets one process write at a time): there is no PRIMARY KEY, whose ART index would
    make rewriting the table in index order (:func:`cluster`) many times slower."""
    import pyarrow as pa

    columns = {
        name: pa.array([row[name] for row in rows], type=ARROW_TYPES.get(name, "string"))
        for name in COLUMNS
    }
    table = pa.table(columns)
    con.register("kb_incoming", table)
    try:
        names = ", ".join(COLUMNS)
        new = con.execute(
            f"INSERT INTO kb_records ({names}) SELECT {names} FROM kb_incoming "
            "WHERE id NOT IN (SELECT id FROM kb_records WHERE id IN (SELECT id FROM kb_incoming))"
        ).fetchall()[0][0]
    finally:
        con.unregister("kb_incoming")
    set_meta(con, "unclustered", int(meta(con, "unclustered", "0")) + int(new))
    return int(new)


def cluster(con: Any, *, force: bool) -> bool:
    """Rewrite ``kb_records`` in :data:`CLUSTER_ORDER` when enough rows are unsorted (or
    ``force``); returns whether it did."""
    unsorted = int(meta(con, "unclustered", "0"))
    total = int(con.execute("SELECT count(*) FROM kb_records").fetchall()[0][0])
    if not force and (
        unsorted < CLUSTER_MIN_ROWS or unsorted < CLUSTER_FRACTION * (total - unsorted)
    ):
        return False
    con.execute("DROP TABLE IF EXISTS kb_records_clustered")
    con.execute(_TABLE.format(name="kb_records_clustered"))
    con.execute(
        f"INSERT INTO kb_records_clustered SELECT {', '.join(COLUMNS)} FROM kb_records "
        f"ORDER BY {CLUSTER_ORDER}"
    )
    con.execute("DROP TABLE kb_records")
    con.execute("ALTER TABLE kb_records_clustered RENAME TO kb_records")
    set_meta(con, "unclustered", 0)
    return True


def where_sql(
    *,
    metric: str | None = None,
    strategy: str | None = None,
    electrolyte: str | None = None,
    material: str | None = None,
    origin: str | None = None,
    cell: str | None = None,
    where: Sequence[str | tuple[str, str, float]] = (),
    include_excluded: bool = True,
) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if metric is not None:
        if metric not in METRICS:
            raise InputError(f"the metric must be one of {', '.join(METRICS)}. Got {metric!r}.")
        clauses.append("metric = ?")
        params.append(metric)
    if strategy is not None:
        try:
            clauses.append("strategy = ?")
            params.append(canonical_strategy(strategy))
        except ValueError:
            raise InputError(
                f"the strategy must be one of {', '.join(STRATEGIES)}. Got {strategy!r}."
            ) from None
    if electrolyte is not None:
        if electrolyte not in ("liquid", "solid"):
            raise InputError(
                f"the electrolyte class must be 'liquid' or 'solid'. Got {electrolyte!r}."
            )
        clauses.append("electrolyte = ?")
        params.append(electrolyte)
    if material:
        clauses.append("lower(material) LIKE ?")
        params.append(f"%{material.lower()}%")
    if origin is not None:
        if origin not in ("review", "user"):
            raise InputError(f"the origin must be 'review' or 'user'. Got {origin!r}.")
        clauses.append("origin = ?")
        params.append(origin)
    if cell is not None:
        clauses.append("cell = ?")
        params.append(cell)
    for cond in where:
        column, op, value = parse_condition(cond, metric) if isinstance(cond, str) else cond
        if column not in COLUMNS or op not in _OPS:
            raise InputError(f"the condition {cond!r} names an unknown column or operator")
        clauses.append(f"{column} {op} ?")
        params.append(value)
    if not include_excluded:
        clauses.append("NOT excluded")
    sql = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    return sql, params


def query_sql(
    *, columns: str = "record", limit: int | None = None, **filters: Any
) -> tuple[str, list[Any]]:
    """The SQL (and its parameters) that :meth:`KnowledgeBase.query` runs for ``filters``,
    selecting ``columns`` of ``kb_records``."""
    sql, params = where_sql(**filters)
    sql = f"SELECT {columns} FROM kb_records{sql} ORDER BY metric, value_si, id"
    if limit is not None:
        if int(limit) < 0:
            raise InputError(f"the limit must be zero or more records. Got {limit!r}.")
        sql += f" LIMIT {int(limit)}"
    return sql, params
