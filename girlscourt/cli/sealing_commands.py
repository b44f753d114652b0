"""``girlscourt case seal | unseal | show``: sealing a petition on the court's order (WIC 786).

Sealing is the sealed-records custodian's (``sealed.seal``); every other user gets exit 4. A
sealed youth then vanishes for everyone else: search, lists, and every write naming her id,
which answers exactly as for an id nobody has. ``case show`` lists a case's petitions with their
ids (the custodian also sees the sealed ones), which is where ``PETITION_ID`` comes from.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from girlscourt.cli.arguments import record_id
from girlscourt.cli.context import open_core, sign_in
from girlscourt.cli.output import print_json

if TYPE_CHECKING:
    from girlscourt.services.security.sealing import PetitionSeal

_SEAL_OPTIONS = {
    "reason": "--basis",
    "order_number": "--order-number",
    "completed_on": "--completed-on",
}
_UNSEAL_OPTIONS = {"reason": "--reason", "order_number": "--order-number", "state": "--state"}


def register_case(case: Any) -> None:
    """Add ``seal``, ``unseal`` and ``show`` to the ``case`` command."""
    from girlscourt.domain.sealing_rules import (
        BASIS_ALIASES,
        SEALING_BASES,
        UNSEAL_REASONS,
        UNSEALED_STATES,
    )

    bases = (*BASIS_ALIASES, *SEALING_BASES)
    seal = case.add_parser(
        "seal", help="seal a petition on the court's order (the sealed-records custodian)"
    )
    seal.add_argument("petition_id", metavar="PETITION_ID", type=record_id)
    seal.add_argument(
        "--basis",
        required=True,
        metavar="BASIS",
        help=f"the sealing basis: {', '.join(bases)} (786: satisfactory completion)",
    )
    seal.add_argument("--order-number", metavar="N", help="the court's sealing order (required)")
    seal.add_argument(
        "--completed-on",
        metavar="YYYY-MM-DD",
        help="WIC 786: the day she satisfactorily completed probation (default: the day her "
        "Girls Court assignment on this case was completed, if it was)",
    )
    seal.add_argument("--json", action="store_true")
    seal.set_defaults(handler=case_seal)
    unseal = case.add_parser("unseal", help="lift a seal on the court's order (the custodian)")
    unseal.add_argument("petition_id", metavar="PETITION_ID", type=record_id)
    unseal.add_argument("--reason", required=True, choices=tuple(UNSEAL_REASONS))
    unseal.add_argument("--order-number", metavar="N", help="the unsealing order (required)")
    unseal.add_argument(
        "--state",
        choices=UNSEALED_STATES,
        default=UNSEALED_STATES[0],
        help="what the petition returns to (open: a seal entered in error on a live petition)",
    )
    unseal.add_argument("--json", action="store_true")
    unseal.set_defaults(handler=case_unseal)
    show = case.add_parser("show", help="a case and its petitions, with their ids")
    show.add_argument("case_number", metavar="CASE_NUMBER")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=case_show)


@contextmanager
def _options(names: dict[str, str]) -> Iterator[None]:
    """Name the option a refused value came from (``--basis``, not ``reason``)."""
    from girlscourt.errors import ValidationError

    try:
        yield
    except ValidationError as error:
        raise ValidationError(names.get(error.field, error.field), error.detail) from None


def _seal_json(seal: PetitionSeal) -> dict[str, Any]:
    return {
        "petition_id": seal.petition_id,
        "case_id": seal.case_id,
        "youth_id": seal.youth_id,
        "sealing_state": seal.sealing_state,
        "sealed": seal.sealed,
        "sealed_at": seal.sealed_at.isoformat() if seal.sealed_at else None,
        "basis": seal.basis,
        "completed_on": seal.completed_on.isoformat() if seal.completed_on else None,
        "order_number": seal.order_number,
        "version": seal.version,
    }


def _report(seal: PetitionSeal, as_json: bool) -> int:
    if as_json:
        print_json(_seal_json(seal))
    else:
        print(f"{seal.petition_id}\t{seal.sealing_state}\t{seal.order_number or ''}")
    return 0


def case_seal(args: argparse.Namespace) -> int:
    from girlscourt.domain.youth_rules import parse_date
    from girlscourt.services.security import sealing

    completed = None
    if args.completed_on is not None:
        completed = parse_date("--completed-on", args.completed_on)
    core = open_core(args)
    actor = sign_in(core, args)
    with _options(_SEAL_OPTIONS):
        seal = sealing.seal_petition(
            core,
            actor,
            args.petition_id,
            args.order_number or "",
            args.basis,
            completed_on=completed,
        )
    return _report(seal, args.json)


def case_unseal(args: argparse.Namespace) -> int:
    from girlscourt.services.security import sealing

    core = open_core(args)
    actor = sign_in(core, args)
    with _options(_UNSEAL_OPTIONS):
        seal = sealing.unseal_petition(
            core, actor, args.petition_id, args.order_number or "", args.reason, state=args.state
        )
    return _report(seal, args.json)


def case_show(args: argparse.Namespace) -> int:
    from girlscourt.services.court import cases

    core = open_core(args)
    actor = sign_in(core, args)
    case = cases.find_case(core, actor, args.case_number)
    if args.json:
        print_json(
            {
                "id": case.id,
                "case_number": case.case_number,
                "youth_id": case.youth_id,
                "petitions": [
                    {
                        "id": p.id,
                        "petition_number": p.petition_number,
                        "filed_on": p.filed_on.isoformat(),
                        "sealing_state": p.sealing_state,
                    }
                    for p in case.petitions
                ],
            }
        )
        return 0
    print(f"case {case.case_number}\tid {case.id}\tyouth {case.youth_id}")
    for p in case.petitions:
        print(f"{p.id}\t{p.petition_number}\tfiled {p.filed_on.isoformat()}\t{p.sealing_state}")
    return 0
