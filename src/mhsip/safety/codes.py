"""Code lists for sexual-safety, AWOL and inpatient-death records (domain brief §6, §7)."""

from __future__ import annotations

from django.db import models


class SexualSafetyCategory(models.TextChoices):
    """CQC 2018 "Sexual safety on mental health wards" categories (the residual categories
    were not retrieved: UNVERIFIED, kept as 'other')."""

    NUDITY_EXPOSURE = "nudity_exposure", "Nudity or exposure"
    SEXUAL_ASSAULT = "sexual_assault", "Alleged sexual assault"
    VERBAL = "verbal", "Verbal abuse using sexual words"
    RAPE = "rape", "Alleged rape"
    HARASSMENT = "harassment", "Sexual harassment"
    OTHER = "other", "Other sexual incident"


class PersonRole(models.TextChoices):
    PATIENT = "patient", "Patient"
    STAFF = "staff", "Member of staff"
    VISITOR = "visitor", "Visitor"
    OTHER = "other", "Other person"
    UNKNOWN = "unknown", "Not known"


class Harm(models.TextChoices):
    """NRLS / LFPSE harm grading."""

    NONE = "none", "No harm"
    LOW = "low", "Low harm"
    MODERATE = "moderate", "Moderate harm"
    SEVERE = "severe", "Severe harm"
    DEATH = "death", "Death"


class LeaveStatus(models.TextChoices):
    """NCISH in-patient status categories (domain brief §7)."""

    ON_WARD = "on_ward", "On the ward"
    AGREED_LEAVE = "agreed_leave", "On agreed leave"
    AWOL = "awol", "Absent without leave (AWOL)"


class AwolKind(models.TextChoices):
    ABSCONDED = "absconded", "Left the ward without agreement"
    ESCORTED = "escorted", "Absconded from escorted leave"
    FAILED_RETURN = "failed_return", "Failed to return from agreed leave"


class AwolOutcome(models.TextChoices):
    RETURNED_SAFE = "returned_safe", "Returned safely"
    RETURNED_BY_POLICE = "returned_police", "Returned by police"
    SELF_HARM = "self_harm", "Self-harm while absent"
    HARM_TO_OTHERS = "harm_others", "Harm to others while absent"
    DEATH = "death", "Died while absent"
    STILL_MISSING = "missing", "Still missing"


class ObservationLevel(models.TextChoices):
    GENERAL = "general", "General"
    INTERMITTENT = "intermittent", "Intermittent"
    WITHIN_EYESIGHT = "eyesight", "Within eyesight"
    ARMS_LENGTH = "arms_length", "Within arm's length"
    NOT_KNOWN = "not_known", "Not known"
