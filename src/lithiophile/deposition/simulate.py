"""Run a :class:`~lithiophile.deposition.setup.Setup`: coefficients, initial state, the time loop
with its divergence check, progress, checkpoints and resume."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from lithiophile import cite
from lithiophile.deposition.params import FARADAY, U_MAX
from lithiophile.deposition.setup import Setup
from lithiophile.errors import CalculationFailed, DependencyMissing

__all__ = ["RawRun", "simulate"]

#: Columns of :attr:`RawRun.trace`.
TRACE = ("time_s", "potential_V", "substrate_overpotential_V", "rate_cells_s", "cg_iterations")
CHUNK = 25


@dataclass
class RawRun:
    """Fields and time traces of one run (numpy, SI; see :data:`TRACE`)."""

    setup: Setup
    xi: np.ndarray
    c: np.ndarray
    u: np.ndarray
    trace: np.ndarray
    snapshots: list[tuple[float, np.ndarray]]
    nuclei: int
    cg_max: int
    steps: int
    wall_s: float
    notes: list[str] = field(default_factory=list)

    @property
    def overpotential_V(self) -> np.ndarray:
        """Local overpotential eta = -u RT/F [V] on the grid."""
        return -self.u / self.setup.params.f


def coefficients(s: Setup) -> Any:
    """The engine's :class:`Coefs` for a setup."""
    import jax.numpy as jnp

    from lithiophile.deposition.engine import Coefs

    p, sub, ell = s.params, s.surface, s.dx_m
    dtype = jnp.float32 if s.float32 else jnp.float64
    leta = np.full((s.nz, s.nx), p.reaction_constant_s)
    rows = max(1, round(p.interface_width_m / ell))
    if sub.exchange_current_A_m2 is not None:  # kinetics of the first rows next to the surface
        leta[:rows] = p.reaction_constant_s * (sub.exchange_current_A_m2 / p.exchange_current_A_m2)
    a_sei = np.ones((s.nz, s.nx))
    if sub.sei_conductivity_S_m is not None and sub.sei_thickness_m > 0:
        n_sei = max(1, round(sub.sei_thickness_m / ell))
        a_sei[:n_sei] = np.asarray(sub.sei_conductivity_S_m) / p.conductivity_S_m
    f, i = p.f, s.current_density_A_m2
    ta = 1.0 - p.transference_number
    k = dict(
        ls_w=p.interface_mobility_m3_J_s * p.barrier_J_m3,
        ls_k=p.interface_mobility_m3_J_s * p.gradient_J_m / ell**2,
        wet=2.0 * ell / p.interface_width_m,
        cos_theta=np.cos(np.radians(np.asarray(sub.theta_deg, dtype=float))),
        leta=leta,
        alpha=p.transfer_coefficient,
        beta=f * ell**2 * FARADAY * p.li_site_density_mol_m3 / p.conductivity_S_m,
        a_sei=a_sei,
        floor=p.conduction_floor,
        dfloor=p.diffusion_floor,
        d_l=p.diffusivity_m2_s / ell**2,
        sink=ta * p.li_site_density_mol_m3 / p.concentration_mol_m3,
        q_top=f * ell * i / p.conductivity_S_m,
        c_top=ta * i / (FARADAY * p.concentration_mol_m3 * ell),
        cap=ell * p.double_layer_F_m2 / p.conductivity_S_m,
        ln_j0=math.log(p.nucleation_prefactor_m2_s * ell**2),
        b_hom=s.b_hom_V2(),
        f_theta=sub.barrier_factors(),
        f=f,
        noise=p.noise_amplitude,
        aniso=p.anisotropy_strength,
        nucleus=_nucleus_template(s),
        u_fixed=-f * s.overpotential_V,
        no_cap=1.0 - p.capillary_fraction,
        i_cells=i * s.nx / (FARADAY * p.li_site_density_mol_m3 * ell),
        exclusion=_exclusion(s),
        spacing=candidate_spacing(s),
    )
    cplx = jnp.complex64 if s.float32 else jnp.complex128
    kinds = {"nucleus": cplx, "exclusion": cplx, "spacing": jnp.int32}
    cast = {n: jnp.asarray(v, dtype=kinds.get(n, dtype)) for n, v in k.items()}
    return Coefs(**cast)


