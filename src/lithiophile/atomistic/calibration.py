"""Calibration of atomistic Li binding: relative to a reference site, linear fit to DFT,
spread between two models, and a verdict that never rests on a raw sign.

Universal potentials trained on bulk data (MPtrj) over-bind Li on carbon surfaces; the error is
largely systematic, so differences between sites computed with one model are more reliable than
the raw numbers. Every result is therefore also reported relative to a reference site: pristine
graphene for carbon hosts, Cu(111) for metals (Cu is the usual lithiophobic current collector).

Units: eV.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from lithiophile.errors import InputError
from lithiophile.metrics import Metric

__all__ = [
    "REFERENCE_SITES",
    "LinearCalibration",
    "assess",
    "model_spread",
    "relative_to_reference",
]

#: Host family -> the reference host every result is also reported against.
REFERENCE_SITES = {"carbon": "graphene pristine", "metal": "Cu(111)", "oxide": "Cu(111)"}


def relative_to_reference(
    value_eV: float,
    reference_eV: float,
    reference: str,
    *,
    model: str,
    uncertainty_eV: float | None = None,
) -> Metric:
    """E_b(site) - E_b(reference) [eV], both with the same model; negative = binds Li more."""
    return Metric(
        "binding_energy",
        float(value_eV - reference_eV),
        definition=f"E_b(site) - E_b({reference}), same model and supercell; mu_Li cancels",
        variant=f"relative to {reference}",
        uncertainty=uncertainty_eV,
        source=model,
    )


def model_spread(values_eV: Mapping[str, float]) -> tuple[float, float]:
    """Mean and half the range of one quantity computed with several models [eV].

    With two models the half-range equals their population standard deviation; it is a floor
    on the model uncertainty, not a confidence interval.
    """
    vals = [float(v) for v in values_eV.values()]
    if not vals or not all(math.isfinite(v) for v in vals):
        raise InputError(
            f"model_spread needs finite values, one per model. Got {dict(values_eV)!r}."
        )
    return sum(vals) / len(vals), (max(vals) - min(vals)) / 2


@dataclass(frozen=True)
class LinearCalibration:
    """E_DFT ~ slope * E_model + intercept, fitted by least squares to user-supplied pairs.

    Attributes
    ----------
    slope, intercept
        Fit coefficients (intercept in eV).
    rmse_eV
        Root-mean-square residual of the fit [eV]; reported as the calibrated uncertainty.
    n
        Number of pairs fitted.
    model
        The model whose raw values were fitted.
    """

    slope: float
    intercept: float
    rmse_eV: float
    n: int
    model: str

    @classmethod
    def fit(
        cls, model_eV: Sequence[float], dft_eV: Sequence[float], *, model: str = "chgnet"
    ) -> LinearCalibration:
        """Fit to pairs (model value, DFT value) of the same quantity on the same sites."""
        x = [float(v) for v in model_eV]
        y = [float(v) for v in dft_eV]
        if len(x) != len(y):
            raise InputError(
                f"The calibration needs one DFT value per model value; got {len(x)} model and "
                f"{len(y)} DFT values."
            )
        if len(x) < 2:
            raise InputError(f"The calibration needs at least 2 (model, DFT) pairs. Got {len(x)}.")
        if not all(math.isfinite(v) for v in x + y):
            raise InputError("The calibration values must all be finite numbers.")
        mx, my = sum(x) / len(x), sum(y) / len(y)
        sxx = sum((a - mx) ** 2 for a in x)
        if sxx < 1e-12:
            raise InputError(
                "The calibration's model values are all equal; give sites with different "
                "binding energies."
            )
        slope = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True)) / sxx
        intercept = my - slope * mx
        res = [b - (slope * a + intercept) for a, b in zip(x, y, strict=True)]
        rmse = math.sqrt(sum(r * r for r in res) / len(res))
        return cls(slope, intercept, rmse, len(x), model)

    def apply(self, value_eV: float, *, variant: str = "vs bcc Li") -> Metric:
        """The calibrated binding energy [eV] with the fit's RMSE as its uncertainty."""
        return Metric(
            "binding_energy",
            self.slope * float(value_eV) + self.intercept,
            definition=(
                f"{self.slope:.4g} * E_b({self.model}) + {self.intercept:.4g} eV, "
                f"least squares on {self.n} user DFT values"
            ),
            variant=f"calibrated to DFT, {variant}",
            uncertainty=self.rmse_eV if self.n > 2 else None,
            source=self.model,
        )


#: Differences below this are not called when no uncertainty is known [eV]: a resolution floor
#: chosen here (about the scatter of universal potentials on adsorption energies), not a
#: published value.
UNRESOLVED_EV = 0.1


def assess(
    relative_eV: float,
    reference: str,
    uncertainty_eV: float | None = None,
    *,
    family: str = "carbon",
) -> str:
    """A verdict from a relative (or calibrated) binding energy, never from a raw sign.

    Parameters
    ----------
    relative_eV
        E_b(site) - E_b(reference) [eV], negative = binds Li more strongly.
    reference
        Name of the reference site.
    uncertainty_eV
        The model spread or calibration RMSE [eV]; a difference inside it is undecided. None
        (one model, no calibration): differences under :data:`UNRESOLVED_EV` are undecided.
    family
        ``"metal"``: the adatom comparison is stated without a lithiophilicity conclusion, since
        for metals alloying with Li decides it (Wang et al., Nat. Commun. 2019, 10, 4930).
    """
    if uncertainty_eV is None:
        u, why = UNRESOLVED_EV, "one model, no spread: resolution floor"
    else:
        u, why = abs(float(uncertainty_eV)), "uncertainty"
    if family == "metal":
        side = "more strongly" if relative_eV < -u else "more weakly" if relative_eV > u else None
        head = (
            f"binds one Li adatom {side} than {reference} by {abs(relative_eV):.2f} eV"
            if side
            else f"adatom binding not distinguishable from {reference}"
        )
        return (
            f"{head} ({u:.2f} eV {why}); for a metal this does not decide lithiophilicity: "
            "alloying with Li does (lithiophile chem)"
        )
    if relative_eV < -u:
        return (
            f"binds Li more strongly than {reference} by {-relative_eV:.2f} eV "
            f"(beyond the {u:.2f} eV {why}): more lithiophilic than the reference"
        )
    if relative_eV > u:
        return (
            f"binds Li more weakly than {reference} by {relative_eV:.2f} eV "
            f"(beyond the {u:.2f} eV {why}): less lithiophilic than the reference"
        )
    return f"not distinguishable from {reference} within the {u:.2f} eV {why}"
