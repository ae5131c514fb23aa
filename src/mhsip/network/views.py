"""Pages of the safety network: its home, meetings, the directory, a member's own details,
the admins' management pages, and the public "Get in touch" form with its triage.

Who may open what is decided in :mod:`mhsip.network.permissions`; the rules are in
:mod:`mhsip.network.services`, :mod:`~mhsip.network.contact` and :mod:`~mhsip.network.materials`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from mhsip.network import contact as contact_rules
from mhsip.network import services
from mhsip.network.codes import Category, ContactStatus, RegistrationStatus
from mhsip.network.forms import (
    AdminRegistrationForm,
    AttendanceForm,
    ConsentForm,
    ContactForm,
    FeedbackForm,
    InvolvementForm,
    MaterialForm,
    MeetingForm,
    MemberForm,
    MyMembershipForm,
    NewMemberForm,
    RegistrationForm,
    TriageForm,
)
from mhsip.network.materials import delete_material, save_material
from mhsip.network.models import (
    ContactRequest,
    Involvement,
    Material,
    Meeting,
    NetworkMember,
    Registration,
)
from mhsip.network.permissions import (
    is_network_admin,
    is_participant,
    member_for,
    require_network_admin,
    require_participant,
)
from mhsip.network.services import MEMBER_DETAIL_FIELDS, RegistrationError

GET_POST = require_http_methods(["GET", "POST"])


# --- The network's home and meetings ---------------------------------------------------------
def home(request: HttpRequest) -> HttpResponse:
    member = member_for(request.user)
    mine = []
    if member is not None:
        mine = list(
            member.registrations.filter(
                status__in=services.ACTIVE_STATUSES, meeting__ends_at__gt=timezone.now()
            ).select_related("meeting")
        )
    admin = is_network_admin(request.user)
    return render(
        request,
        "network/home.html",
        {
            "member": member,
            "participant": is_participant(request.user),
            "admin": admin,
            "upcoming": services.upcoming_meetings()[:3],
            "mine": mine,
            "triage": contact_rules.triage_counts() if admin else None,
        },
    )


def meeting_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "network/meeting_list.html",
        {
            "upcoming": services.upcoming_meetings(),
            "past": services.past_meetings()[:12],
            "admin": is_network_admin(request.user),
        },
    )


def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(services.with_counts(Meeting.objects.all()), pk=pk)
    member = member_for(request.user)
    registration = services.registration_for(meeting, member)
    admin = is_network_admin(request.user)
    has_place = registration is not None and registration.status == RegistrationStatus.REGISTERED
    return render(
        request,
        "network/meeting_detail.html",
        {
            "meeting": meeting,
            "member": member,
            "registration": registration,
            "places_left": max(0, meeting.capacity - meeting.registered),
            "started": meeting.has_started(),
            "ended": meeting.has_ended(),
            "show_link": admin or has_place,
            "participant": is_participant(request.user),
            "materials": meeting.materials.all(),
            "may_give_feedback": services.may_give_feedback(registration),
            "admin": admin,
        },
    )


@GET_POST
def meeting_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require_network_admin(request.user)
    meeting = get_object_or_404(Meeting, pk=pk) if pk else None
    registered = services.places_taken(meeting) if meeting else 0
    if request.method == "POST":
        form = MeetingForm(request.POST, registered=registered)
        if form.is_valid():
            meeting = save_meeting(meeting, form.cleaned_data)
            messages.success(request, f"The meeting ‘{meeting.title}’ has been saved.")
            return redirect("network:meeting-detail", pk=meeting.pk)
    else:
        initial = MeetingForm.initial_for(meeting) if meeting else {"capacity": 60}
        form = MeetingForm(initial=initial, registered=registered)
    return render(request, "network/meeting_form.html", {"form": form, "meeting": meeting})


def save_meeting(meeting: Meeting | None, data: dict[str, Any]) -> Meeting:
    """Create or update a meeting; new places go to the people waiting."""
    meeting = meeting or Meeting()
    for name in ("title", "starts_at", "ends_at", "venue", "online_url", "capacity"):
        setattr(meeting, name, data[name])
    for name in ("agenda", "accessibility", "easy_read"):
        setattr(meeting, name, data[name])
    meeting.save()
    services.fill_places(meeting)
    return meeting


@GET_POST
def meeting_register(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk)
    member = member_for(request.user)
    if member is None:
        messages.info(request, "Join the safety network first, then register for meetings.")
        return redirect("network:me")
    if meeting.has_started():
        messages.info(request, "Registration has closed: this meeting has already started.")
        return redirect("network:meeting-detail", pk=meeting.pk)
    existing = services.registration_for(meeting, member)
    active = existing is not None and existing.status in services.ACTIVE_STATUSES
    if request.method == "POST":
        form = RegistrationForm(request.POST)
        if form.is_valid():
            outcome = services.register(meeting, member, **form.cleaned_data)
            messages.success(request, registration_message(outcome))
            return redirect("network:meeting-detail", pk=meeting.pk)
    else:
        initial = (
            {
                "access_needs": existing.access_needs,
                "access_needs_detail": existing.access_needs_detail,
            }
            if active and existing
            else {}
        )
        form = RegistrationForm(initial=initial)
    context = {"form": form, "meeting": meeting, "member": member, "active": active}
    context["places_left"] = services.places_left(meeting)
    return render(request, "network/meeting_register.html", context)


def registration_message(outcome: services.RegistrationOutcome) -> str:
    registration = outcome.registration
    title = registration.meeting.title
    if not outcome.created:
        return f"Your access needs for ‘{title}’ have been updated."
    if registration.status == RegistrationStatus.REGISTERED:
        return f"You are registered for ‘{title}’. We have sent you a confirmation."
    return (
        f"‘{title}’ is full, so you are number {registration.waiting_position()} on the waiting "
        "list. We will e-mail you if a place becomes free."
    )


@GET_POST
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk)
    registration = services.registration_for(meeting, member_for(request.user))
    if registration is None or registration.status == RegistrationStatus.CANCELLED:
        messages.info(request, "You are not registered for this meeting.")
        return redirect("network:meeting-detail", pk=meeting.pk)
    if request.method == "POST":
        try:
            services.cancel(registration)
        except RegistrationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Your registration for ‘{meeting.title}’ is cancelled.")
        return redirect("network:meeting-detail", pk=meeting.pk)
    return render(
        request, "network/meeting_cancel.html", {"meeting": meeting, "registration": registration}
    )


@GET_POST
def meeting_registrations(request: HttpRequest, pk: int) -> HttpResponse:
    require_network_admin(request.user)
    meeting = get_object_or_404(services.with_counts(Meeting.objects.all()), pk=pk)
    form = AdminRegistrationForm(meeting=meeting)
    if request.method == "POST":
        form, done = admin_registration_post(request, meeting)
        if done:
            return redirect("network:meeting-registrations", pk=meeting.pk)
    registrations = meeting.registrations.select_related("member").order_by("status", "queued_at")
    return render(
        request,
        "network/meeting_registrations.html",
        {
            "meeting": meeting,
            "form": form,
            "registrations": registrations,
            "needs": services.access_needs_summary(meeting),
            "started": meeting.has_started(),
        },
    )


def admin_registration_post(
    request: HttpRequest, meeting: Meeting
) -> tuple[AdminRegistrationForm, bool]:
    """An admin registers a member, or cancels a registration ("action" says which)."""
    if request.POST.get("action") == "cancel":
        pk = request.POST.get("registration", "")
        registration = get_object_or_404(
            Registration, pk=int(pk) if pk.isdigit() else 0, meeting=meeting
        )
        try:
            promoted = services.cancel(registration)
        except RegistrationError as exc:
            messages.error(request, str(exc))
        else:
            moved = f" {promoted[0].member.name} moved off the waiting list." if promoted else ""
            messages.success(
                request, f"{registration.member.name}'s registration is cancelled.{moved}"
            )
        return AdminRegistrationForm(meeting=meeting), True
    form = AdminRegistrationForm(request.POST, meeting=meeting)
    if not form.is_valid():
        return form, False
    data = form.cleaned_data
    try:
        outcome = services.register(
            meeting,
            data["member"],
            access_needs=data["access_needs"],
            access_needs_detail=data["access_needs_detail"],
        )
    except RegistrationError as exc:
        form.add_error(None, str(exc))
        return form, False
    where = (
        "has a place" if outcome.registration.status == "registered" else "is on the waiting list"
    )
    messages.success(request, f"{data['member'].name} {where}.")
    return form, True


@GET_POST
def meeting_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    require_network_admin(request.user)
    meeting = get_object_or_404(Meeting, pk=pk)
    registrations = list(
        meeting.registrations.filter(status=RegistrationStatus.REGISTERED)
        .select_related("member")
        .order_by("member__name")
    )
    came = [str(r.pk) for r in registrations if r.attended]
    form = AttendanceForm(initial={"attended": came}, registrations=registrations)
    if request.method == "POST" and meeting.has_started():
        form = AttendanceForm(request.POST, registrations=registrations)
        if form.is_valid():
            services.mark_attendance(meeting, form.attended_ids())
            messages.success(request, f"Attendance at ‘{meeting.title}’ has been saved.")
            return redirect("network:meeting-detail", pk=meeting.pk)
    return render(
        request,
        "network/meeting_attendance.html",
        {
            "meeting": meeting,
            "form": form,
            "registrations": registrations,
            "started": meeting.has_started(),
        },
    )


@GET_POST
def meeting_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk)
    registration = services.registration_for(meeting, member_for(request.user))
    if registration is None or not services.may_give_feedback(registration):
        raise PermissionDenied("Feedback is for people who came, once the meeting has ended.")
    existing = getattr(registration, "feedback", None)
    if request.method == "POST":
        form = FeedbackForm(request.POST)
        if form.is_valid():
            services.save_feedback(registration, **form.cleaned_data)
            messages.success(request, "Thank you for your feedback.")
            return redirect("network:meeting-detail", pk=meeting.pk)
    else:
        initial = (
            {"rating": str(existing.rating), "comments": existing.comments} if existing else {}
        )
        form = FeedbackForm(initial=initial)
    return render(request, "network/meeting_feedback.html", {"meeting": meeting, "form": form})


def feedback_summary(request: HttpRequest, pk: int) -> HttpResponse:
    require_network_admin(request.user)
    meeting = get_object_or_404(Meeting, pk=pk)
    return render(
        request,
        "network/feedback_summary.html",
        {
            "meeting": meeting,
            "summary": services.feedback_summary(meeting),
            "labels": services.RATING_LABELS,
        },
    )


# --- Materials ---------------------------------------------------------------------------------
@GET_POST
def material_new(request: HttpRequest, pk: int) -> HttpResponse:
    require_network_admin(request.user)
    meeting = get_object_or_404(Meeting, pk=pk)
    form = MaterialForm()
    if request.method == "POST":
        form = MaterialForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            save_material(meeting, title=data["title"], kind=data["kind"], upload=data["file"])
            messages.success(request, f"‘{data['title']}’ is now shared with the network.")
            return redirect("network:meeting-detail", pk=meeting.pk)
    return render(request, "network/material_form.html", {"meeting": meeting, "form": form})


def material_download(request: HttpRequest, pk: int) -> FileResponse:
    require_participant(request.user)
    material = get_object_or_404(Material, pk=pk)
    try:
        handle = material.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is no longer available") from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=material.original_name,
        content_type=material.content_type,
    )


@GET_POST
def material_delete(request: HttpRequest, pk: int) -> HttpResponse:
    require_network_admin(request.user)
    material = get_object_or_404(Material.objects.select_related("meeting"), pk=pk)
    if request.method == "POST":
        meeting = material.meeting
        delete_material(material)
        messages.success(request, f"‘{material.title}’ has been removed.")
        return redirect("network:meeting-detail", pk=meeting.pk)
    return render(request, "network/material_delete.html", {"material": material})


# --- The directory and members ---------------------------------------------------------------
def member_list(request: HttpRequest) -> HttpResponse:
    require_participant(request.user)
    category = request.GET.get("category", "")
    query = request.GET.get("q", "").strip()[:100]
    return render(
        request,
        "network/member_list.html",
        {
            "entries": services.directory(request.user, category=category, query=query),
            "category": category if category in Category.values else "",
            "categories": Category.choices,
            "query": query,
            "admin": is_network_admin(request.user),
        },
    )


@GET_POST
def member_new(request: HttpRequest) -> HttpResponse:
    require_network_admin(request.user)
    form = NewMemberForm(request.POST or None, initial={"joined_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        member = create_member(form.cleaned_data)
        messages.success(request, f"{member.name} has been added to the network.")
        return redirect("network:member-detail", pk=member.pk)
    return render(request, "network/member_form.html", {"form": form, "member": None})


def create_member(data: dict[str, Any]) -> NetworkMember:
    member = NetworkMember(
        user=data["user"],
        joined_on=data["joined_on"],
        left_on=data.get("left_on"),
        **{k: data[k] for k in MEMBER_DETAIL_FIELDS},
    )
    member.save(audit_reason="added by an admin")
    services.record_consent(
        member,
        listed=data["consent_listed"],
        contact=data["consent_contact"],
        given_on=data["consent_date"],
        method=data["consent_method"],
        note=data["consent_note"],
    )
    return member


def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_network_admin(request.user)
    member = get_object_or_404(NetworkMember.objects.select_related("user"), pk=pk)
    involvements = member.involvements.select_related("meeting")
    return render(
        request,
        "network/member_detail.html",
        {
            "member": member,
            "consents": member.consents.all(),
            "registrations": member.registrations.select_related("meeting").order_by(
                "-meeting__starts_at"
            ),
            "involvements": involvements,
            "totals": services.involvement_totals(involvements),
        },
    )


@GET_POST
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_network_admin(request.user)
    member = get_object_or_404(NetworkMember, pk=pk)
    initial = {
        name: getattr(member, name) for name in (*MEMBER_DETAIL_FIELDS, "joined_on", "left_on")
    }
    initial["user"] = str(member.user_id or "")
    form = MemberForm(request.POST or None, initial=initial, member=member)
    if request.method == "POST" and form.is_valid():
        for name in (*MEMBER_DETAIL_FIELDS, "user", "joined_on", "left_on"):
            setattr(member, name, form.cleaned_data[name])
        member.save(audit_reason="changed by an admin")
        messages.success(request, f"{member.name}'s details have been saved.")
        return redirect("network:member-detail", pk=member.pk)
    return render(request, "network/member_form.html", {"form": form, "member": member})


@GET_POST
def member_consent(request: HttpRequest, pk: int) -> HttpResponse:
    require_network_admin(request.user)
    member = get_object_or_404(NetworkMember, pk=pk)
    initial = {"consent_listed": member.consent_listed, "consent_contact": member.consent_contact}
    form = ConsentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.record_consent(
            member,
            listed=data["consent_listed"],
            contact=data["consent_contact"],
            given_on=data["consent_date"],
            method=data["consent_method"],
            note=data["consent_note"],
        )
        messages.success(request, f"{member.name}'s consent has been recorded.")
        return redirect("network:member-detail", pk=member.pk)
    return render(request, "network/member_consent.html", {"form": form, "member": member})


@GET_POST
def involvement_new(request: HttpRequest, pk: int) -> HttpResponse:
    require_network_admin(request.user)
    member = get_object_or_404(NetworkMember, pk=pk)
    form = InvolvementForm(request.POST or None, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        Involvement(member=member, **form.cleaned_data).save(audit_reason="involvement recorded")
        messages.success(request, f"{member.name}'s involvement has been recorded.")
        return redirect("network:member-detail", pk=member.pk)
    return render(request, "network/involvement_form.html", {"form": form, "member": member})


def involvement_list(request: HttpRequest) -> HttpResponse:
    require_network_admin(request.user)
    records = Involvement.objects.select_related("member", "meeting")
    return render(
        request,
        "network/involvement_list.html",
        {
            "totals": services.involvement_totals(records),
            "by_meeting": services.involvement_by_meeting(records),
            "records": records[:50],
        },
    )


@GET_POST
def me(request: HttpRequest) -> HttpResponse:
    """The signed-in user's own membership: join the network (or rejoin after leaving), or
    change their details and consent."""
    member = NetworkMember.objects.filter(user=request.user).first()
    if request.method == "POST":
        form = MyMembershipForm(request.POST)
        if form.is_valid():
            if member is None:
                services.join_network(request.user, form.cleaned_data)
                messages.success(request, "Welcome to the safety network.")
                return redirect("network:home")
            rejoined = not member.is_active
            services.update_own_details(member, form.cleaned_data)
            messages.success(
                request,
                "Welcome back to the safety network."
                if rejoined
                else "Your details have been saved.",
            )
            return redirect("network:me")
    else:
        form = MyMembershipForm(initial=my_initial(request.user, member))
    return render(request, "network/me.html", {"form": form, "member": member})


def my_initial(user: Any, member: NetworkMember | None) -> dict[str, Any]:
    if member is None:
        return {"name": user.get_full_name(), "email": user.email}
    initial = {name: getattr(member, name) for name in MEMBER_DETAIL_FIELDS}
    initial.update(consent_listed=member.consent_listed, consent_contact=member.consent_contact)
    return initial


# --- Get in touch (public) and triage ---------------------------------------------------------
@login_not_required
@GET_POST
def contact(request: HttpRequest) -> HttpResponse:
    form = ContactForm(request.POST or None)
    if request.method != "POST":
        return render(request, "network/contact.html", {"form": form})
    if form.honeypot().strip():
        return redirect("network:contact-sent")  # silently dropped: bots learn nothing
    ip = contact_rules.client_ip(request)
    if contact_rules.is_rate_limited(ip):
        context = {"form": form, "limited": True, "limit": contact_rules.rate_limit()}
        return render(request, "network/contact.html", context, status=429)
    if not form.is_valid():
        return render(request, "network/contact.html", {"form": form})
    contact_rules.count_message(ip)
    contact_rules.submit(form.cleaned_data, honeypot=form.honeypot())
    return redirect("network:contact-sent")


@login_not_required
def contact_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "network/contact_sent.html")


def contact_triage(request: HttpRequest) -> HttpResponse:
    require_network_admin(request.user)
    status = request.GET.get("status", "open")
    requests = ContactRequest.objects.select_related("assigned_to")
    if status in ContactStatus.values:
        requests = requests.filter(status=status)
    elif status != "all":
        status = "open"
        requests = requests.exclude(status=ContactStatus.CLOSED)
    return render(
        request,
        "network/contact_triage.html",
        {"requests": requests[:200], "status": status, "counts": contact_rules.triage_counts()},
    )


@GET_POST
def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_network_admin(request.user)
    item = get_object_or_404(ContactRequest.objects.select_related("assigned_to"), pk=pk)
    initial = {
        "status": item.status,
        "assigned_to": str(item.assigned_to_id or ""),
        "note": item.note,
    }
    form = TriageForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if contact_rules.update_triage(item, **form.cleaned_data):
            messages.success(request, f"Contact request {item.pk} has been updated.")
        return redirect("network:contact-triage")
    return render(request, "network/contact_detail.html", {"item": item, "form": form})
