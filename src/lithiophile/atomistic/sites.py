"""Starting sites for a Li adatom on a surface or a 2D sheet: top, bridge, hollow, vacancy.

The top layer is the highest layer holding at least three atoms (so an F or O adatom does not
count as the surface). Hollows are the local maxima of the in-plane distance to the nearest
top-layer atom; on a close-packed metal they are labelled fcc or hcp by whether an atom of the
second layer lies below. Of each kind, the site nearest the defect (``atoms.info
["defect_center"]``) or the middle of the cell is kept; a vacancy (``atoms.info["vacancy"]``)
adds the site over it.

Li starts at the height where its distance to the nearest atom is the sum of covalent radii
(Cordero et al. 2008, as tabulated in ``ase.data.covalent_radii``).

Units: Angstrom.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lithiophile.errors import InputError

__all__ = ["SITE_KINDS", "Site", "li_sites"]

SITE_KINDS = ("top", "bridge", "hollow", "vacancy")


@dataclass(frozen=True)
class Site:
    """A starting position for Li: its kind (``"hollow-fcc"`` ...) and Cartesian position [A]."""

    kind: str
    position: tuple[float, float, float]


def _layers(z: Any, tol: float = 0.5) -> list[list[int]]:
    import numpy as np

    order = np.argsort(z)
    groups: list[list[int]] = []
    for i in order:
        if groups and z[i] - z[groups[-1][-1]] < tol:
            groups[-1].append(int(i))
        else:
            groups.append([int(i)])
    return groups


def _images(xy: Any, cell2: Any) -> Any:
    import numpy as np

    shifts = [i * cell2[0] + j * cell2[1] for i in (-1, 0, 1) for j in (-1, 0, 1)]
    return np.concatenate([xy + s for s in shifts])


def li_sites(atoms: Any, kinds: tuple[str, ...] | None = None) -> list[Site]:
    """Starting Li sites on the top side of ``atoms`` (surface normal along z).

    Parameters
    ----------
    atoms
        A slab or sheet with vacuum above it.
    kinds
        Kinds to return, from :data:`SITE_KINDS`; default all that exist.
    """
    import numpy as np
    from ase.data import covalent_radii

    wanted = tuple(kinds) if kinds else SITE_KINDS
    bad = [k for k in wanted if k not in SITE_KINDS]
    if bad:
        raise InputError(f"Unknown site kind(s) {bad}: choose from {SITE_KINDS}.")
    pos = atoms.positions
    layers = [g for g in _layers(pos[:, 2]) if len(g) >= 3]
    if not layers:
        raise InputError("The structure has no surface layer of three or more atoms to put Li on.")
    top = layers[-1]
    second = layers[-2] if len(layers) > 1 else []
    cell2 = atoms.cell.array[:2, :2]
    top_xy = _images(pos[top, :2], cell2)
    top_z = float(pos[top, 2].max())
    d_nn = np.linalg.norm(top_xy[:, None] - top_xy[None], axis=-1)
    d_nn = float(d_nn[d_nn > 0.1].min())
    defect = atoms.info.get("defect_center")
    ref = np.array(defect[:2]) if defect is not None else (cell2[0] + cell2[1]) / 2

    candidates: dict[str, list[Any]] = {"top": [], "bridge": [], "hollow": [], "vacancy": []}
    candidates["top"] = list(pos[top, :2])
    base = pos[top, :2]
    for p in base:
        d = np.linalg.norm(top_xy - p, axis=1)
        for q in top_xy[(d > 0.1) & (d < 1.2 * d_nn)]:
            candidates["bridge"].append((p + q) / 2)
    # hollows: local maxima of the distance to the nearest top atom on a grid over the cell
    n = 40
    f = np.stack(np.meshgrid(np.arange(n) / n, np.arange(n) / n, indexing="ij"), -1).reshape(-1, 2)
    grid = f @ cell2
    dist = np.min(np.linalg.norm(grid[:, None] - top_xy[None], axis=-1), axis=1)
    dmap = dist.reshape(n, n)
    neighbours = [
        np.roll(np.roll(dmap, i, 0), j, 1) for i in (-1, 0, 1) for j in (-1, 0, 1) if i or j
    ]
    is_max = np.all([dmap >= nb - 1e-9 for nb in neighbours], axis=0) & (dmap > 0.5 * d_nn)
    candidates["hollow"] = list(grid[is_max.reshape(-1)])
    if defect is not None and atoms.info.get("vacancy"):
        candidates["vacancy"] = [np.array(defect[:2])]
        # a hollow on the defect itself is the vacancy site, not a hollow
        candidates["hollow"] = [
            h for h in candidates["hollow"] if _pbc_dist(h, ref, cell2) > 0.6 * d_nn
        ]

    sites: list[Site] = []
    for kind in wanted:
        pts = candidates[kind]
        if not pts:
            continue
        best = min(pts, key=lambda p: _pbc_dist(p, ref, cell2))
        label = kind
        if kind == "hollow" and second:
            below = _images(pos[second, :2], cell2)
            label = (
                "hollow-hcp" if np.min(np.linalg.norm(below - best, axis=1)) < 0.5 else "hollow-fcc"
            )
            sites.append(Site(label, _height(atoms, best, top_z, covalent_radii)))
            other = [p for p in pts if _label_of(p, below) != label]
            if other:
                p2 = min(other, key=lambda p: _pbc_dist(p, ref, cell2))
                sites.append(Site(_label_of(p2, below), _height(atoms, p2, top_z, covalent_radii)))
            continue
        sites.append(Site(label, _height(atoms, best, top_z, covalent_radii)))
    if not sites:
        raise InputError(f"None of the site kinds {wanted} exists on this structure.")
    return sites


def _label_of(p: Any, below: Any) -> str:
    import numpy as np

    return "hollow-hcp" if np.min(np.linalg.norm(below - p, axis=1)) < 0.5 else "hollow-fcc"


def _pbc_dist(p: Any, q: Any, cell2: Any) -> float:
    import numpy as np

    frac = np.linalg.solve(cell2.T, np.asarray(p) - np.asarray(q))
    frac -= np.round(frac)
    return float(np.linalg.norm(frac @ cell2))


def _height(atoms: Any, xy: Any, top_z: float, radii: Any) -> tuple[float, float, float]:
    """The lowest z above the top layer where Li is at least its bond length from every atom."""
    import numpy as np

    from lithiophile.atomistic.structio import MIN_DISTANCE_A

    r_li = radii[3]
    z = top_z + 1.0
    for _ in range(200):
        trial = atoms.copy()
        trial.set_constraint()
        trial.append("Li")
        trial.positions[-1] = [xy[0], xy[1], z]
        d = trial.get_distances(len(trial) - 1, range(len(trial) - 1), mic=True)
        bond = np.array([r_li + radii[zn] for zn in atoms.numbers])
        if np.all(d >= bond - 0.05) and d.min() > MIN_DISTANCE_A:
            break
        z += 0.05
    return (float(xy[0]), float(xy[1]), float(z))
