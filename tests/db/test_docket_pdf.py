"""The printed docket, read back with pypdf: names per variant, open hearings only, sealed never."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader
from sqlalchemy import select, update

from girlscourt.db.models import AuditEvent, CustodyEpisode, Petition
from girlscourt.domain.hearing_rules import HearingInput
from girlscourt.domain.youth_rules import YouthInput
from girlscourt.errors import PermissionDenied, ValidationError
from girlscourt.services.court import cases, departments, docket_printing, hearings
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.registry import youths
from girlscourt.services.security import accounts

LA = ZoneInfo("America/Los_Angeles")
NOW = dt.datetime(2026, 11, 23, 17, 7, tzinfo=dt.UTC)  # 09:07 in LA: no hearing time
DAY = dt.date(2026, 11, 30)

# (first, last, custody, open to public, sealed, time)
GIRLS = [
    ("Maya", "Rosalind", "IN", True, False, "08:30"),
    ("Nguyễn Thị", "Ánhdale", "OUT", False, False, "09:00"),
    ("Zoë", "O’Brienwick", "HS", True, False, "09:30"),
    ("Destiny", "Kelbourne", "IN", True, True, "10:00"),  # sealed petition
    ("Lucía", "Marchetworth", "OUT", False, False, "13:30"),
]


def text_of(pdf: bytes) -> str:
    """The PDF's text with whitespace collapsed (table cells wrap names across lines)."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
def day_in_court(core: Core, admin: Actor) -> dict[str, str]:
    """Five girls on the JD1 docket on Monday 30 November 2026; one petition sealed."""
    core.clock = lambda: NOW
    accounts.create_user(core, admin, "clerk", "court_clerk", "clerk desk morning shift")
    clerk = accounts.authenticate(core, "clerk", "clerk desk morning shift")
    dept = departments.add_department(
        core, admin, departments.DepartmentInput("JD1", "Juvenile Delinquency 1", "Courtroom 1")
    )
    numbers: dict[str, str] = {}
    for index, (first, last, custody, public, sealed, clock) in enumerate(GIRLS):
        youth_id = youths.register_youth(
            core,
            admin,
            YouthInput(legal_first_name=first, legal_last_name=last, dob=dt.date(2011, 2, 3)),
        ).id
        number = f"JV-26-7000{index}"
        case = cases.open_case(
            core,
            clerk,
            cases.CaseInput(
                youth_id, number, (cases.PetitionInput(f"{number}-A", dt.date(2026, 11, 2)),)
            ),
        )
        if custody == "IN":
            with core.write() as session:
                session.add(
                    CustodyEpisode(
                        youth_id=youth_id,
                        custody_start_at=dt.datetime(2026, 11, 1, 22, tzinfo=LA),
                        housing_unit="Unit 2 (girls)",
                    )
                )
        result = hearings.schedule_hearing(
            core,
            clerk,
            HearingInput(
                case_id=case.id,
                petition_id=case.petitions[0].id,
                hearing_type="PTC",
                scheduled_at=dt.datetime.fromisoformat(f"2026-11-30T{clock}").replace(tzinfo=LA),
                department_id=dept.id,
                custody_status=custody,
                open_to_public=public,
                defence_counsel="Dep. PD Soraya Lindqvist",
                defence_type="PD",
            ),
            acknowledge_warnings=True,
        )
        assert result.saved
        if sealed:
            with core.write() as session:
                session.execute(
                    update(Petition)
                    .where(Petition.case_id == case.id)
                    .values(sealing_state="sealed_781")
                )
        numbers[last] = number
    return numbers


@pytest.fixture
def clerk(core: Core, day_in_court: dict[str, str]) -> Actor:
    return accounts.authenticate(core, "clerk", "clerk desk morning shift")


def test_initials_copy_has_no_legal_name(
    core: Core, clerk: Actor, day_in_court: dict[str, str]
) -> None:
    printed = docket_printing.print_docket(core, clerk, DAY)
    words = text_of(printed.pdf)
    for first, last, *_ in GIRLS:
        assert last not in words
        assert f"{first} {last}" not in words
    for shown in ("Maya R.", "Zoë O.", "Nguyễn Thị Á.", "Lucía M."):
        assert shown in words
    assert "Dept JD1" in words and "Monday 30 November 2026" in words
    assert "CONFIDENTIAL" in words and "page 1 of 1" in words
    assert printed.document_id in words and printed.rows == 4


def test_public_list_has_open_hearings_and_no_names(
    core: Core, clerk: Actor, day_in_court: dict[str, str]
) -> None:
    printed = docket_printing.print_docket(core, clerk, DAY, variant="public")
    words = text_of(printed.pdf)
    assert printed.rows == 2
    assert "08:30" in words and "09:30" in words
    assert "09:00" not in words and "13:30" not in words and "10:00" not in words
    for first, last, *_ in GIRLS:
        assert first not in words and last not in words and f"{first[0]}." not in words.split()
    assert "JV-26" not in words
    assert "Pre-trial / readiness conference" in words
    assert "PUBLIC CALENDAR" in words and "CONFIDENTIAL" not in words


