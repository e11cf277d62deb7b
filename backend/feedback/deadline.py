"""A deadline on one store call, enforced by cutting the database connections the calling thread holds.

Timeouts in the driver and on the server cover a database that answers slowly or a network that drops
packets. They cannot cover a database that accepts bytes and never answers: a frozen server process (the
kernel still acknowledges what is sent to it) or a middlebox that stops forwarding. psycopg then waits on
the socket for ever. So each bounded call starts a timer; when it fires, the socket of every connection the
thread checked out is shut down (SQLite: the running statement is interrupted). The blocked driver call
fails at once, the pool discards the connection, and the store answers "unavailable". No new connection is
opened for a call past its deadline.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
from collections.abc import Iterator
from typing import Any

log = logging.getLogger(__name__)


class DeadlineExceeded(RuntimeError):
    """A store call ran past its deadline; its connections were cut."""


class _Call:
    """One bounded call: the connections it holds, and whether its deadline has passed."""

    def __init__(self) -> None:
        self.connections: list[Any] = []
        self.expired = False
        self.lock = threading.Lock()

    def cut(self) -> None:
        with self.lock:
            self.expired = True
            for connection in self.connections:
                _cut(connection)


class ConnectionDeadline:
    """Attach to an engine once; `with deadline.bounded():` around each call that must end in time."""

    def __init__(self, engine: Any, seconds: float) -> None:
        from sqlalchemy import event

        self.seconds = seconds
        self._local = threading.local()
        # First among the checkout listeners: the ping one (feedback.database) must already be cuttable.
        event.listen(engine, "checkout", self._checked_out, insert=True)
        event.listen(engine, "checkin", self._checked_in)
        event.listen(engine, "do_connect", self._before_connect)

    @contextlib.contextmanager
    def bounded(self, seconds: float | None = None) -> Iterator[None]:
        """Cut this thread's connections `seconds` (default: the engine's deadline) after entering."""
        seconds = self.seconds if seconds is None else seconds
        call = _Call()
        self._local.call = call
        timer = threading.Timer(seconds, call.cut)
        timer.daemon = True
        timer.start()
        try:
            yield
        except Exception as error:
            if call.expired:
                raise DeadlineExceeded(f"the database did not answer within {seconds:g} s") from error
            raise
        finally:
            timer.cancel()
            self._local.call = None

    def _current(self) -> _Call | None:
        return getattr(self._local, "call", None)

    def _checked_out(self, dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        call = self._current()
        if call is None:
            return
        with call.lock:
            if call.expired:
                _cut(dbapi_connection)
            call.connections.append(dbapi_connection)

    def _checked_in(self, dbapi_connection: Any, _record: Any) -> None:
        call = self._current()
        if call is None:
            return
        with call.lock:
            if dbapi_connection in call.connections:
                call.connections.remove(dbapi_connection)

    def _before_connect(self, *_args: Any) -> None:
        call = self._current()
        if call is not None and call.expired:
            raise DeadlineExceeded(f"the database did not answer within {self.seconds:g} s")


def _cut(dbapi_connection: Any) -> None:
    """Make a blocked driver call on this connection fail now (another thread may be inside it)."""
    interrupt = getattr(dbapi_connection, "interrupt", None)
    if interrupt is not None:  # sqlite3: aborts the running statement (or the busy wait) with an error
        with contextlib.suppress(Exception):
            interrupt()
        return
    pgconn = getattr(dbapi_connection, "pgconn", None)
    if pgconn is None:
        return
    try:
        descriptor = os.dup(pgconn.socket)
    except Exception:  # already closed
        return
    # A duplicate of the descriptor: shutting it down wakes the thread blocked on the original, which
    # the driver then closes itself; closing the original here could hand its number to another file.
    with socket.socket(fileno=descriptor) as duplicate, contextlib.suppress(OSError):
        duplicate.shutdown(socket.SHUT_RDWR)
    log.debug("cut a database connection past its deadline")
