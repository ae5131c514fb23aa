"""Routes of the monitoring app (namespace "monitoring"), mounted at the site root."""

from django.urls import path

from mhsip.monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("monitoring/sexual-safety/", views.sexual_safety, name="sexual-safety"),
    path("monitoring/sexual-safety/<str:code>/", views.sexual_safety, name="sexual-safety-ward"),
    path("monitoring/awol/", views.awol, name="awol"),
    path("monitoring/awol/<str:code>/", views.awol, name="awol-ward"),
]
