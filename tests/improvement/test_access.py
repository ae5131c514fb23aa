"""Roles on the improvement pages beyond the access table: the outsider gets 404 for every
page of another trust's ward's QI work; lived-experience members (network members) propose and
comment on change ideas but see no incident data below collaborative aggregates; read-only
roles get 403 on the forms."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mhsip.accounts.roles import Role
from mhsip.improvement.models import ChangeIdea, Contribution, Source
from tests.improvement import factories

pytestmark = pytest.mark.django_db

WARD_PAGES = [
    "improvement:ward-project",
    "improvement:ward-project-edit",
    "improvement:ward-idea-create",
    "improvement:pdsa-list",
    "improvement:pdsa-create",
]
CYCLE_PAGES = ["improvement:pdsa-detail", "improvement:pdsa-edit", "improvement:pdsa-delete"]
DIAGRAM_PAGES = ["improvement:diagram", "improvement:diagram-edit"]


@pytest.fixture
def alpha(world, system):
    """QI work on Aspen Ward (trust RV5): a project, its diagram and a cycle."""
    project = factories.project(world.ward)
    diagram = factories.diagram(project)
    cycle = factories.cycle(world.ward)
    return project, diagram, cycle


def urls(world, alpha):
    project, diagram, cycle = alpha
    node = diagram.nodes.get(level="secondary")
    out = [reverse(name, kwargs={"code": "ALPHA-1"}) for name in WARD_PAGES]
    out += [reverse(n, kwargs={"code": "ALPHA-1", "pk": cycle.pk}) for n in CYCLE_PAGES]
    out += [reverse(n, kwargs={"pk": diagram.pk}) for n in DIAGRAM_PAGES]
    out += [
        reverse("improvement:node-edit", kwargs={"pk": diagram.pk, "node_pk": node.pk}),
        reverse("improvement:node-remove", kwargs={"pk": diagram.pk, "node_pk": node.pk}),
        reverse("improvement:diagram-create", kwargs={"project_pk": project.pk}),
    ]
    return out


@pytest.mark.parametrize("role", ["outsider", "network_member"])
def test_another_trusts_qi_lead_and_network_members_get_404_on_every_ward_qi_page(
    world, alpha, role
):
    client = world.client_for(role)
    for url in urls(world, alpha):
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 404, (role, method.__name__, url)
            assert b"Aspen Ward" not in response.content


@pytest.mark.parametrize("role", ["collaborative_admin", "analyst"])
def test_read_only_roles_may_read_a_wards_qi_work_but_get_403_on_its_forms(world, alpha, role):
    client = world.client_for(role)
    _project, diagram, cycle = alpha
    for url in urls(world, alpha):
        read_only = url in {
            reverse("improvement:ward-project", kwargs={"code": "ALPHA-1"}),
            reverse("improvement:pdsa-list", kwargs={"code": "ALPHA-1"}),
            reverse("improvement:pdsa-detail", kwargs={"code": "ALPHA-1", "pk": cycle.pk}),
            reverse("improvement:diagram", kwargs={"pk": diagram.pk}),
        }
        assert client.get(url).status_code == (200 if read_only else 403), url
        assert client.post(url).status_code in {403, 405} or read_only, url
    assert cycle.__class__.objects.count() == 1


def test_the_collaborative_template_diagram_is_open_to_everyone_signed_in(world, system):
    template = factories.diagram(factories.project(None, collaborative=world.collaborative))
    url = reverse("improvement:diagram", kwargs={"pk": template.pk})
    for role in ["network_member", "outsider", "analyst"]:
        assert world.client_for(role).get(url).status_code == 200
    assert world.client_for("ward_qi_lead").get(url + "edit/").status_code == 403
    assert world.client_for("collaborative_admin").get(url + "edit/").status_code == 200


# --- lived experience: co-design without incident data ------------------------------------------
def test_a_network_member_comments_on_an_idea_and_it_is_recorded_as_co_design(world, system):
    idea = factories.idea("calm-down-methods")
    client = world.client_for("network_member")
    url = reverse("improvement:idea-detail", kwargs={"slug": idea.slug})
    response = client.post(url, {"text": "Ask people what helps them when they arrive."})
    assert response.status_code == 302
    comment = Contribution.objects.get()
    assert comment.kind == "comment" and comment.author == world.users["network_member"]
    assert comment.author_role == Role.NETWORK_MEMBER and comment.created_at is not None
    page = client.get(url).content.decode()
    assert "Ask people what helps them when they arrive." in page
    assert "Comment</strong> by member (Network member)" in page


def test_a_network_member_proposes_an_idea_with_their_reasons(world, system):
    factories.catalogue()
    response = world.client_for("network_member").post(
        reverse("improvement:idea-propose"),
        {
            "name": "Welcome pack by former patients",
            "purpose": "A guide to the ward written by people who stayed on it.",
            "why": "I did not know what would happen when I arrived.",
        },
    )
    idea = ChangeIdea.objects.get(name="Welcome pack by former patients")
    assert response.status_code == 302 and response["Location"].endswith(f"/{idea.slug}/")
    assert idea.source == Source.LIVED_EXPERIENCE and idea.added_by == world.users["network_member"]
    proposal = idea.contributions.get()
    assert proposal.kind == "proposal" and proposal.text.startswith("I did not know")


def test_network_members_see_how_an_idea_was_used_only_as_collaborative_aggregates(world, alpha):
    idea = factories.idea("soft-words")
    url = reverse("improvement:idea-detail", kwargs={"slug": idea.slug})
    member = world.client_for("network_member").get(url).content.decode()
    staff = world.client_for("ward_staff").get(url).content.decode()
    assert "1 PDSA cycle on 1 ward" in member and "1 PDSA cycle on 1 ward" in staff
    assert "Aspen Ward" not in member and "/wards/ALPHA-1/" not in member
    assert "Aspen Ward: PDSA 1" in staff


def test_the_progress_page_shows_network_members_only_the_collaborative_distribution(world, alpha):
    member = world.client_for("network_member").get(reverse("improvement:progress"))
    html = member.content.decode()
    assert member.status_code == 200
    assert "How many of the collaborative's 3 wards are at each step" in html
    assert "Aspen Ward" not in html and "Beech Ward" not in html and "Your wards" not in html
    lead = world.client_for("ward_qi_lead").get(reverse("improvement:progress")).content.decode()
    assert "Aspen Ward" in lead and "Beech Ward" not in lead


def test_network_members_get_no_ward_pdsa_data_from_the_api(world, alpha):
    client = world.client_for("network_member")
    assert client.get("/api/v1/wards/ALPHA-1/pdsa-cycles").status_code == 404
    assert client.get("/api/v1/change-ideas").status_code == 200


def test_analysts_read_ideas_but_do_not_comment_or_propose(world, system):
    idea = factories.idea()
    client = world.client_for("analyst")
    url = reverse("improvement:idea-detail", kwargs={"slug": idea.slug})
    assert b"Add a comment" not in client.get(url).content
    assert client.post(url, {"text": "x"}).status_code == 403
    assert client.get(reverse("improvement:idea-propose")).status_code == 403
    assert not Contribution.objects.exists()


def test_ward_roles_add_their_wards_ideas_rather_than_propose(world, system):
    factories.catalogue()
    assert (
        world.client_for("ward_qi_lead").get(reverse("improvement:idea-propose")).status_code == 403
    )
    response = world.client_for("ward_qi_lead").post(
        reverse("improvement:ward-idea-create", kwargs={"code": "ALPHA-1"}),
        {"name": "Evening walk", "purpose": "A supervised walk in the garden after dinner."},
    )
    idea = ChangeIdea.objects.get(name="Evening walk")
    assert response.status_code == 302
    assert idea.source == Source.WARD and idea.ward == world.ward
