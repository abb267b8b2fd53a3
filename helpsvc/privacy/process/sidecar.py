"""The scrubber process: one per node, shared by every web worker.

``helpsvc serve`` starts it (``helpsvc.privacy.process.supervisor``) before uvicorn,
restarts it if it dies, and stops it after uvicorn; its stdin is a pipe from
serve, so it never outlives serve. It builds the one ``Scrubber`` of the node
(scrubadub, the name lists), then answers requests from ``RemoteScrubber`` on a
Unix socket that only this user can open, one thread per connection.

Run by hand for a deployment that starts uvicorn itself::

    python -m helpsvc.privacy.process.sidecar --socket /run/helpsvc/scrubber.sock
    HELPSVC_SCRUBBER_SOCKET=/run/helpsvc/scrubber.sock uvicorn helpsvc.web.asgi:app --workers 4
"""
from __future__ import annotations

import argparse
import contextlib
import importlib.abc
import logging
import logging.config
import os
import signal
import socket
import stat
import sys
import threading
import time
from collections.abc import Sequence
from multiprocessing.connection import Connection, answer_challenge, deliver_challenge
from pathlib import Path
from typing import Any, Callable

from ..errors import ScrubError
from .remote import ENCODING_ERRORS, FAILED, MAX_MESSAGE, OK, PING, SCRUB, key_path, read_key, set_io_timeouts, write_key

log = logging.getLogger("helpsvc.scrubber")

# A client has this long to prove it knows the key; after that it may stay idle for ever.
HANDSHAKE_SECONDS = 5.0
# A client that stops reading must not hold a thread here for ever.
SEND_SECONDS = 10.0
# After a SIGTERM meant for the whole service, how long to wait for helpsvc serve to finish.
STOP_GRACE_SECONDS = 30.0
# NLTK, which scrubadub imports, tries these optional packages for statistics and
# classifiers; scrubadub's e-mail and card detectors (the only ones we run) use
# neither. Refusing them keeps about 90 MB out of the scrubber process.
UNUSED_PACKAGES = frozenset({"scipy", "sklearn"})


class _Refuse(importlib.abc.MetaPathFinder):
    """Makes ``import scipy`` fail here as if it were not installed; NLTK then does without it."""

    def find_spec(self, fullname: str, path: Sequence[str] | None = None, target: Any = None) -> None:
        if fullname.partition(".")[0] in UNUSED_PACKAGES:
            raise ModuleNotFoundError(f"{fullname} is not loaded in the scrubber process", name=fullname)
        return None


def build_scrubber() -> Callable[[str], str]:
    """The node's scrubber, warmed up: the name lists load now, not on the first request."""
    sys.meta_path.insert(0, _Refuse())
    from ..scrubber import Scrubber

    scrubber = Scrubber()
    scrubber.scrub("warm-up: write to someone@example.com")
    return scrubber.scrub


def answer(request: bytes, scrub: Callable[[str], str]) -> bytes:
    """One request in, one answer out; a failure is an answer too, so the worker drops the text."""
    op, body = request[:1], request[1:]
    if op == PING:
        return OK
    if op != SCRUB:
        return FAILED + b"unknown request"
    try:
        return OK + scrub(body.decode("utf-8", ENCODING_ERRORS)).encode("utf-8", ENCODING_ERRORS)
    except ScrubError as exc:
        return FAILED + str(exc).encode()  # our own messages, which never quote the text
    except Exception as exc:  # noqa: BLE001 - any failure is reported, and this process keeps serving
        return FAILED + f"scrubbing failed: {type(exc).__name__}".encode()


def _serve_connection(sock: socket.socket, key: bytes, scrub: Callable[[str], str]) -> None:
    set_io_timeouts(sock, HANDSHAKE_SECONDS, HANDSHAKE_SECONDS)
    fd = sock.detach()
    conn = Connection(fd)
    try:
        deliver_challenge(conn, key)
        answer_challenge(conn, key)
        # Authenticated: wait for requests as long as the worker keeps the connection open.
        with socket.socket(fileno=os.dup(fd)) as same:
            set_io_timeouts(same, 0, SEND_SECONDS)
        while True:
            request = conn.recv_bytes(MAX_MESSAGE)
            conn.send_bytes(answer(request, scrub))
    except EOFError:
        pass  # the worker closed the connection
    except Exception as exc:  # noqa: BLE001 - one bad client must not stop the others
        log.info("a scrubber client connection ended: %s", type(exc).__name__)
    finally:
        conn.close()


