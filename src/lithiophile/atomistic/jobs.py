"""Batched screens: a list of (structure, task) jobs, run in-process, on local processes or on
a Dask cluster (``lithiophile.parallel``), each result cached in the store by content hash.

A rerun costs nothing (every finished job is read back from the store), and an interrupted
screen resumes: each result is written as soon as its job ends. Relaxed structures travel with
each result (extxyz text) and can be written out as files.

A screen file (YAML)::

    model: chgnet                 # or [chgnet, sevennet] for the model spread
    jobs:
      - {name: N3V, host: graphene, dopant: pyridinic-N3, size: 4x4}
      - {name: Cu111, host: Cu, facet: "111"}
      - {name: mine, structure: my_host.cif, sites: [hollow]}
      - {name: Li|Cu, task: adhesion, substrate: Cu, facet: "111"}
    calibration:                  # optional: your DFT E_b vs bcc Li [eV] by job name
      N3V: -1.2                   # (illustrative numbers)
      pristine: 0.6

Units: eV, Angstrom.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lithiophile.errors import InputError

if TYPE_CHECKING:
    from lithiophile.atomistic.adhesion import AdhesionResult
    from lithiophile.atomistic.ranking import RankedBinding

__all__ = ["Job", "ScreenResult", "ScreenRow", "bind_jobs", "load_jobs", "run_screen", "screen"]

STORE_KIND = "atomistic"
#: Bumped when a change in the code changes results, so old cache entries are not reused.
CACHE_VERSION = "atomistic-1"
TASKS = ("bind", "adhesion")
_BIND_OPTIONS = {"sites", "fmax", "steps", "optimizer", "relax_host"}
_ADHESION_OPTIONS = {
    "li_facet",
    "max_strain",
    "temperature_K",
    "fmax",
    "steps",
    "optimizer",
    "substrate_layers",
    "li_layers",
}


@dataclass(frozen=True)
class Job:
    """One screen job: a task on a structure with one model.

    Attributes
    ----------
    name
        A label (unique within a screen).
    task
        ``"bind"`` (Li binding) or ``"adhesion"`` (work of adhesion).
    model
        ``"chgnet"`` or ``"sevennet"``.
    structure
        The host as extxyz text (``bind``); empty for ``adhesion``.
    options
        Keyword options of the task, as JSON text (substrate and facet for adhesion).
    family
        Host family ("carbon", "metal", "oxide", "other"), for the reference site.
    """

    name: str
    task: str
    model: str
    structure: str = field(default="", repr=False)
    options: str = "{}"
    family: str = "other"

    @property
    def key(self) -> str:
        """Content hash of everything that decides the result (the model package's version
        included, so an upgraded model is not served stale results)."""
        from lithiophile.store import content_key

        return content_key(
            CACHE_VERSION,
            _package_version(self.model),
            self.task,
            self.model,
            self.structure,
            self.options,
        )

    @classmethod
    def bind(cls, name: str, atoms: Any, model: str = "chgnet", **options: Any) -> Job:
        """A Li-binding job on ``atoms`` (options of :func:`li_binding`)."""
        from lithiophile.atomistic.models import model_label
        from lithiophile.atomistic.structio import atoms_to_text

        bad = set(options) - _BIND_OPTIONS
        if bad:
            raise InputError(
                f"Unknown option(s) {sorted(bad)} for a bind job; use {sorted(_BIND_OPTIONS)}."
            )
        return cls(
            name,
            "bind",
            model_label(model),
            atoms_to_text(atoms),
            json.dumps(options, sort_keys=True),
            str(atoms.info.get("host_family", "other")),
        )

    @classmethod
    def adhesion(
        cls, name: str, substrate: str, facet: str = "111", model: str = "chgnet", **options: Any
    ) -> Job:
        """A work-of-adhesion job (options of :func:`work_of_adhesion`)."""
        from lithiophile.atomistic.models import model_label

        bad = set(options) - _ADHESION_OPTIONS
        if bad:
            raise InputError(
                f"Unknown option(s) {sorted(bad)} for an adhesion job; "
                f"use {sorted(_ADHESION_OPTIONS)}."
            )
        opts = {"substrate": substrate, "facet": str(facet), **options}
        return cls(
            name, "adhesion", model_label(model), "", json.dumps(opts, sort_keys=True), "interface"
        )


def _package_version(model: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    package = {"chgnet": "chgnet", "sevennet": "sevenn"}.get(model, model)
    try:
        return f"{package}=={version(package)}"
    except PackageNotFoundError:
        return f"{package}==?"


def _execute(job: Job) -> Any:
    """Run one job (module level: picklable for process and Dask workers): a
    :class:`~lithiophile.atomistic.binding.BindingResult` or an
    :class:`~lithiophile.atomistic.adhesion.AdhesionResult`."""
    opts = json.loads(job.options)
    if job.task == "bind":
        from lithiophile.atomistic.binding import li_binding
        from lithiophile.atomistic.structio import text_to_atoms

        if "sites" in opts and opts["sites"] is not None:
            opts["sites"] = tuple(opts["sites"])
        return li_binding(text_to_atoms(job.structure), job.model, **opts)
    from lithiophile.atomistic.adhesion import work_of_adhesion

    substrate, facet = opts.pop("substrate"), opts.pop("facet")
    return work_of_adhesion(substrate, facet, job.model, **opts)


def _decode(payload: dict[str, Any]) -> Any:
    """A stored result back as its type (a binding result is the one with sites)."""
    from lithiophile.atomistic.adhesion import AdhesionResult
    from lithiophile.atomistic.binding import BindingResult

    return (BindingResult if "sites" in payload else AdhesionResult).from_dict(payload)


@dataclass(frozen=True)
class ScreenRow:
    """The outcome of one job: its typed result (a ``BindingResult`` for ``bind``, an
    ``AdhesionResult`` for ``adhesion``) or its error."""

    job: Job
    result: Any
    cached: bool
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.result is not None


def run_screen(
    jobs: Sequence[Job],
    *,
    workers: int = 1,
    scheduler: str | None = None,
    store: Any = None,
    use_cache: bool = True,
    progress: bool = False,
    on_result: Callable[[ScreenRow], None] | None = None,
) -> list[ScreenRow]:
    """Run every job (cached ones are read from the store); rows in the order of ``jobs``.

    Parameters
    ----------
    jobs
        :class:`Job` objects (names unique).
    workers
        Local worker processes (1 = this process). Each worker gets ``cores // workers`` torch
        threads so that the workers do not oversubscribe the cores.
    scheduler
        A Dask scheduler address (``tcp://host:8786``) instead of local workers.
    store
        A :class:`lithiophile.store.Store`, a path, or None for the default store.
    use_cache
        Read finished jobs from the store (they are written either way).
    progress
        Show a rich progress bar on stderr.
    on_result
        Called with each row as it finishes.
    """
    from lithiophile.parallel import run_batch
    from lithiophile.store import Store

    names = [j.name for j in jobs]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise InputError(f"Job names in a screen must be unique; repeated: {dupes}.")
    if workers < 1:
        raise InputError(f"'workers' must be a positive integer such as 2. Got {workers!r}.")
    st = store if isinstance(store, Store) else Store(store)
    stored = st.keys(STORE_KIND) if use_cache else set()
    todo = [j for j in jobs if j.key not in stored]
    threads = max(1, (os.cpu_count() or 1) // max(1, min(workers, len(todo))))
    old = os.environ.get("LITHIOPHILE_TORCH_THREADS")
    if workers > 1 and scheduler is None:
        os.environ["LITHIOPHILE_TORCH_THREADS"] = str(threads)  # inherited by spawned workers
    try:
        with _progress(progress and bool(todo), len(jobs), len(jobs) - len(todo)) as advance:

            def arrived(res: Any) -> None:
                if not res.cached:
                    advance(res.item.name)
                if on_result:
                    on_result(_row(res))

            batch = run_batch(
                _execute,
                jobs,
                key=lambda job: job.key,
                kind=STORE_KIND,
                store=st,
                decode=_decode,
                reuse=use_cache,
                workers=workers,
                scheduler=scheduler,
                on_result=arrived,
            )
    finally:
        if old is None:
            os.environ.pop("LITHIOPHILE_TORCH_THREADS", None)
        else:
            os.environ["LITHIOPHILE_TORCH_THREADS"] = old
    return [_row(res) for res in batch]


def _row(res: Any) -> ScreenRow:
    if res.ok and res.value is not None:
        return ScreenRow(res.item, res.value, res.cached)
    return ScreenRow(res.item, None, res.cached, f"{res.error_type}: {res.error}")


@dataclass(frozen=True)
class ScreenResult:
    """What :func:`screen` returns: every row, the ranking and its Metric records.

    Attributes
    ----------
    rows
        One :class:`ScreenRow` per job, in input order (failures kept with their message).
    ranking
        Binding results ranked (see :func:`lithiophile.atomistic.ranking.rank_binding`):
        relative to the reference site, with the spread between models where several ran.
    metrics
        The ranked binding energies as :class:`~lithiophile.metrics.Metric` records (relative
        to the reference site where there is one, with the model spread as uncertainty).
    citations
        Citation keys of the models and methods used.
    """

    rows: tuple[ScreenRow, ...]
    ranking: tuple[RankedBinding, ...]
    metrics: tuple[Any, ...]
    citations: tuple[str, ...]

    @property
    def errors(self) -> dict[str, str]:
        return {r.job.name: str(r.error) for r in self.rows if not r.ok}

    @property
    def cached(self) -> int:
        return sum(r.cached for r in self.rows)

    @property
    def adhesion(self) -> list[AdhesionResult]:
        return [r.result for r in self.rows if r.ok and r.job.task == "adhesion"]


def screen(
    jobs: Sequence[Job] | str | Path,
    *,
    model: str | Sequence[str] | None = None,
    calibration: dict[str, float] | None = None,
    workers: int = 1,
    scheduler: str | None = None,
    store: Any = None,
    use_cache: bool = True,
    progress: bool = False,
) -> ScreenResult:
    """The atomistic entry point: run bind/adhesion jobs (or a screen file) and rank them.

    Parameters
    ----------
    jobs
        :class:`Job` objects, or the path of a screen file (YAML; its ``calibration:`` is used
        unless ``calibration`` is given).
    model
        Overrides a screen file's model (one name or a list: one job per model).
    calibration
        Your DFT binding energies vs bcc Li [eV] by job name.
    workers, scheduler, store, use_cache, progress
        As :func:`run_screen`.

    Returns
    -------
    ScreenResult
    """
    from lithiophile import cite
    from lithiophile.atomistic.ranking import rank_binding

    if isinstance(jobs, (str, Path)):
        job_list, dft = load_jobs(jobs, model=model)
    else:
        job_list, dft = list(jobs), {}
    rows = run_screen(
        job_list,
        workers=workers,
        scheduler=scheduler,
        store=store,
        use_cache=use_cache,
        progress=progress,
    )
    rank = rank_binding(rows, (calibration if calibration is not None else dft) or None)
    metrics = tuple(d.value for d in rank)
    models = {r.job.model for r in rows}
    keys = ["Larsen2017"] + [
        k for m, k in (("chgnet", "Deng2023"), ("sevennet", "Park2024")) if m in models
    ]
    for k in keys:
        cite.register(k)
    return ScreenResult(tuple(rows), tuple(rank), metrics, tuple(keys))


def bind_jobs(
    spec: Any, models: Sequence[str], *, reference: bool = True, **options: Any
) -> list[Job]:
    """Bind jobs for a host (:class:`~lithiophile.atomistic.hosts.HostSpec`) and, with
    ``reference``, its reference site of the same cell, one per model (``name@model``)."""
    from lithiophile.atomistic.binding import host_label
    from lithiophile.atomistic.hosts import build_host, reference_host

    atoms = build_host(spec)
    name = host_label(atoms)
    hosts = [(name, atoms)]
    ref = reference_host(atoms, spec) if reference else None
    if ref is not None and host_label(ref) != name:
        hosts.append((host_label(ref), ref))
    return [
        Job.bind(n if len(models) == 1 else f"{n}@{m}", a, m, **options)
        for n, a in hosts
        for m in models
    ]


class _progress:
    """A rich progress bar (or nothing), yielding ``advance(name)``."""

    def __init__(self, show: bool, total: int, done: int) -> None:
        self.show, self.total, self.done = show, total, done
        self.bar: Any = None

    def __enter__(self) -> Callable[[str], None]:
        if not self.show:
            return lambda name: None
        from rich.console import Console
        from rich.progress import Progress

        self.bar = Progress(console=Console(stderr=True), transient=True)
        self.bar.__enter__()
        task = self.bar.add_task("atomistic screen", total=self.total, completed=self.done)
        return lambda name: self.bar.update(task, advance=1, description=name)

    def __exit__(self, *exc: Any) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)


# ---- screen files -----------------------------------------------------------------------------


def _host_atoms(spec: dict[str, Any], base: Path) -> Any:
    from lithiophile.atomistic.hosts import HostSpec, build_host

    return build_host(HostSpec.from_mapping(spec, base))


def load_jobs(
    path: str | Path, *, model: str | Sequence[str] | None = None
) -> tuple[list[Job], dict[str, float]]:
    """Read a screen file (YAML, see the module docstring): its jobs and its DFT calibration.

    ``model`` overrides the file's ``model``. A list of models makes one job per model
    (named ``name@model``).
    """
    import yaml

    path = Path(path)
    if not path.is_file():
        raise InputError(f"The screen file '{path}' does not exist.")
    try:
        doc = yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        from lithiophile.errors import FileFormatError

        raise FileFormatError(path, "a YAML screen file", str(exc).replace("\n", " ")) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("jobs"), list) or not doc["jobs"]:
        raise InputError(
            f"The screen file '{path}' must hold a 'jobs:' list "
            "(see lithiophile atoms screen --help)."
        )
    models = model or doc.get("model", "chgnet")
    models = [models] if isinstance(models, str) else list(models)
    jobs: list[Job] = []
    for i, spec in enumerate(doc["jobs"]):
        if not isinstance(spec, dict):
            raise InputError(
                f"Job {i + 1} of '{path}' must be a mapping such as {{host: Cu, facet: '111'}}."
            )
        name = str(spec.get("name") or f"job{i + 1}")
        task = str(spec.get("task", "bind"))
        if task not in TASKS:
            raise InputError(
                f"Job {name!r} of '{path}': 'task' must be one of {TASKS}. Got {task!r}."
            )
        for m in models:
            label = name if len(models) == 1 else f"{name}@{m}"
            if task == "adhesion":
                opts = {k: spec[k] for k in _ADHESION_OPTIONS if k in spec}
                jobs.append(
                    Job.adhesion(
                        label,
                        str(spec.get("substrate", "Cu")),
                        str(spec.get("facet", "111")),
                        m,
                        **opts,
                    )
                )
            else:
                opts = {k: spec[k] for k in _BIND_OPTIONS if k in spec}
                jobs.append(
                    Job.bind(label, _host_atoms({**spec, "name": name}, path.parent), m, **opts)
                )
    calibration = {str(k): float(v) for k, v in (doc.get("calibration") or {}).items()}
    return jobs, calibration


def write_relaxed(rows: Iterable[ScreenRow], folder: str | Path) -> list[Path]:
    """Write each result's relaxed structure (best Li site, or the interface) as extxyz."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for row in rows:
        if not row.ok:
            continue
        safe = "".join(c if c.isalnum() or c in "-_@" else "_" for c in row.job.name)
        text = row.result.best.structure if row.job.task == "bind" else row.result.structure
        p = folder / f"{safe}.extxyz"
        p.write_text(text)
        out.append(p)
    return out
