"""Writes and workflows for sessions: creating code runs, executing them, recovering lost ones."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

import sandbox
from interviewprep.celery import app as celery_app
from questions.models import Question
from sessions.models import Round, Submission
from sessions.rounds.answers import answer_save
from sessions.scheduling.recording import round_reviews_record
from sessions.runs.own_cases import own_cases_clean
from sessions.runs.run_queue import RunLimited, run_due_for, run_next_for, runs_admit, runs_lock_user, users_waiting

__all__ = ["RunLimited", "submission_create", "submission_claim", "submission_execute", "submissions_recover"]

logger = logging.getLogger(__name__)
run_logger = logging.getLogger("interviewprep.runs")

# A run whose worker vanished is tried once more, then failed with a message.
MAX_ATTEMPTS = 2
RUNNER_UNAVAILABLE = "The code runner is unavailable right now; your code is saved, please try again in a moment."
# The Celery task that runs one submission (sessions.tasks declares itself under this name). Sent by name,
# so this module needs nothing from the task module, which calls into this one.
RUN_TASK = "sessions.tasks.run_submission"


def submission_create(
    *,
    user,
    language: str,
    source: str,
    kind: str = Submission.Kind.RUN,
    question: Question | None = None,
    stdin: str | None = None,
    round_question=None,
    custom_tests: list[dict] | None = None,
) -> Submission:
    """Validate and queue a run. Raises ValidationError with a message for the user; saves nothing then.

    From a round, the code is saved as the answer first (a run is also a save), and a
    second run while one is still queued or running is refused rather than doubled. A Run's own
    test cases (`custom_tests`, sessions/runs/own_cases.py) are judged after the visible examples.
    """
    errors: dict[str, str] = {}
    if round_question is not None:
        question = round_question.question
        if question.kind != Question.Kind.CODING:
            raise ValidationError({"kind": "Only coding questions have a code pad to run."})
    if language not in sandbox.LANGUAGES:
        errors["language"] = f"Unknown language {language!r}; choose one of {', '.join(sorted(sandbox.LANGUAGES))}."
    if kind not in Submission.Kind.values:
        errors["kind"] = "Choose Run or Submit."
    if not source.strip():
        errors["source"] = "There is no code to run."
    elif len(source.encode()) > settings.RUN_MAX_SOURCE_BYTES:
        errors["source"] = f"The code is over the {settings.RUN_MAX_SOURCE_BYTES // 1024} KiB limit."
    if stdin is not None and len(stdin.encode()) > settings.RUN_MAX_STDIN_BYTES:
        errors["stdin"] = f"The input is over the {settings.RUN_MAX_STDIN_BYTES // 1024} KiB limit."
    if kind == Submission.Kind.SUBMIT:
        if question is None or question.kind != Question.Kind.CODING:
            errors["kind"] = "Only a coding question can be submitted for judging."
        elif stdin is not None:
            errors["stdin"] = "Submit runs every test; custom input only goes with Run."
        elif custom_tests:
            errors["test_cases"] = "Submit runs the question's own tests; your test cases go with Run."
    if custom_tests:
        if question is None or question.kind != Question.Kind.CODING or stdin is not None:
            errors["test_cases"] = "Test cases are judged against a coding question, without custom input."
        else:
            try:
                custom_tests = own_cases_clean(custom_tests)
            except ValidationError as error:
                errors.update(error.message_dict)
    if question is not None and question.kind == Question.Kind.CODING and question.mode == Question.Mode.FUNCTION:
        if language not in ("python", "javascript"):
            errors["language"] = "This question calls a function; answer it in Python or JavaScript."
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        # Counted under the user's lock so concurrent requests cannot all pass (see run_queue).
        if user is not None:
            runs_lock_user(user.pk)
        send_now = runs_admit(user=user, now=timezone.now())
        if round_question is not None:
            answer_save(round_question=round_question, values={"code": source, "language": language})
            in_flight = Submission.objects.select_for_update().filter(
                round_question=round_question, status__in=[Submission.Status.QUEUED, Submission.Status.RUNNING]
            )
            if in_flight.exists():
                raise ValidationError({"kind": "A run is already in progress; its results will appear in a moment."})
        submission = Submission.objects.create(
            user=user, question=question, round_question=round_question, kind=kind, language=language,
            source=source, stdin=stdin, custom_tests=custom_tests or [],
        )
        _touch_round(submission)
        if send_now:  # otherwise the worker sends it when the user's current run finishes
            transaction.on_commit(lambda: _enqueue(submission.pk))
    return submission


def _enqueue(submission_id: int) -> None:
    # Marked before the message exists, so a worker's claim never races the mark.
    Submission.objects.filter(pk=submission_id, status=Submission.Status.QUEUED).update(dispatched_at=timezone.now())
    try:
        celery_app.send_task(RUN_TASK, args=(submission_id,))
    except Exception:  # the broker is down: say so instead of leaving the run queued forever
        logger.exception("could not enqueue submission %s", submission_id)
        Submission.objects.filter(pk=submission_id, status=Submission.Status.QUEUED).update(
            status=Submission.Status.ERROR, message=RUNNER_UNAVAILABLE, finished_at=timezone.now()
        )
        _touch_round(Submission.objects.only("round_question_id").get(pk=submission_id))


def _send_next(user_id: int | None) -> None:
    """The user's next held run goes to the sandbox queue once this transaction commits."""
    next_id = run_next_for(user_id)
    if next_id is not None:
        transaction.on_commit(lambda: _enqueue(next_id))


