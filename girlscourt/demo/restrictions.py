"""Synthetic contact restrictions and a history of desk checks, so the demo shows the desk at work.

Every person here is invented: given names from a plain list, surnames built from syllables,
street names made up, phone numbers in the fictional 555-01xx range, handles made up. Rows are
bulk-inserted in one transaction with one audit event; the check history is graded by the same
matcher and rules the desk uses, so a replayed probe gives the same answer.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select

from girlscourt.db.models import ContactRestriction, CustodyEpisode, RestrictionCheck, Youth
from girlscourt.domain.contact_matching import Probe, RestrictedPerson, RestrictionIndex
from girlscourt.domain.permissions import Action
from girlscourt.domain.restriction_rules import (
    CHANNELS,
    REVIEW_DAYS_DEFAULT,
    grade,
    overall,
)
from girlscourt.services.kernel.core import Actor, Core

# fmt: off
_FIRST = (
    "Andre", "Carlos", "Darius", "Devon", "Eddie", "Jamal", "Jerome", "Julian", "Kevin", "Leon",
    "Malik", "Marcus", "Nathan", "Omar", "Rafael", "Ricky", "Ruben", "Terrell", "Travis",
    "Tyrone", "Vince", "Wesley", "Xavier", "Dante", "Lamar", "Rico", "Santos",
)
_SYLLABLE_A = (
    "Bal", "Bren", "Cor", "Dal", "Dor", "Fen", "Gar", "Hal", "Kel", "Lor", "Mar", "Nor", "Pel",
    "Quin", "Ral", "Sel", "Tal", "Tor",
)
_SYLLABLE_B = (
    "ard", "by", "den", "dell", "ett", "ford", "ham", "ick", "ley", "lin", "more", "ney", "ridge",
    "ton", "vin", "wick",
)
_STREET = (
    "Big Money", "Smoke", "Dice", "King Kash", "Shadow", "Boss Man", "Stacks", "Ice", "Blaze",
    "Duke", "Slim", "Cash Flow", "Sly",
)
# fmt: on
_AREA_CODES = (209, 408, 415, 510, 559, 650, 707, 925)
_RELATIONSHIPS = (
    "suspected exploiter",
    "suspected exploiter",
    "associate of suspected exploiter",
    "person named in safety plan",
    "adult met online (safety plan)",
)
_ADMISSION_REASON = (
    "Youth disclosed this person arranged commercial sexual exploitation; MDT safety plan "
    "names this number. Synthetic demo record."
)


@dataclass(frozen=True)
class _Seeded:
    """A seeded restriction, as the demo's own grading needs it."""

    id: int
    youth_id: int
    channels: tuple[str, ...]
    admission_blocked: bool
    person: RestrictedPerson
    active: bool


def _surname(rng: random.Random) -> str:
    return rng.choice(_SYLLABLE_A) + rng.choice(_SYLLABLE_B)


def _restriction_row(
    rng: random.Random, rid: int, youth_id: int, actor: Actor, today: dt.date, now: dt.datetime
) -> dict[str, Any]:
    first, last = rng.choice(_FIRST), _surname(rng)
    channels = sorted(
        {"visit", "phone"} | {c for c in CHANNELS if rng.random() < 0.35},
        key=CHANNELS.index,
    )
    basis = rng.choice(("court_order", "court_order", "facility_administrator", "mdt_safety_plan"))
    starts_on = today - dt.timedelta(days=rng.randint(0, 60))
    ends_on = starts_on + dt.timedelta(days=rng.randint(45, 180)) if rng.random() < 0.5 else None
    review_on = starts_on + dt.timedelta(days=REVIEW_DAYS_DEFAULT)
    while review_on < today - dt.timedelta(days=rng.randint(0, 6)):
        review_on += dt.timedelta(days=REVIEW_DAYS_DEFAULT)  # reviewed monthly; a few overdue
    if ends_on is not None and ends_on < today:
        ends_on = today + dt.timedelta(days=rng.randint(1, 10))  # a few "about to expire"
    if ends_on is not None:
        review_on = min(review_on, ends_on)
    approved = rng.random() < 0.85
    blocks = "phone" in channels and rng.random() < 0.08
    given = starts_on + dt.timedelta(days=1)
    notices = {
        p: (given.isoformat() if given <= today and rng.random() < 0.7 else None)
        for p in ("youth", "restricted_person", "administrator")
    }
    return {
        "id": rid,
        "youth_id": youth_id,
        "person_name": f"{first} {last}",
        "aliases": rng.sample(_STREET, rng.randint(0, 2)),
        "phones": [
            f"({rng.choice(_AREA_CODES)}) 555-01{rng.randint(0, 99):02d}"
            for _ in range(rng.randint(0, 2))
        ],
        "handles": [f"@{last.lower()}.{first.lower()}{rng.randint(10, 99)}"]
        if rng.random() < 0.5
        else [],
        "relationship_to_youth": rng.choice(_RELATIONSHIPS),
        "channels": channels,
        "basis": basis,
        "court_order_number": f"JV-{today.year}-0{rng.randint(1000, 9999)}"
        if basis == "court_order"
        else None,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "review_on": review_on,
        "approved_by": actor.user_id if approved else None,
        "notices": notices,
        "do_not_disclose_location": rng.random() < 0.3,
        "blocks_admission_calls": blocks,
        "admission_block_reason": _ADMISSION_REASON if blocks else None,
        "admission_block_signoff_by": actor.user_id if blocks and approved else None,
        "lifted_at": now - dt.timedelta(days=rng.randint(1, 20)) if rng.random() < 0.06 else None,
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }


