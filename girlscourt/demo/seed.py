"""Deterministic synthetic demo data: the same seed gives the same registry, on any backend.

Bulk inserts (not one service call per youth) so a state-scale benchmark registry builds in
seconds; one audit event records the seeding. Surnames are invented; nothing here is a real person.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import insert

from girlscourt.db.models import Youth, YouthAlias, YouthNameKey
from girlscourt.domain.names import phonetic_key, tokens
from girlscourt.domain.permissions import Action
from girlscourt.resources import resource
from girlscourt.services.kernel.core import Actor, Core

BATCH = 5000


@dataclass(frozen=True)
class SeedReport:
    """What a seeding run added."""

    youths: int
    aliases: int
    first_id: int = 0
    intakes: int = 0
    referrals: int = 0
    restrictions: int = 0
    hearings: int = 0
    ids: tuple[int, ...] = ()  # the new youths' ids, in the order they were made


def _names() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        resource("demo", "synthetic_names.json").read_text(encoding="utf-8")
    )
    return data


def synthetic_youths(count: int, seed: int, today: dt.date) -> list[dict[str, Any]]:
    """``count`` synthetic youth rows (with their aliases under ``_aliases``)."""
    names = _names()
    rng = random.Random(seed)
    rows: list[dict[str, Any]] = []
    for _ in range(count):
        base = rng.choice(names["surname_prefixes"]) + rng.choice(names["surname_suffixes"])
        last = rng.choice(names["surname_variants"]).format(s=base)
        first = rng.choice(names["first_names"])
        age_days = rng.randint(12 * 365 + 3, 18 * 365 - 3)
        aliases: list[str] = []
        if rng.random() < 0.35:
            aliases.append(rng.choice(names["street_names"]))
        if rng.random() < 0.2:
            aliases.append(f"{rng.choice(names['first_names'])} {last}")
        rows.append(
            {
                "legal_first_name": first,
                "legal_last_name": last,
                "preferred_name": rng.choice(names["first_names"]) if rng.random() < 0.1 else None,
                "dob": today - dt.timedelta(days=age_days),
                "gender_identity": rng.choice(names["gender_identities"]),
                "pronouns": rng.choice(names["pronouns"]),
                "primary_language": (lang := rng.choice(names["languages"])),
                "interpreter_needed": lang != "English" and rng.random() < 0.5,
                "race_ethnicity": rng.choice(names["race_ethnicity"]),
                "_aliases": aliases,
            }
        )
    return rows


def _key_rows(youth_id: int, row: dict[str, Any]) -> list[dict[str, Any]]:
    seen: set[tuple[str, str]] = set()
    out: list[dict[str, Any]] = []
    sources = [
        ("legal", row["legal_first_name"]),
        ("legal", row["legal_last_name"]),
        ("preferred", row["preferred_name"] or ""),
    ]
    sources += [("alias", a) for a in row["_aliases"]]
    for source, name in sources:
        for token in tokens(name):
            if (token, source) not in seen:
                seen.add((token, source))
                out.append(
                    {
                        "youth_id": youth_id,
                        "token": token,
                        "source": source,
                        "phonetic": phonetic_key(token),
                    }
                )
    return out


def seed_youths(core: Core, actor: Actor, count: int, seed: int) -> SeedReport:
    """Add ``count`` synthetic youths in batches, each batch one transaction.

    The database hands out the ids (``INSERT ... RETURNING``): writing ids of our own would
    leave PostgreSQL's sequence behind, and every later ``youth add`` would collide with a
    seeded row.
    """
    core.require(actor, Action.DEMO_SEED)
    rows = synthetic_youths(count, seed, core.today())
    now = core.now()
    alias_total = 0
    made: list[int] = []
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        with core.write() as session:
            youth_rows = [
                {k: v for k, v in row.items() if not k.startswith("_")}
                | {
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                    "dependency_status": "none",
                }
                for row in batch
            ]
            ids = [
                int(youth_id)
                for youth_id in session.execute(
                    insert(Youth).returning(Youth.id, sort_by_parameter_order=True), youth_rows
                ).scalars()
            ]
            alias_rows: list[dict[str, Any]] = []
            key_rows: list[dict[str, Any]] = []
            for youth_id, row in zip(ids, batch, strict=True):
                alias_rows += [
                    {"youth_id": youth_id, "alias": a, "kind": "alias"} for a in row["_aliases"]
                ]
                key_rows += _key_rows(youth_id, row)
            if alias_rows:
                session.execute(insert(YouthAlias), alias_rows)
            if key_rows:
                session.execute(insert(YouthNameKey), key_rows)
            alias_total += len(alias_rows)
            made += ids
            if start + BATCH >= len(rows):
                core.audit(session, actor, "demo.seed", detail=f"youths={count} seed={seed}")
    return SeedReport(len(rows), alias_total, made[0] if made else 0, ids=tuple(made))


def seed_demo(core: Core, actor: Actor, youths: int, seed: int) -> SeedReport:
    """The whole demo: youths; intakes with screenings, decisions and checklists; partner agencies
    and referrals; contact restrictions and desk checks; the Girls Court and its hearings."""
    from girlscourt.demo.court import seed_court
    from girlscourt.demo.intake import seed_intakes
    from girlscourt.demo.partnership import seed_partnership
    from girlscourt.demo.referrals import seed_referrals
    from girlscourt.demo.restrictions import seed_restrictions

    report = seed_youths(core, actor, youths, seed)
    rng = random.Random(seed)
    new_ids = list(report.ids)
    intakes = seed_intakes(core, actor, rng, new_ids[:2000])
    referrals = seed_referrals(core, actor, rng)
    restrictions = seed_restrictions(core, actor, rng)
    hearings = seed_court(core, actor, rng)
    seed_partnership(core, actor, rng)  # MDT meetings and trainings, after intakes and agencies
    return replace(
        report, intakes=intakes, referrals=referrals, restrictions=restrictions, hearings=hearings
    )
