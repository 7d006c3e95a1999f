"""Protocol detection from the data, the override, and refusals that say what was found."""

import numpy as np
import pytest

from lithiophile.echem import AnalysisOptions, ProtocolError, analyze
from lithiophile.errors import InputError
from lithiophile.io.celldata import CellData
from lithiophile.synth import cells


@pytest.mark.parametrize(
    ("make", "protocol"),
    [
        (lambda: cells.li_cu(cycles=3, sample_s=60.0), "li-cu"),
        (lambda: cells.li_cu_reservoir(sample_s=120.0), "li-cu-reservoir"),
        (lambda: cells.symmetric(cycles=3, sample_s=60.0), "symmetric"),
        (lambda: cells.ccd_test(steps=5, critical_A_m2=None), "ccd"),
        (lambda: cells.first_plating(sample_s=0.2), "nucleation"),
    ],
)
def test_auto_detection(make, protocol):
    r = analyze(make().data)
    assert r.protocol == protocol
    assert r.detection.startswith("detected:")


def test_li_cu_on_a_symmetric_cell_is_refused(sym):
    with pytest.raises(
        ProtocolError,
        match=r"--protocol li-cu needs strippings that end on a "
        r"cut-off voltage.*use --protocol symmetric",
    ):
        analyze(sym.data, protocol="li-cu")


def test_symmetric_on_a_li_cu_cell_is_refused(licu):
    with pytest.raises(
        ProtocolError, match=r"--protocol symmetric is for Li\|\|Li cells.*use --protocol li-cu"
    ):
        analyze(licu.data, protocol="symmetric")


def test_given_protocol_is_used_and_said(reservoir):
    r = analyze(reservoir.data, protocol="li-cu")
    assert r.protocol == "li-cu"
    assert r.detection.startswith("given (--protocol li-cu)")


def test_intercalation_electrode_is_refused():
    # a graphite-like half cell: the voltage stays above 0 V in both directions (0.1-0.3 V)
    t = np.arange(0.0, 4 * 3600.0, 10.0)
    sign = np.where((t // 3600) % 2 == 0, -1.0, 1.0)
    v = 0.2 + 0.1 * sign
    cell = CellData.from_columns({"time_s": t, "voltage_V": v, "current_A": sign * 1e-4})
    with pytest.raises(
        ProtocolError,
        match=r"no Li-metal protocol recognised.*V has the sign of I in 50%.*found segments",
    ):
        analyze(cell)


def test_rest_only_is_refused():
    t = np.arange(100.0)
    cell = CellData.from_columns(
        {"time_s": t, "voltage_V": np.full(100, 3.0), "current_A": np.zeros(100)}
    )
    with pytest.raises(ProtocolError, match=r"no galvanostatic plating or stripping.*rest 1"):
        analyze(cell)


def test_bad_options():
    with pytest.raises(InputError, match=r"'protocol' option must be 'auto' or one of"):
        AnalysisOptions(protocol="li-li")
    with pytest.raises(InputError, match=r"'area' option must be a positive area"):
        AnalysisOptions(area_m2=-1.0)
    with pytest.raises(InputError, match=r"'ce_threshold' option \(--ce-threshold\) must be a "):
        AnalysisOptions(ce_threshold=80)
    with pytest.raises(InputError, match=r"'plateau_window' option must be two fractions"):
        AnalysisOptions(plateau_window=(0.8, 0.2))


def test_impedance_data_is_refused():
    from lithiophile.synth.examples import rc_spectrum

    with pytest.raises(InputError, match=r"needs cycling data.*eis fit"):
        analyze(rc_spectrum())


def test_given_protocol_on_doubtful_data_is_computed_with_a_note():
    t = np.arange(0.0, 4 * 3600.0, 10.0)
    sign = np.where((t // 3600) % 2 == 0, -1.0, 1.0)
    cell = CellData.from_columns(
        {"time_s": t, "voltage_V": 0.2 + 0.1 * sign, "current_A": sign * 1e-4}
    )
    r = analyze(cell, protocol="symmetric")
    assert any("does not look like Li plating/stripping" in n for n in r.notes)


def test_first_plating_on_a_substrate_is_labelled_so():
    r = analyze(cells.first_plating(sample_s=0.2).data)
    assert r.metric("nucleation_overpotential").conditions.cell == "Li|substrate"


def test_formation_cycle_is_not_a_reservoir():
    # a 5 mAh cm-2 formation cycle, then 1 mAh cm-2 cycles, every strip to the cut-off
    s = cells.li_cu(cycles=4, formation_C_m2=5 * 36000.0, sample_s=120.0)
    r = analyze(s.data)
    assert r.protocol == "li-cu"
    np.testing.assert_allclose(r.cycles.get_column("ce"), s.truth["ce"], rtol=1e-9)
