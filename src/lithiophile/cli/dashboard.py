"""``lithiophile dashboard [DIR | --store]``: browse many cells in a local web app."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

HELP = (
    "A local web app (http://127.0.0.1 only) over a folder of cell files or the store: a "
    "sortable, filterable table of cells and their figures, overlays of chosen cells and "
    "cycles, each cell's report, and CSV export of a selection."
)

app = typer.Typer(help=HELP, add_completion=False)


@app.command("dashboard", help=HELP)
def dashboard(
    folder: Path | None = typer.Argument(
        None, help="Folder of cycling/impedance files to index.", show_default=False
    ),
    store_flag: bool = typer.Option(
        False, "--store", help="Browse the cells already indexed in the store."
    ),
    store_path: Path | None = typer.Option(
        None, "--store-path", help="Store file (default: the project's store)."
    ),
    port: int = typer.Option(8050, "--port", help="Port on 127.0.0.1."),
    workers: int = typer.Option(2, "--workers", help="Processes that index the folder."),
    json_: bool = typer.Option(
        False, "--json", help="Announce the address as one JSON line on stdout when serving."
    ),
) -> None:
    from lithiophile.errors import InputError
    from lithiophile.store import Store

    if (folder is None) == (not store_flag):
        raise InputError("give a folder to index, or --store to browse the store (not both)")
    if folder is not None and not folder.is_dir():
        raise InputError(f"dashboard: '{folder}' is not a folder. Give a folder of cell files.")
    if not 1 <= port <= 65535:
        raise InputError(f"The '--port' option must be a port number 1-65535. Got {port}.")
    try:
        import dash  # noqa: F401
        import dash_ag_grid  # noqa: F401
    except ImportError:
        from lithiophile.errors import DependencyMissing

        raise DependencyMissing(
            "lithiophile dashboard needs Dash and dash-ag-grid: "
            "pip install 'lithiophile[dashboard]'"
        ) from None
    serve(folder, Store(store_path), port=port, workers=workers, json_=json_)


def serve(folder: Path | None, store: Any, *, port: int, workers: int, json_: bool = False) -> None:
    """Index (in the background) and serve until interrupted."""
    import logging

    from lithiophile.report.dashboard import HOST, Indexer, create_app

    indexer = Indexer(store, folder, workers=workers)
    report_dir = Path(store.path).parent / "reports"
    report_dir.mkdir(parents=True, exist_ok=True)
    web = create_app(indexer, report_dir)
    indexer.start()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    url = f"http://{HOST}:{port}/"
    if json_:
        import json

        info = {"url": url, "folder": str(folder) if folder else None, "store": str(store.path)}
        typer.echo(json.dumps(info))
    else:
        typer.echo(f"lithiophile dashboard on {url} (Ctrl-C stops it)", err=True)
    web.run(host=HOST, port=port, debug=False)
