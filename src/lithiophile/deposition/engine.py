"""The jit-compiled time step of the Butler-Volmer Allen-Cahn deposition model (JAX).

Unknowns on the ``(nz, nx)`` grid: the phase field xi (1 in Li, 0 in electrolyte), the salt
concentration c/c0 and the dimensionless electrolyte potential u = F (phi_e - phi_s) / RT
relative to the (equipotential) electrode, so the local overpotential is eta = -u RT/F.

One step (dt):

1. Allen-Cahn rate A = -L_sigma [g'(xi) - kappa lap(xi)] with the wetting flux
   d xi/dz = -cos(theta) (2/w) xi (1 - xi) through the substrate (Cahn; Jacqmin 2000) and the
   anisotropic gradient term explicit. A diffuse interface stiff enough to keep its profile
   (L_sigma W >> reaction rate) would, in the plain model, also move by its curvature far faster
   than real Li does; the counter term of Sun & Beckermann (J. Comput. Phys. 2007, 220, 626)
   removes all but ``capillary_fraction`` of that curvature-driven motion.
2. Butler-Volmer reaction -L_eta h'(xi) [exp((1-a) eta~) - c~ exp(-a eta~)] (Chen et al. 2015),
   linearised in u about the last step, so the potential and the phase field are coupled
   semi-implicitly (an explicit lag oscillates at strong coupling).
3. Charge conservation for u: -div(a(xi) grad u) + beta G u = rhs, with the applied current as
   the flux through the top wall and the double layer of the bare substrate as an implicit flux
   through the bottom (a galvanostatic run needs no outer loop: the total reaction + charging
   current equals the applied one by construction). Solved by conjugate gradients with the
   FFT Poisson solver as preconditioner, warm-started from the last step.
4. xi and c advance with their Laplacians implicit (FFT) and the rest explicit (the double
   well's stiffness sets a step limit, see Setup.max_stable_dt), the mean mode exactly, so the
   Li deposited equals the charge passed to round-off. The salt diffuses and gains
   (1 - t+) i / F at the top (counter electrode), then loses (1 - t+) c_s per unit of xi
   deposited, in the cell where it is deposited (binary electrolyte). No cell's reaction
   consumes more salt in a step than the cell holds (see _reaction_parts): once the surface is
   depleted (Sand's time) the reaction is limited by the salt diffusing in, as in the
   sharp-interface problem, instead of driving c negative. No Li is reduced where
   xi < XI_MIN (the tanh tail far ahead of the interface holds no Li).
5. Optional: Langevin noise on xi at the interface; classical nucleation events on the bare
   substrate away from existing Li (rate J0 exp(-f(theta) dG*_hom(eta) / kT), Turnbull 1950),
   each planting a small Li cap (Simmons et al., Scripta Mater. 2000, 43, 935: nucleation
   events written into a phase field); the Li planted is paid back from the applied current
   (at most half of it per step) so the deposit always equals the charge passed.

A step that produces a non-finite value, xi outside [-0.5, 1.5] or a potential past about 10 V
(no way left to carry the applied current: the salt at the surface is used up) is recorded by
its number.

Precision: this module does not switch JAX's 64-bit mode on; :func:`simulate` runs a float64
setup inside ``jax.enable_x64(True)`` and a float32 one with it off, so no float64 (or complex128)
constant leaks into a float32 run and the rest of the process keeps JAX's default.
"""

from __future__ import annotations

from functools import partial
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp

from lithiophile.deposition import operators as op
from lithiophile.deposition.params import U_MAX

Array = Any

#: Phase-field value below which a cell holds no Li to grow from (see :func:`_hprime`).
XI_MIN = 0.01


class Coefs(NamedTuple):
    """Per-run coefficients (floats in s-1 or grid units; arrays per column or per cell)."""

    ls_w: Array  # L_sigma W [s-1]
    ls_k: Array  # L_sigma kappa / l^2 [s-1]
    wet: Array  # 2 l / w
    cos_theta: Array  # (nx,)
    leta: Array  # (nz, nx) L_eta [s-1]
    alpha: Array
    beta: Array  # f l^2 F c_s / kappa_l [s]
    a_sei: Array  # (nz, nx) conductivity factor of the SEI layer
    floor: Array  # conductivity kept inside Li (fraction)
    dfloor: Array  # diffusivity kept inside Li (fraction)
    d_l: Array  # D / l^2 [s-1]
    sink: Array  # (1 - t+) c_s / c0
    q_top: Array  # f l i / kappa_l
    c_top: Array  # (1 - t+) i / (F c0 l) [s-1]
    cap: Array  # l C_dl / kappa_l [s]
    ln_j0: Array  # ln(J0 l^2) [ln s-1]
    b_hom: Array  # 16 pi gamma^3 Vm^2 / (3 F^2 kT) [V^2]
    f_theta: Array  # (nx,) barrier factor
    f: Array  # F / RT [V-1]
    noise: Array  # [s-1/2]
    aniso: Array
    nucleus: Array  # (nz_t, nx//2+1) rfft of the nucleus template along x
    i_cells: Array  # applied current in grid cells of Li per second (sum over the grid)
    exclusion: Array  # (nx//2+1,) rfft of the exclusion window around existing Li
    spacing: Array  # int, columns between nucleation candidates in one step
    u_fixed: Array  # potentiostatic u (used when control == "potential")
    no_cap: Array  # 1 - capillary fraction


