"""The improvement forms through HTTP: error summaries and "Error:" titles, what each form
saves (audited as the signed-in user), and what the calendar and progress pages show."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from mhsip.audit.models import Action, AuditLog
from mhsip.improvement import services
from mhsip.improvement.models import (
    Contribution,
    DriverNode,
    NodeLevel,
    PdsaCycle,
    Project,
    SessionAttendance,
)
from mhsip.measures.models import Annotation
from tests.improvement import factories

pytestmark = pytest.mark.django_db


def title(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1).strip()


def summary_links(response) -> list[str]:
    html = response.content.decode()
    box = html[html.index("nhsuk-error-summary") :]
    return re.findall(r'<a href="(#[^"]+)"', box[: box.index("</ul>")])


PROJECT = {
    "title": "Calmer Aspen",
    "aim_direction": "reduce",
    "aim_what": "restrictive interventions",
    "aim_percent": "33",
    "aim_by-day": "30",
    "aim_by-month": "6",
    "aim_by-year": "2026",
    "aim_statement": "",
    "project_lead": "Ada Lead",
    "data_champion": "Bo Data",
}


def test_an_empty_project_form_names_every_missing_field_and_links_to_it(world, system):
    factories.measures()
    url = reverse("improvement:ward-project-edit", kwargs={"code": "ALPHA-1"})
    response = world.client_for("ward_qi_lead").post(url, {})
    assert response.status_code == 200
    assert title(response).startswith("Error: ")
    links = summary_links(response)
    assert links[:4] == ["#title", "#aim_direction", "#aim_what", "#aim_percent"]
    assert "#aim_by-day" in links
    assert "Enter the date you aim to achieve it by" in response.content.decode()
    assert not Project.objects.exists()


def test_a_ward_project_is_saved_with_its_aim_sentence_written_from_its_parts(world, system):
    m = factories.measures()
    data = {**PROJECT, "outcome_measure": str(m["restrictive-interventions"].pk)}
    url = reverse("improvement:ward-project-edit", kwargs={"code": "ALPHA-1"})
    response = world.client_for("ward_qi_lead").post(url, data)
    assert response.status_code == 302
    project = Project.objects.get()
    assert project.ward == world.ward and project.collaborative == world.collaborative
    assert project.aim_statement == (
        "Reduce restrictive interventions on Aspen Ward by 33% by 30 June 2026."
    )
    row = AuditLog.objects.get(object_type="improvement.project", action=Action.CREATE)
    assert row.actor == world.users["ward_qi_lead"]
    page = world.client_for("analyst").get(
        reverse("improvement:ward-project", kwargs={"code": "ALPHA-1"})
    )
    assert b"Reduce restrictive interventions on Aspen Ward by 33%" in page.content
    assert b"Bo Data" in page.content


def test_the_collaborative_admin_sets_up_the_collaborative_project(world, system):
    m = factories.measures()
    data = {**PROJECT, "aim_statement": "Reduce by a third together.",
            "outcome_measure": str(m["restrictive-interventions"].pk)}  # fmt: skip
    url = reverse("improvement:collaborative-project-edit", kwargs={"slug": "rrp"})
    assert world.client_for("collaborative_admin").post(url, data).status_code == 302
    project = Project.objects.get(ward__isnull=True)
    assert project.collaborative == world.collaborative
    assert project.aim_statement == "Reduce by a third together."


def test_a_ward_starts_its_diagram_by_copying_the_template(world, system):
    template = factories.diagram(factories.project(None, collaborative=world.collaborative))
    project = factories.project(world.ward)
    client = world.client_for("ward_staff")
    url = reverse("improvement:diagram-create", kwargs={"project_pk": project.pk})
    assert b"Copy the collaborative" in client.get(url).content
    response = client.post(url, {"start": "copy"})
    project.refresh_from_db()
    diagram = project.driver_diagram
    assert response["Location"] == reverse("improvement:diagram-edit", kwargs={"pk": diagram.pk})
    assert diagram.copied_from == template and diagram.nodes.count() == 3


def test_boxes_are_added_moved_renamed_and_removed_through_the_forms(world, system):
    d = factories.diagram(factories.project(world.ward))
    client = world.client_for("ward_qi_lead")
    url = reverse("improvement:diagram-edit", kwargs={"pk": d.pk})
    primary = d.nodes.get(level=NodeLevel.PRIMARY)
    assert (
        client.post(url, {"action": "add-primary", "primary-text": "Environment"}).status_code
        == 302
    )
    second = d.nodes.get(text="Environment")
    client.post(url, {"action": "move", "node": second.pk, "direction": "up"})
    assert [n.text for n in d.nodes.filter(parent=None).order_by("order")] == [
        "Environment",
        "Culture",
    ]
    client.post(
        url,
        {"action": "add-secondary", "secondary-parent": second.pk, "secondary-text": "Calm spaces"},
    )
    secondary = d.nodes.get(text="Calm spaces")
    idea = factories.idea("sensory-room")
    add_change = {"action": "add-change", "change-parent": secondary.pk, "change-text": ""}
    client.post(url, {**add_change, "change-change_idea": idea.pk})
    change = d.nodes.get(level=NodeLevel.CHANGE, parent=secondary)
    assert change.text == "Sensory room" and change.change_idea == idea
    edit = reverse("improvement:node-edit", kwargs={"pk": d.pk, "node_pk": primary.pk})
    client.post(edit, {"text": "Ward culture"})
    primary.refresh_from_db()
    assert primary.text == "Ward culture"
    remove = reverse("improvement:node-remove", kwargs={"pk": d.pk, "node_pk": second.pk})
    assert b"This also removes the 2 boxes beneath it" in client.get(remove).content
    client.post(remove)
    assert not DriverNode.objects.filter(pk__in=[second.pk, secondary.pk, change.pk]).exists()
    page = client.get(reverse("improvement:diagram", kwargs={"pk": d.pk})).content.decode()
    assert 'role="img"' in page and "Secondary driver:</span> Staff skills" in page


def test_an_invalid_box_shows_its_error_by_the_right_form(world, system):
    d = factories.diagram(factories.project(world.ward))
    url = reverse("improvement:diagram-edit", kwargs={"pk": d.pk})
    response = world.client_for("ward_qi_lead").post(
        url, {"action": "add-change", "change-parent": "", "change-text": ""}
    )
    assert title(response).startswith("Error: ")
    assert summary_links(response) == ["#change-parent", "#change-text"]
    html = response.content.decode()
    assert 'id="primary-text"' in html and 'id="secondary-text"' in html  # ids never clash


def pdsa_data(**extra):
    m = factories.measures()
    data = {
        "change_idea": str(factories.idea("soft-words").pk),
        "measures": [str(m["physical-restraint"].pk)],
        "owner": "Ada Lead",
        "start_date-day": "3",
        "start_date-month": "3",
        "start_date-year": "2025",
        "objective": "Use Soft Words",
        "questions": "Can every shift use it?",
        "prediction": "Fewer restraints",
        "who_where_when": "All staff from 3 March",
        "data_to_collect": "Weekly restraints",
    }
    data.update(extra)
    return data


def test_a_pdsa_cycle_made_with_the_form_is_marked_on_its_charts(world, system):
    client = world.client_for("ward_qi_lead")
    response = client.post(
        reverse("improvement:pdsa-create", kwargs={"code": "ALPHA-1"}), pdsa_data()
    )
    cycle = PdsaCycle.objects.get()
    assert response["Location"] == f"/wards/ALPHA-1/pdsa/{cycle.pk}/"
    note = Annotation.objects.get()
    assert note.label == "PDSA 1 start: Soft Words" and note.measure.slug == "physical-restraint"
    assert cycle.owner == "Ada Lead" and cycle.start_date == dt.date(2025, 3, 3)


def test_a_pdsa_form_with_problems_links_each_to_its_field(world, system):
    data = pdsa_data(**{"start_date-day": "31", "start_date-month": "2", "objective": ""})
    data["measures"] = []
    data.update(
        {"end_date-day": "1", "end_date-month": "1", "end_date-year": "2025", "decision": "adopt"}
    )
    response = world.client_for("ward_staff").post(
        reverse("improvement:pdsa-create", kwargs={"code": "ALPHA-1"}), data
    )
    assert title(response).startswith("Error: ")
    links = summary_links(response)
    assert "#measures" in links and "#start_date-day" in links and "#objective" in links
    assert "The start date must be a real date" in response.content.decode()
    assert not PdsaCycle.objects.exists()


def test_cross_field_rules_from_the_service_show_beside_their_fields(world, system):
    data = pdsa_data(**{"end_date-day": "1", "end_date-month": "3", "end_date-year": "2025"})
    response = world.client_for("ward_staff").post(
        reverse("improvement:pdsa-create", kwargs={"code": "ALPHA-1"}), data
    )
    assert summary_links(response) == ["#end_date-day"]
    assert "The end date must be the same as or after the start date" in response.content.decode()


def test_the_next_cycle_starts_from_the_previous_one(world, system):
    first = factories.cycle(world.ward, end_date=dt.date(2025, 4, 13), decision="adapt")
    url = reverse("improvement:pdsa-create", kwargs={"code": "ALPHA-1"}) + f"?previous={first.pk}"
    html = world.client_for("ward_qi_lead").get(url).content.decode()
    assert re.search(rf'<option value="{first.pk}" selected\s*>PDSA 1: Soft Words', html)
    data = pdsa_data(
        previous_cycle=str(first.pk), **{"start_date-month": "4", "start_date-day": "21"}
    )
    world.client_for("ward_qi_lead").post(url, data)
    second = PdsaCycle.objects.get(number=2)
    assert second.previous_cycle == first
    page = world.client_for("ward_staff").get(f"/wards/ALPHA-1/pdsa/{first.pk}/").content.decode()
    assert f'href="/wards/ALPHA-1/pdsa/{second.pk}/">PDSA 2</a>' in page


def test_editing_a_cycle_updates_its_marks(world, system):
    cycle = factories.cycle(world.ward)
    data = pdsa_data(**{"end_date-day": "13", "end_date-month": "4", "end_date-year": "2025",
                        "decision": "abandon"})  # fmt: skip
    url = reverse("improvement:pdsa-edit", kwargs={"code": "ALPHA-1", "pk": cycle.pk})
    assert world.client_for("trust_lead").post(url, data).status_code == 302
    assert set(Annotation.objects.values_list("label", flat=True)) == {
        "PDSA 1 start: Soft Words",
        "PDSA 1 end: Soft Words (abandoned)",
    }


def test_deleting_a_cycle_needs_a_reason(world, system):
    cycle = factories.cycle(world.ward)
    url = reverse("improvement:pdsa-delete", kwargs={"code": "ALPHA-1", "pk": cycle.pk})
    client = world.client_for("ward_qi_lead")
    response = client.post(url, {"reason": ""})
    assert title(response).startswith("Error: ") and PdsaCycle.objects.exists()
    assert client.post(url, {"reason": "entered twice"}).status_code == 302
    assert not PdsaCycle.objects.exists() and not Annotation.objects.exists()


def test_an_empty_comment_is_refused_with_an_error(world, system):
    url = reverse("improvement:idea-detail", kwargs={"slug": factories.idea().slug})
    response = world.client_for("network_member").post(url, {"text": "  "})
    assert title(response).startswith("Error: ") and summary_links(response) == ["#text"]
    assert not Contribution.objects.exists()


def test_the_calendar_lists_sessions_and_action_periods_in_order_with_attendance(world, system):
    c = world.collaborative
    c.end_date = dt.date(2025, 12, 31)
    c.save()
    s1 = c.learning_sessions.create(number=1, date=dt.date(2025, 2, 6), title="Launch")
    c.learning_sessions.create(number=2, date=dt.date(2025, 5, 8), title="Safewards")
    url = reverse("improvement:attendance", kwargs={"pk": s1.pk})
    admin = world.client_for("collaborative_admin")
    admin.post(url, {"wards": [world.ward.pk, world.other_ward.pk]})
    assert set(SessionAttendance.objects.values_list("ward__code", flat=True)) == {
        "ALPHA-1",
        "BETA-1",
    }
    entries = services.calendar(c)
    assert [e.kind for e in entries] == [
        "prework",
        "session",
        "action_period",
        "session",
        "action_period",
    ]
    assert entries[2].start == dt.date(2025, 2, 7) and entries[2].end == dt.date(2025, 5, 7)
    assert entries[4].end == dt.date(2025, 12, 31)
    html = world.client_for("network_member").get(reverse("improvement:calendar")).content.decode()
    assert "2 wards: Aspen Ward, Cedar Ward" in html
    assert (
        html.index("Learning session 1: Launch")
        < html.index("Action period 1")
        < html.index("Learning session 2: Safewards")
    )
    admin.post(url, {"wards": [world.ward.pk]})
    assert SessionAttendance.objects.count() == 1


def test_the_ward_project_page_shows_the_score_with_its_rules(world, system):
    factories.diagram(factories.project(world.ward))
    factories.cycle(world.ward, end_date=dt.date(2025, 4, 13), decision="adopt")
    html = world.client_for("ward_staff").get("/wards/ALPHA-1/improvement/").content.decode()
    assert (
        '<span class="mhsip-score">2.5</span> out of 5: Changes tested, but no improvement.' in html
    )
    assert "How the progress score is worked out" in html
    assert "At least one PDSA cycle has ended with a decision" in html


def test_the_catalogue_counts_each_ideas_cycles_and_contributions(world, system):
    idea = factories.idea("soft-words")
    for _ in range(3):
        factories.cycle(world.ward)
    for user in ("network_member", "ward_staff"):
        services.add_comment(world.users[user], idea, "Helpful")
    html = world.client_for("network_member").get(reverse("improvement:catalogue")).content.decode()
    start = html.index(">Soft Words<")
    assert "3 PDSA cycles;\n      2 contributions" in html[start : start + 400]
    assert html.index('id="safewards"') < start < html.index('id="six_core_strategies"')
