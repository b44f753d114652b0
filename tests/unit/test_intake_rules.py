"""Intake guards: SB 1322, age limits, WIC 635/636, and the override rule."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from girlscourt.domain.intake_rules import (
    ChargeInput,
    DecisionInput,
    EpisodeInput,
    SB1322Refusal,
    check_decision,
    check_episode,
    override_direction,
)
from girlscourt.errors import RuleRefused, ValidationError
from girlscourt.services.codes.intake_codes import intake_codes

TZ = ZoneInfo("America/Los_Angeles")
START = dt.datetime(2026, 11, 25, 21, 40, tzinfo=TZ)
DOB_15 = dt.date(2011, 6, 1)


def episode(*codes: str, **changes: object) -> EpisodeInput:
    base: dict[str, object] = {
        "youth_id": 1,
        "custody_start_at": START,
        "charges": tuple(ChargeInput(c) for c in codes),
    }
    base.update(changes)
    return EpisodeInput(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize("codes", [("PC 647(b)",), ("PC 653.22",), ("PC 647(b)", "PC 653.22")])
def test_sb1322_refuses_booking_a_minor_on_commercial_sex_charges_alone(
    codes: tuple[str, ...],
) -> None:
    with pytest.raises(SB1322Refusal, match="SB 1322"):
        check_episode(episode(*codes), DOB_15, intake_codes(), TZ)


def test_sb1322_strikes_the_count_with_another_charge_and_does_not_apply_to_an_adult() -> None:
    checked = check_episode(episode("PC 647(b)", "PC 211"), DOB_15, intake_codes(), TZ)
    assert [c.code for c in checked.charges] == ["PC 211"]
    assert [c.code for c in checked.struck] == ["PC 647(b)"]
    adult = check_episode(
        episode("PC 647(b)", age_exception_reason="Jurisdiction retained to 21 (WIC 607)"),
        dt.date(2007, 1, 1),
        intake_codes(),
        TZ,
    )
    assert adult.age_at_custody == 19 and adult.needs_age_exception


def test_age_outside_limits_needs_a_reason() -> None:
    with pytest.raises(ValidationError) as error:
        check_episode(episode("PC 211"), dt.date(2016, 1, 1), intake_codes(), TZ)
    assert error.value.field == "age_exception_reason" and "10" in error.value.detail


def test_unknown_charge_and_naive_time_name_the_field() -> None:
    with pytest.raises(ValidationError) as error:
        check_episode(episode("PC 999"), DOB_15, intake_codes(), TZ)
    assert error.value.field == "charges[0].code"
    with pytest.raises(ValidationError) as naive:
        check_episode(
            episode("PC 211", custody_start_at=dt.datetime(2026, 11, 25, 21, 40)),
            DOB_15,
            intake_codes(),
            TZ,
        )
    assert naive.value.field == "custody_start_at"


def test_631b_flags_from_charges() -> None:
    checked = check_episode(episode("PC 484"), DOB_15, intake_codes(), TZ)
    assert all(checked.flags_631b.values())
    violent = check_episode(episode("PC 242"), DOB_15, intake_codes(), TZ)
    assert not violent.flags_631b["non_violent"]


@pytest.mark.parametrize(
    ("band", "decision", "expected"),
    [
        ("release", "release", None),
        ("release", "detain", "up"),
        ("alternative", "detain", "up"),
        ("detain", "alternative", "down"),
        ("detain", "release", "down"),
    ],
)
def test_override_direction(band: str, decision: str, expected: str | None) -> None:
    assert override_direction(band, decision) == expected


def decide(
    decision: DecisionInput,
    band: str = "detain",
    dependent: bool = False,
    approver: bool | None = True,
) -> str | None:
    return check_decision(
        decision, band, dependent=dependent, codes=intake_codes(), approver_may_approve=approver
    )


def test_wic636_dependent_not_detained_for_lack_of_placement() -> None:
    with pytest.raises(RuleRefused, match="WIC 636"):
        decide(DecisionInput("detain", ("no_placement",)), dependent=True)
    assert (
        decide(DecisionInput("detain", ("no_placement", "likely_to_flee")), dependent=False) is None
    )


def test_wic635_not_on_county_of_residence_alone() -> None:
    with pytest.raises(RuleRefused, match="WIC 635"):
        decide(DecisionInput("detain", ("county_of_residence",)))
    assert decide(DecisionInput("detain", ("county_of_residence", "likely_to_flee"))) is None


def test_detention_needs_a_ground() -> None:
    with pytest.raises(ValidationError, match="detention_reasons"):
        decide(DecisionInput("detain"))


def test_override_needs_reason_narrative_and_supervisor() -> None:
    up = DecisionInput("detain", ("protect_minor",))
    with pytest.raises(ValidationError) as error:
        decide(up, band="release")
    assert error.value.field == "override_reason_code"
    with pytest.raises(ValidationError, match="override_narrative"):
        decide(
            DecisionInput("detain", ("protect_minor",), "victim_safety", "short"), band="release"
        )
    full = DecisionInput(
        "detain",
        ("protect_minor",),
        "victim_safety",
        "The named victim lives next door and was threatened tonight.",
    )
    with pytest.raises(ValidationError, match="approver: an override needs"):
        decide(full, band="release", approver=None)
    with pytest.raises(ValidationError, match="supervisor other than"):
        decide(full, band="release", approver=False)
    assert decide(full, band="release", approver=True) == "up"