class State(NamedTuple):
    xi: Array
    c: Array
    u: Array
    key: Array
    t: Array
    step: Array
    nuclei: Array
    bad_step: Array
    cg_max: Array
    debt: Array  # Li planted by nucleation not yet paid by the current [grid cells]


class Static(NamedTuple):
    """Compile-time switches."""

    mode: int = 4
    anisotropy: bool = True
    nucleation: bool = False
    noise: bool = False
    control: str = "current"  # or "potential"
    counter_term: bool = True
    cg_iters: int = 60
    cg_tol: float = 1e-7


def _dwell(xi: Array) -> Array:
    return 2.0 * xi * (1.0 - xi) * (1.0 - 2.0 * xi)


def _hprime(xi: Array) -> Array:
    """h'(xi) = 30 xi^2 (1 - xi)^2, cut to 0 where xi < XI_MIN: no Li is reduced where there is
    no Li (the tanh tail far ahead of the interface), which would otherwise take the current at
    the large overpotentials after Sand's time (the cut removes 1e-5 of the integral)."""
    x = jnp.clip(xi, 0.0, 1.0)
    return jnp.where(x >= XI_MIN, 30.0 * x**2 * (1.0 - x) ** 2, 0.0)


def _h(xi: Array) -> Array:
    x = jnp.clip(xi, 0.0, 1.0)
    return x**3 * (6.0 * x**2 - 15.0 * x + 10.0)


def allen_cahn_rate(xi: Array, k: Coefs, s: Static) -> Array:
    """-L_sigma (g' - kappa lap xi) with the wetting flux and the anisotropic term [s-1]."""
    lap = op.laplacian(xi)
    x0, x1 = xi[0], xi[1]
    xw = jnp.clip(1.5 * x0 - 0.5 * x1, 0.0, 1.0)  # xi at the wall, extrapolated
    wet_src = k.cos_theta * k.wet * xw * (1.0 - xw)
    lap = lap.at[0].add(wet_src)
    if s.anisotropy:
        lap = lap + op.anisotropic_extra(xi, k.aniso, s.mode)
    if s.counter_term:  # remove (1 - capillary fraction) of the curvature-driven motion
        lap = lap - k.no_cap * k.wet * xi * (1.0 - xi) * op.curvature(xi)
    return -k.ls_w * _dwell(xi) + k.ls_k * lap


def _reaction_parts(xi: Array, c: Array, u: Array, dt: Array, k: Coefs) -> tuple[Array, Array]:
    """Rate Rx0 at u and its derivative G = dRx/du >= 0.

    The cathodic branch is explicit in c (the salt after this step's diffusion) while a cell
    would consume less than the salt it holds, x = (1 - t+) c_s/c0 dt L_eta h' exp(-a eta) < 1;
    beyond that it consumes just that salt (c / x in place of c), so no cell goes negative and,
    once the surface is depleted (Sand's time), the reaction is limited by the salt diffusing in
    as in the sharp-interface problem. (A backward-Euler c in every cell would bias the rate by
    a factor 1 / (1 + x) at ordinary steps, where diffusion keeps the cell supplied.)"""
    eta = jnp.clip(-u, -60.0, 60.0)
    e1 = jnp.exp((1.0 - k.alpha) * eta)
    e2 = jnp.exp(-k.alpha * eta)
    hp = _hprime(xi)
    x = k.sink * dt * k.leta * hp * e2
    ok = x < 1.0
    cath = jnp.clip(c, 0.0, None) * jnp.where(ok, e2, e2 / jnp.maximum(x, 1.0))
    rate = -k.leta * hp * (e1 - cath)
    g = k.leta * hp * ((1.0 - k.alpha) * e1 + jnp.where(ok, k.alpha * cath, 0.0))
    return rate, g


