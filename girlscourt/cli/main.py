"""``girlscourt`` entry point: argument parsing, exit codes, and never a traceback.

Exit codes: 0 done; 1 invalid input or a rule refused it; 2 usage; 3 database or configuration
unavailable; 4 login failed or not permitted; 5 conflict; 70 an unexpected error (a bug, shown
in one line without any value). Heavy modules are imported inside the commands so
``--version`` answers at once.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from girlscourt import APP_NAME, __version__

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_UNAVAILABLE, EXIT_DENIED, EXIT_CONFLICT = range(6)
EXIT_UNEXPECTED = 70  # EX_SOFTWARE: a bug, reported in one line without any value
MESSAGE_MAX = 300  # an error line never grows past this (values are quoted short anyway)
UNEXPECTED_TEXT = "girlscourt: unexpected error"


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors in one line with exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        if len(message) > MESSAGE_MAX:  # argparse quotes the bad value whole
            message = message[:MESSAGE_MAX] + "…"
        message = message.encode("utf-8", "backslashreplace").decode("utf-8")
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
    return _dispatch(args, parser)


def _one_line(message: str) -> str:
    """The message on one line, at most MESSAGE_MAX characters, printable on any terminal."""
    line = " ".join(message.splitlines())
    if len(line) > MESSAGE_MAX:
        line = line[:MESSAGE_MAX] + "…"
    return line.encode("utf-8", "backslashreplace").decode("utf-8")


def _dispatch(args: argparse.Namespace, parser: argparse.ArgumentParser | None = None) -> int:
    from girlscourt.errors import GirlsCourtError

    try:
        if parser is not None:
            from girlscourt.cli.arguments import screen_arguments

            screen_arguments(parser, args)
        code: int = args.handler(args)
        return code
    except GirlsCourtError as error:
        print(f"girlscourt: {_one_line(error.message)}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("girlscourt: interrupted", file=sys.stderr)
        return EXIT_UNAVAILABLE
    except BrokenPipeError:
        return EXIT_OK
    except Exception as error:  # the last resort: a bug, never a traceback
        # No message text: it may hold a row's values (a name, a date of birth).
        print(
            f"{UNEXPECTED_TEXT} ({type(error).__name__}); nothing was saved by the failing "
            "step; please report it with the command you ran",
            file=sys.stderr,
        )
        return EXIT_UNEXPECTED


if __name__ == "__main__":
    raise SystemExit(main())
