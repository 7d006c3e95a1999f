"""The one persistent store: an embedded DuckDB file, keyed by content hash.

Analysis results (``cell analyze``, ``eis fit``), the atomistic cache and the literature base
(``lithiophile.kb``, its own tables in the same file) live here. The file is
``settings().store_path`` unless a path is given; it and its folder are created on first use.

DuckDB lets one process at a time open a file for writing. Every operation here opens the file,
runs one transaction and closes it again, retrying while another process holds the lock, so
several processes (a batch on local workers, two shells) can share one store and lose nothing.

Results cross the store and process boundaries as JSON through one serializer:
:func:`to_payload` turns a result (dataclasses, pydantic models, Metric records, numpy values,
polars frames, paths) into JSON-able data, with NaN and infinities as null; :func:`from_payload`
builds the typed result back from its annotations. No capability needs its own
``as_dict``/``from_dict`` pair for the store.

Examples
--------
>>> import tempfile, pathlib
>>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "demo.duckdb")
>>> store.put("cell-analysis", "abc123", {"ce": 0.98})
>>> store.get("cell-analysis", "abc123")
{'ce': 0.98}
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
import random
import threading
import time
import types
import typing
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from lithiophile.errors import InputError, LithiophileError

__all__ = ["Store", "StoreError", "content_key", "from_payload", "to_payload"]

_T = TypeVar("_T")
J = TypeVar("J", bound="JsonFields")

#: Sidecar locks this process holds, by store path (how many transactions hold each).
_HELD: dict[str, int] = {}
_HELD_GUARD = threading.Lock()

#: How long an operation waits for another process to release the file [s].
LOCK_TIMEOUT_S = 60.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS results (
    kind VARCHAR NOT NULL,
    key VARCHAR NOT NULL,
    payload JSON NOT NULL,
    created TIMESTAMP DEFAULT current_timestamp,
    PRIMARY KEY (kind, key)
)
"""


class StoreError(LithiophileError, RuntimeError):
    """The store file cannot be opened or written."""


