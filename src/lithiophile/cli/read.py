"""``lithiophile read FILE...``: what is in a file."""

from __future__ import annotations

from pathlib import Path

import typer

from lithiophile.cli.options import JSON

HELP = (
    "Show what is in instrument files: format, version, rows, columns, time span, cycles, "
    "techniques, area and mass found."
)


def read(
    files: list[Path] = typer.Argument(..., help="Files to inspect.", show_default=False),
    json_: bool = JSON,
    fmt: str | None = typer.Option(
        None, "--format", help="Skip detection and read as this format (e.g. biologic-mpr)."
    ),
    column_map: str | None = typer.Option(
        None,
        "--map",
        help='Column mapping for plain tables: "time=Time(s),voltage=Ewe/V,current=I/mA".',
    ),
) -> None:
    import lithiophile.io as lio
    from lithiophile.io.generic import parse_map

    mapping = parse_map(column_map) if column_map else None
    summaries = [lio.read(path, format=fmt, column_map=mapping).summary() for path in files]
    from lithiophile.cli.display import echo_json, print_summary

    if json_:
        echo_json(summaries if len(summaries) > 1 else summaries[0])
        return

    for summary in summaries:
        print_summary(summary)
