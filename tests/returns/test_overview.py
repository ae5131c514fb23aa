"""The overview's completeness check over real records: interventions recorded on incidents,
aggregate counts on returns, and bed days from returns or the midnight census."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from mhsip.organisations.models import Site, Ward, WardType
from mhsip.recording.codes import InterventionReason, Place, RecordStatus
from mhsip.recording.models import Intervention, Patient, UseOfForceIncident, WardCensus
from mhsip.returns.models import WeeklyReturn
from mhsip.returns.schedule import completed_weeks
from mhsip.returns.services import completeness_for_wards, returns_overview, ward_periods

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 3, 20)
WEEKS = completed_weeks(TODAY, 4)  # 10 March back to 17 February


def peers(world, n=3):
    site = Site.objects.get(code="S1")
    return [
        Ward.objects.create(
            site=site,
            code=f"PEER-{i}",
            name=f"Peer {i}",
            beds=20,
            ward_type=WardType.ACUTE_MALE,
            active_from=dt.date(2024, 1, 1),
        )
        for i in range(n)
    ]


def aggregate_returns(ward, restraints_per_week, bed_days=140):
    for week in WEEKS:
        WeeklyReturn.objects.create(
            ward=ward,
            week_start=week,
            status=RecordStatus.SUBMITTED,
            occupied_bed_days=bed_days,
            incident_level=False,
            restraint_count=restraints_per_week,
            prone_restraint_count=0,
            rapid_tranquillisation_count=0,
            seclusion_count=0,
            segregation_count=0,
            mechanical_restraint_count=0,
        )


def incident_level_returns(ward, bed_days=140):
    for week in WEEKS:
        WeeklyReturn.objects.create(
            ward=ward,
            week_start=week,
            status=RecordStatus.SUBMITTED,
            occupied_bed_days=bed_days,
            incident_level=True,
        )


def record_interventions(ward, when, n):
    patient, _ = Patient.objects.get_or_create(trust=ward.site.trust, key="a" * 64)
    start = dt.datetime.combine(when, dt.time(14), tzinfo=timezone.get_current_timezone())
    incident = UseOfForceIncident.objects.create(
        ward=ward,
        patient=patient,
        started_at=start,
        place=Place.COMMUNAL,
        reason=InterventionReason.VIOLENCE_TO_OTHERS,
    )
    for _ in range(n):
        Intervention.objects.create(incident=incident, type_code="07", started_at=start)


def test_a_ward_recording_no_interventions_is_flagged_with_a_plain_reason(world):
    for peer in peers(world):
        aggregate_returns(peer, restraints_per_week=4)  # 16 in 560 bed days: 28.6 per 1,000
    incident_level_returns(world.ward)
    result = completeness_for_wards([world.ward], today=TODAY)[world.ward.pk]
    assert result.flagged
    assert result.reason.startswith(
        "0 recorded in 4 weeks with 560 occupied bed days; peers' median rate would predict 16."
    )


def test_interventions_on_incidents_count_and_lift_the_flag(world):
    for peer in peers(world):
        aggregate_returns(peer, restraints_per_week=4)
    incident_level_returns(world.ward)
    for week in WEEKS:
        record_interventions(world.ward, week + dt.timedelta(days=2), 3)
    record_interventions(world.ward, WEEKS[0] + dt.timedelta(days=8), 5)  # after the period
    period = ward_periods([world.ward], WEEKS)[world.ward.pk]
    assert (period.recorded, period.bed_days, period.weeks) == (12, 560, 4)
    assert not completeness_for_wards([world.ward], today=TODAY)[world.ward.pk].flagged


def test_bed_days_come_from_a_complete_census_when_no_return_gives_them(world):
    WardCensus.objects.bulk_create(
        WardCensus(ward=world.ward, date=WEEKS[-1] + dt.timedelta(days=i), occupied=15)
        for i in range(7)
    )
    WardCensus.objects.bulk_create(  # an incomplete week is not used
        WardCensus(ward=world.ward, date=WEEKS[0] + dt.timedelta(days=i), occupied=15)
        for i in range(5)
    )
    period = ward_periods([world.ward], WEEKS)[world.ward.pk]
    assert (period.weeks, period.bed_days, period.recorded) == (1, 105, 0)


def test_a_week_whose_aggregate_counts_are_missing_is_left_out_not_read_as_zero(world):
    WeeklyReturn.objects.create(
        ward=world.ward,
        week_start=WEEKS[0],
        status=RecordStatus.SUBMITTED,
        occupied_bed_days=140,
        incident_level=False,
        restraint_count=None,
        figures_unavailable=True,
        unavailable_note="Datix down",
    )
    assert world.ward.pk not in ward_periods([world.ward], WEEKS)


def test_drafts_do_not_count_as_returns(world):
    WeeklyReturn.objects.create(ward=world.ward, week_start=WEEKS[0], occupied_bed_days=140)
    assert world.ward.pk not in ward_periods([world.ward], WEEKS)


def test_the_overview_rows_count_late_and_missing_weeks(world):
    rows = returns_overview(Ward.objects.filter(pk=world.ward.pk), today=TODAY)
    (row,) = rows
    statuses = [c.status.code for c in row.cells]
    # On 20 March the week of 17 February (due 26 February) is still late; the week of 10
    # February (due 19 February) went missing that day, 29 days after its due date.
    assert statuses == ["late"] * 4 + ["missing"] * 4
    assert (row.late, row.missing) == (4, 4)


def test_a_trust_lead_sees_the_flagged_ward_and_why(world):
    for peer in peers(world):
        aggregate_returns(peer, restraints_per_week=4)
    today = timezone.localdate()
    weeks = completed_weeks(today, 4)
    for peer in Ward.objects.filter(code__startswith="PEER"):
        for week in weeks:
            WeeklyReturn.objects.update_or_create(
                ward=peer,
                week_start=week,
                defaults={
                    "status": RecordStatus.SUBMITTED,
                    "occupied_bed_days": 140,
                    "incident_level": False,
                    "restraint_count": 4,
                    "prone_restraint_count": 0,
                    "rapid_tranquillisation_count": 0,
                    "seclusion_count": 0,
                    "segregation_count": 0,
                    "mechanical_restraint_count": 0,
                },
            )
    for week in weeks:
        WeeklyReturn.objects.create(
            ward=world.ward, week_start=week, status=RecordStatus.SUBMITTED, occupied_bed_days=140
        )
    page = world.client_for("trust_lead").get(reverse("returns:overview")).content.decode()
    assert "Possible under-reporting" in page
    assert "0 recorded in 4 weeks with 560 occupied bed days" in page
