"""Benchmark: equivalent-circuit fits of 300 and of 1000 synthetic spectra by lithiophile and
by impedance.py in one run, and the DRT of a 100-point spectrum.

Run: ``python benchmarks/bench_eis.py [--n 300,1000] [--workers 2]``. Both fitters fit
R0-p(R1,CPE1) to the same spectra (R1 from 1 ohm to 10 kohm, Q from 1e-9 to 1e-3, alpha 0.8-1,
1 % proportional noise, 50 frequencies spanning the arc) with the same |Z| weighting;
impedance.py starts from lithiophile's automatic initial guess (it has none of its own), so the
comparison is of the fitting itself. The chi-square of both is computed here the same way.

impedance.py runs as its documentation shows, ``CustomCircuit(...).fit(f, Z)`` in a loop in
one process (one BLAS thread, the policy our fits use); its time for the first 300 spectra and
for all 1000 are read from that one loop. lithiophile runs ``fit_many`` with ``--workers``,
which uses the pool only where it pays (``lithiophile.parallel.run_jobs``); each batch size is its
own call, start-up included. The pool start-up is measured here and the crossover printed.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np

CIRCUIT = "R0-p(R1,CPE1)"


def make_spectra(n: int, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray, float]]:
    from lithiophile.synth.spectra import frequencies, spectrum

    rng = np.random.default_rng(seed)
    out = []
    for k in range(n):
        r = 10 ** rng.uniform(0, 4)
        q = 10 ** rng.uniform(-9, -3)
        a = rng.uniform(0.8, 1.0)
        tau = (r * q) ** (1 / a)
        fc = 1 / (2 * np.pi * tau)
        f = frequencies(fc * 10**3, fc * 10**-2, 10)
        s = spectrum([("R", 0.2 * r), ("RQ", r, q, a)], f, noise=0.01, seed=k)
        out.append((s.f, s.z, r))
    return out


def chi_square(z: np.ndarray, z_fit: np.ndarray) -> float:
    return float(np.sum(np.abs((z - z_fit) / np.abs(z)) ** 2))


def impedance_py_fit(f: np.ndarray, z: np.ndarray, guess: np.ndarray) -> float | None:
    """impedance.py's fit from the given start; its chi-square, None when it gives up."""
    from impedance.models.circuits import CustomCircuit

    model = CustomCircuit(CIRCUIT, initial_guess=list(guess))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(f, z, weight_by_modulus=True)
    except Exception:  # impedance.py raises RuntimeError when curve_fit gives up
        return None
    return chi_square(z, model.predict(f))


def _warm(_: int) -> None:
    import lithiophile.echem.impedance  # noqa: F401  (what a worker imports before its job)


def pool_start_s(workers: int) -> float:
    """Seconds from asking a fresh local pool for results to having them (spawn + imports)."""
    from lithiophile.parallel import run_jobs

    t0 = time.perf_counter()
    list(run_jobs(_warm, list(range(workers)), workers=workers, pool_overhead_s=0))
    return time.perf_counter() - t0


def impedance_py_loop(spectra, guesses, marks) -> tuple[list[float | None], dict[int, float]]:
    """impedance.py over the spectra in one process; elapsed time at each count in marks."""
    from lithiophile.echem.impedance.threads import single_blas_thread

    out: list[float | None] = []
    at: dict[int, float] = {}
    with single_blas_thread():
        t0 = time.perf_counter()
        for k, ((f, z, _), guess) in enumerate(zip(spectra, guesses, strict=True), start=1):
            out.append(impedance_py_fit(f, z, guess))
            if k in marks:
                at[k] = time.perf_counter() - t0
    return out, at


