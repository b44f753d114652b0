"""Bad input at volume: generated hostile documents against every JSON entry point.

Each entry point starts from a valid document (or valid command-line options) and Hypothesis
changes one part of it: integers beyond 32 bits, NaN and infinities, dates near year 1 or 9999
and offsets beyond ±14 h, NUL and other control characters, bidi overrides, lone surrogates,
line breaks in one-line fields, very long strings, wrong types, missing and unknown keys, deep
nesting and arbitrary Unicode. Every document goes through ``girlscourt.cli.main.main`` in
process — as JSON text on standard input, or as the parsed object a caller hands over — with
one shared Core (the bulk), and a sample through the real CLI with its own database login.

For each document: no traceback and never the last-resort "unexpected error" line; an error is
one short line; a refused document wrote nothing (every table's row count, the audit trail
included, is unchanged); a change that no field may hold is refused with exit 1 naming its JSON
path (or the option). The counts go to the fault table as "Bad input at volume".
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import io
import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import inspect, text

import girlscourt.interchange
from girlscourt.cli import (
    court_commands,
    intake_commands,
    referral_commands,
    restriction_commands,
    user_commands,
    youth_commands,
)
from girlscourt.cli import (
    main as cli_main,
)
from girlscourt.domain.value_rules import INT_MAX, INT_MIN, TEXT_MAX
from girlscourt.interchange import MAX_DEPTH, json_path
from girlscourt.resources import resource
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.security import accounts
from tests.conftest import ADMIN_PASSWORD
from tests.faults.fault_table import FaultTable
from tests.support import risk_answers, screening_responses, train

_ = accounts  # the fixtures create accounts through it

FAULT = "Bad input at volume"
NOW = dt.datetime(2026, 12, 1, 18, 0, tzinfo=dt.UTC)  # a Tuesday, 10:00 in the county
LINE_MAX = 400  # "girlscourt: " + a field + a message; a value is never echoed whole
SQLITE_PER_ENTRY = 700  # x 15 entry points: over 10,000 documents on SQLite
PG_PER_ENTRY = 40
REAL_CLI_PER_ENTRY = 15
RAW = "@@raw@@"  # replaced by a raw JSON token (a literal no json.dumps would write)

Path = tuple[str | int, ...]


# --- the documents ------------------------------------------------------------------------------


def json_entries(ids: dict[str, int]) -> dict[str, tuple[list[str], str, dict[str, Any]]]:
    """entry name -> (command, schema, a valid document)."""
    youth = ids["youth"]
    return {
        "youth": (
            ["youth", "add"],
            "youth",
            {
                "legal_first_name": "Zoë",
                "legal_middle_name": "Ana",
                "legal_last_name": "O’Brien",
                "preferred_name": "Zo",
                "aliases": ["Zo B", "Zee"],
                "dob": "2011-03-04",
                "gender_identity": "girl",
                "pronouns": "she/her",
                "primary_language": "English",
                "interpreter_needed": False,
                "race_ethnicity": "multiracial",
            },
        ),
        "intake": (
            ["intake", "add"],
            "intake",
            {
                "youth_id": youth,
                "custody_start": "2026-11-30T21:40:00-08:00",
                "arresting_agency": None,
                "arresting_officer": "Ofc. Dana Reyes",
                "warrant": False,
                "charges": [{"code": "PC 211", "level": "felony", "violent": True}],
                "housing_unit": "B",
                "screening": {"responses": screening_responses(), "disclosure": False},
                "risk": {"answers": risk_answers()},
                "decision": {"decision": "release", "detention_reasons": []},
            },
        ),
        "referral": (
            ["referral", "add"],
            "referral",
            {
                "youth_id": youth,
                "type": "mental_health",
                "agency_id": ids["agency"],
                "urgency": "24_hours",
                "reason_codes": ["trauma_symptoms"],
                "reason_text": "Asked for a counsellor after intake.\nSees one weekly.",
                "due_at": "2026-12-02T09:00:00-08:00",
            },
        ),
        "consent": (
            ["consent", "add"],
            "consent",
            {
                "youth_id": youth,
                "signer_role": "youth",
                "signer_name": "Zoë O’Brien",
                "legal_basis": "FC6924",
                "scope": ["outpatient_mental_health"],
                "recipient_agency_id": ids["agency"],
                "purpose": "Outpatient counselling",
                "information": "Name, date of birth, reason for referral",
                "signed_on": "2026-11-30",
                "expires_on": "2027-06-01",
                "maturity_attested": True,
                "youth_agrees_to_contact": True,
            },
        ),
        "agency": (
            ["agency", "add"],
            "agency",
            {
                "name": "Mariposa Bridge Counseling",
                "kind": "mental_health",
                "phone": "(510) 555-0142",
                "secure_email": "intake@mariposa.example.org",
                "hours": "Mon–Fri 9–5",
                "effective_from": "2026-01-01",
                "representatives": [
                    {
                        "name": "Dana Whitfield",
                        "title": "Intake coordinator",
                        "csec_point_person": True,
                        "effective_from": "2026-01-01",
                    }
                ],
            },
        ),
        "restriction": (
            ["restriction", "add"],
            "restriction",
            {
                "youth_id": youth,
                "person_name": "Marcus Talford",
                "aliases": ["Big Money"],
                "phones": ["(510) 555-0142"],
                "handles": ["@talford.marcus"],
                "relationship_to_youth": "suspected exploiter",
                "channels": ["visit", "phone"],
                "basis": "court_order",
                "court_order_number": "JV-2026-01234",
                "starts_on": "2026-11-30",
                "notices": {"youth": "2026-11-30"},
                "do_not_disclose_location": True,
            },
        ),
        "case": (
            ["case", "add"],
            "case",
            {
                "youth_id": youth,
                "case_number": "JV-26-00777",
                "petitions": [{"petition_number": "JV-26-00777-A", "filed_on": "2026-11-02"}],
            },
        ),
        "department": (
            ["department", "add"],
            "department",
            {
                "code": "JD9",
                "name": "Juvenile Delinquency 9",
                "courtroom": "Courtroom 9",
                "daily_capacity": 40,
                "effective_from": "2026-01-01",
            },
        ),
        "specialty_docket": (
            ["girls-court", "configure"],
            "specialty_docket",
            {
                "department": "GC",
                "judicial_officer": "Hon. Imani Oyelaran-Reyes",
                "prosecutor": "Dep. DA Corinne Vashti",
                "public_defender": "Dep. PD Thalia Nordstrom-Ames",
                "session_weekdays": [1, 3],
                "session_time": "08:30",
                "effective_from": "2026-11-01",
            },
        ),
        "assignment": (
            ["girls-court", "assign"],
            "assignment",
            {
                "youth_id": youth,
                "case_number": "JV-26-00042",
                "reason": "CSEC identified at intake.\nReferred by the MDT.",
                "eligibility_notes": "Meets the criteria.",
                "accepted_on": "2026-12-01",
                "team": {"probation_officer": "PO Lena Marsh", "advocate": "Rosa Quint"},
            },
        ),
        "hearing": (
            ["hearing", "add", "--acknowledge-warnings"],
            "hearing",
            {
                "case_number": "JV-26-00042",
                "petition_number": "JV-26-00042-A",
                "hearing_type": "REV",
                "scheduled_at": "2026-12-08T09:00:00-08:00",
                "department": "GC",
                "custody_status": "OUT",
                "defence_counsel": "Dep. PD Thalia Nordstrom-Ames",
                "defence_type": "PD",
                "interpreter_needed": False,
                "notes": "Bring the school report.",
            },
        ),
        "hearing_outcome": (
            ["hearing", "outcome", str(ids["hearing"]), "--acknowledge-warnings"],
            "hearing_outcome",
            {
                "outcome": "continued",
                "continued_to": "2026-12-15T09:00:00-08:00",
                "reason": "Report not ready.",
                "youth_consented": True,
                "notes": "Both sides agree.",
            },
        ),
    }


def option_entries(ids: dict[str, int]) -> dict[str, tuple[list[str], dict[str, str | None]]]:
    """entry name -> (command, valid options); positional arguments are named in capitals."""
    return {
        "restriction_check": (
            ["restriction", "check"],
            {
                "--name": "Marcus Talford",
                "--phone": "(510) 555-0142",
                "--handle": "@talford.marcus",
                "--youth": str(ids["youth"]),
                "--channel": "visit",
            },
        ),
        "training": (
            ["training", "add"],
            {
                "USERNAME": "admin",
                "--course": "Trauma-informed interviewing",
                "--completed": "2026-06-01",
                "--expires": "2027-06-01",
                "--hours": "4",
                "--instrument": None,
            },
        ),
        "user": (
            ["user", "add"],
            {"NAME": "clerk7", "--role": "court_clerk", "--display-name": "Casey Clerk"},
        ),
    }


DATE_OPTIONS = {"--completed", "--expires"}
NUMBER_OPTIONS = {"--youth", "--hours"}


def option_argv(command: list[str], options: dict[str, str | None]) -> list[str]:
    argv = list(command)
    for name, value in options.items():
        if value is None:
            continue
        argv.append(value if name.isupper() else f"{name}={value}")
    if command == ["user", "add"]:
        argv.append("--password-stdin")
    return argv


# --- where each part of a document may go ------------------------------------------------------


def _resolve(node: Any, root: dict[str, Any]) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        node = root["$defs"][node["$ref"].rsplit("/", 1)[1]]
    return node


def subschema(root: dict[str, Any], path: Path) -> dict[str, Any]:
    """The schema of the value at ``path`` ({} where anything goes)."""
    node: Any = root
    for part in path:
        node = _resolve(node, root)
        if isinstance(part, int):
            node = node.get("items", {})
        elif part in node.get("properties", {}):
            node = node["properties"][part]
        else:
            extra = node.get("additionalProperties", {})
            node = extra if isinstance(extra, dict) else {}
    resolved = _resolve(node, root)
    return resolved if isinstance(resolved, dict) else {}


def paths_of(document: Any, prefix: Path = ()) -> Iterator[Path]:
    yield prefix
    if isinstance(document, dict):
        for key, value in document.items():
            yield from paths_of(value, (*prefix, key))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            yield from paths_of(value, (*prefix, index))


def _is_date_text(value: Any) -> bool:
    return isinstance(value, str) and len(value) >= 10 and value[4] == "-" and value[:4].isdigit()


def value_at(document: Any, path: Path) -> Any:
    for part in path:
        document = document[part]
    return document


def nest(depth: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(depth - 1):
        value = [value]
    return value


# --- one change to a valid document ------------------------------------------------------------


@dataclass
class Change:
    """What was changed where, and whether no field could ever accept it."""

    kind: str
    path: Path = ()
    value: Any = None
    raw: str | None = None  # the JSON text form, when json.dumps cannot write it
    delete: bool = False
    key: str | None = None  # an added key (path is then the object)
    must_refuse: bool = False
    root_ok: bool = False  # refused before parsing: the message may name "$" only

    def where(self, option_entry: bool) -> str:
        if option_entry:
            return str(self.path[0]) if self.path else "-"
        return json_path(self.path)

    def names(self, named: str, option_entry: bool) -> bool:
        expected = self.where(option_entry)
        if option_entry:
            return named == expected
        if self.root_ok and named == "$":
            return True
        return named == expected or named.startswith((expected + ".", expected + "["))


_NOT_GIVEN = object()


def apply(document: Any, change: Change, *, as_text: bool) -> Any:
    """A changed copy of ``document`` (in text mode a raw token stands in as RAW)."""
    if change.kind == "valid":
        return copy.deepcopy(document)
    new = RAW if as_text and change.raw is not None else change.value
    if not change.path and change.key is None:
        return new
    changed = copy.deepcopy(document)
    if change.key is not None:
        value_at(changed, change.path)[change.key] = new
        return changed
    parent = value_at(changed, change.path[:-1])
    last = change.path[-1]
    if change.delete:
        del parent[last]
    else:
        parent[last] = new
    return changed


def as_json_text(document: Any, change: Change, ensure_ascii: bool) -> str:
    written = json.dumps(document, ensure_ascii=ensure_ascii, allow_nan=True)
    if change.raw is not None:
        written = written.replace(json.dumps(RAW), change.raw, 1)
    return written


NUL_AND_CONTROLS = [
    "\x00",
    "\x01",
    "\x07",
    "\x08",
    "\x0b",
    "\x0c",
    "\x1b",
    "\x1f",
    "\x7f",
    "\x85",
    "\x9b",
]
BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]
SURROGATES = ["\ud800", "\udbff", "\udc00", "\udfff", "\udc80"]
LINE_BREAKS = ["\n", "\r", "\t", "\r\n"]
KINDS = [
    "valid", "nul", "control", "bidi", "surrogate", "line", "line", "huge_int", "huge_int",
    "nan", "finite_float", "date", "date", "date", "wrong_type", "missing", "unknown_key",
    "deep", "deep_raw", "long", "long", "unicode",
]  # fmt: skip
OPTION_KINDS = [
    "valid", "nul", "control", "bidi", "surrogate", "line", "huge_int", "nan", "date", "date",
    "missing", "long", "unicode",
]  # fmt: skip
WRONG_TYPES: list[Any] = [[], {}, True, False, None, 0, -1, "", "x", [1, 2], {"a": 1}, 1.5]


def _insert(draw: Any, chars: list[str]) -> str:
    text: str = draw(st.text(max_size=8)) + draw(st.sampled_from(chars))
    text += draw(st.text(max_size=8))
    return "x" + text if text.startswith("-") else text


def _text_kind_chars(kind: str) -> list[str]:
    return {
        "nul": ["\x00"],
        "control": NUL_AND_CONTROLS,
        "bidi": BIDI,
        "surrogate": SURROGATES,
        "line": LINE_BREAKS,
    }[kind]


def _takes_string(node: dict[str, Any]) -> bool:
    kinds = node.get("type")
    wanted = kinds if isinstance(kinds, list) else [kinds]
    return "string" in wanted and "enum" not in node


def _long_must_refuse(node: dict[str, Any], length: int) -> bool:
    if length > TEXT_MAX or "enum" in node:
        return True
    if not _takes_string(node):
        return "type" in node
    return "maxLength" in node and length > node["maxLength"]


def _date_text(draw: Any, original: str) -> tuple[str, bool]:
    year = draw(st.sampled_from([1, 2, 99, 1000, 1899, 1900, 2026, 2200, 2201, 5000, 9998, 9999]))
    month, day = draw(st.integers(1, 12)), draw(st.integers(1, 28))
    written = f"{year:04d}-{month:02d}-{day:02d}"
    refuse = not 1900 <= year <= 2200
    if "T" in original:
        minutes = draw(
            st.sampled_from(
                [-(23 * 60 + 59), -(14 * 60 + 1), -14 * 60, -8 * 60, 0, 345, 840, 841, 1439]
            )
        )
        sign = "-" if minutes < 0 else "+"
        hour, minute = draw(st.integers(0, 23)), draw(st.integers(0, 59))
        written += (
            f"T{hour:02d}:{minute:02d}:00{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
        )
        refuse = refuse or abs(minutes) > 14 * 60
    return written, refuse


@st.composite
def document_changes(draw: Any, document: dict[str, Any], schema: dict[str, Any]) -> Change:
    """One generated change to ``document`` with what the schema says about it."""
    paths = list(paths_of(document))
    leaves = [p for p in paths if p]
    kind = draw(st.sampled_from(KINDS))
    if kind == "valid":
        return Change("valid")
    if kind == "date":
        dated = [p for p in leaves if _is_date_text(value_at(document, p))]
        path = draw(st.sampled_from(dated))
        written, refuse = _date_text(draw, value_at(document, path))
        return Change(kind, path, written, must_refuse=refuse)
    if kind == "missing":
        keyed = [p for p in leaves if isinstance(p[-1], str)]
        return Change(kind, draw(st.sampled_from(keyed)), delete=True)
    if kind == "unknown_key":
        objects = [p for p in paths if isinstance(value_at(document, p), dict)]
        path = draw(st.sampled_from(objects))
        closed = subschema(schema, path).get("additionalProperties") is False
        key = "x_" + draw(st.text(max_size=20))
        value = draw(st.sampled_from([1, "v", None, [], {}]))
        return Change(kind, path, value, key=key, must_refuse=closed)
    path = draw(st.sampled_from(paths))
    return _value_change(draw, kind, path, subschema(schema, path))


def _value_change(draw: Any, kind: str, path: Path, node: dict[str, Any]) -> Change:
    """A new value at ``path`` (whose schema is ``node``) of the given kind."""
    if kind in ("nul", "control", "bidi", "surrogate", "line"):
        value = _insert(draw, _text_kind_chars(kind))
        refuse = kind != "line" or not node.get("multiline")
        return Change(kind, path, value, must_refuse=refuse)
    if kind in ("huge_int", "nan"):
        return _number_change(draw, kind, path)
    if kind == "finite_float":
        return Change(kind, path, draw(st.floats(allow_nan=False, allow_infinity=False)))
    if kind == "wrong_type":
        return Change(kind, path, draw(st.sampled_from(WRONG_TYPES)))
    if kind == "deep":
        return Change(kind, path, nest(draw(st.integers(MAX_DEPTH + 1, 150))), must_refuse=True)
    if kind == "deep_raw":
        depth = draw(st.sampled_from([201, 5000, 100_000]))
        raw = "[" * depth + "]" * depth
        return Change(kind, path, nest(depth), raw=raw, must_refuse=True, root_ok=True)
    if kind == "long":
        limit = node.get("maxLength", 100)
        length = draw(st.sampled_from([limit + 1, 5_000, 150_000, 1_100_000]))
        value = (draw(st.sampled_from(["a", "é", "字", "ab "])) * length)[:length]
        return Change(kind, path, value, must_refuse=_long_must_refuse(node, length), root_ok=True)
    return Change("unicode", path, draw(st.text(max_size=50)))


def _number_change(draw: Any, kind: str, path: Path) -> Change:
    """An integer beyond 32 bits, or NaN / an infinity (as a value or as raw JSON text)."""
    if kind == "nan":
        raw = draw(st.sampled_from(["NaN", "Infinity", "-Infinity", "1e999", "-1e999"]))
        value = {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}.get(
            raw, float(raw)
        )
        return Change(kind, path, value, raw=raw, must_refuse=True)
    if draw(st.booleans()):
        value = draw(
            st.one_of(
                st.integers(min_value=INT_MAX + 1),
                st.integers(max_value=INT_MIN - 1),
                st.sampled_from([2**63, -(2**63) - 1, 10**30, 10**100]),
            )
        )
        return Change(kind, path, value, must_refuse=True)
    digits = draw(st.sampled_from([21, 400, 5000]))
    return Change(kind, path, 10**digits, raw="1" + "0" * digits, must_refuse=True)


@st.composite
def option_changes(draw: Any, options: dict[str, str | None]) -> Change:
    """One generated change to one command-line value."""
    kind = draw(st.sampled_from(OPTION_KINDS))
    if kind == "valid":
        return Change("valid")
    texts = [n for n in options if n not in DATE_OPTIONS | NUMBER_OPTIONS | CHOICE_OPTIONS]
    if kind in ("nul", "control", "bidi", "surrogate", "line"):
        name = draw(st.sampled_from(texts))
        return Change(kind, (name,), _insert(draw, _text_kind_chars(kind)), must_refuse=True)
    numbers = [n for n in options if n in NUMBER_OPTIONS]
    if kind in ("huge_int", "nan") and numbers:
        name = draw(st.sampled_from(numbers))
        if kind == "huge_int":
            value = str(draw(st.sampled_from([INT_MAX + 1, 2**63, 10**30, 10**400])))
            return Change(kind, (name,), value, must_refuse=name == "--youth")
        value = draw(st.sampled_from(["nan", "NaN", "inf", "-inf", "1e999", "-1e400"]))
        return Change(kind, (name,), value, must_refuse=name == "--hours")
    dated = [n for n in options if n in DATE_OPTIONS]
    if kind == "date" and dated:
        name = draw(st.sampled_from(dated))
        written, refuse = _date_text(draw, "")
        return Change(kind, (name,), written, must_refuse=refuse)
    name = draw(st.sampled_from(list(options)))
    if kind == "missing":
        return Change(kind, (name,), delete=True)
    if kind == "long":
        length = draw(st.sampled_from([201, 5_000, 150_000]))
        value = "x" + draw(st.sampled_from(["a", "é", "字"])) * length
        free_text = name not in NUMBER_OPTIONS | CHOICE_OPTIONS
        return Change(kind, (name,), value, must_refuse=free_text and length > TEXT_MAX)
    value = draw(st.text(max_size=50))
    return Change("unicode", (name,), "x" + value if value.startswith("-") else value)


CHOICE_OPTIONS = {"--channel"}


def changed_options(options: dict[str, str | None], change: Change) -> dict[str, str | None]:
    changed = dict(options)
    if change.kind == "valid":
        return changed
    name = str(change.path[0])
    if change.delete:
        changed[name] = None
    else:
        changed[name] = change.value
    return changed


# --- running documents in process --------------------------------------------------------------


@dataclass
class Tally:
    """Documents sent, and what became of them."""

    sent: int = 0
    survived: int = 0
    refused: int = 0
    accepted: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)


class Desk:
    """The CLI in process over one shared Core and a signed-in administrator.

    ``open_core`` and ``sign_in`` are replaced (opening a database and hashing a password per
    document would make 10,000 documents take an hour); everything else is the real code path
    from argument parsing to the service's transaction.
    """

    def __init__(self, core: Core, actor: Actor) -> None:
        self.core = core
        self._patches = monkeypatch = pytest.MonkeyPatch()
        modules = (
            youth_commands,
            intake_commands,
            referral_commands,
            restriction_commands,
            court_commands,
            user_commands,
        )
        for module in modules:
            monkeypatch.setattr(module, "open_core", lambda args, **_: core)
            monkeypatch.setattr(module, "sign_in", lambda core_, args, **_: actor)
        monkeypatch.setattr(cli_main, "build_parser", _cached_parser())
        self.handed: Any = _NOT_GIVEN
        real_read = girlscourt.interchange.read_json

        def read_json(source: str) -> Any:
            handed, self.handed = self.handed, _NOT_GIVEN
            return real_read(source) if handed is _NOT_GIVEN else handed

        monkeypatch.setattr(girlscourt.interchange, "read_json", read_json)
        tables = sorted(inspect(core.db.engine).get_table_names())
        counted = ", ".join(f'(SELECT count(*) FROM "{t}")' for t in tables if t != "audit_event")
        self._count = text(f"SELECT (SELECT max(id) FROM audit_event), {counted}")
        self._audit = text("SELECT action, outcome FROM audit_event WHERE id > :since")

    def release(self) -> None:
        """The real ``open_core``, ``sign_in`` and ``read_json`` again."""
        self._patches.undo()

    def counts(self) -> tuple[int, ...]:
        """The last audit event's id, then every other table's row count."""
        with self.core.db.engine.connect() as connection:
            return tuple(connection.execute(self._count).one())

    def written(self, before: tuple[int, ...]) -> str | None:
        """What a refused document wrote, if anything: a row of any table, or an audit event
        other than a read of a record or a sign-in (audited by design) or an audited refusal."""
        after = self.counts()
        if after[1:] != before[1:]:
            return "rows"
        if after[0] == before[0]:
            return None
        with self.core.db.engine.connect() as connection:
            events = connection.execute(self._audit, {"since": before[0] or 0}).all()
        writes = [
            action
            for action, outcome in events
            if outcome == "ok" and not action.endswith(".view") and action != "login"
        ]
        return f"audit events {writes}" if writes else "reads"

    def run(
        self, argv: list[str], stdin: str = "", handed: Any = _NOT_GIVEN
    ) -> tuple[int, str, str]:
        return run_main(["--user", "admin", *argv], stdin, self, handed)


def _cached_parser() -> Callable[[], Any]:
    built = cli_main.build_parser()
    return lambda: built


def run_main(
    argv: list[str], stdin: str, desk: Desk | None = None, handed: Any = _NOT_GIVEN
) -> tuple[int, str, str]:
    """``main(argv)`` with standard input, output and error in memory."""
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdin
    sys.stdin = io.StringIO(stdin)
    if desk is not None:
        desk.handed = handed
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli_main.main(argv)
    finally:
        sys.stdin = saved
        if desk is not None:
            desk.handed = _NOT_GIVEN
    return code, out.getvalue(), err.getvalue()


def judge(
    tally: Tally,
    entry: str,
    change: Change,
    result: tuple[int, str, str],
    written: str | None,
    *,
    option_entry: bool = False,
) -> None:
    """The promises for one document (see the module docstring)."""
    code, _, err = result
    tally.sent += 1
    tally.by_kind[change.kind] = tally.by_kind.get(change.kind, 0) + 1
    seen = f"{entry}: {change.kind} at {change.where(option_entry)} -> exit {code}, {err[:300]!r}"
    assert "Traceback" not in err, seen
    assert cli_main.UNEXPECTED_TEXT not in err, seen
    lines = err.splitlines()
    assert all(len(line) <= LINE_MAX for line in lines), seen
    if code == 0:
        tally.accepted += 1
    else:
        assert code in (1, 2, 4, 5), seen
        errors = [line for line in lines if line.startswith("girlscourt")]
        assert len(errors) == 1, seen
        assert written in (None, "reads"), f"refused but wrote {written}: {seen}"
        tally.refused += 1
    if change.must_refuse:
        assert code == 1, f"not refused: {seen}"
        assert written is None, f"refused after reading records: {seen}"
        named = errors[0].removeprefix("girlscourt: ").split(": ", 1)[0]
        assert change.names(named, option_entry), f"names {named!r}: {seen}"
    tally.survived += 1


# --- the fixtures ------------------------------------------------------------------------------


@pytest.fixture
def desk(core: Core, admin: Actor) -> Iterator[Desk]:
    """The in-process CLI over ``core`` (its clock fixed), the administrator trained to screen."""
    core.clock = lambda: NOW
    train(core, admin, "admin")
    made = Desk(core, admin)
    yield made
    made.release()


def _ok(desk: Desk, argv: list[str], document: Any) -> int:
    code, out, err = desk.run([*argv, "--json", "-"], json.dumps(document))
    assert code == 0, err
    return int(out.strip().splitlines()[-1])


@pytest.fixture
def ids(desk: Desk) -> dict[str, int]:
    """The records the valid documents refer to."""
    found: dict[str, int] = {}
    for department in ("JD1", "GC"):
        _ok(desk, ["department", "add"], {"code": department, "name": f"Department {department}"})
    _ok(
        desk,
        ["girls-court", "configure"],
        {
            "department": "GC",
            "judicial_officer": "Hon. Imani Oyelaran-Reyes",
            "session_weekdays": [1, 3],
            "session_time": "08:30",
            "effective_from": "2025-01-01",
        },
    )
    found["youth"] = _ok(
        desk,
        ["youth", "add"],
        {"legal_first_name": "Maya", "legal_last_name": "Rosalind", "dob": "2011-05-06"},
    )
    found["agency"] = _ok(
        desk, ["agency", "add"], {"name": "Harbor Clinic", "kind": "mental_health"}
    )
    _ok(
        desk,
        ["case", "add"],
        {
            "youth_id": found["youth"],
            "case_number": "JV-26-00042",
            "petitions": [{"petition_number": "JV-26-00042-A", "filed_on": "2026-01-05"}],
        },
    )
    code, out, err = desk.run(
        ["hearing", "add", "--json", "-", "--acknowledge-warnings"],
        json.dumps(
            {
                "case_number": "JV-26-00042",
                "hearing_type": "REV",
                "scheduled_at": "2026-12-03T09:00:00-08:00",
                "department": "GC",
                "custody_status": "OUT",
            }
        ),
    )
    assert code == 0, err
    found["hearing"] = int(out.strip().splitlines()[-1])
    return found


# --- the tests ---------------------------------------------------------------------------------


def _schema(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(
        resource("schemas", f"{name}.schema.json").read_text(encoding="utf-8")
    )
    return loaded


def send_documents(
    desk: Desk, ids: dict[str, int], tally: Tally, per_entry: int, *, real: RealCli | None = None
) -> None:
    """Run ``per_entry`` generated documents through every entry point."""
    for entry, (command, schema_name, document) in json_entries(ids).items():
        _send_json(
            desk, tally, per_entry, entry, [*command, "--json", "-"], schema_name, document, real
        )
    for entry, (command, options) in option_entries(ids).items():
        _send_options(desk, tally, per_entry, entry, command, options, real)


_SETTINGS = {"deadline": None, "database": None, "suppress_health_check": list(HealthCheck)}


def _send_json(
    desk: Desk,
    tally: Tally,
    per_entry: int,
    entry: str,
    argv: list[str],
    schema_name: str,
    document: dict[str, Any],
    real: RealCli | None,
) -> None:
    @settings(max_examples=per_entry, **_SETTINGS)  # type: ignore[arg-type]
    @given(
        change=document_changes(document, _schema(schema_name)),
        as_text=st.sampled_from([True, True, False]),
        ensure_ascii=st.booleans(),
    )
    def one_document(change: Change, as_text: bool, ensure_ascii: bool) -> None:
        as_text = as_text or real is not None
        changed = apply(document, change, as_text=as_text)
        before = desk.counts()
        if not as_text:
            result = desk.run(argv, "", handed=changed)
        elif real is not None:
            result = real.run(argv, as_json_text(changed, change, ensure_ascii))
        else:
            result = desk.run(argv, as_json_text(changed, change, ensure_ascii))
        judge(tally, entry, change, result, desk.written(before))

    one_document()


def _send_options(
    desk: Desk,
    tally: Tally,
    per_entry: int,
    entry: str,
    command: list[str],
    options: dict[str, str | None],
    real: RealCli | None,
) -> None:
    @settings(max_examples=per_entry, **_SETTINGS)  # type: ignore[arg-type]
    @given(change=option_changes(options))
    def one_command(change: Change) -> None:
        argv = option_argv(command, changed_options(options, change))
        stdin = "a fresh password for the clerk\n"
        before = desk.counts()
        result = real.run(argv, stdin) if real else desk.run(argv, stdin)
        judge(tally, entry, change, result, desk.written(before), option_entry=True)

    one_command()


def test_bad_input_at_volume(
    desk: Desk, ids: dict[str, int], backend: str, fault_table: FaultTable
) -> None:
    """Over 10,000 generated documents on SQLite (a smaller run on PostgreSQL): no traceback,
    exit 1 naming the JSON path for what no field may hold, nothing written when refused."""
    tally = Tally()
    per_entry = SQLITE_PER_ENTRY if backend == "sqlite" else PG_PER_ENTRY
    send_documents(desk, ids, tally, per_entry)
    fault_table.record(FAULT, rounds=tally.sent, survived=tally.survived, backend=backend)
    print(f"{backend}: {tally}")
    if backend == "sqlite":
        assert tally.sent >= 10_000, tally
    assert tally.survived == tally.sent
    assert tally.refused > tally.sent // 2 and tally.accepted > 0, tally


class RealCli:
    """``main()`` as the console script runs it: its own database login and password check."""

    def __init__(self, url: str) -> None:
        self.url = url

    def run(self, argv: list[str], stdin: str) -> tuple[int, str, str]:
        return run_main(["--database", self.url, "--user", "admin", *argv], stdin)


def test_a_sample_through_the_real_cli(
    desk: Desk,
    ids: dict[str, int],
    db_url: str,
    backend: str,
    fault_table: FaultTable,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The same generated documents through the real ``main()``: the database opened and the
    password checked for each command, as the console script does."""
    desk.release()  # the real open_core and sign_in from here on
    monkeypatch.setenv("GIRLSCOURT_PASSWORD", ADMIN_PASSWORD)
    monkeypatch.setattr(cli_main, "build_parser", _cached_parser())
    tally = Tally()
    send_documents(desk, ids, tally, REAL_CLI_PER_ENTRY, real=RealCli(db_url))
    fault_table.record(FAULT, rounds=tally.sent, survived=tally.survived, backend=backend)
    assert tally.survived == tally.sent >= 15 * REAL_CLI_PER_ENTRY


