"""Dependency (WIC 300) status: the codes, what each means for detention and the clocks, and the
check of a change as an officer enters it.

Most exploited youth are known to child welfare. A dependent may not be held for lack of a
placement (WIC 636), and a dependent detained on a 602 matter brings the WIC 241.1 joint
assessment and its hearing deadline. The status is effective-dated: the change records the day
it took effect, not only the day it was typed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from girlscourt.domain.names import clean_text
from girlscourt.domain.value_rules import parse_day, quoted
from girlscourt.errors import ValidationError

NONE = "none"
DEPENDENT_300 = "300"
NON_MINOR_DEPENDENT = "nmd"
JOINT_ASSESSMENT = "241.1"

STATUSES: dict[str, str] = {
    NONE: "None known",
    DEPENDENT_300: "WIC 300 dependent",
    NON_MINOR_DEPENDENT: "Non-minor dependent (WIC 11400(v))",
    JOINT_ASSESSMENT: "WIC 241.1 joint assessment pending",
}
CASE_NUMBER_MAX = 40


def is_dependent(status: str | None) -> bool:
    """Whether WIC 636's bar on detention for lack of placement protects this youth."""
    return (status or NONE) != NONE


def brings_241_1(status: str | None) -> bool:
    """Whether a detention on a 602 matter starts the WIC 241.1 joint assessment and deadline."""
    return (status or NONE) != NONE


@dataclass(frozen=True)
class DependencyInput:
    """A change of dependency status as entered (the case number is child welfare's)."""

    status: str
    effective_on: dt.date | None = None
    child_welfare_case_number: str | None = None


def validate_dependency(data: DependencyInput, today: dt.date) -> DependencyInput:
    """Check a change: a known status, a case number for a dependent, no date in the future."""
    status = (data.status or "").strip().casefold()
    if status not in STATUSES:
        raise ValidationError(
            "dependency_status",
            f"{quoted(data.status)} is not one of {', '.join(STATUSES)}",
        )
    number = clean_text(
        "child_welfare_case_number",
        data.child_welfare_case_number,
        required=False,
        max_length=CASE_NUMBER_MAX,
    )
    if is_dependent(status) and not number:
        raise ValidationError(
            "child_welfare_case_number",
            "a dependent's child-welfare case number is required (ask the social worker)",
        )
    effective = today if data.effective_on is None else parse_day("effective_on", data.effective_on)
    if effective > today:
        raise ValidationError("effective_on", "cannot be in the future")
    return DependencyInput(status, effective, number if is_dependent(status) else None)
