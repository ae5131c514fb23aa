"""Load steps writing the generated events (:data:`mhsip.demo.load.DEMO_STEPS`).

Each step turns the pure records of :attr:`DemoData.events <mhsip.demo.generate.DemoData>`
(:mod:`mhsip.demo.events`, :mod:`~mhsip.demo.safety_events`, :mod:`~mhsip.demo.returns`) into
rows with :meth:`DemoContext.bulk_create`, which writes one audit summary row per batch (ADR
0004): use-of-force incidents with their interventions and staff, sexual-safety and AWOL
incidents, in-patient deaths, and the weekly returns. Every record is submitted (the demo's
wards are up to date) except the weekly returns left as drafts on purpose.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Model, Q, QuerySet

from mhsip.organisations.models import Ward
from mhsip.recording.codes import RecordStatus
from mhsip.recording.models import (
    Intervention,
    Patient,
    StaffIdentity,
    StaffInvolved,
    UseOfForceIncident,
)
from mhsip.returns.models import BedDaySource, WeeklyReturn
from mhsip.safety.models import AwolIncident, InpatientDeath, SexualSafetyIncident

if TYPE_CHECKING:
    from mhsip.demo.events import DemoEvents
    from mhsip.demo.load import DemoContext


def _events(ctx: DemoContext) -> DemoEvents:
    if ctx.data.events is None:
        raise ValueError("the demo data has no events: generate it with generate_demo")
    return ctx.data.events


def load_restrictive_interventions(ctx: DemoContext) -> None:
    """Use-of-force incidents with every Use of Force Act s.6(5) item, their interventions
    (MHSDS MHS515) and the staff involved (brief: "Restrictive interventions")."""
    records = _events(ctx).incidents
    incidents = ctx.bulk_create(
        UseOfForceIncident,
        (
            UseOfForceIncident(
                ward=ctx.wards[r.ward_code],
                patient=ctx.patients[r.patient_local_id],
                local_reference=r.local_reference,
                status=RecordStatus.SUBMITTED,
                started_at=r.started_at,
                ended_at=r.ended_at,
                place=r.place,
                place_detail=r.place_detail,
                reason=r.reason,
                reason_detail=r.reason_detail,
                how_force_used=r.how_force_used,
                de_escalation=list(r.de_escalation),
                de_escalation_detail=r.de_escalation_detail,
                outcome=r.outcome,
                death_or_serious_injury=r.death_or_serious_injury,
                death_or_serious_injury_detail=r.death_or_serious_injury_detail,
                non_staff_involvement=r.non_staff_involvement,
                non_staff_reason=r.non_staff_reason,
                body_camera_reference=r.body_camera_reference,
                care_plan_notification=r.care_plan_notification,
                review_with_patient_held=r.review_with_patient_held,
                review_with_patient_on=r.review_with_patient_on,
                review_with_patient_not_held_reason=r.review_with_patient_not_held_reason,
                review_with_staff_held=r.review_with_staff_held,
                review_with_staff_on=r.review_with_staff_on,
                review_with_staff_not_held_reason=r.review_with_staff_not_held_reason,
                submitted_at=r.submitted_at,
            )
            for r in records
        ),
    )
    interventions = ctx.bulk_create(
        Intervention,
        (
            Intervention(
                incident=row,
                type_code=i.type_code,
                started_at=i.started_at,
                ended_at=i.ended_at,
                in_care_plan=i.in_care_plan,
                injury_patient=i.injury_patient,
                injury_staff=i.injury_staff,
                injury_other=i.injury_other,
            )
            for row, r in zip(incidents, records, strict=True)
            for i in r.interventions
        ),
    )
    staff = ctx.bulk_create(
        StaffInvolved,
        (
            StaffInvolved(incident=row, job_title=s.job_title, role=s.role)
            for row, r in zip(incidents, records, strict=True)
            for s in r.staff
        ),
    )
    ctx.counts.update(
        use_of_force_incidents=len(incidents),
        restrictive_interventions=len(interventions),
        staff_involved=len(staff),
    )


def load_safety_events(ctx: DemoContext) -> None:
    """Sexual-safety and AWOL incidents and in-patient deaths (brief: "Other safety events")."""
    events = _events(ctx)
    patient = ctx.patients
    sexual = ctx.bulk_create(
        SexualSafetyIncident,
        (
            SexualSafetyIncident(
                ward=ctx.wards[r.ward_code],
                local_reference=r.local_reference,
                status=RecordStatus.SUBMITTED,
                occurred_at=r.occurred_at,
                category=r.category,
                affected_role=r.affected_role,
                affected_patient=patient[r.affected_patient_local_id]
                if r.affected_patient_local_id
                else None,
                perpetrator_role=r.perpetrator_role,
                perpetrator_patient=patient[r.perpetrator_patient_local_id]
                if r.perpetrator_patient_local_id
                else None,
                harm=r.harm,
                description=r.description,
                police_informed=r.police_informed,
                safeguarding_referral=r.safeguarding_referral,
            )
            for r in events.sexual_safety
        ),
    )
    awol = ctx.bulk_create(
        AwolIncident,
        (
            AwolIncident(
                ward=ctx.wards[r.ward_code],
                patient=patient[r.patient_local_id],
                local_reference=r.local_reference,
                status=RecordStatus.SUBMITTED,
                kind=r.kind,
                left_at=r.left_at,
                returned_at=r.returned_at,
                legal_status=r.legal_status,
                outcome=r.outcome,
                police_informed=r.police_informed,
                description=r.description,
            )
            for r in events.awol
        ),
    )
    deaths = ctx.bulk_create(
        InpatientDeath,
        (
            InpatientDeath(
                ward=ctx.wards[r.ward_code],
                patient=patient[r.patient_local_id],
                died_on=r.died_on,
                status=r.status,
                suspected_suicide=True,
                legal_status=r.legal_status,
                observation_level=r.observation_level,
                admitted_on=r.admitted_on,
                notes=r.notes,
            )
            for r in events.deaths
        ),
    )
    ctx.counts.update(
        sexual_safety_incidents=len(sexual), awol_incidents=len(awol), inpatient_deaths=len(deaths)
    )


def load_weekly_returns(ctx: DemoContext) -> None:
    """Weekly returns with census bed days; missing weeks absent or drafts with empty bed
    days, never zero (brief: "About 2% of weekly returns are missing")."""
    records = _events(ctx).weekly_returns
    rows = ctx.bulk_create(
        WeeklyReturn,
        (
            WeeklyReturn(
                ward=ctx.wards[r.ward_code],
                week_start=r.week_start,
                status=r.status,
                occupied_bed_days=r.occupied_bed_days,
                bed_day_source=BedDaySource.CENSUS,
                admissions=r.admissions,
                incident_level=True,
                submitted_at=r.submitted_at,
            )
            for r in records
        ),
    )
    ctx.counts.update(
        weekly_returns=len(rows),
        missing_weekly_returns=len(ctx.data.truth.get("weekly_returns_missing", [])),
    )


#: The event steps, in the order :mod:`mhsip.demo.load` runs them after the core steps.
EVENT_STEPS = (load_restrictive_interventions, load_safety_events, load_weekly_returns)
#: Models holding demo events, deleted before the core demo rows.
EVENT_MODELS = (
    UseOfForceIncident,
    SexualSafetyIncident,
    AwolIncident,
    InpatientDeath,
    WeeklyReturn,
)


def event_rows(wards: QuerySet[Ward], patients: QuerySet[Patient]) -> list[QuerySet[Any]]:
    """The demo's event rows in deletion order: rows on a demo ward or naming a demo patient
    in any foreign key, each incident's staff identities, staff and interventions before the
    incident itself (leaf first, so each delete is a plain one and each model's count is
    audited on its own)."""

    def of(model: type[Model]) -> QuerySet[Any]:
        match = Q(ward__in=wards)
        for f in model._meta.concrete_fields:
            if f.is_relation and f.related_model is Patient:
                match |= Q(**{f"{f.name}__in": patients})
        return model._default_manager.filter(match)

    incidents = of(UseOfForceIncident)
    return [
        StaffIdentity.objects.filter(staff__incident__in=incidents),
        StaffInvolved.objects.filter(incident__in=incidents),
        Intervention.objects.filter(incident__in=incidents),
        *(of(model) for model in EVENT_MODELS),
    ]