def content_key(*parts: bytes | str) -> str:
    """A sha256 hex digest of the parts, for keys built from a file's hash and options."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode() if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()


def _is_lock_error(exc: Exception) -> bool:
    text = str(exc).lower()
    return "lock" in text or "conflicting" in text or "being used by another process" in text


class Store:
    """The embedded DuckDB store at ``path`` (default: ``settings().store_path``).

    Parameters
    ----------
    path
        The database file; its folder is created on first use.
    lock_timeout_s
        How long to wait for another process that holds the file [s].
    """

    def __init__(self, path: Path | str | None = None, *, lock_timeout_s: float = LOCK_TIMEOUT_S):
        if path is None:
            from lithiophile.config import settings

            path = settings().store_path
        self.path = Path(path).expanduser()
        if self.path.exists() and self.path.is_dir():
            raise InputError(
                f"The store path must be a file such as 'lithiophile.duckdb'. "
                f"Got the folder '{self.path}'."
            )
        self.lock_timeout_s = lock_timeout_s
        self._schemas: list[str] = [_SCHEMA]

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    def add_schema(self, ddl: str) -> None:
        """DDL (``CREATE TABLE IF NOT EXISTS ...``) run on every connection, for other modules'
        tables (the literature base keeps its records here)."""
        if ddl not in self._schemas:
            self._schemas.append(ddl)

    @contextmanager
    def transaction(self, *, read_only: bool = False) -> Iterator[Any]:
        """A DuckDB connection inside one transaction: committed on success, rolled back on
        error, closed either way. Waits (up to ``lock_timeout_s``) while another process holds
        the file."""
        import duckdb

        self._make_folder()
        if read_only and not self.path.exists():
            read_only = False  # create it (and its schema) first
        with self._file_lock(shared=read_only):
            con = self._wait(lambda: self._try_connect(duckdb, read_only))
            try:
                if not read_only:
                    for ddl in self._schemas:
                        con.execute(ddl)
                    con.execute("BEGIN TRANSACTION")
                try:
                    yield con
                except BaseException:
                    if not read_only:
                        con.execute("ROLLBACK")
                    raise
                if not read_only:
                    con.execute("COMMIT")
            finally:
                con.close()

    def _make_folder(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot create the store's folder '{self.path.parent}' ({exc.strerror}); set "
                "LITHIOPHILE_HOME to a writable folder"
            ) from None

    @contextmanager
    def _file_lock(self, *, shared: bool) -> Iterator[None]:
        """Our own lock on a sidecar file, held from before DuckDB opens the database until
        after it closes it. DuckDB's own lock alone let a process read the file's state just
        before another's last commit and then write over it (1 write lost in ~10 runs of two
        processes alternating); with this, processes of lithiophile take turns whole."""
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX: DuckDB's own lock only
            yield
            return
        name = str(self.path.resolve())
        with _HELD_GUARD:
            nested = _HELD.get(name, 0) > 0  # this process holds it (a nested transaction,
            _HELD[name] = _HELD.get(name, 0) + 1  # another thread): DuckDB shares it in-process
        if nested:
            try:
                yield
            finally:
                with _HELD_GUARD:
                    _HELD[name] -= 1
            return
        try:
            with self._flock(fcntl, shared):
                yield
        finally:
            with _HELD_GUARD:
                _HELD[name] -= 1

    @contextmanager
    def _flock(self, fcntl: Any, shared: bool) -> Iterator[None]:
        fd = os.open(self.path.with_name(self.path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o666)
        mode = (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB

        def attempt() -> bool | None:
            try:
                fcntl.flock(fd, mode)
            except BlockingIOError:
                return None
            return True

        try:
            self._wait(attempt)
            yield
        finally:
            os.close(fd)  # releases the lock

    def _try_connect(self, duckdb: Any, read_only: bool) -> Any:
        """A connection, or None while another program holds DuckDB's own lock."""
        try:
            return duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.Error as exc:
            if not _is_lock_error(exc):
                raise StoreError(f"cannot open the store '{self.path}': {exc}") from None
            return None

    def _wait(self, attempt: Callable[[], _T | None]) -> _T:
        """Retry ``attempt`` with growing pauses until it returns a value or
        ``lock_timeout_s`` has passed."""
        deadline = time.monotonic() + self.lock_timeout_s
        delay = 0.005
        while (got := attempt()) is None:
            if time.monotonic() > deadline:
                raise StoreError(
                    f"the store '{self.path}' stayed locked by another process for "
                    f"{self.lock_timeout_s:g} s; close the other lithiophile process or "
                    "use another store (LITHIOPHILE_HOME)"
                )
            time.sleep(delay * (1 + random.random()))
            delay = min(delay * 2, 0.2)
        return got

    # -- results keyed by content hash --------------------------------------------------------
    def put(self, kind: str, key: str, payload: Any) -> None:
        """Store (or replace) ``payload`` under ``(kind, key)``: anything :func:`to_payload`
        serialises (a typed result, or a dict); NaN and infinities are stored as null."""
        text = json.dumps(to_payload(payload), allow_nan=False)
        with self.transaction() as con:
            con.execute(
                "INSERT OR REPLACE INTO results (kind, key, payload) VALUES (?, ?, ?)",
                [kind, key, text],
            )

    def get(self, kind: str, key: str) -> dict[str, Any] | None:
        """The payload stored under ``(kind, key)``, or None."""
        with self.transaction(read_only=True) as con:
            row = con.execute(
                "SELECT payload FROM results WHERE kind = ? AND key = ?", [kind, key]
            ).fetchone()
        return None if row is None else json.loads(row[0])

    def get_many(self, kind: str, keys: Sequence[str]) -> dict[str, Any]:
        """The payloads stored under ``kind`` for those of ``keys`` that are there, by key, in
        one read (a batch of many items opens the store once, not once per item)."""
        if not keys or not self.path.exists():
            return {}
        with self.transaction(read_only=True) as con:
            found = con.execute(
                "SELECT key, payload FROM results WHERE kind = ? AND key IN (SELECT unnest(?))",
                [kind, list(keys)],
            ).fetchall()
        return {k: json.loads(v) for k, v in found}

    def keys(self, kind: str) -> set[str]:
        """Every key stored for ``kind``."""
        with self.transaction(read_only=True) as con:
            rows = con.execute("SELECT key FROM results WHERE kind = ?", [kind]).fetchall()
        return {r[0] for r in rows}

    def delete(self, kind: str, key: str | None = None) -> int:
        """Remove one result, or every result of ``kind``; returns how many were removed."""
        with self.transaction() as con:
            if key is None:
                n = con.execute("SELECT count(*) FROM results WHERE kind = ?", [kind]).fetchone()
                con.execute("DELETE FROM results WHERE kind = ?", [kind])
            else:
                n = con.execute(
                    "SELECT count(*) FROM results WHERE kind = ? AND key = ?", [kind, key]
                ).fetchone()
                con.execute("DELETE FROM results WHERE kind = ? AND key = ?", [kind, key])
        return int(n[0]) if n else 0


