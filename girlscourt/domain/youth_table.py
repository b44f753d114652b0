"""Rows of a spreadsheet of youths (CSV or XLSX) read as registry input: which column holds what,
and each row turned into a ``YouthInput`` or a problem naming its line and column.

Counties kept youths in spreadsheets for years before this product; their headers vary, so each
field has the headers people use for it (case, spaces and punctuation ignored), and a mapping file
can name the column for any field. A single "Name" column in "Last, First" or "First Last" order
is split when there are no first and last name columns. Dates are read as ``YYYY-MM-DD`` or the
US ``MM/DD/YYYY`` (a two-digit year is refused: 1/2/09 could be 1909 or 2009), or a spreadsheet
date cell.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from girlscourt.domain.youth_rules import YouthInput
from girlscourt.errors import ValidationError

FIELDS: dict[str, tuple[str, ...]] = {
    "legal_first_name": ("first", "firstname", "legalfirstname", "givenname", "forename"),
    "legal_last_name": ("last", "lastname", "legallastname", "surname", "familyname"),
    "legal_middle_name": ("middle", "middlename", "legalmiddlename"),
    "preferred_name": ("preferred", "preferredname", "nickname", "goesby"),
    "aliases": ("alias", "aliases", "aka", "alsoknownas", "streetname", "streetnames"),
    "dob": ("dob", "dateofbirth", "birthdate", "birthday", "born"),
    "gender_identity": ("gender", "genderidentity", "sex"),
    "pronouns": ("pronouns",),
    "primary_language": ("language", "primarylanguage", "lang"),
    "interpreter_needed": ("interpreter", "interpreterneeded"),
    "race_ethnicity": ("race", "ethnicity", "raceethnicity"),
    "name": ("name", "fullname", "youthname", "youth"),
}
# Recognised so they are not reported as unknown, but the registry keeps no such field.
NOT_KEPT: dict[str, tuple[str, ...]] = {
    "phone": ("phone", "telephone", "phonenumber", "cell", "mobile"),
}
_ALIAS_SPLIT = re.compile(r"\s*[;|]\s*")
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_YES = {"yes", "y", "true", "1", "x", "si", "sí"}
_NO = {"no", "n", "false", "0", ""}


def header_key(header: str) -> str:
    """``"Date of Birth "`` -> ``"dateofbirth"``."""
    return re.sub(r"[^a-z0-9]", "", header.casefold())


@dataclass(frozen=True)
class ColumnMap:
    """Field -> column index, and the headers that mean nothing to the registry."""

    columns: Mapping[str, int]
    not_kept: tuple[str, ...]
    unknown: tuple[str, ...]


def map_columns(headers: Sequence[str], mapping: Mapping[str, str] | None = None) -> ColumnMap:
    """Find each field's column by the usual headers, or by ``mapping`` (field -> header)."""
    keys = [header_key(h) for h in headers]
    columns: dict[str, int] = {}
    for field, wanted in (mapping or {}).items():
        if field not in FIELDS:
            raise ValidationError("mapping", f"{field!r} is not a youth field")
        if header_key(wanted) not in keys:
            raise ValidationError(f"mapping.{field}", f"no column named {wanted!r}")
        columns[field] = keys.index(header_key(wanted))
    used = set(columns.values())
    for field, names in FIELDS.items():
        if field in columns:
            continue
        for index, key in enumerate(keys):
            if key in names and index not in used:
                columns[field] = index
                used.add(index)
                break
    has_parts = "legal_first_name" in columns and "legal_last_name" in columns
    if not has_parts and "name" not in columns:
        raise ValidationError(
            "columns", "needs first and last name columns (or one Name column) and a DOB column"
        )
    if "dob" not in columns:
        raise ValidationError("columns", "needs a date of birth column (DOB)")
    not_kept_keys = {k for names in NOT_KEPT.values() for k in names}
    not_kept = tuple(h for i, h in enumerate(headers) if i not in used and keys[i] in not_kept_keys)
    unknown = tuple(
        h for i, h in enumerate(headers) if i not in used and keys[i] not in not_kept_keys and h
    )
    return ColumnMap(columns, not_kept, unknown)


