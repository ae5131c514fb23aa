"""Cached SPC analyses that are never stale (issue 5, item 6).

Computed series are kept in Django's cache (the database cache in production, shared by every
web process) under a key that contains a cheap *data version* of everything the analysis reads.
New data changes the version, so the next request misses the cache and recomputes: there is no
invalidation step to forget and no window in which a chart is out of date.

The data version of a set of wards is, per source table, ``(row count, largest id, latest
updated_at)`` for those wards' rows, plus the wards' rebases (with status) and fixed baselines:

* a new or corrected use-of-force record, weekly return, sexual-safety or AWOL record changes
  the count or ``updated_at`` (``auto_now``; records are corrected, never deleted, Act s.6(6));
* interventions are only written together with their incident (``recording.services``), which
  is saved too; a new intervention also changes the count and largest id;
* the census is rebuilt by delete-and-insert (``recording.census.rebuild_census``), which
  changes the largest id;
* approving a rebase changes its status; fixing a baseline changes its points.

The measure's own definition (source, codes, denominator, chart, direction, target...) is part
of the key too, so editing a measure takes effect at once. Each version is a handful of indexed
aggregate queries, computed once per request for all measures of a page.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.core.cache import cache
from django.db.models import Count, Max, QuerySet

import mhsip
from mhsip.measures.analysis import WardAnalysis, analyse_collaborative, analyse_measure
from mhsip.measures.models import FixedBaseline, Measure, Rebase
from mhsip.recording.models import Intervention, UseOfForceIncident, WardCensus
from mhsip.returns.models import WeeklyReturn
from mhsip.safety.models import AwolIncident, SexualSafetyIncident

CACHE_SECONDS = 7 * 24 * 3600
"""Entries are never stale (the key changes with the data); this only bounds the cache size."""
KEY_FORMAT = 1
"""Bump when the cached objects change shape."""

T = TypeVar("T")


def _fingerprint(qs: QuerySet, *, updated: bool) -> tuple[Any, ...]:
    fields: dict[str, Any] = {"n": Count("pk"), "last": Max("pk")}
    if updated:
        fields["changed"] = Max("updated_at")
    row = qs.order_by().aggregate(**fields)
    return tuple(str(row[k]) for k in sorted(row))


def data_version(ward_ids: Sequence[int]) -> str:
    """A short hash that changes whenever any data an analysis of these wards reads changes."""
    ids = sorted({int(w) for w in ward_ids})
    parts: list[Any] = [
        _fingerprint(UseOfForceIncident.objects.filter(ward_id__in=ids), updated=True),
        _fingerprint(Intervention.objects.filter(incident__ward_id__in=ids), updated=False),
        _fingerprint(WardCensus.objects.filter(ward_id__in=ids), updated=False),
        _fingerprint(WeeklyReturn.objects.filter(ward_id__in=ids), updated=True),
        _fingerprint(SexualSafetyIncident.objects.filter(ward_id__in=ids), updated=True),
        _fingerprint(AwolIncident.objects.filter(ward_id__in=ids), updated=True),
        list(
            Rebase.objects.filter(ward_id__in=ids)
            .order_by("pk")
            .values_list("pk", "measure_id", "starts_on", "status")
        ),
        list(
            FixedBaseline.objects.filter(ward_id__in=ids)
            .order_by("pk")
            .values_list("pk", "measure_id", "points")
        ),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:24]


def measure_key(measure: Measure) -> tuple[Any, ...]:
    """The parts of a measure's definition that change its analysis."""
    return (
        measure.pk,
        measure.source,
        tuple(measure.type_codes or ()),
        measure.denominator,
        measure.multiplier,
        measure.period,
        measure.default_chart,
        measure.improvement,
        measure.target,
    )


def cache_key(kind: str, *parts: Any) -> str:
    digest = hashlib.sha256(repr((KEY_FORMAT, mhsip.__version__, kind, parts)).encode())
    return f"mhsip:spc:{kind}:{digest.hexdigest()}"


def cached(key: str, compute: Callable[[], T]) -> T:
    """``compute()``, kept under ``key``; ``key`` must change whenever the answer would."""
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=CACHE_SECONDS)
    return value


def ward_analyses(
    measure: Measure,
    ward_ids: Sequence[int],
    start: dt.date,
    end: dt.date,
    *,
    chart: str | None = None,
    version: str | None = None,
) -> dict[int, WardAnalysis]:
    """:func:`~mhsip.measures.analysis.analyse_measure`, cached. Pass ``version`` (from
    :func:`data_version` of the same wards) when charting many measures on one page."""
    ids = sorted({int(w) for w in ward_ids})
    version = version or data_version(ids)
    key = cache_key("wards", measure_key(measure), ids, start, end, chart, version)
    return cached(key, lambda: analyse_measure(measure, ids, start, end, chart=chart))


def collaborative_analysis(
    measure: Measure,
    ward_ids: Sequence[int],
    start: dt.date,
    end: dt.date,
    *,
    chart: str | None = None,
    version: str | None = None,
) -> WardAnalysis:
    """:func:`~mhsip.measures.analysis.analyse_collaborative` (the pooled series), cached."""
    ids = sorted({int(w) for w in ward_ids})
    version = version or data_version(ids)
    key = cache_key("pooled", measure_key(measure), ids, start, end, chart, version)
    return cached(key, lambda: analyse_collaborative(measure, ids, start, end, chart=chart))


__all__ = [
    "cache_key",
    "cached",
    "collaborative_analysis",
    "data_version",
    "measure_key",
    "ward_analyses",
]
