"""``import youths``: a county's spreadsheet of youths into the registry, once.

Every row goes through the registry's own rules (``validate_youth``, the form's), and through the
registry's own duplicate check (``possible_duplicates``) before anything is created:

- **create**: a valid row with no likely match;
- **matched**: the same legal name and date of birth as a youth already registered, or as an
  earlier line of the same file: not created again (so a second run creates none);
- **review**: a possible duplicate of a registered youth (a close name, an alias, the same date of
  birth with a similar name): not created, listed for a person to decide;
- **refused**: a problem, with its line, column and reason.

A dry run reads and checks the same way and writes nothing. A real run registers each row as the
form does (each its own audited ``youth.create``, exactly once: the operation id is derived from
the file and the line, so running the same file again after an interruption cannot create a row
twice) and ends with one ``youth.import`` audit event carrying the counts, never names.
"""

from __future__ import annotations

import csv
import hashlib
import io
import uuid
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from girlscourt.domain.names import fold
from girlscourt.domain.permissions import Action
from girlscourt.domain.youth_rules import YouthInput, validate_youth
from girlscourt.domain.youth_table import (
    RowProblem,
    field_header,
    map_columns,
    read_row,
    rows_of,
)
from girlscourt.errors import ValidationError
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.registry import youths

MAX_ROWS = 200_000
CREATE, MATCHED, REVIEW, REFUSED = "create", "matched", "review", "refused"
_NAMESPACE = uuid.UUID("7f1d2c9e-5b0a-4c1e-9a53-2d8f6e4b1a07")


@dataclass(frozen=True)
class RowOutcome:
    """What happened (or would happen) to one line of the file."""

    line: int
    outcome: str
    name: str = ""
    column: str = ""
    reason: str = ""
    youth_id: int | None = None  # the youth created, or the one it matches / may be


@dataclass
class ImportReport:
    """Every line's outcome, in file order, and the columns the file had."""

    dry_run: bool
    rows: list[RowOutcome] = field(default_factory=list)
    not_kept: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()

    def count(self, outcome: str) -> int:
        """How many lines had ``outcome``."""
        return sum(1 for r in self.rows if r.outcome == outcome)

    def errors_csv(self) -> str:
        """The refused lines as CSV: line, column, reason."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["line", "column", "reason"])
        for row in self.rows:
            if row.outcome == REFUSED:
                writer.writerow([row.line, row.column, row.reason])
        return out.getvalue()


def read_table(path: Path) -> Iterator[Sequence[object]]:
    """The file's rows as cell lists: CSV (UTF-8, comma or semicolon) or XLSX (first sheet).

    A file that is neither says so as a ValidationError on ``FILE``, never as a traceback.
    """
    try:
        if path.suffix.casefold() == ".xlsx":
            yield from _xlsx_rows(path)
        else:
            yield from _csv_rows(path)
    except UnicodeDecodeError:
        raise ValidationError(
            "FILE", f"{path.name} is not UTF-8 text: save it as 'CSV UTF-8' (or as .xlsx)"
        ) from None
    except (csv.Error, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        kind = "an .xlsx workbook" if path.suffix.casefold() == ".xlsx" else "a CSV file"
        raise ValidationError("FILE", f"{path.name} cannot be read as {kind} ({error})") from None


def _xlsx_rows(path: Path) -> Iterator[Sequence[object]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        for row in book.worksheets[0].iter_rows(values_only=True):
            yield list(row)
    finally:
        book.close()


def _csv_rows(path: Path) -> Iterator[Sequence[object]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        sample = handle.read(4096)
        handle.seek(0)
        try:
            dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, ",;\t")
        except csv.Error:
            dialect = csv.excel
        yield from csv.reader(handle, dialect)


def _operation_id(digest: str, line: int) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{digest}:{line}"))


def _key(data: YouthInput) -> tuple[str, str, str]:
    return (fold(data.legal_first_name), fold(data.legal_last_name), data.dob.isoformat())


def _display(data: YouthInput) -> str:
    return f"{data.legal_last_name}, {data.legal_first_name} ({data.dob:%m/%d/%Y})"


def import_youths(
    core: Core,
    actor: Actor,
    path: Path,
    *,
    dry_run: bool,
    mapping: Mapping[str, str] | None = None,
) -> ImportReport:
    """Read ``path`` and register its youths (or, dry, say what would be registered)."""
    core.require(actor, Action.YOUTH_IMPORT)
    if not path.is_file():
        raise ValidationError("FILE", f"{path} is not a file")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    table = read_table(path)
    headers = [str(h or "").strip() for h in next(table, [])]
    columns = map_columns(headers, mapping)
    report = ImportReport(dry_run, not_kept=columns.not_kept, unknown=columns.unknown)
    seen: dict[tuple[str, str, str], int] = {}
    today, limits = core.today(), core.settings.youth_age_limits
    for line, cells in rows_of(table):
        if len(report.rows) >= MAX_ROWS:
            raise ValidationError("FILE", f"holds more than {MAX_ROWS:,} rows; split it")
        read = read_row(line, cells, headers, columns)
        if isinstance(read, RowProblem):
            report.rows.append(RowOutcome(line, REFUSED, column=read.column, reason=read.reason))
            continue
        try:
            clean = validate_youth(read, today, limits)
        except ValidationError as error:
            column = field_header(error.field, headers, columns)
            report.rows.append(RowOutcome(line, REFUSED, column=column, reason=error.detail))
            continue
        report.rows.append(_place(core, actor, clean, line, seen, digest, dry_run))
    if not dry_run:
        with core.write() as session:
            detail = (
                f"{report.count(CREATE)} created, {report.count(MATCHED)} matched, "
                f"{report.count(REVIEW)} to review, {report.count(REFUSED)} refused"
            )
            core.audit(session, actor, "youth.import", detail=detail)
    return report


def _place(
    core: Core,
    actor: Actor,
    data: YouthInput,
    line: int,
    seen: dict[tuple[str, str, str], int],
    digest: str,
    dry_run: bool,
) -> RowOutcome:
    """Create, match or hold back one valid row."""
    name = _display(data)
    key = _key(data)
    if key in seen:
        return RowOutcome(line, MATCHED, name, reason=f"the same youth as line {seen[key]}")
    seen[key] = line
    candidates = youths.possible_duplicates(core, actor, data)
    for candidate in candidates:
        same = (
            fold(candidate.legal_first_name),
            fold(candidate.legal_last_name),
            candidate.dob.isoformat(),
        )
        if same == key:
            return RowOutcome(
                line, MATCHED, name, reason="already registered", youth_id=candidate.id
            )
    if candidates:
        best = candidates[0]
        return RowOutcome(
            line, REVIEW, name, reason=f"possible duplicate of youth {best.id}", youth_id=best.id
        )
    if dry_run:
        return RowOutcome(line, CREATE, name)
    record = youths.register_youth(core, actor, data, operation_id=_operation_id(digest, line))
    return RowOutcome(line, CREATE, name, youth_id=record.id)
