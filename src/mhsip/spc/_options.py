"""Validation of the options shared by :func:`analyse` and :func:`analyse_frame`."""

from __future__ import annotations

import math
from numbers import Integral, Real

from ._engine import CHART_NAMES, RULE_SETS, Settings
from ._labels import IMPROVEMENTS
from ._qic import NEEDS_DENOMINATOR


def settings(
    *,
    chart: str,
    improvement: str,
    multiplier: float,
    screen_outliers: bool,
    shift_length: int,
    trend_length: int,
    fix_after: int | None,
    has_denominator: bool,
    rules: str = "chart",
) -> Settings:
    """Check the options and bundle them; raise ``ValueError`` naming the bad one."""
    if chart not in CHART_NAMES:
        raise ValueError(f"chart must be one of {', '.join(CHART_NAMES)}; got {chart!r}")
    if improvement not in IMPROVEMENTS:
        raise ValueError(
            f"improvement must be one of {', '.join(IMPROVEMENTS)}; got {improvement!r}"
        )
    if chart in NEEDS_DENOMINATOR and not has_denominator:
        raise ValueError(f"chart {chart!r} needs denominators (n)")
    if not isinstance(multiplier, Real) or not math.isfinite(multiplier) or multiplier <= 0:
        raise ValueError(f"multiplier must be a positive number; got {multiplier!r}")
    for name, value in (("shift_length", shift_length), ("trend_length", trend_length)):
        if not isinstance(value, Integral) or value < 2:
            raise ValueError(f"{name} must be an integer >= 2; got {value!r}")
    if rules not in RULE_SETS:
        raise ValueError(f"rules must be one of {', '.join(RULE_SETS)}; got {rules!r}")
    if fix_after is not None and (not isinstance(fix_after, Integral) or fix_after < 1):
        raise ValueError(f"fix_after must be a positive integer or None; got {fix_after!r}")
    return Settings(
        chart=chart,
        improvement=improvement,
        multiplier=float(multiplier),
        screen_outliers=bool(screen_outliers),
        shift_length=int(shift_length),
        trend_length=int(trend_length),
        rules=rules,
    )


def target_value(target: float | None) -> float:
    """A target as float (NaN for none)."""
    if target is None:
        return math.nan
    if not isinstance(target, Real) or not math.isfinite(target):
        raise ValueError(f"target must be a finite number or None; got {target!r}")
    return float(target)
