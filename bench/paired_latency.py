"""Paired rounds: how long a candidate's edit takes to reach the interviewer's screen.

N paired coding rounds run at once on one gunicorn (2 workers x 8 threads, as in
bench/load.py). In each, a candidate client saves code carrying a fresh counter every
1-2 s (jittered) and polls its own page's live region every 700 ms; an interviewer
client polls the live URL as htmx does on the interviewer's page (every
POLL_INTERVIEWER_MS, sending the v/s/p query it was last given, taking the new query
from each 200 fragment) and reads the counter in #candidate-code. Latency of an edit is
from its save request being sent to the first interviewer poll response that shows it
(or a newer edit); "edit-to-screen" adds round.js's 250 ms autosave debounce.

The same measurement with one paired round, in the same run and on the same server, is
the baseline; baseline and loaded blocks alternate so that other work on the machine
falls on both. The script prints the ratios, poll counts, the share of 204s, and the
server's own time per request (from gunicorn's access log). About 2.5 minutes.

    python bench/paired_latency.py [--sessions 20] [--edits 200] [--baseline-edits 60] [--blocks 4]

Loopback only; bounded in time; stops everything it started. PostgreSQL is used when it
answers on 127.0.0.1:5432 (a scratch database is created and dropped), else SQLite in a
temporary folder. No Celery worker is started: nothing on this path enqueues a task.
"""

from __future__ import annotations

import argparse
import html
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.harness import HtmxClient, free_port, port_open, session_for  # noqa: E402

# round.js: a paired candidate's autosave fires 250 ms after typing pauses (data-save-delay),
# or at most 2 x 250 ms after the first unsaved keystroke while typing goes on.
SAVE_DEBOUNCE_MS = 250
TARGET_EDIT_TO_SCREEN_MS = 1000
HX_GET_RE = re.compile(r'hx-get="([^"]+)"')
MARK_RE = re.compile(r"bench-edit-(\d+)")
# gunicorn access log line: path, status, microseconds, which bench client sent it.
ACCESS_FORMAT = "%(U)s %(s)s %(D)s %({x-bench-client}i)s"


def pct(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * (len(ordered) - 1)))] if ordered else float("nan")


@dataclass
class Pair:
    """One paired round and what its two clients saw."""

    round_id: int
    interviewer_key: str
    candidate_key: str
    sent: dict[int, float] = field(default_factory=dict)  # counter -> perf_counter when the save was sent
    seen: dict[int, float] = field(default_factory=dict)  # counter -> when the interviewer first had it (or newer)
    superseded: set[int] = field(default_factory=set)  # first shown already overwritten by a newer edit
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass
class Phase:
    """Everything one measurement (baseline or loaded) collected on the client side."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    tickets: int = 0
    polls: dict[str, Counter] = field(default_factory=lambda: {"interviewer": Counter(), "candidate": Counter()})
    round_trip: dict[str, list[float]] = field(default_factory=lambda: {"interviewer": [], "candidate": [], "save": []})
    save_status: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    load: list[float] = field(default_factory=list)  # the machine's 1-minute load average as each block began

    def take_ticket(self, limit: int) -> bool:
        with self.lock:
            self.tickets += 1
            return self.tickets <= limit

    def problem(self, text: str) -> None:
        with self.lock:
            if len(self.problems) < 10:
                self.problems.append(text)


def live_url(body: str) -> str | None:
    """The live region's hx-get in a page or fragment (the URL htmx will poll next)."""
    start = body.find('id="live"')
    match = HX_GET_RE.search(body, start if start >= 0 else 0)
    return html.unescape(match.group(1)) if match else None


