"""One BLAS thread for the small dense problems of impedance analysis.

A DRT or a circuit fit works on matrices of a few hundred rows; OpenBLAS spreads even those
over all cores, and on a busy machine the threads spend longer waiting for each other than
computing (the DRT of a 100-point spectrum: about 12 ms on one thread, 60 ms on two cores
shared with other work). :func:`single_blas_thread` limits BLAS to one thread for the duration
of a block (threadpoolctl).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

__all__ = ["single_blas_thread"]

_controller: Any = None


@contextlib.contextmanager
def single_blas_thread() -> Iterator[None]:
    """Run the block with BLAS limited to one thread."""
    global _controller
    if _controller is None:
        from threadpoolctl import ThreadpoolController

        _controller = ThreadpoolController()  # after numpy/scipy are loaded
    with _controller.limit(limits=1, user_api="blas"):
        yield
