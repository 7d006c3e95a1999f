"""Which Li-metal protocol a test ran, from its half-cycles, and checks of a protocol given.

* ``li-cu``: plating a fixed capacity, stripping to a cut-off (strippings end on a rise of
  |V| to the cut-off), repeated.
* ``li-cu-reservoir``: as Adams et al. 2018 (or cycling to exhaustion, Aurbach 1989): a
  reservoir plating much larger than the cycling capacity, cycling, a final strip to the
  cut-off.
* ``symmetric``: Li||Li, V has the sign of I in both directions, no cut-off.
* ``ccd``: symmetric, with the current density stepped up (three levels or more).
* ``nucleation``: a single galvanostatic plating (optionally stripped once).

Li plating happens below 0 V vs Li: a test whose voltage during reduction stays above 0 V
(an intercalation electrode, a cathode half cell) is refused with what was found.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from lithiophile.echem.ccd import current_steps
from lithiophile.echem.coulombic import find_reservoir
from lithiophile.echem.result import AnalysisOptions
from lithiophile.echem.segments import Segmentation
from lithiophile.errors import InputError

__all__ = ["Detection", "ProtocolError", "detect_protocol"]


class ProtocolError(InputError):
    """The data do not show a recognised protocol, or not the protocol given."""


@dataclass(frozen=True)
class Detection:
    """What the half-cycles show.

    Attributes
    ----------
    family
        ``"li-cu"`` or ``"symmetric"``.
    strip_sign
        Sign of the current that strips Li from the working electrode (+1 in the package's
        convention; -1 when the file has the opposite convention).
    protocol
        The protocol found.
    reason
        Why, in words.
    doubt
        When a protocol was given although the data do not look like a Li-metal test: why.
    """

    family: str
    strip_sign: int
    protocol: str
    reason: str
    doubt: str = ""


def _found(seg: Segmentation) -> str:
    kinds = seg.segments.group_by("kind").len().sort("kind")
    counts = ", ".join(f"{k} {n}" for k, n in kinds.iter_rows())
    half = seg.half_cycles
    if half.height:
        cur = half.get_column("current_A").to_numpy()
        i_txt = f"currents {cur.min() * 1e3:.4g} to {cur.max() * 1e3:.4g} mA"
        v = half.get_column("plateau_V").to_numpy()
        v_txt = f", plateau voltages {np.nanmin(v):.4g} to {np.nanmax(v):.4g} V"
    else:
        i_txt, v_txt = "no galvanostatic half-cycle", ""
    return f"found segments: {counts}; {half.height} half-cycles, {i_txt}{v_txt}"


def _ends_high(half: pl.DataFrame, cutoff_min_V: float) -> np.ndarray:
    last = np.abs(half.get_column("v_last_V").to_numpy())
    plateau = half.get_column("plateau_abs_V").to_numpy()
    return (last >= cutoff_min_V) & (last >= 3 * plateau)


def _has_reservoir(half: pl.DataFrame, strip_sign: int, cutoff_min_V: float) -> bool:
    return find_reservoir(half, strip_sign, cutoff_min_V) is not None


def detect_protocol(seg: Segmentation, opts: AnalysisOptions) -> Detection:
    """The protocol of the test (``opts.protocol`` checked against the data when given).

    Raises
    ------
    ProtocolError
        With what was found and which ``--protocol`` to give.
    """
    half = seg.half_cycles
    given = opts.protocol
    _require_galvanostatic(seg)
    sign = np.sign(half.get_column("current_A").to_numpy()).astype(int)
    high = _ends_high(half, opts.cutoff_min_V)
    plateau = half.get_column("plateau_V").to_numpy()
    strip_sign = _cut_off_strip_sign(half, sign, high, opts.cutoff_min_V)
    doubt = ""
    if strip_sign:
        family = "li-cu"
        _require_li_plating(seg, plateau[sign == -strip_sign], strip_sign)
        found, why = _li_cu_protocol(half, sign, high, strip_sign, opts.cutoff_min_V)
    else:
        family = "symmetric"
        doubt = _symmetric_doubt(seg, plateau, sign, opts)
        strip_sign = 1
        found, why = _symmetric_protocol(half, sign, strip_sign)
    if given == "auto":
        return Detection(family, strip_sign, found, f"detected: {why}")
    _check_given(given, family, found, why, seg)
    return Detection(
        family,
        strip_sign,
        given,
        f"given (--protocol {given}); data show {why}",
        doubt if family == "symmetric" else "",
    )


def _require_galvanostatic(seg: Segmentation) -> None:
    """Refuse data without galvanostatic half-cycles, or with mostly ramped current."""
    half = seg.half_cycles
    if half.height == 0:
        raise ProtocolError(
            f"no galvanostatic plating or stripping in the data ({_found(seg)}); cell analyze "
            "needs Li plating/stripping at constant current"
        )
    ramps = half.get_column("control").to_numpy() == "ramp"
    if ramps.mean() > 0.5:
        raise ProtocolError(
            f"the current is neither constant nor a potentiostatic hold in {int(ramps.sum())} "
            f"of {ramps.size} half-cycles (|I| varies by more than 5 % over their middle while "
            f"the voltage moves) ({_found(seg)}); cell analyze needs galvanostatic "
            "plating/stripping"
        )


def _cut_off_strip_sign(
    half: pl.DataFrame, sign: np.ndarray, high: np.ndarray, cutoff_min_V: float
) -> int:
    """The current sign whose half-cycles end on a cut-off (strippings of a Li||Cu test),
    or 0 when none does (a symmetric cell)."""
    strip_sign = 0
    for s in (1, -1):
        e_s, e_other = int((high & (sign == s)).sum()), int((high & (sign == -s)).sum())
        cut_off_strips = e_s >= 2 or _has_reservoir(half, s, cutoff_min_V) or (sign != s).sum() == 1
        if e_s and not e_other and cut_off_strips:
            strip_sign = s
    return strip_sign


def _require_li_plating(seg: Segmentation, plating_V: np.ndarray, strip_sign: int) -> None:
    """Refuse a Li||Cu-like test whose plating plateaus are not Li deposition (below 0 V vs
    Li, within 0.5 V)."""
    plating = plating_V * -strip_sign
    agree = float(np.mean(plating > 0))
    typical = float(np.median(np.abs(plating)))
    if agree < 0.8 or typical > 0.5:
        raise ProtocolError(
            f"the strippings end on a cut-off, but the plating voltage is not that of Li "
            f"deposition (below 0 V vs Li, within 0.5 V): median plating plateau "
            f"{float(np.median(plating_V)):+.4g} V ({_found(seg)}). "
            "Intercalation electrodes and cathode half cells are not Li-metal tests"
        )


def _symmetric_doubt(
    seg: Segmentation, plateau: np.ndarray, sign: np.ndarray, opts: AnalysisOptions
) -> str:
    """Why the first half-cycles do not look like Li||Li ("" when they do); refused when no
    protocol was given."""
    first = slice(0, min(10, plateau.size))
    agree = float(np.mean(plateau[first] * sign[first] > 0))
    typical = float(np.median(np.abs(plateau[first])))
    if not (agree < 0.8 or typical >= opts.polarization_limit_V):  # NaN |V| looks like Li||Li
        return ""
    if opts.protocol != "auto":
        return (
            f"the voltage does not look like Li plating/stripping (V has the sign of I in "
            f"{agree:.0%} of the first half-cycles, median |V| {typical:.4g} V): figures "
            f"computed as --protocol {opts.protocol} asked"
        )
    raise ProtocolError(
        "no Li-metal protocol recognised: no stripping ends on a cut-off (not Li||Cu) "
        "and the voltage does not follow the sign of the current in both directions "
        f"with |V| under {opts.polarization_limit_V:g} V (not Li||Li): in the first "
        f"half-cycles V has the sign of I in {agree:.0%}, median |V| {typical:.4g} V "
        f"({_found(seg)}). If this is a "
        "Li-metal test, give --protocol li-cu, li-cu-reservoir, symmetric, ccd or "
        "nucleation"
    )


def _li_cu_protocol(
    half: pl.DataFrame, sign: np.ndarray, high: np.ndarray, strip_sign: int, cutoff_min_V: float
) -> tuple[str, str]:
    """nucleation, li-cu-reservoir or li-cu, and why."""
    if int((sign == -strip_sign).sum()) == 1:
        return "nucleation", "a single plating on the substrate"
    if _has_reservoir(half, strip_sign, cutoff_min_V):
        return (
            "li-cu-reservoir",
            "strippings end on a cut-off and one plating is at least 1.5x the cycling "
            "capacity (a Li reservoir)",
        )
    return "li-cu", f"{int(high.sum())} strippings end on a cut-off voltage"


def _symmetric_protocol(half: pl.DataFrame, sign: np.ndarray, strip_sign: int) -> tuple[str, str]:
    """ccd (current stepped up in 3 levels or more), nucleation or symmetric, and why."""
    steps = current_steps(half)
    levels = np.unique(steps).size
    mags = half.get_column("abs_current_A").to_numpy()
    step_mag = np.array([np.median(mags[steps == k]) for k in range(1, levels + 1)])
    if levels >= 3 and (np.diff(step_mag) > 0).all():
        return "ccd", f"Li||Li with the current stepped up in {levels} levels"
    if half.height <= 2 and sign[0] == -strip_sign:
        return "nucleation", "a single plating"
    return "symmetric", "V follows the sign of I both ways, no cut-off"


def _check_given(given: str, family: str, found: str, why: str, seg: Segmentation) -> None:
    if given in ("li-cu", "li-cu-reservoir") and family != "li-cu":
        raise ProtocolError(
            f"--protocol {given} needs strippings that end on a cut-off voltage, but none does: "
            f"{why} ({_found(seg)}); this looks like a symmetric cell: use --protocol {found}"
        )
    if given in ("symmetric", "ccd") and family == "li-cu":
        raise ProtocolError(
            f"--protocol {given} is for Li||Li cells, but {why} ({_found(seg)}): this is a "
            f"Li||Cu test, use --protocol {found}"
        )
    if given == "ccd" and found != "ccd":
        raise ProtocolError(
            f"--protocol ccd needs the current stepped up in at least 3 levels, but {why} "
            f"({_found(seg)}); use --protocol {found}"
        )
