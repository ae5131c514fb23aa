"""Report pages: a report outside the user's reach is 404; roles without reports get 403."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mhsip.reports.models import ReportKind
from tests.reports import factories

pytestmark = pytest.mark.django_db

ROUTES = ["reports:detail", "reports:status", "reports:html"]


def statuses(world, pk):
    out = {}
    for role in world.users:
        client = world.client_for(role)
        out[role] = {client.get(reverse(name, kwargs={"pk": pk})).status_code for name in ROUTES}
    return out


def test_the_annual_report_is_for_admins_and_analysts_and_not_found_for_ward_leads(world, system):
    got = statuses(world, factories.report().pk)
    assert got["collaborative_admin"] == got["analyst"] == {200}
    assert got["trust_lead"] == got["ward_qi_lead"] == got["outsider"] == {404}
    assert got["ward_staff"] == got["network_member"] == {403}


def test_a_ward_pack_is_for_the_wards_leads_and_admins_and_not_found_for_others(world, system):
    got = statuses(world, factories.report(ReportKind.WARD_MONTH, ward=world.ward).pk)
    assert got["collaborative_admin"] == got["trust_lead"] == got["ward_qi_lead"] == {200}
    assert got["analyst"] == got["outsider"] == {404}
    assert got["ward_staff"] == got["network_member"] == {403}


def test_the_outsider_lists_only_packs_of_their_own_ward(world, system):
    mine = factories.report(ReportKind.WARD_MONTH, ward=world.other_ward)
    theirs = factories.report(ReportKind.WARD_MONTH, ward=world.ward)
    factories.report()
    page = world.client_for("outsider").get(reverse("reports:list")).content.decode()
    assert mine.title in page
    assert theirs.title not in page and "Annual report 2025" not in page


def test_a_report_not_ready_has_no_page_or_download_yet(world, system):
    pk = factories.report(ready=False).pk
    client = world.client_for("collaborative_admin")
    assert client.get(reverse("reports:detail", kwargs={"pk": pk})).status_code == 200
    assert client.get(reverse("reports:html", kwargs={"pk": pk})).status_code == 404
    response = client.get(reverse("reports:download", kwargs={"pk": pk, "fmt": "pdf"}))
    assert response.status_code == 404


def test_an_unknown_download_format_is_not_found(world, system):
    pk = factories.report().pk
    client = world.client_for("collaborative_admin")
    assert (
        client.get(reverse("reports:download", kwargs={"pk": pk, "fmt": "exe"})).status_code == 404
    )