def test_internal_copy_has_full_names_and_is_audited(
    core: Core, clerk: Actor, day_in_court: dict[str, str]
) -> None:
    printed = docket_printing.print_docket(core, clerk, DAY, variant="internal")
    words = text_of(printed.pdf)
    assert (
        "Rosalind, Maya" in words and "Ánhdale, Nguyễn Thị" in words and "O’Brienwick, Zoë" in words
    )
    assert "INTERNAL COPY" in words
    with core.read() as session:
        event = (
            session.execute(
                select(AuditEvent)
                .where(AuditEvent.action == "document.print")
                .order_by(AuditEvent.id.desc())
            )
            .scalars()
            .first()
        )
    assert event is not None and event.actor_id == clerk.user_id and event.outcome == "ok"
    assert event.detail == f"docket-internal 2026-11-30 dept=all {printed.document_id}"
    assert "Rosalind" not in (event.detail or "")


def test_internal_copy_is_refused_without_the_permission(
    core: Core, admin: Actor, day_in_court: dict[str, str]
) -> None:
    accounts.create_user(core, admin, "officer", "intake_officer", "intake desk night shift")
    officer = accounts.authenticate(core, "officer", "intake desk night shift")
    with pytest.raises(PermissionDenied):
        docket_printing.print_docket(core, officer, DAY, variant="internal")
    with pytest.raises(PermissionDenied):
        docket_printing.print_transport_list(core, officer, DAY, full_names=True)
    with core.read() as session:
        denied = (
            session.execute(
                select(AuditEvent.action).where(
                    AuditEvent.outcome == "denied", AuditEvent.actor_id == officer.user_id
                )
            )
            .scalars()
            .all()
        )
    assert denied == ["docket.print_internal", "docket.print_internal"]
    assert (
        docket_printing.print_docket(core, officer, DAY).rows == 4
    )  # the initials copy is allowed


def test_sealed_petitions_print_in_no_variant(
    core: Core, clerk: Actor, admin: Actor, day_in_court: dict[str, str]
) -> None:
    sealed_case = day_in_court["Kelbourne"]
    for actor in (clerk, admin):
        for variant in ("initials", "internal", "public"):
            words = text_of(docket_printing.print_docket(core, actor, DAY, variant=variant).pdf)
            assert sealed_case not in words and "Kelbourne" not in words and "Destiny" not in words
            assert "10:00" not in words
        transport = text_of(
            docket_printing.print_transport_list(core, actor, DAY, full_names=True).pdf
        )
        assert "Kelbourne" not in transport and sealed_case not in transport


def test_transport_list(core: Core, clerk: Actor, day_in_court: dict[str, str]) -> None:
    printed = docket_printing.print_transport_list(core, clerk, DAY)
    words = text_of(printed.pdf)
    assert printed.rows == 1
    assert "Maya R." in words and "Unit 2 (girls)" in words and day_in_court["Rosalind"] in words
    assert "Zoë" not in words  # home supervision: no transport from the hall
    assert "Rosalind" not in words


def test_unknown_variant_names_the_option(
    core: Core, clerk: Actor, day_in_court: dict[str, str]
) -> None:
    with pytest.raises(ValidationError, match="variant"):
        docket_printing.print_docket(core, clerk, DAY, variant="everything")


def test_an_empty_day_still_prints(core: Core, clerk: Actor, day_in_court: dict[str, str]) -> None:
    words = text_of(docket_printing.print_docket(core, clerk, dt.date(2026, 12, 1)).pdf)
    assert "No hearings are on calendar." in words
    public = text_of(
        docket_printing.print_docket(core, clerk, dt.date(2026, 12, 1), variant="public").pdf
    )
    assert "No hearings open to the public are on calendar." in public


def test_further_copies_are_audited_under_the_issued_id(
    core: Core, admin: Actor, clerk: Actor, day_in_court: dict[str, str]
) -> None:
    printed = docket_printing.print_docket(core, clerk, DAY, variant="internal")
    docket_printing.record_docket_output(core, clerk, printed.document_id, "save", "internal")
    docket_printing.record_docket_output(core, clerk, printed.document_id, "print", "internal")
    with core.read() as session:
        outputs = session.execute(
            select(AuditEvent.action, AuditEvent.detail)
            .where(AuditEvent.actor_id == clerk.user_id, AuditEvent.action.like("document.%"))
            .order_by(AuditEvent.id)
        ).all()
    wanted = f"docket-internal {printed.document_id}"
    assert [tuple(o) for o in outputs][-2:] == [
        ("document.save", wanted),
        ("document.print", wanted),
    ]
    with pytest.raises(ValidationError, match="how"):
        docket_printing.record_docket_output(core, clerk, printed.document_id, "fax", "internal")
    with pytest.raises(ValidationError, match="document_id"):
        docket_printing.record_docket_output(core, clerk, "anything at all", "save", "internal")
    accounts.create_user(core, admin, "officer", "intake_officer", "intake desk night shift")
    officer = accounts.authenticate(core, "officer", "intake desk night shift")
    with pytest.raises(PermissionDenied):  # a further internal copy needs the same permission
        docket_printing.record_docket_output(core, officer, printed.document_id, "save", "internal")
