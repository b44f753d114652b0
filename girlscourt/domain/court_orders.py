"""The court's orders on a hearing, as the clerk records them with its outcome: the detention
order and its WIC 636 findings, the counts at jurisdiction, the orders at disposition, and the
ground a continuance was granted on. The clocks are recomputed from these, not from free text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from girlscourt.domain.names import clean_text
from girlscourt.domain.value_rules import parse_day, quoted
from girlscourt.errors import ValidationError

DETAINED, RELEASED = "detained", "released"
DETENTION_ORDERS = (DETAINED, RELEASED)
FINDINGS_636 = {
    "contrary_to_welfare": "continuance in the home is contrary to the youth's welfare",
    "reasonable_efforts": "reasonable efforts were made to prevent removal",
}
COUNT_FINDINGS = ("sustained", "dismissed", "reduced")
CONSENT, GOOD_CAUSE, TIME_WAIVER = "consent", "good_cause", "time_waiver"
CONTINUANCE_BASES = (CONSENT, GOOD_CAUSE, TIME_WAIVER)
BASIS_TEXT = {
    CONSENT: "continued on the youth's consent",
    GOOD_CAUSE: "continued for good cause (WIC 682)",
    TIME_WAIVER: "time waived",
}
DETENTION_TYPES = frozenset({"DET"})
JURISDICTION_TYPES = frozenset({"JUR"})
DISPOSITION_TYPES = frozenset({"DISP"})
ORDER_MAX = 200


@dataclass(frozen=True)
class CourtOrderInput:
    """What the court ordered, as entered with a hearing's outcome (every part optional)."""

    detention_order: str | None = None
    findings_636: Mapping[str, bool] = field(default_factory=dict)
    counts: Mapping[str, str] = field(default_factory=dict)
    disposition_orders: tuple[str, ...] = ()
    continuance_basis: str | None = None
    time_waiver_until: dt.date | None = None
    waived_by: str | None = None

    def findings(self) -> dict[str, Any] | None:
        """The stored findings document (None when there are none)."""
        document: dict[str, Any] = {}
        if self.findings_636:
            document["wic_636"] = dict(self.findings_636)
        if self.counts:
            document["counts"] = dict(self.counts)
        if self.disposition_orders:
            document["disposition_orders"] = list(self.disposition_orders)
        if self.waived_by:
            document["time_waived_by"] = self.waived_by
        return document or None


def _held_orders(data: CourtOrderInput, hearing_type: str) -> CourtOrderInput:
    order = data.detention_order
    if order is not None and order not in DETENTION_ORDERS:
        raise ValidationError(
            "detention_order", f"{quoted(order)} is not one of {', '.join(DETENTION_ORDERS)}"
        )
    if order is not None and hearing_type not in DETENTION_TYPES:
        raise ValidationError("detention_order", "is recorded at the detention hearing only")
    for key in data.findings_636:
        if key not in FINDINGS_636:
            raise ValidationError(f"findings_636.{key}", "is not a WIC 636 finding")
    if order == DETAINED:
        for key, text in FINDINGS_636.items():
            if key not in data.findings_636:
                raise ValidationError(
                    f"findings_636.{key}",
                    f"a detention order needs the court's finding whether {text} (WIC 636)",
                )
    if data.counts and hearing_type not in JURISDICTION_TYPES:
        raise ValidationError("counts", "counts are found at the jurisdiction hearing")
    for code, finding in data.counts.items():
        if finding not in COUNT_FINDINGS:
            raise ValidationError(
                f"counts.{code}", f"{quoted(finding)} is not one of {', '.join(COUNT_FINDINGS)}"
            )
    if data.disposition_orders and hearing_type not in DISPOSITION_TYPES:
        raise ValidationError("disposition_orders", "orders are made at disposition")
    orders = tuple(
        clean_text(f"disposition_orders[{i}]", o, required=True, max_length=ORDER_MAX) or ""
        for i, o in enumerate(data.disposition_orders)
    )
    return CourtOrderInput(order, dict(data.findings_636), dict(data.counts), orders)


def validate_orders(
    data: CourtOrderInput | None,
    hearing_type: str,
    outcome: str,
    continued_to: dt.date | None,
    youth_consented: bool | None,
) -> CourtOrderInput:
    """Check the orders against the hearing they close; the first problem names its field."""
    data = data or CourtOrderInput()
    if outcome == "held":
        if data.continuance_basis or data.time_waiver_until or data.waived_by:
            raise ValidationError("continuance_basis", "is only for a continued hearing")
        return _held_orders(data, hearing_type)
    if data.detention_order or data.findings_636 or data.counts or data.disposition_orders:
        raise ValidationError("detention_order", "orders are recorded with a held hearing")
    if outcome != "continued":
        return CourtOrderInput()
    basis = data.continuance_basis or (CONSENT if youth_consented else None)
    if basis is not None and basis not in CONTINUANCE_BASES:
        raise ValidationError(
            "continuance_basis", f"{quoted(basis)} is not one of {', '.join(CONTINUANCE_BASES)}"
        )
    if basis == CONSENT and youth_consented is False:
        raise ValidationError("continuance_basis", "the youth did not consent to this continuance")
    until, who = None, None
    if basis == TIME_WAIVER:
        if data.time_waiver_until is None:
            raise ValidationError("time_waiver_until", "a time waiver needs the day it runs to")
        until = parse_day("time_waiver_until", data.time_waiver_until)
        if continued_to is not None and until < continued_to:
            raise ValidationError(
                "time_waiver_until", "runs out before the day the hearing was continued to"
            )
        who = clean_text("waived_by", data.waived_by, required=True, max_length=120)
    elif data.time_waiver_until is not None or data.waived_by:
        raise ValidationError("time_waiver_until", "is only for a time waiver")
    return CourtOrderInput(continuance_basis=basis, time_waiver_until=until, waived_by=who)
