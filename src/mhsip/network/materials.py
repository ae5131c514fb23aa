"""Shared meeting materials (slides, storyboards, easy-read versions) held in Django's storage.

An upload is accepted only if it is at most :data:`MAX_MATERIAL_BYTES` and its name ends in an
allowed suffix *and* its first bytes match that kind of file (a renamed executable is refused).
Files are stored under a name of our making (:func:`mhsip.network.models.material_path`); the
uploaded name is kept only to offer it back on download.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from mhsip.network.models import Material, Meeting

MAX_MATERIAL_BYTES = 20 * 1024 * 1024
ZIP = b"PK\x03\x04"


@dataclass(frozen=True)
class FileKind:
    description: str
    content_type: str
    magic: tuple[bytes, ...]


ALLOWED: dict[str, FileKind] = {
    "pdf": FileKind("PDF", "application/pdf", (b"%PDF-",)),
    "pptx": FileKind(
        "PowerPoint",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        (ZIP,),
    ),
    "docx": FileKind(
        "Word",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (ZIP,),
    ),
    "odp": FileKind(
        "OpenDocument presentation", "application/vnd.oasis.opendocument.presentation", (ZIP,)
    ),
    "odt": FileKind("OpenDocument text", "application/vnd.oasis.opendocument.text", (ZIP,)),
    "png": FileKind("PNG image", "image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": FileKind("JPEG image", "image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": FileKind("JPEG image", "image/jpeg", (b"\xff\xd8\xff",)),
}
ALLOWED_TEXT = "PDF, PowerPoint (.pptx), Word (.docx), OpenDocument (.odp, .odt), PNG or JPEG"


def _suffix(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def check_upload(upload: Any) -> FileKind:
    """The kind of an acceptable upload; :class:`ValidationError` saying why otherwise.

    >>> from django.core.files.uploadedfile import SimpleUploadedFile
    >>> check_upload(SimpleUploadedFile("deck.pdf", b"%PDF-1.7 ...")).description
    'PDF'
    >>> try:
    ...     check_upload(SimpleUploadedFile("deck.pdf", b"MZ\\x90\\x00"))
    ... except ValidationError as exc:
    ...     print(exc.messages[0])
    The selected file is not a real PDF file: its contents do not match its name
    """
    size = upload.size or 0
    if size == 0:
        raise ValidationError("The selected file is empty")
    if size > MAX_MATERIAL_BYTES:
        raise ValidationError(
            f"The selected file must be smaller than {MAX_MATERIAL_BYTES // (1024 * 1024)} MB"
        )
    kind = ALLOWED.get(_suffix(upload.name or ""))
    if kind is None:
        raise ValidationError(f"The selected file must be a {ALLOWED_TEXT} file")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in kind.magic):
        raise ValidationError(
            f"The selected file is not a real {kind.description} file: its contents do not "
            "match its name"
        )
    return kind


def save_material(meeting: Meeting, *, title: str, kind: str, upload: Any) -> Material:
    """Check and store an upload as a material of ``meeting``. If the database write fails,
    the stored file is removed again, so nothing is left half-written."""
    file_kind = check_upload(upload)
    material = Material(
        meeting=meeting,
        title=title,
        kind=kind,
        original_name=(upload.name or "file")[-255:],
        size=upload.size,
        content_type=file_kind.content_type,
    )
    material.file.save(upload.name, upload, save=False)
    try:
        with transaction.atomic():
            material.save(audit_reason="material shared")
    except Exception:
        material.file.delete(save=False)
        raise
    return material


def delete_material(material: Material) -> None:
    """Remove the row (audited), then the file once the removal is committed."""
    file_name = material.file.name
    storage = material.file.storage
    with transaction.atomic():
        material.delete(audit_reason="material removed")
        transaction.on_commit(lambda: storage.delete(file_name))
