"""Synthetic tests of known answers, built once per session (lithiophile.synth.cells)."""

from __future__ import annotations

import pytest

from lithiophile.synth import cells


@pytest.fixture(scope="session")
def sym():
    # 20 cycles of 1 h half-cycles at 0.5 mA cm-2; polarization grows 1 % per cycle
    return cells.symmetric(cycles=20, sample_s=20.0)


@pytest.fixture(scope="session")
def licu():
    # 12 cycles of 1 mAh cm-2 at 0.5 mA cm-2; CE 0.9 in cycle 1, then fading 0.99 -> 0.77
    ce = [0.99 - 0.02 * k for k in range(12)]
    return cells.li_cu(cycles=12, ce=ce, first_ce=0.9, sample_s=30.0)


@pytest.fixture(scope="session")
def reservoir():
    return cells.li_cu_reservoir(sample_s=60.0)