@pytest.mark.parametrize("backend", [pytest.param("postgresql", marks=pytest.mark.pg)])
def test_nul_never_reaches_postgresql(
    desk: Desk, ids: dict[str, int], backend: str, fault_table: FaultTable
) -> None:
    """PostgreSQL refuses NUL in text with a driver error; the product refuses it first, in
    every text field of every entry point, by path, and in the services' own input."""
    tally = Tally()
    for entry, (command, _, document) in json_entries(ids).items():
        for path in paths_of(document):
            value = value_at(document, path)
            if not isinstance(value, str):
                continue
            change = Change("nul", path, value[:3] + "\x00" + value[3:], must_refuse=True)
            for as_text in (True, False):
                changed = apply(document, change, as_text=as_text)
                before = desk.counts()
                argv = [*command, "--json", "-"]
                if as_text:
                    result = desk.run(argv, as_json_text(changed, change, ensure_ascii=False))
                else:
                    result = desk.run(argv, "", handed=changed)
                judge(tally, entry, change, result, desk.written(before))
    for entry, (command, options) in option_entries(ids).items():
        for name, value in options.items():
            if value is None or name in NUMBER_OPTIONS | DATE_OPTIONS | CHOICE_OPTIONS:
                continue
            change = Change("nul", (name,), value + "\x00", must_refuse=True)
            before = desk.counts()
            result = desk.run(option_argv(command, changed_options(options, change)), "pw\n")
            judge(tally, entry, change, result, desk.written(before), option_entry=True)
    fault_table.record(FAULT, rounds=tally.sent, survived=tally.survived, backend=backend)
    assert tally.survived == tally.sent > 100


