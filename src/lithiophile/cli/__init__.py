"""The ``lithiophile`` command line (typer). Holds no science: each command calls the library."""
