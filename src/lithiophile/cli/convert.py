"""``lithiophile convert``: files or folders to Parquet or Battery Data Format CSV."""

from __future__ import annotations

from pathlib import Path

import typer

from lithiophile.cli.options import JSON

HELP = (
    "Convert instrument files to Parquet (-o x.parquet) or Battery Data Format CSV (-o x.csv); "
    "a folder with --recursive converts every readable file in parallel processes."
)


def convert(
    source: Path = typer.Argument(
        ..., help="A file, or a folder with --recursive.", show_default=False
    ),
    output: Path = typer.Option(
        ..., "-o", "--output", help="Output file (.parquet or .csv) or folder."
    ),
    recursive: bool = typer.Option(
        False, "--recursive", "-r", help="Convert every readable file under a folder."
    ),
    to: str = typer.Option(
        "parquet", "--to", help="Output format for folders: parquet or csv (BDF)."
    ),
    workers: int = typer.Option(
        0, "--workers", "-j", help="Worker processes for folders (0 = one per core)."
    ),
    fmt: str | None = typer.Option(
        None, "--format", help="Skip detection and read as this format."
    ),
    json_: bool = JSON,
) -> None:
    from lithiophile.cli.display import echo_json, print_provenance
    from lithiophile.errors import InputError
    from lithiophile.io import read
    from lithiophile.io.convert import check_output, convert_tree, write_converted

    if not source.is_dir():
        check_output(source, output)
        data = read(source, format=fmt)
        dest = write_converted(data, output)
        provenance = data.meta.all_provenance()
        if json_:
            echo_json({"converted": [{"source": source, "output": dest, "provenance": provenance}]})
        else:
            typer.echo(f"converted {source} -> {dest}")
            print_provenance(provenance, indent="  ")
        return
    if not recursive:
        raise InputError(f"'{source}' is a folder; add --recursive to convert every file in it.")
    report = convert_tree(source, output, to=to, workers=workers or None, format=fmt)
    if json_:
        echo_json(
            {
                "converted": [{"source": s, "output": d} for s, d in report.converted],
                "skipped": [{"source": s, "reason": why} for s, why in report.skipped],
                "failed": [{"source": s, "reason": why} for s, why in report.failed],
                "warnings": report.warnings,
            }
        )
    else:
        for path, dest in report.converted:
            typer.echo(f"converted {path} -> {dest}")
        for path, why in report.skipped:
            typer.echo(f"skipped   {path}: {why}")
        typer.echo(
            f"{len(report.converted)} converted, {len(report.skipped)} skipped (not a data "
            f"file), {len(report.failed)} failed"
        )
    for text in report.warnings:
        typer.echo(f"warning: {text}", err=True)
    if report.failed:
        typer.echo(f"error: {report.failure_summary()}", err=True)
        raise typer.Exit(1)