def _cg(apply: Any, b: Array, x0: Array, precond: Any, s: Static) -> tuple[Array, Array]:
    """Preconditioned conjugate gradients; returns the solution and the iterations used."""
    r0 = b - apply(x0)
    z0 = precond(r0)
    bnorm = jnp.sqrt(jnp.sum(b * b)) + 1e-300

    def cond(st: tuple) -> Array:
        _, r, _, _, _, i = st
        return (i < s.cg_iters) & (jnp.sqrt(jnp.sum(r * r)) > s.cg_tol * bnorm)

    def body(st: tuple) -> tuple:
        x, r, z, p, rz, i = st
        ap = apply(p)
        a = rz / jnp.sum(p * ap)
        x = x + a * p
        r = r - a * ap
        z = precond(r)
        rz_new = jnp.sum(r * z)
        p = z + (rz_new / rz) * p
        return x, r, z, p, rz_new, i + 1

    st = (x0, r0, z0, z0, jnp.sum(r0 * z0), jnp.asarray(0))
    x, *_, i = jax.lax.while_loop(cond, body, st)
    return x, i


def _potential(
    xi: Array,
    ul: Array,
    u_old: Array,
    rate0: Array,
    g: Array,
    lam: Array,
    dt: Array,
    k: Coefs,
    s: Static,
) -> tuple[Array, Array]:
    """Solve the charge balance linearised at ``ul`` for u (``u_old``: last step's u, for the
    double layer); see the module docstring."""
    a = ((1.0 - _h(xi)) * (1.0 - k.floor) + k.floor) * k.a_sei
    capd = k.cap / dt * jnp.clip(1.0 - xi[0], 0.0, 1.0)
    diag = (k.beta * g).at[0].add(capd)
    rhs = -k.beta * (rate0 - g * ul)
    rhs = rhs.at[-1].add(k.q_top).at[0].add(capd * u_old[0])
    dbar = jnp.maximum(jnp.mean(diag), 1e-12)
    denom = lam + dbar

    def apply(v: Array) -> Array:
        return -op.div_a_grad(a, v) + diag * v

    return _cg(apply, rhs, ul, lambda r: op.spectral_solve(r, denom), s)


def _newton(
    xi: Array, c: Array, u0: Array, a_rate: Array, lam: Array, dt: Array, k: Coefs, s: Static
) -> tuple[Array, Array, Array]:
    """Solve the charge balance with the reaction re-linearised until u changes by < 0.05
    (RT/F units) between iterations, each move limited to 2 RT/F (exponentials overshoot a
    single linearisation when the current jumps). Returns u, the reaction rate linearised at
    the last iterate (consistent with the balance solved) and the total CG iterations."""

    def solve(ul: Array) -> tuple[Array, Array, Array]:
        rx0, g = _reaction_parts(xi, c, ul, dt, k)
        u, its = _potential(xi, ul, u0, a_rate + rx0, g, lam, dt, k, s)
        return u, rx0 + g * (u - ul), its

    def cond(st: tuple) -> Array:
        ul, u, _, _, n = st
        return (n < 12) & (jnp.max(jnp.abs(u - ul)) > 0.05)

    def body(st: tuple) -> tuple:
        ul, u, _, its, n = st
        ul = ul + jnp.clip(u - ul, -2.0, 2.0)
        u, rx, i = solve(ul)
        return ul, u, rx, its + i, n + 1

    u, rx, its = solve(u0)
    _, u, rx, its, _ = jax.lax.while_loop(cond, body, (u0, u, rx, its, jnp.asarray(1)))
    return u, rx, its


def _nucleate(xi: Array, u: Array, key: Array, dt: Array, k: Coefs) -> tuple[Array, Array, Array]:
    """Classical nucleation events on bare, cathodic substrate columns away from existing Li;
    each plants a Li cap. Returns xi, the number of events and the Li volume planted."""
    eta = -u[0] / k.f
    nx = xi.shape[1]
    near = jnp.fft.irfft(jnp.fft.rfft((xi[0] >= 0.5).astype(xi.dtype)) * k.exclusion, n=nx)
    bare = (near < 0.5) & (eta < 0.0)
    log_p = k.ln_j0 + jnp.log(dt) - k.f_theta * k.b_hom / jnp.maximum(eta**2, 1e-12)
    p = jnp.exp(jnp.minimum(log_p, 0.0))
    k1, k2 = jax.random.split(key)
    # candidates one per ``spacing`` columns (random offset each step), so caps planted in one
    # step do not overlap; p is scaled up to keep the rate per column
    spacing = k.spacing
    lattice = (jnp.arange(nx) + jax.random.randint(k2, (), 0, spacing)) % spacing == 0
    fire = (jax.random.uniform(k1, eta.shape) < jnp.minimum(1.0, p * spacing)) & bare & lattice
    nt = k.nucleus.shape[0]
    caps = jnp.fft.irfft(jnp.fft.rfft(fire.astype(xi.dtype))[None, :] * k.nucleus, n=nx, axis=1)
    new = jnp.maximum(xi[:nt], jnp.clip(caps, 0.0, 1.0))
    planted = jnp.sum(new - xi[:nt])
    return xi.at[:nt].set(new), jnp.sum(fire), planted


