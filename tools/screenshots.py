"""Renders the main screens over synthetic demo data to PNGs, for a person to look at.

Run ``QT_QPA_PLATFORM=offscreen python -m tools.screenshots OUTDIR``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication,
    QMessageLogContext,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtWidgets import QApplication, QWidget

from girlscourt import APP_NAME, __version__
from girlscourt.demo import seed as demo
from girlscourt.domain.permissions import Role
from girlscourt.domain.youth_rules import YouthInput
from girlscourt.errors import GirlsCourtError
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.kernel.startup import open_core
from girlscourt.services.registry import youths
from girlscourt.services.security import accounts
from ui import workers
from ui.app import release_windows
from ui.context import AppContext
from ui.dialogs.first_admin_dialog import FirstAdminDialog
from ui.dialogs.login_dialog import LoginDialog
from ui.dialogs.new_youth_dialog import NewYouthDialog
from ui.main_window import MainWindow
from ui.style import app_icon

DEMO_PASSWORD = "demo password only"  # a throwaway database that is deleted afterwards


def _settle() -> None:
    for _ in range(5):
        QCoreApplication.processEvents()


def _save(widget: QWidget, outdir: Path, name: str) -> Path:
    widget.show()
    _settle()
    path = outdir / f"{name}.png"
    if not widget.grab().save(str(path)):
        raise OSError(f"{path}: could not be written")
    return path


def _people(core: Core) -> tuple[Actor, Actor]:
    accounts.create_user(
        core, None, "dana.admin", Role.ADMINISTRATOR, DEMO_PASSWORD, "Dana Whitfield"
    )
    admin = accounts.authenticate(core, "dana.admin", DEMO_PASSWORD)
    accounts.create_user(
        core, admin, "rosa.officer", Role.INTAKE_OFFICER, DEMO_PASSWORD, "Rosa Delgado"
    )
    return admin, accounts.authenticate(core, "rosa.officer", DEMO_PASSWORD)


def render(outdir: Path, workdir: Path) -> list[Path]:
    """Build the demo database in ``workdir`` and write the screenshots to ``outdir``."""
    outdir.mkdir(parents=True, exist_ok=True)
    shots: list[Path] = []
    core = open_core(f"sqlite:///{workdir / 'demo.sqlite3'}")
    try:
        first = FirstAdminDialog(core)
        shots.append(_save(first, outdir, "01-first-administrator"))
        first.close()

        admin, officer = _people(core)
        demo.seed_youths(core, admin, 300, seed=2026)
        today = core.today()
        zoe = youths.register_youth(
            core,
            officer,
            YouthInput(
                "Zoë",
                "O’Brien",
                today.replace(year=today.year - 15) - dt.timedelta(days=40),
                preferred_name="Zee",
                aliases=("Lil Star", "Zoey Brien"),
                gender_identity="female",
                pronouns="she/they",
                primary_language="English",
            ),
        )
        context = AppContext(core, officer)

        login = LoginDialog(core, username="rosa.officer")
        shots.append(_save(login, outdir, "02-login"))  # the banner, fields still closed
        login.acknowledge()
        login.password.setText("not it")
        login.submit()
        shots.append(_save(login, outdir, "03-login-wrong-password"))
        login.close()

        window = MainWindow(context)
        window.show()
        window.start()
        shots.append(_save(window, outdir, "04-search-browse"))
        window.search_page.search_edit.setText("ash")
        window.search_page.run_query()
        shots.append(_save(window, outdir, "05-search-results"))

        page = window.open_youth(zoe.id)
        shots.append(_save(window, outdir, "06-youth-record"))
        page.form.preferred_name.setText("Zee")
        page.form.dob.setText("13/40/2011")
        page.form.edited.emit()
        page.save()
        shots.append(_save(window, outdir, "07-youth-record-error"))
        page.revert()

        future = (today + dt.timedelta(days=30)).strftime("%m/%d/%Y")
        dialog = NewYouthDialog(context)
        dialog.form.legal_first_name.setText("Maya")
        dialog.form.legal_last_name.setText("Fernwood")
        dialog.form.dob.setText(future)
        dialog.submit()
        shots.append(_save(dialog, outdir, "08-new-youth-error"))
        dialog.close()

        dialog = NewYouthDialog(context)
        dialog.form.legal_first_name.setText("Zoe")
        dialog.form.legal_last_name.setText("OBrien")
        dialog.form.dob.setText(zoe.data.dob.strftime("%m/%d/%Y"))
        dialog.submit()
        shots.append(_save(dialog, outdir, "09-new-youth-duplicate"))
        dialog.close()

        other = youths.get_youth(core, admin, zoe.id)
        youths.update_youth(
            core, admin, zoe.id, other.version, replace(other.data, pronouns="they/them")
        )
        page.form.primary_language.setEditText("Spanish")
        page.form.edited.emit()
        page.save()
        if page.conflict_dialog is not None:
            shots.append(_save(page.conflict_dialog, outdir, "10-conflict"))
            page.conflict_dialog.close()
        page.revert()  # the demo edits are not kept
        window.close()
        _settle()
        shots += _referral_and_desk_shots(core, admin, officer, zoe.id, outdir)
        shots += _court_and_report_shots(core, admin, outdir)
        shots += _security_shots(core, admin, zoe.id, outdir)
        shots += _intake_shots(outdir, workdir)
    finally:
        workers.shutdown()
        core.db.dispose()
    return shots


def _referral_and_desk_shots(
    core: Core, admin: Actor, officer: Actor, youth_id: int, outdir: Path
) -> list[Path]:
    """Referrals and their printed form, restrictions, and the visitor & call desk."""
    import random

    from PySide6.QtCore import QSize, QThread

    from girlscourt.demo.intake import seed_intakes
    from girlscourt.demo.referrals import seed_referrals
    from girlscourt.demo.restrictions import seed_restrictions
    from girlscourt.domain.restriction_rules import Notices, RestrictionInput
    from girlscourt.services.intake.custody_board import in_custody_board
    from girlscourt.services.referrals import agencies, consents, referral_printing, referrals
    from girlscourt.services.referrals.referral_records import ConsentInput, ReferralInput
    from girlscourt.services.restrictions import restrictions
    from ui.dialogs.consent_dialog import ConsentDialog
    from ui.dialogs.pdf_preview_dialog import PdfPreviewDialog
    from ui.dialogs.referral_dialog import MoveReferralDialog, ReferralDialog
    from ui.dialogs.restriction_dialog import RestrictionDialog
    from ui.pages.screening_desk_page import ScreeningDeskPage
    from ui.widgets.referrals_section import ReferralsSection
    from ui.widgets.restrictions_section import RestrictionsSection

    shots: list[Path] = []
    rng = random.Random(2026)
    seed_referrals(core, admin, rng)  # the partner agencies, and referrals in every state
    seed_intakes(core, admin, rng, [y.id for y in youths.list_youths(core, admin, 0, 150)])
    seed_restrictions(core, admin, rng)
    directory = {a.name: a for a in agencies.list_agencies(core, admin)}
    clinic = directory["Mariposa Bridge Counseling"]
    advocates = next(a for a in directory.values() if a.kind == "crisis_advocacy")
    medical = next(a for a in directory.values() if a.kind == "medical")
    today = core.today()
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
            information="Name, date of birth, reason for referral, screening result level",
            signed_on=today,
            expires_on=today + dt.timedelta(days=180),
            attestation="wet_signature",
            maturity_attested=True,
            youth_agrees_to_contact=True,
        ),
    )
    sent = referrals.create_referral(
        core,
        officer,
        ReferralInput(
            youth_id=youth_id,
            referral_type="mental_health",
            agency_id=clinic.id,
            urgency="24_hours",
            reason_codes=("trauma_symptoms", "outpatient_counselling"),
            reason_text="Zee has had nightmares since intake and asks for a counsellor she can "
            "see after release. She prefers afternoons and a woman counsellor.",
            consent_id=consent.id,
        ),
    )
    referrals.send_referral(core, officer, sent.id)
    earlier = replace(core, clock=lambda: core.now() - dt.timedelta(days=2))
    late = referrals.create_referral(
        earlier,
        officer,
        ReferralInput(youth_id, "csec_advocacy", advocates.id, "same_day", ("csec_identified",)),
    )
    marcus = RestrictionInput(
        youth_id=youth_id,
        person_name="Marcus Talford",
        channels=("visit", "phone", "social_media"),
        basis="court_order",
        court_order_number="JV-2026-01234",
        aliases=("Big Money", "M-Tal"),
        phones=("(510) 555-0142",),
        handles=("@talford.marcus",),
        relationship_to_youth="suspected exploiter",
        notices=Notices(youth=today),
        do_not_disclose_location=True,
    )
    restrictions.add_restriction(core, officer, marcus)
    board = in_custody_board(core, admin)
    detained = board[0].youth_id if board else youth_id
    if detained != youth_id:
        restrictions.add_restriction(core, officer, replace(marcus, youth_id=detained))
    context = AppContext(core, officer)

    dialog = ReferralDialog(context, youth_id)
    dialog.type_combo.setCurrentIndex(dialog.type_combo.findData("medical"))
    dialog.reason_boxes["exam_after_exploitation"].setChecked(True)
    dialog.reason_boxes["sexual_health"].setChecked(True)
    dialog.narrative.setPlainText("Exam at the youth's request; she asks for a woman clinician.")
    dialog.agency_combo.setCurrentIndex(dialog.agency_combo.findData(medical.id))
    shots.append(_save(dialog, outdir, "11-referral-dialog"))
    consent_form = ConsentDialog(
        context,
        youth_id,
        agency_list=tuple(directory.values()),
        agency_id=clinic.id,
        scopes=("outpatient_mental_health",),
        purpose="Outpatient counselling",
    )
    consent_form.signer_name.setText("Zoë O’Brien")
    consent_form.information.setPlainText("Name, date of birth, reason for referral")
    consent_form.expires_on.setText((today + dt.timedelta(days=90)).strftime("%m/%d/%Y"))
    consent_form.submit()  # the maturity finding is missing: marked on the field
    shots.append(_save(consent_form, outdir, "11-referral-consent-dialog"))
    consent_form.close()
    dialog.close()

    window = MainWindow(context)
    window.show()
    page = window.open_youth(youth_id)
    section = page.findChild(ReferralsSection)
    assert section is not None
    page.tabs.setCurrentWidget(section)
    section.table.setCurrentIndex(section.model.index(section.model.row_of(late.id) or 0, 0))
    _settle()
    section._load_detail()
    section.send()
    shots.append(_save(window, outdir, "12-referrals-tab-send-refused"))

    assert section.current is not None
    move = MoveReferralDialog(context, section.current)
    move.choose("active")
    shots.append(_save(move, outdir, "13-referral-move-illegal"))
    move.close()

    printed = referral_printing.print_referral(core, officer, sent.id)
    preview = PdfPreviewDialog(
        f"Referral #{sent.id} (Mental health)",
        printed.document_id,
        printed.pdf,
        printed.suggested_name,
        lambda how: referral_printing.record_output(
            core, officer, sent.id, printed.document_id, how
        ),
    )
    preview.show()
    for _ in range(50):  # QPdfView draws its pages on a thread of its own
        QThread.msleep(20)
        QCoreApplication.processEvents()
    shots.append(_save(preview, outdir, "14-referral-preview"))
    for number in range(preview.document.pageCount()):
        points = preview.document.pagePointSize(number)
        image = preview.document.render(
            number, QSize(round(points.width() * 100 / 72), round(points.height() * 100 / 72))
        )
        path = outdir / f"14-referral-form-page-{number + 1}.png"
        if not image.save(str(path)):
            raise OSError(f"{path}: could not be written")
        shots.append(path)
    preview.close()

    editor = RestrictionDialog(context, youth_id)
    editor.person_name.setText("Dre Castellano")
    editor.aliases.setPlainText("Dreamz\nD-Cast")
    editor.phones.setPlainText("510.555.0187\n+1 (415) 555-0123")
    editor.handles.setPlainText("@dreamz.bayarea")
    editor.relationship.setEditText("recruiter")
    for channel in ("visit", "phone", "video"):
        editor.channel_boxes[channel].setChecked(True)
    editor.blocks_admission.setChecked(True)
    editor.submit()  # no order number, no reason for the admission block: marked inline
    shots.append(_save(editor, outdir, "15-restriction-editor"))
    editor.close()

    restrictions_tab = page.findChild(RestrictionsSection)
    assert restrictions_tab is not None
    page.tabs.setCurrentWidget(restrictions_tab)
    shots.append(_save(window, outdir, "16-restrictions-tab"))

    desk = window.feature_widgets["desk"]
    assert isinstance(desk, ScreeningDeskPage)
    window.show_feature(desk)
    desk.choose_contact("phone")
    for name, typed in (
        ("17-desk-block", "+1 510 555 0142"),
        ("18-desk-review", "Markus Tallford"),
        ("19-desk-clear", "Jordan Reyes"),
    ):
        desk.entry.setText(typed)
        desk.run_check()
        shots.append(_save(window, outdir, name))
    window.close()
    _settle()
    return shots


def _intake_shots(outdir: Path, workdir: Path) -> list[Path]:
    """The intake flow, the screening mid-way, the override approval, the board and checklist.

    A database of its own with the clock stopped on the eve of Thanksgiving 2026, so the board
    shows every colour and the deadlines are the same on every run.
    """
    from girlscourt.domain.intake_rules import ChargeInput, EpisodeInput
    from girlscourt.services.codes.intake_codes import default_instrument
    from girlscourt.services.intake import intake
    from girlscourt.services.intake.intake import IntakeRequest, ScreeningInput
    from girlscourt.services.security import training
    from ui.pages.custody_board_page import CustodyBoardPage
    from ui.pages.intake_page import IntakePage
    from ui.widgets.checklist_section import ChecklistSection

    shots: list[Path] = []
    core = open_core(f"sqlite:///{workdir / 'intake-desk.sqlite3'}")
    tz = core.settings.timezone
    night = dt.datetime(2026, 11, 25, 22, 0, tzinfo=tz)
    core.clock = lambda: night.astimezone(dt.UTC)
    try:
        admin, officer = _people(core)
        accounts.create_user(
            core, admin, "sam.supervisor", Role.SUPERVISOR, DEMO_PASSWORD, "Sam Okafor"
        )
        training.add_training(
            core,
            admin,
            "rosa.officer",
            "csec_awareness",
            night.date() - dt.timedelta(days=60),
            expires_on=night.date() + dt.timedelta(days=300),
            hours=4,
        )

        def youth(first: str, last: str, born: dt.date) -> int:
            return youths.register_youth(core, officer, YouthInput(first, last, born)).id

        def book(youth_id: int, start: dt.datetime, code: str, unit: str, **extra: object) -> None:
            episode = EpisodeInput(youth_id, start, (ChargeInput(code),), housing_unit=unit)
            request = IntakeRequest(episode, **extra)  # type: ignore[arg-type]
            at = core.clock
            core.clock = lambda: (start + dt.timedelta(minutes=45)).astimezone(dt.UTC)
            try:
                intake.record_intake(core, officer, request)
            finally:
                core.clock = at

        tool = default_instrument("screening")
        concern = ScreeningInput(
            tool.key,
            {item.id: "clear" if item.domain == "trauma" else "no" for item in tool.items},
        )
        monday = dt.datetime(2026, 11, 23, tzinfo=tz)
        # Every colour of the board: 631 breached, 631 within the hour, a 631(b) supervisor
        # review tomorrow morning (amber) and tomorrow night (yellow), the long weekend, and a
        # youth who turns 18 on Sunday (the board's age warning).
        wednesday = monday + dt.timedelta(days=2)
        jade = youth("Jade", "Kingsley", dt.date(2009, 4, 2))
        book(jade, monday.replace(hour=20), "PC 211", "B-2", screening=concern)
        book(
            youth("Luz", "Marbury", dt.date(2010, 8, 14)), monday.replace(hour=23), "PC 459", "A-1"
        )
        book(
            youth("Nia", "Oakhurst", dt.date(2011, 1, 20)),
            wednesday.replace(hour=8),
            "PC 484",
            "A-4",
        )
        book(
            youth("Pia", "Quenby", dt.date(2008, 11, 29)),  # turns 18 in custody: the warning
            wednesday.replace(hour=20),
            "PC 602",
            "A-2",
        )
        maya = youth("Maya", "Ashford", dt.date(2010, 6, 1))

        context = AppContext(core, officer)
        window = MainWindow(context)
        window.resize(1280, 860)
        window.show()
        window.start()
        page = window.feature_widgets["intake"]
        assert isinstance(page, IntakePage)
        window.show_feature(page)
        step = page.youth_step
        step.search.setText("ashford")
        step.run_query()
        shots.append(_save(window, outdir, "20-intake-youth"))
        summary = step.model.summary(0)
        assert summary is not None
        step.choose(summary)
        episode = page.episode_step
        episode.custody_time.setText("21:40")
        episode.petition_date.setText("11/25/2026")
        episode.petition_time.setText("9:55 pm")
        episode.officer.setText("Ofc. J. Rivera #412")
        episode.warrant.setChecked(False)
        episode.housing.setText("Unit 3")
        shots.append(_save(window, outdir, "21-intake-episode"))
        page.go_to(2)
        for code in ("PC 211", "PC 484"):
            page.charges_step.add(code)
        page.charges_step.pick.setText("245")
        shots.append(_save(window, outdir, "22-intake-charges"))
        page.charges_step.pick.clear()

        page.go_to(3)
        form = page.screening_step.form
        answers = {"rb_runaway": "clear", "tr_past_abuse": "some", "ph_branding_tattoo": "some"}
        for item_id in list(form.rows)[:14]:
            form.rate(item_id, answers.get(item_id, "no"))
        form.rate("to_online_adults", "unknown")
        form.rows[list(form.rows)[14]].setFocus()
        shots.append(_save(window, outdir, "23-intake-screening-midway"))
        for item_id in form.unrated():
            form.rate(item_id, "no")

        page.go_to(4)
        risk = page.risk_step.form
        for item in risk.instrument.items:
            risk.answer(item.id, "no" if item.response_set == "yes_no" else "none")
        risk.answer("most_serious_offence", "felony_person_weapon")
        risk.answer("mit_adult_supervision", "yes")
        shots.append(_save(window, outdir, "24-intake-risk"))

        page.go_to(5)
        decision = page.decision_step
        decision.choose("detain")
        decision.reasons["protect_person_or_property"].setChecked(True)
        decision.override_reason.setCurrentIndex(decision.override_reason.findData("victim_safety"))
        decision.narrative.setPlainText(
            "The person she is accused of robbing lives two doors away and was threatened at "
            "the arrest; no relative can take her tonight."
        )
        page.save()  # no approval yet: refused inline
        shots.append(_save(window, outdir, "25-intake-override-needs-approval"))
        dialog = page.request_approval()
        assert dialog is not None
        dialog.username.setText("sam.supervisor")
        dialog.password.setText(DEMO_PASSWORD)
        shots.append(_save(dialog, outdir, "26-approval-dialog"))
        dialog.submit()
        _settle()
        page.save()
        shots.append(_save(window, outdir, "27-intake-saved"))

        board = window.feature_widgets["custody-board"]
        assert isinstance(board, CustodyBoardPage)
        window.show_feature(board)
        shots.append(_save(window, outdir, "28-custody-board"))

        record = window.open_youth(maya)
        section = next(s for s in record.sections if isinstance(s, ChecklistSection))
        record.tabs.setCurrentWidget(section)
        core.clock = lambda: (night + dt.timedelta(hours=3)).astimezone(dt.UTC)
        section.refresh()
        section.select_step("da_csec_prosecutor")
        shots.append(_save(window, outdir, "29-record-checklist"))
        events = section.record_events()
        assert events is not None
        events.dates["petition_filed_at"].setText("11/25/2026")
        events.times["petition_filed_at"].setText("25:70")
        events.save()
        shots.append(_save(events, outdir, "29b-episode-events-error"))
        events.reject()

        tia = youths.register_youth(
            core, officer, YouthInput("Tia", "Brookfield", dt.date(2011, 3, 2))
        )
        window.show_feature(page)
        page.start_new()
        page.youth_step.search.setText("brookfield")
        page.youth_step.run_query()
        found = page.youth_step.model.summary(0)
        assert found is not None and found.id == tia.id
        page.youth_step.choose(found)
        page.episode_step.custody_time.setText("00:40")
        page.go_to(2)
        page.charges_step.add("PC 647(b)")
        page.save()
        shots.append(_save(window, outdir, "30-intake-sb1322-refused"))
        window.close()
        _settle()
    finally:
        core.db.dispose()
    return shots


def _court_and_report_shots(core: Core, admin: Actor, outdir: Path) -> list[Path]:
    """The Girls Court roster, a hearing warning, the docket and its three printed copies (as
    PNG pages), the court calendar, and the reports page."""
    import random
    import subprocess

    from girlscourt.demo.court import seed_court
    from girlscourt.services.court import departments, docket_printing
    from ui.dialogs.hearing_dialog import HearingDialog
    from ui.pages.court_calendar_page import CourtCalendarPage
    from ui.pages.docket_page import DocketPage
    from ui.pages.girls_court_page import GirlsCourtPage
    from ui.pages.reports_page import ReportsPage

    shots: list[Path] = []
    seed_court(core, admin, random.Random(2026))
    accounts.create_user(core, admin, "cleo.clerk", Role.COURT_CLERK, DEMO_PASSWORD, "Cleo Marsh")
    clerk = accounts.authenticate(core, "cleo.clerk", DEMO_PASSWORD)
    context = AppContext(core, clerk)
    window = MainWindow(context)
    window.show()

    roster = window.feature_widgets["girls-court"]
    assert isinstance(roster, GirlsCourtPage)
    window.show_feature(roster)
    roster.refresh()
    shots.append(_save(window, outdir, "40-girls-court-roster"))

    rows = [roster.model.row(n) for n in range(roster.model.rowCount())]
    upcoming = sorted(
        (r for r in rows if r is not None and r.next_hearing_at is not None),
        key=lambda r: r.next_hearing_at or dt.datetime.max,
    )
    girl = upcoming[0] if upcoming else next(r for r in rows if r is not None)
    gc_config = departments.specialty_docket_on(core, clerk, core.today())
    day = core.today() + dt.timedelta(days=1)
    while day.weekday() != 0:  # a Monday: a court day, but not a Girls Court session day
        day += dt.timedelta(days=1)
    dialog = HearingDialog(
        context,
        girl.youth_id,
        f"{girl.legal_first_name} {girl.legal_last_name[:1]}.",
        day=day,
        department_id=gc_config.department_id if gc_config else None,
    )
    dialog.choose(dialog.type_combo, "REV")
    dialog.run_check()
    shots.append(_save(dialog, outdir, "41-hearing-dialog-warning"))
    thanksgiving_friday = dt.date(day.year, 11, 22)
    while thanksgiving_friday.weekday() != 3:
        thanksgiving_friday += dt.timedelta(days=1)
    thanksgiving_friday += dt.timedelta(days=1)
    dialog.set_when(thanksgiving_friday, dt.time(8, 30))
    dialog.run_check()
    shots.append(_save(dialog, outdir, "42-hearing-dialog-holiday"))
    dialog.close()

    busy = girl.next_hearing_at.date() if girl.next_hearing_at else core.today()
    docket = window.feature_widgets["docket"]
    assert isinstance(docket, DocketPage)
    window.show_feature(docket)
    docket.show_day(busy, None)
    shots.append(_save(window, outdir, "43-docket-page"))

    calendar = window.feature_widgets["court-calendar"]
    assert isinstance(calendar, CourtCalendarPage)
    window.show_feature(calendar)
    calendar.choose_department(gc_config.department_id if gc_config else None)
    calendar.select_day(busy)
    shots.append(_save(window, outdir, "44-court-calendar"))
    window.close()
    _settle()

    for variant in ("initials", "internal", "public"):
        printed = docket_printing.print_docket(core, clerk, busy, None, variant)
        pdf = outdir / f"45-docket-{variant}.pdf"
        pdf.write_bytes(printed.pdf)
        stem = outdir / f"45-docket-{variant}"
        subprocess.run(["pdftoppm", "-r", "70", "-png", str(pdf), str(stem)], check=True)
        shots += sorted(outdir.glob(f"45-docket-{variant}*.png"))

    reports = ReportsPage(AppContext(core, admin))
    reports.resize(1280, 900)
    today = core.today()
    reports.set_period(today - dt.timedelta(days=365), today)
    reports.run()
    shots.append(_save(reports, outdir, "46-reports-page"))
    reports.close()
    return shots


def _security_shots(core: Core, admin: Actor, youth_id: int, outdir: Path) -> list[Path]:
    """The accounts page with a locked account, the audit viewer, "who looked" on a record, and
    the screen lock over a record."""
    from ui.pages.accounts_page import AccountsPage
    from ui.pages.audit_page import AuditPageWidget
    from ui.widgets.access_section import AccessSection
    from ui.widgets.partners_section import PartnersSection

    shots: list[Path] = []
    for _ in range(5):  # someone mistypes five times: the account locks
        with contextlib.suppress(GirlsCourtError):
            accounts.authenticate(core, "rosa.officer", "not the password")
    window = MainWindow(AppContext(core, admin))
    window.show()
    window.start()
    page = window.feature_widgets["accounts"]
    assert isinstance(page, AccountsPage)
    window.show_feature(page)
    page.reload()
    page.select_user(next(u.id for u in page.model.rows() if u.username == "rosa.officer"))
    shots.append(_save(window, outdir, "50-accounts-locked"))
    page.release_selected()
    shots.append(_save(window, outdir, "51-accounts-released"))

    audit = window.feature_widgets["audit"]
    assert isinstance(audit, AuditPageWidget)
    window.show_feature(audit)
    audit.search()
    shots.append(_save(window, outdir, "52-audit-log"))
    audit.verify()
    audit.kind.setCurrentIndex(audit.kind.findData("youth"))
    audit.record_id.setText(str(youth_id))
    audit.search()
    shots.append(_save(window, outdir, "53-audit-log-one-record"))
    window.close()
    _settle()

    accounts.create_user(core, admin, "sam.supervisor", Role.SUPERVISOR, DEMO_PASSWORD, "Sam Ortiz")
    accounts.create_user(core, admin, "dee.da", Role.PROSECUTOR, DEMO_PASSWORD, "Dee Alvarez")
    supervisor = accounts.authenticate(core, "sam.supervisor", DEMO_PASSWORD)
    window = MainWindow(AppContext(core, supervisor))
    window.show()
    window.start()
    record = window.open_youth(youth_id)
    section = record.findChildren(AccessSection)[0]
    record.tabs.setCurrentWidget(section)
    section.load()
    shots.append(_save(window, outdir, "54-record-who-looked"))
    partners = record.findChildren(PartnersSection)[0]
    record.tabs.setCurrentWidget(partners)
    partners.assign()
    shots.append(_save(window, outdir, "54b-record-partner-access"))
    record.tabs.setCurrentIndex(0)
    reviews = window.feature_widgets["restriction-reviews"]
    window.show_feature(reviews)
    shots.append(_save(window, outdir, "54c-restriction-reviews"))
    window.show_feature(record)
    window.screen_lock.lock(manual=False)
    shots.append(_save(window, outdir, "55-screen-locked"))
    window.screen_lock.panel.show_error("Wrong user name or password.")
    shots.append(_save(window, outdir, "56-screen-locked-wrong-password"))
    window.screen_lock.unlock()
    window.close()
    _settle()
    return shots


def _quiet_offscreen(mode: QtMsgType, _context: QMessageLogContext, message: str) -> None:
    # The headless plugin cannot pass size hints on; it says so for every window shown.
    if "propagateSizeHints" not in message:
        sys.stderr.write(f"{message}\n")


def main(argv: list[str] | None = None) -> int:
    """Entry point: ``python -m tools.screenshots OUTDIR``."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        sys.stderr.write("usage: python -m tools.screenshots OUTDIR\n")
        return 2
    qInstallMessageHandler(_quiet_offscreen)
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setWindowIcon(app_icon())
    with tempfile.TemporaryDirectory(prefix="girlscourt-shots-") as work:
        os.environ["GIRLSCOURT_DATA_DIR"] = work  # never the user's own data or settings
        os.environ.pop("GIRLSCOURT_DATABASE_URL", None)
        with workers.synchronous():
            shots = render(Path(args[0]), Path(work))
        release_windows()
    qInstallMessageHandler(None)
    for path in shots:
        sys.stdout.write(f"{path}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
