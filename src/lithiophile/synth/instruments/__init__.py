"""Example files in instrument vendors' layouts, written from synthetic data.

``lithiophile demo``, the tests and the benchmarks need files in the layouts the readers of
:mod:`lithiophile.io` read, without any real instrument file at hand (a user's machine has
none). Each function here writes one layout from a :class:`~lithiophile.io.CellData`
(cycling) or :class:`~lithiophile.io.ImpedanceData` (a spectrum), such as
:func:`lithiophile.synth.examples.li_li_symmetric` and
:func:`~lithiophile.synth.examples.rc_spectrum` make:

* :func:`write_biologic_mpt` (``biologic-mpt``): an EC-Lab 11.50 GCPL export as
  ``yadg__gcpl.issue_149.mpt``; an EC-Lab 11.18 PEIS export as
  ``impedancepy__exampleDataBioLogic.mpt``.
* :func:`write_biologic_mpr` (``biologic-mpr``): EC-Lab's binary file in the form of EC-Lab
  <= 11.43 (data module v3) as ``navani__jdb11-1_c3_gcpl_5cycles_2V-3p8V_C-24_data_C09.mpr``
  and ``yadg__mb.issue_95.mpr``; GCPL, or PEIS with the columns of
  ``yadg__peis.issue_149.mpr``.
* :func:`write_maccor_text` (``maccor-text``): as ``bdtk__maccor_example.001``.
* :func:`write_neware_csv` (``neware-csv``): the BTSDA record layer of
  ``cellpy__neware_uio.csv``.
* :func:`write_arbin_csv` (``arbin-csv``): MITS Pro's new header (units in the labels), the
  columns of ``navani__bs542_004_gr_li_50ua_50mv_1v_191020_Channel_11.xlsx``.
* :func:`write_land` (``land``): LANDT-py's record labels, as CSV (no LAND file at hand).
* :func:`write_gamry_dta` (``gamry-dta``): an EISPOT file as
  ``impedancepy__exampleDataGamry.DTA``.
* :func:`write_zplot` (``zplot``): as ``impedancepy__Circuit1_EIS_1.z``.

The reference files named are public instrument files from the repositories named in their
prefix (the test suite's data set; its tests skip where the set is absent); the layouts
were learnt from them and from the readers' documentation, no file is copied.
:func:`write_instrument_examples` writes one file of each; :data:`WRITERS` maps registry
format names to the writers. Binary Neware ``.nda``/``.ndax`` and Arbin ``.res`` files cannot
honestly be synthesised (undocumented, compressed or database formats) and are not written.

Fidelity
--------
Each writer keeps the header, labels, separators, units, number formats, sign conventions
and text encoding of its reference file, and the line ends the instrument writes: CRLF for
every one of these Windows programs. (EC-Lab's CRLF is documented in MANIFEST.md and required
by galvani; the Maccor and Arbin references keep their CRLF in git. The Gamry and ZPlot
references are LF as impedance.py's repository stores them, but that repository stores EC-Lab's
CRLF export as LF too, so its copies say nothing about line ends. Whether BTSDA and LANDdt end
lines with CRLF is not known here: the Windows default is assumed. Every reader of
:mod:`lithiophile.io` accepts both.)

Numbers are written at the precision the instrument writes, so a file read back equals the
source data only to that precision; each writer's docstring states it. Columns an instrument
records but the synthetic data do not define (range codes, end-status codes, derived
capacitances) are filled as the docstrings say. Files carry a note that they are synthetic
where the layout has a free-text field (EC-Lab's comments, the .mpr's electrode material,
Maccor's comment, Gamry's notes).

Data
----
Every cycling writer takes a :class:`~lithiophile.io.CellData` or a mapping of SI columns
(``time_s``, ``voltage_V``, ``current_A``; ``step`` and ``cycle`` optional, derived as
:meth:`CellData.from_columns <lithiophile.io.CellData.from_columns>` derives them). The
package's sign convention (reduction at the working electrode negative) is turned into each
vendor's convention. ``meta.start_time`` sets the acquisition start; when absent
:data:`DEFAULT_START` is used, so that output is reproducible byte for byte. Every writer
raises :class:`~lithiophile.errors.InputError` for data of the wrong kind (a spectrum given to
a cycling writer or the reverse), without rows, or with values no instrument writes (missing
or infinite values, frequencies that are not positive), and overwrites ``path``.

The text writers format row by row in Python (0.05 to 0.3 s per 10 000 rows): they are meant
for example-sized data. The .mpr writer is vectorised for benchmark-sized data.

Examples
--------
>>> from lithiophile.synth.examples import li_li_symmetric
>>> from lithiophile.synth.instruments import write_biologic_mpr
>>> import lithiophile.io as lio, tempfile, pathlib
>>> with tempfile.TemporaryDirectory() as d:
...     p = write_biologic_mpr(li_li_symmetric(cycles=1), pathlib.Path(d) / "cell.mpr")
...     lio.detect(p).name, len(lio.read(p))
('biologic-mpr', 720)
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from lithiophile.io.celldata import CellData, ImpedanceData
from lithiophile.synth.instruments._common import DEFAULT_START
from lithiophile.synth.instruments.arbin import write_arbin_csv
from lithiophile.synth.instruments.biologic_mpr import (
    _data_module_length as _data_module_length,  # for the tests
)
from lithiophile.synth.instruments.biologic_mpr import write_biologic_mpr
from lithiophile.synth.instruments.biologic_mpt import write_biologic_mpt
from lithiophile.synth.instruments.gamry import write_gamry_dta
from lithiophile.synth.instruments.land import write_land
from lithiophile.synth.instruments.maccor import write_maccor_text
from lithiophile.synth.instruments.neware import write_neware_csv
from lithiophile.synth.instruments.zplot import write_zplot

__all__ = [
    "DEFAULT_START",
    "WRITERS",
    "write_arbin_csv",
    "write_biologic_mpr",
    "write_biologic_mpt",
    "write_gamry_dta",
    "write_instrument_examples",
    "write_land",
    "write_maccor_text",
    "write_neware_csv",
    "write_zplot",
]


#: Registry format name -> writer, for the formats that can be written from synthetic data
#: (binary Neware .nda/.ndax and Arbin .res cannot honestly be synthesised: not here).
WRITERS: dict[str, Callable[..., Path]] = {
    "biologic-mpt": write_biologic_mpt,
    "biologic-mpr": write_biologic_mpr,
    "maccor-text": write_maccor_text,
    "neware-csv": write_neware_csv,
    "arbin-csv": write_arbin_csv,
    "land": write_land,
    "gamry-dta": write_gamry_dta,
    "zplot": write_zplot,
}


def write_instrument_examples(
    folder: str | Path,
    *,
    cell: CellData | None = None,
    spectrum: ImpedanceData | None = None,
) -> list[Path]:
    """Write one file of every instrument layout into ``folder`` (created if needed).

    Parameters
    ----------
    folder
        Where to write.
    cell
        Cycling data; default ``li_li_symmetric(rest_s=600.0)`` (5 cycles at 1 mA cm⁻² with
        10-minute rests, 4200 points).
    spectrum
        A spectrum; default ``rc_spectrum()`` (R0 + R_int || C, 1 MHz to 0.1 Hz).

    Returns
    -------
    list of Path
        In this order: ``li_li_symmetric_gcpl.mpt``, ``li_li_symmetric_gcpl.mpr``,
        ``interface_peis.mpt``, ``interface_peis.mpr``, ``li_li_symmetric.001`` (Maccor),
        ``li_li_symmetric_neware.csv``, ``li_li_symmetric_arbin.csv``,
        ``li_li_symmetric_land.csv``, ``interface_eis.DTA`` (Gamry), ``interface_eis.z``
        (ZPlot).
    """
    from lithiophile.synth.examples import li_li_symmetric, rc_spectrum

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if cell is None:
        cell = li_li_symmetric(rest_s=600.0)
    if spectrum is None:
        spectrum = rc_spectrum()
    return [
        write_biologic_mpt(cell, folder / "li_li_symmetric_gcpl.mpt"),
        write_biologic_mpr(cell, folder / "li_li_symmetric_gcpl.mpr"),
        write_biologic_mpt(spectrum, folder / "interface_peis.mpt"),
        write_biologic_mpr(spectrum, folder / "interface_peis.mpr"),
        write_maccor_text(cell, folder / "li_li_symmetric.001"),
        write_neware_csv(cell, folder / "li_li_symmetric_neware.csv"),
        write_arbin_csv(cell, folder / "li_li_symmetric_arbin.csv"),
        write_land(cell, folder / "li_li_symmetric_land.csv"),
        write_gamry_dta(spectrum, folder / "interface_eis.DTA"),
        write_zplot(spectrum, folder / "interface_eis.z"),
    ]
