"""The completeness check: does a ward report implausibly few restrictive interventions?

Open-data analysis found restraint reporting varies widely between providers, including large
"null reporters" (landscape brief §3.10). A ward that records nothing, or very little, while its
occupied bed days and its peers suggest otherwise is flagged for a conversation, never accused.

Method: take the median rate per 1,000 occupied bed days (OBD) of the ward's peers (wards of the
same type when there are enough of them, otherwise all wards), with each peer needing at least
100 OBD in the period (the MHSDS rule for publishing a rate, domain brief §10). The expected
count is that rate times the ward's OBD / 1,000. If reporting were as complete as the peers',
the count would be Poisson with that mean; the ward is flagged when the probability of
observing its count *or fewer* is below 0.01.

Plain Python: no Django, no scipy (the Poisson CDF is summed with ``math.lgamma``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

FLAG_BELOW = 0.01
MIN_PEERS = 3
MIN_PEER_BED_DAYS = 100


def poisson_cdf(k: int, mu: float) -> float:
    """P(X <= k) for X ~ Poisson(mu), summed term by term in log space.

    >>> round(poisson_cdf(0, 14.0), 9)  # e**-14
    8.32e-07
    >>> round(poisson_cdf(2, 1.0), 6)  # e**-1 * (1 + 1 + 1/2)
    0.919699
    >>> poisson_cdf(-1, 3.0), poisson_cdf(0, 0.0)
    (0.0, 1.0)
    """
    if k < 0:
        return 0.0
    if mu <= 0:
        return 1.0
    log_mu = math.log(mu)
    total = math.fsum(math.exp(i * log_mu - mu - math.lgamma(i + 1)) for i in range(k + 1))
    return min(total, 1.0)


def median(values: Sequence[float]) -> float:
    """The median of a non-empty sequence.

    >>> median([3, 1, 2]), median([4, 1, 3, 2])
    (2, 2.5)
    """
    ordered = sorted(values)
    if not ordered:
        raise ValueError("median of no values")
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[mid]
    return (ordered[mid - 1] + ordered[mid]) / 2


@dataclass(frozen=True)
class WardPeriod:
    """What one ward recorded over the period: weeks counted, interventions, bed days."""

    ward_id: int
    ward_type: str
    weeks: int  # weeks with both bed days and a known count
    recorded: int
    bed_days: int

    @property
    def rate(self) -> float:
        return 1000 * self.recorded / self.bed_days


@dataclass(frozen=True)
class Completeness:
    assessed: bool
    flagged: bool
    reason: str
    recorded: int | None = None
    bed_days: int | None = None
    expected: float | None = None
    probability: float | None = None
    peer_median_rate: float | None = None
    peers: int = 0


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def _predict(expected: float) -> str:
    return f"{expected:,.0f}" if expected >= 10 else f"{expected:.1f}"


def peer_rates(
    ward: WardPeriod, others: Sequence[WardPeriod], type_label: str
) -> tuple[list[float], str]:
    """Rates of the ward's peers: same ward type when there are at least ``MIN_PEERS`` with
    enough bed days, otherwise every other ward with enough bed days."""
    usable = [p for p in others if p.ward_id != ward.ward_id and p.bed_days >= MIN_PEER_BED_DAYS]
    same = [p.rate for p in usable if p.ward_type == ward.ward_type]
    if len(same) >= MIN_PEERS:
        return same, f"{type_label.lower()} wards"
    return [p.rate for p in usable], "wards of all types"


def assess(
    ward: WardPeriod | None, others: Sequence[WardPeriod], *, type_label: str, weeks: int
) -> Completeness:
    """Flag likely under-reporting of one ward against its peers (see the module docstring).

    ``ward`` is ``None`` when none of the ``weeks`` has both bed days and a known count.
    """
    if ward is None or ward.bed_days <= 0:
        return Completeness(
            assessed=False,
            flagged=False,
            reason=f"Not assessed: no occupied bed days known for the last {weeks} weeks.",
        )
    rates, peer_label = peer_rates(ward, others, type_label)
    if len(rates) < MIN_PEERS:
        return Completeness(
            assessed=False,
            flagged=False,
            reason=(
                f"Not assessed: fewer than {MIN_PEERS} other wards have at least "
                f"{MIN_PEER_BED_DAYS} occupied bed days to compare with."
            ),
            recorded=ward.recorded,
            bed_days=ward.bed_days,
        )
    peer_median = median(rates)
    expected = peer_median * ward.bed_days / 1000
    probability = poisson_cdf(ward.recorded, expected)
    flagged = probability < FLAG_BELOW
    facts = (
        f"{ward.recorded:,} recorded in {_plural(ward.weeks, 'week')} with "
        f"{ward.bed_days:,} occupied bed days"
    )
    peers = (
        f"the median rate of {len(rates)} {peer_label} "
        f"({peer_median:.1f} per 1,000 occupied bed days)"
    )
    if flagged:
        reason = (
            f"{facts}; peers' median rate would predict {_predict(expected)}. "
            f"Fewer than 1 in 100 wards reporting as fully as {peers} would record so few: "
            "check that every restrictive intervention is being recorded."
        )
    else:
        reason = f"{facts}; {peers} would predict {_predict(expected)}. No sign of under-reporting."
    return Completeness(
        assessed=True,
        flagged=flagged,
        reason=reason,
        recorded=ward.recorded,
        bed_days=ward.bed_days,
        expected=expected,
        probability=probability,
        peer_median_rate=peer_median,
        peers=len(rates),
    )
