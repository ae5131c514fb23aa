"""URL map. Every route needs a signed-in user unless its view is marked login_not_required."""

from django.urls import include, path

from mhsip.accounts import views as accounts
from mhsip.api import api
from mhsip.audit import views as audit
from mhsip.core import views as core
from mhsip.organisations import views as organisations

core_patterns = (
    [
        path("", core.home, name="home"),
        path("home/", core.dashboard, name="dashboard"),
        path("accessibility/", core.accessibility, name="accessibility"),
        path("privacy/", core.privacy, name="privacy"),
        path("administration/", core.admin, name="admin"),
        path("administration/audit/", audit.audit_log, name="audit-log"),
    ],
    "core",
)
account_patterns = (
    [
        path("sign-in/", accounts.sign_in, name="sign-in"),
        path("sign-out/", accounts.sign_out, name="sign-out"),
    ],
    "accounts",
)
organisation_patterns = (
    [
        path("wards/", organisations.ward_list, name="ward-list"),
        path("wards/<str:code>/", organisations.ward_detail, name="ward-detail"),
        path("collaborative/", organisations.collaborative_current, name="collaborative-current"),
        path(
            "collaborative/<slug:slug>/",
            organisations.collaborative_detail,
            name="collaborative-detail",
        ),
    ],
    "organisations",
)

urlpatterns = [
    path("", include(core_patterns)),
    path("", include(account_patterns)),
    path("", include(organisation_patterns)),
    path("", include("mhsip.recording.urls")),
    path("", include("mhsip.safety.urls")),
    path("", include("mhsip.returns.urls")),
    path("", include("mhsip.imports.urls")),
    path("", include("mhsip.measures.urls")),
    path("", include("mhsip.improvement.urls")),
    path("", include("mhsip.network.urls")),
    path("", include("mhsip.monitoring.urls")),
    path("", include("mhsip.reports.urls")),
    path("", include("mhsip.equity.urls")),
    path("api/v1/", api.urls),
]

handler403 = "mhsip.core.errors.forbidden"
handler404 = "mhsip.core.errors.not_found"
handler500 = "mhsip.core.errors.server_error"
