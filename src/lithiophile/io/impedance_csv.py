"""Plain CSV/TSV impedance tables: frequency, Z', Z'' (with or without a header).

Layouts read
------------
* No header, three numeric columns ``f, Z', Z''`` (impedance.py's ``exampleData.csv``; the
  layout ``impedance.preprocessing.readCSV`` reads).
* A header naming the columns, optionally with a leading index column (pandas' ``to_csv``
  default, as in pyDRTtools' ``1ZARC.csv``: ``,Freq,Real,Imag``). Frequency, real and imaginary
  columns are found by name (``freq``, ``frequency``, ``f``; ``real``, ``Z'``, ``Zreal``,
  ``Re(Z)``; ``imag``, ``Z''``, ``Zimag``, ``Im(Z)``, ``-Im(Z)``, ``-Z''`` ...), units taken
  from the labels (``Hz``, ``kHz``, ``ohm``, ``kOhm``, ``mOhm``).
* A headerless table with a leading integer index column (0, 1, 2 ... or 1, 2, 3 ...).

Sign of the imaginary part
--------------------------
lithiophile stores Im(Z) itself (negative for a capacitive arc). Files carry either Im(Z) or
-Im(Z) and a plain CSV rarely says which. The reader decides from the data: a battery or
electrode spectrum is capacitive at most frequencies, so Im(Z) < 0 at most points; a column
that is mostly positive is taken to be -Im(Z) and negated. A label with an explicit minus
(``-Im(Z)``, ``-Z''``) is honoured when the data do not contradict it. The decision and its
evidence are written to ``Metadata.notes``; ``imag_sign="im"`` or ``"minus_im"`` overrides it.

"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from lithiophile.errors import FileFormatError, InputError, UnitsError
from lithiophile.io.celldata import ImpedanceData, Metadata, Provenance
from lithiophile.io.derived import spectrum_index
from lithiophile.io.text import decode, guess_separator, looks_binary
from lithiophile.io.textblock import (
    check_frequencies,
    check_last_line,
    head_lines,
    is_number,
    line_offset,
    load_text,
    numeric_style,
    parse_block,
    unit_factor,
)

__all__ = ["read", "sniff"]

FMT = "a plain impedance CSV (frequency, Z', Z'')"


def imaginary_sign(
    values: np.ndarray, *, label_says_minus: bool | None = None
) -> tuple[float, str]:
    """Factor that turns a file's imaginary column into Im(Z), and a note saying why.

    A capacitive spectrum has Im(Z) < 0 at most frequencies: a column mostly > 0 is -Im(Z).
    """
    finite = values[np.isfinite(values) & (values != 0)]
    n_pos = int((finite > 0).sum())
    n = int(finite.size)
    mostly_positive = n > 0 and n_pos > n / 2
    evidence = f"{n_pos} of {n} non-zero values are positive"
    if label_says_minus is True and mostly_positive:
        return -1.0, f"imaginary column is labelled as -Im(Z) and {evidence}: negated to Im(Z)"
    if label_says_minus is True:
        return -1.0, (
            f"imaginary column is labelled as -Im(Z) although {evidence} (an inductive or "
            "unusual spectrum?): negated to Im(Z) as labelled"
        )
    if mostly_positive:
        return -1.0, (
            f"imaginary column taken as -Im(Z) because {evidence} (a capacitive spectrum has "
            "Im(Z) < 0 at most frequencies): negated to Im(Z)"
        )
    return 1.0, f"imaginary column taken as Im(Z) itself because {evidence}"


def looks_like_frequencies(values: np.ndarray) -> bool:
    """True for a column that is positive and log-spaced (a frequency sweep)."""
    v = values[np.isfinite(values)]
    if v.size < 4 or (v <= 0).any():
        return False
    steps = np.diff(np.log10(v))
    steps = steps[steps != 0]
    if steps.size < 3:
        return False
    med = float(np.median(steps))
    if abs(med) < 0.005:
        return False
    same_sign = np.sign(steps) == np.sign(med)
    # instruments sweep at a fixed number of points per decade: equal steps in log f
    close = np.abs(steps - med) <= 0.2 * abs(med)
    return bool(same_sign.mean() >= 0.8 and close.mean() >= 0.8)


# ---------------------------------------------------------------------------------------
# The plain-CSV format itself
# ---------------------------------------------------------------------------------------

#: Spellings of the three columns (lower case, spaces removed, unit removed). Collected from
#: impedance.py's readers (Autolab 'Z'', CH Instruments "Z'/ohm", BioLogic 'Re(Z)/Ohm',
#: '-Im(Z)/Ohm'), pyDRTtools' tutorial CSVs ('Freq', 'Real', 'Imag'), Gamry ('Zreal'), ZView
#: text ("Z'(a)", "Z''(b)"), Autolab NOVA and Squidstat ("Frequency (Hz)", "Z' (Ω)",
#: "-Z'' (Ω)"), Ivium ("freq. /Hz") and RelaxIS ("Data: Frequency", "Data: Z'").
FREQ_NAMES = (
    "freq",
    "frequency",
    "f",
    "fhz",
    "freqhz",
    "frequencyhz",
    "frequenz",
    "frecuencia",
    "freq.",  # Ivium ("freq. /Hz")
    "data:frequency",  # RelaxIS text
)
REAL_NAMES = (
    "real",
    "re",
    "z'",
    "zreal",
    "zre",
    "re(z)",
    "z_real",
    "zr",
    "realz",
    "z'(a)",
    "realimpedance",
    "zreal(ohm)",
    "r",
    "data:z'",  # RelaxIS text
    "z_re",
)
IMAG_NAMES = (
    "imag",
    "im",
    "z''",
    "zimag",
    "zim",
    "im(z)",
    "z_imag",
    "zi",
    "imagz",
    "z''(b)",
    "imaginaryimpedance",
    "imaginary",
    "x",
    'z"',  # CH Instruments ('Z"/ohm')
    "data:z''",  # RelaxIS text
    "z_im",
)
MINUS_IMAG = (
    "-im",
    "-imag",
    "-z''",
    "-zimag",
    "-zim",
    "-im(z)",
    "-z_imag",
    "-zi",
    "-imagz",
    "-z''(b)",
    "-imaginaryimpedance",
    "-imaginary",
    "-x",
    '-z"',
    "-z_im",
)


def _split_label(label: str) -> tuple[str, str | None]:
    """``"Z'/Ohm"`` -> ("z'", "Ohm"); ``"Freq (Hz)"`` -> ("freq", "Hz"); ``"-Im(Z)"`` kept."""
    text = label.strip().strip('"').strip()
    unit = None
    m = re.match(
        r"^(?P<name>.*?)\s*[\[(]\s*(?P<unit>[^\[\]()]*?(?:ohm|Ohm|Ω|Hz|hz)[^\[\]()]*?)\s*[\])]\s*$",
        text,
    )
    if m:
        text, unit = m.group("name"), m.group("unit")
    elif "/" in text:
        name, _, u = text.rpartition("/")
        if name and re.fullmatch(r"\s*[a-zA-ZΩµμ]+\s*", u):
            text, unit = name, u.strip()
    return re.sub(r"\s+", "", text).lower(), unit


def _roles(labels: Sequence[str]) -> dict[str, tuple[str, str | None, bool]]:
    """role -> (label, unit, label has an explicit minus) for freq/real/imag."""
    out: dict[str, tuple[str, str | None, bool]] = {}
    for lab in labels:
        name, unit = _split_label(lab)
        if "freq" not in out and name in FREQ_NAMES:
            out["freq"] = (lab, unit, False)
        elif "real" not in out and name in REAL_NAMES:
            out["real"] = (lab, unit, False)
        elif "imag" not in out and name in IMAG_NAMES:
            out["imag"] = (lab, unit, False)
        elif "imag" not in out and name in MINUS_IMAG:
            out["imag"] = (lab, unit, True)
    return out


def _layout(lines: list[str]) -> tuple[int, str, bool] | None:
    """(index of the first table line, separator, has_header) or None."""
    content = [(k, ln) for k, ln in enumerate(lines) if ln.strip()]
    if len(content) < 2:
        return None
    for pos, (k, line) in enumerate(content[:20]):
        following = [ln for _, ln in content[pos + 1 : pos + 6]]
        if not following:
            return None
        sep = guess_separator([line, *following]) if any(c in line for c in "\t;,") else " "
        if sep == " ":
            fields_next = following[0].split()
        else:
            fields_next = [f.strip() for f in following[0].split(sep)]
        if len(fields_next) < 3 or not all(is_number(f) for f in fields_next if f):
            continue
        fields = line.split() if sep == " " else [f.strip() for f in line.split(sep)]
        if all(is_number(f) for f in fields if f):
            return k, sep, False
        roles = _roles(fields)
        if {"freq", "real", "imag"} <= roles.keys():
            return k, sep, True
        return None
    return None


def sniff(head: bytes, path: Path) -> int:
    """60 for a table whose header names frequency, real and imaginary columns; 40 for a
    headerless numeric table whose first (non-index) column is a log-spaced frequency sweep."""
    try:
        if looks_binary(head):
            return 0
        lines = head_lines(decode(head), 60)
        if len(head) >= 65536 and lines:
            lines = lines[:-1]  # the last line of a cut head may be partial
        layout = _layout(lines)
        if layout is None:
            return 0
        k, sep, has_header = layout
        if has_header:
            return 60
        rows = [ln for ln in lines[k:] if ln.strip()][:40]
        table = [ln.split() if sep == " " else ln.split(sep) for ln in rows]
        width = min(len(r) for r in table)
        if width < 3 or width > 6:
            return 0
        try:
            cols = np.array([[float(f.replace(",", ".")) for f in r[:width]] for r in table])
        except ValueError:
            return 0
        first = 1 if _is_index(cols[:, 0]) and width >= 4 else 0
        return 40 if looks_like_frequencies(cols[:, first]) else 0
    except Exception:  # a sniffer never raises: any surprise means "not this format"
        return 0


def _is_index(values: np.ndarray) -> bool:
    if values.size < 2 or not np.all(np.isfinite(values)):
        return False
    return bool(np.all(np.diff(values) == 1) and values[0] in (0, 1))


def _whitespace_to_tabs(text: str) -> str:
    """Runs of blanks/tabs as one tab, leading blanks removed (line count unchanged)."""
    text = re.sub(r"[ \t]+", "\t", text)
    return re.sub(r"(?m)^\t", "", text)


@dataclass
class Parsed:
    """Stage 1: the table as found in the file."""

    frame: pl.DataFrame
    labels: list[str]
    raw_labels: list[str]  # as written ("" for an unnamed column)
    roles: dict[str, tuple[str, str | None, bool]]  # only with a header
    numeric: list[str]
    separator: str
    has_header: bool


def parse(path: Path) -> Parsed:
    """Find the table (header or not, separator, decimal mark) and parse its rows."""
    text = load_text(path, FMT)
    lines = head_lines(text, 200)
    layout = _layout(lines)
    if layout is None:
        raise FileFormatError(
            path,
            FMT,
            "no table of at least three numeric columns (f, Z', Z'') found in the first 20 "
            "non-empty lines, nor a header naming frequency, real and imaginary columns",
        )
    k, sep, has_header = layout
    if sep == " ":
        text, sep = _whitespace_to_tabs(text), "\t"
        lines = head_lines(text, 200)
    data_lines = [ln for ln in lines[k + int(has_header) :] if ln.strip()][:50]
    decimal_comma, thousands = numeric_style(data_lines, sep)
    check_last_line(path, FMT, text, sep)
    if has_header:
        raw_labels = [f.strip().strip('"') for f in lines[k].split(sep)]
    else:
        raw_labels = [""] * max(len(ln.split(sep)) for ln in data_lines[:20])
    labels = [lab or f"column_{i + 1}" for i, lab in enumerate(raw_labels)]
    roles = _roles(labels) if has_header else {}
    numeric = [roles[r][0] for r in ("freq", "real", "imag")] if has_header else labels[:3]
    first_data = k + 2 if has_header else k + 1
    frame = parse_block(
        path,
        FMT,
        text,
        start=line_offset(text, first_data - 1),
        first_line=first_data,
        separator=sep,
        columns=labels,
        numeric=numeric,
        required=numeric,
        decimal_comma=decimal_comma,
        thousands=thousands,
    )
    return Parsed(frame, labels, raw_labels, roles, numeric, sep, has_header)


def _columns_by_position(
    p: Parsed, path: Path, first_values: np.ndarray, skip: set[str], notes: list[str]
) -> dict[str, tuple[str, str | None, bool]]:
    """Without a header: frequency, Z', Z'' are the first three columns (after an index)."""
    labels, frame = p.labels, p.frame
    offset = 1 if frame.width >= 4 and _is_index(first_values) else 0
    if offset:
        skip.add(labels[0])
        notes.append("first column is a row index (0, 1, 2 ...): skipped")
        bad = frame.select(pl.any_horizontal(pl.col(labels[1:4]).is_null())).to_series()
        if bad.any():
            raise FileFormatError(
                path, FMT, f"data row {int(bad.arg_true()[0]) + 1} has no value in columns 2-4"
            )
    notes.append(
        f"no header: columns {offset + 1}, {offset + 2} and {offset + 3} taken as frequency "
        "[Hz], Z' [ohm] and the imaginary part [ohm]"
    )
    return {
        "freq": (labels[offset], None, False),
        "real": (labels[offset + 1], None, False),
        "imag": (labels[offset + 2], None, False),
    }


