"""``lithiophile dashboard``: a local web app over a folder of cell files or the store.

Built on Dash (Plotly's maintained framework for analytic web apps, MIT) with dash-ag-grid
(Plotly's wrapper of AG Grid Community, MIT; Dash's own DataTable is deprecated in its favour):
the grid sorts, filters, selects and exports rows with no code of ours, the graphs are the
same plotly figures as the report, and both serve their scripts from the installed packages
(no CDN). The Flask server binds to 127.0.0.1 only.

While a folder is indexed (in parallel, cached by content hash, see
:mod:`lithiophile.report.index`) the page shows the progress and fills the table as rows come.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

from lithiophile.report.index import COLUMNS, index_files, list_files, load_index

__all__ = ["Indexer", "create_app"]

HOST = "127.0.0.1"


def _import_shared_modules() -> None:
    """Import, before the indexing thread starts, what it and the web server's threads both
    import lazily: a module's first import running in two threads at once can fail half-way
    ("partially initialized module 'pandas'", seen when plotly's JSON encoder looked for pandas
    while the indexer was importing it)."""
    import importlib
    import importlib.util

    for name in ("pandas", "plotly.io", "polars"):
        if importlib.util.find_spec(name.split(".")[0]) is not None:
            importlib.import_module(name)


class Indexer:
    """Rows of the table, filled by a background thread that indexes a folder."""

    def __init__(self, store: Any, folder: Path | None, workers: int = 1) -> None:
        self.store = store
        self.folder = folder
        self.workers = workers
        self.rows: list[dict[str, Any]] = [] if folder is not None else load_index(store)
        self.done = 0 if folder is not None else len(self.rows)
        self.total = self.done
        self.current = ""
        self.error: str | None = None
        self.finished = folder is None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self.folder is None or self._thread is not None:
            return
        _import_shared_modules()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _progress(self, done: int, total: int, name: str) -> None:
        self.done, self.total, self.current = done, total, name

    def _run(self) -> None:
        from lithiophile.errors import LithiophileError

        try:
            assert self.folder is not None
            files = list_files(self.folder)
            self.total = len(files)
            rows = index_files(files, self.store, workers=self.workers, progress=self._progress)
            self.rows = rows
        except LithiophileError as exc:
            self.error = str(exc)
        finally:
            self.finished = True

    def table_rows(self) -> list[dict[str, Any]]:
        return [{**r, "id": str(k)} for k, r in enumerate(self.rows)]


class _Cache:
    """The last few files read and analysed, for the overlay."""

    def __init__(self, size: int = 8) -> None:
        self.size = size
        self.items: OrderedDict[str, Any] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, path: str) -> Any:
        from lithiophile.report.collect import collect_file

        with self.lock:
            if path in self.items:
                self.items.move_to_end(path)
                return self.items[path]
        item = collect_file(Path(path), with_drt=False)
        with self.lock:
            self.items[path] = item
            while len(self.items) > self.size:
                self.items.popitem(last=False)
        return item


def _plotly(fig: Any, lo: int, hi: int) -> list[dict[str, Any]]:
    out = []
    for t in fig.traces:
        if t.cycle is not None and not lo <= t.cycle <= hi:
            continue
        out.append({"type": "scatter", "mode": t.mode, "name": t.name, "x": t.x, "y": t.y})
    return out


def overlay(items: list[Any], lo: int, hi: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """Figures (plotly dicts) of the chosen cells: voltage profiles of cycles lo..hi, and the
    Nyquist plots of impedance files."""
    from lithiophile.report.cyclefigs import profiles

    cyc, eis, units = [], [], set()
    for it in items:
        if it.kind == "cycling" and it.data is not None:
            fig = profiles(it.data, it.data.meta.area_m2, "overlay", label=it.name)
            cyc += _plotly(fig, lo, hi)
            units.add(fig.x_title)
        for _, fit in it.fits:
            z = fit.fit.data_
            eis.append(
                {"type": "scatter", "mode": "markers", "name": fit.name, "x": z.real, "y": -z.imag}
            )
    layout = {"margin": {"l": 60, "r": 20, "t": 40, "b": 50}, "height": 420}
    x_title = " / ".join(sorted(units)) or "capacity plated since the cycle began"
    profile = {
        "data": cyc,
        "layout": {
            **layout,
            "title": {"text": f"voltage profiles, cycles {lo}-{hi}"},
            "xaxis": {"title": {"text": x_title}},
            "yaxis": {"title": {"text": "voltage [V]"}},
        },
    }
    nyquist = {
        "data": eis,
        "layout": {
            **layout,
            "title": {"text": "Nyquist"},
            "xaxis": {"title": {"text": "Z' [ohm]"}},
            "yaxis": {"title": {"text": "-Z'' [ohm]"}, "scaleanchor": "x"},
        },
    }
    return profile, nyquist


def create_app(indexer: Indexer, report_dir: Path) -> Any:
    """The Dash app (its Flask server at ``app.server``)."""
    import dash
    import dash_ag_grid as dag
    from dash import dcc, html

    app = dash.Dash(__name__, title="lithiophile dashboard", serve_locally=True)
    columns = [{"field": k, "headerName": t} for k, t in COLUMNS]
    app.layout = html.Div(
        [
            html.H2("lithiophile dashboard"),
            html.Div(id="progress", children=_progress_text(indexer)),
            dcc.Interval(id="tick", interval=500, disabled=indexer.finished),
            dag.AgGrid(
                id="cells",
                rowData=indexer.table_rows(),
                columnDefs=columns,
                defaultColDef={"sortable": True, "filter": True, "resizable": True},
                getRowId="params.data.id",
                dashGridOptions={
                    "rowSelection": {"mode": "multiRow", "checkboxes": True},
                    "pagination": True,
                    "paginationPageSize": 20,
                    "domLayout": "autoHeight",
                },
                csvExportParams={"fileName": "selection.csv", "onlySelected": True},
            ),
            html.Div(
                [
                    html.Button("export selection (CSV)", id="export"),
                    html.Span(" cycles "),
                    html.Div(
                        dcc.RangeSlider(id="cycles", min=1, max=20, step=1, value=[1, 5]),
                        style={"width": "420px", "display": "inline-block"},
                    ),
                ],
                style={"margin": "8px 0"},
            ),
            html.Div(id="links"),
            # graphs are made when cells are picked: plotly.js loads only then
            html.Div(id="graphs"),
        ],
        style={"fontFamily": "sans-serif", "margin": "10px 24px"},
    )
    _callbacks(app, indexer)
    _report_route(app, indexer, report_dir)
    return app


def _progress_text(indexer: Indexer) -> str:
    if indexer.error:
        return f"error: {indexer.error}"
    if not indexer.finished:
        return f"indexing {indexer.done}/{indexer.total} files ... {indexer.current}"
    return f"{len(indexer.rows)} cells"


def _callbacks(app: Any, indexer: Indexer) -> None:
    from dash import Input, Output, dcc, html, no_update

    cache = _Cache()

    @app.callback(
        Output("progress", "children"),
        Output("cells", "rowData"),
        Output("tick", "disabled"),
        Input("tick", "n_intervals"),
    )
    def _tick(_n: int | None) -> tuple[Any, Any, bool]:
        data = indexer.table_rows() if indexer.finished else no_update
        return _progress_text(indexer), data, indexer.finished

    @app.callback(
        Output("graphs", "children"),
        Output("links", "children"),
        Output("cycles", "max"),
        Input("cells", "selectedRows"),
        Input("cycles", "value"),
    )
    def _select(picked: list[dict] | None, cycles: list[int]) -> tuple[Any, ...]:
        ids = [r["id"] for r in picked or []]
        chosen = [indexer.rows[int(i)] for i in ids]
        items = [cache.get(r["file"]) for r in chosen]
        lo, hi = (cycles or [1, 5])[0], (cycles or [1, 5])[-1]
        fig, nyq = overlay(items, lo, hi)
        links = [
            html.A(
                f"open the report of {r['name']}",
                href=f"/report/{i}",
                target="_blank",
                style={"marginRight": "16px"},
                className="report-link",
            )
            for i, r in zip(ids, chosen, strict=True)
        ]
        top = max([int(r.get("cycles") or 1) for r in chosen] + [2])
        graphs = [
            dcc.Graph(id=gid, figure=f)
            for gid, f in (("overlay", fig), ("nyquist", nyq))
            if f["data"]
        ]
        return graphs, links, top

    @app.callback(
        Output("cells", "exportDataAsCsv"),
        Input("export", "n_clicks"),
        prevent_initial_call=True,
    )
    def _export(_n: int) -> bool:
        return True


def _report_route(app: Any, indexer: Indexer, report_dir: Path) -> None:
    from flask import abort, send_file

    @app.server.route("/report/<int:idx>")
    def _report(idx: int) -> Any:
        from lithiophile.report.build import build_report

        if not 0 <= idx < len(indexer.rows):
            abort(404)
        row = indexer.rows[idx]
        out = report_dir / f"{row.get('sha256') or idx}.html"
        if not out.exists():
            build_report([row["file"]], out, compare=True, store=indexer.store)
        return send_file(out, mimetype="text/html")
