"""``lithiophile cite [RESULT.json] [--bibtex] [--all]``: the works a run used (after PyBaMM's
``print_citations``)."""

from __future__ import annotations

from pathlib import Path

import typer

from lithiophile.cli.options import JSON

HELP = (
    "Print the works the last lithiophile run used (or those listed in a --json result "
    "file, or --all works lithiophile implements), as text or --bibtex."
)


def cite(
    result: Path | None = typer.Argument(
        None,
        help="A JSON result written by a --json command; its 'citations' are printed.",
        show_default=False,
    ),
    bibtex: bool = typer.Option(False, "--bibtex", help="Print BibTeX entries."),
    all_: bool = typer.Option(False, "--all", help="Every work lithiophile implements."),
    json_: bool = JSON,
) -> None:
    import json

    from lithiophile import cite as registry
    from lithiophile.errors import InputError

    if result is not None and all_:
        raise InputError("give either a result file or --all, not both")
    if result is None and not all_:
        works = registry.load_saved()  # no imports needed: the works themselves were kept
        if not works:
            typer.echo(
                "no run has recorded citations yet: run a command first (e.g. lithiophile "
                "demo), give a --json result file, or use --all"
            )
            return
    else:
        keys = registry.load_all() if all_ else _keys_of(result)  # type: ignore[arg-type]
        unknown = [k for k in keys if k not in registry.CITATIONS]
        if unknown:
            raise InputError(
                f"unknown citation keys {unknown}; is the result from another version?"
            )
        works = [registry.CITATIONS[k] for k in keys]
    if json_:
        from lithiophile.store import to_payload

        typer.echo(json.dumps({"citations": to_payload(works)}, indent=2))
    elif bibtex:
        typer.echo("\n\n".join(registry.bibtex(w) for w in works))
    else:
        typer.echo("\n".join(str(w) for w in works))


def _keys_of(path: Path) -> list[str]:
    import json

    from lithiophile.errors import InputError

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"no such file: '{path}'. Check the path.") from None
    except ValueError as exc:
        raise InputError(f"'{path}' is not a JSON result of lithiophile ({exc}).") from None
    found: list[str] = []
    _collect(data, found)
    if not found:
        raise InputError(f"'{path}' lists no citations (write it with a command's --json).")
    return list(dict.fromkeys(found))


def _collect(data: object, found: list[str]) -> None:
    """Every string in a 'citations' list anywhere in the result."""
    if isinstance(data, dict):
        for k, v in data.items():
            if k == "citations" and isinstance(v, list):
                found += [x for x in v if isinstance(x, str)]
            else:
                _collect(v, found)
    elif isinstance(data, list):
        for v in data:
            _collect(v, found)
