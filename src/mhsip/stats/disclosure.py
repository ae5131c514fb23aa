"""Statistical disclosure control for published counts, rates and tables.

Figures below national level that could identify a patient are suppressed (shown as ``*``)
and the rest rounded to the nearest 5. Two rules are built in, as :class:`DisclosureRule`:

``HES_RULE`` (the default, the stricter)
    NHS Digital's rule for HES/ECDS and several other secondary-care products since 2018:
    counts 1-7 suppressed, zero shown as 0, others rounded to the nearest 5.
``MHSDS_RULE``
    The MHSDS restrictive-interventions publication: counts below 5 suppressed, others
    rounded to the nearest 5. The publication code (``Published_CSV_Suppression.py``:
    ``case when cast(metric_value as int) < 5 then '*'``) suppresses **zero as well**, so
    this rule does too (0-4 shown as ``*``); use ``DisclosureRule(..., suppress_zero=False)``
    for a variant that shows zeros.

Rates (:func:`disclose_rates`) are suppressed when their numerator would be suppressed, when
an optional people count would be, or when the denominator (bed days) is below
``rule.min_denominator`` (100 by default, the MHSDS rule for MHS96/MHS117).

Rounding is to the nearest multiple of ``rule.rounding_base`` with ties rounded **up**
(``floor(x / 5 + 0.5) * 5``, the behaviour of Spark SQL's ``round`` used by the publication
code). For whole-number counts and base 5 a tie cannot happen (``x / 5`` never ends in .5), so
the tie rule only matters for non-integer inputs such as 12.5 -> 15.

Secondary suppression (:func:`disclose_table`, :func:`disclose_vector`): a hidden cell could be
recovered by subtracting the published cells of its row or column from the published total.
So, treating each row and each column of the table *with its total* as a line, whenever a
line has exactly one suppressed entry another entry of that line is suppressed too -- the
smallest non-zero published cell (preferring one whose crossing line also needs a second
suppression; zeros and totals only as a last resort) -- and this repeats until stable. Because
lines that each hide two or more entries can still pin down a cell jointly (e.g. a cell that
is the only link between two groups of suppressions), ``audit=True`` (default) then checks the
whole system of row and column equations by linear algebra and keeps suppressing until no
hidden entry is uniquely determined by the published values.

Limits: this protects against exact recovery by differencing. It does not stop an intruder
bounding a hidden cell between 0 and a small published total, and rounded figures published
elsewhere can be combined with these; keep a table's cells and totals from one call.

References
----------
.. [1] NHS Digital. Change to disclosure control methodology for HES and ECDS from September
   2018 (counts 1-7 suppressed, others rounded to the nearest 5).
.. [2] NHS Digital, mental-health-monthly-statistics (GitHub), ``Restraints/
   Restraints_Suppression/Published_CSV_Suppression.py`` (MHSDS restrictive interventions).
.. [3] Hundepool A et al. Statistical Disclosure Control. Wiley, 2012; ch. 4 (primary and
   secondary cell suppression in tables with margins).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

from ._arrays import BoolArray, FloatArray, StrArray, as_float, check_non_negative

__all__ = [
    "HES_RULE",
    "MHSDS_RULE",
    "DisclosedCounts",
    "DisclosedRates",
    "DisclosureRule",
    "disclose_counts",
    "disclose_rates",
    "disclose_table",
    "disclose_vector",
    "render",
    "round_to_base",
]


@dataclass(frozen=True)
class DisclosureRule:
    """A small-number suppression and rounding rule.

    Attributes
    ----------
    name : str
        Label shown in outputs and docs.
    threshold : int
        Counts below this are suppressed (5 for MHSDS: 0-4 or 1-4; 8 for HES: 1-7).
    suppress_zero : bool
        Whether zero is suppressed too (MHSDS publication: yes; HES: no, shown as 0).
    rounding_base : int
        Published counts are rounded to the nearest multiple of this (5); 1 = no rounding.
    min_denominator : float
        Rates are suppressed when their denominator (bed days) is below this (100).
    rates_from_rounded : bool
        Compute published rates from the rounded numerator (HES: yes; MHSDS: no).
    marker : str
        Text shown for a suppressed value.

    Examples
    --------
    >>> HES_RULE.suppresses([0, 1, 7, 8]).tolist()
    [False, True, True, False]
    >>> MHSDS_RULE.suppresses([0, 1, 4, 5]).tolist()
    [True, True, True, False]
    """

    name: str
    threshold: int
    suppress_zero: bool
    rounding_base: int = 5
    min_denominator: float = 100.0
    rates_from_rounded: bool = False
    marker: str = field(default="*")

    def __post_init__(self) -> None:
        if self.threshold < 0 or self.rounding_base < 1 or self.min_denominator < 0:
            raise ValueError("threshold and min_denominator must be >= 0, rounding_base >= 1")

    @classmethod
    def mhsds(cls) -> DisclosureRule:
        """The MHSDS restrictive-interventions rule: 0-4 suppressed, rest to nearest 5."""
        return MHSDS_RULE

    @classmethod
    def hes(cls) -> DisclosureRule:
        """The NHS Digital HES/ECDS rule: 1-7 suppressed, 0 shown, rest to nearest 5."""
        return HES_RULE

    def suppresses(self, counts: npt.ArrayLike) -> BoolArray:
        """Which counts this rule suppresses (primary suppression); NaN is never suppressed."""
        x = as_float(counts)
        with np.errstate(invalid="ignore"):
            low = x < self.threshold
            out = low & (x > 0) | (low & (x == 0) & self.suppress_zero)
        return np.asarray(out, dtype=np.bool_)


HES_RULE = DisclosureRule(
    name="HES (1-7 suppressed)", threshold=8, suppress_zero=False, rates_from_rounded=True
)
MHSDS_RULE = DisclosureRule(name="MHSDS (under 5 suppressed)", threshold=5, suppress_zero=True)


def round_to_base(values: npt.ArrayLike, base: float = 5) -> FloatArray:
    """Round to the nearest multiple of ``base``, ties upwards.

    Parameters
    ----------
    values : array_like
        Non-negative values (NaN stays NaN).
    base : float, default 5

    Returns
    -------
    ndarray

    Examples
    --------
    >>> round_to_base([0, 2, 3, 7, 8, 12.5, 1234]).tolist()
    [0.0, 0.0, 5.0, 5.0, 10.0, 15.0, 1235.0]
    """
    x = as_float(values)
    out: FloatArray = np.floor(x / base + 0.5) * base
    return out


@dataclass(frozen=True)
class DisclosedCounts:
    """Published counts after disclosure control.

    Attributes
    ----------
    values : ndarray
        Published (rounded) values; NaN where suppressed. For a table the array is the table
        *with its margins*: last column = row totals, last row = column totals, corner =
        grand total. For a vector the last element is the total.
    primary : ndarray of bool
        Suppressed because the count itself is in the rule's forbidden range.
    secondary : ndarray of bool
        Suppressed to protect a primary suppression from recovery via totals.
    rule : DisclosureRule
    margins : {"none", "vector", "table"}
        Whether ``values`` includes a total (vector) or row/column totals (table).
    """

    values: FloatArray
    primary: BoolArray
    secondary: BoolArray
    rule: DisclosureRule
    margins: Literal["none", "vector", "table"] = "none"

    @property
    def suppressed(self) -> BoolArray:
        """Primary or secondary suppression."""
        out: BoolArray = self.primary | self.secondary
        return out

    @property
    def cells(self) -> FloatArray:
        """Published inner cells (without totals)."""
        if self.margins == "table":
            return self.values[..., :-1, :-1]
        if self.margins == "vector":
            return self.values[..., :-1]
        return self.values

    def render(self, *, decimals: int = 0, missing: str = "") -> StrArray:
        """Strings for publication: ``rule.marker`` where suppressed, ``1,235`` style otherwise.

        Examples
        --------
        >>> disclose_counts([3, 0, 1234]).render().tolist()
        ['*', '0', '1,235']
        """
        return render(
            self.values,
            self.suppressed,
            decimals=decimals,
            marker=self.rule.marker,
            missing=missing,
        )


def render(
    values: npt.ArrayLike,
    suppressed: npt.ArrayLike | None = None,
    *,
    decimals: int = 0,
    marker: str = "*",
    missing: str = "",
) -> StrArray:
    """Format published values as strings with thousands separators.

    Parameters
    ----------
    values : array_like
        Values to show.
    suppressed : array_like of bool, optional
        Where to show ``marker``. If omitted, NaN values are shown as ``marker``.
    decimals : int, default 0
    marker : str, default "*"
    missing : str, default ""
        Shown for NaN values that are not suppressed (missing data).

    Returns
    -------
    ndarray of str
        Same shape as ``values``.

    Examples
    --------
    >>> render([1234.0, np.nan, 5.0]).tolist()
    ['1,234', '*', '5']
    >>> render([12.345, np.nan], [False, False], decimals=1, missing="..").tolist()
    ['12.3', '..']
    """
    x = as_float(values)
    hidden = np.isnan(x) if suppressed is None else np.broadcast_to(np.asarray(suppressed), x.shape)
    flat_x = x.ravel()
    flat_h = np.asarray(hidden, dtype=np.bool_).ravel()
    text = [
        marker if h else (missing if np.isnan(v) else f"{v:,.{decimals}f}")
        for v, h in zip(flat_x.tolist(), flat_h.tolist(), strict=True)
    ]
    width = max([len(t) for t in text] + [1])
    return np.array(text, dtype=f"<U{width}").reshape(x.shape)


def _publish(raw: FloatArray, hidden: BoolArray, rule: DisclosureRule) -> FloatArray:
    rounded = round_to_base(raw, rule.rounding_base)
    out: FloatArray = np.where(hidden, np.nan, rounded)
    return out


def disclose_counts(counts: npt.ArrayLike, *, rule: DisclosureRule = HES_RULE) -> DisclosedCounts:
    """Primary suppression and rounding of counts that are published independently.

    Use :func:`disclose_table` or :func:`disclose_vector` instead when totals are published
    alongside (a hidden count could then be recovered by subtraction).

    Parameters
    ----------
    counts : array_like
        Counts (``>= 0``; NaN = missing, left as NaN and not marked suppressed).
    rule : DisclosureRule, default HES_RULE

    Returns
    -------
    DisclosedCounts

    Examples
    --------
    >>> d = disclose_counts([0, 3, 7, 8, 12, 1234])
    >>> d.render().tolist()
    ['0', '*', '*', '10', '10', '1,235']
    >>> disclose_counts([0, 3, 7], rule=MHSDS_RULE).render().tolist()
    ['*', '*', '5']
    """
    x = as_float(counts)
    check_non_negative(x, "counts")
    primary = rule.suppresses(x)
    return DisclosedCounts(
        values=_publish(x, primary, rule),
        primary=primary,
        secondary=np.zeros_like(primary),
        rule=rule,
    )


@dataclass(frozen=True)
class DisclosedRates:
    """Published rates after disclosure control.

    Attributes
    ----------
    values : ndarray
        Rates rounded to ``decimals``; NaN where suppressed.
    suppressed : ndarray of bool
    reason : ndarray of str
        ``"numerator"``, ``"people"``, ``"denominator"`` (the first that applied) or ``""``.
    rule : DisclosureRule
    decimals : int
    """

    values: FloatArray
    suppressed: BoolArray
    reason: StrArray
    rule: DisclosureRule
    decimals: int

    def render(self, *, missing: str = "") -> StrArray:
        """Strings with ``rule.marker`` where suppressed.

        Examples
        --------
        >>> disclose_rates([3, 12], [900, 570], rule=MHSDS_RULE).render().tolist()
        ['*', '21']
        """
        return render(
            self.values,
            self.suppressed,
            decimals=self.decimals,
            marker=self.rule.marker,
            missing=missing,
        )


def disclose_rates(
    events: npt.ArrayLike,
    denominator: npt.ArrayLike,
    *,
    rule: DisclosureRule = HES_RULE,
    multiplier: float = 1000.0,
    decimals: int = 0,
    people: npt.ArrayLike | None = None,
    numerator_suppressed: npt.ArrayLike | None = None,
    from_rounded: bool | None = None,
) -> DisclosedRates:
    """Rates per ``multiplier`` with disclosure control.

    A rate is suppressed when ``rule`` would suppress its numerator, when it would suppress
    the optional ``people`` count (MHSDS suppresses MHS96 when either the people count MHS76
    or the intervention count MHS77 is under 5), or when the denominator is below
    ``rule.min_denominator``. Otherwise it is published rounded to ``decimals`` (MHSDS: whole
    numbers).

    Parameters
    ----------
    events : array_like
        Numerator counts.
    denominator : array_like
        Person-time, e.g. occupied bed days.
    rule : DisclosureRule, default HES_RULE
    multiplier : float, default 1000
    decimals : int, default 0
    people : array_like, optional
        Distinct people behind the events; suppresses the rate when itself suppressed.
    numerator_suppressed : array_like of bool, optional
        Also suppress these rates, e.g. where the published count was hidden by secondary
        suppression (``disclose_table(...).suppressed``), so the rate cannot reveal it.
    from_rounded : bool, optional
        Compute the rate from the numerator rounded to ``rule.rounding_base``. Default
        ``rule.rates_from_rounded``: true for HES ("rates computed from rounded figures"),
        false for MHSDS (unrounded figures, then the rate is rounded).

    Returns
    -------
    DisclosedRates

    Examples
    --------
    >>> d = disclose_rates([3, 12, 40], [900, 570, 80], rule=MHSDS_RULE)
    >>> d.render().tolist()
    ['*', '21', '*']
    >>> d.reason.tolist()
    ['numerator', '', 'denominator']

    Under the default HES rule the rate uses the rounded count (12 -> 10):

    >>> disclose_rates([12], [570]).render().tolist()
    ['18']
    """
    k = as_float(events)
    d = as_float(denominator)
    check_non_negative(k, "events")
    check_non_negative(d, "denominator")
    k, d = np.broadcast_arrays(k, d)
    by_num = rule.suppresses(k)
    by_people = np.zeros_like(by_num)
    if people is not None:
        pp = as_float(people)
        check_non_negative(pp, "people")
        by_people = np.broadcast_to(rule.suppresses(pp), k.shape)
    with np.errstate(invalid="ignore"):
        by_den = d < rule.min_denominator
    if numerator_suppressed is not None:
        extra = np.broadcast_to(np.asarray(numerator_suppressed, dtype=np.bool_), k.shape)
        by_num = by_num | extra
    hidden = by_num | by_people | by_den
    use_rounded = rule.rates_from_rounded if from_rounded is None else from_rounded
    numerator = round_to_base(k, rule.rounding_base) if use_rounded else k
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(d > 0, numerator / d * multiplier, np.nan)
    values = np.where(hidden, np.nan, np.round(r, decimals))
    reason = np.full(k.shape, "", dtype="<U11")
    reason[by_den] = "denominator"
    reason[by_people] = "people"
    reason[by_num] = "numerator"
    return DisclosedRates(
        values=np.asarray(values, np.float64),
        suppressed=np.asarray(hidden, np.bool_),
        reason=reason,
        rule=rule,
        decimals=decimals,
    )


# ---------------------------------------------------------------------------------------------
# Secondary suppression
# ---------------------------------------------------------------------------------------------


def _line_pass(
    raw: FloatArray, hidden: BoolArray, axis: int, other_axis: int | None
) -> tuple[BoolArray, bool]:
    """One pass along ``axis``: in each line with exactly one hidden entry, hide one more.

    Lines run along ``axis`` and end with their total. Candidates are ordered by: inner cell
    before total, non-zero before zero, smaller value, whose crossing line (along
    ``other_axis``) also has exactly one hidden entry, lower position.
    """
    count = hidden.sum(axis=axis, keepdims=True)
    need = count == 1
    if not need.any():
        return hidden, False
    size = raw.shape[axis]
    shape = [1] * raw.ndim
    shape[axis] = size
    position = np.broadcast_to(np.arange(size).reshape(shape), raw.shape)
    is_total = position == size - 1
    if other_axis is not None:
        helpful = np.broadcast_to(hidden.sum(axis=other_axis, keepdims=True) == 1, raw.shape)
    else:
        helpful = np.zeros(raw.shape, dtype=np.bool_)
    keys = (
        np.moveaxis(position, axis, -1),
        np.moveaxis(~helpful, axis, -1),
        np.moveaxis(raw, axis, -1),
        np.moveaxis(raw == 0, axis, -1),
        np.moveaxis(is_total, axis, -1),
        np.moveaxis(hidden, axis, -1),
    )
    order = np.lexsort(keys, axis=-1)
    first = order[..., :1]
    chosen_hidden = np.take_along_axis(np.moveaxis(hidden, axis, -1), first, axis=-1)
    line_need = np.moveaxis(np.broadcast_to(need, raw.shape), axis, -1)[..., :1]
    act = line_need & ~chosen_hidden
    if not act.any():
        return hidden, False
    moved = np.moveaxis(hidden, axis, -1).copy()
    current = np.take_along_axis(moved, first, axis=-1)
    np.put_along_axis(moved, first, current | act, axis=-1)
    return np.moveaxis(moved, -1, axis), True


def _secondary_lines(raw: FloatArray, primary: BoolArray, axes: tuple[int, ...]) -> BoolArray:
    hidden = primary.copy()
    changed = True
    while changed:
        changed = False
        for i, ax in enumerate(axes):
            other = axes[1 - i] if len(axes) == 2 else None
            hidden, did = _line_pass(raw, hidden, ax, other)
            changed |= did
    return hidden


def _determined(hidden: BoolArray) -> BoolArray:
    """Hidden entries of one augmented table fixed by the row and column equations.

    Unknowns are the hidden entries; each row and column (with its total last) gives
    ``sum(inner) - total = 0``. An unknown is determined iff its coordinate is zero in every
    null-space vector of the equations restricted to the unknowns.
    """
    rows, cols = hidden.shape
    idx = np.flatnonzero(hidden.ravel())
    if idx.size == 0:
        return np.zeros_like(hidden)
    coef = np.zeros((rows + cols, rows * cols))
    for i in range(rows):
        coef[i, i * cols : (i + 1) * cols - 1] = 1.0
        coef[i, (i + 1) * cols - 1] = -1.0
    for j in range(cols):
        coef[rows + j, j : (rows - 1) * cols : cols] = 1.0
        coef[rows + j, (rows - 1) * cols + j] = -1.0
    m = coef[:, idx]
    _, sing, vt = np.linalg.svd(m)
    tol = max(m.shape) * np.finfo(np.float64).eps * (sing[0] if sing.size else 0.0)
    rank = int((sing > tol).sum())
    null = vt[rank:].T  # columns span the null space
    fixed = np.all(np.abs(null) < 1e-9, axis=1) if null.size else np.ones(idx.size, bool)
    out = np.zeros(rows * cols, dtype=np.bool_)
    out[idx[fixed]] = True
    return out.reshape(rows, cols)


def _audit_table(raw: FloatArray, hidden: BoolArray) -> BoolArray:
    """Add suppressions until no hidden entry of this 2-D table is determined."""
    hidden = hidden.copy()
    while True:
        fixed = _determined(hidden)
        if not fixed.any():
            return hidden
        i, j = (int(v) for v in np.argwhere(fixed)[0])
        # Hide one more entry in the determined entry's row (else its column), chosen as in
        # the line rule: inner cells before the total, non-zero before zero, smallest first.
        for in_row in (True, False):
            vals = raw[i, :] if in_row else raw[:, j]
            free = ~(hidden[i, :] if in_row else hidden[:, j])
            if free.any():
                pos = np.arange(vals.size)
                order = np.lexsort((pos, vals, vals == 0, pos == vals.size - 1, ~free))
                k = int(order[0])
                if in_row:
                    hidden[i, k] = True
                else:
                    hidden[k, j] = True
                break
        else:  # pragma: no cover - a determined entry always leaves a free entry in a line
            return hidden
        hidden = _secondary_lines(raw, hidden, (-1, -2))


def disclose_vector(
    counts: npt.ArrayLike,
    *,
    rule: DisclosureRule = HES_RULE,
) -> DisclosedCounts:
    """Disclosure control for a breakdown published with its total.

    The total (the sum along the last axis) is appended as the last element; it is itself
    subject to the rule. If exactly one entry (cell or total) is suppressed, the smallest
    other non-zero cell is suppressed too, so nothing can be recovered by subtraction.

    Parameters
    ----------
    counts : array_like
        Counts along the last axis (leading axes: many vectors at once). No NaN.
    rule : DisclosureRule, default HES_RULE

    Returns
    -------
    DisclosedCounts
        ``values`` has one more element on the last axis (the total).

    Examples
    --------
    Restraints by ethnic group on a ward, with a total:

    >>> d = disclose_vector([41, 3, 12, 9])
    >>> d.render().tolist()
    ['40', '*', '10', '*', '65']
    >>> d.secondary.tolist()
    [False, False, False, True, False]
    """
    x = np.atleast_1d(as_float(counts))
    _check_complete(x)
    aug = np.concatenate([x, x.sum(axis=-1, keepdims=True)], axis=-1)
    primary = rule.suppresses(aug)
    hidden = _secondary_lines(aug, primary, (-1,))
    return DisclosedCounts(
        values=_publish(aug, hidden, rule),
        primary=primary,
        secondary=hidden & ~primary,
        rule=rule,
        margins="vector",
    )


def disclose_table(
    cells: npt.ArrayLike,
    *,
    rule: DisclosureRule = HES_RULE,
    audit: bool = True,
) -> DisclosedCounts:
    """Disclosure control for a two-way table published with row and column totals.

    Row totals, column totals and the grand total are computed from ``cells`` and appended
    (last column, last row, corner); all entries then get primary suppression under
    ``rule``. Secondary suppression follows (see the module notes): every row and column line
    ends up with zero or at least two suppressed entries, and with ``audit=True`` no suppressed
    entry can be solved for from the published ones.

    Parameters
    ----------
    cells : array_like
        Counts, shape ``(..., rows, cols)``; leading axes are independent tables. No NaN.
    rule : DisclosureRule, default HES_RULE
    audit : bool, default True
        Check the whole system of equations (per table, by SVD) and suppress further until no
        hidden entry is determined. Without it only the line rule is applied (vectorised).

    Returns
    -------
    DisclosedCounts
        ``values`` of shape ``(..., rows + 1, cols + 1)``.

    Examples
    --------
    Restraints by ward (rows) and ethnic group (columns):

    >>> d = disclose_table([[20, 3, 15], [30, 12, 9], [25, 14, 2]])
    >>> print(d.render())
    [['20' '*' '*' '40']
     ['30' '10' '10' '50']
     ['25' '*' '*' '40']
     ['75' '30' '25' '130']]
    >>> int(d.primary.sum()), int(d.secondary.sum())
    (2, 2)
    """
    x = as_float(cells)
    if x.ndim < 2:
        raise ValueError("cells must have at least two dimensions (rows, columns)")
    _check_complete(x)
    row_tot = x.sum(axis=-1, keepdims=True)
    top = np.concatenate([x, row_tot], axis=-1)
    aug = np.concatenate([top, top.sum(axis=-2, keepdims=True)], axis=-2)
    primary = rule.suppresses(aug)
    hidden = _secondary_lines(aug, primary, (-1, -2))
    if audit:
        flat_raw = aug.reshape((-1, *aug.shape[-2:]))
        flat_hidden = hidden.reshape(flat_raw.shape).copy()
        for t in range(flat_raw.shape[0]):
            if flat_hidden[t].any():
                flat_hidden[t] = _audit_table(flat_raw[t], flat_hidden[t])
        hidden = flat_hidden.reshape(aug.shape)
    return DisclosedCounts(
        values=_publish(aug, hidden, rule),
        primary=primary,
        secondary=hidden & ~primary,
        rule=rule,
        margins="table",
    )


def _check_complete(x: FloatArray) -> None:
    if np.isnan(x).any():
        raise ValueError("counts must not contain missing values when totals are published")
    check_non_negative(x, "counts")
