"""Admission and dispatch of code runs: who may queue a run, and when it goes to the sandbox queue.

Admission. The per-user limits (runs started per minute, runs waiting or running)
are counted and the new row is inserted in one transaction whose first statement
is an UPDATE of the user's own row (``runs_lock_user``). That UPDATE is the
serialisation point on both databases: PostgreSQL holds a row lock on it until
commit, and SQLite takes its single write lock for it (even with deferred
transactions). So two requests of one user are counted one after the other,
whatever round they come from, and never both pass a limit that only one fits.

Dispatch (fairness). The sandbox queue is one FIFO shared by everyone. Each user
has at most one run in it at a time (sent to the broker or running); their later
runs stay in the database as queued rows and the next one is sent when the
previous one finishes (``run_next_for``, called by the worker under the same
lock, so a run created while another finishes is never left behind). The queue
therefore holds at most one run per user and serves users round-robin: a user's
backlog delays someone else's run by at most the one run of theirs ahead of it.
The price is that one user's runs never run in parallel.

Hand-offs that go wrong (the broker was down when the next run was due, a run
was deleted before a worker claimed it, a message was lost) are repaired by the
periodic sweep (``runs_due``): it gives each user with waiting runs their next
one, unless one of theirs is running or was handed to the broker less than
SUBMISSION_STALE_AFTER_S ago (``Submission.dispatched_at``), so a held run is
never sent early and a lost message is sent again only after that time.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import F

from sessions.models import Submission

ACTIVE = (Submission.Status.QUEUED, Submission.Status.RUNNING)


class RunLimited(ValidationError):
    """Too many runs for now: the user gets a clear message and a 429, nothing is saved."""


def runs_lock_user(user_id: int) -> None:
    """Serialise this transaction with every other admission or dispatch of the user's runs.

    Must be the transaction's first write: a no-op UPDATE, because select_for_update
    is ignored by SQLite while an UPDATE takes its write lock there too.
    """
    get_user_model().objects.filter(pk=user_id).update(last_login=F("last_login"))


def runs_admit(*, user, now: datetime) -> bool:
    """Check the user's limits inside the locked transaction; raise RunLimited past one.

    Returns whether the new run may go to the sandbox queue right away (the user
    has no other run waiting or running), see the module docstring.
    """
    if user is None:
        return True
    mine = Submission.objects.filter(user=user)
    started = mine.filter(created_at__gte=now - timedelta(seconds=60)).count()
    if started >= settings.RUN_RATE_PER_MINUTE:
        raise RunLimited(
            f"You have started {started} runs in the last minute, the most allowed. Wait a few seconds and try again."
        )
    waiting = mine.filter(status__in=ACTIVE).count()
    if waiting >= settings.RUN_MAX_QUEUED_PER_USER:
        raise RunLimited(f"You already have {waiting} runs waiting for the runner; let them finish first.")
    return waiting == 0


def run_next_for(user_id: int | None) -> int | None:
    """The user's oldest queued run to send now, or None while one of theirs is running.

    Call inside a transaction that has taken ``runs_lock_user``.
    """
    if user_id is None:
        return None
    mine = Submission.objects.filter(user_id=user_id)
    if mine.filter(status=Submission.Status.RUNNING).exists():
        return None
    if mine.filter(status=Submission.Status.QUEUED, dispatched_at__isnull=False).exists():
        return None  # one of theirs is already with the broker: it goes first
    return _oldest_queued(mine)


def run_due_for(user_id: int, *, now: datetime) -> int | None:
    """For the sweep: the user's run to send now, or None. Call under ``runs_lock_user``.

    Like ``run_next_for``, but a run handed to the broker more than SUBMISSION_STALE_AFTER_S ago and
    still not claimed counts as lost and is the one sent again.
    """
    mine = Submission.objects.filter(user_id=user_id)
    if mine.filter(status=Submission.Status.RUNNING).exists():
        return None
    sent = mine.filter(status=Submission.Status.QUEUED, dispatched_at__isnull=False)
    if sent.exists():
        cutoff = now - timedelta(seconds=settings.SUBMISSION_STALE_AFTER_S)
        return _oldest_queued(sent.filter(dispatched_at__lt=cutoff))
    return _oldest_queued(mine)


def users_waiting() -> list[int]:
    """Users with a run waiting in the database or with the broker."""
    return list(
        Submission.objects.filter(status=Submission.Status.QUEUED, user__isnull=False)
        .values_list("user_id", flat=True).distinct()
    )


def _oldest_queued(runs) -> int | None:
    return runs.filter(status=Submission.Status.QUEUED).order_by("created_at", "pk").values_list(
        "pk", flat=True
    ).first()
