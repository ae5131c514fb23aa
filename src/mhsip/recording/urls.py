"""Routes of the recording app (namespace "recording"), mounted at the site root by mhsip.urls."""

from django.urls import path

from mhsip.recording import views

app_name = "recording"
urlpatterns: list = [
    path("wards/<str:code>/use-of-force/", views.incident_list, name="use-of-force-list"),
    path("wards/<str:code>/use-of-force/new/", views.incident_new, name="use-of-force-new"),
    path(
        "wards/<str:code>/use-of-force/mhsds.csv",
        views.mhsds_export,
        name="use-of-force-mhsds",
    ),
    path(
        "wards/<str:code>/use-of-force/<int:pk>/",
        views.incident_detail,
        name="use-of-force-detail",
    ),
    path(
        "wards/<str:code>/use-of-force/<int:pk>/edit/",
        views.incident_edit,
        name="use-of-force-edit",
    ),
]
