"""``girlscourt import youths``: a county's spreadsheet of youths into the registry, once."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from girlscourt.cli.context import open_core, sign_in


def register(sub: Any) -> None:
    """Add ``import youths``."""
    group = sub.add_parser("import", help="bring records in from other files").add_subparsers(
        dest="import_command", metavar="WHAT", required=True
    )
    youths = group.add_parser(
        "youths",
        help="youths from a .csv or .xlsx file (an administrator): checked by the registry's "
        "rules and duplicate check; --dry-run writes nothing",
    )
    youths.add_argument("file", metavar="FILE")
    youths.add_argument("--dry-run", action="store_true", help="check and list; write nothing")
    youths.add_argument(
        "--mapping", metavar="JSON", help='a file naming columns: {"dob": "Birth Date", ...}'
    )
    youths.add_argument(
        "--errors", metavar="CSV", help="where to write refused lines (default FILE.errors.csv)"
    )
    youths.set_defaults(handler=import_youths)


def import_youths(args: argparse.Namespace) -> int:
    from girlscourt.errors import ValidationError
    from girlscourt.interchange import read_json
    from girlscourt.services.registry import youth_import

    mapping = None
    if args.mapping:
        document = read_json(args.mapping)
        if not isinstance(document, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in document.items()
        ):
            raise ValidationError("--mapping", 'must be a JSON object of field: "column header"')
        mapping = document
    core = open_core(args)
    actor = sign_in(core, args)
    path = Path(args.file)
    report = youth_import.import_youths(core, actor, path, dry_run=args.dry_run, mapping=mapping)
    verb = {"create": "would create" if args.dry_run else "created"}
    for row in report.rows:
        what = verb.get(row.outcome, row.outcome)
        if row.outcome == youth_import.REFUSED:
            print(f"line {row.line}: refused: {row.column}: {row.reason}")
        elif row.outcome == youth_import.CREATE:
            made = f" (youth {row.youth_id})" if row.youth_id else ""
            print(f"line {row.line}: {what} {row.name}{made}")
        else:
            print(f"line {row.line}: {what}: {row.name}: {row.reason}")
    for header in report.not_kept:
        print(f"column {header!r}: recognised, but the registry keeps no such field (not imported)")
    for header in report.unknown:
        print(f"column {header!r}: not a youth field (ignored)")
    refused = report.count(youth_import.REFUSED)
    if refused:
        errors = Path(args.errors) if args.errors else path.with_name(path.name + ".errors.csv")
        errors.write_text(report.errors_csv(), encoding="utf-8")
        print(f"{refused} refused lines written to {errors}")
    summary = (
        f"{report.count(youth_import.CREATE)} {'to create' if args.dry_run else 'created'}, "
        f"{report.count(youth_import.MATCHED)} already registered, "
        f"{report.count(youth_import.REVIEW)} to review, {refused} refused"
    )
    print(("dry run, nothing written: " if args.dry_run else "") + summary)
    return 0
