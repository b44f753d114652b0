"""Referrals on the youth's record as an officer works them: consent, send, move, print."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QComboBox, QWidget
from pytestqt.qtbot import QtBot

from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.referrals import agencies, consents, referrals
from girlscourt.services.referrals.agencies import AgencyInput, AgencyRecord, RepresentativeInput
from girlscourt.services.referrals.referral_records import ConsentInput, ReferralInput
from girlscourt.services.security import audit_trail
from ui.context import AppContext
from ui.dialogs.consent_dialog import ConsentDialog, ConsentListDialog
from ui.dialogs.pdf_preview_dialog import PdfPreviewDialog
from ui.dialogs.referral_dialog import MoveReferralDialog, ReferralDialog
from ui.pages.youth_page import YouthPage
from ui.widgets.referrals_section import COL_OVERDUE, COL_STATUS, ReferralsSection

from .conftest import add_youth, type_into

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def clinic(core: Core, admin: Actor) -> AgencyRecord:
    return agencies.create_agency(
        core,
        admin,
        AgencyInput(
            name="Mariposa Bridge Counseling",
            kind="mental_health",
            phone="(510) 555-0142",
            secure_email="intake@mariposa.example.org",
        ),
        (
            RepresentativeInput(name="Pat Rowan", title="Clinician"),
            RepresentativeInput(
                name="Dana Whitfield", title="Intake coordinator", csec_point_person=True
            ),
        ),
    )


@pytest.fixture
def youth_id(core: Core, officer: Actor) -> int:
    return add_youth(core, officer, "Zoë", "O’Brien", "2011-04-18", pronouns="she/her").id


def open_section(qtbot: QtBot, context: AppContext, youth_id: int) -> ReferralsSection:
    section = ReferralsSection(context, youth_id)
    qtbot.addWidget(section)
    section.resize(1100, 640)
    section.show()
    qtbot.waitExposed(section)
    with qtbot.waitSignal(section.loaded, timeout=5000):
        section.refresh()
    return section


def choose(combo: QComboBox, data: object) -> None:
    index = combo.findData(data)
    assert index >= 0, f"{data!r} is not offered"
    combo.setCurrentIndex(index)


def tick(qtbot: QtBot, box: QWidget) -> None:
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Space)


def draft(core: Core, officer: Actor, youth_id: int, agency_id: int, **changes: object) -> int:
    data: dict[str, object] = {
        "youth_id": youth_id,
        "referral_type": "mental_health",
        "agency_id": agency_id,
        "urgency": "24_hours",
        "reason_codes": ("trauma_symptoms",),
    }
    data.update(changes)
    return referrals.create_referral(core, officer, ReferralInput(**data)).id  # type: ignore[arg-type]


def select_referral(qtbot: QtBot, section: ReferralsSection, referral_id: int) -> None:
    row = section.model.row_of(referral_id)
    assert row is not None
    if section.current is not None and section.current.id == referral_id:
        return
    with qtbot.waitSignal(section.detail_loaded, timeout=5000):
        section.table.setCurrentIndex(section.model.index(row, 0))


def status_of(section: ReferralsSection, referral_id: int) -> str:
    row = section.model.row_of(referral_id)
    assert row is not None
    return str(section.model.index(row, COL_STATUS).data())


def test_a_referral_with_consent_is_sent_and_its_form_previewed_printed_and_saved(
    qtbot: QtBot,
    context: AppContext,
    core: Core,
    admin: Actor,
    youth_id: int,
    clinic: AgencyRecord,
    tmp_path: Path,
) -> None:
    section = open_section(qtbot, context, youth_id)
    assert section.summary.text() == "No referral yet."

    # New referral: type, reason, narrative, the agency (its point-person is proposed).
    with qtbot.waitSignal(section.dialog_opened, timeout=2000) as opened:
        qtbot.mouseClick(section.new_button, LEFT)
    dialog: ReferralDialog = opened.args[0]
    qtbot.waitUntil(dialog.save_button.isEnabled, timeout=5000)
    choose(dialog.type_combo, "mental_health")
    tick(qtbot, dialog.reason_boxes["trauma_symptoms"])
    type_into(
        qtbot,
        dialog.narrative,
        "Nightmares since intake; asks for a counsellor who speaks Vietnamese.",
    )
    choose(dialog.agency_combo, clinic.id)
    assert "Dana Whitfield" in dialog.rep_combo.currentText()
    assert dialog.consent_combo.currentData() is None
    assert "No valid consent on file names Mariposa" in dialog.consent_hint.text()
    assert dialog.due_label.text().startswith("First contact due by")

    # The youth's signed consent, recorded from the referral form and attached to it.
    with qtbot.waitSignal(dialog.consent_dialog_opened, timeout=2000) as opened:
        qtbot.mouseClick(dialog.new_consent_button, LEFT)
    consent: ConsentDialog = opened.args[0]
    qtbot.waitUntil(consent.save_button.isEnabled, timeout=5000)
    assert consent.recipient.currentData() == clinic.id
    assert consent.scope_boxes["outpatient_mental_health"].isChecked()
    choose(consent.legal_basis, "FC6924")
    type_into(qtbot, consent.signer_name, "Zoë O’Brien")
    tick(qtbot, consent.maturity)
    type_into(qtbot, consent.information, "Name, date of birth, reason for referral")
    expiry = (core.today() + dt.timedelta(days=90)).strftime("%m/%d/%Y")
    qtbot.keyClicks(consent.expires_on, expiry)
    with qtbot.waitSignal(consent.created, timeout=5000) as created:
        qtbot.mouseClick(consent.save_button, LEFT)
    consent_id = created.args[0].id
    assert dialog.consent_combo.currentData() == consent_id
    assert "attached" in dialog.message.text()

    with (
        qtbot.waitSignal(section.loaded, timeout=5000),
        qtbot.waitSignal(dialog.saved, timeout=5000) as saved,
    ):
        qtbot.mouseClick(dialog.save_button, LEFT)
    referral = saved.args[0]
    assert referral.consent_id == consent_id and referral.representative_name == "Dana Whitfield"
    assert status_of(section, referral.id) == "draft"
    assert section.summary.text() == "1 referral"

    # Send: the status changes in the list.
    select_referral(qtbot, section, referral.id)
    assert section.send_button.isEnabled()
    with (
        qtbot.waitSignal(section.loaded, timeout=5000),
        qtbot.waitSignal(section.changed, timeout=5000) as sent,
    ):
        qtbot.mouseClick(section.send_button, LEFT)
    assert sent.args[0].status == "sent"
    assert status_of(section, referral.id) == "sent"
    assert "sent to Mariposa Bridge Counseling" in section.message.text()
    assert not section.send_button.isEnabled()
    assert referrals.get_referral(core, admin, referral.id).status == "sent"

    # Preview: the form, with the audited document id in the title.
    with qtbot.waitSignal(section.preview_opened, timeout=10_000) as shown:
        qtbot.mouseClick(section.preview_button, LEFT)
    preview: PdfPreviewDialog = shown.args[0]
    assert preview.isVisible()
    assert preview.document.pageCount() >= 1
    assert preview.document_id and preview.document_id in preview.windowTitle()

    # Save as PDF through the file dialog; then print (to a PDF file standing in for paper).
    target = tmp_path / "referral.pdf"
    qtbot.mouseClick(preview.save_button, LEFT)
    assert preview.save_dialog is not None
    preview.save_dialog.selectFile(str(target))
    with qtbot.waitSignal(preview.saved, timeout=5000):
        preview.save_dialog.accept()
    assert target.read_bytes() == preview.pdf
    assert str(target) in preview.message.text()

    qtbot.mouseClick(preview.print_button, LEFT)
    assert preview.print_dialog is not None and preview._printer is not None
    paper = tmp_path / "printed.pdf"
    with qtbot.waitSignal(preview.printed, timeout=10_000):
        preview.print_dialog.accept()
        # No printer here: the pages go to a PDF file (the audit is recorded before they do).
        preview._printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        preview._printer.setOutputFileName(str(paper))
    assert paper.read_bytes().startswith(b"%PDF")

    events = audit_trail.list_events(core, admin, record_kind="referral", record_id=referral.id)
    outputs = [(e.action, e.detail) for e in events.rows if e.action.startswith("document.")]
    detail = f"referral {preview.document_id}"
    assert ("document.print", detail) in outputs  # issued with the preview, printed once
    assert ("document.save", detail) in outputs
    assert sum(1 for a, d in outputs if a == "document.print" and d == detail) == 2
    preview.reject()


def test_sending_without_consent_is_refused_with_a_clear_message(
    qtbot: QtBot,
    context: AppContext,
    core: Core,
    officer: Actor,
    youth_id: int,
    clinic: AgencyRecord,
) -> None:
    referral_id = draft(core, officer, youth_id, clinic.id)
    section = open_section(qtbot, context, youth_id)
    select_referral(qtbot, section, referral_id)
    assert "Consent: none attached yet" in section.detail.text()
    qtbot.mouseClick(section.send_button, LEFT)
    qtbot.waitUntil(lambda: "not sent" in section.message.text(), timeout=5000)
    text = section.message.text()
    assert text.startswith(
        f"Referral #{referral_id} was not sent: it has no valid consent and no recorded "
        "lawful exception."
    )
    assert "Attach a valid signed consent" in text  # what to do about it
    assert status_of(section, referral_id) == "draft"
    assert referrals.get_referral(core, officer, referral_id).status == "draft"


def test_an_illegal_move_is_explained_and_a_legal_one_made(
    qtbot: QtBot,
    context: AppContext,
    core: Core,
    officer: Actor,
    youth_id: int,
    clinic: AgencyRecord,
) -> None:
    referral_id = draft(core, officer, youth_id, clinic.id)
    section = open_section(qtbot, context, youth_id)
    select_referral(qtbot, section, referral_id)
    with qtbot.waitSignal(section.dialog_opened, timeout=2000) as opened:
        qtbot.mouseClick(section.move_button, LEFT)
    dialog: MoveReferralDialog = opened.args[0]
    assert "From here it can go to consent pending, sent or closed." in dialog.summary.text()
    dialog.choose("active")
    assert dialog.illegal_text() == (
        "Not allowed: a draft referral cannot move to active. From draft it can only go to "
        "consent pending, sent or closed."
    )
    assert not dialog.move_button.isEnabled()

    dialog.choose("closed")
    assert dialog.illegal_text() == "" and dialog.move_button.isEnabled()
    assert dialog.reason_combo.isVisible()
    qtbot.mouseClick(dialog.move_button, LEFT)  # no reason chosen: the service says why
    qtbot.waitUntil(lambda: bool(dialog.errors.text("reason")), timeout=5000)
    assert dialog.errors.text("reason").startswith("Reason: a closed referral needs a reason")
    choose(dialog.reason_combo, "withdrawn")
    with (
        qtbot.waitSignal(section.loaded, timeout=5000),
        qtbot.waitSignal(dialog.moved, timeout=5000),
    ):
        qtbot.mouseClick(dialog.move_button, LEFT)
    assert status_of(section, referral_id) == "closed"
    assert not section.move_button.isEnabled()  # a closed referral is finished


def test_the_record_page_shows_referrals_and_flags_the_overdue(
    qtbot: QtBot,
    context: AppContext,
    core: Core,
    officer: Actor,
    youth_id: int,
    clinic: AgencyRecord,
) -> None:
    real_clock = core.clock
    core.clock = lambda: real_clock() - dt.timedelta(days=3)
    try:
        late = draft(core, officer, youth_id, clinic.id)
    finally:
        core.clock = real_clock
    page = YouthPage(context, youth_id)
    qtbot.addWidget(page)
    page.resize(1100, 800)
    page.show()
    section = page.findChild(ReferralsSection)
    assert section is not None
    with qtbot.waitSignal(section.loaded, timeout=5000):
        page.load()
    titles = [page.tabs.tabText(i).replace("&", "") for i in range(page.tabs.count())]
    assert "Referrals" in titles
    assert section.summary.text() == "1 referral · 1 overdue"
    row = section.model.row_of(late)
    assert section.model.index(row, COL_OVERDUE).data() == "OVERDUE"


def test_a_consent_missing_its_finding_is_marked_on_the_field(
    qtbot: QtBot, context: AppContext, core: Core, youth_id: int, clinic: AgencyRecord
) -> None:
    consent_list = ConsentListDialog(context, youth_id)
    qtbot.addWidget(consent_list)
    with qtbot.waitSignal(consent_list.loaded, timeout=5000):
        consent_list.show()
    assert "No consent is on file" in consent_list.message.text()
    with qtbot.waitSignal(consent_list.consent_dialog_opened, timeout=2000) as opened:
        qtbot.mouseClick(consent_list.new_button, LEFT)
    dialog: ConsentDialog = opened.args[0]
    qtbot.waitUntil(dialog.save_button.isEnabled, timeout=5000)
    choose(dialog.legal_basis, "FC6924")
    assert not dialog.scope_boxes["psychotropic_medication"].isEnabled()  # FC6924 cannot cover it
    assert dialog.scope_boxes["outpatient_mental_health"].isChecked()
    type_into(qtbot, dialog.signer_name, "Zoë O’Brien")
    choose(dialog.recipient, clinic.id)
    type_into(qtbot, dialog.purpose, "Outpatient counselling")
    type_into(qtbot, dialog.information, "Name and reason for referral")
    qtbot.keyClicks(dialog.expires_on, (core.today() + dt.timedelta(days=30)).strftime("%m/%d/%Y"))
    qtbot.mouseClick(dialog.save_button, LEFT)
    qtbot.waitUntil(lambda: bool(dialog.errors.text("maturity_attested")), timeout=5000)
    assert dialog.errors.text("maturity_attested").startswith(
        "Maturity finding: FC6924 needs the finding that the youth is mature enough"
    )
    tick(qtbot, dialog.maturity)
    with (
        qtbot.waitSignal(consent_list.loaded, timeout=5000),
        qtbot.waitSignal(dialog.created, timeout=5000),
    ):
        qtbot.mouseClick(dialog.save_button, LEFT)
    assert consent_list.model.rowCount() == 1
    assert consent_list.model.index(0, 7).data() == "valid"


def test_a_draft_is_edited_and_a_revoked_consent_names_the_referral_it_covered(
    qtbot: QtBot,
    context: AppContext,
    core: Core,
    officer: Actor,
    youth_id: int,
    clinic: AgencyRecord,
) -> None:
    consent = consents.create_consent(
        core,
        officer,
        ConsentInput(
            youth_id=youth_id,
            signer_role="youth",
            signer_name="Zoë O’Brien",
            legal_basis="FC6924",
            scope=("outpatient_mental_health",),
            recipient_agency_id=clinic.id,
            purpose="Outpatient counselling",
            information="Name and reason for referral",
            signed_on=core.today(),
            expires_on=core.today() + dt.timedelta(days=30),
            maturity_attested=True,
        ),
    )
    referral_id = draft(core, officer, youth_id, clinic.id, consent_id=consent.id)
    section = open_section(qtbot, context, youth_id)
    select_referral(qtbot, section, referral_id)
    with qtbot.waitSignal(section.dialog_opened, timeout=2000) as opened:
        qtbot.mouseClick(section.edit_button, LEFT)
    dialog: ReferralDialog = opened.args[0]
    qtbot.waitUntil(dialog.save_button.isEnabled, timeout=5000)
    assert dialog.agency_combo.currentData() == clinic.id
    assert dialog.reason_boxes["trauma_symptoms"].isChecked()
    assert dialog.consent_combo.currentData() == consent.id
    choose(dialog.urgency_combo, "routine")
    with (
        qtbot.waitSignal(section.loaded, timeout=5000),
        qtbot.waitSignal(dialog.saved, timeout=5000) as saved,
    ):
        qtbot.mouseClick(dialog.save_button, LEFT)
    assert saved.args[0].urgency == "routine" and saved.args[0].version > 1
    assert "Routine" in section.detail.text()

    with qtbot.waitSignal(section.dialog_opened, timeout=2000) as opened:
        qtbot.mouseClick(section.consents_button, LEFT)
    consent_list: ConsentListDialog = opened.args[0]
    qtbot.waitUntil(consent_list.revoke_button.isEnabled, timeout=5000)
    qtbot.mouseClick(consent_list.revoke_button, LEFT)
    assert consent_list.revoke_panel.isVisible()
    type_into(qtbot, consent_list.revoke_reason, "Youth withdrew it at her review")
    with qtbot.waitSignal(consent_list.revoked, timeout=5000):
        qtbot.mouseClick(consent_list.confirm_revoke_button, LEFT)
    assert consent_list.message.text() == (
        f"Consent #{consent.id} revoked. Open referrals that relied on it: #{referral_id}. "
        "They cannot be sent on it; tell the receiving agencies."
    )
    qtbot.waitUntil(lambda: consent_list.model.index(0, 7).data() == "revoked", timeout=5000)
    consent_list.accept()
