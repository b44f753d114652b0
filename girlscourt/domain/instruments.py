"""Screening and risk instruments are county data: load, validate and score them without code."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final, Literal, NoReturn, TypeVar

from jsonschema import Draft202012Validator  # type: ignore[import-untyped, unused-ignore]

from girlscourt.errors import ConfigurationError, ValidationError

__all__ = [
    "SCHEMA_FILENAME",
    "Administration",
    "Band",
    "Cap",
    "CapResult",
    "Critical",
    "DisclosureRule",
    "Domain",
    "DomainScore",
    "DomainThreshold",
    "FollowUpAction",
    "Instrument",
    "InstrumentKind",
    "Item",
    "MandatoryCategory",
    "ResponseOption",
    "ResponseSet",
    "ResultLevel",
    "RiskResult",
    "ScreeningResult",
    "Training",
    "canonical_json",
    "checksum_of",
    "load_instrument",
    "load_instrument_dir",
    "load_instrument_text",
    "score_risk",
    "score_screening",
]

InstrumentKind = Literal["screening", "risk"]

SCHEMA_FILENAME: Final = "instrument.schema.json"
_MAX_PROBLEMS: Final = 10
_Row = TypeVar("_Row")


# --- Definition ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUpAction:
    """A follow-up a result calls for: ``code`` for services, ``label`` for people."""

    code: str
    label: str


@dataclass(frozen=True)
class ResponseOption:
    """One answer a rater may pick; the ``unknown`` option scores nothing and is counted."""

    code: str
    label: str
    points: int | None
    unknown: bool = False


@dataclass(frozen=True)
class ResponseSet:
    """A reusable list of answers shared by several items."""

    id: str
    label: str
    options: tuple[ResponseOption, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        """The answer codes, in file order."""
        return tuple(option.code for option in self.options)

    @property
    def unknown_option(self) -> ResponseOption | None:
        """The 'Unknown / not enough information' option, if the set has one."""
        return next((option for option in self.options if option.unknown), None)

    def option(self, code: str) -> ResponseOption | None:
        """The option with this code, or None."""
        return next((option for option in self.options if option.code == code), None)


@dataclass(frozen=True)
class DomainThreshold:
    """A domain score at or above ``min_score`` forces at least result level ``level``."""

    min_score: int
    level: str


@dataclass(frozen=True)
class Domain:
    """A group of items (a screening domain or a risk section), scored as a subtotal."""

    id: str
    label: str
    description: str = ""
    thresholds: tuple[DomainThreshold, ...] = ()


@dataclass(frozen=True)
class Critical:
    """Any of ``responses`` on this item forces the result to at least ``min_level``."""

    min_level: str
    responses: tuple[str, ...]


@dataclass(frozen=True)
class Item:
    """One statement rated by the user; ``points`` maps every answer code to its points."""

    id: str
    domain: str
    text: str
    response_set: str
    help_text: str = ""
    weight: int = 1
    points: Mapping[str, int | None] = field(default_factory=dict, hash=False)
    critical: Critical | None = None


@dataclass(frozen=True)
class ResultLevel:
    """A screening result level; a total at or above ``min_score`` reaches it."""

    code: str
    label: str
    min_score: int
    description: str = ""
    actions: tuple[FollowUpAction, ...] = ()


@dataclass(frozen=True)
class Band:
    """A risk band: an inclusive score range (``max_score`` None means no upper limit)."""

    code: str
    label: str
    min_score: int
    max_score: int | None
    description: str = ""
    actions: tuple[FollowUpAction, ...] = ()

    def contains(self, score: int) -> bool:
        """Whether ``score`` falls inside this band."""
        return score >= self.min_score and (self.max_score is None or score <= self.max_score)


@dataclass(frozen=True)
class Cap:
    """Holds the summed points of ``domains`` between ``min_points`` and ``max_points``."""

    id: str
    label: str
    domains: tuple[str, ...]
    min_points: int | None
    max_points: int | None

    def apply(self, raw: int) -> int:
        """The points after the cap."""
        if self.max_points is not None and raw > self.max_points:
            return self.max_points
        if self.min_points is not None and raw < self.min_points:
            return self.min_points
        return raw


@dataclass(frozen=True)
class MandatoryCategory:
    """A special case: any of ``responses`` on ``item`` forces ``band`` whatever the score."""

    code: str
    label: str
    item: str
    responses: tuple[str, ...]
    band: str


@dataclass(frozen=True)
class Training:
    """Training a user must hold to complete the instrument."""

    code: str
    name: str
    refresher_months: int | None = None


@dataclass(frozen=True)
class Administration:
    """How the instrument is completed."""

    mode: str
    read_to_youth: bool
    est_minutes: int | None = None


@dataclass(frozen=True)
class DisclosureRule:
    """What to do when a youth discloses during screening."""

    stop_and_refer: bool
    referral_type: str


@dataclass(frozen=True)
class Instrument:
    """A validated instrument definition; build it with :func:`load_instrument`."""

    id: str
    version: str
    title: str
    kind: InstrumentKind
    label: str
    licence: str
    redistributable: bool
    domains: tuple[Domain, ...]
    response_sets: tuple[ResponseSet, ...]
    items: tuple[Item, ...]
    checksum: str
    source: str
    short_name: str = ""
    publisher: str = ""
    disclaimer: str = ""
    instructions: str = ""
    licence_holder: str = ""
    licence_valid_from: date | None = None
    licence_valid_until: date | None = None
    administration: Administration | None = None
    required_training: tuple[Training, ...] = ()
    disclosure_rule: DisclosureRule | None = None
    rescreen_triggers: tuple[str, ...] = ()
    rescreen_after_days: int | None = None
    overrides_allowed: bool = True
    result_levels: tuple[ResultLevel, ...] = ()
    max_unknown: int | None = None
    bands: tuple[Band, ...] = ()
    caps: tuple[Cap, ...] = ()
    mandatory_detention: tuple[MandatoryCategory, ...] = ()
    score_floor: int | None = None

    @property
    def key(self) -> str:
        """``id@version``, the key completed screenings are pinned to (with the checksum)."""
        return f"{self.id}@{self.version}"

    def licence_valid_on(self, day: date) -> bool:
        """Whether ``day`` is inside the licence window (open ends always are)."""
        if self.licence_valid_from is not None and day < self.licence_valid_from:
            return False
        return self.licence_valid_until is None or day <= self.licence_valid_until

    def domain(self, domain_id: str) -> Domain:
        """The domain with this id (KeyError if none)."""
        return _find(self.domains, "id", domain_id)

    def item(self, item_id: str) -> Item:
        """The item with this id (KeyError if none)."""
        return _find(self.items, "id", item_id)

    def response_set(self, set_id: str) -> ResponseSet:
        """The response set with this id (KeyError if none)."""
        return _find(self.response_sets, "id", set_id)

    def level(self, code: str) -> ResultLevel:
        """The result level with this code (KeyError if none)."""
        return _find(self.result_levels, "code", code)

    def level_rank(self, code: str) -> int:
        """Position of a result level, 0 for the least concern."""
        return [level.code for level in self.result_levels].index(code)

    def band(self, code: str) -> Band:
        """The band with this code (KeyError if none)."""
        return _find(self.bands, "code", code)

    def band_rank(self, code: str) -> int:
        """Position of a band, 0 for the least restrictive."""
        return [band.code for band in self.bands].index(code)


def _find(rows: Iterable[_Row], attr: str, value: str) -> _Row:
    for row in rows:
        if getattr(row, attr) == value:
            return row
    raise KeyError(value)


# --- Results ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DomainScore:
    """One domain's subtotal and the level its thresholds force, if any."""

    domain: str
    score: int
    answered: int
    unknown: int
    unanswered: int
    threshold_level: str | None = None