class JsonView:
    """Mixin for a result dataclass whose JSON is :func:`to_payload`'s, with no hand-written
    view: ``as_dict()`` gives that JSON (fields shown through ``payload_as`` do not come back:
    such a class has no ``from_dict``)."""

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = to_payload(self)
        return out


class JsonFields(JsonView):
    """:class:`JsonView` whose JSON holds every field: ``from_dict()`` builds the result back
    (:func:`from_payload`, following the annotations)."""

    @classmethod
    def from_dict(cls: type[J], d: Mapping[str, Any]) -> J:
        out: J = from_payload(cls, d)
        return out


def to_payload(obj: Any, *, drop_none: bool = False) -> Any:
    """``obj`` as JSON-able data: the one serializer of results.

    Dataclasses and pydantic models become dicts of their fields (recursively), tuples and
    sets lists, numpy values Python numbers or lists, polars frames ``{column: values}``,
    paths strings; NaN and infinities become None (JSON has no NaN). Raises TypeError for
    anything else.

    A dataclass says what else it shows and what it keeps to itself, so that no result needs
    a hand-written ``as_dict``: a field with ``metadata={"payload": False}`` is left out;
    ``metadata={"payload_key": "yours"}`` shows it under another key (kept stable for users
    when a field is renamed); ``metadata={"payload_as": f}`` shows ``f(value)`` (a view, such
    as the texts of a list of records: such a field does not come back through
    :func:`from_payload`); with ``"payload_merge": True`` as well, the keys of that view (a
    dict) stand among the fields' own instead of under one key. The properties named in a
    class attribute ``PAYLOAD_EXTRA``
    (derived values such as a ratio; a name may also be a method without arguments, which is
    called) are added after the fields. ``drop_none`` leaves out dataclass fields (and
    extras) whose value is None, for outputs that show only what was computed.

    >>> to_payload({"x": float("nan"), "t": (1, 2.5)})
    {'x': None, 't': [1, 2.5]}
    >>> @dataclasses.dataclass
    ... class Fit:
    ...     r_ohm: float
    ...     c_F: float | None = None
    ...     raw: tuple[float, ...] = dataclasses.field(default=(), metadata={"payload": False})
    ...     PAYLOAD_EXTRA = ("tau_s",)
    ...     @property
    ...     def tau_s(self) -> float | None:
    ...         return None if self.c_F is None else self.r_ohm * self.c_F
    >>> to_payload(Fit(10.0, 0.25, (1.0,)))
    {'r_ohm': 10.0, 'c_F': 0.25, 'tau_s': 2.5}
    >>> to_payload(Fit(10.0), drop_none=True)
    {'r_ohm': 10.0}
    >>> @dataclasses.dataclass
    ... class Ranked:
    ...     mine: float = dataclasses.field(metadata={"payload_key": "yours"})
    ...     others: tuple[object, ...] = dataclasses.field(
    ...         default=(), metadata={"payload_as": lambda fits: [f.r_ohm for f in fits]})
    ...     PAYLOAD_EXTRA = ("summary",)
    ...     def summary(self) -> str:
    ...         return f"{len(self.others)} others"
    >>> to_payload(Ranked(1.5, (Fit(2.0), Fit(3.0))))
    {'yours': 1.5, 'others': [2.0, 3.0], 'summary': '2 others'}
    >>> from_payload(Ranked, {'yours': 1.5})
    Ranked(mine=1.5, others=())
    >>> @dataclasses.dataclass
    ... class Card:
    ...     fit: Fit = dataclasses.field(
    ...         metadata={"payload_as": lambda f: {"r": f.r_ohm}, "payload_merge": True})
    ...     rank: int = 1
    >>> to_payload(Card(Fit(4.0)))
    {'r': 4.0, 'rank': 1}
    """
    if obj is None or isinstance(obj, str | bool | int):
        return obj
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, Mapping):
        return {str(k): to_payload(v, drop_none=drop_none) for k, v in obj.items()}
    if isinstance(obj, list | tuple | set | frozenset):
        return [to_payload(v, drop_none=drop_none) for v in obj]
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return _dataclass_payload(obj, drop_none)
    if hasattr(obj, "model_dump"):  # pydantic
        return to_payload(obj.model_dump(mode="json"), drop_none=drop_none)
    if isinstance(obj, Path):
        return str(obj)
    if hasattr(obj, "to_dict") and hasattr(obj, "schema") and hasattr(obj, "height"):
        return to_payload(obj.to_dict(as_series=False))  # a polars DataFrame
    if hasattr(obj, "tolist"):  # numpy scalars and arrays
        return to_payload(obj.tolist())
    raise TypeError(f"{type(obj).__name__} cannot be stored: it is not JSON serialisable")