def listen(socket_path: Path) -> socket.socket:
    """A listening socket only this user can connect to (0600), replacing a stale one."""
    with contextlib.suppress(FileNotFoundError):
        if stat.S_ISSOCK(os.lstat(socket_path).st_mode):
            socket_path.unlink()
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old_umask = os.umask(0o177)
    try:
        server.bind(str(socket_path))
    finally:
        os.umask(old_umask)
    os.chmod(socket_path, 0o600)
    server.listen(64)
    return server


def follow_supervisor(socket_path: Path) -> None:
    """Ties this process to ``helpsvc serve``, whose pipe is our stdin.

    The pipe closes when serve stops it or exits in any way, even killed with
    SIGKILL: then this process exits at once. Signals sent to the whole process
    group (Ctrl-C, systemd's stop) must not take the scrubber away while uvicorn's
    workers are still answering their last requests: SIGINT and SIGHUP are ignored,
    and SIGTERM only starts a grace period in which the pipe is expected to close.
    """

    def wait_for_eof() -> None:
        # os.read, not sys.stdin: a thread blocked in a buffered read would hold its
        # lock and stall the interpreter's shutdown when the main thread exits first.
        while os.read(0, 4096):
            pass
        # Serve removes its private folder when it stops; if it was killed, nobody else will.
        for leftover in (socket_path, key_path(socket_path)):
            with contextlib.suppress(OSError):
                leftover.unlink()
        with contextlib.suppress(OSError):
            socket_path.parent.rmdir()
        os._exit(0)

    def on_term(signum: int, frame: Any) -> None:
        log.info("asked to stop: scrubbing on until helpsvc serve exits (at most %.0f s)", STOP_GRACE_SECONDS)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        threading.Timer(STOP_GRACE_SECONDS, os._exit, (0,)).start()

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, on_term)
    threading.Thread(target=wait_for_eof, name="supervisor-pipe", daemon=True).start()


def run(socket_path: Path) -> None:
    started = time.monotonic()
    scrub = build_scrubber()
    keyfile = key_path(socket_path)
    key = read_key(keyfile) if keyfile.exists() else write_key(keyfile)
    server = listen(socket_path)
    log.info("scrubber ready in %.1f s (pid %d)", time.monotonic() - started, os.getpid())
    try:
        while True:
            try:
                client, _ = server.accept()
            except OSError as exc:
                # Out of descriptors, say: the connections already open keep working meanwhile.
                log.warning("the scrubber cannot accept a connection now: %s", type(exc).__name__)
                time.sleep(0.1)
                continue
            threading.Thread(target=_serve_connection, args=(client, key, scrub), name="scrub", daemon=True).start()
    finally:
        server.close()
        with contextlib.suppress(OSError):
            socket_path.unlink()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m helpsvc.privacy.process.sidecar", description=__doc__.splitlines()[0])
    parser.add_argument("--socket", required=True, type=Path, help="Unix socket to listen on; its key is SOCKET.key.")
    parser.add_argument("--supervised", action="store_true",
                        help="Started by helpsvc serve: exit when standard input (a pipe from serve) closes.")
    args = parser.parse_args(argv)
    from ... import logs
    from ...settings import Settings, SettingsError

    try:
        log_json = Settings.load().log_json
    except SettingsError:
        log_json = False
    logging.config.dictConfig(logs.config(log_json))
    if args.supervised:
        follow_supervisor(args.socket)
    else:
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        run(args.socket)
    except Exception as exc:  # noqa: BLE001 - say why in one line, and let the supervisor retry
        log.error("the scrubber process cannot run: %s: %s", type(exc).__name__, exc)
        sys.exit(1)


if __name__ == "__main__":
    main()
