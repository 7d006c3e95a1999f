"""The interfacial figures of analysis.py pinned by answers known without the code: the
analytic impedance of R0 + R1 || C1 (R_int = R1 by construction), the conventions of METHODS.md
(per interface of a symmetric cell = R/2, ASR = R x area), and files whose sweeps, times,
cycles and temperatures the test writes itself. Written to kill the mutants mutmut left alive
in analysis.py (issue 11 item 20)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from lithiophile.echem.impedance import Circuit, analyze, interfacial_metrics, spectra_of
from lithiophile.echem.impedance.analysis import _drt_metric
from lithiophile.echem.impedance.drt import DRTConsistencyWarning, drt
from lithiophile.errors import InputError
from lithiophile.metrics import Conditions, Metric

F = np.geomspace(1e5, 1e-1, 41)
AREA = 1.13e-4  # m^2


def _rc(r1: float = 100.0, noise: float = 0.0, seed: int = 0) -> np.ndarray:
    """R0 10 ohm + R1 || C1 (C1 10 uF), analytically, with relative noise of size ``noise``."""
    z = 10.0 + r1 / (1 + 2j * np.pi * F * r1 * 1e-5)
    rng = np.random.default_rng(seed)
    return z * (1 + noise * (rng.normal(size=F.size) + 1j * rng.normal(size=F.size)))


@pytest.fixture(scope="module")
def noisy_fit() -> Circuit:
    return Circuit("R0-p(R1,C1)").fit(F, _rc(noise=0.01))


def test_every_variant_by_the_conventions(noisy_fit):
    r1 = noisy_fit.parameter("R1")
    out = interfacial_metrics(noisy_fit, area_m2=AREA, symmetric=True, source="sha")
    got = {(m.metric, m.variant): m for m in out}
    assert list(got) == [
        ("interfacial_resistance", "cell"),
        ("interfacial_resistance", "per interface (symmetric cell, R/2)"),
        ("interfacial_asr", "cell (R x area)"),
        ("interfacial_asr", "per interface (symmetric cell, R x area / 2)"),
    ]
    # R_int = R1 (the only arc), its error that of R1 (a single parameter's covariance)
    expect = {
        ("interfacial_resistance", "cell"): 1.0,
        ("interfacial_resistance", "per interface (symmetric cell, R/2)"): 0.5,
        ("interfacial_asr", "cell (R x area)"): AREA,
        ("interfacial_asr", "per interface (symmetric cell, R x area / 2)"): AREA / 2,
    }
    for key, factor in expect.items():
        m = got[key]
        assert m.value == pytest.approx(r1.value * factor, rel=1e-12)
        assert m.uncertainty == pytest.approx(r1.stderr * factor, rel=1e-9)
        assert m.source == "sha" and m.conditions.cell == "Li|Li"
    base = "sum of the arc resistances (R1) of the equivalent circuit R0-p(R1,C1) fitted to the "
    base += "spectrum (bulk resistance and diffusion elements excluded)"
    assert got[("interfacial_resistance", "cell")].definition == base
    assert got[("interfacial_resistance", "per interface (symmetric cell, R/2)")].definition == (
        base + "; per interface of a symmetric cell = R_int / 2"
    )
    assert got[("interfacial_asr", "cell (R x area)")].definition == (
        base + "; ASR = R_int x electrode area"
    )
    assert got[("interfacial_asr", "per interface (symmetric cell, R x area / 2)")].definition == (
        base + "; per interface of a symmetric cell, ASR = R_int x area / 2"
    )


def test_not_symmetric_gives_cell_values_without_a_variant(noisy_fit):
    out = interfacial_metrics(noisy_fit, area_m2=AREA)
    assert [(m.metric, m.variant) for m in out] == [
        ("interfacial_resistance", None),
        ("interfacial_asr", "cell (R x area)"),
    ]
    assert out[0].conditions.cell is None
    # the cell a caller names is kept, even for a symmetric cell
    named = interfacial_metrics(noisy_fit, symmetric=True, conditions=Conditions(cell="Li|LLZO|Li"))
    assert {m.conditions.cell for m in named} == {"Li|LLZO|Li"}


def test_asr_false_never_and_none_without_area(noisy_fit):
    assert {m.metric for m in interfacial_metrics(noisy_fit, area_m2=AREA, asr=False)} == {
        "interfacial_resistance"
    }
    assert {m.metric for m in interfacial_metrics(noisy_fit, area_m2=AREA, asr=True)} == {
        "interfacial_resistance",
        "interfacial_asr",
    }
    assert len(interfacial_metrics(noisy_fit, symmetric=True)) == 2


@pytest.mark.parametrize("area", [0.0, -1e-4, float("nan"), float("inf")])
def test_an_area_that_is_not_positive_is_refused(noisy_fit, area):
    with pytest.raises(InputError, match=r"^'area' must be a positive area such as '1.13 cm\^2'"):
        interfacial_metrics(noisy_fit, area_m2=area)


def test_asr_demanded_without_an_area_is_refused_with_the_fix(noisy_fit):
    msg = (
        "an area-specific resistance (ohm cm2) needs the electrode area, and none is known: the "
        "file's header states none. Give it, e.g. --area '1.13 cm^2' on the command line or "
        "area_m2=1.13e-4 in Python, or ask for R in ohm only."
    )
    with pytest.raises(InputError) as err:
        interfacial_metrics(noisy_fit, asr=True)
    assert str(err.value) == msg
    with pytest.raises(InputError) as err:
        analyze(F, _rc(), circuit="one-arc", asr=True)
    assert str(err.value) == msg


def test_undetermined_error_gives_no_uncertainty():
    # R1 and R2 in series inside one arc cannot be told apart: their errors are infinite
    fit = Circuit("R0-p(R1-R2,C1)", n_starts=1).fit(F, _rc())
    assert not np.isfinite(fit.parameter("R1").stderr)
    out = interfacial_metrics(fit, area_m2=AREA, symmetric=True)
    assert all(m.uncertainty is None for m in out)


def test_lin_kk_failure_is_a_note_and_fit_notes_are_kept():
    # the real part drifts 40 % during the sweep: no causal linear system has this spectrum
    z = _rc()
    z = z.real * np.linspace(1.0, 1.4, F.size) + 1j * z.imag
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = Circuit("R0-p(R1,C1)").fit(F, z)
    assert fit.kk_ is not None and not fit.kk_.passed
    notes = interfacial_metrics(fit)[0].notes
    assert notes[: len(fit.notes_)] == tuple(fit.notes_)
    assert notes[-1] == f"fails the Lin-KK test (rms residual {fit.kk_.rms:.2%})"
    passing = Circuit("R0-p(R1,C1)").fit(F, _rc())
    assert interfacial_metrics(passing)[0].notes == tuple(passing.notes_)


def test_analyze_with_a_circuit_guess_fixed_and_bounds():
    z = _rc(r1=100.0)
    res = analyze(F, z, circuit="R0-p(R1,C1)", initial_guess=[9.0, 90.0, 2e-5], n_starts=1)
    assert res.fit.guess_[1] == pytest.approx(90.0)  # the fit started at the guess given
    assert res.metric("interfacial_resistance").value == pytest.approx(100.0, rel=1e-6)
    held = analyze(F, z, circuit="one-arc", fixed={"R0": 10.0}, bounds={"R1": (1.0, 1e3)})
    assert held.fit.parameter("R0").fixed and held.fit.parameters_["R0"] == 10.0
    assert held.fit.bounds == {"R1": (1.0, 1e3)}
    assert held.name == "spectrum" and held.drt is None
    with pytest.raises(InputError, match=r"^an initial guess needs a circuit, not 'auto'\.$"):
        analyze(F, z, initial_guess=[1.0, 2.0, 3.0])
    named = analyze(F, z, circuit="one-arc", name="cell 7", source="abc", seed=3)
    assert named.name == "cell 7" and named.metrics[0].source == "abc"
    assert named.fit.seed == 3


def test_auto_passes_seed_starts_and_constraints():
    res = analyze(F, _rc(), fixed={"R0": 10.0}, n_starts=2, seed=5)
    assert res.fit.parameters_["R0"] == 10.0 and res.fit.n_starts == 2 and res.fit.seed == 5


def test_drt_metric_rests_on_the_drt_and_warns_past_20_percent():
    z = _rc()
    fit = Circuit("R0-p(R1,C1)").fit(F, z)
    res = drt(F, z)
    cond = Conditions(cell="Li|Li")
    circuit_r = Metric("interfacial_resistance", 100.0, cond)
    m = _drt_metric(res, circuit_r, "s", "src")
    assert m is not None and m.variant == "DRT" and m.source == "src"
    assert m.value == res.r_polarisation_ohm and m.conditions == cond
    lo, hi = res.tau_window_s
    assert m.definition.startswith("integral of the DRT, gamma d ln tau (Tikhonov, lambda by gcv)")
    assert m.definition.endswith(
        f"{res.r_window_ohm:.4g} ohm of it within the measured window {lo:.3g}-{hi:.3g} s"
    )
    # the DRT total is about 100 ohm: a circuit R of 70 ohm differs by more than 20 %
    with pytest.warns(DRTConsistencyWarning, match=r"^s: the DRT's total resistance"):
        far = _drt_metric(res, Metric("interfacial_resistance", 70.0, cond), "s", None)
    assert far is not None and "differs from the circuit's R_int 70 ohm" in far.notes[-1]
    # 85 ohm is within 20 % of it: no warning, no note
    with warnings.catch_warnings():
        warnings.simplefilter("error", DRTConsistencyWarning)
        near = _drt_metric(res, Metric("interfacial_resistance", 85.0, cond), "s", None)
    assert near is not None and near.notes == res.notes
    del fit


def test_drt_metric_of_an_empty_drt_is_none():
    from dataclasses import replace

    res = drt(F, _rc())
    empty = replace(res, gamma_ohm=np.zeros_like(res.gamma_ohm))
    assert _drt_metric(empty, Metric("interfacial_resistance", 100.0), "s", None) is None


def _data(cols):
    from lithiophile.io.celldata import ImpedanceData, Metadata

    return ImpedanceData.from_columns(
        {k: np.asarray(v) for k, v in cols.items()},
        Metadata(instrument="lithiophile.synth", format="synthetic"),
    )


def test_spectra_of_splits_sweeps_with_their_conditions():
    z = _rc()
    n = F.size
    cols = {
        "frequency_Hz": np.concatenate([F, F]),
        "z_real_ohm": np.concatenate([z.real, 2 * z.real]),
        "z_imag_ohm": np.concatenate([z.imag, 2 * z.imag]),
        "spectrum": [3] * n + [5] * n,
        # the first sweep starts at 100 s (the first row is NaN), the second at 900 s
        "time_s": np.concatenate([[np.nan], 100.0 + np.arange(n - 1), 900.0 + np.arange(n)]),
        "cycle": [2] * n + [7] * n,
        "temperature_K": [298.0] * (n - 1) + [np.nan] + list(np.linspace(300.0, 310.0, n)),
    }
    parts = spectra_of(_data(cols))
    assert [p.index for p in parts] == [3, 5]
    np.testing.assert_array_equal(parts[1].z, 2 * z)
    np.testing.assert_array_equal(parts[0].f, F)
    assert [p.time_s for p in parts] == [100.0, 900.0]
    assert [p.cycle for p in parts] == [2, 7]
    assert parts[0].temperature_K == pytest.approx(298.0)  # NaN left out of the mean
    assert parts[1].temperature_K == pytest.approx(305.0)  # mean of 300..310


def test_spectra_of_without_optional_columns_is_one_sweep():
    z = _rc()
    one = spectra_of(_data({"frequency_Hz": F, "z_real_ohm": z.real, "z_imag_ohm": z.imag}))
    assert len(one) == 1 and one[0].index == 1
    assert (one[0].time_s, one[0].cycle, one[0].temperature_K) == (None, None, None)
    # times and temperatures that are all NaN say nothing
    nan = np.full(F.size, np.nan)
    cols = {"frequency_Hz": F, "z_real_ohm": z.real, "z_imag_ohm": z.imag}
    blank = spectra_of(_data({**cols, "time_s": nan, "temperature_K": nan}))
    assert blank[0].time_s is None and blank[0].temperature_K is None


def test_spectra_of_refuses_what_is_not_impedance_data():
    with pytest.raises(InputError, match=r"^expected ImpedanceData .* got dict\. A cycling file"):
        spectra_of({"frequency_Hz": F})


def test_metric_lookup_by_kind_and_variant(noisy_fit):
    res = analyze(F, _rc(noise=0.01), circuit="one-arc", symmetric=True, name="x")
    assert res.metric("interfacial_resistance").variant == "cell"  # the first of its kind
    half = res.metric("interfacial_resistance", "per interface (symmetric cell, R/2)")
    assert half.value == pytest.approx(res.metric("interfacial_resistance").value / 2)
    with pytest.raises(KeyError, match=r"no metric 'interfacial_asr' \(variant None\) in .* x"):
        res.metric("interfacial_asr")


def test_results_are_immutable(noisy_fit):
    import dataclasses

    z = _rc()
    part = spectra_of(_data({"frequency_Hz": F, "z_real_ohm": z.real, "z_imag_ohm": z.imag}))[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        part.cycle = 3
    res = analyze(F, z, circuit="one-arc")
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.name = "other"


def test_a_sweep_takes_the_cycle_at_its_start():
    # the cycle counter ticks during the sweep (after its first point): the sweep belongs to
    # the cycle it started in
    z = _rc()
    cycle = [4] + [5] * (F.size - 1)
    part = spectra_of(
        _data({"frequency_Hz": F, "z_real_ohm": z.real, "z_imag_ohm": z.imag, "cycle": cycle})
    )[0]
    assert part.cycle == 4


def test_definition_names_every_arc_resistor():
    # two arcs: R_int = R1 + R2, and the definition says so
    z = 5 + 40 / (1 + 2j * np.pi * F * 40 * 1e-7) + 60 / (1 + 2j * np.pi * F * 60 * 1e-4)
    fit = Circuit("R0-p(R1,C1)-p(R2,C2)").fit(F, z)
    (m,) = interfacial_metrics(fit)
    assert m.definition.startswith("sum of the arc resistances (R1 + R2) of the equivalent ")
    assert m.value == pytest.approx(100.0, rel=1e-6)  # 40 + 60 by construction


def test_defaults_of_analyze():
    res = analyze(F, _rc(), circuit="one-arc")
    # a cell of unknown symmetry, seed 0, 8 starts (the documented defaults)
    assert [(m.metric, m.variant) for m in res.metrics] == [("interfacial_resistance", None)]
    assert res.fit.seed == 0 and res.fit.n_starts == 8


def test_payload_of_an_interface_fit():
    from lithiophile.echem.impedance.analysis import InterfaceFit
    from lithiophile.store import to_payload

    fit = Circuit("R0-p(R1,C1)").fit(F, _rc())
    m = Metric("interfacial_resistance", 100.0, Conditions(cell="Li|Li"))
    bare = InterfaceFit("a", fit, (m,), Conditions(cell="Li|Li"))
    assert bare.drt is None and bare.extra == {}
    assert (bare.spectrum, bare.cycle, bare.time_s) == (None, None, None)
    d = to_payload(bare)
    assert list(d) == ["name", "fit", "metrics", "drt", "spectrum", "cycle", "time_s"]
    assert d["name"] == "a" and d["drt"] is None and d["fit"]["circuit"] == "R0-p(R1,C1)"
    assert d["metrics"] == [to_payload(m)]
    assert (d["spectrum"], d["cycle"], d["time_s"]) == (None, None, None)
    # where the sweep lies in its file, as fit_files records it in extra
    placed = InterfaceFit(
        "b", fit, (m,), m.conditions, None, {"spectrum": 3, "cycle": 2, "time_s": 7.5}
    )
    assert (placed.spectrum, placed.cycle, placed.time_s) == (3, 2, 7.5)
    d2 = to_payload(placed)
    assert (d2["spectrum"], d2["cycle"], d2["time_s"]) == (3, 2, 7.5)
    assert "extra" not in d2 and "conditions" not in d2
    with pytest.raises(KeyError) as err:
        placed.metric("interfacial_asr", "cell (R x area)")
    assert err.value.args[0] == (
        "no metric 'interfacial_asr' (variant 'cell (R x area)') in the fit of b"
    )


def test_lin_kk_note_follows_the_fit_notes():
    z = _rc()
    z = z.real * np.linspace(1.0, 1.4, F.size) + 1j * z.imag
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = Circuit("R0-p(R1,C1)", fixed={"R0": 10.0}).fit(F, z)
    notes = interfacial_metrics(fit)[0].notes
    assert notes[0] == "held fixed, not fitted (zero standard error): R0 = 10"
    assert notes[-1].startswith("fails the Lin-KK test") and len(notes) == len(fit.notes_) + 1


# --- second round (issue 11): the survivors of the first mutation run -------------------------


def test_asr_with_an_area_is_given_and_conditions_are_kept():
    # ASR = R_int x area (METHODS.md); the conditions given are those of every metric
    cond = Conditions(temperature_K=298.15, cycle=4)
    res = analyze(F, _rc(), circuit="one-arc", area_m2=AREA, asr=True, conditions=cond)
    r = res.metric("interfacial_resistance").value
    assert r == pytest.approx(100.0, rel=1e-6)  # R1 by construction
    assert res.metric("interfacial_asr").value == pytest.approx(r * AREA, rel=1e-12)
    assert all(m.conditions.temperature_K == 298.15 for m in res.metrics)
    assert all(m.conditions.cycle == 4 for m in res.metrics)


def test_drt_cross_check_fits_the_inductance_and_warns_at_the_callers_line():
    # R0 10 + 100 ohm at 1 ms + 100 ohm at 10 s (beyond the 0.1 Hz data) + 1 uH: the one-arc
    # circuit holds about 100 ohm, the DRT (a decade past the window) about 200 ohm
    w = 2 * np.pi * F
    z = 10.0 + 100 / (1 + 1j * w * 1e-3) + 100 / (1 + 1j * w * 10.0) + 1j * w * 1e-6
    with pytest.warns(DRTConsistencyWarning) as caught:
        res = analyze(F, z, circuit="R0-p(R1,C1)", with_drt=True, n_starts=1)
    assert res.drt is not None
    assert res.drt.inductance_H == pytest.approx(1e-6, rel=0.1)  # the series inductance
    mine = [c for c in caught if "differs from the circuit's R_int" in str(c.message)]
    assert len(mine) == 1 and mine[0].filename == __file__


def _fake_drt(total: float):
    from types import SimpleNamespace

    return SimpleNamespace(
        r_polarisation_ohm=total,
        notes=(),
        method="gcv",
        r_window_ohm=total,
        tau_window_s=(1e-3, 1.0),
    )


def test_drt_metric_thresholds_by_hand():
    cond = Conditions(cell="Li|Li")

    def metric(r_drt, r_fit):
        return _drt_metric(
            _fake_drt(r_drt), Metric("interfacial_resistance", r_fit, cond), "s", None
        )

    with warnings.catch_warnings():
        warnings.simplefilter("error", DRTConsistencyWarning)
        # exactly 20 % (6 vs 5: 1.0 = 0.2 x 5.0 in floating point) is not "more than 20 %"
        assert metric(6.0, 5.0).notes == ()
        # a circuit R_int of 0 gives no relative difference to judge
        assert metric(6.0, 0.0).notes == ()
    # a milliohm DRT is still a DRT: its metric is given, and compared
    assert metric(0.1, 0.1).value == 0.1
    with pytest.warns(DRTConsistencyWarning):
        assert len(metric(0.15, 0.1).notes) == 1


def test_drt_metric_message_by_hand():
    with pytest.warns(DRTConsistencyWarning):
        m = _drt_metric(_fake_drt(300.0), Metric("interfacial_resistance", 100.0), "cell 3", None)
    # 300 / 100 - 1 = 200 %
    assert m.notes == (
        "cell 3: the DRT's total resistance 300 ohm differs from the circuit's R_int 100 ohm by "
        "200% (over 20%): the circuit leaves out resistance the DRT holds (diffusion, an arc it "
        "does not model) or the DRT extrapolates beyond the data",
    )
