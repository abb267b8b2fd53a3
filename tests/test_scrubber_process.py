"""The node's scrubber process: the same answers as the in-process scrubber, reachable
only with its key, failing closed when it is gone or stalled, restarted by its
supervisor, and the reason web workers stay small (they never import scrubadub)."""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest
from conftest import CONTENT, Server, shared_or_skip

from helpsvc.privacy import Scrubber, ScrubError
from helpsvc.privacy.process.remote import RemoteScrubber, connect, key_path
from helpsvc.privacy.process.supervisor import ScrubberSidecar
from helpsvc.store import SQLiteStore

HEAVY = ("scrubadub", "nltk", "faker", "scipy", "sklearn", "textblob", "dateparser", "phonenumbers", "gender_guesser")
NO_LIMITS = {"HELPSVC_RATE_LIMIT_FEEDBACK": "0", "HELPSVC_RATE_LIMIT_SEARCH": "0", "HELPSVC_FEEDBACK_DAILY_CAP": "0"}

OWN_TEXTS = [
    "Please call me back, Maria Fernandez, at maria.fernandez@example.org or +44 20 7946 0958.",
    "Tried paying with 4111 1111 1111 1111 and got error 9A4B on version 16.0.14326.20404",
    "Erstattung bitte an DE89 3704 0044 0532 0130 00, danke! Grüße, Jürgen Weiß",
    "会議に参加できません。田中太郎 090-1234-5678 まで連絡ください",
    "my login is jsmith42 on host ws-0231.corp.contoso.com (10.2.3.4, MAC 00:1A:2B:3C:4D:5E)",
    "already {{EMAIL}} scrubbed, and {{NAME}} too",
    "emoji 🎧 and a lone surrogate \ud800 and a NUL \x00 stay as they are",
    "line one\nline two\r\n\tindented by a tab, written to bob@example.com",
    "",
    "x" * 2000,
    ("The headset drops every call after a minute, John Smith in accounting says the same. " * 24)[:2000],
]


@pytest.fixture(scope="module")
def inline() -> Scrubber:
    return Scrubber()


@pytest.fixture(scope="module")
def sidecar() -> Iterator[ScrubberSidecar]:
    running = ScrubberSidecar()
    running.start()
    yield running
    running.stop()


@pytest.fixture
def remote(sidecar: ScrubberSidecar) -> Iterator[RemoteScrubber]:
    client = RemoteScrubber(sidecar.socket_path, timeout=10.0)
    yield client
    client.close()


