"""``analyse``: the SPC analysis of one series."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from . import _options
from ._engine import compute
from ._prepare import as_float, as_sort_key, prepare
from .result import SPCResult


def analyse(
    y: Sequence[float | None] | Any,
    *,
    chart: str,
    n: Sequence[float | None] | Any | None = None,
    x: Sequence[Any] | Any | None = None,
    improvement: str = "neutral",
    target: float | None = None,
    rebase_at: Sequence[int] = (),
    fix_after: int | None = None,
    exclude: Sequence[int] = (),
    multiplier: float = 1.0,
    screen_outliers: bool = True,
    shift_length: int = 7,
    trend_length: int = 7,
    rules: str = "chart",
) -> SPCResult:
    """Analyse one series with an SPC chart.

    Parameters
    ----------
    y
        Values in time order (counts for c, p, pp, u, up charts). ``None`` or NaN is
        missing: it stays missing (NaN) in the output and never counts as zero.
    chart
        ``"xmr"``: Making Data Count XmR chart exactly as NHSRplotthedots ``ptd_spc``
        (limits mean -/+ 2.66 mean moving range, the four special-cause rules, icons).
        ``"run"``, ``"i"``, ``"mr"``, ``"t"``, ``"p"``, ``"pp"``, ``"c"``, ``"u"``, ``"up"``,
        ``"g"``, ``"xbar"``, ``"s"``: exactly as qicharts2 ``qic`` (3-sigma limits and the
        Anhøj runs analysis).
    n
        Denominators (needed for p, pp, u, up; optional elsewhere: y / n is then charted).
    x
        Dates or numbers ordering the points. Points are sorted by ``x``; rows sharing an
        ``x`` form one subgroup (qicharts2; needed for xbar and s; refused for xmr). Without
        ``x`` the order given is used.
    improvement
        ``"increase"``, ``"decrease"`` or ``"neutral"``: which direction is better.
    target
        Target value (in the units of the output ``y``), for the assurance icon.
    rebase_at
        0-based indices of the first point of each new period; each period gets its own
        centre line and limits (qicharts2 ``part``; NHSRplotthedots ``rebase``).
    fix_after
        The centre line and limits come from the first ``fix_after`` points of each period
        (ptd ``fix_after_n_points``; qicharts2 ``freeze``, which qicharts2 ignores when there
        are rebases, and so does this function for its charts).
    exclude
        0-based indices left out of the centre line and limits, still plotted and tested.
    multiplier
        Scale for the output (e.g. 1000 for rates per 1,000 bed days); qicharts2
        ``multiply``.
    screen_outliers
        Drop moving ranges >= 3.267 x their mean once before computing XmR, I, T, P' and U'
        limits (ptd ``screen_outliers``; qicharts2 ``options(qic.screenedmr = TRUE)``, which
        ``library(qicharts2)`` sets).
    shift_length, trend_length
        Points in a row needed for the XmR shift and trend rules (7 and 7 as in Making Data
        Count).
    rules
        ``"chart"`` (default): each package's own rules, exactly as the R packages (the four
        Making Data Count rules on XmR; the 3-sigma signal on qicharts2 charts, with the
        Anhøj runs analysis per period). ``"mdc"``: the four Making Data Count rules (outside a
        limit, trend, 2 of 3 beyond the 2-sigma lines, shift) on every chart with limits, so
        a u chart of a rate flags a sustained shift point by point as an XmR chart would.

    Returns
    -------
    SPCResult
        Per-point lines and classifications, per-period runs analysis, and the icons.

    Examples
    --------
    Eight weeks above the mean after a step change (an XmR chart, higher is better):

    >>> r = analyse([5, 6, 5, 4, 6, 5, 9, 9, 10, 9, 8, 9, 10, 9],
    ...             chart="xmr", improvement="increase")
    >>> round(float(r.centre[0]), 4), round(float(r.upper[0]), 4)
    (7.4286, 10.7024)
    >>> r.special_cause_type[3], r.explanation[3]
    ('Below LCL', 'Below the lower process limit')
    >>> r.special_cause_type[6], r.explanation[12]
    ('7 Points Above CL', '7th point in a row above the mean')
    >>> r.point_type[-1], r.variation_icon, r.assurance_icon
    ('special_cause_improvement', 'improvement_high', None)

    A u chart of incidents per 1,000 occupied bed days:

    >>> u = analyse([3, 1, 4, 2], n=[700, 650, 720, 690], chart="u", multiplier=1000,
    ...             improvement="decrease")
    >>> [round(v, 3) for v in u.y.tolist()]
    [4.286, 1.538, 5.556, 2.899]
    >>> round(float(u.centre[0]), 3), round(float(u.upper[0]), 3)
    (3.623, 10.448)
    """
    options = _options.settings(
        chart=chart,
        improvement=improvement,
        multiplier=multiplier,
        screen_outliers=screen_outliers,
        shift_length=shift_length,
        trend_length=trend_length,
        rules=rules,
        fix_after=fix_after,
        has_denominator=n is not None,
    )
    values = as_float(y, "y")
    denominators = None if n is None else as_float(n, "n")
    order_by = None if x is None else as_sort_key(x, "x")
    if order_by is not None and order_by.size != values.size:
        raise ValueError("x must have the same length as y")
    prepared = prepare(
        keys=[np.zeros(values.size, dtype=np.int64)],
        x=order_by,
        y=values,
        n=denominators,
        chart=chart,
        rebase_positions=[int(i) for i in rebase_at],
        fix_after=fix_after,
        exclude_positions=[int(i) for i in exclude],
    )
    target_array = np.array([_options.target_value(target)])
    if prepared.layout.n_series == 0:
        raise ValueError("y is empty")
    tables = compute(prepared.data, prepared.layout, target_array, options)
    return SPCResult.from_tables(tables, 0, chart=chart, improvement=improvement)
