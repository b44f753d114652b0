"""Bounds on every input value: 32-bit integers, finite numbers, sane years and offsets, text
a column can hold, and messages that quote a value short."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from girlscourt.domain.names import clean_text
from girlscourt.domain.value_rules import (
    INT_MAX,
    check_finite,
    check_moment,
    check_whole_number,
    parse_day,
    parse_moment,
    quoted,
    text_problem,
)
from girlscourt.domain.youth_rules import parse_date
from girlscourt.errors import ValidationError


def test_quoted_cuts_a_long_value_to_a_short_prefix() -> None:
    assert quoted("Maya") == "'Maya'"
    shown = quoted("x" * 1_000_000)
    assert shown == "'" + "x" * 60 + "'…"


@pytest.mark.parametrize("value", [INT_MAX + 1, -(2**31) - 1, 2**63, 10**100, True, 1.0, "1"])
def test_whole_numbers_stay_in_the_column_range(value: object) -> None:
    with pytest.raises(ValidationError) as caught:
        check_whole_number("$.youth_id", value)
    assert caught.value.field == "$.youth_id"
    assert check_whole_number("$.youth_id", INT_MAX) == INT_MAX


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf"), 1e300, -1.0])
def test_numbers_are_finite_and_bounded(value: float) -> None:
    with pytest.raises(ValidationError, match="--hours: must be a"):
        check_finite("--hours", value, low=0, high=200)
    assert check_finite("--hours", 4, low=0, high=200) == 4.0


@pytest.mark.parametrize(
    "text", ["0001-01-01", "9999-12-31", "1899-12-31", "2201-01-01", " 0002-02-02 "]
)
def test_dates_outside_1900_to_2200_are_refused(text: str) -> None:
    with pytest.raises(ValidationError, match=r"^--date: must be a date from 1900 to 2200$"):
        parse_day("--date", text)
    with pytest.raises(ValidationError, match="from 1900 to 2200"):
        parse_date("$.dob", text)  # the registry's parser is the same one


def test_dates_inside_the_range_parse_and_bad_ones_are_quoted_short() -> None:
    assert parse_day("--date", "1900-01-01") == dt.date(1900, 1, 1)
    assert parse_day("--date", "2200-12-31") == dt.date(2200, 12, 31)
    with pytest.raises(ValidationError) as caught:
        parse_day("--date", "2026-02-30" + "x" * 20)
    assert len(caught.value.message) < 100
    with pytest.raises(ValidationError, match="'2026-02-30' is not a date"):
        parse_day("--date", "2026-02-30")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("0001-01-01T00:00:00+14:00", "from 1900 to 2200"),
        ("9999-12-31T23:59:59-12:00", "from 1900 to 2200"),
        ("2026-12-01T08:30:00+23:59", "beyond ±14:00"),
        ("2026-12-01T08:30:00-14:01", "beyond ±14:00"),
        ("2026-12-01T08:30:00", "UTC offset"),
        ("not a time" * 100, "date and time"),
    ],
)
def test_times_need_an_offset_within_14_hours_and_a_sane_year(text: str, words: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(words)) as caught:
        parse_moment("$.scheduled_at", text)
    assert caught.value.field == "$.scheduled_at" and len(caught.value.message) < 120


def test_the_widest_real_offsets_are_accepted() -> None:
    kiritimati = parse_moment("$.at", "2026-12-01T08:30:00+14:00")
    baker = parse_moment("$.at", "2026-12-01T08:30:00-12:00")
    assert kiritimati.utcoffset() == dt.timedelta(hours=14)
    assert check_moment("$.at", baker) is baker


@pytest.mark.parametrize(
    "text",
    ["a\x00b", "a\x07", "\x1b[31m", "a\x7f", "a\x85", "a\u202eb", "a\u2066b", "a\ud800"],
)
def test_nul_controls_bidi_overrides_and_surrogates_are_refused_in_any_text(text: str) -> None:
    assert text_problem(text, multiline=True) is not None
    assert text_problem(text, multiline=False) is not None


def test_line_breaks_and_tabs_only_in_multi_line_text() -> None:
    for text in ("a\nb", "a\tb", "a\r\nb"):
        assert text_problem(text, multiline=True) is None
        assert "one line" in (text_problem(text, multiline=False) or "")
    assert text_problem("Nguyễn Zoë O’Brien 字", multiline=False) is None


@pytest.mark.parametrize("value", ["Maya\t", "\nMaya", "Maya\r\n", "Ma\tya"])
def test_a_name_with_a_tab_or_line_break_is_refused_not_trimmed(value: str) -> None:
    with pytest.raises(ValidationError, match=r"^preferred_name: "):
        clean_text("preferred_name", value, required=False, max_length=100)
    assert clean_text("preferred_name", "  Maya ", required=False, max_length=100) == "Maya"


def test_a_huge_name_is_refused_with_a_short_message() -> None:
    with pytest.raises(ValidationError) as caught:
        clean_text("legal_first_name", "x" * 1_000_000, required=True, max_length=100)
    assert caught.value.field == "legal_first_name" and len(caught.value.message) < 100
