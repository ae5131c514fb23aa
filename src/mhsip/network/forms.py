"""Forms of the safety network, on the NHS.UK design-system patterns (each message says which
field and why; dates as day, month and year; times as 24-hour hours and minutes)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone

from mhsip.accounts.models import User
from mhsip.accounts.roles import Role
from mhsip.network import materials
from mhsip.network.codes import (
    AccessNeed,
    Category,
    ConsentMethod,
    ContactStatus,
    ContactTopic,
    InvolvementRole,
    MaterialKind,
    RegistrationStatus,
)
from mhsip.network.contact import HONEYPOT_FIELD
from mhsip.network.models import Meeting, NetworkMember, Registration
from mhsip.network.services import RATING_LABELS
from mhsip.safety.forms import DatePartsField

TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")
PHONE = re.compile(r"^\+?[0-9 ()-]{6,30}$")


class AnyDateField(DatePartsField):
    """A day-month-year date that may lie in the future (a meeting's date)."""

    def validate(self, value: Any) -> None:
        if value is None and self.required:
            raise forms.ValidationError(f"Enter {self.noun}")


class PastDateField(DatePartsField):
    """A day-month-year date, today or earlier (the safety app's rule)."""


def time_field(label: str, noun: str) -> forms.CharField:
    return forms.CharField(
        max_length=5,
        label=label,
        help_text="24-hour clock, for example 10:00 or 14:30",
        error_messages={"required": f"Enter the {noun}"},
    )


def parse_time(value: str, noun: str) -> dt.time:
    match = TIME.match(value.strip())
    if match is None:
        raise forms.ValidationError(f"Enter the {noun} in 24-hour hours and minutes, like 14:30")
    return dt.time(int(match[1]), int(match[2]))


def money_field(label: str, noun: str, hint: str = "") -> forms.DecimalField:
    return forms.DecimalField(
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal("100000"),
        max_digits=8,
        decimal_places=2,
        label=label,
        help_text=hint or "In pounds. Enter 0 if none was offered; leave empty if not known.",
        error_messages={
            "invalid": f"Enter the {noun} in pounds, like 75 or 75.50",
            "min_value": f"The {noun} must be 0 or more",
            "max_value": f"The {noun} must be £100,000 or less",
            "max_decimal_places": f"Enter the {noun} to the nearest penny, like 75.50",
            "max_digits": f"The {noun} must be £100,000 or less",
        },
    )


# --- Members and consent ----------------------------------------------------------------------
class MemberDetailsForm(forms.Form):
    """A member's details. ``self_service``: the member fills it in about themselves."""

    name = forms.CharField(max_length=150, label="Full name")
    category = forms.ChoiceField(choices=Category.choices, label="Category")
    organisation = forms.CharField(
        required=False,
        max_length=200,
        label="Organisation (optional)",
        help_text="For example an NHS trust, a charity, a council or a police force.",
    )
    job_role = forms.CharField(
        required=False,
        max_length=200,
        label="Role (optional)",
        help_text="For example ward manager, peer support worker or commissioner.",
    )
    area = forms.CharField(
        required=False,
        max_length=100,
        label="Area (optional)",
        help_text="A town, city or county, so members can find people near them.",
    )
    email = forms.EmailField(
        required=False,
        max_length=254,
        label="Email address (optional)",
        help_text="Used to confirm meeting places and tell you about the network.",
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com"
        },
    )
    phone = forms.CharField(required=False, max_length=30, label="Phone number (optional)")

    def __init__(self, *args: Any, self_service: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.self_service = self_service
        whose = "your" if self_service else "the member's"
        self.fields["name"].error_messages["required"] = f"Enter {whose} full name"
        self.fields["category"].error_messages.update(
            {
                "required": "Select the category that best describes "
                + ("you" if self_service else "the member"),
                "invalid_choice": "Select one of the categories listed",
            }
        )
        if self_service:
            self.fields["category"].label = "Which best describes you?"
            self.fields["category"].help_text = (
                "Choose the one that fits best. People with lived experience and carers "
                "are at the heart of the network."
            )

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if phone and not PHONE.match(phone):
            raise forms.ValidationError(
                "Enter a phone number using only numbers, spaces, brackets, hyphens and a "
                "leading +, like 0113 496 0000"
            )
        return phone


LISTED_LABEL = "List me in the network directory"
CONTACT_LABEL = "Show my email address and phone number to other members"


class MyMembershipForm(MemberDetailsForm):
    """A signed-in user joins the network, or changes their details and consent."""

    consent_listed = forms.BooleanField(
        required=False,
        label=LISTED_LABEL,
        help_text="Other members will see your name, category, organisation, role and area.",
    )
    consent_contact = forms.BooleanField(
        required=False,
        label=CONTACT_LABEL,
        help_text="Shown only while you are also listed, so members can get in touch with you.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, self_service=True, **kwargs)


class ConsentFieldsMixin(forms.Form):
    consent_listed = forms.BooleanField(
        required=False, label="Consents to be listed in the network directory"
    )
    consent_contact = forms.BooleanField(
        required=False,
        label="Consents to other members seeing their email address and phone number",
    )
    consent_method = forms.ChoiceField(
        choices=ConsentMethod.choices,
        label="How was consent given or withdrawn?",
        error_messages={"required": "Select how consent was given or withdrawn"},
    )
    consent_date = PastDateField(
        noun="the date consent was given or withdrawn",
        label="When was consent given or withdrawn?",
        help_text="For example, 27 3 2026",
    )
    consent_note = forms.CharField(
        required=False,
        max_length=2000,
        label="Note (optional)",
        help_text="For example where the signed form is kept.",
        widget=forms.Textarea,
    )


def sign_in_choices(current: NetworkMember | None) -> list[tuple[str, str]]:
    """Users not yet linked to another member record."""
    users = User.objects.filter(is_active=True, network_member__isnull=True)
    if current is not None and current.user_id:
        users = users | User.objects.filter(pk=current.user_id)
    return [("", "No sign-in")] + [
        (str(u.pk), f"{u} ({u.username}, {Role(u.role).label})") for u in users.order_by("username")
    ]


class MemberForm(MemberDetailsForm):
    """An admin adds or changes a member (consent is recorded apart, with how it was given)."""

    user = forms.ChoiceField(
        required=False,
        label="Sign-in (optional)",
        help_text="Link the member's sign-in so they can register for meetings themselves.",
    )
    joined_on = PastDateField(noun="the date they joined", label="Date joined")
    left_on = PastDateField(
        noun="the date they left",
        required=False,
        label="Date left the network (optional)",
        help_text="A member who has left is no longer listed and cannot register.",
    )

    def __init__(self, *args: Any, member: NetworkMember | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.member = member
        self.fields["user"].choices = sign_in_choices(member)
        self.fields["user"].error_messages["invalid_choice"] = (
            "Select a sign-in that is not linked to another member"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        joined, left = data.get("joined_on"), data.get("left_on")
        if joined and left and left < joined:
            self.add_error("left_on", "The date they left must be on or after the date joined")
        user = data.get("user")
        data["user"] = User.objects.get(pk=int(user)) if user else None
        return data


class NewMemberForm(ConsentFieldsMixin, MemberForm):
    pass


class ConsentForm(ConsentFieldsMixin):
    """An admin records consent given or withdrawn on paper, by e-mail, phone or in person."""


# --- Meetings ----------------------------------------------------------------------------------
class MeetingForm(forms.Form):
    title = forms.CharField(
        max_length=200,
        label="Title",
        error_messages={"required": "Enter the meeting's title"},
    )
    date = AnyDateField(
        noun="the date of the meeting", label="Date", help_text="For example, 17 3 2027"
    )
    start_time = time_field("Start time", "start time")
    end_time = time_field("End time", "end time")
    venue = forms.CharField(
        required=False,
        max_length=2000,
        label="Place (optional if online)",
        help_text="The full address, and how to find the room.",
        widget=forms.Textarea,
    )
    online_url = forms.URLField(
        required=False,
        max_length=200,
        assume_scheme="https",
        label="Online joining link (optional if in person)",
        help_text="Shown only to people with a place.",
        error_messages={"invalid": "Enter the joining link as a web address, like https://…"},
    )
    capacity = forms.IntegerField(
        min_value=1,
        max_value=10_000,
        label="Places",
        help_text="When every place is taken, people join a waiting list.",
        error_messages={
            "required": "Enter the number of places",
            "invalid": "Enter the number of places as a whole number, like 60",
            "min_value": "There must be at least 1 place",
            "max_value": "There can be at most 10,000 places",
        },
    )
    agenda = forms.CharField(
        required=False, max_length=10_000, label="Agenda (optional)", widget=forms.Textarea
    )
    accessibility = forms.CharField(
        required=False,
        max_length=5000,
        label="Accessibility information (optional)",
        help_text="For example step-free access, the nearest accessible toilet, quiet space, "
        "BSL interpretation and parking.",
        widget=forms.Textarea,
    )
    easy_read = forms.CharField(
        required=False,
        max_length=5000,
        label="Easy-read summary (optional)",
        help_text="Short sentences and everyday words: what the meeting is for, when, where "
        "and what will happen.",
        widget=forms.Textarea,
    )

    def __init__(self, *args: Any, registered: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.registered = registered

    @classmethod
    def initial_for(cls, meeting: Meeting) -> dict[str, Any]:
        start, end = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
        return {
            "title": meeting.title,
            "date": start.date(),
            "start_time": f"{start:%H:%M}",
            "end_time": f"{end:%H:%M}",
            "venue": meeting.venue,
            "online_url": meeting.online_url,
            "capacity": meeting.capacity,
            "agenda": meeting.agenda,
            "accessibility": meeting.accessibility,
            "easy_read": meeting.easy_read,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start = end = None
        if data.get("start_time"):
            try:
                start = parse_time(data["start_time"], "start time")
            except forms.ValidationError as exc:
                self.add_error("start_time", exc)
        if data.get("end_time"):
            try:
                end = parse_time(data["end_time"], "end time")
            except forms.ValidationError as exc:
                self.add_error("end_time", exc)
        if start and end and end <= start:
            self.add_error("end_time", "The end time must be after the start time")
        day = data.get("date")
        if day and start and end and not self.errors.get("end_time"):
            data["starts_at"] = timezone.make_aware(dt.datetime.combine(day, start))
            data["ends_at"] = timezone.make_aware(dt.datetime.combine(day, end))
        if (
            not data.get("venue", "").strip()
            and not data.get("online_url")
            and "online_url" not in self.errors
        ):
            self.add_error("venue", "Enter the place, an online joining link, or both")
        capacity = data.get("capacity")
        if capacity is not None and capacity < self.registered:
            self.add_error(
                "capacity",
                f"There must be at least {self.registered} places: {self.registered} people "
                "already have a place. Cancel registrations first to reduce it further.",
            )
        return data


class RegistrationForm(forms.Form):
    access_needs = forms.MultipleChoiceField(
        required=False,
        choices=AccessNeed.choices,
        widget=forms.CheckboxSelectMultiple,
        label="Do you need any of these?",
        help_text="Select all that apply. We will do our best to arrange them.",
        error_messages={"invalid_choice": "Select only the access needs listed"},
    )
    access_needs_detail = forms.CharField(
        required=False,
        max_length=2000,
        label="Anything else we should know? (optional)",
        help_text="For example food you cannot eat, a support worker coming with you, or "
        "when you need breaks.",
        widget=forms.Textarea,
    )

    def __init__(self, *args: Any, for_someone_else: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if for_someone_else:
            self.fields["access_needs"].label = "Do they need any of these?"
            self.fields["access_needs"].help_text = "Select all that apply."
            self.fields[
                "access_needs_detail"
            ].help_text = "For example food they cannot eat, or a support worker coming with them."

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (
            AccessNeed.DIETARY in data.get("access_needs", [])
            and not data.get("access_needs_detail", "").strip()
        ):
            self.add_error(
                "access_needs_detail", "Tell us about the dietary needs, so the caterers know"
            )
        return data


class AdminRegistrationForm(RegistrationForm):
    """An admin registers a member (for example someone without a sign-in)."""

    member = forms.ChoiceField(
        label="Member",
        help_text="Members who have left, or already have a place or a waiting-list place, "
        "are not listed.",
        error_messages={
            "required": "Select the member to register",
            "invalid_choice": "Select a member who is not already registered",
        },
    )
    field_order = ["member", "access_needs", "access_needs_detail"]

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, for_someone_else=True, **kwargs)
        taken = meeting.registrations.exclude(status=RegistrationStatus.CANCELLED).values(
            "member_id"
        )
        members = NetworkMember.objects.filter(left_on__isnull=True).exclude(pk__in=taken)
        self.fields["member"].choices = [("", "Select a member")] + [
            (str(m.pk), f"{m.name} ({m.get_category_display()})") for m in members
        ]

    def clean_member(self) -> NetworkMember:
        return NetworkMember.objects.get(pk=int(self.cleaned_data["member"]))


class AttendanceForm(forms.Form):
    attended = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Who came?",
        help_text="Tick everyone who came. People left unticked are marked as not attending.",
    )

    def __init__(self, *args: Any, registrations: list[Registration], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = [(str(r.pk), r.member.name) for r in registrations]
        self.fields["attended"].error_messages["invalid_choice"] = (
            "Tick only people who have a place at this meeting"
        )

    def attended_ids(self) -> set[int]:
        return {int(pk) for pk in self.cleaned_data["attended"]}


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        coerce=int,
        choices=[(str(r), f"{r} – {RATING_LABELS[r]}") for r in range(5, 0, -1)],
        label="Overall, how was the meeting?",
        error_messages={"required": "Select a rating from 1 (very poor) to 5 (very good)"},
    )
    comments = forms.CharField(
        required=False,
        max_length=4000,
        label="What went well, and what could be better? (optional)",
        help_text="Your feedback is shared with the team without your name.",
        widget=forms.Textarea,
    )


class MaterialForm(forms.Form):
    title = forms.CharField(
        max_length=200, label="Title", error_messages={"required": "Enter a title for the file"}
    )
    kind = forms.ChoiceField(
        choices=MaterialKind.choices,
        label="What is it?",
        error_messages={"required": "Select what the file is"},
    )
    file = forms.FileField(
        label="Upload a file",
        help_text=f"{materials.ALLOWED_TEXT}, up to "
        f"{materials.MAX_MATERIAL_BYTES // (1024 * 1024)} MB.",
        error_messages={
            "required": "Select a file to upload",
            "empty": "The selected file is empty",
            "invalid": "Select a file to upload",
        },
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        materials.check_upload(upload)
        return upload


class InvolvementForm(forms.Form):
    meeting = forms.ChoiceField(
        required=False,
        label="Meeting (optional)",
        help_text="Leave empty for involvement outside a network meeting, and say what it was "
        "below.",
    )
    date = PastDateField(noun="the date of the involvement", label="Date")
    role = forms.ChoiceField(
        choices=InvolvementRole.choices,
        label="Co-production role",
        error_messages={"required": "Select the role they took"},
    )
    activity = forms.CharField(
        required=False,
        max_length=300,
        label="What did they do?",
        help_text="For example co-chaired the morning session, or reviewed the easy-read agenda.",
    )
    hours = forms.DecimalField(
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal("999"),
        max_digits=5,
        decimal_places=2,
        label="Hours of involvement",
        help_text="Include preparation time. Leave empty if not known.",
        error_messages={
            "invalid": "Enter the hours as a number, like 4 or 3.5",
            "min_value": "The hours must be 0 or more",
            "max_value": "The hours must be 999 or fewer",
            "max_decimal_places": "Enter the hours to at most 2 decimal places, like 3.25",
        },
    )
    payment_offered = money_field("Payment offered", "payment offered")
    expenses_offered = money_field(
        "Expenses offered",
        "expenses offered",
        "Travel, care and support costs, in pounds. Enter 0 if none; leave empty if not known.",
    )
    payment_note = forms.CharField(
        required=False,
        max_length=2000,
        label="Payment note (optional)",
        help_text="For example that a payment was declined, or how it was made.",
        widget=forms.Textarea,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        meetings = Meeting.objects.order_by("-starts_at")[:30]
        self.fields["meeting"].choices = [("", "Not a network meeting")] + [
            (str(m.pk), str(m)) for m in meetings
        ]
        self.fields["meeting"].error_messages["invalid_choice"] = "Select a meeting from the list"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        pk = data.get("meeting")
        data["meeting"] = Meeting.objects.get(pk=int(pk)) if pk else None
        if data["meeting"] is None and not data.get("activity", "").strip():
            self.add_error("activity", "Say what they did, as it was not a network meeting")
        return data


# --- Get in touch and triage ----------------------------------------------------------------------
class ContactForm(forms.Form):
    name = forms.CharField(
        max_length=150, label="Your name", error_messages={"required": "Enter your name"}
    )
    email = forms.EmailField(
        max_length=254,
        label="Your email address",
        help_text="We will only use this to reply to you.",
        error_messages={
            "required": "Enter your email address, so we can reply",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
    organisation = forms.CharField(required=False, max_length=200, label="Organisation (optional)")
    topic = forms.ChoiceField(
        choices=ContactTopic.choices,
        label="What is your message about?",
        error_messages={"required": "Select what your message is about"},
    )
    message = forms.CharField(
        max_length=5000,
        label="Your message",
        help_text="Please do not include details about a patient's care or health.",
        widget=forms.Textarea,
        error_messages={
            "required": "Enter your message",
            "max_length": "Your message must be 5,000 characters or fewer",
        },
    )
    website = forms.CharField(required=False, label="Leave this empty")  # the honeypot

    def honeypot(self) -> str:
        return str(self.data.get(HONEYPOT_FIELD, ""))


class TriageForm(forms.Form):
    status = forms.ChoiceField(
        choices=ContactStatus.choices,
        label="Status",
        error_messages={"required": "Select the status"},
    )
    assigned_to = forms.ChoiceField(
        required=False,
        label="Assigned to",
        error_messages={"invalid_choice": "Select a collaborative admin from the list"},
    )
    note = forms.CharField(
        required=False,
        max_length=5000,
        label="Note",
        help_text="For the team only, for example what was done and when. Changes are kept "
        "in the audit log.",
        widget=forms.Textarea,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        admins = User.objects.filter(is_active=True, role=Role.COLLABORATIVE_ADMIN).order_by(
            "first_name", "username"
        )
        self.fields["assigned_to"].choices = [("", "Nobody yet")] + [
            (str(u.pk), f"{u} ({u.username})") for u in admins
        ]

    def clean_assigned_to(self) -> User | None:
        pk = self.cleaned_data["assigned_to"]
        return User.objects.get(pk=int(pk)) if pk else None
