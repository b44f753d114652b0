"""The intake desk's rules: charges, the SB 1322 and WIC 635/636 guards, age limits, and the
detention override rule. Pure functions over the county's code lists (resources/intake/codes.json).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from girlscourt.domain.names import clean_text
from girlscourt.domain.value_rules import check_moment, quoted
from girlscourt.domain.youth_rules import age_on
from girlscourt.errors import RuleRefused, ValidationError

CHARGE_LEVELS = ("felony", "misdemeanor", "infraction", "wobbler", "status")
LEAST_SERIOUS = frozenset({"misdemeanor", "infraction", "status"})  # the 631(b) track
FUTURE_GRACE = dt.timedelta(hours=1)
CLOCK_EVENTS = ("identification", "custody")
WRITTEN_REPORT, WRITTEN_REPORT_HOURS = (
    "written_report_ss8572",
    36,
)  # a custody start later than this ahead is a typo
DECISIONS = ("release", "alternative", "detain")


class SB1322Refusal(RuleRefused):
    """The booking is refused under SB 1322; the youth gets a protective response instead."""


@dataclass(frozen=True)
class ChargeCode:
    """One charge on the county's list."""

    code: str
    description: str
    level: str
    violent: bool
    weapon: bool
    sb1322: bool = False
    status_offence: bool = False  # WIC 601: no secure detention but within WIC 207


@dataclass(frozen=True)
class Code:
    """A coded choice with its label and the rule flags some codes carry."""

    code: str
    label: str
    refused_for_dependents: bool = False
    never_alone: bool = False
    status_offence_exception: bool = False  # a WIC 207 hold a status-only youth may get


@dataclass(frozen=True)
class ChecklistSpec:
    """A protocol step and its service-level target."""

    code: str
    label: str
    sla_hours: float
    county_to_confirm: bool = False
    clock_from: str = "identification"  # or "custody": the event the step's time runs from
    report_details: bool = False  # a mandated report: who reported, to whom, the number


@dataclass(frozen=True)
class IntakeCodes:
    """The county's code lists for the intake desk."""

    charges: Mapping[str, ChargeCode]
    detention_reasons: Mapping[str, Code]
    override_reasons: Mapping[str, Code]
    release_types: Mapping[str, Code]
    juvenile_ages: tuple[int, int]
    csec_checklist: tuple[ChecklistSpec, ...]
    disclosure_step: ChecklistSpec
    sb1322_steps: tuple[ChecklistSpec, ...]
    age_limits: AgeLimits = field(default_factory=lambda: AgeLimits())


@dataclass(frozen=True)
class AgeLimits:
    """The ages the board warns about (county data): adulthood, the end of jurisdiction."""

    adult_age: int = 18
    jurisdiction_end_age: int = 21
    warn_days: int = 7


def parse_codes(data: Mapping[str, Any], source: str) -> IntakeCodes:
    """Build the code lists; a malformed entry raises an error naming the file and key."""
    from girlscourt.errors import ConfigurationError

    def need(key: str) -> Any:
        if key not in data:
            raise ConfigurationError(f"{source}: {key}: missing")
        return data[key]

    try:
        charges = {c["code"]: ChargeCode(**c) for c in need("charges")}
        reasons = {c["code"]: Code(**c) for c in need("detention_reasons")}
        overrides = {c["code"]: Code(**c) for c in need("override_reasons")}
        releases = {c["code"]: Code(**c) for c in need("release_types")}
        ages = need("juvenile_age_at_custody")
        steps = tuple(ChecklistSpec(**s) for s in need("csec_checklist"))
        disclosure = ChecklistSpec(**need("disclosure_step"))
        sb1322 = tuple(ChecklistSpec(**s) for s in need("sb1322_steps"))
        limits = data.get("age_limits", {})
        age_limits = AgeLimits(
            int(limits.get("adult_age", 18)),
            int(limits.get("jurisdiction_end_age", 21)),
            int(limits.get("warn_days", 7)),
        )
    except (TypeError, KeyError) as error:
        raise ConfigurationError(f"{source}: malformed entry ({error})") from error
    for code in charges.values():
        if code.level not in CHARGE_LEVELS:
            raise ConfigurationError(
                f"{source}: charges[{code.code}].level: unknown level {code.level!r}"
            )
    for spec in (*steps, disclosure, *sb1322):
        if spec.clock_from not in CLOCK_EVENTS:
            raise ConfigurationError(
                f"{source}: {spec.code}.clock_from: must be one of {', '.join(CLOCK_EVENTS)}"
            )
        if spec.code == WRITTEN_REPORT and spec.sla_hours > WRITTEN_REPORT_HOURS:
            raise ConfigurationError(
                f"{source}: {spec.code}.sla_hours: PC 11166(a) allows at most "
                f"{WRITTEN_REPORT_HOURS} hours"
            )
    return IntakeCodes(
        charges,
        reasons,
        overrides,
        releases,
        (int(ages["min"]), int(ages["max"])),
        steps,
        disclosure,
        sb1322,
        age_limits,
    )


