"""The executor interface: in-process and process pools give the same results; failures are kept."""

import math

import pytest

from lithiophile.errors import InputError
from lithiophile.parallel import run_jobs


def _inverse(x: float) -> float:
    return 1.0 / x


@pytest.mark.parametrize("workers", [1, 2])
def test_results_in_order_and_errors_kept(workers):
    results = list(run_jobs(_inverse, [1.0, 0.0, 4.0], workers=workers))
    assert [r.item for r in results] == [1.0, 0.0, 4.0]
    assert results[0].value == 1.0 and results[2].value == 0.25
    assert not results[1].ok and results[1].error.startswith("ZeroDivisionError")


def test_bad_workers():
    with pytest.raises(InputError, match="workers must be a positive integer"):
        list(run_jobs(math.sqrt, [1.0], workers=0))


def test_error_type_is_kept():
    # the class name travels with the message, so callers can tell failures apart
    (result,) = run_jobs(_inverse, [0.0], workers=1)
    assert result.error_type == "ZeroDivisionError"