@pytest.mark.parametrize("backend", [pytest.param("postgresql", marks=pytest.mark.pg)])
def test_services_refuse_nul_before_postgresql_does(
    desk: Desk, ids: dict[str, int], backend: str
) -> None:
    """The desktop app calls the services directly, without the JSON boundary: their own
    validators refuse NUL (a ValidationError naming the field), and nothing is written."""
    from girlscourt.domain.youth_rules import YouthInput
    from girlscourt.errors import ValidationError
    from girlscourt.services.registry import youths
    from girlscourt.services.restrictions import desk_check
    from girlscourt.services.security import training

    core = desk.core
    actor = accounts.authenticate(core, "admin", ADMIN_PASSWORD)
    calls: list[tuple[str, Callable[[], object]]] = [
        (
            "legal_first_name",
            lambda: youths.register_youth(
                core,
                actor,
                YouthInput(
                    legal_first_name="Ma\x00ya", legal_last_name="R", dob=dt.date(2011, 5, 6)
                ),
            ),
        ),
        ("name", lambda: desk_check.check_contact(core, actor, name="Mar\x00cus")),
        (
            "course",
            lambda: training.add_training(core, actor, "admin", "CSEC\x00", dt.date(2026, 6, 1)),
        ),
        (
            "display_name",
            lambda: accounts.create_user(
                core, actor, "clerk9", "court_clerk", ADMIN_PASSWORD, "Casey\x00"
            ),
        ),
    ]
    for field_name, call in calls:
        before = desk.counts()
        with pytest.raises(ValidationError) as caught:
            call()
        assert caught.value.field == field_name
        assert desk.written(before) is None
