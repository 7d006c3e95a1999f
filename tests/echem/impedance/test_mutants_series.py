"""series.py pinned by answers known without the code: the Arrhenius slope and its standard
error from scipy.stats.linregress and from the textbook two-point formula, and series built from
hand-made Metric records whose order and conditions the test sets. Written to kill the mutants
mutmut left alive in series.py (issue 11 item 20)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from lithiophile.echem.impedance import Circuit, arrhenius, series
from lithiophile.echem.impedance.analysis import InterfaceFit
from lithiophile.echem.impedance.series import K_B_EV, file_values
from lithiophile.errors import InputError
from lithiophile.metrics import Conditions, Metric
from lithiophile.store import to_payload

F = np.geomspace(1e5, 1e-1, 21)


@pytest.fixture(scope="module")
def fit() -> Circuit:
    return Circuit("R0-p(R1,C1)", n_starts=1).fit(F, 10 + 100 / (1 + 2j * np.pi * F * 1e-3))


def _item(fit, name, r, cond=None, stderr=None, area=None, symmetric=False, extra=None):
    """An InterfaceFit whose figures are R = ``r`` (and R/2, R x area ... by METHODS.md)."""
    cond = cond or Conditions()
    ms = [
        Metric(
            "interfacial_resistance",
            r,
            cond,
            variant="cell" if symmetric else None,
            uncertainty=stderr,
        )
    ]
    if symmetric:
        ms.append(
            Metric(
                "interfacial_resistance", r / 2, cond, variant="per interface (symmetric cell, R/2)"
            )
        )
    if area is not None:
        ms.append(Metric("interfacial_asr", r * area, cond, variant="cell (R x area)"))
        if symmetric:
            ms.append(
                Metric(
                    "interfacial_asr",
                    r * area / 2,
                    cond,
                    variant="per interface (symmetric cell, R x area / 2)",
                )
            )
    return InterfaceFit(name, fit, tuple(ms), cond, None, dict(extra or {}))


def test_arrhenius_error_from_the_scatter_is_that_of_linregress():
    # reference: scipy.stats.linregress of ln(1/R) on 1/T; E_a = -slope k_B
    t = np.array([280.0, 295.0, 310.0, 325.0, 340.0])
    r = 1e-4 * np.exp(0.5 / (K_B_EV * t)) * np.array([1.03, 0.98, 1.01, 0.97, 1.02])
    ref = stats.linregress(1 / t, -np.log(r))
    ea, err = arrhenius(t, r)
    assert ea == pytest.approx(-ref.slope * K_B_EV, rel=1e-10)
    assert err == pytest.approx(ref.stderr * K_B_EV, rel=1e-10)


def test_arrhenius_two_points_propagates_the_errors():
    # two points: slope = (y2 - y1) / (x2 - x1) with y = -ln R, sd(y_i) = sd(R_i) / R_i, so
    # sd(slope) = sqrt(rel1^2 + rel2^2) / |x2 - x1| (hand error propagation)
    t = np.array([300.0, 350.0])
    r = np.array([200.0, 50.0])
    ea, err = arrhenius(t, r, [4.0, 1.5])  # 2 % and 3 %
    x = 1 / t
    assert ea == pytest.approx(-K_B_EV * (np.log(50) - np.log(200)) / -(x[1] - x[0]), rel=1e-10)
    assert err == pytest.approx(K_B_EV * np.hypot(0.02, 0.03) / abs(x[1] - x[0]), rel=1e-10)
    # without errors two points give none
    assert arrhenius(t, r)[1] is None
    assert arrhenius(t, r, [4.0, None])[1] is None
    assert arrhenius(t, r, [0.0, 1.0])[1] is None  # a zero error is not an error estimate


def test_arrhenius_never_claims_less_than_the_propagated_errors():
    # exact points (no scatter) with 1 % errors each: the error is that of the weights alone,
    # k_B rel / sqrt(Sxx) (weighted least squares with equal weights 1/rel^2)
    t = np.array([280.0, 300.0, 320.0, 340.0])
    r = 1e-4 * np.exp(0.4 / (K_B_EV * t))
    ea, err = arrhenius(t, r, list(0.01 * r))
    x = 1 / t
    sxx = float(np.sum((x - x.mean()) ** 2))
    assert ea == pytest.approx(0.4, rel=1e-9)
    assert err == pytest.approx(K_B_EV * 0.01 / np.sqrt(sxx), rel=1e-9)
    # scatter larger than the stated errors: the scatter wins (s2 > 1)
    wobble = r * np.array([1.05, 0.95, 1.05, 0.95])
    _, err_big = arrhenius(t, wobble, list(0.01 * wobble))
    assert err_big > 3 * err


@pytest.mark.parametrize(
    ("t", "r"),
    [([300.0, -310.0], [1.0, 2.0]), ([300.0, 310.0], [1.0, 0.0]), ([300.0, np.nan], [1.0, 2.0])],
)
def test_arrhenius_refuses_impossible_values(t, r):
    with pytest.raises(InputError) as err:
        arrhenius(t, r)
    assert str(err.value) == (
        "Arrhenius fit: temperatures [K] and resistances [ohm] must be positive."
    )


def test_arrhenius_count_and_single_temperature_messages():
    with pytest.raises(InputError) as err:
        arrhenius([300.0, 310.0], [1.0])
    assert str(err.value) == (
        "an Arrhenius fit needs at least two temperatures with one R each; got 2 "
        "temperatures and 1 resistances."
    )
    with pytest.raises(InputError) as err:
        arrhenius([298.0, 298.0, 298.0], [1.0, 2.0, 3.0])
    assert str(err.value) == (
        "Arrhenius fit: all spectra are at the same temperature (298.00 K); measure at two "
        "or more temperatures."
    )


def test_temperature_series_orders_points_and_fits_ea(fit):
    temps = [320.0, 280.0, 300.0]  # out of order on purpose
    items = [
        _item(fit, f"T{k}", 1e-4 * np.exp(0.5 / (K_B_EV * t)), Conditions(temperature_K=t))
        for k, t in enumerate(temps)
    ]
    res = series(items, "temperature")
    assert [p.x for p in res.points] == [280.0, 300.0, 320.0]
    assert [p.name for p in res.points] == ["T1", "T2", "T0"]
    assert res.before.conditions.temperature_K == 280.0
    assert res.after.conditions.temperature_K == 320.0
    assert res.activation is not None and res.activation.value == pytest.approx(0.5, rel=1e-9)
    assert res.activation.conditions.extra == (("temperatures_K", "280.0, 300.0, 320.0"),)
    assert res.activation.definition == ("slope of ln(1/R_int) against 1/T times -k_B (Arrhenius)")
    assert res.activation.notes == ("interfacial process (R_int of the circuit fit)",)
    assert res.before_after_line().startswith("Interfacial resistance before/after heating: ")
    d = to_payload(res)
    assert list(d) == ["by", "points", "before", "after", "activation_energy"]
    assert d["points"][0] == {
        "x": 280.0,
        "r_ohm": res.points[0].r_ohm,
        "stderr_ohm": None,
        "name": "T1",
    }
    assert d["activation_energy"]["value"] == pytest.approx(0.5, rel=1e-9)
    # one temperature only: no activation energy, and said nowhere as a number
    same = [_item(fit, f"S{k}", 100.0 + k, Conditions(temperature_K=300.0)) for k in range(2)]
    assert series(same, "temperature").activation is None
    # values given override the conditions
    given = series(items, "temperature", [300.0, 310.0, 320.0])
    assert [p.x for p in given.points] == [300.0, 310.0, 320.0]


def test_cycle_and_rest_series_from_conditions_and_values(fit):
    items = [
        _item(fit, "c5", 80.0, Conditions(cycle=5)),
        _item(fit, "c0", 50.0, Conditions(cycle=0)),
    ]
    res = series(items, "cycle")
    assert [p.x for p in res.points] == [0.0, 5.0]
    assert res.before.conditions.cycle == 0 and res.after.conditions.cycle == 5
    assert res.condition_label(res.before) == "before cycling"
    assert res.condition_label(res.after) == "after 5 cycles"
    # cycle numbers given as floats are rounded into the conditions
    rounded = series(items, "cycle", [2.6, 0.2])
    assert rounded.after.conditions.cycle == 3 and rounded.points[1].x == 2.6
    # rest: from rest times when stated, else from measurement times counted from the first
    rest = [
        _item(fit, "r1", 60.0, Conditions(rest_time_s=7200.0)),
        _item(fit, "r0", 50.0, Conditions(rest_time_s=3600.0)),
    ]
    r = series(rest, "rest")
    assert [p.x for p in r.points] == [0.0, 3600.0]  # counted from the first spectrum
    assert r.after.conditions.rest_time_s == 3600.0 and r.after.conditions.time_s is None
    assert r.condition_label(r.before) == "before rest"
    # values given for rest are taken as they are, not shifted
    r2 = series(rest, "rest", [7200.0, 3600.0])
    assert [p.x for p in r2.points] == [3600.0, 7200.0]
    assert r2.condition_label(r2.before) == "after 1 h rest"
    timed = [
        _item(fit, "a", 50.0, Conditions(time_s=1000.0)),
        _item(fit, "b", 60.0, Conditions(time_s=4600.0)),
    ]
    assert [p.x for p in series(timed, "rest").points] == [0.0, 3600.0]


def test_condition_label_keeps_the_other_conditions_and_the_default(fit):
    cell = Conditions(cycle=0, cell="Li|Li")
    items = [_item(fit, "a", 50.0, cell), _item(fit, "b", 60.0, Conditions(cycle=3, cell="Li|Li"))]
    res = series(items, "cycle")
    assert res.condition_label(res.before) == "before cycling, Li|Li"
    bare = Metric("interfacial_resistance", 1.0)
    assert res.condition_label(bare, "first") == "first"
    assert res.condition_label(bare) == ""


def test_headline_prefers_per_interface_asr_then_cell_asr_then_r(fit):
    c = Conditions(cycle=1)
    both = _item(fit, "a", 100.0, c, area=1e-4, symmetric=True)
    cell_asr = _item(fit, "b", 100.0, c, area=1e-4)
    half = _item(fit, "c", 100.0, c, symmetric=True)
    plain = _item(fit, "d", 100.0, c)
    got = [series([x, x], "cycle", [0, 1]).before for x in (both, cell_asr, half, plain)]
    assert [(m.metric, m.variant) for m in got] == [
        ("interfacial_asr", "per interface (symmetric cell, R x area / 2)"),
        ("interfacial_asr", "cell (R x area)"),
        ("interfacial_resistance", "per interface (symmetric cell, R/2)"),
        ("interfacial_resistance", None),
    ]
    assert [m.value for m in got] == pytest.approx([100.0 * 1e-4 / 2, 1e-2, 50.0, 100.0])
    # a figure of another variant only: the first interfacial resistance
    odd = InterfaceFit(
        "e", fit, (Metric("interfacial_resistance", 70.0, c, variant="DRT"),), c, None, {}
    )
    assert series([odd, odd], "cycle", [0, 1]).before.variant == "DRT"
    # the point's R and error are the cell's R, whatever the headline
    pt = series([both, both], "cycle", [0, 1]).points[0]
    assert pt.r_ohm == 100.0


def test_series_messages(fit):
    a = _item(fit, "spec-a", 50.0)
    with pytest.raises(InputError) as err:
        series([a, a], "cycle")
    assert str(err.value) == (
        "series by cycle: spec-a does not state its cycle number; give the cycle numbers of "
        "all spectra (--values 298,308,318 on the command line)."
    )
    with pytest.raises(InputError) as err:
        series([a, a], "rest")
    assert "spec-a does not state its time; give the times of all spectra" in str(err.value)
    with pytest.raises(InputError) as err:
        series([a], "cycle")
    assert str(err.value) == "a series needs at least two spectra; got 1."
    with pytest.raises(InputError) as err:
        series([a, a], "cycle", [1.0])
    assert str(err.value) == "series: 1 values given for 2 spectra; give one each."
    with pytest.raises(InputError) as err:
        series([a, a], "volume")
    assert (
        str(err.value)
        == "series 'by' must be one of ['rest', 'cycle', 'temperature']. Got 'volume'."
    )


def test_file_values_from_what_the_files_state(fit):
    items = [
        _item(fit, "a", 1.0, extra={"time_s": 5000.0, "cycle": 2}),
        _item(fit, "b", 1.0, extra={"time_s": 1400.0, "cycle": 7}),
    ]
    assert file_values(items, "rest") == [3600.0, 0.0]
    assert file_values(items, "cycle") == [2.0, 7.0]
    assert file_values(items, "temperature") is None
    missing = [*items, _item(fit, "c", 1.0, extra={"cycle": 3})]
    assert file_values(missing, "rest") is None
    assert file_values(missing, "cycle") == [2.0, 7.0, 3.0]


# --- second round (issue 11): survivors of the first mutation run of series.py ---------------


def test_arrhenius_of_three_points_takes_its_error_from_the_scatter():
    # reference: scipy.stats.linregress of ln(1/R) on 1/T (three points, no R errors given)
    t = np.array([280.0, 310.0, 340.0])
    r = 1e-4 * np.exp(0.5 / (K_B_EV * t)) * np.array([1.03, 0.98, 1.01])
    ref = stats.linregress(1 / t, -np.log(r))
    ea, err = arrhenius(t, r)
    assert ea == pytest.approx(-ref.slope * K_B_EV, rel=1e-10)
    assert err == pytest.approx(ref.stderr * K_B_EV, rel=1e-10)


def test_arrhenius_takes_any_positive_temperature_and_refuses_zero():
    # 0.5 K is cold but positive: E_a from two points by hand, ln(R1/R2) k_B / (1/T1 - 1/T2)
    ea, _ = arrhenius([0.5, 1.0], [np.e**2, np.e])
    assert ea == pytest.approx(1.0 * K_B_EV / (2.0 - 1.0), rel=1e-12)
    with pytest.raises(InputError, match="must be positive"):
        arrhenius([0.0, 300.0], [1.0, 2.0])


def test_series_results_are_immutable_and_labels_default():
    import dataclasses

    from lithiophile.echem.impedance.series import SeriesPoint, SeriesResult

    m0 = Metric("interfacial_resistance", 12.0, Conditions())
    m1 = Metric("interfacial_resistance", 45.0, Conditions())
    point = SeriesPoint(0.0, 12.0, None, "a", m0)
    res = SeriesResult("rest", (point,), m0, m1, None)
    # conditions that say nothing: the labels fall back to "first" and "last"
    assert res.before_after_line() == (
        "Interfacial resistance before/after rest: 12 -> 45 ohm (first -> last)"
    )
    for obj, attr in ((point, "x"), (res, "by")):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(obj, attr, 1.0)
    # rest 0 with another condition: "before rest" joined to what else is known
    cell = Conditions(cell="Li|Li")
    at_zero = Metric("interfacial_resistance", 12.0, Conditions(cell="Li|Li", rest_time_s=0.0))
    assert res.condition_label(at_zero) == f"before rest, {cell.display()}"
