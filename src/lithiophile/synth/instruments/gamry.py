"""Gamry Framework's ``.DTA`` file of a potentiostatic EIS (``EISPOT``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from lithiophile.io.celldata import ImpedanceData
from lithiophile.synth.instruments._common import (
    _SYNTHETIC_NOTE,
    _Spectrum,
    _three_digit_exponents,
    _write_text,
)


def _gamry_number(x: float) -> str:
    """Gamry's 7 significant digits ("200015.6", "-5.89286E-006")."""
    return _three_digit_exponents(format(x, ".7G"))


def _gamry_quant(x: float) -> str:
    """Gamry's setup quantities: "2.00000E+005"."""
    return _three_digit_exponents(format(x, ".5E"))


def write_gamry_dta(data: ImpedanceData, path: str | Path) -> Path:
    """Write a Gamry Framework ``.DTA`` file of a potentiostatic EIS (``EISPOT``).

    Layout of ``impedancepy__exampleDataGamry.DTA`` (Framework 7.05): ``EXPLAIN``, the tags
    ``TAG EISPOT``, ``TITLE``, ``DATE`` (M/D/YYYY), ``TIME``, ``NOTES`` (one line: the data are
    synthetic), the setup (``VDC``, ``FREQINIT``, ``FREQFINAL``, ``PTSPERDEC``, ``VAC``,
    ``AREA`` in cm², ``CONDIT``, ``DELAY`` off, ``SPEED``, ``ZGUESS``), ``EOC``,
    ``CONVENTION 1`` (anodic current positive) and ``FRAMEWORKVERSION``; then the
    ``ZCURVE TABLE`` as the last block, each row starting with a tab: labels ``Pt Time Freq
    Zreal Zimag Zsig Zmod Zphz Idc Vdc IERange`` and units ``# s Hz ohm ohm V ohm ° A V #``.
    Tab-separated, Latin-1 (``°``), CRLF line ends. The potentiostat's hardware tags and the
    open-circuit table of the initial delay (off here) are not written.

    Conventions: ``Zimag`` is Im(Z) itself (negative for a capacitive arc), ``Zphz`` its phase
    in degrees, as Gamry writes them; ``IERange`` holds the reference's first code (9).

    Notes
    -----
    Precision (Gamry's format): 7 significant digits (relative error below 5e-7); ``AREA``
    6 significant digits.
    """
    path = Path(path)
    spec = _Spectrum(data, "write_gamry_dta")
    area_cm2 = spec.area_m2 * 1e4 if spec.area_m2 else 1.0  # 1 cm²: Gamry's default
    tab = "\t"
    header = [
        "EXPLAIN",
        "TAG\tEISPOT",
        "TITLE\tLABEL\tPotentiostatic EIS\tTest &Identifier",
        f"DATE\tLABEL\t{spec.start.month}/{spec.start.day}/{spec.start.year}\tDate",
        f"TIME\tLABEL\t{spec.start:%H:%M:%S}\tTime",
        "NOTES\tNOTES\t1\t&Notes...",
        f"\t{_SYNTHETIC_NOTE}",
        f"VDC\tPOTEN\t{_gamry_quant(0.0)}\tT\tDC &Voltage (V)",
        f"FREQINIT\tQUANT\t{_gamry_quant(float(spec.f[0]))}\tInitial Fre&q. (Hz)",
        f"FREQFINAL\tQUANT\t{_gamry_quant(float(spec.f[-1]))}\tFinal Fre&q. (Hz)",
        f"PTSPERDEC\tQUANT\t{_gamry_quant(spec.points_per_decade())}\tPoints/&decade",
        f"VAC\tQUANT\t{_gamry_quant(spec.amplitude_V * 1e3)}\tAC &Voltage (mV rms)",
        f"AREA\tQUANT\t{_gamry_quant(area_cm2)}\t&Area (cm^2)",
        f"CONDIT\tTWOPARAM\tF\t{_gamry_quant(15.0)}\t{_gamry_quant(0.0)}\tConditionin&g"
        "\tTime(s)\tE(V)",
        f"DELAY\tTWOPARAM\tF\t{_gamry_quant(100.0)}\t{_gamry_quant(0.0)}\tInit. De&lay"
        "\tTime(s)\tStab.(mV/s)",
        "SPEED\tSELECTOR\t1\t&Optimize for:",
        f"ZGUESS\tQUANT\t{_gamry_quant(100.0)}\tE&stimated Z (ohms)",
        f"EOC\tQUANT\t{_gamry_number(float(spec.v[0]))}\tOpen Circuit (V)",
        "CONVENTION\tIQUANT\t1\tCurrent Convention",
        "FRAMEWORKVERSION\tQUANT\t7.05\tFramework Version",
        "ZCURVE\tTABLE",
        "\tPt\tTime\tFreq\tZreal\tZimag\tZsig\tZmod\tZphz\tIdc\tVdc\tIERange",
        "\t#\ts\tHz\tohm\tohm\tV\tohm\t°\tA\tV\t#",
    ]
    numbers = [
        spec.t,
        spec.f,
        spec.z.real,
        spec.z.imag,
        np.ones(spec.n),
        np.abs(spec.z),
        spec.phase_deg,
        spec.i,
        spec.v,
    ]
    text_cols = [[_gamry_number(x) for x in col.tolist()] for col in numbers]
    rows = [
        tab + tab.join([str(k), *cells, "9"])
        for k, cells in enumerate(zip(*text_cols, strict=True))
    ]
    return _write_text(path, [*header, *rows], "latin-1")
