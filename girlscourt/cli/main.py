"""``girlscourt`` entry point: argument parsing, exit codes, and never a traceback.

Exit codes: 0 done; 1 invalid input or a rule refused it; 2 usage; 3 database or configuration
unavailable; 4 login failed or not permitted; 5 conflict. Heavy modules are imported inside the
commands so ``--version`` answers at once.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from girlscourt import APP_NAME, __version__

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_UNAVAILABLE, EXIT_DENIED, EXIT_CONFLICT = range(6)


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors in one line with exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"{self.prog}: {message} (see --help)\n")
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    """The whole command tree."""
    from girlscourt.cli import commands

    parser = _Parser(prog="girlscourt", description=f"{APP_NAME} case tracker.")
    parser.add_argument("--version", action="version", version=f"girlscourt {__version__}")
    parser.add_argument(
        "--database", metavar="URL", help="sqlite:///FILE or postgresql://USER@HOST/DB"
    )
    parser.add_argument(
        "--user",
        metavar="NAME",
        help="sign in as NAME (password from GIRLSCOURT_PASSWORD, standard input or a prompt)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.register(sub)
    return parser


DesktopOpener = Callable[[str | None], int]


def main(argv: Sequence[str] | None = None, open_desktop: DesktopOpener | None = None) -> int:
    """Run one command and return its exit code (the console script exits with it).

    With no command the desktop app opens through ``open_desktop``, which the launcher in ``ui``
    passes in: the core never imports the front end.
    """
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list in (["--version"], ["-V"]):
        print(f"girlscourt {__version__}")
        return EXIT_OK
    parser = build_parser()
    try:
        args = parser.parse_args(args_list)
    except SystemExit as stop:
        return int(stop.code or 0)
    if args.command is None:
        if open_desktop is None:
            parser.print_usage(sys.stderr)
            print(
                "girlscourt: name a COMMAND (the desktop app starts from the girlscourt launcher)",
                file=sys.stderr,
            )
            return EXIT_USAGE
        return open_desktop(args.database)
    return _dispatch(args)


def _dispatch(args: argparse.Namespace) -> int:
    from girlscourt.errors import GirlsCourtError

    try:
        code: int = args.handler(args)
        return code
    except GirlsCourtError as error:
        print(f"girlscourt: {error.message}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("girlscourt: interrupted", file=sys.stderr)
        return EXIT_UNAVAILABLE
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
