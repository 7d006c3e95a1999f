"""Batches: the store skips files already analysed, stores nothing for failures, and local
processes and a Dask cluster give the in-process results."""

import pytest

from lithiophile.echem.analysis import STORE_KIND, analyze_files, store_key
from lithiophile.echem.result import AnalysisOptions
from lithiophile.io import sha256_of
from lithiophile.store import Store
from lithiophile.synth import cells


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("batch")
    paths = [
        cells.symmetric(cycles=3, sample_s=60.0, seed=k).write(folder / f"sym{k}.parquet")
        for k in range(2)
    ]
    paths.append(cells.li_cu(cycles=3, sample_s=60.0).write(folder / "licu.parquet"))
    bad = folder / "rest.csv"
    bad.write_text("time,voltage,current\n" + "".join(f"{k},3.0,0\n" for k in range(50)))
    return [*paths, bad]


def _values(items):
    return [None if it.value is None else [m.value for m in it.value.metrics] for it in items]


def test_store_skips_analysed_files_and_keeps_no_failures(files, tmp_path):
    store = Store(tmp_path / "s.duckdb")
    first = analyze_files(files, store=store)
    assert [it.ok for it in first] == [True, True, True, False]
    assert "no galvanostatic plating or stripping" in first.results[3].error
    assert not any(it.cached for it in first)
    keys = store.keys(STORE_KIND)
    assert len(keys) == 3
    assert store_key(sha256_of(files[3]), AnalysisOptions()) not in keys
    again = analyze_files(files, store=store)
    assert [it.cached for it in again] == [True, True, True, False]
    assert _values(again) == _values(first)
    # other options are another key: analysed again
    other = analyze_files(files[:1], AnalysisOptions(polarization_limit_V=0.5), store=store)
    assert not other.results[0].cached


def test_interrupted_batch_resumes(files, tmp_path):
    store = Store(tmp_path / "s.duckdb")
    analyze_files(files[:2], store=store)  # the batch stopped after two files
    resumed = analyze_files(files, store=store)
    assert [it.cached for it in resumed] == [True, True, False, False]


def test_two_processes_give_the_in_process_results(files):
    assert _values(analyze_files(files, workers=2)) == _values(analyze_files(files, workers=1))


@pytest.mark.slow
def test_dask_local_cluster_gives_the_in_process_results(files):
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        remote = analyze_files(files, scheduler=cluster.scheduler_address)
    local = analyze_files(files)
    assert _values(remote) == _values(local)
    assert [it.ok for it in remote] == [True, True, True, False]
