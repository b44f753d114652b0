"""Screening and risk instruments are county data: load, validate and score them without code."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Final, Literal, TypeVar

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
