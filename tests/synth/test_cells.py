"""The synthetic cell generator: physics by hand, writers, and analysis of what it writes."""

import math

import numpy as np
import pytest

import lithiophile.io as lio
from lithiophile.echem import analyze
from lithiophile.errors import InputError
from lithiophile.synth import cells


def test_butler_volmer_by_hand():
    # (2 R T / F) asinh(j / 2 j0) at 298.15 K:
    # 2 x 0.0256926 V x asinh(0.25) (= 0.2474665) = 0.0127161 V
    assert cells.bv_overpotential(5.0, 10.0) == pytest.approx(
        2 * 8.314462618 * 298.15 / 96485.33212 * math.asinh(0.25)
    )
    assert cells.bv_overpotential(5.0, 10.0) == pytest.approx(0.0127161, abs=1e-7)
    # small j: linear regime, eta ~ (R T / F) j / j0
    assert cells.bv_overpotential(1e-3, 10.0) == pytest.approx(
        8.314462618 * 298.15 / 96485.33212 * 1e-4, rel=1e-6
    )


def test_symmetric_trace_is_what_the_docstring_says():
    s = cells.symmetric(cycles=2, sample_s=60.0, noise_V=0.0, growth_per_cycle=0.1)
    v, i = s.data["voltage_V"], s.data["current_A"]
    # plating first: negative current and voltage; |I| = j x area
    assert i[0] < 0 and v[0] < 0
    assert np.abs(i).max() == pytest.approx(5.0 * cells.COIN_AREA_M2)
    eta = 5.0 * 2e-3 + 2 * cells.bv_overpotential(5.0, 10.0)
    assert s.truth["plateau_V"][0] == pytest.approx(eta)
    assert s.truth["plateau_V"][2] == pytest.approx(
        5.0 * 2e-3 * 1.1 + 2 * cells.bv_overpotential(5.0, 10.0)
    )
    # the last point of the first half-cycle: the spike has decayed (exp(-120))
    first_end = np.flatnonzero(np.diff(np.sign(i)))[0]
    assert abs(v[first_end]) == pytest.approx(eta, abs=1e-12)
    assert abs(v[0]) == pytest.approx(eta + 0.01)  # the spike at t = 0


def test_hard_short_is_ohmic():
    s = cells.symmetric(cycles=2, sample_s=60.0, noise_V=0.0, hard_short_s=5000.0, r_short_ohm=3.0)
    t, v, i = s.data["time_s"], s.data["voltage_V"], s.data["current_A"]
    after = t >= 5000.0
    np.testing.assert_allclose(v[after] / i[after], 3.0)


def test_li_cu_strip_ends_on_the_cut_off_and_first_plating_dips():
    s = cells.li_cu(cycles=2, noise_V=0.0, sample_s=60.0)
    v, i = s.data["voltage_V"], s.data["current_A"]
    ends = np.flatnonzero(np.diff(np.sign(i)) < 0)  # last point of each strip before plating
    assert v[ends[0]] == pytest.approx(1.0)
    assert v[0] == pytest.approx(2.9)  # open-circuit voltage of bare Cu vs Li
    assert v.min() == pytest.approx(-(s.truth["eta_growth_V"] + s.truth["eta_nuc_V"]), abs=1e-4)


def test_reservoir_truth_is_the_adams_formula():
    s = cells.li_cu_reservoir(sample_s=600.0, n_cycles=5, ce=0.95)
    t = s.truth
    # Q_S = Q_T - n (1 - ce) Q_C with Q_T = 5, Q_C = 1 (mAh cm-2): 5 - 5 x 0.05 = 4.75
    assert t["q_s_C"] / t["q_c_C"] == pytest.approx(4.75)
    assert t["ce_adams"] == pytest.approx((5 + 4.75) / (5 + 5))


# voltage resolution of each layout: float64 for Parquet and BDF, EC-Lab's float32, Arbin's
# and Maccor's 8 significant digits, LANDdt's 1 uV, BTSDA's 4 decimals (0.1 mV)
@pytest.mark.parametrize(
    ("fmt", "atol"),
    [
        ("parquet", 1e-12),
        ("bdf", 1e-9),
        ("biologic-mpt", 1e-6),
        ("biologic-mpr", 1e-6),
        ("maccor-text", 1e-6),
        ("neware-csv", 5e-5),
        ("arbin-csv", 1e-6),
        ("land", 1e-6),
    ],
)
def test_written_files_analyse_like_the_source(tmp_path, fmt, atol):
    s = cells.symmetric(cycles=2, sample_s=120.0, noise_V=0.0)
    name = {"parquet": "c.parquet", "bdf": "c.csv"}.get(fmt, f"c_{fmt}.txt")
    path = s.write(tmp_path / name, None if fmt == "parquet" else fmt)
    back = lio.read(path)
    assert isinstance(back, lio.CellData)
    r = analyze(back, area_m2=cells.COIN_AREA_M2)
    assert r.protocol == "symmetric"
    np.testing.assert_allclose(
        r.half_cycles.get_column("plateau_abs_V"), s.truth["plateau_V"], atol=atol
    )


def test_bad_parameters():
    with pytest.raises(InputError, match="'half_cycle_s' must be a positive number"):
        cells.symmetric(half_cycle_s=0.0)
    with pytest.raises(InputError, match="'ce' must have one value per cycle"):
        cells.li_cu(cycles=3, ce=[0.9, 0.9])
    with pytest.raises(InputError, match="cannot tell the format"):
        cells.symmetric(cycles=1).write("x.txt")
