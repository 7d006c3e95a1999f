"""The dashboard's index: rows computed in parallel, cached in the store by content hash."""

from __future__ import annotations

import shutil

import pytest

from lithiophile.report import index
from lithiophile.store import Store


@pytest.fixture
def folder(cell_files, tmp_path):
    d = tmp_path / "cells"
    d.mkdir()
    for p in cell_files.values():
        shutil.copy(p, d / p.name)
    (d / "junk.txt").write_text("nothing a reader knows\n")
    return d


def test_rows_hold_the_analysis_figures(folder, tmp_path):
    from lithiophile.echem import analyze_file

    store = Store(tmp_path / "s.duckdb")
    calls: list[tuple[int, int]] = []
    rows = index.index_files(
        index.list_files(folder), store, progress=lambda d, t, n: calls.append((d, t))
    )
    by = {r["name"]: r for r in rows}
    assert sorted(by) == ["eis.parquet", "junk.txt", "licu.parquet", "sym.csv", "sym2.parquet"]
    # the row's figure is the analysis's own, in display units (mV)
    polar = analyze_file(folder / "sym2.parquet").find("polarization", "plateau")[-1]
    assert by["sym2.parquet"]["polarization_mV"] == pytest.approx(polar.value * 1e3, abs=1e-4)
    assert by["licu.parquet"]["protocol"] == "li-cu" and by["eis.parquet"]["kind"] == "impedance"
    assert by["junk.txt"]["error"] and by["junk.txt"]["kind"] == "unknown"
    assert calls[0] == (0, 5) and calls[-1] == (5, 5)


def test_second_run_comes_from_the_store(folder, tmp_path, monkeypatch):
    store = Store(tmp_path / "s.duckdb")
    first = index.index_files(index.list_files(folder), store)

    def fail(path):
        raise AssertionError(f"{path} analysed again")

    monkeypatch.setattr(index, "row_of", fail)
    (folder / "sym.csv").rename(folder / "renamed.csv")  # same content, new name
    again = index.index_files(index.list_files(folder), store)
    assert {r["name"] for r in again} == {r["name"] for r in first} - {"sym.csv"} | {"renamed.csv"}
    # run_jobs turns a job's exception into an error row: none may say it was re-analysed
    assert not any("analysed again" in (r.get("error") or "") for r in again)
    same = {r["name"]: r for r in first}
    assert next(r for r in again if r["name"] == "renamed.csv")["rows"] == same["sym.csv"]["rows"]
    stored = index.load_index(store)
    assert len(stored) == 5


def test_list_files_needs_a_folder(tmp_path):
    from lithiophile.errors import InputError

    with pytest.raises(InputError, match="is not a folder"):
        index.list_files(tmp_path / "missing")
