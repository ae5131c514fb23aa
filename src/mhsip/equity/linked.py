"""Disclosure control across linked tables published together.

``mhsip.stats.disclose_table`` protects one table: after it, no hidden cell can be recovered
from that table's own rows, columns and totals. A page or an export often publishes several
tables that share figures -- every Use of Force table has the same unit totals; interventions
by Act category are sums of interventions by MHSDS type; the five ethnic groups are sums of the
detailed codes -- and a cell hidden in one table could then be recovered with the help of
another (``docs/stats.md`` §5, "Limits").

:class:`LinkedDisclosure` first applies ``disclose_table`` / ``disclose_vector`` to each table
(primary suppression under the rule, rounding, secondary suppression), then audits them all at
once: every table's row and column equations plus the links between tables (``same``: two
entries are the same figure; ``sums``: one entry is the sum of others) form one linear system
whose unknowns are the hidden entries. An unknown is *determined* when every solution of the
system gives it the same value (its coordinate is zero in every null-space vector, found by
SVD: Hundepool et al., *Statistical Disclosure Control*, 2012, ch. 4). While any hidden entry is
determined, one more entry of an equation it appears in is hidden (an inner cell before a total,
non-zero before zero, the smallest first, as ``disclose_table`` chooses), and the audit repeats.
Published values are treated as exact, although they are rounded to 5: the check is
conservative.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from mhsip.stats import (
    HES_RULE,
    DisclosedCounts,
    DisclosureRule,
    disclose_table,
    disclose_vector,
    round_to_base,
)

Ref = tuple  # (table name, i) for a vector, (table name, i, j) for a table; -1 = the total


@dataclass
class _Entry:
    name: str
    kind: str  # "table" or "vector"
    raw: np.ndarray  # augmented with totals
    primary: np.ndarray
    hidden: np.ndarray
    offset: int = 0
    rule: DisclosureRule = HES_RULE
    known: bool = False  # shown elsewhere exactly: never hidden, always known


@dataclass
class LinkedDisclosure:
    """Tables (and vectors) published together, with the figures they share.

    >>> linked = LinkedDisclosure()
    >>> linked.table("by_type", [[20, 3], [30, 12]])           # wards x type
    >>> linked.vector("by_ward", [23, 42])                      # the same ward totals
    >>> for i in range(2):
    ...     linked.same(("by_type", i, -1), ("by_ward", i))
    >>> linked.same(("by_type", -1, -1), ("by_ward", -1))
    >>> out = linked.solve()
    >>> out["by_type"].render().tolist()
    [['*', '*', '25'], ['*', '*', '40'], ['50', '15', '65']]
    >>> out["by_ward"].render().tolist()
    ['25', '40', '65']
    """

    rule: DisclosureRule = HES_RULE
    _entries: dict[str, _Entry] = field(default_factory=dict)
    _links: list[tuple[list[Ref], list[float]]] = field(default_factory=list)
    _size: int = 0

    # --- building -------------------------------------------------------------------------
    def table(
        self,
        name: str,
        cells: Sequence[Sequence[float]] | np.ndarray,
        *,
        rule: DisclosureRule | None = None,
    ) -> None:
        """A two-way table published with row, column and grand totals."""
        r = rule or self.rule
        d = disclose_table(np.asarray(cells, float), rule=r)
        aug = _augment(np.asarray(cells, float))
        self._add(_Entry(name, "table", aug, d.primary.copy(), d.suppressed.copy(), rule=r))

    def vector(
        self, name: str, counts: Sequence[float] | np.ndarray, *, rule: DisclosureRule | None = None
    ) -> None:
        """A breakdown published with its total (as one row of a table)."""
        r = rule or self.rule
        x = np.asarray(counts, float)
        raw = np.concatenate([x, [x.sum()]])[None, :]
        d = disclose_vector(x, rule=r)
        self._add(
            _Entry(
                name, "vector", raw, d.primary[None, :].copy(), d.suppressed[None, :].copy(), rule=r
            )
        )

    def known(self, name: str, counts: Sequence[float] | np.ndarray) -> None:
        """Figures (with their total) that are shown exactly elsewhere (e.g. unsuppressed to
        the same reader): never hidden, and an intruder knows them."""
        x = np.asarray(counts, float)
        raw = np.concatenate([x, [x.sum()]])[None, :]
        none = np.zeros(raw.shape, bool)
        self._add(_Entry(name, "vector", raw, none, none.copy(), rule=self.rule, known=True))

    def same(self, a: Ref, b: Ref) -> None:
        """``a`` and ``b`` are the same figure."""
        self._links.append(([a, b], [1.0, -1.0]))

    def sums(self, total: Ref, parts: Sequence[Ref]) -> None:
        """``total`` is the sum of ``parts``."""
        self._links.append(([total, *parts], [1.0] + [-1.0] * len(parts)))

    def _add(self, entry: _Entry) -> None:
        if entry.name in self._entries:
            raise ValueError(f"table {entry.name!r} added twice")
        entry.offset = self._size
        self._size += entry.raw.size
        self._entries[entry.name] = entry

    # --- solving --------------------------------------------------------------------------
    def _index(self, ref: Ref) -> int:
        entry = self._entries[ref[0]]
        rows, cols = entry.raw.shape
        if entry.kind == "vector":
            i, j = 0, ref[1] % cols
        else:
            i, j = ref[1] % rows, ref[2] % cols
        return entry.offset + i * cols + j

    def _equations(self) -> np.ndarray:
        eqs: list[np.ndarray] = []
        for entry in self._entries.values():
            rows, cols = entry.raw.shape
            base = entry.offset
            for i in range(rows):
                row = np.zeros(self._size)
                row[base + i * cols : base + (i + 1) * cols - 1] = 1.0
                row[base + (i + 1) * cols - 1] = -1.0
                eqs.append(row)
            if entry.kind == "table":
                for j in range(cols):
                    col = np.zeros(self._size)
                    col[[base + i * cols + j for i in range(rows - 1)]] = 1.0
                    col[base + (rows - 1) * cols + j] = -1.0
                    eqs.append(col)
        for refs, coefs in self._links:
            eq = np.zeros(self._size)
            for ref, c in zip(refs, coefs, strict=True):
                eq[self._index(ref)] += c
            eqs.append(eq)
        return np.array(eqs) if eqs else np.zeros((0, self._size))

    def _flat(self, attr: str) -> np.ndarray:
        return np.concatenate([getattr(e, attr).ravel() for e in self._entries.values()])

    def _is_known(self) -> np.ndarray:
        return np.concatenate([np.full(e.raw.size, e.known) for e in self._entries.values()])

    def _is_total(self) -> np.ndarray:
        parts = []
        for e in self._entries.values():
            rows, cols = e.raw.shape
            mask = np.zeros((rows, cols), bool)
            mask[:, -1] = True
            if e.kind == "table":
                mask[-1, :] = True
            parts.append(mask.ravel())
        return np.concatenate(parts)

    def solve(self, *, max_rounds: int = 10_000) -> dict[str, DisclosedCounts]:
        """Audit the linked tables; return each one's published counts."""
        a = self._equations()
        raw = self._flat("raw")
        hidden = self._flat("hidden")
        is_total = self._is_total()
        locked = self._is_known()
        # A figure that is the same as one shown exactly elsewhere is known: show it exactly.
        for refs, coefs in self._links:
            if len(refs) == 2 and coefs == [1.0, -1.0]:
                i, j = self._index(refs[0]), self._index(refs[1])
                if locked[i] or locked[j]:
                    locked[i] = locked[j] = True
        hidden &= ~locked
        cache: dict[tuple[int, ...], np.ndarray] = {}
        for _ in range(max_rounds):
            _line_rule(a, raw, hidden, locked, is_total)
            fixed = determined(a, hidden, cache)
            if not fixed.any():
                break
            e = int(np.flatnonzero(fixed)[0])
            hidden[_next_to_hide(a, e, raw, hidden | locked, is_total)] = True
        else:  # pragma: no cover - each round hides one more entry, so this cannot run out
            raise RuntimeError("disclosure audit did not converge")
        out: dict[str, DisclosedCounts] = {}
        for entry in self._entries.values():
            sl = slice(entry.offset, entry.offset + entry.raw.size)
            h = hidden[sl].reshape(entry.raw.shape)
            exact = locked[sl].reshape(entry.raw.shape)
            values = np.where(
                h,
                np.nan,
                np.where(exact, entry.raw, round_to_base(entry.raw, entry.rule.rounding_base)),
            )
            if entry.kind == "vector":
                values, h_out, prim = values[0], h[0], entry.primary[0]
                margins = "vector"
            else:
                h_out, prim, margins = h, entry.primary, "table"
            out[entry.name] = DisclosedCounts(
                values=np.asarray(values, float),
                primary=np.asarray(prim & h_out, bool),
                secondary=np.asarray(h_out & ~prim, bool),
                rule=entry.rule,
                margins=margins,  # type: ignore[arg-type]
            )
        return out

    def check(self, published: dict[str, DisclosedCounts]) -> np.ndarray:
        """Entries (flat) that ``published`` leaves determined: empty when safe (for tests)."""
        hidden = np.concatenate(
            [np.asarray(published[name].suppressed, bool).ravel() for name in self._entries]
        )
        return np.flatnonzero(determined(self._equations(), hidden))


