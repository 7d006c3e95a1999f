"""The measure capability's one entry function, lithiophile.echem.analyze (issue 12): one test
(data or a file) in, a typed CellAnalysis out; a list of files in, a Batch of CellAnalysis;
continuation files joined; the store reused; provenance, warnings and citations carried."""

import pytest

from lithiophile.echem import CellAnalysis, analyze
from lithiophile.metrics import Metric
from lithiophile.store import Store, from_payload, to_payload
from lithiophile.synth import cells
from lithiophile.synth.realistic import realistic_symmetric


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("entry")
    return [
        cells.li_cu_reservoir(sample_s=120.0).write(d / "res.parquet"),
        cells.symmetric(cycles=3, sample_s=60.0, soft_shorts=[(1.5 * 3600, 300.0)]).write(
            d / "sym.parquet"
        ),
    ]


def test_one_file_gives_a_typed_result(files):
    r = analyze(files[0])
    assert isinstance(r, CellAnalysis) and all(isinstance(m, Metric) for m in r.metrics)
    assert r.metric("average_ce", "reservoir").value == pytest.approx(14.9 / 15)  # by hand
    # Adams 2018 for the reservoir CE; Yan 2016 and Pei 2017 for the first plating's
    # nucleation overpotential
    assert r.citations == ("Adams2018", "Yan2016", "Pei2017")
    assert any("electrode area 1.131 cm2 as the file states it" in p for p in r.provenance)
    back = from_payload(CellAnalysis, to_payload(r))  # the store's round trip keeps everything
    assert back.metrics == r.metrics and back.provenance == r.provenance


def test_a_list_gives_a_batch_through_the_store(files, tmp_path):
    store = Store(tmp_path / "s.duckdb")
    batch = analyze(files, store=store)
    assert [r.ok for r in batch] == [True, True] and not batch.failed
    sym = batch.results[1].value
    assert isinstance(sym, CellAnalysis) and sym.citations == ("Menkin2023",)
    again = analyze(files, store=store)
    assert [r.cached for r in again] == [True, True]
    assert [m.value for m in again.results[1].value.metrics] == [m.value for m in sym.metrics]


def test_join_makes_one_test_of_continuation_files(tmp_path):
    from lithiophile.io import bdf

    cell = realistic_symmetric(layout="bdf", cycles=2, parts=3, seed=2)
    paths = [bdf.write(p, tmp_path / f"p{k}.csv") for k, p in enumerate(cell.truth["parts"])]
    batch = analyze(paths, join=True, area_m2=cell.truth["area_m2"])
    assert len(batch) == 1
    r = batch.results[0].value
    assert r.half_cycles.height == 4
    # the joined test equals the unsplit one (the join keeps the offsets from the headers)
    whole = analyze(cell.data, area_m2=cell.truth["area_m2"])
    assert r.half_cycles.get_column("capacity_C").to_list() == pytest.approx(
        whole.half_cycles.get_column("capacity_C").to_list(), rel=1e-6
    )
    # BDF states no start times: the reader's join says how it laid the files end to end
    assert any("file 2 laid after file 1" in p for p in r.provenance)
