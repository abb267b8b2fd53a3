"""``make soak``: the real server under a long mix of readers' traffic and hostile input.

    .venv/bin/python bench/soak.py [--requests 10000] [--connections 32] [--workers 1] [--seed 15]

Starts ``helpsvc serve`` on 127.0.0.1 with a fresh SQLite database and a fresh index of
``content/``, and sends ``--requests`` requests over real HTTP from ``--connections``
keep-alive connections. About two thirds are readers (searches, search pages, articles,
suggestions, feedback through the API and the form); the rest are hostile: the URLs and
bodies of ``tests/test_hostile.py``, fuzzed feedback bodies and queries, slow clients that
send their request line and headers one byte at a time (and a body 64 bytes at a time, so
a 50 KB body takes seconds, not minutes), and clients that hang up halfway through one.
Every request comes from a visitor of its own (its User-Agent), so no vote replaces another.

It reports three goals and exits 1 when one is missed:

* no answer is a 5xx (and every complete request gets an answer);
* the server's resident memory (every process of it: workers and scrubber, via psutil),
  sampled through the run, stays within 10% of what it was after the first 2,000 requests;
* every feedback acknowledged (201 with an id from the API, 200 from the form) is in the
  database, read back with ``helpsvc export feedback`` while the server still runs.

Rate limits are off (every request comes from one address) and so is the form's minimum
fill-in time; everything else is as ``helpsvc serve`` runs by default, the upkeep job included.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, quote_plus, urlencode

import psutil

REPO = Path(__file__).resolve().parent.parent
HELPSVC = Path(sys.executable).parent / "helpsvc"
sys.path.insert(0, str(REPO / "tests"))  # the hostile table lives with its tests

import test_hostile  # noqa: E402

from helpsvc.content import Article, load_collection  # noqa: E402
from helpsvc.intake.feedback import NO_REASONS, YES_REASONS  # noqa: E402

WARM_UP = 2_000  # memory is compared with what it was after this many requests
MEMORY_TOLERANCE = 0.10
SLOW_GAP_SECONDS = 0.002  # between two pieces of a slow client's request
SLOW_BODY_PIECE = 64  # a slow client sends its head one byte at a time, its body this many bytes at a time
ANSWER_TIMEOUT = 60.0

# The share of each kind of request in the mix (they need not add up to one).
MIX = {
    "search_api": 20, "search_page": 8, "article_page": 12, "article_api": 6, "suggest": 5, "home": 2,
    "feedback_api": 10, "feedback_form": 3,
    "hostile_get": 8, "hostile_body": 6, "hostile_form": 2, "fuzzed_body": 7, "fuzzed_query": 3,
    "slow": 4, "cut_off": 4,
}
COMMENTS = [
    "", "The steps worked once I restarted the client.", "Call me on +44 20 7946 0958 or write to jane.doe@example.com.",
    "Mein Name ist Erika Mustermann, IBAN DE89 3704 0044 0532 0130 00.", "<script>alert(1)</script>", "ünïcödé ✓ 🎧",
    "x" * 1999,
]
QUERY_WORDS = ["headset", "microphone", "screen share", "sign in", "voicemail", "RLY-1003", "Anruf", "meeting",
               "jane.doe@example.com", "call +1 555 0100", "passwort zurücksetzen", "video", "mute"]


@dataclass
class Request:
    kind: str
    raw: bytes
    mode: str = "normal"  # normal | slow | cut_off
    acknowledges: str = ""  # "api" or "form" when a 2xx means a feedback was stored


@dataclass
class Tally:
    statuses: Counter[int] = field(default_factory=Counter)
    by_kind: Counter[tuple[str, str]] = field(default_factory=Counter)
    unanswered: Counter[str] = field(default_factory=Counter)
    seconds: Counter[str] = field(default_factory=Counter)  # time spent per kind, for the mean
    acknowledged_ids: list[str] = field(default_factory=list)
    form_stored: int = 0
    cut_off: int = 0
    done: int = 0
    memory: list[tuple[int, int]] = field(default_factory=list)  # (requests done, bytes)


# -- the server


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """``helpsvc serve`` on a free loopback port over a fresh database, with its log in the work folder."""

    def __init__(self, work: Path, workers: int) -> None:
        self.work = work
        self.port = free_port()
        self.db = f"sqlite:///{work / 'soak.db'}"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("HELPSVC_")}
        self.env.update({
            "HELPSVC_DATABASE_URL": self.db,
            "HELPSVC_INDEX_DIR": str(work / "index"),
            "HELPSVC_CONTENT_DIR": str(REPO / "content"),
            "HELPSVC_SECRET_KEY_FILE": str(work / "secret"),
            "HELPSVC_RATE_LIMIT_SEARCH": "0",
            "HELPSVC_RATE_LIMIT_FEEDBACK": "0",
            "HELPSVC_RATE_LIMIT_SUGGEST": "0",
            "HELPSVC_FEEDBACK_MIN_SECONDS": "0",
        })
        self.workers = workers
        self.log = work / "server.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        subprocess.run([str(HELPSVC), "index"], env=self.env, check=True, capture_output=True)
        command = [str(HELPSVC), "serve", "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(self.workers)]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(command, env=self.env, cwd=self.work, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"helpsvc serve exited with {self.process.returncode}:\n"
                                 + self.log.read_text(errors="replace")[-3000:])
            try:
                if json.loads(self.get("/readyz")).get("status") == "ready":
                    return
            except (OSError, ValueError):
                pass
            time.sleep(0.3)
        raise SystemExit(f"helpsvc serve was not ready within 120 s; see {self.log}")

    def get(self, path: str) -> str:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=30) as response:
                return response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.read().decode("utf-8", "replace")

    def rss_bytes(self) -> int:
        """Resident memory of the server and every process it started (workers, scrubber)."""
        assert self.process is not None
        total = 0
        try:
            root = psutil.Process(self.process.pid)
            for proc in [root, *root.children(recursive=True)]:
                try:
                    total += proc.memory_info().rss
                except (psutil.NoSuchProcess, psutil.ZombieProcess):
                    pass
        except psutil.NoSuchProcess:
            pass
        return total

    def stored_ids(self) -> list[str]:
        done = subprocess.run([str(HELPSVC), "export", "feedback", "--format", "jsonl", "--db", self.db],
                              env=self.env, check=True, capture_output=True, text=True)
        return [json.loads(line)["id"] for line in done.stdout.splitlines() if line.strip()]

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)


# -- the mix


class Mix:
    """Builds the run's requests, reproducibly from the seed."""

    def __init__(self, port: int, articles: list[Article], stamp: str, seed: int) -> None:
        self.host = f"127.0.0.1:{port}".encode()
        self.articles = articles
        self.stamp = stamp
        self.rng = random.Random(seed)
        self.n = 0

    def _head(self, method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b"") -> bytes:
        self.n += 1
        lines = [f"{method} {path} HTTP/1.1".encode(), b"Host: " + self.host,
                 f"User-Agent: helpsvc-soak/1.0 (visitor {self.n})".encode()]
        for name, value in (headers or {}).items():
            lines.append(f"{name}: {value}".encode("latin-1", "replace"))
        if method == "POST":
            lines.append(b"Content-Length: " + str(len(body)).encode())
        return b"\r\n".join(lines) + b"\r\n\r\n" + body

    def _article(self) -> Article:
        return self.rng.choice(self.articles)

    def _query(self) -> str:
        words = self.rng.sample(QUERY_WORDS, self.rng.randint(1, 3))
        return " ".join(words)

    def _feedback_body(self) -> dict[str, object]:
        article = self._article()
        helpful = self.rng.random() < 0.6
        reasons = list(YES_REASONS if helpful else NO_REASONS)
        return {"article_id": article.id, "locale": article.locale, "helpful": helpful,
                "reasons": self.rng.sample(reasons, self.rng.randint(0, 2)), "comment": self.rng.choice(COMMENTS)}

    def _json_post(self, path: str, body: bytes, content_type: str = "application/json") -> bytes:
        headers = {"Content-Type": content_type} if content_type else {}
        return self._head("POST", path, headers, body)

    def _fuzz(self, data: bytes) -> bytes:
        out = bytearray(data)
        for _ in range(self.rng.randint(1, 6)):
            action = self.rng.randrange(5)
            at = self.rng.randrange(len(out) + 1)
            if action == 0 and out:
                out[min(at, len(out) - 1)] = self.rng.randrange(256)
            elif action == 1:
                out[at:at] = self.rng.choice([b"\x00", b"\xff\xfe", b'"', b"{", b"]", b"\\u0000", b"1e999", "💥".encode()])
            elif action == 2:
                del out[at:at + self.rng.randint(1, 20)]
            elif action == 3:
                out[at:at] = out[self.rng.randrange(len(out) + 1):][:50]
            else:
                out[at:at] = bytes(self.rng.randrange(256) for _ in range(self.rng.randint(1, 30)))
        return bytes(out)

    def _fuzzed_json(self) -> bytes:
        shapes = [
            lambda: self._fuzz(json.dumps(self._feedback_body()).encode()),
            lambda: b"[" * self.rng.randint(100, 5000) + b"]" * self.rng.randint(0, 100),
            lambda: json.dumps({"article_id": self._article().id, "helpful": self.rng.choice([True, 0, None, "yes", [], {}]),
                                "reasons": [self.rng.random()] * self.rng.randint(0, 50)}).encode(),
            lambda: json.dumps({"article_id": "".join(chr(self.rng.randrange(1, 0x10FFFF)) for _ in range(40)),
                                "helpful": True}, ensure_ascii=self.rng.random() < 0.5).encode("utf-8", "surrogatepass"),
            lambda: bytes(self.rng.randrange(256) for _ in range(self.rng.randint(0, 3000))),
        ]
        return self.rng.choice(shapes)()

    def next(self) -> Request:
        kind = self.rng.choices(list(MIX), weights=list(MIX.values()))[0]
        if kind == "search_api":
            return Request(kind, self._head("GET", "/api/v1/search?q=" + quote_plus(self._query())))
        if kind == "search_page":
            return Request(kind, self._head("GET", f"/search?q={quote_plus(self._query())}&page={self.rng.randint(1, 3)}"))
        if kind == "article_page":
            article = self._article()
            return Request(kind, self._head("GET", f"/articles/{quote(article.id)}?locale={article.locale}"))
        if kind == "article_api":
            return Request(kind, self._head("GET", f"/api/v1/articles/{quote(self._article().id)}"))
        if kind == "suggest":
            return Request(kind, self._head("GET", "/api/v1/suggest?q=" + quote_plus(self._query()[: self.rng.randint(1, 6)])))
        if kind == "home":
            return Request(kind, self._head("GET", "/"))
        if kind == "feedback_api":
            body = json.dumps(self._feedback_body()).encode()
            return Request(kind, self._json_post("/api/v1/feedback", body), acknowledges="api")
        if kind == "feedback_form":
            given = self._feedback_body()
            form = urlencode({"article_id": given["article_id"], "locale": given["locale"],
                              "helpful": "yes" if given["helpful"] else "no", "stamp": self.stamp})
            raw = self._json_post("/feedback", form.encode(), "application/x-www-form-urlencoded")
            return Request(kind, raw, acknowledges="form")
        if kind == "hostile_get":
            return Request(kind, self._head("GET", self.rng.choice(test_hostile.GET_URLS)))
        if kind == "hostile_body":
            content_type, body, _ = self.rng.choice(test_hostile.BODY_CASES)
            return Request(kind, self._json_post("/api/v1/feedback", body, content_type), acknowledges="api")
        if kind == "hostile_form":
            content_type, body, _ = self.rng.choice(test_hostile.FORM_CASES)
            if content_type.startswith("application/x-www-form-urlencoded"):
                body += b"&stamp=" + self.stamp.encode()
            return Request(kind, self._json_post("/feedback", body, content_type), acknowledges="form")
        if kind == "fuzzed_body":
            content_type = self.rng.choice(["application/json", "application/json; charset=latin-1", "application/JSON"])
            return Request(kind, self._json_post("/api/v1/feedback", self._fuzzed_json(), content_type), acknowledges="api")
        if kind == "fuzzed_query":
            junk = self._fuzz(self._query().encode())
            path = self.rng.choice(["/api/v1/search?q=", "/search?q=", "/api/v1/suggest?q=", "/help/context/"])
            return Request(kind, self._head("GET", path + quote(junk, safe="")))
        if kind == "slow":
            inner = self.next()
            while inner.mode != "normal":
                inner = self.next()
            return Request("slow", inner.raw, "slow", inner.acknowledges)
        body = json.dumps(self._feedback_body()).encode()
        raw = self._json_post("/api/v1/feedback", body)
        return Request("cut_off", raw[: self.rng.randrange(1, len(raw) - 1)], "cut_off")


