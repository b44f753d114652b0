"""The ``intake add`` JSON document, checked against its schema and turned into domain input."""

from __future__ import annotations

import datetime as dt
from typing import Any

from girlscourt.domain.intake_rules import ChargeInput, DecisionInput, EpisodeInput
from girlscourt.domain.value_rules import check_moment, quoted
from girlscourt.errors import ValidationError
from girlscourt.interchange import check
from girlscourt.services.codes.intake_codes import default_instrument
from girlscourt.services.intake.intake import IntakeRequest, RiskInput, ScreeningInput


def parse_time(path: str, value: Any) -> dt.datetime | None:
    """ISO 8601 with an offset; the error names the JSON path."""
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > 60:
        raise ValidationError(path, "must be an ISO 8601 date-time with its offset")
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError(path, f"{quoted(value)} is not an ISO 8601 date-time") from None
    if parsed.tzinfo is None:
        raise ValidationError(path, "needs a time zone offset, e.g. 2026-11-25T21:40:00-08:00")
    return check_moment(path, parsed)


def intake_from_json(document: Any) -> IntakeRequest:
    """A checked ``intake add`` document as a service request."""
    check(document, "intake")
    start = parse_time("$.custody_start", document["custody_start"])
    assert start is not None
    episode = EpisodeInput(
        youth_id=document["youth_id"],
        custody_start_at=start,
        charges=tuple(
            ChargeInput(
                c["code"], c.get("level"), c.get("violent"), c.get("weapon"), c.get("description")
            )
            for c in document["charges"]
        ),
        arresting_agency_id=document.get("arresting_agency"),
        arresting_officer=document.get("arresting_officer"),
        warrant=document.get("warrant", False),
        on_probation=document.get("on_probation", False),
        claimed_adult=document.get("claimed_adult", False),
        age_exception_reason=document.get("age_exception_reason"),
        petition_filed_at=parse_time("$.petition_filed_at", document.get("petition_filed_at")),
        detention_hearing_at=parse_time(
            "$.detention_hearing_at", document.get("detention_hearing_at")
        ),
        released_at=parse_time("$.released_at", document.get("released_at")),
        release_type=document.get("release_type"),
        housing_unit=document.get("housing_unit"),
        advocate_at_interview=document.get("advocate_at_interview"),
        le_advocacy_referral=document.get("le_advocacy_referral"),
    )
    screening = risk = decision = None
    if "screening" in document:
        s = document["screening"]
        screening = ScreeningInput(
            s.get("instrument") or default_instrument("screening").key,
            s["responses"],
            s.get("override_level"),
            s.get("override_reason"),
            s.get("disclosure", False),
            s.get("trigger", "intake"),
            parse_time("$.screening.identified_at", s.get("identified_at")),
        )
    if "risk" in document:
        r = document["risk"]
        risk = RiskInput(r.get("instrument") or default_instrument("risk").key, r["answers"])
    if "decision" in document:
        d = document["decision"]
        decision = DecisionInput(
            d["decision"],
            tuple(d.get("detention_reasons", ())),
            d.get("override_reason_code"),
            d.get("override_narrative"),
        )
    return IntakeRequest(episode, screening, risk, decision)