def _augment(cells: np.ndarray) -> np.ndarray:
    top = np.concatenate([cells, cells.sum(axis=-1, keepdims=True)], axis=-1)
    return np.concatenate([top, top.sum(axis=-2, keepdims=True)], axis=-2)


def _line_rule(
    a: np.ndarray, raw: np.ndarray, hidden: np.ndarray, locked: np.ndarray, is_total: np.ndarray
) -> None:
    """The line rule of ``disclose_table`` over every equation: while an equation has exactly
    one hidden entry, hide one more of its entries (in place)."""
    nz = a != 0
    position = np.arange(raw.size)
    while True:
        count = nz @ hidden
        need = np.flatnonzero(count == 1)
        changed = False
        for eq in need:
            entries = np.flatnonzero(nz[eq])
            if hidden[entries].sum() != 1:
                continue
            cands = entries[~hidden[entries] & ~locked[entries]]
            if cands.size == 0:
                continue
            count = nz @ hidden
            helpful = (nz[:, cands] & (count == 1)[:, None]).sum(axis=0) > 1
            order = np.lexsort(
                (position[cands], ~helpful, raw[cands], raw[cands] == 0, is_total[cands])
            )
            hidden[cands[order[0]]] = True
            changed = True
        if not changed:
            return


def determined(
    equations: np.ndarray,
    hidden: np.ndarray,
    cache: dict[tuple[int, ...], np.ndarray] | None = None,
) -> np.ndarray:
    """Which hidden entries the equations (``A x = 0`` over all entries) fix, given the rest.

    Only equations touching a hidden entry matter. Unknowns are split into independent blocks
    (linked through shared equations); in each, an unknown is determined iff its coordinate is
    zero in every null-space vector of the block's equations, found from the reduced row echelon
    form (:func:`fixed_unknowns`). ``cache`` keeps each block's answer between calls.
    """
    out = np.zeros(hidden.size, bool)
    idx = np.flatnonzero(hidden)
    if idx.size == 0 or equations.size == 0:
        return out
    m = equations[:, idx]
    m = m[np.any(m != 0, axis=1)]
    if m.shape[0] == 0:
        return out
    for block_rows, block_cols in _blocks(m):
        key = tuple(idx[block_cols].tolist())
        if cache is not None and key in cache:
            fixed = cache[key]
        else:
            fixed = fixed_unknowns(m[np.ix_(block_rows, block_cols)])
            if cache is not None:
                cache[key] = fixed
        out[idx[block_cols[fixed]]] = True
    return out


