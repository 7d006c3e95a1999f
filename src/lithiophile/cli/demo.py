"""``lithiophile demo``: the main job on data the project makes itself.

Today: measure (read every example file in every format the project writes, derive steps and
cycles, convert). Each capability added to lithiophile adds its part here.
"""

from __future__ import annotations

from pathlib import Path

import typer

HELP = "Run every capability on example data that lithiophile makes itself, and show the results."


def demo(
    out: Path | None = typer.Option(
        None,
        "--out",
        help="Folder for the example files and outputs (default: a temporary folder).",
    ),
    json_: bool = typer.Option(False, "--json", help="Print the results as JSON."),
) -> None:
    import json
    import tempfile

    from lithiophile import cite
    from lithiophile.cli.display import print_summary
    from lithiophile.examples import write_examples
    from lithiophile.io import detect, read
    from lithiophile.io.convert import convert_file

    with tempfile.TemporaryDirectory(prefix="lithiophile-demo-") as tmp:
        folder = Path(out) if out else Path(tmp)
        paths = write_examples(folder / "examples")
        results = []
        if not json_:
            typer.echo(
                f"== measure: reading {len(paths)} example files written to {folder / 'examples'}"
            )
        for path in paths:
            fmt = detect(path)
            data = read(path)
            summary = data.summary()
            summary["detected_format"] = fmt.name
            converted = convert_file(path, folder / "converted" / (path.name + ".parquet"))
            summary["converted_to"] = str(converted)
            results.append(summary)
            if not json_:
                print_summary(summary)
        if json_:
            typer.echo(json.dumps({"measure": results, "citations": cite.used()}, indent=2))
            return
        typer.echo("== citations for the methods used")
        typer.echo(cite.format_used())
