"""Opening the database: URL checks, SQLite pragmas, PostgreSQL TLS and keyring passwords.

A SQLite file on a network share is refused: several workstations must share PostgreSQL, because
SQLite's locking is not reliable over SMB or NFS and a corrupted case file helps nobody.
"""

from __future__ import annotations

import os
import platform
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import StaticPool

from girlscourt import credentials
from girlscourt.db import integrity, pg_network
from girlscourt.db.pg_network import NetworkLimits
from girlscourt.errors import ConfigurationError

NETWORK_FILESYSTEMS = frozenset(
    {"nfs", "nfs4", "cifs", "smb", "smb3", "smbfs", "fuse.sshfs", "9p", "afs", "ceph",
     "glusterfs", "davfs", "fuse.davfs2", "ncpfs", "lustre"}
)  # fmt: skip
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", ""})

PasswordPrompt = Callable[[str], str | None]


@dataclass(frozen=True)
class DatabaseTarget:
    """A checked URL plus what the app needs to know about it."""

    url: URL
    dialect: str  # "sqlite" or "postgresql"

    @property
    def display(self) -> str:
        """The URL with any password hidden, safe for messages and logs."""
        return self.url.render_as_string(hide_password=True)


def parse_database_url(text: str, *, source: str = "--database") -> DatabaseTarget:
    """Check a URL and normalise its driver; the error names where the URL came from."""
    try:
        url = make_url(text.strip())
    except (exc.ArgumentError, ValueError) as error:
        raise ConfigurationError(
            f"{source}: {text!r} is not a database URL "
            "(expected sqlite:///PATH or postgresql://USER@HOST/DBNAME)"
        ) from error
    backend = url.get_backend_name()
    if backend == "sqlite":
        return DatabaseTarget(url.set(drivername="sqlite+pysqlite"), "sqlite")
    if backend in {"postgresql", "postgres"}:
        if not url.host and not url.query.get("host"):
            raise ConfigurationError(f"{source}: a PostgreSQL URL needs a host name")
        if not url.database:
            raise ConfigurationError(f"{source}: a PostgreSQL URL needs a database name")
        return DatabaseTarget(url.set(drivername="postgresql+psycopg"), "postgresql")
    raise ConfigurationError(
        f"{source}: unsupported database {backend!r} (use sqlite or postgresql)"
    )


def sqlite_url_for(path: Path) -> str:
    """The URL of a SQLite file at ``path``."""
    return f"sqlite:///{path}"


def _mount_fstype(path: Path) -> str | None:
    """The filesystem type of the mount holding ``path`` (Linux), or None if unknown."""
    mounts = Path("/proc/mounts")
    if not mounts.exists():
        return None
    best, fstype = "", None
    resolved = str(path.resolve())
    for line in mounts.read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        mount_point = parts[1].replace("\\040", " ")
        inside = resolved == mount_point or resolved.startswith(mount_point.rstrip("/") + "/")
        if inside and len(mount_point) >= len(best):
            best, fstype = mount_point, parts[2]
    return fstype


def _windows_remote(path: Path) -> bool:
    """True for a UNC path or a mapped network drive on Windows."""
    text = str(path.resolve())
    if text.startswith("\\\\"):
        return True
    if sys.platform == "win32":
        import ctypes  # only on Windows, where the drive-type call exists

        drive_remote = 4
        return bool(ctypes.windll.kernel32.GetDriveTypeW(text[:3]) == drive_remote)
    return False


def on_network_filesystem(path: Path) -> bool:
    """Whether ``path`` (or the folder it would be created in) lies on a network filesystem."""
    probe = path if path.exists() else path.parent
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if _windows_remote(probe):
        return True
    return (_mount_fstype(probe) or "") in NETWORK_FILESYSTEMS


