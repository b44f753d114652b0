"""F10: the keyring is unavailable, or keeps secrets in a plain file (RELIABILITY.md (b), req. 24).

With the fail or the null backend (``keyring.set_keyring`` in this process, and
``PYTHON_KEYRING_BACKEND`` for a CLI process) the app asks for the shared database's password
each session and writes it nowhere. With keyrings.alt's plaintext file backend the app refuses
to open the database at all: no prompt, no file. The private server trusts local connections,
so what is proven here is the asking and the not-storing, not PostgreSQL's password check.
"""

from __future__ import annotations

import fcntl
import os
import select
import shutil
import subprocess
import sys
import termios
import time
from pathlib import Path

import keyring
import keyring.backends.fail
import keyring.backends.null
import pytest
from keyring.backend import KeyringBackend
from keyrings.alt.file import PlaintextKeyring
from sqlalchemy.engine import make_url

from girlscourt import credentials
from girlscourt.config import config_file, data_dir
from girlscourt.db import migrate
from girlscourt.db.engine import make_engine, parse_database_url
from girlscourt.errors import ConfigurationError
from girlscourt.services.kernel.startup import open_core
from girlscourt.services.security import accounts
from tests.faults.fault_table import FaultTable

FAULT = "F10 keyring unavailable or plaintext"
SECRET = "Zzqx-f10-db-secret-8812"
NO_STORE = {
    "fail": "keyring.backends.fail.Keyring",
    "null": "keyring.backends.null.Keyring",
}
PLAINTEXT = "keyrings.alt.file.PlaintextKeyring"


def files_containing(roots: list[Path], needle: str) -> list[Path]:
    found = []
    for root in roots:
        for path in root.rglob("*") if root.exists() else ():
            if path.is_file() and not path.is_symlink() and needle.encode() in path.read_bytes():
                found.append(path)
    return found


@pytest.fixture
def server_url(pg_fault_url: str) -> str:
    """A migrated database on the private server, and its URL without the password."""
    engine = make_engine(parse_database_url(pg_fault_url))
    migrate.upgrade(engine)
    engine.dispose()
    url = make_url(pg_fault_url)
    return f"postgresql://{url.username}@{url.host}:{url.port}/{url.database}"


@pytest.fixture
def homes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """HOME and the XDG folders inside the test, so any file a keyring writes is seen."""
    home = tmp_path / "home"
    for name, sub in (("HOME", ""), ("XDG_DATA_HOME", "share"), ("XDG_CONFIG_HOME", "config")):
        folder = home / sub
        folder.mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(name, str(folder))
    return [tmp_path, data_dir(), config_file().parent]


def plaintext_file() -> Path:
    return Path(PlaintextKeyring().file_path)


@pytest.mark.parametrize("backend", list(NO_STORE))
def test_without_a_keyring_the_app_asks_each_session_and_stores_nothing(
    backend: str, server_url: str, homes: list[Path], fault_table: FaultTable
) -> None:
    keyring.set_keyring(
        keyring.backends.fail.Keyring() if backend == "fail" else keyring.backends.null.Keyring()
    )
    asked: list[str] = []

    def prompt(account: str) -> str:
        asked.append(account)
        return SECRET

    for _session in range(3):
        core = open_core(server_url, prompt=prompt)
        try:
            assert core.db.target.url.password == SECRET  # held in memory for this session
            assert accounts.has_users(core) is False  # the connection really works
        finally:
            core.db.dispose()
    assert len(asked) == 3 and asked[0].startswith("gc_fault@127.0.0.1:")
    assert credentials.set_password(asked[0], SECRET) is False  # nowhere to keep it
    assert files_containing(homes, SECRET) == []
    fault_table.record(FAULT, rounds=3, survived=3, lost=0, partial=0, backend="postgresql")


def test_a_plaintext_keyring_is_refused_before_anything_is_asked(
    server_url: str, homes: list[Path], fault_table: FaultTable
) -> None:
    keyring.set_keyring(PlaintextKeyring())
    asked: list[str] = []
    with pytest.raises(ConfigurationError, match=f"{PLAINTEXT} keeps passwords in a file"):
        open_core(server_url, prompt=lambda account: asked.append(account) or SECRET)
    assert asked == []
    assert credentials.set_password("gc_fault@127.0.0.1:5432/x", SECRET) is False
    assert not plaintext_file().exists() and files_containing(homes, SECRET) == []
    fault_table.record(FAULT, rounds=1, survived=1, lost=0, partial=0, backend="postgresql")


