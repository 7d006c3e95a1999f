"""CellData / ImpedanceData: derivation of steps, kinds, cycles and charge; Parquet round trip."""

from datetime import datetime

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lithiophile.errors import FileFormatError, InputError
from lithiophile.io.celldata import CellData, ImpedanceData, Metadata
from lithiophile.io.derived import cumulative_charge_C


def _square_wave(n_half=4, per_half=10, amp=1e-3, rest=0):
    """Alternating +-amp blocks (plating first), optionally separated by rests.

    Steps, kinds and cycles are known by construction.
    """
    t, i = [], []
    for h in range(n_half):
        sign = -1.0 if h % 2 == 0 else 1.0
        i.append(np.full(per_half, sign * amp))
        if rest:
            i.append(np.zeros(rest))
    current = np.concatenate(i)
    t = np.arange(current.size, dtype=float)
    voltage = np.sign(current) * 0.02
    return t, voltage, current


def test_steps_kinds_cycles_from_three_columns():
    t, v, i = _square_wave(n_half=4, per_half=10, rest=3)
    cd = CellData.from_columns({"time_s": t, "voltage_V": v, "current_A": i})
    # by construction: 8 blocks (plate, rest, strip, rest, ...) -> steps 1..8
    assert cd["step"].tolist() == np.repeat(np.arange(1, 9), [10, 3] * 4).tolist()
    kinds = cd.table.get_column("step_kind").cast(pl.String).to_list()
    assert kinds[:13] == ["discharge"] * 10 + ["rest"] * 3
    assert kinds[13] == "charge"
    # plating opens each cycle: cycle 1 = plate+rest+strip+rest, cycle 2 likewise
    assert cd["cycle"].tolist() == [1] * 26 + [2] * 26


def test_cycle_numbering_does_not_depend_on_first_direction():
    t, v, i = _square_wave(n_half=6)
    a = CellData.from_columns({"time_s": t, "voltage_V": v, "current_A": i})
    b = CellData.from_columns({"time_s": t, "voltage_V": -v, "current_A": -i})
    # both: three cycles of two half cycles each
    assert a["cycle"].tolist() == b["cycle"].tolist() == np.repeat([1, 2, 3], 20).tolist()


def test_current_step_up_is_a_new_step():
    # a CCD-style staircase: same sign, current doubles -> a new step each time
    i = np.repeat([1e-4, 2e-4, 4e-4], 5)
    t = np.arange(i.size, dtype=float)
    v = 0.01 + 0.1 * i / i.max() + np.linspace(0, 1e-2, i.size)  # voltage moves: not a hold
    cd = CellData.from_columns({"time_s": t, "voltage_V": v, "current_A": i})
    assert cd["step"].tolist() == np.repeat([1, 2, 3], 5).tolist()


def test_potentiostatic_hold_is_one_cv_step():
    # voltage held at 1.0 V while current decays exponentially: one step, kind cv
    t = np.arange(50.0)
    i = 1e-3 * np.exp(-t / 5.0) + 1e-3 * 0.01
    v = np.full(t.size, 1.0)
    cd = CellData.from_columns({"time_s": t, "voltage_V": v, "current_A": i})
    assert set(cd["step"].tolist()) == {1}
    assert set(cd.table.get_column("step_kind").cast(pl.String).to_list()) == {"cv"}


def test_cumulative_charge_is_trapezoid():
    # hand calculation: 1 mA for 10 s then -1 mA for 10 s sampled each second:
    # trapezoid over [9, 10] averages +1 and -1 mA -> 0, so Q(19) = 9 mC - 9 mC = 0
    t = np.arange(20.0)
    i = np.r_[np.full(10, 1e-3), np.full(10, -1e-3)]
    q = cumulative_charge_C(t, i)
    assert q[9] == pytest.approx(9e-3)
    assert q[-1] == pytest.approx(0.0, abs=1e-15)


def test_charge_ignores_time_going_back():
    t = np.array([0.0, 1.0, 2.0, 0.5, 1.5])
    q = cumulative_charge_C(t, np.ones(5))
    assert q.tolist() == [0.0, 1.0, 2.0, 2.0, 3.0]


def test_given_columns_are_kept():
    t, v, i = _square_wave()
    cd = CellData.from_columns(
        {
            "time_s": t,
            "voltage_V": v,
            "current_A": i,
            "step": np.ones(t.size),
            "cycle": np.zeros(t.size),
        }
    )
    assert set(cd["step"].tolist()) == {1}
    assert set(cd["cycle"].tolist()) == {0}
    assert cd.table.schema["step"] == pl.Int32


def test_missing_required_column():
    with pytest.raises(InputError, match="CellData needs a 'current_A' column"):
        CellData.from_columns({"time_s": [0.0], "voltage_V": [0.0]})


def test_non_finite_time():
    with pytest.raises(InputError, match="time_s is not finite at row 1"):
        CellData.from_columns(
            {"time_s": [0.0, np.nan], "voltage_V": [0.0, 0.0], "current_A": [0.0, 0.0]}
        )


def test_bad_step_kind():
    with pytest.raises(InputError, match="step_kind values must be among"):
        CellData.from_columns(
            {"time_s": [0.0], "voltage_V": [0.0], "current_A": [0.0], "step_kind": ["sleeping"]}
        )


