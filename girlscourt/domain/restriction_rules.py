"""What a valid contact restriction is, and how a desk check's matches become BLOCK/REVIEW/CLEAR.

Pure rules, no I/O (DOMAIN.md 5.3, 7.1, 7.3):

* a restriction names a person, the channels it covers (visit, phone, mail, video, social
  media) and its legal basis (a court order needs the order number, a facility administrator
  decision, or an MDT safety plan);
* it starts, may end (after it starts), and must be reviewed: by default ``REVIEW_DAYS_DEFAULT``
  days after it starts (30; **[UNVERIFIED] county policy to confirm**);
* the two statutory admission calls (WIC 627, Title 15 §1350) cannot be blocked without a
  documented reason and a supervisor's sign-off; until a supervisor signs off, a match on an
  admission call is REVIEW (a person decides), never a silent BLOCK;
* notices of a denial or limit go to the youth, the restricted person and the facility
  administrator (Title 15 §1374); the record keeps the date each was given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from girlscourt.domain.contact_matching import (
    BLOCK,
    CLEAR,
    DEFAULT_BLOCK_THRESHOLD,
    DEFAULT_REVIEW_THRESHOLD,
    REVIEW,
    normalise_handle,
    normalise_phone,
)
from girlscourt.domain.names import clean_text
from girlscourt.domain.value_rules import quoted
from girlscourt.errors import ValidationError

REVIEW_DAYS_DEFAULT = 30  # [UNVERIFIED] county policy to confirm (DOMAIN.md 7.3)

CHANNELS = ("visit", "phone", "mail", "video", "social_media")
CHANNEL_LABELS = {
    "visit": "visit",
    "phone": "phone call",
    "mail": "mail",
    "video": "video visit",
    "social_media": "social media",
}
ADMISSION_CALL = "admission_call"  # the channel recorded for a WIC 627 admission call

BASES = ("court_order", "facility_administrator", "mdt_safety_plan")
BASIS_LABELS = {
    "court_order": "Court order",
    "facility_administrator": "Facility administrator decision",
    "mdt_safety_plan": "MDT safety plan",
}
NOTICE_PARTIES = ("youth", "restricted_person", "administrator")
LIFT_REASONS = (
    "court_order_changed",
    "administrator_decision",
    "safety_plan_changed",
    "entered_in_error",
    "replaced",
)

PERSON_NAME_MAX = 200
ALIAS_MAX = 100
ALIAS_MAX_COUNT = 30
PHONE_MAX = 40
PHONE_MAX_COUNT = 10
HANDLE_MAX = 100
HANDLE_MAX_COUNT = 10
RELATIONSHIP_MAX = 60
ORDER_NUMBER_MAX = 60
ADMISSION_REASON_MIN = 15  # a documented reason is a sentence, not "yes" or "risk"
ADMISSION_REASON_MAX = 2000
ID_MAX = 2**31 - 1  # record ids are 32-bit on every backend


def check_id(field: str, value: object) -> int:
    """A record id (a positive 32-bit integer), or a ValidationError naming the field."""
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= ID_MAX:
        raise ValidationError(field, "must be a record id (a positive whole number)")
    return value


@dataclass(frozen=True)
class Notices:
    """The date each Title 15 §1374 notice was given; None while not yet given."""

    youth: dt.date | None = None
    restricted_person: dt.date | None = None
    administrator: dt.date | None = None

    def as_json(self) -> dict[str, str | None]:
        """``{"youth": "YYYY-MM-DD" | null, ...}`` as stored and exchanged."""
        return {p: (d.isoformat() if (d := getattr(self, p)) else None) for p in NOTICE_PARTIES}

    @property
    def missing(self) -> tuple[str, ...]:
        """The parties not yet told."""
        return tuple(p for p in NOTICE_PARTIES if getattr(self, p) is None)


@dataclass(frozen=True)
class RestrictionInput:
    """A restriction as a form or a JSON document gives it (dates may be left to defaults)."""

    youth_id: int
    person_name: str
    channels: tuple[str, ...]
    basis: str
    aliases: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    handles: tuple[str, ...] = ()
    relationship_to_youth: str | None = None
    court_order_number: str | None = None
    starts_on: dt.date | None = None  # None: today
    ends_on: dt.date | None = None  # None: until lifted
    review_on: dt.date | None = None  # None: starts_on + REVIEW_DAYS_DEFAULT (or ends_on)
    notices: Notices = field(default_factory=Notices)
    do_not_disclose_location: bool = False
    blocks_admission_calls: bool = False
    admission_block_reason: str | None = None


def _clean_list(
    name: str, values: Iterable[str], max_count: int, max_length: int
) -> tuple[str, ...]:
    items = list(values)
    if len(items) > max_count:
        raise ValidationError(name, f"at most {max_count} entries")
    out: list[str] = []
    for index, value in enumerate(items):
        cleaned = clean_text(f"{name}[{index}]", value, required=True, max_length=max_length)
        assert cleaned is not None
        if cleaned not in out:
            out.append(cleaned)
    return tuple(out)


def phone_key(text: str) -> str | None:
    """E.164 for a full number, the 7 digits of a local number without area code, else None."""
    e164 = normalise_phone(text)
    if e164 is not None:
        return e164
    digits = "".join(c for c in text if c.isdigit())
    if len(digits) == 7 and all(c.isdigit() or c in " .-()" for c in text.strip()):
        return digits  # kept: it matches as REVIEW (it cannot prove who it is)
    return None


def _phones(values: Iterable[str]) -> tuple[str, ...]:
    phones = _clean_list("phones", values, PHONE_MAX_COUNT, PHONE_MAX)
    seen: set[str] = set()
    out: list[str] = []
    for index, phone in enumerate(phones):
        key = phone_key(phone)
        if key is None:
            raise ValidationError(
                f"phones[{index}]",
                f"{quoted(phone)} is not a phone number (write it with the area code, "
                "e.g. (510) 555-0100)",
            )
        if key not in seen:
            seen.add(key)
            out.append(phone)
    return tuple(out)


def _handles(values: Iterable[str]) -> tuple[str, ...]:
    handles = _clean_list("handles", values, HANDLE_MAX_COUNT, HANDLE_MAX)
    seen: set[str] = set()
    out: list[str] = []
    for index, handle in enumerate(handles):
        key = normalise_handle(handle)
        if key is None:
            raise ValidationError(f"handles[{index}]", "is not a social-media handle")
        if key not in seen:
            seen.add(key)
            out.append(handle)
    return tuple(out)


def _channels(values: Iterable[str]) -> tuple[str, ...]:
    chosen = list(values)
    if not chosen:
        raise ValidationError("channels", f"choose at least one of {', '.join(CHANNELS)}")
    for index, channel in enumerate(chosen):
        if channel not in CHANNELS:
            raise ValidationError(
                f"channels[{index}]", f"{quoted(channel)} is not one of {', '.join(CHANNELS)}"
            )
    return tuple(c for c in CHANNELS if c in chosen)


def _notices(notices: Notices, today: dt.date) -> Notices:
    for party in NOTICE_PARTIES:
        given = getattr(notices, party)
        if given is not None and given > today:
            raise ValidationError(
                f"notices.{party}", f"{given.isoformat()} is in the future (record it once given)"
            )
    return notices


def default_review_on(starts_on: dt.date, ends_on: dt.date | None) -> dt.date:
    """The review date when none is given: start + 30 days, or the end if that comes first."""
    review = starts_on + dt.timedelta(days=REVIEW_DAYS_DEFAULT)
    return min(review, ends_on) if ends_on is not None else review


def _dates(data: RestrictionInput, today: dt.date) -> tuple[dt.date, dt.date | None, dt.date]:
    starts_on = data.starts_on or today
    ends_on = data.ends_on
    if ends_on is not None and ends_on <= starts_on:
        raise ValidationError(
            "ends_on",
            f"{ends_on.isoformat()} must be after the start ({starts_on.isoformat()})",
        )
    review_on = data.review_on or default_review_on(starts_on, ends_on)
    if review_on < starts_on:
        raise ValidationError(
            "review_on",
            f"{review_on.isoformat()} is before the start ({starts_on.isoformat()})",
        )
    if ends_on is not None and review_on > ends_on:
        raise ValidationError(
            "review_on",
            f"{review_on.isoformat()} is after the restriction ends ({ends_on.isoformat()})",
        )
    return starts_on, ends_on, review_on


def _admission(data: RestrictionInput, channels: tuple[str, ...]) -> str | None:
    reason = clean_text(
        "admission_block_reason",
        data.admission_block_reason,
        required=False,
        max_length=ADMISSION_REASON_MAX,
        multiline=True,
    )
    if not data.blocks_admission_calls:
        return None  # a reason without a block means nothing; it is not kept
    if "phone" not in channels:
        raise ValidationError(
            "blocks_admission_calls", "only a restriction on phone calls can cover admission calls"
        )
    if reason is None or len(reason) < ADMISSION_REASON_MIN:
        raise ValidationError(
            "admission_block_reason",
            "blocking the two admission calls (WIC 627) needs a documented reason "
            f"(at least {ADMISSION_REASON_MIN} characters)",
        )
    return reason


def validate_restriction(data: RestrictionInput, today: dt.date) -> RestrictionInput:
    """Check and normalise a restriction; fill the start and review dates; first problem raises."""
    check_id("youth_id", data.youth_id)
    person = clean_text("person_name", data.person_name, required=True, max_length=PERSON_NAME_MAX)
    assert person is not None
    aliases = tuple(
        a for a in _clean_list("aliases", data.aliases, ALIAS_MAX_COUNT, ALIAS_MAX) if a != person
    )
    channels = _channels(data.channels)
    if data.basis not in BASES:
        raise ValidationError("basis", f"{quoted(data.basis)} is not one of {', '.join(BASES)}")
    order = clean_text(
        "court_order_number", data.court_order_number, required=False, max_length=ORDER_NUMBER_MAX
    )
    if data.basis == "court_order" and order is None:
        raise ValidationError("court_order_number", "is required when the basis is a court order")
    starts_on, ends_on, review_on = _dates(data, today)
    return replace(
        data,
        person_name=person,
        aliases=aliases,
        phones=_phones(data.phones),
        handles=_handles(data.handles),
        relationship_to_youth=clean_text(
            "relationship_to_youth",
            data.relationship_to_youth,
            required=False,
            max_length=RELATIONSHIP_MAX,
        ),
        channels=channels,
        court_order_number=order,
        starts_on=starts_on,
        ends_on=ends_on,
        review_on=review_on,
        notices=_notices(data.notices, today),
        do_not_disclose_location=bool(data.do_not_disclose_location),
        blocks_admission_calls=bool(data.blocks_admission_calls),
        admission_block_reason=_admission(data, channels),
    )


def admission_block_effective(
    blocks_admission_calls: bool, reason: str | None, signed_off_by: int | None
) -> bool:
    """Whether the admission calls are really blocked: asked for, reasoned and signed off."""
    return bool(blocks_admission_calls and reason and signed_off_by is not None)


def check_lift_reason(reason: str) -> str:
    """A lift reason must be one of the codes (the audit trail keeps codes, not narratives)."""
    if reason not in LIFT_REASONS:
        raise ValidationError("reason", f"{quoted(reason)} is not one of {', '.join(LIFT_REASONS)}")
    return reason


# --------------------------------------------------------------------------- status


def status_on(starts_on: dt.date, ends_on: dt.date | None, lifted: bool, today: dt.date) -> str:
    """``lifted``, ``ended``, ``scheduled`` (not started yet) or ``active``."""
    if lifted:
        return "lifted"
    if ends_on is not None and ends_on < today:
        return "ended"
    if starts_on > today:
        return "scheduled"
    return "active"


def is_active(starts_on: dt.date, ends_on: dt.date | None, lifted: bool, today: dt.date) -> bool:
    """Started, not ended (the end date is the last day it applies) and not lifted."""
    return status_on(starts_on, ends_on, lifted, today) == "active"


# --------------------------------------------------------------------------- desk checks


@dataclass(frozen=True)
class CheckProbe:
    """What staff entered at the desk, cleaned: at least one of name, phone, handle."""

    name: str | None
    phone: str | None
    handle: str | None
    channel: str | None  # one of CHANNELS, ADMISSION_CALL, or None (any)


def clean_probe(
    name: str | None,
    phone: str | None,
    handle: str | None,
    channel: str | None,
    *,
    admission_call: bool = False,
) -> CheckProbe:
    """Check the desk's input; an unreadable phone or handle is refused, never quietly CLEAR."""
    clean_name = clean_text("name", name, required=False, max_length=PERSON_NAME_MAX)
    clean_phone = clean_text("phone", phone, required=False, max_length=PHONE_MAX)
    clean_handle = clean_text("handle", handle, required=False, max_length=HANDLE_MAX)
    if clean_name is None and clean_phone is None and clean_handle is None:
        raise ValidationError("name", "enter a name, a phone number or a handle to check")
    if clean_phone is not None and phone_key(clean_phone) is None:
        raise ValidationError(
            "phone",
            f"{quoted(clean_phone)} is not a phone number (type it with the area code, "
            "e.g. (510) 555-0100)",
        )
    if clean_handle is not None and normalise_handle(clean_handle) is None:
        raise ValidationError("handle", "is not a social-media handle")
    if admission_call:
        if channel not in (None, "phone"):
            raise ValidationError("channel", "an admission call is a phone call")
        channel = ADMISSION_CALL
    elif channel is not None and channel not in CHANNELS:
        raise ValidationError("channel", f"{quoted(channel)} is not one of {', '.join(CHANNELS)}")
    return CheckProbe(clean_name, clean_phone, clean_handle, channel)


