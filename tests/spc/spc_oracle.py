"""Slow, literal Python transcriptions of the R code, used as a test oracle.

Each function follows its R source line by line, with loops and R's three-valued logic
(``None`` is R's ``NA``), so that the vectorised engine can be checked against it on
thousands of random series (including missing values and ties), not only on the shared
cases. Sources: NHSRplotthedots 0.2.2 ``R/ptd_spc_standard.R`` and
``R/ptd_calculate_point_type.R``; qicharts2 0.8.1 ``R/helper.functions.R``.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

NA = None
Logical = bool | None


class RWouldError(Exception):
    """R stops here ("missing value where TRUE/FALSE needed")."""


# --- R primitives ------------------------------------------------------------------------


def is_na(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def r_mean(values: list[float | None]) -> float:
    """mean(x, na.rm = TRUE), correctly rounded (R's long-double two-pass mean)."""
    v = [x for x in values if not is_na(x)]
    if not v:
        return math.nan
    if any(math.isinf(x) for x in v):
        return sum(v) / len(v)
    return float(sum(Fraction(x) for x in v) / len(v))


def r_sum(values: list[float | None]) -> float:
    return math.fsum(x for x in values if not is_na(x))


def r_median(values: list[float | None]) -> float:
    v = sorted(x for x in values if not is_na(x))
    if not v:
        return math.nan
    k = len(v)
    if k % 2:
        return v[k // 2]
    return float((Fraction(v[k // 2 - 1]) + Fraction(v[k // 2])) / 2)


def sign(v: float | None) -> float | None:
    if is_na(v):
        return None
    assert v is not None
    return float((v > 0) - (v < 0))


def r_and(a: Logical, b: Logical) -> Logical:
    if a is False or b is False:
        return False
    if a is None or b is None:
        return None
    return True


def r_or(a: Logical, b: Logical) -> Logical:
    if a is True or b is True:
        return True
    if a is None or b is None:
        return None
    return False


def r_not(a: Logical) -> Logical:
    return None if a is None else not a


def r_all(values: list[Logical]) -> Logical:
    if any(v is False for v in values):
        return False
    if any(v is None for v in values):
        return None
    return True


def r_any(values: list[Logical]) -> Logical:
    if any(v is True for v in values):
        return True
    if any(v is None for v in values):
        return None
    return False


def cmp(a: float | None, b: float | None, op: str) -> Logical:
    if is_na(a) or is_na(b):
        return None
    assert a is not None and b is not None
    return {"<": a < b, ">": a > b, "==": a == b, "!=": a != b, ">=": a >= b}[op]


def r_if(cond: Logical) -> bool:
    if cond is None:
        raise RWouldError("missing value where TRUE/FALSE needed")
    return cond


# --- NHSRplotthedots ---------------------------------------------------------------------


@dataclass
class PtdPoint:
    mean: float
    lpl: float
    upl: float
    nlpl: float
    nupl: float
    special_cause_type: str | None
    point_type: str


def ptd_group(
    y: list[float | None], fix_after: int | None, screen: bool, on_error: str = "raise"
) -> list[tuple[float, float, float, float, float, str | None]]:
    """``ptd_spc_standard`` + ``ptd_special_cause_type`` for one facet x rebase group."""
    n = len(y)
    limit = 2.66
    limitclose = 2 * (limit / 3)
    fix = math.inf if fix_after is None else fix_after
    fix_y = [y[i] if i + 1 <= fix else None for i in range(n)]
    mean = r_mean(fix_y)
    mr: list[float | None] = [None] + [
        None if is_na(fix_y[i]) or is_na(fix_y[i - 1]) else abs(fix_y[i] - fix_y[i - 1])  # type: ignore[operator]
        for i in range(1, n)
    ]
    amr = r_mean(mr)
    if screen:
        mr = [m if cmp(m, 3.267 * amr, "<") is True else None for m in mr]
    amr = r_mean(mr)
    lpl = mean - limit * amr
    upl = mean + limit * amr
    nlpl = mean - limitclose * amr
    nupl = mean + limitclose * amr
    yy = [None if is_na(v) else v for v in y]
    outside = [r_or(cmp(v, upl, ">"), cmp(v, lpl, "<")) for v in yy]
    rtm = [sign(None if is_na(v) or math.isnan(mean) else v - mean) for v in yy]  # type: ignore[operator]
    close = [
        r_and(r_not(o), r_or(cmp(v, nlpl, "<"), cmp(v, nupl, ">")))
        for o, v in zip(outside, yy, strict=True)
    ]
    labels = ptd_special_cause_type(yy, rtm, close, outside, on_error)
    return [(mean, lpl, upl, nlpl, nupl, lab) for lab in labels]


def _seven_point_trend(y: list[float | None], on_error: str) -> list[float]:
    n = len(y)
    if n < 7:
        return [0.0] * n
    out = [0.0] * 6
    for i in range(6, n):
        w = y[i - 6 : i + 1]
        d = [
            None if is_na(w[k + 1]) or is_na(w[k]) else sign(w[k + 1] - w[k])  # type: ignore[operator]
            for k in range(6)
        ]
        try:
            if r_if(r_all([cmp(v, 1.0, "==") for v in d])):
                out.append(1.0)
                continue
            if r_if(r_all([cmp(v, -1.0, "==") for v in d])):
                out.append(-1.0)
                continue
        except RWouldError:
            if on_error == "raise":
                raise
        out.append(0.0)
    return out


def _part_of_seven(v: list[float | None]) -> list[Logical]:
    vp = v + [0.0] * 6
    return [
        r_any([cmp(None if is_na(x) else abs(x), 1.0, "==") for x in vp[i : i + 7]])  # type: ignore[arg-type]
        for i in range(len(v))
    ]


def _seven_one_side(v: list[float | None]) -> list[Logical]:
    vp: list[float | None] = [0.0] * 6 + v
    out = []
    for i in range(6, len(vp)):
        same = r_all([cmp(vp[i], vp[i - k], "==") for k in range(1, 7)])
        out.append(r_and(same, cmp(vp[i], 0.0, "!=")))
    return out


def _r_sum_logical(values: list[Any]) -> float | None:
    if any(is_na(v) for v in values):
        return None
    return float(sum(float(v) for v in values))


def _two_in_three(v: list[Logical], rtm: list[float | None]) -> list[Logical]:
    vp: list[Any] = [0, 0, *v, 0, 0]
    rp: list[Any] = [0, 0, *rtm, 0, 0]
    out = []
    for i in range(len(v)):
        acc: Logical = False
        for off in (0, 1, 2):
            s_close = _r_sum_logical(vp[i + off : i + off + 3])
            s_rtm = _r_sum_logical(rp[i + off : i + off + 3])
            w = r_and(
                cmp(s_close, 2.0, ">="), cmp(None if s_rtm is None else abs(s_rtm), 3.0, "==")
            )
            # R's `||` (short-circuits on TRUE, NA otherwise propagates)
            acc = r_or(acc, w)
        out.append(acc)
    return out


def ptd_special_cause_type(
    y: list[float | None],
    rtm: list[float | None],
    close: list[Logical],
    outside: list[Logical],
    on_error: str = "raise",
) -> list[str | None]:
    n = len(y)
    trend = [
        None if v is None else float(v) for v in _part_of_seven(_seven_point_trend(y, on_error))
    ]  # type: ignore[misc]
    two = [
        r_and(
            cmp(None if t is None else float(t), 1.0, "=="),
            cmp(None if c is None else float(c), 1.0, "=="),
        )
        for t, c in zip(_two_in_three(close, rtm), close, strict=True)
    ]
    shift = _part_of_seven([None if v is None else float(v) for v in _seven_one_side(rtm)])  # type: ignore[misc]
    sdy = [None if is_na(y[i + 1]) or is_na(y[i]) else sign(y[i + 1] - y[i]) for i in range(n - 1)]  # type: ignore[operator]
    right = [*sdy, sdy[-1] if sdy else None]
    left = [0.0, *sdy]
    sdy2 = []
    for i in range(n):
        nxt = trend[i + 1] if i + 1 < n else 0.0
        cond = r_and(cmp(nxt, 0.0, "!="), cmp(trend[i], 0.0, "!="))
        sdy2.append(None if cond is None else (right[i] if cond else left[i]))
    labels: list[str | None] = []
    for i in range(n):
        above = (
            "Above" if cmp(rtm[i], 0.0, ">") is True else ("Below" if rtm[i] is not None else None)
        )
        if cmp(None if outside[i] is None else float(outside[i]), 0.0, "!=") is True:
            labels.append(
                "Above UCL" if rtm[i] == 1 else ("Below LCL" if rtm[i] is not None else None)
            )
        elif cmp(trend[i], 0.0, "!=") is True:
            labels.append(
                f"7 Point Trend ({'In' if sdy2[i] == 1 else 'De'}creasing)"
                if sdy2[i] is not None
                else "7 Point Trend (NAcreasing)"
            )
        elif cmp(None if two[i] is None else float(two[i]), 0.0, "!=") is True:
            labels.append(f"2 in 3 {above} CL")
        elif cmp(None if shift[i] is None else float(shift[i]), 0.0, "!=") is True:
            labels.append(f"7 Points {above} CL")
        else:
            labels.append("Common Cause")
    return labels


def ptd_point_type(label: str | None, improvement: str) -> str:
    v = 0
    if label is not None and ("Above" in label or "Increasing" in label):
        v = 1
    elif label is not None and ("Below" in label or "Decreasing" in label):
        v = -1
    direction = {"increase": 1, "decrease": -1, "neutral": 0}[improvement]
    if direction == 0:
        return {1: "special_cause_neutral_high", -1: "special_cause_neutral_low"}.get(
            v, "common_cause"
        )
    v *= direction
    return {1: "special_cause_improvement", -1: "special_cause_concern"}.get(v, "common_cause")


def ptd_series(
    y: list[float | None],
    rebase_at: list[int],
    fix_after: int | None,
    screen: bool,
    improvement: str,
    on_error: str = "raise",
) -> list[PtdPoint]:
    """``ptd_spc`` on one facet: rebase groups start at the given 0-based indices."""
    starts = sorted({0, *[i for i in rebase_at if 0 <= i < len(y)]})
    out: list[PtdPoint] = []
    for k, s in enumerate(starts):
        e = starts[k + 1] if k + 1 < len(starts) else len(y)
        for mean, lpl, upl, nlpl, nupl, lab in ptd_group(y[s:e], fix_after, screen, on_error):
            out.append(PtdPoint(mean, lpl, upl, nlpl, nupl, lab, ptd_point_type(lab, improvement)))
    return out


# --- qicharts2 ----------------------------------------------------------------------------


@dataclass
class QicPart:
    y: list[float]
    cl: list[float]
    lcl: list[float]
    ucl: list[float]
    lcl95: list[float]
    ucl95: list[float]
    longest_run: float
    longest_run_max: float
    n_crossings: float
    n_crossings_min: float
    runs_signal: bool


def qbinom05(size: int) -> int:
    if size <= 0:
        return 0
    acc = Fraction(0)
    for k in range(size + 1):
        acc += Fraction(math.comb(size, k), 2**size)
        if acc >= Fraction(1, 20):
            return k
    return size


def ieee_div(a: float, b: float) -> float:
    """a / b with IEEE semantics (x / 0 is +-inf or NaN, as in R)."""
    if b == 0:
        return math.nan if a == 0 or math.isnan(a) else math.copysign(math.inf, a)
    return a / b


def _c4(n: float) -> float:
    if is_na(n) or n <= 1:
        return math.nan
    return math.sqrt(2 / (n - 1)) * math.exp(math.lgamma(n / 2) - math.lgamma((n - 1) / 2))


def qic_part(
    chart: str,
    y: list[float],
    y_sum: list[float],
    y_length: list[float],
    y_sd: list[float],
    n: list[float],
    base: list[bool],
    include: list[bool],
    screened: bool,
    multiply: float,
) -> QicPart:
    """One facet x part: ``qic.<chart>``, ``runs.analysis`` and ``multiply``."""
    k = len(y)
    nan = math.nan
    yb = [y[i] for i in range(k) if base[i]]

    def screened_amr(mr: list[float]) -> float:
        amr = r_mean(mr)
        if screened:  # mr <- mr[mr < ulmr]; NA entries stay NA and na.rm drops them
            amr = r_mean([m for m in mr if not is_na(m) and m < 3.267 * amr])
        return amr

    def sqrt(v: float) -> float:
        return math.sqrt(v) if v >= 0 or math.isinf(v) else nan

    def diffs(v: list[float]) -> list[float]:
        return [abs(v[i] - v[i - 1]) for i in range(1, len(v))]

    if chart == "run":
        cl = r_median(yb)
        lines = [nan] * 4
        lcl = [lines[0]] * k
        ucl, lcl95, ucl95 = list(lcl), list(lcl), list(lcl)
        cls = [cl] * k
    elif chart in ("i", "t"):
        yy = [v ** (1 / 3.6) for v in y] if chart == "t" else list(y)
        ybt = [yy[i] for i in range(k) if base[i]]
        cl = r_mean(ybt)
        sd = screened_amr(diffs([v - cl for v in ybt])) / 1.128
        cls = [cl] * k
        lcl, ucl = [cl - 3 * sd] * k, [cl + 3 * sd] * k
        lcl95, ucl95 = [cl - 2 * sd] * k, [cl + 2 * sd] * k
        if chart == "t":

            def back(v: float) -> float:
                return v**3.6 if not (v < 0) else nan

            y = [v**3.6 for v in yy]
            cls = [back(v) for v in cls]
            ucl = [back(v) for v in ucl]
            ucl95 = [back(v) for v in ucl95]
            lcl = [back(v) for v in lcl]
            lcl95 = [back(v) for v in lcl95]
            lcl = [0.0 if math.isnan(v) or v < 0 else v for v in lcl]
    elif chart == "mr":
        y = [nan, *diffs(y)]
        cl = r_mean([y[i] for i in range(k) if base[i]])
        cls = [cl] * k
        lcl, lcl95 = [0.0] * k, [0.0] * k
        ucl, ucl95 = [3.267 * cl] * k, [(3.267 / 3) * 2 * cl] * k
    elif chart in ("p", "pp", "u", "up"):
        num = r_sum([y_sum[i] for i in range(k) if base[i]])
        den = r_sum([n[i] for i in range(k) if base[i]])
        cl = num / den if den else (math.nan if num == 0 else math.inf)
        cls = [cl] * k
        sds = []
        for i in range(k):
            if is_na(n[i]) or math.isnan(cl):
                sds.append(nan)
                continue
            var = cl * (1 - cl) if chart in ("p", "pp") else cl
            sds.append(sqrt(var / n[i]) if n[i] else sqrt(math.inf * var) if var else nan)
        if chart in ("pp", "up"):
            z = [ieee_div(y[i] - cl, sds[i]) for i in range(k) if base[i]]
            sz = screened_amr(diffs(z)) / 1.128
            sds = [s * sz for s in sds]
        lcl = [cl - 3 * s for s in sds]
        ucl = [cl + 3 * s for s in sds]
        lcl95 = [cl - 2 * s for s in sds]
        ucl95 = [cl + 2 * s for s in sds]
        if chart in ("p", "pp"):
            ucl = [1.0 if math.isfinite(v) and v > 1 else v for v in ucl]
            ucl95 = [1.0 if math.isfinite(v) and v > 1 else v for v in ucl95]
        lcl = [0.0 if math.isfinite(v) and v < 0 else v for v in lcl]
        lcl95 = [0.0 if math.isfinite(v) and v < 0 else v for v in lcl95]
    elif chart == "c":
        y = list(y_sum)
        cl = r_mean([y[i] for i in range(k) if base[i]])
        sd = math.sqrt(cl) if not math.isnan(cl) else nan
        cls = [cl] * k
        lcl = [max(cl - 3 * sd, 0.0) if math.isfinite(cl - 3 * sd) else cl - 3 * sd] * k
        lcl95 = [max(cl - 2 * sd, 0.0) if math.isfinite(cl - 2 * sd) else cl - 2 * sd] * k
        ucl, ucl95 = [cl + 3 * sd] * k, [cl + 2 * sd] * k
    elif chart == "g":
        m = r_mean(yb)
        sd = math.sqrt(m * (m + 1)) if not math.isnan(m) else nan
        lcl = [0.0 if (m - 3 * sd) < 0 else m - 3 * sd] * k
        lcl95 = [0.0 if (m - 2 * sd) < 0 else m - 2 * sd] * k
        ucl, ucl95 = [m + 3 * sd] * k, [m + 2 * sd] * k
        cls = [r_median(yb)] * k
    else:
        raise ValueError(chart)

    # runs.analysis (before multiply)
    signs = [
        sign(y[i] - cls[i]) if not (is_na(y[i]) or is_na(cls[i])) else None
        for i in range(k)
        if include[i]
    ]
    runs = [s for s in signs if s is not None and s != 0]
    if runs:
        lengths = [1]
        for a, b in itertools.pairwise(runs):
            if a == b:
                lengths[-1] += 1
            else:
                lengths.append(1)
        longest = float(max(lengths))
        longest_max = float(round(math.log2(len(runs))) + 3)
        crossings = float(max(len(lengths) - 1, 0))
        crossings_min = float(qbinom05(len(runs) - 1))
        signal = longest > longest_max or crossings < crossings_min
    else:
        longest = longest_max = crossings = crossings_min = nan
        signal = False
    if chart == "mr":
        signal = False

    def mult(v: list[float], finite: bool = True) -> list[float]:
        out = [x * multiply for x in v]
        return [x if (not finite or math.isfinite(x)) else nan for x in out]

    return QicPart(
        y=mult(y, finite=False),
        cl=mult(cls, finite=False),
        lcl=mult(lcl),
        ucl=mult(ucl),
        lcl95=mult(lcl95),
        ucl95=mult(ucl95),
        longest_run=longest,
        longest_run_max=longest_max,
        n_crossings=crossings,
        n_crossings_min=crossings_min,
        runs_signal=signal,
    )
