"""The interatomic potentials: CHGNet 0.3.0 (default), SevenNet-0, or any ASE calculator.

Both bundled models ship their weights inside their PyPI wheels and load offline; a model whose
weights are not on disk is refused (:class:`~lithiophile.errors.DependencyMissing`) instead of
downloaded. Each model is loaded once per process and shared by every calculator made from it.

Units: eV, Angstrom, eV/Angstrom (ASE's).

References
----------
Deng, B. et al. CHGNet as a pretrained universal neural network potential for charge-informed
atomistic modelling. Nat. Mach. Intell. 2023, 5, 1031. doi:10.1038/s42256-023-00716-3

Park, Y.; Kim, J.; Hwang, S.; Han, S. Scalable parallel algorithm for graph neural network
interatomic potentials in molecular dynamics simulations (SevenNet). J. Chem. Theory Comput.
2024, 20, 4857. doi:10.1021/acs.jctc.4c00190
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from lithiophile import cite
from lithiophile.errors import DependencyMissing, InputError

__all__ = [
    "MODELS",
    "ModelInfo",
    "check_elements",
    "get_calculator",
    "model_info",
    "set_torch_threads",
]


@dataclass(frozen=True)
class ModelInfo:
    """What a bundled model is: its key, full name, citation and how its energies are referenced."""

    key: str
    name: str
    citation: str
    energy_note: str


MODELS: dict[str, ModelInfo] = {
    "chgnet": ModelInfo(
        "chgnet",
        "CHGNet 0.3.0 (MPtrj)",
        "Deng2023",
        "CHGNet 0.3.0 is trained on MPtrj energies that already include the Materials Project "
        "MP2020 anion and GGA/GGA+U mixing corrections; do not apply them again.",
    ),
    "sevennet": ModelInfo(
        "sevennet",
        "SevenNet-0 (11Jul2024, MPtrj)",
        "Park2024",
        "SevenNet-0 predicts raw PBE(+U) MPtrj energies without the MP2020 corrections; apply "
        "MaterialsProject2020Compatibility before mixing with MP-corrected energies.",
    ),
}


def _offline() -> None:
    """Make sure no library tries the network (nothing downloads at run time)."""
    for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
        os.environ.setdefault(var, "1")


def model_info(model: str) -> ModelInfo:
    """The :class:`ModelInfo` of ``"chgnet"`` or ``"sevennet"``."""
    key = _model_key(model)
    return MODELS[key]


def _model_key(model: str) -> str:
    key = str(model).lower().replace("-", "").replace("_", "")
    aliases = {
        "chgnet": "chgnet",
        "chgnet030": "chgnet",
        "sevennet": "sevennet",
        "sevennet0": "sevennet",
        "7net0": "sevennet",
        "7net": "sevennet",
    }
    if key not in aliases:
        raise InputError(
            f"The 'model' must be one of {sorted(MODELS)} or an ASE calculator. Got {model!r}."
        )
    return aliases[key]


def set_torch_threads(n: int | None = None) -> int:
    """Set torch's intra-op threads; returns the number set.

    Default: ``LITHIOPHILE_TORCH_THREADS`` if set, else 1. Graphs of tens of atoms gain little
    from more threads and lose much when the cores are shared (spinning threads wait on a busy
    core). Worker processes of a screen get ``cores // workers`` so that they do not
    oversubscribe the cores.
    """
    import torch

    if n is None:
        text = os.environ.get("LITHIOPHILE_TORCH_THREADS", "") or "1"
        try:
            n = int(text)
        except ValueError:
            n = 0
        if n < 1:
            raise InputError(
                f"LITHIOPHILE_TORCH_THREADS must be a positive integer such as 1. Got {text!r}."
            )
    torch.set_num_threads(n)
    return n


@functools.cache
def _threads_once() -> int:
    return set_torch_threads()


@functools.cache
def _chgnet_model() -> Any:
    _offline()
    try:
        from chgnet.model import CHGNet
    except ImportError:
        raise DependencyMissing(
            "the CHGNet model needs the 'chgnet' package: pip install 'lithiophile[atomistic]'"
        ) from None
    with contextlib.redirect_stdout(io.StringIO()):
        model = CHGNet.load(model_name="0.3.0", use_device="cpu", verbose=False)
    model.eval()
    return model


def _sevennet_checkpoint() -> str:
    try:
        import sevenn._const as const
    except ImportError:
        raise DependencyMissing(
            "the SevenNet-0 model needs the 'sevenn' package: pip install 'lithiophile[atomistic]'"
        ) from None
    path = const.SEVENNET_0_11Jul2024
    if not os.path.exists(path):
        raise DependencyMissing(
            f"the SevenNet-0 checkpoint is not on disk at '{path}' and lithiophile does not "
            "download weights at run time: reinstall sevenn from a wheel that bundles it."
        )
    return path


@functools.cache
def _sevennet_calculator() -> Any:
    _offline()
    path = _sevennet_checkpoint()
    from sevenn.calculator import SevenNetCalculator

    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")  # "no tensor-product accelerator" (none exists on CPU)
        return SevenNetCalculator(model=path, device="cpu")


@functools.cache
def supported_numbers(model: str) -> frozenset[int]:
    """Atomic numbers a bundled model was trained on."""
    key = _model_key(model)
    if key == "chgnet":
        return frozenset(range(1, _chgnet_model().atom_embedding.embedding.num_embeddings + 1))
    return frozenset(int(z) for z in _sevennet_calculator().type_map)


def check_elements(atoms: Any, model: Any) -> None:
    """Raise :class:`InputError` if ``atoms`` holds an element ``model`` does not know."""
    if not isinstance(model, str):
        return
    from ase.data import chemical_symbols

    known = supported_numbers(model)
    unknown = sorted({int(z) for z in atoms.numbers} - known)
    if unknown:
        names = ", ".join(chemical_symbols[z] for z in unknown)
        raise InputError(
            f"The structure holds {names}, which the {model_info(model).name} model was not "
            f"trained on; choose another 'model' or remove those atoms."
        )


def get_calculator(model: Any = "chgnet", *, stress: bool = False) -> Any:
    """An ASE calculator for ``model``.

    Parameters
    ----------
    model
        ``"chgnet"`` (CHGNet 0.3.0, default), ``"sevennet"`` (SevenNet-0), or any ASE
        calculator, returned as is.
    stress
        For CHGNet: ``True`` gives the stock ``CHGNetCalculator`` (energy, forces, stress,
        magnetic moments), ``False`` the energy+forces-only calculator for fixed-cell
        relaxations (the same energies and forces at less cost). SevenNet always computes
        stress with its forces.

    Returns
    -------
    ase.calculators.calculator.Calculator
        A fresh calculator object sharing the process's single copy of the model.
    """
    if not isinstance(model, str):
        if not hasattr(model, "get_potential_energy") and not hasattr(model, "calculate"):
            raise InputError(
                f"The 'model' must be 'chgnet', 'sevennet' or an ASE calculator. Got {model!r}."
            )
        return model
    key = _model_key(model)
    cite.register(MODELS[key].citation)
    _threads_once()
    if key == "chgnet":
        net = _chgnet_model()
        from lithiophile.atomistic._chgnet_ef import CHGNetEnergyForces, quiet_stock_calculator

        if stress:
            return quiet_stock_calculator(net)

        return CHGNetEnergyForces(net)
    shared = _sevennet_calculator()
    from sevenn.calculator import SevenNetCalculator

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return SevenNetCalculator(model=shared.model, file_type="model_instance", device="cpu")


def model_label(model: Any) -> str:
    """A short name for records: the key of a bundled model or the calculator's class name."""
    if isinstance(model, str):
        return _model_key(model)
    return type(model).__name__


def iter_models(models: Iterable[str]) -> list[str]:
    """Normalised model keys, each checked."""
    return [_model_key(m) for m in models]