def fixed_unknowns(m: np.ndarray, tol: float = 1e-9) -> np.ndarray:
    """Unknowns of ``m x = b`` with the same value in every solution.

    Gauss-Jordan elimination with partial pivoting to the reduced row echelon form: an unknown
    is fixed iff it is a pivot whose row has no entry in a free (non-pivot) column. Plain numpy
    row operations (the matrices are small and sparse, entries 0 and +-1), so no multithreaded
    LAPACK call is needed.

    >>> fixed_unknowns(np.array([[1.0, 1.0, 0.0], [0.0, 0.0, 1.0]])).tolist()
    [False, False, True]
    """
    r_mat = np.array(m, dtype=float)
    n_rows, n_cols = r_mat.shape
    pivots: list[int] = []
    row = 0
    for col in range(n_cols):
        if row == n_rows:
            break
        column = np.abs(r_mat[row:, col])
        p = int(np.argmax(column)) + row
        if column[p - row] <= tol:
            continue
        if p != row:
            r_mat[[row, p]] = r_mat[[p, row]]
        r_mat[row] /= r_mat[row, col]
        factors = r_mat[:, col].copy()
        factors[row] = 0.0
        others = np.flatnonzero(np.abs(factors) > tol)
        if others.size:
            r_mat[others] -= np.outer(factors[others], r_mat[row])
        pivots.append(col)
        row += 1
    free = np.ones(n_cols, bool)
    free[pivots] = False
    fixed = np.zeros(n_cols, bool)
    for i, col in enumerate(pivots):
        fixed[col] = not bool(np.any(np.abs(r_mat[i, free]) > tol))
    return fixed


def _blocks(m: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Connected components of the bipartite graph of equations and unknowns."""
    n_rows, n_cols = m.shape
    parent = list(range(n_cols))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for r in range(n_rows):
        cols = np.flatnonzero(m[r])
        for c in cols[1:]:
            a, b = find(int(cols[0])), find(int(c))
            if a != b:
                parent[a] = b
    roots = np.array([find(c) for c in range(n_cols)])
    out = []
    for root in np.unique(roots):
        cols = np.flatnonzero(roots == root)
        rows = np.flatnonzero(np.any(m[:, cols] != 0, axis=1))
        out.append((rows, cols))
    return out


def _next_to_hide(
    a: np.ndarray, e: int, raw: np.ndarray, unavailable: np.ndarray, is_total: np.ndarray
) -> int:
    """A published entry sharing an equation with ``e`` (or, failing that, with the entries
    linked to it, searching outwards): inner before total, non-zero before zero, smallest
    first, then the lowest position (as ``disclose_table`` chooses). ``unavailable``: entries
    already hidden or shown exactly elsewhere."""
    reached = np.zeros(raw.size, bool)
    reached[e] = True
    while True:
        rows = np.flatnonzero(np.any(a[:, reached] != 0, axis=1))
        touched = np.any(a[rows] != 0, axis=0)
        candidates = np.flatnonzero(touched & ~unavailable)
        if candidates.size:
            break
        if not (touched & ~reached).any():  # pragma: no cover - nothing left to hide
            raise RuntimeError("a hidden entry is fixed by figures that cannot be hidden")
        reached |= touched
    order = np.lexsort((candidates, raw[candidates], raw[candidates] == 0, is_total[candidates]))
    return int(candidates[order[0]])
