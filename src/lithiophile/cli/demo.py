"""``lithiophile demo``: the main job, every capability on data the project makes itself.

measure: example files are written in every layout lithiophile reads that can be synthesised
honestly (BDF CSV, Parquet, generic CSV, plain impedance CSV, and the EC-Lab, Maccor, Neware,
Arbin, LAND, Gamry and ZPlot layouts); each is detected from its content, read into canonical
data and converted to Parquet. Then the parts of :data:`PARTS`: Li-metal figures from synthetic
cycling files (cell), interfacial resistance from a synthetic before/after pair of spectra (eis),
thermodynamics and wetting of coatings (chem), atomistic binding and adhesion (atoms), and the
comparison of those results with the literature records (kb). Each capability added to
lithiophile adds its part here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from lithiophile.cli import atoms, cell, chem, eis, kb

HELP = "Run every capability on example data that lithiophile makes itself, and show the results."

#: After "measure", the parts of the demo in order: each a command-group module of
#: lithiophile.cli with ``demo_part(folder, echo, results) -> dict``; ``echo`` prints a line
#: (silent under --json), ``results`` holds the parts run so far by name. ``chem`` covers
#: wetting too; ``kb`` comes last, to compare the parts' results with the literature.
PARTS = {"cell": cell, "eis": eis, "chem": chem, "atoms": atoms, "kb": kb}


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
    from lithiophile.cli.display import print_files, print_summary
    from lithiophile.examples import write_examples
    from lithiophile.instrument_files import write_instrument_examples
    from lithiophile.io import detect, read
    from lithiophile.io.convert import convert_file

    with tempfile.TemporaryDirectory(prefix="lithiophile-demo-") as tmp:
        folder = Path(out) if out else Path(tmp)
        paths = write_examples(folder / "examples") + write_instrument_examples(
            folder / "instruments"
        )
        results = []
        for path in paths:
            fmt = detect(path)
            data = read(path)
            summary = data.summary()
            summary["detected_format"] = fmt.name
            converted = convert_file(path, folder / "converted" / (path.name + ".parquet"))
            summary["converted_to"] = str(converted)
            results.append(summary)
        if not json_:
            layouts = len({r["detected_format"] for r in results})
            typer.echo(
                f"== measure: {len(paths)} example files written in {layouts} layouts under "
                f"{folder}, each detected from its content, read and converted to Parquet"
            )
            print_files(results)
            typer.echo("\n== one of them in full (lithiophile read FILE)")
            print_summary(next(r for r in results if r["detected_format"] == "biologic-mpr"))
        parts: dict[str, Any] = {"measure": results}
        echo = (lambda line: None) if json_ else typer.echo
        for name, module in PARTS.items():
            echo("")
            parts[name] = module.demo_part(folder / name, echo, parts)
        if json_:
            typer.echo(json.dumps({**parts, "citations": cite.used()}, indent=2, default=str))
            return
        typer.echo("\n== citations for the methods used")
        typer.echo(cite.format_used())
