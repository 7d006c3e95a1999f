"""The store: results keyed by content hash, shared safely between processes."""

from __future__ import annotations

import multiprocessing

import pytest

from lithiophile.errors import InputError
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
