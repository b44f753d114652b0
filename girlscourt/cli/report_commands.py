"""``girlscourt report``: the CSEC report as CSV, JSON or PDF (aggregates only, suppressed)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from girlscourt.cli.context import open_core, sign_in
from girlscourt.errors import ValidationError

FORMATS = ("csv", "json", "pdf")


def register(sub: Any) -> None:
    """Add ``report csec``."""
    report = sub.add_parser("report", help="aggregate reports").add_subparsers(
        dest="report_command", metavar="REPORT", required=True
    )
    csec = report.add_parser(
        "csec", help="the CSEC data report for a date range (small cells suppressed)"
    )
    csec.add_argument("--from", dest="start", required=True, metavar="DATE", help="YYYY-MM-DD")
    csec.add_argument("--to", dest="end", required=True, metavar="DATE", help="YYYY-MM-DD")
    csec.add_argument(
        "--format", choices=FORMATS, help="csv, json or pdf (default: from --out, else csv)"
    )
    csec.add_argument("--unit", metavar="UNIT", help="only intakes housed in this unit")
    csec.add_argument("--out", required=True, metavar="FILE", help="where to write ('-': stdout)")
    csec.set_defaults(handler=report_csec)


def _date(flag: str, value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError(flag, f"{value!r} is not a date (YYYY-MM-DD)") from None


def _format(args: argparse.Namespace) -> str:
    if args.format:
        return str(args.format)
    suffix = Path(args.out).suffix.lower().lstrip(".")
    return suffix if suffix in FORMATS else "csv"


def _write(target: str, content: bytes, fmt: str) -> None:
    if target == "-":
        if fmt == "pdf" and sys.stdout.isatty():
            raise ValidationError("--out", "will not write a PDF to a terminal; name a file")
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
        return
    path = Path(target)
    partial = path.with_name(path.name + ".partial")
    try:
        partial.write_bytes(content)
        partial.replace(path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise ValidationError("--out", f"cannot write {target}: {error.strerror}") from None


def report_csec(args: argparse.Namespace) -> int:
    from girlscourt.services.csec_metrics import make_period
    from girlscourt.services.report_export import export_csec_report

    period = make_period(_date("--from", args.start), _date("--to", args.end), args.unit)
    fmt = _format(args)
    if args.out != "-" and not Path(args.out).parent.is_dir():
        raise ValidationError("--out", f"no folder {str(Path(args.out).parent)!r}")
    core = open_core(args)
    actor = sign_in(core, args)
    exported = export_csec_report(core, actor, period, fmt)
    _write(args.out, exported.content, fmt)
    if args.out != "-":
        print(exported.document_id)
    return 0
