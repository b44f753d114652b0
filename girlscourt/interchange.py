"""The JSON interchange format: reading documents, checking them against the shipped schemas,
and turning records into the stable output shape (``docs/interchange.md``).

Errors name the JSON path (``$.aliases[2]``) so a batch job's author can find the bad value.
"""

from __future__ import annotations

import functools
import json
import math
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema

from girlscourt.domain.value_rules import (
    INT_MAX,
    INT_MIN,
    parse_day,
    quoted,
    text_problem,
)
from girlscourt.domain.youth_rules import YouthInput
from girlscourt.errors import ValidationError
from girlscourt.resources import resource

MAX_DOCUMENT_CHARS = 1_000_000  # the largest real document is under 100 kB
MAX_DEPTH = 32  # the deepest real document nests 4 levels; deeper is refused at its path
MAX_TEXT_DEPTH = 200  # deeper than this is refused before parsing (at "$": no path yet)
SHORT_MESSAGE = 120
_TOO_BIG = INT_MAX + 1  # stands for a number with too many digits to be worth converting
_BRACKETS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def read_json(source: str) -> Any:
    """Parse a file path, or ``-`` for standard input; a syntax error names line and column.

    The size and the nesting depth are limited before parsing, and the parsed document is
    screened (``screen``) so every leaf is a value the product can store.
    """
    try:
        if source == "-":
            text = sys.stdin.read(MAX_DOCUMENT_CHARS + 1)
        else:
            with Path(source).open(encoding="utf-8") as handle:
                text = handle.read(MAX_DOCUMENT_CHARS + 1)
    except (OSError, UnicodeDecodeError) as error:
        reason = (error.strerror or "unreadable") if isinstance(error, OSError) else "not UTF-8"
        raise ValidationError("--json", f"cannot read {quoted(source)}: {reason}") from None
    document = parse_json(text)
    screen(document)
    return document


def parse_json(text: str) -> Any:
    """A JSON text as Python values, refusing oversized and too deeply nested documents."""
    if len(text) > MAX_DOCUMENT_CHARS:
        raise ValidationError("$", f"the document is larger than {MAX_DOCUMENT_CHARS} characters")
    depth = 0
    for match in _BRACKETS.finditer(text):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            if depth > MAX_TEXT_DEPTH:
                raise ValidationError("$", f"nests deeper than {MAX_DEPTH} levels")
        elif token in ("]", "}"):
            depth -= 1
    try:
        return json.loads(text, parse_int=_whole_number)
    except json.JSONDecodeError as error:
        raise ValidationError(
            "$", f"not valid JSON ({error.msg} at line {error.lineno}, column {error.colno})"
        ) from None
    except (RecursionError, ValueError):
        raise ValidationError("$", "not valid JSON") from None


def _whole_number(digits: str) -> int:
    return int(digits) if len(digits) <= 20 else _TOO_BIG


def _located(path: str, key: object) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    name = str(key)
    return f"{path}.{name if len(name) <= 40 else name[:40] + '…'}"


def _nodes(document: Any) -> Iterator[tuple[str, int, Any]]:
    stack: list[tuple[str, int, Any]] = [("$", 0, document)]
    while stack:
        path, depth, value = stack.pop()
        yield path, depth, value
        if isinstance(value, dict):
            stack.extend((_located(path, k), depth + 1, v) for k, v in reversed(value.items()))
        elif isinstance(value, list | tuple):
            items = list(enumerate(value))
            stack.extend((f"{path}[{i}]", depth + 1, v) for i, v in reversed(items))


def screen(document: Any) -> None:
    """Refuse, naming the JSON path, any value no field can hold: nesting deeper than
    MAX_DEPTH, integers beyond 32 bits, NaN and infinities, NUL and other control characters
    (LF, CR and TAB are left for the schema to judge field by field), lone surrogates, bidi
    overrides, keys that are not text, and (from in-process callers) non-JSON objects.

    Iterative, so a deep document from a caller that skipped ``parse_json`` cannot recurse."""
    for path, depth, value in _nodes(document):
        if depth > MAX_DEPTH:
            raise ValidationError(path, f"nests deeper than {MAX_DEPTH} levels")
        problem = _leaf_problem(value)
        if problem:
            raise ValidationError(path, problem)


def _leaf_problem(value: Any) -> str | None:
    if value is None or isinstance(value, bool | list | tuple):
        return None
    if isinstance(value, int):
        return None if INT_MIN <= value <= INT_MAX else f"is out of range (at most {INT_MAX})"
    if isinstance(value, float):
        return None if math.isfinite(value) else "must be a finite number"
    if isinstance(value, str):
        return text_problem(value, multiline=True)
    if isinstance(value, dict):
        for key in value:
            if not isinstance(key, str):
                return "has a key that is not text"
            problem = text_problem(key, multiline=False)
            if problem:
                return f"has a key that {problem}"
        return None
    return "is not a JSON value"


def _strict_integer(checker: Any, instance: Any) -> bool:
    """1.0 and 1e300 are numbers, not record ids: an integer is an int (never a bool)."""
    return isinstance(instance, int) and not isinstance(instance, bool)


