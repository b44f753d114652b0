"""``girlscourt referral``, ``consent`` and ``agency``: referrals from batch jobs and tests."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Any

from girlscourt.cli.arguments import record_id
from girlscourt.cli.context import open_core, sign_in
from girlscourt.cli.output import print_json


def register(sub: Any) -> None:
    """Add the ``referral``, ``consent`` and ``agency`` command groups."""
    referral = sub.add_parser("referral", help="referrals to partner agencies").add_subparsers(
        dest="referral_command", metavar="ACTION", required=True
    )
    add = referral.add_parser("add", help="open a draft referral from JSON; prints the new id")
    add.add_argument("--json", required=True, metavar="FILE|-")
    add.set_defaults(handler=referral_add)

    show = referral.add_parser("show", help="a referral with its history")
    show.add_argument("id", type=record_id)
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=referral_show)

    listing = referral.add_parser("list", help="a youth's referrals, or every overdue one")
    listing.add_argument("--youth", type=record_id, metavar="ID")
    listing.add_argument("--overdue", action="store_true", help="only referrals past due-by")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=referral_list)

    send = referral.add_parser("send", help="mark sent (needs a valid consent or an exception)")
    send.add_argument("id", type=record_id)
    send.add_argument("--exception", metavar="CODE", help="record a lawful exception first")
    send.add_argument("--justification", metavar="TEXT", help="why the exception applies")
    send.add_argument("--note", metavar="TEXT")
    send.set_defaults(handler=referral_send)

    move = referral.add_parser("move", help="move a referral one step in its lifecycle")
    move.add_argument("id", type=record_id)
    move.add_argument("--to", required=True, metavar="STATE")
    move.add_argument("--reason", metavar="CODE", help="closing or declining reason")
    move.add_argument("--note", metavar="TEXT")
    move.set_defaults(handler=referral_move)

    attach = referral.add_parser("attach-consent", help="link a signed consent to a referral")
    attach.add_argument("id", type=record_id)
    attach.add_argument("consent_id", type=record_id)
    attach.set_defaults(handler=referral_attach)

    printing = referral.add_parser("print", help="write the referral form as PDF")
    printing.add_argument("id", type=record_id)
    printing.add_argument("--out", required=True, metavar="FILE.pdf")
    printing.add_argument(
        "--copy",
        choices=["provider", "file"],
        default="provider",
        help="provider copy (full name, the default) or file copy (initials)",
    )
    printing.set_defaults(handler=referral_print)

    consent = sub.add_parser("consent", help="consents to treat or share").add_subparsers(
        dest="consent_command", metavar="ACTION", required=True
    )
    cadd = consent.add_parser("add", help="record a signed consent from JSON; prints the id")
    cadd.add_argument("--json", required=True, metavar="FILE|-")
    cadd.set_defaults(handler=consent_add)
    revoke = consent.add_parser("revoke", help="revoke a consent from now on")
    revoke.add_argument("id", type=record_id)
    revoke.add_argument("--reason", metavar="TEXT")
    revoke.set_defaults(handler=consent_revoke)

    agency = sub.add_parser("agency", help="the partner agency directory").add_subparsers(
        dest="agency_command", metavar="ACTION", required=True
    )
    aadd = agency.add_parser("add", help="add an agency from JSON; prints the new id")
    aadd.add_argument("--json", required=True, metavar="FILE|-")
    aadd.set_defaults(handler=agency_add)
    alist = agency.add_parser("list", help="the directory")
    alist.add_argument("--json", action="store_true")
    alist.set_defaults(handler=agency_list)


# --- JSON documents ------------------------------------------------------------------------


def _date(document: dict[str, Any], key: str, where: str = "$") -> dt.date | None:
    from girlscourt.domain.youth_rules import parse_date

    value = document.get(key)
    return None if value is None else parse_date(f"{where}.{key}", value)


def _datetime(document: dict[str, Any], key: str) -> dt.datetime | None:
    from girlscourt.domain.value_rules import check_moment, quoted
    from girlscourt.errors import ValidationError

    value = document.get(key)
    if value is None:
        return None
    try:
        parsed = dt.datetime.fromisoformat(str(value)[:60])
    except ValueError:
        raise ValidationError(f"$.{key}", f"{quoted(value)} is not an ISO 8601 time") from None
    if parsed.tzinfo is None:
        raise ValidationError(f"$.{key}", "must include a UTC offset")
    return check_moment(f"$.{key}", parsed)


def referral_from_json(document: Any) -> Any:
    """A checked ``referral add`` document as service input."""
    from girlscourt.interchange import check
    from girlscourt.services.referrals.referral_records import ReferralInput

    check(document, "referral")
    return ReferralInput(
        youth_id=document["youth_id"],
        referral_type=document["type"],
        agency_id=document["agency_id"],
        urgency=document["urgency"],
        reason_codes=tuple(document["reason_codes"]),
        reason_text=document.get("reason_text"),
        representative_id=document.get("representative_id"),
        episode_id=document.get("episode_id"),
        consent_id=document.get("consent_id"),
        due_at=_datetime(document, "due_at"),
    )


def consent_from_json(document: Any) -> Any:
    """A checked ``consent add`` document as service input."""
    from girlscourt.interchange import check
    from girlscourt.services.referrals.referral_records import ConsentInput

    check(document, "consent")
    signed_on = _date(document, "signed_on")
    assert signed_on is not None
    return ConsentInput(
        youth_id=document["youth_id"],
        signer_role=document["signer_role"],
        legal_basis=document["legal_basis"],
        scope=tuple(document["scope"]),
        recipient_agency_id=document["recipient_agency_id"],
        purpose=document["purpose"],
        information=document["information"],
        signed_on=signed_on,
        expires_on=_date(document, "expires_on"),
        signer_name=document.get("signer_name"),
        court_order_number=document.get("court_order_number"),
        part2=document.get("part2", False),
        attestation=document.get("attestation"),
        maturity_attested=document.get("maturity_attested", False),
        self_sufficient_attested=document.get("self_sufficient_attested", False),
        youth_cosigned=document.get("youth_cosigned", False),
        youth_agrees_to_contact=document.get("youth_agrees_to_contact"),
    )


def agency_from_json(document: Any) -> tuple[Any, tuple[Any, ...]]:
    """A checked ``agency add`` document as service input (agency, representatives)."""
    from girlscourt.interchange import check
    from girlscourt.services.referrals.agencies import AgencyInput, RepresentativeInput

    check(document, "agency")
    reps = tuple(
        RepresentativeInput(
            name=r["name"],
            title=r.get("title"),
            phone=r.get("phone"),
            secure_email=r.get("secure_email"),
            csec_point_person=r.get("csec_point_person", False),
            effective_from=_date(r, "effective_from", f"$.representatives[{index}]"),
            effective_to=_date(r, "effective_to", f"$.representatives[{index}]"),
        )
        for index, r in enumerate(document.get("representatives", ()))
    )
    agency = AgencyInput(
        name=document["name"],
        kind=document["kind"],
        phone=document.get("phone"),
        secure_email=document.get("secure_email"),
        fax=document.get("fax"),
        hours=document.get("hours"),
        effective_from=_date(document, "effective_from"),
        effective_to=_date(document, "effective_to"),
    )
    return agency, reps


def _referral_json(record: Any) -> dict[str, Any]:
    return {
        "id": record.id,
        "version": record.version,
        "youth_id": record.youth_id,
        "type": record.referral_type,
        "agency_id": record.agency_id,
        "agency": record.agency_name,
        "representative_id": record.representative_id,
        "urgency": record.urgency,
        "due_at": record.due_at.isoformat(),
        "overdue": record.overdue,
        "status": record.status,
        "closed_reason": record.closed_reason,
        "consent_id": record.consent_id,
        "lawful_exception": record.lawful_exception,
        "reason_codes": list(record.reason_codes),
        "reason_text": record.reason_text,
        "next": list(record.next_statuses),
        "events": [
            {
                "from": e.from_status,
                "to": e.to_status,
                "by": e.actor_id,
                "at": e.at.isoformat(),
                "note": e.note,
            }
            for e in record.events
        ],
    }


# --- handlers ------------------------------------------------------------------------------


def referral_add(args: argparse.Namespace) -> int:
    from girlscourt.interchange import read_json
    from girlscourt.services.referrals import referrals

    data = referral_from_json(read_json(args.json))
    core = open_core(args)
    actor = sign_in(core, args, stdin_free=args.json != "-")
    print(referrals.create_referral(core, actor, data).id)
    return 0


def referral_show(args: argparse.Namespace) -> int:
    from girlscourt.services.referrals import referrals

    core = open_core(args)
    record = referrals.get_referral(core, sign_in(core, args), args.id)
    document = _referral_json(record)
    if args.json:
        print_json(document)
    else:
        for key, value in document.items():
            if key != "events":
                print(f"{key}: {value}")
        for event in record.events:
            moved = f"{event.from_status or '—'} → {event.to_status}"
            print(f"  {event.at.isoformat()}  {moved}  {event.actor_name}  {event.note or ''}")
    return 0


def referral_list(args: argparse.Namespace) -> int:
    from girlscourt.errors import ValidationError
    from girlscourt.services.referrals import referrals

    if args.youth is None and not args.overdue:
        raise ValidationError("--youth", "name a youth, or ask for --overdue")
    core = open_core(args)
    actor = sign_in(core, args)
    if args.overdue:
        rows = referrals.overdue_referrals(core, actor, youth_id=args.youth)
    else:
        rows = referrals.list_referrals(core, actor, args.youth)
    if args.json:
        print_json(
            [
                {
                    "id": r.id,
                    "youth_id": r.youth_id,
                    "type": r.referral_type,
                    "agency": r.agency_name,
                    "status": r.status,
                    "urgency": r.urgency,
                    "due_at": r.due_at.isoformat(),
                    "overdue": r.overdue,
                }
                for r in rows
            ]
        )
        return 0
    for r in rows:
        flag = "  OVERDUE" if r.overdue else ""
        print(
            f"{r.id}\tyouth {r.youth_id}\t{r.type_label}\t{r.agency_name}\t{r.status_label}"
            f"\tdue {r.due_at.astimezone(core.settings.timezone):%Y-%m-%d %H:%M}{flag}"
        )
    if not rows:
        print("no referrals", file=sys.stderr)
    return 0


def referral_send(args: argparse.Namespace) -> int:
    from girlscourt.services.referrals import referrals

    core = open_core(args)
    record = referrals.send_referral(
        core,
        sign_in(core, args),
        args.id,
        note=args.note,
        lawful_exception=args.exception,
        justification=args.justification,
    )
    print(f"referral {record.id}: {record.status_label}")
    return 0


def referral_move(args: argparse.Namespace) -> int:
    from girlscourt.services.referrals import referrals

    core = open_core(args)
    record = referrals.transition_referral(
        core, sign_in(core, args), args.id, args.to, reason=args.reason, note=args.note
    )
    print(f"referral {record.id}: {record.status_label}")
    return 0


def referral_attach(args: argparse.Namespace) -> int:
    from girlscourt.services.referrals import referrals

    core = open_core(args)
    record = referrals.attach_consent(core, sign_in(core, args), args.id, args.consent_id)
    print(f"referral {record.id}: consent {record.consent_id} attached")
    return 0


def referral_print(args: argparse.Namespace) -> int:
    from girlscourt.services.documents import output_files
    from girlscourt.services.referrals import referral_printing

    output_files.check_target(args.out)  # before signing in: refuse a device, FIFO or folder
    core = open_core(args)
    printed = referral_printing.print_referral(
        core, sign_in(core, args), args.id, copy=args.copy, out=args.out
    )
    print(f"{args.out}\tdocument {printed.document_id}")
    return 0


def consent_add(args: argparse.Namespace) -> int:
    from girlscourt.interchange import read_json
    from girlscourt.services.referrals import consents

    data = consent_from_json(read_json(args.json))
    core = open_core(args)
    actor = sign_in(core, args, stdin_free=args.json != "-")
    print(consents.create_consent(core, actor, data).id)
    return 0


def consent_revoke(args: argparse.Namespace) -> int:
    from girlscourt.services.referrals import consents

    core = open_core(args)
    result = consents.revoke_consent(core, sign_in(core, args), args.id, args.reason)
    print(f"consent {result.consent.id}: revoked")
    for referral_id in result.affected_referrals:
        print(f"referral {referral_id} relied on it: review it", file=sys.stderr)
    return 0


def agency_add(args: argparse.Namespace) -> int:
    from girlscourt.interchange import read_json
    from girlscourt.services.referrals import agencies

    agency, reps = agency_from_json(read_json(args.json))
    core = open_core(args)
    actor = sign_in(core, args, stdin_free=args.json != "-")
    print(agencies.create_agency(core, actor, agency, reps).id)
    return 0


def agency_list(args: argparse.Namespace) -> int:
    from girlscourt.services.referrals import agencies

    core = open_core(args)
    rows = agencies.list_agencies(core, sign_in(core, args))
    if args.json:
        print_json(
            [
                {
                    "id": a.id,
                    "name": a.name,
                    "kind": a.kind,
                    "active": a.active,
                    "phone": a.phone,
                    "point_person": a.point_person.name if a.point_person else None,
                }
                for a in rows
            ]
        )
        return 0
    for a in rows:
        point = a.point_person.name if a.point_person else "no point-person"
        print(f"{a.id}\t{a.name}\t{a.kind_label}\t{point}{'' if a.active else '  (ended)'}")
    return 0
