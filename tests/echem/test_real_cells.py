"""Real Li-metal cells (issue 11 item 14): the figures equal an independent calculation from
the files' raw columns, written here (galvani reads the .mpr as a test-time cross-check;
pandas reads the EC-Lab text). Skipped when ../shared/data/cycler is absent.

* dlinsitu GCPL: Li||Li in 1 M LiTFSI/TEGDME, 5 min rest then +0.4 mA for 10 min; the voltage
  peaks at 0.298 V and relaxes to a 0.13-0.14 V plateau (MANIFEST.md);
* cheminfo mb.mpt: Li|LLZO|Li, +-2.8 uA for 1 h each way, 4 loops with impedance between;
  polarization 3-4 mV (MANIFEST.md).
"""

import warnings

import numpy as np
import pytest

from lithiophile.echem import analyze

GCPL = "dlinsitu__jr862_11_08_23_insitu-impedance-LiLi_1MLiTFSI_TEGDME-1mA_01_GCPL_C05.mpr"
MB = "cheminfo__mb.mpt"


def _window_median(t, v, a, b, lo=0.25, hi=0.75):
    """Median |V| of the records between lo and hi of the span [t[a], t[b - 1]]."""
    tt, vv = t[a:b], np.abs(v[a:b])
    span = tt[-1] - tt[0]
    inside = (tt >= tt[0] + lo * span) & (tt <= tt[0] + hi * span)
    return float(np.median(vv[inside]))


def _runs(flowing_sign):
    """(start, end) of each run of one nonzero sign."""
    s = flowing_sign
    edges = np.flatnonzero(np.diff(s) != 0) + 1
    starts = np.concatenate(([0], edges))
    ends = np.concatenate((edges, [s.size]))
    return [(a, b) for a, b in zip(starts, ends, strict=True) if s[a] != 0 and b - a >= 3]


def _analyze(path, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the readers' header notes are not under test here
        return analyze(path, **kw)


def test_li_li_tegdme_first_stripping(shared):
    galvani = pytest.importorskip("galvani.BioLogic")
    path = shared(GCPL)
    raw = galvani.MPRfile(str(path)).data
    t = np.asarray(raw["time/s"], float)
    v = np.asarray(raw["Ewe/V"], float)
    # the file records no current: EC-Lab's <I> is the charge dq of each record over its time
    dq = np.asarray(raw["dq/mA.h"], float) * 3.6
    i = np.concatenate(([0.0], dq[1:] / np.diff(t)))
    ((a, b),) = _runs(np.sign(np.where(np.abs(i) > 1e-6, i, 0.0)).astype(int))
    r = _analyze(path)
    assert r.protocol == "symmetric"
    assert r.metric("polarization", "peak").value == pytest.approx(np.abs(v[a:b]).max(), abs=1e-9)
    assert r.metric("polarization", "peak").value == pytest.approx(0.298, abs=1e-3)
    plateau = _window_median(t, v, a, b)
    assert r.metric("polarization", "plateau").value == pytest.approx(plateau, abs=1e-9)
    assert 0.13 <= plateau <= 0.14  # MANIFEST.md: the 0.13-0.14 V plateau
    # charge: the instrument's counter (Q-Qo) from the record before the step to its last one
    q = np.asarray(raw["(Q-Qo)/mA.h"], float) * 3.6
    half = r.half_cycles.row(0, named=True)
    assert half["capacity_C"] == pytest.approx(abs(q[b - 1] - q[a - 1]), rel=1e-6)
    # and 0.4 mA x 600 s = 0.24 C by the protocol (the recorded <I> dips below 0.4 mA at start)
    assert half["capacity_C"] == pytest.approx(0.24, rel=2e-3)


def test_li_llzo_li_polarization_and_hysteresis(shared):
    pd = pytest.importorskip("pandas")
    path = shared(MB)
    with open(path, encoding="latin-1") as fh:
        lines = fh.readlines()
    header = int(lines[1].split(":")[1])
    raw = pd.read_csv(path, sep="\t", skiprows=header - 1, encoding="latin-1", decimal=".")
    t = raw["time/s"].to_numpy(float)
    v = raw["Ewe/V"].to_numpy(float)
    i = raw["I/mA"].to_numpy(float) * 1e-3
    cc = (raw["mode"].to_numpy() == 1) & (np.abs(i) > 1e-7)  # galvanostatic records
    runs = _runs(np.where(cc, np.sign(i), 0).astype(int))
    assert len(runs) == 8  # 4 loops of +2.8 uA then -2.8 uA
    plateaus = [_window_median(t, v, a, b) for a, b in runs]
    signed = [float(np.median(v[a:b][np.abs(v[a:b]) > 0])) for a, b in runs]
    r = _analyze(path)
    assert r.protocol == "symmetric" and r.failure is None
    np.testing.assert_allclose(r.half_cycles.get_column("plateau_abs_V"), plateaus, atol=1e-9)
    assert all(3e-3 <= p <= 4e-3 for p in plateaus)  # MANIFEST.md: 3-4 mV
    # hysteresis of each cycle: plateau V of the positive-current (stripping) half minus the
    # negative one's, V taken with its sign over the same window
    hyst = []
    for (a1, b1), (a2, b2) in zip(runs[::2], runs[1::2], strict=True):
        hyst.append(_window_median(t, v, a1, b1) + _window_median(t, v, a2, b2))
    assert np.sign(signed[0]) > 0 > np.sign(signed[1])
    np.testing.assert_allclose(r.cycles.get_column("hysteresis_V"), hyst, atol=1e-9)
    first = r.metric("polarization", "plateau")
    assert first.value == pytest.approx(np.mean(plateaus[:2]), abs=1e-9)
    # conditions: 2.8 uA over the 0.5 cm2 the header states
    assert first.conditions.current_density_A_m2 == pytest.approx(2.8e-6 / 0.5e-4, rel=2e-3)
