"""Interfacial metrics, the symmetric-cell convention, series and the Arrhenius fit, on
synthetic spectra whose resistances are known by construction."""

from __future__ import annotations

import numpy as np
import pytest

from lithiophile.echem.impedance import analyze, arrhenius, series
from lithiophile.echem.impedance.batch import fit_many
from lithiophile.echem.impedance.series import K_B_EV
from lithiophile.errors import InputError
from lithiophile.metrics import Conditions
from lithiophile.synth.spectra import frequencies, spectrum

F = frequencies(1e6, 1e-2, 8)


def _cell(r_sei, r_ct, seed=0, noise=0.01):
    return spectrum(
        [("R", 4.0), ("RQ", r_sei, 2e-6, 0.9), ("RQ", r_ct, 3e-4, 0.85)], F, noise=noise, seed=seed
    )


def test_asr_and_per_interface_values():
    s = _cell(40.0, 60.0)
    area = 1.13e-4  # m^2
    res = analyze(s.f, s.z, circuit="two-arc", area_m2=area, symmetric=True)
    r = res.metric("interfacial_resistance", "cell")
    assert r.value == pytest.approx(100.0, rel=0.02)  # 40 + 60 by construction
    assert r.uncertainty is not None and 0 < r.uncertainty < 2.0
    assert r.conditions.cell == "Li|Li"
    half = res.metric("interfacial_resistance", "per interface (symmetric cell, R/2)")
    assert half.value == pytest.approx(r.value / 2)
    asr = res.metric("interfacial_asr", "cell (R x area)")
    assert asr.value == pytest.approx(r.value * area)
    per = res.metric("interfacial_asr", "per interface (symmetric cell, R x area / 2)")
    assert per.value == pytest.approx(r.value * area / 2)
    assert per.display().startswith("interfacial asr (per interface")
    assert "ohm cm2" in per.display()


def test_no_area_no_asr_and_asr_demanded_without_area_is_refused():
    s = _cell(40.0, 60.0)
    res = analyze(s.f, s.z, circuit="two-arc")
    assert {m.metric for m in res.metrics} == {"interfacial_resistance"}
    with pytest.raises(InputError, match=r"needs the electrode area.*--area '1.13 cm\^2'"):
        analyze(s.f, s.z, circuit="two-arc", asr=True)


def test_drt_cross_check_agrees_with_the_fit():
    s = _cell(40.0, 60.0, seed=4)
    res = analyze(s.f, s.z, circuit="two-arc", with_drt=True)
    fit_r = res.metric("interfacial_resistance").value
    drt_r = res.metric("interfacial_resistance", "DRT").value
    assert drt_r == pytest.approx(fit_r, rel=0.05)
    assert len(res.drt.peaks) == 2


def test_auto_picks_two_arcs_for_a_two_arc_spectrum():
    s = _cell(40.0, 60.0, seed=2)
    res = analyze(s.f, s.z)  # circuit="auto"
    assert res.fit.circuit == "R0-p(R1,CPE1)-p(R2,CPE2)"
    assert any("chosen automatically by BIC" in n for n in res.fit.notes_)


def test_arrhenius_recovers_known_activation_energy():
    # R(T) = R0 exp(Ea / kT) with Ea = 0.45 eV: exact points, then 1 % scatter
    t = np.array([273.15, 288.15, 298.15, 313.15, 333.15])
    r = 1e-5 * np.exp(0.45 / (K_B_EV * t))
    ea, err = arrhenius(t, r)
    assert ea == pytest.approx(0.45, rel=1e-9)
    noisy = r * (1 + 0.01 * np.random.default_rng(0).standard_normal(t.size))
    ea, err = arrhenius(t, noisy, [0.01 * v for v in noisy])
    assert ea == pytest.approx(0.45, abs=3 * err)
    assert 0.001 < err < 0.02
    with pytest.raises(InputError, match="same temperature"):
        arrhenius([298.0, 298.0], [1.0, 2.0])
    with pytest.raises(InputError, match="at least two temperatures"):
        arrhenius([298.0], [1.0])


