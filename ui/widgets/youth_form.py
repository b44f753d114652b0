"""The youth demographics form, shared so both screens validate and explain errors alike.

Per-field inline errors come from ``ValidationError.field`` (``aliases[N]`` selects that alias).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from girlscourt.domain.youth_rules import (
    ALIAS_MAX_COUNT,
    NAME_MAX,
    YouthInput,
    age_on,
    validate_youth,
)
from girlscourt.errors import ValidationError
from ui.formatting import DATE_HINT, error_text, format_date, parse_dob
from ui.keyboard import chain_tab_order
from ui.style import ERROR, INVALID_FIELD_CSS, MUTED, set_invalid

# Suggestions only: every one of these fields takes free text in the youth's own words.
GENDER_IDENTITIES = (
    "female",
    "transgender female",
    "nonbinary",
    "genderfluid",
    "questioning",
    "male",
    "transgender male",
    "declined to state",
)
PRONOUNS = ("she/her", "she/they", "they/them", "he/him", "he/they", "ze/zir")
LANGUAGES = (
    "English",
    "Spanish",
    "Vietnamese",
    "Cantonese",
    "Mandarin",
    "Tagalog",
    "Mam",
    "K'iche'",
    "Korean",
    "Arabic",
    "American Sign Language",
)
RACE_ETHNICITY = (
    "American Indian or Alaska Native",
    "Asian",
    "Black or African American",
    "Hispanic or Latina",
    "Middle Eastern or North African",
    "Pacific Islander",
    "White",
    "Multiracial",
    "Declined to state",
)

TEXT_FIELDS = (
    "legal_first_name",
    "legal_middle_name",
    "legal_last_name",
    "preferred_name",
)
CHOICE_FIELDS = ("gender_identity", "pronouns", "primary_language", "race_ethnicity")
_ALIAS_EDIT_TRIGGERS = (
    QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
)


class _AliasEdit(QLineEdit):
    """Enter adds the alias instead of pressing the dialog's default button."""

    submitted = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submitted.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class _AliasList(QListView):
    """Delete removes the selected alias (while not editing it in place)."""

    delete_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Delete) or event.key() == Qt.Key.Key_Delete:
            self.delete_pressed.emit()
            event.accept()
            return
        super().keyPressEvent(event)


def _choice_box(items: tuple[str, ...]) -> QComboBox:
    box = QComboBox()
    box.setEditable(True)
    box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    box.addItem("")
    box.addItems(list(items))
    box.setCurrentIndex(0)
    return box


def _error_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setStyleSheet(f"color: {ERROR};")
    label.hide()
    return label


