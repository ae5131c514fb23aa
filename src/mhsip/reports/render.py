"""One HTML document, two outputs: the accessible HTML page and the PDF printed from it.

The document is a standalone HTML file (``reports/document.html``) with its stylesheet
embedded, so the stored ``.html`` reads the same when downloaded. WeasyPrint prints the very
same string to PDF (print rules in ``reports/static/reports/document.css``: A4 pages, page
numbers, a page per section, tables whose rows never split); its headings become the PDF's
bookmarks, and the PDF is tagged (PDF/UA) so screen readers can follow it.

The service serves the stored page with the SHA-256 hash of its ``<style>`` block added to the
content security policy (:func:`style_hashes`), so no inline style is allowed except that one.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)
# WeasyPrint logs every layout step (INFO) and each CSS property it does not support
# (WARNING, e.g. screen-only rules): quiet both before it is first imported.
for _name in ("weasyprint", "weasyprint.progress"):
    logging.getLogger(_name).setLevel(logging.ERROR)

CSS_PATH = Path(__file__).resolve().parent / "static" / "reports" / "document.css"
STYLE_BLOCK = re.compile(r"<style>(.*?)</style>", re.S)


@cache
def document_css() -> str:
    return CSS_PATH.read_text(encoding="utf-8")


def render_document(template: str, doc: Any) -> str:
    """The report ``doc`` as a complete HTML document."""
    return render_to_string(
        template,
        {"doc": doc, "css": document_css(), "service_name": settings.MHSIP_SERVICE_NAME},
    )


def html_to_pdf(html: str) -> bytes:
    """Print the HTML document to PDF with WeasyPrint (tagged PDF/UA where supported)."""
    import weasyprint

    document = weasyprint.HTML(string=html, base_url=str(CSS_PATH.parent))
    try:
        return document.write_pdf(pdf_variant="pdf/ua-1")  # type: ignore[no-any-return]
    except Exception:  # an older WeasyPrint without PDF/UA: an untagged PDF is still a PDF
        logger.warning("WeasyPrint could not write PDF/UA; writing a plain PDF", exc_info=True)
        return document.write_pdf()  # type: ignore[no-any-return]


def style_hashes(html: str) -> list[str]:
    """CSP source expressions (``'sha256-...'``) of the document's ``<style>`` blocks."""
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(m.encode("utf-8")).digest()).decode() + "'"
        for m in STYLE_BLOCK.findall(html)
    ]


__all__ = ["document_css", "html_to_pdf", "render_document", "style_hashes"]
