"""Click on Run -> verdict on screen, in Chromium, pushed over the round's websocket against the polling
fallback (the baseline, measured in the same run on the same servers), under `make run`'s embedded
defaults and with Redis.

For each mode: a scratch var/ (SQLite), the bundled pack, the web server `make run` starts (uvicorn,
interviewprep/launch.py) and a real Celery worker. Embedded: the filesystem broker and the embedded channel layer;
redis: the broker and channel layer on 127.0.0.1:6379. A solo round on one coding question; Chromium
clicks Run with the starter code `--runs` times and the page itself times click -> the final console
swapped in and painted (a MutationObserver and the next animation frame). The baseline page has no
WebSocket (live.js then polls at the page's interval, as when the socket cannot connect). Push and
baseline clicks alternate. The sandbox's own share is the worker's started -> finished time.

    python bench/run_to_verdict.py [--runs 25] [--modes embedded,redis]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.harness import free_port, port_open, scratch_app, session_for  # noqa: E402
from interviewprep.launch import web_command  # noqa: E402

TARGETS_MS = {"embedded": 150, "redis": 120}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

# Clicks Run and resolves with the milliseconds until a final console (no hx-get: nothing pending) is on
# screen: swapped into the page, then one animation frame for the paint.
MEASURE_JS = """() => new Promise((resolve) => {
  const old = document.querySelector('#results');
  old.dataset.benchOld = '1';
  let start;
  const observer = new MutationObserver(() => {
    const now = document.querySelector('#results');
    if (!now || now.dataset.benchOld || now.hasAttribute('hx-get')) return;
    observer.disconnect();
    requestAnimationFrame(() => resolve(performance.now() - start));
  });
  observer.observe(document.body, {childList: true, subtree: true});
  start = performance.now();
  document.querySelector('#run-button').click();
})"""


def pct(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class App:
    """`make run`'s two processes on a scratch var/ (or Redis for broker and channel layer)."""

    def __init__(self, mode: str, scratch: Path):
        self.port = free_port()
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "interviewprep.settings",
            "INTERVIEWPREP_VAR_DIR": str(scratch),
            "SANDBOX_QUEUE": f"sandbox-bench-{uuid.uuid4().hex[:8]}",
            "RUN_RATE_PER_MINUTE": "1000",
            "PYTHONUNBUFFERED": "1",
        }
        for name in ("CELERY_BROKER_URL", "CHANNEL_LAYER_URL", "DATABASE_URL", "CACHE_URL"):
            self.env.pop(name, None)
        if mode == "redis":
            self.env["CELERY_BROKER_URL"] = "redis://127.0.0.1:6379/14"
            self.env["CHANNEL_LAYER_PREFIX"] = f"bench-{uuid.uuid4().hex[:8]}"
        self.scratch = scratch
        self.processes: list[subprocess.Popen] = []

    def start(self):
        scratch_app(self.env, self.scratch)
        log = open(self.scratch / "servers.log", "wb")
        self.processes.append(subprocess.Popen(web_command(self.port), cwd=BASE_DIR, env=self.env, stdout=log,
                                               stderr=subprocess.STDOUT))
        self.processes.append(subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "interviewprep", "worker", "--queues", self.env["SANDBOX_QUEUE"],
             "--concurrency", "2", "--loglevel", "WARNING", "--without-gossip", "--without-mingle",
             "--without-heartbeat"], cwd=BASE_DIR, env=self.env, stdout=log, stderr=subprocess.STDOUT))
        deadline = time.monotonic() + 60
        while not port_open(self.port):
            if time.monotonic() > deadline or any(p.poll() is not None for p in self.processes):
                raise SystemExit(f"the app did not start:\n{(self.scratch / 'servers.log').read_text()[-3000:]}")
            time.sleep(0.2)

    def stop(self):
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def django_in(app: App):
    """This process's Django, on the app's settings (run once per mode in a child process)."""
    os.environ.update(app.env)
    import django

    django.setup()


