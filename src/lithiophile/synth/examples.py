"""Example files the demo, the docs and the tests read, made from the generators of this package.

Signals are synthetic with known parameters, so every number the toolkit reports on them can be
checked against the parameters that made them. No file from outside the package is needed.

* :func:`li_li_symmetric`: a preset of :func:`lithiophile.synth.cells.symmetric` (fixed
  overpotential, 1 mA cm-2, one clock without end points), returning its CellData;
* :func:`rc_spectrum`: R0 + (R_int || C) from :func:`lithiophile.synth.spectra.term_impedance`
  with proportional noise on each component;
* :func:`write_examples`: the files of the demo in several formats.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from lithiophile.io.celldata import CellData, ImpedanceData, Metadata
from lithiophile.synth.cells import COIN_AREA_M2, symmetric
from lithiophile.synth.spectra import term_impedance

__all__ = ["li_li_symmetric", "rc_spectrum", "write_examples"]


def li_li_symmetric(
    *,
    current_density_A_m2: float = 10.0,
    half_cycle_s: float = 3600.0,
    cycles: int = 5,
    sample_s: float = 10.0,
    area_m2: float = COIN_AREA_M2,
    overpotential_V: float = 0.030,
    growth_V_per_cycle: float = 0.002,
    nucleation_V: float = 0.015,
    rest_s: float = 0.0,
    seed: int = 0,
) -> CellData:
    """A Li||Li symmetric cell cycled galvanostatically, plating first (the example cell).

    Each half cycle holds ``current_density_A_m2`` (10 A m^-2 = 1 mA cm^-2) for ``half_cycle_s``,
    sampled at 0, dt, ... < half_cycle_s; |V| = overpotential + growth per cycle + a nucleation
    spike that decays with a 60 s time constant at the start of each half cycle, plus 0.1 mV
    Gaussian noise; ``rest_s`` of rest after each half cycle. Plating on the working electrode
    is reduction, hence negative current and negative voltage.
    """
    cell = symmetric(
        current_density_A_m2=current_density_A_m2,
        half_cycle_s=half_cycle_s,
        cycles=cycles,
        area_m2=area_m2,
        spike_V=nucleation_V,
        tau_spike_s=60.0,
        sample_s=sample_s,
        noise_V=1e-4,
        overpotential_V=overpotential_V,
        growth_V_per_cycle=growth_V_per_cycle,
        endpoint=False,
        rest_s=rest_s,
        seed=seed,
    ).data
    header = {
        **cell.meta.header,
        "half_cycle_s": half_cycle_s,
        "overpotential_V": overpotential_V,
    }
    cell.meta = cell.meta.replace(header=header)
    return cell


def rc_spectrum(
    *,
    r0_ohm: float = 5.0,
    r_int_ohm: float = 40.0,
    c_F: float = 2e-6,
    f_min_Hz: float = 0.1,
    f_max_Hz: float = 1e6,
    points_per_decade: int = 10,
    noise_fraction: float = 0.002,
    seed: int = 0,
) -> ImpedanceData:
    """Spectrum of R0 + (R_int || C): a bulk resistance and one interfacial arc.

    Z = R0 + R_int / (1 + j w R_int C); the apex of the arc is at f = 1 / (2 pi R_int C).
    Proportional Gaussian noise of ``noise_fraction`` on each component.
    """
    rng = np.random.default_rng(seed)
    decades = math.log10(f_max_Hz / f_min_Hz)
    f = np.logspace(
        math.log10(f_max_Hz), math.log10(f_min_Hz), round(decades * points_per_decade) + 1
    )
    z = term_impedance(("R", r0_ohm), f) + term_impedance(("RC", r_int_ohm, c_F), f)
    z = z * (1 + noise_fraction * (rng.normal(size=f.size) + 1j * rng.normal(size=f.size)))
    meta = Metadata(
        instrument="lithiophile synthetic",
        format="synthetic",
        area_m2=COIN_AREA_M2,
        techniques=("PEIS",),
        header={"circuit": "R0-p(R_int,C)", "r0_ohm": r0_ohm, "r_int_ohm": r_int_ohm, "c_F": c_F},
    )
    return ImpedanceData.from_columns(
        {"frequency_Hz": f, "z_real_ohm": z.real, "z_imag_ohm": z.imag}, meta
    )


def write_examples(folder: str | Path) -> list[Path]:
    """Write the example files the demo reads, in several of the formats lithiophile reads.

    - ``li_li_symmetric.bdf.csv``: Battery Data Format CSV.
    - ``li_li_symmetric.parquet``: lithiophile Parquet with metadata.
    - ``li_li_symmetric_eu.csv``: a European-locale export (';' separator, decimal commas,
      time in h, voltage in mV, current in mA) that only the generic reader understands.
    - ``three_columns.csv``: just time, voltage, current (steps and cycles derived).
    - ``interface_eis.csv``: a header-less f, Z', -Z'' impedance table as many instruments export.
    """
    from lithiophile.io import bdf

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    cell = li_li_symmetric()
    paths = [bdf.write(cell, folder / "li_li_symmetric.bdf.csv")]
    paths.append(cell.write_parquet(folder / "li_li_symmetric.parquet"))

    eu = folder / "li_li_symmetric_eu.csv"
    t_h, v_mV, i_mA = cell["time_s"] / 3600, cell["voltage_V"] * 1e3, cell["current_A"] * 1e3
    with open(eu, "w", encoding="utf-8", newline="\r\n") as fh:
        fh.write("Time (h);Potential (mV);Current (mA)\n")
        for a, b, c in zip(t_h, v_mV, i_mA, strict=True):
            fh.write(f"{a:.6f};{b:.4f};{c:.5f}\n".replace(".", ","))
    paths.append(eu)

    three = folder / "three_columns.csv"
    short = li_li_symmetric(cycles=2, rest_s=600.0)
    np.savetxt(
        three,
        np.column_stack([short["time_s"], short["voltage_V"], short["current_A"]]),
        delimiter=",",
        header="time,voltage,current",
        comments="",
        fmt="%.6g",
    )
    paths.append(three)

    eis = folder / "interface_eis.csv"
    spectrum = rc_spectrum()
    np.savetxt(
        eis,
        np.column_stack(
            [spectrum["frequency_Hz"], spectrum["z_real_ohm"], -spectrum["z_imag_ohm"]]
        ),
        delimiter=",",
        fmt="%.8e",
    )
    paths.append(eis)
    return paths
