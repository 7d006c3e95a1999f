"""Each defect class real instrument files show (issue 11), first reproduced by a file the
package writes itself in the offending layout (:mod:`lithiophile.synth.instruments.defects`),
then read right or refused with the promised error. The data are known by construction."""

from __future__ import annotations

import numpy as np
import pytest

import lithiophile.io as lio
from lithiophile.errors import FileFormatError, InputError
from lithiophile.io.celldata import Provenance
from lithiophile.synth.examples import li_li_symmetric, rc_spectrum
from lithiophile.synth.instruments import (
    write_arbin_csv,
    write_biologic_mpr,
    write_biologic_mpt,
)
from lithiophile.synth.instruments.defects import (
    drop_mpt_label,
    drop_trailing_fields,
    set_mpr_area_unit,
    write_neware_nested_csv,
)


@pytest.fixture(scope="module")
def cell():
    return li_li_symmetric(cycles=2)


# -- EC-Lab text export whose header names one column fewer than the rows hold ------------------
@pytest.mark.parametrize("label", ["freq/Hz", "Re(Z)/Ohm", "time/s"])
def test_mpt_header_missing_a_label_is_realigned_and_reported(tmp_path, label):
    spec = rc_spectrum()
    full = write_biologic_mpt(spec, tmp_path / "full.mpt")
    short = drop_mpt_label(full, tmp_path / "short.mpt", label)
    data = lio.read(short)
    # known by construction: the spectrum written (float32 precision in the export)
    np.testing.assert_allclose(data["frequency_Hz"], spec["frequency_Hz"], rtol=2e-7)
    np.testing.assert_allclose(data["z_real_ohm"], spec["z_real_ohm"], rtol=2e-7)
    np.testing.assert_allclose(data["z_imag_ohm"], spec["z_imag_ohm"], rtol=2e-7)
    repairs = [p for p in data.meta.provenance if p.code == "labels-realigned"]
    assert len(repairs) == 1 and repairs[0].kind == "repair"
    assert "line" in repairs[0].where