def one_mode(mode: str, runs: int) -> dict:
    scratch = Path(tempfile.mkdtemp(prefix=f"bench-verdict-{mode}-"))
    app = App(mode, scratch)
    try:
        app.start()
        django_in(app)
        from django.contrib.auth import get_user_model

        from questions.models import Question
        from sessions.models import Submission
        from sessions.rounds.services import session_start

        user = get_user_model().objects.create_user(f"bench-{uuid.uuid4().hex[:6]}", password="x" * 20)
        from django.db.models import Count, Q

        # The coding question with the fewest examples: a Run judges each, so this is the sandbox's least work.
        question = (Question.objects.filter(kind="coding")
                    .annotate(examples=Count("tests", filter=Q(tests__hidden=False))).order_by("examples", "slug").first())
        session = session_start(owner=user, question=question)
        round_url = f"http://127.0.0.1:{app.port}/practice/rounds/{session.rounds.get().pk}/"
        cookie = {"name": "sessionid", "value": session_for(user), "url": f"http://127.0.0.1:{app.port}"}

        from playwright.sync_api import sync_playwright

        timings = {"push": [], "poll": []}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                                 args=CHROMIUM_ARGS, headless=True)
            pages = {}
            for kind in timings:
                context = browser.new_context()
                context.add_cookies([cookie])
                if kind == "poll":  # the fallback: no WebSocket at all, so live.js polls
                    context.add_init_script("Object.defineProperty(window, 'WebSocket', {value: undefined})")
                page = context.new_page()
                page.goto(round_url)
                if kind == "push":
                    page.wait_for_selector("[data-live-state=connected]", state="attached", timeout=15_000)
                pages[kind] = page
            for kind in timings:  # one warm-up run each (imports, first sandbox start)
                pages[kind].evaluate(MEASURE_JS)
            for _ in range(runs):
                for kind, page in pages.items():
                    timings[kind].append(page.evaluate(MEASURE_JS))
                    page.wait_for_timeout(150)
            browser.close()
        done = list(Submission.objects.filter(user=user, finished_at__isnull=False, started_at__isnull=False)
                    .order_by("created_at"))
        sandbox = [(s.finished_at - s.started_at).total_seconds() * 1000 for s in done]
        queued = [(s.started_at - s.created_at).total_seconds() * 1000 for s in done]
        return {"timings": timings, "sandbox": sandbox, "queued": queued, "question": question.slug}
    finally:
        app.stop()
        shutil.rmtree(scratch, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=25)
    parser.add_argument("--modes", default="embedded,redis")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:  # one mode per process: each configures Django on its own settings
        import json

        print("RESULT " + json.dumps(one_mode(args.child, args.runs)), flush=True)
        return 0
    import json

    print(f"run_to_verdict: {args.runs} clicks per page and mode; Chromium; {time.strftime('%Y-%m-%d')}")
    failed = False
    for mode in args.modes.split(","):
        out = subprocess.run([sys.executable, __file__, "--child", mode, "--runs", str(args.runs)],
                             cwd=BASE_DIR, capture_output=True, text=True)
        line = next((l for l in out.stdout.splitlines() if l.startswith("RESULT ")), None)
        if line is None:
            print(out.stdout[-2000:], out.stderr[-4000:])
            return 1
        result = json.loads(line[len("RESULT "):])
        push, poll = result["timings"]["push"], result["timings"]["poll"]
        p50, p95 = statistics.median(push), pct(push, 0.95)
        base50 = statistics.median(poll)
        print(f"\n{mode} ({result['question']}):")
        print(f"  push (websocket):  median {p50:7.1f} ms   p95 {p95:7.1f} ms")
        print(f"  baseline (polling) median {base50:7.1f} ms   p95 {pct(poll, 0.95):7.1f} ms")
        print(f"  ratio push/baseline (median): {p50 / base50:.3f}")
        print(f"  in the worker: queued -> started median {statistics.median(result['queued']):.1f} ms, "
              f"started -> finished (sandbox) median {statistics.median(result['sandbox']):.1f} ms")
        target = TARGETS_MS[mode]
        verdict = "meets" if p50 <= target and p95 <= target else "MISSES"
        failed |= verdict == "MISSES"
        print(f"  target <= {target} ms (median and p95): {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
