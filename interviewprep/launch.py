"""`make run`: prepare the database and start the web server and a Celery worker together.

Ctrl-C (or SIGTERM) stops both; if either exits, the other is stopped too, so
nothing is left running half-alive.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from interviewprep.private_files import private_dir

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_PACK = BASE_DIR / "packs" / "deepmind-applied"


def _manage(*args: str) -> None:
    subprocess.run([sys.executable, str(BASE_DIR / "manage.py"), *args], check=True, cwd=BASE_DIR)


def web_command(port: str | int) -> list[str]:
    """The web server: uvicorn with production's settings and limits (interviewprep/asgi_worker.py),
    serving HTTP and the live rounds' websockets; WhiteNoise serves the static files."""
    return [sys.executable, "-m", "interviewprep.asgi_worker", "127.0.0.1", str(port)]


def prepare_var_dir(var_dir: Path) -> None:
    """var/ and the embedded broker's folders, private to this account (0700)."""
    for folder in (var_dir, var_dir / "broker", *(var_dir / "broker" / name for name in ("queue", "processed", "control"))):
        private_dir(folder)


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interviewprep.settings")
    port = os.environ.get("PORT", "8000")
    if not port.isdigit():
        print(f"PORT must be a number, got {port!r}", file=sys.stderr)
        return 2
    var_dir = Path(os.environ.get("INTERVIEWPREP_VAR_DIR", BASE_DIR / "var"))
    prepare_var_dir(var_dir)

    _manage("migrate", "--no-input")
    _manage("createcachetable")  # the throttles' table, when CACHE_URL names no Redis
    # The bundled pack's solutions are judged by the test suite; judging its 40-odd coding questions again here
    # (slow wrong solutions run to their time limits) would add minutes to every first start.
    _manage("load_pack", str(DEFAULT_PACK), "--no-verify")
    _manage("backfill_review_cards", "--once")  # history from before review cards existed
    subprocess.run([sys.executable, "-m", "sandbox", "check"], cwd=BASE_DIR)

    broker = os.environ.get("CELERY_BROKER_URL") or "the embedded filesystem broker in var/broker"
    print(f"\nInterviewPrep on http://127.0.0.1:{port}/ (worker broker: {broker}). Ctrl-C stops both.\n", flush=True)
    web = subprocess.Popen(web_command(port), cwd=BASE_DIR)
    worker = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "interviewprep", "worker",
            "--beat", "--schedule", str(var_dir / "celerybeat-schedule"),
            "--queues", os.environ.get("SANDBOX_QUEUE", "sandbox") + ",celery",
            "--concurrency", os.environ.get("WORKER_CONCURRENCY", "2"),
            "--loglevel", "INFO",
        ],
        cwd=BASE_DIR,
    )
    children = [web, worker]

    def stop(*_):
        for child in children:
            if child.poll() is None:
                child.terminate()

    signal.signal(signal.SIGTERM, stop)
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    stop()
    deadline = time.monotonic() + 15
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