def _values(
    p: Parsed, path: Path, roles: dict[str, tuple[str, str | None, bool]]
) -> dict[str, np.ndarray]:
    """Frequency [Hz], Z' and the imaginary column [ohm], the frequency checked positive."""
    try:
        factors = {
            "freq": unit_factor(roles["freq"][1], "Hz"),
            "real": unit_factor(roles["real"][1], "ohm"),
            "imag": unit_factor(roles["imag"][1], "ohm"),
        }
    except UnitsError as exc:
        raise FileFormatError(path, FMT, f"header unit not understood: {exc}") from None
    values = {
        r: p.frame.get_column(roles[r][0]).cast(pl.Float64, strict=False).to_numpy() * factors[r]
        for r in ("freq", "real", "imag")
    }
    freq = values["freq"]
    check_frequencies(path, FMT, freq)
    return values


def _sign(imag: np.ndarray, imag_sign: str, minus_label: bool) -> tuple[float, Provenance]:
    if imag_sign == "auto":
        factor, note = imaginary_sign(imag, label_says_minus=minus_label or None)
    elif imag_sign == "im":
        factor, note = 1.0, "imaginary column taken as Im(Z) (imag_sign='im')"
    else:
        factor, note = -1.0, "imaginary column taken as -Im(Z) (imag_sign='minus_im'): negated"
    return factor, Provenance("assumption", note, "", "sign-inferred")


