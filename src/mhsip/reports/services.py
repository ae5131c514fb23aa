"""Who may make and see which reports, creating them, and building them in the background.

Access (ADR 0003; issue 7 item 5):

* **Annual report** (a publication: every number under the HES rule): collaborative admins
  make it; admins and analysts (read-only, who see disclosure-controlled aggregates) open it.
* **Monthly ward pack**: a collaborative admin, the ward's trust lead or the ward's QI lead
  makes and opens it, for wards in their scope (``visible_wards``). A pack made "for the ward
  team only" (no suppression) holds small numbers that these roles may already see record by
  record; analysts do not see ward packs.
* Ward staff and network members have no reports (403). A report the user may not see is 404,
  so its existence does not leak.

Building (ADR 0007): :func:`create_annual` and :func:`create_ward_pack` save a *queued* report
and enqueue :func:`mhsip.reports.tasks.generate_report` with its id. :func:`run` does the work
as the system process ``task:report`` (ADR 0004): it moves the report to *running*, updates its
progress and step as each section is done (other processes see them at once: each update is
its own small write), renders the HTML, prints the PDF from it, checks every table cell against
the disclosure rule (:func:`mhsip.reports.figures.forbidden_cells`), stores both files through
Django's default storage and marks it *succeeded* — or *failed*, with the reason, and nothing
stored.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from mhsip.accounts.roles import Role
from mhsip.audit.actor import System, acting_as
from mhsip.organisations.access import visible_wards
from mhsip.organisations.models import Collaborative, Ward
from mhsip.reports.figures import RULES, Publisher, forbidden_cells
from mhsip.reports.models import GeneratedReport, ReportKind, ReportStatus
from mhsip.reports.render import html_to_pdf, render_document

logger = logging.getLogger(__name__)

PACK_ROLES = {Role.COLLABORATIVE_ADMIN, Role.TRUST_LEAD, Role.WARD_QI_LEAD}
ANNUAL_READERS = {Role.COLLABORATIVE_ADMIN, Role.ANALYST}
ACTOR = "task:report"


class ReportError(ValueError):
    """A report cannot be made as asked (no data, unknown ward, bad month)."""


# --- access ------------------------------------------------------------------------------------


def _role(user: Any) -> Role | None:
    try:
        return Role(user.role)
    except ValueError:
        return None


def may_make_annual(user: Any) -> bool:
    return bool(
        user.is_authenticated and (user.is_superuser or _role(user) is Role.COLLABORATIVE_ADMIN)
    )


def may_read_annual(user: Any) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or _role(user) in ANNUAL_READERS))


def pack_wards(user: Any) -> QuerySet[Ward]:
    """Wards whose packs the user may make and open."""
    if user.is_authenticated and (user.is_superuser or _role(user) in PACK_ROLES):
        return visible_wards(user)
    return Ward.objects.none()


def may_use_reports(user: Any) -> bool:
    role = _role(user)
    return bool(
        user.is_authenticated and (user.is_superuser or role in ANNUAL_READERS | PACK_ROLES)
    )


def require_reports(user: Any) -> None:
    if not may_use_reports(user):
        raise PermissionDenied("Your role does not include reports.")


def visible_reports(user: Any) -> QuerySet[GeneratedReport]:
    reports = GeneratedReport.objects.select_related("ward", "created_by")
    if not may_use_reports(user):
        return reports.none()
    condition = Q(kind=ReportKind.WARD_MONTH, ward__in=pack_wards(user))
    if may_read_annual(user):
        condition |= Q(kind=ReportKind.ANNUAL)
    return reports.filter(condition)


def report_or_404(user: Any, pk: int) -> GeneratedReport:
    require_reports(user)
    try:
        return visible_reports(user).get(pk=pk)
    except GeneratedReport.DoesNotExist:
        raise Http404("No such report") from None


# --- creating ----------------------------------------------------------------------------------


def current_collaborative() -> Collaborative | None:
    return Collaborative.objects.order_by("-start_date", "pk").first()


def annual_years(collaborative: Collaborative | None, today: dt.date) -> list[int]:
    """Years a report can cover: from the baseline's first year to this year, newest first."""
    if collaborative is None:
        return []
    last = today.year
    if collaborative.end_date is not None:
        last = min(last, collaborative.end_date.year)
    return list(range(last, collaborative.baseline_start.year - 1, -1))


def _actor(user: Any) -> Any:
    return user if getattr(user, "pk", None) else None


def _enqueue(report: GeneratedReport, *, background: bool) -> GeneratedReport:
    if background:
        from mhsip.reports.tasks import generate_report

        generate_report.enqueue(report.pk)
        report.refresh_from_db()
        return report
    return run(report.pk)


