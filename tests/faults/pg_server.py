"""A throwaway PostgreSQL server per test session: initdb and pg_ctl on a private port and socket.

The fault tests stop, kill and restart this server, so it must never be the shared CI cluster.
PostgreSQL refuses to run as root, so under root the server runs as the ``postgres`` OS user in a
folder that user owns.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path


def _pg_bin() -> Path | None:
    """The folder holding initdb and pg_ctl (Debian keeps them out of PATH)."""
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), reverse=True)
    if candidates:
        return candidates[0].parent
    found = shutil.which("initdb")
    return Path(found).parent if found and shutil.which("psql") else None


def free_port() -> int:
    """A TCP port on the loopback that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class PgServer:
    """One private server: ``url`` reaches it over TCP on 127.0.0.1:``port``."""

    root: Path
    port: int = field(default_factory=free_port)
    bin_dir: Path | None = field(default_factory=_pg_bin)

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def sockets(self) -> Path:
        return self.root / "sockets"

    @property
    def url(self) -> str:
        return f"postgresql://gc_fault:gc_fault@127.0.0.1:{self.port}/gc_fault"

    def url_via(self, port: int) -> str:
        """The same database reached through another port (a proxy in front of the server)."""
        return f"postgresql://gc_fault:gc_fault@127.0.0.1:{port}/gc_fault"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        assert self.bin_dir is not None
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        if check and done.returncode != 0:
            raise RuntimeError(f"{args[0]} failed ({done.returncode}): {done.stderr.strip()}")
        return done

    def init(self) -> None:
        """initdb with a superuser, then start and create the test role and database."""
        self.root.mkdir(parents=True, exist_ok=True)
        self.sockets.mkdir(exist_ok=True)
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            for path in (self.root, self.sockets):
                os.chown(path, user.pw_uid, user.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync")
        settings = self.data / "postgresql.conf"
        with settings.open("a", encoding="utf-8") as conf:
            conf.write(
                f"\nport = {self.port}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.sockets}'\nfsync = on\n"
                "max_connections = 60\nshared_buffers = 32MB\n"
            )
        self.start()
        self.psql("CREATE ROLE gc_fault LOGIN SUPERUSER PASSWORD 'gc_fault'")
        self.psql("CREATE DATABASE gc_fault OWNER gc_fault")

    def psql(self, sql: str, database: str = "postgres") -> str:
        """Run one statement as the server's superuser over the private socket."""
        done = self._run(
            "psql", "-h", str(self.sockets), "-p", str(self.port), "-U", "postgres",
            "-d", database, "-v", "ON_ERROR_STOP=1", "-qAtX", "-c", sql,
        )  # fmt: skip
        return done.stdout.strip()

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"), "-w",
                  "-t", "60", "start")  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        """``fast`` (clean), or ``immediate`` (crash-style: no checkpoint, clients cut off)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def restart(self, mode: str = "fast") -> None:
        self.stop(mode)
        self.start()

    def running(self) -> bool:
        return self._run("pg_ctl", "-D", str(self.data), "status", check=False).returncode == 0

    def wait_ready(self, seconds: float = 30.0) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise TimeoutError(f"PostgreSQL on port {self.port} did not come back")

    def destroy(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


def new_server_root() -> Path:
    """A folder the ``postgres`` user can reach (pytest's tmp_path may sit under /root)."""
    root = Path(tempfile.mkdtemp(prefix="gc-fault-pg-"))
    root.chmod(0o755)
    return root / "cluster"
