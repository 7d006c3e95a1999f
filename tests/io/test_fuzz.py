"""Fuzz every reader: mutated files give either a valid table or our own error, never a crash.

Each format starts from a small real file (../shared, skipped when absent) or one the project
makes itself; hypothesis truncates it, flips, inserts, deletes and duplicates bytes, and the
reader must answer with CellData/ImpedanceData that pass the physical invariants every read
promises (:mod:`lithiophile.io.validate`: finite time never running backwards inside a step,
finite positive frequencies, voltages and currents an instrument can measure), or with the
error class promised for bad content: FileFormatError (and nothing else). The reader
modules are called directly, so the safety net of ``lithiophile.io.read`` (which turns any
unforeseen exception into a FileFormatError) cannot hide a reader that crashes. A watchdog
fails any read that hangs.
"""

from __future__ import annotations

import os
import signal
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import SHARED_CYCLER, skip_unless_mdbtools

from lithiophile.errors import FileFormatError, UnknownColumnWarning
from lithiophile.io import bdf
from lithiophile.io.celldata import PROVENANCE_KINDS, CellData, ImpedanceData
from lithiophile.io.registry import get_format
from lithiophile.io.validate import MAX_ABS_CURRENT_A, MAX_ABS_VOLTAGE_V, check
from lithiophile.synth.examples import li_li_symmetric, rc_spectrum
from lithiophile.synth.instruments import WRITERS

EXAMPLES = int(os.environ.get("LITHIOPHILE_FUZZ_EXAMPLES", "1000"))

# format -> seed file in ../shared/data/cycler (smallest of its kind there)
SHARED_SEEDS = {
    "biologic-mpr": "yadg__ocv.issue_149.mpr",
    "biologic-mpt": "yadg__ocv.issue_149.mpt",
    "neware-nda": "newarenda__Issue94_Unit27_Example_Data_File.ndax",
    "arbin-res": "navani__arbin_example.res",
    "arbin-csv": "beep__2017-05-09_test-TC-contact_CH33.csv",
    "maccor-text": "bdtk__maccor_example.001",
    "maccor-eis": "beep__maccor_test_file_4267-66-6519.EDA0001.041",
    "gamry-dta": "impedancepy__exampleDataGamry.DTA",
    "zplot": "impedancepy__Circuit1_EIS_1.z",
    "impedance-csv": "impedancepy__exampleData.csv",
    "vendor-eis": "hybdrt__PEIS_LPSCl_IonBlocking_-25C_RelaxIS.txt",
}
# vendor layouts written by lithiophile.synth.instruments: fuzzed even without ../shared
INSTRUMENT_SEEDS = {
    "biologic-mpr": ".mpr",
    "biologic-mpt": ".mpt",
    "maccor-text": ".001",
    "neware-csv": ".csv",
    "arbin-csv": ".csv",
    "land": ".csv",
    "gamry-dta": ".DTA",
    "zplot": ".z",
}
# formats whose seed is cut from a bigger shared file (first N lines)
SHARED_HEADS = {"neware-csv": ("cellpy__neware_uio.csv", 60)}
EXTRA_SHARED_SEEDS = {
    "neware-nda": "newarenda__new_nda_file.nda",
    "biologic-mpr": "yadg__peis.issue_149.mpr",
    "vendor-eis": "palmsens__BatteryCurve.pssession",
}


def _own_seed(fmt: str, folder: Path) -> Path:
    cell = li_li_symmetric(cycles=1, sample_s=300.0)
    if fmt in INSTRUMENT_SEEDS:  # vendor layouts the project writes itself (no ../shared needed)
        data = rc_spectrum(points_per_decade=3) if fmt in ("gamry-dta", "zplot") else cell
        return WRITERS[fmt](data, folder / f"seed{INSTRUMENT_SEEDS[fmt]}")
    if fmt == "bdf-csv":
        return bdf.write(cell, folder / "seed.csv")
    if fmt == "parquet":
        return cell.write_parquet(folder / "seed.parquet")
    if fmt == "generic-csv":
        p = folder / "seed.csv"
        rows = "\n".join(
            f"{t},{v},{i * 1e3}"
            for t, v, i in zip(cell["time_s"], cell["voltage_V"], cell["current_A"], strict=True)
        )
        p.write_text("Time (s),Ewe (V),I (mA)\n" + rows + "\n")
        return p
    if fmt == "impedance-csv-own":
        z = rc_spectrum(points_per_decade=3)
        p = folder / "seed.csv"
        np.savetxt(
            p,
            np.column_stack([z["frequency_Hz"], z["z_real_ohm"], -z["z_imag_ohm"]]),
            delimiter=",",
        )
        return p
    raise KeyError(fmt)