def _cap(s: Setup, nz: int, nx: int, r: float, x0: float) -> np.ndarray:
    """Half disc of radius r [cells] centred on the wall at column x0 (periodic), tanh edge."""
    w = s.params.interface_width_m / s.dx_m
    z = np.arange(nz)[:, None] + 0.5
    x = (np.arange(nx)[None, :] - x0 + nx / 2) % nx - nx / 2
    return 0.5 * (1.0 - np.tanh((np.hypot(x, z) - r) / w))


def _nucleus_radius(s: Setup) -> float:
    """Radius of a planted nucleus [cells]: 1.25 interface widths, the smallest cap the diffuse
    interface holds (the critical radius of Li, nm, is far below the grid)."""
    return max(2.5, 1.25 * s.params.interface_width_m / s.dx_m)


def candidate_spacing(s: Setup) -> int:
    """Columns between the nucleation candidates of one step (a nucleus diameter, so caps
    planted together do not overlap): at most one nucleus per this many columns, the density
    at which nucleation saturates."""
    return min(s.nx, 2 * math.ceil(_nucleus_radius(s)) + 1)


def _exclusion(s: Setup) -> np.ndarray:
    """rfft of a window of +-(radius + width) columns: no nucleus that close to Li."""
    reach = math.ceil(_nucleus_radius(s) + s.params.interface_width_m / s.dx_m)
    win = np.zeros(s.nx)
    idx = np.arange(-reach, reach + 1) % s.nx
    win[idx] = 1.0
    return np.fft.rfft(win)


def _nucleus_template(s: Setup) -> np.ndarray:
    w = s.params.interface_width_m / s.dx_m
    r = _nucleus_radius(s)
    nt = min(s.nz, math.ceil(r + 3 * w) + 1)
    return np.fft.rfft(_cap(s, nt, s.nx, r, 0.0), axis=1)


def initial_fields(s: Setup) -> tuple[np.ndarray, np.ndarray]:
    """Phase field and concentration at t = 0."""
    w = s.params.interface_width_m / s.dx_m
    z = np.arange(s.nz)[:, None] + 0.5
    if s.initial == "film":
        x = np.arange(s.nx) + 0.5 - s.nx / 2
        half = 0.5 * s.protrusion_width_m / s.dx_m
        top = (s.film_thickness_m + s.protrusion_m * np.exp(-((x / half) ** 4))) / s.dx_m
        xi = 0.5 * (1 - np.tanh((z - top[None, :]) / w))
    elif s.initial == "nucleus":
        xi = _cap(s, s.nz, s.nx, s.nucleus_radius_m / s.dx_m, s.nx / 2)
    else:
        xi = np.zeros((s.nz, s.nx))
    c = np.full((s.nz, s.nx), s.concentration_ratio)
    if s.params.diffusion_floor < 1.0:  # no salt inside the Li
        x = np.clip(xi, 0, 1)
        c = c * (1.0 - x**3 * (6 * x * x - 15 * x + 10))
    return xi, c


def schedule(s: Setup) -> np.ndarray:
    """Time steps [s]: a geometric ramp from dt/1000 when the bare substrate must charge its
    double layer first, then dt; the total is exactly ``time_s``; length a multiple of CHUNK."""
    dt = s.dt()
    steps: list[float] = []
    if s.initial == "bare" and s.nucleation:
        d = dt * 1e-3
        while d < dt and sum(steps) < s.time_s:
            steps.append(d)
            d *= 1.15
    left = s.time_s - sum(steps)
    n_rest = max(0, math.ceil(left / dt - 1e-9))
    arr = np.array(steps + [dt] * n_rest)
    arr *= s.time_s / arr.sum()
    pad = (-len(arr)) % CHUNK
    if pad:  # split the last steps so the length is a multiple of CHUNK
        tail = arr[-1] / (pad + 1)
        arr = np.concatenate([arr[:-1], np.full(pad + 1, tail)])
    return arr