class YouthForm(QWidget):
    """Legal name, date of birth, identity and language, aliases; ``edited`` on any user change."""

    edited = Signal()

    def __init__(
        self, today: Callable[[], dt.date] = dt.date.today, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._today = today
        self._loading = False
        self._read_only = False
        self.setStyleSheet(INVALID_FIELD_CSS)

        self.legal_first_name = QLineEdit()
        self.legal_middle_name = QLineEdit()
        self.legal_last_name = QLineEdit()
        self.preferred_name = QLineEdit()
        self.dob = QLineEdit()
        self.dob.setPlaceholderText(DATE_HINT)
        self.age_hint = QLabel()
        self.age_hint.setStyleSheet(f"color: {MUTED};")
        self.age_hint.setMinimumWidth(self.age_hint.fontMetrics().horizontalAdvance("age 00 "))
        self.gender_identity = _choice_box(GENDER_IDENTITIES)
        self.pronouns = _choice_box(PRONOUNS)
        self.primary_language = _choice_box(LANGUAGES)
        self.interpreter_needed = QCheckBox("Needs an &interpreter")
        self.race_ethnicity = _choice_box(RACE_ETHNICITY)
        for edit in self._text_edits():
            edit.setMaxLength(NAME_MAX)
        self.dob.setMaxLength(20)

        self.alias_edit = _AliasEdit()
        self.alias_edit.setPlaceholderText("Another name the youth uses or is known by")
        self.add_alias_button = QPushButton("A&dd alias")
        self.aliases_model = QStringListModel(self)
        self.alias_list = _AliasList()
        self.alias_list.setModel(self.aliases_model)
        self.alias_list.setEditTriggers(_ALIAS_EDIT_TRIGGERS)
        rows = self.alias_list.fontMetrics().lineSpacing()
        self.alias_list.setFixedHeight(rows * 4 + 8)  # four aliases in view; the list scrolls
        self.alias_list.setAccessibleName("Aliases")
        self.remove_alias_button = QPushButton("R&emove alias")
        for button in (self.add_alias_button, self.remove_alias_button):
            button.setAutoDefault(False)

        self._errors: dict[str, QLabel] = {}
        self.fields: dict[str, QWidget] = {
            "legal_first_name": self.legal_first_name,
            "legal_middle_name": self.legal_middle_name,
            "legal_last_name": self.legal_last_name,
            "dob": self.dob,
            "preferred_name": self.preferred_name,
            "gender_identity": self.gender_identity,
            "pronouns": self.pronouns,
            "primary_language": self.primary_language,
            "interpreter_needed": self.interpreter_needed,
            "race_ethnicity": self.race_ethnicity,
            "aliases": self.alias_list,
        }
        self._build_layout()
        self._connect()
        self._set_tab_order()

    # -- layout ---------------------------------------------------------------------------

    def _text_edits(self) -> tuple[QLineEdit, ...]:
        return (
            self.legal_first_name,
            self.legal_middle_name,
            self.legal_last_name,
            self.preferred_name,
        )

    def _add_row(
        self, form: QFormLayout, text: str, name: str, extra: QWidget | None = None
    ) -> None:
        widget = self.fields[name]
        label = QLabel(text)
        label.setBuddy(widget)
        error = _error_label()
        self._errors[name] = error
        cell = QWidget()
        column = QVBoxLayout(cell)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        if extra is None:
            column.addWidget(widget)
        else:
            line = QHBoxLayout()
            line.addWidget(widget, 1)
            line.addWidget(extra)
            column.addLayout(line)
        column.addWidget(error)
        form.addRow(label, cell)

    def _build_layout(self) -> None:
        legal = QGroupBox("Legal name and date of birth")
        legal_form = QFormLayout(legal)
        self._add_row(legal_form, "Legal fi&rst name *", "legal_first_name")
        self._add_row(legal_form, "Legal &middle name", "legal_middle_name")
        self._add_row(legal_form, "Legal &last name *", "legal_last_name")
        self._add_row(legal_form, "Date of &birth *", "dob", self.age_hint)
        identity = QGroupBox("Identity and language")
        identity_form = QFormLayout(identity)
        self._add_row(identity_form, "&Preferred name", "preferred_name")
        self._add_row(identity_form, "&Gender identity", "gender_identity")
        self._add_row(identity_form, "Pro&nouns", "pronouns")
        self._add_row(identity_form, "Primary lang&uage", "primary_language")
        identity_form.addRow("", self.interpreter_needed)
        self._add_row(identity_form, "Race / e&thnicity", "race_ethnicity")

        aliases = QGroupBox("Aliases (other names used, including street names)")
        alias_grid = QGridLayout(aliases)
        alias_label = QLabel("&Aliases")
        alias_label.setBuddy(self.alias_edit)
        self._errors["aliases"] = _error_label()
        alias_grid.addWidget(alias_label, 0, 0)
        alias_grid.addWidget(self.alias_edit, 0, 1)
        alias_grid.addWidget(self.add_alias_button, 0, 2)
        alias_grid.addWidget(self.alias_list, 1, 1)
        alias_grid.addWidget(self.remove_alias_button, 1, 2, Qt.AlignmentFlag.AlignTop)
        alias_grid.addWidget(self._errors["aliases"], 2, 1, 1, 2)
        alias_grid.setColumnStretch(1, 1)

        for group in (legal, identity, aliases):
            group.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(legal, 0, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(identity, 0, 1, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(aliases, 1, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)

    def _connect(self) -> None:
        for name in TEXT_FIELDS:
            edit = self.fields[name]
            assert isinstance(edit, QLineEdit)
            edit.textEdited.connect(lambda _t, n=name: self._user_edited(n))
        self.dob.textEdited.connect(lambda _t: self._user_edited("dob"))
        self.dob.textChanged.connect(self._update_age_hint)
        for name in CHOICE_FIELDS:
            box = self.fields[name]
            assert isinstance(box, QComboBox)
            box.currentTextChanged.connect(lambda _t, n=name: self._user_edited(n))
        self.interpreter_needed.toggled.connect(lambda _c: self._user_edited("interpreter_needed"))
        self.alias_edit.submitted.connect(self.add_alias)
        self.add_alias_button.clicked.connect(self.add_alias)
        self.remove_alias_button.clicked.connect(self.remove_selected_alias)
        self.alias_list.delete_pressed.connect(self.remove_selected_alias)
        self.aliases_model.dataChanged.connect(lambda *_: self._user_edited("aliases"))

    def _set_tab_order(self) -> None:
        chain: list[QWidget] = [
            self.legal_first_name,
            self.legal_middle_name,
            self.legal_last_name,
            self.dob,
            self.preferred_name,
            self.gender_identity,
            self.pronouns,
            self.primary_language,
            self.interpreter_needed,
            self.race_ethnicity,
            self.alias_edit,
            self.add_alias_button,
            self.alias_list,
            self.remove_alias_button,
        ]
        chain_tab_order(chain)

    def first_field(self) -> QWidget:
        """The field that gets focus first."""
        return self.legal_first_name

    def last_field(self) -> QWidget:
        """The last field in tab order (the caller chains its buttons after it)."""
        return self.remove_alias_button

    # -- values ---------------------------------------------------------------------------

    def _user_edited(self, name: str) -> None:
        if self._loading:
            return
        self.clear_error(name)
        self.edited.emit()

    def _update_age_hint(self, text: str) -> None:
        try:
            dob = parse_dob(text)
        except ValidationError:
            self.age_hint.clear()
            return
        today = self._today()
        self.age_hint.setText(f"age {age_on(dob, today)}" if dob <= today else "")

    def add_alias(self) -> None:
        """Add the alias typed in the alias field (blank text is ignored)."""
        text = self.alias_edit.text().strip()
        if not text or self._read_only:
            return
        aliases = self.aliases_model.stringList()
        if text not in aliases:
            aliases.append(text)
            self.aliases_model.setStringList(aliases)
            self.alias_list.setCurrentIndex(self.aliases_model.index(len(aliases) - 1))
            self._user_edited("aliases")
        self.alias_edit.clear()

    def remove_selected_alias(self) -> None:
        """Remove the alias selected in the list."""
        index = self.alias_list.currentIndex()
        if not index.isValid() or self._read_only:
            return
        self.aliases_model.removeRows(index.row(), 1)
        self._user_edited("aliases")

    def aliases(self) -> list[str]:
        """The aliases as listed."""
        return [a for a in self.aliases_model.stringList() if a.strip()]

    def set_data(self, data: YouthInput) -> None:
        """Fill the form (no ``edited`` signal)."""
        self._loading = True
        try:
            for name in TEXT_FIELDS:
                edit = self.fields[name]
                assert isinstance(edit, QLineEdit)
                edit.setText(getattr(data, name) or "")
            self.dob.setText(format_date(data.dob))
            for name in CHOICE_FIELDS:
                box = self.fields[name]
                assert isinstance(box, QComboBox)
                value = getattr(data, name) or ""
                index = box.findText(value, Qt.MatchFlag.MatchFixedString)
                if index >= 0:
                    box.setCurrentIndex(index)
                else:
                    box.setEditText(value)
            self.interpreter_needed.setChecked(bool(data.interpreter_needed))
            self.aliases_model.setStringList(list(data.aliases))
            self.alias_edit.clear()
        finally:
            self._loading = False
        self.clear_errors()

    def clear(self) -> None:
        """Empty every field."""
        self._loading = True
        try:
            for edit in (*self._text_edits(), self.dob, self.alias_edit):
                edit.clear()
            for name in CHOICE_FIELDS:
                box = self.fields[name]
                assert isinstance(box, QComboBox)
                box.setCurrentIndex(0)
                box.setEditText("")
            self.interpreter_needed.setChecked(False)
            self.aliases_model.setStringList([])
        finally:
            self._loading = False
        self.clear_errors()

    @staticmethod
    def _optional(widget: QLineEdit | QComboBox) -> str | None:
        text = widget.currentText() if isinstance(widget, QComboBox) else widget.text()
        return text if text.strip() else None

    def data(self, dob: dt.date) -> YouthInput:
        """The form as typed (not yet checked), with ``dob`` already parsed."""
        return YouthInput(
            legal_first_name=self.legal_first_name.text(),
            legal_last_name=self.legal_last_name.text(),
            dob=dob,
            legal_middle_name=self._optional(self.legal_middle_name),
            preferred_name=self._optional(self.preferred_name),
            aliases=tuple(self.aliases()),
            gender_identity=self._optional(self.gender_identity),
            pronouns=self._optional(self.pronouns),
            primary_language=self._optional(self.primary_language),
            interpreter_needed=self.interpreter_needed.isChecked(),
            race_ethnicity=self._optional(self.race_ethnicity),
        )

    def check(
        self, today: dt.date, age_limits: tuple[int, int]
    ) -> tuple[YouthInput | None, list[ValidationError]]:
        """Every problem at once (the domain rules stop at the first): the clean input or errors.

        The rules are the core's own (``validate_youth``), so the form never disagrees with the
        service; the service checks again on save.
        """
        problems: list[ValidationError] = []
        try:
            dob: dt.date | None = parse_dob(self.dob.text())
        except ValidationError as error:
            problems.append(error)
            dob = None
        youngest, oldest = age_limits
        stand_in = dt.date(today.year - (youngest + oldest) // 2, 1, 1)
        data = self.data(dob or stand_in)
        for _ in range(len(self.fields) + ALIAS_MAX_COUNT + 1):
            try:
                clean = validate_youth(data, today, age_limits)
            except ValidationError as error:
                problems.append(error)
                patched = _without_problem(data, error.field, stand_in)
                if patched is None:
                    break
                data = patched
            else:
                return (clean if not problems else None), problems
        return None, problems

    # -- errors ---------------------------------------------------------------------------

    def show_errors(self, errors: list[ValidationError]) -> list[ValidationError]:
        """Show each error under its field and focus the first; return those with no field here."""
        unplaced: list[ValidationError] = []
        first: QWidget | None = None
        for error in errors:
            widget = self.show_error(error)
            if widget is None:
                unplaced.append(error)
            elif first is None:
                first = widget
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)
        return unplaced

    def show_error(self, error: ValidationError) -> QWidget | None:
        """Show one error inline; the widget it belongs to, or None if no field matches."""
        name = error.field
        if name.startswith("aliases["):
            row = int(name[len("aliases[") : -1]) if name.endswith("]") else -1
            if 0 <= row < self.aliases_model.rowCount():
                self.alias_list.setCurrentIndex(self.aliases_model.index(row))
                alias = self.aliases_model.stringList()[row]
                text = f"Alias “{alias}”: {error.detail}."
            else:
                text = error_text(error)
            name = "aliases"
        else:
            text = error_text(error)
        widget = self.fields.get(name)
        label = self._errors.get(name)
        if widget is None or label is None:
            return None
        if label.isHidden() or not label.text():
            label.setText(text)
        else:
            label.setText(f"{label.text()}\n{text}")
        label.show()
        widget.setAccessibleDescription(text)
        set_invalid(widget, True)
        return widget

    def error_for(self, name: str) -> str:
        """The inline error shown for a field ('' when none)."""
        label = self._errors.get(name)
        return label.text() if label is not None and not label.isHidden() else ""

    def clear_error(self, name: str) -> None:
        """Remove one field's error (the user is fixing it)."""
        label = self._errors.get(name)
        widget = self.fields.get(name)
        if label is not None:
            label.clear()
            label.hide()
        if widget is not None:
            widget.setAccessibleDescription("")
            set_invalid(widget, False)

    def clear_errors(self) -> None:
        """Remove every inline error."""
        for name in self._errors:
            self.clear_error(name)

    def set_read_only(self, read_only: bool) -> None:
        """View without editing (roles that may view but not edit)."""
        self._read_only = read_only
        for edit in (*self._text_edits(), self.dob):
            edit.setReadOnly(read_only)
        for name in CHOICE_FIELDS:
            self.fields[name].setEnabled(not read_only)
        self.interpreter_needed.setEnabled(not read_only)
        for widget in (self.alias_edit, self.add_alias_button, self.remove_alias_button):
            widget.setVisible(not read_only)
        self.alias_list.setEditTriggers(
            QAbstractItemView.EditTrigger.NoEditTriggers if read_only else _ALIAS_EDIT_TRIGGERS
        )


def _without_problem(data: YouthInput, field: str, stand_in: dt.date) -> YouthInput | None:
    """``data`` with the field named by an error replaced by a harmless value, to find the next."""
    if field == "dob":
        return replace(data, dob=stand_in) if data.dob != stand_in else None
    if field == "aliases":
        return replace(data, aliases=data.aliases[:ALIAS_MAX_COUNT])
    if field.startswith("aliases[") and field.endswith("]"):
        index = int(field[len("aliases[") : -1])
        aliases = list(data.aliases)
        aliases[index] = f"placeholder {index}"
        return replace(data, aliases=tuple(aliases))
    stand_ins: dict[str, str | None] = {
        "legal_first_name": "placeholder",
        "legal_last_name": "placeholder",
        **dict.fromkeys(("legal_middle_name", "preferred_name", *CHOICE_FIELDS)),
    }
    if field in stand_ins:
        return replace(data, **{field: stand_ins[field]})  # type: ignore[arg-type]
    return None
