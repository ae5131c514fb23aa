"""Routes of the returns app (namespace "returns"), mounted at the site root by mhsip.urls."""

from django.urls import path  # noqa: F401

app_name = "returns"
urlpatterns: list = []
