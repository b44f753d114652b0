"""Hearing rules: the code list, court days, required fields, time limits, conflicts, outcomes."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from girlscourt.domain import hearing_rules as hr
from girlscourt.domain.judicial_calendar import JudicialCalendar
from girlscourt.errors import ConfigurationError, ValidationError
from girlscourt.resources import resource

LA = ZoneInfo("America/Los_Angeles")
CAL = JudicialCalendar(2026, 2027)
CAT = hr.load_hearing_catalog()


def at(day: str, clock: str = "08:30") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=LA)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# --- The code list ------------------------------------------------------------------------------


def test_catalog_has_the_domain_codes_and_their_limits() -> None:
    codes = [t.code for t in CAT.types]
    assert codes == [
        "DET", "ARR", "PTC", "JUR", "DISP", "241.1", "REV", "PV", "707", "REST", "SEAL", "MED", "827",
    ]  # fmt: skip
    limits = {t.code: t.limit for t in CAT.types if t.limit}
    assert limits == {"DET": "WIC632a", "JUR": "WIC657", "DISP": "WIC702", "241.1": "WIC241_1"}
    assert CAT.label("JUR") == "Jurisdiction hearing"
    assert CAT.label("RETIRED") == "RETIRED"
    assert set(CAT.custody_statuses) == {"IN", "HS", "OUT"}
    assert CAT.detained("IN") and CAT.detained("HS") and not CAT.detained("OUT")


def _broken(tmp_path: Path, change: Any) -> Path:
    data = json.loads(resource("court", "hearing_types.json").read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "hearing_types.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (lambda d: d["hearing_types"][3].update(limit="WIC999"), "hearing_types[3].limit"),
        (lambda d: d["hearing_types"][1].update(code="DET"), "hearing_types[1].code"),
        (lambda d: d["hearing_types"][2].pop("label"), "hearing_types[2].label"),
        (lambda d: d.update(detained_custody_statuses=["JAIL"]), "detained_custody_statuses"),
        (lambda d: d.update(court_hours={"from": "18:00", "to": "07:00"}), "court_hours"),
        (lambda d: d.update(conflict_window_minutes=0), "conflict_window_minutes"),
        (lambda d: d.pop("defence_types"), "defence_types"),
    ],
)
def test_a_broken_catalog_names_file_and_key(tmp_path: Path, change: Any, key: str) -> None:
    with pytest.raises(
        ConfigurationError,
        match=re.escape(f"hearing_types.json: {key}:"),
    ):
        hr.load_hearing_catalog(_broken(tmp_path, change))


# --- Court days ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        ("2026-11-27", "Friday 27 November 2026 is a judicial holiday: Day after Thanksgiving"),
        ("2026-11-26", "Thursday 26 November 2026 is a judicial holiday: Thanksgiving Day"),
        (
            "2026-11-28",
            "Saturday 28 November 2026 is not a court day: the court does not sit on a Saturday",
        ),
        (
            "2026-11-29",
            "Sunday 29 November 2026 is not a court day: the court does not sit on a Sunday",
        ),
        ("2026-03-31", "Tuesday 31 March 2026 is a judicial holiday: Cesar Chavez Day"),
        ("2026-11-30", None),
    ],
)
def test_court_day_refusal_names_the_day_and_the_reason(day: str, reason: str | None) -> None:
    assert hr.court_day_refusal(d(day), CAL) == reason


def test_county_closure_is_refused_by_its_name() -> None:
    county = JudicialCalendar(2026, 2026, additions={d("2026-12-24"): "Christmas Eve (county)"})
    assert hr.court_day_refusal(d("2026-12-24"), county) == (
        "Thursday 24 December 2026 is a judicial holiday: Christmas Eve (county)"
    )


# --- Required fields ----------------------------------------------------------------------------


def hearing(**changes: Any) -> hr.HearingInput:
    base: dict[str, Any] = {
        "case_id": 1,
        "hearing_type": "JUR",
        "scheduled_at": at("2026-11-30"),
        "department_id": 1,
        "custody_status": "IN",
    }
    base.update(changes)
    return hr.HearingInput(**base)


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"hearing_type": ""}, "hearing_type", "is required"),
        ({"hearing_type": "TRIAL"}, "hearing_type", "'TRIAL' is not one of DET, ARR"),
        ({"department_id": None}, "department_id", "is required"),
        ({"department_id": 0}, "department_id", "record id"),
        ({"scheduled_at": None}, "scheduled_at", "is required"),
        ({"scheduled_at": dt.datetime(2026, 11, 30, 8, 30)}, "scheduled_at", "UTC offset"),
        ({"custody_status": ""}, "custody_status", "is required (one of IN, HS, OUT)"),
        ({"custody_status": "JAIL"}, "custody_status", "not one of IN, HS, OUT"),
        ({"interpreter_needed": True}, "interpreter_language", "required when an interpreter"),
        (
            {"custody_status": "OUT", "transport_needed": True},
            "transport_needed",
            "only a youth in custody",
        ),
        ({"defence_type": "DPD"}, "defence_type", "not one of PD, APD, CRT, PRI"),
        ({"defence_counsel": "Zo\u202eë"}, "defence_counsel", "U+202E"),
        ({"case_id": -3}, "case_id", "record id"),
    ],
)
def test_required_fields_are_named(changes: dict[str, Any], field: str, words: str) -> None:
    with pytest.raises(ValidationError) as error:
        hr.validate_hearing(hearing(**changes), CAT)
    assert error.value.field == field
    assert words in error.value.detail


def test_validation_normalises_codes_and_defaults_transport() -> None:
    clean = hr.validate_hearing(
        hearing(
            hearing_type="jur",
            custody_status="in",
            defence_type="pd",
            interpreter_language=" Spanish ",
        ),
        CAT,
    )
    assert (clean.hearing_type, clean.custody_status, clean.defence_type) == ("JUR", "IN", "PD")
    assert clean.transport_needed is True
    assert clean.interpreter_needed is True and clean.interpreter_language == "Spanish"
    out = hr.validate_hearing(hearing(custody_status="OUT"), CAT)
    assert out.transport_needed is False and out.open_to_public is False


# --- Statutory limits ---------------------------------------------------------------------------

# Judicial days after Monday 2 November 2026: Veterans Day (11 Nov) and Thanksgiving with the day
# after (26-27 Nov) are skipped, so day 15 is Tuesday 24 November and day 17 Monday 30 November.
DETAINED = hr.LimitFacts(
    "IN", petition_filed_on=d("2026-10-30"), detention_hearing_on=d("2026-11-02")
)


@pytest.mark.parametrize(
    ("hearing_type", "on", "facts", "text", "over"),
    [
        ("JUR", "2026-11-20", DETAINED, "day 13 of 15", False),
        ("JUR", "2026-11-24", DETAINED, "day 15 of 15", False),
        ("JUR", "2026-11-25", DETAINED, "day 16 of 15", True),
        ("JUR", "2026-11-30", DETAINED, "day 17 of 15", True),
        ("241.1", "2026-11-24", DETAINED, "day 15 of 15", False),
        (
            "JUR",
            "2026-11-30",
            hr.LimitFacts("OUT", petition_filed_on=d("2026-11-01")),
            "day 29 of 30",
            False,
        ),
        (
            "JUR",
            "2026-12-02",
            hr.LimitFacts("OUT", petition_filed_on=d("2026-11-01")),
            "day 31 of 30",
            True,
        ),
        (
            "DET",
            "2026-11-30",
            hr.LimitFacts("IN", petition_filed_on=d("2026-11-25")),
            "day 1 of 1",
            False,
        ),
        (
            "DET",
            "2026-12-01",
            hr.LimitFacts("IN", petition_filed_on=d("2026-11-25")),
            "day 2 of 1",
            True,
        ),
        (
            "DISP",
            "2026-11-23",
            hr.LimitFacts("IN", jurisdiction_on=d("2026-11-06")),
            "day 10 of 10",
            False,
        ),
        (
            "DISP",
            "2026-11-24",
            hr.LimitFacts("IN", jurisdiction_on=d("2026-11-06")),
            "day 11 of 10",
            True,
        ),
    ],
)
def test_statutory_flag(
    hearing_type: str, on: str, facts: hr.LimitFacts, text: str, over: bool
) -> None:
    flag = hr.statutory_flag(hearing_type, d(on), facts, CAL, CAT)
    assert flag is not None
    assert (flag.text, flag.over) == (text, over)


@pytest.mark.parametrize(
    ("hearing_type", "facts"),
    [
        ("PTC", DETAINED),  # no limit for this type
        ("JUR", hr.LimitFacts("IN", petition_filed_on=d("2026-10-30"))),  # detention date unknown
        ("DET", hr.LimitFacts("OUT", petition_filed_on=d("2026-11-25"))),  # 632(a) is for detained
        ("JUR", hr.LimitFacts("IN", detention_hearing_on=d("2026-12-15"))),  # before the start
    ],
)
def test_no_flag_without_a_limit_or_its_start(hearing_type: str, facts: hr.LimitFacts) -> None:
    assert hr.statutory_flag(hearing_type, d("2026-11-30"), facts, CAL, CAT) is None


def test_limit_warning_reads_as_the_clerk_expects() -> None:
    jur = CAT.get("JUR")
    assert jur is not None
    flag = hr.statutory_flag("JUR", d("2026-11-25"), DETAINED, CAL, CAT)
    assert flag is not None
    assert hr.limit_warning(flag, jur, "IN") == (
        "jurisdiction hearing on day 16 of 15 for a detained youth "
        "(limit Tuesday 24 November 2026; WIC 657)"
    )
    home = hr.statutory_flag(
        "JUR", d("2026-11-25"), hr.LimitFacts("HS", detention_hearing_on=d("2026-11-02")), CAL, CAT
    )
    assert home is not None
    assert "for a youth on home supervision (counted as detained)" in hr.limit_warning(
        home, jur, "HS"
    )
    late = hr.statutory_flag(
        "JUR", d("2026-12-02"), hr.LimitFacts("OUT", petition_filed_on=d("2026-11-01")), CAL, CAT
    )
    assert late is not None
    assert hr.limit_warning(late, jur, "OUT").startswith(
        "jurisdiction hearing on day 31 of 30 after the petition was filed"
    )


def test_consented_continuance_extends_the_jurisdiction_limit() -> None:
    until = hr.consented_limit(d("2026-11-30"), CAT)
    assert until == d("2026-12-07")
    facts = hr.LimitFacts("IN", detention_hearing_on=d("2026-11-02"), consented_until=until)
    inside = hr.statutory_flag("JUR", d("2026-11-30"), facts, CAL, CAT)
    assert inside is not None and not inside.over
    assert inside.text == "day 17 of 15, consented to 7 Dec"
    beyond = hr.statutory_flag("JUR", d("2026-12-08"), facts, CAL, CAT)
    assert beyond is not None and beyond.over and beyond.effective_due == until
    disposition = hr.statutory_flag(
        "DISP",
        d("2026-11-24"),
        hr.LimitFacts("IN", jurisdiction_on=d("2026-11-06"), consented_until=until),
        CAL,
        CAT,
    )
    assert disposition is not None and disposition.over  # consent extends jurisdiction only


# --- Conflicts, capacity, hours -----------------------------------------------------------------


def slot(
    hearing_id: int | None, youth: int, dept: int, clock: str, kind: str = "PTC", **people: str
) -> hr.Slot:
    return hr.Slot(
        hearing_id, youth, dept, f"D{dept}", at("2026-11-30", clock), kind, tuple(people.items())
    )


def codes(warnings: list[hr.HearingWarning]) -> list[str]:
    return [w.code for w in warnings]


def test_same_youth_twice_that_day_is_a_warning() -> None:
    warnings = hr.booking_warnings(
        slot(None, 7, 1, "08:30"), [slot(12, 7, 2, "14:00", "REV")], 40, CAT
    )
    assert codes(warnings) == [hr.W_YOUTH]
    assert (
        warnings[0].message
        == "the youth already has a REV hearing at 14:00 in Dept D2 that day (hearing 12)"
    )


def test_a_combined_call_passes_but_a_duplicate_does_not() -> None:
    combined = hr.booking_warnings(
        slot(None, 7, 1, "08:30", "ARR"), [slot(12, 7, 1, "08:30", "DET")], 40, CAT
    )
    assert combined == []
    duplicate = hr.booking_warnings(
        slot(None, 7, 1, "08:30", "DET"), [slot(12, 7, 1, "08:30", "DET")], 40, CAT
    )
    assert "a duplicate?" in duplicate[0].message


def test_a_person_in_two_departments_at_once() -> None:
    other = slot(12, 8, 2, "09:00", defence_counsel="Dep. PD Soraya Lindqvist")
    near = slot(None, 7, 1, "08:30", defence_counsel="dep. pd soraya lindqvist")
    warnings = hr.booking_warnings(near, [other], 40, CAT)
    assert codes(warnings) == [hr.W_PERSON]
    assert warnings[0].message == (
        "defence counsel dep. pd soraya lindqvist is also set in Dept D2 at 09:00 (hearing 12)"
    )
    far = slot(None, 7, 1, "10:00", defence_counsel="Dep. PD Soraya Lindqvist")
    assert hr.booking_warnings(far, [other], 40, CAT) == []
    same_room = slot(None, 7, 2, "09:00", defence_counsel="Dep. PD Soraya Lindqvist")
    assert hr.booking_warnings(same_room, [other], 40, CAT) == []
    officer = hr.booking_warnings(
        slot(None, 7, 1, "09:15", probation_officer="PO Lena Marchetti"),
        [slot(13, 9, 3, "09:00", probation_officer="PO Léna Marchetti")],
        40,
        CAT,
    )
    assert codes(officer) == [hr.W_PERSON] and officer[0].message.startswith("probation officer")


def test_department_over_capacity() -> None:
    others = [slot(i, 100 + i, 1, "08:30", "REV") for i in range(1, 3)]
    assert hr.booking_warnings(slot(None, 7, 1, "09:00"), others, 3, CAT) == []
    warnings = hr.booking_warnings(slot(None, 7, 1, "09:00"), others, 2, CAT)
    assert (
        warnings[0].message
        == "Dept D1 would have 3 hearings on Monday 30 November 2026; its daily capacity is 2"
    )


def test_time_warnings() -> None:
    now = at("2026-11-29", "12:00")
    assert hr.time_warnings(at("2026-11-30", "08:30"), now, CAT) == []
    assert codes(hr.time_warnings(at("2026-11-25", "08:30"), now, CAT)) == [hr.W_PAST]
    late = hr.time_warnings(at("2026-11-30", "02:30"), now, CAT)
    assert codes(late) == [hr.W_HOURS] and "time zone" in late[0].message


def test_session_day_warning() -> None:
    assert hr.session_day_warning(d("2026-12-01"), (1, 3), "Girls Court") is None
    warning = hr.session_day_warning(d("2026-12-02"), (1, 3), "Girls Court")
    assert warning is not None
    assert (
        warning.message
        == "Girls Court sits on Tuesdays, Thursdays; Wednesday 2 December 2026 is a Wednesday"
    )


# --- Outcomes and continuances ------------------------------------------------------------------

TODAY = d("2026-11-30")


@pytest.mark.parametrize(
    ("data", "on", "detained", "field", "words"),
    [
        (hr.OutcomeInput("adjourned"), "2026-11-30", False, "outcome", "is not one of"),
        (hr.OutcomeInput("held"), "2026-12-01", False, "outcome", "cannot be held before then"),
        (
            hr.OutcomeInput("held", continued_to=at("2026-12-02")),
            "2026-11-30",
            False,
            "continued_to",
            "only for",
        ),
        (hr.OutcomeInput("continued"), "2026-11-30", False, "continued_to", "is required"),
        (
            hr.OutcomeInput("continued", at("2026-11-30", "14:00"), "Report late"),
            "2026-11-30",
            False,
            "continued_to",
            "a day after",
        ),
        (
            hr.OutcomeInput("continued", at("2026-12-02")),
            "2026-11-30",
            False,
            "reason",
            "is required",
        ),
        (
            hr.OutcomeInput("continued", at("2026-12-02"), "Report late"),
            "2026-11-30",
            True,
            "youth_consented",
            "consented",
        ),
    ],
)
def test_outcome_rules(
    data: hr.OutcomeInput, on: str, detained: bool, field: str, words: str
) -> None:
    with pytest.raises(ValidationError) as error:
        hr.validate_outcome(data, d(on), detained, TODAY, LA)
    assert error.value.field == field and words in error.value.detail


def test_outcomes_that_pass() -> None:
    held = hr.validate_outcome(hr.OutcomeInput("Held", notes=" ok "), TODAY, True, TODAY, LA)
    assert held == hr.OutcomeInput("held", None, None, None, "ok")
    off = hr.validate_outcome(hr.OutcomeInput("off calendar"), d("2026-12-03"), False, TODAY, LA)
    assert off.outcome == hr.OFF_CALENDAR
    continued = hr.validate_outcome(
        hr.OutcomeInput("continued", at("2026-12-03"), " Report not yet received ", True),
        TODAY,
        True,
        TODAY,
        LA,
    )
    assert (continued.reason, continued.youth_consented) == ("Report not yet received", True)
    assert (
        hr.validate_outcome(
            hr.OutcomeInput("continued", at("2026-12-03"), "Counsel ill"), TODAY, False, TODAY, LA
        ).youth_consented
        is None
    )


# --- Names on dockets ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "last", "override", "expected"),
    [
        ("Maya", "Rosalind", None, "Maya R."),
        ("Zoë", "O’Brien", None, "Zoë O."),
        ("Mary  Jane", "ángel", None, "Mary Jane Á."),
        ("Xochiquetzal", "Ramírez", "X.R.", "X.R."),
    ],
)
def test_docket_name(first: str, last: str, override: str | None, expected: str) -> None:
    assert hr.docket_name(first, last, override) == expected
