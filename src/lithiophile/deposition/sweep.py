"""Parameter sweeps (contact angle x current x exchange current) through
:func:`lithiophile.parallel.run_batch`, cached by content hash in the store."""

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
    (setup, result dict or None, error or None) in order. ``progress(n, total)`` after each
    setup that ran."""
    from lithiophile.parallel import run_batch

    ran = cached = 0

    def arrived(job: Any) -> None:  # the cached results arrive first, then those that ran
        nonlocal ran, cached
        if job.cached:
            cached += 1
        elif progress is not None:
            ran += 1
            progress(ran, len(setups) - cached)

    batch = run_batch(
        _run_one,
        setups,
        key=lambda s: s.key(),
        kind="deposition",
        store=store,
        workers=workers,
        scheduler=scheduler,
        on_result=arrived,
    )
    for job in batch:
        yield job.item, job.value, job.error
