"""Citation registry, after PyBaMM: a method records the works it implements when it is *used*.

Examples
--------
>>> from lithiophile import cite
>>> cite.register("BDF")
>>> "BDF" in cite.used()
True
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "CITATIONS",
    "Citation",
    "bibtex",
    "define",
    "format_used",
    "load_all",
    "load_saved",
    "register",
    "reset",
    "save_used",
    "used",
]


@dataclass(frozen=True)
class Citation:
    """One work: a short key, the reference as text, and its DOI or URL when there is one."""

    key: str
    text: str
    doi: str | None = None
    url: str | None = None

    def __str__(self) -> str:
        tail = f" doi:{self.doi}" if self.doi else (f" {self.url}" if self.url else "")
        return f"[{self.key}] {self.text}{tail}"


CITATIONS: dict[str, Citation] = {
    c.key: c
    for c in [
        Citation(
            "Li2021",
            "Li, C.-C.; Zhang, X.-S.; Zhu, Y.-H.; Zhang, Y.; Xin, S.; Wan, L.-J.; Guo, Y.-G. "
            "Modulating the lithiophilicity at electrode/electrolyte interface for high-energy "
            "Li-metal batteries. Energy Mater. 2021, 1, 100017 (CC-BY 4.0).",
            doi="10.20517/energymater.2021.21",
        ),
        Citation(
            "BDF",
            "Battery Data Alliance. Battery Data Format (BDF), term list and CSV convention.",
            url="https://battery-data-alliance.github.io/battery-data-format/",
        ),
        Citation(
            "Adams2018",
            "Adams, B. D. et al. Accurate determination of Coulombic efficiency for lithium "
            "metal anodes and lithium metal batteries. Adv. Energy Mater. 2018, 8, 1702097.",
            doi="10.1002/aenm.201702097",
        ),
    ]
}

_used: list[str] = []


def define(*citations: Citation) -> None:
    """Add works to the registry (each package defines the works it implements, on import).

    A key defined twice must name the same work: the same DOI (or URL), or the same text when
    there is neither; the first definition is kept."""
    for c in citations:
        known = CITATIONS.get(c.key)
        if known is None:
            CITATIONS[c.key] = c
        elif not _same_work(known, c):
            raise ValueError(f"citation key {c.key!r} is already defined as {known}")


def _same_work(a: Citation, b: Citation) -> bool:
    if a.doi or b.doi:
        return a.doi == b.doi
    if a.url or b.url:
        return a.url == b.url
    return a.text == b.text


def register(key: str) -> None:
    """Record that the work ``key`` was used in this session."""
    if key not in CITATIONS:
        raise KeyError(f"unknown citation key {key!r}; add it to lithiophile.cite.CITATIONS")
    if key not in _used:
        _used.append(key)


def used() -> list[str]:
    """Keys of the works used so far, in order of first use."""
    return list(_used)


def reset() -> None:
    """Forget the works used so far."""
    _used.clear()


def format_used() -> str:
    """The works used so far, one per line, ready to print."""
    return "\n".join(str(CITATIONS[k]) for k in _used)


def bibtex(key: str | Citation) -> str:
    """A BibTeX entry for the work ``key`` (``@misc``: the registry keeps each reference as
    one line of text, which goes in ``note``).

    >>> print(bibtex("BDF"))  # doctest: +NORMALIZE_WHITESPACE
    @misc{BDF,
      note = {Battery Data Alliance. Battery Data Format (BDF), term list and CSV convention.},
      url = {https://battery-data-alliance.github.io/battery-data-format/}
    }
    """
    c = key if isinstance(key, Citation) else CITATIONS[key]
    fields = [("note", c.text)]
    if c.doi:
        fields.append(("doi", c.doi))
    if c.url:
        fields.append(("url", c.url))
    body = ",\n".join(f"  {name} = {{{_tex(value)}}}" for name, value in fields)
    return f"@misc{{{c.key},\n{body}\n}}"


def _tex(text: str) -> str:
    return "".join("\\" + ch if ch in "&%$#_" else ch for ch in text)


def load_all() -> list[str]:
    """Import every module of the package that defines works (those calling ``cite.define``)
    and return every key of the registry. Modules whose optional dependencies are missing
    are passed over."""
    import importlib

    root = Path(__file__).parent
    for path in sorted(root.rglob("*.py")):
        if path.name == "cite.py" or "cite.define(" not in path.read_text(encoding="utf-8"):
            continue
        parts = path.relative_to(root.parent).with_suffix("").parts
        try:
            importlib.import_module(".".join(p for p in parts if p != "__init__"))
        except ImportError:
            continue
    return list(CITATIONS)


def _saved_path() -> Path:
    from lithiophile.config import settings

    return settings().home / "last-run-citations.json"


def save_used(path: Path | None = None) -> None:
    """Keep the keys used so far (the command line does it after each run), so that
    ``lithiophile cite`` can print the works of the last run. Never fails a run."""
    import json

    target = path or _saved_path()
    works = [dataclasses.asdict(CITATIONS[k]) for k in used()]
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(works, indent=1))
    except OSError:
        pass


def load_saved(path: Path | None = None) -> list[Citation]:
    """The works :func:`save_used` kept ([] when none were kept or the file is unreadable)."""
    import json

    target = path or _saved_path()
    try:
        return [Citation(**w) for w in json.loads(target.read_text())]
    except (OSError, ValueError, TypeError):
        return []