@dataclass(frozen=True)
class ChargeInput:
    """A charge as entered: a code from the list (level and flags default from the list)."""

    code: str
    level: str | None = None
    violent: bool | None = None
    weapon: bool | None = None
    description: str | None = None


@dataclass(frozen=True)
class EpisodeInput:
    """The custody episode part of an intake."""

    youth_id: int
    custody_start_at: dt.datetime
    charges: tuple[ChargeInput, ...]
    arresting_agency_id: int | None = None
    arresting_officer: str | None = None
    warrant: bool = False
    on_probation: bool = False
    claimed_adult: bool = False
    age_exception_reason: str | None = None
    petition_filed_at: dt.datetime | None = None
    detention_hearing_at: dt.datetime | None = None
    released_at: dt.datetime | None = None
    release_type: str | None = None
    housing_unit: str | None = None
    advocate_at_interview: bool | None = None  # an advocate at the law-enforcement interview
    le_advocacy_referral: bool | None = None  # law enforcement referred her to an advocate


@dataclass(frozen=True)
class DecisionInput:
    """The officer's detention decision and, if it departs from the band, the override."""

    decision: str
    detention_reasons: tuple[str, ...] = ()
    override_reason_code: str | None = None
    override_narrative: str | None = None


@dataclass(frozen=True)
class CheckedCharge:
    """A charge with its level and flags settled."""

    code: str
    description: str
    level: str
    violent: bool
    weapon: bool
    sb1322: bool
    status_offence: bool = False


@dataclass(frozen=True)
class CheckedEpisode:
    """An episode that passed every guard, ready to write."""

    episode: EpisodeInput
    charges: tuple[CheckedCharge, ...]
    age_at_custody: int
    needs_age_exception: bool
    flags_631b: dict[str, bool] = field(default_factory=dict)
    struck: tuple[CheckedCharge, ...] = ()  # SB 1322: counts not booked against a minor

    @property
    def status_only(self) -> bool:
        """Every booked count is a WIC 601 status offence (WIC 207 bars secure detention)."""
        return bool(self.charges) and all(c.status_offence for c in self.charges)


def require_aware(name: str, value: dt.datetime | None) -> None:
    """A time without an offset is ambiguous across DST: refuse it, naming the field."""
    if value is not None and value.tzinfo is None:
        raise ValidationError(name, "needs a time zone offset (e.g. 2026-11-25T21:40:00-08:00)")
    if value is not None:
        check_moment(name, value)  # a sane year, an offset within ±14 h


def check_charges(charges: Sequence[ChargeInput], codes: IntakeCodes) -> tuple[CheckedCharge, ...]:
    """Every charge must come from the county list; explicit level and flags may refine it."""
    if not charges:
        raise ValidationError("charges", "at least one charge is required")
    checked: list[CheckedCharge] = []
    for index, charge in enumerate(charges):
        known = codes.charges.get((charge.code or "").strip())
        if known is None:
            raise ValidationError(
                f"charges[{index}].code", f"{quoted(charge.code)} is not on the charge list"
            )
        level = charge.level or known.level
        if level not in CHARGE_LEVELS:
            raise ValidationError(
                f"charges[{index}].level", f"must be one of {', '.join(CHARGE_LEVELS)}"
            )
        checked.append(
            CheckedCharge(
                known.code,
                charge.description or known.description,
                level,
                known.violent if charge.violent is None else charge.violent,
                known.weapon if charge.weapon is None else charge.weapon,
                known.sb1322,
                known.status_offence,
            )
        )
    return tuple(checked)


def sb1322_applies(age_at_custody: int, charges: Sequence[CheckedCharge]) -> bool:
    """SB 1322: PC 647(b) / PC 653.22 do not apply to a minor: any such count is struck."""
    return age_at_custody < 18 and any(c.sb1322 for c in charges)


def check_episode(
    episode: EpisodeInput,
    dob: dt.date,
    codes: IntakeCodes,
    tz: dt.tzinfo,
    now: dt.datetime | None = None,
) -> CheckedEpisode:
    """Validate the episode. SB 1322 strikes PC 647(b) / 653.22 counts against a minor; when no
    other count is left it raises SB1322Refusal (the caller starts the protective steps)."""
    for name in ("custody_start_at", "petition_filed_at", "detention_hearing_at", "released_at"):
        require_aware(name, getattr(episode, name))
    start = episode.custody_start_at
    if now is not None and start > now + FUTURE_GRACE:
        raise ValidationError(
            "custody_start_at",
            "is more than an hour from now; enter the time custody began",
        )
    for name in ("petition_filed_at", "detention_hearing_at", "released_at"):
        value = getattr(episode, name)
        if value is not None and value < start:
            raise ValidationError(name, "is before custody started")
    if episode.released_at is not None and episode.release_type not in codes.release_types:
        raise ValidationError("release_type", "choose how the youth was released")
    clean_text("arresting_officer", episode.arresting_officer, required=False, max_length=120)
    clean_text("housing_unit", episode.housing_unit, required=False, max_length=40)
    charges = check_charges(episode.charges, codes)
    age = age_on(dob, start.astimezone(tz).date())
    youngest, oldest = codes.juvenile_ages
    outside = not youngest <= age <= oldest
    if outside and not clean_text(
        "age_exception_reason",
        episode.age_exception_reason,
        required=False,
        max_length=2000,
        multiline=True,
    ):
        raise ValidationError(
            "age_exception_reason",
            f"the youth was {age} at custody, outside the juvenile limits {youngest}–{oldest}; "
            "record the reason this intake proceeds",
        )
    struck: tuple[CheckedCharge, ...] = ()
    if sb1322_applies(age, charges):
        struck = tuple(c for c in charges if c.sb1322)
        charges = tuple(c for c in charges if not c.sb1322)
        if not charges:
            raise SB1322Refusal(
                "charges: under SB 1322 a youth under 18 is not booked on PC 647(b) or "
                "PC 653.22. A child-welfare report and a CSEC screening have been started "
                "instead."
            )
    flags = {
        "misdemeanour_only": all(c.level in LEAST_SERIOUS for c in charges),
        "non_violent": not any(c.violent or c.weapon for c in charges),
        "not_on_probation": not episode.on_probation,
        "warrantless": not episode.warrant,
    }
    return CheckedEpisode(episode, charges, age, outside, flags, struck)


