"""The JSON interchange format: reading documents, checking them against the shipped schemas,
and turning records into the stable output shape (``docs/interchange.md``).

Errors name the JSON path (``$.aliases[2]``) so a batch job's author can find the bad value.
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path
from typing import Any

import jsonschema

from girlscourt.domain.youth_rules import YouthInput, parse_date
from girlscourt.errors import ValidationError
from girlscourt.resources import resource


def read_json(source: str) -> Any:
    """Parse a file path, or ``-`` for standard input; a syntax error names line and column."""
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ValidationError("--json", f"cannot read {source}: {error}") from error
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ValidationError(
            "$", f"not valid JSON ({error.msg} at line {error.lineno}, column {error.colno})"
        ) from error


@functools.cache
def _validator(name: str) -> jsonschema.protocols.Validator:
    schema = json.loads(resource("schemas", f"{name}.schema.json").read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    validator: jsonschema.protocols.Validator = cls(schema)
    return validator


def json_path(parts: Any) -> str:
    """``$.a[0].b`` from a jsonschema error path."""
    path = "$"
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def check(document: Any, schema: str) -> None:
    """Raise ValidationError for the first schema problem, naming its JSON path."""
    errors = sorted(_validator(schema).iter_errors(document), key=lambda e: list(e.absolute_path))
    if not errors:
        return
    error = errors[0]
    path = json_path(error.absolute_path)
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        raise ValidationError(path, f"unknown key {extra[0]!r}" if extra else error.message)
    if error.validator == "required":
        missing = [k for k in error.validator_value if k not in error.instance]
        key = missing[0] if missing else "?"
        raise ValidationError(f"{path}.{key}" if path != "$" else f"$.{key}", "is required")
    if error.validator == "type":
        wanted = error.validator_value
        wanted_text = " or ".join(wanted) if isinstance(wanted, list) else wanted
        raise ValidationError(path, f"must be of type {wanted_text}")
    if error.validator == "pattern" and path.endswith("dob"):
        raise ValidationError(path, "must be a date written YYYY-MM-DD")
    raise ValidationError(path, error.message)


def youth_from_json(document: Any) -> YouthInput:
    """A checked ``youth add`` document as domain input."""
    check(document, "youth")
    return YouthInput(
        legal_first_name=document["legal_first_name"],
        legal_middle_name=document.get("legal_middle_name"),
        legal_last_name=document["legal_last_name"],
        preferred_name=document.get("preferred_name"),
        aliases=tuple(document.get("aliases", ())),
        dob=parse_date("$.dob", document["dob"]),
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
