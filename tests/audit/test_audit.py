"""Every create, update and delete of domain data leaves an audit row naming the actor."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.core.management import call_command

from mhsip.audit.actor import NoActorError, System, acting_as
from mhsip.audit.models import Action, AuditedModel, AuditLog
from mhsip.equity.models import PopulationEstimate, TrustCatchment
from mhsip.imports.models import ApiToken, ImportJob
from mhsip.improvement.models import (
    ChangeIdea,
    Contribution,
    DriverDiagram,
    DriverNode,
    PdsaCycle,
    PdsaMeasure,
    Project,
    SessionAttendance,
)
from mhsip.measures.models import Annotation, FixedBaseline, Measure, Rebase
from mhsip.network.models import (
    ConsentRecord,
    ContactRequest,
    Feedback,
    Involvement,
    Material,
    Meeting,
    NetworkMember,
    Registration,
)
from mhsip.organisations.models import Site, Trust, Ward, WardType
from mhsip.recording.models import (
    Intervention,
    Patient,
    PatientIdentity,
    StaffIdentity,
    StaffInvolved,
    Stay,
    UseOfForceIncident,
)
from mhsip.reports.models import GeneratedReport
from mhsip.returns.models import WeeklyReturn
from mhsip.safety.models import AwolIncident, InpatientDeath, SexualSafetyIncident

pytestmark = pytest.mark.django_db

# Models that are not domain data written one row at a time, and why.
NOT_AUDITED_ROW_BY_ROW = {
    "audit.auditlog": "the audit log itself",
    "recording.wardcensus": "derived from stays in bulk; one audit summary row per rebuild",
}


def mhsip_models():
    return [m for m in apps.get_models() if m.__module__.startswith("mhsip.")]


def test_every_domain_model_is_audited_or_says_why_not():
    for model in mhsip_models():
        label = model._meta.label_lower
        assert issubclass(model, AuditedModel) or label in NOT_AUDITED_ROW_BY_ROW, label


def test_a_write_with_no_actor_is_refused_and_nothing_is_stored(db):
    with pytest.raises(NoActorError):
        Trust(ods_code="ABC", name="Nobody's Trust").save()
    assert not Trust.objects.exists()
    assert not AuditLog.objects.filter(object_type="organisations.trust").exists()


def test_create_update_and_delete_each_leave_a_row_with_the_changes(db):
    actor = System("test:audit")
    with acting_as(actor):
        trust = Trust.objects.create(ods_code="ABC", name="Audit Trust")
        trust.name = "Audit Trust Renamed"
        trust.save()
        trust.save()  # no change: no row
        trust_id = trust.pk
        trust.delete()
    rows = list(AuditLog.objects.filter(object_type="organisations.trust").order_by("id"))
    assert [r.action for r in rows] == [Action.CREATE, Action.UPDATE, Action.DELETE]
    assert all(r.actor_label == "system:test:audit" and r.object_id == str(trust_id) for r in rows)
    assert rows[0].changes["ods_code"] == [None, "ABC"]
    assert rows[1].changes == {"name": ["Audit Trust", "Audit Trust Renamed"]}
    assert rows[2].changes["name"] == ["Audit Trust Renamed", None]


def test_every_audited_model_writes_rows_for_create_update_and_delete(world, system):
    """One instance of each audited model, created, changed and deleted."""
    patient = Patient.objects.create(trust=world.trust, key="a" * 64, ethnicity="A")
    stay = Stay.objects.create(patient=patient, ward=world.ward, admitted_on=dt.date(2025, 1, 1))
    site = Site.objects.create(trust=world.trust, code="S9", name="Spare site")
    ward = Ward.objects.create(
        site=site,
        code="SPARE",
        name="Spare",
        beds=5,
        ward_type=WardType.REHABILITATION,
        active_from=dt.date(2025, 1, 1),
    )
    session = world.collaborative.learning_sessions.create(
        number=1, date=dt.date(2025, 2, 1), title="Launch"
    )
    when = dt.datetime(2025, 1, 2, 10, 0, tzinfo=dt.UTC)
    incident = UseOfForceIncident.objects.create(
        ward=world.ward, patient=patient, started_at=when, place="communal", reason="10"
    )
    intervention = Intervention.objects.create(incident=incident, type_code="07", started_at=when)
    staff = StaffInvolved.objects.create(incident=incident, job_title="Staff nurse")
    identity = PatientIdentity.objects.create(
        patient=patient, name_encrypted=b"x", nhs_number_encrypted=b"y"
    )
    staff_identity = StaffIdentity.objects.create(staff=staff, name_encrypted=b"z")
    sexual = SexualSafetyIncident.objects.create(
        ward=world.ward,
        occurred_at=when,
        category="verbal",
        affected_role="staff",
        perpetrator_role="patient",
        harm="low",
    )
    awol = AwolIncident.objects.create(
        ward=world.ward, patient=patient, kind="absconded", left_at=when, outcome="returned_safe"
    )
    death = InpatientDeath.objects.create(
        ward=world.ward, patient=patient, died_on=dt.date(2025, 1, 3), status="on_ward"
    )
    weekly = WeeklyReturn.objects.create(ward=world.ward, week_start=dt.date(2024, 12, 30))
    job = ImportJob.objects.create(kind="incidents", ward=world.ward)
    token = ApiToken.objects.create(
        user=world.users["ward_staff"], name="Datix feed", prefix="abc", token_hash="f" * 64
    )
    measure = Measure.objects.create(
        slug="test-measure",
        name="Test",
        description="d",
        source="incidents",
        denominator="bed_days",
    )
    annotation = Annotation.objects.create(
        ward=world.ward, date=dt.date(2025, 1, 6), label="Safewards", kind="change"
    )
    rebase = Rebase.objects.create(
        ward=world.ward, measure=measure, starts_on=dt.date(2025, 2, 3), reason="r"
    )
    fixed = FixedBaseline.objects.create(ward=world.ward, measure=measure, points=20)
    member = NetworkMember.objects.create(name="Robin Example", category="carer")
    consent = ConsentRecord.objects.create(
        member=member, listed=True, contact=False, given_on=dt.date(2025, 1, 6), method="paper"
    )
    meeting = Meeting.objects.create(
        title="Network meeting", starts_at=when, ends_at=when + dt.timedelta(hours=5), capacity=5
    )
    registration = Registration.objects.create(meeting=meeting, member=member, status="registered")
    feedback = Feedback.objects.create(registration=registration, rating=4)
    material = Material.objects.create(
        meeting=meeting, title="Slides", kind="slides", file="network/x.pdf",
        original_name="x.pdf", size=1, content_type="application/pdf",
    )  # fmt: skip
    involvement = Involvement.objects.create(
        member=member, meeting=meeting, date=dt.date(2025, 1, 2), role="speaker"
    )
    contact = ContactRequest.objects.create(
        name="Sam Sample", email="sam@example.org", topic="join", message="Hello"
    )
    idea = ChangeIdea.objects.create(slug="test-idea", name="Test idea", purpose="p", source="ward")
    contribution = Contribution.objects.create(idea=idea, kind="comment", text="t", author_name="A")
    project = Project.objects.create(ward=world.ward, title="QI project")
    diagram = DriverDiagram.objects.create(project=project)
    node = DriverNode.objects.create(diagram=diagram, level="primary", text="Culture")
    cycle = PdsaCycle.objects.create(
        ward=world.ward, change_idea=idea, number=1, owner="O", start_date=dt.date(2025, 1, 6),
        objective="o", questions="q", prediction="p", who_where_when="w", data_to_collect="d",
    )  # fmt: skip
    pdsa_measure = PdsaMeasure.objects.create(cycle=cycle, measure=measure)
    attendance = SessionAttendance.objects.create(session=session, ward=world.ward)
    improvement = [idea, contribution, project, diagram, node, cycle, pdsa_measure, attendance]
    report = GeneratedReport.objects.create(kind="annual", title="Annual report")
    population = PopulationEstimate.objects.create(
        area_code="Q00", area_name="Test ICB", year=2021, characteristic="sex", group="male",
        population=100, source="test",
    )  # fmt: skip
    catchment = TrustCatchment.objects.create(trust_ods_code="ZZZ", area_code="Q00")
    instances = [
        job,
        token,
        patient,
        stay,
        site,
        ward,
        session,
        world.collaborative,
        world.trust,
        world.users["analyst"],
        incident,
        intervention,
        staff,
        identity,
        staff_identity,
        sexual,
        awol,
        death,
        weekly,
        measure,
        annotation,
        rebase,
        fixed,
        member,
        consent,
        meeting,
        registration,
        feedback,
        material,
        involvement,
        contact,
        *improvement,
        report,
        population,
        catchment,
    ]
    covered = {type(i)._meta.label_lower for i in instances}
    audited = {m._meta.label_lower for m in mhsip_models() if issubclass(m, AuditedModel)}
    assert audited <= covered, audited - covered
    for obj in instances:
        label = obj._meta.label_lower
        assert AuditLog.objects.filter(
            object_type=label, object_id=str(obj.pk), action=Action.CREATE
        ).exists(), label
    stay.discharged_on = dt.date(2025, 1, 9)
    stay.save()
    assert AuditLog.objects.get(object_type="recording.stay", action=Action.UPDATE).changes == {
        "discharged_on": [None, "2025-01-09"]
    }
    for obj in [
        *reversed(improvement),
        report,
        population,
        catchment,
        stay,
        session,
        ward,
        site,
        intervention,
        staff_identity,
        identity,
        sexual,
        awol,
        death,
        weekly,
        annotation,
        rebase,
        fixed,
        feedback,
        material,
        involvement,
        consent,
        registration,
        contact,
        meeting,
        member,
    ]:
        pk, label = obj.pk, obj._meta.label_lower
        obj.delete()
        assert AuditLog.objects.filter(
            object_type=label, object_id=str(pk), action=Action.DELETE
        ).exists(), label


def test_passwords_never_enter_the_audit_log(world, system):
    user = world.users["analyst"]
    user.set_password("another-long-password-1")
    user.save()
    row = AuditLog.objects.filter(object_type="accounts.user", action=Action.UPDATE).last()
    assert row.changes["password"] == ["(redacted)", "(redacted)"]
    assert "another" not in str(AuditLog.objects.values_list("changes", flat=True)[::1])


def test_web_writes_name_the_signed_in_user(world):
    client = world.client_for("collaborative_admin")
    client.post("/sign-out/")
    row = AuditLog.objects.filter(action=Action.SIGN_OUT).get()
    assert row.actor == world.users["collaborative_admin"]


def test_cli_writes_name_the_command(world):
    call_command(
        "createuser", "newlead", role="trust_lead", trust="RV5", password="a-very-long-password-42"
    )
    row = AuditLog.objects.get(
        object_type="accounts.user", object_repr="newlead", action=Action.CREATE
    )
    assert row.actor_label == "system:cli:createuser"


def test_admins_can_browse_and_filter_the_audit_log(world):
    client = world.client_for("collaborative_admin")
    response = client.get("/administration/audit/", {"object_type": "organisations.ward"})
    assert response.status_code == 200
    assert b"Aspen Ward" in response.content
    assert b"Alpha NHS Foundation Trust</td>" not in response.content
