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


def test_a_run_judges_the_examples_then_the_own_cases_one_by_one(celery_worker, owner, mini_pack, client):
    from sessions.rounds import services as round_services

    stage_round = round_services.session_start(owner=owner, question=Question.objects.get(slug="sum-two")).rounds.get()
    round_question = stage_round.questions.get()
    cases = [{"input": "2 2\n", "expected": "4\n"}, {"input": "2 2\n", "expected": "5\n"}, {"input": "40 2\n", "expected": None}]
    run = submission_create(user=owner, round_question=round_question, language="python", custom_tests=cases,
                            source="a, b = map(int, input().split())\nprint(a + b)\n")
    done = wait_until_final(run)
    assert [t["verdict"] for t in done.results["tests"]] == ["AC", "AC", "WA", "OK"]
    assert done.results["tests"][3]["actual"] == "42\n"
    assert (done.verdict, done.results["passed"], done.results["total"], done.results["ran"]) == ("WA", 2, 3, 1)
    assert done.results["examples"] == 1 and done.results["verdicts"] == ["AC", "AC", "WA", "OK"]
    client.force_login(owner)
    html = client.get(f"/practice/runs/{done.pk}/").content.decode()
    assert 'Example 1: <span class="verdict-word">Passed</span>' in html
    assert 'Case 2: <span class="verdict-word">Wrong answer</span>' in html
    assert 'Case 3: <span class="verdict-word">Ran</span>' in html
    assert "2 of 3 tests passed" in html and "1 ran without an expected output" in html
    # A Submit is judged on the question's own tests only, hidden ones included.
    submit = submission_create(user=owner, round_question=round_question, language="python", kind="submit",
                               source="a, b = map(int, input().split())\nprint(a + b)\n")
    judged = wait_until_final(submit)
    assert (judged.verdict, judged.results["total"], judged.results["examples"]) == ("AC", 2, None)
