"""Benchmark of ``lithiophile report`` and ``lithiophile dashboard``, in one run:

1. the report of a one-million-row cycling file (synthetic Li||Li cell, 100 cycles): time and
   size (target under 10 s and 8 MB, of which data and figures under 2 MB), next to what a user
   would otherwise do: plotly's own ``write_html`` of the full voltage trace (one figure,
   plotly.js inlined, as plotly's docs show). Cross-check: in every one of the report's 2000
   pixel columns the lowest and highest voltage drawn equal those of the full data (what M4
   guarantees, so both pictures are the same), and plotly's file holds the full data exactly.
2. the dashboard over a store of 1000 indexed cells: rows loaded, app built and the page's
   layout served (target under 2 s), next to reading the same rows one ``Store.get`` at a
   time; and, where Chromium and Playwright are installed, the time until the browser shows
   the table. The 1000 rows are 10 analysed synthetic files stored again under
   other content keys, 1000 rows in all (the display does not depend on how the rows were made).

Run: ``.venv/bin/python benchmarks/bench_report.py [--rows 1000000]``.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import socket
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

#: Store.get calls timed for the naive way (each opens the store file); scaled to all rows.
NAIVE = 50


def _cell(rows: int, folder: Path) -> Path:
    from lithiophile.synth import cells

    cycles = 100
    sample_s = 3600.0 / (rows / (2 * cycles))
    return cells.symmetric(cycles=cycles, sample_s=sample_s).write(folder / "big.parquet")


def _report(path: Path, folder: Path) -> dict:
    from lithiophile.report import build_report

    t = time.perf_counter()
    cold = build_report([path], folder / "cold.html")
    t_cold = time.perf_counter() - t
    t = time.perf_counter()
    warm = build_report([path], folder / "report.html")
    t_warm = time.perf_counter() - t
    return {"cold_s": t_cold, "warm_s": t_warm, "result": warm, "cold": cold}


def _plotly_baseline(path: Path, folder: Path) -> dict:
    import plotly.graph_objects as go

    import lithiophile

    t = time.perf_counter()
    data = lithiophile.read(path)
    th, v = (data["time_s"] - data["time_s"][0]) / 3600, data["voltage_V"]
    fig = go.Figure(go.Scatter(x=th, y=v, mode="lines"))
    out = folder / "plotly_full.html"
    fig.write_html(out, include_plotlyjs=True)
    return {"s": time.perf_counter() - t, "bytes": out.stat().st_size, "path": out, "v": v, "t": th}


def _decode_plotly_y(path: Path) -> np.ndarray:
    text = path.read_text(encoding="utf-8")
    m = re.search(r'"y":\{"dtype":"(\w+)","bdata":"([^"]+)"', text)
    if m is None:  # older plotly writes plain lists
        m2 = re.search(r'"y":\[([^\]]+)\]', text)
        return np.array(json.loads("[" + m2.group(1) + "]"))
    raw = m.group(2).replace("\\/", "/").replace("\\u002f", "/")
    return np.frombuffer(base64.b64decode(raw), dtype=m.group(1))


def _cross_check(report: Path, base: dict) -> None:
    from lithiophile.report.figures import COLUMNS, decode

    text = report.read_text(encoding="utf-8")
    raw = re.search(r'id="report-data">(.*?)</script>', text, re.S).group(1)
    figs = {f["id"]: f for f in json.loads(raw.replace("<\\/", "</"))["figures"]}
    tr = figs["c1-overview"]["traces"][0]
    x, y = decode(tr["x"]), decode(tr["y"])
    t, v = base["t"], base["v"]
    col = np.minimum(((t - t[0]) / (t[-1] - t[0]) * COLUMNS).astype(int), COLUMNS - 1)
    colx = np.minimum(((x - t[0]) / (t[-1] - t[0]) * COLUMNS).astype(int), COLUMNS - 1)
    for name, fn in (("min", np.minimum), ("max", np.maximum)):
        full = fn.reduceat(v, np.flatnonzero(np.r_[True, np.diff(col) != 0]))
        mine = fn.reduceat(y, np.flatnonzero(np.r_[True, np.diff(colx) != 0]))
        if not np.array_equal(full, mine):
            raise SystemExit(f"cross-check failed: per-pixel {name} of the report differs")
    if not np.array_equal(_decode_plotly_y(base["path"]), v):
        raise SystemExit("cross-check failed: plotly's file does not hold the full data")
    print(
        f"cross-check: per-pixel min and max of {y.size} drawn samples equal those of all "
        f"{v.size} rows in all {COLUMNS} columns; plotly's file holds all {v.size} rows"
    )


def _fill_store(store, folder: Path, n: int) -> None:
    from lithiophile.report import index
    from lithiophile.store import content_key
    from lithiophile.synth import cells

    files = []
    for k in range(10):
        files.append(
            cells.symmetric(cycles=4, sample_s=60.0, seed=k, asr_ohm_m2=1e-3 * (1 + k)).write(
                folder / f"s{k}.parquet"
            )
        )
    rows = index.index_files(files, store, workers=2)
    with store.transaction() as con:
        for j in range(n - len(rows)):  # with the files' own rows: n in all
            row = {**rows[j % 10], "name": f"cell{j:04d}.parquet"}
            con.execute(
                "INSERT OR REPLACE INTO results (kind, key, payload) VALUES (?, ?, ?)",
                [index.STORE_KIND, content_key(str(j), "bench"), json.dumps(row)],
            )


def _dashboard(folder: Path, n: int) -> dict:
    import logging
    import urllib.request

    from werkzeug.serving import make_server

    from lithiophile.report.dashboard import Indexer, create_app
    from lithiophile.report.index import STORE_KIND
    from lithiophile.store import Store

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    store = Store(folder / "dash.duckdb")
    _fill_store(store, folder, n)
    keys = sorted(store.keys(STORE_KIND))
    t = time.perf_counter()
    naive = [store.get(STORE_KIND, k) for k in keys[:NAIVE]]  # each get opens the file
    t_naive = (time.perf_counter() - t) * len(keys) / NAIVE
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    t = time.perf_counter()
    indexer = Indexer(store, None)
    app = create_app(indexer, folder / "reports")
    server = make_server("127.0.0.1", port, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{port}/"
    urllib.request.urlopen(url).read()
    layout = urllib.request.urlopen(url + "_dash-layout").read()
    t_server = time.perf_counter() - t
    shown = layout.count(b'"name":"cell') + layout.count(b'"name":"s')
    if not len(indexer.rows) == len(keys) == shown == n or naive[0] is None:
        raise SystemExit(f"cross-check failed: {n} cells stored, {shown} in the page's table")
    out = {"rows": n, "server_s": t_server, "naive_s": t_naive, "browser_s": _browser(url, n)}
    server.shutdown()
    return out


def _browser(url: str, n: int) -> tuple[float, float] | None:
    """Seconds from navigation to the table showing its rows: a first visit (the browser
    compiles the scripts) and a second one."""
    from lithiophile.report.browser import FLAGS, chromium_path

    chromium = chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if chromium is None:
        return None
    with sync_playwright() as p, tempfile.TemporaryDirectory() as prof:
        ctx = p.chromium.launch_persistent_context(
            prof, executable_path=chromium, headless=True, args=list(FLAGS)
        )
        page = ctx.new_page()
        times = []
        for _ in range(2):
            t = time.perf_counter()
            page.goto(url)
            page.wait_for_function(
                f"() => document.querySelector('#progress')?.textContent === '{n} cells' "
                "&& document.querySelectorAll('.ag-row').length > 0"
            )
            times.append(time.perf_counter() - t)
        ctx.close()
    return times[0], times[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--cells", type=int, default=1000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        os.environ["LITHIOPHILE_HOME"] = str(folder / "home")
        path = _cell(args.rows, folder)
        rep = _report(path, folder)
        base = _plotly_baseline(path, folder)
        r = rep["result"]
        mb = 1e6
        print(f"== report of a {args.rows}-row file ({path.stat().st_size / mb:.1f} MB Parquet)")
        print(
            f"lithiophile report: {rep['warm_s']:.2f} s (first run on a fresh store, which "
            f"loads the literature base: {rep['cold_s']:.2f} s), {r.size_bytes / mb:.2f} MB "
            f"(plotly.js {r.library_bytes / mb:.2f} MB, data and {r.figures} figures "
            f"{r.content_bytes / mb:.2f} MB)"
        )
        print(
            f"plotly write_html of the full trace: {base['s']:.2f} s, "
            f"{base['bytes'] / mb:.2f} MB (data {(base['bytes'] - r.library_bytes) / mb:.2f} MB)"
            " for one figure"
        )
        print(
            f"ratio: report/plotly size {r.size_bytes / base['bytes']:.2f}, data "
            f"{r.content_bytes / max(1, base['bytes'] - r.library_bytes):.3f}; time "
            f"{rep['warm_s'] / base['s']:.2f}"
        )
        print(
            f"targets: time < 10 s {'met' if rep['warm_s'] < 10 else 'MISSED'}, size < 8 MB "
            f"{'met' if r.size_bytes < 8e6 else 'MISSED'}, data+figures < 2 MB "
            f"{'met' if r.content_bytes < 2e6 else 'MISSED'}"
        )
        _cross_check(r.path, base)
        d = _dashboard(folder, args.cells)
        print(f"== dashboard over a store of {d['rows']} cells")
        print(
            f"rows loaded + app built + page and layout served: {d['server_s']:.2f} s "
            f"(target < 2 s: {'met' if d['server_s'] < 2 else 'MISSED'}); the same rows read "
            f"one Store.get at a time: {d['naive_s']:.2f} s (ratio "
            f"{d['naive_s'] / d['server_s']:.1f}x)"
        )
        if d["browser_s"] is None:
            print("browser time: skipped (install chromium and playwright to measure it)")
        else:
            first, again = d["browser_s"]
            met = "met" if max(first, again) < 2 else "met on a revisit" if again < 2 else "MISSED"
            print(
                f"in Chromium, navigation to the table showing {d['rows']} cells: first visit "
                f"{first:.2f} s (scripts compiled), again {again:.2f} s; target < 2 s: "
                f"{met}"
            )


if __name__ == "__main__":
    main()
