"""Text exports: load with checks, and parse numeric blocks with line-numbered errors.

Shared by the readers of text exports (impedance CSV, Maccor, ZPlot, Gamry, LAND): a file is
loaded with checks for empty, binary and truncated content; a numeric block is parsed by
polars, and a bad value is reported with its line number and text.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from lithiophile.errors import FileFormatError
from lithiophile.io.table import unique_labels
from lithiophile.io.text import decode, looks_binary
from lithiophile.units import factor_to_si

_NUMBER = re.compile(r"^[ \t]*[-+]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][-+]?\d+)?[ \t]*$")


def load_text(path: Path, fmt: str) -> str:
    """The decoded text of a text export, or FileFormatError for empty or binary files.

    Line ends are left as they are (LF or CRLF); a file with bare CR line ends (classic Mac)
    is converted to LF so that the table parser sees lines.
    """
    data = path.read_bytes()
    if not data:
        raise FileFormatError(path, fmt, "the file is empty (0 bytes)")
    if looks_binary(data[:65536]):
        raise FileFormatError(
            path, fmt, f"the file is binary, not a text export (first bytes {data[:16]!r})"
        )
    text = decode(data)
    if not text.strip():
        raise FileFormatError(path, fmt, "the file holds only white space")
    if "\n" not in text and "\r" in text:
        text = text.replace("\r", "\n")
    return text


#: Files above this size whose head is UTF-8 are parsed by polars straight from disk (no
#: decoded copy of the whole text in memory).
BIG_FILE_BYTES = 16 * 1024 * 1024


def head_and_tail(path: Path, fmt: str) -> tuple[str, str, bool] | None:
    """(decoded head, decoded tail, head cut mid-line) of a big UTF-8 text file, else None.

    Raises FileFormatError for binary content. Small files and files in other encodings
    return None: read them whole with :func:`load_text`.
    """
    size = path.stat().st_size
    if size <= BIG_FILE_BYTES:
        return None
    with open(path, "rb") as fh:
        head = fh.read(65536)
        fh.seek(max(0, size - 65536))
        tail = fh.read()
    if looks_binary(head):
        raise FileFormatError(
            path, fmt, f"the file is binary, not a text export (first bytes {head[:16]!r})"
        )
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start <= len(head) - 4:  # not UTF-8 (a character cut by the head is fine)
            return None
    text_head = head.decode("utf-8", errors="ignore").lstrip("\ufeff")
    return text_head, tail.decode("utf-8", errors="replace"), not head.endswith(b"\n")


def head_lines(text: str, n: int = 200) -> list[str]:
    """The first ``n`` lines of ``text`` (splitting only the start of a large text)."""
    lines: list[str] = []
    pos = 0
    while len(lines) < n and pos < len(text):
        end = text.find("\n", pos)
        if end < 0:
            lines.append(text[pos:].rstrip("\r"))
            break
        lines.append(text[pos:end].rstrip("\r"))
        pos = end + 1
    return lines


def line_offset(text: str, index: int) -> int:
    """Character offset where line ``index`` (0-based) of ``text`` starts."""
    pos = 0
    for _ in range(index):
        nl = text.find("\n", pos)
        if nl < 0:
            return len(text)
        pos = nl + 1
    return pos


def is_number(field: str) -> bool:
    """True for a decimal number with '.' or ',' as decimal mark (white space allowed)."""
    return bool(_NUMBER.match(field))


def numeric_style(lines: Sequence[str], separator: str) -> tuple[bool, bool]:
    """(decimal_comma, thousands_comma) as seen in sample data lines split by ``separator``."""
    if separator == ",":
        return False, False
    sample = " ".join(lines)
    thousands = bool(re.search(r"(?<![\d.,])\d{1,3}(?:,\d{3})+\.\d", sample))
    decimal_comma = not thousands and bool(re.search(r"\d,\d", sample))
    return decimal_comma, thousands


def check_last_line(
    path: Path, fmt: str, text: str, separator: str, *, tail_only: bool = False
) -> None:
    """FileFormatError when the last line of the table has fewer fields than the one before.

    Exports write full rows; a shorter last line is what a copy cut off mid-write leaves.
    ``text`` is the whole decoded file, or only its end when ``tail_only`` (the line number
    of the error is then counted in the file's bytes).
    """
    body = text[-65536:].rstrip("\r\n \t")  # the end of the text is enough
    cut = body.rfind("\n")
    if cut < 0:
        return
    last = body[cut + 1 :].rstrip("\r")
    prev_cut = body.rfind("\n", 0, cut)
    prev = body[prev_cut + 1 : cut].rstrip("\r")
    if not prev.strip():
        return
    n_last = len(last.rstrip(separator).split(separator)) if separator != " " else len(last.split())
    n_prev = len(prev.rstrip(separator).split(separator)) if separator != " " else len(prev.split())
    if n_last < n_prev:
        if tail_only:
            line_no = path.read_bytes().rstrip(b"\r\n \t").count(b"\n") + 1
        else:
            line_no = text.count("\n", 0, len(text) - 65536 if len(text) > 65536 else 0)
            line_no += body.count("\n") + 1
        raise FileFormatError(
            path,
            fmt,
            f"line {line_no} (the last) has {n_last} fields where the line before has {n_prev} "
            "(file truncated?)",
        )


def polars_error(exc: Exception) -> str:
    """The first line of a parser's error (its type where it says nothing)."""
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def read_csv_or_fail(
    path: str | Path, fmt: str, first_line: int, source: Any, **options: Any
) -> Any:
    """``pl.read_csv(source, **options)``; a parse error becomes a FileFormatError naming the
    table's ``first_line`` (1-based, in the file)."""
    try:
        return pl.read_csv(source, **options)
    except (pl.exceptions.PolarsError, ValueError) as exc:
        raise FileFormatError(
            path, fmt, f"data table from line {first_line} unreadable: {polars_error(exc)}"
        ) from None


@functools.cache
def _auto_base() -> int:
    """First number of polars' automatic column names (column_1 in polars 1, column_0 in 2)."""
    name = pl.read_csv(io.BytesIO(b"1\n"), has_header=False).columns[0]
    return int(name.rsplit("_", 1)[-1])


def _read_table(
    source: Path | bytes,
    *,
    skip_lines: int,
    columns: list[str],
    separator: str,
    decimal_comma: bool,
    numeric: Sequence[str],
    infer: bool,
) -> pl.DataFrame:
    """One polars read of a block (bytes starting with our own label line) or of the file
    itself from line ``skip_lines`` on (labels then set here, missing columns added as null)."""
    if isinstance(source, bytes):
        return pl.read_csv(
            io.BytesIO(source),
            separator=separator,
            has_header=True,
            schema_overrides={c: pl.Float64 for c in numeric} if infer and numeric else None,
            infer_schema=infer,
            decimal_comma=decimal_comma,
            infer_schema_length=10_000,
            truncate_ragged_lines=True,
        )
    auto = [f"column_{i + _auto_base()}" for i in range(len(columns))]
    overrides = {auto[columns.index(c)]: pl.Float64 for c in numeric} if infer else {}
    frame = pl.read_csv(
        source,
        separator=separator,
        has_header=False,
        skip_lines=skip_lines,
        encoding="utf8-lossy",  # a stray non-UTF-8 byte past the checked head
        schema_overrides=overrides or None,
        infer_schema=infer,
        decimal_comma=decimal_comma,
        infer_schema_length=10_000,
        truncate_ragged_lines=True,
    )
    width = min(frame.width, len(columns))
    frame = frame.select(frame.columns[:width]).rename(
        dict(zip(frame.columns[:width], columns[:width], strict=True))
    )
    missing = columns[width:]
    if missing:
        frame = frame.with_columns([pl.lit(None, dtype=pl.String).alias(c) for c in missing])
    return frame


def _locate_bad_value(
    path: Path,
    fmt: str,
    source: Path | bytes,
    *,
    skip_lines: int,
    columns: list[str],
    separator: str,
    numeric: Sequence[str],
    decimal_comma: bool,
    first_line: int,
    fallback: str,
) -> FileFormatError:
    """Parse the block as text to name the line and value a numeric parse choked on."""
    try:
        raw = _read_table(
            source,
            skip_lines=skip_lines,
            columns=columns,
            separator=separator,
            decimal_comma=False,
            numeric=(),
            infer=False,
        )
    except (pl.exceptions.PolarsError, ValueError) as exc:
        return FileFormatError(
            path, fmt, f"data table from line {first_line} unreadable: {polars_error(exc)}"
        )
    for name in numeric:
        col = raw.get_column(name).str.strip_chars()
        if decimal_comma:
            col = col.str.replace(",", ".", literal=True)
        cast = col.cast(pl.Float64, strict=False)
        bad = col.is_not_null() & (col != "") & cast.is_null()
        if bad.any():
            r = int(bad.arg_true()[0])
            return FileFormatError(
                path, fmt, f"line {first_line + r}: {name!r} is {col[r]!r}, not a number"
            )
    return FileFormatError(path, fmt, f"data table from line {first_line} unreadable: {fallback}")


def _parse_or_locate(
    path: Path,
    fmt: str,
    source: Path | bytes,
    numeric: Sequence[str],
    first_line: int,
    decimal_comma: bool,
    kw: dict[str, Any],
) -> pl.DataFrame:
    """The block parsed (numeric columns as Float64); where a column left to inference holds
    mixed content, parsed again with text columns; else the error naming the bad value."""
    try:
        return _read_table(source, numeric=numeric, infer=True, **kw)
    except (pl.exceptions.PolarsError, ValueError) as exc:
        msg = polars_error(exc)
        if "could not parse" not in msg and "invalid" not in msg.lower():
            raise FileFormatError(
                path, fmt, f"data table from line {first_line} unreadable: {msg}"
            ) from None
    retry: pl.DataFrame | None
    try:
        retry = _read_table(source, numeric=(), infer=False, **kw)
    except (pl.exceptions.PolarsError, ValueError):
        retry = None
    if retry is not None:
        retry = _numeric_text_columns(retry, decimal_comma=decimal_comma, numeric=numeric)
    if retry is None:
        raise _locate_bad_value(
            path, fmt, source, numeric=list(numeric), first_line=first_line, fallback=msg, **kw
        ) from None
    return retry


def _drop_blank_check_required(
    path: Path,
    fmt: str,
    frame: pl.DataFrame,
    body: str | None,
    required: Sequence[str],
    first_line: int,
) -> pl.DataFrame:
    """Blank lines (all-null rows) dropped; a required column empty on any other line is an
    error naming the line."""
    # look for blank lines only when the text has any
    has_blank = body is None or (
        "\n\n" in body or "\n\r\n" in body or bool(re.search(r"\n[ \t]+\r?\n", body))
    )
    blank = pl.all_horizontal(pl.all().is_null()) if has_blank else pl.lit(False)
    masks = [blank.alias("blank")] if has_blank else []
    if required:
        masks.append((~blank & pl.any_horizontal(pl.col(list(required)).is_null())).alias("m"))
    flags = frame.select(masks) if masks else None  # one pass for both masks
    if required and flags is not None:
        missing = flags.get_column("m")
        if missing.any():
            r = int(missing.arg_true()[0])
            row = frame.row(r, named=True)
            empty = [c for c in required if row[c] is None]
            raise FileFormatError(
                path,
                fmt,
                f"line {first_line + r} has no value for {', '.join(map(repr, empty))}"
                " (row cut short or field empty)",
            )
    if has_blank and flags is not None:
        frame = frame.filter(~flags.get_column("blank"))
    return frame


def parse_block(
    path: Path,
    fmt: str,
    text: str | None,
    *,
    start: int,
    first_line: int,
    separator: str,
    columns: Sequence[str],
    numeric: Sequence[str] = (),
    required: Sequence[str] = (),
    decimal_comma: bool = False,
    thousands: bool = False,
) -> pl.DataFrame:
    """Parse the data block of a delimited table with polars; errors name the line.

    Parameters
    ----------
    text
        The decoded file; the block is ``text[start:]`` (data lines only). ``None`` reads the
        file itself from line ``first_line`` on (for big UTF-8 files: no decoded copy).
    start
        Character offset of the first data line in ``text``.
    first_line
        1-based line number in the file of the block's first data line.
    columns
        The labels; rows shorter than them get nulls, longer rows are cut (exports pad or trim
        trailing empty fields).
    numeric
        Columns parsed as Float64: a non-number there is an error naming line and value.
    required
        Columns that must hold a value on every non-blank line.
    thousands
        Strip ',' thousands separators (only when the separator is not ','; text mode only).

    Returns
    -------
    polars.DataFrame
        Blank lines dropped; other columns typed by inference.
    """
    columns = unique_labels(list(columns))
    source: Path | bytes
    if text is None:
        source, body = path, None
    else:
        body = text[start:]
        if thousands and separator != ",":
            body = body.replace(",", "")
        quoted = ['"' + c.replace('"', '""') + '"' for c in columns]
        source = (separator.join(quoted) + "\n" + body).encode("utf-8")
    kw: dict[str, Any] = {
        "skip_lines": first_line - 1,
        "columns": columns,
        "separator": separator,
        "decimal_comma": decimal_comma,
    }
    frame = _parse_or_locate(path, fmt, source, numeric, first_line, decimal_comma, kw)
    if frame.width == 0 or frame.height == 0:
        raise FileFormatError(path, fmt, f"no data rows after line {first_line - 1}")
    frame = _drop_blank_check_required(path, fmt, frame, body, required, first_line)
    # text columns that are numbers padded with blanks (", " separators): make them numeric
    result = _numeric_text_columns(frame, decimal_comma=decimal_comma)
    return frame if result is None else result


def check_frequencies(path: Path, fmt: str, freq: np.ndarray) -> None:
    """FileFormatError naming the first data row whose frequency is not a finite positive
    number (a spectrum's frequencies all are)."""
    ok = np.isfinite(freq) & (freq > 0)
    if not ok.all():
        r = int(np.flatnonzero(~ok)[0])
        raise FileFormatError(
            path, fmt, f"data row {r + 1}: frequency {freq[r]!r} is not a positive number"
        )


def split_labels(line: str, separator: str) -> list[str]:
    """The labels of a label line, each stripped; an empty one is named ``column_<n>``."""
    labels = [lab.strip() for lab in line.split(separator)]
    return [lab or f"column_{i + 1}" for i, lab in enumerate(labels)]


def require_labels(
    path: Path, fmt: str, labels: Sequence[str], needed: Sequence[str], line_no: int
) -> None:
    """FileFormatError naming the first of ``needed`` missing from the labels on ``line_no``."""
    for need in needed:
        if need not in labels:
            raise FileFormatError(path, fmt, f"line {line_no}: no {need!r} column in {labels}")


def parse_numeric_table(
    path: Path,
    fmt: str,
    text: str,
    lines: Sequence[str],
    *,
    data_idx: int,
    separator: str,
    labels: Sequence[str],
    numeric: Sequence[str],
) -> pl.DataFrame:
    """The rows of a labelled table from line index ``data_idx`` on, every ``numeric`` column
    required on each row: the decimal mark seen in its first 20 lines, a cut last line
    refused (see :func:`check_last_line` and :func:`parse_block`)."""
    decimal_comma, _thousands = numeric_style(lines[data_idx : data_idx + 20], separator)
    check_last_line(path, fmt, text, separator)
    return parse_block(
        path,
        fmt,
        text,
        start=line_offset(text, data_idx),
        first_line=data_idx + 1,
        separator=separator,
        columns=labels,
        numeric=numeric,
        required=numeric,
        decimal_comma=decimal_comma,
    )


def _numeric_text_columns(
    frame: pl.DataFrame, *, decimal_comma: bool, numeric: Sequence[str] = ()
) -> pl.DataFrame | None:
    """Text columns holding only numbers (or blanks) cast to Float64, in one polars pass.

    Returns None when a column named in ``numeric`` holds something that is not a number.
    """
    text_cols = [c for c, d in frame.schema.items() if d == pl.String]
    if text_cols and frame.height and not numeric:
        # only columns whose first value reads as a number can be numeric columns
        first = frame.select(text_cols).row(0)
        text_cols = [c for c, v in zip(text_cols, first, strict=True) if v is None or is_number(v)]
    if not text_cols:
        return frame

    def clean(c: str) -> pl.Expr:
        e = pl.col(c).str.strip_chars()
        return e.str.replace(",", ".", literal=True) if decimal_comma else e

    def as_float(c: str) -> pl.Expr:
        return clean(c).cast(pl.Float64, strict=False)

    ok = frame.select(
        [
            (
                (as_float(c).is_not_null() | clean(c).is_null() | (clean(c) == "")).all()
                & (as_float(c).is_not_null().any() | pl.lit(c in numeric))
            ).alias(c)
            for c in text_cols
        ]
    ).row(0)
    if any(c in numeric and not good for c, good in zip(text_cols, ok, strict=True)):
        return None
    casts = [as_float(c).alias(c) for c, good in zip(text_cols, ok, strict=True) if good]
    return frame.with_columns(casts) if casts else frame


def unit_factor(unit: str | None, si_unit: str, *, default: float = 1.0) -> float:
    """Factor from a label's unit to ``si_unit`` (ohm and Hz spellings of every case)."""
    if unit is None or not unit.strip():
        return default
    u = unit.strip().replace("Ω", "ohm").replace("Ohms", "ohm").replace("Ohm", "ohm")
    u = u.replace("ohms", "ohm")
    if si_unit == "Hz":
        u = re.sub(r"(?i)hz$", "Hz", u)
    if (u, si_unit) in _UNIT_FACTORS:
        return _UNIT_FACTORS[(u, si_unit)]
    return factor_to_si(u, si_unit)


#: Common impedance-table units by their SI prefixes (k = 1e3, M = 1e6, m = 1e-3), so that a
#: plain table does not wait for pint's registry to load.
_UNIT_FACTORS: dict[tuple[str, str], float] = {
    ("Hz", "Hz"): 1.0,
    ("kHz", "Hz"): 1e3,
    ("MHz", "Hz"): 1e6,
    ("mHz", "Hz"): 1e-3,
    ("ohm", "ohm"): 1.0,
    ("kohm", "ohm"): 1e3,
    ("Mohm", "ohm"): 1e6,
    ("mohm", "ohm"): 1e-3,
}
