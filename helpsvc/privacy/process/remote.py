"""Scrubbing through the node's scrubber process, over a Unix domain socket.

``helpsvc serve`` runs one scrubber process per node (``helpsvc.privacy.process.sidecar``)
so that no web worker loads scrubadub, NLTK, Faker and the name lists (about
170 MB each). A worker sends text and gets the scrubbed text back; if the
scrubber cannot answer in time, ``RemoteScrubber`` raises ``ScrubError`` and the
caller drops the text, exactly as when the in-process scrubber fails.

The wire format is ``multiprocessing.connection`` framing with its HMAC
challenge in both directions (the key is in a 0600 file beside the socket), then
plain bytes, never pickles: a request is one opcode byte and UTF-8 text, an
answer one status byte and UTF-8 text.
"""
from __future__ import annotations

import asyncio
import os
import secrets
import socket
import struct
import threading
from multiprocessing.connection import Connection, answer_challenge, deliver_challenge
from pathlib import Path

from ..errors import ScrubError

SCRUB = b"S"
PING = b"P"
OK = b"0"
FAILED = b"1"
# Comments are at most 2,000 characters and queries 500: a bigger request is not ours.
MAX_MESSAGE = 1 << 20
# Lone surrogates can arrive from JSON ("\ud800"); they must make the round trip as they are.
ENCODING_ERRORS = "surrogatepass"
# Idle connections kept for reuse; more are opened when more threads scrub at once.
_IDLE_CONNECTIONS = 8
# Requests one event loop has in flight at once: the scrubber process works on one text at
# a time, so more would only queue there, and each would need a connection of its own.
_ASYNC_IN_FLIGHT = 4


def key_path(socket_path: str | Path) -> Path:
    """The shared secret lives beside the socket: ``scrubber.sock`` -> ``scrubber.sock.key``."""
    return Path(f"{socket_path}.key")


def write_key(path: Path) -> bytes:
    """Creates a random key readable by this user only, and returns it."""
    key = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, key.hex().encode("ascii"))
    finally:
        os.close(fd)
    return key


def read_key(path: Path) -> bytes:
    return bytes.fromhex(path.read_text(encoding="ascii").strip())


def set_io_timeouts(sock: socket.socket, read: float, write: float) -> None:
    """Bounds every blocking read and write on the socket, in seconds (0: wait for ever).

    ``Connection`` reads with ``os.read`` on a blocking descriptor, so Python's own
    socket timeouts do not apply; the kernel's SO_RCVTIMEO/SO_SNDTIMEO do, and a
    read that times out raises BlockingIOError.
    """
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, _timeval(read))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, _timeval(write))


def _timeval(seconds: float) -> bytes:
    whole = int(seconds)
    return struct.pack("ll", whole, int((seconds - whole) * 1_000_000))


