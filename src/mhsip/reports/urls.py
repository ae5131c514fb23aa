"""Routes of the reports app (namespace "reports"), mounted at the site root."""

from django.urls import path

from mhsip.reports import views

app_name = "reports"
urlpatterns = [
    path("reports/", views.report_list, name="list"),
    path("reports/new/annual/", views.annual_new, name="annual-new"),
    path("reports/new/ward-pack/", views.ward_pack_new, name="ward-pack-new"),
    path("reports/<int:pk>/", views.report_detail, name="detail"),
    path("reports/<int:pk>/status.json", views.report_status, name="status"),
    path("reports/<int:pk>/report.html", views.report_html, name="html"),
    path("reports/<int:pk>/download.<str:fmt>", views.report_download, name="download"),
]
