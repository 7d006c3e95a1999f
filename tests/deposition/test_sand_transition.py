"""Past Sand's time (issue 15, check 3, second half): the salt at the surface runs out; in 1-D the
run stops saying so, in 2-D the growth turns from compact to tip-led (Bai et al., Energy
Environ. Sci. 2016), and the same cell below its limiting current stays compact."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

pytest.importorskip(
    "jax", reason="the deposition engine needs JAX (pip install 'lithiophile[deposition]')"
)

from lithiophile.deposition.params import FARADAY, Parameters
from lithiophile.deposition.setup import Setup
from lithiophile.deposition.simulate import simulate
from lithiophile.errors import CalculationFailed, InputError


def test_limiting_current_formula():
    # steady linear profile c(z) = c0 + (1 - t+) i (z - L/2) / (F D) reaches 0 at z = 0 when
    # i = 2 D c0 F / ((1 - t+) L) (hand calculation: 622 mA cm-2 for a 16 um cell)
    p = Parameters()
    i = p.limiting_current_A_m2(16e-6)
    assert i == pytest.approx(2 * 3.197e-10 * 1000 * FARADAY / (0.62 * 16e-6))
    assert i == pytest.approx(6219.0, rel=1e-3)


def test_tip_growth_ratio_on_known_shapes():
    from types import SimpleNamespace

    from lithiophile.deposition.sand import tip_growth_ratio

    # a film 4 cells thick with a needle 20 cells high in one of 10 columns; later the film is
    # 5 cells and the needle 40: the tip rose 20 cells while the mean thickness rose
    # (9 * 1 + 20) / 10 = 2.9 cells, ratio 20 / 2.9 (hand calculation)
    def shape(film, needle):
        xi = np.zeros((60, 10))
        xi[:film] = 1.0
        xi[:needle, 3] = 1.0
        return xi

    snaps = [(0.0, shape(4, 20)), (1.0, shape(4, 20)), (2.0, shape(5, 40))]
    run = SimpleNamespace(snapshots=snaps, setup=SimpleNamespace(time_s=2.0, dx_m=1.0))
    assert tip_growth_ratio(run, (0.5, 1.0)) == pytest.approx(20 / 2.9)
    # a film that rises evenly: ratio 1
    snaps = [(0.0, shape(4, 4)), (2.0, shape(9, 9))]
    run = SimpleNamespace(snapshots=snaps, setup=SimpleNamespace(time_s=2.0, dx_m=1.0))
    assert tip_growth_ratio(run, (0.0, 1.0)) == pytest.approx(1.0)
    with pytest.raises(InputError, match="too few snapshots"):
        tip_growth_ratio(run, (0.9, 1.0))


def test_1d_run_past_sands_time_stops_naming_the_depletion():
    # 1 A cm-2: Sand's time pi D (c0 F)^2 / (4 (i (1 - t+))^2) = 0.0608 s; no voltage limit, so
    # the engine itself must stop once the current can no longer be carried. Before the salt
    # was consumed cell by cell (backward Euler), c went negative and the tanh tail far ahead
    # of the interface took the current, so no such stop came.
    p = Parameters(interface_mobility_m3_J_s=1e-5)
    i = 1e4
    t_sand = p.sand_time_s(i)
    assert t_sand == pytest.approx(0.06081, rel=1e-3)
    dx = 5e-8
    nz = int(4 * math.sqrt(math.pi * p.diffusivity_m2_s * t_sand) / dx)
    kw = dict(nx=1, nz=nz, dx_m=dx, params=p, current_density_A_m2=i, initial="film")
    kw.update(film_thickness_m=1e-6, nucleation=False, anisotropy=False)
    with pytest.raises(CalculationFailed, match=r"used up .*Sand") as info:
        simulate(Setup(**kw, time_s=2.0 * t_sand))
    t_stop = float(re.search(r"t = ([0-9.e+-]+) s", str(info.value)).group(1))
    assert t_sand < t_stop < 2.0 * t_sand  # never before Sand's time
    # before Sand's time the salt stays positive everywhere and the current is carried
    r = simulate(Setup(**kw, time_s=0.9 * t_sand))
    assert r.c.min() > 0
    assert r.trace[-1, 3] == pytest.approx(i / (FARADAY * p.li_site_density_mol_m3 * dx), rel=1e-3)


@pytest.mark.slow
def test_growth_turns_tip_led_only_above_the_limiting_current(capsys):
    from lithiophile.deposition.sand import sand_transition

    rep = sand_transition()
    with capsys.disabled():
        print()
        for line in rep.lines():
            print("  " + line)
    hi, lo = rep.depleting, rep.control
    assert hi.current_over_limiting > 1.5 and lo.current_over_limiting == pytest.approx(0.5)
    # both runs pass the same charge, so the mean thickness ends equal (Faraday's law)
    assert hi.final_thickness_m == pytest.approx(lo.final_thickness_m, rel=1e-3)
    # before Sand's time the protrusion grows no faster than about the film (compact) ...
    assert hi.early_ratio < 2.0
    # ... well after it the tip takes most of the current: tip-led
    assert hi.late_ratio > 5.0
    assert hi.late_ratio > 4.0 * hi.early_ratio
    # below the limiting current the surface never runs out and the growth stays compact
    assert lo.late_ratio < 2.0
    assert hi.late_ratio > 4.0 * lo.late_ratio
    # the potential peaks after Sand's time and falls as the tip carries the current (Bai 2016)
    assert hi.peak_time_over_sand > 1.0
    assert abs(hi.peak_potential_V) > abs(lo.peak_potential_V) + 0.2
    assert abs(hi.raw.trace[-1, 1]) < abs(hi.peak_potential_V) - 0.05  # measured: 93 mV lower
    assert hi.final_tip_m > lo.final_tip_m
    assert np.isfinite([hi.late_ratio, lo.late_ratio]).all()
