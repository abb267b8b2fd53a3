"""Starting, watching and stopping the node's scrubber process, for ``helpsvc serve``.

The scrubber process (``helpsvc.privacy.process.sidecar``) is started before uvicorn, in a
private folder (mode 0700) holding its socket and key, and restarted whenever it
exits: while it is down, workers drop the text they would have scrubbed (fail
closed), so it must come back on its own. It exits with ``helpsvc serve``, even
when that is killed with SIGKILL.
"""
from __future__ import annotations

import logging
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from ..errors import ScrubError
from .remote import RemoteScrubber, key_path, write_key

log = logging.getLogger("helpsvc.scrubber")

# The first restart is quick; one that keeps crashing is retried less and less often.
FIRST_RESTART_DELAY = 0.5
MAX_RESTART_DELAY = 30.0
# A process that ran this long was healthy: its next crash starts the back-off again.
HEALTHY_SECONDS = 60.0


class SidecarError(RuntimeError):
    """The scrubber process could not be started."""


class ScrubberSidecar:
    """One scrubber process, kept running until ``stop()``.

    Example::

        sidecar = ScrubberSidecar()
        sidecar.start()                      # returns once it answers
        os.environ["HELPSVC_SCRUBBER_SOCKET"] = str(sidecar.socket_path)
        ...
        sidecar.stop()
    """

    def __init__(self, start_timeout: float = 120.0) -> None:
        self.start_timeout = start_timeout
        self.folder: Path | None = None
        self.restarts = 0
        self._proc: subprocess.Popen[bytes] | None = None
        self._spawned_at = 0.0
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._watcher: threading.Thread | None = None

    @property
    def socket_path(self) -> Path:
        if self.folder is None:
            raise SidecarError("the scrubber process has not been started")
        return self.folder / "scrubber.sock"

    @property
    def pid(self) -> int | None:
        """The running scrubber process, for operators, tests and the benchmark."""
        proc = self._proc
        return proc.pid if proc is not None and proc.poll() is None else None

    def start(self) -> None:
        """Starts the scrubber process and returns once it answers; raises SidecarError if it does not."""
        try:
            self.folder = Path(tempfile.mkdtemp(prefix="helpsvc-scrubber-"))  # mode 0700
            write_key(key_path(self.socket_path))
            self._proc = self._spawn()
        except OSError as exc:
            self.stop()
            raise SidecarError(f"the scrubber process cannot be started: {exc}") from exc
        try:
            self._wait_ready(self._proc)
        except SidecarError:
            self.stop()
            raise
        self._watcher = threading.Thread(target=self._watch, name="scrubber-supervisor", daemon=True)
        self._watcher.start()

    def stop(self) -> None:
        """Stops the scrubber process (after the web workers are done) and removes its folder."""
        self._stopping.set()
        with self._lock:
            proc = self._proc
        if proc is not None:
            _close_pipe(proc)  # the scrubber process exits when its stdin closes
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if self._watcher is not None:
            self._watcher.join(5)
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)

    def _spawn(self) -> subprocess.Popen[bytes]:
        # A fresh interpreter, not a fork: it shares no memory or threads with serve.
        self._spawned_at = time.monotonic()
        proc = subprocess.Popen(
            [sys.executable, "-m", "helpsvc.privacy.process.sidecar", "--socket", str(self.socket_path), "--supervised"],
            # Its lifeline: the pipe closes when serve stops it or dies, however it dies.
            stdin=subprocess.PIPE,
        )
        log.info("scrubber process %d started", proc.pid)
        return proc

    def _wait_ready(self, proc: subprocess.Popen[bytes]) -> None:
        client = RemoteScrubber(self.socket_path, timeout=2.0)
        deadline = time.monotonic() + self.start_timeout
        try:
            while time.monotonic() < deadline:
                if proc.poll() is not None:
                    raise SidecarError(
                        f"the scrubber process exited with code {proc.returncode} before it was ready; its log lines above say why"
                    )
                try:
                    client.ping()
                    return
                except ScrubError:
                    time.sleep(0.1)
        finally:
            client.close()
        raise SidecarError(f"the scrubber process did not answer within {self.start_timeout:.0f} s")

    def _watch(self) -> None:
        delay = FIRST_RESTART_DELAY
        while not self._stopping.is_set():
            proc = self._proc
            assert proc is not None
            code = proc.wait()
            _close_pipe(proc)
            if self._stopping.is_set():
                return
            if time.monotonic() - self._spawned_at >= HEALTHY_SECONDS:
                delay = FIRST_RESTART_DELAY
            log.error(
                "the scrubber process %d exited with code %s; restarting it in %.1f s "
                "(until then comments and search queries are dropped, never stored unscrubbed)",
                proc.pid, code, delay,
            )
            if self._stopping.wait(delay):
                return
            with self._lock:
                if self._stopping.is_set():
                    return
                try:
                    self._proc = self._spawn()
                    self.restarts += 1
                except OSError as exc:
                    log.error("the scrubber process cannot be started: %s", exc)
            delay = min(delay * 2, MAX_RESTART_DELAY)


def _close_pipe(proc: subprocess.Popen[bytes]) -> None:
    if proc.stdin is not None:
        try:
            proc.stdin.close()
        except OSError:
            pass
