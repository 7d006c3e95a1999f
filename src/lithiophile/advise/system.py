"""The system to advise on: anode, electrolyte, collector, temperature, current density.

``--anode`` is ``Li`` (a Li-metal foil), ``Cu`` (anode-free: Li plated on a bare Cu collector)
or the name of a host (``"carbon cloth"``, ``"Cu foam"`` ...). The electrolyte is read by
:func:`lithiophile.kb.electrolytes.classify_electrolyte` (class, family, formula).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lithiophile.errors import InputError
from lithiophile.kb.electrolytes import Electrolyte, classify_electrolyte
from lithiophile.metrics import Metric
from lithiophile.store import JsonView

__all__ = ["System", "load_results", "make_system"]


@dataclass(frozen=True)
class System(JsonView):
    """What the user is building (SI inside)."""

    anode: str  # "Li" | "Cu" | "host"
    anode_text: str
    electrolyte: Electrolyte = field(metadata={"payload_as": lambda e: _electrolyte_view(e)})
    collector: str | None = None
    temperature_K: float | None = None
    current_density_A_m2: float | None = None
    results: tuple[Metric, ...] = field(
        default=(), metadata={"payload_as": lambda ms: [m.as_dict() for m in ms]}
    )

    @property
    def label(self) -> str:
        anode = {"Li": "Li metal", "Cu": "anode-free Cu", "host": f"host {self.anode_text}"}
        return f"{anode[self.anode]} | {self.electrolyte.label}"


def _electrolyte_view(e: Electrolyte) -> dict[str, Any]:
    return {"text": e.text, "class": e.kind, "family": e.family, "formula": e.formula}


def _anode(text: str) -> str:
    key = text.strip().lower()
    if not key:
        raise InputError("The '--anode' option must be Li, Cu (anode-free) or a host. Got ''.")
    if key in ("li", "li metal", "lithium", "li foil"):
        return "Li"
    if key in ("cu", "cu foil", "anode-free", "anode free", "cu (anode-free)"):
        return "Cu"
    return "host"


def make_system(
    anode: str,
    electrolyte: str,
    *,
    collector: str | None = None,
    temperature_K: float | None = None,
    current_density_A_m2: float | None = None,
    results: tuple[Metric, ...] | list[Metric] = (),
) -> System:
    """A :class:`System` from what the user typed (InputError naming the option if bad)."""
    if temperature_K is not None and not temperature_K > 0:
        raise InputError(
            f"The '--temperature' option must be above 0 K, such as '25 degC'. Got "
            f"{temperature_K!r} K."
        )
    if current_density_A_m2 is not None and not current_density_A_m2 > 0:
        raise InputError(
            "The '--current-density' option must be positive, such as '0.5 mA cm-2'. Got "
            f"{current_density_A_m2!r} A m-2."
        )
    kind = _anode(anode)
    return System(
        anode=kind,
        anode_text=anode.strip(),
        electrolyte=classify_electrolyte(electrolyte),
        collector=collector,
        temperature_K=temperature_K,
        current_density_A_m2=current_density_A_m2,
        results=tuple(results),
    )


def load_results(path: Path | str) -> list[Metric]:
    """The Metric records in a JSON file (``cell analyze --json``, ``eis fit --json`` ...)."""
    import json

    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"the --from file '{path}' does not exist") from None
    except (OSError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(
            f"the --from file '{path}' is not readable JSON ({exc}); give the output of "
            "'lithiophile cell analyze --json' or 'eis fit --json'"
        ) from None
    from lithiophile.kb.files import metrics_in

    metrics = metrics_in(data)
    if not metrics:
        raise InputError(
            f"the --from file '{path}' holds no Metric records (objects with 'metric' and "
            "'value'), such as the output of 'lithiophile cell analyze --json'"
        )
    return metrics
