"""run_queue: per-user run limits hold under concurrent requests, and one user's backlog waits its turn."""

import threading
import uuid

import pytest
from django.db import connection
from django.test import Client

from questions.models import Question
from sessions.models import RoundQuestion, Submission
from sessions.rounds import services as svc
from sessions.runs.submissions import submission_create, submission_execute
from tests.conftest import wait_until_final

HX = {"HX-Request": "true"}


@pytest.fixture
def runs_stay_queued(monkeypatch):
    """Runs sent while the test counts admissions go to a queue no worker reads.

    The suite's worker is session-wide: once another test has started it, it would finish the first
    accepted run mid-burst, and a later request would rightly be admitted in its place. Only this
    process's router changes: a control broadcast (cancel_consumer) would reach every worker on the
    broker, other test runs' workers included, and one told to add_consumer would take these runs.
    """
    from interviewprep.celery import app

    unread = f"unread-{uuid.uuid4().hex[:12]}"
    monkeypatch.setattr(app.amqp, "router", app.amqp.Router())  # touched first, so undo puts it back
    monkeypatch.setitem(app.conf, "task_routes", {"sessions.tasks.*": {"queue": unread}})
    app.amqp.flush_routes()
    monkeypatch.setattr(app.amqp, "router", app.amqp.Router())
    yield
    monkeypatch.undo()
    app.amqp.flush_routes()
    with app.connection_for_write() as broker:
        broker.default_channel.queue_purge(unread)
SLOW = "import time\ntime.sleep(2)\nprint('slow')\n"


def _post_runs_at_once(owner, round_ids: list[int]) -> list[tuple[int, str, str]]:
    """One thread per round id, all released together; each posts a Run with code of its own."""
    barrier = threading.Barrier(len(round_ids))
    results: list[tuple[int, str, str]] = [None] * len(round_ids)

    def post(index: int, round_id: int) -> None:
        try:
            client = Client()
            client.force_login(owner)
            code = f"print({index})"
            barrier.wait()
            response = client.post(f"/practice/rounds/{round_id}/q/1/run/",
                                   {"kind": "run", "language": "python", "code": code}, headers=HX)
            results[index] = (response.status_code, code, response.content.decode())
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(i, rid)) for i, rid in enumerate(round_ids)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_it_accepts_no_more_than_the_limit_from_concurrent_requests_across_rounds(
    owner, mini_pack, settings, runs_stay_queued
):
    settings.RUN_MAX_QUEUED_PER_USER = 3
    settings.RUN_RATE_PER_MINUTE = 100
    question = Question.objects.get(slug="sum-two")
    rounds = [svc.session_start(owner=owner, question=question).rounds.get() for _ in range(10)]

    results = _post_runs_at_once(owner, [r.pk for r in rounds for _ in range(3)])

    accepted = [code for status, code, _ in results if status == 202]
    assert len(accepted) == 3
    assert Submission.objects.count() == 3
    assert sorted(Submission.objects.values_list("source", flat=True)) == sorted(accepted)
    for status, code, body in results:
        assert status in (202, 400, 429), body
        if status == 429:
            assert "runs waiting for the runner" in body
        if status == 400:
            assert "already in progress" in body
    assert any(status == 429 for status, _, _ in results)
    # A refused run saved nothing, not even the code as the round's answer.
    saved = {rq.code for rq in RoundQuestion.objects.all()} - {""}
    assert saved == set(accepted)


@pytest.mark.django_db(transaction=True)
def test_it_applies_the_per_minute_limit_to_concurrent_requests(owner, mini_pack, settings, runs_stay_queued):
    settings.RUN_MAX_QUEUED_PER_USER = 100
    settings.RUN_RATE_PER_MINUTE = 2
    question = Question.objects.get(slug="sum-two")
    rounds = [svc.session_start(owner=owner, question=question).rounds.get() for _ in range(8)]

    results = _post_runs_at_once(owner, [r.pk for r in rounds])

    assert [status for status, _, _ in results].count(202) == 2
    assert Submission.objects.count() == 2
    assert all("the most allowed" in body for status, _, body in results if status != 202)


@pytest.mark.django_db
def test_it_holds_a_users_second_run_until_the_first_finishes(owner, outsider, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as first_sent:
        first = submission_create(user=owner, language="python", source="print(1)")
    with django_capture_on_commit_callbacks(execute=False) as second_sent:
        second = submission_create(user=owner, language="python", source="print(2)")
    with django_capture_on_commit_callbacks(execute=False) as other_sent:
        submission_create(user=outsider, language="python", source="print(3)")
    assert (len(first_sent), len(second_sent), len(other_sent)) == (1, 0, 1)

    with django_capture_on_commit_callbacks(execute=False) as after_first:
        submission_execute(submission_id=first.pk)
    assert len(after_first) == 1  # the held run goes out now
    second.refresh_from_db()
    assert second.status == Submission.Status.QUEUED


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_it_runs_another_users_run_before_a_backlog_drains(celery_worker, owner, outsider, settings):
    settings.RUN_MAX_QUEUED_PER_USER = 4
    backlog = [submission_create(user=owner, language="python", source=SLOW) for _ in range(4)]
    other = submission_create(user=outsider, language="python", source="print('quick')")

    other = wait_until_final(other)
    backlog = [wait_until_final(s, timeout=90) for s in backlog]

    assert (other.verdict, other.stdout) == ("OK", "quick\n")
    assert all(s.verdict == "OK" for s in backlog)
    finished_before_other = [s for s in backlog if s.finished_at <= other.finished_at]
    assert len(finished_before_other) <= 1
    # The backlog ran one at a time, oldest first, even with a free worker slot.
    ordered = sorted(backlog, key=lambda s: s.started_at)
    assert [s.pk for s in ordered] == [s.pk for s in backlog]
    assert all(later.started_at >= earlier.finished_at for earlier, later in zip(ordered, ordered[1:]))
