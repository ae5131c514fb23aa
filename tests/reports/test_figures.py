"""The one helper every published number goes through, and the check that reads it back."""

from __future__ import annotations

import math

from mhsip.reports.figures import (
    HES_RULE,
    MHSDS_RULE,
    Publisher,
    allowed_count,
    forbidden_cells,
    table_cells,
)

hes = Publisher("hes")


def test_counts_of_one_to_seven_are_hidden_and_others_rounded_to_five():
    assert [hes.count(n).text for n in [1, 7, 8, 12, 13, 1234]] == [
        "*", "*", "10", "10", "15", "1,235"
    ]  # fmt: skip
    assert hes.count(3).suppressed and not hes.count(8).suppressed


def test_zero_is_shown_and_missing_is_never_zero():
    assert hes.count(0).text == "0"
    assert hes.count(None).text == "Missing" and hes.count(math.nan).text == "Missing"
    assert hes.rate(None, 1000).text == "Missing"
    assert hes.rate(0, 0).text == "Not available"


def test_a_breakdown_hides_a_second_count_when_one_is_hidden():
    figures = hes.counts([41, 3, 12, 20])
    assert [f.text for f in figures] == ["40", "*", "*", "20", "75"]
    assert figures[2].suppressed  # 12 hidden too: 75 - 40 - 20 would give the 3 away


def test_a_rate_is_hidden_when_its_count_its_people_or_its_bed_days_are_too_few():
    assert hes.rate(5, 1000).text == "*"
    assert hes.rate(40, 90).text == "*"
    assert hes.rate(40, 2000, people=3).text == "*"
    assert hes.rate(40, 2000, hidden=True).text == "*"
    assert hes.rate(42, 2000).text == "20.0"  # HES: from the rounded count, 40 / 2000


def test_percentages_are_hidden_with_their_counts_and_use_rounded_counts_under_hes():
    assert hes.percent(3, 40).text == "*"
    assert hes.percent(12, 42).text == "25%"  # 10 of 40
    assert Publisher("mhsds").percent(12, 42).text == "29%"
    assert hes.percent(5, 0).text == "Not available"


def test_the_rule_for_the_ward_team_shows_exact_numbers():
    team = Publisher("none")
    assert not team.suppresses
    assert [f.text for f in team.counts([41, 3])] == ["41", "3", "44"]
    assert team.rate(3, 1000).text == "3.0"


def test_a_change_is_published_only_when_both_rates_are():
    _, _, hidden = hes.change(5, 1000, 40, 1000)
    assert hidden.text == "*"
    before, after, change = hes.change(100, 4000, 60, 4000)
    assert (before.text, after.text) == ("25.0", "15.0")
    assert change.text.startswith("40% lower (95% confidence interval")


def test_statistics_and_plain_numbers_are_shown_as_they_are():
    assert hes.statistic(3.14159, decimals=2).text == "3.14"
    assert hes.statistic(math.inf).text == "Not available"
    assert hes.plain(3).text == "3" and hes.plain(3).kind == "plain"


def test_allowed_counts_follow_each_rule():
    assert allowed_count("*", HES_RULE) and allowed_count("0", HES_RULE)
    assert allowed_count("10", HES_RULE) and allowed_count("1,235", HES_RULE)
    assert not allowed_count("5", HES_RULE) and not allowed_count("12", HES_RULE)
    assert not allowed_count("0", MHSDS_RULE) and allowed_count("5", MHSDS_RULE)
    assert allowed_count("Missing", HES_RULE)


def test_the_check_finds_a_small_count_and_a_number_that_skipped_the_helper():
    html = (
        "<table><caption>Deaths</caption><tr><th>On the ward</th>"
        '<td data-kind="count">3</td><td data-kind="rate">1.2</td><td>12</td>'
        '<td data-kind="count">10</td><td>Aspen Ward</td></tr></table>'
    )
    assert forbidden_cells(html, HES_RULE) == [
        "forbidden count '3' in table 'Deaths'",
        "unmarked number '12' in table 'Deaths'",
    ]
    assert [c.text for c in table_cells(html)] == [
        "On the ward",
        "3",
        "1.2",
        "12",
        "10",
        "Aspen Ward",
    ]
