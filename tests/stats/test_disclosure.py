"""Disclosure control: suppression rules, rounding, rates, and secondary suppression.

Rule sources: NHS Digital HES/ECDS disclosure control (2018): 1-7 suppressed, zero shown,
others to the nearest 5; MHSDS restrictive interventions publication code
(``Published_CSV_Suppression.py``): values below 5 (including 0) shown as ``*``, others
``round(x / 5) * 5``; rates suppressed when MHS76 or MHS77 < 5 or bed days < 100.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from mhsip.stats import (
    HES_RULE,
    MHSDS_RULE,
    DisclosureRule,
    disclose_counts,
    disclose_rates,
    disclose_table,
    disclose_vector,
    render,
    round_to_base,
)


class TestRules:
    def test_hes_rule_suppresses_one_to_seven_and_shows_zero(self) -> None:
        counts = np.arange(0, 12)
        d = disclose_counts(counts, rule=HES_RULE)
        assert d.primary.tolist() == [False] + [True] * 7 + [False] * 4
        assert d.render().tolist() == ["0"] + ["*"] * 7 + ["10"] * 4

    def test_mhsds_rule_suppresses_zero_to_four(self) -> None:
        d = disclose_counts(np.arange(0, 9), rule=MHSDS_RULE)
        assert d.primary.tolist() == [True] * 5 + [False] * 4
        assert d.render().tolist() == ["*"] * 5 + ["5", "5", "5", "10"]

    def test_default_is_the_stricter_hes_rule(self) -> None:
        assert disclose_counts([7]).primary.tolist() == [True]
        assert DisclosureRule.hes() is HES_RULE and DisclosureRule.mhsds() is MHSDS_RULE

    def test_custom_rule_showing_zeros(self) -> None:
        rule = DisclosureRule("MHSDS, zeros shown", threshold=5, suppress_zero=False)
        assert rule.suppresses([0, 4, 5]).tolist() == [False, True, False]
        with pytest.raises(ValueError):
            DisclosureRule("bad", threshold=-1, suppress_zero=False)

    def test_missing_counts_stay_missing_and_are_not_marked_suppressed(self) -> None:
        d = disclose_counts([np.nan, 3])
        assert d.primary.tolist() == [False, True]
        assert d.render(missing="..").tolist() == ["..", "*"]


class TestRounding:
    def test_nearest_five_with_ties_up(self) -> None:
        values = [0, 1, 2, 3, 4, 5, 7, 8, 12, 13, 1232, 1233]
        assert round_to_base(values).tolist() == [0, 0, 0, 5, 5, 5, 5, 10, 10, 15, 1230, 1235]
        # Ties cannot happen for whole numbers; for x.5 multiples they go up.
        assert round_to_base([2.5, 12.5, 17.5]).tolist() == [5.0, 15.0, 20.0]

    def test_render_uses_thousands_separators(self) -> None:
        assert render([1234567.0, 5.0]).tolist() == ["1,234,567", "5"]
        assert render([[1.25, np.nan]], decimals=1).tolist() == [["1.2", "*"]]


class TestRates:
    def test_mhsds_rate_suppression(self) -> None:
        d = disclose_rates(
            [3, 12, 40, 20], [900, 570, 80, 1000], rule=MHSDS_RULE, people=[2, 6, 9, 4]
        )
        assert d.render().tolist() == ["*", "21", "*", "*"]
        assert d.reason.tolist() == ["numerator", "", "denominator", "people"]

    def test_denominator_threshold_is_configurable(self) -> None:
        rule = DisclosureRule(
            "strict bed days", threshold=8, suppress_zero=False, min_denominator=500
        )
        d = disclose_rates([20, 20], [499, 500], rule=rule)
        assert d.suppressed.tolist() == [True, False]

    def test_hes_zero_numerator_rate_is_shown(self) -> None:
        d = disclose_rates([0], [400])
        assert d.render().tolist() == ["0"]

    def test_rates_from_rounded_numerators_and_decimals(self) -> None:
        # HES: rates from rounded figures (12 -> 10); MHSDS: from unrounded figures.
        assert disclose_rates([12], [1000], decimals=1).values.tolist() == [10.0]
        d = disclose_rates([12], [1000], rule=MHSDS_RULE, decimals=1)
        assert d.render().tolist() == ["12.0"]
        assert disclose_rates([12], [1000], from_rounded=False).values.tolist() == [12.0]

    def test_rates_follow_secondary_suppression_of_their_numerators(self) -> None:
        table = disclose_table([[20, 3, 15], [30, 12, 9], [25, 14, 2]])
        events = np.array([[20, 3, 15], [30, 12, 9], [25, 14, 2]])
        d = disclose_rates(
            events, np.full((3, 3), 1000.0), numerator_suppressed=table.suppressed[:-1, :-1]
        )
        np.testing.assert_array_equal(d.suppressed, table.suppressed[:-1, :-1])


class TestSecondarySuppression:
    def test_vector_with_one_hidden_cell_hides_the_next_smallest(self) -> None:
        d = disclose_vector([41, 3, 12, 9])
        assert d.primary.tolist() == [False, True, False, False, False]
        assert d.secondary.tolist() == [False, False, False, True, False]
        assert d.render().tolist() == ["40", "*", "10", "*", "65"]

    def test_vector_with_a_small_total_hides_the_total_and_its_cell(self) -> None:
        # Total 7 and the cell 7 are both in the 1-7 range: two hidden entries, nothing more.
        d = disclose_vector([0, 0, 7])
        assert d.suppressed.tolist() == [False, False, True, True]

    def test_vector_prefers_a_non_zero_complementary_cell(self) -> None:
        d = disclose_vector([0, 5, 30, 12])
        assert d.secondary.tolist() == [False, False, False, True, False]

    def test_table_example(self) -> None:
        d = disclose_table([[20, 3, 15], [30, 12, 9], [25, 14, 2]])
        assert d.values.shape == (4, 4)
        assert d.render()[-1].tolist() == ["75", "30", "25", "130"]
        assert d.cells.shape == (3, 3)
        assert_safe(d.suppressed)

    def test_the_audit_catches_a_cell_the_line_rule_leaves_solvable(self) -> None:
        # Found by random search: after the line rule every row and column hides 0 or >= 2
        # entries, yet the hidden 2 at (3, 2) is fixed by the row and column equations
        # together. The audit suppresses more until nothing is solvable.
        cells = [[7, 39, 5, 47, 13], [61, 64, 22, 18, 5], [2, 69, 47, 49, 79], [17, 43, 2, 11, 12]]
        lines_only = disclose_table(cells, audit=False)
        assert_lines_safe(lines_only.suppressed)
        assert determined_entries(lines_only.suppressed)[3, 2]
        audited = disclose_table(cells)
        assert_safe(audited.suppressed)
        assert audited.suppressed.sum() > lines_only.suppressed.sum()

    def test_the_independent_solvability_check(self) -> None:
        # Two 2x2 blocks of hidden cells joined by a row: each line has two hidden entries, but
        # the linking cells are determined; the audit suppresses more until none is.
        hidden = np.zeros((5, 5), dtype=bool)
        hidden[0, 0] = hidden[0, 1] = hidden[1, 0] = hidden[1, 2] = True
        hidden[2, 1] = hidden[2, 2] = True
        assert not determined_entries(hidden).any()  # a cycle: safe
        chain = np.zeros((6, 6), dtype=bool)
        # rows 0-1 / cols 0-1 block, rows 2-3 / cols 2-3 block, joined by (1, 2)
        for i, j in [(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3), (1, 2)]:
            chain[i, j] = True
        assert determined_entries(chain)[1, 2]

    def test_stacks_of_tables_are_handled_independently(self) -> None:
        tables = np.array([[[20, 3], [30, 40]], [[50, 60], [70, 80]]])
        d = disclose_table(tables)
        assert d.values.shape == (2, 3, 3)
        assert d.suppressed[1].sum() == 0
        assert_safe(d.suppressed[0])

    def test_validation(self) -> None:
        with pytest.raises(ValueError, match="missing"):
            disclose_table([[1, np.nan], [2, 3]])
        with pytest.raises(ValueError, match="two dimensions"):
            disclose_table([1, 2, 3])
        with pytest.raises(ValueError, match="non-negative"):
            disclose_vector([1, -2])


def determined_entries(hidden: np.ndarray) -> np.ndarray:
    """Hidden entries of an augmented table (totals last) fixed by the line equations.

    Independent check: entry u is determined iff adding the unit vector e_u to the equation
    matrix (restricted to hidden entries) does not raise its rank.
    """
    rows, cols = hidden.shape
    eqs = []
    for i in range(rows):
        e = np.zeros((rows, cols))
        e[i, :-1], e[i, -1] = 1, -1
        eqs.append(e.ravel())
    for j in range(cols):
        e = np.zeros((rows, cols))
        e[:-1, j], e[-1, j] = 1, -1
        eqs.append(e.ravel())
    idx = np.flatnonzero(hidden.ravel())
    out = np.zeros(rows * cols, dtype=bool)
    if idx.size == 0:
        return out.reshape(rows, cols)
    m = np.array(eqs)[:, idx]
    rank = np.linalg.matrix_rank(m)
    for k, u in enumerate(idx):
        unit = np.zeros(idx.size)
        unit[k] = 1
        out[u] = np.linalg.matrix_rank(np.vstack([m, unit])) == rank
    return out.reshape(rows, cols)


def assert_lines_safe(hidden: np.ndarray) -> None:
    """No row or column (with its total) has exactly one hidden entry."""
    assert not (hidden.sum(axis=-1) == 1).any()
    assert not (hidden.sum(axis=-2) == 1).any()


def assert_safe(hidden: np.ndarray) -> None:
    assert_lines_safe(hidden)
    assert not determined_entries(hidden).any()


small_counts = st.one_of(st.integers(0, 9), st.integers(0, 60), st.just(0))
tables = hnp.arrays(
    dtype=np.int64,
    shape=hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=6),
    elements=small_counts,
)
rules = st.sampled_from([HES_RULE, MHSDS_RULE])


@settings(max_examples=300, deadline=None)
@given(cells=tables, rule=rules)
def test_no_published_total_leaves_a_single_hidden_cell(
    cells: np.ndarray, rule: DisclosureRule
) -> None:
    d = disclose_table(cells, rule=rule)
    hidden = d.suppressed
    cells_hidden = hidden[:-1, :-1]
    # Brief's property: a row or column with a published total never has exactly one
    # suppressed cell (stronger: counting the total, no line has exactly one hidden entry).
    for i in range(cells.shape[0]):
        if not hidden[i, -1]:
            assert cells_hidden[i].sum() != 1
    for j in range(cells.shape[1]):
        if not hidden[-1, j]:
            assert cells_hidden[:, j].sum() != 1
    assert_safe(hidden)


@settings(max_examples=300, deadline=None)
@given(cells=tables, rule=rules)
def test_published_counts_are_never_in_the_forbidden_range(
    cells: np.ndarray, rule: DisclosureRule
) -> None:
    d = disclose_table(cells, rule=rule)
    raw = np.zeros((cells.shape[0] + 1, cells.shape[1] + 1))
    raw[:-1, :-1] = cells
    raw[:-1, -1] = cells.sum(axis=1)
    raw[-1, :-1] = cells.sum(axis=0)
    raw[-1, -1] = cells.sum()
    published = d.values[~np.isnan(d.values)]
    assert not rule.suppresses(published).any()
    # Primary suppression is exactly the rule applied to the raw figures...
    np.testing.assert_array_equal(d.primary, rule.suppresses(raw))
    # ...and everything shown is the raw figure rounded to the nearest 5.
    shown = ~d.suppressed
    np.testing.assert_array_equal(d.values[shown], round_to_base(raw[shown]))
    assert np.isnan(d.values[d.suppressed]).all()


@settings(max_examples=200, deadline=None)
@given(
    counts=hnp.arrays(
        np.int64, hnp.array_shapes(min_dims=1, max_dims=2, max_side=8), elements=small_counts
    ),
    rule=rules,
)
def test_vectors_never_leave_exactly_one_hidden_entry(
    counts: np.ndarray, rule: DisclosureRule
) -> None:
    d = disclose_vector(counts, rule=rule)
    assert d.values.shape[-1] == counts.shape[-1] + 1
    assert not (d.suppressed.sum(axis=-1) == 1).any()
    published = d.values[~np.isnan(d.values)]
    assert not rule.suppresses(published).any()
