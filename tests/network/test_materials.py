"""Shared meeting materials: uploads are checked for size and type (by name and by content),
held in Django's storage, and downloadable by network participants only."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mhsip.network import materials
from mhsip.network.models import Material
from tests.network.factories import PDF, make_meeting

pytestmark = pytest.mark.django_db
PPTX = b"PK\x03\x04" + b"\x00" * 40


def upload(world, meeting, name, content, title="Morning slides"):
    return world.client_for("collaborative_admin").post(
        reverse("network:material-new", kwargs={"pk": meeting.pk}),
        {"title": title, "kind": "slides", "file": SimpleUploadedFile(name, content)},
    )


def test_an_admin_shares_slides_that_members_download(world, system, media):
    meeting = make_meeting()
    response = upload(world, meeting, "Learning session.pptx", PPTX)
    assert response.status_code == 302
    material = Material.objects.get()
    assert material.original_name == "Learning session.pptx" and material.size == len(PPTX)
    assert material.file.name.startswith("network/materials/")
    assert (media / material.file.name).read_bytes() == PPTX
    download = world.client_for("network_member").get(
        reverse("network:material-download", kwargs={"pk": material.pk})
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PPTX
    assert 'attachment; filename="Learning session.pptx"' in download["Content-Disposition"]
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ\x90\x00", "must be a PDF, PowerPoint"),
        ("slides.pdf", b"MZ\x90\x00 renamed program", "not a real PDF file"),
        ("picture.png", PDF, "not a real PNG image file"),
        ("notes.txt", b"plain text", "must be a PDF, PowerPoint"),
    ],
)
def test_files_of_the_wrong_type_are_refused_and_nothing_is_stored(
    world, system, media, name, content, message
):
    response = upload(world, make_meeting(), name, content)
    page = response.content.decode()
    assert message in page and 'href="#file"' in page and "<title>Error: " in page
    assert not Material.objects.exists()
    assert not any(media.rglob("*.*"))


def test_a_file_over_the_size_limit_is_refused(world, system, media, monkeypatch):
    monkeypatch.setattr(materials, "MAX_MATERIAL_BYTES", 1024 * 1024)
    big = PDF + b"0" * (1024 * 1024)
    page = upload(world, make_meeting(), "big.pdf", big).content.decode()
    assert "The selected file must be smaller than 1 MB" in page
    assert not Material.objects.exists()


def test_an_empty_or_missing_file_is_refused(world, system, media):
    meeting = make_meeting()
    assert "The selected file is empty" in upload(world, meeting, "a.pdf", b"").content.decode()
    response = world.client_for("collaborative_admin").post(
        reverse("network:material-new", kwargs={"pk": meeting.pk}), {"title": "x", "kind": "slides"}
    )
    assert "Select a file to upload" in response.content.decode()


def test_roles_outside_the_network_cannot_download_or_share(world, system, media):
    meeting = make_meeting()
    upload(world, meeting, "slides.pdf", PDF)
    material = Material.objects.get()
    for role in ("ward_staff", "trust_lead", "analyst", "outsider"):
        client = world.client_for(role)
        url = reverse("network:material-download", kwargs={"pk": material.pk})
        assert client.get(url).status_code == 403, role
    response = upload(world, meeting, "x.pdf", PDF)
    assert response.status_code == 302  # the admin may
    page = world.client_for("ward_staff").get(
        reverse("network:meeting-detail", kwargs={"pk": meeting.pk})
    )
    assert "Files from meetings are shared with members of the network" in page.content.decode()
    assert (
        world.client_for("network_member")
        .post(
            reverse("network:material-new", kwargs={"pk": meeting.pk}),
            {"title": "x", "kind": "slides", "file": SimpleUploadedFile("x.pdf", PDF)},
        )
        .status_code
        == 403
    )


def test_removing_a_material_deletes_its_file_once_committed(
    world, system, media, django_capture_on_commit_callbacks
):
    meeting = make_meeting()
    upload(world, meeting, "slides.pdf", PDF)
    material = Material.objects.get()
    path = media / material.file.name
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client_for("collaborative_admin").post(
            reverse("network:material-delete", kwargs={"pk": material.pk})
        )
    assert response.status_code == 302
    assert not Material.objects.exists() and not path.exists()


def test_a_file_missing_from_storage_is_404_not_an_error(world, system, media):
    meeting = make_meeting()
    upload(world, meeting, "slides.pdf", PDF)
    material = Material.objects.get()
    (media / material.file.name).unlink()
    response = world.client_for("network_member").get(
        reverse("network:material-download", kwargs={"pk": material.pk})
    )
    assert response.status_code == 404
