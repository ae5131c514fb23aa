"""Code lists of the safety network.

Categories follow the programme's network (issue 6 item 7; synthetic-data brief "Network"; the
keys match ``DemoParameters.network_category_share``). Co-production roles and the involvement
record follow landscape brief §4 item 8 ("lived-experience involvement is built in:
co-production roles, plain-language and easy-read summaries, and recording of involvement and
payment").
"""

from __future__ import annotations

from django.db import models


class Category(models.TextChoices):
    LIVED_EXPERIENCE = "lived_experience", "Lived experience"
    CARER = "carer", "Carer, family member or friend"
    CLINICAL_STAFF = "clinical_staff", "Clinical staff"
    MANAGERIAL_STAFF = "managerial_staff", "Managerial staff"
    NHS_PROVIDER = "nhs_provider", "NHS provider"
    INDEPENDENT_PROVIDER = "independent_provider", "Independent provider"
    PRIVATE_PROVIDER = "private_provider", "Private provider"
    COMMISSIONER = "commissioner", "Commissioner"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    VOLUNTARY_SECTOR = "voluntary_sector", "Voluntary sector"
    POLICE = "police", "Police"
    EMERGENCY_SERVICES = "emergency_services", "Emergency services"


class ConsentMethod(models.TextChoices):
    """How a member gave (or withdrew) consent: UK GDPR Art. 7(1) asks the controller to be
    able to show that consent was given."""

    ONLINE = "online", "Online, by the member in this service"
    PAPER = "paper", "Signed paper form"
    EMAIL = "email", "By email"
    PHONE = "phone", "By phone"
    IN_PERSON = "in_person", "In person"


class AccessNeed(models.TextChoices):
    STEP_FREE = "step_free", "Step-free access"
    BSL = "bsl", "British Sign Language (BSL) interpreter"
    HEARING_LOOP = "hearing_loop", "Hearing loop"
    EASY_READ = "easy_read", "Easy-read materials"
    QUIET_ROOM = "quiet_room", "A quiet room to take a break"
    DIETARY = "dietary", "Dietary needs (tell us more below)"


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", "Registered"
    WAITING = "waiting", "On the waiting list"
    CANCELLED = "cancelled", "Cancelled"


class MaterialKind(models.TextChoices):
    SLIDES = "slides", "Slides"
    STORYBOARD = "storyboard", "Storyboard"
    AGENDA = "agenda", "Agenda"
    EASY_READ = "easy_read", "Easy-read version"
    NOTES = "notes", "Notes or actions"
    OTHER = "other", "Other"


class InvolvementRole(models.TextChoices):
    """Co-production roles a person with lived experience (or a carer) may take."""

    CO_CHAIR = "co_chair", "Co-chair"
    CO_FACILITATOR = "co_facilitator", "Co-facilitator"
    SPEAKER = "speaker", "Speaker, sharing their experience"
    CO_DESIGNER = "co_designer", "Co-designer of materials or change ideas"
    REVIEWER = "reviewer", "Reviewer of materials (including easy read)"
    PANEL = "panel", "Lived-experience panel member"
    PARTICIPANT = "participant", "Participant"


class ContactTopic(models.TextChoices):
    JOIN = "join", "Joining the safety network"
    MEETINGS = "meetings", "Network meetings"
    LIVED_EXPERIENCE = (
        "lived_experience",
        "Getting involved as a person with lived experience or a carer",
    )
    SHARING = "sharing", "Sharing learning or a change idea"
    DATA = "data", "The programme's data or measures"
    OTHER = "other", "Something else"


class ContactStatus(models.TextChoices):
    NEW = "new", "New"
    IN_PROGRESS = "in_progress", "In progress"
    CLOSED = "closed", "Closed"
