"""Routes of the imports app (namespace "imports"), mounted at the site root by mhsip.urls."""

from django.urls import path

from mhsip.imports import views

app_name = "imports"
urlpatterns = [
    path("imports/", views.job_list, name="job-list"),
    path("imports/new/", views.job_new, name="new"),
    path("imports/<int:pk>/", views.job_detail, name="job-detail"),
    path("imports/templates/<str:kind>.csv", views.template, name="template"),
]
