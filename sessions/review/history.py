"""The "My sessions" list: every session a user took part in, filtered, newest first.

`history_sessions` turns the filter form's cleaned data into a queryset; `history_rows`
describes one page of it (roles, stages, outcome) from one prefetch, so a page costs the
same few queries however many rounds, runs and notes its sessions hold.

Text search reads notes only where `sessions.access.round_visibility` lets the user read
them; `readable_notes` is that rule written as a query (a test checks the two agree).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet

from sessions.access import Role, round_role
from sessions.models import InterviewSession, Note, NoteSheet, Round, RoundEvent, RoundQuestion
from sessions.paired.services import display_name

SOLO, PAIRED = InterviewSession.Mode.SOLO, InterviewSession.Mode.PAIRED
FINISHED = Round.Status.FINISHED

MODE_CHOICES = InterviewSession.Mode.choices
ROLE_CHOICES = [(Role.SOLO.value, "Solo"), (Role.INTERVIEWER.value, "Interviewer"), (Role.CANDIDATE.value, "Candidate")]
OUTCOME_CHOICES = [
    ("finished", "Finished"),
    ("unfinished", "Not finished"),
    ("released", "Paired: feedback released"),
    ("not_released", "Paired: feedback not released"),
]


@dataclass(frozen=True)
class HistoryFilters:
    """What the list is narrowed to; empty values mean "any"."""

    q: str = ""
    loop: str = ""  # loop slug
    stage: str = ""  # "loop-slug/stage-slug", as the question bank names stages
    mode: str = ""  # solo, paired
    role: str = ""  # solo, interviewer, candidate: the user's role in at least one round
    outcome: str = ""  # finished, unfinished, released, not_released
    date_from: date | None = None  # created on or after, in the site's time zone
    date_to: date | None = None  # created on or before

    @classmethod
    def from_form(cls, data: dict) -> HistoryFilters:
        """From `HistoryFilterForm.cleaned_data`, where a field left empty is "" or None."""
        text = {name: data.get(name) or "" for name in ("q", "loop", "stage", "mode", "role", "outcome")}
        return cls(**text, date_from=data.get("date_from"), date_to=data.get("date_to"))


def participant_sessions(user) -> QuerySet[InterviewSession]:
    """The sessions `user` took part in: the same rule as `sessions.access.is_participant`."""
    return InterviewSession.objects.filter(Q(owner=user) | Q(partner=user))


def readable_notes(user) -> Q:
    """Notes (and structured sheets) `user` may read, as a filter on Note or NoteSheet.

    Mirrors `round_visibility`: a solo owner or an interviewer reads what they wrote in that
    round; a candidate reads the interviewer's notes once the scorecard is released with
    `share_notes`; nobody else reads anything.
    """
    own = Q(author=user) & (
        Q(round__session__mode=SOLO, round__session__owner=user)
        | Q(round__session__mode=PAIRED, round__interviewer=user)
    )
    shared = Q(
        round__session__mode=PAIRED,
        round__candidate=user,
        author=F("round__interviewer"),
        round__scorecard__released_at__isnull=False,
        round__scorecard__share_notes=True,
    )
    return own | shared


def visible_round_questions(user) -> Q:
    """Round questions `user` may see at all, as a filter on RoundQuestion: `Visibility.shows` as a query.

    Everything except, in an unfinished paired round where `user` is the candidate, the questions
    not put on screen yet (`sessions.access.questions_reached`: the first once started, each one
    switched to, the one on screen). A test checks the two agree.
    """
    live_candidate = Q(round__session__mode=PAIRED, round__candidate=user) & ~Q(round__status=FINISHED)
    switched = RoundEvent.objects.filter(round_question=OuterRef("pk"), kind=RoundEvent.Kind.SWITCH)
    earlier = RoundQuestion.objects.filter(round=OuterRef("round"), order__lt=OuterRef("order"))
    first_once_started = ~Q(round__status=Round.Status.PENDING) & ~Exists(earlier)
    return ~live_candidate | Q(round__current=F("pk")) | Exists(switched) | first_once_started


def history_sessions(user, filters: HistoryFilters) -> QuerySet[InterviewSession]:
    """The sessions `user` took part in that pass `filters`, newest first, one row each."""
    sessions = participant_sessions(user)
    rounds = Round.objects.filter(session=OuterRef("pk"))
    if filters.loop:
        sessions = sessions.filter(loop__slug=filters.loop)
    if filters.stage:
        loop_slug, _, stage_slug = filters.stage.partition("/")
        sessions = sessions.filter(Exists(rounds.filter(stage__loop__slug=loop_slug, stage__slug=stage_slug)))
    if filters.mode:
        sessions = sessions.filter(mode=filters.mode)
    if filters.role == Role.SOLO:
        sessions = sessions.filter(mode=SOLO)
    elif filters.role == Role.INTERVIEWER:
        sessions = sessions.filter(mode=PAIRED).filter(Exists(rounds.filter(interviewer=user)))
    elif filters.role == Role.CANDIDATE:
        sessions = sessions.filter(mode=PAIRED).filter(Exists(rounds.filter(candidate=user)))
    if filters.date_from:
        sessions = sessions.filter(created_at__date__gte=filters.date_from)
    if filters.date_to:
        sessions = sessions.filter(created_at__date__lte=filters.date_to)
    sessions = _filter_outcome(sessions, rounds, filters.outcome)
    for word in filters.q.split():
        sessions = sessions.filter(_matches(user, word))
    return (
        sessions.select_related("loop", "owner__guest", "partner__guest")
        .prefetch_related(
            Prefetch("rounds", queryset=Round.objects.select_related("stage", "scorecard").order_by("order"))
        )
        .order_by("-created_at", "-id")
    )


def _filter_outcome(sessions, rounds, outcome: str):
    unfinished = rounds.exclude(status=FINISHED)
    # A finished round whose feedback the candidate cannot see yet (no scorecard, or a draft).
    awaiting = rounds.filter(status=FINISHED).filter(Q(scorecard__isnull=True) | Q(scorecard__released_at__isnull=True))
    if outcome == "finished":
        return sessions.filter(Exists(rounds)).exclude(Exists(unfinished))
    if outcome == "unfinished":
        return sessions.filter(Exists(unfinished))
    if outcome == "released":
        return sessions.filter(mode=PAIRED).filter(Exists(rounds.filter(status=FINISHED))).exclude(Exists(awaiting))
    if outcome == "not_released":
        return sessions.filter(mode=PAIRED).filter(Exists(awaiting))
    return sessions


def _matches(user, word: str) -> Q:
    """One search word: in the session's title, a question's title or prompt the user may see, or a note they may read."""
    in_question = RoundQuestion.objects.filter(visible_round_questions(user), round__session=OuterRef("pk")).filter(
        Q(question__title__icontains=word) | Q(question__prompt__icontains=word)
    )
    in_note = Note.objects.filter(readable_notes(user), round__session=OuterRef("pk"), body__icontains=word)
    # Sheets keep their sections as JSON text: match the word as JSON writes it inside a string
    # (SQLite stores \u-escapes, PostgreSQL's jsonb text keeps the characters). A word that is a
    # section's key ("situation") matches too: keys come from the template and tell nothing private.
    escaped = {json.dumps(word)[1:-1], json.dumps(word, ensure_ascii=False)[1:-1]}
    in_sheet_text = Q()
    for form in escaped:
        in_sheet_text |= Q(fields__icontains=form)
    in_sheet = NoteSheet.objects.filter(readable_notes(user), in_sheet_text, round__session=OuterRef("pk"))
    return Q(title__icontains=word) | Exists(in_question) | Exists(in_note) | Exists(in_sheet)


# ---------------------------------------------------------------- describing a page of results


ROLE_LABELS = dict(ROLE_CHOICES)


@dataclass
class HistoryRow:
    session: InterviewSession
    roles: list[str] = field(default_factory=list)  # labels, in the order first held
    stages: list[str] = field(default_factory=list)
    status: str = ""  # Finished, In progress, Not finished, Not started
    feedback: str = ""  # paired sessions with a finished round: released or not
    other_person: str = ""  # paired: the person on the other side
    loop_name: str = ""  # the heading the page groups consecutive rows under ("" : no loop)
    short_title: str = ""  # the title without the loop's name (and "Paired: "), which the row's group and Mode say

    @property
    def role_text(self) -> str:
        """The Your role cell: a solo session's only role is its mode, so the cell says nothing twice."""
        return "" if not self.session.is_paired else ", ".join(self.roles)