@dataclass(frozen=True)
class ScreeningResult:
    """The outcome of one screening, pinned to the instrument id, version and checksum.

    ``score_level`` comes from the total alone; ``computed_level`` also applies critical items
    and domain thresholds; ``final_level`` is the user's override, if any.
    """

    instrument_id: str
    instrument_version: str
    instrument_checksum: str
    domain_scores: Mapping[str, DomainScore] = field(hash=False)
    total: int
    score_level: str
    computed_level: str
    final_level: str
    override_reason: str | None
    critical_items: tuple[str, ...]
    unanswered_items: tuple[str, ...]
    unknown_items: tuple[str, ...]
    insufficient_information: bool
    follow_up_actions: tuple[FollowUpAction, ...]

    @property
    def unknown_count(self) -> int:
        """How many items were answered 'Unknown'."""
        return len(self.unknown_items)

    @property
    def overridden(self) -> bool:
        """Whether the user's level differs from the computed one."""
        return self.final_level != self.computed_level


@dataclass(frozen=True)
class CapResult:
    """A capped group of domains: raw points and the points after the cap."""

    id: str
    raw: int
    applied: int

    @property
    def capped(self) -> bool:
        """Whether the cap changed the points."""
        return self.raw != self.applied


@dataclass(frozen=True)
class RiskResult:
    """The outcome of one risk assessment; the final decision and any override are the caller's.

    ``section_points`` are per domain before caps; ``raw_total`` applies the caps; ``total``
    also applies the score floor. ``recommended_band`` is ``score_band`` unless a mandatory
    category forces a more restrictive one.
    """

    instrument_id: str
    instrument_version: str
    instrument_checksum: str
    section_points: Mapping[str, int] = field(hash=False)
    caps: Mapping[str, CapResult] = field(hash=False)
    raw_total: int
    total: int
    score_band: str
    mandatory_categories: tuple[str, ...]
    recommended_band: str
    follow_up_actions: tuple[FollowUpAction, ...]

    @property
    def mandatory_category(self) -> str | None:
        """The mandatory-detention category that forced the band, if any."""
        return self.mandatory_categories[0] if self.mandatory_categories else None


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


