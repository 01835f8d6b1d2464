"""How long a run waits in `make run`'s embedded broker before a worker takes it: kombu's default polling
interval (1 s, the baseline) against the project's (`CELERY_BROKER_POLLING_INTERVAL`, 0.02 s) and any other
intervals given, in one run.

For each setting: a scratch SQLite database, a real Celery worker (concurrency 1) on the filesystem broker,
and `--runs` trivial Python runs created one after another the way the web app creates them
(`submission_create`); the wait is the row's created_at -> started_at (the worker claiming it), and the whole
path is create -> result stored. Also prints the idle worker's CPU time per second at each setting.

    python bench/embedded_broker.py [--runs 30] [--also 0.05,0.01]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid

BASE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, BASE_DIR)

TRIVIAL = "print(sum(range(10)))\n"
BASELINE = "1.0"  # kombu's own default
PROJECT = "0.02"  # interviewprep/settings.py


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(polling: str, runs: int, scratch: str) -> dict:
    env = {**os.environ, "CELERY_BROKER_POLLING_INTERVAL": polling}
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "interviewprep", "worker", "--queues", os.environ["SANDBOX_QUEUE"],
         "--concurrency", "1", "--pool", "solo", "--loglevel", "WARNING", "--without-gossip", "--without-mingle",
         "--without-heartbeat"], cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    from sessions.models import Submission
    from sessions.runs.submissions import submission_create

    rng = random.Random(7)

    def once() -> tuple[float, int]:
        start = time.perf_counter()
        submission = submission_create(user=None, language="python", source=TRIVIAL)
        while time.perf_counter() < start + 60:
            status = Submission.objects.filter(pk=submission.pk).values_list("status", flat=True).get()
            if status in ("done", "error"):
                return time.perf_counter() - start, submission.pk
            time.sleep(0.001)
        raise SystemExit(f"polling {polling}: the worker did not finish a run within 60 s")

    try:
        once()  # warm-up: the worker starts and prepares its warm boxes
        whole, ids = [], []
        for _ in range(runs):
            seconds, pk = once()
            whole.append(seconds)
            ids.append(pk)
            time.sleep(rng.uniform(0.05, 0.4))  # runs arrive while the worker idles, at any phase of its polling
        rows = Submission.objects.filter(pk__in=ids)
        waits = [(r.started_at - r.created_at).total_seconds() for r in rows]
        idle_from = cpu_seconds(worker.pid)
        time.sleep(3)
        idle_cpu = (cpu_seconds(worker.pid) - idle_from) / 3
    finally:
        worker.terminate()
        worker.wait(timeout=20)
    return {"wait": waits, "whole": whole, "idle_cpu": idle_cpu}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--also", default="", help="more polling intervals to measure, comma-separated seconds")
    args = parser.parse_args()
    intervals = [BASELINE, PROJECT, *[value for value in args.also.split(",") if value]]
    scratch = tempfile.mkdtemp(prefix="interviewprep-broker-")
    os.environ.pop("CELERY_BROKER_URL", None)  # the embedded broker, whatever the shell says
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "interviewprep.settings", "INTERVIEWPREP_VAR_DIR": scratch,
        "DATABASE_URL": f"sqlite:///{scratch}/db.sqlite3", "SANDBOX_QUEUE": f"bench-{uuid.uuid4().hex[:8]}",
        "LOG_LEVEL": "WARNING",
    })
    for folder in ("queue", "processed", "control"):
        os.makedirs(os.path.join(scratch, "broker", folder), exist_ok=True)
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=BASE_DIR, check=True)
        import django

        django.setup()
        results = {polling: measure(polling, args.runs, scratch) for polling in intervals}
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    names = {BASELINE: "kombu default", PROJECT: "project default"}
    base = statistics.median(results[BASELINE]["wait"])
    for polling, result in results.items():
        wait, whole = result["wait"], result["whole"]
        print(f"{names.get(polling, ''):15} poll {polling:>5} s: queued -> claimed median {statistics.median(wait) * 1000:7.1f} ms, "
              f"p95 {percentile(wait, 0.95) * 1000:7.1f} ms; create -> stored median "
              f"{statistics.median(whole) * 1000:7.1f} ms; idle worker CPU {result['idle_cpu'] * 100:.1f}%; "
              f"wait {statistics.median(wait) / base:.3f}x the baseline")
    print(f"({args.runs} runs per interval; the baseline is kombu's default, measured in this run)")


if __name__ == "__main__":
    main()
