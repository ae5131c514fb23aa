"""Routes of the returns app (namespace "returns"), mounted at the site root by mhsip.urls."""

from django.urls import path

from mhsip.returns import views

app_name = "returns"
urlpatterns = [
    path("wards/<str:code>/returns/", views.return_list, name="return-list"),
    path("wards/<str:code>/returns/<str:week>/", views.return_week, name="return-week"),
    path("returns/overview/", views.overview, name="overview"),
]
