"""Voltage-only tests ("Ewe vs t" exports): the applied current supplied by the user, or none.

A file that records no current (its current column all missing: NaN, as a reader writes for a
time-and-voltage table; a current of zero is a rest, not a missing current) can still be
analysed:

* with ``current_A`` (``--current "0.4 mA"``) or ``current_density_A_m2`` and an area
  (``--current-density``), the current of every row is that magnitude with the sign of its
  half-cycle, and the half-cycle's sign comes from the voltage (a Li||Li or Li||Cu cell's
  voltage has the sign of its current): figures are then computed as usual and labelled as
  resting on a supplied current;
* without it, only the figures that need no current are given (polarization, hysteresis,
  failure time); capacities, current densities, Coulombic efficiencies and CCD are refused.

The sign of a point is that of its voltage outside a dead band of five times the voltage
noise (robust: 1.4826 MAD of the point-to-point differences / sqrt 2), with points inside the
band taking the sign of the next point outside it (the zero crossing after a current reversal
belongs to the new half-cycle); points after the last one outside the band keep the sign
before them.

Units: SI (A, A m^-2, V).
"""

from __future__ import annotations

import numpy as np

from lithiophile.errors import InputError
from lithiophile.io.celldata import CellData

__all__ = ["PLACEHOLDER_A", "current_source", "voltage_signs", "with_current"]

#: Magnitude of the stand-in current of a voltage-only test analysed without a current [A];
#: nothing that depends on it is reported.
PLACEHOLDER_A = 1.0


def current_source(cell: CellData) -> str:
    """``"measured"`` when the data record a current, ``"none"`` when they do not."""
    return "measured" if np.isfinite(cell["current_A"]).any() else "none"


def voltage_signs(voltage_V: np.ndarray) -> np.ndarray:
    """Sign (+1/-1) of the half-cycle each point belongs to, from the voltage alone."""
    v = np.where(np.isfinite(voltage_V), voltage_V, 0.0)
    if v.size == 0:
        return np.zeros(0)
    d = np.diff(v)
    noise = 1.4826 * float(np.median(np.abs(d - np.median(d)))) / np.sqrt(2) if d.size else 0.0
    band = max(5 * noise, 1e-6)
    sign = np.where(np.abs(v) > band, np.sign(v), 0.0)
    definite = np.flatnonzero(sign != 0)
    if definite.size == 0:
        raise InputError(
            "the voltage never leaves its noise band around 0 V, so the direction of the "
            "current cannot be told from it; a voltage-only file needs the cell's voltage"
        )
    nxt = np.searchsorted(definite, np.arange(v.size))
    nxt = np.minimum(nxt, definite.size - 1)
    filled = sign[definite[nxt]]
    after = np.arange(v.size) > definite[-1]
    filled[after] = sign[definite[-1]]
    return filled


def with_current(cell: CellData, magnitude_A: float, *, supplied: bool) -> CellData:
    """A copy of ``cell`` whose current is ``magnitude_A`` with the sign of the voltage.

    Parameters
    ----------
    cell
        A test that records no current.
    magnitude_A
        The applied current [A] (``supplied``), or :data:`PLACEHOLDER_A` for a stand-in.
    supplied
        Whether the magnitude is the user's (kept in the metadata's notes).
    """
    sign = voltage_signs(cell["voltage_V"])
    keep = [c for c in ("temperature_K",) if c in cell.columns]
    cols = {c: cell[c] for c in ("time_s", "voltage_V", *keep)}
    cols["current_A"] = sign * magnitude_A
    what = (
        f"current supplied by the user: {magnitude_A:.6g} A, with the sign of each "
        "half-cycle taken from the voltage"
        if supplied
        else "no current in the data: half-cycles taken from the sign of the voltage"
    )
    meta = cell.meta.replace(notes=(*cell.meta.notes, what))
    return CellData.from_columns(cols, meta)
