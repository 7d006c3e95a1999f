"""Every file in ../shared/data/cycler reads, detected from its content, with the row count its
MANIFEST.md records (the count other readers - galvani, NewareNDA, fastnda, pandas, cellpy -
got from the same file, as documented there). Skipped when ../shared is absent.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest
from tests.conftest import SHARED_CYCLER, file_digest, skip_unless_mdbtools

import lithiophile.io as lio
from lithiophile.errors import UnknownColumnWarning
from lithiophile.io import biologic_mpr, biologic_mpt
from lithiophile.io.celldata import CellData, ImpedanceData

MANIFEST = SHARED_CYCLER / "MANIFEST.md"


def _manifest_rows() -> dict[str, int]:
    if not MANIFEST.is_file():
        return {}
    out = {}
    for line in MANIFEST.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^\| `([^`]+)` \|", line)
        if not m:
            continue
        counts = (
            re.findall(r"OK (\d+) rows", line)
            or re.findall(r"record: (\d+)x\d+", line)  # BTSDA xlsx: the record sheet's rows
            or re.findall(r"arrays x (\d+) points", line)  # .pssession: points per array
        )
        if counts:
            out[m.group(1)] = int(counts[0])
    return out


ROWS = _manifest_rows()


@pytest.mark.skipif(not ROWS, reason=f"{MANIFEST} not found (no ../shared checkout)")
def test_manifest_lists_every_file():
    on_disk = {p.name for p in SHARED_CYCLER.iterdir() if p.name != "MANIFEST.md"}
    assert on_disk == set(ROWS)


@pytest.mark.parametrize("name", sorted(ROWS) or ["<no ../shared>"])
def test_every_shared_file_reads_with_manifest_row_count(name):
    path = SHARED_CYCLER / name
    if not path.is_file():
        pytest.skip(f"{path} not found (no ../shared checkout)")
    skip_unless_mdbtools(name)
    before = file_digest(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnknownColumnWarning)  # pinned per file in the reader tests
        data = lio.read(path)
    assert len(data) == ROWS[name]
    assert data.meta.sha256 == before[0]
    assert file_digest(path) == before  # the reader left the file untouched


# -- what each file holds, as MANIFEST.md says, and the same arrays as the reference readers ----
def _manifest_techniques() -> dict[str, str]:
    if not MANIFEST.is_file():
        return {}
    out = {}
    for line in MANIFEST.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.split("|")]
        m = re.match(r"^`([^`]+)`$", cells[1]) if len(cells) > 5 else None
        if m:
            out[m.group(1)] = cells[4]  # | file | source path | cycler / format | technique |
    return out


TECHNIQUES = _manifest_techniques()
_EIS_FIRST_WORDS = {"EIS", "PEIS", "GEIS", "synthetic"}


@pytest.mark.parametrize("name", sorted(TECHNIQUES) or ["<no ../shared>"])
def test_every_shared_file_kind_and_invariants(name):
    """Spectra for the files MANIFEST.md lists as (P/G)EIS, cell data for the rest; every read
    passes the physical invariants (finite positive frequencies, time non-decreasing inside a
    step, voltages and currents an instrument can measure)."""
    path = SHARED_CYCLER / name
    if not path.is_file():
        pytest.skip(f"{path} not found (no ../shared checkout)")
    skip_unless_mdbtools(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnknownColumnWarning)
        data = lio.read(path)
    is_eis = TECHNIQUES[name].split()[0] in _EIS_FIRST_WORDS
    assert isinstance(data, ImpedanceData if is_eis else CellData), TECHNIQUES[name]
    if is_eis:
        f = data["frequency_Hz"]
        assert np.isfinite(f).all() and (f > 0).all()
        assert np.isfinite(data["z_real_ohm"]).all()
    else:
        t, step = data["time_s"], data["step"]
        back = np.flatnonzero(np.diff(t) < 0) + 1
        assert (step[back] != step[back - 1]).all()
        assert np.nanmax(np.abs(data["voltage_V"])) < 1000
        assert np.nanmax(np.abs(data["current_A"]), initial=0.0) < 10_000
    for entry in data.meta.provenance:
        assert entry.kind in ("assumption", "repair", "warning", "cross-check")


MPR = sorted(n for n in ROWS if n.endswith(".mpr")) or ["<no ../shared>"]


@pytest.mark.parametrize("name", MPR)
def test_every_shared_mpr_equals_galvani(name):
    """Every column galvani 0.5.0 decodes (a GPL reference reader, run here as a test-time
    cross-check) equals ours value for value; its flags byte equals ours bit by bit."""
    galvani = pytest.importorskip("galvani.BioLogic")
    path = SHARED_CYCLER / name
    if not path.is_file():
        pytest.skip(f"{path} not found (no ../shared checkout)")
    ref = galvani.MPRfile(str(path)).data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnknownColumnWarning)
        ours, _ = biologic_mpr.parse(path)
    for col in ref.dtype.names:
        if col == "flags":
            byte = ref["flags"].astype(np.uint8)
            for label, mask in (("mode", 0x03), ("ox/red", 0x04), ("error", 0x08)):
                if label in ours:
                    shift = (mask & -mask).bit_length() - 1
                    np.testing.assert_array_equal(ours[label], (byte & mask) >> shift, label)
            continue
        np.testing.assert_array_equal(np.asarray(ours[col]), ref[col], col)
    data = lio.read(path)
    if isinstance(data, CellData) and "I/mA" in ours:
        # BioLogic writes anodic current positive, as the package does: current_A = I/mA / 1000
        np.testing.assert_allclose(data["current_A"], ref["I/mA"] / 1000.0, rtol=1e-7)


TWINS = [
    "yadg__cp.issue_149",
    "yadg__gcpl.issue_149",
    "yadg__mb.issue_95",
    "yadg__ocv.issue_149",
    "yadg__gcpl.pr_182.1",
]
FLAGS = ("mode", "ox/red", "error", "control changes", "Ns changes", "counter inc.")


@pytest.mark.parametrize("stem", TWINS)
def test_mpr_flags_row_by_row_against_mpt_twin(shared, stem):
    """The flag bits decoded from the .mpr equal, row by row, the columns EC-Lab itself wrote
    in the .mpt exported from the same run (so a swapped ox/red and error mask fails)."""
    mpr, _ = biologic_mpr.parse(shared(stem + ".mpr"))
    mpt, _ = biologic_mpt.parse(shared(stem + ".mpt"))
    compared = [f for f in FLAGS if f in mpr and f in mpt]
    assert {"mode", "error"} <= set(compared)
    for flag in compared:
        np.testing.assert_array_equal(mpr[flag], mpt[flag], flag)
    if "ox/red" in compared:  # the bits differ somewhere, so a swap is caught
        assert not np.array_equal(mpt["ox/red"], mpt["error"])


def test_relaxis_export_equals_its_mpr(shared):
    """The RelaxIS export of spectrum #61 holds the frequencies and impedances of the .mpr it
    was made from (hybdrt's tutorial data; float32 in the .mpr, 17 digits in the export)."""
    mpr = lio.read(shared("hybdrt__PEIS_LPSCl_IonBlocking_-25C.mpr"))
    rx = lio.read(shared("hybdrt__PEIS_LPSCl_IonBlocking_-25C_RelaxIS.txt"))
    assert rx.meta.format == "relaxis-text" and len(rx) == 79
    order = np.argsort(mpr["frequency_Hz"])
    np.testing.assert_allclose(np.sort(rx["frequency_Hz"]), mpr["frequency_Hz"][order], rtol=1e-6)
    rx_order = np.argsort(rx["frequency_Hz"])
    np.testing.assert_allclose(rx["z_real_ohm"][rx_order], mpr["z_real_ohm"][order], rtol=1e-5)
    np.testing.assert_allclose(rx["z_imag_ohm"][rx_order], mpr["z_imag_ohm"][order], rtol=1e-5)


def test_pssession_reads_with_its_own_modulus(shared):
    """PalmSens writes |Z| and the phase beside Z' and -Z'': hypot(Re, Im) equals its |Z| and
    the phase of Re + j Im equals minus its '-Phase' array (internal consistency of sign and
    units; values read independently with json here)."""
    import json

    path = shared("palmsens__BatteryCurve.pssession")
    data = lio.read(path)
    text = path.read_bytes().decode("utf-16")
    doc = json.loads(text[: text.rfind("}") + 1].lstrip("\ufeff"))
    arrays = {
        a["description"]: np.array([d["v"] for d in a["datavalues"]])
        for a in doc["measurements"][0]["dataset"]["values"]
        if a["description"] in ("Z", "Phase", "Frequency")
    }
    assert len(data) == 50 and data["frequency_Hz"][0] == 12500.0
    np.testing.assert_allclose(np.abs(data.z), arrays["Z"], rtol=1e-5)
    np.testing.assert_allclose(np.degrees(np.angle(data.z)), -arrays["Phase"], atol=1e-3)


def test_modulo_bat_with_peis_gives_cycling_data_and_spectra(shared):
    """cheminfo__mb.mpt (MANIFEST.md: Li|LLZO|Li, Modulo Bat Rest -> PEIS 1 MHz-100 mHz ->
    Rest -> CC+ -> CC- -> Rest -> PEIS, looped; |Z| 440-1147 ohm): cycling data, plus each
    uninterrupted sweep as a spectrum of its own."""
    data = lio.read(shared("cheminfo__mb.mpt"))
    assert isinstance(data, CellData) and data.spectra is not None
    spectra = data.spectra
    f = data["freq/Hz"]
    assert len(spectra) == int((f > 0).sum())
    sizes = spectra.table.group_by("spectrum").len().sort("spectrum")["len"].to_list()
    assert len(sizes) >= 6 and len(set(sizes)) == 1  # one sweep per PEIS, all alike
    lo, hi = spectra.summary().frequency_range_Hz
    assert lo == pytest.approx(0.1, rel=0.01) and hi == pytest.approx(1e6, rel=0.01)
    modulus = np.abs(spectra.z)
    assert modulus.min() > 400 and modulus.max() < 1200  # manifest: 440-1147 ohm
    assert set(data.table.filter(data.table["freq/Hz"] > 0)["step_kind"].to_list()) == {"eis"}
