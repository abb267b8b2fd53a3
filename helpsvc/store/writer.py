"""One writer: every write goes through one thread and one connection.

Jobs queue up; the thread runs everything that is waiting in one transaction
and commits once (group commit), then resolves each job's future. A durable
write (feedback) is acknowledged only when its future resolves, which is
after the commit. Fire-and-forget writes (search and click events, view counts) wait
in the same queue, so they reach the disk within ``max_delay`` seconds, and
``close()`` flushes whatever is left before the process exits. Batches
that only hold events commit without waiting for the disk (they survive a
process crash, not a power cut); a batch holding anything acknowledged to a
caller waits for the disk before the caller hears back.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

log = logging.getLogger(__name__)

Job = Callable[[Any], Any]
_STOP = object()


class Writer:
    def __init__(
        self,
        connect: Callable[[], Any],
        max_delay: float = 0.2,
        max_batch: int = 1000,
        durability: Callable[[Any, bool], None] | None = None,
    ) -> None:
        self._connect = connect
        # Called before each batch with whether anyone waits on it: a batch of events only
        # may commit without waiting for the disk; one holding feedback must not.
        self._durability = durability
        self._queue: queue.Queue[Any] = queue.Queue()
        self._max_delay = max_delay
        self._max_batch = max_batch
        self._thread = threading.Thread(target=self._run, name="helpsvc-writer", daemon=True)
        self._started = False
        self._lock = threading.Lock()
        self.failures = 0

    def _ensure_started(self) -> None:
        with self._lock:
            if not self._started:
                self._started = True
                self._thread.start()

    def submit(self, job: Job) -> Future[Any]:
        """Queues a job; its future resolves with the job's result after the commit."""
        self._ensure_started()
        future: Future[Any] = Future()
        self._queue.put((job, future))
        return future

    def enqueue(self, job: Job) -> None:
        """Queues a job nobody waits for."""
        self._ensure_started()
        self._queue.put((job, None))

    def close(self, timeout: float = 10.0) -> None:
        if not self._started:
            return
        self._queue.put(_STOP)
        self._thread.join(timeout)

    def _run(self) -> None:
        conn = None
        stopping = False
        while not stopping:
            try:
                first = self._queue.get(timeout=self._max_delay)
            except queue.Empty:
                continue
            batch = []
            item = first
            while True:
                if item is _STOP:
                    stopping = True
                else:
                    batch.append(_picked(*item))
                if len(batch) >= self._max_batch:
                    break
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
            if not batch:
                continue
            try:
                if conn is None:
                    conn = self._connect()
                self._commit_batch(conn, batch)
            except Exception as exc:  # the connection itself is unusable (disk, permissions)
                self.failures += 1
                log.error("store write failed: %s", type(exc).__name__)
                for _, future in batch:
                    if future is not None and not future.done():
                        future.set_exception(exc)
                try:
                    if conn is not None:
                        conn.close()
                except Exception:
                    pass
                conn = None
        if conn is not None:
            conn.close()

    def _commit_batch(self, conn: Any, batch: list[tuple[Job, Future[Any] | None]]) -> None:
        from ..metrics import STORE_WRITE

        with STORE_WRITE.time():
            self._run_batch(conn, batch)

    def _run_batch(self, conn: Any, batch: list[tuple[Job, Future[Any] | None]]) -> None:
        results: list[tuple[Future[Any] | None, Any]] = []
        if self._durability is not None:
            self._durability(conn, any(future is not None for _, future in batch))
        try:
            for job, future in batch:
                results.append((future, job(conn)))
            conn.commit()
        except Exception:
            conn.rollback()
            if len(batch) == 1:
                raise
            # One bad job must not fail the others: run each in its own transaction.
            for job, future in batch:
                try:
                    value = job(conn)
                    conn.commit()
                except Exception as exc:
                    conn.rollback()
                    self.failures += 1
                    if future is not None:
                        future.set_exception(exc)
                    else:
                        log.error("dropped one event write: %s", type(exc).__name__)
                else:
                    if future is not None:
                        future.set_result(value)
            return
        for future, value in results:
            if future is not None:
                future.set_result(value)


def _picked(job: Job, future: Future[Any] | None) -> tuple[Job, Future[Any] | None]:
    """A job as the writer takes it up: from now on its caller can no longer cancel its future.

    A request whose client went away cancels the future it awaited; one cancelled before it
    was taken up is still written but answers no one, and it must not stop the others of
    its batch from hearing back.
    """
    if future is not None and not future.set_running_or_notify_cancel():
        return job, None
    return job, future
