"""Routes of the safety app (namespace "safety"), mounted at the site root by mhsip.urls."""

from django.urls import path  # noqa: F401

app_name = "safety"
urlpatterns: list = []
