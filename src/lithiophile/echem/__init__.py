"""Li-metal anode figures from cycling and impedance data (``lithiophile.echem``)."""
