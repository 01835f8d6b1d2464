"""submission_create: validation with clear messages, nothing saved on bad input."""

import pytest
from django.core.exceptions import ValidationError

from questions.models import Question
from sessions.models import Submission
from sessions.runs.submissions import submission_create


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kwargs, field, words",
    [
        ({"language": "cobol", "source": "x"}, "language", "Unknown language"),
        ({"language": "python", "source": "   "}, "source", "no code"),
        ({"language": "python", "source": "x" * (64 * 1024 + 1)}, "source", "64 KiB"),
        ({"language": "python", "source": "x", "stdin": "y" * (64 * 1024 + 1)}, "stdin", "64 KiB"),
        ({"language": "python", "source": "x", "kind": "grade"}, "kind", "Run or Submit"),
        ({"language": "python", "source": "x", "kind": "submit"}, "kind", "coding question"),
    ],
)
def test_bad_input_is_refused_and_nothing_saved(owner, kwargs, field, words):
    with pytest.raises(ValidationError) as caught:
        submission_create(user=owner, **kwargs)
    assert words in " ".join(caught.value.message_dict[field])
    assert not Submission.objects.exists()


@pytest.mark.django_db
def test_submit_with_custom_input_is_refused(owner, mini_pack):
    question = Question.objects.get(slug="sum-two")
    with pytest.raises(ValidationError) as caught:
        submission_create(user=owner, language="python", source="print(1)", kind="submit", question=question, stdin="1 2")
    assert "stdin" in caught.value.message_dict
    assert not Submission.objects.exists()


@pytest.mark.django_db
def test_function_questions_need_python_or_javascript(owner, mini_pack):
    question = Question.objects.get(slug="sum-two")
    question.mode = Question.Mode.FUNCTION
    question.save()
    with pytest.raises(ValidationError) as caught:
        submission_create(user=owner, language="cpp", source="int main(){}", question=question)
    assert "Python or JavaScript" in caught.value.message_dict["language"][0]


@pytest.mark.django_db
def test_a_valid_run_is_saved_queued(owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submission = submission_create(user=owner, language="python", source="print(1)")
    assert submission.status == Submission.Status.QUEUED
    assert submission.stdin is None and submission.kind == "run"
    assert len(callbacks) == 1  # enqueued only once the row is committed


@pytest.mark.django_db
def test_runs_per_minute_are_limited(owner, settings, django_capture_on_commit_callbacks):
    from sessions.runs.submissions import RunLimited

    settings.RUN_RATE_PER_MINUTE = 3
    settings.RUN_MAX_QUEUED_PER_USER = 100
    with django_capture_on_commit_callbacks(execute=False):
        for _ in range(3):
            submission_create(user=owner, language="python", source="print(1)")
        with pytest.raises(RunLimited, match="3 runs in the last minute"):
            submission_create(user=owner, language="python", source="print(1)")
    assert Submission.objects.count() == 3


@pytest.mark.django_db
def test_waiting_runs_per_user_are_capped(owner, outsider, settings, django_capture_on_commit_callbacks):
    from sessions.runs.submissions import RunLimited

    settings.RUN_MAX_QUEUED_PER_USER = 2
    with django_capture_on_commit_callbacks(execute=False):
        submission_create(user=owner, language="python", source="print(1)")
        submission_create(user=owner, language="python", source="print(1)")
        with pytest.raises(RunLimited, match="2 runs waiting"):
            submission_create(user=owner, language="python", source="print(1)")
        submission_create(user=outsider, language="python", source="print(1)")  # others are not affected
    Submission.objects.filter(user=owner).update(status="done")
    with django_capture_on_commit_callbacks(execute=False):
        submission_create(user=owner, language="python", source="print(1)")
