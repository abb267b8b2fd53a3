"""Crashes and broken disks: nothing acknowledged is lost, and reading keeps working."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import copy_content

from helpsvc.search import BUILDS, build_index, current_build_id, switch_current
from helpsvc.store import Feedback, SQLiteStore

NO_LIMITS = {"HELPSVC_RATE_LIMIT_FEEDBACK": "0", "HELPSVC_RATE_LIMIT_SEARCH": "0", "HELPSVC_FEEDBACK_DAILY_CAP": "0"}


def _post_feedback(port: int, n: int) -> tuple[int, str | None]:
    body = json.dumps({"article_id": "sign-in", "helpful": n % 2 == 0, "comment": f"note {n}"}).encode()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("POST", "/api/v1/feedback", body=body,
                     headers={"Content-Type": "application/json", "User-Agent": f"loadgen/{n}"})
        response = conn.getresponse()
        payload = response.read()
        return response.status, json.loads(payload)["id"] if response.status == 201 else None
    finally:
        conn.close()


def test_kill_9_loses_no_acknowledged_feedback(server_factory, content_index: Path) -> None:
    server = server_factory(content_index, env=NO_LIMITS)
    acknowledged: list[str] = []
    failures: list[str] = []
    stop = threading.Event()
    counter = iter(range(10**9))
    lock = threading.Lock()

    def load() -> None:
        while not stop.is_set():
            with lock:
                n = next(counter)
            try:
                status, feedback_id = _post_feedback(server.port, n)
            except (OSError, http.client.HTTPException) as exc:
                # The server died mid-request, perhaps after the status line but before the body
                # (IncompleteRead): the client never saw an id, so nothing was acknowledged.
                failures.append(type(exc).__name__)
                continue
            if status == 201 and feedback_id:
                with lock:
                    acknowledged.append(feedback_id)

    threads = [threading.Thread(target=load) for _ in range(4)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 20
    while len(acknowledged) < 150 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.proc is not None
    os.kill(server.proc.pid, signal.SIGKILL)  # mid-load, no shutdown hooks run
    server.proc.wait()
    stop.set()
    for thread in threads:
        thread.join()
    assert len(acknowledged) >= 50, "the load generator got too few answers to make the test meaningful"

    restarted = server_factory(content_index, env={**NO_LIMITS, "HELPSVC_DATABASE_URL": f"sqlite:///{server.db_path}"})
    status, _ = _post_feedback(restarted.port, 10**8)
    assert status == 201  # the restarted server takes writes again
    conn = sqlite3.connect(server.db_path)
    try:
        stored = {row[0] for row in conn.execute("SELECT id FROM feedback")}
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    missing = set(acknowledged) - stored
    print(f"kill -9: {len(acknowledged)} acknowledged, {len(missing)} missing, {len(stored)} stored")
    assert not missing


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real, tiny filesystem (tmpfs) that can fill up or be made read-only."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root; CI runs as root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def _fill(folder: Path) -> Path:
    filler = folder / "filler"
    with filler.open("wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError:
            pass
    return filler


def test_full_disk_gives_503_and_keeps_search_and_stored_data(make_app, small_disk: Path) -> None:
    client = make_app(database_url=f"sqlite:///{small_disk / 'helpsvc.db'}", rate_limit_feedback=0, feedback_daily_cap=0)
    first = client.post("/api/v1/feedback", json={"article_id": "sign-in", "helpful": True, "comment": "kept"})
    assert first.status_code == 201
    filler = _fill(small_disk)
    statuses = set()
    for n in range(40):
        response = client.post("/api/v1/feedback", json={"article_id": "sign-in", "helpful": True, "comment": "x" * 1500},
                               headers={"User-Agent": f"disk/{n}"})
        statuses.add(response.status_code)
        if response.status_code == 503:
            assert "could not be saved" in response.json()["error"]["message"]
            break
    assert 503 in statuses and 500 not in statuses
    assert client.get("/api/v1/search", params={"q": "microphone"}).status_code == 200
    assert client.get("/articles/sign-in").status_code == 200
    filler.unlink()
    again = client.post("/api/v1/feedback", json={"article_id": "calls-make", "helpful": False}, headers={"User-Agent": "after"})
    assert again.status_code == 201  # the writer recovers once there is room again
    store = client.app.state.site.store
    assert store.feedback_by_id(first.json()["id"])["comment"] == "kept"
    assert store.integrity_check() == "ok"


def test_read_only_database_gives_503_and_reading_goes_on(make_app, small_disk: Path) -> None:
    store = SQLiteStore(small_disk / "helpsvc.db")
    store.migrate()
    kept = store.add_feedback_sync(_one_vote())
    store.close()
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    client = make_app(database_url=f"sqlite:///{small_disk / 'helpsvc.db'}")
    response = client.post("/api/v1/feedback", json={"article_id": "calls-make", "helpful": True})
    assert response.status_code == 503 and "try again later" in response.json()["error"]["message"]
    assert client.get("/api/v1/search", params={"q": "headset"}).status_code == 200
    assert client.get("/articles/sign-in").status_code == 200
    assert client.get("/readyz").status_code == 503
    subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)
    assert SQLiteStore(small_disk / "helpsvc.db").feedback_by_id(kept) is not None


def _one_vote() -> Feedback:
    return Feedback(id="kept-vote", article_id="sign-in", locale="en-US", revision="r", helpful=True, reasons=(),
                    comment=None, comment_dropped=False, visitor="v", day="2026-11-29", hour="2026-11-29T10:00Z")


# Whoosh's half-opened readers of a corrupt build complain when garbage-collected; that noise is expected here.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_broken_new_build_is_never_served(tmp_path: Path, make_app) -> None:
    content = copy_content(tmp_path / "content")
    good = build_index(content, tmp_path / "ix")
    client = make_app(index_dir=tmp_path / "ix")
    assert client.get("/api/v1/search", params={"q": "headset"}).json()["build_id"] == good.build_id
    broken = tmp_path / "ix" / BUILDS / "29990101T000000.000000-dead"
    shutil.copytree(tmp_path / "ix" / BUILDS / good.build_id, broken)
    for segment in broken.glob("*.seg"):
        segment.write_bytes(b"not an index")
    switch_current(tmp_path / "ix", broken.name)
    response = client.get("/api/v1/search", params={"q": "headset"})
    assert response.status_code == 200 and response.json()["build_id"] == good.build_id
    ready = client.get("/readyz").json()
    assert ready["checks"]["index"] == good.build_id


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_server_with_only_a_broken_build_says_so(tmp_path: Path, make_app) -> None:
    index_dir = tmp_path / "ix"
    (index_dir / BUILDS / "x").mkdir(parents=True)
    switch_current(index_dir, "x")
    client = make_app(index_dir=index_dir)
    response = client.get("/api/v1/search", params={"q": "headset"})
    assert response.status_code == 503
    assert "index build x cannot be opened" in response.json()["error"]["message"]
    assert client.get("/readyz").status_code == 503
    assert client.get("/healthz").status_code == 200
    page = client.get("/search", params={"q": "x"})
    assert page.status_code == 503 and "Traceback" not in page.text


def test_index_command_never_points_at_a_broken_build(tmp_path: Path) -> None:
    content = copy_content(tmp_path / "content")
    good = build_index(content, tmp_path / "ix")
    (content / "en-US" / "sign-in.md").write_bytes(b"\xff\xfe not utf-8")
    for path in content.glob("*/*.md"):  # every locale's articles
        path.unlink()
    with pytest.raises(Exception, match="no articles"):
        build_index(content, tmp_path / "ix")
    assert current_build_id(tmp_path / "ix") == good.build_id


def test_a_build_that_cannot_be_opened_leaves_no_file_open(tmp_path: Path) -> None:
    import psutil

    from helpsvc.search.state import IndexState

    good = build_index(copy_content(tmp_path / "content"), tmp_path / "ix")
    broken = tmp_path / "broken"
    shutil.copytree(tmp_path / "ix" / BUILDS / good.build_id, broken)
    for segment in broken.glob("*.seg"):
        segment.write_bytes(b"not an index")
    with pytest.raises(Exception):
        IndexState(broken, "broken", "en-US")
    # Whoosh opened the unreadable segment many times while trying; none of those handles is left open.
    still_open = [f.path for f in psutil.Process().open_files() if f.path.startswith(str(broken))]
    assert still_open == []