def parse_cell_date(value: object) -> dt.date:
    """A spreadsheet date cell or text in ``YYYY-MM-DD`` or ``MM/DD/YYYY``."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    for pattern, order in ((_ISO_DATE, (0, 1, 2)), (_US_DATE, (2, 0, 1))):
        found = pattern.match(text)
        if found:
            parts = [int(p) for p in found.groups()]
            year, month, day = (parts[i] for i in order)
            try:
                return dt.date(year, month, day)
            except ValueError:
                break
    raise ValueError(f"{text!r} is not a date (YYYY-MM-DD or MM/DD/YYYY)")


def _split_name(text: str) -> tuple[str, str]:
    if "," in text:
        last, _, first = text.partition(",")
        return first.strip(), last.strip()
    parts = text.split()
    if len(parts) < 2:
        raise ValueError(f"{text!r} needs a first and a last name")
    return " ".join(parts[:-1]), parts[-1]


def _flag(value: object) -> bool:
    text = str(value if value is not None else "").strip().casefold()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError(f"{text!r} is not yes or no")


@dataclass(frozen=True)
class RowProblem:
    """Why one row cannot be read: its line in the file, the column (header) and the reason."""

    line: int
    column: str
    reason: str


def read_row(
    line: int, cells: Sequence[object], headers: Sequence[str], columns: ColumnMap
) -> YouthInput | RowProblem:
    """One row as registry input, or the first problem in it (the column named by its header)."""

    def cell(field: str) -> object:
        index = columns.columns.get(field)
        return cells[index] if index is not None and index < len(cells) else None

    def header(field: str) -> str:
        index = columns.columns.get(field)
        return headers[index] if index is not None else field

    def text(field: str) -> str | None:
        value = cell(field)
        shown = str(value).strip() if value is not None else ""
        return shown or None

    if "legal_first_name" in columns.columns and "legal_last_name" in columns.columns:
        first, last = text("legal_first_name") or "", text("legal_last_name") or ""
    else:
        try:
            first, last = _split_name(text("name") or "")
        except ValueError as error:
            return RowProblem(line, header("name"), str(error))
    try:
        dob = parse_cell_date(cell("dob"))
    except ValueError as error:
        return RowProblem(line, header("dob"), str(error))
    try:
        interpreter = _flag(cell("interpreter_needed"))
    except ValueError as error:
        return RowProblem(line, header("interpreter_needed"), str(error))
    aliases = tuple(a for a in _ALIAS_SPLIT.split(text("aliases") or "") if a)
    return YouthInput(
        legal_first_name=first,
        legal_last_name=last,
        dob=dob,
        legal_middle_name=text("legal_middle_name"),
        preferred_name=text("preferred_name"),
        aliases=aliases,
        gender_identity=text("gender_identity"),
        pronouns=text("pronouns"),
        primary_language=text("primary_language"),
        interpreter_needed=interpreter,
        race_ethnicity=text("race_ethnicity"),
    )


def field_header(field: str, headers: Sequence[str], columns: ColumnMap) -> str:
    """The header of the column a validation error's field came from (for the errors file)."""
    base = field.split("[")[0]
    if base in ("legal_first_name", "legal_last_name") and base not in columns.columns:
        base = "name"
    index = columns.columns.get(base)
    return headers[index] if index is not None else field


def rows_of(table: Iterable[Sequence[object]]) -> Iterable[tuple[int, Sequence[object]]]:
    """Data rows with their line numbers (the header is line 1), blank rows skipped."""
    for line, cells in enumerate(table, start=2):
        if any(str(c).strip() for c in cells if c is not None):
            yield line, cells
