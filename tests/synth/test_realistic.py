"""The analysis recovers every truth of a realistically recorded Li||Li cell (issue 11 item
13): current noise by range, voltage quantisation, record-on-change sampling, rests and open
circuit, an interruption, continuation files and each vendor's cycle counting, written
through every vendor layout the project writes and read back (a property test over seeds)."""

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import lithiophile.io as lio
from lithiophile.echem import analyze
from lithiophile.echem.segments import uses_counter
from lithiophile.synth.realistic import CYCLE_COUNTING, realistic_symmetric

LAYOUTS = sorted(CYCLE_COUNTING)


def _tolerances(cell, half):
    """Plateau: 2 quanta plus the median's noise; charge: 0.5 % (text formats' digits, the
    records' boundaries) plus 4 sigma of the mean of the uniform current noise over the
    half-cycle's records (half-width a: sigma = a / sqrt(3 N))."""
    t = cell.truth
    n = half.get_column("points").to_numpy()
    q_tol = 5e-3 + 4 * (t["noise_A"] / t["current_A"]) / np.sqrt(3 * n)
    return 2e-4 + 3 * 5e-5 / np.sqrt(n), q_tol


def _read(cell, layout, folder, parts):
    if layout == "bdf":
        pieces = cell.truth["parts"] if parts > 1 else [cell.data]
        from lithiophile.io import bdf

        paths = [bdf.write(p, folder / f"part{k}.csv") for k, p in enumerate(pieces)]
    else:
        from lithiophile.synth.instruments import WRITERS

        pieces = cell.truth["parts"] if parts > 1 else [cell.data]
        ext = {"biologic-mpt": ".mpt", "biologic-mpr": ".mpr", "maccor-text": ".001"}
        paths = [
            WRITERS[layout](p, folder / f"part{k}{ext.get(layout, '.csv')}")
            for k, p in enumerate(pieces)
        ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # readers' notes on the synthetic headers
        return lio.read(paths if len(paths) > 1 else paths[0])


@pytest.mark.slow
@pytest.mark.parametrize("layout", LAYOUTS)
@settings(
    max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    seed=st.integers(0, 10_000),
    noise=st.sampled_from([2e-5, 1e-4, 2e-4]),  # +-1 %, +-5 %, +-10 % of 0.206 mA (100 mA range)
    record_dV=st.sampled_from([None, 1e-3, 3e-3]),
    parts=st.sampled_from([1, 2]),
)
def test_truth_recovered_in_every_layout(tmp_path_factory, seed, layout, noise, record_dV, parts):
    # an interruption only where the layout keeps no charge counter of its own (the writers
    # compute the counter from the records, which a real instrument's counter does not)
    pause = 600.0 if layout in ("bdf", "land") else 0.0
    cell = realistic_symmetric(
        layout=layout,
        cycles=2,
        noise_of_range=noise,
        record_dV=record_dV,
        pause_s=pause,
        parts=parts,
        seed=seed,
    )
    data = _read(cell, layout, tmp_path_factory.mktemp(layout), parts)
    # a joined instrument counter misses the interval across the file boundary (io.join
    # continues charge_C from the last value): that case is left to the reader's join; the
    # integral of the current is checked across joins (layouts without a counter)
    assume(not (parts > 1 and uses_counter(data)))
    r = analyze(data, protocol="symmetric", area_m2=cell.truth["area_m2"])
    half = r.half_cycles
    assert half.height == 4
    v_tol, q_tol = _tolerances(cell, half)
    err_v = np.abs(half.get_column("plateau_abs_V").to_numpy() - cell.truth["plateau_V"])
    assert (err_v < v_tol).all(), (err_v, v_tol)
    q = half.get_column("capacity_C").to_numpy()
    err_q = np.abs(q / np.asarray(cell.truth["capacity_C"]) - 1)
    assert (err_q < q_tol).all(), (err_q, q_tol)
    np.testing.assert_allclose(
        r.cycles.get_column("hysteresis_V"), cell.truth["hysteresis_V"], atol=2 * v_tol.max()
    )
    assert r.failure is None
    assert not [e for e in r.events if e.kind == "soft-short"]


def test_cycle_numbering_follows_the_vendor():
    # BioLogic counts from 0, the others from 1 (CYCLE_COUNTING); the figures do not change
    a = realistic_symmetric(layout="biologic-mpt", cycles=2, seed=1)
    b = realistic_symmetric(layout="neware-csv", cycles=2, seed=1)
    assert a.data["cycle"][0] == 0 and b.data["cycle"][0] == 1
    ra, rb = analyze(a.data), analyze(b.data)
    assert [m.value for m in ra.metrics] == [m.value for m in rb.metrics]
