"""Loading an instrument definition: JSON without duplicate keys, checked against the shipped
schema with messages a maintainer can act on, then built into frozen records.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final, NoReturn

from jsonschema import Draft202012Validator  # type: ignore[import-untyped, unused-ignore]

from girlscourt.domain.instrument_checks import _Checks, _critical_responses, _item_points
from girlscourt.domain.instruments import (
    _MAX_PROBLEMS,
    SCHEMA_FILENAME,
    Administration,
    Band,
    Cap,
    Critical,
    DisclosureRule,
    Domain,
    DomainThreshold,
    FollowUpAction,
    Instrument,
    Item,
    MandatoryCategory,
    ResponseOption,
    ResponseSet,
    ResultLevel,
    Training,
)
from girlscourt.errors import ConfigurationError

# --- Loading ------------------------------------------------------------------------------------


def canonical_json(data: Any) -> bytes:
    """The canonical form the checksum covers: sorted keys, no whitespace, UTF-8."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def checksum_of(data: Any) -> str:
    """sha256 hex of the canonical JSON form of a parsed definition."""
    return hashlib.sha256(canonical_json(data)).hexdigest()


def load_instrument(path: Path, *, schema: Mapping[str, Any] | None = None) -> Instrument:
    """Read, validate and build the instrument in ``path``; errors name the file and key."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigurationError(f"{path.name}: cannot be read ({exc.strerror or exc})") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigurationError(f"{path.name}: not UTF-8 text (byte {exc.start})") from exc
    return load_instrument_text(text, path.name, schema=schema)


def load_instrument_text(
    text: str, source: str, *, schema: Mapping[str, Any] | None = None
) -> Instrument:
    """Validate and build an instrument from JSON text; ``source`` names it in errors."""
    data = _parse_json(text, source)
    errors = sorted(_validator(schema).iter_errors(data), key=_error_order)
    # A key not allowed for this kind needs no further complaints about its content.
    banned = [
        list(e.absolute_path) for e in errors if e.validator == "not" and e.validator_value == {}
    ]
    errors = [
        e
        for e in errors
        if not any(list(e.absolute_path)[: len(b)] == b for b in banned) or e.validator == "not"
    ]
    if errors:
        _refuse(source, [_describe(error, data) for error in errors])
    problems = _Checks(data).run()
    if problems:
        _refuse(source, problems)
    return _build(data, source)


def load_instrument_dir(
    path: Path, *, schema: Mapping[str, Any] | None = None
) -> dict[str, Instrument]:
    """Load every ``*.json`` definition in ``path`` (not the schema), keyed by ``id@version``."""
    if not path.is_dir():
        raise ConfigurationError(f"{path}: not a folder of instrument definitions")
    found: dict[str, Instrument] = {}
    for file in sorted(path.glob("*.json")):
        if file.name.endswith(".schema.json"):
            continue
        instrument = load_instrument(file, schema=schema)
        if instrument.key in found:
            raise ConfigurationError(
                f"{file.name}: id, version: {instrument.key} is already defined in "
                f"{found[instrument.key].source}"
            )
        found[instrument.key] = instrument
    return found


class _DuplicateKeyError(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKeyError(key)
        result[key] = value
    return result


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _parse_json(text: str, source: str) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constants)
    except json.JSONDecodeError as exc:
        raise ConfigurationError(
            f"{source}: line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg})"
        ) from exc
    except _DuplicateKeyError as exc:
        raise ConfigurationError(f"{source}: key '{exc}' appears twice in the same object") from exc
    except ValueError as exc:
        raise ConfigurationError(f"{source}: not valid JSON ({exc})") from exc


def _refuse(source: str, problems: Sequence[tuple[str, str]]) -> NoReturn:
    lines = [f"{source}: {key}: {message}" for key, message in problems[:_MAX_PROBLEMS]]
    if len(problems) > _MAX_PROBLEMS:
        lines.append(f"{source}: ... and {len(problems) - _MAX_PROBLEMS} more problems")
    raise ConfigurationError("\n".join(lines))


@lru_cache(maxsize=1)
def _shipped_validator() -> Any:
    from girlscourt.resources import resource

    try:
        schema = json.loads(resource("instruments", SCHEMA_FILENAME).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigurationError(f"{SCHEMA_FILENAME}: cannot be loaded ({exc})") from exc
    return _make_validator(schema)


def _make_validator(schema: Mapping[str, Any]) -> Any:
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _validator(schema: Mapping[str, Any] | None) -> Any:
    return _shipped_validator() if schema is None else _make_validator(schema)


def _key_of(path: Iterable[str | int]) -> str:
    """A JSON path written as ``items[3].response_set``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(top level)"


def _error_order(error: Any) -> list[tuple[int, str, int]]:
    return [(1, "", p) if isinstance(p, int) else (0, str(p), 0) for p in error.absolute_path]


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return f"text {value!r}" if len(value) <= 40 else "text"
    return "a list" if isinstance(value, list) else "an object"


def _type_message(value: Any, instance: Any) -> str:
    wanted = [value] if isinstance(value, str) else list(value)
    expected = " or ".join(_JSON_TYPES.get(t, t) for t in wanted)
    return f"must be {expected}, not {_json_type(instance)}"


def _pattern_message(value: Any, instance: Any) -> str:
    if value == "\\S":
        return "must not be blank"
    return f"{instance!r} is not allowed here (letters, digits, '_', '-' and '.' only)"


