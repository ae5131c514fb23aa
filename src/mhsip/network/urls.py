"""Routes of the network app (namespace "network"), mounted at the site root by mhsip.urls.

``/contact/`` and ``/contact/sent/`` are public; everything under ``/network/`` needs a sign-in.
"""

from django.urls import path

from mhsip.network import views

app_name = "network"
urlpatterns = [
    path("contact/", views.contact, name="contact"),
    path("contact/sent/", views.contact_sent, name="contact-sent"),
    path("network/", views.home, name="home"),
    path("network/me/", views.me, name="me"),
    path("network/meetings/", views.meeting_list, name="meeting-list"),
    path("network/meetings/new/", views.meeting_form, name="meeting-new"),
    path("network/meetings/<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("network/meetings/<int:pk>/edit/", views.meeting_form, name="meeting-edit"),
    path("network/meetings/<int:pk>/register/", views.meeting_register, name="meeting-register"),
    path("network/meetings/<int:pk>/cancel/", views.meeting_cancel, name="meeting-cancel"),
    path(
        "network/meetings/<int:pk>/registrations/",
        views.meeting_registrations,
        name="meeting-registrations",
    ),
    path(
        "network/meetings/<int:pk>/attendance/",
        views.meeting_attendance,
        name="meeting-attendance",
    ),
    path("network/meetings/<int:pk>/feedback/", views.meeting_feedback, name="meeting-feedback"),
    path(
        "network/meetings/<int:pk>/feedback/summary/",
        views.feedback_summary,
        name="feedback-summary",
    ),
    path("network/meetings/<int:pk>/materials/new/", views.material_new, name="material-new"),
    path("network/materials/<int:pk>/", views.material_download, name="material-download"),
    path("network/materials/<int:pk>/delete/", views.material_delete, name="material-delete"),
    path("network/members/", views.member_list, name="member-list"),
    path("network/members/new/", views.member_new, name="member-new"),
    path("network/members/<int:pk>/", views.member_detail, name="member-detail"),
    path("network/members/<int:pk>/edit/", views.member_edit, name="member-edit"),
    path("network/members/<int:pk>/consent/", views.member_consent, name="member-consent"),
    path(
        "network/members/<int:pk>/involvement/new/",
        views.involvement_new,
        name="involvement-new",
    ),
    path("network/involvement/", views.involvement_list, name="involvement-list"),
    path("network/contact/", views.contact_triage, name="contact-triage"),
    path("network/contact/<int:pk>/", views.contact_detail, name="contact-detail"),
]
