"""The HTML report without a browser: self-contained, data behind each figure, provenance."""

from __future__ import annotations

import hashlib
import html
import re

import numpy as np
import pytest
from tests.report.conftest import figures_of

from lithiophile.errors import InputError
from lithiophile.report import CellState, build_report
from lithiophile.report.figures import decode


@pytest.fixture(scope="module")
def report(cell_files, tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "r.html"
    state = CellState(li_thickness_m=50e-6, electrolyte="1 M LiPF6 in EC/DEC")
    result = build_report([cell_files["licu"], cell_files["eis"]], out, state=state)
    return result


def test_report_is_one_offline_file(report):
    text = report.path.read_text(encoding="utf-8")
    assert text.count("* plotly.js v") == 1  # the library inlined once
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=|<img[^>]+src=", text)
    assert report.library_bytes > 4e6 and report.content_bytes < 2e6
    ids = set(figures_of(report.path))
    expected = {"c1-overview", "c1-profiles", "c1-ce", "c1-nucleation"}
    expected |= {"z1-nyquist", "z1-residuals", "z1-linkk", "z1-drt"}
    assert expected <= ids


def test_profiles_hold_the_measured_samples_of_each_cycle(report, cell_files):
    import lithiophile

    data = lithiophile.read(cell_files["licu"])
    fig = figures_of(report.path)["c1-profiles"]
    cycles = np.asarray(data["cycle"])
    assert fig["cycles"] == sorted(set(cycles.tolist()))
    for trace in fig["traces"]:
        y = decode(trace["y"])
        in_cycle = data["voltage_V"][cycles == trace["cycle"]]
        assert np.isin(y, in_cycle).all()  # every point drawn is a sample of that cycle


def test_ce_figure_matches_the_construction(report):
    fig = figures_of(report.path)["c1-ce"]
    per_cycle = decode(fig["traces"][0]["y"])
    # synth.li_cu(cycles=6, ce=0.97, first_ce=0.9): known by construction
    np.testing.assert_allclose(per_cycle, [90, 97, 97, 97, 97, 97], atol=0.05)


def test_provenance_card_and_reproducibility(report, cell_files):
    text = report.path.read_text(encoding="utf-8")
    for path in (cell_files["licu"], cell_files["eis"]):
        assert hashlib.sha256(path.read_bytes()).hexdigest() in text
    assert "you (--li-thickness)" in text and "give it with --pressure" in text
    assert "Liu2019" in text and "Adams2018" not in text  # the reservoir protocol was not used
    assert "lithiophile</td><td>" in text  # the version row
    assert "Where the result stands" in text and "ranks" in text


def test_long_file_is_thinned_honestly(tmp_path):
    from lithiophile.synth import cells

    sc = cells.symmetric(cycles=20, sample_s=1.0)  # 144 040 rows
    path = sc.write(tmp_path / "long.parquet")
    result = build_report([path], tmp_path / "long.html", compare=False)
    fig = figures_of(result.path)["c1-overview"]
    v = decode(fig["traces"][0]["y"])
    assert v.size <= 8000 and f"of {len(sc.data)} rows drawn" in fig["note"]
    assert v.max() == sc.data["voltage_V"].max() and v.min() == sc.data["voltage_V"].min()
    assert "Jugel2014" in result.path.read_text(encoding="utf-8")


def test_group_overlays_cells(cell_files, tmp_path):
    result = build_report(
        [cell_files["licu"], cell_files["sym"]], tmp_path / "g.html", group=True, compare=False
    )
    figs = figures_of(result.path)
    assert [t["name"] for t in figs["g-voltage"]["traces"]] == ["licu.parquet", "sym.csv"]
    assert [t["name"] for t in figs["g-polarization"]["traces"]] == ["sym.csv"]


def test_bad_input_is_named(cell_files, tmp_path):
    with pytest.raises(InputError, match=r"must be an \.html file"):
        build_report([cell_files["licu"]], tmp_path / "r.pdf")
    with pytest.raises(InputError, match=r"no such file: 'nope\.csv'"):
        build_report(["nope.csv"], tmp_path / "r.html")
    junk = tmp_path / "junk.csv"
    junk.write_text("not,a\ncell,file\n")
    result = build_report([junk, cell_files["licu"]], tmp_path / "r.html", compare=False)
    assert len(result.errors) == 1 and "junk.csv" in result.errors[0]
    assert html.escape(result.errors[0]) in result.path.read_text(encoding="utf-8")
