"""Potentiostatic nucleation sweep (issue 15 check 6): rates, sizes and fits known by
construction, and 'unknown' where the rows cannot decide."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from lithiophile.deposition.params import FARADAY, Parameters
from lithiophile.deposition.potentiostatic import (
    SiteModel,
    fit_power_law,
    hold,
    potentiostatic_scaling,
)
from lithiophile.errors import InputError


def test_critical_radius_is_peis_formula_by_hand():
    # Pei et al. 2017: r* = 2 gamma Vm / (F eta); gamma 0.1 J/m2, Vm = 1 / 7.64e4 m3/mol,
    # eta 50 mV: 2 * 0.1 / 7.64e4 / (96485.33 * 0.05) = 0.5426 nm (hand calculation)
    m = SiteModel()
    assert m.critical_radius_m(0.05) == pytest.approx(0.5426e-9, rel=1e-3)
    # doubling eta halves it
    assert m.critical_radius_m(0.1) == pytest.approx(m.critical_radius_m(0.05) / 2, rel=1e-12)


def test_growth_speed_is_butler_volmer_by_hand():
    # i = i0 (exp(0.5 f eta) - exp(-0.5 f eta)), f = F / RT at 298.15 K, eta 50 mV:
    # 10 * (e^0.973 - e^-0.973) = 10 * 2.2687 = 22.69 A/m2; v = i Vm / F
    m = SiteModel()
    x = 0.5 * FARADAY / (8.314462618 * 298.15) * 0.05
    i = 10.0 * (math.exp(x) - math.exp(-x))
    assert m.growth_speed_m_s(0.05) == pytest.approx(i / 7.64e4 / FARADAY, rel=1e-3)


def test_power_law_fit_recovers_exponents_known_by_construction():
    x = np.array([0.02, 0.04, 0.08, 0.16])
    fit = fit_power_law(x, 5.0 * x**3)
    assert fit.exponent == pytest.approx(3.0, abs=1e-9)
    assert fit.stderr == pytest.approx(0.0, abs=1e-9) and fit.rows == 4
    # scatter gives a non-zero standard error; two points give a slope but no error; one none
    noisy = fit_power_law(x, 5.0 * x**-1 * np.array([1.0, 1.1, 0.9, 1.05]))
    assert noisy.exponent == pytest.approx(-1.0, abs=0.1) and noisy.stderr > 0.01
    assert fit_power_law(x[:2], x[:2] ** 2).stderr is None
    assert fit_power_law(x[:1], x[:1]).exponent is None


def test_sparse_hold_counts_the_expected_number_of_nuclei():
    # with nuclei far apart (no site covered), each of n^2 sites fires with probability
    # 1 - exp(-k T), k = J0 a^2 exp(-barrier): the count is binomial around that mean
    m = SiteModel(sites_per_side=300, seed=3)
    eta = 0.03
    k = m.params.nucleation_prefactor_m2_s * m.site_spacing_m**2 * math.exp(-m.barrier_kT(eta))
    mean = m.sites_per_side**2 * -math.expm1(-k * m.time_s)
    row = hold(m, eta)
    assert 50 < mean < 5000  # the regime this test means
    assert abs(row.nuclei - mean) < 4 * math.sqrt(mean)
    assert row.nuclei_per_um2 == pytest.approx(row.nuclei / (0.6**2), rel=1e-9)
    assert not (row.saturated or row.coalesced or row.too_few)


def test_every_site_firing_at_once_is_flagged_saturated():
    params = dataclasses.replace(Parameters(), nucleation_prefactor_m2_s=1e40)
    row = hold(SiteModel(params=params, sites_per_side=40, steps=4), 0.1)
    assert row.nuclei == 40 * 40 and row.saturated


def test_no_usable_rows_give_unknown_exponents_with_the_reason():
    params = dataclasses.replace(Parameters(), nucleation_prefactor_m2_s=1e-10)
    out = potentiostatic_scaling((0.03, 0.05), SiteModel(params=params, sites_per_side=50))
    assert all(r.too_few for r in out.rows)
    assert all(r.mean_radius_nm is None for r in out.rows if r.nuclei == 0)
    assert out.density.exponent is None and out.size.exponent is None
    assert out.note.startswith("exponents unknown")


def test_default_sweep_reports_against_pei():
    out = potentiostatic_scaling()
    used = [r for r in out.rows if not (r.saturated or r.coalesced or r.too_few)]
    assert out.density.rows == len(used) >= 3
    # nuclei barely grow in the hold: the size exponent restates r* ~ 1/eta, and says so
    assert out.size.exponent == pytest.approx(-1.0, abs=0.05)
    assert "restates r* ~ 1/eta" in out.note
    # density rises with eta among the rows used
    dens = [r.nuclei_per_um2 for r in used]
    assert dens == sorted(dens) and dens[-1] > 10 * dens[0]
    assert out.classical == {"density_exponent": 3.0, "size_exponent": -1.0}


@pytest.mark.parametrize("bad", [0.0, -0.05, float("nan")])
def test_bad_overpotential_is_refused_by_name(bad):
    with pytest.raises(InputError, match="eta_V"):
        hold(SiteModel(sites_per_side=10), bad)


def test_bad_model_is_refused_by_name():
    with pytest.raises(InputError, match="site_spacing_m"):
        SiteModel(site_spacing_m=0.0)
    with pytest.raises(InputError, match="steps"):
        SiteModel(steps=0)