def create_annual(
    user: Any,
    year: int,
    *,
    collaborative: Collaborative | None = None,
    rule: str = "hes",
    background: bool = True,
) -> GeneratedReport:
    """Queue the annual report of ``collaborative`` (the current one) for ``year``."""
    collaborative = collaborative or current_collaborative()
    if collaborative is None:
        raise ReportError("There is no collaborative to report on yet.")
    if rule not in RULES or rule == "none":
        raise ReportError("The annual report is published: choose the HES or MHSDS rule.")
    report = GeneratedReport(
        kind=ReportKind.ANNUAL,
        parameters={"year": year, "collaborative": collaborative.slug, "rule": rule},
        title=f"Annual report {year}: {collaborative.name}",
        created_by=_actor(user),
    )
    report.save()
    return _enqueue(report, background=background)


def create_ward_pack(
    user: Any, ward: Ward, month: str, *, rule: str = "hes", background: bool = True
) -> GeneratedReport:
    """Queue the monthly pack of ``ward`` for ``month`` (``YYYY-MM``)."""
    from mhsip.reports.ward_pack import month_range

    if rule not in RULES:
        raise ReportError(f"Unknown disclosure rule {rule!r}: choose hes, mhsds or none.")
    try:
        first = month_range(month).start
    except ValueError as exc:
        raise ReportError(str(exc)) from None
    report = GeneratedReport(
        kind=ReportKind.WARD_MONTH,
        parameters={"ward": ward.code, "month": month, "rule": rule},
        ward=ward,
        title=f"Ward pack: {ward.name}, {first:%B %Y}",
        created_by=_actor(user),
    )
    report.save()
    return _enqueue(report, background=background)


# --- building ----------------------------------------------------------------------------------


def _progress(report: GeneratedReport) -> Any:
    def update(percent: int, step: str) -> None:
        report.progress = max(0, min(99, int(percent)))
        report.step = step[:200]
        report.save(update_fields=["progress", "step", "updated_at"])

    return update


def build_html(report: GeneratedReport, progress: Any) -> str:
    """Gather the report's data and render its HTML document."""
    from mhsip.reports.annual import NoDataError, build_annual
    from mhsip.reports.ward_pack import build_ward_pack

    params = report.parameters
    publisher = Publisher(params.get("rule", "hes"))
    if report.kind == ReportKind.ANNUAL:
        collaborative = Collaborative.objects.filter(slug=params.get("collaborative")).first()
        if collaborative is None:
            raise ReportError("The collaborative of this report no longer exists.")
        try:
            doc = build_annual(collaborative, int(params["year"]), publisher, progress=progress)
        except NoDataError as exc:
            raise ReportError(str(exc)) from None
        template = "reports/annual.html"
    else:
        ward = Ward.objects.select_related("site__trust").filter(code=params.get("ward")).first()
        if ward is None:
            raise ReportError("The ward of this pack no longer exists.")
        doc = build_ward_pack(ward, str(params["month"]), publisher, progress=progress)
        template = "reports/ward_pack.html"
    progress(85, "Writing the HTML page")
    html = render_document(template, doc)
    if publisher.suppresses:
        problems = forbidden_cells(html, publisher.rule)
        if problems:
            raise ReportError(
                "Disclosure check failed, so nothing was published: " + "; ".join(problems[:5])
            )
    return html


def file_stem(report: GeneratedReport) -> str:
    params = report.parameters
    if report.kind == ReportKind.ANNUAL:
        return f"annual-report-{params.get('year')}"
    return f"ward-pack-{str(params.get('ward', '')).lower()}-{params.get('month')}"


def run(report_id: int) -> GeneratedReport:
    """Build a queued report to the end. Safe to call twice: a report that is not queued is
    returned as it is."""
    report = GeneratedReport.objects.get(pk=report_id)
    if report.status != ReportStatus.QUEUED:
        return report
    began = time.perf_counter()
    with acting_as(System(ACTOR)):
        report.status = ReportStatus.RUNNING
        report.started_at = timezone.now()
        report.step = "Starting"
        report.save()
        progress = _progress(report)
        try:
            html = build_html(report, progress)
            progress(92, "Printing the PDF")
            pdf = html_to_pdf(html)
            progress(98, "Storing the files")
            stem = file_stem(report)
            report.html_file.save(f"{stem}.html", ContentFile(html.encode("utf-8")), save=False)
            report.pdf_file.save(f"{stem}.pdf", ContentFile(pdf), save=False)
            report.status = ReportStatus.SUCCEEDED
            report.progress = 100
            report.step = "Ready"
        except ReportError as exc:
            report.status = ReportStatus.FAILED
            report.error = str(exc)
            report.step = "Failed"
        except Exception:
            logger.exception("Report %s failed", report.pk)
            report.status = ReportStatus.FAILED
            report.error = (
                "The report stopped because of an unexpected problem. It has been logged for "
                "the service team; nothing was stored."
            )
            report.step = "Failed"
        report.finished_at = timezone.now()
        report.seconds = round(time.perf_counter() - began, 2)
        report.save()
    return report


__all__ = [
    "ReportError",
    "annual_years",
    "create_annual",
    "create_ward_pack",
    "may_make_annual",
    "may_read_annual",
    "pack_wards",
    "report_or_404",
    "run",
    "visible_reports",
]