def _dataclass_payload(obj: Any, drop_none: bool) -> dict[str, Any]:
    """A dataclass's fields (less those marked ``payload: False``, under their
    ``payload_key``, through their ``payload_as``) and ``PAYLOAD_EXTRA``."""
    items: list[tuple[str, Any]] = []
    for f in dataclasses.fields(obj):
        if not f.metadata.get("payload", True):
            continue
        value = getattr(obj, f.name)
        if "payload_as" in f.metadata:
            value = f.metadata["payload_as"](value)
        if f.metadata.get("payload_merge"):  # a view's keys shown among the fields' own
            items.extend(value.items())
            continue
        items.append((f.metadata.get("payload_key", f.name), value))
    for name in getattr(type(obj), "PAYLOAD_EXTRA", ()):
        value = getattr(obj, name)
        items.append((name, value() if callable(value) else value))
    return {
        key: to_payload(value, drop_none=drop_none)
        for key, value in items
        if not (value is None and drop_none)
    }


def _key(f: dataclasses.Field[Any]) -> str:
    """The key a dataclass field is stored under."""
    key: str = f.metadata.get("payload_key", f.name)
    return key


def _numeric(data: Any) -> bool:
    """Whether a (nested) list holds only numbers and nulls (NaN stored as null)."""
    if isinstance(data, list):
        return all(_numeric(x) for x in data)
    return data is None or (isinstance(data, int | float) and not isinstance(data, bool))


def from_payload(cls: Any, data: Any) -> Any:
    """Build a ``cls`` (a dataclass, pydantic model or annotated type) from :func:`to_payload`
    output, following the type annotations (``tuple[Metric, ...]``, ``float | None`` ...).

    >>> from lithiophile.metrics import Metric
    >>> m = Metric("polarization", 0.03)
    >>> from_payload(Metric, to_payload(m)) == m
    True
    """
    if data is None:  # a NaN stored as null comes back as NaN where the type is a float
        return math.nan if cls is float else None
    if cls is Any:
        return data
    origin = typing.get_origin(cls)
    args = typing.get_args(cls)
    if origin in (typing.Union, types.UnionType):
        for arg in args:
            if arg is type(None):
                continue
            try:
                return from_payload(arg, data)
            except (TypeError, ValueError, KeyError):
                continue
        raise TypeError(f"{data!r} matches none of {cls}")
    if getattr(origin or cls, "__name__", "") == "ndarray":  # numpy arrays, NDArray[...]
        import numpy as np

        return np.array(data, dtype=float if _numeric(data) else None)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(from_payload(args[0], v) for v in data)
        return tuple(from_payload(a, v) for a, v in zip(args, data, strict=True))
    if origin in (list, set, frozenset):
        return origin(from_payload(args[0] if args else Any, v) for v in data)
    if origin is dict or origin is Mapping:
        vt = args[1] if len(args) == 2 else Any
        return {k: from_payload(vt, v) for k, v in data.items()}
    if dataclasses.is_dataclass(cls) and isinstance(cls, type):
        hints = typing.get_type_hints(cls)
        kw = {
            f.name: from_payload(hints.get(f.name, Any), data[_key(f)])
            for f in dataclasses.fields(cls)
            if f.init and _key(f) in data and "payload_as" not in f.metadata
        }
        return cls(**kw)
    if hasattr(cls, "model_validate"):
        return cls.model_validate(data)
    if cls is float:
        return float(data)
    if isinstance(cls, type) and cls.__name__ == "DataFrame" and "polars" in cls.__module__:
        return cls(data)
    if isinstance(cls, type) and cls is not Path and isinstance(data, cls):
        return data
    return cls(data) if isinstance(cls, type) else data