def poll_like_htmx(client: HtmxClient, url: str, interval_s: float, role: str, phase: Phase, stop: threading.Event,
                   on_fragment=None) -> None:
    """Poll as htmx 2 does for `hx-trigger="every N ms"` with `hx-swap="outerHTML"`.

    The element's timer ticks every interval whether or not a request is in flight; a
    tick during a request queues one more (htmx's default "last"), sent as the response
    lands. A 200 swaps in a new element, whose own timer starts then.
    """
    tick = time.perf_counter() + interval_s
    queued = False
    while not stop.is_set():
        if not queued:
            delay = tick - time.perf_counter()
            if delay > 0 and stop.wait(delay):
                return
            tick += interval_s
        queued = False
        status, body, ms, headers = client.request(url)
        landed = time.perf_counter()
        with phase.lock:
            phase.polls[role][status] += 1
            phase.round_trip[role].append(ms)
        if status == 200 and (headers.get("HX-Redirect") or headers.get("HX-Refresh")):
            phase.problem(f"{role} poll was sent elsewhere: {dict(headers)}")
            return
        if status == 200:
            next_url = live_url(body)
            if next_url is None:
                phase.problem(f"{role} poll: no hx-get in a 200 fragment")
                return
            url = next_url
            if on_fragment:
                on_fragment(body, landed)
            tick = landed + interval_s
        elif status != 204:
            phase.problem(f"{role} poll answered {status}")
            if stop.wait(interval_s):
                return
        elif tick <= landed:
            queued = True
            while tick <= landed:
                tick += interval_s


def interviewer(base: str, pair: Pair, interval_s: float, phase: Phase, stop: threading.Event) -> None:
    client = HtmxClient(base, pair.interviewer_key, {"X-Bench-Client": "interviewer"})
    status, body, _, _ = client.request(f"/practice/rounds/{pair.round_id}/")
    url = live_url(body) if status == 200 else None
    if url is None:
        phase.problem(f"interviewer page of round {pair.round_id}: {status}, no live region")
        return

    def read_screen(fragment: str, landed: float) -> None:
        start = fragment.find('id="candidate-code"')
        end = fragment.find("<h3>Runs", start)
        marks = [int(m) for m in MARK_RE.findall(fragment[start:end])] if start >= 0 else []
        if not marks:
            return
        shown = max(marks)
        with pair.lock:
            for counter in pair.sent:
                if counter <= shown and counter not in pair.seen:
                    pair.seen[counter] = landed
                    if counter < shown:
                        pair.superseded.add(counter)

    poll_like_htmx(client, url, interval_s, "interviewer", phase, stop, read_screen)


def candidate(base: str, pair: Pair, code: str, pace: tuple[float, float], poll_s: float, limit: int, phase: Phase,
              typing_done: threading.Event, stop: threading.Event, seed: int) -> None:
    rng = random.Random(seed)
    saver = HtmxClient(base, pair.candidate_key, {"X-Bench-Client": "save"})
    status, body, _, _ = saver.request(f"/practice/rounds/{pair.round_id}/")  # also sets the CSRF cookie
    url = live_url(body) if status == 200 else None
    if url is None or "csrftoken" not in saver.cookies:
        phase.problem(f"candidate page of round {pair.round_id}: {status}, no live region or CSRF cookie")
        return
    # The candidate's own page polls its live region too (hints, constraints, the round moving on).
    poller = HtmxClient(base, pair.candidate_key, {"X-Bench-Client": "candidate"})
    polling = threading.Thread(target=poll_like_htmx, args=(poller, url, poll_s, "candidate", phase, stop), daemon=True)
    polling.start()

    save_path = f"/practice/rounds/{pair.round_id}/q/1/save/"
    with pair.lock:
        counter = max(pair.sent, default=0)  # counters go on across blocks
    stop.wait(rng.uniform(0, pace[1]))  # the pairs do not all type in step
    while not stop.is_set() and not typing_done.is_set() and phase.take_ticket(limit):
        counter += 1
        sent = time.perf_counter()
        with pair.lock:
            pair.sent[counter] = sent
        status, _, ms, _ = saver.request(save_path, {"language": "python", "code": f"# bench-edit-{counter}\n{code}"})
        with phase.lock:
            phase.save_status[status] += 1
            phase.round_trip["save"].append(ms)
        if status != 200:
            phase.problem(f"save in round {pair.round_id} answered {status}")
        stop.wait(max(0.0, sent + rng.uniform(*pace) - time.perf_counter()))
    typing_done.set()
    stop.wait()
    polling.join()


