"""Command-line values are bounded and screened like JSON, each error is one short line naming
the option, and an unexpected exception ends in one line without any value (never a traceback)."""

from __future__ import annotations

import argparse

import pytest

from girlscourt.cli import main as cli_main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = cli_main.main(list(argv))
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    return code, err.strip()


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (["youth", "show", "9" * 30], "girlscourt: ID: must be a whole number from 1 to 2147483647"),
        (["referral", "list", "--youth", "2147483648"], "girlscourt: --youth: must be a whole"),
        (["holiday", "list", "--year", "99999"], "girlscourt: --year: must be a whole number from 1900"),
        (["docket", "show", "--date", "0001-01-01"], "girlscourt: --date: must be a date from 1900"),
        (["docket", "print", "--date", "9999-12-31", "--out", "x.pdf"], "girlscourt: --date: must be"),
        (["report", "csec", "--from", "0001-01-01", "--to", "2026-01-01", "--out", "-"], "girlscourt: --from:"),
        (["report", "csec", "--from", "2026-01-01", "--to", "9999-12-31", "--out", "-"], "girlscourt: --to:"),
        (["restriction", "log", "--from", "2026-01-01", "--to", "10000-01-01", "--out", "x.pdf"], "girlscourt: --to:"),
        (["training", "add", "a", "--course", "c", "--completed", "1-01-01"], "girlscourt: --completed:"),
        (["training", "add", "a", "--course", "c", "--completed", "2026-01-01", "--hours=nan"], "girlscourt: --hours: must be a number from 0 to 200"),
        (["training", "add", "a", "--course", "c", "--completed", "2026-01-01", "--hours=-inf"], "girlscourt: --hours:"),
        (["restriction", "check", "--name", "Ma\x00ya"], "girlscourt: --name: contains a control character (U+0000)"),
        (["restriction", "check", "--phone", "510\n555"], "girlscourt: --phone: must be one line"),
        (["restriction", "check", "--handle", "@a\udcff"], "girlscourt: --handle: contains an unpaired surrogate"),
        (["user", "add", "Ma\u202eya", "--role", "clerk"], "girlscourt: NAME: contains a control character (U+202E"),
        (["holiday", "add", "--date", "2026-12-24", "--name", "Eve\tDay"], "girlscourt: --name: must be one line"),
        (["youth", "add", "--json", "/tmp/a\x00b"], "girlscourt: --json: contains a control character"),
        (["--database", "sqlite:///x\x00", "youth", "find", "Maya"], "girlscourt: --database: contains"),
    ],
)  # fmt: skip
def test_bad_option_values_give_one_line_naming_the_option(
    capsys: pytest.CaptureFixture[str], argv: list[str], line: str
) -> None:
    code, err = run(capsys, *argv)
    assert code == 1 and err.startswith(line), err


def test_usage_errors_never_echo_a_huge_value(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(capsys, "restriction", "check", "--channel", "x" * 1_000_000)
    assert code == 2 and len(err) <= cli_main.MESSAGE_MAX + 60
    code, err = run(capsys, "youth", "show", "not-a-number")
    assert code == 2 and "whole number" in err


def test_a_note_may_span_lines(capsys: pytest.CaptureFixture[str]) -> None:
    """Notes and reasons may hold line breaks (the error is a later one: no database here)."""
    code, err = run(capsys, "referral", "send", "1", "--note", "line one\nline two")
    assert code == 3 and err.startswith("girlscourt: database")
    code, err = run(capsys, "referral", "send", "1", "--note", "line one\x00")
    assert code == 1 and err.startswith("girlscourt: --note: contains a control character")


def test_an_unexpected_error_is_one_line_without_values(capsys: pytest.CaptureFixture[str]) -> None:
    def broken(args: argparse.Namespace) -> int:
        raise RuntimeError("Maya Rosalind 2011-05-06 could not be shown")

    code = cli_main._dispatch(argparse.Namespace(handler=broken))
    err = capsys.readouterr().err
    assert code == cli_main.EXIT_UNEXPECTED != 0
    assert err.startswith(f"{cli_main.UNEXPECTED_TEXT} (RuntimeError); nothing was saved")
    assert "Maya" not in err and "2011" not in err and len(err.splitlines()) == 1


def test_an_expected_error_message_is_cut_to_one_short_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from girlscourt.errors import NotFound

    def not_found(args: argparse.Namespace) -> int:
        raise NotFound("username: no account named " + repr("x" * 100_000 + "\nsecond line"))

    assert cli_main._dispatch(argparse.Namespace(handler=not_found)) == 1
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and len(err) <= cli_main.MESSAGE_MAX + 20
