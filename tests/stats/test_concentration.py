"""Share of events on the most-affected people (values worked by hand)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from mhsip.stats import concentration_share


def test_top_tenth_of_ten_people_is_the_top_person() -> None:
    counts = [6, 1, 1, 1, 1, 0, 0, 0, 0, 0]
    assert float(concentration_share(counts)) == pytest.approx(0.6)
    assert float(concentration_share(counts, 0.2)) == pytest.approx(0.7)
    assert float(concentration_share(counts, 1.0)) == pytest.approx(1.0)


def test_fractional_people_are_interpolated() -> None:
    # 25 people with counts 0..24 (total 300): top 10% = 2.5 people = 24 + 23 + 22/2.
    assert float(concentration_share(np.arange(25.0))) == pytest.approx((24 + 23 + 11) / 300)


def test_order_does_not_matter_and_missing_people_are_ignored() -> None:
    a = concentration_share([0, 0, 9, 1, 0, 0, 0, 0, 0, 0])
    b = concentration_share([9, np.nan, 0, 0, 0, 1, 0, 0, 0, 0, 0, np.nan])
    assert float(a) == float(b) == pytest.approx(0.9)


def test_vectorised_over_wards_and_fractions() -> None:
    counts = [[4, 4, 0, 0, 0, 0, 0, 0, 0, 0], [1, 1, 1, 1] + [np.nan] * 6]
    assert concentration_share(counts, 0.5).tolist() == [1.0, 0.5]
    assert concentration_share(counts, [0.5, 0.25]).tolist() == [1.0, 0.25]
    assert concentration_share(np.array(counts).T, 0.5, axis=0).tolist() == [1.0, 0.5]


def test_no_events_or_no_people_give_nan() -> None:
    assert np.isnan(concentration_share([0, 0, 0]))
    assert np.isnan(concentration_share([np.nan, np.nan]))


def test_validation() -> None:
    with pytest.raises(ValueError, match="top_fraction"):
        concentration_share([1, 2], 0.0)
    with pytest.raises(ValueError, match="non-negative"):
        concentration_share([1, -2])


@settings(max_examples=200, deadline=None)
@given(
    counts=hnp.arrays(np.int64, st.integers(1, 40), elements=st.integers(0, 30)),
    f1=st.floats(0.01, 1.0),
    f2=st.floats(0.01, 1.0),
)
def test_share_is_monotone_at_least_the_fraction_and_at_most_one(
    counts: np.ndarray, f1: float, f2: float
) -> None:
    if counts.sum() == 0:
        return
    lo, hi = sorted((f1, f2))
    s_lo, s_hi = float(concentration_share(counts, lo)), float(concentration_share(counts, hi))
    assert s_lo <= s_hi + 1e-12
    # The most-affected people hold at least their population share of events.
    assert lo - 1e-12 <= s_lo <= 1 + 1e-12
