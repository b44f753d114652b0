"""The desk check: may this caller, visitor or letter reach this youth? BLOCK, REVIEW or CLEAR,
logged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from girlscourt.db.models import (
    RestrictionCheck,
)
from girlscourt.domain.contact_matching import (
    BLOCK,
    CLEAR,
    DEFAULT_BLOCK_THRESHOLD,
    REVIEW,
    Match,
    Probe,
)
from girlscourt.domain.permissions import Action
from girlscourt.domain.restriction_rules import (
    ADMISSION_CALL,
    CHANNEL_LABELS,
    check_id,
    clean_probe,
    grade,
    instruction,
    overall,
)
from girlscourt.errors import NotFound
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.restrictions.restriction_index import (
    _ALL,
    _custody,
    _index,
    _Live,
    _Rows,
    _rows,
    _scoped,
)
from girlscourt.services.restrictions.restrictions import WITHHELD, _initials_for
from girlscourt.services.security import sealing

MAX_REPORTED_MATCHES = 20


@dataclass(frozen=True)
class CheckMatch:
    """One restriction a desk check matched, and how strongly for the channel in use."""

    restriction_id: int
    youth_id: int | None  # None: withheld, the youth's record is sealed
    youth_initials: str
    field: str  # name | alias | phone | handle
    matched_value: str  # the value as recorded on the restriction
    score: float
    grade: str  # BLOCK | REVIEW
    person_name: str
    channels: tuple[str, ...]
    ends_on: dt.date | None
    approved: bool
    withhold_location: bool


@dataclass(frozen=True)
class CheckOutcome:
    """The desk's answer, already logged as check ``check_id``."""

    check_id: int
    checked_at: dt.datetime
    result: str  # BLOCK | REVIEW | CLEAR
    matches: tuple[CheckMatch, ...]  # strongest first
    instruction: str
    channel: str | None
    youth_id: int | None  # None: every youth in custody
    youths_in_scope: int

    def as_json(self) -> dict[str, Any]:
        """The interchange shape of ``restriction check --json``."""
        return {
            "result": self.result,
            "matches": [
                {"restriction_id": m.restriction_id, "field": m.field, "score": m.score}
                for m in self.matches
            ],
        }


# --------------------------------------------------------------------------- desk check


@dataclass(frozen=True, slots=True)
class _Graded:
    match: Match
    row: _Live
    grade: str


def _graded(
    found: Iterable[Match],
    rows: _Rows,
    in_scope: frozenset[int] | None,
    channel: str | None,
    today: dt.date,
) -> list[_Graded]:
    """Best match per (restriction, field) within scope, graded for the channel, best first."""
    best: dict[tuple[int, str], _Graded] = {}
    for match in found:
        row = rows.get(match.restriction_id)
        if row is None or row.lifted or row.starts_on > today:
            continue
        if row.ends_on is not None and row.ends_on < today:
            continue
        if in_scope is not None and row.youth_id not in in_scope:
            continue
        level = grade(
            match.score,
            channels=row.channels,
            channel=channel,
            admission_blocked=row.admission_blocked,
        )
        if level == CLEAR:
            continue
        key = (match.restriction_id, match.field)
        if key not in best or match.score > best[key].match.score:
            best[key] = _Graded(match, row, level)
    strength = {BLOCK: 0, REVIEW: 1}
    return sorted(
        best.values(),
        key=lambda g: (strength[g.grade], -g.match.score, g.match.restriction_id, g.match.field),
    )


def _downgrade_reason(top: _Graded, channel: str | None) -> str | None:
    if top.grade != REVIEW or top.match.score < DEFAULT_BLOCK_THRESHOLD:
        return None
    if channel == ADMISSION_CALL:
        return (
            "This is an admission call (WIC 627): the restriction has no supervisor-signed "
            "block on admission calls, so it must not be stopped without a supervisor."
        )
    covered = ", ".join(CHANNEL_LABELS.get(c, c) for c in top.row.channels)
    return f"The restriction covers {covered}, not this channel."


