"""How a stopped intake is explained: the sentence under a field, and after a rule's refusal
what happens next and which step it concerns.
"""

from __future__ import annotations

import re

from girlscourt.errors import RuleRefused, ValidationError
from ui.pages.intake.navigation import STEP_CHARGES, STEP_DECISION, STEP_SCREENING

FIELD_LABELS = {
    "youth_id": "The youth",
    "custody_start_at": "Custody start",
    "petition_filed_at": "Petition filed",
    "released_at": "Release time",
    "release_type": "Release type",
    "arresting_officer": "Arresting officer",
    "housing_unit": "Housing unit",
    "age_exception_reason": "The reason",
    "charges": "Charges",
    "override_level": "The override level",
    "override_reason": "The override reason",
    "decision": "The decision",
    "detention_reasons": "The detention grounds",
    "override_reason_code": "The override reason",
    "override_narrative": "The narrative",
    "approver": "Supervisor approval",
    "risk": "The risk instrument",
}

# What the officer does next when a rule refuses the intake, by the field the rule names.
NEXT_STEPS = {
    "charges": (
        "What happens next: make the child-welfare hotline report by telephone now, the "
        "written report (SS 8572) within 36 hours, and arrange the CSEC screening; the steps "
        "are on the youth's record with their target times. Nothing else was saved; your "
        "entries are still here."
    ),
    "decision": (
        "What happens next: release the youth (to a parent or guardian, or to shelter / child "
        "welfare) and refer her to child welfare; a status offence alone is a child-welfare "
        "matter first. Nothing was saved; your entries are still here."
    ),
    "detention_reasons": (
        "What happens next: choose another statutory ground on the Decision step if one "
        "applies, or release the youth (to a parent or guardian, or to shelter / child "
        "welfare). Nothing was saved; your entries are still here."
    ),
    "screening": (
        "What happens next: ask a screener with current training to complete the screening, "
        "or tick “Screen later” on the Screening step to save the intake without it. Nothing "
        "was saved; your entries are still here."
    ),
    "screening.instrument": (
        "What happens next: tell a supervisor; tick “Screen later” on the Screening step to "
        "save the intake without the screening. Nothing was saved."
    ),
}
_RULE_STEP = {
    "charges": STEP_CHARGES,
    "detention_reasons": STEP_DECISION,
    "screening": STEP_SCREENING,
    "screening.instrument": STEP_SCREENING,
}


def sentence(error: ValidationError) -> str:
    """A whole sentence for an inline error: "Custody start is required."."""
    field = error.field
    detail = error.detail.strip()
    if field.startswith("responses.") and detail.startswith("no answer"):
        return "Choose an answer (Unknown if you do not know)."
    if field.startswith("answers.") and detail.startswith("no answer"):
        return "Choose an answer."
    base = re.split(r"[.\[]", field, maxsplit=1)[0]
    label = FIELD_LABELS.get(base)
    if label and detail.startswith(("is ", "must ", "needs ", "contains ")):
        text = f"{label} {detail}"
    else:
        text = detail[:1].upper() + detail[1:]
    return text if text.endswith(".") else text + "."


def refusal_text(error: RuleRefused, lead: str) -> tuple[str, int | None]:
    """The message for a rule's refusal, with what happens next; and the step it concerns."""
    field, _, detail = str(error).partition(": ")
    if not detail:
        field, detail = "", str(error)
    detail = detail[:1].upper() + detail[1:]
    detail = detail if detail.endswith(".") else detail + "."
    text = f"{lead} {detail}"
    next_step = NEXT_STEPS.get(field)
    if next_step:
        text += f"\n{next_step}"
    return text, _RULE_STEP.get(field)
