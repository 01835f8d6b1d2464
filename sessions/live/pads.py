"""The shared pads of paired rounds: who may open which pad, its document's first state, and saving it.

A pad is one answer field of one question (the code, a design answer, a STAR field) as a Yjs
document both people type into (sessions/live/pad_consumer.py carries the edits). The server keeps
the document (SharedDocument) and saves its text through `answer_save`, the autosave's own
service, so snapshots, the replay, the review and the exports see pad edits exactly as typed answers.
"""

from __future__ import annotations

from dataclasses import dataclass

import pycrdt
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404

from sessions.access import Role, get_round_question_for_user
from sessions.models import Round, RoundQuestion, SharedDocument
from sessions.paired.services import display_name
from sessions.rounds.answer_limits import MAX_ANSWER_BYTES
from sessions.rounds.answers import answer_save

TEXT = "text"  # the name of the Y.Text in every pad (y-codemirror.next and the client's binding use it)
# The client id of the document's first state. Two servers seeding the same pad at once write the same
# update (same client, same clock, same text), which Yjs merges into one copy instead of doubling the text.
SEED_CLIENT_ID = 1
COLOURS = {Role.CANDIDATE: "#1f6feb", Role.INTERVIEWER: "#c2410c"}


@dataclass(frozen=True)
class PadAccess:
    round_question_id: int
    field: str
    role: Role
    can_write: bool
    name: str
    colour: str
    max_bytes: int


def _writable(stage_round: Round, role: Role) -> bool:
    """Both people type while the round runs, unless the round's pads are the candidate's alone."""
    return stage_round.status == Round.Status.RUNNING and (role == Role.CANDIDATE or not stage_round.pad_candidate_only)


def pad_fields(round_question: RoundQuestion) -> tuple[str, ...]:
    """The fields of a question that are shared pads (its answer fields but the language choice)."""
    return tuple(name for name in round_question.answer_fields if name != "language")


def pad_access(user, round_id: int, number: int, field: str) -> PadAccess | None:
    """What `user` may do in the pad, or None when they may not open it (the HTTP pages' own rules)."""
    if not user.is_authenticated:
        return None
    try:
        round_question = get_round_question_for_user(user, round_id, number, roles={Role.CANDIDATE, Role.INTERVIEWER})
    except (Http404, PermissionDenied):
        return None
    if field not in pad_fields(round_question):
        return None
    stage_round = round_question.round
    role = stage_round.role
    return PadAccess(
        round_question_id=round_question.pk, field=field, role=role, can_write=_writable(stage_round, role),
        name=display_name(user), colour=COLOURS[role],
        max_bytes=settings.RUN_MAX_SOURCE_BYTES if field == "code" else MAX_ANSWER_BYTES,
    )


def _seed_text(round_question: RoundQuestion, field: str) -> str:
    text = getattr(round_question, field) or ""
    if field == "code" and not text:  # the page shows the starter code for an empty answer
        starter = round_question.question.starters.filter(language=round_question.language or "python").first()
        text = starter.code if starter else ""
    return text


def pad_path(round_id: int, number: int, field: str) -> str:
    """The pad's websocket path (sessions/live/routing.py)."""
    return f"/ws/pad/{round_id}/{number}/{field}/"


def pad_view(stage_round: Round, round_question: RoundQuestion, role: Role) -> dict | None:
    """What a paired round page needs to open the question's pads, or None (solo rounds have none)."""
    if role not in COLOURS:
        return None
    user = stage_round.candidate if role == Role.CANDIDATE else stage_round.interviewer
    return {
        "paths": {field: pad_path(stage_round.pk, round_question.order + 1, field) for field in pad_fields(round_question)},
        "name": display_name(user) if user else "",
        "colour": COLOURS[role],
        "writable": _writable(stage_round, role),
    }


def _replace_text(state: bytes, new_text: str) -> bytes:
    """The document with its text changed to `new_text` by one edit of the part that differs."""
    doc = pycrdt.Doc()
    doc.apply_update(state)
    text = doc.get(TEXT, type=pycrdt.Text)
    old = str(text)
    start = 0
    while start < min(len(old), len(new_text)) and old[start] == new_text[start]:
        start += 1
    end_old, end_new = len(old), len(new_text)
    while end_old > start and end_new > start and old[end_old - 1] == new_text[end_new - 1]:
        end_old, end_new = end_old - 1, end_new - 1
    with doc.transaction():
        if end_old > start:
            del text[start:end_old]
        if end_new > start:
            text.insert(start, new_text[start:end_new])
    return doc.get_update()


def pad_state_load(*, round_question_id: int, field: str) -> bytes:
    """The document's state, first made from the field's saved text (or the starter code).

    A document whose text is not the saved answer (an autosave over HTTP while the pad could not
    connect, say) is brought up to the answer first: the saved answer is what the person last saw.
    """
    round_question = RoundQuestion.objects.select_related("question").get(pk=round_question_id)
    with transaction.atomic():
        document = (
            SharedDocument.objects.select_for_update().filter(round_question_id=round_question_id, field=field).first()
        )
        if document is not None:
            state, saved = bytes(document.state), getattr(round_question, field) or ""
            if saved and pad_text(state) != saved:
                state = _replace_text(state, saved)
                document.state = state
                document.save(update_fields=["state", "updated_at"])
            return state
    doc = pycrdt.Doc(client_id=SEED_CLIENT_ID)
    doc[TEXT] = pycrdt.Text(_seed_text(round_question, field))
    state = doc.get_update()
    try:
        with transaction.atomic():
            SharedDocument.objects.create(round_question_id=round_question_id, field=field, state=state)
    except IntegrityError:  # another process seeded it first: theirs is the document
        return bytes(SharedDocument.objects.get(round_question_id=round_question_id, field=field).state)
    return state


def pad_text(state: bytes) -> str:
    doc = pycrdt.Doc()
    doc.apply_update(state)
    return str(doc.get(TEXT, type=pycrdt.Text))


def pad_persist(*, round_question_id: int, field: str, state: bytes) -> str:
    """Merge this process's copy of the document into the saved one and save the text as an answer.

    Each web process holds its own copy, and every copy converges (Yjs), so merging, not replacing,
    keeps the edits another process saved in between. Returns the saved text.
    """
    # One transaction for the document and the answer: a pad opening meanwhile (pad_state_load) must not
    # see the new document beside the old answer, or it would take the answer for the newer one.
    with transaction.atomic():
        document = SharedDocument.objects.select_for_update().get(round_question_id=round_question_id, field=field)
        merged = pycrdt.merge_updates(bytes(document.state), state)
        document.state = merged
        document.save(update_fields=["state", "updated_at"])
        text = pad_text(merged)
        round_question = RoundQuestion.objects.select_related("question", "round__session", "round__current").get(
            pk=round_question_id
        )
        try:
            answer_save(round_question=round_question, values={field: text})
        except ValidationError:
            # The round closed (or the question left the screen) meanwhile: the document keeps the edits,
            # the answer keeps what was saved while it could change, as for a typed answer.
            pass
    return text
