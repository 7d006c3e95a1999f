"""Literature knowledge base: cited, unit-aware records of lithiophilicity strategies.

Seeded from the review's Tables 1-3 and body text (Li et al., Energy Mater. 2021, 1, 100017,
CC-BY 4.0), each record keeps the value and unit as printed, the value in SI, every condition
stated, the table cell or sentence it came from, the reference as printed and as checked, and
flags for what the source gets wrong. The user's own results live beside them in the store.

Examples
--------
>>> import tempfile, pathlib
>>> from lithiophile import kb
>>> from lithiophile.metrics import Conditions, Metric
>>> base = kb.KnowledgeBase(pathlib.Path(tempfile.mkdtemp()) / "kb.duckdb")
>>> # 30 mV at 0.5 mA cm-2 (5 A m-2), 1 mAh cm-2 (36 000 C m-2), after 300 h
>>> mine = Metric("polarization", 0.030, Conditions(current_density_A_m2=5.0,
...               areal_capacity_C_m2=36e3, time_s=300 * 3600, cell="Li|Li"))
>>> result = kb.compare(mine, store=base)
>>> result.direction, result.rank()
('lower', (6, 9, 2))
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, overload

from lithiophile.kb.base import KnowledgeBase, parse_condition
from lithiophile.kb.bundled import bundled_records
from lithiophile.kb.compare import Comparison, Comparisons
from lithiophile.kb.schema import DIRECTION, FLAG_KINDS, STRATEGIES, Flag, Record

if TYPE_CHECKING:  # pragma: no cover
    from typing_extensions import Unpack

    from lithiophile.kb.compare import RankOptions

__all__ = [
    "DIRECTION",
    "FLAG_KINDS",
    "STRATEGIES",
    "Comparison",
    "Comparisons",
    "Flag",
    "KnowledgeBase",
    "Record",
    "add",
    "bundled_records",
    "compare",
    "parse_condition",
    "query",
]


def add(
    metric: Any, *, material: str, strategy: str, electrolyte: str | None = None, store: Any = None
) -> list[Record]:
    """Add Metrics (from ``cell analyze`` / ``eis fit``) as the user's records; see
    :meth:`KnowledgeBase.add`."""
    return KnowledgeBase(store).add(
        metric, material=material, strategy=strategy, electrolyte=electrolyte
    )


def query(*, store: Any = None, **filters: Any) -> list[Record]:
    """Records matching the filters; see :meth:`KnowledgeBase.query`."""
    return KnowledgeBase(store).query(**filters)


@overload
def compare(
    result: list[Any] | tuple[Any, ...],
    records: Sequence[Record] | None = None,
    *,
    store: Any = None,
    origin: str | None = "review",
    workers: int = 1,
    scheduler: str | None = None,
    **options: Unpack[RankOptions],
) -> Comparisons: ...


@overload
def compare(
    result: Any,
    records: Sequence[Record] | None = None,
    *,
    store: Any = None,
    origin: str | None = "review",
    workers: int = 1,
    scheduler: str | None = None,
    **options: Unpack[RankOptions],
) -> Comparison: ...


def compare(
    result: Any,
    records: Sequence[Record] | None = None,
    *,
    store: Any = None,
    origin: str | None = "review",
    workers: int = 1,
    scheduler: str | None = None,
    **options: Unpack[RankOptions],
) -> Comparison | Comparisons:
    """The entry function of *compare*: rank a result (or a list of results) among the records
    of its metric under comparable conditions (see :mod:`lithiophile.kb.compare` for what
    comparable means).

    Parameters
    ----------
    result
        A :class:`~lithiophile.metrics.Metric` (or Record, or Metric dict), or a list of them.
    records
        The records to rank among; None: those of the knowledge base in ``store``.
    store
        A :class:`KnowledgeBase`, a Store or its path (default: the user's store).
    origin
        Rank among ``"review"`` records (default) or, with None, the user's too.
    options
        ``factor``, ``temperature_tol_K``, ``include_excluded``, ``electrolyte``, ``control``:
        as :func:`lithiophile.kb.compare.compare`.
    workers, scheduler
        As :func:`lithiophile.parallel.run_jobs`: a list runs in this process unless a pool
        pays for itself (one comparison takes well under a millisecond, so in practice it never
        does; the options are here so that every entry function has the same shape).

    Returns
    -------
    Comparison for one result; Comparisons (typed, iterable) for a list.
    """
    import functools

    from lithiophile import cite
    from lithiophile.kb.compare import RELATED, _as_metric

    many = isinstance(result, list | tuple)
    items = [_as_metric(r) for r in (result if many else [result])]
    if records is None:
        base = store if isinstance(store, KnowledgeBase) else KnowledgeBase(store)
        names = {m.metric for m in items}
        names |= {x for m in items for x in RELATED.get(m.metric, ())}
        with base.reading():
            records = [r for name in sorted(names) for r in base.query(metric=name, origin=origin)]
    cite.register("Li2021")
    if not many:
        record_in = result if isinstance(result, Record) else items[0]
        return _compare_one(record_in, records=list(records), options=options)
    from lithiophile.parallel import run_jobs

    fn = functools.partial(_compare_one, records=list(records), options=options)
    out: list[Comparison] = []
    warnings: list[str] = []
    for job in run_jobs(fn, items, workers=workers, scheduler=scheduler):
        if job.value is None:
            from lithiophile.errors import InputError

            raise InputError(f"cannot compare {job.item.display()}: {job.error}")
        out.append(job.value)
        warnings += job.warnings
    return Comparisons(tuple(out), tuple(dict.fromkeys(warnings)))


def _compare_one(result: Any, *, records: list[Record], options: RankOptions) -> Comparison:
    from lithiophile.kb.compare import compare as rank

    return rank(result, records, **options)