def _candidates(
    core: Core, actor: Actor, probe: Probe, youth_id: int | None
) -> tuple[_Rows, frozenset[int], list[Match]]:
    """The rows, the youth in scope and every match among their restrictions (a check naming
    a youth sealing hides is refused like one naming an unknown youth; the check of everyone
    in custody still matches her restrictions)."""
    with core.read() as session:
        if youth_id is not None:
            sealing.visible_youth(
                core,
                session,
                actor,
                youth_id,
                action="restriction.check",
                unknown=lambda: NotFound(f"youth_id: no youth with id {youth_id}"),
            )
        rows = _rows(core, session)
        scope = frozenset({youth_id}) if youth_id is not None else _custody(session)
    if youth_id is not None:  # a handful of restrictions: index them on the spot
        found = _index(rows.of_youth(youth_id), core.today()).check(probe, max_matches=_ALL)
        return rows, scope, list(found.matches)
    return rows, scope, _scoped(core, rows, scope).matches(probe)


def check_contact(
    core: Core,
    actor: Actor,
    *,
    name: str | None = None,
    phone: str | None = None,
    handle: str | None = None,
    youth_id: int | None = None,
    channel: str | None = None,
    admission_call: bool = False,
) -> CheckOutcome:
    """Check a visitor or caller against one youth's restrictions (or every youth in custody).

    Writes exactly one check-log row (CLEAR too) and its audit event, in one transaction.
    ``admission_call=True`` marks one of the two WIC 627 admission calls: a restriction without
    a supervisor-signed admission block answers REVIEW, never BLOCK, for it. A youth hidden by
    sealing still has her restrictions matched (safety first), shown as ``WITHHELD``.
    """
    if youth_id is not None:
        check_id("youth_id", youth_id)
    core.require(actor, Action.RESTRICTION_CHECK, record_kind="youth", record_id=youth_id)
    probe = clean_probe(name, phone, handle, channel, admission_call=admission_call)
    rows, scope, found = _candidates(
        core, actor, Probe(probe.name, probe.phone, probe.handle), youth_id
    )
    graded = _graded(found, rows, scope, probe.channel, core.today())[:MAX_REPORTED_MATCHES]
    with core.write() as session:
        result = overall(g.grade for g in graded)
        names = _initials_for(session, (g.row.youth_id for g in graded))
        withheld: set[int] = set()
        if graded and not actor.may(Action.SEALED_ACCESS):  # still blocks; never names her
            withheld = sealing.sealed_youth_ids(session, set(names))
            names.update(dict.fromkeys(withheld, WITHHELD))
        checked_at = core.now()
        log = RestrictionCheck(
            checked_at=checked_at,
            checked_by=actor.user_id,
            youth_id=youth_id,
            channel=probe.channel,
            probe_name=probe.name,
            probe_phone=probe.phone,
            probe_handle=probe.handle,
            result=result,
            matches=[
                {
                    "restriction_id": g.match.restriction_id,
                    "youth_id": g.row.youth_id,
                    "field": g.match.field,
                    "score": g.match.score,
                    "grade": g.grade,
                }
                for g in graded
            ],
        )
        session.add(log)
        session.flush()
        scope_text = "youth" if youth_id is not None else "in_custody"
        core.audit(
            session,
            actor,
            "restriction.check",
            record_kind="restriction_check",
            record_id=log.id,
            detail=f"result={result} matches={len(graded)} scope={scope_text} "
            f"channel={probe.channel or 'any'}",
        )
    matches = tuple(
        CheckMatch(
            restriction_id=g.match.restriction_id,
            youth_id=None if g.row.youth_id in withheld else g.row.youth_id,
            youth_initials=names.get(g.row.youth_id, "?"),
            field=g.match.field,
            matched_value=g.match.value,
            score=g.match.score,
            grade=g.grade,
            person_name=g.row.person_name,
            channels=g.row.channels,
            ends_on=g.row.ends_on,
            approved=g.row.approved,
            withhold_location=g.row.withhold_location,
        )
        for g in graded
    )
    top = graded[0] if graded else None
    advice = instruction(
        result,
        channel=probe.channel,
        youth_initials=names.get(top.row.youth_id) if top else None,
        restriction_id=top.match.restriction_id if top else None,
        field_matched=top.match.field if top else None,
        approved=top.row.approved if top else True,
        withhold_location=any(g.row.withhold_location for g in graded),
        reason=_downgrade_reason(top, probe.channel) if top else None,
    )
    return CheckOutcome(
        check_id=log.id,
        checked_at=checked_at,
        result=result,
        matches=matches,
        instruction=advice,
        channel=probe.channel,
        youth_id=youth_id,
        youths_in_scope=len(scope),
    )
