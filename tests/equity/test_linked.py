"""Disclosure control across linked tables: after the audit no hidden count can be worked out
from the published ones, whether from one table (as disclose_table already ensures) or by
combining tables that share totals or add up to each other."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mhsip.equity.linked import LinkedDisclosure, determined, fixed_unknowns
from mhsip.stats import disclose_table


def brute_fixed(m: np.ndarray) -> np.ndarray:
    """Independent check by SVD: an unknown is fixed iff zero in every null-space vector."""
    _, sing, vt = np.linalg.svd(m)
    rank = int((sing > 1e-9).sum())
    null = vt[rank:]
    return np.all(np.abs(null) < 1e-9, axis=0) if null.shape[0] else np.ones(m.shape[1], bool)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 8), st.integers(1, 8), st.integers(0, 2**31 - 1))
def test_row_reduction_finds_the_same_fixed_unknowns_as_the_null_space(rows, cols, seed):
    m = np.random.default_rng(seed).choice([0.0, 0.0, 1.0, -1.0], size=(rows, cols))
    assert fixed_unknowns(m).tolist() == brute_fixed(m).tolist()


def test_a_category_table_published_beside_its_type_table_can_reveal_a_hidden_type():
    # Ward x type: the 3 is hidden in its own table ...
    types = np.array([[50, 3, 12, 40], [60, 30, 9, 45]], float)
    d = disclose_table(types)
    # ... but categories (types 1+2, types 3+4) published beside it pin it down.
    cats = np.stack([types[:, :2].sum(1), types[:, 2:].sum(1)], axis=1)
    c = disclose_table(cats)
    linked = LinkedDisclosure()
    linked.table("type", types)
    linked.table("category", cats)
    for u in (0, 1, -1):
        linked.sums(("category", u, 0), [("type", u, 0), ("type", u, 1)])
        linked.sums(("category", u, 1), [("type", u, 2), ("type", u, 3)])
    unsafe = {"type": d, "category": c}
    assert linked.check(unsafe).size > 0  # each table alone was "safe"
    out = linked.solve()
    assert linked.check(out).size == 0
    assert out["type"].suppressed[0, 1]


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 5), st.integers(2, 5), st.integers(0, 2**31 - 1))
def test_linked_tables_leave_nothing_determined_and_publish_only_allowed_counts(units, cats, seed):
    rng = np.random.default_rng(seed)
    types = rng.poisson(rng.choice([1.0, 4.0, 30.0], size=(units, cats * 2))).astype(float)
    grouped = types.reshape(units, cats, 2).sum(axis=2)
    linked = LinkedDisclosure()
    linked.table("type", types)
    linked.table("cat", grouped)
    linked.vector("units", types.sum(axis=1))
    for u in [*range(units), -1]:
        for c in range(cats):
            linked.sums(("cat", u, c), [("type", u, 2 * c), ("type", u, 2 * c + 1)])
        linked.same(("type", u, -1), ("units", u))
    out = linked.solve()
    assert linked.check(out).size == 0
    for d in out.values():
        shown = ~d.suppressed
        raw = np.nan_to_num(d.values)
        assert not ((raw[shown] >= 1) & (raw[shown] <= 7)).any()


def test_figures_known_exactly_elsewhere_are_never_hidden_and_are_used_by_the_intruder():
    linked = LinkedDisclosure()
    linked.table("eth", [[30, 3, 12], [40, 20, 2]])
    linked.known("units", [45, 62])
    for u in (0, 1):
        linked.same(("eth", u, -1), ("units", u))
    linked.same(("eth", -1, -1), ("units", -1))
    out = linked.solve()
    assert not out["units"].suppressed.any()
    assert out["eth"].values[0, -1] == 45  # shown exactly, as elsewhere
    assert linked.check(out).size == 0


def test_determined_needs_no_hidden_entries():
    assert not determined(np.ones((1, 3)), np.zeros(3, bool)).any()
    with pytest.raises(ValueError, match="added twice"):
        linked = LinkedDisclosure()
        linked.vector("a", [1, 2])
        linked.vector("a", [1, 2])