def test_a_chained_plaintext_link_is_refused_too() -> None:
    class Chainer(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def __init__(self) -> None:
            super().__init__()
            self.backends = [keyring.backends.null.Keyring(), PlaintextKeyring()]

        def get_password(self, service: str, username: str) -> str | None:
            return None

        def set_password(self, service: str, username: str, password: str) -> None:
            raise AssertionError("never asked to store")

        def delete_password(self, service: str, username: str) -> None:
            return None

    Chainer.__module__ = "keyring.backends.chainer"
    keyring.set_keyring(Chainer())
    with pytest.raises(ConfigurationError, match="keeps passwords in a file"):
        credentials.get_password("gc_fault@127.0.0.1:5432/x")


# -- a CLI process, its keyring chosen by PYTHON_KEYRING_BACKEND --------------------------------


def _take_terminal() -> None:
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)  # the pty becomes the child's /dev/tty for getpass


def _in_a_new_session(command: list[str]) -> tuple[list[str], dict[str, object]]:
    """util-linux setsid makes the pty the child's terminal without Python code between fork
    and exec (unsafe with threads); a preexec hook only where setsid is missing."""
    setsid = shutil.which("setsid")
    if setsid:
        return [setsid, "--wait", "--ctty", *command], {}
    return command, {"start_new_session": True, "preexec_fn": _take_terminal}


def on_a_terminal(args: list[str], env: dict[str, str], answer: str) -> tuple[int, str, int]:
    """Run the CLI on a pseudo-terminal, answering each password prompt; (code, screen, prompts)."""
    master, slave = os.openpty()
    command, session = _in_a_new_session([sys.executable, "-m", "girlscourt", *args])
    child = subprocess.Popen(  # type: ignore[call-overload]
        command, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=env["HOME"], **session
    )
    os.close(slave)
    screen, prompts = b"", 0
    deadline = time.monotonic() + 90
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if not ready:
                if child.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(master, 4096)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            screen += chunk
            if screen.count(b"assword for ") > prompts:
                prompts += 1
                os.write(master, answer.encode() + b"\n")
        else:
            raise AssertionError(f"the CLI did not finish: {screen.decode(errors='replace')}")
        code = child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        os.close(master)
    return code, screen.decode(errors="replace"), prompts


def child_env(backend: str, homes: list[Path]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["PYTHON_KEYRING_BACKEND"] = backend
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
    return env


@pytest.mark.parametrize("backend", list(NO_STORE))
def test_the_cli_asks_each_session_and_stores_nothing(
    backend: str, server_url: str, homes: list[Path], fault_table: FaultTable
) -> None:
    env = child_env(NO_STORE[backend], homes)
    for _session in range(2):
        code, screen, prompts = on_a_terminal(
            ["--database", server_url, "db", "status"], env, SECRET
        )
        assert code == 0, screen
        assert prompts == 1 and "status: up to date" in screen
        assert SECRET not in screen  # no echo
    saved = on_a_terminal(["--database", server_url, "db", "set-password"], env, SECRET)
    assert saved[0] == 3 and "no secure keyring is available; nothing was saved" in saved[1]

    quiet = subprocess.run(  # no terminal: nothing to ask, and no hang
        [sys.executable, "-m", "girlscourt", "--database", server_url, "db", "status"],
        capture_output=True,
        text=True,
        env=env,
        cwd=env["HOME"],
        stdin=subprocess.DEVNULL,
        timeout=90,
    )
    assert quiet.returncode == 0, quiet.stderr  # the private server trusts local connections
    assert files_containing(homes, SECRET) == []
    fault_table.record(FAULT, rounds=3, survived=3, lost=0, partial=0, backend="postgresql")


def test_the_cli_refuses_a_plaintext_keyring(
    server_url: str, homes: list[Path], fault_table: FaultTable
) -> None:
    env = child_env(PLAINTEXT, homes)
    code, screen, prompts = on_a_terminal(["--database", server_url, "db", "status"], env, SECRET)
    assert code == 3 and prompts == 0
    (line,) = [x for x in screen.splitlines() if x.strip()]
    assert line.startswith(f"girlscourt: keyring: {PLAINTEXT} keeps passwords in a file")
    saved = on_a_terminal(["--database", server_url, "db", "set-password"], env, SECRET)
    assert saved[0] == 3 and "nothing was saved" in saved[1]
    assert not plaintext_file().exists() and files_containing(homes, SECRET) == []
    fault_table.record(FAULT, rounds=2, survived=2, lost=0, partial=0, backend="postgresql")
