"""Restriction validation and desk grading: channels, basis, dates, admission calls, probes."""

from __future__ import annotations

import datetime as dt

import pytest

from girlscourt.domain.contact_matching import BLOCK, CLEAR, REVIEW
from girlscourt.domain.restriction_rules import (
    ADMISSION_CALL,
    REVIEW_DAYS_DEFAULT,
    Notices,
    RestrictionInput,
    admission_block_effective,
    check_id,
    check_lift_reason,
    clean_probe,
    default_review_on,
    grade,
    instruction,
    is_active,
    overall,
    phone_key,
    status_on,
    validate_restriction,
)
from girlscourt.errors import ValidationError

TODAY = dt.date(2026, 11, 29)


def restriction(**changes: object) -> RestrictionInput:
    base: dict[str, object] = {
        "youth_id": 7,
        "person_name": "Marcus Talford",
        "channels": ("phone", "visit"),
        "basis": "court_order",
        "court_order_number": "JV-2026-01234",
        "aliases": ("Big Money",),
        "phones": ("(510) 555-0142",),
        "handles": ("@talford.marcus",),
    }
    base.update(changes)
    return RestrictionInput(**base)  # type: ignore[arg-type]


def field_of(data: RestrictionInput) -> str:
    with pytest.raises(ValidationError) as error:
        validate_restriction(data, TODAY)
    return error.value.field


def test_defaults_fill_start_and_review_and_order_channels() -> None:
    clean = validate_restriction(restriction(), TODAY)
    assert clean.starts_on == TODAY
    assert clean.review_on == TODAY + dt.timedelta(days=REVIEW_DAYS_DEFAULT)
    assert REVIEW_DAYS_DEFAULT == 30
    assert clean.channels == ("visit", "phone")  # canonical order
    assert clean.ends_on is None and clean.admission_block_reason is None


def test_review_default_never_after_the_end() -> None:
    clean = validate_restriction(restriction(ends_on=TODAY + dt.timedelta(days=10)), TODAY)
    assert clean.review_on == TODAY + dt.timedelta(days=10)
    assert default_review_on(TODAY, None) == dt.date(2026, 12, 29)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"person_name": "  "}, "person_name"),
        ({"person_name": "Marcus\u202eTalford"}, "person_name"),
        ({"youth_id": 0}, "youth_id"),
        ({"channels": ()}, "channels"),
        ({"channels": ("visit", "carrier_pigeon")}, "channels[1]"),
        ({"basis": "hunch"}, "basis"),
        ({"basis": "court_order", "court_order_number": None}, "court_order_number"),
        ({"basis": "court_order", "court_order_number": "   "}, "court_order_number"),
        ({"ends_on": TODAY}, "ends_on"),
        ({"ends_on": TODAY - dt.timedelta(days=1)}, "ends_on"),
        ({"review_on": TODAY - dt.timedelta(days=1)}, "review_on"),
        (
            {"ends_on": TODAY + dt.timedelta(days=5), "review_on": TODAY + dt.timedelta(days=6)},
            "review_on",
        ),
        ({"phones": ("call me",)}, "phones[0]"),
        ({"phones": ("(510) 555-0142", "12")}, "phones[1]"),
        ({"handles": ("@",)}, "handles[0]"),
        ({"aliases": ("x" * 101,)}, "aliases[0]"),
        ({"aliases": tuple(f"a{i}" for i in range(31))}, "aliases"),
        ({"notices": Notices(youth=TODAY + dt.timedelta(days=1))}, "notices.youth"),
        ({"blocks_admission_calls": True}, "admission_block_reason"),
        (
            {"blocks_admission_calls": True, "admission_block_reason": "risk"},
            "admission_block_reason",
        ),
        (
            {
                "blocks_admission_calls": True,
                "channels": ("visit",),
                "admission_block_reason": "Named in the MDT safety plan as the exploiter.",
            },
            "blocks_admission_calls",
        ),
    ],
)
def test_bad_restrictions_name_the_field(changes: dict[str, object], field: str) -> None:
    assert field_of(restriction(**changes)) == field


def test_other_bases_need_no_order_number() -> None:
    for basis in ("facility_administrator", "mdt_safety_plan"):
        clean = validate_restriction(restriction(basis=basis, court_order_number=None), TODAY)
        assert clean.basis == basis and clean.court_order_number is None


def test_duplicates_are_dropped_and_values_kept_as_typed() -> None:
    clean = validate_restriction(
        restriction(
            aliases=(" Big Money ", "Big Money", "Marcus Talford"),
            phones=("(510) 555-0142", "510.555.0142", "555-0199"),
            handles=("@Talford.Marcus", "talford.marcus"),
        ),
        TODAY,
    )
    assert clean.aliases == ("Big Money",)  # the person's own name is not an alias
    assert clean.phones == ("(510) 555-0142", "555-0199")  # a local number is kept
    assert clean.handles == ("@Talford.Marcus",)


