"""Property-based: for any CE sequence, current and sampling the generator can make, the
per-cycle CE comes back as constructed."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from lithiophile.echem import analyze
from lithiophile.synth import cells


@settings(max_examples=15, deadline=None)
@given(
    ce=st.lists(st.floats(0.5, 1.05), min_size=2, max_size=5),
    j=st.floats(1.0, 30.0),
    sample_s=st.sampled_from([20.0, 60.0, 180.0]),
    reversed_sign=st.booleans(),
)
def test_li_cu_ce_recovered(ce, j, sample_s, reversed_sign):
    s = cells.li_cu(
        cycles=len(ce),
        ce=ce,
        first_ce=None,
        current_density_A_m2=j,
        sample_s=sample_s,
        reversed_sign=reversed_sign,
    )
    r = analyze(s.data, protocol="li-cu")
    np.testing.assert_allclose(r.cycles.get_column("ce"), ce, rtol=1e-9)
    assert ("ce-above-100" in r.flags) == any(x > 1 for x in ce)


@settings(max_examples=10, deadline=None)
@given(
    j=st.floats(1.0, 30.0),
    half_cycle_s=st.floats(1200.0, 7200.0),
    strip_first=st.booleans(),
)
def test_symmetric_plateau_recovered(j, half_cycle_s, strip_first):
    s = cells.symmetric(
        cycles=3,
        current_density_A_m2=j,
        half_cycle_s=half_cycle_s,
        sample_s=30.0,
        strip_first=strip_first,
    )
    r = analyze(s.data, protocol="symmetric")
    np.testing.assert_allclose(
        r.half_cycles.get_column("plateau_abs_V"), s.truth["plateau_V"], atol=1e-4
    )
