"""Rows from the database for the equity analysis: stays and restrictive interventions.

Everything is filtered in SQL (wards in scope, period, submitted records, distinct (incident,
type) pairs) and handed to :mod:`mhsip.equity.compute` as numpy arrays. The ward ids passed in
must already come from the scoped accessor (``organisations.access``); nothing here checks
permissions.

Definitions: an incident counts in the month (Europe/London) it started (as the measures do,
``measures.sources``); only submitted records count; a restrictive intervention is a distinct
(incident, MHSDS type) pair (MHS77).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.db.models import Q
from django.db.models.functions import TruncMonth

from mhsip.equity.characteristics import CHARACTERISTICS, Characteristic
from mhsip.equity.compute import Frame, build_frame
from mhsip.recording.codes import RecordStatus
from mhsip.recording.models import Intervention, Stay

FIELDS: tuple[str, ...] = tuple(dict.fromkeys(c.field for c in CHARACTERISTICS.values()))
"""Every patient field a characteristic reads."""


def _month(value: dt.date | dt.datetime) -> np.datetime64:
    day = value.date() if isinstance(value, dt.datetime) else value
    return np.datetime64(day, "M")


@dataclass(frozen=True)
class StayRows:
    patient: np.ndarray
    ward: np.ndarray
    admitted: np.ndarray
    discharged: np.ndarray
    values: dict[str, np.ndarray]


def stay_rows(
    ward_ids: Sequence[int], start: dt.date, end: dt.date, fields: Sequence[str] = FIELDS
) -> StayRows:
    """Stays on ``ward_ids`` with at least one midnight in ``start..end``."""
    rows = list(
        Stay.objects.filter(ward_id__in=list(ward_ids), admitted_on__lte=end)
        .filter(Q(discharged_on__isnull=True) | Q(discharged_on__gt=start))
        .order_by()
        .values_list(
            "patient_id",
            "ward_id",
            "admitted_on",
            "discharged_on",
            *(f"patient__{f}" for f in fields),
        )
    )
    return StayRows(
        patient=np.array([r[0] for r in rows], np.int64),
        ward=np.array([r[1] for r in rows], np.int64),
        admitted=np.array([r[2] for r in rows], dtype="datetime64[D]"),
        discharged=np.array(
            [r[3] if r[3] is not None else "NaT" for r in rows], dtype="datetime64[D]"
        ),
        values={f: np.array([r[4 + i] for r in rows], dtype=object) for i, f in enumerate(fields)},
    )


@dataclass(frozen=True)
class PairRows:
    """One row per restrictive intervention (distinct incident x type pair)."""

    patient: np.ndarray
    ward: np.ndarray
    month: np.ndarray
    incident: np.ndarray
    type_code: np.ndarray
    reason: np.ndarray
    minutes: np.ndarray  # total minutes of that type in the incident; NaN when any end missing
    values: dict[str, np.ndarray]

    def __len__(self) -> int:
        return int(self.patient.size)


def pair_rows(
    ward_ids: Sequence[int], start: dt.date, end: dt.date, fields: Sequence[str] = FIELDS
) -> PairRows:
    """Restrictive interventions of submitted incidents that started in ``start..end``.

    Several rows of the same type within one incident are one intervention (MHSDS counts
    distinct incident x type pairs); their minutes are added up, and are missing when any of
    them has no end time (still in progress or not recorded).
    """
    rows = list(
        Intervention.objects.filter(
            incident__ward_id__in=list(ward_ids),
            incident__status=RecordStatus.SUBMITTED,
            incident__started_at__date__gte=start,
            incident__started_at__date__lte=end,
        )
        .annotate(month=TruncMonth("incident__started_at"))
        .order_by("incident_id", "type_code", "id")
        .values_list(
            "incident__patient_id",
            "incident__ward_id",
            "month",
            "incident_id",
            "type_code",
            "incident__reason",
            "started_at",
            "ended_at",
            *(f"incident__patient__{f}" for f in fields),
        )
    )
    pairs: dict[tuple[int, str], list] = {}
    for r in rows:
        key = (r[3], r[4])
        minutes = (r[7] - r[6]).total_seconds() / 60 if r[7] is not None else float("nan")
        if key in pairs:
            pairs[key][6] += minutes
        else:
            pairs[key] = [r[0], r[1], _month(r[2]), r[3], r[4], r[5], minutes, *r[8:]]
    out = list(pairs.values())
    return PairRows(
        patient=np.array([p[0] for p in out], np.int64),
        ward=np.array([p[1] for p in out], np.int64),
        month=np.array([p[2] for p in out], dtype="datetime64[M]"),
        incident=np.array([p[3] for p in out], np.int64),
        type_code=np.array([p[4] for p in out], dtype=object),
        reason=np.array([p[5] for p in out], dtype=object),
        minutes=np.array([p[6] for p in out], float),
        values={f: np.array([p[7 + i] for p in out], dtype=object) for i, f in enumerate(fields)},
    )


def count_pairs(pairs: PairRows, field: str) -> dict[str, np.ndarray]:
    """Interventions and distinct incidents per (patient, ward, month), with ``field``'s value."""
    if len(pairs) == 0:
        return {
            "patient": np.zeros(0, np.int64),
            "ward": np.zeros(0, np.int64),
            "month": np.zeros(0, "datetime64[M]"),
            "value": np.zeros(0, object),
            "interventions": np.zeros(0),
            "incidents": np.zeros(0),
        }
    keys = np.stack([pairs.patient, pairs.ward, pairs.month.astype(np.int64)], axis=1)
    uniq, first, inverse = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    inverse = inverse.ravel()
    n = uniq.shape[0]
    incident_keys = np.unique(np.stack([inverse, pairs.incident], axis=1), axis=0)
    return {
        "patient": uniq[:, 0],
        "ward": uniq[:, 1],
        "month": uniq[:, 2].astype("datetime64[M]"),
        "value": pairs.values[field][first],
        "interventions": np.bincount(inverse, minlength=n).astype(float),
        "incidents": np.bincount(incident_keys[:, 0], minlength=n).astype(float),
    }


def frame_from_rows(
    characteristic: Characteristic,
    start: dt.date,
    end: dt.date,
    stays: StayRows,
    pairs: PairRows,
) -> Frame:
    counted = count_pairs(pairs, characteristic.field)
    return build_frame(
        characteristic,
        start,
        end,
        stay_patient=stays.patient,
        stay_ward=stays.ward,
        admitted=stays.admitted,
        discharged=stays.discharged,
        stay_value=stays.values[characteristic.field],
        event_patient=counted["patient"],
        event_ward=counted["ward"],
        event_month=counted["month"],
        event_value=counted["value"],
        event_interventions=counted["interventions"],
        event_incidents=counted["incidents"],
    )


def load_frame(
    ward_ids: Sequence[int], start: dt.date, end: dt.date, characteristic: Characteristic
) -> Frame:
    """The :class:`~mhsip.equity.compute.Frame` of ``ward_ids`` for ``start..end``."""
    fields = (characteristic.field,)
    return frame_from_rows(
        characteristic,
        start,
        end,
        stay_rows(ward_ids, start, end, fields),
        pair_rows(ward_ids, start, end, fields),
    )