def connect(socket_path: str, key: bytes, timeout: float) -> Connection:
    """An authenticated connection to the scrubber process; every step is bounded by ``timeout``."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout)
        sock.connect(socket_path)
        sock.settimeout(None)
        set_io_timeouts(sock, timeout, timeout)
        conn = Connection(sock.detach())
    except BaseException:
        sock.close()
        raise
    try:
        # The same handshake as multiprocessing.connection.Client: each side proves it knows the key.
        answer_challenge(conn, key)
        deliver_challenge(conn, key)
    except BaseException:
        conn.close()
        raise
    return conn


class RemoteScrubber:
    """A thread-safe client for the scrubber process; call it like the ``scrub`` function.

    Each call borrows an idle connection (or opens one), so the event loop and any
    worker thread can scrub at once. A connection that failed is closed, never
    reused, and one whose peer went away is noticed before use: after the scrubber
    process restarts, the next call reaches the new one.
    """

    def __init__(self, socket_path: str | Path, timeout: float = 5.0) -> None:
        if timeout <= 0:
            raise ValueError("the scrubber timeout must be more than 0 seconds")
        self.socket_path = str(socket_path)
        self.timeout = timeout
        self._idle: list[Connection] = []
        self._idle_async: list[socket.socket] = []  # used by the event loop's thread only
        self._gate: asyncio.Semaphore | None = None
        self._gate_loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()
        self._pid = os.getpid()

    def __call__(self, text: str) -> str:
        return self.scrub(text)

    def scrub(self, text: str) -> str:
        """``text`` with personal data replaced by placeholders; raises ScrubError on any failure."""
        if not isinstance(text, str):
            raise ScrubError(f"expected str, got {type(text).__name__}")
        return self._ask(SCRUB + text.encode("utf-8", ENCODING_ERRORS), self.timeout)

    def ping(self, timeout: float | None = None) -> None:
        """Returns when the scrubber process answers; raises ScrubError when it does not."""
        self._ask(PING, timeout or self.timeout)

    def state(self) -> str:
        """For /readyz: "ok", or "unavailable: <why>"."""
        try:
            self.ping(min(self.timeout, 1.0))
        except ScrubError as exc:
            return f"unavailable: {exc}"
        return "ok"

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()
        idle_async, self._idle_async = self._idle_async, []
        for sock in idle_async:
            sock.close()

    def _ask(self, request: bytes, timeout: float) -> str:
        conn = self._borrow(timeout)
        try:
            conn.send_bytes(request)
            if not conn.poll(timeout):
                raise TimeoutError(f"no answer within {timeout:g} s")
            answer = conn.recv_bytes(MAX_MESSAGE)
        except BaseException as exc:
            # The stream may hold half a message or a late answer: never reuse it.
            conn.close()
            if isinstance(exc, Exception):
                raise ScrubError(f"the scrubber process did not answer ({_reason(exc)})") from exc
            raise
        self._give_back(conn)
        return _answer(answer)

    async def scrub_async(self, text: str) -> str:
        """``scrub`` for the event loop: it awaits the answer instead of blocking a thread.

        A thread waiting on the socket hands the interpreter lock back and forth with
        the event loop four times a call; under load that cost the loop more than the
        request itself. The same framing is written and read with non-blocking sockets.
        """
        if not isinstance(text, str):
            raise ScrubError(f"expected str, got {type(text).__name__}")
        request = SCRUB + text.encode("utf-8", ENCODING_ERRORS)
        loop = asyncio.get_running_loop()
        if self._gate is None or self._gate_loop is not loop:
            self._gate, self._gate_loop = asyncio.Semaphore(_ASYNC_IN_FLIGHT), loop
        async with self._gate:
            return await self._scrub_async(loop, request)

    async def _scrub_async(self, loop: asyncio.AbstractEventLoop, request: bytes) -> str:
        try:
            sock = self._idle_async.pop() if self._idle_async and self._pid == os.getpid() else None
            if sock is not None and _closed_by_peer(sock):
                sock.close()
                sock = None
            if sock is None:
                # Connecting and the key handshake are blocking and rare: done on a thread.
                sock = await asyncio.wait_for(loop.run_in_executor(None, self._connect_nonblocking), self.timeout)
        except Exception as exc:
            raise ScrubError(f"the scrubber process is unreachable ({_reason(exc)})") from exc
        try:
            answer = await asyncio.wait_for(_exchange(loop, sock, request), self.timeout)
        except BaseException as exc:
            sock.close()  # half a message may be in flight: never reuse it
            if isinstance(exc, Exception):
                raise ScrubError(f"the scrubber process did not answer ({_reason(exc)})") from exc
            raise
        if len(self._idle_async) < _IDLE_CONNECTIONS:
            self._idle_async.append(sock)
        else:
            sock.close()
        return _answer(answer)

    def _connect_nonblocking(self) -> socket.socket:
        conn = connect(self.socket_path, read_key(key_path(self.socket_path)), self.timeout)
        try:
            # The handshake is done; the same stream goes on as a non-blocking socket.
            sock = socket.socket(fileno=os.dup(conn.fileno()))
        finally:
            conn.close()
        sock.setblocking(False)
        return sock

    def _borrow(self, timeout: float) -> Connection:
        with self._lock:
            if self._pid != os.getpid():
                # A forked child must not share its parent's connections.
                self._idle, self._pid = [], os.getpid()
            while self._idle:
                conn = self._idle.pop()
                # Nothing is ever sent unasked, so a readable idle connection was closed by the peer.
                try:
                    stale = conn.poll(0)
                except OSError:
                    stale = True
                if not stale:
                    return conn
                conn.close()
        try:
            return connect(self.socket_path, read_key(key_path(self.socket_path)), timeout)
        except Exception as exc:
            raise ScrubError(f"the scrubber process is unreachable ({_reason(exc)})") from exc

    def _give_back(self, conn: Connection) -> None:
        with self._lock:
            if len(self._idle) < _IDLE_CONNECTIONS and self._pid == os.getpid():
                self._idle.append(conn)
                return
        conn.close()


def _answer(answer: bytes) -> str:
    status, body = answer[:1], answer[1:].decode("utf-8", ENCODING_ERRORS)
    if status == OK:
        return body
    if status == FAILED:
        raise ScrubError(body or "scrubbing failed")
    raise ScrubError("the scrubber process sent an answer this worker does not understand")


async def _exchange(loop: asyncio.AbstractEventLoop, sock: socket.socket, request: bytes) -> bytes:
    """One request and its answer in multiprocessing.connection's framing: a 4-byte
    big-endian length, then the bytes (our messages are far below its 2 GiB limit)."""
    await loop.sock_sendall(sock, struct.pack("!i", len(request)) + request)
    (size,) = struct.unpack("!i", await _read_exactly(loop, sock, 4))
    if not 0 < size <= MAX_MESSAGE:
        raise ScrubError("the scrubber process sent an answer this worker does not understand")
    return await _read_exactly(loop, sock, size)


async def _read_exactly(loop: asyncio.AbstractEventLoop, sock: socket.socket, size: int) -> bytes:
    data = bytearray()
    while len(data) < size:
        chunk = await loop.sock_recv(sock, size - len(data))
        if not chunk:
            raise EOFError("the scrubber process closed the connection")
        data += chunk
    return bytes(data)


def _closed_by_peer(sock: socket.socket) -> bool:
    """Nothing is ever sent unasked, so an idle socket with something to read was closed."""
    try:
        sock.recv(1, socket.MSG_PEEK)
    except BlockingIOError:
        return False  # nothing to read: still open
    except OSError:
        return True
    return True  # end of stream, or bytes nobody asked for: not reusable either way


def _reason(exc: BaseException) -> str:
    """A short cause for logs and /readyz; never the text being scrubbed."""
    if isinstance(exc, (BlockingIOError, TimeoutError, socket.timeout)):
        return "timed out"
    if isinstance(exc, FileNotFoundError):
        return "no socket or key file"
    if isinstance(exc, (ConnectionRefusedError, BrokenPipeError, ConnectionResetError, EOFError)):
        return "not running"
    return type(exc).__name__
