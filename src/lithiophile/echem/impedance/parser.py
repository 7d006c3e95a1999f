"""Circuit strings in impedance.py's notation, parsed by a small recursive-descent parser.

Grammar (whitespace ignored)::

    circuit  := series
    series   := term ("-" term)*
    term     := parallel | element
    parallel := "p(" series ("," series)+ ")"
    element  := KIND LABEL        e.g. R0, CPE1, Wo1, R_int

``KIND`` is one of :data:`lithiophile.echem.impedance.elements.ELEMENTS` (the longest that
matches: ``CPE1`` is a CPE, ``Wo1`` a finite-space Warburg); the label makes each name unique.
No ``eval``: a string that does not parse raises :class:`InputError` naming the position.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from lithiophile.echem.impedance.elements import ELEMENTS, ElementKind
from lithiophile.errors import InputError

__all__ = ["Element", "Node", "Parallel", "Series", "compile_model", "evaluate", "parse"]

_TOKEN = re.compile(r"\s*(?:(?P<name>[A-Za-z][A-Za-z0-9_]*)|(?P<sym>[(),\-]))")
_KINDS = sorted(ELEMENTS, key=len, reverse=True)


@dataclass(frozen=True)
class Element:
    name: str
    kind: ElementKind

    @property
    def param_names(self) -> list[str]:
        if len(self.kind.params) == 1:
            return [self.name]
        return [f"{self.name}_{p}" for p in self.kind.params]

    def elements(self) -> list[Element]:
        return [self]

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Series:
    children: tuple[Node, ...]

    def elements(self) -> list[Element]:
        return [e for c in self.children for e in c.elements()]

    def __str__(self) -> str:
        return "-".join(str(c) for c in self.children)


@dataclass(frozen=True)
class Parallel:
    children: tuple[Node, ...]

    def elements(self) -> list[Element]:
        return [e for c in self.children for e in c.elements()]

    def __str__(self) -> str:
        return "p(" + ",".join(str(c) for c in self.children) + ")"


Node = Element | Series | Parallel


def _kind_of(name: str, text: str, pos: int) -> ElementKind:
    for kind in _KINDS:
        rest = name[len(kind) :]
        if name.startswith(kind) and (rest == "" or rest[0].isdigit() or rest[0] == "_"):
            return ELEMENTS[kind]
    raise InputError(
        f"circuit {text!r}: unknown element {name!r} at position {pos}. Elements are named by "
        f"kind then label, e.g. R0, CPE1, W1; kinds are {sorted(ELEMENTS)}."
    )


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[tuple[str, str, int]] = []  # (type, value, position)
        pos = 0
        stripped = text.rstrip()
        while pos < len(stripped):
            m = _TOKEN.match(stripped, pos)
            if m is None:
                bad = stripped[pos:].lstrip()[:1]
                at = len(stripped) - len(stripped[pos:].lstrip())
                raise InputError(
                    f"circuit {text!r}: unexpected character {bad!r} at position {at}; "
                    "write elements joined by '-' (series) and p(A,B) (parallel), e.g. "
                    "'R0-p(R1,CPE1)'."
                )
            kind = "name" if m.group("name") else "sym"
            self.tokens.append((kind, m.group(kind), m.start(kind)))
            pos = m.end()
        self.i = 0

    def peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def fail(self, expected: str) -> InputError:
        tok = self.peek()
        got = f"{tok[1]!r} at position {tok[2]}" if tok else "the end of the string"
        return InputError(
            f"circuit {self.text!r}: expected {expected}, got {got}. Example of a valid "
            "circuit: 'R0-p(R1,CPE1)-W1'."
        )

    def expect(self, sym: str) -> None:
        tok = self.peek()
        if tok is None or tok[1] != sym:
            raise self.fail(repr(sym))
        self.i += 1

    def series(self) -> Node:
        terms = [self.term()]
        while (tok := self.peek()) is not None and tok[1] == "-":
            self.i += 1
            terms.append(self.term())
        return terms[0] if len(terms) == 1 else Series(tuple(terms))

    def term(self) -> Node:
        tok = self.peek()
        if tok is None or tok[0] != "name":
            raise self.fail("an element name or p(")
        self.i += 1
        nxt = self.peek()
        if tok[1] == "p" and nxt is not None and nxt[1] == "(":
            self.i += 1
            branches = [self.series()]
            while (t := self.peek()) is not None and t[1] == ",":
                self.i += 1
                branches.append(self.series())
            self.expect(")")
            if len(branches) < 2:
                raise InputError(
                    f"circuit {self.text!r}: p(...) at position {tok[2]} needs at least two "
                    "branches separated by ',', e.g. p(R1,CPE1)."
                )
            return Parallel(tuple(branches))
        return Element(tok[1], _kind_of(tok[1], self.text, tok[2]))


def parse(text: str) -> Node:
    """Parse a circuit string into a tree of :class:`Element`, :class:`Series`, :class:`Parallel`.

    Examples
    --------
    >>> str(parse("R0 - p(R1, CPE1) - W1"))
    'R0-p(R1,CPE1)-W1'
    """
    if not isinstance(text, str) or not text.strip():
        raise InputError(
            f"circuit must be a non-empty string such as 'R0-p(R1,CPE1)'. Got {text!r}."
        )
    parser = _Parser(text)
    tree = parser.series()
    if parser.peek() is not None:
        raise parser.fail("'-', ',' or the end of the string")
    names = [e.name for e in tree.elements()]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise InputError(
            f"circuit {text!r}: element names must be unique; {dupes} appear more than once "
            "(number them: R1, R2 ...)."
        )
    return tree


Model = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, list[np.ndarray]]]


def compile_model(node: Node) -> Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """The impedance function of ``node``, built once: ``model(w, params) -> (Z, J)``.

    ``Z`` [ohm] at angular frequencies ``w`` and its Jacobian ``J`` (n_freq x n_params,
    complex), ``params`` in the order of :meth:`elements` (SI values). The tree is walked here,
    not at every call, so a fit pays only for the element formulas and the series/parallel
    algebra.
    """
    inner = _compile(node)

    def model(w: np.ndarray, params: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        z, cols = inner(w, np.asarray(params, dtype=float))
        return z, np.stack(cols, axis=1)

    return model


def _compile(node: Node) -> Model:
    if isinstance(node, Element):
        fn = node.kind.evaluate

        def element(w: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
            z, dz = fn(w, tuple(p.tolist()))
            return z, dz

        return element
    children = [_compile(c) for c in node.children]
    sizes = [sum(len(e.kind.params) for e in c.elements()) for c in node.children]
    ends = np.cumsum([0, *sizes]).tolist()
    parts = list(zip(children, ends[:-1], ends[1:], strict=True))
    if isinstance(node, Series):

        def series(w: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
            z = None
            cols: list[np.ndarray] = []
            for child, a, b in parts:
                zc, dc = child(w, p[a:b])
                z = zc if z is None else z + zc
                cols += dc
            return z, cols  # type: ignore[return-value]

        return series

    def parallel(w: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
        # Z = 1 / sum(1 / Z_k);  dZ/dp = (Z / Z_k)^2 dZ_k/dp for the parameters of branch k
        evaluated = [(child(w, p[a:b])) for child, a, b in parts]
        z = np.asarray(1.0 / sum(1.0 / zc for zc, _ in evaluated))
        cols: list[np.ndarray] = []
        for zc, dc in evaluated:
            factor = (z / zc) ** 2
            cols += [factor * d for d in dc]
        return z, cols

    return parallel


def evaluate(node: Node, w: np.ndarray, params: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Impedance of ``node`` [ohm] and its Jacobian (n_freq x n_params, complex).

    ``params`` hold the node's parameters in the order of :meth:`elements` (SI values).
    For repeated calls build the function once with :func:`compile_model`.
    """
    return compile_model(node)(w, params)
