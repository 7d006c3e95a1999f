"""``lithiophile demo``: the main job, every capability on data the project makes itself.

measure: example files are written in every layout lithiophile reads that can be synthesised
honestly (BDF CSV, Parquet, generic CSV, plain impedance CSV, and the EC-Lab, Maccor, Neware,
Arbin, LAND, Gamry and ZPlot layouts); each is detected from its content, read once into
canonical data and converted to Parquet. Then the parts of :data:`PARTS`: Li-metal figures
from synthetic cycling files (cell), interfacial resistance from a synthetic before/after pair
of spectra (eis), thermodynamics and wetting of coatings (chem), atomistic binding and adhesion
(atoms), and the comparison of those results with the literature records (kb). Each capability
added to lithiophile adds its part here.

Everything the demo writes stays in ``--out`` (default ``./lithiophile-demo``) for the user to
open afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from lithiophile.cli import advise, atoms, cell, chem, deposit, eis, kb, report

if TYPE_CHECKING:
    from lithiophile.io.summary import FileSummary

HELP = (
    "Run every capability on example data that lithiophile makes itself, and show the "
    "results; the files it writes stay in --out (default ./lithiophile-demo)."
)

#: Where the demo writes when --out is not given (relative to the working folder).
DEFAULT_OUT = Path("lithiophile-demo")

#: After "measure", the parts of the demo in order: each a command-group module of
#: lithiophile.cli with ``demo_part(folder, echo, results) -> dict``; ``echo`` prints a line
#: (silent under --json), ``results`` holds the parts run so far by name. ``chem`` covers
#: wetting too; ``kb`` comes last, to compare the parts' results with the literature.
PARTS = {
    "cell": cell,
    "eis": eis,
    "chem": chem,
    "atoms": atoms,
    "deposit": deposit,
    "kb": kb,
    "advise": advise,
    "report": report,
}


def demo(
    out: Path = typer.Option(
        DEFAULT_OUT,
        "--out",
        help="Folder for the example files and outputs; they stay there afterwards.",
    ),
    json_: bool = typer.Option(False, "--json", help="Print the results as JSON."),
) -> None:
    from lithiophile.cli.display import echo_json, print_files, print_summary

    folder = Path(out).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    echo: Callable[[str], None] = (lambda line: None) if json_ else typer.echo
    echo(f"lithiophile demo: writing into {folder} (choose another folder with --out)")
    with _progress(not json_) as step:
        results = _measure(folder, step)
    if not json_:
        layouts = len({r.detected_format for r in results})
        typer.echo(
            f"\n== measure: {len(results)} example files written in {layouts} layouts under "
            f"{folder / 'examples'} and {folder / 'instruments'}, each detected from its "
            f"content, read and converted to Parquet in {folder / 'converted'}"
        )
        print_files([r.summary for r in results], [r.detected_format for r in results])
        typer.echo("\n== one of them in full (lithiophile read FILE)")
        print_summary(next(r.summary for r in results if r.detected_format == "biologic-mpr"))
    parts: dict[str, Any] = {"measure": results}
    for name, module in PARTS.items():
        echo("")
        with _progress(not json_) as step:
            step(f"{name}: running (lithiophile {name} ...)")
            parts[name] = module.demo_part(folder / name, echo, parts)
    if json_:
        echo_json({**parts, "out": str(folder)})
        return
    from lithiophile import cite

    typer.echo("\n== citations for the methods used (lithiophile cite --bibtex prints BibTeX)")
    typer.echo(cite.format_used())
    typer.echo(f"\nThe files written are in {folder}.")


@dataclass(frozen=True)
class ExampleFile:
    """One example file of the demo: what is in it, the format detected from its content,
    and its Parquet conversion."""

    summary: FileSummary
    detected_format: str
    converted_to: str


def _measure(folder: Path, step: Callable[[str], None]) -> list[ExampleFile]:
    """Write the example files, then detect, read (once) and convert each."""
    from lithiophile.io import detect, read
    from lithiophile.io.convert import atomic_output
    from lithiophile.synth.examples import write_examples
    from lithiophile.synth.instruments import write_instrument_examples

    step("measure: writing example files")
    paths = write_examples(folder / "examples") + write_instrument_examples(folder / "instruments")
    results = []
    for i, path in enumerate(paths, 1):
        step(f"measure: reading {path.name} ({i} of {len(paths)})")
        fmt = detect(path)  # the head only
        data = read(path, format=fmt.name)  # the one full read
        dest = folder / "converted" / (path.name + ".parquet")
        converted = str(atomic_output(dest, data.write_parquet))
        results.append(ExampleFile(data.summary(), fmt.name, converted))
    return results


@contextmanager
def _progress(show: bool) -> Iterator[Callable[[str], None]]:
    """A one-line status on stderr while a step runs (nothing under --json or in a pipe)."""
    if not show:
        yield lambda text: None
        return
    from rich.console import Console

    console = Console(stderr=True)
    if not console.is_terminal:
        yield lambda text: None
        return
    with console.status("") as status:
        yield lambda text: status.update(text)
