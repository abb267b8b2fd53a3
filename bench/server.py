"""The real server under test: ``helpsvc serve`` on 127.0.0.1, in its own process.

Its environment turns off whatever would throttle or disturb a benchmark:
every ``HELPSVC_RATE_LIMIT_*`` setting helpsvc declares, any per-visitor cap,
and the periodic rollup job (so it cannot fire in the middle of a scenario).
Which settings were changed is returned so the report can list them.
"""

from __future__ import annotations

import dataclasses

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import psutil

from helpsvc import settings as helpsvc_settings

HELPSVC = Path(sys.executable).parent / "helpsvc"
UNLIMITED = "1000000000"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bench_overrides() -> dict[str, str]:
    """HELPSVC_* values that keep limits out of the measurement, chosen from settings.py's own declarations."""
    env: dict[str, str] = {"HELPSVC_ROLLUP_INTERVAL_SECONDS": "0"}
    for setting in dataclasses.fields(helpsvc_settings.Settings):
        name = setting.name
        var = helpsvc_settings.env_name(setting)
        text = setting.metadata["help"].lower()
        if name.startswith("rate_limit") or name.endswith("_rate_limit"):
            env[var] = _off_value(setting, text)
        elif re.search(r"per[ _-]visitor|visitor.*(cap|limit|per day|daily)|daily.*(cap|limit)|_cap$|max_.*_per_", name + " " + text):
            env[var] = _off_value(setting, text)
    return env


def _off_value(setting: Any, help_text: str) -> str:
    """0 when the help line says 0 turns the limit off, else a value no run can reach."""
    if re.search(r"\b0\b[^.]*\b(off|disable|disables|unlimited|no limit|none)", help_text):
        return "0"
    if isinstance(setting.default, bool):
        return "false"
    return UNLIMITED


class Server:
    def __init__(self, index_dir: Path, db_path: Path, work_dir: Path, content_dir: Path, workers: int = 1,
                 uvicorn_args: list[str] | None = None) -> None:
        """``uvicorn_args``: run plain ``uvicorn helpsvc.web.asgi:app`` with these options instead of
        ``helpsvc serve`` (only to measure deployment traps; the real figures use ``helpsvc serve``)."""
        self.uvicorn_args = uvicorn_args
        self.index_dir = index_dir
        self.db_path = db_path
        self.work_dir = work_dir
        self.content_dir = content_dir
        self.workers = workers
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.overrides = bench_overrides()
        self.log_path = work_dir / "server.log"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 120.0) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("HELPSVC_")}
        env.update(self.overrides)
        env.update({
            "HELPSVC_INDEX_DIR": str(self.index_dir),
            "HELPSVC_DATABASE_URL": f"sqlite:///{self.db_path}",
            "HELPSVC_CONTENT_DIR": str(self.content_dir),
            "HELPSVC_SECRET_KEY_FILE": str(self.work_dir / "secret_key"),
        })
        cmd = [str(HELPSVC), "serve", "--host", "127.0.0.1", "--port", str(self.port),
               "--index", str(self.index_dir), "--db", str(self.db_path)]
        if self.workers != 1:
            cmd += ["--workers", str(self.workers)]
        if self.uvicorn_args is not None:
            cmd = [sys.executable, "-m", "uvicorn", "helpsvc.web.asgi:app", "--host", "127.0.0.1",
                   "--port", str(self.port), "--no-access-log", *self.uvicorn_args]
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(cmd, cwd=self.work_dir, env=env, stdout=log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited with {self.proc.returncode}; see {self.log_path}:\n"
                                   + self.log_path.read_text(errors="replace")[-3000:])
            try:
                status, body = self.get("/readyz")
                if status == 200 and json.loads(body).get("status") == "ready":
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"the server was not ready within {timeout:.0f} s; see {self.log_path}")

    def get(self, path: str, timeout: float = 30.0) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(self.base + path, timeout=timeout) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def post_json(self, path: str, data: Any, user_agent: str) -> tuple[int, bytes]:
        req = urllib.request.Request(self.base + path, data=json.dumps(data).encode(), method="POST",
                                     headers={"Content-Type": "application/json", "User-Agent": user_agent})
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def worker_pids(self) -> list[int]:
        """The processes that serve requests: the server itself, or its worker children."""
        assert self.proc is not None
        children = _children(self.proc.pid)
        if self.workers > 1 and children:
            return children
        return [self.proc.pid]

    def rss_mb(self) -> list[dict[str, float]]:
        out = []
        for pid in self.worker_pids():
            status = _proc_status(pid)
            # Anonymous memory is the worker's own; file-backed pages (the memory-mapped index) are the
            # kernel's page cache, shared by every worker on the node and given back under pressure.
            out.append({"pid": pid, "rss_mb": status.get("VmRSS", 0) / 1024, "peak_rss_mb": status.get("VmHWM", 0) / 1024,
                        "anon_mb": status.get("RssAnon", 0) / 1024, "file_mb": status.get("RssFile", 0) / 1024})
        return out

    def scrubber_pid(self) -> int | None:
        """The node's scrubber process, a child of ``helpsvc serve`` (none with --inline-scrubber)."""
        assert self.proc is not None
        return next((pid for pid in _all_children(self.proc.pid) if _is_scrubber(pid)), None)

    def scrubber_rss_mb(self) -> dict[str, float] | None:
        """Memory of the scrubber process, reported apart from the workers': there is one per node."""
        pid = self.scrubber_pid()
        if pid is None:
            return None
        status = _proc_status(pid)
        return {"pid": pid, "rss_mb": status.get("VmRSS", 0) / 1024, "peak_rss_mb": status.get("VmHWM", 0) / 1024}

    def cpu_seconds(self) -> dict[int, float]:
        """CPU time (user + system) each worker has used so far."""
        out = {}
        for pid in self.worker_pids():
            try:
                times = psutil.Process(pid).cpu_times()
            except psutil.NoSuchProcess:
                continue
            out[pid] = times.user + times.system
        return out

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGINT)  # uvicorn shuts down cleanly, flushing queued events
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)


def _proc_status(pid: int) -> dict[str, int]:
    """/proc/PID/status in kB: psutil gives the resident size but not its peak (VmHWM)."""
    values: dict[str, int] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            name, _, rest = line.partition(":")
            if rest.strip().endswith("kB"):
                values[name] = int(rest.split()[0])
    except OSError:
        pass
    return values


def _children(pid: int) -> list[int]:
    found = [c for c in _all_children(pid) if not _is_scrubber(c)]
    # uvicorn's workers are multiprocessing "spawn" children; its resource tracker is not a worker.
    workers = [c for c in found if "spawn_main" in _cmdline(c)]
    return workers or [c for c in found if "resource_tracker" not in _cmdline(c)]


def _is_scrubber(pid: int) -> bool:
    return "helpsvc.privacy.process.sidecar" in _cmdline(pid)


def _all_children(pid: int) -> list[int]:
    try:
        return [child.pid for child in psutil.Process(pid).children()]
    except psutil.NoSuchProcess:
        return []


def _cmdline(pid: int) -> str:
    try:
        return " ".join(psutil.Process(pid).cmdline())
    except (psutil.NoSuchProcess, psutil.ZombieProcess, psutil.AccessDenied):
        return ""
