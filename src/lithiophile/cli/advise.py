"""``lithiophile advise``: ranked, evidenced strategies for an anode and an electrolyte.

Parses the options, calls :func:`lithiophile.advise.advise` (or ``advise_many`` for
``--batch``) and renders the typed result: cards as text, ``--explain`` with every rule
applied, ``--json`` with all of it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

HELP = (
    "Ranked strategies for a Li-metal, anode-free Cu or host anode against a liquid or solid "
    "electrolyte, each with an evidence card: reaction and wetting against Li, literature under "
    "comparable conditions, expected effect, failure modes, confidence."
)

app = typer.Typer(help=HELP, invoke_without_command=True, no_args_is_help=True)


def _si(text: str | None, unit: str, option: str) -> float | None:
    """A quantity the user typed, in SI, through the one unit layer."""
    from lithiophile.units import to_si

    return None if text is None else to_si(text, unit, name=f"the '{option}' option")


def _systems(batch: Path) -> list[dict[str, Any]]:
    """The systems of a ``--batch`` file: a JSON list of objects with ``anode`` and
    ``electrolyte`` (and optionally ``temperature_K``, ``current_density_A_m2``), or a CSV with
    those columns."""
    import csv
    import json

    from lithiophile.errors import InputError

    try:
        text = batch.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read the --batch file '{batch}': {exc.strerror}") from None
    if batch.suffix.lower() == ".csv":
        rows: list[dict[str, Any]] = [dict(r) for r in csv.DictReader(text.splitlines())]
    else:
        try:
            rows = list(json.loads(text))
        except (json.JSONDecodeError, TypeError) as exc:
            raise InputError(f"the --batch file '{batch}' is not a JSON list ({exc})") from None
    keys = ("anode", "electrolyte", "collector", "temperature_K", "current_density_A_m2")
    out = []
    for i, row in enumerate(rows):
        if not isinstance(row, dict) or not row.get("anode") or not row.get("electrolyte"):
            raise InputError(
                f"the --batch file '{batch}': system {i + 1} needs 'anode' and 'electrolyte'"
            )
        item = {k: row[k] for k in keys if row.get(k) not in (None, "")}
        for k in ("temperature_K", "current_density_A_m2"):
            if k in item:
                item[k] = float(item[k])
        out.append(item)
    return out


@app.callback()
def advise(
    anode: str = typer.Option(
        None, "--anode", help="Li (metal foil), Cu (anode-free) or a host, e.g. 'carbon cloth'."
    ),
    electrolyte: str = typer.Option(
        None, "--electrolyte", help="'LLZO', 'Li6PS5Cl', 'LATP', '1 M LiPF6 in EC/DEC' ..."
    ),
    collector: str | None = typer.Option(None, "--collector", help="Current collector, e.g. Cu."),
    temperature: str | None = typer.Option(None, "--temperature", help="e.g. '25 degC'."),
    current_density: str | None = typer.Option(
        None, "--current-density", help="e.g. '0.5 mA cm-2'."
    ),
    from_: Path | None = typer.Option(
        None, "--from", help="JSON with your results (cell analyze / eis fit --json)."
    ),
    batch: Path | None = typer.Option(
        None, "--batch", help="JSON list or CSV of systems (anode, electrolyte, ...)."
    ),
    workers: int = typer.Option(1, "--workers", help="Processes for --batch."),
    top: int = typer.Option(8, "--top", help="How many strategies to show."),
    explain: bool = typer.Option(False, "--explain", help="Show every rule applied."),
    json_: bool = typer.Option(False, "--json", help="Print everything as JSON."),
) -> None:
    """Rank strategies for an anode and an electrolyte, with evidence cards."""
    from lithiophile import advise as adv
    from lithiophile.errors import InputError
    from lithiophile.units import temperature_to_K

    if batch is not None:
        found = adv.advise_many(_systems(batch), workers=workers)
        _render(found, top=top, explain=explain, json_=json_)
        return
    if not anode or not electrolyte:
        raise InputError(
            "advise needs --anode and --electrolyte, such as --anode Li --electrolyte LLZO "
            "(or --batch FILE)"
        )
    if top < 1:
        raise InputError(f"The '--top' option must be 1 or more. Got {top!r}.")
    result = adv.advise(
        anode,
        electrolyte,
        collector=collector,
        temperature_K=None
        if temperature is None
        else temperature_to_K(temperature, name="the '--temperature' option"),
        current_density_A_m2=_si(current_density, "A/m^2", "--current-density"),
        results=adv.load_results(from_) if from_ is not None else (),
    )
    _render((result,), top=top, explain=explain, json_=json_)


def _render(found: tuple[Any, ...], *, top: int, explain: bool, json_: bool) -> None:
    if json_:
        from lithiophile.cli.display import echo_json

        echo_json(found[0] if len(found) == 1 else list(found))
        return
    for i, a in enumerate(found):
        if i:
            typer.echo("")
        for line in a.lines(top=top, explain=explain):
            typer.echo(line)


def demo_part(folder: Path, echo: Any, results: dict[str, Any]) -> dict[str, Any]:
    """One advise, for a Li anode on garnet LLZO: the diagnosis and the top strategies with
    their evidence; the whole advice is written to ``folder/advise-LLZO.json``."""
    import json

    from lithiophile import advise as adv

    folder.mkdir(parents=True, exist_ok=True)
    advice = adv.advise("Li", "LLZO")
    echo("== advise: what to do about a Li | garnet LLZO interface (lithiophile advise)")
    for f in advice.diagnosis:
        echo(f"   {f.line()}")
    for card in advice.top(5):
        echo(
            f"   {card.rank}. {card.strategy.name} (score {card.score:+.2f}, "
            f"confidence {card.confidence})"
        )
        if card.effect:
            echo(f"      {card.effect[0]}")
    path = folder / "advise-LLZO.json"
    path.write_text(json.dumps(advice.as_dict(), indent=1, ensure_ascii=False), encoding="utf-8")
    echo(f"   every card, with its evidence and rules: {path}")
    return {
        "system": advice.system.label,
        "top": [c.strategy.id for c in advice.top(5)],
        "scores": [c.score for c in advice.top(5)],
        "file": str(path),
        "citations": list(advice.citations),
    }
