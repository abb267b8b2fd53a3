"""Optional: sample the server with py-spy while a scenario runs (``bench/run.py --profile DIR``).

py-spy is not a project dependency; install it where you like (``pip install py-spy``) and put it
on PATH. Each scenario leaves ``DIR/<scenario>.txt`` (py-spy's raw collapsed stacks, one line per
distinct stack with its sample count; idle threads excluded) and ``DIR/<scenario>.top.txt``, the
functions with the largest share of samples, inclusive ("in this function or what it called") and
self ("in this function's own code").

    python bench/profile.py DIR/zipf.txt      # prints the summary of one raw file again
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

_FRAME_RE = re.compile(r"^(?P<func>.*?) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")


def py_spy() -> str | None:
    return shutil.which("py-spy")


def start(pid: int, seconds: float, out: Path) -> subprocess.Popen[bytes]:
    exe = py_spy()
    assert exe is not None
    return subprocess.Popen(
        [exe, "record", "--pid", str(pid), "--duration", str(max(1, int(seconds))), "--rate", "200",
         "--format", "raw", "--nonblocking", "-o", str(out)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def _short(frame: str) -> str:
    m = _FRAME_RE.match(frame.strip())
    if not m:
        return frame.strip()
    file = m.group("file")
    for marker in ("site-packages/", "/helpsvc/", "/lib/python3"):
        if marker in file:
            file = file.split(marker, 1)[1] if marker != "/helpsvc/" else "helpsvc/" + file.split(marker, 1)[1]
            break
    return f"{m.group('func')} ({file})"


def summarise(raw: Path, top: int = 25) -> str:
    inclusive: Counter[str] = Counter()
    self_: Counter[str] = Counter()
    total = 0
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = [_short(f) for f in stack.split(";")]
        frames = [f for f in frames if not f.startswith("<module>") and "process " not in f and "thread " not in f]
        if not frames:
            continue
        for f in set(frames):
            inclusive[f] += n
        self_[frames[-1]] += n
    if not total:
        return f"{raw.name}: no samples\n"
    lines = [f"{raw.name}: {total} samples (active threads only)", "", "inclusive %  function"]
    lines += [f"{100 * n / total:10.1f}  {f}" for f, n in inclusive.most_common(top) if "(helpsvc/" not in f]
    ours = [(f, n) for f, n in inclusive.most_common() if "(helpsvc/" in f]
    lines += ["", "inclusive %  helpsvc function"]
    lines += [f"{100 * n / total:10.1f}  {f}" for f, n in ours[:top]]
    lines += ["", "     self %  function"]
    lines += [f"{100 * n / total:10.1f}  {f}" for f, n in self_.most_common(top)]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        print(summarise(Path(arg)))
