"""Citation registry, after PyBaMM: a method records the works it implements when it is *used*.

Examples
--------
>>> from lithiophile import cite
>>> cite.register("BDF")
>>> "BDF" in cite.used()
True
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CITATIONS", "Citation", "define", "format_used", "register", "reset", "used"]


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

    A key defined twice must name the same work."""
    for c in citations:
        known = CITATIONS.get(c.key)
        if known is not None and known != c:
            raise ValueError(f"citation key {c.key!r} is already defined as {known}")
        CITATIONS[c.key] = c


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
