"""Step 2, the custody episode: when custody started (county time), who brought the youth in,
status flags, housing, and why an intake outside the juvenile ages proceeds.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from girlscourt.domain.youth_rules import age_on
from girlscourt.errors import ValidationError
from ui.context import AppContext
from ui.formatting import DATE_HINT, format_date, parse_dob, parse_moment
from ui.keyboard import chain_tab_order
from ui.pages.intake.step import ChosenYouth, Setup, Step, hint
from ui.style import set_invalid


class EpisodeStep(Step):
    """When custody started (county time), who brought the youth in, status flags, housing."""

    def __init__(self, context: AppContext, setup: Setup, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setup = setup
        self.tz = context.core.settings.timezone
        self.youth: ChosenYouth | None = None

        self.custody_date = QLineEdit()
        self.custody_date.setPlaceholderText(DATE_HINT)
        self.custody_time = QLineEdit()
        self.custody_time.setPlaceholderText("e.g. 21:40")
        self.custody_time.setToolTip("24-hour (21:40, 2140) or 12-hour (9:40 pm)")
        self.custody_time.setAccessibleName("Custody start time")
        self.zone_label = hint("")
        self.petition_date = QLineEdit()
        self.petition_date.setPlaceholderText(DATE_HINT)
        self.petition_time = QLineEdit()
        self.petition_time.setPlaceholderText("time")
        self.petition_time.setAccessibleName("Petition filed time")
        for edit in (self.custody_date, self.petition_date):
            edit.setMaxLength(10)
            edit.setFixedWidth(edit.fontMetrics().horizontalAdvance("00/00/00000") + 16)
        for edit in (self.custody_time, self.petition_time):
            edit.setMaxLength(10)
            edit.setFixedWidth(edit.fontMetrics().horizontalAdvance("00:00 pm, e.g.") + 40)
        self.agency = QComboBox()
        self.agency.addItem("Not recorded", None)
        for agency_id, name in setup.agencies:
            self.agency.addItem(name, agency_id)
        if not setup.agencies:
            self.agency.setToolTip("No law-enforcement agency is in the agency directory yet")
        self.officer = QLineEdit()
        self.officer.setMaxLength(120)
        self.officer.setPlaceholderText("Name and badge number, if known")
        self.warrant = QCheckBox("Held on a &warrant")
        self.probation = QCheckBox("On &probation or parole")
        self.claimed_adult = QCheckBox("Youth says they are 1&8 or older")
        # The protocol's law-enforcement duties: an advocate at the interview, a referral made.
        self.advocate_present, self.le_referral = QComboBox(), QComboBox()
        for combo, name in (
            (self.advocate_present, "Advocate present at the law-enforcement interview"),
            (self.le_referral, "Law enforcement referred the youth to an advocate"),
        ):
            combo.setAccessibleName(name)
            for text, value in (("Not recorded", None), ("Yes", True), ("No", False)):
                combo.addItem(text, value)
        self.housing = QLineEdit()
        self.housing.setMaxLength(40)
        self.housing.setPlaceholderText("e.g. Unit 3")
        self.age_reason = QPlainTextEdit()
        self.age_reason.setTabChangesFocus(True)
        self.age_reason.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 14)
        self.age_note = hint("")

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        start_row = QWidget()
        start_line = QHBoxLayout(start_row)
        start_line.setContentsMargins(0, 0, 0, 0)
        start_line.addWidget(self.custody_date)
        start_line.addWidget(self.custody_time)
        start_line.addWidget(self.zone_label, 1)
        custody_label = QLabel("&Custody started *")
        custody_label.setBuddy(self.custody_date)
        form.addRow(custody_label, self.cell("custody_start_at", start_row, mark=self.custody_time))
        petition_row = QWidget()
        petition_line = QHBoxLayout(petition_row)
        petition_line.setContentsMargins(0, 0, 0, 0)
        petition_line.addWidget(self.petition_date)
        petition_line.addWidget(self.petition_time)
        petition_line.addWidget(hint("Leave empty until a petition is filed."), 1)
        petition_label = QLabel("P&etition filed")
        petition_label.setBuddy(self.petition_date)
        form.addRow(
            petition_label, self.cell("petition_filed_at", petition_row, mark=self.petition_time)
        )
        agency_label = QLabel("Arresting &agency")
        agency_label.setBuddy(self.agency)
        form.addRow(agency_label, self.cell("arresting_agency_id", self.agency))
        officer_label = QLabel("Arresting office&r")
        officer_label.setBuddy(self.officer)
        form.addRow(officer_label, self.cell("arresting_officer", self.officer))
        flags = QWidget()
        flag_line = QHBoxLayout(flags)
        flag_line.setContentsMargins(0, 0, 0, 0)
        for box in (self.warrant, self.probation, self.claimed_adult):
            flag_line.addWidget(box)
        flag_line.addStretch(1)
        form.addRow("Status", flags)
        duties = QWidget()
        duty_line = QHBoxLayout(duties)
        duty_line.setContentsMargins(0, 0, 0, 0)
        advocate_label = QLabel("Ad&vocate at the interview")
        advocate_label.setBuddy(self.advocate_present)
        referral_label = QLabel("Police referral to an a&dvocate")
        referral_label.setBuddy(self.le_referral)
        for widget in (advocate_label, self.advocate_present, referral_label, self.le_referral):
            duty_line.addWidget(widget)
        duty_line.addStretch(1)
        form.addRow("Law enforcement", duties)
        housing_label = QLabel("Housin&g unit")
        housing_label.setBuddy(self.housing)
        form.addRow(housing_label, self.cell("housing_unit", self.housing))
        self.age_label = QLabel("Reason to proceed")
        self.age_label.setBuddy(self.age_reason)
        self.age_cell = self.cell("age_exception_reason", self.age_reason)
        age_host = QWidget()
        age_column = QVBoxLayout(age_host)
        age_column.setContentsMargins(0, 0, 0, 0)
        age_column.addWidget(self.age_note)
        age_column.addWidget(self.age_cell)
        form.addRow(self.age_label, age_host)
        self.age_host = age_host

        layout = QVBoxLayout(self)
        layout.addWidget(
            hint(
                "Times are county time; the legal deadlines are counted from them. Type the "
                "time custody really started, not the time of this intake."
            )
        )
        layout.addLayout(form)
        layout.addStretch(1)
        chain_tab_order(
            [
                self.custody_date,
                self.custody_time,
                self.petition_date,
                self.petition_time,
                self.agency,
                self.officer,
                self.warrant,
                self.probation,
                self.claimed_adult,
                self.advocate_present,
                self.le_referral,
                self.housing,
                self.age_reason,
            ]
        )
        for edit in (
            self.custody_date,
            self.custody_time,
            self.petition_date,
            self.petition_time,
            self.officer,
            self.housing,
        ):
            edit.textChanged.connect(lambda _t: self._changed())
        for box in (self.warrant, self.probation, self.claimed_adult):
            box.toggled.connect(lambda _c: self.touched())
        for combo in (self.agency, self.advocate_present, self.le_referral):
            combo.currentIndexChanged.connect(lambda _i: self.touched())
        self.age_reason.textChanged.connect(self.touched)
        self.reset()

    def reset(self) -> None:
        """Today's date, everything else empty."""
        self.loading = True
        try:
            for edit in (self.custody_time, self.petition_date, self.petition_time):
                edit.clear()
            self.custody_date.setText(format_date(self.context.core.today()))
            for combo in (self.agency, self.advocate_present, self.le_referral):
                combo.setCurrentIndex(0)
            self.officer.clear()
            self.housing.clear()
            for box in (self.warrant, self.probation, self.claimed_adult):
                box.setChecked(False)
            self.age_reason.clear()
        finally:
            self.loading = False
        self.clear_errors()
        self._update_zone()
        self._update_age_note()

    def _changed(self) -> None:
        self._update_zone()
        self._update_age_note()
        self.touched()

    def _update_zone(self) -> None:
        try:
            day = parse_dob(self.custody_date.text(), "custody_start_at")
        except ValidationError:
            self.zone_label.setText(f"{self.tz.key} time")
            return
        noon = dt.datetime.combine(day, dt.time(12), tzinfo=self.tz)
        offset = noon.utcoffset() or dt.timedelta()
        hours = int(offset.total_seconds() // 3600)
        self.zone_label.setText(f"{noon.tzname()} (UTC{hours:+d}), {self.tz.key}")

    def set_youth(self, youth: ChosenYouth | None) -> None:
        """The youth chosen on step 1 (her age decides whether a reason is needed)."""
        self.youth = youth
        self._update_age_note()

    def age_at_custody(self) -> int | None:
        """The youth's age on the custody date typed (None when unknown)."""
        if self.youth is None:
            return None
        try:
            day = parse_dob(self.custody_date.text(), "custody_start_at")
        except ValidationError:
            return None
        return age_on(self.youth.dob, day)

    def _update_age_note(self) -> None:
        age = self.age_at_custody()
        youngest, oldest = self.setup.codes.juvenile_ages
        outside = age is not None and not youngest <= age <= oldest
        self.age_host.setVisible(outside or bool(self.age_reason.toPlainText().strip()))
        self.age_label.setVisible(self.age_host.isVisibleTo(self))
        if outside:
            self.age_note.setText(
                f"The youth was {age} at custody, outside the juvenile limits "
                f"{youngest}–{oldest}. Record why this intake proceeds (audited)."
            )

    def show_error(self, error: ValidationError, text: str) -> QWidget | None:
        if error.field == "age_exception_reason":
            self.age_host.show()
            self.age_label.show()
        widget = super().show_error(error, text)
        if error.field in ("custody_start_at", "petition_filed_at"):
            edits = (
                (self.custody_date, self.custody_time)
                if error.field == "custody_start_at"
                else (self.petition_date, self.petition_time)
            )
            for edit in edits:
                set_invalid(edit, True)
            try:
                parse_dob(edits[0].text(), error.field)
            except ValidationError:
                return edits[0]
            return edits[1]
        return widget

    def clear_errors(self) -> None:
        super().clear_errors()
        for edit in (self.custody_date, self.custody_time, self.petition_date, self.petition_time):
            set_invalid(edit, False)

    def values(self) -> tuple[dict[str, Any], list[ValidationError]]:
        """The episode fields, parsed; with the format problems found."""
        problems: list[ValidationError] = []
        data: dict[str, Any] = {}
        for name, date_edit, time_edit, required in (
            ("custody_start_at", self.custody_date, self.custody_time, True),
            ("petition_filed_at", self.petition_date, self.petition_time, False),
        ):
            try:
                data[name] = parse_moment(
                    date_edit.text(), time_edit.text(), name, self.tz, required=required
                )
            except ValidationError as error:
                problems.append(error)
        start = data.get("custody_start_at")
        if start is not None and start > self.context.core.now() + dt.timedelta(minutes=5):
            problems.append(ValidationError("custody_start_at", "is in the future"))
        agency = self.agency.currentData()
        data.update(
            arresting_agency_id=int(agency) if agency is not None else None,
            arresting_officer=self.officer.text().strip() or None,
            warrant=self.warrant.isChecked(),
            on_probation=self.probation.isChecked(),
            claimed_adult=self.claimed_adult.isChecked(),
            advocate_at_interview=self.advocate_present.currentData(),
            le_advocacy_referral=self.le_referral.currentData(),
            housing_unit=self.housing.text().strip() or None,
            age_exception_reason=self.age_reason.toPlainText().strip() or None,
        )
        return data, problems

    def first_field(self) -> QWidget:
        return self.custody_time if self.custody_date.text() else self.custody_date

    def content(self) -> dict[str, Any]:
        return {
            "custody_date": self.custody_date.text(),
            "custody_time": self.custody_time.text(),
            "petition_date": self.petition_date.text(),
            "petition_time": self.petition_time.text(),
            "agency_id": self.agency.currentData(),
            "officer": self.officer.text(),
            "warrant": self.warrant.isChecked(),
            "on_probation": self.probation.isChecked(),
            "claimed_adult": self.claimed_adult.isChecked(),
            "advocate_at_interview": self.advocate_present.currentData(),
            "le_advocacy_referral": self.le_referral.currentData(),
            "housing_unit": self.housing.text(),
            "age_exception_reason": self.age_reason.toPlainText(),
        }

    def load(self, content: dict[str, Any]) -> None:
        if not content:
            self.reset()
            return
        self.loading = True
        try:
            self.custody_date.setText(str(content.get("custody_date") or ""))
            self.custody_time.setText(str(content.get("custody_time") or ""))
            self.petition_date.setText(str(content.get("petition_date") or ""))
            self.petition_time.setText(str(content.get("petition_time") or ""))
            self.agency.setCurrentIndex(max(self.agency.findData(content.get("agency_id")), 0))
            self.officer.setText(str(content.get("officer") or ""))
            self.warrant.setChecked(bool(content.get("warrant")))
            self.probation.setChecked(bool(content.get("on_probation")))
            self.claimed_adult.setChecked(bool(content.get("claimed_adult")))
            for combo, key in (
                (self.advocate_present, "advocate_at_interview"),
                (self.le_referral, "le_advocacy_referral"),
            ):
                combo.setCurrentIndex(max(combo.findData(content.get(key)), 0))
            self.housing.setText(str(content.get("housing_unit") or ""))
            self.age_reason.setPlainText(str(content.get("age_exception_reason") or ""))
        finally:
            self.loading = False
        self.clear_errors()
        self._update_zone()
        self._update_age_note()

    def summary(self) -> str:
        time = self.custody_time.text().strip()
        return f"from {self.custody_date.text()} {time}".strip() if time else "time needed"
