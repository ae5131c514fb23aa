"""Routes of the recording app (namespace "recording"), mounted at the site root by mhsip.urls."""

from django.urls import path  # noqa: F401

app_name = "recording"
urlpatterns: list = []
