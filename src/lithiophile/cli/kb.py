"""``lithiophile kb ...``: the literature knowledge base (list, show, query, add, import, export,
compare, plot)."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

from lithiophile.cli.display import echo_json
from lithiophile.cli.options import JSON

HELP = (
    "Literature records of lithiophilicity strategies (the review's Tables 1-3 and text, with "
    "conditions, provenance and flags) and your own results beside them: query, compare, plot."
)

app = typer.Typer(help=HELP, no_args_is_help=True)

_STORE = typer.Option(
    None, "--store", help="The store file (default: lithiophile.duckdb in LITHIOPHILE_HOME)."
)
_SI = typer.Option(False, "--si", help="Values and conditions in SI units.")


def _kb(store: Path | None) -> Any:
    from lithiophile.kb import KnowledgeBase

    return KnowledgeBase(store)


def _print_records(records: list[Any], si: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(show_lines=False)
    for name in ("id", "metric", "value", "conditions", "material", "ref", "flags"):
        table.add_column(name, overflow="fold")
    for r in records:
        cond = r.conditions.to_conditions()
        ctext = cond.si_text() if si else cond.display()
        ref = r.provenance.ref if r.provenance and r.provenance.ref else ""
        table.add_row(
            r.id,
            r.metric + (f" ({r.variant})" if r.variant else ""),
            r.value_text(si),
            ctext,
            r.material,
            str(ref),
            ", ".join(f.kind for f in r.flags),
        )
    Console(width=200).print(table)
    typer.echo(f"{len(records)} record(s)")


def _record_json(r: Any, si: bool) -> dict[str, Any]:
    """The record in full (values and conditions in SI), plus ``display`` (one line) and
    ``row`` (flat, in display units, or SI with --si)."""
    from lithiophile.kb.display import record_row

    d = r.model_dump()
    d["display"] = r.display(si)
    d["value_display"] = r.value_text(False)
    d["row"] = record_row(r, si=si)
    return d


@app.command("list")
def list_(
    origin: str | None = typer.Option(None, "--origin", help="Only 'review' or 'user' records."),
    metric: str | None = typer.Option(None, "--metric", help="Only this metric kind."),
    si: bool = _SI,
    json_: bool = JSON,
    store: Path | None = _STORE,
) -> None:
    """List the records (the review's and yours)."""
    records = _kb(store).query(origin=origin, metric=metric)
    if json_:
        echo_json([_record_json(r, si) for r in records])
        return
    _print_records(records, si)


@app.command("show")
def show(
    record_id: str = typer.Argument(..., help="The record's id (from kb list or kb query)."),
    json_: bool = JSON,
    store: Path | None = _STORE,
) -> None:
    """Show one record in full: value as printed and in SI, conditions, provenance, flags."""
    r = _kb(store).get(record_id)
    if json_:
        echo_json(_record_json(r, False))
        return
    typer.echo(r.display())
    typer.echo(f"  id          {r.id} ({r.origin})")
    typer.echo(f"  strategy    {r.strategy} (printed: {r.strategy_printed})")
    typer.echo(f"  electrolyte {r.electrolyte}")
    typer.echo(
        f"  printed     {r.printed!r} -> read as {r.value:g} {r.unit} "
        f"({r.value_si:.6g} {r.to_metric().unit} in SI)"
    )
    if r.provenance is not None:
        p = r.provenance
        where = f"Table {p.table}, column '{p.column}'" if p.kind == "table" else "body text"
        typer.echo(f"  source      {where}: {p.quote!r}")
        typer.echo(f"  reference   printed {p.ref_printed}, really [{p.ref}]: {p.ref_basis}")
        typer.echo(f"  citation    {p.citation}")
        if p.text:
            typer.echo(f"  text says   {p.text!r}")
    for f in r.flags:
        typer.echo(f"  flag        {f.kind} ({f.severity}): {f.explanation}")
    for n in r.notes:
        typer.echo(f"  note        {n}")


@app.command("query")
def query(
    metric: str | None = typer.Option(None, "--metric", help="Metric kind, e.g. cycle_life_time."),
    strategy: str | None = typer.Option(None, "--strategy", help="Strategy category."),
    electrolyte: str | None = typer.Option(None, "--electrolyte", help="'liquid' or 'solid'."),
    material: str | None = typer.Option(None, "--material", help="Text in the material/method."),
    cell: str | None = typer.Option(None, "--cell", help="Cell type, e.g. 'Li|Li'."),
    origin: str | None = typer.Option(None, "--origin", help="'review' or 'user'."),
    where: list[str] = typer.Option(
        [], "--where", help="Condition range, repeatable: 'current_density>=1 mA cm-2'."
    ),
    limit: int | None = typer.Option(None, "--limit", help="At most this many records."),
    si: bool = _SI,
    json_: bool = JSON,
    store: Path | None = _STORE,
) -> None:
    """Records by strategy, electrolyte class, metric, material and condition ranges."""
    records = _kb(store).query(
        metric=metric,
        strategy=strategy,
        electrolyte=electrolyte,
        material=material,
        cell=cell,
        origin=origin,
        where=where,
        limit=limit,
    )
    if json_:
        echo_json([_record_json(r, si) for r in records])
        return
    _print_records(records, si)


def _conditions(**kw: Any) -> Any:
    from lithiophile.metrics import Conditions
    from lithiophile.units import temperature_to_K, to_si

    def si(text: str | None, unit: str, name: str) -> float | None:
        return None if text is None else to_si(text, unit, name=f"the '--{name}' option")

    temp = kw["temperature"]
    return Conditions(
        current_density_A_m2=si(kw["current_density"], "A/m^2", "current-density"),
        areal_capacity_C_m2=si(kw["areal_capacity"], "C/m^2", "areal-capacity"),
        time_s=si(kw["time"], "s", "time"),
        rest_time_s=si(kw["rest_time"], "s", "rest-time"),
        temperature_K=None
        if temp is None
        else temperature_to_K(temp, name="the '--temperature' option"),
        cycle=kw["cycle"],
        cell=kw["cell"],
        c_rate=kw["c_rate"],
    )


def _from_file(path: Path, pick: str | None) -> list[Any]:
    import json

    from lithiophile.errors import InputError

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"the --from file '{path}' does not exist") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(
            f"the --from file '{path}' is not JSON ({exc}); give the output of "
            "'lithiophile cell analyze --json' or 'eis fit --json'"
        ) from None
    from lithiophile.kb.files import metrics_in

    metrics = metrics_in(data)
    if pick:
        name, _, variant = pick.partition(":")
        metrics = [m for m in metrics if m.metric == name and (not variant or m.variant == variant)]
    if not metrics:
        raise InputError(
            f"no metric{f' {pick!r}' if pick else ''} found in '{path}'; it must hold Metric "
            "objects such as the output of 'lithiophile cell analyze --json'"
        )
    return metrics


