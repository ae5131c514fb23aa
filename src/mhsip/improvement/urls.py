"""Routes of the improvement app (namespace "improvement"), mounted at the site root."""

from django.urls import path

from mhsip.improvement import views

app_name = "improvement"
urlpatterns = [
    path("improvement/", views.overview, name="overview"),
    path("improvement/change-ideas/", views.catalogue, name="catalogue"),
    path("improvement/change-ideas/propose/", views.idea_propose, name="idea-propose"),
    path("improvement/change-ideas/<slug:slug>/", views.idea_detail, name="idea-detail"),
    path("improvement/calendar/", views.calendar_view, name="calendar"),
    path(
        "improvement/calendar/sessions/<int:pk>/attendance/",
        views.attendance_edit,
        name="attendance",
    ),
    path("improvement/progress/", views.progress_view, name="progress"),
    path(
        "improvement/collaboratives/<slug:slug>/",
        views.collaborative_project,
        name="collaborative-project",
    ),
    path(
        "improvement/collaboratives/<slug:slug>/edit/",
        views.collaborative_project_edit,
        name="collaborative-project-edit",
    ),
    path(
        "improvement/projects/<int:project_pk>/driver-diagram/new/",
        views.diagram_create,
        name="diagram-create",
    ),
    path("improvement/driver-diagrams/<int:pk>/", views.diagram_view, name="diagram"),
    path("improvement/driver-diagrams/<int:pk>/edit/", views.diagram_edit, name="diagram-edit"),
    path(
        "improvement/driver-diagrams/<int:pk>/boxes/<int:node_pk>/",
        views.node_edit,
        name="node-edit",
    ),
    path(
        "improvement/driver-diagrams/<int:pk>/boxes/<int:node_pk>/remove/",
        views.node_remove,
        name="node-remove",
    ),
    path("wards/<str:code>/improvement/", views.ward_project, name="ward-project"),
    path("wards/<str:code>/improvement/edit/", views.ward_project_edit, name="ward-project-edit"),
    path(
        "wards/<str:code>/improvement/change-ideas/new/",
        views.ward_idea_create,
        name="ward-idea-create",
    ),
    path("wards/<str:code>/pdsa/", views.pdsa_list, name="pdsa-list"),
    path("wards/<str:code>/pdsa/new/", views.pdsa_create, name="pdsa-create"),
    path("wards/<str:code>/pdsa/<int:pk>/", views.pdsa_detail, name="pdsa-detail"),
    path("wards/<str:code>/pdsa/<int:pk>/edit/", views.pdsa_edit, name="pdsa-edit"),
    path("wards/<str:code>/pdsa/<int:pk>/delete/", views.pdsa_delete, name="pdsa-delete"),
]
