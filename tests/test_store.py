"""The store: results keyed by content hash, shared safely between processes."""

from __future__ import annotations

import json
import math
import multiprocessing
from dataclasses import dataclass

import numpy as np
import polars as pl
import pytest

from lithiophile.errors import InputError
from lithiophile.metrics import Conditions, Metric
from lithiophile.store import Store, content_key


def test_put_get_replace(tmp_path):
    store = Store(tmp_path / "s" / "store.duckdb")  # folder created on first use
    assert store.get("k", "a") is None
    store.put("k", "a", {"x": 1.5, "items": [1, 2]})
    assert store.get("k", "a") == {"x": 1.5, "items": [1, 2]}
    store.put("k", "a", {"x": 2})  # replaced, not duplicated
    assert store.get("k", "a") == {"x": 2}
    store.put("other", "a", {"y": 0})
    assert store.keys("k") == {"a"}
    assert store.delete("k") == 1
    assert store.get("k", "a") is None and store.get("other", "a") == {"y": 0}


def test_failed_transaction_writes_nothing(tmp_path):
    store = Store(tmp_path / "store.duckdb")
    with pytest.raises(RuntimeError, match="boom"), store.transaction() as con:
        con.execute("INSERT INTO results (kind, key, payload) VALUES ('k', 'a', '{}')")
        raise RuntimeError("boom")
    assert store.keys("k") == set()


def test_content_key_separates_parts():
    # ("ab", "c") and ("a", "bc") must not collide: the parts are delimited
    assert content_key("ab", "c") != content_key("a", "bc")
    assert content_key(b"x") == content_key("x")


def test_folder_is_refused(tmp_path):
    with pytest.raises(InputError, match="must be a file"):
        Store(tmp_path)


def _writer(args):
    path, tag, n = args
    store = Store(path)
    for i in range(n):
        store.put("conc", f"{tag}-{i}", {"i": i})


def test_two_processes_lose_nothing(tmp_path):
    # two processes write at once: DuckDB lets one hold the file, the other waits and retries
    path = tmp_path / "store.duckdb"
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=((path, tag, 150),)) for tag in "ab"]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    assert len(Store(path).keys("conc")) == 300


def test_nan_and_infinity_are_stored_as_null(tmp_path):
    # JSON has no NaN: a non-finite value is stored as null, and the file stays valid JSON
    store = Store(tmp_path / "store.duckdb")
    store.put("k", "a", {"x": float("nan"), "y": [1.0, float("inf")], "z": 2.0})
    assert store.get("k", "a") == {"x": None, "y": [1.0, None], "z": 2.0}
    with store.transaction(read_only=True) as con:
        (text,) = con.execute("SELECT payload FROM results").fetchone()
    assert "NaN" not in text and "Infinity" not in text


@dataclass(frozen=True)
class Fit:
    """A typed result as a capability returns it."""

    metrics: tuple[Metric, ...]
    chi_square: float | None
    table: pl.DataFrame
    flags: tuple[str, ...] = ()


def test_typed_results_round_trip_through_the_one_serializer(tmp_path):
    from lithiophile.store import from_payload, to_payload

    fit = Fit(
        (Metric("interfacial_asr", 1.2e-3, Conditions(cycle=1, extra=(("circuit", "R-RQ"),))),),
        np.float64(0.25),
        pl.DataFrame({"f": [1.0, 10.0]}),
        ("ok",),
    )
    store = Store(tmp_path / "store.duckdb")
    store.put("fit", "a", fit)  # a typed result, not a dict
    back = from_payload(Fit, store.get("fit", "a"))
    assert back.metrics == fit.metrics and back.chi_square == 0.25 and back.flags == ("ok",)
    assert back.table.equals(fit.table)
    with pytest.raises(TypeError, match="cannot be stored"):
        to_payload(object())


@dataclass(frozen=True)
class Spectrum:
    """A result holding arrays and a float that may be NaN."""

    frequency_Hz: np.ndarray
    chi_square: float
    r_ohm: float | None = None


def test_arrays_and_nan_floats_come_back():
    from lithiophile.store import from_payload, to_payload

    s = Spectrum(np.array([1.0, np.nan, 100.0]), float("nan"))
    back = from_payload(Spectrum, json.loads(json.dumps(to_payload(s), allow_nan=False)))
    assert isinstance(back.frequency_Hz, np.ndarray) and back.frequency_Hz.dtype == float
    np.testing.assert_array_equal(back.frequency_Hz, s.frequency_Hz)  # NaN where NaN was
    assert math.isnan(back.chi_square) and back.r_ohm is None
