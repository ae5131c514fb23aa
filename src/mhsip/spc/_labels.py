"""Point types, icons and plain-English explanations (Making Data Count vocabulary).

Sources (NHSRplotthedots 0.2.2):

* point type: ``ptd_point_type`` in ``R/ptd_calculate_point_type.R``: labels with
  "Above"/"Increasing" count +1, "Below"/"Decreasing" -1, multiplied by the improvement
  direction (increase 1, decrease -1);
* variation icon: ``ptd_get_icons`` in ``R/geom_ptd_icon.R``: the point type of the series'
  last point;
* assurance: ``ptd_calculate_assurance_type`` in ``R/ptd_calculate_assurance_type.R``: the
  target against the limits of the series' last point.

Labels are built from small integer codes and looked up in tables, so a million points cost a
few array lookups rather than a million string operations.
"""

from __future__ import annotations

import numpy as np

from ._arrays import BoolArray, IntArray, ObjectArray
from ._xmr import RULE_NONE, RULE_OUTSIDE, RULE_SHIFT, RULE_TREND, RULE_TWO_IN_THREE

IMPROVEMENTS = ("increase", "decrease", "neutral")
DIRECTION = {"increase": 1, "decrease": -1, "neutral": 0}

POINT_TYPES = np.array(
    [
        "common_cause",
        "special_cause_improvement",
        "special_cause_concern",
        "special_cause_neutral_high",
        "special_cause_neutral_low",
    ],
    dtype=object,
)
RULE_NAMES = np.array([None, "outside_limits", "trend", "two_in_three", "shift"], dtype=object)


def point_type_codes(rule: IntArray, side: IntArray, improvement: str) -> IntArray:
    """Index into :data:`POINT_TYPES` for each point.

    Examples
    --------
    >>> point_type_codes(np.array([0, 1, 1]), np.array([0, 1, -1]), "decrease").tolist()
    [0, 2, 1]
    >>> point_type_codes(np.array([0, 4, 4]), np.array([0, 1, -1]), "neutral").tolist()
    [0, 3, 4]
    """
    direction = DIRECTION[improvement]
    special = rule != RULE_NONE
    neutral_code = np.where(side > 0, 3, 4)
    code = neutral_code if direction == 0 else np.where(side * direction > 0, 1, 2)
    out: IntArray = np.where(special, code, 0).astype(np.int64)
    return out


def variation_icon(point_type_code: int, improvement: str) -> str:
    """Making Data Count variation icon for the point type of a series' last point.

    Examples
    --------
    >>> variation_icon(2, "increase"), variation_icon(2, "decrease")
    ('concern_low', 'concern_high')
    >>> variation_icon(1, "increase"), variation_icon(1, "decrease")
    ('improvement_high', 'improvement_low')
    """
    up = improvement == "increase"
    return {
        0: "common_cause",
        1: "improvement_high" if up else "improvement_low",
        2: "concern_low" if up else "concern_high",
        3: "neutral_high",
        4: "neutral_low",
    }[point_type_code]


def assurance_icon(target: float, lower: float, upper: float, improvement: str) -> str | None:
    """Making Data Count assurance icon: where the target sits against the process limits.

    ``None`` without a target or when the direction is neutral. A target above the upper
    limit always fails (increase) or always passes (decrease); below the lower limit the
    reverse; anywhere else, *including exactly on a limit* or when the limits are missing, the
    process will sometimes hit and sometimes miss it ("inconsistent").

    Examples
    --------
    >>> assurance_icon(10.0, 2.0, 8.0, "increase"), assurance_icon(10.0, 2.0, 8.0, "decrease")
    ('fail', 'pass')
    >>> assurance_icon(8.0, 2.0, 8.0, "increase")
    'inconsistent'
    >>> assurance_icon(float("nan"), 2.0, 8.0, "increase") is None
    True
    """
    if np.isnan(target) or improvement == "neutral":
        return None
    up = improvement == "increase"
    if target > upper:
        return "fail" if up else "pass"
    if target < lower:
        return "pass" if up else "fail"
    return "inconsistent"