def _alive(pid: int) -> bool:
    """Running, and not a zombie waiting for its parent to reap it."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _wait_until(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} within {seconds:.0f} s")
        time.sleep(0.05)


def _stop(pid: int) -> None:
    """SIGSTOP, and wait until every thread has stopped.

    kill() returns before the process stops: the stop begins when one of its
    threads next runs, and on a loaded machine a thread already on a CPU can
    still answer a request meanwhile.
    """
    os.kill(pid, signal.SIGSTOP)

    def all_stopped() -> bool:
        states = []
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(OSError):
                states.append((task / "stat").read_text().rsplit(")", 1)[1].split()[0])
        return bool(states) and all(state in ("T", "t") for state in states)

    _wait_until(all_stopped, 10, "every thread of the stopped scrubber process should stop")


# ---------------------------------------------------------------- same answers


def test_the_scrubber_process_answers_like_the_inline_scrubber(inline: Scrubber, remote: RemoteScrubber) -> None:
    for text in OWN_TEXTS:
        assert remote(text) == inline.scrub(text), text[:60]
    assert "{{EMAIL}}" in remote(OWN_TEXTS[0]) and "Fernandez" not in remote(OWN_TEXTS[0])


def test_the_scrubber_process_answers_like_the_inline_scrubber_on_the_dev_set(inline: Scrubber, remote: RemoteScrubber) -> None:
    dataset = shared_or_skip("eval", "pii_dev.jsonl")
    texts = [json.loads(line)["text"] for line in dataset.read_text(encoding="utf-8").splitlines() if line.strip()]
    different = [text[:80] for text in texts if remote(text) != inline.scrub(text)]
    assert not different, f"{len(different)} of {len(texts)} dev texts scrubbed differently, e.g. {different[:3]}"


def test_threads_share_one_client(inline: Scrubber, remote: RemoteScrubber) -> None:
    expected = {text: inline.scrub(text) for text in OWN_TEXTS}
    wrong: list[str] = []

    def work() -> None:
        for _ in range(20):
            for text in OWN_TEXTS:
                if remote(text) != expected[text]:
                    wrong.append(text[:40])

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not wrong


def test_a_non_string_is_refused_like_inline(remote: RemoteScrubber) -> None:
    with pytest.raises(ScrubError, match="expected str"):
        remote(b"bytes")  # type: ignore[arg-type]


# ---------------------------------------------------------------- private


def test_the_socket_and_its_key_are_private(sidecar: ScrubberSidecar) -> None:
    assert sidecar.folder is not None
    assert sidecar.folder.stat().st_mode & 0o777 == 0o700
    assert sidecar.socket_path.stat().st_mode & 0o777 == 0o600
    assert key_path(sidecar.socket_path).stat().st_mode & 0o777 == 0o600


def test_a_client_without_the_key_is_refused(sidecar: ScrubberSidecar, remote: RemoteScrubber) -> None:
    from multiprocessing import AuthenticationError

    with pytest.raises((AuthenticationError, EOFError, OSError)):
        connect(str(sidecar.socket_path), b"not the key", 5.0).close()
    assert remote("write to a@example.com") == "write to {{EMAIL}}"  # and the process still serves others


# ---------------------------------------------------------------- fails closed, comes back


def test_a_stalled_scrubber_times_out_and_the_text_is_not_returned(sidecar: ScrubberSidecar) -> None:
    client = RemoteScrubber(sidecar.socket_path, timeout=0.5)
    pid = sidecar.pid
    assert pid is not None
    try:
        assert client("a@example.com") == "{{EMAIL}}"
        _stop(pid)
        started = time.monotonic()
        with pytest.raises(ScrubError, match="timed out"):
            client("write to a@example.com")
        assert time.monotonic() - started < 3
        assert client.state().startswith("unavailable")
    finally:
        os.kill(pid, signal.SIGCONT)
    assert client("write to a@example.com") == "write to {{EMAIL}}"
    assert client.state() == "ok"
    client.close()


def test_the_event_loop_client_answers_like_the_inline_scrubber(inline: Scrubber, remote: RemoteScrubber) -> None:
    async def scrub_all() -> list[str]:
        # Some at once, so several connections are opened and then reused.
        first = await asyncio.gather(*(remote.scrub_async(text) for text in OWN_TEXTS))
        return [*first, *[await remote.scrub_async(text) for text in OWN_TEXTS]]

    assert asyncio.run(scrub_all()) == [inline.scrub(text) for text in OWN_TEXTS] * 2
    with pytest.raises(ScrubError):
        asyncio.run(remote.scrub_async(b"bytes"))  # type: ignore[arg-type]


def test_the_event_loop_client_times_out_on_a_stalled_scrubber_and_recovers(sidecar: ScrubberSidecar) -> None:
    client = RemoteScrubber(sidecar.socket_path, timeout=0.5)
    pid = sidecar.pid
    assert pid is not None

    async def stalled() -> None:
        assert await client.scrub_async("a@example.com") == "{{EMAIL}}"
        _stop(pid)
        try:
            started = time.monotonic()
            with pytest.raises(ScrubError, match="timed out"):
                await client.scrub_async("write to a@example.com")
            assert time.monotonic() - started < 3
        finally:
            os.kill(pid, signal.SIGCONT)
        # The connection that timed out held a late answer: it was closed, not reused.
        assert await client.scrub_async("write to b@example.com") == "write to {{EMAIL}}"

    asyncio.run(stalled())
    client.close()


def test_a_killed_scrubber_fails_closed_and_is_restarted() -> None:
    sidecar = ScrubberSidecar()
    sidecar.start()
    client = RemoteScrubber(sidecar.socket_path, timeout=5.0)
    try:
        assert client("mail bob@example.com") == "mail {{EMAIL}}"
        first = sidecar.pid
        assert first is not None
        os.kill(first, signal.SIGKILL)
        _wait_until(lambda: not _alive(first), 5, "the killed scrubber process should be gone")
        with pytest.raises(ScrubError):
            client("mail bob@example.com")
        _wait_until(lambda: sidecar.pid not in (None, first) and client.state() == "ok", 30, "a new scrubber process should answer")
        assert sidecar.restarts == 1
        assert client("mail bob@example.com") == "mail {{EMAIL}}"  # the same client, reconnected
    finally:
        client.close()
        sidecar.stop()
    assert sidecar.pid is None and sidecar.folder is not None and not sidecar.folder.exists()


def test_the_scrubber_process_exits_when_its_parent_is_killed(tmp_path: Path) -> None:
    script = textwrap.dedent("""
        import sys, time
        from helpsvc.privacy.process.supervisor import ScrubberSidecar
        sidecar = ScrubberSidecar()
        sidecar.start()
        print(sidecar.pid, sidecar.folder, flush=True)
        time.sleep(120)
    """)
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=tmp_path)
    try:
        assert parent.stdout is not None
        pid, folder = parent.stdout.readline().decode().split()
        child = int(pid)
        assert _alive(child) and Path(folder).is_dir()
        parent.kill()  # SIGKILL: no clean-up code runs in the parent
        parent.wait()
        _wait_until(lambda: not _alive(child), 10, "the orphaned scrubber process should exit")
        _wait_until(lambda: not Path(folder).exists(), 5, "the orphaned scrubber process should remove its socket folder")
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        if parent.stdout is not None:
            parent.stdout.close()


# ---------------------------------------------------------------- lean workers


def test_a_worker_using_the_scrubber_process_never_imports_scrubadub(
    sidecar: ScrubberSidecar, content_index: Path, tmp_path: Path
) -> None:
    script = textwrap.dedent("""
        import json, sys
        from starlette.testclient import TestClient
        from helpsvc.web.asgi import app

        with TestClient(app) as client:
            ready = client.get("/readyz").json()
            search = client.get("/api/v1/search", params={"q": "headset maria.fernandez@example.org"}).status_code
            feedback = client.post("/api/v1/feedback", json={
                "article_id": "sign-in", "helpful": False, "reasons": ["other"],
                "comment": "Maria Fernandez here, write to maria.fernandez@example.org",
            }).status_code
        heavy = sorted(name for name in sys.argv[1:] if name in sys.modules)
        print(json.dumps({"ready": ready, "search": search, "feedback": feedback, "heavy": heavy}))
    """)
    env = {
        "PATH": "/usr/bin:/bin",
        "HELPSVC_SCRUBBER_SOCKET": str(sidecar.socket_path),
        "HELPSVC_INDEX_DIR": str(content_index),
        "HELPSVC_CONTENT_DIR": str(CONTENT),
        "HELPSVC_DATABASE_URL": f"sqlite:///{tmp_path / 'worker.db'}",
        "HELPSVC_SECRET_KEY_FILE": str(tmp_path / "secret_key"),
    }
    done = subprocess.run([sys.executable, "-c", script, *HEAVY], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["heavy"] == [], f"a worker imported {result['heavy']}"
    assert result["ready"]["checks"]["scrubber"] == "ok"
    assert result["search"] == 200 and result["feedback"] == 201
    (row,) = SQLiteStore(tmp_path / "worker.db").export("feedback")
    assert "{{EMAIL}}" in row["comment"] and "{{NAME}}" in row["comment"] and "Fernandez" not in row["comment"]


# ---------------------------------------------------------------- helpsvc serve, end to end


def _cmdline(pid: int) -> list[str]:
    try:
        return psutil.Process(pid).cmdline()
    except (psutil.NoSuchProcess, psutil.ZombieProcess):
        return []


def _scrubber_pids(server_pid: int) -> list[int]:
    try:
        children = psutil.Process(server_pid).children()
    except psutil.NoSuchProcess:
        return []
    return [c.pid for c in children if _alive(c.pid) and "helpsvc.privacy.process.sidecar" in _cmdline(c.pid)]


def _socket_folder(scrubber_pid: int) -> Path:
    args = _cmdline(scrubber_pid)
    return Path(args[args.index("--socket") + 1]).parent


def _get(port: int, path: str) -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, json.loads(response.read())
    finally:
        conn.close()


def _post_comment(port: int, comment: str, n: int) -> tuple[int, str]:
    body = json.dumps({"article_id": "sign-in", "helpful": False, "reasons": ["other"], "comment": comment}).encode()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        # A different user agent each time: every post is its own vote, none replaces another.
        conn.request("POST", "/api/v1/feedback", body=body, headers={"Content-Type": "application/json", "User-Agent": f"test/{n}"})
        response = conn.getresponse()
        payload = json.loads(response.read())
        return response.status, payload.get("id", "")
    finally:
        conn.close()


def _stored(db_path: Path) -> dict[str, dict]:
    return {row["id"]: row for row in SQLiteStore(db_path).export("feedback")}


def _scrubber_state(port: int) -> str:
    try:
        return str(_get(port, "/readyz")[1]["checks"]["scrubber"])
    except OSError:
        return "no answer"


COMMENT = "Please call me back, Maria Fernandez, at maria.fernandez@example.org"


def _assert_scrubbed(row: dict) -> None:
    assert row["comment"] is not None and "{{EMAIL}}" in row["comment"] and "{{NAME}}" in row["comment"], row
    assert "fernandez" not in row["comment"].lower()


def test_serve_scrubs_in_one_shared_process_and_drops_comments_while_it_is_down(server_factory, content_index: Path) -> None:
    server = server_factory(content_index, env=NO_LIMITS, args=["--workers", "2"])
    assert server.proc is not None
    (scrubber,) = _scrubber_pids(server.proc.pid)  # one per node, whatever the number of workers
    _wait_until(lambda: _scrubber_state(server.port) == "ok", 30, "/readyz should report the scrubber")

    status, first = _post_comment(server.port, COMMENT, 1)
    assert status == 201
    _assert_scrubbed(_stored(server.db_path)[first])

    os.kill(scrubber, signal.SIGKILL)
    _wait_until(lambda: not _alive(scrubber), 5, "the killed scrubber process should be gone")
    status, dropped = _post_comment(server.port, COMMENT, 2)
    assert status == 201  # the vote counts; the comment that could not be scrubbed is dropped
    rows = SQLiteStore(server.db_path).query("SELECT comment, comment_dropped FROM feedback WHERE id = ?", (dropped,))
    assert [tuple(row) for row in rows] == [(None, 1)]

    _wait_until(lambda: _scrubber_pids(server.proc.pid) not in ([], [scrubber]), 30, "serve should restart the scrubber")
    _wait_until(lambda: _scrubber_state(server.port) == "ok", 30, "the restarted scrubber should answer")
    status, later = _post_comment(server.port, COMMENT, 3)
    assert status == 201
    _assert_scrubbed(_stored(server.db_path)[later])

    (restarted,) = _scrubber_pids(server.proc.pid)
    folder = _socket_folder(restarted)
    assert folder.is_dir()
    server.stop()
    assert not _alive(restarted)
    assert not folder.exists()  # serve removed the socket and its key
    raw = b"".join(Path(f"{server.db_path}{suffix}").read_bytes() for suffix in ("", "-wal") if Path(f"{server.db_path}{suffix}").exists())
    assert b"fernandez" not in raw.lower()
    log = server.log_path.read_text(errors="replace")
    assert "restarting it" in log and "Traceback" not in log


def test_serve_with_inline_scrubber_starts_no_scrubber_process(server_factory, content_index: Path) -> None:
    server = server_factory(content_index, env={**NO_LIMITS, "HELPSVC_SCRUBBER_SOCKET": "/nonexistent/inherited.sock"},
                            args=["--inline-scrubber"])
    assert server.proc is not None
    assert _scrubber_pids(server.proc.pid) == []
    assert _scrubber_state(server.port) == "in-process"
    status, feedback_id = _post_comment(server.port, COMMENT, 1)
    assert status == 201
    _assert_scrubbed(_stored(server.db_path)[feedback_id])


class _OwnGroupServer(Server):
    """A server in a process group of its own, so the test can signal the whole group as systemd and Ctrl-C do."""

    def _spawn(self, log: Any) -> "subprocess.Popen[bytes]":
        return subprocess.Popen(
            [sys.executable, "-m", "helpsvc", "serve", "--host", "127.0.0.1", "--port", str(self.port), *self.args],
            stdout=log, stderr=subprocess.STDOUT, env=self.env, cwd=str(self.log_path.parent), start_new_session=True,
        )


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_to_the_whole_group_stops_serve_and_its_scrubber_cleanly(
    sig: signal.Signals, content_index: Path, tmp_path: Path
) -> None:
    server = _OwnGroupServer(tmp_path, content_index, NO_LIMITS, ["--workers", "2"]).start()
    try:
        assert server.proc is not None
        (scrubber,) = _scrubber_pids(server.proc.pid)
        folder = _socket_folder(scrubber)
        _wait_until(lambda: _scrubber_state(server.port) == "ok", 30, "/readyz should report the scrubber")
        os.killpg(server.proc.pid, sig)
        server.proc.wait(30)
        _wait_until(lambda: not _alive(scrubber), 10, "the scrubber process should exit with serve")
        assert not folder.exists()
    finally:
        server.stop()
    log = server.log_path.read_text(errors="replace")
    # The scrubber waited for serve instead of dying first and being restarted in the middle of the shutdown.
    assert "restarting it" not in log and "Traceback" not in log, log[-2000:]


def test_a_scrubbing_failure_in_the_scrubber_process_is_an_answer_not_a_crash() -> None:
    from helpsvc.privacy.process.remote import FAILED, OK
    from helpsvc.privacy.process.sidecar import answer

    def broken(text: str) -> str:
        raise ScrubError("scrubbing did not settle")

    assert answer(b"S" + "Maria".encode(), broken) == FAILED + b"scrubbing did not settle"
    assert answer(b"S" + "Maria".encode(), lambda text: 1 / 0) == FAILED + b"scrubbing failed: ZeroDivisionError"  # type: ignore[arg-type,return-value]
    assert answer(b"P", broken) == OK
    assert answer(b"?", broken) == FAILED + b"unknown request"