def _seed_bytes(case: str, folder: Path) -> tuple[str, bytes, str]:
    fmt, _, source = case.partition(":")
    if source == "own":
        path = _own_seed(fmt if fmt != "impedance-csv" else "impedance-csv-own", folder)
        return fmt, path.read_bytes(), path.suffix
    if source == "head":
        name, lines = SHARED_HEADS[fmt]
    else:
        name = source
        lines = 0
    path = SHARED_CYCLER / name
    if not path.is_file():
        pytest.skip(f"seed {name} not found in {SHARED_CYCLER} (no ../shared checkout)")
    skip_unless_mdbtools(name)
    data = path.read_bytes()
    if lines:
        data = b"\n".join(data.split(b"\n")[:lines]) + b"\n"
    return fmt, data, "".join(path.suffixes[-1:])


CASES = (
    [f"{f}:{n}" for f, n in SHARED_SEEDS.items()]
    + [f"{f}:{n}" for f, n in EXTRA_SHARED_SEEDS.items()]
    + [f"{f}:head" for f in SHARED_HEADS]
    + [f"{f}:own" for f in ("bdf-csv", "parquet", "generic-csv", "impedance-csv")]
    + [f"{f}:own" for f in INSTRUMENT_SEEDS]
)

mutation = st.one_of(
    st.tuples(st.just("truncate"), st.floats(0, 1)),
    st.tuples(st.just("flip"), st.floats(0, 1), st.integers(1, 255)),
    st.tuples(st.just("insert"), st.floats(0, 1), st.binary(min_size=1, max_size=16)),
    st.tuples(st.just("delete"), st.floats(0, 1), st.integers(1, 64)),
    st.tuples(st.just("duplicate"), st.floats(0, 1), st.integers(1, 256)),
    st.tuples(st.just("zero"), st.floats(0, 1), st.integers(1, 512)),
)


def _mutate(data: bytes, ops) -> bytes:
    buf = bytearray(data)
    for op in ops:
        if not buf:
            break
        at = min(int(op[1] * len(buf)), len(buf) - 1)
        kind = op[0]
        if kind == "truncate":
            del buf[at:]
        elif kind == "flip":
            buf[at] ^= op[2]
        elif kind == "insert":
            buf[at:at] = op[2]
        elif kind == "delete":
            del buf[at : at + op[2]]
        elif kind == "duplicate":
            buf[at:at] = buf[at : at + op[2]]
        elif kind == "zero":
            end = min(len(buf), at + op[2])
            buf[at:end] = bytes(end - at)
    return bytes(buf)


class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang("reader did not return within 60 s")


def _check_outcome(result):
    """The invariants of every successful read (issue 11 item 1), checked here directly."""
    assert isinstance(result, CellData | ImpedanceData)
    n = len(result)
    for col in result.REQUIRED:
        assert result.table.get_column(col).len() == n
    if isinstance(result, CellData):
        t, step = result["time_s"], result["step"]
        assert np.isfinite(t).all()
        back = np.flatnonzero(np.diff(t) < 0) + 1
        assert (step[back] != step[back - 1]).all()  # the clock restarts only at a new step
        with np.errstate(invalid="ignore"):
            assert not (np.abs(result["voltage_V"]) > MAX_ABS_VOLTAGE_V).any()
            assert not (np.abs(result["current_A"]) > MAX_ABS_CURRENT_A).any()
    else:
        f = result["frequency_Hz"]
        assert np.isfinite(f).all() and (f > 0).all()
    for entry in result.meta.provenance:
        assert entry.kind in PROVENANCE_KINDS


def _read_checked(module, target, description):
    """What ``lithiophile.io.read`` returns: the reader's data after the shared validator."""
    return check(module.read(target), target, description)


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES)
def test_reader_survives_mutations(case, tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    fmt_name, seed, suffix = _seed_bytes(case, folder)
    fmt = get_format(fmt_name)
    module = fmt.load()
    target = folder / f"mutant{suffix}"
    target.write_bytes(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnknownColumnWarning)
        _check_outcome(_read_checked(module, target, fmt.description))  # the seed reads

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(ops=st.lists(mutation, min_size=1, max_size=4))
    def one(ops):
        target.write_bytes(_mutate(seed, ops))
        old = signal.signal(signal.SIGALRM, _alarm)
        signal.alarm(60)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = _read_checked(module, target, fmt.description)
        except FileFormatError:
            return  # the error class promised for bad content
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, old)
        _check_outcome(result)

    one()
