"""Host structures for Li binding, built in one place with one vocabulary.

Units: Angstrom.

A host is named the same way on the command line (``atoms bind HOST``) and in a screen file
(``host: ...``):

- ``graphene`` with an optional ``dopant`` (motif of :data:`~lithiophile.atomistic.DOPANTS`)
  and ``size`` (``"4x4"``);
- a metal of :data:`~lithiophile.atomistic.bulk.ELEMENTS` with ``facet`` (``"111"``),
  ``size`` (``"3x3"``) and ``layers``;
- a compound of :data:`~lithiophile.atomistic.bulk.PROTOTYPES` (ZnO, Al2O3 ...) with ``facet``;
- a structure file (CIF, POSCAR, extxyz).

:func:`reference_host` gives the reference site a binding energy is judged against: pristine
graphene of the same cell for carbon hosts, Cu(111) for metals and compounds.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lithiophile.errors import InputError

__all__ = ["HostSpec", "build_host", "reference_host"]


@dataclass(frozen=True)
class HostSpec:
    """What a host is: its name and the options that shape it.

    Attributes
    ----------
    host
        ``"graphene"``, a metal symbol, a compound prototype name, or a structure file path.
    dopant, size, facet, layers
        Graphene motif; in-plane supercell (``"4x4"``); surface facet; metal slab layers.
    """

    host: str
    dopant: str | None = None
    size: str | None = None
    facet: str | None = None
    layers: int = 4

    @classmethod
    def from_mapping(cls, spec: dict[str, Any], base: Path | None = None) -> HostSpec:
        """From a screen-file job (``host:``/``structure:``; ``oxide:`` kept as an alias)."""
        if "structure" in spec:
            path = Path(str(spec["structure"]))
            if base is not None and not path.is_absolute():
                path = base / path
            return cls(str(path))
        host = spec.get("host", spec.get("oxide"))
        if not host:
            raise InputError(
                f"Job {spec.get('name')!r}: give 'host: graphene' (with dopant, size), "
                "'host: <metal>' or 'host: <compound>' (with facet), or 'structure: <file>'. "
                f"Got {spec!r}."
            )
        return cls(
            str(host),
            dopant=spec.get("dopant"),
            size=None if spec.get("size") is None else str(spec["size"]),
            facet=None if spec.get("facet") is None else str(spec["facet"]),
            layers=int(spec.get("layers", 4)),
        )


def build_host(spec: HostSpec) -> Any:
    """The ``ase.Atoms`` of a host (see the module docstring for the vocabulary)."""
    from lithiophile.atomistic.bulk import ELEMENTS, PROTOTYPES
    from lithiophile.atomistic.carbon import graphene, parse_size
    from lithiophile.atomistic.structio import read_structure
    from lithiophile.atomistic.surfaces import metal_slab, oxide_slab

    if spec.host.lower() == "graphene":
        return graphene(spec.size or "4x4", spec.dopant)
    if spec.dopant:
        raise InputError(
            f"A dopant ({spec.dopant!r}) applies to graphene only, not to {spec.host!r}."
        )
    if spec.host in ELEMENTS:
        return metal_slab(
            spec.host, spec.facet or "111", size=parse_size(spec.size or "3x3"), layers=spec.layers
        )
    if spec.host in PROTOTYPES:
        size = parse_size(spec.size) if spec.size else None
        return oxide_slab(spec.host, spec.facet or "10-10", size=size)
    path = Path(spec.host)
    if path.suffix or path.exists():
        return read_structure(path)
    raise InputError(
        f"The host {spec.host!r} is unknown: give graphene (with a dopant and size), a "
        f"metal of {sorted(ELEMENTS)}, a compound of {sorted(PROTOTYPES)} (with a facet) or a "
        "structure file (.cif, POSCAR, .extxyz)."
    )


def reference_host(atoms: Any, spec: HostSpec) -> Any | None:
    """The reference host of ``atoms``: pristine graphene of the same cell, Cu(111) (same slab
    size) for metals and compounds, or None for a structure file."""
    from lithiophile.atomistic.carbon import graphene, parse_size
    from lithiophile.atomistic.surfaces import metal_slab

    family = atoms.info.get("host_family")
    if family == "carbon" and "motif" in atoms.info:
        return graphene(spec.size or "4x4", "pristine")
    if family == "metal":
        return metal_slab("Cu", "111", size=parse_size(spec.size or "3x3"), layers=spec.layers)
    if family == "oxide":
        return metal_slab("Cu", "111", size=(3, 3), layers=spec.layers)
    return None