def simulate(
    s: Setup,
    *,
    progress: Callable[[float, float], None] | None = None,
    checkpoint: Path | str | None = None,
    checkpoint_every_s: float = 30.0,
) -> RawRun:
    """Run the setup; raise :class:`CalculationFailed` naming the first bad step.

    ``progress(t, time_s)`` is called after each chunk of steps; with ``checkpoint`` the state
    is saved there (``.npz``) every ``checkpoint_every_s`` of wall time and a run with the same
    setup resumes from it.

    References
    ----------
    Chen et al., J. Power Sources 2015, 300, 376 (model); Jacqmin, J. Fluid Mech. 2000, 402, 57
    (wetting boundary).
    """
    try:
        import jax
    except ImportError:  # pragma: no cover - depends on the install
        raise DependencyMissing(
            "the deposition engine needs JAX: pip install 'lithiophile[deposition]' "
            "(or jax[cuda12] on a GPU machine)"
        ) from None
    # 64-bit mode only for a float64 run and only while it runs (no process-wide switch)
    with jax.enable_x64(not s.float32):
        return _simulate(s, progress, checkpoint, checkpoint_every_s)


def _simulate(
    s: Setup,
    progress: Callable[[float, float], None] | None,
    checkpoint: Path | str | None,
    checkpoint_every_s: float,
) -> RawRun:
    k = coefficients(s)  # (defines the wetting citations it uses)
    for key in ("Chen2015JPS", "Hong2018ACSEL", "Jacqmin2000", "Turnbull1950"):
        cite.register(key)
    dts = schedule(s)
    xi0, _ = initial_fields(s)
    state, start = _initial_state(s), 0
    rows: list[np.ndarray] = []
    snaps: list[tuple[float, np.ndarray]] = []
    ck = Path(checkpoint) if checkpoint else None
    if ck is not None and ck.exists():
        state, start, rows, snaps = _resume(ck, s, state)
    if start == 0:
        snaps.append((0.0, xi0.copy()))
    t0 = time.perf_counter()
    loop = _Loop(s, k, _static(s), dts, progress, ck, checkpoint_every_s)
    state, stopped = loop.run(state, start, rows, snaps)
    if snaps[-1][0] < float(state.t) - 1e-9:  # the final state is always the last snapshot
        snaps = [*snaps[: max(1, s.snapshots) - 1], (float(state.t), np.asarray(state.xi, float))]
    if ck is not None and ck.exists():
        ck.unlink()
    return RawRun(
        s,
        np.asarray(state.xi, float),
        np.asarray(state.c, float),
        np.asarray(state.u, float),
        np.concatenate(rows),
        snaps,
        int(state.nuclei),
        int(state.cg_max),
        len(dts),
        time.perf_counter() - t0,
        [stopped] if stopped else [],
    )


def _static(s: Setup) -> Any:
    """The engine's compile-time switches for a setup."""
    from lithiophile.deposition.engine import Static

    return Static(
        mode=int(s.params.anisotropy_mode),
        anisotropy=bool(s.anisotropy and s.params.anisotropy_strength > 0),
        nucleation=bool(s.nucleation),
        noise=bool(s.noise and s.params.noise_amplitude > 0),
        control=s.control,
        cg_tol=1e-5 if s.float32 else 1e-8,
        counter_term=s.params.capillary_fraction < 1.0,
    )


def _initial_state(s: Setup) -> Any:
    """The engine's state at t = 0 (fields of :func:`initial_fields`, zero potential)."""
    import jax
    import jax.numpy as jnp

    from lithiophile.deposition.engine import State

    dtype = jnp.float32 if s.float32 else jnp.float64
    xi0, c0 = initial_fields(s)
    xi = jnp.asarray(xi0, dtype)
    zero = jnp.asarray(0)
    return State(
        xi,
        jnp.asarray(c0, dtype),
        jnp.zeros_like(xi),
        jax.random.PRNGKey(s.seed),
        jnp.asarray(0.0, dtype),
        zero,
        zero,
        jnp.asarray(-1),
        zero,
        jnp.asarray(0.0, dtype),
    )