def compare(n, ours, theirs, truth, t_ours, t_theirs) -> float:
    ok_ours = [b.chi_square is not None for b in ours]
    ok_theirs = [c is not None for c in theirs]
    both = [i for i in range(n) if ok_ours[i] and ok_theirs[i]]
    ratio = np.array([ours[i].chi_square / theirs[i] for i in both])
    r_err = np.array([abs(ours[i].values[1] / truth[i] - 1) for i in range(n) if ok_ours[i]])
    print(f"-- {n} spectra")
    print(f"lithiophile : {n / t_ours:8.1f} spectra/s  ({sum(ok_ours)} converged)")
    print(f"impedance.py: {n / t_theirs:8.1f} spectra/s  ({sum(ok_theirs)} converged)")
    print(f"throughput ratio lithiophile / impedance.py at {n}: {t_theirs / t_ours:.1f}x")
    print(
        f"chi-square ours/theirs on {len(both)} spectra both fitted: median {np.median(ratio):.4f}"
        f", ours <= theirs (+1e-6) in {np.mean(ratio <= 1 + 1e-6):.1%}, worst {ratio.max():.3g}"
    )
    print(
        f"lithiophile R1 error vs truth: median {np.median(r_err):.2%}, 95th pct "
        f"{np.percentile(r_err, 95):.2%}"
    )
    return t_theirs / t_ours


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", default="300,1000", help="batch sizes, comma-separated")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    sizes = sorted(int(v) for v in args.n.split(","))

    from lithiophile.echem.impedance import Circuit, drt
    from lithiophile.echem.impedance.batch import fit_many
    from lithiophile.echem.impedance.guess import features, initial_guess
    from lithiophile.echem.impedance.validate import check_spectrum
    from lithiophile.parallel import POOL_OVERHEAD_S
    from lithiophile.synth.spectra import frequencies, spectrum

    spectra = make_spectra(max(sizes))
    tree = Circuit(CIRCUIT).tree
    guesses = []
    for f, z, _ in spectra:
        spec = check_spectrum(f, z)
        guesses.append(initial_guess(tree, features(spec.f, spec.z)))

    # warm-up (imports) outside the timings
    fit_many(CIRCUIT, [(f, z) for f, z, _ in spectra[:4]], kk_check=False)
    impedance_py_loop(spectra[:4], guesses[:4], set())

    theirs, t_theirs = impedance_py_loop(spectra, guesses, set(sizes))
    print(f"== equivalent-circuit fits ({CIRCUIT}); lithiophile with --workers {args.workers}")
    ratios = {}
    for n in sizes:
        pairs = [(f, z) for f, z, _ in spectra[:n]]
        t0 = time.perf_counter()
        ours = fit_many(CIRCUIT, pairs, workers=args.workers, kk_check=False)
        t_ours = time.perf_counter() - t0
        truth = [r for _, _, r in spectra[:n]]
        ratios[n] = compare(n, ours, theirs[:n], truth, t_ours, t_theirs[n])

    n1 = min(sizes)
    t0 = time.perf_counter()
    fit_many(CIRCUIT, [(f, z) for f, z, _ in spectra[:n1]], kk_check=False)
    per = (time.perf_counter() - t0) / n1
    start = pool_start_s(args.workers)
    cross = start / (per * (1 - 1 / args.workers)) if args.workers > 1 else float("inf")
    print(f"lithiophile in one process: {1 / per:.1f} spectra/s")
    print(
        f"pool of {args.workers} start-up measured {start:.2f} s (run_jobs assumes "
        f"{POOL_OVERHEAD_S:.2f} s): a pool pays above about {cross:.0f} spectra"
    )
    print("ratios: " + ", ".join(f"{n}: {r:.1f}x" for n, r in ratios.items()))
    f = frequencies(1e5, 1e-2, 100 / 7)[:100]
    s = spectrum([("R", 10.0), ("ZARC", 40.0, 1e-4, 0.85), ("ZARC", 60.0, 1e-1, 0.8)], f)
    drt(s.f, s.z, refine=False)
    reps = 20
    t0 = time.perf_counter()
    for _ in range(reps):
        drt(s.f, s.z, refine=False)
    t_drt = (time.perf_counter() - t0) / reps
    t0 = time.perf_counter()
    for _ in range(reps):
        drt(s.f, s.z)
    t_drt_refined = (time.perf_counter() - t0) / reps
    print(f"== DRT of a {s.f.size}-point spectrum (GCV over 49 lambdas + NNLS)")
    print(
        f"lithiophile DRT: {t_drt * 1e3:.1f} ms ({t_drt_refined * 1e3:.1f} ms with ZARC "
        "refinement of the peaks); pyDRTtools is GUI-bound and not run here"
    )


if __name__ == "__main__":
    main()
