"""Reading a report back: its headings and key statistics from the HTML, and from the PDF
(the text pypdf extracts, and the bookmarks WeasyPrint makes from the headings)."""

from __future__ import annotations

import html as html_lib
import io
import re

from pypdf import PdfReader

TAG = re.compile(r"<[^>]+>")


def text_of(fragment: str) -> str:
    """Visible text of an HTML fragment (inline SVG icons' titles dropped)."""
    fragment = re.sub(r"<svg.*?</svg>", "", fragment, flags=re.S)
    return " ".join(html_lib.unescape(TAG.sub(" ", fragment)).split())


def html_headings(html: str) -> list[str]:
    return [text_of(m) for m in re.findall(r"<h[1-6][^>]*>(.*?)</h[1-6]>", html, flags=re.S)]


def html_key_statistics(html: str) -> dict[str, list[str]]:
    """Label -> [year, baseline] from the key statistics table."""
    table = re.search(r'<table id="key-statistics-table">(.*?)</table>', html, flags=re.S)
    assert table, "no key statistics table"
    rows = {}
    for row in re.findall(r"<tr data-key=[^>]*>(.*?)</tr>", table.group(1), flags=re.S):
        cells = [text_of(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)]
        rows[cells[0]] = cells[1:]
    return rows


def pdf_reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def pdf_text(pdf: bytes) -> str:
    """All the PDF's text, whitespace collapsed."""
    reader = pdf_reader(pdf)
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def pdf_bookmarks(pdf: bytes) -> list[str]:
    out: list[str] = []

    def walk(items) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                out.append(" ".join(item.title.split()))

    walk(pdf_reader(pdf).outline)
    return out


def pdf_key_statistics(pdf: bytes, labels: list[str]) -> dict[str, list[str]]:
    """Label -> the two figures that follow it in the PDF's text."""
    text = pdf_text(pdf)
    number = r"([\d,.]+|\*|Missing|Not available)"
    rows = {}
    for label in labels:
        m = re.search(re.escape(label) + r"\s+" + number + r"\s+" + number, text)
        assert m, f"{label!r} and its two figures are not in the PDF's text"
        rows[label] = [m.group(1), m.group(2)]
    return rows