@partial(jax.jit, static_argnums=(3,))
def step(state: State, dt: Array, k: Coefs, s: Static) -> tuple[State, Array]:
    """Advance one time step; returns the new state and a trace row
    (t, electrode potential vs the top [V], mean substrate overpotential [V], reaction rate
    sum [grid cells s-1], CG iterations)."""
    xi, c, u0 = state.xi, state.c, state.u
    nz, nx = xi.shape
    lam = op.eigenvalues(nz, nx, xi.dtype)
    a_rate = allen_cahn_rate(xi, k, s)
    # Li planted by nucleation is paid back from the current: up to half of each step's charge
    budget = jnp.abs(k.i_cells) * dt
    repay = jnp.minimum(state.debt, 0.5 * budget)
    scale = jnp.where(budget > 0, 1.0 - repay / jnp.maximum(budget, 1e-300), 1.0)
    k = k._replace(q_top=k.q_top * scale)
    # salt: diffusion (implicit Laplacian) and the counter electrode's supply at the top first,
    # then the salt consumed where the Li is reduced (the same rate, cell by cell), so the
    # reaction sees the salt that diffused in during the step and c stays >= 0
    dfac = (1.0 - _h(xi)) * (1.0 - k.dfloor) + k.dfloor
    c_rhs = (dt * k.d_l * op.div_a_grad(dfac, c)).at[-1].add(dt * k.c_top)
    c_star = c + op.spectral_solve(c_rhs, _implicit(lam, dt, 0.0, k.d_l))
    c_pre = c_star - k.sink * dt * a_rate  # the salt left after the Allen-Cahn part of the step
    if s.control == "potential":
        u, its = jnp.zeros_like(u0) + k.u_fixed, jnp.asarray(0)
        rx, _ = _reaction_parts(xi, c_pre, u, dt, k)
    else:
        u, rx, its = _newton(xi, c_pre, u0, a_rate, lam, dt, k, s)
    rate = a_rate + rx
    # the Laplacian implicit, the double well explicit on every mode alike (a stabiliser on some
    # modes only lets the mean run ahead of the profile and biases the rate; Setup.max_stable_dt
    # limits dt instead), so the Li deposited equals the charge passed to round-off
    dxi = op.spectral_solve(dt * rate, _implicit(lam, dt, 0.0, k.ls_k))
    xi_new = xi + dxi
    key, k_noise, k_nuc = jax.random.split(state.key, 3)
    if s.noise:
        w = 16.0 * jnp.clip(xi_new, 0, 1) ** 2 * (1 - jnp.clip(xi_new, 0, 1)) ** 2
        kick = k.noise * jnp.sqrt(dt) * w * jax.random.normal(k_noise, xi.shape, xi.dtype)
        xi_new = xi_new + kick - jnp.mean(kick)
    nuclei, debt = state.nuclei, state.debt - repay
    if s.nucleation:
        xi_new, fired, planted = _nucleate(xi_new, u, k_nuc, dt, k)
        nuclei, debt = nuclei + fired, debt + planted
    c_new = c_star - k.sink * dt * rate
    n = state.step + 1
    ok = (
        jnp.all(jnp.isfinite(xi_new))
        & jnp.all(jnp.isfinite(c_new))
        & jnp.all(jnp.isfinite(u))
        & (jnp.min(xi_new) > -0.5)
        & (jnp.max(xi_new) < 1.5)
        & (jnp.max(jnp.abs(u)) < U_MAX)
    )
    bad = jnp.where((state.bad_step < 0) & ~ok, n, state.bad_step)
    new = State(
        xi_new, c_new, u, key, state.t + dt, n, nuclei, bad, jnp.maximum(state.cg_max, its), debt
    )
    v_top = -jnp.mean(u[-1]) / k.f
    eta_sub = -jnp.mean(u[0]) / k.f
    row = jnp.stack([new.t, v_top, eta_sub, jnp.sum(dxi) / dt, its.astype(xi.dtype)])
    return new, row


def _implicit(lam: Array, dt: Array, stab: Array, diff: Array) -> Array:
    """Symbol 1 + dt (stab + diff lam), with the mean mode left explicit (exactly 1)."""
    d = 1.0 + dt * (stab + diff * lam)
    return d.at[0, 0].set(1.0)


@partial(jax.jit, static_argnums=(3, 4))
def run_chunk(state: State, dts: Array, k: Coefs, s: Static, n: int) -> tuple[State, Array]:
    """``n`` steps with the time steps ``dts`` (length n) under one jit; rows of the trace."""

    def body(st: State, dt: Array) -> tuple[State, Array]:
        return step(st, dt, k, s)

    return jax.lax.scan(body, state, dts, length=n)
