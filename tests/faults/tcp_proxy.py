"""A misbehaving network between the app and PostgreSQL: a TCP proxy on 127.0.0.1 with modes.

- ``pass``: forward both ways;
- ``delay``: forward every chunk ``delay_ms`` later (order kept);
- ``blackhole``: keep every socket open but forward nothing (new connections are accepted and
  then ignored), like a cable pulled behind a switch that still answers;
- ``reset``: close every connection with ``SO_LINGER`` 0 (an RST to both ends), and reset new
  ones at once;
- ``half_close``: send a FIN to the app's side (the server seems to hang up) and forward nothing.

One thread with ``select``; it stops by itself after ``lifetime`` seconds, and ``close()`` stops it
at once. ``set_mode`` returns when the loop has applied the mode, so a test can change the network
between two statements.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import select
import socket
import struct
import threading
import time
from dataclasses import dataclass, field

MODES = ("pass", "delay", "blackhole", "reset", "half_close")
_TICK = 0.02


@dataclass
class _Pair:
    client: socket.socket
    upstream: socket.socket | None
    closed: bool = False

    def peer(self, sock: socket.socket) -> socket.socket | None:
        return self.upstream if sock is self.client else self.client

    def sockets(self) -> list[socket.socket]:
        return [s for s in (self.client, self.upstream) if s is not None]


def _rst(sock: socket.socket) -> None:
    """Close with an RST instead of a FIN."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


@dataclass
class TcpProxy:
    """A proxy from ``127.0.0.1:port`` to ``127.0.0.1:upstream_port``."""

    upstream_port: int
    lifetime: float = 240.0
    mode: str = "pass"
    delay_ms: int = 0
    port: int = 0
    accepted: int = 0
    _pairs: list[_Pair] = field(default_factory=list)
    _queue: list[tuple[float, int, socket.socket, bytes]] = field(default_factory=list)
    _wanted: tuple[str, int] | None = None
    _applied: threading.Event = field(default_factory=threading.Event)
    _stop: threading.Event = field(default_factory=threading.Event)
    _order: itertools.count[int] = field(default_factory=itertools.count)

    def __post_init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.setblocking(False)
        self.port = int(self._listener.getsockname()[1])
        self._thread = threading.Thread(target=self._run, name="tcp-proxy", daemon=True)
        self._thread.start()

    # --- control (any thread) ------------------------------------------------------------------

    def set_mode(self, mode: str, delay_ms: int = 0) -> None:
        """Switch the network's behaviour; returns once the proxy acts on it."""
        if mode not in MODES:
            raise ValueError(f"unknown proxy mode {mode!r}")
        self._applied.clear()
        self._wanted = (mode, delay_ms)
        if not self._applied.wait(5.0):
            raise RuntimeError("the proxy did not take the new mode")

    def close(self) -> None:
        """Stop the loop and close every socket."""
        self._stop.set()
        self._thread.join(timeout=5.0)

    @property
    def open_connections(self) -> int:
        return sum(1 for p in self._pairs if not p.closed)

    # --- the loop (the proxy's own thread) --------------------------------------------------

    def _run(self) -> None:
        deadline = time.monotonic() + self.lifetime
        try:
            while not self._stop.is_set() and time.monotonic() < deadline:
                self._apply_wanted()
                self._step()
        finally:
            for pair in self._pairs:
                self._drop(pair)
            self._listener.close()

    def _apply_wanted(self) -> None:
        wanted, self._wanted = self._wanted, None
        if wanted is None:
            return
        self.mode, self.delay_ms = wanted
        if self.mode == "reset":
            for pair in self._pairs:
                self._drop(pair, rst=True)
        elif self.mode == "half_close":
            for pair in self._pairs:
                if not pair.closed:
                    with contextlib.suppress(OSError):
                        pair.client.shutdown(socket.SHUT_WR)
        self._applied.set()

    def _forwarding(self) -> bool:
        return self.mode in ("pass", "delay")

    def _step(self) -> None:
        watched: list[socket.socket] = [self._listener]
        if self._forwarding():
            for pair in self._pairs:
                if not pair.closed:
                    watched += pair.sockets()
        timeout = _TICK
        if self._queue and self._forwarding():
            timeout = max(0.0, min(timeout, self._queue[0][0] - time.monotonic()))
        try:
            readable, _, _ = select.select(watched, [], [], timeout)
        except (OSError, ValueError):
            self._pairs = [p for p in self._pairs if not p.closed]
            return
        for sock in readable:
            if sock is self._listener:
                self._accept()
            else:
                self._forward(sock)
        self._flush_due()
        self._pairs = [p for p in self._pairs if not p.closed]

    def _accept(self) -> None:
        try:
            client, _ = self._listener.accept()
        except OSError:
            return
        self.accepted += 1
        client.setblocking(True)
        if self.mode == "reset":
            _rst(client)
            return
        if self.mode == "half_close":
            client.shutdown(socket.SHUT_WR)
            self._pairs.append(_Pair(client, None))
            return
        if self.mode == "blackhole":
            self._pairs.append(_Pair(client, None))  # accepted, then ignored
            return
        try:
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port), timeout=5.0)
        except OSError:
            _rst(client)
            return
        upstream.settimeout(5.0)
        client.settimeout(5.0)
        self._pairs.append(_Pair(client, upstream))

    def _pair_of(self, sock: socket.socket) -> _Pair | None:
        for pair in self._pairs:
            if sock is pair.client or sock is pair.upstream:
                return pair
        return None

    def _forward(self, sock: socket.socket) -> None:
        pair = self._pair_of(sock)
        if pair is None or pair.closed:
            return
        try:
            data = sock.recv(65536)
        except OSError:
            data = b""
        target = pair.peer(sock)
        if not data or target is None:
            self._drop(pair)
            return
        if self.mode == "delay" and self.delay_ms > 0:
            due = time.monotonic() + self.delay_ms / 1000
            heapq.heappush(self._queue, (due, next(self._order), target, data))
            return
        self._send(pair, target, data)

    def _flush_due(self) -> None:
        if not self._forwarding():
            return  # held back while the network is dark
        now = time.monotonic()
        while self._queue and self._queue[0][0] <= now:
            _, _, target, data = heapq.heappop(self._queue)
            pair = self._pair_of(target)
            if pair is not None and not pair.closed:
                self._send(pair, target, data)

    def _send(self, pair: _Pair, target: socket.socket, data: bytes) -> None:
        try:
            target.sendall(data)
        except OSError:
            self._drop(pair)

    def _drop(self, pair: _Pair, *, rst: bool = False) -> None:
        if pair.closed:
            return
        pair.closed = True
        for sock in pair.sockets():
            if rst:
                _rst(sock)
            else:
                with contextlib.suppress(OSError):
                    sock.close()
