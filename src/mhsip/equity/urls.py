"""Routes of the equity app (namespace "equity"), mounted at the site root by mhsip.urls."""

from django.urls import path

from mhsip.equity import views

app_name = "equity"
urlpatterns = [
    path("equity/", views.overview, name="overview"),
    path("equity/equity.csv", views.overview_csv, name="overview-csv"),
    path("equity/use-of-force-act/", views.use_of_force, name="use-of-force"),
    path(
        "equity/use-of-force-act/statistics.csv",
        views.use_of_force_csv,
        name="use-of-force-csv",
    ),
]
