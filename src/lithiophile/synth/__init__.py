"""Synthetic data whose true figures are known by construction, for tests, benchmarks and the
demo: cycler traces of Li-metal protocols (:mod:`lithiophile.synth.cells`) and impedance
spectra of equivalent circuits (:mod:`lithiophile.synth.spectra`)."""
