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
    from girlscourt.domain.value_rules import parse_day

    return parse_day(flag, value)


def _format(args: argparse.Namespace) -> str:
    if args.format:
        return str(args.format)
    suffix = Path(args.out).suffix.lower().lstrip(".")
    return suffix if suffix in FORMATS else "csv"


def report_csec(args: argparse.Namespace) -> int:
    from girlscourt.readmodels.csec_report import make_period
    from girlscourt.services.documents import output_files
    from girlscourt.services.reports.report_export import export_csec_report

    period = make_period(_date("--from", args.start), _date("--to", args.end), args.unit)
    fmt = _format(args)
    to_stdout = args.out == "-"
    if to_stdout and fmt == "pdf" and sys.stdout.isatty():
        raise ValidationError("--out", "will not write a PDF to a terminal; name a file")
    if not to_stdout:
        output_files.check_target(args.out)  # before signing in: a device, FIFO or folder
    core = open_core(args)
    actor = sign_in(core, args)
    exported = export_csec_report(core, actor, period, fmt, out=None if to_stdout else args.out)
    if to_stdout:
        sys.stdout.buffer.write(exported.content)
        sys.stdout.flush()
    else:
        print(exported.document_id)
    return 0