def short_title(session: InterviewSession) -> str:
    """`session.title` less what the row says elsewhere: "Alpha loop: Coding screen" -> "Coding screen".

    Titles are written when a session starts (`sessions.rounds.starting`, `sessions.paired.services`):
    "<loop>: <stage>", "<loop>", "<question> (<stage>)", "Paired: <loop>, <stage>", "Paired: <loop>".
    Anything else (an imported title, a renamed loop) is shown whole.
    """
    title = session.title.removeprefix("Paired: ") if session.is_paired else session.title
    loop = session.loop.name if session.loop else ""
    if loop and title == loop:
        return "Whole loop"
    for separator in (": ", ", "):
        if loop and title.startswith(loop + separator) and len(title) > len(loop + separator):
            return title[len(loop + separator):]
    return title


def history_rows(sessions, user) -> list[HistoryRow]:
    """Describe sessions fetched by `history_sessions` (no further queries)."""
    return [_row(session, user) for session in sessions]


def _row(session: InterviewSession, user) -> HistoryRow:
    rounds = list(session.rounds.all())
    row = HistoryRow(session=session, loop_name=session.loop.name if session.loop else "",
                     short_title=short_title(session))
    for stage_round in rounds:
        role = round_role(user, stage_round)  # the prefetch set stage_round.session: no query
        if role is not None and ROLE_LABELS[role] not in row.roles:
            row.roles.append(ROLE_LABELS[role])
        stage_title = stage_round.stage.title if stage_round.stage else stage_round.title
        if stage_title not in row.stages:
            row.stages.append(stage_title)
    row.status = _status(rounds)
    if session.is_paired:
        other = session.partner if session.owner_id == user.pk else session.owner
        row.other_person = display_name(other)
        finished = [r for r in rounds if r.status == FINISHED]
        released = sum(1 for r in finished if _released(r))
        if session.is_imported:  # a scorecard written elsewhere is never shown as feedback given here
            row.feedback = f"Imported scorecard for {released} of {len(finished)} rounds" if released else ""
        elif finished:
            if released == len(finished):
                row.feedback = "Feedback released"
            elif released:
                row.feedback = f"Feedback released for {released} of {len(finished)} rounds"
            else:
                row.feedback = "Feedback not released"
    return row


def _released(stage_round: Round) -> bool:
    scorecard = stage_round.scorecard_or_none
    return scorecard is not None and scorecard.released_at is not None


def _status(rounds: list[Round]) -> str:
    if rounds and all(r.status == FINISHED for r in rounds):
        return "Finished"
    if any(r.is_open for r in rounds):
        return "In progress"
    if any(r.status == FINISHED for r in rounds):
        return "Not finished"
    return "Not started"
