"""Password rules (CJIS IA-5(1)(a)): length, no truncation, blocklist with reasons, fresh list."""

from __future__ import annotations

import datetime as dt

import pytest
from argon2 import PasswordHasher
from argon2.exceptions import VerifyMismatchError
from hypothesis import given, settings
from hypothesis import strategies as st

from girlscourt.domain import passwords
from girlscourt.domain.passwords import check_password
from girlscourt.services.security import accounts

TODAY = dt.date(2026, 11, 29)  # a compiled date, as written in a list's header


def problem(password: str, username: str = "maria.lopez") -> str | None:
    found = check_password(password, username, accounts.blocklist())
    return found.code if found else None


@pytest.mark.parametrize(
    ("password", "username", "code"),
    [
        ("password1", "maria.lopez", "blocklisted"),
        ("PASSWORD1", "maria.lopez", "blocklisted"),
        ("monkey2026!!", "maria.lopez", "blocklisted"),  # a listed word with digits bolted on
        ("maria.lopez", "maria.lopez", "username"),
        ("Maria.Lopez!", "maria.lopez", "username"),
        ("marialopez2026", "maria.lopez", "username"),
        ("girls court", "maria.lopez", "app_name"),
        ("GirlsCourt2026!", "maria.lopez", "app_name"),
        ("aaaaaaaa", "maria.lopez", "repetitive"),
        ("abababab", "maria.lopez", "repetitive"),
        ("12345678abcd", "maria.lopez", "sequential"),
        ("qwerty123456", "maria.lopez", "sequential"),
        ("zyxwvuts", "maria.lopez", "sequential"),
        ("short", "maria.lopez", "too_short"),
        ("seven77", "maria.lopez", "too_short"),
        ("x" * 1025, "maria.lopez", "too_long"),
        ("tab\there is bad", "maria.lopez", "control_character"),
    ],
)
def test_each_refusal_has_its_reason(password: str, username: str, code: str) -> None:
    assert problem(password, username) == code


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery staple",
        "the night desk at the JJC ☕ is quiet",
        "clerk of the court 2",  # contains the user name "clerk" but is far more than it
        "Tr0ub4dor&3 river",
        "ñandú en la lluvia",
        "12 ravens over the bay",
        "quiet river " + "stone " * 160,  # 972 characters: long passphrases are welcome
    ],
)
def test_passphrases_are_accepted(password: str) -> None:
    assert problem(password, "clerk") is None


def test_no_composition_rules() -> None:
    for password in ("all lower case words", "ALLUPPERCASEWORDS", "1029384756473829"):
        assert problem(password) is None, password


def test_messages_tell_the_user_why() -> None:
    found = check_password("password1", "maria", accounts.blocklist())
    assert found is not None and "common or breached" in found.message
    found = check_password("maria2026", "maria", accounts.blocklist())
    assert found is not None and "user name" in found.message


def test_refusal_names_the_field_and_carries_the_code() -> None:
    with pytest.raises(accounts.PasswordRefused) as caught:
        accounts.check_password_rules("aaaaaaaa", "maria", field="new_password")
    assert caught.value.field == "new_password" and caught.value.code == "repetitive"
    assert "repeats" in str(caught.value)


@settings(max_examples=25, deadline=None)
@given(st.text(min_size=8, max_size=256))
def test_any_text_verifies_against_its_own_hash_and_only_it(password: str) -> None:
    hasher = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)  # fast, same code path
    digest = hasher.hash(passwords.normalise(password))
    assert hasher.verify(digest, passwords.normalise(password))
    with pytest.raises(VerifyMismatchError):
        hasher.verify(digest, passwords.normalise(password + "x"))


def test_no_truncation_at_72_bytes() -> None:
    long = "night shift at the juvenile justice center " * 3  # > 100 characters
    digest = accounts.HASHER.hash(long)
    assert accounts.HASHER.verify(digest, long)
    assert not accounts._verify(digest, long[:72])


def test_argon2id_at_or_above_the_owasp_floor() -> None:
    digest = accounts.HASHER.hash("a long enough passphrase")
    assert digest.startswith("$argon2id$")
    params = dict(p.split("=") for p in digest.split("$")[3].split(","))
    assert int(params["m"]) >= 19456 and int(params["t"]) >= 2 and int(params["p"]) == 1
    assert digest != accounts.HASHER.hash("a long enough passphrase")  # salted


def test_blocklist_is_a_few_thousand_common_passwords() -> None:
    entries = accounts.blocklist()
    assert len(entries) >= 2000
    assert {"password", "123456789", "iloveyou", "sunshine"} <= entries


def test_the_shipped_blocklist_states_when_it_was_compiled() -> None:
    """Its freshness is the product's to tell (``accounts.blocklist_notice``), not a test's."""
    assert isinstance(accounts.blocklist_compiled_on(), dt.date)


@pytest.mark.parametrize(
    ("today", "stale"),
    [
        (TODAY, False),
        (TODAY - dt.timedelta(days=3), False),  # a list dated ahead of a slow clock is fresh
        (TODAY + dt.timedelta(days=passwords.BLOCKLIST_MAX_AGE_DAYS), False),
        (TODAY + dt.timedelta(days=passwords.BLOCKLIST_MAX_AGE_DAYS + 1), True),
        (TODAY + dt.timedelta(days=400), True),
    ],
)
def test_a_blocklist_older_than_a_quarter_is_stale_with_its_date(
    today: dt.date, stale: bool
) -> None:
    notice = passwords.blocklist_staleness(TODAY, today)
    if not stale:
        assert notice is None
        return
    assert notice is not None and "2026-11-29" in notice
    assert f"{(today - TODAY).days} days ago" in notice and "quarter" in notice


def test_a_blocklist_without_a_date_cannot_be_shown_fresh() -> None:
    notice = passwords.blocklist_staleness(None, TODAY)
    assert notice is not None and "no compiled date" in notice


def test_compiled_date_parses_from_the_header() -> None:
    text = "# a list\n# compiled: 2026-11-29\npassword\n"
    assert passwords.blocklist_compiled_on(text) == TODAY
    assert passwords.parse_blocklist(text) == frozenset({"password"})
