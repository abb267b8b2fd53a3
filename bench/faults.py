"""``make soak``'s faults: a worker, the scrubber process or PostgreSQL taken away under load.

    .venv/bin/python bench/faults.py [--requests 3000] [--fault worker,scrubber,postgres]
                                     [--postgres-url URL --postgres-data DIR]

Each fault gets a run of its own: ``helpsvc serve --workers 2`` over a fresh database
(SQLite, and PostgreSQL when ``--postgres-url`` names a server), the soak's mix of
readers and hostile input from 32 connections, and at 40 % of the requests the fault:

* ``worker``: SIGKILL to one uvicorn worker; its parent starts another;
* ``scrubber``: SIGKILL to the node's scrubber process; serve's supervisor starts another,
  and until then comments and queries are dropped, never stored unscrubbed;
* ``postgres``: the PostgreSQL server stopped at once (``pg_ctl stop -m immediate``) and
  started again three seconds later; feedback answers 503 meanwhile.

For each it prints feedback tried / failed / lost (tried: acknowledged or failed; failed:
a 5xx or no answer; lost: acknowledged, yet not in the database when read back with
``helpsvc export feedback``), answers 5xx by status, and how long after the fault the
service was whole again (a new worker process started in place of the killed one, a new
scrubber process answering, or /readyz ready once PostgreSQL is back). It exits 1 if any acknowledged feedback was lost.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))

import soak  # noqa: E402

FAULT_AT = 0.4
POSTGRES_DOWN_SECONDS = 3.0


def _children(server: soak.Server) -> list[psutil.Process]:
    assert server.process is not None
    try:
        return psutil.Process(server.process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def _scrubbers(server: soak.Server) -> list[psutil.Process]:
    return [p for p in _children(server) if "helpsvc.privacy.process.sidecar" in " ".join(_cmdline(p))]


def _workers(server: soak.Server) -> list[psutil.Process]:
    # uvicorn's workers are multiprocessing children; the scrubber process and its helpers are not workers.
    return [p for p in _children(server) if "multiprocessing" in " ".join(_cmdline(p))
            and "resource_tracker" not in " ".join(_cmdline(p))]


def _cmdline(proc: psutil.Process) -> list[str]:
    try:
        return proc.cmdline()
    except (psutil.NoSuchProcess, psutil.ZombieProcess, psutil.AccessDenied):
        return []


def _readyz(server: soak.Server) -> dict:
    try:
        return json.loads(server.get("/readyz"))
    except (OSError, ValueError):
        return {}


def _pg_ctl(data: Path, *args: str) -> None:
    binary = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))[-1]
    command = [str(binary), "-D", str(data), *args]
    if os.geteuid() == 0:  # the cluster belongs to the postgres user, as .ci/postgres makes it
        command = ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(shlex.quote(part) for part in command)]
    # No pipes: a started server inherits them and would hold them open for good.
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)


def _postgres_options(data: Path) -> str:
    """The options the running server was started with (socket, port, listen address), for starting it again."""
    words = shlex.split((data / "postmaster.opts").read_text())
    return " ".join(shlex.quote(w) for w in words[3:])  # after the binary and its -D folder


class Fault:
    """Injects one fault into a running server and says when the service is whole again."""

    def __init__(self, name: str, server: soak.Server, postgres_data: Path | None) -> None:
        self.name = name
        self.server = server
        self.postgres_data = postgres_data
        self.before: set[int] = set()

    def inject(self) -> None:
        if self.name == "worker":
            workers = _workers(self.server)
            self.before = {p.pid for p in workers}
            workers[0].kill()
        elif self.name == "scrubber":
            scrubbers = _scrubbers(self.server)
            self.before = {p.pid for p in scrubbers}
            scrubbers[0].kill()
        else:
            assert self.postgres_data is not None
            options = _postgres_options(self.postgres_data)
            _pg_ctl(self.postgres_data, "-m", "immediate", "stop")
            time.sleep(POSTGRES_DOWN_SECONDS)
            _pg_ctl(self.postgres_data, "-w", "-l", str(self.postgres_data.parent / "server.log"), "-o", options, "start")

    def whole(self) -> bool:
        if self.name == "worker":
            now = {p.pid for p in _workers(self.server)}
            return len(now) >= len(self.before) and now != self.before
        if self.name == "scrubber":
            now = {p.pid for p in _scrubbers(self.server)}
            return bool(now - self.before) and _readyz(self.server).get("checks", {}).get("scrubber") == "ok"
        return _readyz(self.server).get("status") == "ready"


def _wait(condition: Callable[[], bool], seconds: float) -> float | None:
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if condition():
            return time.monotonic() - started
        time.sleep(0.1)
    return None


async def _run(server: soak.Server, mix: soak.Mix, fault: Fault, requests: int, tally: soak.Tally) -> tuple[float, float | None]:
    load = asyncio.create_task(soak.run_load(server, mix, requests, 32, tally))
    while tally.done < requests * FAULT_AT and not load.done():
        await asyncio.sleep(0.05)
    await asyncio.to_thread(fault.inject)  # for PostgreSQL: returns once the server is started again
    recovered = await asyncio.to_thread(_wait, fault.whole, 120)
    seconds = await load
    return seconds, recovered


def _fresh_postgres_database(url: str) -> str:
    import psycopg

    name = f"soak_{secrets.token_hex(4)}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return url.rsplit("/", 1)[0] + "/" + name


def run_fault(name: str, backend: str, requests: int, postgres_url: str | None, postgres_data: Path | None) -> bool:
    articles = [a for a in soak.load_collection(soak.REPO / "content") if isinstance(a, soak.Article)]
    with tempfile.TemporaryDirectory(prefix="helpsvc-faults-") as folder:
        server = soak.Server(Path(folder), workers=2)
        if backend == "postgresql":
            assert postgres_url is not None
            server.db = _fresh_postgres_database(postgres_url)
            server.env["HELPSVC_DATABASE_URL"] = server.db
        server.start()
        try:
            mix = soak.Mix(server.port, articles, "", seed=17)
            tally = soak.Tally()
            fault = Fault(name, server, postgres_data)
            seconds, recovered = asyncio.run(_run(server, mix, fault, requests, tally))
            stored = set(_wait_stored(server))
        finally:
            server.stop()
        fives_by_kind = {kind: n for (kind, klass), n in tally.by_kind.items() if klass == "5xx"}
        if fives_by_kind:
            # Say which answers were 5xx and what the server logged about them, before its folder goes.
            print(f"  5xx by kind: {fives_by_kind}")
            lines = [line for line in server.log.read_text(errors="replace").splitlines()
                     if " ERROR " in line or " WARNING " in line or "Traceback" in line]
            print("  " + "\n  ".join(lines[-8:]))
    acknowledged = set(tally.acknowledged_ids)
    # Failed: feedback the service could not take (5xx) or never answered; a 4xx is bad input, not a failure.
    failed = sum(n for (kind, klass), n in tally.by_kind.items() if kind.startswith("feedback") and klass == "5xx")
    failed += sum(n for what, n in tally.unanswered.items() if "feedback" in what)
    tried = len(acknowledged) + tally.form_stored + failed
    lost = len(acknowledged - stored)
    fives = {status: n for status, n in sorted(tally.statuses.items()) if status >= 500}
    whole = f"{recovered:.1f} s" if recovered is not None else "not within 120 s"
    print(f"{name:<9}{backend:<11}{tried:>6} / {failed:<6} / {lost:<5}{str(fives or '-'):<22}{whole:<18}"
          f"{requests / seconds:.0f} req/s", flush=True)
    return lost == 0 and recovered is not None


def _wait_stored(server: soak.Server) -> list[str]:
    # After PostgreSQL came back, reading may take a moment to reconnect.
    for _ in range(20):
        try:
            return server.stored_ids()
        except subprocess.CalledProcessError:
            time.sleep(0.5)
    return server.stored_ids()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--fault", default="worker,scrubber,postgres")
    parser.add_argument("--postgres-url", default=os.environ.get("HELPSVC_TEST_POSTGRES_URL"))
    parser.add_argument("--postgres-data", type=Path, help="the server's data folder, for the restart fault")
    args = parser.parse_args(argv)
    faults = [f for f in args.fault.split(",") if f]
    runs = [(f, "sqlite") for f in faults if f != "postgres"]
    if args.postgres_url:
        runs += [(f, "postgresql") for f in faults if f != "postgres" or args.postgres_data]
    else:
        print("no --postgres-url (or HELPSVC_TEST_POSTGRES_URL): the PostgreSQL runs are left out")
    print(f"\nfaults at {FAULT_AT:.0%} of {args.requests} requests, 32 connections, 2 workers\n")
    print(f"{'fault':<9}{'backend':<11}{'feedback tried / failed / lost':<34}{'5xx':<22}{'whole again after':<18}load")
    ok = [run_fault(name, backend, args.requests, args.postgres_url, args.postgres_data) for name, backend in runs]
    return 0 if all(ok) else 1


if __name__ == "__main__":
    sys.exit(main())
