"""What an imported session may be, and what it may never become.

An import brings in a record of practice done on another instance. Nothing in it
may pass for something that happened here:
- only a full account imports (a guest is here for one interview, and may not use
  an import to reach model answers or the code runner);
- a question whose answers the rule of `questions.access.can_view_answers` hides
  from the importer (for example, they are the candidate of an unfinished paired
  round on it) cannot come in through an import either;
- every imported round arrives closed: one still open in the export is closed
  with the reason "imported", and a released scorecard or a self-assessment in a
  round that had not ended is refused as impossible;
- the services refuse every live action (start, resume, save, run, reveal, notes,
  scorecard, invite, join, swap) on a round of an imported session.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError

from questions.access import can_view_answers, is_guest
from sessions.models import InterviewSession, Round, Scorecard
from sessions.rounds.answer_limits import user_snapshot_bytes
from sessions.rounds.refusals import RoundClosed

IMPORTED_ROUND = (
    "This round was imported from another instance: it is a record to read, "
    "not a round to take part in here."
)
IMPORTED_SESSION = (
    "This session was imported from another instance: nobody can join it, and its rounds cannot be run here."
)
GUEST_IMPORT = (
    "Guest access covers the interview you were invited to. Choose a username and password for this "
    "account before importing sessions."
)


def require_history_room(user, size: int) -> None:
    """Imported replay history counts towards the user's cap on history like history typed here."""
    if user_snapshot_bytes(user.pk) + size > settings.SNAPSHOT_BYTES_PER_USER:
        raise ValidationError(
            "This import would take your replay history past its limit "
            f"({settings.SNAPSHOT_BYTES_PER_USER // 2**20} MiB for all your rounds); nothing was imported."
        )


def require_importer(user) -> None:
    """Importing needs a full account; a guest gets 403 with a way forward."""
    if not (user and user.is_authenticated) or is_guest(user):
        raise PermissionDenied(GUEST_IMPORT)


def require_live_round(stage_round: Round) -> None:
    if stage_round.session.is_imported:
        raise RoundClosed(IMPORTED_ROUND)


def require_live_session(session: InterviewSession) -> None:
    if session.is_imported:
        raise RoundClosed(IMPORTED_SESSION)


class AnswerRule:
    """`can_view_answers` for the importer, asked once per question however often a document names it."""

    def __init__(self, user):
        self.user = user
        self._seen: dict[int, bool] = {}

    def check(self, question, path: str, error: Callable[[str, str], None]) -> None:
        if question is None:
            return
        if question.pk not in self._seen:
            self._seen[question.pk] = can_view_answers(self.user, question)
        if not self._seen[question.pk]:
            error(path, (
                f"the answers of “{question.title}” are hidden from you right now (for example, you are the "
                "candidate of a paired round on it that has not ended), so it cannot be imported until they are not."
            ))


# The times a round's status implies, so its clock arithmetic holds after the import.
_CLOCK_NEEDS = {
    Round.Status.RUNNING: ("started_at",),
    Round.Status.PAUSED: ("started_at", "paused_at"),
    Round.Status.FINISHED: ("started_at", "ended_at"),
}


def round_settle(row: Round, path: str, error: Callable[[str, str], None], *,
                 scorecard: Scorecard | None) -> None:
    """Check a round's clock as the document gives it, then close it if it was still open.

    A round that had not ended cannot hold a released scorecard or a self-assessment: only
    a forged document has them, and they would read as feedback on a round that never ended.
    """
    for name in _CLOCK_NEEDS.get(row.status, ()):
        if getattr(row, name) is None:
            error(f"{path}.{name}", f"a round that is “{row.status}” needs this time.")
    if row.status == Round.Status.FINISHED:
        return
    if scorecard is not None and scorecard.is_released:
        error(f"{path}.scorecard.released_at", f"a round that is “{row.status}” has no released scorecard.")
    if row.assessed_at is not None or row.self_assessment or row.reflection:
        error(f"{path}.self_assessment", f"a round that is “{row.status}” has no self-assessment.")
    # Closed where its clock was last known to be; a round never started keeps no times at all.
    if row.started_at is None:
        row.ended_at = None
    else:
        row.ended_at = row.paused_at or max(t for t in (row.started_at, row.current_since) if t is not None)
    row.status, row.end_reason, row.paused_at, row.current_since = (
        Round.Status.FINISHED, Round.EndReason.IMPORTED, None, None,
    )
