"""Synthetic data whose true figures are known by construction, for tests, benchmarks and the
demo: cycler traces of Li-metal protocols (:mod:`lithiophile.synth.cells` for Li||Li, which
also re-exports :mod:`lithiophile.synth.copper` for plating on Cu; their shared pieces in
:mod:`lithiophile.synth.common`), impedance spectra of equivalent circuits
(:mod:`lithiophile.synth.spectra`), realistic recordings of Li-metal cells
(:mod:`lithiophile.synth.realistic`) and the example files of the demo
(:mod:`lithiophile.synth.examples`), and the same data written in each instrument vendor's
file layout (:mod:`lithiophile.synth.instruments`, with the defects real files show in
:mod:`lithiophile.synth.instruments.defects`)."""