def sb1322_notice(struck: Sequence[CheckedCharge]) -> str:
    """What the officer reads when counts were struck and the others booked."""
    counts = ", ".join(c.code for c in struck)
    return (
        f"charges: {counts} not booked: under SB 1322 PC 647(b) and PC 653.22 do not apply to "
        "a youth under 18; the other counts are booked. A child-welfare report and a CSEC "
        "screening have been started."
    )


def override_direction(recommended_band: str, decision: str) -> str | None:
    """``up`` (more restrictive than the band), ``down``, or None when they agree."""
    if decision not in DECISIONS:
        raise ValidationError("decision", f"must be one of {', '.join(DECISIONS)}")
    if recommended_band not in DECISIONS:
        raise ValidationError("recommended_band", f"unknown band {recommended_band!r}")
    delta = DECISIONS.index(decision) - DECISIONS.index(recommended_band)
    return None if delta == 0 else ("up" if delta > 0 else "down")


def _check_grounds(
    reasons: Sequence[str], *, dependent: bool, status_only: bool, codes: IntakeCodes
) -> None:
    """The statutory grounds of a detention: WIC 628 / 635, 636 for a dependent, 207."""
    if not reasons:
        raise ValidationError(
            "detention_reasons", "a detention needs at least one statutory ground"
        )
    if dependent and any(codes.detention_reasons[r].refused_for_dependents for r in reasons):
        raise RuleRefused(
            "detention_reasons: a WIC 300 dependent may not be detained because no placement "
            "is available (WIC 636); give another statutory ground or release"
        )
    if status_only and not any(
        codes.detention_reasons[r].status_offence_exception for r in reasons
    ):
        holds = [c.label for c in codes.detention_reasons.values() if c.status_offence_exception]
        allowed = f" (allowed: {'; '.join(holds)})" if holds else ""
        raise RuleRefused(
            "decision: a youth charged only with WIC 601 status offences may not be held in "
            f"secure detention (WIC 207){allowed}; release, or refer to child welfare"
        )
    if all(codes.detention_reasons[r].never_alone for r in reasons):
        named = " or ".join(f"“{codes.detention_reasons[r].label}”" for r in reasons)
        raise RuleRefused(
            f"detention_reasons: detention may not rest on {named} alone (WIC 635, 628); "
            "give a statutory ground or release"
        )


def check_decision(
    decision: DecisionInput,
    recommended_band: str,
    *,
    dependent: bool,
    codes: IntakeCodes,
    approver_may_approve: bool | None,
    status_only: bool = False,
) -> str | None:
    """Apply WIC 207, 628/635, 636 and the override rule; return the override direction."""
    direction = override_direction(recommended_band, decision.decision)
    reasons = list(dict.fromkeys(decision.detention_reasons))
    for index, reason in enumerate(reasons):
        if reason not in codes.detention_reasons:
            raise ValidationError(f"detention_reasons[{index}]", f"unknown reason {quoted(reason)}")
    if decision.decision == "detain":
        _check_grounds(reasons, dependent=dependent, status_only=status_only, codes=codes)
    if direction is None:
        return None
    if decision.override_reason_code not in codes.override_reasons:
        raise ValidationError(
            "override_reason_code",
            f"the decision ({decision.decision}) differs from the recommended band "
            f"({recommended_band}); choose an override reason",
        )
    narrative = clean_text(
        "override_narrative",
        decision.override_narrative,
        required=False,
        max_length=4000,
        multiline=True,
    )
    if not narrative or len(narrative) < 15:
        raise ValidationError("override_narrative", "explain the override in a sentence or more")
    if approver_may_approve is None:
        raise ValidationError("approver", "an override needs a supervisor's approval")
    if not approver_may_approve:
        raise ValidationError(
            "approver", "the approver must be a supervisor other than the officer"
        )
    return direction