def _given_metric(
    metric: str | None,
    value: str | None,
    from_: Path | None,
    pick: str | None,
    command: str,
    **conds: Any,
) -> list[Any]:
    from lithiophile.errors import InputError
    from lithiophile.metrics import METRICS, Metric

    if from_ is not None:
        return _from_file(from_, pick or metric)
    if metric is None or value is None:
        raise InputError(
            f"kb {command} needs --metric and --value (such as --metric polarization --value "
            "'30 mV'), or --from FILE with the JSON output of cell analyze / eis fit"
        )
    if metric not in METRICS:
        raise InputError(
            f"The '--metric' option of kb {command} must be one of "
            f"{', '.join(METRICS)}. Got {metric!r}."
        )
    value_si = _value_si(value, metric, command)
    return [Metric(metric, value_si, _conditions(**conds))]


def _value_si(text: str, metric: str, command: str) -> float:
    """``--value`` in the metric's SI unit, read by the one unit layer ("30mV", "30 mV",
    "20 ohm cm2", "99.1 %"); a bare number is refused where the metric has a unit."""
    import re

    from lithiophile.errors import InputError, UnitsError
    from lithiophile.kb.schema import unit_factor
    from lithiophile.metrics import METRICS
    from lithiophile.units import to_si

    kind = METRICS[metric]
    m = re.match(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*?)\s*$", text)
    if m is None:
        raise InputError(
            f"The '--value' option of kb {command} must be a number with its unit, such as "
            f"'30 mV'. Got {text!r}."
        )
    number, unit = float(m.group(1)), m.group(2)
    if not unit and kind.display_unit:
        raise InputError(
            f"The '--value' option of kb {command} must include its unit, such as "
            f"'{number:g} {kind.display_unit}'. Got {text!r}."
        )
    try:
        if kind.unit in ("1", "deg"):  # %, cycles and degrees: pint takes them for numbers
            return number * unit_factor(unit, metric)
        return to_si(text.strip(), kind.unit, name="--value")
    except UnitsError:
        raise InputError(
            f"The '--value' option of kb {command}: {unit!r} is not a unit of {metric} "
            f"(such as '{kind.display_unit}'). Got {text!r}."
        ) from None