def _describe(error: Any, data: Any) -> tuple[str, str]:
    """Turn one jsonschema error into (key, plain message)."""
    path = list(error.absolute_path)
    validator, value, instance = error.validator, error.validator_value, error.instance
    if validator == "required":
        missing = next((k for k in value if k not in instance), str(value))
        return _key_of([*path, missing]), "required key is missing"
    if validator == "additionalProperties":
        known = set(error.schema.get("properties", {}))
        patterns = list(error.schema.get("patternProperties", {}))
        extra = [
            k for k in instance if k not in known and not any(re.search(p, k) for p in patterns)
        ]
        return _key_of([*path, extra[0] if extra else "?"]), "unexpected key (check the spelling)"
    if validator == "not" and value == {}:
        kind = data.get("kind") if isinstance(data, dict) else None
        return _key_of(path), f"not allowed in a {kind} instrument"
    message = _MESSAGES.get(str(validator))
    return _key_of(path), message(value, instance) if message else str(error.message)


# --- Building -----------------------------------------------------------------------------------


def _actions(rows: Iterable[Mapping[str, Any]]) -> tuple[FollowUpAction, ...]:
    return tuple(FollowUpAction(row["code"], row["label"]) for row in rows)


def _date(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _build(data: Mapping[str, Any], source: str) -> Instrument:
    sets = tuple(
        ResponseSet(
            id=s["id"],
            label=s.get("label", s["id"]),
            options=tuple(
                ResponseOption(o["code"], o["label"], o["points"], bool(o.get("unknown", False)))
                for o in s["options"]
            ),
        )
        for s in data["response_sets"]
    )
    raw_sets = {s["id"]: s for s in data["response_sets"]}
    items: list[Item] = []
    for raw in data["items"]:
        points = _item_points(raw, raw_sets[raw["response_set"]])
        critical = raw.get("critical")
        items.append(
            Item(
                id=raw["id"],
                domain=raw["domain"],
                text=raw["text"],
                response_set=raw["response_set"],
                help_text=raw.get("help_text", ""),
                weight=int(raw.get("weight", 1)),
                points=MappingProxyType(points),
                critical=None
                if critical is None
                else Critical(critical["min_level"], tuple(_critical_responses(critical, points))),
            )
        )
    administration = data.get("administration")
    disclosure = data.get("disclosure_rule")
    return Instrument(
        id=data["id"],
        version=data["version"],
        title=data["title"],
        kind=data["kind"],
        label=data["label"],
        licence=data["licence"],
        redistributable=data["redistributable"],
        domains=tuple(
            Domain(
                id=d["id"],
                label=d["label"],
                description=d.get("description", ""),
                thresholds=tuple(
                    DomainThreshold(t["min_score"], t["level"]) for t in d.get("thresholds", [])
                ),
            )
            for d in data["domains"]
        ),
        response_sets=sets,
        items=tuple(items),
        checksum=checksum_of(data),
        source=source,
        short_name=data.get("short_name", ""),
        publisher=data.get("publisher", ""),
        disclaimer=data.get("disclaimer", ""),
        instructions=data.get("instructions", ""),
        licence_holder=data.get("licence_holder", ""),
        licence_valid_from=_date(data.get("licence_valid_from")),
        licence_valid_until=_date(data.get("licence_valid_until")),
        administration=None
        if administration is None
        else Administration(
            administration["mode"],
            administration["read_to_youth"],
            administration.get("est_minutes"),
        ),
        required_training=tuple(
            Training(t["code"], t["name"], t.get("refresher_months"))
            for t in data.get("required_training", [])
        ),
        disclosure_rule=None
        if disclosure is None
        else DisclosureRule(disclosure["stop_and_refer"], disclosure["referral_type"]),
        rescreen_triggers=tuple(data.get("rescreen_triggers", [])),
        rescreen_after_days=data.get("rescreen_after_days"),
        overrides_allowed=data.get("overrides_allowed", True),
        result_levels=tuple(
            ResultLevel(
                code=level["code"],
                label=level["label"],
                min_score=level["min_score"],
                description=level.get("description", ""),
                actions=_actions(level["actions"]),
            )
            for level in data.get("result_levels", [])
        ),
        max_unknown=data.get("max_unknown"),
        bands=tuple(
            Band(
                code=band["code"],
                label=band["label"],
                min_score=band["min_score"],
                max_score=band["max_score"],
                description=band.get("description", ""),
                actions=_actions(band.get("actions", [])),
            )
            for band in data.get("bands", [])
        ),
        caps=tuple(
            Cap(
                id=cap["id"],
                label=cap.get("label", cap["id"]),
                domains=tuple(cap["domains"]),
                min_points=cap.get("min_points"),
                max_points=cap.get("max_points"),
            )
            for cap in data.get("caps", [])
        ),
        mandatory_detention=tuple(
            MandatoryCategory(m["code"], m["label"], m["item"], tuple(m["responses"]), m["band"])
            for m in data.get("mandatory_detention", [])
        ),
        score_floor=data.get("score_floor"),
    )


# --- Schema error messages (looked up above at call time) -----------------------------------------

_JSON_TYPES: Final = {
    "object": "an object",
    "array": "a list",
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}


_MESSAGES: Final[dict[str, Callable[[Any, Any], str]]] = {
    "type": _type_message,
    "pattern": _pattern_message,
    "enum": lambda v, i: f"must be one of {', '.join(repr(x) for x in v)}, not {_json_type(i)}",
    "const": lambda v, i: f"must be {v!r}",
    "minItems": lambda v, i: "must not be empty" if v == 1 else f"needs at least {v} entries",
    "minProperties": lambda v, i: "must not be empty",
    "uniqueItems": lambda v, i: "lists the same entry twice",
    "minimum": lambda v, i: f"must be at least {v}, not {i}",
    "maximum": lambda v, i: f"must be at most {v}, not {i}",
    "minLength": lambda v, i: "must not be empty",
    "maxLength": lambda v, i: f"must not be longer than {v} characters",
    "format": lambda v, i: f"must be a date written YYYY-MM-DD, not {i!r}",
}