@dataclass
class _Loop:
    """The time loop: chunks of jit-compiled steps, the voltage limit, the divergence check,
    snapshots, progress and checkpoints."""

    s: Setup
    k: Any
    static: Any
    dts: np.ndarray
    progress: Callable[[float, float], None] | None
    ck: Path | None
    every_s: float

    def run(self, state: Any, start: int, rows: list, snaps: list) -> tuple[Any, str]:
        """Advance ``state`` from step ``start``, appending to ``rows`` and ``snaps``; returns
        the final state and why it stopped early ("" when it ran to the end)."""
        import jax.numpy as jnp

        from lithiophile.deposition.engine import run_chunk

        s = self.s
        dtype = jnp.float32 if s.float32 else jnp.float64
        snap_at = np.linspace(0, s.time_s, max(2, s.snapshots))
        last_ck = time.perf_counter()
        for i in range(start, len(self.dts), CHUNK):
            dts = jnp.asarray(self.dts[i : i + CHUNK], dtype)
            state, trace = run_chunk(state, dts, self.k, self.static, CHUNK)
            trace = np.asarray(trace, dtype=float)
            over = self._over_limit(trace)
            if over is not None:  # stop at the limit, as a cycler does; keep the rows up to it
                rows.append(trace[: over + 1])
                return state, f"stopped at the voltage limit {s.voltage_limit_V:g} V"
            if int(state.bad_step) >= 0:
                runaway = bool(np.nanmax(np.abs(np.asarray(state.u))) >= U_MAX)
                raise CalculationFailed(_diverged(s, int(state.bad_step), self.dts, runaway))
            rows.append(trace)
            t = float(state.t)
            if len(snaps) < len(snap_at) and t >= snap_at[len(snaps)] - 1e-9 * s.time_s:
                snaps.append((t, np.asarray(state.xi, dtype=float)))
            if self.progress is not None:
                self.progress(t, s.time_s)
            if self.ck is not None and time.perf_counter() - last_ck > self.every_s:
                _save(self.ck, s, state, i + CHUNK, rows, snaps)
                last_ck = time.perf_counter()
        return state, ""

    def _over_limit(self, trace: np.ndarray) -> int | None:
        """Index of the first row past the voltage limit, or None."""
        if self.s.voltage_limit_V is None:
            return None
        over = np.flatnonzero(np.abs(trace[:, 1]) > self.s.voltage_limit_V)
        return int(over[0]) if over.size else None


def _diverged(s: Setup, bad: int, dts: np.ndarray, runaway: bool = False) -> str:
    t = float(np.sum(dts[:bad]))
    dt = float(dts[bad - 1])
    where = (
        f"the deposition run diverged at step {bad} (t = {t:.4g} s of {s.time_s:g} s, "
        f"dt = {dt:.3g} s)"
    )
    advice = (
        f"Give a smaller time step (--dt {dt / 4:.3g}) or a lower current density; no figures "
        "were written."
    )
    if not runaway:
        return f"{where}: the phase field left [-0.5, 1.5] or became non-finite. {advice}"
    p = s.params
    i_lim = p.limiting_current_A_m2(s.nz * s.dx_m)
    return (
        f"{where}: the potential ran past 10 V, the applied current could no longer be carried. "
        "Either the electrolyte at the Li surface is used up (Sand's time for this current "
        f"{p.sand_time_s(s.current_density_A_m2):.3g} s in a semi-infinite cell; this cell's "
        f"limiting current {i_lim / 10:.3g} mA cm-2) or the step is too large. {advice}"
    )


def _save(path: Path, s: Setup, st: Any, next_i: int, rows: list, snaps: list) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    np.savez(
        tmp,
        key=s.key(),
        next_i=next_i,
        xi=np.asarray(st.xi),
        c=np.asarray(st.c),
        u=np.asarray(st.u),
        rng=np.asarray(st.key),
        t=float(st.t),
        step=int(st.step),
        nuclei=int(st.nuclei),
        cg=int(st.cg_max),
        debt=float(st.debt),
        trace=np.concatenate(rows),
        snap_t=np.array([t for t, _ in snaps]),
        snap_xi=np.stack([x for _, x in snaps]),
    )
    tmp.replace(path)


def _resume(path: Path, s: Setup, st: Any) -> tuple[Any, int, list, list]:
    import jax.numpy as jnp

    d = np.load(path)
    if str(d["key"]) != s.key():
        return st, 0, [], []  # a checkpoint of another setup: start afresh
    dt = st.xi.dtype
    new = st._replace(
        xi=jnp.asarray(d["xi"], dt),
        c=jnp.asarray(d["c"], dt),
        u=jnp.asarray(d["u"], dt),
        key=jnp.asarray(d["rng"]),
        t=jnp.asarray(float(d["t"]), dt),
        step=jnp.asarray(int(d["step"])),
        nuclei=jnp.asarray(int(d["nuclei"])),
        cg_max=jnp.asarray(int(d["cg"])),
        debt=jnp.asarray(float(d["debt"]), dt),
    )
    snaps = list(zip(d["snap_t"].tolist(), list(d["snap_xi"]), strict=True))
    return new, int(d["next_i"]), [d["trace"]], snaps