def test_temperature_series_from_fitted_spectra():
    ea_true = 0.6  # eV; R_int = R_sei + R_ct both following it
    temps = [283.15, 298.15, 313.15, 328.15]
    fits = []
    for k, t in enumerate(temps):
        scale = np.exp(ea_true / K_B_EV * (1 / t - 1 / 298.15))
        s = _cell(40.0 * scale, 60.0 * scale, seed=10 + k)
        cond = Conditions(temperature_K=t)
        fits.append(analyze(s.f, s.z, circuit="two-arc", conditions=cond, name=f"T{k}"))
    res = series(fits, "temperature")
    assert res.activation is not None
    # four spectra with R_int known to about 0.5 %: Ea to within 0.01 eV
    assert res.activation.value == pytest.approx(ea_true, abs=0.01)
    assert 0 < res.activation.uncertainty < 0.01
    assert res.before.conditions.temperature_K == temps[0]


def test_cycle_series_before_after_labels():
    fits = [
        analyze(*_xy(_cell(60.0, 90.0, seed=1)), circuit="two-arc", area_m2=1e-4, symmetric=True),
        analyze(*_xy(_cell(12.0, 28.0, seed=2)), circuit="two-arc", area_m2=1e-4, symmetric=True),
    ]
    res = series(fits, "cycle", [0, 10])
    assert res.before.metric == "interfacial_asr"
    assert res.before.variant == "per interface (symmetric cell, R x area / 2)"
    assert res.before.value == pytest.approx(150.0 * 1e-4 / 2, rel=0.02)
    assert res.after.value == pytest.approx(40.0 * 1e-4 / 2, rel=0.02)
    assert "after 10 cycles" in res.after.display()
    line = res.before_after_line()
    assert line.startswith(
        "Interfacial resistance before/after cycling: 75 -> 20 ohm cm2"
    )  # 150 and 40 ohm x 1 cm2 / 2


def test_rest_series_from_measurement_times():
    # spectra taken 2 h, 26 h and 50 h after assembly: rest counted from the first one;
    # R_int 100 -> 130 -> 160 ohm by construction
    fits = []
    for k, (hours, r_ct) in enumerate([(2, 60.0), (26, 90.0), (50, 120.0)]):
        s = _cell(40.0, r_ct, seed=20 + k)
        cond = Conditions(time_s=hours * 3600.0)
        fits.append(analyze(s.f, s.z, circuit="two-arc", conditions=cond, name=f"t{k}"))
    res = series(fits, "rest")
    assert [p.x for p in res.points] == [0.0, 24 * 3600.0, 48 * 3600.0]
    assert [p.r_ohm for p in res.points] == [
        pytest.approx(v, rel=0.02) for v in (100.0, 130.0, 160.0)
    ]
    assert res.after.conditions.rest_time_s == 48 * 3600.0
    assert res.after.display().endswith("after 48 h rest")
    assert res.before_after_line().endswith("(before rest -> after 48 h rest)")
    assert res.activation is None


def test_series_errors_name_the_problem():
    s = _cell(40.0, 60.0)
    a = analyze(s.f, s.z, circuit="two-arc")
    with pytest.raises(InputError, match="at least two spectra"):
        series([a], "rest")
    with pytest.raises(InputError, match=r"does not state its temperature; give the temperatures"):
        series([a, a], "temperature")
    with pytest.raises(InputError, match="'by' must be one of"):
        series([a, a], "pressure")
    with pytest.raises(InputError, match="2 values given for 3 spectra"):
        series([a, a, a], "cycle", [1, 2])


def test_fit_many_in_processes_matches_in_process():
    spectra = [_xy(_cell(20.0 + k, 50.0, seed=k)) for k in range(4)]
    one = fit_many("two-arc" and "R0-p(R1,CPE1)-p(R2,CPE2)", spectra, workers=1, chunk=2)
    two = fit_many("R0-p(R1,CPE1)-p(R2,CPE2)", spectra, workers=2, chunk=2)
    assert [b.values for b in one] == [b.values for b in two]
    assert all(b.values[1] == pytest.approx(20.0 + k, rel=0.05) for k, b in enumerate(one))
    bad = fit_many("R0-p(R1,C1)", [(np.array([1.0, 2.0]), np.array([1 - 1j, 1 - 1j]))])
    assert bad[0].values is None and "too few points" in bad[0].error


def _xy(s):
    return s.f, s.z
