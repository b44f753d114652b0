"""The JSON boundary refuses hostile documents by path before a schema, a rule or a column
sees them: size and depth, 32-bit integers, NaN, NUL and controls, one-line names."""

from __future__ import annotations

from typing import Any

import pytest

from girlscourt.errors import ValidationError
from girlscourt.intake_interchange import intake_from_json
from girlscourt.interchange import (
    MAX_DEPTH,
    MAX_DOCUMENT_CHARS,
    check,
    parse_json,
    screen,
    youth_from_json,
)

YOUTH: dict[str, Any] = {
    "legal_first_name": "Zoë",
    "legal_last_name": "O’Brien",
    "dob": "2011-03-04",
}


def refused(call: Any, *args: Any) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        call(*args)
    assert len(caught.value.message) < 200, caught.value.message
    return caught.value


def test_a_document_too_large_or_too_deep_is_refused_before_parsing() -> None:
    assert refused(parse_json, " " * (MAX_DOCUMENT_CHARS + 1)).field == "$"
    assert "nests deeper" in refused(parse_json, "[" * 100_000 + "]" * 100_000).message


def test_moderate_depth_is_refused_at_its_path() -> None:
    text = '{"aliases": ' + "[" * 40 + "]" * 40 + "}"
    error = refused(lambda t: screen(parse_json(t)), text)
    assert error.field.startswith("$.aliases[0][0]") and "nests deeper" in error.detail
    nested: list[Any] = []
    for _ in range(MAX_DEPTH + 5):
        nested = [nested]
    assert refused(screen, {"aliases": nested}).field.startswith("$.aliases[0]")


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('{"youth_id": ' + "9" * 5000 + "}", "$.youth_id"),
        ('{"youth_id": 2147483648}', "$.youth_id"),
        ('{"youth_id": -2147483649}', "$.youth_id"),
        ('{"charges": [{"code": NaN}]}', "$.charges[0].code"),
        ('{"x": Infinity}', "$.x"),
        ('{"x": -1e999}', "$.x"),
        ('{"legal_first_name": "Ma\\u0000ya"}', "$.legal_first_name"),
        ('{"aliases": ["a\\ud800"]}', "$.aliases[0]"),
        ('{"aliases": ["\\u202eevil"]}', "$.aliases[0]"),
        ('{"a\\u0000b": 1}', "$"),
    ],
)
def test_hostile_values_are_refused_naming_their_path(text: str, field: str) -> None:
    assert refused(lambda t: screen(parse_json(t)), text).field == field


def test_python_callers_get_the_same_screen() -> None:
    assert refused(screen, {"youth_id": 10**5000}).field == "$.youth_id"
    assert refused(screen, {"x": float("nan")}).field == "$.x"
    assert refused(screen, {"x": object()}).detail == "is not a JSON value"
    assert refused(screen, {1: "a"}).detail == "has a key that is not text"


@pytest.mark.parametrize("bad", ["Zo\ne", "Zo\te", "Zoe\r\n"])
def test_name_fields_are_one_line(bad: str) -> None:
    error = refused(youth_from_json, {**YOUTH, "preferred_name": bad})
    assert error.field == "$.preferred_name" and "one line" in error.detail


def test_narratives_keep_line_breaks_but_never_nul() -> None:
    document = {
        "youth_id": 1,
        "custody_start": "2026-11-25T21:40:00-08:00",
        "charges": [{"code": "PC 211"}],
        "age_exception_reason": "First line.\n\tSecond line.",
    }
    assert intake_from_json(document).episode.age_exception_reason == "First line.\n\tSecond line."
    error = refused(intake_from_json, {**document, "age_exception_reason": "a\x00b"})
    assert error.field == "$.age_exception_reason"


def test_a_huge_value_is_never_echoed_back() -> None:
    error = refused(youth_from_json, {**YOUTH, "legal_first_name": "x" * 1_000_000})
    assert error.field == "$.legal_first_name" and "xxxx" not in error.message
    error = refused(check, {**YOUTH, "x" * 100_000: 1}, "youth")
    assert error.field == "$" and len(error.message) < 120
    error = refused(check, {**YOUTH, "interpreter_needed": "y" * 50_000}, "youth")
    assert error.message == "$.interpreter_needed: must be of type boolean"


def test_ids_are_whole_32_bit_numbers_not_floats() -> None:
    base = {"youth_id": 1, "custody_start": "2026-11-25T21:40:00-08:00", "charges": [{"code": "X"}]}
    assert refused(check, {**base, "youth_id": 1.0}, "intake").field == "$.youth_id"
    assert refused(check, {**base, "youth_id": 1e300}, "intake").field == "$.youth_id"
    assert refused(check, {**base, "youth_id": 2**31}, "intake").field == "$.youth_id"


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("0001-01-01T00:00:00+14:00", "from 1900 to 2200"),
        ("9999-12-31T23:59:59-23:59", "beyond ±14:00"),
        ("2026-11-25T21:40:00+23:59", "beyond ±14:00"),
        ("x" * 100_000, "ISO 8601"),
    ],
)
def test_intake_times_are_bounded(value: str, words: str) -> None:
    document = {"youth_id": 1, "custody_start": value, "charges": [{"code": "PC 211"}]}
    error = refused(intake_from_json, document)
    assert error.field == "$.custody_start" and words in error.detail


def test_dates_near_year_one_or_9999_are_refused() -> None:
    for day in ("0001-01-01", "9999-12-31"):
        assert refused(youth_from_json, {**YOUTH, "dob": day}).field == "$.dob"
