"""Fault scenarios with real processes, timed: what a user sees and how long recovery takes.

1. A worker's pool process is killed with SIGKILL in the middle of runs.
2. Redis is stopped for 10 s while candidates keep saving and running code.
3. The web process is killed and restarted in the middle of a round.

A private redis-server, gunicorn and a Celery worker run on a scratch SQLite database;
everything is on loopback, bounded in time, and stopped at the end.

    python bench/faults.py
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.harness import HtmxClient, free_port, session_for  # noqa: E402
SLOW = "import time\ntime.sleep(2)\nprint('finished')\n"


def wait_port(port: int, up: bool = True, timeout: float = 30) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            if up:
                return time.monotonic() - started
        except OSError:
            if not up:
                return time.monotonic() - started
        time.sleep(0.05)
    raise SystemExit(f"port {port} did not come {'up' if up else 'down'}")


def main() -> None:
    scratch = Path(tempfile.mkdtemp(prefix="interviewprep-faults-"))
    redis_port, web_port = free_port(), free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "interviewprep.settings", "INTERVIEWPREP_VAR_DIR": str(scratch),
           "DATABASE_URL": f"sqlite:///{scratch / 'db.sqlite3'}", "CELERY_BROKER_URL": f"redis://127.0.0.1:{redis_port}/0",
           "SANDBOX_QUEUE": "faults", "ALLOWED_HOSTS": "127.0.0.1", "LOG_LEVEL": "WARNING"}
    os.environ.update(env)
    procs: dict[str, subprocess.Popen] = {}

    def start(name, argv):
        procs[name] = subprocess.Popen(argv, cwd=BASE_DIR, env=env, start_new_session=True,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop(name, sig=signal.SIGTERM):
        proc = procs.pop(name)
        os.killpg(proc.pid, sig)
        proc.wait(timeout=30)

    def start_redis():
        start("redis", [shutil.which("redis-server"), "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                        "--appendonly", "no", "--dir", str(scratch)])
        wait_port(redis_port)

    def start_web():
        start("web", [sys.executable, "-m", "gunicorn", "interviewprep.wsgi", "--workers", "2",
                      "--bind", f"127.0.0.1:{web_port}"])
        return wait_port(web_port)

    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=BASE_DIR, env=env, check=True)
    subprocess.run([sys.executable, "manage.py", "load_pack", "--no-verify", "packs/deepmind-applied"], cwd=BASE_DIR,
                   env=env, check=True, stdout=subprocess.DEVNULL)
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from questions.models import Question
    from sessions.models import Submission
    from sessions.rounds.starting import session_start
    from sessions.runs import liveness
    from sessions.tasks import run_submission

    user = get_user_model().objects.create_user("faulty", password="fault-test-password-1")
    client = HtmxClient(f"http://127.0.0.1:{web_port}", session_for(user))
    question = Question.objects.get(slug="two-urn-posterior")
    stage_round = session_start(owner=user, question=question).rounds.get()
    page = f"/practice/rounds/{stage_round.pk}/"

    def call(path, data=None):
        return client.request(path, data, restart_grace_s=20)

    def until_final(pks, timeout=60):
        started = time.monotonic()
        while Submission.objects.filter(pk__in=pks).exclude(status__in=["done", "error"]).exists():
            if time.monotonic() - started > timeout:
                return None
            time.sleep(0.05)
        return time.monotonic() - started

    try:
        start_redis()
        start_web()
        start("worker", [sys.executable, "-m", "celery", "-A", "interviewprep", "worker", "--queues", "faults",
                         "--concurrency", "2", "--loglevel", "WARNING"])
        time.sleep(4)
        call(page)
        run = {"kind": "run", "language": "python", "code": question.reference_solution}
        print(f"faults measured {time.strftime('%Y-%m-%d')}: gunicorn 2 workers, Celery 2 processes, private Redis, SQLite")

        # 1. kill -9 the pool processes in the middle of runs
        victims = [Submission.objects.create(user=user, language="python", source=SLOW) for _ in range(2)]
        for submission in victims:
            run_submission.delay(submission.pk)
        while Submission.objects.filter(pk__in=[v.pk for v in victims], status="running").count() < 2:
            time.sleep(0.05)
        for submission in Submission.objects.filter(pk__in=[v.pk for v in victims]):
            os.kill(liveness.split_claim(submission.worker)[1], signal.SIGKILL)
        took = until_final([v.pk for v in victims])
        states = list(Submission.objects.filter(pk__in=[v.pk for v in victims]).values_list("status", "verdict", "attempts"))
        print(f"1. kill -9 two pool processes mid-run: all final after {took:.1f} s {states} "
              f"(target: within 30 s)" if took is not None else "1. NOT final within 60 s")

        # 2. Redis down for 10 s
        stop("redis")
        down_at = time.monotonic()
        worst_save, worst_run, refused, saved = 0.0, 0.0, 0, 0
        while time.monotonic() - down_at < 10:
            status, _, ms, _ = call(page + "q/1/save/", {"code": f"# typed at {time.monotonic():.2f}\n" + question.reference_solution})
            saved += status == 200
            worst_save = max(worst_save, ms)
            status, body, ms, _ = call(page + "q/1/run/", run)
            refused += "runner is unavailable" in body
            worst_run = max(worst_run, ms)
            time.sleep(1)
        page_status = call(page)[0]
        start_redis()
        back_at = time.monotonic()
        while True:
            status, body, _, _ = call(page + "q/1/run/", run)
            latest = Submission.objects.order_by("-id").first()
            if latest.status != "error":
                break
            time.sleep(0.5)
        resumed = time.monotonic() - back_at
        until_final([latest.pk])
        latest.refresh_from_db()
        print(f"2. Redis stopped for 10 s: {saved} autosaves all answered (slowest {worst_save:.0f} ms), "
              f"{refused} runs answered 'runner unavailable' (slowest {worst_run:.0f} ms), round page {page_status}; "
              f"runs accepted again {resumed:.1f} s after Redis returned, verdict {latest.verdict}")

        # 3. restart the web process mid-round
        call(page + "q/1/save/", {"code": "# saved just before the web process dies\n" + question.reference_solution})
        before = json.loads(call(page + "clock/")[3]["HX-Trigger"])["round-clock"]["remaining"]
        stop("web", signal.SIGKILL)
        restarted_at = time.monotonic()
        start_web()
        status, body, _, headers = call(page)
        restart = time.monotonic() - restarted_at
        after = json.loads(headers["HX-Trigger"])["round-clock"]["remaining"]
        kept = "saved just before the web process dies" in body
        print(f"3. web killed and restarted: back in {restart:.1f} s; remaining time {before:.0f} s -> {after:.0f} s "
              f"(only the restart's wall time passed); last autosaved code {'kept' if kept else 'LOST'}")
    finally:
        for name in list(procs):
            stop(name, signal.SIGKILL)
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
