"""Occupied bed days: the midnight census derived from stays, and its SQL aggregation.

A patient occupies a bed at midnight at the end of day ``d`` when ``admitted_on <= d`` and they
have not been discharged by then (``discharged_on`` is empty or later than ``d``): the KH03
midnight count, which equals the MHSDS bed-day derivation (domain brief §2.4, §9).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import numpy as np
from django.db import transaction
from django.db.models import QuerySet, Sum
from django.db.models.functions import TruncMonth, TruncWeek

from mhsip.audit.log import record_bulk
from mhsip.audit.models import Action
from mhsip.organisations.models import Ward
from mhsip.recording.models import Stay, WardCensus


def midnight_counts(
    admitted: np.ndarray, discharged: np.ndarray, start: dt.date, end: dt.date
) -> np.ndarray:
    """Patients present at each midnight from ``start`` to ``end`` inclusive.

    ``admitted`` and ``discharged`` are ``datetime64[D]`` arrays; ``NaT`` discharge means still
    on the ward.

    >>> a = np.array(["2025-01-01", "2025-01-02"], dtype="datetime64[D]")
    >>> d = np.array(["2025-01-03", "NaT"], dtype="datetime64[D]")
    >>> midnight_counts(a, d, dt.date(2025, 1, 1), dt.date(2025, 1, 4)).tolist()
    [1, 2, 1, 1]
    """
    first = np.datetime64(start, "D")
    days = (np.datetime64(end, "D") - first).astype(int) + 1
    change = np.zeros(days + 1, dtype=np.int64)
    a = np.clip((admitted - first).astype(int), 0, days)
    open_stay = np.isnat(discharged)
    d = np.where(open_stay, days, np.clip((discharged - first).astype(int, copy=False), 0, days))
    np.add.at(change, a, 1)
    np.add.at(change, d, -1)
    return np.cumsum(change)[:days]


def rebuild_census(wards: Iterable[Ward], start: dt.date, end: dt.date) -> int:
    """Recompute the census of ``wards`` for ``start..end`` from their stays; returns rows."""
    rows: list[WardCensus] = []
    ward_list = list(wards)
    for ward in ward_list:
        stays = Stay.objects.filter(ward=ward, admitted_on__lte=end).exclude(
            discharged_on__lte=start
        )
        pairs = list(stays.values_list("admitted_on", "discharged_on"))
        admitted = np.array([a for a, _ in pairs], dtype="datetime64[D]")
        discharged = np.array(
            [d if d is not None else "NaT" for _, d in pairs], dtype="datetime64[D]"
        )
        counts = midnight_counts(admitted, discharged, start, end)
        rows.extend(
            WardCensus(ward=ward, date=start + dt.timedelta(days=i), occupied=int(c))
            for i, c in enumerate(counts)
        )
    with transaction.atomic():
        deleted, _ = WardCensus.objects.filter(
            ward__in=ward_list, date__gte=start, date__lte=end
        ).delete()
        WardCensus.objects.bulk_create(rows, batch_size=2000)
        if deleted:
            record_bulk(WardCensus, deleted, action=Action.BULK_DELETE, reason="census rebuild")
        record_bulk(WardCensus, len(rows), reason="census rebuilt from stays")
    return len(rows)


def bed_days_by_period(
    wards: QuerySet[Ward], start: dt.date, end: dt.date, *, period: str = "week"
) -> list[dict[str, object]]:
    """Occupied bed days per ward per week (Monday start) or month, aggregated in SQL."""
    trunc = {"week": TruncWeek, "month": TruncMonth}[period]
    return list(
        WardCensus.objects.filter(ward__in=wards, date__gte=start, date__lte=end)
        .annotate(period_start=trunc("date"))
        .values("ward_id", "period_start")
        .annotate(bed_days=Sum("occupied"))
        .order_by("ward_id", "period_start")
    )