def check_sqlite_path(target: DatabaseTarget) -> Path | None:
    """Refuse a network share; create the folder; None for an in-memory database."""
    database = target.url.database
    if not database or database == ":memory:":
        return None
    path = Path(database)
    if on_network_filesystem(path):
        raise ConfigurationError(
            f"database: {path} is on a network share. SQLite is for one workstation; "
            "to share records between workstations use a PostgreSQL server "
            "(--database postgresql://USER@HOST/DBNAME)."
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ConfigurationError(
            f"database: cannot create folder {path.parent}: {error}"
        ) from error
    return path


def owner_only(path: Path) -> None:
    """The database file and its -wal and -shm readable by their owner only (they hold every
    record): set when a connection opens, so a new file is tightened as it is made, and one made
    by an older version on its next open. A file owned by someone else is left as it is."""
    if os.name != "posix":
        return  # Windows: the user profile's ACLs already keep the data folder private
    for part in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            info = part.stat()
            if info.st_mode & 0o077 and info.st_uid == os.getuid():
                part.chmod(0o600)
        except OSError:
            continue  # not there (yet), or not ours


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Set on every connection: SQLite forgets them when a connection closes."""
    dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (see _sqlite_begin)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    """Writers begin IMMEDIATE so two writers queue on busy_timeout instead of deadlocking."""
    mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
    connection.exec_driver_sql(f"BEGIN {mode}")


def resolve_password(
    target: DatabaseTarget, prompt: PasswordPrompt | None = None
) -> DatabaseTarget:
    """Fill in a PostgreSQL password from the keyring, or from ``prompt`` when none is saved."""
    url = target.url
    if target.dialect != "postgresql" or url.password:
        return target
    account = credentials.account_key(
        url.username or "", url.host or "", url.port, url.database or ""
    )
    password = credentials.get_password(account)
    if password is None and prompt is not None:
        password = prompt(account)
    if password is None:
        return target  # peer or trust authentication may still let us in
    return DatabaseTarget(url.set(password=password), target.dialect)


def make_engine(
    target: DatabaseTarget, *, echo: bool = False, network: NetworkLimits | None = None
) -> Engine:
    """An engine with the pragmas, timeouts and TLS policy this app needs.

    ``network`` holds PostgreSQL's dead-network limits (the settings' defaults when None).
    """
    url = target.url
    if target.dialect == "sqlite":
        path = check_sqlite_path(target)
        if path is not None:
            integrity.check_sqlite_file(path)  # a damaged file is refused before any connection
        kwargs: dict[str, Any] = {}
        if path is None:
            kwargs["poolclass"] = StaticPool  # one shared in-memory database for all threads
        engine = create_engine(url, echo=echo, connect_args={"check_same_thread": False}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        if path is not None:
            event.listen(engine, "connect", lambda *_: owner_only(path))
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    problem = tls_problem(url.host, url.query)
    if problem is not None:  # the command line and the environment, like girlscourt.toml
        raise ConfigurationError(f"database URL: {problem}")
    limits = network or NetworkLimits()
    connect_args = pg_network.connect_args(url, limits) | {"application_name": "girlscourt"}
    host = (url.host or "").lower()
    if host not in LOOPBACK_HOSTS and "sslmode" not in url.query and not host.startswith("/"):
        connect_args["sslmode"] = "verify-full"
    engine = create_engine(
        url, echo=echo, connect_args=connect_args, pool_pre_ping=True, pool_size=4
    )
    pg_network.guard(engine, limits)  # a dark connection fails within the limits, never hangs
    return engine


def tls_problem(host: str | None, query: Mapping[str, Any]) -> str | None:
    """Anything weaker than ``verify-full`` to a server off this machine, said in one line.

    Loopback hosts and Unix sockets may ask for what they like; a remote host (the URL's, or
    any ``host=`` in its query) gets ``verify-full`` or nothing (the engine then sets it).
    """
    extra = query.get("host")
    hosts = [host or "", *([extra] if isinstance(extra, str) else (extra or ()))]
    remote = [h for h in hosts if h.lower() not in LOOPBACK_HOSTS and not h.startswith("/")]
    sslmode = query.get("sslmode")
    if remote and sslmode not in (None, "verify-full"):
        mode = sslmode if isinstance(sslmode, str) else ",".join(sslmode)
        return (
            f"sslmode={_printable(mode)} would weaken TLS to the remote server "
            f"{_printable(remote[0])}; only verify-full is allowed"
        )
    return None


def _printable(text: str, limit: int = 60) -> str:
    """A URL part as it may appear in a one-line message: short, no control characters."""
    shown = "".join(c if c.isprintable() else "?" for c in text)
    return shown if len(shown) <= limit else shown[:limit] + "…"


def workstation_name() -> str:
    """The name of this machine for the audit trail."""
    return os.environ.get("GIRLSCOURT_WORKSTATION") or platform.node() or "workstation"