# --- Schema error messages ----------------------------------------------------------------------

_JSON_TYPES: Final = {
    "object": "an object",
    "array": "a list",
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}


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


# --- Semantic checks ----------------------------------------------------------------------------


def _item_points(item: Mapping[str, Any], rset: Mapping[str, Any]) -> dict[str, int | None]:
    """Points of each answer code for one item: the item's own table, else set points x weight."""
    own: Mapping[str, int] = item.get("points", {})
    weight = int(item.get("weight", 1))
    points: dict[str, int | None] = {}
    for option in rset["options"]:
        code = option["code"]
        if option.get("unknown", False) or option["points"] is None:
            points[code] = None
        elif code in own:
            points[code] = int(own[code])
        else:
            points[code] = int(option["points"]) * weight
    return points


def _critical_responses(critical: Mapping[str, Any], points: Mapping[str, int | None]) -> list[str]:
    """The answers that trigger a critical item: as listed, else any scoring above zero."""
    if "responses" in critical:
        return list(critical["responses"])
    return [code for code, pts in points.items() if pts is not None and pts > 0]


def _first_index(rows: Sequence[Mapping[str, Any]], attr: str) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, row in enumerate(rows):
        found.setdefault(row[attr], index)
    return found


class _Checks:
    """The checks JSON Schema cannot express: references, duplicates, order, gaps, overlaps."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.kind: str = data["kind"]
        self.domains: list[dict[str, Any]] = data["domains"]
        self.sets: list[dict[str, Any]] = data["response_sets"]
        self.items: list[dict[str, Any]] = data["items"]
        self.levels: list[dict[str, Any]] = data.get("result_levels", [])
        self.bands: list[dict[str, Any]] = data.get("bands", [])
        self.caps: list[dict[str, Any]] = data.get("caps", [])
        self.mandatory: list[dict[str, Any]] = data.get("mandatory_detention", [])
        self.set_by_id = {s["id"]: s for s in reversed(self.sets)}
        self.domain_ids = {d["id"] for d in self.domains}
        self.level_rank = _first_index(self.levels, "code")
        self.item_points: dict[str, dict[str, int | None]] = {}
        self.problems: list[tuple[str, str]] = []

    def add(self, key: str, message: str) -> None:
        """Record one problem at ``key``."""
        self.problems.append((key, message))

    def run(self) -> list[tuple[str, str]]:
        """All problems found, in file order within each check."""
        self.duplicates()
        self.licence_window()
        self.response_sets()
        self.increasing("result_levels", self.levels, "min_score")
        self.domain_thresholds()
        self.item_references()
        self.cap_references()
        self.mandatory_references()
        self.band_order()
        if not self.problems:
            self.coverage()
        return self.problems

    def duplicates(self) -> None:
        """Ids and codes must be unique within their list."""
        for where, rows, attr in (
            ("domains", self.domains, "id"),
            ("response_sets", self.sets, "id"),
            ("items", self.items, "id"),
            ("result_levels", self.levels, "code"),
            ("bands", self.bands, "code"),
            ("caps", self.caps, "id"),
            ("mandatory_detention", self.mandatory, "code"),
        ):
            self.unique(where, rows, attr)
        for index, rset in enumerate(self.sets):
            self.unique(f"response_sets[{index}].options", rset["options"], "code")

    def unique(self, where: str, rows: Sequence[Mapping[str, Any]], attr: str) -> None:
        """Report every repeat of ``attr`` in ``rows``."""
        first = _first_index(rows, attr)
        for index, row in enumerate(rows):
            if first[row[attr]] != index:
                self.add(
                    f"{where}[{index}].{attr}",
                    f"duplicate {attr} {row[attr]!r} (also {where}[{first[row[attr]]}])",
                )

    def increasing(self, where: str, rows: Sequence[Mapping[str, Any]], attr: str) -> None:
        """``attr`` must grow strictly from row to row."""
        for index in range(1, len(rows)):
            before, now = rows[index - 1][attr], rows[index][attr]
            if now <= before:
                self.add(
                    f"{where}[{index}].{attr}",
                    f"must be greater than {where}[{index - 1}].{attr} ({before})",
                )

    def licence_window(self) -> None:
        """The licence cannot end before it starts."""
        start, until = self.data.get("licence_valid_from"), self.data.get("licence_valid_until")
        if start is not None and until is not None and until < start:
            self.add("licence_valid_until", f"must not be before licence_valid_from ({start})")

    def response_sets(self) -> None:
        """Screening sets need exactly one Unknown answer; risk sets at most one."""
        for index, rset in enumerate(self.sets):
            unknown = sum(1 for option in rset["options"] if option.get("unknown", False))
            if self.kind == "screening" and unknown != 1:
                self.add(
                    f"response_sets[{index}].options",
                    f'needs exactly one option marked "unknown" (found {unknown})',
                )
            elif unknown > 1:
                self.add(
                    f"response_sets[{index}].options",
                    f'may have at most one option marked "unknown" (found {unknown})',
                )

    def domain_thresholds(self) -> None:
        """Thresholds name known levels, rise in score and level; every domain has items."""
        used = {item["domain"] for item in self.items}
        for d_index, domain in enumerate(self.domains):
            where = f"domains[{d_index}]"
            if domain["id"] not in used:
                self.add(where, f"no item belongs to domain {domain['id']!r}")
            thresholds: list[dict[str, Any]] = domain.get("thresholds", [])
            if thresholds and self.kind != "screening":
                self.add(f"{where}.thresholds", f"not allowed in a {self.kind} instrument")
                continue
            self.increasing(f"{where}.thresholds", thresholds, "min_score")
            ranks: list[int] = []
            for t_index, threshold in enumerate(thresholds):
                key = f"{where}.thresholds[{t_index}].level"
                rank = self.level_rank.get(threshold["level"])
                if rank is None:
                    self.add(key, f"unknown result level {threshold['level']!r}")
                    continue
                if ranks and rank <= ranks[-1]:
                    self.add(key, "must be a higher level than the threshold before it")
                ranks.append(rank)

    def item_references(self) -> None:
        """Items name known domains, response sets, answer codes and levels."""
        for index, item in enumerate(self.items):
            where = f"items[{index}]"
            if item["domain"] not in self.domain_ids:
                self.add(f"{where}.domain", f"unknown domain {item['domain']!r}")
            rset = self.set_by_id.get(item["response_set"])
            if rset is None:
                self.add(f"{where}.response_set", f"unknown response set {item['response_set']!r}")
                continue
            if "weight" in item and "points" in item:
                self.add(f"{where}.points", "give either weight or points, not both")
            options = {option["code"]: option for option in rset["options"]}
            for code in item.get("points", {}):
                if code not in options:
                    self.add(f"{where}.points.{code}", self.not_an_answer(code, rset))
                elif options[code].get("unknown", False):
                    self.add(f"{where}.points.{code}", 'the "unknown" answer cannot score points')
            points = _item_points(item, rset)
            self.item_points.setdefault(item["id"], points)
            if "critical" in item:
                self.critical(where, item["critical"], rset, points)

    @staticmethod
    def not_an_answer(code: str, rset: Mapping[str, Any]) -> str:
        """Message for an answer code missing from a response set."""
        return f"{code!r} is not an answer in response set {rset['id']!r}"

    def critical(
        self,
        where: str,
        critical: Mapping[str, Any],
        rset: Mapping[str, Any],
        points: Mapping[str, int | None],
    ) -> None:
        """A critical flag names a known level and answers that can occur and score."""
        if self.kind != "screening":
            self.add(f"{where}.critical", f"not allowed in a {self.kind} instrument")
            return
        if critical["min_level"] not in self.level_rank:
            self.add(
                f"{where}.critical.min_level", f"unknown result level {critical['min_level']!r}"
            )
        options = {option["code"]: option for option in rset["options"]}
        for index, code in enumerate(critical.get("responses", [])):
            key = f"{where}.critical.responses[{index}]"
            if code not in options:
                self.add(key, self.not_an_answer(code, rset))
            elif options[code].get("unknown", False):
                self.add(key, 'the "unknown" answer cannot be critical')
        if not _critical_responses(critical, points):
            self.add(f"{where}.critical", "no answer scores above zero, so it can never trigger")

    def cap_references(self) -> None:
        """Caps name known domains, each capped once, with min <= max."""
        capped: dict[str, int] = {}
        for c_index, cap in enumerate(self.caps):
            where = f"caps[{c_index}]"
            low, high = cap.get("min_points"), cap.get("max_points")
            if low is None and high is None:
                self.add(where, "give min_points, max_points or both")
            elif low is not None and high is not None and high < low:
                self.add(f"{where}.max_points", f"must not be less than min_points ({low})")
            for d_index, domain_id in enumerate(cap["domains"]):
                key = f"{where}.domains[{d_index}]"
                if domain_id not in self.domain_ids:
                    self.add(key, f"unknown domain {domain_id!r}")
                elif domain_id in capped:
                    self.add(
                        key, f"domain {domain_id!r} is already capped by caps[{capped[domain_id]}]"
                    )
                else:
                    capped[domain_id] = c_index

    def mandatory_references(self) -> None:
        """Mandatory categories name a known band, item and answers of that item."""
        band_codes = {band["code"] for band in self.bands}
        items = {item["id"]: item for item in reversed(self.items)}
        for index, category in enumerate(self.mandatory):
            where = f"mandatory_detention[{index}]"
            if category["band"] not in band_codes:
                self.add(f"{where}.band", f"unknown band {category['band']!r}")
            item = items.get(category["item"])
            if item is None:
                self.add(f"{where}.item", f"unknown item {category['item']!r}")
                continue
            rset = self.set_by_id.get(item["response_set"])
            codes = {option["code"] for option in rset["options"]} if rset else set()
            for r_index, code in enumerate(category["responses"]):
                if rset is not None and code not in codes:
                    self.add(
                        f"{where}.responses[{r_index}]",
                        f"{code!r} is not an answer to item {category['item']!r}",
                    )

    def band_order(self) -> None:
        """Bands run upward with no gap and no overlap; only the last may be open-ended."""
        for index, band in enumerate(self.bands):
            where = f"bands[{index}]"
            top = band["max_score"]
            if top is None and index != len(self.bands) - 1:
                self.add(f"{where}.max_score", "only the last band may be open-ended (null)")
            elif top is not None and top < band["min_score"]:
                self.add(
                    f"{where}.max_score", f"must not be less than min_score ({band['min_score']})"
                )
            before = self.bands[index - 1]["max_score"] if index else None
            if before is None:
                continue
            if band["min_score"] <= before:
                self.add(
                    f"{where}.min_score", f"overlaps bands[{index - 1}], which ends at {before}"
                )
            elif band["min_score"] > before + 1:
                self.add(
                    f"{where}.min_score",
                    f"leaves a gap after bands[{index - 1}]: scores {before + 1} to "
                    f"{band['min_score'] - 1} have no band",
                )

    def coverage(self) -> None:
        """Every possible total must have a result level or band."""
        lowest, highest = _score_range(self.data, self.item_points)
        if self.levels and self.levels[0]["min_score"] > lowest:
            self.add(
                "result_levels[0].min_score",
                f"must be at most {lowest}, the lowest possible total, so every total has a level",
            )
        if not self.bands:
            return
        if self.bands[0]["min_score"] > lowest:
            self.add("bands[0].min_score", f"must be at most {lowest}, the lowest possible total")
        last = self.bands[-1]["max_score"]
        if last is not None and last < highest:
            self.add(
                f"bands[{len(self.bands) - 1}].max_score",
                f"must be null or at least {highest}, the highest possible total",
            )


def _score_range(
    data: Mapping[str, Any], item_points: Mapping[str, Mapping[str, int | None]]
) -> tuple[int, int]:
    """Lowest and highest possible totals, from the file's numbers only."""
    screening = data["kind"] == "screening"
    low: dict[str, int] = {}
    high: dict[str, int] = {}
    for item in data["items"]:
        values = [p for p in item_points[item["id"]].values() if p is not None]
        if screening or len(values) < len(item_points[item["id"]]):
            values.append(0)  # an unanswered or Unknown item scores nothing
        low[item["domain"]] = low.get(item["domain"], 0) + min(values)
        high[item["domain"]] = high.get(item["domain"], 0) + max(values)
    lowest = highest = 0
    capped: set[str] = set()
    for cap in data.get("caps", []):
        rule = Cap("", "", tuple(cap["domains"]), cap.get("min_points"), cap.get("max_points"))
        lowest += rule.apply(sum(low.get(d, 0) for d in rule.domains))
        highest += rule.apply(sum(high.get(d, 0) for d in rule.domains))
        capped.update(rule.domains)
    lowest += sum(v for d, v in low.items() if d not in capped)
    highest += sum(v for d, v in high.items() if d not in capped)
    floor = data.get("score_floor")
    if floor is not None:
        lowest, highest = max(lowest, floor), max(highest, floor)
    return lowest, highest


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


