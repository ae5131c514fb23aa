"""Routes of the safety app (namespace "safety"), mounted at the site root by mhsip.urls.

For each kind of record (sexual-safety, awol, deaths): a ward's list, a new record, one record,
and its correction.
"""

from django.urls import path

from mhsip.safety import views
from mhsip.safety.kinds import KINDS

app_name = "safety"
urlpatterns = []
for slug in KINDS:
    kind = {"kind": slug}
    urlpatterns += [
        path(f"wards/<str:code>/{slug}/", views.record_list, kind, name=f"{slug}-list"),
        path(f"wards/<str:code>/{slug}/new/", views.record_create, kind, name=f"{slug}-create"),
        path(
            f"wards/<str:code>/{slug}/<int:pk>/", views.record_detail, kind, name=f"{slug}-detail"
        ),
        path(
            f"wards/<str:code>/{slug}/<int:pk>/edit/", views.record_edit, kind, name=f"{slug}-edit"
        ),
    ]
