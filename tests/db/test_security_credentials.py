"""Database passwords live only in a real OS keyring: no plaintext backend, no file, no config line."""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backends.fail
import keyring.backends.null
import pytest
from keyring.backend import KeyringBackend

from girlscourt import credentials
from girlscourt.cli.main import main
from girlscourt.config import config_file
from girlscourt.db.engine import parse_database_url, resolve_password
from girlscourt.errors import ConfigurationError
from tests.conftest import MemoryKeyring

SECRET = "Zzqx-db-secret-4471"
URL = "postgresql://girlscourt@db.example.org/girlscourt"


class PlaintextFileKeyring(KeyringBackend):
    """Stands in for keyrings.alt's PlaintextKeyring: it would write secrets to a file."""

    priority = 1  # type: ignore[assignment]

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def get_password(self, service: str, username: str) -> str | None:
        return self.path.read_text() if self.path.exists() else None

    def set_password(self, service: str, username: str, password: str) -> None:
        self.path.write_text(password)

    def delete_password(self, service: str, username: str) -> None:
        self.path.unlink(missing_ok=True)


PlaintextFileKeyring.__module__ = "keyrings.alt.file"


class FakeChainer(KeyringBackend):
    """Shaped like keyring's ChainerBackend: tries each link in turn."""

    priority = 1  # type: ignore[assignment]

    def __init__(self, links: list[KeyringBackend]) -> None:
        super().__init__()
        self.backends = links

    def get_password(self, service: str, username: str) -> str | None:
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        self.backends[0].set_password(service, username, password)

    def delete_password(self, service: str, username: str) -> None:
        return None


FakeChainer.__module__ = "keyring.backends.chainer"


@pytest.fixture
def stdin(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    yield


def files_containing(root: Path, needle: str) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and needle.encode() in p.read_bytes()]


def set_password_cli(monkeypatch: pytest.MonkeyPatch, url: str = URL) -> int:
    monkeypatch.setenv("GIRLSCOURT_PASSWORD", SECRET)
    return main(["--database", url, "db", "set-password"])


@pytest.mark.parametrize(
    "backend",
    [
        lambda tmp: keyring.backends.fail.Keyring(),
        lambda tmp: keyring.backends.null.Keyring(),
        lambda tmp: PlaintextFileKeyring(tmp / "plaintext-keyring.cfg"),
        lambda tmp: FakeChainer([PlaintextFileKeyring(tmp / "chained.cfg"), MemoryKeyring()]),
        lambda tmp: FakeChainer([]),
    ],
    ids=["fail", "null", "keyrings.alt plaintext", "chainer with plaintext", "empty chainer"],
)
def test_unusable_keyrings_are_refused_and_nothing_is_written(
    backend: object,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    stdin: None,
) -> None:
    active = backend(tmp_path)  # type: ignore[operator]
    keyring.set_keyring(active)
    assert not credentials.keyring_usable()
    assert credentials.set_password("someone@db:5432/x", SECRET) is False
    if credentials._file_store(active):  # a file store is refused outright (F10)
        with pytest.raises(ConfigurationError, match="keeps passwords in a file"):
            credentials.get_password("someone@db:5432/x")
    else:
        assert credentials.get_password("someone@db:5432/x") is None
    assert set_password_cli(monkeypatch) == 3
    assert "no secure keyring" in capsys.readouterr().err
    assert files_containing(tmp_path, SECRET) == []


def test_with_no_keyring_the_app_asks_each_time_and_stores_nothing(tmp_path: Path) -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())
    asked: list[str] = []

    def prompt(account: str) -> str:
        asked.append(account)
        return SECRET

    target = parse_database_url(URL)
    for _ in range(2):
        assert resolve_password(target, prompt).url.password == SECRET
    assert asked == ["girlscourt@db.example.org:5432/girlscourt"] * 2
    assert files_containing(tmp_path, SECRET) == []


def test_a_real_keyring_gets_the_password_and_the_config_never_does(
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    stdin: None,
) -> None:
    assert credentials.keyring_usable()
    assert credentials._backend_usable(FakeChainer([MemoryKeyring()]))
    assert set_password_cli(monkeypatch) == 0
    assert "OS keyring" in capsys.readouterr().out
    assert list(memory_keyring.store.values()) == [SECRET]
    assert files_containing(tmp_path, SECRET) == []
    config = config_file()
    if config.exists():
        text = config.read_text()
        assert SECRET not in text
        assert not re.search(r"password|://[^/@\s]+:[^@\s]+@", text, re.IGNORECASE)


def test_a_password_in_the_url_is_refused(
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    stdin: None,
) -> None:
    url = f"postgresql://girlscourt:{SECRET}@db.example.org/girlscourt"
    assert set_password_cli(monkeypatch, url) == 3
    assert "leave the password out of the URL" in capsys.readouterr().err
    assert memory_keyring.store == {}
    assert files_containing(tmp_path, SECRET) == []
