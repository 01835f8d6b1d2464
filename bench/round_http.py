"""HTTP benchmark of the solo round: the round page and the run-result poll vs a minimal view.

Starts gunicorn (2 sync workers, as in production) on a scratch SQLite database in a
temporary folder, creates a user with a running coding round and a finished run,
then drives each URL with wrk (32 connections) and prints requests per second and
p95 latency, with ratios against the minimal view measured in the same run.

    python bench/round_http.py [--seconds 10] [--connections 32]

Needs `wrk` (apt-get install wrk). Loopback only; stops by itself.
"""

from __future__ import annotations

import argparse
import os
import re
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

from bench.harness import free_port  # noqa: E402
LUA = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT %f %f %d %d\\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(95) / 1000, summary.errors.status, summary.requests))
end
"""


def prepare(env: dict[str, str]) -> dict[str, str]:
    """Migrate, load the default pack, and create the round to request; returns URLs and the cookie."""
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=BASE_DIR, env=env, check=True)
    subprocess.run([sys.executable, "manage.py", "load_pack", "--no-verify", "packs/deepmind-applied"],
                   cwd=BASE_DIR, env=env, check=True, stdout=subprocess.DEVNULL)
    script = """
import django, json
django.setup()
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from questions.models import Question
from sessions.models import Submission
from sessions.rounds.starting import session_start
user = get_user_model().objects.create_user("bench", password="bench-pass-123456")
question = Question.objects.filter(kind="coding").order_by("slug").first()
stage_round = session_start(owner=user, question=question).rounds.get()
rq = stage_round.questions.get()
done = Submission.objects.create(user=user, round_question=rq, question=question, language="python",
    source="print(1)", status="done", verdict="AC", results={"passed": 2, "total": 2, "tests": []})
store = SessionStore()
store["_auth_user_id"] = str(user.pk)
store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
store["_auth_user_hash"] = user.get_session_auth_hash()
store.create()
print(json.dumps({"round": f"/practice/rounds/{stage_round.pk}/", "poll": f"/practice/runs/{done.pk}/",
                  "cookie": store.session_key}))
"""
    out = subprocess.run([sys.executable, "-c", script], cwd=BASE_DIR, env=env, check=True, capture_output=True, text=True)
    import json

    return json.loads(out.stdout.strip().splitlines()[-1])


def wrk(url: str, cookie: str, seconds: int, connections: int, lua_path: str) -> tuple[float, float, int]:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", lua_path, "-H", f"Cookie: sessionid={cookie}",
         "-H", "HX-Request: true" if "/runs/" in url else "X-Bench: 1", url],
        capture_output=True, text=True, check=True,
    ).stdout
    match = re.search(r"RESULT ([\d.]+) ([\d.]+) (\d+) (\d+)", out)
    if not match:
        raise SystemExit(f"could not read wrk's output:\n{out}")
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return float(match.group(1)), float(match.group(2)), int(non_2xx.group(1)) if non_2xx else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk")

    scratch = Path(tempfile.mkdtemp(prefix="interviewprep-bench-"))
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "interviewprep.settings",
        "INTERVIEWPREP_VAR_DIR": str(scratch),
        "DATABASE_URL": f"sqlite:///{scratch / 'db.sqlite3'}",
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("CELERY_BROKER_URL", None)
    targets = prepare(env)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "interviewprep.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning"],
        cwd=BASE_DIR, env=env,
    )
    lua = scratch / "report.lua"
    lua.write_text(LUA)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        rows = []
        for name, path in (("minimal view", "/health/live/"), ("round page", targets["round"]),
                           ("result poll", targets["poll"])):
            wrk(base + path, targets["cookie"], 2, args.connections, str(lua))  # warm-up
            rps, p95, errors = wrk(base + path, targets["cookie"], args.seconds, args.connections, str(lua))
            rows.append((name, rps, p95, errors))
        baseline_rps, baseline_p95 = rows[0][1], rows[0][2]
        print(f"gunicorn 2 workers, wrk {args.connections} connections, {args.seconds} s each, {time.strftime('%Y-%m-%d')}")
        print(f"{'endpoint':<14} {'req/s':>9} {'p95 ms':>8} {'non-2xx':>8} {'req/s vs minimal':>17} {'p95 vs minimal':>15}")
        for name, rps, p95, errors in rows:
            print(f"{name:<14} {rps:>9.0f} {p95:>8.1f} {errors:>8} {rps / baseline_rps:>16.2f}x {p95 / baseline_p95:>14.2f}x")
        poll_ratio = rows[2][1] / baseline_rps
        print(f"target: result poll at >= 0.60x the minimal view's throughput: {'met' if poll_ratio >= 0.6 else 'NOT met'} ({poll_ratio:.2f}x)")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
