"""Server time of the session review page for a long coding round, next to an empty session.

In-process (Django's test client, no network): a scratch SQLite database in a temporary folder,
the default pack, and one user with two solo sessions on the same coding question:

- empty: the round started and ended, nothing written;
- long:  a 60-minute coding round with 2,000 snapshots (code growing to ~60 lines), 100 runs
         and submits with judged results, 50 Markdown notes, hints given and a pause.

Each URL is requested `--repeats` times after a warm-up; the median and p95 of the time spent
in Django (middleware, views, queries, templates) are printed with ratios against the empty
session measured in the same run, and the query counts. Also the replay JSON of the long round
(the page's one extra request). Target: the long round's review page under 300 ms.

    python bench/review_render.py [--repeats 30]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

TARGET_MS = 300.0


def setup_django(scratch: Path) -> None:
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "interviewprep.settings",
        "INTERVIEWPREP_VAR_DIR": str(scratch),
        "DATABASE_URL": f"sqlite:///{scratch / 'db.sqlite3'}",
        "LOG_LEVEL": "WARNING",
    })
    os.environ.pop("CELERY_BROKER_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_pack", str(BASE_DIR / "packs" / "deepmind-applied"), "--no-verify", verbosity=0)


def build_sessions():
    """The user, an empty session and a long one; returns (user, empty session, long session)."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from questions.models import Question
    from sessions.feedback import notes as note_services
    from sessions.models import Note, Round, Snapshot, Submission
    from sessions.rounds import services as round_services

    user = get_user_model().objects.create_user("bench", password="bench-pass-123456")
    question = Question.objects.filter(kind="coding").order_by("slug").first()
    start = timezone.now() - timedelta(hours=3)

    empty = round_services.session_start(owner=user, question=question, now=start)
    round_services.round_end(round=empty.rounds.get(), now=start + timedelta(seconds=30))

    long = round_services.session_start(owner=user, question=question, now=start)
    stage_round = long.rounds.get()
    Round.objects.filter(pk=stage_round.pk).update(duration_seconds=3600)
    stage_round.refresh_from_db()
    rq = stage_round.questions.select_related("question", "round__session").get()
    for minute in (3, 9):
        if rq.question.hints.count() > rq.hints_revealed:
            round_services.hint_reveal_next(round_question=rq, now=start + timedelta(minutes=minute))
    round_services.round_pause(round=stage_round, now=start + timedelta(minutes=20))
    round_services.round_resume(round=stage_round, now=start + timedelta(minutes=22))
    Snapshot.objects.bulk_create(
        Snapshot(round_question=rq, field="code", offset_seconds=30 + i * 1.7,
                 content="\n".join(f"    value_{j} = compute(value_{j - 1}, {j})  # {'edited' if j == i % 60 else ''}"
                                   for j in range(1 + i * 60 // 2000)))
        for i in range(2000)
    )
    tests = [{"index": k, "hidden": k > 1, "verdict": "AC", "input": "1 2\n" if k <= 1 else "",
              "expected": "3\n" if k <= 1 else "", "actual": "3\n" if k <= 1 else ""} for k in range(8)]
    Submission.objects.bulk_create(
        Submission(user=user, round_question=rq, question=rq.question, kind="submit" if i % 4 == 0 else "run",
                   language="python", source="print(1)\n" * 40, status="done", verdict="AC" if i % 3 else "WA",
                   results={"passed": 8 if i % 3 else 5, "total": 8, "tests": tests}, time_ms=14, stdout="3\n" * 50)
        for i in range(100)
    )
    Note.objects.bulk_create(
        Note(round=stage_round, author=user, body=f"Note {i}: *considered* the `edge` case {i}, see [docs](https://example.com)",
             tags=["strong"] if i % 2 else [], offset_seconds=40 + i * 70.0)
        for i in range(50)
    )
    note_services.note_save(round=stage_round, author=user, body="One more through the service.",
                            now=start + timedelta(minutes=30))
    round_services.round_end(round=stage_round, now=start + timedelta(minutes=62))
    return user, empty, long


def measure(client, url: str, repeats: int) -> tuple[list[float], int, int]:
    """Milliseconds per request (after two warm-ups), the query count, and the response size in bytes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    query_count = len(queries)  # now: the next request clears the connection's query log
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    return times, query_count, len(response.content)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    if not 1 <= args.repeats <= 1000:
        raise SystemExit("--repeats: between 1 and 1000")
    scratch = Path(tempfile.mkdtemp(prefix="interviewprep-bench-review-"))
    try:
        setup_django(scratch)
        user, empty, long = build_sessions()
        from django.test import Client

        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        rows = [
            ("review page, empty session", f"/practice/sessions/{empty.pk}/review/"),
            ("review page, 60-min round", f"/practice/sessions/{long.pk}/review/"),
            ("replay JSON, empty round", f"/practice/rounds/{empty.rounds.get().pk}/replay/"),
            ("replay JSON, 60-min round", f"/practice/rounds/{long.rounds.get().pk}/replay/"),
        ]
        results = [(name, *measure(client, url, args.repeats)) for name, url in rows]
        print(f"in-process test client, SQLite, {args.repeats} requests each, {time.strftime('%Y-%m-%d')}")
        print("long round: 2,000 snapshots, 100 runs, 51 notes, 60 minutes")
        print(f"{'request':<28} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'KiB':>7} {'median vs empty':>16}")
        baselines = {"review": statistics.median(results[0][1]), "replay": statistics.median(results[2][1])}
        for name, times, queries, size in results:
            median = statistics.median(times)
            baseline = baselines["review" if name.startswith("review") else "replay"]
            print(f"{name:<28} {median:>10.1f} {p95(times):>8.1f} {queries:>8} {size / 1024:>7.0f} {median / baseline:>15.2f}x")
        long_median = statistics.median(results[1][1])
        verdict = "met" if long_median < TARGET_MS else "NOT met"
        print(f"target: review page of the 60-minute round under {TARGET_MS:.0f} ms server time: {verdict} "
              f"({long_median:.1f} ms)")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