def _touch_round(submission: Submission) -> None:
    """A run started or finished: the interviewer's live view of a paired round shows it."""
    if submission.round_question_id:
        Round.objects.filter(questions__id=submission.round_question_id).touch()


def _record_late_verdicts(rounds) -> None:
    """A Submit judged after its round ended still rates the question (sessions.scheduling.ratings)."""
    for stage_round in rounds.filter(status=Round.Status.FINISHED).distinct():
        round_reviews_record(stage_round)


def submission_claim(*, submission_id: int, worker: str = "") -> Submission | None:
    """Move a queued row to running. Returns None when another worker has it or it is finished."""
    claimed = Submission.objects.filter(pk=submission_id, status=Submission.Status.QUEUED).update(
        status=Submission.Status.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1, worker=worker
    )
    if claimed != 1:
        return None
    submission = Submission.objects.select_related("question").get(pk=submission_id)
    _touch_round(submission)
    return submission


def submission_execute(*, submission_id: int, worker: str = "") -> Submission | None:
    """Claim a queued submission, run it in the sandbox, and store what came back."""
    submission = submission_claim(submission_id=submission_id, worker=worker)
    if submission is None:
        return None
    try:
        outcome = _run_in_sandbox(submission)
    except Exception:
        logger.exception("sandbox failed on submission %s", submission_id)
        outcome = {"verdict": "SE", "message": "The code runner failed unexpectedly; this is not your code's fault."}
    with transaction.atomic():
        if submission.user_id is not None:
            runs_lock_user(submission.user_id)
        Submission.objects.filter(pk=submission.pk, status=Submission.Status.RUNNING).update(
            status=Submission.Status.DONE, finished_at=timezone.now(), **outcome
        )
        _send_next(submission.user_id)
    _touch_round(submission)
    submission.refresh_from_db()
    if submission.kind == Submission.Kind.SUBMIT and submission.round_question_id:
        _record_late_verdicts(Round.objects.filter(questions__id=submission.round_question_id))
    _log_run(submission)
    return submission


def _log_run(submission: Submission) -> None:
    """One structured line per run, for operators: who, what, how it went, how long. Never code or output."""
    queued_ms = (submission.started_at - submission.created_at).total_seconds() * 1000
    run_logger.info(json.dumps({
        "event": "run_finished",
        "submission": submission.pk,
        "user": submission.user_id,
        "question": submission.question_id,
        "kind": submission.kind,
        "language": submission.language,
        "status": submission.status,
        "verdict": submission.verdict,
        "time_ms": submission.time_ms,
        "wall_ms": submission.wall_ms,
        "memory_kb": submission.memory_kb,
        "queued_ms": round(queued_ms, 1),
        "attempts": submission.attempts,
        "worker": submission.worker,
    }))


def _limits(question: Question | None) -> tuple[float, int]:
    time_limit = question.time_limit_s if question else settings.RUN_TIME_LIMIT_S
    memory_limit = question.memory_limit_mb if question else settings.RUN_MEMORY_LIMIT_MB
    return min(time_limit, settings.RUN_MAX_TIME_LIMIT_S), min(memory_limit, settings.RUN_MAX_MEMORY_LIMIT_MB)


