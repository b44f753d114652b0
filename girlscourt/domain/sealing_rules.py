"""Record sealing per petition (WIC 786, 781, PC 236.14): the bases, and the reasons for access.

Reasons are codes, not free text: the audit trail records the code, so it never holds a narrative
about a youth (CJIS AU-3). The list paraphrases the uses WIC 786(f) and later amendments allow;
county counsel should confirm it before go-live (see DOMAIN.md 3.5).
"""

from __future__ import annotations

import re

from girlscourt.domain.hearing_rules import SEALED_STATES
from girlscourt.domain.value_rules import quoted
from girlscourt.errors import ValidationError

# sealing basis code -> petition.sealing_state it leads to
SEALING_BASES: dict[str, str] = {
    "wic786": "sealed_786",  # satisfactory completion of probation: dismissed and sealed
    "wic781": "sealed_781",  # sealing on the former ward's petition
    "pc236.14": "vacated_236.14",  # trafficking survivor's arrest or adjudication vacated
}

# why the sealed-records custodian opens a sealed record
ACCESS_REASONS: dict[str, str] = {
    "eligibility_review": "Eligibility for deferred entry of judgment or informal supervision",
    "prior_referrals": "Probation: prior program referrals and risk-needs assessments",
    "placement_services": "Child welfare: an appropriate placement or service",
    "subject_request": "The person the record concerns asked to inspect it",
    "court_order": "An order of the juvenile court (e.g. on a JV-570 petition)",
    "records_administration": "Custodian duties: sealing, correction, destruction schedule",
}

# why a seal is lifted
UNSEAL_REASONS: dict[str, str] = {
    "court_order": "The juvenile court ordered the record unsealed",
    "entered_in_error": "The seal was entered on the wrong petition",
}
UNSEALED_STATES = ("dismissed", "open")

_ORDER_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ./#()-]{0,59}$")


def _code(field: str, value: object, allowed: dict[str, str]) -> str:
    if not isinstance(value, str) or not value.strip():
        choices = ", ".join(allowed)
        raise ValidationError(field, f"is required (one of {choices})")
    code = value.strip().casefold()
    if code not in allowed:
        choices = ", ".join(allowed)
        raise ValidationError(field, f"{quoted(value)} is not one of {choices}")
    return code


def sealing_basis(value: object) -> str:
    """The checked basis code (``wic786``, ``wic781``, ``pc236.14``)."""
    return _code("reason", value, SEALING_BASES)


def access_reason(value: object) -> str:
    """The checked reason code for opening a sealed record."""
    return _code("access_reason", value, ACCESS_REASONS)


def unseal_reason(value: object) -> str:
    """The checked reason code for lifting a seal."""
    return _code("reason", value, UNSEAL_REASONS)


def order_number(value: object) -> str:
    """A court order number: letters, digits and ``./#()-`` and spaces, at most 60 characters."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError("order_number", "is required")
    text = value.strip()
    if not _ORDER_NUMBER.match(text):
        raise ValidationError(
            "order_number", "use letters, digits, spaces and . / # ( ) - (at most 60 characters)"
        )
    return text


def is_sealed(state: str | None) -> bool:
    """Whether a petition in ``state`` is hidden from everyone but the custodian."""
    return state in SEALED_STATES
