"""Sandbox latency benchmark: bare interpreter vs ``sandbox.run`` vs the full Django path.

Prints, for a trivial Python program, the median and p95 wall time of (a) a bare
subprocess of the same interpreter with the same flags and (b) ``sandbox.run``,
then runs per second with 2 parallel worker processes for both, with ratios
against the bare baseline measured in the same run. Bare and sandbox samples
alternate (run by run, and in rounds for throughput) so that load from other
processes on the machine hits both alike. The sandbox part needs no
Django; ``measure_full_path()`` then times Submission -> Celery worker -> stored.

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
from sandbox.warm_pool import POOL  # noqa: E402
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


def latency(fns, runs: int, workdir: str) -> list[list[float]]:
    """Wall times of each of ``fns``, alternated run by run so both see the same machine load."""
    for fn in fns:
        fn(workdir)  # warm-up (caches, page cache, the first warm box)
    samples: list[list[float]] = [[] for _ in fns]
    for _ in range(runs):
        for fn, out in zip(fns, samples):
            start = time.perf_counter()
            fn(workdir)
            out.append(time.perf_counter() - start)
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
    POOL.shutdown()  # multiprocessing ends workers with os._exit, which skips atexit


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


def throughputs(seconds: float, workdir: str, rounds: int = 4) -> tuple[float, float]:
    """(bare, sandbox) runs/s, measured in alternating rounds so both see the same machine load."""
    bare = boxed = 0.0
    for _ in range(rounds):
        bare += throughput("bare", seconds / rounds, workdir) / rounds
        boxed += throughput("sandbox", seconds / rounds, workdir) / rounds
    return bare, boxed


def _redis_reachable(host: str = "127.0.0.1", port: int = 6379) -> bool:
    import socket

    try:
        socket.create_connection((host, port), timeout=0.3).close()
        return True
    except OSError:
        return False


def measure_full_path(runs: int, sandbox_median_ms: float) -> None:
    """Time Submission created -> Celery worker -> sandbox -> result stored, as the web app sees it.

    A scratch SQLite database and a real worker process (concurrency 1) on Redis when it
    answers on 127.0.0.1:6379 (else the embedded filesystem broker); the timer starts at
    `submission_create` and stops when the row reads done.
    """
    import shutil
    import uuid

    base_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    scratch = tempfile.mkdtemp(prefix="interviewprep-fullpath-")
    broker = os.environ.get("CELERY_BROKER_URL") or ("redis://127.0.0.1:6379/14" if _redis_reachable() else "")
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "interviewprep.settings",
        "INTERVIEWPREP_VAR_DIR": scratch,
        "DATABASE_URL": f"sqlite:///{scratch}/db.sqlite3",
        "SANDBOX_QUEUE": f"bench-{uuid.uuid4().hex[:8]}",
        "LOG_LEVEL": "WARNING",
    })
    if broker:
        os.environ["CELERY_BROKER_URL"] = broker
    for folder in ("queue", "processed", "control"):
        os.makedirs(os.path.join(scratch, "broker", folder), exist_ok=True)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=base_dir, check=True)
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "interviewprep", "worker", "--queues", os.environ["SANDBOX_QUEUE"],
         "--concurrency", "1", "--loglevel", "WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=base_dir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        import django

        django.setup()
        from sessions.models import Submission
        from sessions.runs.submissions import submission_create

        def once() -> float:
            start = time.perf_counter()
            submission = submission_create(user=None, language="python", source=TRIVIAL)
            deadline = start + 60
            while time.perf_counter() < deadline:
                row = Submission.objects.filter(pk=submission.pk).values_list("status", "stdout").get()
                if row[0] in ("done", "error"):
                    assert row == ("done", "45\n"), row
                    return time.perf_counter() - start
                time.sleep(0.001)
            raise SystemExit("full path: the worker did not finish a run within 60 s")

        once()  # warm-up: the worker's first run also prepares its warm boxes
        samples = [once() for _ in range(runs)]
        median = statistics.median(samples) * 1000
        rows = list(Submission.objects.order_by("-id")[:runs])
        queued = statistics.median((r.started_at - r.created_at).total_seconds() * 1000 for r in rows)
        in_task = statistics.median((r.finished_at - r.started_at).total_seconds() * 1000 for r in rows)
        print(f"full path ({'redis' if broker else 'filesystem'} broker): median {median:6.1f} ms  "
              f"p95 {percentile(samples, 0.95) * 1000:6.1f} ms  "
              f"(+{median - sandbox_median_ms:.1f} ms over sandbox.run's median)")
        print(f"  of which: created -> claimed by the worker {queued:.1f} ms, claimed -> result stored {in_task:.1f} ms")
    finally:
        worker.terminate()
        worker.wait(timeout=20)
        shutil.rmtree(scratch, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as workdir:
        with open(os.path.join(workdir, "main.py"), "w") as fh:
            fh.write(TRIVIAL)
        print(f"bare command: {' '.join(a if len(a) < 40 else a[:37] + '...' for a in bare_command(workdir))}")
        bare, boxed = latency([bare_once, sandbox_once], args.runs, workdir)
        bm, bp = statistics.median(bare) * 1000, percentile(bare, 0.95) * 1000
        sm, sp = statistics.median(boxed) * 1000, percentile(boxed, 0.95) * 1000
        print(f"latency bare    : median {bm:6.1f} ms  p95 {bp:6.1f} ms  ({args.runs} runs)")
        print(f"latency sandbox : median {sm:6.1f} ms  p95 {sp:6.1f} ms")
        print(f"latency ratio   : median {sm / bm:.2f}x  p95 {sp / bp:.2f}x")
        # Without bare runs in between, each run's next warm box is set up while it runs (worst case).
        b2b = latency([sandbox_once], args.runs, workdir)[0]
        print(f"latency sandbox back-to-back: median {statistics.median(b2b) * 1000:6.1f} ms  "
              f"p95 {percentile(b2b, 0.95) * 1000:6.1f} ms  ({statistics.median(b2b) * 1000 / bm:.2f}x bare median)")
        bare_rps, box_rps = throughputs(args.seconds, workdir)
        print(f"throughput bare    : {bare_rps:6.1f} runs/s (2 workers)")
        print(f"throughput sandbox : {box_rps:6.1f} runs/s (2 workers)")
        print(f"throughput ratio   : {box_rps / bare_rps:.2f}x of bare")
    measure_full_path(args.runs, sm)


if __name__ == "__main__":
    main()
