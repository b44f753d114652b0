"""What a valid youth record is: names, date of birth within the registry's age limits, aliases."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from girlscourt.domain.names import clean_text
from girlscourt.domain.value_rules import parse_day
from girlscourt.errors import ValidationError

NAME_MAX = 100
ALIAS_MAX_COUNT = 30


@dataclass(frozen=True)
class YouthInput:
    """The demographic part of a youth record, as a form or a JSON file gives it."""

    legal_first_name: str
    legal_last_name: str
    dob: dt.date
    legal_middle_name: str | None = None
    preferred_name: str | None = None
    aliases: tuple[str, ...] = ()
    gender_identity: str | None = None
    pronouns: str | None = None
    primary_language: str | None = None
    interpreter_needed: bool = False
    race_ethnicity: str | None = None


def age_on(dob: dt.date, day: dt.date) -> int:
    """Whole years of age on ``day``; a 29 February birthday counts from 1 March in other years."""
    years = day.year - dob.year
    if (day.month, day.day) < (dob.month, dob.day):
        years -= 1
    return years


def parse_date(field: str, value: object) -> dt.date:
    """A date from ``YYYY-MM-DD`` text (or a date) in the years 1900..2200, with an error
    naming the field."""
    return parse_day(field, value)


def validate_youth(data: YouthInput, today: dt.date, age_limits: tuple[int, int]) -> YouthInput:
    """Check and normalise a youth record; the first problem raises ValidationError."""
    first = clean_text(
        "legal_first_name", data.legal_first_name, required=True, max_length=NAME_MAX
    )
    last = clean_text("legal_last_name", data.legal_last_name, required=True, max_length=NAME_MAX)
    middle = clean_text(
        "legal_middle_name", data.legal_middle_name, required=False, max_length=NAME_MAX
    )
    preferred = clean_text(
        "preferred_name", data.preferred_name, required=False, max_length=NAME_MAX
    )
    if len(data.aliases) > ALIAS_MAX_COUNT:
        raise ValidationError("aliases", f"at most {ALIAS_MAX_COUNT} aliases")
    aliases: list[str] = []
    for index, alias in enumerate(data.aliases):
        cleaned = clean_text(f"aliases[{index}]", alias, required=True, max_length=NAME_MAX)
        assert cleaned is not None
        if cleaned not in aliases:
            aliases.append(cleaned)
    if data.dob > today:
        raise ValidationError("dob", f"{data.dob.isoformat()} is in the future")
    youngest, oldest = age_limits
    age = age_on(data.dob, today)
    if age < youngest or age > oldest:
        raise ValidationError(
            "dob",
            f"{data.dob.isoformat()} makes the youth {age} years old; "
            f"the registry accepts ages {youngest} to {oldest}",
        )

    def short(key: str) -> str | None:
        return clean_text(key, getattr(data, key), required=False, max_length=60)

    assert first is not None and last is not None
    return replace(
        data,
        legal_first_name=first,
        legal_last_name=last,
        legal_middle_name=middle,
        preferred_name=preferred,
        aliases=tuple(aliases),
        interpreter_needed=bool(data.interpreter_needed),
        gender_identity=short("gender_identity"),
        pronouns=short("pronouns"),
        primary_language=short("primary_language"),
        race_ethnicity=short("race_ethnicity"),
    )
