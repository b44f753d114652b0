"""How dates, times and error messages read on screen, kept in one place so every view agrees."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from girlscourt.domain.youth_rules import parse_date
from girlscourt.errors import ValidationError

DATE_HINT = "MM/DD/YYYY"
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")

FIELD_LABELS = {
    "legal_first_name": "Legal first name",
    "legal_middle_name": "Legal middle name",
    "legal_last_name": "Legal last name",
    "preferred_name": "Preferred name",
    "dob": "Date of birth",
    "gender_identity": "Gender identity",
    "pronouns": "Pronouns",
    "primary_language": "Primary language",
    "interpreter_needed": "Interpreter needed",
    "race_ethnicity": "Race / ethnicity",
    "aliases": "Aliases",
    "username": "User name",
    "password": "Password",
    "new_password": "New password",
    "access_reason": "Reason for opening",
    "display_name": "Display name",
}


def format_date(value: dt.date | None) -> str:
    """A date as the county writes it (MM/DD/YYYY)."""
    return value.strftime("%m/%d/%Y") if value else ""


def parse_dob(text: str, field: str = "dob") -> dt.date:
    """A date typed as MM/DD/YYYY or YYYY-MM-DD; ValidationError names ``field`` otherwise."""
    value = text.strip()
    if not value:
        raise ValidationError(field, "is required")
    match = _US_DATE.match(value)
    if match:
        month, day, year = (int(g) for g in match.groups())
        try:
            return dt.date(year, month, day)
        except ValueError:
            raise ValidationError(field, f"{value} is not a real date") from None
    try:
        return parse_date(field, value)
    except ValidationError:
        raise ValidationError(
            field, f"{value!r} is not a date; write it as {DATE_HINT} (or YYYY-MM-DD)"
        ) from None


def format_timestamp(value: dt.datetime, tz: ZoneInfo) -> str:
    """A stored UTC time shown in the county's time zone."""
    local = value.astimezone(tz)
    return f"{local.strftime('%m/%d/%Y')} {local.strftime('%I:%M %p').lstrip('0')} {local.tzname()}"


def field_label(field: str) -> str:
    """The on-screen label for a service field name (``aliases[2]`` reads "Alias 3")."""
    match = re.fullmatch(r"aliases\[(\d+)\]", field)
    if match:
        return f"Alias {int(match.group(1)) + 1}"
    return FIELD_LABELS.get(field, field.replace("_", " ").capitalize())


def error_text(error: ValidationError) -> str:
    """A whole sentence for an inline error: "Legal last name is required."."""
    # The core writes dates as YYYY-MM-DD; the form the officer typed in uses MM/DD/YYYY.
    detail = _ISO_DATE.sub(lambda m: f"{m[2]}/{m[3]}/{m[1]}", error.detail.strip())
    if detail.startswith(("is ", "must ", "contains ")):
        text = f"{field_label(error.field)} {detail}"
    else:
        text = detail[:1].upper() + detail[1:]
    return text if text.endswith(".") else text + "."


_TIME_24 = re.compile(r"^(\d{1,2}):?(\d{2})$")
_TIME_12 = re.compile(r"^(\d{1,2})(?::?(\d{2}))?\s*([ap])\.?\s*m?\.?$", re.IGNORECASE)


def parse_time(text: str, field: str) -> dt.time:
    """A time typed as 21:40, 2140, 9:40 pm or 9 pm; ValidationError names ``field``."""
    value = text.strip()
    if not value:
        raise ValidationError(field, "needs a time (e.g. 21:40 or 9:40 pm)")
    hour = minute = -1
    if match := _TIME_12.match(value):
        twelve, minute = int(match[1]), int(match[2] or 0)
        if 1 <= twelve <= 12:
            hour = twelve % 12 + (12 if match[3].lower() == "p" else 0)
    elif match := _TIME_24.match(value):
        hour, minute = int(match[1]), int(match[2])
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise ValidationError(field, f"“{value}” is not a time; write it as 21:40 or 9:40 pm")
    return dt.time(hour, minute)


def parse_moment(
    date_text: str, time_text: str, field: str, tz: ZoneInfo, *, required: bool
) -> dt.datetime | None:
    """A county-local date and time as an aware datetime (None when optional and empty)."""
    if not date_text.strip() and not time_text.strip():
        if required:
            raise ValidationError(field, "is required")
        return None
    day = parse_dob(date_text, field)
    return dt.datetime.combine(day, parse_time(time_text, field), tzinfo=tz)