ASSURANCE_TYPES = {
    "pass": "consistent_pass",
    "fail": "consistent_fail",
    "inconsistent": "inconsistent",
}
"""NHSRplotthedots' ``assurance_type`` for each assurance icon."""


def special_cause_types(
    rule: IntArray, side: IntArray, *, trend_length: int, shift_length: int
) -> ObjectArray:
    """NHSRplotthedots ``special_cause_type`` labels ("Above UCL", "7 Points Below CL", ...).

    Examples
    --------
    >>> special_cause_types(np.array([0, 2, 4]), np.array([0, -1, 1]),
    ...                     trend_length=7, shift_length=7).tolist()
    ['Common Cause', '7 Point Trend (Decreasing)', '7 Points Above CL']
    """
    table = np.array(
        [
            "Common Cause",
            "Common Cause",
            "Below LCL",
            "Above UCL",
            f"{trend_length} Point Trend (Decreasing)",
            f"{trend_length} Point Trend (Increasing)",
            "2 in 3 Below CL",
            "2 in 3 Above CL",
            f"{shift_length} Points Below CL",
            f"{shift_length} Points Above CL",
        ],
        dtype=object,
    )
    out: ObjectArray = table[rule * 2 + (side > 0)]
    return out


def _ordinal(k: int) -> str:
    """1st, 2nd, 3rd, 4th, ..., 11th, 12th, 13th, 21st."""
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


def _explain(
    rule: int,
    side: int,
    position: int,
    total: int,
    missing: bool,
    qic: bool,
    shift: int,
    trend: int,
) -> str:
    if missing:
        return "Missing value"
    limit = "control limit" if qic else "process limit"
    high = side > 0
    if rule == RULE_OUTSIDE:
        return f"Above the upper {limit}" if high else f"Below the lower {limit}"
    if rule == RULE_TREND:
        word = "rising" if high else "falling"
        return f"Part of {max(total, trend)} {word} points in a row"
    if rule == RULE_TWO_IN_THREE:
        return f"2 of 3 points close to the {'upper' if high else 'lower'} limit"
    if rule == RULE_SHIFT:
        where = "above" if high else "below"
        if position >= shift:
            return f"{_ordinal(position)} point in a row {where} the mean"
        return f"Part of {total} points in a row {where} the mean"
    return "Common cause variation"


def explanations(
    rule: IntArray,
    side: IntArray,
    run_position: IntArray,
    run_total: IntArray,
    missing: BoolArray,
    *,
    qic: bool,
    shift_length: int,
    trend_length: int,
) -> ObjectArray:
    """Plain-English reason for each point's classification.

    Only distinct combinations are formatted; the result is gathered with one ``take``.

    Examples
    --------
    >>> explanations(np.array([4, 4, 2, 1]), np.array([-1, -1, 1, 1]), np.array([6, 7, 0, 0]),
    ...              np.array([9, 9, 8, 0]), np.zeros(4, bool), qic=False, shift_length=7,
    ...              trend_length=7).tolist()  # doctest: +NORMALIZE_WHITESPACE
    ['Part of 9 points in a row below the mean', '7th point in a row below the mean',
     'Part of 8 rising points in a row', 'Above the upper process limit']
    """
    out = np.full(rule.size, "Common cause variation", dtype=object)
    out[missing] = "Missing value"
    special = np.flatnonzero((rule != RULE_NONE) & ~missing)
    if special.size == 0:
        return out
    rule, side = rule[special], side[special]
    run_position, run_total = run_position[special], run_total[special]
    width = int(max(run_position.max(), run_total.max())) + 1
    key = ((rule * 2 + (side > 0)) * width + run_position) * width + run_total
    unique, inverse = np.unique(key, return_inverse=True)
    texts = []
    for k in unique.tolist():
        total = k % width
        k //= width
        position = k % width
        k //= width
        texts.append(
            _explain(
                k // 2,
                1 if k % 2 else -1,
                position,
                total,
                False,
                qic,
                shift_length,
                trend_length,
            )
        )
    table = np.array(texts, dtype=object)
    out[special] = table[inverse.reshape(-1)]
    return out
