"""Load test: simulated candidates against gunicorn + Celery + Redis + PostgreSQL on this machine.

Each candidate has a running coding round. For the duration it loads the round page,
autosaves every 2 s, and every few seconds runs or submits code and polls for the
result until it is final. At the end the script waits for every submission to finish
and prints per-endpoint p50/p95/p99, the status codes seen, and how the runs ended.

    python bench/load.py [--candidates 50] [--seconds 60]

Loopback only; bounded in time; stops everything it started. PostgreSQL is used when
it answers on 127.0.0.1:5432 (a scratch database `interviewprep_load` is created and
dropped), else SQLite in a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.harness import HtmxClient, free_port, port_open, session_for  # noqa: E402


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.status: dict[str, Counter] = defaultdict(Counter)
        self.submissions: list[int] = []

    def record(self, name: str, status: int, seconds: float) -> None:
        with self.lock:
            self.latency[name].append(seconds * 1000)
            self.status[name][status] += 1


def candidate(base: str, session_key: str, round_id: int, code: str, until: float, stats: Stats, seed: int) -> None:
    rng = random.Random(seed)
    client = HtmxClient(base, session_key)

    def call(name: str, path: str, data: dict | None = None) -> tuple[int, str]:
        status, text, ms, _ = client.request(path, data)
        stats.record(name, status, ms / 1000)
        return status, text

    page = f"/practice/rounds/{round_id}/"
    call("round page", page)
    next_save, next_run, next_page, typed = time.monotonic(), time.monotonic() + rng.uniform(2, 8), time.monotonic() + 30, 0
    while time.monotonic() < until:
        now = time.monotonic()
        if now >= next_save:
            typed += 1
            call("autosave", page + "q/1/save/", {"code": f"# draft {typed}\n" + code, "language": "python"})
            next_save = now + 2
        if now >= next_run:
            kind = rng.choice(["run", "submit"])
            status, body = call(kind, page + "q/1/run/", {"kind": kind, "language": "python", "code": code})
            match = re.search(r"/practice/runs/(\d+)/", body)
            if match:
                with stats.lock:
                    stats.submissions.append(int(match.group(1)))
                while time.monotonic() < until + 30:
                    time.sleep(0.5)
                    status, body = call("result poll", f"/practice/runs/{match.group(1)}/")
                    if status != 200 or "hx-get" not in body:
                        break
            next_run = time.monotonic() + rng.uniform(6, 12)
        if now >= next_page:
            call("round page", page)
            next_page = now + 30
        time.sleep(0.05)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    args = parser.parse_args()
    if not port_open(6379):
        raise SystemExit("Redis must answer on 127.0.0.1:6379")

    scratch = Path(tempfile.mkdtemp(prefix="interviewprep-load-"))
    use_pg = port_open(5432) and shutil.which("psql")
    if use_pg:
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc",
                        "DROP DATABASE IF EXISTS interviewprep_load"], check=True)
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc",
                        "CREATE DATABASE interviewprep_load"], check=True)
        database_url = "postgres://postgres@127.0.0.1:5432/interviewprep_load"
    else:
        database_url = f"sqlite:///{scratch / 'db.sqlite3'}"
    port = free_port()
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "interviewprep.settings",
        "INTERVIEWPREP_VAR_DIR": str(scratch),
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/10",
        "SANDBOX_QUEUE": f"load-{os.getpid()}",
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        "RUN_RATE_PER_MINUTE": "30",
    })
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=BASE_DIR, check=True)
    subprocess.run([sys.executable, "manage.py", "load_pack", "--no-verify", "packs/deepmind-applied"], cwd=BASE_DIR,
                   check=True, stdout=subprocess.DEVNULL)
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from questions.models import Question
    from sessions.models import Submission
    from sessions.rounds.starting import session_start

    question = Question.objects.get(slug="two-urn-posterior")
    people = []
    for number in range(args.candidates):
        user = get_user_model().objects.create_user(f"candidate{number}", password="load-test-password-1")
        people.append((session_for(user), session_start(owner=user, question=question).rounds.get().pk))

    procs = [
        subprocess.Popen([sys.executable, "-m", "gunicorn", "interviewprep.wsgi", "--workers", "2", "--threads", "8",
                          "--bind", f"127.0.0.1:{port}", "--log-level", "warning"], cwd=BASE_DIR,
                         start_new_session=True),
        subprocess.Popen([sys.executable, "-m", "celery", "-A", "interviewprep", "worker", "--queues",
                          os.environ["SANDBOX_QUEUE"], "--concurrency", "2", "--loglevel", "WARNING"],
                         cwd=BASE_DIR, start_new_session=True),
    ]
    stats = Stats()
    try:
        while not port_open(port):
            time.sleep(0.1)
        time.sleep(3)  # the worker connects
        until = time.monotonic() + args.seconds
        threads = [threading.Thread(target=candidate, args=(f"http://127.0.0.1:{port}", key, rid, question.reference_solution, until, stats, i))
                   for i, (key, rid) in enumerate(people)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        deadline = time.monotonic() + 60
        while Submission.objects.exclude(status__in=["done", "error"]).exists() and time.monotonic() < deadline:
            time.sleep(0.5)
        outcomes = Counter(Submission.objects.values_list("status", flat=True))
        verdicts = Counter(Submission.objects.values_list("verdict", flat=True))
    finally:
        for proc in procs:
            os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            proc.wait(timeout=30)

    def pct(values, q):
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(q * (len(ordered) - 1)))]

    print(f"{args.candidates} candidates for {args.seconds} s; gunicorn 2x8 threads, Celery 2 processes, Redis, "
          f"{'PostgreSQL' if use_pg else 'SQLite'}; {time.strftime('%Y-%m-%d')}")
    print(f"{'endpoint':<12} {'requests':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  status codes")
    server_errors = 0
    for name in ("round page", "autosave", "run", "submit", "result poll"):
        values = stats.latency.get(name, [])
        if not values:
            continue
        codes = stats.status[name]
        server_errors += sum(n for code, n in codes.items() if code >= 500 or code == 0)
        print(f"{name:<12} {len(values):>9} {statistics.median(values):>8.1f} {pct(values, 0.95):>8.1f} "
              f"{pct(values, 0.99):>8.1f}  {dict(sorted(codes.items()))}")
    print(f"5xx or failed connections: {server_errors}")
    print(f"submissions: {len(stats.submissions)} started; final states {dict(outcomes)}; verdicts {dict(verdicts)}")
    if use_pg:
        from django.db import connections

        connections.close_all()
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc",
                        "DROP DATABASE IF EXISTS interviewprep_load"], check=False)
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
