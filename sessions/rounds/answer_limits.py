"""What an autosave may carry and how much replay history it may leave behind.

Three limits, each with a message the round page shows:
- fields: a question takes only the answer fields of its kind (`RoundQuestion.FIELDS_BY_KIND`);
- rate: saves per user go through a token bucket (`autosave_wait`), checked by the view;
- storage: snapshot text per round and per user is capped. Past a cap the answer itself is still
  saved (it overwrites one row, so it cannot grow storage) and only the replay stops recording.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import F, Func, IntegerField, Q, Sum
from django.db.models.functions import Greatest

import sandbox
from interviewprep.throttle import Bucket
from sessions.models import InterviewSession, Round, RoundQuestion

MAX_ANSWER_BYTES = 64 * 1024


class OctetLength(Func):
    """UTF-8 bytes of a text column, the unit the storage caps count in."""

    function = "OCTET_LENGTH"
    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="LENGTH(CAST(%(expressions)s AS BLOB))", **extra_context)


def answer_values_clean(*, round_question: RoundQuestion, values: dict[str, str]) -> dict[str, str]:
    """The values to save, or a ValidationError naming every bad field (then nothing is saved)."""
    allowed = round_question.answer_fields
    kind = round_question.question.get_kind_display().lower()
    errors, clean = {}, {}
    for name, value in values.items():
        if name not in allowed:
            errors[name] = (
                f"A {kind} question has no “{name}” field (it takes {', '.join(allowed)}); nothing was saved."
            )
        elif name == "language":
            if value not in sandbox.LANGUAGES:
                errors[name] = f"Unknown language {value!r}."
            clean[name] = value
        else:
            limit = settings.RUN_MAX_SOURCE_BYTES if name == "code" else MAX_ANSWER_BYTES
            if len(value.encode()) > limit:
                errors[name] = f"This answer is over the {limit // 1024} KiB limit; it was not saved."
            clean[name] = value.replace("\r\n", "\n")
    if errors:
        raise ValidationError(errors)
    return clean


# ---------------------------------------------------------------- rate


class AutosaveLimited(ValidationError):
    """Too many saves for now: a 429 with a message; the text stays in the editor for the next save."""


def autosave_wait(user) -> float:
    """0 if this user may save now, else the seconds until they may (the save is refused)."""
    bucket = Bucket(kind="autosave", rate=settings.AUTOSAVE_RATE_PER_S, burst=settings.AUTOSAVE_BURST)
    return bucket.take(str(user.pk))


AUTOSAVE_TOO_FAST = (
    "Saving too often: this save was skipped. Your text is still in the editor and the next save "
    "(in a few seconds) will carry it."
)


# ---------------------------------------------------------------- storage


def _answerer_id(stage_round: Round):
    if stage_round.session.mode == InterviewSession.Mode.PAIRED:
        return stage_round.candidate_id
    return stage_round.session.owner_id


def user_snapshot_bytes(user_id) -> int:
    """Replay history kept for everything this user answered (their solo rounds and paired rounds as
    candidate) or brought in (every round of the sessions they imported)."""
    mine = (
        Q(session__mode=InterviewSession.Mode.SOLO, session__owner_id=user_id)
        | Q(candidate_id=user_id)
        | Q(session__owner_id=user_id, session__imported_at__isnull=False)
    )
    return Round.objects.filter(mine).aggregate(total=Sum("snapshot_bytes"))["total"] or 0


def snapshot_room_claim(*, stage_round: Round, size: int) -> bool:
    """Book `size` bytes of history for the round; False (nothing booked) past a cap.

    The round's cap is a conditional UPDATE, so two saves cannot both take its last room; the
    user's total is a sum over their rounds and may be passed by saves racing in one instant.
    """
    user_id = _answerer_id(stage_round)
    if user_id is not None and user_snapshot_bytes(user_id) + size > settings.SNAPSHOT_BYTES_PER_USER:
        return False
    room = settings.SNAPSHOT_BYTES_PER_ROUND - size
    return bool(
        Round.objects.filter(pk=stage_round.pk, snapshot_bytes__lte=room).update(
            snapshot_bytes=F("snapshot_bytes") + size
        )
    )


def snapshot_room_release(*, round_id: int, snapshots) -> None:
    """Give back the bytes of snapshots about to be deleted (thinning)."""
    freed = snapshots.aggregate(total=Sum(OctetLength("content")))["total"] or 0
    if freed:
        # Never below zero: history imported from an export was not counted when it arrived.
        Round.objects.filter(pk=round_id).update(snapshot_bytes=Greatest(F("snapshot_bytes") - freed, 0))


def _size(n: int) -> str:
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= scale:
            return f"{n / scale:.4g} {unit}"
    return f"{n} bytes"


def history_full_message() -> str:
    return (
        "Your answer is saved, but the replay history is full (at most "
        f"{_size(settings.SNAPSHOT_BYTES_PER_ROUND)} a round and {_size(settings.SNAPSHOT_BYTES_PER_USER)} for all "
        "your rounds), so later edits are not recorded for the replay."
    )
