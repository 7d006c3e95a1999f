"""``lithiophile convert``: files or folders to Parquet or Battery Data Format CSV."""

from __future__ import annotations

from pathlib import Path

import typer

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
) -> None:
    from lithiophile.errors import InputError
    from lithiophile.io.convert import convert_file, convert_tree

    if source.is_dir():
        if not recursive:
            raise InputError(
                f"'{source}' is a folder; add --recursive to convert every file in it."
            )
        if to not in ("parquet", "csv"):
            raise InputError(f"--to must be 'parquet' or 'csv'. Got {to!r}.")
        report = convert_tree(source, output, to=to, workers=workers or None, format=fmt)
        for path, dest in report.converted:
            typer.echo(f"converted {path} -> {dest}")
        for path, why in report.skipped:
            typer.echo(f"skipped   {path}: {why}")
        for path, why in report.failed:
            typer.echo(f"error: {path}: {why}", err=True)
        typer.echo(
            f"{len(report.converted)} converted, {len(report.skipped)} skipped (not a data file), "
            f"{len(report.failed)} failed"
        )
        if report.failed:
            raise typer.Exit(1)
        return
    dest = convert_file(source, output, format=fmt)
    typer.echo(f"converted {source} -> {dest}")
