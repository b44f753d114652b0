"""``girlscourt demo``: deterministic synthetic data."""

from __future__ import annotations

import argparse
from typing import Any

from girlscourt.cli.arguments import whole_number
from girlscourt.cli.context import open_core, sign_in
from girlscourt.domain.value_rules import INT_MAX


def register(sub: Any) -> None:
    """Add ``demo seed``."""
    demo = sub.add_parser("demo", help="synthetic demo data").add_subparsers(
        dest="demo_command", metavar="ACTION", required=True
    )
    seed = demo.add_parser("seed", help="add deterministic, clearly fictional records")
    seed.add_argument("--youths", type=whole_number(0, 1_000_000), default=200)
    seed.add_argument("--seed", type=whole_number(0, INT_MAX), default=1)
    seed.set_defaults(handler=demo_seed)


def demo_seed(args: argparse.Namespace) -> int:
    from girlscourt.demo import seed as demo
    from girlscourt.errors import ValidationError

    if not 0 <= args.youths <= 1_000_000:
        raise ValidationError("--youths", "must be between 0 and 1,000,000")
    core = open_core(args)
    actor = sign_in(core, args)
    report = demo.seed_demo(core, actor, args.youths, args.seed)
    print(
        f"added {report.youths} synthetic youths ({report.aliases} aliases), "
        f"{report.intakes} intakes, {report.referrals} referrals, "
        f"{report.restrictions} restrictions, {report.hearings} hearings"
    )
    return 0
