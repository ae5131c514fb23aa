"""How concentrated events are on a few people (for the equity and safety views).

Restrictive interventions typically fall on a small share of patients; NHS and NCCMH reports
describe it as "a small number of patients account for a large proportion of restraint". The
:func:`concentration_share` helper puts a number on it.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ._arrays import FloatArray, as_float, check_non_negative

__all__ = ["concentration_share"]


def concentration_share(
    counts_per_person: npt.ArrayLike,
    top_fraction: npt.ArrayLike = 0.1,
    *,
    axis: int = -1,
) -> FloatArray:
    """Share of all events that fall on the most-affected ``top_fraction`` of people.

    People are sorted by their event count, largest first, and the share is read off the
    Lorenz-type curve of cumulative events at ``top_fraction * n`` people, interpolating
    linearly inside a person when ``top_fraction * n`` is not a whole number (so with 25 people
    the top 10% is the top 2.5 people: the top two plus half of the third). This makes the
    result a continuous, non-decreasing function of ``top_fraction``, equal to 1 at 1.

    Parameters
    ----------
    counts_per_person : array_like
        Each person's event count along ``axis``. Include people with zero events (everyone
        in the denominator, e.g. all inpatients), otherwise the figure is "among people with
        at least one event". NaN marks an absent person (padding); they are left out.
    top_fraction : float or array_like, default 0.1
        Fraction of people, in (0, 1]. An array broadcasts against the other axes.
    axis : int, default -1
        The person axis.

    Returns
    -------
    ndarray
        The share in [0, 1]; NaN where there are no people or no events.

    Raises
    ------
    ValueError
        If a count is negative or ``top_fraction`` is outside (0, 1].

    Examples
    --------
    Ten people, one of whom had 6 of the 10 events:

    >>> float(concentration_share([6, 1, 1, 1, 1, 0, 0, 0, 0, 0]))
    0.6
    >>> float(concentration_share([6, 1, 1, 1, 1, 0, 0, 0, 0, 0], 0.2))
    0.7

    Several wards at once (people along the last axis, NaN padding):

    >>> concentration_share([[4, 4, 0, 0, 0, 0, 0, 0, 0, 0], [1, 1, 1, 1, np.nan, np.nan,
    ...                      np.nan, np.nan, np.nan, np.nan]], 0.5).tolist()
    [1.0, 0.5]
    """
    x = np.moveaxis(np.atleast_1d(as_float(counts_per_person)), axis, -1)
    check_non_negative(x, "counts_per_person")
    frac = as_float(top_fraction)
    if np.any(~((frac > 0) & (frac <= 1))):
        raise ValueError("top_fraction must be in (0, 1]")
    present = ~np.isnan(x)
    n = present.sum(axis=-1)
    # Sort descending with absent people last.
    ordered = -np.sort(np.where(present, -x, np.inf), axis=-1)
    ordered = np.where(np.isfinite(ordered), ordered, 0.0)
    cumulative = np.concatenate(
        [np.zeros((*ordered.shape[:-1], 1)), np.cumsum(ordered, axis=-1)], axis=-1
    )
    total = cumulative[..., -1]
    k = np.broadcast_to(frac, np.broadcast_shapes(frac.shape, n.shape)) * n
    whole = np.floor(k).astype(np.int64)
    part = k - whole
    target_shape = np.broadcast_shapes(whole.shape, cumulative.shape[:-1])
    cumulative = np.broadcast_to(cumulative, target_shape + cumulative.shape[-1:])
    ordered_b = np.broadcast_to(ordered, target_shape + ordered.shape[-1:])
    whole_b = np.broadcast_to(whole, target_shape)
    upto = np.take_along_axis(cumulative, whole_b[..., None], axis=-1)[..., 0]
    nxt_index = np.minimum(whole_b, ordered_b.shape[-1] - 1)[..., None]
    nxt = np.take_along_axis(ordered_b, nxt_index, axis=-1)[..., 0]
    nxt = np.where(whole_b < np.broadcast_to(n, target_shape), nxt, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = (upto + part * nxt) / np.broadcast_to(total, target_shape)
    share = np.where(np.broadcast_to(total, target_shape) > 0, share, np.nan)
    return np.asarray(share, dtype=np.float64)