_METRIC = typer.Option(None, "--metric", help="Metric kind, e.g. polarization.")
_VALUE = typer.Option(None, "--value", help="Value with its unit, e.g. '30 mV'.")
_FROM = typer.Option(
    None, "--from", help="JSON output of cell analyze / eis fit to take metrics from."
)
_PICK = typer.Option(None, "--pick", help="With --from: only this metric[:variant].")
_CD = typer.Option(None, "--current-density", help="e.g. '0.5 mA cm-2'.")
_CAP = typer.Option(None, "--areal-capacity", help="e.g. '1 mAh cm-2'.")
_TIME = typer.Option(None, "--time", help="Elapsed time at which the value holds, e.g. '300 h'.")
_REST = typer.Option(None, "--rest-time", help="Rest before the measurement, e.g. '48 h'.")
_TEMP = typer.Option(None, "--temperature", help="e.g. '298 K' or '25 degC'.")
_CYCLE = typer.Option(None, "--cycle", help="Cycle at which the value holds.")
_CELL = typer.Option(None, "--cell", help="Cell type, e.g. 'Li|Li', 'Li|Cu', 'Li|LFP'.")
_CRATE = typer.Option(None, "--c-rate", help="C-rate of a full cell.")

#: The options that state one result: name, type, declaration.
_RESULT_OPTIONS: tuple[tuple[str, Any, Any], ...] = (
    ("metric", str | None, _METRIC),
    ("value", str | None, _VALUE),
    ("from_", Path | None, _FROM),
    ("pick", str | None, _PICK),
    ("current_density", str | None, _CD),
    ("areal_capacity", str | None, _CAP),
    ("time", str | None, _TIME),
    ("rest_time", str | None, _REST),
    ("temperature", str | None, _TEMP),
    ("cycle", int | None, _CYCLE),
    ("cell", str | None, _CELL),
    ("c_rate", float | None, _CRATE),
)