def _run_in_sandbox(submission: Submission) -> dict:
    """Convert the row into a sandbox request and the result back into fields to store."""
    question = submission.question
    time_limit, memory_limit = _limits(question)
    judged = question is not None and question.kind == Question.Kind.CODING and submission.stdin is None
    if not judged:
        result = sandbox.run(
            sandbox.RunRequest(
                language=submission.language,
                source=submission.source,
                stdin=submission.stdin or "",
                time_limit_s=time_limit,
                memory_limit_mb=memory_limit,
            )
        )
        return {
            "verdict": result.verdict,
            "stdout": result.stdout,
            "stderr": result.stderr,
            "compile_output": result.compile_output or "",
            "time_ms": result.time_ms,
            "wall_ms": result.wall_ms,
            "memory_kb": result.memory_kb,
            "message": result.message or "",
            "results": {},
        }
    tests = question.tests.all()
    if submission.kind == Submission.Kind.RUN:
        tests = tests.filter(hidden=False)
    tests = [sandbox.TestCase(input=t.input, expected=t.expected, hidden=t.hidden) for t in tests]
    examples = len(tests)
    if submission.kind == Submission.Kind.RUN:  # the person's own cases, after the examples
        tests += [sandbox.TestCase(input=case["input"], expected=case["expected"]) for case in submission.custom_tests]
    judgement = sandbox.judge(
        sandbox.JudgeRequest(
            language=submission.language,
            source=submission.source,
            tests=tests,
            checker=question.checker,
            float_tolerance=question.float_tolerance,
            mode=question.mode,
            entry_point=question.entry_point or None,
            time_limit_s=time_limit,
            memory_limit_mb=memory_limit,
        )
    )
    stored = judgement.to_dict()  # hidden tests' usage only in aggregate: see sandbox.api.hidden_usage
    return {
        "verdict": judgement.verdict,
        "compile_output": judgement.compile_output or "",
        "message": judgement.message or "",
        "time_ms": stored["time_ms"],
        "memory_kb": stored["memory_kb"],
        "results": {
            "passed": stored["passed"],
            "total": stored["total"],
            "ran": stored["ran"],
            # A Run's tests from this index on are the person's own cases (a Submit has none).
            "examples": examples if submission.kind == Submission.Kind.RUN else None,
            "verdicts": [test["verdict"] for test in stored["tests"]],  # for the replay, without the tests' text
            "tests": stored["tests"],
            "first_failure": stored.get("first_failure"),
            "hidden_usage": stored["hidden_usage"],
        },
    }


def submissions_recover(
    *,
    now=None,
    is_claim_alive: Callable[[str, datetime], bool] | None = None,
    only_ids: Iterable[int] | None = None,
) -> dict[str, int]:
    """Finish what a lost worker left behind; safe to run at any time, from any process.

    A running row is stale when it has run for longer than SUBMISSION_STALE_AFTER_S,
    or when `is_claim_alive(worker, started_at)` says the process that claimed it is
    gone (killed, restarted). Stale rows go back to the queue once; after that they are
    failed with a message, so none stays running forever. Without `only_ids` (the
    periodic sweep), every user with waiting runs is given their due one
    (`run_queue.run_due_for`): a hand-off that went wrong is repaired within one sweep,
    a lost message is sent again, and a held run is never sent early.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.SUBMISSION_STALE_AFTER_S)
    running = Submission.objects.filter(status=Submission.Status.RUNNING)
    if only_ids is not None:
        running = running.filter(pk__in=list(only_ids))
    stale_ids = set(running.filter(started_at__lt=cutoff).values_list("pk", flat=True))
    if is_claim_alive is not None:
        for pk, claim, started_at in running.exclude(pk__in=stale_ids).values_list("pk", "worker", "started_at"):
            if not is_claim_alive(claim, started_at):
                stale_ids.add(pk)
    stale = Submission.objects.filter(pk__in=stale_ids, status=Submission.Status.RUNNING)
    failed_users = set(stale.filter(attempts__gte=MAX_ATTEMPTS).values_list("user_id", flat=True))
    failed = stale.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=Submission.Status.ERROR,
        finished_at=now,
        message="The run was interrupted twice (its worker stopped) and was not tried again. Please run it again.",
    )
    if failed:
        Round.objects.filter(questions__submissions__in=stale_ids).touch()
        _record_late_verdicts(Round.objects.filter(questions__submissions__in=stale_ids))
    for user_id in failed_users - {None}:  # their held runs would otherwise wait for the sweep
        with transaction.atomic():
            runs_lock_user(user_id)
            _send_next(user_id)
    requeue_ids = list(stale.filter(attempts__lt=MAX_ATTEMPTS).values_list("pk", flat=True))
    requeued = Submission.objects.filter(pk__in=requeue_ids, status=Submission.Status.RUNNING).update(
        status=Submission.Status.QUEUED, worker="", dispatched_at=now
    )
    if requeued:
        Round.objects.filter(questions__submissions__in=requeue_ids).touch()
    for submission_id in requeue_ids:
        transaction.on_commit(lambda pk=submission_id: _enqueue(pk))
    sent = _send_due(now=now, cutoff=cutoff) if only_ids is None else 0
    return {"failed": failed, "requeued": requeued, "lost": sent}


def _send_due(*, now, cutoff) -> int:
    """Each waiting user's due run, under their lock; runs of no user (benchmarks) once they look lost."""
    due = []
    for user_id in users_waiting():
        with transaction.atomic():
            runs_lock_user(user_id)
            next_id = run_due_for(user_id, now=now)
            if next_id is not None:
                due.append(next_id)
                transaction.on_commit(lambda pk=next_id: _enqueue(pk))
    ownerless = Submission.objects.filter(status=Submission.Status.QUEUED, user__isnull=True).filter(
        Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=cutoff)
    ).values_list("pk", flat=True)
    for submission_id in ownerless:
        due.append(submission_id)
        transaction.on_commit(lambda pk=submission_id: _enqueue(pk))
    return len(due)
