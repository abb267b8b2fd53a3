"""Past one machine: both store backends, several worker processes, index builds shipped between nodes."""

from __future__ import annotations

import http.client
import json
import os
import signal
import tarfile
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import copy_content, write_article

from helpsvc.cli import cli
from helpsvc.search import BUILDS, IndexBuildError, archive_build, build_index, current_build_id, install_archive
from helpsvc.store import open_store
from helpsvc.store.migrations import MIGRATIONS

NO_LIMITS = {"HELPSVC_RATE_LIMIT_FEEDBACK": "0", "HELPSVC_RATE_LIMIT_SEARCH": "0", "HELPSVC_FEEDBACK_DAILY_CAP": "0",
             "HELPSVC_SECRET_KEY": "s" * 40}


def test_migrations_are_versioned_and_idempotent(database_url: str) -> None:
    store = open_store(database_url)
    assert store.migrate() == [m.version for m in MIGRATIONS]
    assert store.migrate() == []
    assert store.schema_version() == MIGRATIONS[-1].version
    store.close()


def test_salts_are_agreed_through_the_store(database_url: str) -> None:
    first, second = open_store(database_url), open_store(database_url)
    first.migrate()
    assert first.salt("2026-11-29") == second.salt("2026-11-29")
    assert len(first.salt("2026-11-29")) == 32 and first.salt("2026-11-30") != first.salt("2026-11-29")
    first.close()
    second.close()


def _post(port: int, n: int) -> str | None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        body = json.dumps({"article_id": "sign-in", "helpful": True, "comment": f"worker test {n}"}).encode()
        conn.request("POST", "/api/v1/feedback", body=body, headers={"Content-Type": "application/json", "User-Agent": f"w/{n}"})
        response = conn.getresponse()
        payload = response.read()
        return json.loads(payload)["id"] if response.status == 201 else None
    finally:
        conn.close()


def test_four_worker_processes_lose_nothing(server_factory, content_index: Path, database_url: str) -> None:
    server = server_factory(content_index, env={**NO_LIMITS, "HELPSVC_DATABASE_URL": database_url}, args=["--workers", "4"])
    ids: list[str | None] = []
    lock = threading.Lock()

    def send(start: int) -> None:
        for n in range(start, start + 40):
            feedback_id = _post(server.port, n)
            with lock:
                ids.append(feedback_id)

    threads = [threading.Thread(target=send, args=(k * 1000,)) for k in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    acknowledged = [i for i in ids if i]
    assert len(acknowledged) == len(ids) == 240
    store = open_store(database_url)
    rows = store.query("SELECT id, COUNT(*) FROM feedback GROUP BY id")
    store.close()
    counts = dict((row[0], row[1]) for row in rows)
    assert set(acknowledged) <= set(counts) and all(counts[i] == 1 for i in acknowledged)


def test_index_swaps_under_load_fail_no_request(server_factory, tmp_path: Path) -> None:
    content = copy_content(tmp_path / "content")
    index_dir = tmp_path / "ix"
    first = build_index(content, index_dir)
    server = server_factory(index_dir, env=NO_LIMITS)
    statuses: list[int] = []
    builds: set[str] = set()
    stop = threading.Event()

    def load() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        while not stop.is_set():
            conn.request("GET", "/api/v1/search?q=headset+microphone")
            response = conn.getresponse()
            body = response.read()
            statuses.append(response.status)
            if response.status == 200:
                builds.add(json.loads(body)["build_id"])
        conn.close()

    threads = [threading.Thread(target=load) for _ in range(3)]
    for thread in threads:
        thread.start()
    made = [first.build_id]
    for n in range(3):
        write_article(content, f"en-US/extra-{n}.md", {"id": f"extra-{n}", "title": f"Headset tip {n}"}, "Headset and microphone.")
        made.append(build_index(content, index_dir).build_id)
        time.sleep(1.3)  # servers look for a new build every second
    assert server.proc is not None
    os.kill(server.proc.pid, signal.SIGHUP)  # and at once on SIGHUP
    deadline = time.monotonic() + 10  # a loaded CI machine may take a while; no timing is asserted
    while made[-1] not in builds and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)  # requests keep flowing on the new build for a moment
    stop.set()
    for thread in threads:
        thread.join()
    assert statuses and set(statuses) == {200}, f"{len(statuses)} requests, statuses {set(statuses)}"
    assert made[-1] in builds and len(builds) >= 3


def test_a_build_ships_to_another_node_as_an_archive(tmp_path: Path) -> None:
    content = copy_content(tmp_path / "content")
    report = build_index(content, tmp_path / "builder")
    archive = archive_build(tmp_path / "builder", report.build_id, tmp_path / "out" / "build.tar.gz")
    node = tmp_path / "node"
    assert install_archive(archive, node) == report.build_id
    assert current_build_id(node) == report.build_id
    assert (node / BUILDS / report.build_id / "docs.sqlite").is_file()
    with pytest.raises(IndexBuildError, match="cannot be opened|exactly one build"):
        bad = tmp_path / "bad.tar.gz"
        with tarfile.open(bad, "w:gz") as tar:
            tar.add(content / "en-US" / "sign-in.md", arcname="x/sign-in.md")
        install_archive(bad, node)
    assert current_build_id(node) == report.build_id  # a bad archive never becomes current


def test_archives_with_paths_outside_the_folder_are_refused(tmp_path: Path) -> None:
    evil = tmp_path / "evil.tar.gz"
    (tmp_path / "payload").write_text("x")
    with tarfile.open(evil, "w:gz") as tar:
        tar.add(tmp_path / "payload", arcname="b/../../escaped")
    with pytest.raises(IndexBuildError):
        install_archive(evil, tmp_path / "node")
    assert not (tmp_path / "escaped").exists()


def test_index_command_archives_and_installs(tmp_path: Path) -> None:
    content = copy_content(tmp_path / "content")
    runner = CliRunner()
    built = runner.invoke(cli, ["index", "--content", str(content), "--index", str(tmp_path / "a"), "--quiet",
                                "--archive", str(tmp_path / "b.tar.gz")])
    assert built.exit_code == 0, built.output
    installed = runner.invoke(cli, ["index", "--index", str(tmp_path / "node"), "--install", str(tmp_path / "b.tar.gz")])
    assert installed.exit_code == 0 and "Installed build" in installed.output
    assert current_build_id(tmp_path / "node") == current_build_id(tmp_path / "a")
