"""Error and warning classes shared by the whole package.

Every error a user can meet is a :class:`LithiophileError`; each also subclasses the matching
built-in (``ValueError``, ``RuntimeError`` ...) so that generic ``except`` clauses keep working.
Messages say which parameter or file, what is wrong, and how to fix it.
"""

from __future__ import annotations

__all__ = [
    "BatchInterrupted",
    "CalculationFailed",
    "DataQualityWarning",
    "DependencyMissing",
    "FileFormatError",
    "InputError",
    "LithiophileError",
    "NotFittedError",
    "UnitsError",
    "UnknownColumnWarning",
    "UnrecognisedFileError",
]


class LithiophileError(Exception):
    """Base class of every error raised on purpose by lithiophile."""


class InputError(LithiophileError, ValueError):
    """A value given to lithiophile is invalid."""


class UnitsError(LithiophileError, ValueError):
    """A quantity has a unit that cannot be parsed or converted to the one required."""


class FileFormatError(LithiophileError, ValueError):
    """A file cannot be read as the format tried.

    The message names the file, the format tried, what is wrong and where (byte offset or line).
    """

    def __init__(self, path: object, fmt: str, problem: str) -> None:
        self.path = str(path)
        self.format = fmt
        self.problem = problem
        super().__init__(f"cannot read '{self.path}' as {fmt}: {problem}")


class UnrecognisedFileError(FileFormatError):
    """No reader recognises the file's content (or the file is empty)."""


class DependencyMissing(LithiophileError, ImportError):
    """An optional component (Python package or external program) is needed but not installed."""


class NotFittedError(LithiophileError, AttributeError):
    """A model was used before it was fitted."""


class CalculationFailed(LithiophileError, RuntimeError):
    """A calculation ran but did not produce a trustworthy result."""


class DataQualityWarning(UserWarning):
    """The data are too poor for a number to be trusted (e.g. sampling too coarse)."""


class UnknownColumnWarning(UserWarning):
    """A file holds a column whose meaning is unknown; it is kept under its raw name."""


class BatchInterrupted(KeyboardInterrupt):
    """Ctrl-C stopped a batch; the workers were stopped and the finished jobs kept.

    A ``KeyboardInterrupt`` (so ``except Exception`` does not swallow it) that says how far the
    batch got. The command line prints its message and exits 130.
    """

    def __init__(self, done: int, total: int) -> None:
        self.done = done
        self.total = total
        super().__init__(
            f"interrupted: {done} of {total} jobs had finished; the workers were stopped"
        )
