"""Circuit strings and element formulas.

Independent references: impedance.py's own ``CustomCircuit.predict`` on the same string and
parameters, and central finite differences for the analytic Jacobians.
"""

from __future__ import annotations

import numpy as np
import pytest

from lithiophile.echem.impedance import Circuit, parse
from lithiophile.echem.impedance.parser import evaluate
from lithiophile.errors import InputError, NotFittedError

F = np.geomspace(1e5, 1e-2, 36)

CASES = {
    "R0-p(R1,CPE1)-W1": [12.0, 80.0, 3e-5, 0.85, 40.0],
    "L0-R0-p(R1,C1)-p(R2-Wo1,C2)": [2e-4, 5.0, 30.0, 1e-6, 50.0, 20.0, 2.0, 1e-3],
    "R0-p(CPE1,R1-Ws1)": [3.0, 1e-4, 0.9, 25.0, 15.0, 0.5],
    "R0-K1-Zarc1": [1.0, 10.0, 1e-3, 20.0, 0.1, 0.8],
}


@pytest.mark.filterwarnings("ignore:Simulating circuit based on initial parameters")
@pytest.mark.parametrize("text", list(CASES))
def test_impedance_matches_impedance_py(text):
    # reference: impedance.py evaluates the same circuit string with its own element code
    from impedance.models.circuits import CustomCircuit

    params = CASES[text]
    theirs = CustomCircuit(text, initial_guess=params)
    theirs.parameters_ = np.array(params)
    z_theirs = theirs.predict(F, use_initial=True)
    z_ours, _ = evaluate(parse(text), 2 * np.pi * F, np.array(params))
    np.testing.assert_allclose(z_ours, z_theirs, rtol=1e-10)


@pytest.mark.parametrize("text", list(CASES))
def test_jacobian_matches_finite_differences(text):
    x = np.array(CASES[text])
    tree = parse(text)
    w = 2 * np.pi * F
    _, jac = evaluate(tree, w, x)
    for k in range(x.size):
        h = 1e-6 * x[k]
        up, down = x.copy(), x.copy()
        up[k] += h
        down[k] -= h
        num = (evaluate(tree, w, up)[0] - evaluate(tree, w, down)[0]) / (2 * h)
        np.testing.assert_allclose(jac[:, k], num, rtol=1e-5, atol=1e-9 * np.abs(num).max())


def test_parse_round_trip_and_names():
    tree = parse(" R0 - p( R_int , CPE1 ) - Wo1 ")
    assert str(tree) == "R0-p(R_int,CPE1)-Wo1"
    assert Circuit(str(tree)).param_names == [
        "R0",
        "R_int",
        "CPE1_Q",
        "CPE1_alpha",
        "Wo1_Z0",
        "Wo1_tau",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("R0-p(R1,CPE1", r"expected '\)', got the end of the string"),
        ("R0-X1", r"unknown element 'X1' at position 3"),
        ("R0-p(R1)", r"p\(\.\.\.\) at position 3 needs at least two branches"),
        ("R0-R0", r"element names must be unique; \['R0'\]"),
        ("R0+R1", r"unexpected character '\+' at position 2"),
        ("R0--R1", r"expected an element name or p\(, got '-' at position 3"),
        ("", r"circuit must be a non-empty string"),
        ("eval('1')", r"unexpected character"),
    ],
)
def test_unparsable_circuits_name_the_problem(text, message):
    with pytest.raises(InputError, match=message):
        parse(text)


def test_predict_before_fit_raises():
    with pytest.raises(NotFittedError, match=r"not fitted yet; call .fit\(f, Z\) first"):
        Circuit("R0-p(R1,C1)").predict(F)


def test_bad_options_are_named():
    with pytest.raises(InputError, match="'weighting' must be one of"):
        Circuit("R0", weighting="proportional")
    with pytest.raises(InputError, match="has 3 parameters"):
        Circuit("R0-p(R1,C1)", initial_guess=[1.0, 2.0])
    with pytest.raises(InputError, match=r"invalid for \['CPE1_alpha'\]"):
        Circuit("R0-p(R1,CPE1)", initial_guess=[1.0, 2.0, 1e-5, 1.5])
