"""Sandbox latency benchmark: bare interpreter vs ``sandbox.run`` (and later the full Django path).

Prints, for a trivial Python program, the median and p95 wall time of (a) a bare
subprocess of the same interpreter with the same flags and (b) ``sandbox.run``,
then runs per second with 2 parallel worker processes for both, with ratios
against the bare baseline measured in the same run. The sandbox part needs no
Django; ``measure_full_path()`` is the hook for Submission -> Celery -> stored.

    python bench/sandbox_latency.py [--runs 40] [--seconds 5]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sandbox import RunRequest, run  # noqa: E402
from sandbox.languages import LANGUAGES, expand  # noqa: E402

TRIVIAL = "print(sum(range(10)))\n"


def bare_command(workdir: str) -> list[str]:
    """The same interpreter and flags the sandbox uses for Python, without the sandbox."""
    return expand(LANGUAGES["python"].run, file="main.py", stem="main", memory_mb=256)


def bare_once(workdir: str) -> None:
    proc = subprocess.run(bare_command(workdir), cwd=workdir, capture_output=True, env={"PATH": "/usr/bin:/bin"})
    assert proc.stdout == b"45\n", proc


def sandbox_once(_workdir: str | None = None) -> None:
    result = run(RunRequest(language="python", source=TRIVIAL))
    assert result.verdict == "OK" and result.stdout == "45\n", result


def latency(fn, runs: int, workdir: str) -> list[float]:
    fn(workdir)  # warm-up (caches, page cache, the pre-forked stem)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn(workdir)
        samples.append(time.perf_counter() - start)
    return samples


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _throughput_worker(kind: str, seconds: float, workdir: str, counter) -> None:
    fn = bare_once if kind == "bare" else sandbox_once
    fn(workdir)
    deadline = time.perf_counter() + seconds
    done = 0
    while time.perf_counter() < deadline:
        fn(workdir)
        done += 1
    with counter.get_lock():
        counter.value += done


def throughput(kind: str, seconds: float, workdir: str, workers: int = 2) -> float:
    """Runs per second with ``workers`` parallel processes."""
    ctx = multiprocessing.get_context("fork")
    counter = ctx.Value("i", 0)
    procs = [ctx.Process(target=_throughput_worker, args=(kind, seconds, workdir, counter)) for _ in range(workers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    return counter.value / seconds


def measure_full_path() -> None:
    """Hook: time Submission created -> Celery task -> result stored (needs Django settings)."""
    try:
        import django  # noqa: F401
        os.environ["DJANGO_SETTINGS_MODULE"]  # noqa: B018
    except (ImportError, KeyError):
        print("full path: skipped: full path needs Django settings")
        return
    print("full path: skipped: full path needs Django settings (measurement not implemented yet)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as workdir:
        with open(os.path.join(workdir, "main.py"), "w") as fh:
            fh.write(TRIVIAL)
        print(f"bare command: {' '.join(a if len(a) < 40 else a[:37] + '...' for a in bare_command(workdir))}")
        bare = latency(bare_once, args.runs, workdir)
        boxed = latency(sandbox_once, args.runs, workdir)
        bm, bp = statistics.median(bare) * 1000, percentile(bare, 0.95) * 1000
        sm, sp = statistics.median(boxed) * 1000, percentile(boxed, 0.95) * 1000
        print(f"latency bare    : median {bm:6.1f} ms  p95 {bp:6.1f} ms  ({args.runs} runs)")
        print(f"latency sandbox : median {sm:6.1f} ms  p95 {sp:6.1f} ms")
        print(f"latency ratio   : median {sm / bm:.2f}x  p95 {sp / bp:.2f}x")
        bare_rps = throughput("bare", args.seconds, workdir)
        box_rps = throughput("sandbox", args.seconds, workdir)
        print(f"throughput bare    : {bare_rps:6.1f} runs/s (2 workers)")
        print(f"throughput sandbox : {box_rps:6.1f} runs/s (2 workers)")
        print(f"throughput ratio   : {box_rps / bare_rps:.2f}x of bare")
    measure_full_path()


if __name__ == "__main__":
    main()
