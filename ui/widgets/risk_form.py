"""The detention risk instrument as the officer answers it: every item, the total and band live.

Items and answers come from the instrument file; each answer shows its points so the score is
never a mystery. Once every item is answered the service scores it (band, mandatory category,
caps) on a worker thread; until then a provisional total is shown.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from girlscourt.domain.instruments import Instrument, Item, RiskResult
from girlscourt.errors import GirlsCourtError, ValidationError
from girlscourt.services.intake import intake
from girlscourt.services.intake.intake import RiskInput
from ui import workers
from ui.keyboard import chain_tab_order
from ui.style import ERROR, INVALID_FIELD_CSS, MUTED, set_invalid

BAND_COLOURS = ("#4a7c59", "#b26a00", "#9b2c2c")  # least restrictive … most


def option_text(label: str, points: int | None) -> str:
    """An answer with its points: "Other misdemeanor (+2)"."""
    if points is None:
        return label
    return f"{label} ({points:+d})".replace("-", "−") if points else f"{label} (0)"


def provisional_total(instrument: Instrument, answers: dict[str, str]) -> int:
    """The points of the answers given so far, with the instrument's caps and floor."""
    sections = {domain.id: 0 for domain in instrument.domains}
    for item in instrument.items:
        code = answers.get(item.id)
        if code is not None:
            sections[item.domain] += item.points.get(code) or 0
    total = 0
    capped: set[str] = set()
    for cap in instrument.caps:
        total += cap.apply(sum(sections[d] for d in cap.domains))
        capped.update(cap.domains)
    total += sum(points for domain, points in sections.items() if domain not in capped)
    floor = instrument.score_floor
    return total if floor is None else max(total, floor)


