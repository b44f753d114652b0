"""Record sealing per petition (WIC 786, 781, PC 236.14): the bases, and the reasons for access.

Reasons are codes, not free text: the audit trail records the code, so it never holds a narrative
about a youth (CJIS AU-3). The list paraphrases the uses WIC 786(f) and later amendments allow;
county counsel should confirm it before go-live (see DOMAIN.md 3.5).
"""

from __future__ import annotations

import datetime as dt
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
# the statute number alone, as the court's order and staff write it ("786")
BASIS_ALIASES: dict[str, str] = {"786": "wic786", "781": "wic781", "236.14": "pc236.14"}
BASIS_LABELS: dict[str, str] = {
    "wic786": "WIC 786 (satisfactory completion of probation)",
    "wic781": "WIC 781 (on the former ward's petition)",
    "pc236.14": "PC 236.14 (vacated: the youth was trafficked)",
}
# bases that seal only after the youth satisfactorily completed probation (WIC 786(a))
COMPLETION_BASES = frozenset({"wic786"})
SEAL_HEARING = "SEAL"  # the hearing type whose held outcome seals its petition

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


def sealing_basis(value: object, field: str = "reason") -> str:
    """The checked basis code (``wic786``, ``wic781``, ``pc236.14``; ``786`` and ``781`` too)."""
    if isinstance(value, str):
        value = BASIS_ALIASES.get(value.strip().casefold(), value)
    return _code(field, value, SEALING_BASES)


def completion_date(
    basis: str, completed_on: dt.date | None, filed_on: dt.date, today: dt.date
) -> dt.date | None:
    """The checked date the youth satisfactorily completed probation, for a WIC 786 seal.

    WIC 786 seals only after satisfactory completion: the basis needs the date (None raises).
    It cannot be in the future or before the petition was filed; the other bases take none.
    """
    if basis not in COMPLETION_BASES:
        if completed_on is not None:
            raise ValidationError("completed_on", "is only for a WIC 786 seal")
        return None
    if completed_on is None:
        raise ValidationError(
            "completed_on",
            "is required for WIC 786: the date she satisfactorily completed probation "
            "(nothing on this case records a completion)",
        )
    if not isinstance(completed_on, dt.date) or isinstance(completed_on, dt.datetime):
        raise ValidationError("completed_on", "must be a date")
    if completed_on > today:
        raise ValidationError("completed_on", "is in the future")
    if completed_on < filed_on:
        raise ValidationError(
            "completed_on", f"is before the petition was filed ({filed_on.isoformat()})"
        )
    return completed_on


def access_reason(value: object) -> str:
    """The checked reason code for opening a sealed record."""
    return _code("access_reason", value, ACCESS_REASONS)


def unseal_reason(value: object) -> str:
    """The checked reason code for lifting a seal."""
    return _code("reason", value, UNSEAL_REASONS)


def order_number(value: object, field: str = "order_number") -> str:
    """A court order number: letters, digits and ``./#()-`` and spaces, at most 60 characters."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(field, "is required")
    text = value.strip()
    if not _ORDER_NUMBER.match(text):
        raise ValidationError(
            field, "use letters, digits, spaces and . / # ( ) - (at most 60 characters)"
        )
    return text


def is_sealed(state: str | None) -> bool:
    """Whether a petition in ``state`` is hidden from everyone but the custodian."""
    return state in SEALED_STATES
