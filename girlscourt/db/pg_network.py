"""Dead-network detection for PostgreSQL: timeouts a county can tune, and a client-side deadline.

A connection that goes dark (a cable pulled, a VPN dropped, a firewall that forgets the flow) must
turn into "database unavailable" within seconds, never a frozen save. Four layers, each bounded:

- libpq ``connect_timeout``: a new connection that gets no answer fails (10 s by default);
- TCP keepalives and ``tcp_user_timeout``: the kernel gives up on a peer that stopped answering;
- server-side ``statement_timeout`` and ``idle_in_transaction_session_timeout``: the server
  cancels a statement that runs too long and ends a session whose client left mid-transaction
  (so no crashed desk holds row locks);
- a client-side deadline (``statement_timeout`` plus a few seconds): when no answer arrives at
  all, because the query never reached the server or the answer never came back and a
  middlebox still acknowledges the packets, a watchdog shuts the socket, so the blocked call
  fails at once with a disconnect instead of waiting forever.

The numbers are settings (``girlscourt.toml``) with bounds: none can be switched off.
"""

from __future__ import annotations

import heapq
import itertools
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from girlscourt.errors import ConfigurationError

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.engine import URL

CLIENT_GRACE_SECONDS = 5.0  # the server's statement_timeout answers first when it can

# key, default, minimum, maximum, label (whole seconds unless the key says otherwise)
NETWORK_SETTINGS: tuple[tuple[str, int, int, int, str], ...] = (
    ("db_connect_timeout_seconds", 10, 2, 60,
     "PostgreSQL: give up on a new connection after this many seconds"),
    ("db_statement_timeout_seconds", 30, 2, 600,
     "PostgreSQL: cancel a statement after this many seconds"),
    ("db_idle_in_transaction_timeout_seconds", 60, 5, 3600,
     "PostgreSQL: end a session left idle inside a transaction after this many seconds"),
    ("db_keepalive_idle_seconds", 10, 1, 300,
     "PostgreSQL: seconds of silence before TCP keepalive probes start"),
    ("db_keepalive_interval_seconds", 5, 1, 60,
     "PostgreSQL: seconds between TCP keepalive probes"),
    ("db_keepalive_count", 3, 1, 20,
     "PostgreSQL: unanswered TCP keepalive probes before the connection is dropped"),
    ("db_tcp_user_timeout_seconds", 30, 2, 600,
     "PostgreSQL: drop the connection when sent data stays unacknowledged this many seconds"),
)  # fmt: skip
_BOUNDS = {key: (low, high) for key, _default, low, high, _label in NETWORK_SETTINGS}


@dataclass(frozen=True)
class NetworkLimits:
    """The timeouts one engine uses; every value is checked against the settings' bounds."""

    connect_timeout: int = 10
    statement_timeout: int = 30
    idle_in_transaction_timeout: int = 60
    keepalive_idle: int = 10
    keepalive_interval: int = 5
    keepalive_count: int = 3
    tcp_user_timeout: int = 30

    def __post_init__(self) -> None:
        for item in fields(self):
            key = _setting_key(item.name)
            low, high = _BOUNDS[key]
            value = getattr(self, item.name)
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise ConfigurationError(f"{key}: must be a whole number from {low} to {high}")

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any] | Any) -> NetworkLimits:
        """The limits named in ``settings`` (a Settings object or a plain mapping)."""
        values: dict[str, Any] = {}
        for item in fields(cls):
            try:
                values[item.name] = settings[_setting_key(item.name)]
            except KeyError:
                continue  # an older settings object: the default
        return cls(**values)

    @property
    def client_deadline(self) -> float:
        """Seconds a statement or commit may wait for any answer before the socket is shut."""
        return self.statement_timeout + CLIENT_GRACE_SECONDS

    @property
    def ping_deadline(self) -> float:
        """Seconds the pool's pre-ping may wait (a ping is tiny: as long as a new connection)."""
        return float(self.connect_timeout)


def _setting_key(name: str) -> str:
    if name == "keepalive_count":
        return "db_keepalive_count"
    return f"db_{name}_seconds"


def connect_args(url: URL, limits: NetworkLimits) -> dict[str, Any]:
    """libpq parameters for ``limits``; an ``options`` the URL already has is kept, ours after it.

    Our ``-c`` settings come last, so the bounded settings win over the same key in the URL.
    """
    ours = (
        f"-c statement_timeout={limits.statement_timeout * 1000} "
        f"-c idle_in_transaction_session_timeout={limits.idle_in_transaction_timeout * 1000}"
    )
    existing = url.query.get("options")
    if isinstance(existing, tuple):
        existing = " ".join(existing)
    options = f"{existing} {ours}" if existing else ours
    return {
        "connect_timeout": limits.connect_timeout,
        "keepalives": 1,
        "keepalives_idle": limits.keepalive_idle,
        "keepalives_interval": limits.keepalive_interval,
        "keepalives_count": limits.keepalive_count,
        "tcp_user_timeout": limits.tcp_user_timeout * 1000,
        "options": options,
    }


