"""Youth record validation: date of birth, age limits, aliases."""

from __future__ import annotations

import datetime as dt

import pytest

from girlscourt.domain.youth_rules import YouthInput, age_on, parse_date, validate_youth
from girlscourt.errors import ValidationError

TODAY = dt.date(2026, 11, 29)
LIMITS = (8, 25)


def youth(**changes: object) -> YouthInput:
    base: dict[str, object] = {
        "legal_first_name": "Zoë",
        "legal_last_name": "O’Brien",
        "dob": dt.date(2011, 3, 4),
    }
    base.update(changes)
    return YouthInput(**base)  # type: ignore[arg-type]


def test_valid_youth_is_normalised() -> None:
    clean = validate_youth(youth(aliases=(" Lil Star ", "Lil Star", "Kitty")), TODAY, LIMITS)
    assert clean.aliases == ("Lil Star", "Kitty")
    assert clean.legal_last_name == "O’Brien"


def test_future_dob_refused() -> None:
    with pytest.raises(ValidationError) as error:
        validate_youth(youth(dob=dt.date(2027, 1, 1)), TODAY, LIMITS)
    assert error.value.field == "dob" and "future" in error.value.detail


@pytest.mark.parametrize("dob", [dt.date(2020, 1, 1), dt.date(1990, 1, 1)])
def test_age_outside_limits_refused(dob: dt.date) -> None:
    with pytest.raises(ValidationError, match="registry accepts ages 8 to 25"):
        validate_youth(youth(dob=dob), TODAY, LIMITS)


def test_bad_alias_names_its_index() -> None:
    with pytest.raises(ValidationError) as error:
        validate_youth(youth(aliases=("ok", "bad\u202e")), TODAY, LIMITS)
    assert error.value.field == "aliases[1]"


def test_age_on_birthday_edges() -> None:
    assert age_on(dt.date(2010, 11, 29), TODAY) == 16
    assert age_on(dt.date(2010, 11, 30), TODAY) == 15
    assert age_on(dt.date(2008, 2, 29), dt.date(2026, 2, 28)) == 17
    assert age_on(dt.date(2008, 2, 29), dt.date(2026, 3, 1)) == 18


def test_parse_date_names_the_field() -> None:
    assert parse_date("dob", "2011-03-04") == dt.date(2011, 3, 4)
    with pytest.raises(ValidationError, match="dob: '2011-02-30' is not a date"):
        parse_date("dob", "2011-02-30")