def test_admission_block_with_reason_is_kept() -> None:
    reason = "Youth disclosed this number belongs to the exploiter (MDT safety plan)."
    clean = validate_restriction(
        restriction(blocks_admission_calls=True, admission_block_reason=reason), TODAY
    )
    assert clean.blocks_admission_calls and clean.admission_block_reason == reason
    unblocked = validate_restriction(restriction(admission_block_reason=reason), TODAY)
    assert unblocked.admission_block_reason is None  # a reason alone blocks nothing


def test_admission_block_needs_reason_and_signoff() -> None:
    assert admission_block_effective(True, "documented reason", 3)
    assert not admission_block_effective(True, "documented reason", None)
    assert not admission_block_effective(True, None, 3)
    assert not admission_block_effective(False, "documented reason", 3)


def test_status_and_activity() -> None:
    start = dt.date(2026, 11, 1)
    assert status_on(start, None, False, TODAY) == "active"
    assert status_on(start, TODAY, False, TODAY) == "active"  # the end date is the last day
    assert status_on(start, TODAY - dt.timedelta(days=1), False, TODAY) == "ended"
    assert status_on(TODAY + dt.timedelta(days=1), None, False, TODAY) == "scheduled"
    assert status_on(start, None, True, TODAY) == "lifted"
    assert is_active(start, None, False, TODAY) and not is_active(start, None, True, TODAY)


def test_record_ids_are_checked() -> None:
    assert check_id("youth_id", 12) == 12
    for bad in (0, -1, 2**31, 10**20, True, "12", None):
        with pytest.raises(ValidationError, match="youth_id"):
            check_id("youth_id", bad)


def test_lift_reasons_are_codes() -> None:
    assert check_lift_reason("entered_in_error") == "entered_in_error"
    with pytest.raises(ValidationError, match="reason"):
        check_lift_reason("she asked nicely")


def test_phone_keys() -> None:
    assert phone_key("(510) 555-0100") == "+15105550100"
    assert phone_key("+1 510 555 0100") == "+15105550100"
    assert phone_key("555-0100") == "5550100"
    assert phone_key("unknown") is None
    assert phone_key("12") is None


@pytest.mark.parametrize(
    ("score", "channels", "channel", "blocked", "expected"),
    [
        (100, ("visit",), None, False, BLOCK),
        (100, ("visit",), "visit", False, BLOCK),
        (100, ("mail",), "visit", False, REVIEW),  # restricted, but not on this channel
        (85, ("visit",), "visit", False, REVIEW),
        (79.9, ("visit",), "visit", False, CLEAR),
        (100, ("phone",), ADMISSION_CALL, False, REVIEW),  # never silently stop WIC 627 calls
        (100, ("phone",), ADMISSION_CALL, True, BLOCK),
        (100, ("visit",), ADMISSION_CALL, True, REVIEW),
        (92, ("phone",), "phone", False, BLOCK),
        (91.9, ("phone",), "phone", False, REVIEW),
    ],
)
def test_grade(
    score: float, channels: tuple[str, ...], channel: str | None, blocked: bool, expected: str
) -> None:
    assert grade(score, channels=channels, channel=channel, admission_blocked=blocked) == expected


def test_overall() -> None:
    assert overall([]) == CLEAR
    assert overall([REVIEW, REVIEW]) == REVIEW
    assert overall([REVIEW, BLOCK]) == BLOCK


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({}, "name"),
        ({"name": "   "}, "name"),
        ({"phone": "twelve"}, "phone"),
        ({"phone": "12"}, "phone"),
        ({"handle": "@"}, "handle"),
        ({"name": "x", "channel": "pigeon"}, "channel"),
        ({"name": "x" * 201}, "name"),
    ],
)
def test_bad_probes_are_refused(kwargs: dict[str, str], field: str) -> None:
    args = {"name": None, "phone": None, "handle": None, "channel": None} | kwargs
    with pytest.raises(ValidationError) as error:
        clean_probe(**args)
    assert error.value.field == field


def test_probe_cleaning_and_admission_channel() -> None:
    probe = clean_probe(" Marcus ", "555-0142", None, None)
    assert (probe.name, probe.phone, probe.handle, probe.channel) == (
        "Marcus",
        "555-0142",
        None,
        None,
    )
    assert clean_probe(None, "(510) 555-0142", None, None, admission_call=True).channel == (
        ADMISSION_CALL
    )
    with pytest.raises(ValidationError, match="channel"):
        clean_probe("x", None, None, "visit", admission_call=True)


def test_instructions_say_what_to_do() -> None:
    block = instruction(
        BLOCK,
        channel="visit",
        youth_initials="Z.O.",
        restriction_id=12,
        field_matched="phone",
        withhold_location=True,
    )
    assert "Do not allow this visit" in block and "#12" in block and "phone" in block
    assert "Do not confirm or deny" in block and "Title 15 §1374" in block
    pending = instruction(
        BLOCK,
        channel=None,
        youth_initials="Z.O.",
        restriction_id=1,
        field_matched="name",
        approved=False,
    )
    assert "awaiting supervisor approval" in pending
    review = instruction(
        REVIEW,
        channel=ADMISSION_CALL,
        youth_initials="Z.O.",
        restriction_id=3,
        field_matched="alias",
    )
    assert "supervisor" in review and "admission call" in review
    assert "No restriction matches" in instruction(CLEAR, channel=None)
