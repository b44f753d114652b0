"""Preview a printed document before it leaves the building: each print and save is audited first.

The PDF comes from a service as bytes and is shown with QtPdf straight from memory (a QBuffer;
nothing is written to disk unless the user saves). Print and Save as PDF first record the output
in the audit log under the document id printed on every page, on a worker thread, and only
then print or put the file in place: an output the log does not know of never happens. A saved
copy is written in full beside its target first (``output_files.staged``), so a full disk is
neither recorded as saved nor leaves half a file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QPointF,
    QRectF,
    QSize,
    QStandardPaths,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeySequence, QPainter, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from girlscourt.errors import DatabaseUnavailable, DiskFull, GirlsCourtError
from girlscourt.services.documents import output_files
from ui import workers
from ui.style import MUTED
from ui.widgets.banner import ConfidentialBanner
from ui.widgets.message_bar import MessageBar, MessageKind

# Records one output ("print" or "save") in the audit log; runs on a worker thread.
OutputRecorder = Callable[[str], object]

MAX_PRINT_DPI = 300  # pages are drawn as images; more only costs memory on a 1200 dpi printer


def _write(path: str, pdf: bytes, record: OutputRecorder) -> str:
    """Written in full beside ``path`` (fsynced), then audited, then renamed into place: a saved
    copy the log does not know of never exists, and a failed write is never recorded."""
    with output_files.staged(path, field="file") as pending:
        pending.write(pdf)
        record("save")
    return path


class PdfPreviewDialog(QDialog):
    """A document shown page by page, with Print and Save as PDF (both audited)."""

    printed = Signal()
    saved = Signal(str)  # the path written
    output_failed = Signal(object)  # the error

    def __init__(
        self,
        title: str,
        document_id: str,
        pdf: bytes,
        suggested_name: str,
        record: OutputRecorder | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.document_id = document_id
        self.pdf = pdf
        self.suggested_name = suggested_name
        self._record = record
        self.print_dialog: QPrintDialog | None = None
        self.save_dialog: QFileDialog | None = None
        self._printer: QPrinter | None = None
        self.setWindowTitle(f"{title} – document {document_id}")

        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(pdf))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument(self)
        self.document.load(self._buffer)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setAccessibleName(f"Preview of document {document_id}")

        pages = self.document.pageCount()
        noun = "page" if pages == 1 else "pages"
        self.info = QLabel(
            f"Document {document_id} · {pages} {noun}. Every print and saved copy is recorded "
            "in the audit log under this id, which is printed on each page."
        )
        self.info.setWordWrap(True)
        self.info.setTextFormat(Qt.TextFormat.PlainText)
        self.info.setStyleSheet(f"color: {MUTED};")
        self.message = MessageBar()

        self.print_button = QPushButton("&Print…")
        self.save_button = QPushButton("Save as P&DF…")
        self.close_button = QPushButton("Close")
        self.close_button.setAutoDefault(False)
        self.print_button.setDefault(True)
        if record is None:
            for button in (self.print_button, self.save_button):
                button.setEnabled(False)
                button.setToolTip(
                    "This document can be previewed only: its copies cannot be recorded in the "
                    "audit log yet"
                )
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 10)
        layout.addWidget(ConfidentialBanner())
        body = QVBoxLayout()
        body.setContentsMargins(12, 4, 12, 0)
        body.addWidget(self.info)
        body.addWidget(self.message)
        body.addWidget(self.view, 1)
        body.addLayout(buttons)
        layout.addLayout(body, 1)

        self.print_button.clicked.connect(self.print_document)
        self.save_button.clicked.connect(self.save_document)
        self.close_button.clicked.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Print, self).activated.connect(self.print_document)
        QShortcut(QKeySequence.StandardKey.Save, self).activated.connect(self.save_document)
        self.resize(820, 900)

    # -- printing -----------------------------------------------------------------------------

    def print_document(self) -> None:
        """Ask which printer (the system dialog), then record the print and send the pages."""
        if self._record is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.suggested_name)
        printer.setFullPage(True)  # the PDF carries its own margins
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(f"Print document {self.document_id}")
        dialog.accepted.connect(lambda: self._record_then_print(printer))
        self._printer = printer
        self.print_dialog = dialog
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.show()

    def _record_then_print(self, printer: QPrinter) -> None:
        record = self._record
        if record is None:
            return
        self._set_busy(True)
        self.message.show_message("Recording the print in the audit log…", MessageKind.INFO)
        workers.run(
            record,
            "print",
            on_done=lambda _r: self._print_recorded(printer),
            on_error=self._output_failed,
            context=self,
        )

    def _print_recorded(self, printer: QPrinter) -> None:
        self._set_busy(False)
        try:
            self.print_to(printer)
        except RuntimeError as error:
            self.message.show_message(f"Not printed: {error}", MessageKind.ERROR)
            self.output_failed.emit(error)
            return
        self.message.show_message(
            f"Sent to the printer (recorded as a print of {self.document_id}).", MessageKind.INFO
        )
        self.printed.emit()

    def print_to(self, printer: QPrinter) -> None:
        """Draw every page into ``printer``, each scaled to fit its printable page."""
        painter = QPainter()
        if not painter.begin(printer):
            raise RuntimeError("the printer could not be opened")
        try:
            dpi = min(printer.resolution(), MAX_PRINT_DPI)
            for page in range(self.document.pageCount()):
                if page and not printer.newPage():
                    raise RuntimeError("the printer refused a new page")
                points = self.document.pagePointSize(page)
                image = self.document.render(
                    page,
                    QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72)),
                )
                area = QRectF(painter.viewport())
                scale = min(area.width() / image.width(), area.height() / image.height())
                size = QSize(round(image.width() * scale), round(image.height() * scale))
                corner = QPointF(
                    area.x() + (area.width() - size.width()) / 2,
                    area.y() + (area.height() - size.height()) / 2,
                )
                painter.drawImage(QRectF(corner, size.toSizeF()), image)
        finally:
            painter.end()

    # -- saving -------------------------------------------------------------------------------

    def save_document(self) -> None:
        """Ask where to save the PDF (the suggested name carries the document id)."""
        if self._record is None:
            return
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        dialog = QFileDialog(
            self,
            f"Save document {self.document_id} as PDF",
            str(Path(folder or Path.home()) / self.suggested_name),
            "PDF documents (*.pdf)",
        )
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        dialog.setDefaultSuffix("pdf")
        dialog.fileSelected.connect(self.save_to)
        self.save_dialog = dialog
        dialog.open()

    def save_to(self, path: str) -> None:
        """Record the save, then write the PDF to ``path`` (both off the GUI thread)."""
        record = self._record
        if record is None or not path:
            return
        self._set_busy(True)
        self.message.show_message("Saving…", MessageKind.INFO)
        workers.run(
            _write,
            path,
            self.pdf,
            record,
            on_done=self._saved,
            on_error=self._output_failed,
            context=self,
        )

    def _saved(self, path: str) -> None:
        self._set_busy(False)
        self.message.show_message(
            f"Saved to {path} (recorded as a saved copy of {self.document_id}).", MessageKind.INFO
        )
        self.saved.emit(path)

    # -- feedback -----------------------------------------------------------------------------

    def _set_busy(self, busy: bool) -> None:
        enabled = not busy and self._record is not None
        self.print_button.setEnabled(enabled)
        self.save_button.setEnabled(enabled)

    def _output_failed(self, error: BaseException) -> None:
        self._set_busy(False)
        if isinstance(error, OSError):
            text = f"Not saved: the file could not be written ({error.strerror or error})."
        elif isinstance(error, DatabaseUnavailable) and not isinstance(error, DiskFull):
            text = (
                "Nothing was printed or saved: the audit log cannot be reached "
                f"({error}). Try again when the database is back."
            )
        elif isinstance(error, GirlsCourtError):
            text = f"Nothing was printed or saved: {error}"
        else:
            text = (
                "Nothing was printed or saved: something went wrong (the details are in the log)."
            )
        self.message.show_message(text, MessageKind.ERROR)
        self.output_failed.emit(error)


def open_preview(
    parent: QWidget,
    title: str,
    document_id: str,
    pdf: bytes,
    suggested_name: str,
    record: OutputRecorder | None,
) -> PdfPreviewDialog:
    """Show an issued document window-modally; the dialog frees itself when closed."""
    dialog = PdfPreviewDialog(title, document_id, pdf, suggested_name, record, parent)
    dialog.finished.connect(lambda _code: dialog.deleteLater())
    dialog.open()
    return dialog
