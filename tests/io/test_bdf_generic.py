"""Battery Data Format CSV, generic tables with a column map, and Parquet as a read format."""

import numpy as np
import polars as pl
import pytest
from tests.conftest import file_digest

import lithiophile.io as lio
from lithiophile.errors import FileFormatError, InputError
from lithiophile.io import bdf
from lithiophile.io.generic import parse_map
from lithiophile.synth.examples import li_li_symmetric, rc_spectrum


@pytest.fixture
def cell():
    return li_li_symmetric(cycles=2, sample_s=60.0)


def test_bdf_round_trip(tmp_path, cell):
    path = bdf.write(cell, tmp_path / "c.csv")
    header = path.read_text().splitlines()[0].split(",")
    # labels from the Battery Data Alliance term list
    assert header[:6] == [
        "Test Time / s",
        "Voltage / V",
        "Current / A",
        "Net Capacity / Ah",
        "Cycle Count / 1",
        "Step Count / 1",
    ]
    back = lio.read(path)
    assert lio.detect(path).name == "bdf-csv"
    assert back.table.drop("charge_C").equals(cell.table.drop("charge_C"))
    # charge goes through Ah (x 1/3600, x 3600): equal to rounding
    np.testing.assert_allclose(back["charge_C"], cell["charge_C"], rtol=1e-14, atol=1e-15)


def test_bdf_capacity_in_ah(tmp_path, cell):
    path = bdf.write(cell, tmp_path / "c.csv")
    frame = pl.read_csv(path)
    # 1 Ah = 3600 C
    np.testing.assert_allclose(
        frame["Net Capacity / Ah"].to_numpy() * 3600, cell["charge_C"], rtol=1e-12
    )


def test_bdf_impedance_round_trip(tmp_path):
    z = rc_spectrum()
    back = lio.read(bdf.write(z, tmp_path / "z.csv"))
    assert isinstance(back, lio.ImpedanceData)
    np.testing.assert_array_equal(back.z, z.z)


def test_bdf_from_other_tool_with_temperature(tmp_path):
    # a BDF file as another tool writes it: hand-made, temperature in degC
    p = tmp_path / "other.csv"
    p.write_text(
        "Test Time / s,Voltage / V,Current / A,Surface Temperature T1 / degC\n"
        "0,3.0,0.1,25.0\n1,3.1,0.1,25.5\n"
    )
    d = lio.read(p)
    assert d["temperature_K"].tolist() == pytest.approx([298.15, 298.65])
    assert d["charge_C"].tolist() == pytest.approx([0.0, 0.1])  # 0.1 A for 1 s


def test_bdf_missing_voltage(tmp_path):
    p = tmp_path / "bad.csv"
    p.write_text("Test Time / s,Voltage / V,Current / A\n0,1,2\n")
    p.write_text("Test Time / s,Current / A,Voltage / V\n")  # no rows
    assert lio.detect(p).name == "bdf-csv"
    p2 = tmp_path / "bad2.csv"
    p2.write_text("Test Time / s,Current / A,Volts\n0,1,2\n")
    with pytest.raises(
        FileFormatError,
        match=r"bad2.csv' as Battery Data Format CSV: required columns \['Voltage / V'\]",
    ):
        lio.read(p2, format="bdf-csv")


def test_generic_with_map_and_units(tmp_path):
    # hand-made table: time in min, potential in mV, current in uA, European separators
    p = tmp_path / "lab.txt"
    p.write_text("t (min);E (mV);I (uA)\n0,0;-20,0;-100\n0,5;-21,0;-100\n1,0;19,0;100\n")
    before = file_digest(p)
    d = lio.read(p, column_map={"time": "t (min)", "voltage": "E (mV)", "current": "I (uA)"})
    assert d["time_s"].tolist() == [0.0, 30.0, 60.0]
    assert d["voltage_V"].tolist() == pytest.approx([-0.020, -0.021, 0.019])
    assert d["current_A"].tolist() == pytest.approx([-1e-4, -1e-4, 1e-4])
    assert file_digest(p) == before


def test_generic_clock_times(tmp_path):
    p = tmp_path / "clock.csv"
    p.write_text(
        "Time,Voltage(V),Current(mA)\n00:00:00,0.1,1\n00:01:00.5,0.1,1\n1 d 00:00:00,0.1,1\n"
    )
    d = lio.read(p, format="generic-csv")
    assert d["time_s"].tolist() == [0.0, 60.5, 86400.0]


def test_generic_xlsx(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Time/s", "Ewe/V", "I/mA"])
    for k in range(5):
        ws.append([float(k), 0.01 * k, -1.0])
    p = tmp_path / "t.xlsx"
    wb.save(p)
    d = lio.read(p, column_map={"time": "Time/s", "voltage": "Ewe/V", "current": "I/mA"})
    assert d["current_A"].tolist() == [-1e-3] * 5


def test_parse_map():
    assert parse_map("time=Time(s),voltage=Ewe/V, current = I/mA") == {
        "time": "Time(s)",
        "voltage": "Ewe/V",
        "current": "I/mA",
    }
    with pytest.raises(InputError, match="role=label"):
        parse_map("time")
    with pytest.raises(InputError, match="unknown role 'volts'"):
        parse_map("volts=V")


def test_generic_map_names_missing_column(tmp_path):
    p = tmp_path / "a.csv"
    p.write_text("time,voltage,current\n0,1,2\n")
    with pytest.raises(InputError, match=r"names 'Ewe/V' for voltage, but .* has no such column"):
        lio.read(p, column_map={"time": "time", "voltage": "Ewe/V", "current": "current"})


def test_generic_bad_unit(tmp_path):
    p = tmp_path / "a.csv"
    p.write_text("time (s),voltage (bananas),current (A)\n0,1,2\n1,1,2\n")
    with pytest.raises(FileFormatError, match="header unit not understood"):
        lio.read(p, format="generic-csv")


def test_unrecognised_text(tmp_path):
    p = tmp_path / "notes.txt"
    p.write_text("this is not a data file\njust words\n")
    with pytest.raises(
        FileFormatError, match=r"notes\.txt' as any supported format: its content matches none"
    ):
        lio.read(p)


def test_empty_file(tmp_path):
    p = tmp_path / "e.csv"
    p.write_bytes(b"")
    with pytest.raises(FileFormatError, match="the file is empty"):
        lio.read(p)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        lio.read(tmp_path / "nope.mpr")
    with pytest.raises(InputError, match="is a folder"):
        lio.read(tmp_path)


def test_unknown_format_name(tmp_path):
    p = tmp_path / "a.csv"
    p.write_text("x")
    with pytest.raises(InputError, match="unknown format 'biologic'; choose one of"):
        lio.read(p, format="biologic")


def test_area_override(tmp_path, cell):
    path = cell.write_parquet(tmp_path / "c.parquet")
    assert lio.read(path, area_m2=2e-4).meta.area_m2 == 2e-4
    with pytest.raises(InputError, match="area_m2 must be a positive"):
        lio.read(path, area_m2=-1.0)


def test_sha256_recorded(tmp_path, cell):
    import hashlib

    path = cell.write_parquet(tmp_path / "c.parquet")
    assert lio.read(path).meta.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