# --- Scoring ------------------------------------------------------------------------------------


def _answer(instrument: Instrument, item: Item, code: str, field_prefix: str) -> ResponseOption:
    rset = instrument.response_set(item.response_set)
    option = rset.option(code)
    if option is None:
        allowed = ", ".join(repr(c) for c in rset.codes)
        raise ValidationError(
            f"{field_prefix}.{item.id}", f"{code!r} is not an answer to this item ({allowed})"
        )
    return option


def _no_strangers(instrument: Instrument, answers: Mapping[str, str], field_prefix: str) -> None:
    known = {item.id for item in instrument.items}
    for key in answers:
        if key not in known:
            raise ValidationError(
                f"{field_prefix}.{key}", f"{instrument.key} has no item with this id"
            )


def _override(
    instrument: Instrument, computed: str, level: str | None, reason: str | None
) -> tuple[str, str | None]:
    """The final level and reason: an override must be allowed, known and explained."""
    if level is None:
        return computed, None
    if not instrument.overrides_allowed:
        raise ValidationError("override_level", f"{instrument.key} does not allow overrides")
    codes = [lvl.code for lvl in instrument.result_levels]
    if level not in codes:
        allowed = ", ".join(repr(code) for code in codes)
        raise ValidationError("override_level", f"unknown level {level!r} ({allowed})")
    if reason is None or not reason.strip():
        raise ValidationError("override_reason", "an override needs a reason")
    return level, reason.strip()


