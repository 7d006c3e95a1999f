"""Fixed parameters, bounds, saved models and the honesty of the reported errors, on spectra
whose parameters are known by construction (lithiophile.synth.spectra)."""

from __future__ import annotations

import json
import pickle

import numpy as np
import pytest
from scipy import stats

from lithiophile.echem.impedance import Circuit
from lithiophile.echem.impedance.constraints import parse_bounds, parse_fixed
from lithiophile.errors import InputError
from lithiophile.store import to_payload
from lithiophile.synth.spectra import frequencies, spectrum


def _one_arc(seed=0, noise=0.01, n_per_decade=10, r0=12.0):
    f = frequencies(1e5, 1e-1, n_per_decade)
    return spectrum([("R", r0), ("RQ", 80.0, 2e-5, 0.88)], f, noise=noise, seed=seed)


def test_standard_errors_are_those_of_curve_fit_with_chi2_over_dof():
    # reference: scipy.optimize.curve_fit on the same weighted residuals, started at our
    # optimum; with absolute_sigma=False it scales the covariance by chi2 / (n - p), the
    # residual variance on n - p degrees of freedom. 7 frequencies: n = 14, p = 4, so chi2/n
    # would shrink every error by sqrt(10/14) = 0.85 (and t by the wrong dof).
    from scipy.optimize import curve_fit

    f = np.geomspace(1e4, 1e-1, 7)
    s = spectrum([("R", 12.0), ("RQ", 80.0, 2e-5, 0.88)], f, noise=0.02, seed=3)
    fit = Circuit("R0-p(R1,CPE1)", kk_check=False).fit(s.f, s.z)
    w = 2 * np.pi * s.f

    def model(_x, r0, r1, q, a):
        z = r0 + r1 / (1 + r1 * q * (1j * w) ** a)
        return np.concatenate([z.real, z.imag]) / np.concatenate([np.abs(s.z)] * 2)

    y = np.concatenate([s.z.real, s.z.imag]) / np.concatenate([np.abs(s.z)] * 2)
    p0 = [fit.parameters_[n] for n in fit.param_names]
    popt, pcov = curve_fit(model, None, y, p0=p0, absolute_sigma=False)
    se = np.sqrt(np.diag(pcov))
    assert fit.dof_ == 14 - 4
    for k, p in enumerate(fit.params_):
        assert p.value == pytest.approx(popt[k], rel=1e-4)
        assert p.stderr == pytest.approx(se[k], rel=2e-3), p.name
    # the interval of R1: exp(ln R1 +- t_{0.975, dof} se / R1) (Student-t on the log)
    t = stats.t.ppf(0.975, 10)
    r1 = fit.parameter("R1")
    assert r1.ci_high == pytest.approx(popt[1] * np.exp(t * se[1] / popt[1]), rel=2e-3)


def test_fixed_parameter_is_held_and_others_fit():
    s = _one_arc(seed=1)
    fit = Circuit("R0-p(R1,CPE1)", fixed={"R0": 12.0}).fit(s.f, s.z)
    r0 = fit.parameter("R0")
    assert r0.value == 12.0 and r0.fixed and r0.stderr == 0.0
    assert (r0.ci_low, r0.ci_high) == (12.0, 12.0)
    assert fit.parameters_["R1"] == pytest.approx(80.0, rel=0.02)  # by construction
    assert fit.dof_ == 2 * s.f.size - 3  # three free parameters
    assert any("held fixed" in n and "R0 = 12" in n for n in fit.notes_)
    # a wrong fixed value pulls the others: R0 held 5 ohm low is taken up by R1
    off = Circuit("R0-p(R1,CPE1)", fixed={"R0": 7.0}).fit(s.f, s.z)
    assert off.chi_square_ > 10 * fit.chi_square_
    assert off.parameters_["R1"] > fit.parameters_["R1"] + 2


def test_bounds_hold_and_say_so():
    s = _one_arc(seed=2)
    fit = Circuit("R0-p(R1,CPE1)", bounds={"R1": (1.0, 50.0)}).fit(s.f, s.z)
    assert fit.parameters_["R1"] == pytest.approx(50.0, rel=1e-6)  # truth 80 lies above
    assert any("ended on a bound" in n and "R1 = 50" in n for n in fit.notes_)
    free = Circuit("R0-p(R1,CPE1)", bounds={"R1": (1.0, 500.0)}).fit(s.f, s.z)
    assert free.parameters_["R1"] == pytest.approx(80.0, rel=0.02)
    assert not any("ended on a bound" in n for n in free.notes_)
    alpha = Circuit("R0-p(R1,CPE1)", bounds={"CPE1_alpha": (None, 0.8)}).fit(s.f, s.z)
    assert alpha.parameters_["CPE1_alpha"] <= 0.8 + 1e-12


