"""The JSON API (django-ninja, OpenAPI at /api/v1/docs). Session or token auth; the same scoped
accessor as the pages, so an outsider gets 404 here too."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import NinjaAPI, Schema
from ninja.security import SessionAuth

from mhsip.organisations.access import get_ward_or_404, visible_wards

api = NinjaAPI(
    title="MHSIP API",
    version="1",
    description="Mental Health Safety Improvement Programme: wards, records and measures.",
    auth=SessionAuth(),
    urls_namespace="api",
)


class WardOut(Schema):
    code: str
    name: str
    ward_type: str
    beds: int
    trust_ods_code: str
    active_from: dt.date
    active_to: dt.date | None


def _ward_out(ward: object) -> WardOut:
    return WardOut(
        code=ward.code,  # type: ignore[attr-defined]
        name=ward.name,  # type: ignore[attr-defined]
        ward_type=ward.ward_type,  # type: ignore[attr-defined]
        beds=ward.beds,  # type: ignore[attr-defined]
        trust_ods_code=ward.site.trust.ods_code,  # type: ignore[attr-defined]
        active_from=ward.active_from,  # type: ignore[attr-defined]
        active_to=ward.active_to,  # type: ignore[attr-defined]
    )


@api.get("/wards", response=list[WardOut], summary="Wards you may see")
def list_wards(request: HttpRequest) -> list[WardOut]:
    return [_ward_out(w) for w in visible_wards(request.auth)]


@api.get("/wards/{code}", response=WardOut, summary="One ward")
def get_ward(request: HttpRequest, code: str) -> WardOut:
    return _ward_out(get_ward_or_404(request.auth, code))


def _mount_app_routers() -> None:
    from mhsip.equity.api import router as equity
    from mhsip.improvement.api import router as improvement
    from mhsip.network.api import router as network
    from mhsip.recording.api import router as recording
    from mhsip.returns.api import router as returns
    from mhsip.safety.api import router as safety

    api.add_router("/", recording)
    api.add_router("/", safety)
    api.add_router("/", returns)
    api.add_router("/", improvement)
    api.add_router("/", network)
    api.add_router("/", equity)


_mount_app_routers()
