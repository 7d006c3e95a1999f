"""Batched screens: cache by content hash, resume, processes and Dask, screen files, ranking."""

from __future__ import annotations

import pytest

from lithiophile.atomistic import carbon
from lithiophile.atomistic.jobs import Job, load_jobs, run_screen, write_relaxed
from lithiophile.atomistic.ranking import rank_binding
from lithiophile.errors import InputError
from lithiophile.store import Store


def _jobs():
    return [
        Job.bind("pristine", carbon.graphene((3, 3)), sites=["hollow"]),
        Job.bind("N3V", carbon.graphene((3, 3), "pyridinic-N3"), sites=["vacancy"]),
    ]


def test_rerun_is_free_and_identical(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    first = run_screen(_jobs(), store=store)
    assert [r.cached for r in first] == [False, False]
    assert all(r.ok for r in first)
    second = run_screen(_jobs(), store=store)
    assert [r.cached for r in second] == [True, True]
    assert [r.result for r in second] == [r.result for r in first]
    assert len(store.keys("atomistic")) == 2


def test_interrupted_screen_resumes(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    jobs = _jobs()
    run_screen(jobs[:1], store=store)  # the screen "stopped" after its first job
    seen = []
    rows = run_screen(jobs, store=store, on_result=lambda r: seen.append((r.job.name, r.cached)))
    assert dict(seen) == {"pristine": True, "N3V": False}
    assert all(r.ok for r in rows)


def test_key_follows_content():
    a, b = _jobs()
    assert a.key != b.key
    assert Job.bind("other name", carbon.graphene((3, 3)), sites=["hollow"]).key == a.key
    assert Job.bind("pristine", carbon.graphene((3, 3)), sites=["top"]).key != a.key


def test_ranking_relative_to_pristine_and_relaxed_files(tmp_path):
    rows = run_screen(_jobs(), store=Store(tmp_path / "s.duckdb"))
    rank = rank_binding(rows, dft={"pristine": 0.6, "N3V": -1.0})
    assert [d.name for d in rank] == ["N3V", "pristine"]
    n3v, ref = rank
    # relative = difference of the raw values (by definition, same model and cell)
    assert n3v.relative.value == pytest.approx(n3v.binding_vs_bcc.value - ref.binding_vs_bcc.value)
    assert ref.verdict == "reference site"
    assert "more lithiophilic than the reference" in n3v.verdict
    # two points: the calibration passes through both DFT values
    assert n3v.calibrated.value == pytest.approx(-1.0)
    paths = write_relaxed(rows, tmp_path / "relaxed")
    assert sorted(p.name for p in paths) == ["N3V.extxyz", "pristine.extxyz"]
    from lithiophile.atomistic.structio import read_structure

    assert "Li" in read_structure(paths[0]).get_chemical_symbols()


@pytest.mark.slow
def test_process_workers_give_the_same_results(tmp_path):
    serial = run_screen(_jobs(), store=Store(tmp_path / "a.duckdb"))
    parallel = run_screen(_jobs(), workers=2, store=Store(tmp_path / "b.duckdb"))
    for s, p in zip(serial, parallel, strict=True):
        assert p.result.binding_vs_bcc.value == pytest.approx(
            s.result.binding_vs_bcc.value, abs=1e-4
        )


@pytest.mark.slow
def test_dask_scheduler(tmp_path):
    from dask.distributed import LocalCluster

    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        rows = run_screen(
            _jobs()[:1], scheduler=cluster.scheduler_address, store=Store(tmp_path / "s.duckdb")
        )
    assert rows[0].ok and not rows[0].cached


def test_duplicate_names_refused(tmp_path):
    job = _jobs()[0]
    with pytest.raises(InputError, match="unique; repeated: \\['pristine'\\]"):
        run_screen([job, job], store=Store(tmp_path / "s.duckdb"))


def test_screen_file(tmp_path):
    (tmp_path / "host.extxyz").write_text("")
    from lithiophile.atomistic.structio import write_structure

    write_structure(carbon.graphene((3, 3), "B"), tmp_path / "host.extxyz")
    f = tmp_path / "hosts.yaml"
    f.write_text(
        "model: [chgnet, sevennet]\n"
        "jobs:\n"
        "  - {name: N3V, host: graphene, dopant: pyridinic-N3, size: 3x3, sites: [vacancy]}\n"
        "  - {name: Cu, host: Cu, facet: '111', size: 2x2, layers: 3}\n"
        "  - {name: mine, structure: host.extxyz}\n"
        "  - {name: LiCu, task: adhesion, substrate: Cu, facet: '111'}\n"
        "calibration: {N3V: -1.0}\n"
    )
    jobs, dft = load_jobs(f)
    assert [j.name for j in jobs][:2] == ["N3V@chgnet", "N3V@sevennet"]
    assert {j.task for j in jobs} == {"bind", "adhesion"}
    assert dft == {"N3V": -1.0}


def test_screen_file_errors(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        load_jobs(tmp_path / "none.yaml")
    f = tmp_path / "bad.yaml"
    f.write_text("jobs: []\n")
    with pytest.raises(InputError, match="must hold a 'jobs:' list"):
        load_jobs(f)
    f.write_text("jobs:\n  - {name: x, task: melt}\n")
    with pytest.raises(InputError, match="'task' must be one of"):
        load_jobs(f)
    f.write_text("jobs:\n  - {name: x, host: unobtainium}\n")
    with pytest.raises(InputError, match="'unobtainium' is unknown: give graphene"):
        load_jobs(f)


def test_job_options_are_checked():
    with pytest.raises(InputError, match=r"Unknown option\(s\) \['temperature'\] for a bind job"):
        Job.bind("x", carbon.graphene((3, 3)), temperature=300)
    with pytest.raises(InputError, match="for an adhesion job"):
        Job.adhesion("y", "Cu", "111", sites=["top"])


def test_screen_entry_point_typed_result(tmp_path):
    # issue 12: atomistic.screen is the one entry point; its result is typed, ranked, and
    # carries Metric records equal to the ranking's relative values
    from lithiophile.atomistic import screen
    from lithiophile.metrics import Metric

    store = Store(tmp_path / "s.duckdb")
    result = screen(_jobs(), store=store)
    assert [r.job.name for r in result.rows] == ["pristine", "N3V"]
    assert result.errors == {} and result.cached == 0
    assert all(isinstance(m, Metric) for m in result.metrics)
    assert [m.value for m in result.metrics] == [
        (d.relative or d.binding_vs_bcc).value for d in result.ranking
    ]
    assert "Deng2023" in result.citations
    assert screen(_jobs(), store=store).cached == 2


def test_hosts_are_built_in_one_place():
    # the command line and screen files share one vocabulary (issue 12): host: ZnO works in a
    # screen file as on the command line, and 'oxide:' is kept as an alias
    from lithiophile.atomistic.hosts import HostSpec, build_host

    a = build_host(HostSpec.from_mapping({"host": "ZnO", "facet": "10-10"}))
    b = build_host(HostSpec.from_mapping({"oxide": "ZnO", "facet": "10-10"}))
    c = build_host(HostSpec("ZnO", facet="10-10"))
    assert a.get_chemical_formula() == b.get_chemical_formula() == c.get_chemical_formula()
    with pytest.raises(InputError, match="applies to graphene only"):
        build_host(HostSpec("Cu", dopant="B"))


def test_model_disagreement_is_listed_per_model():
    # issue 13: with two models the ranking shows each model's value and the spread
    from lithiophile.atomistic.binding import BindingResult, SiteResult
    from lithiophile.atomistic.jobs import ScreenRow
    from lithiophile.atomistic.structio import atoms_to_text

    cell = atoms_to_text(carbon.graphene((3, 3)))

    def row(name, model, eb):
        site = SiteResult("hollow", (0, 0, 1), True, 0.01, 5, (0, 0, 1.5), -1.0, eb, eb - 1.6)
        host = "graphene B" if "B" in name else "graphene pristine"
        result = BindingResult(host, "carbon", model, (site,), -90.0, -1.9, -0.3, cell)
        job = Job.bind(name, carbon.graphene((3, 3)), model, sites=["hollow"])
        return ScreenRow(job, result, cached=True)

    # synthetic: B binds 0.30 eV more strongly with one model, 0.02 eV with the other
    rows = [
        row("graphene@chgnet", "chgnet", 0.50),
        row("graphene@sevennet", "sevennet", 0.40),
        row("graphene-B@chgnet", "chgnet", 0.48),
        row("graphene-B@sevennet", "sevennet", 0.10),
    ]
    rank = rank_binding(rows)
    b = next(d for d in rank if d.name == "graphene-B@chgnet")
    # relative to pristine of the same cell and model: -0.02 and -0.30 eV; half-range 0.14
    assert b.by_model == pytest.approx({"chgnet": -0.02, "sevennet": -0.30})
    assert b.spread_eV == pytest.approx(0.14)
    assert b.relative.uncertainty == pytest.approx(0.14)  # the spread travels with the value
    # the CHGNet difference (-0.02) lies inside the spread: undecided, not "no effect"
    assert "more lithiophilic" not in b.verdict
