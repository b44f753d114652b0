"""Builders the intake tests share: instrument answers with known scores, trained screeners."""

from __future__ import annotations

import datetime as dt

from girlscourt.domain.youth_rules import YouthInput
from girlscourt.services.codes.intake_codes import default_instrument
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.registry import youths
from girlscourt.services.security import accounts, training

SUPERVISOR_PASSWORD = "supervisor on call tonight"


def screening_responses(**overrides: str) -> dict[str, str]:
    """Every item answered "no", with the given items changed."""
    tool = default_instrument("screening")
    answers = {item.id: "no" for item in tool.items}
    answers.update(overrides)
    return answers


def risk_answers(**overrides: str) -> dict[str, str]:
    """A low-risk youth (0 points) unless items are changed: misd_other 2 + mitigating -1 = 1."""
    tool = default_instrument("risk")
    answers = {}
    for item in tool.items:
        answers[item.id] = "no" if item.response_set == "yes_no" else "none"
    answers["most_serious_offence"] = "misd_other"
    answers.update(overrides)
    return answers


def train(core: Core, admin: Actor, username: str, *, expires: dt.date | None = None) -> None:
    """Give ``username`` the CSEC screening course (current unless ``expires`` is past)."""
    today = core.today()
    training.add_training(
        core,
        admin,
        username,
        "csec_awareness",
        today - dt.timedelta(days=30),
        instrument_id=None,
        expires_on=expires or today + dt.timedelta(days=365),
        hours=4,
    )


def supervisor(core: Core, admin: Actor) -> Actor:
    """A signed-in supervisor."""
    accounts.create_user(core, admin, "sup", "supervisor", SUPERVISOR_PASSWORD, "Sam Supervisor")
    return accounts.authenticate(core, "sup", SUPERVISOR_PASSWORD)


def register(
    core: Core,
    actor: Actor,
    first: str = "Maya",
    last: str = "Ashford",
    dob: dt.date = dt.date(2010, 6, 1),
    **extra: object,
) -> int:
    """A youth in the registry; returns her id."""
    data = YouthInput(legal_first_name=first, legal_last_name=last, dob=dob, **extra)  # type: ignore[arg-type]
    return youths.register_youth(core, actor, data).id


def county_today() -> dt.date:
    """Today in the county's time zone by the product's own clock: what a CLI process will use.

    Tests that start real processes cannot inject a clock; they take the day from the same
    place the product does, never from the machine's local date.
    """
    from girlscourt.config import defaults
    from girlscourt.db.base import utcnow

    return utcnow().astimezone(defaults().timezone).date()
