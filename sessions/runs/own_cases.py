"""A coding question's own test cases: the inputs a person keeps beside the examples, each with an
optional expected output, judged with the examples on every Run (sessions/runs/submissions.py).

They arrive as two parallel lists of form fields (`case_input`, `case_expected`, one pair per case) and
are kept on the round question as [{"input": str, "expected": str | None}, ...]; a blank expected output
means "just run it". Untrusted text: capped in number and size before anything is saved.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from questions.models import Question
from sessions.models import Round, RoundQuestion
from sessions.rounds.answers import require_shown
from sessions.rounds.clock import require_running

MAX_CASES = 10


def own_cases_from_form(data) -> list[dict] | None:
    """The cases a request carries, or None when it carries none (the form had no test-case panel).

    `data` is a QueryDict; the panel always sends `test_cases` (the number of case rows) so an emptied
    panel (zero cases) is told apart from a request that has nothing to do with cases."""
    if "test_cases" not in data:
        return None
    inputs, expected = data.getlist("case_input"), data.getlist("case_expected")
    if len(inputs) != len(expected):
        raise ValidationError({"test_cases": "Each test case needs an input and an expected-output field."})
    return [{"input": given, "expected": want} for given, want in zip(inputs, expected)]


def own_cases_save_posted(*, round_question: RoundQuestion, data) -> None:
    """Keep the cases a request's form carries (`own_cases_from_form`); a request without the panel keeps them."""
    cases = own_cases_from_form(data)
    if cases is not None:
        own_cases_save(round_question=round_question, cases=cases)


def own_cases_clean(cases: list[dict]) -> list[dict]:
    """Checked and normalised cases (line endings as \\n, blank expected output -> None, rows with neither
    input nor expected output dropped), or a ValidationError naming the problem; nothing is saved then."""
    if not isinstance(cases, list):
        raise ValidationError({"test_cases": "Test cases must be a list."})
    if len(cases) > MAX_CASES:
        raise ValidationError({"test_cases": f"Keep at most {MAX_CASES} test cases; remove one to add another."})
    limit = settings.RUN_MAX_STDIN_BYTES
    clean = []
    for number, case in enumerate(cases, start=1):
        given = case.get("input") if isinstance(case, dict) else None
        want = case.get("expected") if isinstance(case, dict) else None
        if not isinstance(given, str) or not (want is None or isinstance(want, str)):
            raise ValidationError({"test_cases": f"Test case {number} is not an input with an optional expected output."})
        given, want = given.replace("\r\n", "\n"), (want or "").replace("\r\n", "\n")
        if not given.strip() and not want.strip():
            continue  # a row added and left empty is not a case
        for what, text in (("input", given), ("expected output", want)):
            if len(text.encode()) > limit:
                raise ValidationError({"test_cases": f"Test case {number}: the {what} is over the {limit // 1024} KiB limit."})
        clean.append({"input": given, "expected": want if want.strip() else None})
    return clean


def own_cases_save(*, round_question: RoundQuestion, cases: list[dict], now: datetime | None = None) -> bool:
    """Keep the question's own cases (a coding question, in a running round). Returns whether they changed."""
    if round_question.question.kind != Question.Kind.CODING:
        raise ValidationError({"test_cases": "Only coding questions have test cases."})
    clean = own_cases_clean(cases)
    now = now or timezone.now()
    require_running(round_question.round, now)
    require_shown(round_question)
    # The caller's copy holds these cases either way: a Run racing the autosave that carried the same cases
    # must still send them (sessions/views/rounds.py run_code reads them from this object).
    round_question.test_cases = clean
    with transaction.atomic():
        current = RoundQuestion.objects.select_for_update().only("test_cases").get(pk=round_question.pk)
        if current.test_cases == clean:
            return False
        RoundQuestion.objects.filter(pk=round_question.pk).update(test_cases=clean, updated_at=now)
        Round.objects.filter(pk=round_question.round_id).touch()
    return True