def test_mpt_header_missing_a_label_never_shifts_silently(tmp_path, cell):
    """Where the columns cannot tell which label is missing, the read fails; it never
    returns the labels shifted by one (the failure seen on a real export)."""
    full = write_biologic_mpt(cell, tmp_path / "full.mpt")
    short = drop_mpt_label(full, tmp_path / "short.mpt", "Energy charge/W.h")
    try:
        data = lio.read(short)
    except FileFormatError as exc:
        assert "labels cannot be matched to the columns" in str(exc)
        return
    # if read, it is right: time, voltage and current as written
    np.testing.assert_allclose(data["time_s"], cell["time_s"], rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(data["current_A"], cell["current_A"], rtol=1e-6)
    assert any(p.code == "labels-realigned" for p in data.meta.provenance)


# -- .mpr area in mm^2 ---------------------------------------------------------------------------
def test_mpr_area_unit_code_3_is_mm2(tmp_path, cell):
    base = write_biologic_mpr(cell, tmp_path / "cm2.mpr")
    p = set_mpr_area_unit(base, tmp_path / "mm2.mpr", 113.1, 3)
    data = lio.read(p)
    # 113.1 mm^2 = 1.131e-4 m^2 (float32 of 113.1)
    assert data.meta.area_m2 == pytest.approx(113.1e-6, rel=1e-7)  # float32 precision


def test_mpr_unknown_area_unit_is_reported_not_guessed(tmp_path, cell):
    base = write_biologic_mpr(cell, tmp_path / "cm2.mpr")
    p = set_mpr_area_unit(base, tmp_path / "odd.mpr", 5.0, 9)
    data = lio.read(p)
    assert data.meta.area_m2 is None
    assert any("unit code 9" in str(e) for e in data.meta.all_provenance())


# -- Arbin CSV: sparse trailing fields on the last row -------------------------------------------
@pytest.mark.parametrize("dropped", [1, 2])
def test_arbin_sparse_last_row_is_not_truncation(tmp_path, cell, dropped):
    full = write_arbin_csv(cell, tmp_path / "full.csv")
    p = drop_trailing_fields(full, tmp_path / "sparse.csv", dropped)  # dV/dt, internal R
    data = lio.read(p)
    assert len(data) == len(cell)
    np.testing.assert_allclose(data["voltage_V"], cell["voltage_V"], rtol=1e-7)


def test_arbin_cut_last_row_names_the_right_line(tmp_path, cell):
    full = write_arbin_csv(cell, tmp_path / "full.csv")
    p = drop_trailing_fields(full, tmp_path / "cut.csv", 6)  # the capacities go too
    n_lines = p.read_bytes().rstrip(b"\r\n").count(b"\n") + 1  # header + rows
    with pytest.raises(FileFormatError, match=rf"the last line \(line {n_lines}\) has no value"):
        lio.read(p)


# -- Neware BTSDA nested export whose first line holds the cycle and the first step -------------
@pytest.mark.parametrize("merged", [False, True])
def test_neware_nested_first_line_cycle_and_step(tmp_path, cell, merged):
    p = write_neware_nested_csv(cell, tmp_path / "nested.csv", merge_first_cycle_and_step=merged)
    data = lio.read(p)
    assert data.meta.format == "neware-csv"
    assert len(data) == len(cell)
    # step times written to 1 ms: the record times equal the source's
    np.testing.assert_allclose(data["time_s"], cell["time_s"], atol=2e-3)
    np.testing.assert_allclose(data["current_A"], cell["current_A"], atol=1e-9)
    np.testing.assert_array_equal(data["step"], cell["step"])


# -- the shared validator ------------------------------------------------------------------------
def test_validator_refuses_backwards_time_inside_a_step(tmp_path, cell):
    cols = {c: cell[c].copy() for c in ("time_s", "voltage_V", "current_A")}
    cols["time_s"][10] = cols["time_s"][8] - 0.5  # inside the first step, by construction
    p = write_biologic_mpr(cols, tmp_path / "back.mpr")
    with pytest.raises(FileFormatError, match=r"time_s runs backwards inside step \d+ at data row"):
        lio.read(p)


def test_validator_refuses_impossible_voltage(tmp_path, cell):
    cols = {c: cell[c].copy() for c in ("time_s", "voltage_V", "current_A")}
    cols["voltage_V"][3] = 5e4  # no cell-test instrument measures 50 kV
    p = write_biologic_mpr(cols, tmp_path / "volt.mpr")
    with pytest.raises(FileFormatError, match=r"voltage_V is 50000 at data row 4, beyond the 1000"):
        lio.read(p)


def test_provenance_round_trips_parquet(tmp_path, cell):
    meta = cell.meta.with_provenance(Provenance("repair", "rows dropped", "rows 3-4", "x"))
    cell.meta = meta
    out = cell.write_parquet(tmp_path / "c.parquet")
    back = type(cell).read_parquet(out)
    assert back.meta.provenance == meta.provenance
    with pytest.raises(ValueError, match="Provenance kind must be one of"):
        Provenance("guess", "x")


# -- text exports: line ends and anonymised headers ----------------------------------------------
@pytest.mark.parametrize(
    ("writer", "variant"),
    [
        (write_biologic_mpt, "lf"),
        (write_biologic_mpt, "anonymised"),
        (write_biologic_mpt, "decimal-comma"),  # EC-Lab's French/German exports
        (write_arbin_csv, "lf"),
        (write_arbin_csv, "anonymised"),  # Arbin writes decimal points whatever the locale
    ],
    ids=["mpt-lf", "mpt-anonymised", "mpt-decimal-comma", "arbin-lf", "arbin-anonymised"],
)
def test_text_export_variants_read_the_same(tmp_path, cell, writer, variant):
    import re

    kw = {"decimal_comma": True} if variant == "decimal-comma" else {}
    p = writer(cell, tmp_path / ("x" + (".mpt" if writer is write_biologic_mpt else ".csv")), **kw)
    raw = p.read_bytes()
    if variant == "lf":
        raw = raw.replace(b"\r\n", b"\n")
    elif variant == "anonymised":  # dates masked as a lab does before sharing a file
        raw = re.sub(rb"\d{2}/\d{2}/\d{4}", b"xx/xx/xxxx", raw)
    p.write_bytes(raw)
    data = lio.read(p)
    np.testing.assert_allclose(data["current_A"], cell["current_A"], rtol=1e-6)
    np.testing.assert_allclose(data["time_s"], cell["time_s"], rtol=0, atol=1e-3)
    if variant == "anonymised":
        assert data.meta.start_time is None  # unknown, not guessed


# -- the instrument's charge counter -------------------------------------------------------------
def test_charge_counter_used_and_cross_checked(tmp_path):
    """By construction: +-1 mA switching every 3 records, 10 s apart. The counter (what the
    instrument integrates) passes 1 mA x 10 s per interval; the trapezoid over the records
    averages +1 and -1 to 0 on every switching interval (1 in 3): 1/3 of the charge missed."""
    n = 600
    t = np.arange(n) * 10.0
    i = np.where((np.arange(n) // 3) % 2 == 0, 1e-3, -1e-3)
    p = write_biologic_mpr(
        {"time_s": t, "voltage_V": np.sign(i) * 0.05, "current_A": i}, tmp_path / "sw.mpr"
    )
    data = lio.read(p)
    dq = np.diff(data["charge_C"])
    np.testing.assert_allclose(np.abs(dq), 1e-3 * 10.0, rtol=1e-6)  # the counter's steps
    codes = {e.code: e for e in data.meta.provenance}
    assert "charge-from-counter" in codes
    entry = codes["charge-counter-differs"]
    assert entry.kind == "cross-check"
    # throughput: counter (n-1) x 0.01 C; trapezoid misses the switching intervals
    switches = int(np.count_nonzero(np.diff(i)))
    expected = 100 * switches / (n - 1 - switches)
    assert f"{expected:+.2f} %" in entry.what


def test_charge_counter_agreeing_is_not_reported(tmp_path, cell):
    data = lio.read(write_biologic_mpr(cell, tmp_path / "steady.mpr"))
    codes = [e.code for e in data.meta.provenance]
    assert "charge-from-counter" in codes and "charge-counter-differs" not in codes


def test_area_option_out_of_range_is_refused(tmp_path, cell):
    p = write_biologic_mpr(cell, tmp_path / "c.mpr")
    with pytest.raises(InputError, match=r"within the 1e-12 to 100 m\^2 an electrode can have"):
        lio.read(p, area_m2=1e296)  # 1e300 cm^2
    data = lio.read(p, area_m2=1.13e-4)
    assert any("as given" in e.what for e in data.meta.provenance)


def test_arbin_capacity_counters_give_the_charge(tmp_path, cell):
    """Arbin's Charge/Discharge_Capacity restart each cycle; the running signed charge built
    from them equals what the .mpr layout's (Q-Qo) counter gives for the same data (both
    writers count the current of each row over the interval before it)."""
    arbin = lio.read(write_arbin_csv(cell, tmp_path / "c.csv"))
    mpr = lio.read(write_biologic_mpr(cell, tmp_path / "c.mpr"))
    assert "charge-from-counter" in [e.code for e in arbin.meta.provenance]
    # capacities written to 8 significant digits of A.h
    np.testing.assert_allclose(arbin["charge_C"], mpr["charge_C"], rtol=0, atol=1e-6)


# -- .mpr: unknown column ids whose sizes cannot be told apart ---------------------------------
def _patch_mpr_ids(src, dest, repl):
    """Copy of an .mpr written by write_biologic_mpr with column ids replaced (short v3
    module header: 'MODULE', names, length, version, date = 57 bytes, then n (u32), the
    column count (u8) and the ids (u16))."""
    import struct

    data = bytearray(src.read_bytes())
    at = data.find(b"MODULEVMP data") + 57
    count = data[at + 4]
    ids = list(struct.unpack_from(f"<{count}H", data, at + 5))
    for old, new in repl.items():
        struct.pack_into("<H", data, at + 5 + 2 * ids.index(old), new)
    dest.write_bytes(bytes(data))
    return dest


def test_mpr_ambiguous_unknown_ids_keep_the_file(tmp_path, cell):
    """By construction: ids 467 (8 bytes) and 70 (4 bytes) renamed to unknown ids 900 and
    901, with 'half cycle' (468, an integer) between them: 8+4 and 4+8 bytes fit equally well.
    The span is kept as raw bytes with a warning; time, voltage and current still read."""
    from lithiophile.errors import UnknownColumnWarning

    src = write_biologic_mpr(cell, tmp_path / "src.mpr")
    p = _patch_mpr_ids(src, tmp_path / "ambiguous.mpr", {467: 900, 70: 901})
    with pytest.warns(UnknownColumnWarning, match=r"ids \[900, 468, 901\] -> raw_id_900_468_901"):
        data = lio.read(p)
    ref = lio.read(src)
    for col in ("time_s", "voltage_V", "current_A"):
        np.testing.assert_array_equal(data[col], ref[col])
    raw = data.table["raw_id_900_468_901"]
    assert len(raw) == len(cell) and len(raw[0]) == 16  # 8 + 4 + 4 bytes per row


# -- vendor-neutral tables: recognised by their column names, no --map needed --------------------
@pytest.mark.parametrize(
    ("labels", "time_factor", "current_factor"),
    [
        (("Corrected time (s)", "WE(1).Potential (V)", "WE(1).Current (A)"), 1.0, 1.0),  # NOVA
        (("~Time[h]", "U[V]", "I[A]"), 3600.0, 1.0),  # BaSyTec
        (("Run Time (h)", "Potential (V)", "Current (A)"), 3600.0, 1.0),  # Novonix
        (("Elapsed Time (s)", "Working Electrode (V)", "Current (mA)"), 1.0, 1e-3),  # Squidstat
        (("Time/sec", "Potential/V", "Current/A"), 1.0, 1.0),  # CH Instruments
    ],
)
def test_vendor_tables_read_without_a_map(tmp_path, cell, labels, time_factor, current_factor):
    """Values written in the vendor's units (known by construction) come back in SI, and the
    metadata say which columns were chosen."""
    t, v, i = cell["time_s"][:50], cell["voltage_V"][:50], cell["current_A"][:50]
    rows = [
        "\t".join(f"{x:.10g}" for x in (a / time_factor, b, c / current_factor))
        for a, b, c in zip(t, v, i, strict=True)
    ]
    p = tmp_path / "export.txt"
    p.write_text("\t".join(labels) + "\n" + "\n".join(rows) + "\n")
    data = lio.read(p)
    assert data.meta.format == "generic-csv"
    np.testing.assert_allclose(data["time_s"], t, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(data["current_A"], i, rtol=1e-9)
    np.testing.assert_allclose(data["voltage_V"], v, rtol=1e-9)
    said = " ".join(data.meta.notes)
    assert all(lab in said for lab in labels)  # the mapping chosen is stated


def test_text_in_a_numeric_column_is_counted(tmp_path):
    """Two cells of a spectrum's voltage column hold text: counted and reported, rows kept."""
    from lithiophile.io.celldata import ImpedanceData
    from lithiophile.io.validate import check

    spec = ImpedanceData.from_columns(
        {
            "frequency_Hz": [1e3, 1e2, 1e1, 1.0],
            "z_real_ohm": [10.0, 11.0, 15.0, 30.0],
            "z_imag_ohm": [-1.0, -3.0, -8.0, -2.0],
            "voltage_V": ["0.1", "n/a", "0.1", "--"],
        }
    )
    checked = check(spec, "s.csv", "a test table")
    entry = next(e for e in checked.meta.provenance if e.code == "text-in-numeric-column")
    assert entry.what.startswith("2 of 4 cells of voltage_V hold text")
    assert len(checked) == 4


def test_net_charge_from_restarting_capacity_counters():
    """Hand calculation: charge counter 0, 1, 3 then restarts (a new step) at 2, 2;
    discharge counter 0, 0, 0, then 0, 4. Increments: +1, +2, +2 (restart: its value),
    then -4 -> running charge 0, 1, 3, 5, 1."""
    from lithiophile.io.charge import net_from_capacities

    charge = np.array([0.0, 1.0, 3.0, 2.0, 2.0])
    discharge = np.array([0.0, 0.0, 0.0, 0.0, 4.0])
    np.testing.assert_array_equal(net_from_capacities(charge, discharge), [0, 1, 3, 5, 1])
