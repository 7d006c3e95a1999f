"""The knowledge base in the store: the bundled records plus the user's, queried in SQL.

Records live in the table ``kb_records`` of the one DuckDB store (:class:`lithiophile.store.Store`),
one row per record: typed columns for the metric, strategy, electrolyte class and the condition
values (SI), and the whole record as JSON. The bundled records are loaded on first use and
reloaded when the bundled file changes; the user's records (``origin = 'user'``) live beside
them and are never touched by that reload. Every write is one transaction, and a process holds
the file only for that transaction, so several processes can add records at once.

The index. DuckDB keeps a min-max index (zonemap) of every column of every row group; an ART
index would serve only point lookups (DuckDB uses it for filters that keep under 0.1 % of the
rows, never for a range). So the table is kept *clustered*: in order of metric, then current
density, then areal capacity. A query on a metric and a condition range then reads only the
row groups whose min-max ranges can hold matches. Rows added since the last clustering sit
unsorted at the end; once they exceed :data:`CLUSTER_FRACTION` of the clustered rows (and
:data:`CLUSTER_MIN_ROWS`), the write that adds them rewrites the table in order, inside the
same transaction. :meth:`KnowledgeBase.cluster` does it on demand.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

from lithiophile.errors import InputError
from lithiophile.kb import table
from lithiophile.kb.bundled import bundled_digest, bundled_records
from lithiophile.kb.schema import (
    Record,
    record_from_metric,
    validate_record,
)
from lithiophile.kb.table import (
    CLUSTER_FRACTION,
    CLUSTER_MIN_ROWS,
    CONDITION_COLUMNS,
    parse_condition,
    query_sql,
)
from lithiophile.metrics import Metric, as_metric

if TYPE_CHECKING:  # pragma: no cover
    from typing_extensions import Unpack

    from lithiophile.kb.compare import Comparison, RankOptions

__all__ = [
    "CLUSTER_FRACTION",
    "CLUSTER_MIN_ROWS",
    "CONDITION_COLUMNS",
    "Added",
    "Imported",
    "KnowledgeBase",
    "parse_condition",
    "query_sql",
]


@dataclass(frozen=True)
class Imported:
    """What :meth:`KnowledgeBase.import_file` did: records imported new, records already in
    the knowledge base (kept once), and bundled records skipped because they were unchanged."""

    imported: int
    already_there: int
    skipped_bundled: int


class RecordFilters(TypedDict, total=False):
    """The filters of :meth:`KnowledgeBase.query` (described there)."""

    metric: str | None
    strategy: str | None
    electrolyte: str | None
    material: str | None
    origin: str | None
    cell: str | None
    where: Sequence[str | tuple[str, str, float]]
    include_excluded: bool


class KnowledgeBase:
    """The literature base in a :class:`lithiophile.store.Store` (default: the user's store).

    Parameters
    ----------
    store
        A Store, a path to the DuckDB file, or None for ``settings().store_path``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> kb = KnowledgeBase(pathlib.Path(tempfile.mkdtemp()) / "kb.duckdb")
    >>> len(kb.query(metric="cycle_life_time", where=["current_density>=1 mA cm-2"])) > 5
    True
    """

    def __init__(self, store: Any = None) -> None:
        from lithiophile.store import Store

        self.store = store if isinstance(store, Store) else Store(store)
        self.store.add_schema(table.DDL)
        self._held: Any = None

    def __repr__(self) -> str:
        return f"KnowledgeBase({str(self.store.path)!r})"

    # -- loading ---------------------------------------------------------------------------
    def _ensure_bundled(self, con: Any) -> None:
        if table.bundled_current(con):
            return
        from lithiophile import cite

        cite.register("Li2021")
        con.execute("DELETE FROM kb_records WHERE origin = 'review'")
        table.insert(con, bundled_records())
        table.set_meta(con, "bundled", bundled_digest())

    @contextmanager
    def _connect(self) -> Iterator[Any]:
        """One write transaction on a store whose bundled records are loaded."""
        if self._held is not None:
            from lithiophile.store import StoreError

            raise StoreError(
                f"cannot write to the knowledge base '{self.store.path}' inside its reading() "
                "block; add or import records after the block ends"
            )
        with self.store.transaction() as con:
            self._ensure_bundled(con)
            yield con

    @contextmanager
    def _reading(self) -> Iterator[Any]:
        """A read-only connection (other processes may read at the same time); the bundled
        records are loaded first, in a write transaction, when they are missing or stale."""
        if self._held is not None:
            yield self._held
            return
        with self.store.transaction(read_only=True) as con:
            current = table.bundled_current(con)
            if current:
                yield con
        if not current:
            with self._connect() as con:
                yield con

    @contextmanager
    def reading(self) -> Iterator[KnowledgeBase]:
        """Hold one read-only connection for the queries of the block.

        Opening the DuckDB file costs some 20-50 ms (DuckDB's start-up and cold buffers), more
        than a query of a clustered million records; inside the block every query reuses the
        connection. Other processes can read
        meanwhile but wait to write until the block ends, so keep it short.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> base = KnowledgeBase(pathlib.Path(tempfile.mkdtemp()) / "kb.duckdb")
        >>> with base.reading():
        ...     n = [base.count(metric=m) for m in ("polarization", "li_cu_ce")]
        >>> n[0] > n[1] > 0
        True
        """
        if self._held is not None:
            yield self
            return
        with self._reading() as con:
            self._held = con
            try:
                yield self
            finally:
                self._held = None

    # -- writing ---------------------------------------------------------------------------
    def add_records(self, records: Iterable[Record | dict[str, Any]]) -> list[Record]:
        """Add the user's records (Records or dicts in the record schema) in one transaction.

        Each is validated first (an InputError names the record and the field); a record
        already there (same content) is kept once. Returns the records as stored."""
        checked = [_as_user_record(r, where=f"record {i + 1}") for i, r in enumerate(records)]
        self.add_new(checked)
        return checked

    def add_new(self, records: Sequence[Record]) -> Added:
        """Add validated user records in one transaction; says which were new and which were
        already in the base (same content, same id)."""
        unique = list({r.id: r for r in records}.values())
        with self._connect() as con:
            ids = [r.id for r in unique]
            there: set[str] = set()
            if ids:
                import pyarrow as pa

                con.register("kb_new_ids", pa.table({"id": pa.array(ids, type=pa.string())}))
                try:
                    rows = con.execute(
                        "SELECT k.id FROM kb_records k JOIN kb_new_ids n ON k.id = n.id"
                    ).fetchall()
                finally:
                    con.unregister("kb_new_ids")
                there = {str(r[0]) for r in rows}
            table.insert(con, [r for r in unique if r.id not in there])
            table.cluster(con, force=False)
        return Added(
            tuple(r for r in unique if r.id not in there),
            tuple(r for r in unique if r.id in there),
        )

    def cluster(self) -> None:
        """Rewrite the table in index order now (writes do it when enough rows are unsorted)."""
        with self._connect() as con:
            table.cluster(con, force=True)

    def add(
        self,
        metric: Metric | dict[str, Any] | Sequence[Metric | dict[str, Any]],
        *,
        material: str,
        strategy: str,
        electrolyte: str | None = None,
        notes: Sequence[str] = (),
    ) -> list[Record]:
        """Add one or more Metrics (as from ``cell analyze`` / ``eis fit``) as the user's
        records of ``material`` made by ``strategy`` (a key of :data:`STRATEGIES`)."""
        items = [metric] if isinstance(metric, Metric | dict) else list(metric)
        metrics = [as_metric(m) for m in items]
        records = [
            record_from_metric(
                m,
                material=material,
                strategy=strategy,
                electrolyte=electrolyte,
                notes=tuple(notes),
            )
            for m in metrics
        ]
        return self.add_records(records)

    def delete_user(self, ids: Sequence[str] | None = None) -> int:
        """Remove the user's records (all, or those ``ids``); returns how many."""
        with self._connect() as con:
            where, params = "origin = 'user'", []
            if ids is not None:
                where += f" AND id IN ({', '.join('?' for _ in ids)})"
                params = list(ids)
            n = con.execute(f"SELECT count(*) FROM kb_records WHERE {where}", params).fetchall()
            con.execute(f"DELETE FROM kb_records WHERE {where}", params)
        return int(n[0][0])

    # -- reading ---------------------------------------------------------------------------
    def get(self, record_id: str) -> Record:
        """The record ``record_id`` (an InputError says how to find ids when there is none)."""
        with self._reading() as con:
            rows = con.execute("SELECT record FROM kb_records WHERE id = ?", [record_id]).fetchall()
        if not rows:
            raise InputError(
                f"no record with id {record_id!r} in the knowledge base; list ids with "
                "'lithiophile kb list' or 'lithiophile kb query'"
            )
        return Record.model_validate_json(rows[0][0])

    def count(self, **filters: Unpack[RecordFilters]) -> int:
        """How many records match (same filters as :meth:`query`)."""
        sql, params = table.where_sql(**filters)
        with self._reading() as con:
            rows = con.execute(f"SELECT count(*) FROM kb_records{sql}", params).fetchall()
        return int(rows[0][0])

    def query(self, *, limit: int | None = None, **filters: Unpack[RecordFilters]) -> list[Record]:
        """Records matching every filter given, ordered by metric then value.

        Parameters
        ----------
        metric
            A key of :data:`lithiophile.metrics.METRICS`.
        strategy
            A strategy category (:data:`lithiophile.kb.schema.STRATEGIES`).
        electrolyte
            ``"liquid"`` or ``"solid"``.
        material
            Text found in the material/method (case-insensitive).
        origin
            ``"review"`` or ``"user"``.
        cell
            Cell type, e.g. ``"Li|Li"``.
        where
            Condition ranges: ``"current_density>=1 mA cm-2"``, ``"time>=500 h"`` or
            ``(column, op, SI value)``; records that do not state the condition do not match.
        include_excluded
            Keep records whose flags say what the number measures is unclear.
        limit
            At most this many records.
        """
        sql, params = table.query_sql(limit=limit, **filters)
        with self._reading() as con:
            rows = con.execute(sql, params).fetchall()
        return [Record.model_validate_json(r[0]) for r in rows]

    def records(self, origin: str | None = None) -> list[Record]:
        """Every record (or every record of ``origin``)."""
        return self.query(origin=origin)

    def table(self, *, si: bool = False, **filters: Any) -> Any:
        """The records :meth:`query` finds as a pandas DataFrame, one row each: value and
        conditions in display units (``value`` in the ``unit`` column, ``current_density
        [mA cm-2]`` ...) or, with ``si=True``, in SI (``current_density_A_m2`` ...)."""
        import pandas as pd

        from lithiophile.kb.display import record_row

        return pd.DataFrame([record_row(r, si=si) for r in self.query(**filters)])

    # -- files -----------------------------------------------------------------------------
    def export(self, path: Path | str, *, origin: str | None = None) -> int:
        """Write records to ``path`` (.json, .csv or .parquet); returns how many."""
        from lithiophile.kb.files import write_records

        return write_records(self.query(origin=origin), Path(path))

    def import_file(self, path: Path | str) -> Imported:
        """Import records from a .json, .csv or .parquet file as the user's records.

        Every row is validated before anything is written: one bad row imports nothing and the
        error names the row and the field. Rows that are bundled records, unchanged, are
        skipped; a bundled record someone edited comes in as the user's (an edited copy).
        Returns how many were imported new, were already there, and were skipped."""
        from lithiophile.kb.files import EDITED_SI, read_rows

        path = Path(path)
        rows = read_rows(path)
        bundled = {r.id: r for r in bundled_records()}
        records, skipped = [], 0
        for i, row in enumerate(rows):
            where = f"cannot import '{path}': row {i + 1}" + (
                f" (line {i + 2})" if path.suffix.lower() == ".csv" else ""
            )
            if EDITED_SI in row:
                raise InputError(
                    f"{where} field 'value_si': it is derived from 'value' and 'unit'; edit "
                    "'value' (in 'unit') instead. Nothing was imported."
                )
            if _unchanged_bundled(row, bundled):
                skipped += 1
                continue
            if row.get("origin") == "review" and row.get("id") in bundled:
                row = {**row, "notes": [*row.get("notes", []), f"edited copy of {row['id']}"]}
            try:
                records.append(_as_user_record(row, where=where))
            except InputError as exc:
                raise InputError(f"{exc} Nothing was imported.") from None
        added = self.add_new(records)
        return Imported(len(added.added), len(added.existing), skipped)

    # -- compare and plot ------------------------------------------------------------------
    def compare(
        self,
        result: Metric | Record | dict[str, Any],
        *,
        origin: str | None = "review",
        **options: Unpack[RankOptions],
    ) -> Comparison:
        """Rank ``result`` (a Metric) among the base's records of its metric; see
        :func:`lithiophile.kb.compare.compare`. ``origin=None`` ranks among the user's too."""
        from lithiophile.kb.compare import RELATED, compare

        metric = result["metric"] if isinstance(result, dict) else result.metric
        with self.reading():
            records = [
                r
                for m in (metric, *RELATED.get(metric, ()))
                for r in self.query(metric=m, origin=origin)
            ]
        return compare(result, records, **options)

    def plot(
        self,
        kind: str,
        out_dir: Path | str,
        *,
        highlight: Sequence[Metric] = (),
        formats: Sequence[str] = ("png", "html"),
    ) -> list[Path]:
        """Draw figure ``kind`` from every record of the base; see
        :func:`lithiophile.kb.plot.plot`."""
        from lithiophile.kb.plot import plot

        return plot(kind, self.query(), out_dir, highlight=highlight, formats=formats)


@dataclass(frozen=True)
class Added:
    """What :meth:`KnowledgeBase.add_new` did: records new to the base, and those already in
    it (identical content)."""

    added: tuple[Record, ...]
    existing: tuple[Record, ...]


def _unchanged_bundled(row: dict[str, Any], bundled: dict[str, Record]) -> bool:
    """True when ``row`` is a bundled record as shipped (not edited)."""
    from pydantic import ValidationError

    original = bundled.get(str(row.get("id")))
    if row.get("origin") != "review" or original is None:
        return False
    try:
        candidate = Record.model_validate({k: v for k, v in row.items() if k != "value_si"})
    except (ValidationError, InputError, ValueError):
        return False
    keep = {"value_si"}
    return candidate.model_dump(exclude=keep) == original.model_dump(exclude=keep)


def _as_user_record(item: Record | dict[str, Any], *, where: str) -> Record:
    from lithiophile.store import content_key

    data = item.model_dump() if isinstance(item, Record) else dict(item)
    data["origin"] = "user"
    data["id"] = ""
    data.pop("value_si", None)
    record = validate_record(data, where=where)
    record.id = "user-" + content_key(record.model_dump_json(exclude={"id"}))[:20]
    return record