def build(p: Parsed, path: Path, imag_sign: str = "auto") -> ImpedanceData:
    """Stage 2: ImpedanceData (Im Z itself, SI) from the parsed table."""
    notes: list[str] = []
    skip: set[str] = set()
    first_values = p.frame.get_column(p.labels[0]).cast(pl.Float64, strict=False).to_numpy()
    unnamed_index = p.raw_labels[0] == "" and p.labels[0] not in p.numeric
    if p.has_header and unnamed_index and _is_index(first_values):
        skip.add(p.labels[0])
        notes.append("unnamed first column is a row index (0, 1, 2 ...): skipped")
    if p.has_header:
        roles = p.roles
        for role in ("freq", "real", "imag"):
            if roles[role][1] is None:
                unit = "Hz" if role == "freq" else "ohm"
                notes.append(f"column {roles[role][0]!r} has no unit in its label: taken as {unit}")
    else:
        roles = _columns_by_position(p, path, first_values, skip, notes)
    values = _values(p, path, roles)
    factor, said = _sign(values["imag"], imag_sign, roles["imag"][2])
    cols: dict[str, Any] = {
        "frequency_Hz": values["freq"],
        "z_real_ohm": values["real"],
        "z_imag_ohm": values["imag"] * factor,
        "spectrum": spectrum_index(values["freq"]),
    }
    used = {roles[r][0] for r in ("freq", "real", "imag")} | skip
    for lab in p.frame.columns:
        if lab not in used:
            cols[lab] = p.frame.get_column(lab)
    meta = Metadata(
        format="impedance-csv",
        instrument="any",
        techniques=("EIS",),
        header={"separator": p.separator, "has_header": p.has_header, "labels": p.labels},
        notes=(*notes, said.what),
        provenance=(said,),
    )
    return ImpedanceData.from_columns(cols, meta)


def read(path: Path, *, imag_sign: str = "auto", **_: Any) -> ImpedanceData:
    """Read a plain impedance table (see the module docstring): :func:`parse`, then
    :func:`build`.

    Parameters
    ----------
    path
        The file (only read).
    imag_sign
        ``"auto"`` (decide from the data and the label), ``"im"`` (the column is Im(Z)) or
        ``"minus_im"`` (the column is -Im(Z)).

    Returns
    -------
    ImpedanceData
        ``frequency_Hz`` [Hz], ``z_real_ohm`` [ohm], ``z_imag_ohm`` [ohm] (Im Z, negative for a
        capacitive arc), ``spectrum`` (1-based sweep index: a new sweep where the frequency
        turns back).

    Raises
    ------
    FileFormatError
        Empty, binary, truncated or non-numeric content, or no frequency/Z'/Z'' columns.
    """
    if imag_sign not in ("auto", "im", "minus_im"):
        raise InputError(f"imag_sign must be 'auto', 'im' or 'minus_im'. Got {imag_sign!r}.")
    return build(parse(path), path, imag_sign)