class RiskForm(QWidget):
    """Every item of a risk instrument; ``result_changed`` with each complete ``RiskResult``."""

    edited = Signal()
    result_changed = Signal(object)  # RiskResult, or None while items are unanswered

    def __init__(self, instrument: Instrument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.instrument = instrument
        self.result: RiskResult | None = None
        self._loading = False
        self._job: workers.Job | None = None
        self.setStyleSheet(INVALID_FIELD_CSS)

        notice = QLabel(instrument.label or instrument.title)
        notice.setWordWrap(True)
        notice.setStyleSheet(f"color: {MUTED};")
        if instrument.disclaimer:
            notice.setToolTip(instrument.disclaimer)
        hint = QLabel(
            "Answer every item from the referral and the records. In a list, type an answer's "
            "first letter or use ↑ ↓; Tab moves on. Each answer shows its points."
        )
        hint.setWordWrap(True)
        hint.setStyleSheet(f"color: {MUTED};")

        self.combos: dict[str, QComboBox] = {}
        self.errors: dict[str, QLabel] = {}
        host = QWidget()
        column = QVBoxLayout(host)
        column.setContentsMargins(0, 0, 6, 0)
        for domain in instrument.domains:
            items = [item for item in instrument.items if item.domain == domain.id]
            if not items:
                continue
            group = QGroupBox(domain.label)
            if domain.description:
                group.setToolTip(domain.description)
            grid = QGridLayout(group)
            grid.setColumnStretch(0, 1)
            grid.setVerticalSpacing(4)
            for row, item in enumerate(items):
                self._add_item(grid, row * 2, item)
            column.addWidget(group)
        column.addStretch(1)
        self.items_scroll = QScrollArea()
        self.items_scroll.setWidget(host)
        self.items_scroll.setWidgetResizable(True)
        self.items_scroll.setFrameShape(QFrame.Shape.StyledPanel)
        self.items_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.items_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        self._build_panel()
        body = QHBoxLayout()
        body.addWidget(self.items_scroll, 1)
        body.addWidget(self.panel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(notice)
        layout.addWidget(hint)
        layout.addLayout(body, 1)
        chain_tab_order(list(self.combos.values()))
        self._changed()

    def _add_item(self, grid: QGridLayout, row: int, item: Item) -> None:
        responses = self.instrument.response_set(item.response_set)
        combo = QComboBox()
        combo.addItem("Choose…", None)
        for option in responses.options:
            combo.addItem(option_text(option.label, item.points.get(option.code)), option.code)
        combo.setMinimumWidth(combo.fontMetrics().horizontalAdvance("M") * 22)
        combo.setMaximumWidth(combo.fontMetrics().horizontalAdvance("M") * 30)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setAccessibleName(item.text)
        label = QLabel(item.text)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setBuddy(combo)
        label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        if item.help_text:
            label.setToolTip(item.help_text)
            combo.setToolTip(item.help_text)
        error = QLabel()
        error.setStyleSheet(f"color: {ERROR};")
        error.setWordWrap(True)
        error.hide()
        grid.addWidget(label, row, 0)
        grid.addWidget(combo, row, 1, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(error, row + 1, 0, 1, 2)
        combo.currentIndexChanged.connect(lambda _i, i=item.id: self._answered(i))
        self.combos[item.id] = combo
        self.errors[item.id] = error

    def _build_panel(self) -> None:
        self.panel = QFrame()
        self.panel.setObjectName("riskPanel")
        self.panel.setFixedWidth(290)
        self.panel.setStyleSheet(
            "QFrame#riskPanel { border: 1px solid #c8c8c8; border-radius: 4px; }"
        )
        caption = QLabel("Score")
        caption.setStyleSheet(f"color: {MUTED};")
        self.total_label = QLabel("0")
        self.total_label.setStyleSheet("font-size: 15pt; font-weight: bold;")
        self.total_label.setAccessibleName("Risk total")
        self.progress_label = QLabel()
        self.progress_label.setStyleSheet(f"color: {MUTED};")
        self.progress_label.setWordWrap(True)
        band_caption = QLabel("Recommended")
        band_caption.setStyleSheet(f"color: {MUTED};")
        self.band_label = QLabel("—")
        self.band_label.setWordWrap(True)
        self.band_label.setAccessibleName("Recommended band")
        self.detail_label = QLabel()
        self.detail_label.setWordWrap(True)
        self.detail_label.setTextFormat(Qt.TextFormat.PlainText)
        column = QVBoxLayout(self.panel)
        column.setContentsMargins(10, 8, 10, 8)
        column.addWidget(caption)
        column.addWidget(self.total_label)
        column.addWidget(self.progress_label)
        column.addSpacing(6)
        column.addWidget(band_caption)
        column.addWidget(self.band_label)
        column.addWidget(self.detail_label)
        column.addStretch(1)

    # -- answering ----------------------------------------------------------------------------

    def _answered(self, item_id: str) -> None:
        combo = self.combos[item_id]
        help_text = self.instrument.item(item_id).help_text
        chosen = combo.currentText() if combo.currentData() is not None else ""
        combo.setToolTip("\n".join(t for t in (chosen, help_text) if t))
        if self._loading:
            return
        self.errors[item_id].hide()
        set_invalid(self.combos[item_id], False)
        self._changed()
        self.edited.emit()

    def answer(self, item_id: str, code: str) -> None:
        """Choose an answer (as a click in the list would)."""
        combo = self.combos[item_id]
        combo.setCurrentIndex(combo.findData(code))

    def answers(self) -> dict[str, str]:
        """Item id → answer code for the items answered."""
        return {
            item_id: str(combo.currentData())
            for item_id, combo in self.combos.items()
            if combo.currentData() is not None
        }

    def unanswered(self) -> list[str]:
        """Items with no answer yet, in order."""
        return [i for i, combo in self.combos.items() if combo.currentData() is None]

    def risk_input(self) -> RiskInput | None:
        """The answers for ``record_intake``; None when nothing was answered at all."""
        answers = self.answers()
        return RiskInput(self.instrument.key, answers) if answers else None

    def _changed(self) -> None:
        answers = self.answers()
        missing = len(self.combos) - len(answers)
        self.total_label.setText(str(provisional_total(self.instrument, answers)))
        if self._job is not None:
            self._job.cancel()
            self._job = None
        if missing:
            self.progress_label.setText(
                f"{len(answers)} of {len(self.combos)} items answered; the total so far."
            )
            self._show_band(None)
            return
        self.progress_label.setText(f"All {len(self.combos)} items answered.")
        self._job = workers.run(
            intake.preview_risk,
            RiskInput(self.instrument.key, answers),
            on_done=self._show_band,
            on_error=self._preview_failed,
            context=self,
        )

    def _show_band(self, result: RiskResult | None) -> None:
        self.result = result
        if result is None:
            self.band_label.setText("Shown when every item is answered")
            self.band_label.setStyleSheet(f"color: {MUTED};")
            self.detail_label.clear()
            self.result_changed.emit(None)
            return
        band = self.instrument.band(result.recommended_band)
        colour = BAND_COLOURS[min(self.instrument.band_rank(band.code), len(BAND_COLOURS) - 1)]
        self.total_label.setText(str(result.total))
        self.band_label.setText(band.label)
        self.band_label.setStyleSheet(
            f"font-size: 15pt; font-weight: bold; color: {colour}; border-left: 5px solid"
            f" {colour}; padding-left: 6px;"
        )
        lines: list[str] = []
        for code in result.mandatory_categories:
            category = next(m for m in self.instrument.mandatory_detention if m.code == code)
            lines.append(f"Mandatory category: {category.label}.")
        if result.recommended_band != result.score_band:
            scored = self.instrument.band(result.score_band).label
            lines.append(f"The score alone gives {scored}; the mandatory category decides.")
        for cap_id, cap in result.caps.items():
            if cap.capped:
                label = next(c.label for c in self.instrument.caps if c.id == cap_id)
                lines.append(f"{label}: {cap.raw:+d} counted as {cap.applied:+d}.")
        lines.extend(f"• {action.label}" for action in result.follow_up_actions)
        self.detail_label.setText("\n".join(lines))
        self.result_changed.emit(result)

    def _preview_failed(self, error: BaseException) -> None:
        self.result = None
        text = str(error) if isinstance(error, GirlsCourtError) else "could not be scored"
        self.band_label.setText("—")
        self.detail_label.setText(f"The band cannot be shown: {text}")
        self.result_changed.emit(None)

    # -- errors -------------------------------------------------------------------------------

    def show_error(self, error: ValidationError, text: str) -> QWidget | None:
        """Show an error that belongs here; returns the widget to focus (None: not ours)."""
        field = error.field
        if field.startswith("answers."):
            item_id = field.removeprefix("answers.")
            if item_id in self.combos:
                self.errors[item_id].setText(text)
                self.errors[item_id].show()
                set_invalid(self.combos[item_id], True)
                return self.combos[item_id]
        if field in ("risk", "risk.instrument"):
            return self.first_field()
        return None

    def mark_unanswered(self) -> QWidget | None:
        """Mark every unanswered item; returns the first (None when all are answered)."""
        first: QWidget | None = None
        for item_id in self.unanswered():
            self.errors[item_id].setText("Choose an answer.")
            self.errors[item_id].show()
            set_invalid(self.combos[item_id], True)
            first = first or self.combos[item_id]
        return first

    def clear_errors(self) -> None:
        """Remove every error mark."""
        for item_id, label in self.errors.items():
            label.hide()
            set_invalid(self.combos[item_id], False)

    def first_field(self) -> QWidget:
        """The first unanswered item (or the first item)."""
        missing = self.unanswered()
        return self.combos[missing[0] if missing else next(iter(self.combos))]

    # -- drafts -------------------------------------------------------------------------------

    def content(self) -> dict[str, Any]:
        """The answers as JSON-able data (for drafts)."""
        return {"instrument": self.instrument.key, "answers": self.answers()}

    def load(self, content: dict[str, Any]) -> None:
        """Fill the form from ``content()`` output (unknown items or answers are skipped)."""
        answers = content.get("answers") or {}
        self._loading = True
        try:
            for item_id, combo in self.combos.items():
                combo.setCurrentIndex(max(combo.findData(answers.get(item_id)), 0))
        finally:
            self._loading = False
        self.clear_errors()
        self._changed()

    def clear(self) -> None:
        """Nothing answered."""
        self.load({})
