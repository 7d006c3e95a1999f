"""The report and the dashboard in a real browser (headless system Chromium via Playwright).

Skipped, with the install command, where Chromium or Playwright is missing."""

from __future__ import annotations

import csv
import io
import socket
import subprocess
import sys
import time

import numpy as np
import pytest
from tests.report.conftest import figures_of, keep_screenshot

from lithiophile.report import build_report
from lithiophile.report.figures import decode

LOCAL = ("file:", "data:", "blob:", "about:")


@pytest.fixture(scope="module")
def report_path(cell_files, tmp_path_factory):
    out = tmp_path_factory.mktemp("browser") / "report.html"
    return build_report([cell_files["licu"], cell_files["eis"]], out).path


def _open(ctx, url, blocked):
    """A page that aborts (and records) every request off this machine's files."""
    page = ctx.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    def route(r):
        if r.request.url.startswith(LOCAL):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(url)
    page.wait_for_selector("body[data-ready='1']", timeout=60_000)
    return page, errors


def _plotted(page, fid):
    """Names and point counts of the traces plotly drew in a figure."""
    return page.evaluate(
        "id => document.querySelector('#fig-' + id + ' .plot').data"
        ".map(t => [t.name, t.x.length, t.visible === undefined ? true : t.visible])",
        fid,
    )


def test_report_renders_offline(browser_context, report_path, screenshots):
    blocked: list[str] = []
    page, errors = _open(browser_context, report_path.as_uri(), blocked)
    assert blocked == [] and errors == []
    for fid in figures_of(report_path):
        drawn = page.locator(f"#fig-{fid} .scatterlayer .trace").count()
        assert drawn >= 1, f"figure {fid} drew nothing"
        assert page.locator(f"#fig-{fid} .main-svg").count() >= 1
    keep_screenshot(page, "report-top", screenshots)
    page.evaluate("document.querySelector('#figures').scrollIntoView()")
    keep_screenshot(page, "report", screenshots, readme=True)


def test_cycle_slider_and_csv(browser_context, report_path, tmp_path):
    page, errors = _open(browser_context, report_path.as_uri(), [])
    spec = figures_of(report_path)["c1-profiles"]
    before = _plotted(page, "c1-profiles")
    assert [n for n, _, _ in before] == [t["name"] for t in spec["traces"]]
    page.focus("#fig-c1-profiles .cyc-hi")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")  # last cycle shown 6 -> 4
    after = _plotted(page, "c1-profiles")
    assert [n for n, _, _ in after] == [t["name"] for t in spec["traces"][:4]]
    page.fill("#fig-c1-profiles .cyc-hide", "2")
    page.press("#fig-c1-profiles .cyc-hide", "Enter")
    shown = [t for t in spec["traces"][:4] if t["cycle"] != 2]
    assert [n for n, _, _ in _plotted(page, "c1-profiles")] == [t["name"] for t in shown]
    with page.expect_download() as dl:
        page.click("#fig-c1-profiles .dl-csv")
    path = tmp_path / "profiles.csv"
    dl.value.save_as(path)
    rows = [r for r in csv.reader(io.StringIO(path.read_text())) if not r[0].startswith("#")]
    assert rows[0] == ["trace", spec["xTitle"], spec["yTitle"]]
    expected = [
        (t["name"], x, y)
        for t in shown
        for x, y in zip(decode(t["x"]), decode(t["y"]), strict=True)
    ]
    got = [(r[0], float(r[1]), float(r[2])) for r in rows[1:]]
    assert [g[0] for g in got] == [e[0] for e in expected]
    np.testing.assert_array_equal([g[1:] for g in got], [e[1:] for e in expected])
    assert errors == []


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def dashboard(cell_files, tmp_path):
    """``lithiophile dashboard FOLDER`` in a subprocess; stopped (and checked) afterwards."""
    folder = cell_files["licu"].parent
    port = _free_port()
    code = "import sys; from lithiophile.cli.dashboard import app; app(sys.argv[1:])"
    store = tmp_path / "store.duckdb"
    args = [str(folder), "--port", str(port), "--workers", "1", "--store-path", str(store)]
    proc = subprocess.Popen([sys.executable, "-c", code, *args])
    deadline = time.monotonic() + 60
    while not _listening(port):
        assert proc.poll() is None, "the dashboard exited"
        assert time.monotonic() < deadline, "the dashboard did not start"
        time.sleep(0.2)
    try:
        yield f"http://127.0.0.1:{port}/", proc, port
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert not _listening(port)


def test_dashboard_lists_opens_and_overlays(browser_context, dashboard, screenshots):
    url, _proc, _port = dashboard
    page = browser_context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_function(
        "() => document.querySelector('#progress')?.textContent === '4 cells'", timeout=120_000
    )
    names = page.locator(".ag-center-cols-container [col-id='name']").all_inner_texts()
    assert sorted(names) == ["eis.parquet", "licu.parquet", "sym.csv", "sym2.parquet"]
    boxes = page.locator(".ag-center-cols-container .ag-selection-checkbox input")
    for name in ("sym.csv", "sym2.parquet"):
        boxes.nth(names.index(name)).check()
    names_js = (
        "() => [...(document.querySelector('#overlay .js-plotly-plot')?.data || [])]"
        ".map(t => t.name)"
    )
    page.wait_for_function(
        f"() => ({names_js})().some(n => n.startsWith('sym2.parquet'))", timeout=60_000
    )
    traces = page.evaluate(names_js)
    # sym has 5 cycles, sym2 6; the cycle picker starts at cycles 1-5
    assert sorted(traces) == sorted(
        [f"sym.csv: cycle {c}" for c in range(1, 6)]
        + [f"sym2.parquet: cycle {c}" for c in range(1, 6)]
    )
    keep_screenshot(page, "dashboard", screenshots, readme=True, full_page=True)
    with page.expect_download() as dl:
        page.click("#export")
    text = dl.value.path().read_text(encoding="utf-8-sig")  # AG Grid writes a BOM
    picked = list(csv.DictReader(io.StringIO(text)))
    assert sorted(r["file"] for r in picked) == ["sym.csv", "sym2.parquet"]
    with browser_context.expect_page() as opened:
        page.locator(".report-link").first.click()
    report = opened.value
    report.wait_for_selector("body[data-ready='1']", timeout=120_000)
    assert report.locator(".scatterlayer .trace").count() >= 2
    keep_screenshot(report, "dashboard-report", screenshots)
    assert errors == []