def test_constraint_errors_name_the_parameter():
    with pytest.raises(InputError, match=r"^fixed parameter: circuit 'R0-p\(R1,C1\)' has no "):
        Circuit("R0-p(R1,C1)", fixed={"R9": 1.0})
    with pytest.raises(InputError, match=r"^bounds: circuit 'R0-p\(R1,C1\)' has no parameter 'R9'"):
        Circuit("R0-p(R1,C1)", bounds={"R9": (1.0, 2.0)})
    with pytest.raises(InputError, match=r"^fixed value of R1 must be positive"):
        Circuit("R0-p(R1,C1)", fixed={"R1": -1.0})
    with pytest.raises(
        InputError, match=r"^bound of CPE1_alpha \(an exponent\) must lie in \(0, 1\]"
    ):
        Circuit("R0-p(R1,CPE1)", bounds={"CPE1_alpha": (0.5, 1.2)})
    with pytest.raises(
        InputError,
        match=r"^bounds of R1: the lower bound \(10\) must be below the upper \(1\); write",
    ):
        Circuit("R0-p(R1,C1)", bounds={"R1": (10.0, 1.0)})
    with pytest.raises(InputError, match="must be below"):  # an empty interval is no bound
        Circuit("R0-p(R1,C1)", bounds={"R1": (5.0, 5.0)})
    with pytest.raises(InputError, match="outside its bounds"):
        Circuit("R0-p(R1,C1)", fixed={"R1": 5.0}, bounds={"R1": (10.0, 20.0)})
    with pytest.raises(InputError, match="every parameter"):
        Circuit("R0", fixed={"R0": 5.0})


def test_command_line_spellings():
    assert parse_fixed(["R0=10", "CPE1_alpha=0.9,R1=2e3"]) == {
        "R0": 10.0,
        "CPE1_alpha": 0.9,
        "R1": 2000.0,
    }
    assert parse_bounds(["R1=1:100", "R0=:5", "R2=3:"]) == {
        "R1": (1.0, 100.0),
        "R0": (None, 5.0),
        "R2": (3.0, None),
    }
    with pytest.raises(InputError, match="--fix: expected NAME=VALUE"):
        parse_fixed(["R0"])
    with pytest.raises(InputError, match="--fix: cannot read 'ten'"):
        parse_fixed(["R0=ten"])
    with pytest.raises(InputError, match="--bounds: expected NAME=LOW:HIGH"):
        parse_bounds(["R1=5"])
    with pytest.raises(InputError, match="neither a lower nor an upper"):
        parse_bounds(["R1=:"])


def test_exponent_intervals_stay_within_0_1_and_say_so():
    # an ideal capacitor (alpha = 1 by construction) with 3 % noise: the fitted alpha sits
    # near 1 and its Student-t interval reaches past 1, which no exponent can
    f = frequencies(1e5, 1e-1, 6)
    s = spectrum([("R", 10.0), ("RC", 100.0, 1e-5)], f, noise=0.03, seed=4)
    fit = Circuit("R0-p(R1,CPE1)", kk_check=False).fit(s.f, s.z)
    a = fit.parameter("CPE1_alpha")
    assert 0 < a.ci_low <= a.value <= a.ci_high <= 1.0
    assert a.ci_high == 1.0
    note = next(n for n in fit.notes_ if "clipped to (0, 1]" in n)
    unclipped_high = float(note.split("CPE1_alpha [")[1].split(",")[1].rstrip("]"))
    assert unclipped_high > 1.0


def test_saved_model_loads_and_predicts_as_fitted(tmp_path):
    s = _one_arc(seed=5)
    fit = Circuit("R0-p(R1,CPE1)", fixed={"R0": 12.0}, bounds={"R1": (1.0, 1e3)}).fit(s.f, s.z)
    path = fit.save(tmp_path / "m.json")
    back = Circuit.load(path)
    assert back.circuit == fit.circuit and back.fixed == {"R0": 12.0}
    assert back.bounds == {"R1": (1.0, 1e3)}
    for p, q in zip(fit.params_, back.params_, strict=True):
        assert (p.name, p.value, p.stderr, p.ci_low, p.ci_high, p.fixed) == (
            q.name,
            q.value,
            q.stderr,
            q.ci_low,
            q.ci_high,
            q.fixed,
        )
    f_new = np.geomspace(1e6, 1e-3, 17)
    np.testing.assert_array_equal(back.predict(f_new), fit.predict(f_new))
    np.testing.assert_allclose(back.residuals_, fit.residuals_, rtol=1e-12)
    assert back.chi_square_ == fit.chi_square_ and back.dof_ == fit.dof_
    assert back.kk_.passed == fit.kk_.passed and back.kk_.rms == fit.kk_.rms
    np.testing.assert_array_equal(back.covariance_, fit.covariance_)
    assert to_payload(back) == to_payload(fit)
    # a loaded model refits from its values with its constraints
    refit = Circuit(back.circuit, [p.value for p in back.params_], fixed=back.fixed)
    refit.fit(s.f, s.z)
    assert refit.parameters_["R1"] == pytest.approx(fit.parameters_["R1"], rel=1e-6)