# -- the clients


async def read_answer(reader: asyncio.StreamReader) -> tuple[int, dict[bytes, bytes], bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name:
            headers[name.strip().lower()] = value.strip()
    if b"chunked" in headers.get(b"transfer-encoding", b"").lower():
        body = b""
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                return status, headers, body
            body += (await reader.readexactly(size + 2))[:-2]
    if b"content-length" in headers:
        return status, headers, await reader.readexactly(int(headers[b"content-length"]))
    return status, headers, await reader.read()


class Client:
    """One connection, kept alive between requests and opened again when the server or we close it."""

    def __init__(self, port: int, tally: Tally) -> None:
        self.port = port
        self.tally = tally
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def _streams(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self.streams is None:
            self.streams = await asyncio.open_connection("127.0.0.1", self.port, limit=1 << 20)
        return self.streams

    def _drop(self) -> None:
        if self.streams is not None:
            self.streams[1].close()
            self.streams = None

    async def send(self, request: Request) -> None:
        started = time.perf_counter()
        try:
            reader, writer = await self._streams()
            if request.mode == "slow":
                head = request.raw.index(b"\r\n\r\n") + 4
                pieces = [request.raw[i:i + 1] for i in range(head)]
                pieces += [request.raw[i:i + SLOW_BODY_PIECE] for i in range(head, len(request.raw), SLOW_BODY_PIECE)]
                for piece in pieces:
                    writer.write(piece)
                    await writer.drain()
                    await asyncio.sleep(SLOW_GAP_SECONDS)
            else:
                writer.write(request.raw)
                await writer.drain()
            if request.mode == "cut_off":
                self.tally.cut_off += 1
                self._drop()
                return
            status, headers, body = await asyncio.wait_for(read_answer(reader), ANSWER_TIMEOUT)
        except asyncio.TimeoutError:
            self.tally.unanswered[f"{request.kind}: no answer in {ANSWER_TIMEOUT:.0f} s"] += 1
            self._drop()
            return
        except (ConnectionError, asyncio.IncompleteReadError, OSError) as exc:
            self.tally.unanswered[f"{request.kind}: {type(exc).__name__}"] += 1
            self._drop()
            return
        self.tally.seconds[request.kind] += time.perf_counter() - started
        self.tally.statuses[status] += 1
        self.tally.by_kind[(request.kind, f"{status // 100}xx")] += 1
        if request.acknowledges == "api" and status == 201:
            found = re.search(rb'"id"\s*:\s*"([^"]+)"', body)
            if found:
                self.tally.acknowledged_ids.append(found.group(1).decode())
        elif request.acknowledges == "form" and status == 200:
            self.tally.form_stored += 1  # the vote step: stored, then the details form is shown
        if headers.get(b"connection", b"").lower() == b"close":
            self._drop()


async def run_load(server: Server, mix: Mix, requests: int, connections: int, tally: Tally) -> float:
    queue: asyncio.Queue[Request] = asyncio.Queue()
    for _ in range(requests):
        queue.put_nowait(mix.next())
    step = max(1, requests // 100)

    async def one_connection() -> None:
        client = Client(server.port, tally)
        while True:
            try:
                request = queue.get_nowait()
            except asyncio.QueueEmpty:
                client._drop()
                return
            await client.send(request)
            tally.done += 1
            if tally.done % step == 0 or tally.done == WARM_UP:
                tally.memory.append((tally.done, server.rss_bytes()))
            if tally.done % 1000 == 0:
                fives = sum(n for status, n in tally.statuses.items() if status >= 500)
                print(f"  {tally.done} requests, {fives} 5xx, {tally.memory[-1][1] / 2**20:.0f} MB", file=sys.stderr, flush=True)

    started = time.perf_counter()
    tally.memory.append((0, server.rss_bytes()))
    await asyncio.gather(*(one_connection() for _ in range(connections)))
    return time.perf_counter() - started


# -- the report


def report(tally: Tally, stored: list[str], seconds: float, requests: int, connections: int) -> bool:
    server_errors = sum(n for status, n in tally.statuses.items() if status >= 500)
    unanswered = sum(tally.unanswered.values())
    base = next((rss for done, rss in tally.memory if done >= WARM_UP), tally.memory[-1][1])
    after = [rss for done, rss in tally.memory if done >= WARM_UP]
    worst = max(after, key=lambda rss: abs(rss - base)) if after else base
    change = (worst - base) / base if base else 0.0
    end_change = (after[-1] - base) / base if after and base else 0.0
    stored_set = set(stored)
    acknowledged = set(tally.acknowledged_ids)
    lost = acknowledged - stored_set
    form_rows = len(stored_set - acknowledged)  # rows the form stored (it shows no id)
    form_lost = max(0, tally.form_stored - form_rows)
    mb = 1024 * 1024

    print(f"\nmake soak: {requests} requests at {connections} connections in {seconds:.1f} s "
          f"({requests / seconds:.0f}/s), {tally.cut_off} of them cut off on purpose\n")
    print(f"{'status':<8}{'answers':>9}")
    for status in sorted(tally.statuses):
        print(f"{status:<8}{tally.statuses[status]:>9}")
    print(f"\n{'kind':<15}{'2xx':>7}{'3xx':>7}{'4xx':>7}{'5xx':>7}{'mean ms':>9}")
    for kind in MIX:
        if kind == "cut_off":
            continue
        answered = sum(tally.by_kind[(kind, c)] for c in ("2xx", "3xx", "4xx", "5xx"))
        mean = tally.seconds[kind] / answered * 1000 if answered else 0.0
        print(f"{kind:<15}" + "".join(f"{tally.by_kind[(kind, c)]:>7}" for c in ("2xx", "3xx", "4xx", "5xx"))
              + f"{mean:>9.0f}")
    if tally.unanswered:
        print("\nunanswered:", ", ".join(f"{what} x{n}" for what, n in tally.unanswered.most_common()))
    print("\nmemory (RSS, all server processes), MB: " + " ".join(
        f"{done}:{rss / mb:.0f}" for done, rss in tally.memory[:: max(1, len(tally.memory) // 12)]))

    goals = [
        ("5xx answers", f"{server_errors}", "0", server_errors == 0),
        ("complete requests unanswered", f"{unanswered}", "0", unanswered == 0),
        (f"memory after {WARM_UP} requests", f"{base / mb:.1f} MB", "", True),
        ("memory, largest change since", f"{change:+.1%} ({worst / mb:.1f} MB)", f"within ±{MEMORY_TOLERANCE:.0%}",
         abs(change) <= MEMORY_TOLERANCE),
        ("memory, change at the end", f"{end_change:+.1%}", f"within ±{MEMORY_TOLERANCE:.0%}",
         abs(end_change) <= MEMORY_TOLERANCE),
        ("API feedback acknowledged / stored / lost", f"{len(acknowledged)} / {len(acknowledged) - len(lost)} / {len(lost)}",
         "0 lost", not lost),
        ("form feedback acknowledged / stored / lost", f"{tally.form_stored} / {form_rows} / {form_lost}", "0 lost",
         form_lost == 0),
    ]
    print(f"\n{'goal':<46}{'measured':<28}{'target':<16}met")
    for name, measured, target, met in goals:
        print(f"{name:<46}{measured:<28}{target:<16}{'yes' if met else 'NO'}")
    return all(met for *_, met in goals)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=1, help="helpsvc serve --workers (default 1)")
    parser.add_argument("--seed", type=int, default=15, help="the mix is the same for the same seed")
    args = parser.parse_args(argv)
    articles = [a for a in load_collection(REPO / "content") if isinstance(a, Article)]
    with tempfile.TemporaryDirectory(prefix="helpsvc-soak-") as folder:
        work = Path(folder)
        server = Server(work, args.workers)
        print(f"starting helpsvc serve on 127.0.0.1:{server.port} over a fresh {server.db}", flush=True)
        server.start()
        try:
            found = re.search(r'name="stamp" value="([^"]+)"', server.get(f"/articles/{articles[0].id}"))
            mix = Mix(server.port, articles, found.group(1) if found else "", args.seed)
            tally = Tally()
            seconds = asyncio.run(run_load(server, mix, args.requests, args.connections, tally))
            stored = server.stored_ids()  # while it runs: an acknowledged feedback is committed already
        finally:
            server.stop()
        met = report(tally, stored, seconds, args.requests, args.connections)
        if not met:
            print(f"\na goal was missed; the server's log was {server.log} (removed with the work folder)")
            print(server.log.read_text(errors="replace")[-3000:])
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
