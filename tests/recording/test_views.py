"""The use-of-force pages through the test client: list, form (new, add another, errors,
corrections), record, and what each page shows."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.urls import reverse

from mhsip.audit.models import Action, AuditLog
from mhsip.recording import services
from mhsip.recording.models import UseOfForceIncident
from tests.recording.factories import at, make_incident

pytestmark = pytest.mark.django_db

NEW = reverse("recording:use-of-force-new", kwargs={"code": "ALPHA-1"})
LIST = reverse("recording:use-of-force-list", kwargs={"code": "ALPHA-1"})


def form_post(action="submit", **overrides):
    """What a browser sends for a complete record typed into the form."""
    data = {
        "action": action,
        "interventions-count": "2",
        "staff-count": "2",
        "patient_identifier": "RX1234567",
        "patient-learning_disability": "no",
        "patient-autism": "not_known",
        "patient-ethnicity": "N",
        "started_at-day": "14",
        "started_at-month": "3",
        "started_at-year": "2025",
        "started_at-time": "14:35",
        "ended_at-time": "16:00",
        "place": "bedroom",
        "reason": "11",
        "interventions-0-type_code": "09",
        "interventions-0-started_at-time": "14:35",
        "interventions-0-ended_at-time": "1445",
        "interventions-0-in_care_plan": "no",
        "interventions-0-injury_patient": "no",
        "interventions-0-injury_staff": "no",
        "interventions-0-injury_other": "no",
        "interventions-1-type_code": "14",
        "interventions-1-started_at-time": "14.45",
        "interventions-1-ended_at-time": "14:50",
        "interventions-1-in_care_plan": "yes",
        "interventions-1-injury_patient": "not_known",
        "interventions-1-injury_staff": "no",
        "interventions-1-injury_other": "no",
        "how_force_used": "Supine hold, then an injection.",
        "de_escalation": ["verbal", "oral_prn"],
        "staff-0-job_title": "Staff nurse",
        "staff-0-role": "lead",
        "non_staff_involvement": "none",
        "outcome": "Settled after 20 minutes.",
        "death_or_serious_injury": "no",
        "care_plan_notification": "not_applicable",
        "review_with_patient_held": "no",
        "review_with_patient_not_held_reason": "declined",
        "review_with_staff_held": "yes",
        "review_with_staff_on-day": "15",
        "review_with_staff_on-month": "3",
        "review_with_staff_on-year": "2025",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def error_summary(response):
    html = response.content.decode()
    match = re.search(r'class="nhsuk-error-summary".*?</ul>', html, re.S)
    assert match, "no error summary on the page"
    links = re.findall(r'<a href="#([^"]+)"\s*>\s*(.*?)\s*</a>', match.group(0), re.S)
    return [(target, unescape(text)) for target, text in links]


def test_a_complete_form_creates_the_record_and_shows_it(world):
    client = world.client_for("ward_staff")
    response = client.post(NEW, form_post())
    incident = UseOfForceIncident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "recording:use-of-force-detail", kwargs={"code": "ALPHA-1", "pk": incident.pk}
    )
    assert incident.status == "submitted"
    assert incident.ended_at == at(14, 16, 0)  # a blank end date means the same day
    ivs = list(incident.interventions.order_by("started_at"))
    assert [(iv.type_code, iv.started_at, iv.ended_at) for iv in ivs] == [
        ("09", at(14, 14, 35), at(14, 14, 45)),
        ("14", at(14, 14, 45), at(14, 14, 50)),
    ]
    assert incident.staff.count() == 1  # the blank second row is ignored
    page = client.get(response["Location"]).content.decode()
    assert "Use of force record submitted." in page
    assert "Supine hold, then an injection." in page and "RX1234567" not in page
    assert AuditLog.objects.filter(
        action=Action.CREATE,
        object_type="recording.useofforceincident",
        actor=world.users["ward_staff"],
    ).exists()


def test_the_form_starts_with_two_intervention_rows_and_two_staff_rows(world):
    html = world.client_for("ward_staff").get(NEW).content.decode()
    assert 'id="interventions-1-type_code"' in html and 'id="interventions-2-type_code"' not in html
    assert 'id="staff-1-job_title"' in html and 'id="staff-2-job_title"' not in html
    assert "<legend" in html and "Types of force used" in html


def test_add_another_intervention_keeps_everything_typed_and_adds_a_row(world):
    client = world.client_for("ward_staff")
    response = client.post(NEW, form_post(action="add_intervention"))
    html = response.content.decode()
    assert response.status_code == 200 and not UseOfForceIncident.objects.exists()
    assert 'id="interventions-2-type_code"' in html
    assert 'name="interventions-count" value="3"' in html
    assert 'value="RX1234567"' in html and "Supine hold, then an injection." in html
    assert 'formaction="/wards/ALPHA-1/use-of-force/new/#intervention-4"' in html
    assert "There is a problem" not in html  # adding a row is not a failed submission


def test_add_another_member_of_staff_adds_a_row(world):
    html = world.client_for("ward_staff").post(NEW, form_post(action="add_staff")).content.decode()
    assert 'id="staff-2-job_title"' in html and 'value="Staff nurse"' in html


def test_filled_rows_move_up_so_messages_match_the_rows_on_the_page(world):
    post = form_post(
        action="add_intervention",
        **{
            "interventions-count": "3",
            "interventions-0-type_code": "",
            "interventions-0-started_at-time": "",
            "interventions-0-ended_at-time": "",
            "interventions-2-type_code": "05",
            "interventions-2-started_at-time": "14:50",
        },
    )
    html = world.client_for("ward_staff").post(NEW, post).content.decode()
    first = re.search(r'<select[^>]*id="interventions-0-type_code".*?</select>', html, re.S).group(
        0
    )
    assert 'value="14" selected' in first


def test_an_empty_submission_lists_every_error_with_links_to_the_fields(world):
    client = world.client_for("ward_staff")
    response = client.post(
        NEW, {"action": "submit", "interventions-count": "2", "staff-count": "2"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and not UseOfForceIncident.objects.exists()
    assert re.search(r"<title>Error: Record use of force", html)
    links = error_summary(response)
    assert len(links) == 17
    ids = set(re.findall(r'id="([^"]+)"', html))
    assert [target for target, _ in links if target not in ids] == []
    assert ("started_at-day", "Enter the date and time the incident started") in links
    assert ("interventions-0-type_code", "Add at least one type of force that was used") in links
    assert 'id="interventions-error"' in html and 'id="staff-error"' in html


def test_a_draft_needs_only_the_patient_and_the_start(world):
    client = world.client_for("ward_staff")
    response = client.post(
        NEW,
        {
            "action": "save_draft",
            "interventions-count": "2",
            "staff-count": "2",
            "patient_identifier": "H1",
            "started_at-day": "14",
            "started_at-month": "3",
            "started_at-year": "2025",
            "started_at-time": "03:10",
        },
    )
    assert response.status_code == 302
    incident = UseOfForceIncident.objects.get()
    assert incident.status == "draft" and incident.started_at == at(14, 3, 10)
    assert "Draft saved" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        (
            {"started_at-time": "25:10"},
            (
                "started_at-time",
                "Enter the time the incident started in 24-hour format, like 14:35",
            ),
        ),
        (
            {"started_at-time": ""},
            ("started_at-time", "Enter the time the incident started, like 14:35"),
        ),
        (
            {"started_at-day": "31", "started_at-month": "2"},
            ("started_at-day", "The date the incident started must be a real date"),
        ),
        (
            {"started_at-month": ""},
            ("started_at-month", "The date the incident started must include a month"),
        ),
        (
            {"interventions-1-ended_at-time": "14:40"},
            (
                "interventions-1-ended_at-time",
                "Intervention 2 must end after it started. If it ended the next day, "
                "enter the end date",
            ),
        ),
        (
            {"patient-birth_year": "87"},
            ("patient-birth_year", "Year of birth must be between 1900 and "),
        ),
    ],
)
def test_what_cannot_be_read_is_explained_beside_the_field(world, overrides, expected):
    response = world.client_for("ward_staff").post(NEW, form_post(**overrides))
    links = error_summary(response)
    target, text = expected
    assert any(t == target and m.startswith(text) for t, m in links), links
    assert not UseOfForceIncident.objects.exists()


def test_negligible_force_without_a_justification_is_refused_on_the_form(world):
    response = world.client_for("ward_staff").post(NEW, form_post(negligible_force="yes"))
    assert ("negligible_justification", "Explain why the force was negligible") in error_summary(
        response
    )


def test_correcting_a_submitted_record_asks_for_a_reason_and_audits_it(world, system):
    incident = make_incident(world)
    url = reverse("recording:use-of-force-edit", kwargs={"code": "ALPHA-1", "pk": incident.pk})
    client = world.client_for("ward_qi_lead")
    html = client.get(url).content.decode()
    assert 'name="correction_reason"' in html and "Save correction" in html
    assert "Save as draft" not in html
    assert 'value="Staff nurse"' in html and 'value="16:00"' in html
    post = {
        k: v
        for tag, k, v in re.findall(r'(<input[^>]*name="([^"]+)"[^>]*value="([^"]*)")', html)
        if k != "csrfmiddlewaretoken" and 'type="checkbox"' not in tag and 'type="radio"' not in tag
    }
    post.update(
        {
            "action": "save_correction",
            "outcome": "Settled after an hour.",
            "how_force_used": "Held",
            "reason": "10",
            "place": "communal",
            "death_or_serious_injury": "no",
            "non_staff_involvement": "none",
            "care_plan_notification": "yes",
            "review_with_patient_held": "yes",
            "review_with_staff_held": "no",
            "review_with_staff_not_held_reason": "Staff off shift",
            "patient-learning_disability": "no",
            "patient-autism": "not_known",
            "de_escalation": ["verbal"],
            "staff-0-role": "lead",
            "staff-1-role": "upper_limbs",
            "interventions-0-type_code": "01",
            "interventions-1-type_code": "05",
        }
    )
    for i, values in enumerate((("no", "no", "yes", "not_known"), ("yes", "no", "no", "no"))):
        for name, value in zip(
            ("in_care_plan", "injury_patient", "injury_staff", "injury_other"), values, strict=True
        ):
            post[f"interventions-{i}-{name}"] = value
    response = client.post(url, post)
    assert ("correction_reason", "Give a reason for this correction") in error_summary(response)
    post["correction_reason"] = "Outcome written up after the debrief"
    response = client.post(url, post)
    assert response.status_code == 302, error_summary(response)
    incident.refresh_from_db()
    assert incident.outcome == "Settled after an hour."
    entry = AuditLog.objects.get(action=Action.UPDATE, object_type="recording.useofforceincident")
    assert entry.reason == "Outcome written up after the debrief"
    assert entry.changes["outcome"][1] == "Settled after an hour."
    assert entry.actor == world.users["ward_qi_lead"]
    detail = client.get(response["Location"]).content.decode()
    assert "Correction saved." in detail and "Outcome written up after the debrief" in detail


def test_the_list_shows_the_wards_records_newest_first_and_filters_drafts(world, system):
    make_incident(world, local_reference="A")
    make_incident(
        world,
        local_reference="B",
        started_at=at(20, 8, 0),
        ended_at=at(20, 9, 0),
        review_with_patient_on=None,
        review_with_patient_held="not_known",
        interventions=[],
        status="draft",
    )
    html = world.client_for("ward_staff").get(LIST).content.decode()
    assert html.index("20 March 2025, 08:00") < html.index("14 March 2025, 14:35")
    assert "1 hour 25 minutes" in html and "Physical restraint – prone" in html
    assert "Record use of force" in html
    drafts = world.client_for("ward_staff").get(LIST + "?status=draft").content.decode()
    assert "20 March 2025" in drafts and "14 March 2025" not in drafts
    assert "1 draft record" in drafts


def test_the_list_is_paginated(world, system):
    for day in range(1, 28):
        services.incident_create(
            actor_user_or_none=None,
            ward=world.ward,
            patient_identifier="H1",
            data={"started_at": at(day, 9, 0)},
        )
    client = world.client_for("ward_staff")
    first = client.get(LIST).content.decode()
    assert ">27 March 2025, 09:00<" in first and ">1 March 2025, 09:00<" not in first
    assert "Next" in first
    second = client.get(LIST + "?page=2").content.decode()
    assert ">1 March 2025, 09:00<" in second and ">27 March 2025, 09:00<" not in second


def test_read_only_roles_see_records_but_no_way_to_record_or_correct(world, system):
    incident = make_incident(world)
    for who in ("collaborative_admin", "analyst"):
        client = world.client_for(who)
        assert "Record use of force" not in client.get(LIST).content.decode()
        detail = client.get(
            reverse("recording:use-of-force-detail", kwargs={"code": "ALPHA-1", "pk": incident.pk})
        ).content.decode()
        assert "Correct this record" not in detail and "Supine" not in detail
        assert "Two staff held the patient" in detail


def test_the_record_page_shows_every_item_grouped_as_in_the_act(world, system):
    incident = make_incident(world)
    html = (
        world.client_for("ward_staff")
        .get(
            reverse("recording:use-of-force-detail", kwargs={"code": "ALPHA-1", "pk": incident.pk})
        )
        .content.decode()
    )
    headings = re.findall(r"<h2[^>]*>\s*(.*?)\s*</h2>", html)
    for heading in (
        "The patient",
        "When and where",
        "Reason",
        "Types of force used",
        "How force was used",
        "Efforts to avoid force",
        "Staff who used force",
        "People other than staff",
        "Outcome",
        "Care plan notification",
        "Post-incident reviews",
        "Negligible force",
        "About this record",
        "History",
    ):
        assert heading in headings, heading
    for text in (
        "Prevent violence to others",
        "Seclusion (05)",
        "1 hour 25 minutes",
        "Verbal de-escalation (talk down)",
        "Healthcare assistant",
        "Black or Black British: Caribbean",
        "F20 paranoid schizophrenia",
        "15 March 2025",
        "Kept until at least",
    ):
        assert text in unescape(html), text
    assert "Not answered" not in html  # a complete record answers everything


def test_there_is_no_way_to_delete_a_record(world, system):
    from django.urls import get_resolver

    names = [
        f"{group.namespace}:{p.name}"
        for group in get_resolver().url_patterns
        if getattr(group, "namespace", None) in {"recording", "safety", "returns"}
        for p in group.url_patterns
        if getattr(p, "name", None)
    ]
    assert names and not [n for n in names if "delete" in n]
    incident = make_incident(world)
    url = reverse("recording:use-of-force-detail", kwargs={"code": "ALPHA-1", "pk": incident.pk})
    world.client_for("ward_staff").post(url)
    assert UseOfForceIncident.objects.filter(pk=incident.pk).exists()


def test_the_ward_page_links_to_its_use_of_force_records(world):
    html = (
        world.client_for("ward_staff")
        .get(reverse("organisations:ward-detail", kwargs={"code": "ALPHA-1"}))
        .content.decode()
    )
    assert f'href="{LIST}"' in html
