"""Bounds every input value meets before it reaches a rule or a column, whatever its source.

A value outside these bounds is refused with a ValidationError naming where it came from, never
left to overflow in date arithmetic, to overflow a 32-bit column, or to be refused by the
database (PostgreSQL refuses NUL in text; lone surrogates cannot be encoded). Messages quote at
most a short prefix of the offending value, so a million-character line is never echoed back.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata

from girlscourt.errors import ValidationError

INT_MIN = -(2**31)
INT_MAX = 2**31 - 1  # INTEGER columns are 32-bit on PostgreSQL
YEAR_MIN = 1900
YEAR_MAX = 2200
OFFSET_MAX = dt.timedelta(hours=14)  # the widest UTC offsets in use (UTC-12 .. UTC+14)
QUOTE_MAX = 60
TEXT_MAX = 100_000  # above every field's own limit: a value longer than this is refused at once

# Characters that reorder text on screen (bidi embeddings, overrides and isolates): refused in
# every text, as they make one value display as another ("Trojan Source").
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
LINE_CONTROLS = frozenset("\n\t\r")  # kept in multi-line narratives, refused in one-line text
_DATE_TEXT = "must be a date written YYYY-MM-DD"
_TIME_TEXT = "must be a date and time with its UTC offset, e.g. 2026-12-01T08:30:00-08:00"


def quoted(value: object, limit: int = QUOTE_MAX) -> str:
    """``repr`` of at most ``limit`` characters of ``value``, with "…" when it was cut."""
    text = value if isinstance(value, str) else str(value)
    if len(text) <= limit:
        return repr(text)
    return repr(text[:limit]) + "…"


def text_problem(text: str, *, multiline: bool) -> str | None:
    """Why ``text`` cannot be stored, or None: NUL and other controls, bidi overrides, lone
    surrogates; one-line text (names, codes) also refuses CR, LF and TAB."""
    if len(text) > TEXT_MAX:
        return f"is too long ({len(text)} characters)"
    if text.isprintable():
        return None
    for char in text:
        if char in LINE_CONTROLS:
            if multiline:
                continue
            return f"must be one line (contains U+{ord(char):04X})"
        category = unicodedata.category(char)
        if category == "Cs":
            return f"contains an unpaired surrogate (U+{ord(char):04X}), not text"
        if category == "Cc" or char in BIDI_CONTROLS:
            name = unicodedata.name(char, "")
            return f"contains a control character (U+{ord(char):04X}{' ' + name if name else ''})"
    return None


def check_text(field: str, value: str, *, multiline: bool = False) -> str:
    """``value`` unchanged, or a ValidationError naming ``field``."""
    problem = text_problem(value, multiline=multiline)
    if problem:
        raise ValidationError(field, problem)
    return value


def check_whole_number(
    field: str, value: object, *, low: int = INT_MIN, high: int = INT_MAX
) -> int:
    """A whole number within ``low..high`` (a column's range), never a bool or a float."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValidationError(field, "must be a whole number")
    if not low <= value <= high:
        raise ValidationError(field, f"must be a whole number from {low} to {high}")
    return value


def check_finite(field: str, value: object, *, low: float, high: float) -> float:
    """A real number within ``low..high``; NaN and infinities are refused."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(field, "must be a number")
    number = float(value)
    if not math.isfinite(number):
        raise ValidationError(field, "must be a finite number")
    if not low <= number <= high:
        raise ValidationError(field, f"must be a number from {low:g} to {high:g}")
    return number


def check_day(field: str, day: dt.date) -> dt.date:
    """A date within the years the product handles (YEAR_MIN..YEAR_MAX)."""
    if not YEAR_MIN <= day.year <= YEAR_MAX:
        raise ValidationError(field, f"must be a date from {YEAR_MIN} to {YEAR_MAX}")
    return day


def parse_day(field: str, value: object) -> dt.date:
    """A date from ``YYYY-MM-DD`` text (or a date) within the sane years."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return check_day(field, value)
    if not isinstance(value, str):
        raise ValidationError(field, _DATE_TEXT)
    if len(value) > 40:
        raise ValidationError(field, _DATE_TEXT)
    try:
        parsed = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError(field, f"{quoted(value)} is not a date written YYYY-MM-DD") from None
    return check_day(field, parsed)


def check_moment(field: str, moment: dt.datetime) -> dt.datetime:
    """An aware date-time with an offset within ±14 h, in the sane years."""
    offset = moment.utcoffset()
    if offset is None:
        raise ValidationError(field, _TIME_TEXT)
    if abs(offset) > OFFSET_MAX:
        raise ValidationError(field, "has a UTC offset beyond ±14:00")
    if not YEAR_MIN <= moment.year <= YEAR_MAX:
        raise ValidationError(field, f"must be a time from {YEAR_MIN} to {YEAR_MAX}")
    return moment


def parse_moment(field: str, value: object) -> dt.datetime:
    """An ISO 8601 date-time with its offset (text or an aware datetime), bounded as above."""
    if isinstance(value, dt.datetime):
        return check_moment(field, value)
    if not isinstance(value, str) or len(value) > 60:
        raise ValidationError(field, _TIME_TEXT)
    try:
        parsed = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError(field, f"{quoted(value)} is not an ISO 8601 date-time") from None
    return check_moment(field, parsed)