def _takes_a_result(command: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Give a command the options that state one result (``--metric`` and ``--value`` with
    their conditions, or ``--from`` a JSON file) and call it with the Metric records they
    give as ``metrics``. typer reads the options from the signature this sets."""

    def decorate(fn: Callable[..., None]) -> Callable[..., None]:
        own = inspect.signature(fn, eval_str=True).parameters.values()
        given = [
            inspect.Parameter(
                name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=d, annotation=t
            )
            for name, t, d in _RESULT_OPTIONS
        ]

        @functools.wraps(fn)
        def command_fn(**kw: Any) -> None:
            metric, value, from_, pick = (kw.pop(name) for name, _, _ in _RESULT_OPTIONS[:4])
            conds = {name: kw.pop(name) for name, _, _ in _RESULT_OPTIONS[4:]}
            fn(metrics=_given_metric(metric, value, from_, pick, command, **conds), **kw)

        command_fn.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
            [*given, *(p for p in own if p.name != "metrics")]
        )
        command_fn.__annotations__ = {}
        return command_fn

    return decorate


@app.command("add")
@_takes_a_result("add")
def add(
    metrics: list[Any],
    material: str = typer.Option(..., "--material", help="Your material or method."),
    strategy: str = typer.Option(..., "--strategy", help="Strategy category, e.g. 'host coating'."),
    electrolyte: str | None = typer.Option(None, "--electrolyte", help="'liquid' or 'solid'."),
    json_: bool = JSON,
    store: Path | None = _STORE,
) -> None:
    """Add your own result (a value with its conditions, or the metrics of a JSON file)."""
    from lithiophile.kb.schema import record_from_metric

    records = [
        record_from_metric(m, material=material, strategy=strategy, electrolyte=electrolyte)
        for m in metrics
    ]
    done = _kb(store).add_new(records)
    if json_:
        echo_json(
            {
                "added": [_record_json(r, False) for r in done.added],
                "already_there": [_record_json(r, False) for r in done.existing],
            }
        )
        return
    for r in done.added:
        typer.echo(f"added {r.id}: {r.display()}")
    for r in done.existing:
        typer.echo(f"already in the knowledge base, not added again: {r.id}: {r.display()}")


@app.command("import")
def import_(
    file: Path = typer.Argument(..., help="A .json, .csv or .parquet file of records."),
    json_: bool = JSON,
    store: Path | None = _STORE,
) -> None:
    """Import records as yours (all or nothing: one bad row imports none and is named)."""
    done = _kb(store).import_file(file)
    if json_:
        echo_json(done)
        return
    text = f"imported {done.imported} record(s) from {file}"
    if done.already_there:
        text += f"; {done.already_there} already in the knowledge base (not added again)"
    if done.skipped_bundled:
        text += f"; skipped {done.skipped_bundled} bundled (unchanged)"
    typer.echo(text)


@app.command("export")
def export(
    file: Path = typer.Argument(..., help="Output .json, .csv or .parquet file."),
    origin: str | None = typer.Option(None, "--origin", help="Only 'review' or 'user' records."),
    json_: bool = JSON,
    store: Path | None = _STORE,
) -> None:
    """Export records to JSON, CSV or Parquet."""
    n = _kb(store).export(file, origin=origin)
    if json_:
        echo_json({"exported": n, "file": str(file)})
        return
    typer.echo(f"exported {n} record(s) to {file}")


@app.command("compare")
@_takes_a_result("compare")
def compare(
    metrics: list[Any],
    factor: float = typer.Option(
        2.0, "--factor", help="Largest rate/capacity ratio still comparable (1: equal only)."
    ),
    electrolyte: str | None = typer.Option(
        None,
        "--electrolyte",
        help="Your electrolyte: 'liquid', 'solid' or its name ('LLZO', '1 M LiPF6 in EC/DEC').",
    ),
    control: bool = typer.Option(
        False, "--control", help="Your result is a bare (control) interface: rank among those."
    ),
    include_excluded: bool = typer.Option(
        False, "--include-excluded", help="Also rank records whose quantity is unclear."
    ),
    with_user: bool = typer.Option(False, "--with-user", help="Rank among your records too."),
    limit: int = typer.Option(8, "--limit", help="How many records to show."),
    json_: bool = JSON,
    store: Path | None = _STORE,
) -> None:
    """Rank a result among the literature of its metric under comparable conditions."""
    from lithiophile.errors import InputError
    from lithiophile.kb.electrolytes import classify_electrolyte

    if not factor >= 1:
        raise InputError(
            f"The '--factor' option of kb compare must be 1 or more, such as 2 (1: equal "
            f"conditions only). Got {factor!r}."
        )
    kind = None if electrolyte is None else classify_electrolyte(electrolyte).kind
    from lithiophile import kb

    results = kb.compare(
        metrics,
        store=_kb(store),
        origin=None if with_user else "review",
        factor=factor,
        include_excluded=include_excluded,
        electrolyte=kind,
        control=control,
    )
    if json_:
        echo_json(results.items)
        return
    for c in results:
        for line in c.lines(limit):
            typer.echo(line)


@app.command("claims")
def claims(json_: bool = JSON) -> None:
    """The review's other numbers (constants of Li, interface energies) and the places where its
    text and tables disagree, each with the verbatim sentence."""
    from lithiophile.kb.claims import bundled_claims, bundled_discrepancies

    found, disagree = bundled_claims(), bundled_discrepancies()
    if json_:
        echo_json(
            {
                "claims": [
                    {**c.model_dump(), "value_si": c.value_si, "agrees_with_check": c.agrees}
                    for c in found
                ],
                "discrepancies": [d.model_dump() for d in disagree],
            }
        )
        return
    for c in found:
        check = {True: "agrees with", False: "DISAGREES with", None: ""}[c.agrees]
        typer.echo(c.display() + (f" ({check} {c.check.source})" if c.check and check else ""))
        typer.echo(f"    text: {c.quote!r}")
        for f in c.flags:
            typer.echo(f"    flag {f.kind} ({f.severity}): {f.explanation}")
    typer.echo("")
    typer.echo("where the text and the tables disagree:")
    for d in disagree:
        typer.echo(f"  {d.kind}: {d.explanation}")
        if d.table_quote:
            typer.echo(f"    table: {d.table_quote!r}")
        typer.echo(f"    text:  {d.text_quote!r}")


@app.command("plot")
def plot(
    kind: str = typer.Argument("all", help="cycle-life, polarization, resistance, ce or all."),
    out: Path = typer.Option(Path("."), "--out", help="Folder for the figures."),
    formats: list[str] = typer.Option(["png", "html"], "--format", help="png and/or html."),
    from_: Path | None = typer.Option(
        None, "--from", help="JSON output of cell analyze / eis fit: your results, highlighted."
    ),
    json_: bool = JSON,
    store: Path | None = _STORE,
) -> None:
    """Figures of the base (PNG and interactive HTML), your results highlighted."""
    from lithiophile.errors import InputError
    from lithiophile.kb.plot import FIGURES

    kinds = list(FIGURES) if kind == "all" else [kind]
    if any(k not in FIGURES for k in kinds):
        raise InputError(f"the figure must be one of {', '.join(FIGURES)} or all. Got {kind!r}.")
    highlight = _from_file(from_, None) if from_ is not None else []
    base = _kb(store)
    files = [str(f) for k in kinds for f in base.plot(k, out, highlight=highlight, formats=formats)]
    if json_:
        echo_json({"files": files})
        return
    for f in files:
        typer.echo(f"wrote {f}")


# -- demo ---------------------------------------------------------------------------------
def _demo_metrics(results: dict[str, Any]) -> list[Any]:
    """The earlier demo parts' results to compare: the symmetric cell's plateau polarization
    and cycle life, the Li||Cu average CE (a Li||Cu CE without one) from ``cell``, and the
    before/after interfacial ASR pair from ``eis`` (first found of each, in that order)."""
    from lithiophile.kb.files import metrics_in

    found = metrics_in({k: results.get(k) for k in ("cell", "eis")})

    def first(name: str, variant: str | None = None) -> Any:
        return next((m for m in found if m.metric == name and variant in (None, m.variant)), None)

    chosen = [
        first("polarization", "plateau"),
        first("cycle_life_time"),
        first("average_ce") or first("li_cu_ce"),
    ]
    pair: list[Any] = []
    for m in found:
        if m.metric == "interfacial_asr" and m not in pair and len(pair) < 2:
            pair.append(m)
    return [m for m in chosen if m is not None] + pair


def demo_part(folder: Path, echo: Any, results: dict[str, Any]) -> dict[str, Any]:
    """Place the demo's synthetic cell and impedance results among the review's records,
    print the ranking with its condition gaps and write the four figures under ``folder``.

    Without ``cell``/``eis`` results (those parts not run) it compares a hypothetical result,
    and says so. The store is ``folder/kb.duckdb``, never the user's."""
    from lithiophile.kb import KnowledgeBase
    from lithiophile.metrics import Conditions, Metric
    from lithiophile.store import to_payload

    folder.mkdir(parents=True, exist_ok=True)
    base = KnowledgeBase(folder / "kb.duckdb")
    chosen = _demo_metrics(results)
    hypothetical = not chosen
    if hypothetical:
        chosen = [
            Metric(
                "polarization",
                0.030,
                Conditions(
                    current_density_A_m2=5.0,
                    areal_capacity_C_m2=36e3,
                    time_s=300 * 3600.0,
                    cell="Li|Li",
                ),
                definition="hypothetical result (no cell/eis results to compare)",
                variant="plateau",
            )
        ]
    counts = base.count(), base.count(origin="review")
    echo("== kb: where the demo's results stand among the review's records (lithiophile kb)")
    echo(
        f"   {counts[1]} records from Li et al., Energy Mater. 2021 (Tables 1-3 and text), "
        "each with conditions, provenance and flags"
    )
    if hypothetical:
        echo(
            "   no cell/eis results to compare: a hypothetical result instead, "
            + chosen[0].display()
        )
    base.add(chosen, material="demo synthetic cell (bare Li)", strategy="control")
    asr = sorted(
        (m for m in chosen if m.metric == "interfacial_asr"), key=lambda m: m.conditions.cycle or 0
    )
    compared = [m for m in chosen if m.metric != "interfacial_asr"] + asr[-1:]
    comparisons = []
    for m in compared:  # of the ASR pair, the one after cycling; the figure draws both
        c = base.compare(m)
        comparisons.append(c)
        echo("")
        for line in c.lines(limit=4):
            echo("   " + line)
    files = []
    for kind in ("cycle-life", "polarization", "resistance", "ce"):
        files += [str(f) for f in base.plot(kind, folder / "figures", highlight=chosen)]
    echo("")
    echo(f"   figures (PNG and interactive HTML) under {folder / 'figures'}")
    return {
        "store": str(folder / "kb.duckdb"),
        "records": counts[1],
        "hypothetical": hypothetical,
        "compared": to_payload(comparisons),
        "figures": files,
    }
