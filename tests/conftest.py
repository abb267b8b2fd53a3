"""Shared fixtures: a real index of the bundled content, a real SQLite file, a real app."""

from __future__ import annotations

import os
import shutil
import socket
import uuid
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from helpsvc.search import build_index
from helpsvc.web.site import Site
from helpsvc.settings import Settings
from helpsvc.web import create_app

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"
SHARED = ROOT.parent / "shared"


POSTGRES_URL = os.environ.get("HELPSVC_TEST_POSTGRES_URL", "")
# The store and report suites run against both backends; the rest against the SQLite default.
BOTH_BACKENDS = {"test_feedback", "test_contract", "test_reports", "test_orgs", "test_auth", "test_store", "test_retention", "test_writer", "test_text_hygiene", "test_migrations", "test_event_loop"}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    module = metafunc.module.__name__.rsplit(".", 1)[-1]
    if "backend" in metafunc.fixturenames and module in BOTH_BACKENDS:
        metafunc.parametrize("backend", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
def database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, or a PostgreSQL schema of its own."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'helpsvc.db'}"
        return
    if not POSTGRES_URL:
        reason = "PostgreSQL tests need HELPSVC_TEST_POSTGRES_URL=postgresql://…; .ci/run starts a server and sets it"
        if os.environ.get("HELPSVC_REQUIRE_POSTGRES") == "1":
            # CI sets it: a server that failed to start must fail the run, not skip half the suite.
            pytest.fail(f"{reason} (HELPSVC_REQUIRE_POSTGRES=1)", pytrace=False)
        pytest.skip(reason)
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    yield POSTGRES_URL + ("&" if "?" in POSTGRES_URL else "?") + f"options=-csearch_path%3D{schema}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


def shared_or_skip(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not found: the shared corpus and eval sets live beside the project in ../shared")
    return path


@pytest.fixture(scope="session")
def content_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One index of the bundled content for the whole session (read-only for tests)."""
    index_dir = tmp_path_factory.mktemp("index")
    build_index(CONTENT, index_dir)
    return index_dir


def write_article(root: Path, rel: str, front: dict[str, Any] | None, body: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    text = ""
    if front is not None:
        lines = ["---"]
        for key, value in front.items():
            if isinstance(value, list):
                lines.append(f"{key}: [{', '.join(value)}]")
            else:
                lines.append(f"{key}: {value}")
        lines.append("---")
        text = "\n".join(lines) + "\n"
    path.write_text(text + body, encoding="utf-8")
    return path


@pytest.fixture
def make_app(tmp_path: Path, content_index: Path, database_url: str) -> Callable[..., TestClient]:
    """Builds a TestClient over a fresh SQLite file; pass index_dir= or settings overrides."""
    clients: list[TestClient] = []

    def factory(index_dir: Path | None = None, scrub: Callable[[str], str] | None = None, **overrides: Any) -> TestClient:
        values: dict[str, Any] = {
            "content_dir": CONTENT,
            "index_dir": index_dir or content_index,
            "database_url": database_url,
            "index_check_seconds": 0.0,
            **overrides,
        }
        settings = Settings.load(env={}, **values)
        services = Site(settings, scrub=scrub)
        client = TestClient(create_app(settings, services), raise_server_exceptions=False)
        client.__enter__()
        clients.append(client)
        return client

    yield factory
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_app: Callable[..., TestClient]) -> TestClient:
    return make_app()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """A real `helpsvc serve` process on loopback, with its log output captured."""

    def __init__(self, tmp: Path, index_dir: Path, env: dict[str, str] | None = None, args: list[str] | None = None) -> None:
        self.args = args or []
        self.port = free_port()
        self.log_path = tmp / "server.log"
        self.db_path = tmp / "server.db"
        self.env = {
            "PATH": "/usr/bin:/bin",
            # Under --cov the server measures itself too: coverage's settings travel in COVERAGE_*.
            **{name: value for name, value in os.environ.items() if name.startswith("COVERAGE_")},
            "HELPSVC_INDEX_DIR": str(index_dir),
            "HELPSVC_DATABASE_URL": f"sqlite:///{self.db_path}",
            "HELPSVC_CONTENT_DIR": str(CONTENT),
            **(env or {}),
        }
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> "Server":
        with self.log_path.open("ab") as log:
            self.proc = self._spawn(log)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"server exited: {self.log_path.read_text(errors='replace')[-2000:]}")
                time.sleep(0.1)
        raise RuntimeError("server did not start in 30 s")

    def _spawn(self, log: Any) -> "subprocess.Popen[bytes]":
        return subprocess.Popen(
            [sys.executable, "-m", "helpsvc", "serve", "--host", "127.0.0.1", "--port", str(self.port), *self.args],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=self.env,
            cwd=str(self.log_path.parent),
        )

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture
def server_factory(tmp_path: Path) -> Iterator[Callable[..., Server]]:
    servers: list[Server] = []

    def factory(index_dir: Path, env: dict[str, str] | None = None, args: list[str] | None = None) -> Server:
        server = Server(tmp_path, index_dir, env, args).start()
        servers.append(server)
        return server

    yield factory
    for server in servers:
        server.stop()


def copy_content(dest: Path) -> Path:
    shutil.copytree(CONTENT, dest)
    return dest
