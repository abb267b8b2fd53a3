"""The fallback load generator: asyncio, standard library only (uvloop if installed).

    python bench/pyload.py SPEC.json      # prints one JSON line with the results

Used by bench/load.py when wrk is not installed. It opens ``connections``
keep-alive HTTP/1.1 connections to 127.0.0.1, each sending a request, waiting for
the whole response and sending the next, until ``duration`` seconds have passed,
``max_requests`` have been sent, or (mode ``once``) every path has been used.
Being Python, it needs far more CPU per request than wrk, which it takes from
the server on a small machine: figures from it are lower than wrk's, and only
their ratios to the same run's hello-world figure are comparable.
"""

from __future__ import annotations

import asyncio
import bisect
import json
import random
import re
import sys
import time
from typing import Any

_ID_RE = re.compile(rb'"id"\s*:\s*"([^"]+)"')


class Source:
    """Hands out the next request's bytes; shared by every connection of the run."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.mode = spec["mode"]
        self.host = f"{spec['host']}:{spec['port']}".encode()
        self.n = 0
        self.rng = random.Random(6000)
        self.cdf: list[float] = []
        if self.mode == "zipf":
            total = sum(spec["weights"])
            acc = 0.0
            for w in spec["weights"]:
                acc += w / total
                self.cdf.append(acc)
        self.paths = [p.encode() for p in spec["paths"]]
        self.bodies = [b.encode() for b in spec["bodies"]]

    def next(self) -> bytes | None:
        if self.n >= self.spec["max_requests"]:
            return None
        self.n += 1
        i = self.n - 1
        if self.mode == "fixed":
            return self._get(self.paths[0])
        if self.mode == "zipf":
            k = min(bisect.bisect_left(self.cdf, self.rng.random()), len(self.paths) - 1)
            return self._get(self.paths[k])
        if self.mode == "once":
            return self._get(self.paths[i]) if i < len(self.paths) else None
        if self.mode == "cycle":
            return self._get(self.paths[i % len(self.paths)])
        body = self.bodies[i % len(self.bodies)]
        return (
            b"POST /api/v1/feedback HTTP/1.1\r\nHost: " + self.host
            + b"\r\nContent-Type: application/json\r\nUser-Agent: helpsvc-bench/1.0 (visitor p" + str(i).encode()
            + b")\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
        )

    def _get(self, path: bytes) -> bytes:
        return b"GET " + path + b" HTTP/1.1\r\nHost: " + self.host + b"\r\n\r\n"


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    length = None
    chunked = False
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value.strip())
        elif name == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if chunked:
        body = b""
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                return status, body
            body += await reader.readexactly(size + 2)
    return status, await reader.readexactly(length or 0)


async def _connection(spec: dict[str, Any], source: Source, deadline: float, out: dict[str, Any]) -> None:
    reader, writer = await asyncio.open_connection(spec["host"], spec["port"])
    try:
        while time.perf_counter() < deadline:
            request = source.next()
            if request is None:
                return
            started = time.perf_counter()
            writer.write(request)
            try:
                status, body = await asyncio.wait_for(_read_response(reader), spec["timeout"])
            except asyncio.TimeoutError:
                out["errors"]["timeout"] += 1
                return
            out["latencies"].append(time.perf_counter() - started)
            key = str(status)
            out["statuses"][key] = out["statuses"].get(key, 0) + 1
            if source.mode == "feedback" and status == 201:
                found = _ID_RE.search(body)
                if found:
                    out["ids"].append(found.group(1).decode())
    except (ConnectionError, asyncio.IncompleteReadError):
        out["errors"]["read"] += 1
    finally:
        writer.close()


async def main(spec: dict[str, Any]) -> dict[str, Any]:
    source = Source(spec)
    out: dict[str, Any] = {"latencies": [], "statuses": {}, "ids": [],
                           "errors": {"connect": 0, "read": 0, "write": 0, "timeout": 0}}
    started = time.perf_counter()
    deadline = started + spec["duration"]
    await asyncio.gather(*(_connection(spec, source, deadline, out) for _ in range(spec["connections"])))
    seconds = time.perf_counter() - started
    exhausted = source.mode == "once" and source.n >= len(source.paths) and seconds < spec["duration"] - 0.25
    lat = sorted(out["latencies"])
    n = len(lat)

    def pct(p: float) -> float:
        return lat[min(n - 1, int(p / 100 * n))] * 1000 if n else 0.0

    return {
        "requests": n,
        "seconds": round(seconds, 3),
        "rps": n / seconds if seconds else 0.0,
        "p50_ms": pct(50), "p90_ms": pct(90), "p99_ms": pct(99),
        "mean_ms": sum(lat) / n * 1000 if n else 0.0,
        "max_ms": lat[-1] * 1000 if n else 0.0,
        "errors": out["errors"],
        "non_2xx": sum(v for k, v in out["statuses"].items() if not k.startswith("2")),
        "statuses": out["statuses"],
        "ids": out["ids"],
        "exhausted": exhausted,
    }


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as handle:
        spec = json.load(handle)
    if spec["host"] != "127.0.0.1":
        sys.exit("pyload only sends load to 127.0.0.1")
    try:
        import uvloop  # type: ignore[import-not-found]

        uvloop.install()
    except ImportError:
        pass
    print(json.dumps(asyncio.run(main(spec))))