def score_screening(
    instrument: Instrument,
    responses: Mapping[str, str],
    override_level: str | None = None,
    override_reason: str | None = None,
    *,
    complete: bool = False,
) -> ScreeningResult:
    """Score a screening from item id -> answer code; ``complete`` makes every item required."""
    if instrument.kind != "screening":
        raise ValueError(f"{instrument.key} is a {instrument.kind} instrument, not screening")
    _no_strangers(instrument, responses, "responses")
    scores = {d.id: 0 for d in instrument.domains}
    answered = dict.fromkeys(scores, 0)
    unknown_in = dict.fromkeys(scores, 0)
    missing_in = dict.fromkeys(scores, 0)
    unanswered: list[str] = []
    unknown: list[str] = []
    critical_hits: list[str] = []
    floor_ranks: list[int] = []
    for item in instrument.items:
        code = responses.get(item.id)
        if code is None:
            if complete:
                raise ValidationError(f"responses.{item.id}", "no answer given (use 'Unknown')")
            unanswered.append(item.id)
            missing_in[item.domain] += 1
            continue
        option = _answer(instrument, item, code, "responses")
        if option.unknown:
            unknown.append(item.id)
            unknown_in[item.domain] += 1
            continue
        answered[item.domain] += 1
        scores[item.domain] += item.points[code] or 0
        if item.critical is not None and code in item.critical.responses:
            critical_hits.append(item.id)
            floor_ranks.append(instrument.level_rank(item.critical.min_level))

    domain_scores: dict[str, DomainScore] = {}
    for domain in instrument.domains:
        reached = [t.level for t in domain.thresholds if scores[domain.id] >= t.min_score]
        threshold_level = reached[-1] if reached else None
        if threshold_level is not None:
            floor_ranks.append(instrument.level_rank(threshold_level))
        domain_scores[domain.id] = DomainScore(
            domain=domain.id,
            score=scores[domain.id],
            answered=answered[domain.id],
            unknown=unknown_in[domain.id],
            unanswered=missing_in[domain.id],
            threshold_level=threshold_level,
        )

    total = sum(scores.values())
    levels = instrument.result_levels
    score_rank = max((i for i, lvl in enumerate(levels) if total >= lvl.min_score), default=0)
    computed = levels[max([score_rank, *floor_ranks])].code

    final, reason = _override(instrument, computed, override_level, override_reason)

    limit = instrument.max_unknown
    return ScreeningResult(
        instrument_id=instrument.id,
        instrument_version=instrument.version,
        instrument_checksum=instrument.checksum,
        domain_scores=MappingProxyType(domain_scores),
        total=total,
        score_level=levels[score_rank].code,
        computed_level=computed,
        final_level=final,
        override_reason=reason,
        critical_items=tuple(critical_hits),
        unanswered_items=tuple(unanswered),
        unknown_items=tuple(unknown),
        insufficient_information=limit is not None and len(unknown) + len(unanswered) > limit,
        follow_up_actions=instrument.level(final).actions,
    )