def test_loading_a_bad_model_says_what_is_wrong(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"circuit": "R0"}))
    with pytest.raises(InputError, match="not a saved lithiophile circuit"):
        Circuit.load(bad)
    bad.write_text("{nope")
    with pytest.raises(InputError, match="is not JSON"):
        Circuit.load(bad)
    with pytest.raises(InputError, match="cannot read the model"):
        Circuit.load(tmp_path / "missing.json")
    s = _one_arc(seed=6)
    d = json.loads(Circuit("R0-p(R1,CPE1)").fit(s.f, s.z).save(tmp_path / "m.json").read_text())
    d["circuit"] = "R0-p(R1,C1)"
    bad.write_text(json.dumps(d))
    with pytest.raises(InputError, match="do not match the circuit"):
        Circuit.load(bad)


def test_fitted_circuit_pickles_for_worker_processes():
    s = _one_arc(seed=7)
    fit = Circuit("R0-p(R1,CPE1)").fit(s.f, s.z)
    back = pickle.loads(pickle.dumps(fit))
    np.testing.assert_array_equal(back.predict(s.f), fit.predict(s.f))


def test_inductance_is_never_negative():
    # a capacitive spectrum with no inductance: L0 is fitted as a positive quantity (its log)
    s = _one_arc(seed=8)
    fit = Circuit("L0-R0-p(R1,CPE1)", kk_check=False).fit(s.f, s.z)
    assert fit.parameters_["L0"] > 0
    assert fit.parameter("L0").ci_low > 0


def test_constraint_edges_and_exact_messages():
    # a fixed value on either end of its bounds is inside them; open ends are no limit
    Circuit("R0-p(R1,C1)", fixed={"R1": 10.0}, bounds={"R1": (10.0, 20.0)})
    Circuit("R0-p(R1,C1)", fixed={"R1": 20.0}, bounds={"R1": (10.0, 20.0)})
    Circuit("R0-p(R1,C1)", fixed={"R1": 5.0}, bounds={"R1": (None, 20.0)})
    Circuit("R0-p(R1,C1)", fixed={"R1": 50.0}, bounds={"R1": (10.0, None)})
    with pytest.raises(InputError) as low:
        Circuit("R0-p(R1,C1)", fixed={"R1": 5.0}, bounds={"R1": (10.0, None)})
    assert str(low.value) == "R1 is fixed at 5, outside its bounds [10, inf]; drop one of the two."
    with pytest.raises(InputError) as high:
        Circuit("R0-p(R1,C1)", fixed={"R1": 25.0}, bounds={"R1": (None, 20.0)})
    assert (
        str(high.value) == "R1 is fixed at 25, outside its bounds [-inf, 20]; drop one of the two."
    )
    with pytest.raises(InputError) as every:
        Circuit("R0", fixed={"R0": 5.0})
    assert str(every.value) == "every parameter of 'R0' is fixed; leave at least one free to fit."
    with pytest.raises(InputError, match=r"^fixed value of R1 must be a finite number\. Got nan"):
        Circuit("R0-p(R1,C1)", fixed={"R1": float("nan")})
    with pytest.raises(InputError, match=r"^fixed value of R1 must be positive"):
        Circuit("R0-p(R1,C1)", fixed={"R1": 0.0})
    with pytest.raises(InputError, match=r"^fixed value of CPE1_alpha \(an exponent\) must lie"):
        Circuit("R0-p(R1,CPE1)", fixed={"CPE1_alpha": 0.0})
    assert Circuit("R0-p(R1,CPE1)", fixed={"CPE1_alpha": 1.0}).fixed == {"CPE1_alpha": 1.0}


def test_bound_note_lists_every_free_parameter_on_a_user_bound():
    s = _one_arc(seed=9)
    fit = Circuit(
        "R0-p(R1,CPE1)", fixed={"R0": 12.0}, bounds={"R0": (1.0, 20.0), "R1": (1.0, 50.0)}
    ).fit(s.f, s.z)
    assert "ended on a bound given by the user: R1 = 50" in fit.notes_


def test_command_line_messages_are_exact():
    with pytest.raises(InputError) as e:
        parse_fixed(["=5"])
    assert str(e.value) == "--fix: expected NAME=VALUE such as 'R0=10'. Got '=5'."
    with pytest.raises(InputError) as e:
        parse_fixed(["R0=ten"])
    assert str(e.value) == (
        "--fix: cannot read 'ten' in 'R0=ten' as a number (SI units: ohm, F, H, s)."
    )
    with pytest.raises(InputError) as e:
        parse_bounds(["R1="])
    assert str(e.value) == "--bounds: expected NAME=VALUE such as 'R1=1:100'. Got 'R1='."
    with pytest.raises(InputError) as e:
        parse_bounds(["R1=5"])
    assert str(e.value) == "--bounds: expected NAME=LOW:HIGH such as 'R1=1:100'. Got 'R1=5'."
    with pytest.raises(InputError) as e:
        parse_bounds(["R1=:"])
    assert str(e.value) == "--bounds: 'R1=:' gives neither a lower nor an upper bound."
    assert parse_bounds(["R1=1:100,R0=:5"]) == {"R1": (1.0, 100.0), "R0": (None, 5.0)}