def measure(base: str, pairs: list[Pair], edits: int, code: str, pace: tuple[float, float], poll_ms: int,
            candidate_poll_ms: int, phase: Phase, seed: int = 0) -> None:
    """One block: the pairs type until `edits` saves were sent, then the interviewers catch up."""
    stop, typing_done = threading.Event(), threading.Event()
    phase.tickets = 0
    threads = [threading.Thread(target=interviewer, args=(base, p, poll_ms / 1000, phase, stop), daemon=True)
               for p in pairs]
    threads += [threading.Thread(target=candidate, args=(base, p, code, pace, candidate_poll_ms / 1000, edits, phase,
                                                         typing_done, stop, seed + i), daemon=True)
                for i, p in enumerate(pairs)]
    for thread in threads:
        thread.start()
    expected = edits * sum(pace) / 2 / len(pairs)
    deadline = time.monotonic() + 2 * expected + 30  # bounded even if the server stalls
    while not typing_done.is_set() and time.monotonic() < deadline:
        time.sleep(0.2)
    if not typing_done.is_set():
        phase.problem(f"stopped at the time limit with {min(phase.tickets, edits)} of {edits} edits sent")
        typing_done.set()
    catch_up = time.monotonic() + 10
    while time.monotonic() < min(catch_up, deadline + 10):
        with_all = all(len(p.seen) == len(p.sent) for p in pairs)
        if with_all:
            break
        time.sleep(0.1)
    stop.set()
    for thread in threads:
        thread.join(timeout=35)


def paired_round(number: int, stage, question) -> Pair:
    """A running paired round, set up through the services as the pages would."""
    from django.contrib.auth import get_user_model

    from sessions.paired.services import invite_accept, invite_create, paired_session_create
    from sessions.rounds.clock import round_start

    users = get_user_model().objects
    host = users.create_user(f"interviewer{number}", password="paired-bench-password-1")
    guest = users.create_user(f"candidate{number}", password="paired-bench-password-1")
    session = paired_session_create(interviewer=host, stage=stage, questions=[question], duration_minutes=60)
    _, token = invite_create(session=session)
    invite_accept(token=token, user=guest)
    stage_round = round_start(round=session.rounds.get())
    return Pair(stage_round.pk, session_for(host), session_for(guest))


def server_times(log: Path, start: int, end: int) -> dict[tuple[str, int], list[float]]:
    """Milliseconds per (client, status) from gunicorn's access log between two byte offsets."""
    times: dict[tuple[str, int], list[float]] = {}
    with open(log, "rb") as f:
        f.seek(start)
        for line in f.read(end - start).decode(errors="replace").splitlines():
            parts = line.split()
            # Only the measured URLs: each client's first page load is left out.
            if len(parts) == 4 and parts[1].isdigit() and parts[0].endswith(("/live/", "/save/")):
                times.setdefault((parts[3], int(parts[1])), []).append(int(parts[2]) / 1000)
    return times


