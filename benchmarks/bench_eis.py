"""Benchmark: equivalent-circuit fits of 1000 synthetic spectra by lithiophile and by
impedance.py, and the DRT of a 100-point spectrum.

Run: ``python benchmarks/bench_eis.py [--n 1000] [--workers 2]``. Both fitters fit
R0-p(R1,CPE1) to the same spectra (R1 from 1 ohm to 10 kohm, Q from 1e-9 to 1e-3, alpha 0.8-1,
1 % proportional noise, 50 frequencies spanning the arc) with the same |Z| weighting;
impedance.py starts from lithiophile's automatic initial guess (it has none of its own), so the
comparison is of the fitting itself. The chi-square of both is computed here the same way.
Both run in the same pool of --workers processes (start-up included in both timings) with one
BLAS thread per process (lithiophile.echem.impedance.threads: on small problems more threads
only wait for each other).
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


def impedance_py_chunk(job: tuple[list, list]) -> list[float | None]:
    from lithiophile.echem.impedance.threads import single_blas_thread

    spectra, guesses = job
    with single_blas_thread():  # the thread policy our fits use, for a fair comparison
        return [
            impedance_py_fit(f, z, guess) for (f, z, _), guess in zip(spectra, guesses, strict=True)
        ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    from lithiophile.echem.impedance import Circuit, drt
    from lithiophile.echem.impedance.batch import fit_many
    from lithiophile.echem.impedance.guess import features, initial_guess
    from lithiophile.echem.impedance.validate import check_spectrum
    from lithiophile.parallel import run_jobs
    from lithiophile.synth.spectra import frequencies, spectrum

    spectra = make_spectra(args.n)
    tree = Circuit(CIRCUIT).tree
    guesses = []
    for f, z, _ in spectra:
        spec = check_spectrum(f, z)
        guesses.append(initial_guess(tree, features(spec.f, spec.z)))

    # warm-up (imports, process start) outside the timings
    fit_many(CIRCUIT, [(f, z) for f, z, _ in spectra[:4]], kk_check=False)
    impedance_py_chunk((spectra[:4], guesses[:4]))

    t0 = time.perf_counter()
    ours = fit_many(CIRCUIT, [(f, z) for f, z, _ in spectra], workers=args.workers, kk_check=False)
    t_ours = time.perf_counter() - t0

    chunk = 50
    jobs = [(spectra[i : i + chunk], guesses[i : i + chunk]) for i in range(0, len(spectra), chunk)]
    t0 = time.perf_counter()
    theirs: list[float | None] = []
    for res in run_jobs(impedance_py_chunk, jobs, workers=args.workers):
        theirs += res.value if res.ok and res.value else [None] * len(res.item[0])
    t_theirs = time.perf_counter() - t0

    t0 = time.perf_counter()
    ours_1 = fit_many(CIRCUIT, [(f, z) for f, z, _ in spectra[:200]], kk_check=False)
    t_ours_1 = (time.perf_counter() - t0) / 200 * len(spectra)
    del ours_1

    ok_ours = [b.chi_square is not None for b in ours]
    ok_theirs = [c is not None for c in theirs]
    both = [i for i in range(len(spectra)) if ok_ours[i] and ok_theirs[i]]
    ratio = np.array([ours[i].chi_square / theirs[i] for i in both])  # type: ignore[operator]
    r_err = np.array(
        [abs(ours[i].values[1] / spectra[i][2] - 1) for i in range(len(spectra)) if ok_ours[i]]
    )
    n = len(spectra)
    print(
        f"== equivalent-circuit fits of {n} synthetic spectra ({CIRCUIT}, {args.workers} workers)"
    )
    print(f"lithiophile : {n / t_ours:8.1f} spectra/s  ({sum(ok_ours)} converged)")
    print(f"impedance.py: {n / t_theirs:8.1f} spectra/s  ({sum(ok_theirs)} converged)")
    print(f"throughput ratio lithiophile / impedance.py: {t_theirs / t_ours:.1f}x")
    print(f"lithiophile in one process: {n / t_ours_1:.1f} spectra/s")
    print(
        f"chi-square ours/theirs on {len(both)} spectra both fitted: median {np.median(ratio):.4f}"
        f", ours <= theirs (+1e-6) in {np.mean(ratio <= 1 + 1e-6):.1%}, worst {ratio.max():.3g}"
    )
    print(
        f"lithiophile R1 error vs truth: median {np.median(r_err):.2%}, 95th pct "
        f"{np.percentile(r_err, 95):.2%}"
    )

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