def score_risk(instrument: Instrument, answers: Mapping[str, str]) -> RiskResult:
    """Score a risk assessment from item id -> answer code; every item must be answered."""
    if instrument.kind != "risk":
        raise ValueError(f"{instrument.key} is a {instrument.kind} instrument, not risk")
    _no_strangers(instrument, answers, "answers")
    sections = {d.id: 0 for d in instrument.domains}
    for item in instrument.items:
        code = answers.get(item.id)
        if code is None:
            raise ValidationError(f"answers.{item.id}", "no answer given")
        _answer(instrument, item, code, "answers")
        sections[item.domain] += item.points[code] or 0

    cap_results: dict[str, CapResult] = {}
    capped: set[str] = set()
    for cap in instrument.caps:
        raw = sum(sections[d] for d in cap.domains)
        cap_results[cap.id] = CapResult(cap.id, raw, cap.apply(raw))
        capped.update(cap.domains)
    raw_total = sum(c.applied for c in cap_results.values())
    raw_total += sum(points for d, points in sections.items() if d not in capped)
    total = raw_total if instrument.score_floor is None else max(raw_total, instrument.score_floor)

    score_band = next(
        (band for band in instrument.bands if band.contains(total)), instrument.bands[0]
    )
    hits = [m for m in instrument.mandatory_detention if answers[m.item] in m.responses]
    recommended = score_band
    if hits:
        forced = max(hits, key=lambda m: instrument.band_rank(m.band))
        if instrument.band_rank(forced.band) > instrument.band_rank(recommended.code):
            recommended = instrument.band(forced.band)
        hits.sort(key=lambda m: -instrument.band_rank(m.band))  # the forcing category first
    return RiskResult(
        instrument_id=instrument.id,
        instrument_version=instrument.version,
        instrument_checksum=instrument.checksum,
        section_points=MappingProxyType(sections),
        caps=MappingProxyType(cap_results),
        raw_total=raw_total,
        total=total,
        score_band=score_band.code,
        mandatory_categories=tuple(m.code for m in hits),
        recommended_band=recommended.code,
        follow_up_actions=recommended.actions,
    )