class _Watchdog:
    """One thread for the whole process: shuts the socket of any call that outlives its deadline.

    Shutting a socket (not closing it) is safe while another thread is blocked on it: the
    blocked read returns at once, libpq marks the connection bad, and SQLAlchemy discards it.
    """

    def __init__(self) -> None:
        self._wake = threading.Condition()
        self._armed: dict[int, int] = {}  # token -> socket
        self._fired: set[int] = set()
        self._heap: list[tuple[float, int]] = []
        self._tokens = itertools.count(1)
        self._thread: threading.Thread | None = None

    def arm(self, sock: int, seconds: float) -> int:
        with self._wake:
            token = next(self._tokens)
            self._armed[token] = sock
            heapq.heappush(self._heap, (time.monotonic() + seconds, token))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="girlscourt-db-deadline", daemon=True
                )
                self._thread.start()
            self._wake.notify()
            return token

    def disarm(self, token: int) -> bool:
        """Forget ``token``; True when its deadline had passed and the socket was shut."""
        with self._wake:
            self._armed.pop(token, None)
            if token in self._fired:
                self._fired.discard(token)
                return True
            return False

    def _run(self) -> None:
        while True:
            with self._wake:
                while self._heap and self._heap[0][1] not in self._armed:
                    heapq.heappop(self._heap)  # finished in time
                if not self._heap:
                    self._wake.wait(60.0)
                    if not self._heap:
                        self._thread = None
                        return
                    continue
                due, token = self._heap[0]
                now = time.monotonic()
                if due > now:
                    self._wake.wait(due - now)
                    continue
                heapq.heappop(self._heap)
                sock = self._armed.pop(token)
                self._fired.add(token)
                _shut(sock)  # under the lock: the call cannot finish and free the socket first


def _shut(sock: int) -> None:
    try:
        handle = socket.socket(fileno=sock)
    except OSError:
        return
    try:
        handle.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    finally:
        handle.detach()  # the socket stays libpq's to close


WATCHDOG = _Watchdog()


def _socket_of(holder: Any) -> int | None:
    """The socket of a psycopg connection, cursor or SQLAlchemy pooled connection."""
    connection = getattr(holder, "dbapi_connection", None) or holder
    connection = getattr(connection, "connection", connection)  # a cursor's connection
    connection = getattr(connection, "dbapi_connection", None) or connection
    pgconn = getattr(connection, "pgconn", None)
    if pgconn is None:
        return None
    try:
        sock = int(pgconn.socket)
    except Exception:  # a closed or broken connection has no socket: nothing to watch
        return None
    return sock


NO_DEADLINE_OPTION = "girlscourt_no_client_deadline"
NO_DEADLINE = {NO_DEADLINE_OPTION: True}  # execution options of a long administrative step


def _lifted(args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
    """Whether the statement's execution options lift the client deadline (schema upgrades)."""
    for value in (*args[1:], *kwargs.values()):
        options = getattr(value, "execution_options", None)  # the statement's context
        if isinstance(options, Mapping) and options.get(NO_DEADLINE_OPTION):
            return True
    return False


def _guarded(
    call: Callable[..., Any], seconds: float, what: str, holder_arg: int = 0
) -> Callable[..., Any]:
    def guarded(*args: Any, **kwargs: Any) -> Any:
        sock = _socket_of(args[holder_arg]) if len(args) > holder_arg else None
        if sock is None or _lifted(args, kwargs):
            return call(*args, **kwargs)
        token = WATCHDOG.arm(sock, seconds)
        fired = False
        try:
            return call(*args, **kwargs)
        except Exception as error:
            fired = WATCHDOG.disarm(token)
            if fired:
                import psycopg

                raise psycopg.OperationalError(
                    f"no answer from the database server within {seconds:g} s ({what}); "
                    "the network or the server is down"
                ) from error
            raise
        finally:
            if not fired:
                WATCHDOG.disarm(token)

    return guarded


def guard(engine: Engine, limits: NetworkLimits) -> None:
    """Put the client-side deadline around every statement, commit, rollback and ping."""
    dialect: Any = engine.dialect
    deadline = limits.client_deadline
    for name, what in (
        ("do_execute", "a statement"),
        ("do_executemany", "a statement"),
        ("do_execute_no_params", "a statement"),
        ("do_commit", "saving"),
        ("do_rollback", "a rollback"),
    ):
        setattr(dialect, name, _guarded(getattr(dialect, name), deadline, what))
    dialect.do_ping = _guarded(dialect.do_ping, limits.ping_deadline, "a connection check")
