"""Parameter sweeps (contact angle x current x exchange current) through
:func:`lithiophile.parallel.run_jobs`, cached by content hash in the store."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

from lithiophile.deposition.setup import Setup
from lithiophile.deposition.substrate import Substrate

__all__ = ["sweep", "sweep_setups"]


def sweep_setups(
    base: Setup,
    thetas_deg: Sequence[float],
    currents_A_m2: Sequence[float],
    exchange_currents_A_m2: Sequence[float],
) -> list[Setup]:
    """The product grid of setups (uniform substrates)."""
    out = []
    for th, i, i0 in itertools.product(thetas_deg, currents_A_m2, exchange_currents_A_m2):
        out.append(
            replace(
                base,
                substrate=Substrate.uniform(base.nx, th, name=f"theta {th:g}"),
                current_density_A_m2=float(i),
                params=base.params.replace(exchange_current_A_m2=float(i0)),
            )
        )
    return out


def _run_one(s: Setup) -> dict[str, Any]:
    from lithiophile.deposition.results import deposit
    from lithiophile.store import to_payload

    out: dict[str, Any] = to_payload(deposit(s))
    return out


def sweep(
    setups: Sequence[Setup],
    *,
    workers: int = 1,
    scheduler: str | None = None,
    store: Any = None,
    progress: Any = None,
) -> Iterator[tuple[Setup, dict[str, Any] | None, str | None]]:
    """Run the setups (cached: a setup already in ``store`` is not run again); yields
    (setup, result dict or None, error or None) in order."""
    from lithiophile.parallel import run_jobs

    cached: dict[str, dict[str, Any]] = {}
    todo = []
    for s in setups:
        hit = store.get("deposition", s.key()) if store is not None else None
        if hit is not None:
            cached[s.key()] = hit
        else:
            todo.append(s)
    done = {}
    for n, job in enumerate(run_jobs(_run_one, todo, workers=workers, scheduler=scheduler), 1):
        done[job.item.key()] = job
        if job.ok and store is not None:
            store.put("deposition", job.item.key(), job.value)
        if progress is not None:
            progress(n, len(todo))
    for s in setups:
        if s.key() in cached:
            yield s, cached[s.key()], None
        else:
            job = done[s.key()]
            yield s, job.value, job.error