def _typed_text(validator: Any, types: Any, instance: Any, schema: Any) -> Iterator[Any]:
    """The ``type`` keyword, and for text the line rule: one line unless ``multiline``."""
    wanted = types if isinstance(types, list) else [types]
    if not any(validator.is_type(instance, name) for name in wanted):
        yield jsonschema.ValidationError("wrong type", validator="type")
        return
    if isinstance(instance, str):
        problem = text_problem(instance, multiline=bool(schema.get("multiline")))
        if problem:
            yield jsonschema.ValidationError(problem, validator="text")


@functools.cache
def _validator(name: str) -> jsonschema.protocols.Validator:
    schema = json.loads(resource("schemas", f"{name}.schema.json").read_text(encoding="utf-8"))
    base = jsonschema.validators.validator_for(schema)
    base.check_schema(schema)
    cls = jsonschema.validators.extend(
        base,
        validators={"type": _typed_text},
        type_checker=base.TYPE_CHECKER.redefine("integer", _strict_integer),
    )
    validator: jsonschema.protocols.Validator = cls(schema)
    return validator


def json_path(parts: Any) -> str:
    """``$.a[0].b`` from a jsonschema error path."""
    path = "$"
    for part in parts:
        path = _located(path, part)
    return path


def _choices(values: Any) -> str:
    shown = ", ".join("null" if v is None else str(v) for v in list(values)[:12])
    return shown + (", …" if len(values) > 12 else "")


def _message(error: jsonschema.ValidationError) -> str:
    """What is wrong, in words that never quote more than a short prefix of the value."""
    kind, limit = error.validator, error.validator_value
    if kind == "text":
        return str(error.message)
    if kind == "type":
        wanted = " or ".join(limit) if isinstance(limit, list) else str(limit)
        return f"must be of type {wanted}"
    if len(error.message) <= SHORT_MESSAGE:  # jsonschema's own words, when they are short
        return str(error.message)
    return _limit_message(error, kind, limit)


def _limit_message(error: jsonschema.ValidationError, kind: object, limit: Any) -> str:
    if kind == "maxLength":
        return f"is too long ({len(error.instance)} characters; at most {limit})"
    if kind == "minLength":
        return "must not be empty" if limit == 1 else f"needs at least {limit} characters"
    if kind == "maxItems":
        return f"has too many entries (at most {limit})"
    if kind == "minItems":
        return "needs at least one entry" if limit == 1 else f"needs at least {limit} entries"
    if kind == "minimum":
        return f"must be at least {limit}"
    if kind == "maximum":
        return f"must be at most {limit}"
    if kind == "enum":
        return f"{quoted(error.instance)} is not one of: {_choices(limit)}"
    if kind == "const":
        return f"must be {limit!r}"
    if kind == "pattern":
        return f"{quoted(error.instance)} is not in the expected form"
    if kind == "uniqueItems":
        return "has an entry twice"
    message = str(error.message)
    return message if len(message) <= 200 else message[:200] + "…"


def check(document: Any, schema: str) -> None:
    """Raise ValidationError for the first problem, naming its JSON path: hostile values first
    (``screen``), then the schema; no message echoes more than a short prefix of a value."""
    screen(document)
    errors = sorted(
        _validator(schema).iter_errors(document),
        key=lambda e: [str(p) for p in e.absolute_path],
    )
    if not errors:
        return
    error = errors[0]
    path = json_path(error.absolute_path)
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        raise ValidationError(
            path, f"unknown key {quoted(extra[0], 40)}" if extra else "has unknown keys"
        )
    if error.validator == "required":
        missing = [k for k in error.validator_value if k not in error.instance]
        key = missing[0] if missing else "?"
        raise ValidationError(f"{path}.{key}" if path != "$" else f"$.{key}", "is required")
    if error.validator == "pattern" and path.endswith("dob"):
        raise ValidationError(path, "must be a date written YYYY-MM-DD")
    raise ValidationError(path, _message(error))


def youth_from_json(document: Any) -> YouthInput:
    """A checked ``youth add`` document as domain input."""
    check(document, "youth")
    return YouthInput(
        legal_first_name=document["legal_first_name"],
        legal_middle_name=document.get("legal_middle_name"),
        legal_last_name=document["legal_last_name"],
        preferred_name=document.get("preferred_name"),
        aliases=tuple(document.get("aliases", ())),
        dob=parse_day("$.dob", document["dob"]),
        gender_identity=document.get("gender_identity"),
        pronouns=document.get("pronouns"),
        primary_language=document.get("primary_language"),
        interpreter_needed=bool(document.get("interpreter_needed", False)),
        race_ethnicity=document.get("race_ethnicity"),
    )


def youth_to_json(data: YouthInput) -> dict[str, Any]:
    """The stable youth keys of the interchange format."""
    return {
        "legal_first_name": data.legal_first_name,
        "legal_middle_name": data.legal_middle_name,
        "legal_last_name": data.legal_last_name,
        "preferred_name": data.preferred_name,
        "aliases": list(data.aliases),
        "dob": data.dob.isoformat(),
        "gender_identity": data.gender_identity,
        "pronouns": data.pronouns,
        "primary_language": data.primary_language,
        "interpreter_needed": data.interpreter_needed,
        "race_ethnicity": data.race_ethnicity,
    }
