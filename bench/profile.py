"""Sampling profiles of a gunicorn worker under wrk (py-spy), summarised as text for bench/README.md.

`pages.py --profile` records one worker per page while wrk runs (`py-spy record --format raw`: one line
per distinct stack, "frame;frame;… count") into bench/results/<page>.txt and prints the summary: the share of
samples in which a function is on the stack (inclusive) and at its top (self). Reading the summary beside the
flame graph (`--format flamegraph`, same directory) is how the cuts in bench/README.md were chosen.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

PY_SPY = str(Path(sys.executable).parent / "py-spy")
RESULTS = Path(__file__).resolve().parent / "results"


def worker_pids(master_pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(master_pid)], capture_output=True, text=True).stdout
    return [int(pid) for pid in out.split()]


def record(pid: int, name: str, duration: int) -> subprocess.Popen:
    """Start py-spy on one worker for `duration` seconds (raw stacks and a flame graph)."""
    RESULTS.mkdir(exist_ok=True)
    return subprocess.Popen([PY_SPY, "record", "--pid", str(pid), "--duration", str(duration), "--rate", "250",
                             "--nonblocking", "--format", "raw", "--output", str(RESULTS / f"{name}.txt")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


_FRAME = re.compile(r"^(?P<func>[^ ]+) \((?P<file>[^:]+)(?::\d+)?\)$")


def _label(frame: str) -> str:
    match = _FRAME.match(frame)
    if not match:
        return frame
    path = match.group("file")
    for marker in ("site-packages/", "/work/main/", "/lib/python3"):
        if marker in path:
            path = path.split(marker, 1)[1]
    return f"{match.group('func')} ({path})"


def summarise(path: Path, top: int = 25) -> str:
    """The functions found most often on the stack (inclusive %) and at its top (self %)."""
    inclusive, own, total = Counter(), Counter(), 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        samples = int(count)
        total += samples
        frames = [_label(frame) for frame in stack.split(";")]
        for frame in set(frames):
            inclusive[frame] += samples
        own[frames[-1]] += samples
    if not total:
        return f"# {path.name}: no samples\n"
    lines = [f"# {path.stem}: {total} samples", "incl%  self%  function"]
    for frame, samples in inclusive.most_common(top):
        lines.append(f"{100 * samples / total:5.1f}  {100 * own[frame] / total:5.1f}  {frame}")
    lines.append("top self time:")
    for frame, samples in own.most_common(12):
        lines.append(f"{100 * samples / total:5.1f}  {frame}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(summarise(Path(name)))
