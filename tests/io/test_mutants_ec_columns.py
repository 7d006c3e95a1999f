"""EC-Lab columns to CellData / ImpedanceData (biologic_columns), on columns made here whose
answers are known by construction: EC-Lab's <I> from dq by hand (dq [mA.h] x 3.6 / dt), sweep
numbers of frequency runs laid out by hand, the result type chosen from technique, columns
and control mode as the module documents, the current and potential labels EC-Lab writes with
their units, and the impedance sweeps inside a Modulo Bat cycling file. Written to kill the
mutants mutmut left alive in biologic_columns.py (issue 11 item 20)."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from lithiophile.errors import FileFormatError, InputError
from lithiophile.io.biologic_columns import (
    EIS_TECHNIQUES,
    _boundaries,
    _counter,
    _current_from_dq,
    _spectrum,
    build_data,
    is_placeholder,
)
from lithiophile.io.biologic_mpt import _parse_header
from lithiophile.io.celldata import CellData, ImpedanceData, Metadata


def _meta(*techniques: str) -> Metadata:
    return Metadata(instrument="BioLogic", format="biologic-mpr", techniques=techniques)


def _build(raw, *techniques, **kw):
    return build_data(raw, _meta(*techniques), path="x.mpr", fmt="BioLogic .mpr", **kw)


def test_current_from_dq_by_hand():
    t = np.array([0.0, 1.0, 3.0, 3.0, 4.0, 4.0])
    dq = np.array([0.0, 1e-3, 2e-3, 5e-4, 0.0, 0.0])  # mA.h since the previous point
    # 1e-3 mA.h = 3.6e-3 C over 1 s; 7.2e-3 C over 2 s; dt = 0 with dq != 0: the previous
    # value repeated; 0 C over 1 s; dt = 0 with dq = 0: 0
    np.testing.assert_allclose(
        _current_from_dq(t, dq), [0.0, 3.6e-3, 3.6e-3, 3.6e-3, 0.0, 0.0], rtol=1e-12
    )
    # time going back on the second point, charge recorded: nothing before it to repeat: 0
    np.testing.assert_allclose(
        _current_from_dq(np.array([0.0, -1.0, 1.0]), np.array([0.0, 1e-3, 1e-3])),
        [0.0, 0.0, 1.8e-3],
        rtol=1e-12,
    )
    np.testing.assert_allclose(
        _current_from_dq(np.array([0.0, 2.0]), np.array([0, 1e-3])), [0, 1.8e-3]
    )
    assert _current_from_dq(np.array([5.0]), np.array([1.0])).tolist() == [0.0]


def test_sweep_numbers_by_hand():
    down = [1000.0, 100.0, 10.0, 1.0, 0.1, 0.01]
    # one sweep; a loop starting at row 3 splits it; a cycle number change at row 2 too
    assert _spectrum(np.array(down), None, None).tolist() == [1] * 6
    assert _spectrum(np.array(down), None, [3]).tolist() == [1, 1, 1, 2, 2, 2]
    assert _spectrum(np.array(down), np.array([0, 0, 1, 1, 1, 1]), None).tolist() == [
        1,
        1,
        2,
        2,
        2,
        2,
    ]
    # two sweeps below 1 Hz: the second starts where the frequency goes back up
    two = [10.0, 1.0, 0.1, 0.01, 10.0, 1.0, 0.1, 0.01]
    assert _spectrum(np.array(two), None, None).tolist() == [1, 1, 1, 1, 2, 2, 2, 2]
    # repeated frequencies (a step of zero) do not set the direction
    rep = [10.0, 10.0, 1.0, 0.1, 10.0, 10.0, 1.0, 0.1]
    assert _spectrum(np.array(rep), None, None).tolist() == [1, 1, 1, 1, 2, 2, 2, 2]
    # a loop start on row 1, and one at the end (row n) that starts nothing
    assert _boundaries(4, [1, 4]).tolist() == [True, True, False, False]
    assert _boundaries(0, [0]).tolist() == []


def test_placeholder_and_counters():
    assert is_placeholder(0.001) and is_placeholder(0.001 + 5e-10)
    assert not is_placeholder(0.001 + 1.5e-9)
    assert not is_placeholder(1.0) and not is_placeholder(0.5)
    assert is_placeholder(0.0) and is_placeholder(-2.0) and is_placeholder(float("nan"))
    assert _counter(np.array([1.0, 2.0])).dtype == np.int64
    assert _counter(np.array([1, 2], dtype=np.uint8)).dtype == np.uint8


_Z = {
    "freq/Hz": np.array([1000.0, 100.0, 10.0]),
    "Re(Z)/Ohm": np.array([10.0, 12.0, 20.0]),
    "-Im(Z)/Ohm": np.array([1.0, 4.0, 8.0]),
    "time/s": np.array([0.0, 1.0, 2.0]),
}


def _cycling(**extra):
    raw = {
        "time/s": np.array([0.0, 1.0, 2.0]),
        "Ewe/V": np.array([0.1, 0.12, 0.13]),
        "I/mA": np.array([1.0, 1.0, 1.0]),
    }
    raw.update(extra)
    return raw


def test_result_type_from_technique_columns_and_mode():
    assert isinstance(_build(dict(_Z), "PEIS"), ImpedanceData)
    assert isinstance(_build(dict(_Z), *sorted(EIS_TECHNIQUES)), ImpedanceData)
    assert isinstance(_build(dict(_Z)), ImpedanceData)  # no technique, no mode: EIS export
    z_and_cycling = {**_cycling(), **{k: v for k, v in _Z.items() if k != "time/s"}}
    # a GCPL file with Z columns stays a cycling file
    assert isinstance(_build(dict(z_and_cycling), "GCPL"), CellData)
    # no technique but a control-mode column (Modulo Bat): cycling data
    with_mode = {**z_and_cycling, "mode": np.array([1, 1, 1], dtype=np.uint8)}
    assert isinstance(_build(dict(with_mode)), CellData)
    # an impedance technique without Z columns is read as cycling data
    assert isinstance(_build(_cycling(), "PEIS"), CellData)
    with pytest.raises(InputError) as err:
        _build(dict(_Z), kind="both")
    assert str(err.value) == "kind must be 'cell', 'impedance' or None. Got 'both'."
    with pytest.raises(FileFormatError) as ferr:
        _build(_cycling(), kind="impedance")
    assert str(ferr.value).endswith(
        "kind='impedance' needs freq/Hz, Re(Z)/Ohm and -Im(Z)/Ohm columns; the file has "
        "['time/s', 'Ewe/V', 'I/mA']"
    )


@pytest.mark.parametrize(
    ("label", "factor"), [("I/mA", 1e-3), ("<I>/mA", 1e-3), ("I/A", 1.0), ("<I>/A", 1.0)]
)
def test_current_labels_and_units(label, factor):
    raw = _cycling()
    raw[label] = raw.pop("I/mA") * 2.5
    data = _build(raw, "GCPL")
    np.testing.assert_allclose(data["current_A"], 2.5 * factor, rtol=1e-12)
    z = dict(_Z)
    z[label] = np.array([0.5, 0.5, 0.5])
    np.testing.assert_allclose(_build(z, "PEIS")["current_A"], 0.5 * factor, rtol=1e-12)


@pytest.mark.parametrize("label", ["Ewe/V", "<Ewe>/V", "<Ewe/V>", "Ecell/V", "<Ecell>/V"])
def test_potential_labels(label):
    raw = _cycling()
    raw[label] = raw.pop("Ewe/V") + 1.0
    np.testing.assert_allclose(_build(raw, "GCPL")["voltage_V"], [1.1, 1.12, 1.13], rtol=1e-12)


def test_extra_columns_kept_as_written():
    raw = _cycling(**{"Ns": np.array([0.0, 0.0, 1.0]), "Q charge/mA.h": np.array([0, 1, 2.0])})
    raw["unknown 2-byte id 999"] = np.zeros((3, 2), dtype=np.uint8)
    data = _build(raw, "GCPL")
    table = data.table
    assert table.get_column("Ns").dtype == pl.Int64  # a counter, as integers
    assert table.get_column("Q charge/mA.h").to_list() == [0.0, 1.0, 2.0]
    assert "unknown 2-byte id 999" in table.columns
    assert "Ewe/V" not in table.columns and "I/mA" not in table.columns  # converted, not kept


def _modulo_bat():
    """Cycling rows (freq 0) around two sweeps of three frequencies (rows 2-4 and 7-9)."""
    n = 11
    freq = np.zeros(n)
    freq[2:5] = [1000.0, 100.0, 10.0]
    freq[7:10] = [1000.0, 100.0, 10.0]
    return {
        "time/s": np.arange(n, dtype=float),
        "Ewe/V": np.linspace(0.05, 0.15, n),
        "I/mA": np.where(freq > 0, 0.0, 0.5),
        "freq/Hz": freq,
        "Re(Z)/Ohm": np.where(freq > 0, 10.0 + np.arange(n), 0.0),
        "-Im(Z)/Ohm": np.where(freq > 0, 2.0, 0.0),
        "cycle number": np.array([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1], dtype=float),
        "mode": np.where(freq > 0, 3, 1).astype(np.uint8),
    }


def test_sweeps_inside_a_cycling_file():
    data = _build(_modulo_bat(), "MB")
    assert isinstance(data, CellData)
    sp = data.spectra
    assert isinstance(sp, ImpedanceData) and len(sp) == 6
    assert sp.table.get_column("spectrum").to_list() == [1, 1, 1, 2, 2, 2]
    np.testing.assert_allclose(sp["frequency_Hz"], [1000, 100, 10] * 2)
    np.testing.assert_allclose(sp["z_real_ohm"], [12, 13, 14, 17, 18, 19])
    np.testing.assert_allclose(sp["z_imag_ohm"], -2.0)
    np.testing.assert_allclose(sp["time_s"], [2, 3, 4, 7, 8, 9])
    np.testing.assert_allclose(sp["voltage_V"], np.linspace(0.05, 0.15, 11)[[2, 3, 4, 7, 8, 9]])
    np.testing.assert_allclose(sp["current_A"], 0.0)
    assert sp.table.get_column("cycle").to_list() == [1, 1, 1, 2, 2, 2]
    said = [p for p in data.meta.provenance if p.code == "embedded-spectra"]
    assert [(p.kind, p.what, p.where) for p in said] == [
        (
            "assumption",
            "the 2 impedance sweeps between the cycling steps (6 rows, step_kind 'eis') are "
            "also given as data.spectra, one spectrum per uninterrupted sweep",
            "",
        )
    ]
    # a cycling file without sweeps, or one whose rows are all sweeps, has no spectra
    raw = _modulo_bat()
    raw["freq/Hz"] = np.zeros(11)
    assert _build(raw, "MB").spectra is None
    raw["freq/Hz"] = np.full(11, 10.0)
    assert _build(raw, "MB").spectra is None


@pytest.mark.parametrize(
    ("title", "short"),
    [
        ("Galvanostatic Cycling with Potential Limitation", "GCPL"),
        ("Open Circuit Voltage", "OCV"),
        ("Chronopotentiometry", "CP"),
        ("Potentio Electrochemical Impedance Spectroscopy", "PEIS"),
        ("Galvano Electrochemical Impedance Spectroscopy", "GEIS"),
        ("Modulo Bat", "MB"),
        ("Cyclic Voltammetry", "CV"),
        ("Linear Sweep Voltammetry", "LSV"),
        ("Chronoamperometry / Chronocoulometry", "CA"),
        ("Constant Current", "CC"),
        ("Constant Voltage", "CstV"),
        ("Staircase Potentio Electrochemical Impedance Spectroscopy", "SPEIS"),
        ("Staircase Galvano Electrochemical Impedance Spectroscopy", "SGEIS"),
    ],
)
def test_technique_titles_of_an_mpt_header(title, short):
    # EC-Lab writes the technique's title on its own line of the header (manual, technique
    # chapter; the first six also in the shared twins)
    info: dict = {"header": {}}
    _parse_header(["EC-Lab ASCII FILE", "Nb header lines : 5", "", title], info, [])
    assert info["techniques"] == (short,) and info["header"]["technique_titles"] == [title]


def test_current_from_dq_resets_to_zero_where_nothing_was_recorded():
    # dt = 0 with dq = 0 after a current: 0, as EC-Lab writes it (not the previous value)
    out = _current_from_dq(np.array([0.0, 1.0, 1.0]), np.array([0.0, 1e-3, 0.0]))
    np.testing.assert_allclose(out, [0.0, 3.6e-3, 0.0], rtol=1e-12)


def test_changes_of_two_values():
    from lithiophile.io.biologic_columns import _changes

    assert _changes(np.array([1, 2])).tolist() == [False, True]
    assert _changes(np.array([3])).tolist() == [False]


@pytest.mark.parametrize("technique", ["PEIS", "GEIS", "SPEIS", "SGEIS"])
def test_each_impedance_technique_gives_impedance_data(technique):
    z = _build(dict(_Z), technique)
    assert isinstance(z, ImpedanceData)
    # EC-Lab's own labels are converted, not carried as extra columns
    assert not {"freq/Hz", "Re(Z)/Ohm", "-Im(Z)/Ohm", "time/s"} & set(z.table.columns)


def test_temperature_column_in_celsius():
    raw = _cycling(**{"Temperature/°C": np.array([25.0, 26.0, 27.0])})
    np.testing.assert_allclose(_build(raw, "GCPL")["temperature_K"], [298.15, 299.15, 300.15])


def test_settings_technique_0x77_is_gcpl():
    from tests.io.test_mutants_mpr_settings import _decode, _settings_content

    info, notes = _decode(_settings_content(tid=0x77))
    assert info["techniques"] == ("GCPL",) and notes == []


def test_sweeps_numbered_by_run_from_the_first_row():
    # the file starts with a sweep (rows 0-2, upwards) and has a second (rows 5-7, downwards)
    # in the same EC-Lab cycle, below 1 Hz too: two spectra by their runs, although the
    # frequencies alone would not split them
    n = 8
    freq = np.array([0.5, 5.0, 50.0, 0.0, 0.0, 40.0, 5.0, 0.5])
    raw = {
        "time/s": np.arange(n, dtype=float),
        "Ewe/V": np.full(n, 0.1),
        "I/mA": np.where(freq > 0, 0.0, 0.5),
        "freq/Hz": freq,
        "Re(Z)/Ohm": np.where(freq > 0, 10.0, 0.0),
        "-Im(Z)/Ohm": np.where(freq > 0, 1.0, 0.0),
        "cycle number": np.zeros(n),
        "mode": np.where(freq > 0, 3, 1).astype(np.uint8),
    }
    sp = _build(raw, "MB").spectra
    assert sp.table.get_column("spectrum").to_list() == [1, 1, 1, 2, 2, 2]
    np.testing.assert_allclose(sp["frequency_Hz"], [0.5, 5, 50, 40, 5, 0.5])
    assert sp.meta.techniques == ("EIS",)


def test_impedance_cycles_counted_from_one_and_labels_converted():
    z = dict(_Z)
    z["cycle number"] = np.array([3.0, 3.0, 4.0])  # EC-Lab's numbers, shifted to start at 1
    z["Temperature/°C"] = np.array([20.0, 20.0, 21.0])
    data = _build(z, "PEIS")
    assert data.table.get_column("cycle").to_list() == [1, 1, 2]
    np.testing.assert_allclose(data["temperature_K"], [293.15, 293.15, 294.15])
    assert not {"cycle number", "time/s", "Temperature/°C"} & set(data.table.columns)


@pytest.mark.parametrize(
    ("label", "column", "limit", "what"),
    [
        ("time/s", (0.0, None, 2.0), 1e10, "a time"),  # None: where the value under test goes
        ("Ewe/V", (0.1, 0.1, None), 1e6, "a potential"),
    ],
)
def test_time_and_potential_bounds(label, column, limit, what):
    # |value| up to the limit is read; 1.5 times it is refused, naming the (1-based) row
    row = column.index(None) + 1
    for bad, ok in ((limit, True), (-limit, True), (1.5 * limit, False), (-1.5 * limit, False)):
        raw = _cycling(**{label: np.array([bad if v is None else v for v in column])})
        if ok:
            _build(raw, "GCPL")
            continue
        with pytest.raises(FileFormatError) as err:
            _build(raw, "GCPL")
        assert str(err.value).endswith(
            f"{label} on data row {row} is {bad!r}, not {what} (corrupt data?)"
        )


def test_missing_time_and_potential_and_the_first_bad_row():
    raw = _cycling()
    del raw["time/s"]
    raw.update({f"c{k}": np.zeros(3) for k in range(25)})
    with pytest.raises(FileFormatError) as err:
        _build(raw, "GCPL")
    labels = list(raw)[:20]  # the first 20 labels are shown
    assert str(err.value).endswith(f"no time/s column among {labels}")
    raw = _cycling(**{"Ewe/V": np.array([2e6, 0.1, 3e6])})  # the first bad row is named
    with pytest.raises(FileFormatError, match=r"Ewe/V on data row 1 is 2000000\.0"):
        _build(raw, "GCPL")
    raw = _cycling()
    del raw["Ewe/V"]
    with pytest.raises(FileFormatError) as err:
        _build(raw, "GCPL")
    assert str(err.value).endswith(
        "no working-electrode potential column (Ewe/V, <Ewe>/V, <Ewe/V>, Ecell/V, <Ecell>/V) "
        "among ['time/s', 'I/mA']"
    )


def test_current_when_the_file_records_none():
    raw = _cycling()
    del raw["I/mA"]
    raw["dq/mA.h"] = np.array([0.0, 1e-3, 1e-3])
    data = _build(raw, "GCPL")
    np.testing.assert_allclose(data["current_A"], [0.0, 3.6e-3, 3.6e-3], rtol=1e-12)
    assert (
        "the file records no current: current_A is EC-Lab's <I>, the charge dq recorded since "
        "the previous point divided by the time since it"
    ) in data.meta.notes
    ocv = "open-circuit record without a current column: current_A set to 0"
    for techniques, mode in ((("OCV",), None), (("MB",), [3, 3, 3])):
        raw = _cycling()
        del raw["I/mA"]
        if mode is not None:
            raw["mode"] = np.array(mode, dtype=np.uint8)
        data = _build(raw, *techniques)
        assert data["current_A"].tolist() == [0.0, 0.0, 0.0] and ocv in data.meta.notes
    for techniques, mode in ((("GCPL",), None), (("MB",), [3, 1, 3]), (("MB",), [])):
        raw = _cycling()
        del raw["I/mA"]
        if mode is not None:
            raw["mode"] = np.array(mode, dtype=np.uint8)
            if not mode:
                raw = {k: v[:0] for k, v in raw.items()}
        with pytest.raises(FileFormatError) as err:
            _build(raw, *techniques)
        assert f"no current column (I/mA, <I>/mA or dq/mA.h) among {list(raw)}" in str(err.value)


@pytest.mark.parametrize(("label", "factor"), [("(Q-Qo)/mA.h", 3.6), ("(Q-Qo)/C", 1.0)])
def test_charge_from_ec_labs_counter(label, factor):
    # the counter passes 1.2e-3 then 1.3e-3 C, the records' 1 mA over 1 s only 1e-3 C each:
    # charge_C is the counter's, not the integral
    counter = np.array([0.0, 1.2e-3, 2.5e-3]) / factor
    data = _build(_cycling(**{label: counter}), "GCPL")
    np.testing.assert_allclose(data["charge_C"], [0.0, 1.2e-3, 2.5e-3], rtol=1e-12)
    assert any(p.code == "charge-from-counter" and label in p.what for p in data.meta.provenance)


def _kinds_of(data) -> list[str]:
    return data.table.get_column("step_kind").cast(pl.String).to_list()


def test_steps_kinds_and_cycles_from_ec_labs_counters():
    # by hand: Ns changes at rows 3, 5 and 8, with the control mode (1 current, 3 rest); a
    # second GCPL sequence starts at row 5 (Ns 2) without a mode change at row 6; the current
    # of a rest is 0 (NaN where the instrument wrote none); half cycles from 1 (odd), so
    # EC-Lab's cycle = half cycle // 2 runs 0, 1, 1, 2
    raw = _cycling(
        **{
            "time/s": np.arange(10.0),
            "Ewe/V": np.full(10, 0.1),
            "I/mA": np.array([1, 1, 1, 0, np.nan, -1, -1, -1, 0, 0], dtype=float),
            "mode": np.array([1, 1, 1, 3, 3, 1, 1, 1, 3, 3], dtype=np.uint8),
            "Ns": np.array([0, 0, 0, 1, 1, 2, 2, 2, 3, 3], dtype=np.uint8),
            "half cycle": np.array([1, 1, 1, 2, 2, 2, 3, 3, 4, 4], dtype=np.uint8),
        }
    )
    data = _build(raw, "GCPL")
    assert data.table.get_column("step").to_list() == [1, 1, 1, 2, 2, 3, 3, 3, 4, 4]
    kinds = ["charge"] * 3 + ["rest"] * 2 + ["discharge"] * 3 + ["rest"] * 2
    assert _kinds_of(data) == kinds
    assert data.table.get_column("cycle").to_list() == [1, 1, 1, 2, 2, 2, 2, 2, 3, 3]
    assert "time/s" not in data.table.columns
    # EC-Lab's cycle number (a text export's column) from 2: cycles from 1
    raw2 = _cycling(**{"cycle number": np.array([2.0, 2.0, 3.0])})
    assert _build(raw2, "GCPL").table.get_column("cycle").to_list() == [1, 1, 2]


@pytest.mark.parametrize("counter", ["Ns", "Ns changes", "mode"])
def test_each_counter_alone_splits_the_steps(counter):
    # the current stays +1 mA: only the counter can split the step at row 2
    values = {"Ns": [0, 0, 1, 1], "Ns changes": [0, 0, 1, 0], "mode": [1, 1, 2, 2]}[counter]
    raw = {
        "time/s": np.arange(4.0),
        "Ewe/V": np.full(4, 0.1),
        "I/mA": np.ones(4),
        counter: np.array(values, dtype=np.uint8),
    }
    if counter == "Ns changes":  # a flag of the .mpr, beside the (here constant) mode
        raw["mode"] = np.ones(4, dtype=np.uint8)
    assert _build(raw, "GCPL").table.get_column("step").to_list() == [1, 1, 2, 2]


def test_half_cycle_alone_keeps_one_step_and_open_circuit_is_ocv():
    # a half-cycle counter states structure (no step change from it): one step, although
    # the current changes sign
    raw = {
        "time/s": np.arange(4.0),
        "Ewe/V": np.full(4, 0.1),
        "I/mA": np.array([1.0, 1.0, -1.0, -1.0]),
        "half cycle": np.array([0, 0, 1, 1], dtype=np.uint8),
    }
    assert _build(raw, "GCPL").table.get_column("step").to_list() == [1, 1, 1, 1]
    ocv = {"time/s": np.arange(3.0), "Ewe/V": np.full(3, 2.9), "Ns": np.zeros(3, dtype=np.uint8)}
    assert _kinds_of(_build(ocv, "OCV")) == ["ocv"] * 3
    one = {"time/s": np.zeros(1), "Ewe/V": np.full(1, 0.1), "I/mA": np.ones(1)}
    one["mode"] = np.ones(1, dtype=np.uint8)
    assert _kinds_of(_build(one, "GCPL")) == ["charge"]


def test_sweep_rows_are_their_own_steps_of_kind_eis():
    raw = _modulo_bat()
    raw["freq/Hz"][7:10] = [10.0, 1.0, 0.5]  # a sweep below 1 Hz too
    raw["mode"] = np.ones(11, dtype=np.uint8)  # the sweeps alone mark the steps
    data = _build(raw, "MB")
    assert data.table.get_column("step").to_list() == [1, 1, 2, 2, 2, 3, 3, 4, 4, 4, 5]
    kinds = _kinds_of(data)
    assert kinds[2:5] == ["eis"] * 3 and kinds[7:10] == ["eis"] * 3
    assert kinds[0] == kinds[5] == kinds[10] == "charge"