def report(name: str, pairs: list[Pair], phase: Phase, server: dict, edits: int) -> dict:
    latency = [p.seen[c] * 1000 - p.sent[c] * 1000 for p in pairs for c in p.seen]
    unseen = sum(len(p.sent) - len(p.seen) for p in pairs)
    screen = [x + SAVE_DEBOUNCE_MS for x in latency]
    superseded = sum(len(p.superseded) for p in pairs)
    row = {"latency": latency, "screen": screen}
    print(f"\n{name}: {len(latency)} edits shown of {sum(len(p.sent) for p in pairs)} sent (target {edits}); "
          f"never shown {unseen}; first shown already overwritten by a newer edit {superseded}; "
          f"machine load average {min(phase.load):.1f}-{max(phase.load):.1f}")
    print(f"  {'':<32} {'median':>8} {'p95':>8} {'max':>8}  (ms)")
    for label, values in (("save sent -> interviewer has it", latency), ("edit-to-screen (+250 ms debounce)", screen)):
        print(f"  {label:<32} {pct(values, 0.5):>8.0f} {pct(values, 0.95):>8.0f} {max(values, default=float('nan')):>8.0f}")
    print(f"  {'requests':<22} {'count':>6} {'204 share':>9} {'server p50':>10} {'p95':>6} "
          f"{'200s p50':>8} {'p95':>6} {'server total s':>14} {'round trip p50':>14} {'p95':>6}  status codes")
    for role in ("interviewer", "candidate", "save"):
        codes = phase.polls[role] if role != "save" else phase.save_status
        count = sum(codes.values())
        all_server = [x for (who, _), xs in server.items() if who == role for x in xs]
        ok_server = server.get((role, 200), [])
        share = f"{codes[204] / count:.0%}" if count and role != "save" else "-"
        trips = phase.round_trip[role]
        label = {"interviewer": "interviewer live poll", "candidate": "candidate live poll", "save": "candidate save"}[role]
        print(f"  {label:<22} {count:>6} {share:>9} {pct(all_server, 0.5):>10.1f} {pct(all_server, 0.95):>6.1f} "
              f"{pct(ok_server, 0.5):>8.1f} {pct(ok_server, 0.95):>6.1f} {sum(all_server) / 1000:>14.1f} {pct(trips, 0.5):>14.1f} "
              f"{pct(trips, 0.95):>6.1f}  {dict(sorted(codes.items()))}")
    for problem in phase.problems:
        print(f"  problem: {problem}")
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20, help="paired rounds at once in the loaded phase")
    parser.add_argument("--edits", type=int, default=200, help="edits to collect in the loaded phase")
    parser.add_argument("--baseline-edits", type=int, default=60, help="edits to collect with one paired round")
    parser.add_argument("--blocks", type=int, default=4, help="alternating baseline and loaded blocks")
    parser.add_argument("--pace", type=float, nargs=2, default=(1.0, 2.0), metavar=("MIN_S", "MAX_S"),
                        help="seconds between one candidate's saves, drawn uniformly")
    args = parser.parse_args()
    pace = (min(args.pace), max(args.pace))

    scratch = Path(tempfile.mkdtemp(prefix="interviewprep-paired-"))
    use_pg = bool(port_open(5432) and shutil.which("psql"))
    db_name = f"interviewprep_paired_{os.getpid()}"

    def psql(sql: str, check: bool = True) -> None:
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc", sql], check=check)

    procs: list[subprocess.Popen] = []
    connections = None
    try:
        if use_pg:
            psql(f"CREATE DATABASE {db_name}")
            database_url = f"postgres://postgres@127.0.0.1:5432/{db_name}"
        else:
            database_url = f"sqlite:///{scratch / 'db.sqlite3'}"
        port = free_port()
        os.environ.update({
            "DJANGO_SETTINGS_MODULE": "interviewprep.settings",
            "INTERVIEWPREP_VAR_DIR": str(scratch),
            "DATABASE_URL": database_url,
            "ALLOWED_HOSTS": "127.0.0.1",
            "LOG_LEVEL": "WARNING",
            "DEBUG": "false",
        })
        os.environ.pop("CELERY_BROKER_URL", None)  # the embedded broker in the scratch folder; nothing is queued
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=BASE_DIR, check=True)
        import django

        django.setup()
        from django.db import connections

        from questions.models import Question, Stage
        from questions.services import pack_load
        from sessions.rounds.selectors import POLL_CANDIDATE_MS, POLL_INTERVIEWER_MS

        pack_load(path=BASE_DIR / "packs" / "deepmind-applied", verify_reference=False)
        stage = Stage.objects.filter(kind=Stage.Kind.CODING).select_related("loop").order_by("loop__order", "order").first()
        question = stage.questions.filter(kind=Question.Kind.CODING).order_by("slug").first()
        code = question.reference_solution or "def solve():\n    pass\n"
        baseline_pairs = [paired_round(0, stage, question)]
        loaded_pairs = [paired_round(n + 1, stage, question) for n in range(args.sessions)]
        warm_pairs = [paired_round(1000 + n, stage, question) for n in range(4)]
        connections.close_all()

        access_log = scratch / "access.log"
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "interviewprep.wsgi", "--workers", "2", "--threads", "8",
             "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
             "--access-logfile", str(access_log), "--access-logformat", ACCESS_FORMAT],
            cwd=BASE_DIR, start_new_session=True,
        ))
        started = time.monotonic()
        while not port_open(port):
            if procs[0].poll() is not None or time.monotonic() - started > 30:
                raise SystemExit("gunicorn did not start")
            time.sleep(0.1)
        base = f"http://127.0.0.1:{port}"
        HtmxClient(base, baseline_pairs[0].interviewer_key).request(f"/practice/rounds/{baseline_pairs[0].round_id}/",
                                                                     restart_grace_s=10)
        # Unmeasured warm-up on rounds of its own: every worker process imports, compiles
        # templates and loads the highlighter before the first measured edit.
        measure(base, warm_pairs, 4 * len(warm_pairs), code, (0.3, 0.6), POLL_INTERVIEWER_MS, POLL_CANDIDATE_MS,
                Phase())

        # Baseline and loaded blocks alternate, so other work on the machine falls on both alike.
        results = {name: (pairs, Phase(), edits, {}) for name, pairs, edits in (
            ("1 paired round (baseline)", baseline_pairs, args.baseline_edits),
            (f"{args.sessions} paired rounds", loaded_pairs, args.edits))}
        for block in range(args.blocks):
            for name, (pairs, phase, edits, server) in results.items():
                share = edits * (block + 1) // args.blocks - edits * block // args.blocks
                offset = access_log.stat().st_size
                phase.load.append(os.getloadavg()[0])
                measure(base, pairs, share, code, pace, POLL_INTERVIEWER_MS, POLL_CANDIDATE_MS, phase, 1000 * block)
                time.sleep(0.5)  # the last access-log lines are written
                for key, values in server_times(access_log, offset, access_log.stat().st_size).items():
                    server.setdefault(key, []).extend(values)
    finally:
        for proc in procs:
            os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        if connections is not None:
            connections.close_all()
        if use_pg:
            psql(f"DROP DATABASE IF EXISTS {db_name}", check=False)
        shutil.rmtree(scratch, ignore_errors=True)

    print(f"Paired live poll, edit -> interviewer's screen; gunicorn 2 workers x 8 threads, "
          f"{'PostgreSQL' if use_pg else 'SQLite'}, {os.cpu_count()} CPUs shared with the clients; "
          f"{time.strftime('%Y-%m-%d')}")
    print(f"Candidates save every {pace[0]:g}-{pace[1]:g} s ({question.slug}, {len(code)} chars); interviewer pages poll "
          f"every {POLL_INTERVIEWER_MS} ms, candidate pages every {POLL_CANDIDATE_MS} ms, as htmx does.")
    print(f"edit-to-screen adds the {SAVE_DEBOUNCE_MS} ms autosave debounce of a paired round (round.js "
          f"data-save-delay); while typing goes on a save waits up to {2 * SAVE_DEBOUNCE_MS} ms. The browser's "
          f"swap and paint are not counted. Server times are gunicorn's, per request.")
    rows = {name: report(name, pairs, phase, server, edits) for name, (pairs, phase, edits, server) in results.items()}
    base_row, load_row = rows.values()
    print(f"\nratio {args.sessions} rounds / 1 round:")
    for label, key in (("save sent -> interviewer has it", "latency"), ("edit-to-screen", "screen")):
        b, l = base_row[key], load_row[key]
        print(f"  {label:<32} median x{pct(l, 0.5) / pct(b, 0.5):.2f}   p95 x{pct(l, 0.95) / pct(b, 0.95):.2f}")
    p95 = pct(load_row["screen"], 0.95)
    print(f"p95 edit-to-screen with {args.sessions} rounds: {p95:.0f} ms; under the {TARGET_EDIT_TO_SCREEN_MS} ms "
          f"target: {'yes' if p95 < TARGET_EDIT_TO_SCREEN_MS else 'NO'} "
          f"(if typing never pauses, the save waits {2 * SAVE_DEBOUNCE_MS} ms: {p95 + SAVE_DEBOUNCE_MS:.0f} ms)")


if __name__ == "__main__":
    main()