def grade(
    score: float,
    *,
    channels: Iterable[str],
    channel: str | None,
    admission_blocked: bool,
    block_threshold: float = DEFAULT_BLOCK_THRESHOLD,
    review_threshold: float = DEFAULT_REVIEW_THRESHOLD,
) -> str:
    """BLOCK / REVIEW / CLEAR for one match on one restriction, given the channel in use.

    A BLOCK-strength match becomes REVIEW when the restriction does not cover the channel (a
    person still looks: she is restricted elsewhere) and on an admission call unless the
    restriction's admission-call block was signed off by a supervisor.
    """
    if score < review_threshold:
        return CLEAR
    if score < block_threshold:
        return REVIEW
    covered = set(channels)
    if channel == ADMISSION_CALL:
        return BLOCK if "phone" in covered and admission_blocked else REVIEW
    if channel is not None and channel not in covered:
        return REVIEW
    return BLOCK


def overall(grades: Iterable[str]) -> str:
    """The strongest grade: any BLOCK blocks, else any REVIEW, else CLEAR."""
    seen = set(grades)
    return BLOCK if BLOCK in seen else REVIEW if REVIEW in seen else CLEAR


_COMPARE = {
    "visit": "check photo ID against the restriction",
    "video": "check photo ID against the restriction",
    "phone": "compare the caller's name and number with the restriction",
    ADMISSION_CALL: "compare the name and number called with the restriction",
    "mail": "compare the sender with the restriction",
    "social_media": "compare the account with the restriction",
    "": "compare photo ID or other details with the restriction",
}