def test_bad_area():
    with pytest.raises(InputError, match="'area_m2' must be a positive finite number"):
        Metadata(area_m2=-1.0)


def test_summary():
    t, v, i = _square_wave(n_half=4, per_half=10, rest=3)
    cd = CellData.from_columns(
        {"time_s": t, "voltage_V": v, "current_A": i}, Metadata(area_m2=1e-4)
    )
    s = cd.summary()
    assert s.rows == 52 and s.cycles == 2 and s.steps == 8
    assert s.step_kinds == {"discharge": 20, "charge": 20, "rest": 12}
    assert s.time_span_s == 51.0
    assert s.area_m2 == 1e-4 and s.kind == "cell" and not hasattr(s, "spectra")


def test_empty_table():
    cd = CellData.from_columns({"time_s": [], "voltage_V": [], "current_A": []})
    assert len(cd) == 0 and cd.summary().cycles == 0


def test_parquet_round_trip_keeps_metadata(tmp_path):
    t, v, i = _square_wave()
    meta = Metadata(
        instrument="X",
        format="y",
        start_time=datetime(2024, 5, 1, 12, 0),
        area_m2=1.13e-4,
        techniques=("GCPL",),
        header={"a": 1, "nan": float("nan")},
        notes=("n",),
    )
    cd = CellData.from_columns({"time_s": t, "voltage_V": v, "current_A": i}, meta)
    back = CellData.read_parquet(cd.write_parquet(tmp_path / "x.parquet"))
    assert back.table.equals(cd.table)
    assert back.meta.start_time == meta.start_time and back.meta.area_m2 == meta.area_m2
    assert back.meta.header == {"a": 1, "nan": None}  # NaN is not JSON: stored as null


def test_parquet_garbage(tmp_path):
    p = tmp_path / "bad.parquet"
    p.write_bytes(b"PAR1" + b"\x00" * 20)
    with pytest.raises(FileFormatError, match=r"bad\.parquet' as Parquet"):
        CellData.read_parquet(p)


def test_to_pandas_and_arrow():
    t, v, i = _square_wave()
    cd = CellData.from_columns({"time_s": t, "voltage_V": v, "current_A": i})
    assert cd.to_pandas()["current_A"].tolist() == i.tolist()
    assert cd.to_arrow().num_rows == t.size


def test_impedance_from_columns():
    zd = ImpedanceData.from_columns(
        {"frequency_Hz": [10.0, 1.0], "z_real_ohm": [1, 2], "z_imag_ohm": [-1, -2]}
    )
    assert zd.z.tolist() == [1 - 1j, 2 - 2j]
    assert zd["spectrum"].tolist() == [1, 1]


def test_spectra_with_measurement_times_read_back_as_spectra(tmp_path):
    import lithiophile.io as lio

    # two spectra an hour apart: time_s does not make them cycling data
    cols = {
        "frequency_Hz": [10.0, 1.0, 10.0, 1.0],
        "z_real_ohm": [1.0, 2.0, 1.5, 2.5],
        "z_imag_ohm": [-1.0, -2.0, -1.5, -2.5],
        "time_s": [0.0, 5.0, 3600.0, 3605.0],
    }
    path = ImpedanceData.from_columns(cols).write_parquet(tmp_path / "z.parquet")
    back = lio.read(path)
    assert isinstance(back, ImpedanceData)
    assert back["time_s"].tolist() == cols["time_s"]
    # the same columns without lithiophile's metadata: still spectra (no voltage/current)
    bare = tmp_path / "bare.parquet"
    pl.DataFrame(cols).write_parquet(bare)
    assert isinstance(lio.read(bare), ImpedanceData)


finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.floats(0, 10, allow_nan=False), finite, finite), min_size=1, max_size=60)
)
def test_parquet_round_trip_property(tmp_path_factory, rows):
    dt, v, i = (np.array(c, dtype=float) for c in zip(*rows, strict=True))
    cd = CellData.from_columns({"time_s": np.cumsum(dt), "voltage_V": v, "current_A": i})
    path = tmp_path_factory.mktemp("pq") / "x.parquet"
    assert CellData.read_parquet(cd.write_parquet(path)) == cd
    # invariants of derivation: steps start at 1 and never decrease; cycles never decrease
    assert cd["step"][0] == 1 and (np.diff(cd["step"]) >= 0).all()
    assert (np.diff(cd["cycle"]) >= 0).all()


def test_program_step_numbers_become_step_index():
    # an instrument's program steps repeat each cycle (1, 2, 1, 2): by construction the running
    # count is 1..4 and the program number is kept as step_index
    t, v, i = _square_wave(n_half=4, per_half=3)
    program = np.repeat([1, 2, 1, 2], 3)
    cycle = np.repeat([1, 1, 2, 2], 3)
    cd = CellData.from_columns(
        {"time_s": t, "voltage_V": v, "current_A": i, "step": program, "cycle": cycle}
    )
    assert cd["step"].tolist() == np.repeat([1, 2, 3, 4], 3).tolist()
    assert cd["step_index"].tolist() == program.tolist()
