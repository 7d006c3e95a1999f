"""Helpers shared by the readers of text exports: decoding, labels with units, numeric tables.

Instrument exports come as UTF-8 (with or without BOM), UTF-16, or a Windows code page; with
LF or CRLF line ends; with ',' or ';' or tab separators and decimal commas in some locales.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

__all__ = [
    "decode",
    "guess_separator",
    "looks_binary",
    "parse_label",
]


_CONTROLS = bytes([*range(9), *range(14, 32)])


def looks_binary(head: bytes) -> bool:
    """True when the bytes are not text (NUL bytes outside a UTF-16 BOM, or many controls)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    sample = head[:4096]
    if b"\x00" in sample:
        return True
    if not sample:
        return False
    controls = len(sample) - len(sample.translate(None, _CONTROLS))
    return controls > len(sample) // 100 + 1


_HEAD_BYTES = 65_536


def decode(data: bytes) -> str:
    """Text of a file's bytes: BOM-aware UTF-8/UTF-16, else cp1252, else latin-1.

    Heads of files (up to 64 KiB) are cached: every text reader's sniffer decodes the same head.
    """
    if len(data) <= _HEAD_BYTES:
        return _decode_head(data)
    return _decode(data)


@functools.lru_cache(maxsize=4)
def _decode_head(data: bytes) -> str:
    return _decode(data)


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def guess_separator(lines: Sequence[str]) -> str:
    """The separator that splits the given lines into the most equal, >1 numbers of fields."""
    best, best_score = ",", -1
    for sep in ("\t", ";", ","):
        counts = [line.count(sep) for line in lines if line.strip()]
        if not counts or min(counts) == 0:
            continue
        score = min(counts) * 10 - (max(counts) - min(counts))
        if score > best_score:
            best, best_score = sep, score
    return best


_LABEL_PATTERNS = [
    re.compile(r"^(?P<name>.*?)\s*/\s*(?P<unit>[^/()\[\]]+?)\s*$"),  # "Current / A", "I/mA"
    re.compile(r"^(?P<name>.*?)\s*\((?P<unit>[^()]*)\)\s*$"),  # "Current(mA)"
    re.compile(r"^(?P<name>.*?)\s*\[(?P<unit>[^\[\]]*)\]\s*$"),  # "Voltage [V]"
]


def parse_label(label: str) -> tuple[str, str | None]:
    """Split a column label into its name and unit: ``"Current(mA)" -> ("Current", "mA")``.

    Examples
    --------
    >>> parse_label("Ewe/V"), parse_label("Test Time / s"), parse_label("Voltage [V]")
    (('Ewe', 'V'), ('Test Time', 's'), ('Voltage', 'V'))
    >>> parse_label("Cycle_Index")
    ('Cycle_Index', None)
    """
    text = label.strip().strip('"').strip()
    for pattern in _LABEL_PATTERNS:
        m = pattern.match(text)
        if m and m.group("name"):
            return m.group("name").strip(), m.group("unit").strip() or None
    return text, None