def instruction(
    result: str,
    *,
    channel: str | None,
    youth_initials: str | None = None,
    restriction_id: int | None = None,
    field_matched: str | None = None,
    approved: bool = True,
    withhold_location: bool = False,
    reason: str | None = None,
) -> str:
    """What staff do now, in plain words, for the result shown at the desk."""
    contact = (
        "admission call"
        if channel == ADMISSION_CALL
        else CHANNEL_LABELS.get(channel or "", "contact")
    )
    if result == CLEAR:
        return (
            "No restriction matches. Follow the usual visiting and call procedure "
            "(photo ID for visitors)."
        )
    secret = " Do not confirm or deny that the youth is here." if withhold_location else ""
    if result == REVIEW:
        why = f" {reason}" if reason else ""
        return (
            f"Possible match: restriction #{restriction_id} for youth {youth_initials}, on "
            f"{field_matched}.{why} Hold the {contact} and call the supervisor on duty, who "
            f"decides; {_COMPARE.get(channel or '', _COMPARE[''])}.{secret}"
        )
    pending = (
        " The restriction is awaiting supervisor approval: hold the contact and call the "
        "supervisor on duty to confirm."
        if not approved
        else ""
    )
    return (
        f"Do not allow this {contact}: restriction #{restriction_id} for youth "
        f"{youth_initials} matches on {field_matched}.{secret}{pending} Tell the person only "
        "that the contact cannot take place, and tell the supervisor on duty; the youth, the "
        "person and the facility administrator must be told of the denial (Title 15 §1374)."
    )
