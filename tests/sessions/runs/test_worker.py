"""End to end through a real Celery worker process on the real Redis broker."""

import pytest
from django.utils import timezone

from questions.models import Question
from sessions.models import Submission
from sessions.runs.submissions import submission_create, submissions_recover
from tests.conftest import wait_until_final

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_run_goes_through_the_worker(celery_worker, owner):
    submission = submission_create(user=owner, language="python", source="print(6 * 7)")
    done = wait_until_final(submission)
    assert (done.status, done.verdict, done.stdout) == ("done", "OK", "42\n")
    assert done.worker.startswith("test-") and done.worker.rsplit(":", 1)[1].isdigit()  # node:pid


def test_wrong_then_right_submissions_are_judged(celery_worker, owner, mini_pack):
    question = Question.objects.get(slug="sum-two")
    wrong = submission_create(user=owner, language="python", source="print(3)", kind="submit", question=question)
    right = submission_create(
        user=owner, language="javascript", kind="submit", question=question,
        source="const [a, b] = require('fs').readFileSync(0, 'utf8').trim().split(/\\s+/).map(Number);\nconsole.log(a + b);",
    )
    assert wait_until_final(wrong).verdict == "WA"
    assert wait_until_final(right).verdict == "AC"


def test_a_row_left_running_by_a_dead_worker_is_run_again(celery_worker, owner):
    orphan = Submission.objects.create(
        user=owner, language="python", source="print('again')", status="running", worker="celery@gone:1",
        attempts=1, started_at=timezone.now(),
    )
    submissions_recover(is_claim_alive=lambda claim, started: not claim.startswith("celery@gone:"))
    done = wait_until_final(orphan)
    assert (done.verdict, done.stdout, done.attempts) == ("OK", "again\n", 2)