def _seeded(row: dict[str, Any], today: dt.date) -> _Seeded:
    active = row["lifted_at"] is None and row["starts_on"] <= today
    active = active and (row["ends_on"] is None or row["ends_on"] >= today)
    return _Seeded(
        id=row["id"],
        youth_id=row["youth_id"],
        channels=tuple(row["channels"]),
        admission_blocked=bool(row["admission_block_signoff_by"]),
        person=RestrictedPerson(
            row["id"],
            (row["person_name"], *row["aliases"]),
            tuple(row["phones"]),
            tuple(row["handles"]),
        ),
        active=active,
    )


def _probe(rng: random.Random, target: _Seeded) -> Probe:
    """What a desk might have typed: the person, a slip of the keyboard, or a stranger."""
    person = target.person
    roll = rng.random()
    if roll < 0.3:
        return Probe(name=rng.choice(person.names))
    if roll < 0.4:
        name = person.names[0]
        cut = rng.randrange(1, len(name) - 1)
        return Probe(name=name[:cut] + name[cut + 1 :])
    if roll < 0.5 and person.phones:
        return Probe(phone=person.phones[0].replace("(", "").replace(") ", "."))
    if roll < 0.55 and person.handles:
        return Probe(handle=person.handles[0].lstrip("@").upper())
    visitor = f"{rng.choice(('Ana', 'Rosa', 'Linda', 'Teresa', 'Gloria'))} {_surname(rng)}"
    return Probe(name=visitor, phone=f"({rng.choice(_AREA_CODES)}) 555-01{rng.randint(0, 99):02d}")


def _history(
    rng: random.Random,
    seeded: list[_Seeded],
    in_custody: set[int],
    actor: Actor,
    now: dt.datetime,
    count: int,
) -> list[dict[str, Any]]:
    live = [s for s in seeded if s.active]
    index = RestrictionIndex.build(s.person for s in live)
    by_id = {s.id: s for s in live}
    rows: list[dict[str, Any]] = []
    for _ in range(count):
        target = rng.choice(seeded)
        probe = _probe(rng, target)
        channel = rng.choice(("visit", "phone", "phone", "video", None))
        scope_youth = target.youth_id if not in_custody or rng.random() < 0.5 else None
        scope = {scope_youth} if scope_youth is not None else in_custody
        graded = []
        for match in index.check(probe, max_matches=1000).matches:
            seeded_row = by_id[match.restriction_id]
            if seeded_row.youth_id not in scope:
                continue
            level = grade(
                match.score,
                channels=seeded_row.channels,
                channel=channel,
                admission_blocked=seeded_row.admission_blocked,
            )
            if level != "CLEAR":
                graded.append((level, match, seeded_row.youth_id))
        graded.sort(key=lambda g: (g[0] != "BLOCK", -g[1].score, g[1].restriction_id))
        rows.append(
            {
                "checked_at": now - dt.timedelta(minutes=rng.randint(5, 30 * 24 * 60)),
                "checked_by": actor.user_id,
                "youth_id": scope_youth,
                "channel": channel,
                "probe_name": probe.name,
                "probe_phone": probe.phone,
                "probe_handle": probe.handle,
                "result": overall(level for level, _, _ in graded),
                "matches": [
                    {
                        "restriction_id": m.restriction_id,
                        "youth_id": youth_id,
                        "field": m.field,
                        "score": m.score,
                        "grade": level,
                    }
                    for level, m, youth_id in graded[:20]
                ],
            }
        )
    rows.sort(key=lambda r: r["checked_at"])
    return rows


def seed_restrictions(core: Core, actor: Actor, rng: random.Random) -> int:
    """Restrictions for some detained youth (any youth if none is detained) and checks; the count.

    One transaction, one audit event. Returns how many restrictions were added.
    """
    core.require(actor, Action.DEMO_SEED)
    today, now = core.today(), core.now()
    with core.write() as session:
        detained = set(
            session.execute(
                select(CustodyEpisode.youth_id).where(CustodyEpisode.released_at.is_(None))
            ).scalars()
        )
        pool = sorted(detained)
        share, cap = 0.35, 60
        if not pool:
            pool = list(session.execute(select(Youth.id).order_by(Youth.id).limit(5000)).scalars())
            share, cap = 0.1, 40
        if not pool:
            return 0
        chosen = rng.sample(pool, min(len(pool), cap, max(1, round(len(pool) * share))))
        next_id = int(
            session.execute(select(func.coalesce(func.max(ContactRestriction.id), 0))).scalar_one()
        )
        next_seq = int(
            session.execute(
                select(func.coalesce(func.max(ContactRestriction.change_seq), 0))
            ).scalar_one()
        )
        rows: list[dict[str, Any]] = []
        for youth_id in sorted(chosen):
            for _ in range(rng.choice((1, 1, 2))):
                next_id += 1
                next_seq += 1
                row = _restriction_row(rng, next_id, youth_id, actor, today, now)
                rows.append(row | {"change_seq": next_seq})
        session.execute(insert(ContactRestriction), rows)
        seeded = [_seeded(r, today) for r in rows]
        checks = _history(rng, seeded, detained, actor, now, count=len(rows) * 3)
        if checks:
            session.execute(insert(RestrictionCheck), checks)
        core.audit(
            session, actor, "demo.seed", detail=f"restrictions={len(rows)} checks={len(checks)}"
        )
    return len(rows)
