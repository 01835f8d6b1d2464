"""submission_execute against the real sandbox: plain runs, judged runs, claims."""

import pytest

from questions.models import Question
from sessions.models import Submission
from sessions.runs.submissions import submission_claim, submission_execute

RIGHT = "a, b = map(int, input().split())\nprint(a + b)\n"
WRONG = "a, b = map(int, input().split())\nprint(a + b if a > 0 else 7)\n"


def queued(user, **fields) -> Submission:
    return Submission.objects.create(user=user, **fields)


@pytest.mark.django_db
def test_a_plain_run_stores_output_and_timings(owner):
    submission = queued(owner, language="python", source="import sys\nprint('hi', sys.stdin.read())", stdin="there")
    done = submission_execute(submission_id=submission.pk, worker="w1")
    assert (done.status, done.verdict) == ("done", "OK")
    assert done.stdout == "hi there\n"
    assert done.attempts == 1 and done.worker == "w1"
    assert done.wall_ms is not None and done.started_at <= done.finished_at


@pytest.mark.django_db
def test_a_runtime_error_is_reported(owner):
    done = submission_execute(submission_id=queued(owner, language="python", source="raise SystemExit(3)").pk)
    assert done.verdict == "RE"


@pytest.mark.django_db
def test_a_compile_error_is_reported(owner):
    done = submission_execute(submission_id=queued(owner, language="cpp", source="int main( {").pk)
    assert done.verdict == "CE"
    assert "error" in done.compile_output


@pytest.mark.django_db
def test_run_on_a_question_judges_the_visible_examples_only(owner, mini_pack):
    question = Question.objects.get(slug="sum-two")
    done = submission_execute(submission_id=queued(owner, question=question, language="python", source=RIGHT).pk)
    assert done.verdict == "AC"
    assert (done.results["passed"], done.results["total"]) == (1, 1)


@pytest.mark.django_db
def test_submit_judges_every_test_and_hides_hidden_ones(owner, mini_pack):
    question = Question.objects.get(slug="sum-two")
    wrong = submission_execute(
        submission_id=queued(owner, question=question, kind="submit", language="python", source=WRONG).pk
    )
    assert wrong.verdict == "WA"
    assert (wrong.results["passed"], wrong.results["total"]) == (1, 2)
    hidden = [t for t in wrong.results["tests"] if t["hidden"]]
    assert hidden and all(t.get("input") is None and t.get("expected") is None for t in hidden)
    assert "-5 5" not in str(wrong.results)
    right = submission_execute(
        submission_id=queued(owner, question=question, kind="submit", language="python", source=RIGHT).pk
    )
    assert right.verdict == "AC" and right.results["passed"] == 2


@pytest.mark.django_db
def test_run_with_custom_input_on_a_question_is_a_plain_run(owner, mini_pack):
    question = Question.objects.get(slug="sum-two")
    done = submission_execute(
        submission_id=queued(owner, question=question, language="python", source=RIGHT, stdin="40 2\n").pk
    )
    assert (done.verdict, done.stdout, done.results) == ("OK", "42\n", {})


@pytest.mark.django_db
def test_only_a_queued_row_is_claimed(owner):
    submission = queued(owner, language="python", source="print(1)")
    assert submission_claim(submission_id=submission.pk, worker="a") is not None
    assert submission_claim(submission_id=submission.pk, worker="b") is None
    assert submission_execute(submission_id=submission.pk, worker="b") is None
    submission.refresh_from_db()
    assert (submission.worker, submission.attempts) == ("a", 1)


@pytest.mark.django_db
def test_every_run_logs_one_structured_line_without_code_or_output(owner, caplog):
    import json

    secret_source = "print('SECRET-OUTPUT-7')  # SECRET-CODE-7"
    with caplog.at_level("INFO", logger="interviewprep.runs"):
        submission_execute(submission_id=queued(owner, language="python", source=secret_source).pk, worker="w9")
    lines = [r.getMessage() for r in caplog.records if r.name == "interviewprep.runs"]
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert record["event"] == "run_finished" and record["user"] == owner.pk and record["language"] == "python"
    assert record["verdict"] == "OK" and record["worker"] == "w9" and record["wall_ms"] is not None
    assert "SECRET" not in lines[0]
