"""``lithiophile report`` and ``lithiophile dashboard`` through their own typer apps."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lithiophile.cli import dashboard as dashboard_cli
from lithiophile.cli import report as report_cli
from lithiophile.errors import InputError, UnitsError
from lithiophile.synth import cells

runner = CliRunner()


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("LITHIOPHILE_HOME", str(tmp_path / "home"))


@pytest.fixture(scope="module")
def cell(tmp_path_factory):
    d = tmp_path_factory.mktemp("report-cli")
    return cells.symmetric(cycles=3, sample_s=60.0).write(d / "sym.parquet")


def test_report_writes_the_file_and_states_options(cell, tmp_path):
    out = tmp_path / "r.html"
    args = [str(cell), "-o", str(out), "--li-thickness", "50 um", "--temperature", "25C"]
    res = runner.invoke(report_cli.app, [*args, "--pressure", "1 MPa", "--no-compare"])
    assert res.exit_code == 0, res.output
    assert f"wrote {out}" in res.output and out.resolve().as_uri() in res.output
    text = out.read_text(encoding="utf-8")
    # the card shows each stated value with the option that gave it
    assert "<td>50 um</td><td>you (--li-thickness)</td>" in text
    assert "<td>25 °C</td><td>you (--temperature)</td>" in text
    assert "<td>1 MPa</td><td>you (--pressure)</td>" in text


def test_report_json(cell, tmp_path):
    res = runner.invoke(report_cli.app, [str(cell), "-o", str(tmp_path / "r.html"), "--json"])
    assert res.exit_code == 0, res.output
    info = json.loads(res.output)
    assert info["files"] == 1 and info["errors"] == []
    assert info["size_bytes"] == (tmp_path / "r.html").stat().st_size
    assert info["content_bytes"] == info["size_bytes"] - info["library_bytes"]


def test_report_bad_options_are_named(cell, tmp_path):
    res = runner.invoke(report_cli.app, [str(cell), "--li-thickness", "50 kg"])
    assert isinstance(res.exception, UnitsError)
    assert "'--li-thickness' option of report" in str(res.exception)
    res = runner.invoke(report_cli.app, [str(cell), "-o", str(tmp_path / "r.png")])
    assert isinstance(res.exception, InputError) and ".html" in str(res.exception)
    assert runner.invoke(report_cli.app, []).exit_code == 2  # usage error: no file


def test_demo_part_writes_reports(tmp_path):
    lines: list[str] = []
    out = report_cli.demo_part(tmp_path / "report", lines.append, {})
    assert len(out["reports"]) == 2
    for r in out["reports"]:
        assert f"open: {Path(r['path']).resolve().as_uri()}" in "\n".join(lines)
        assert r["figures"] >= 5 and r["errors"] == []
    assert sum("open: file://" in line for line in lines) == 2


def test_dashboard_refuses_unclear_sources(tmp_path):
    res = runner.invoke(dashboard_cli.app, [])
    assert isinstance(res.exception, InputError) and "--store" in str(res.exception)
    res = runner.invoke(dashboard_cli.app, [str(tmp_path), "--store"])
    assert isinstance(res.exception, InputError) and "not both" in str(res.exception)
    res = runner.invoke(dashboard_cli.app, [str(tmp_path / "none")])
    assert isinstance(res.exception, InputError) and "is not a folder" in str(res.exception)
    res = runner.invoke(dashboard_cli.app, [str(tmp_path), "--port", "70000"])
    assert isinstance(res.exception, InputError) and "--port" in str(res.exception)
