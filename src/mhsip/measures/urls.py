"""Routes of the measures app (namespace "measures"), mounted at the site root by mhsip.urls.

A plain list: each part of the app appends its own routes."""

from django.urls import path

from mhsip.measures import views_ward

app_name = "measures"
urlpatterns: list = [
    path("wards/<str:code>/measures/", views_ward.ward_dashboard, name="ward-dashboard"),
    path("wards/<str:code>/measures/<slug:slug>/", views_ward.ward_measure, name="ward-measure"),
    path(
        "wards/<str:code>/measures/<slug:slug>.csv",
        views_ward.ward_measure_csv,
        name="ward-measure-csv",
    ),
    path(
        "wards/<str:code>/measures/<slug:slug>.svg",
        views_ward.ward_measure_svg,
        name="ward-measure-svg",
    ),
    path(
        "wards/<str:code>/measures/<slug:slug>.png",
        views_ward.ward_measure_png,
        name="ward-measure-png",
    ),
]

# --- Collaborative overview, rebasing, the measure library and public statistics -------------
from mhsip.measures import views_admin, views_collaborative, views_rebase  # noqa: E402

urlpatterns += [
    path(
        "collaborative/<slug:slug>/measures/",
        views_collaborative.collaborative_matrix,
        name="collaborative-matrix",
    ),
    path(
        "collaborative/<slug:slug>/measures/funnel.svg",
        views_collaborative.collaborative_funnel_svg,
        name="collaborative-funnel-svg",
    ),
    path("statistics/", views_collaborative.statistics, name="statistics"),
    path("wards/<str:code>/rebases/", views_rebase.ward_rebases, name="ward-rebases"),
    path("wards/<str:code>/rebases/new/", views_rebase.rebase_propose, name="rebase-propose"),
    path(
        "wards/<str:code>/rebases/fixed-baseline/",
        views_rebase.fixed_baseline,
        name="fixed-baseline",
    ),
    path("administration/rebases/", views_rebase.rebase_queue, name="rebase-queue"),
    path("administration/rebases/<int:pk>/", views_rebase.rebase_decide, name="rebase-decide"),
    path("administration/measures/", views_admin.measure_list, name="measure-list"),
    path("administration/measures/new/", views_admin.measure_form, name="measure-create"),
    path("administration/measures/<slug:slug>/", views_admin.measure_form, name="measure-edit"),
]
