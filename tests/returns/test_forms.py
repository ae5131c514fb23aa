"""The weekly return form: zero is not missing, drafts may be partial, submissions may not
(unless the user says figures are not available and why), and the figures must add up."""

from __future__ import annotations

import datetime as dt

import pytest

from mhsip.organisations.models import Ward
from mhsip.returns.forms import WeeklyReturnForm, form_data_from_values
from mhsip.returns.models import COUNT_FIELDS

WARD = Ward(code="T-1", name="Test Ward", beds=20)
WEEK = dt.date(2025, 3, 10)
COMPLETE = {
    "occupied_bed_days": "133",
    "admissions": "2",
    "leave_days_included": "yes",
    "incident_level": "no",
    **{name: "0" for name in COUNT_FIELDS},
}


def form(data, **kwargs):
    return WeeklyReturnForm(data, ward=WARD, week_start=WEEK, **kwargs)


def test_an_empty_box_is_missing_and_zero_is_zero():
    f = form({**COMPLETE, "seclusion_count": "", "restraint_count": "0"})
    assert f.is_valid(), f.errors
    assert f.cleaned_data["seclusion_count"] is None
    assert f.cleaned_data["restraint_count"] == 0


def test_a_draft_may_leave_required_figures_empty():
    f = form({"leave_days_included": "no", "incident_level": "no"})
    assert f.is_valid(), f.errors
    assert "occupied_bed_days" in f.missing_fields() and "awol_count" in f.missing_fields()


def test_a_submission_with_empty_boxes_names_each_of_them():
    f = form({**COMPLETE, "admissions": "", "awol_count": ""}, submitting=True)
    assert not f.is_valid()
    assert set(f.errors) == {"admissions", "awol_count"}
    assert f.errors["awol_count"][0].startswith("Enter the number of AWOL episodes (0 if none)")


def test_a_submission_may_have_gaps_when_the_user_says_why():
    data = {
        **COMPLETE,
        "admissions": "",
        "figures_unavailable": "on",
        "unavailable_note": "Admissions system down all week",
    }
    assert form(data, submitting=True).is_valid()


def test_saying_figures_are_unavailable_needs_a_note():
    f = form({**COMPLETE, "admissions": "", "figures_unavailable": "on"}, submitting=True)
    assert not f.is_valid()
    assert f.errors["unavailable_note"] == [
        "Say which figures are not available this week, and why"
    ]


def test_a_ward_sending_incident_records_needs_no_counts_and_any_typed_are_dropped():
    data = {
        "occupied_bed_days": "100",
        "admissions": "1",
        "leave_days_included": "yes",
        "incident_level": "yes",
        "restraint_count": "4",
    }
    f = form(data, submitting=True)
    assert f.is_valid(), f.errors
    assert f.cleaned_data["restraint_count"] is None


def test_prone_restraints_cannot_exceed_all_restraints():
    f = form({**COMPLETE, "restraint_count": "2", "prone_restraint_count": "3"})
    assert not f.is_valid()
    assert f.errors["prone_restraint_count"][0].startswith(
        "Prone restraints (3) must be no more than all physical restraints (2)"
    )


def test_prone_restraints_need_the_total_too():
    f = form({**COMPLETE, "restraint_count": "", "prone_restraint_count": "1"})
    assert not f.is_valid()
    assert "restraint_count" in f.errors


def test_bed_days_cannot_exceed_beds_times_seven_and_the_error_says_so():
    assert form({**COMPLETE, "occupied_bed_days": "140"}).is_valid()
    f = form({**COMPLETE, "occupied_bed_days": "141"})
    assert f.errors["occupied_bed_days"] == [
        "Occupied bed days must be 140 or fewer: Test Ward has 20 beds, so at most 20 × 7 = 140 "
        "in a week"
    ]


@pytest.mark.parametrize("value", ["-1", "2.5", "three"])
def test_a_count_must_be_a_whole_number_of_zero_or_more(value):
    f = form({**COMPLETE, "self_harm_count": value})
    assert not f.is_valid()
    assert "self-harm incidents" in f.errors["self_harm_count"][0]


def test_both_questions_about_the_ward_must_be_answered_even_in_a_draft():
    f = form({})
    assert not f.is_valid()
    assert set(f.errors) == {"leave_days_included", "incident_level"}


def test_a_correction_needs_a_reason_and_meets_the_submission_rules():
    f = form({**COMPLETE, "admissions": ""}, correcting=True)
    assert not f.is_valid()
    assert set(f.errors) == {"admissions", "reason"}


def test_api_values_become_form_data_keeping_none_as_empty():
    data = form_data_from_values(
        {
            "admissions": None,
            "restraint_count": 0,
            "incident_level": False,
            "figures_unavailable": False,
        }
    )
    assert data == {"admissions": "", "restraint_count": "0", "incident_level": "no"}
