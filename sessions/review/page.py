"""Reads for looking back at a session: the review page and the replay of one round.

Both apply `round_visibility` to every round, so a viewer gets only what their role in that
round allows; a share link views every round it shows as the candidate.

`session_review` runs a fixed number of queries whatever the number of snapshots, runs and notes
(the page shows aggregates of the snapshots, never their contents: the replay loads those).
`round_replay` loads one round's whole timeline in another fixed number of queries.
"""

from __future__ import annotations

import json
from collections import defaultdict

from django.db.models import Count, Max, Min, Prefetch, Q
from django.db.models.fields.json import KT
from django.utils import timezone

from interviewprep.markdown import render_markdown
from questions.access import live_candidate_question_ids
from questions.models import Question, StageRubricItem
from sessions.access import ANSWERING, Role, Visibility, round_role, round_visibility
from sessions.calls.playback import HeardRecordings
from sessions.feedback.note_templates import RATING_SCALE
from sessions.feedback import scorecards
from sessions.feedback.selectors import sheet_view
from sessions.models import (
    InterviewSession, Note, NoteSheet, Round, RoundEvent, RoundQuestion, Snapshot,
    Submission,
)
from sessions.paired.services import display_name
from sessions.review.code_colours import colour_snapshots
from sessions.review.replay import (
    EventRow,
    NoteRow,
    RoundClock,
    SnapshotRow,
    SubmissionRow,
    build_timeline,
    clock_offset,
    pause_intervals,
    phase_timing,
)
from sessions.review.sharing import shared_rounds_filter
from sessions.templatetags.console import verdict_words
from sessions.whiteboard.selectors import replay_frames
from sessions.whiteboard.services import BOARD_KINDS

# What the review page and the replay read of a run: no source, no output, no test texts.
RUN_FIELDS = ("kind", "status", "verdict", "language", "time_ms", "memory_kb", "message", "created_at", "finished_at")


# ---------------------------------------------------------------- rows for the replay builder


def _clock(stage_round: Round, now) -> RoundClock:
    return RoundClock(
        started_at=stage_round.started_at,
        duration_seconds=stage_round.duration_seconds,
        elapsed_seconds=stage_round.elapsed_seconds(now),
        stage_kind=stage_round.stage_kind,
    )


def _run_rows(round_question_ids) -> list[SubmissionRow]:
    runs = (
        Submission.objects.filter(round_question_id__in=round_question_ids)
        .annotate(passed=KT("results__passed"), total=KT("results__total"), examples=KT("results__examples"),
                  verdicts=KT("results__verdicts"))
        .order_by("created_at", "id")
        .values("id", "round_question_id", *RUN_FIELDS, "passed", "total", "examples", "verdicts")
    )
    return [
        SubmissionRow(
            id=run["id"], round_question_id=run["round_question_id"], kind=run["kind"], status=run["status"],
            verdict=run["verdict"], created_at=run["created_at"], finished_at=run["finished_at"],
            passed=_int(run["passed"]), total=_int(run["total"]), time_ms=run["time_ms"], message=run["message"],
            cases=own_case_verdicts(run["examples"], run["verdicts"]),
        )
        for run in runs
    ]


def own_case_verdicts(examples, verdicts) -> str:
    """A Run's own test cases in words ("Case 1: Passed, Case 2: Ran"), from its stored verdict list; ""
    for a Submit, a run without own cases, or one stored before cases existed."""
    examples = _int(examples)
    try:
        verdicts = json.loads(verdicts) if isinstance(verdicts, str) else verdicts
    except ValueError:
        return ""
    if examples is None or not isinstance(verdicts, list):
        return ""
    return ", ".join(f"Case {n}: {verdict_words(v)}" for n, v in enumerate(verdicts[examples:], start=1))


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _event_rows(events: list[RoundEvent], questions: dict[int, RoundQuestion], *,
                imported: bool = False) -> list[EventRow]:
    """Clock and reveal events; a revealed hint or constraint carries its text (it was given to the candidate),
    unless `_withhold` marked its question."""
    labels = dict(RoundEvent.Kind.choices)
    if imported:  # released somewhere else, by someone not on this instance
        labels[RoundEvent.Kind.RELEASE] = "Imported scorecard released (on another instance)"
    counts: dict[tuple[int, str], int] = defaultdict(int)
    rows = []
    for event in sorted(events, key=lambda e: (e.offset_seconds, e.created_at, e.id)):
        text = ""
        round_question = questions.get(event.round_question_id)
        if round_question is not None and event.kind in (RoundEvent.Kind.REVEAL_HINT, RoundEvent.Kind.REVEAL_CONSTRAINT) \
                and not round_question.withheld:
            counts[(round_question.pk, event.kind)] += 1
            number = counts[(round_question.pk, event.kind)]
            given = round_question.given_hints if event.kind == RoundEvent.Kind.REVEAL_HINT \
                else round_question.given_constraints
            text = given[number - 1].text if number <= len(given) else ""
        if event.kind == RoundEvent.Kind.SWITCH and round_question is not None:
            text = f"Question {round_question.order + 1}: {round_question.question.title}"
        rows.append(EventRow(
            id=event.pk, kind=event.kind, offset=event.offset_seconds, created_at=event.created_at,
            round_question_id=event.round_question_id, label=labels.get(event.kind, event.kind),
            detail=event.detail, text=text,
        ))
    return rows


def _note_rows(notes: list[Note]) -> list[NoteRow]:
    return [
        NoteRow(id=note.pk, offset=note.offset_seconds, body_html=str(render_markdown(note.body)),
                tags=tuple(note.tag_labels), round_question_id=note.round_question_id)
        for note in notes
    ]


def _mark_given(round_question: RoundQuestion, visible: Visibility) -> None:
    """What of the hint ladder and the follow-up constraints the candidate was given (from prefetches), and
    whether the viewer may read it (`Visibility.given_for`: the live-candidate rule may withhold it)."""
    round_question.withheld = not visible.given_for(round_question)
    round_question.given_hints = list(round_question.question.hints.all())[: round_question.hints_revealed]
    round_question.given_constraints = list(round_question.question.constraints.all())[
        : round_question.constraints_revealed
    ]


# ---------------------------------------------------------------- the replay of one round


def round_replay(stage_round: Round, role: Role, *, user=None, hear: HeardRecordings | None = None) -> dict:
    """The whole timeline of one round as `user` (None: a share link's mentor) in `role` may see it, for JSON.
    `hear`: which recordings play in it (sessions/calls/playback.py); by default all of the round's for a
    participant and none for a share link."""
    now = timezone.now()
    events = list(RoundEvent.objects.filter(round=stage_round))
    all_questions = list(
        RoundQuestion.objects.filter(round=stage_round)
        .select_related("question")
        .prefetch_related("question__hints", "question__constraints")
        .order_by("order")
    )
    visible = round_visibility(stage_round, role, viewer=user, events=events, questions=all_questions)
    # A live round's candidate replays only the questions put on screen so far, and what happened on them.
    questions = [rq for rq in all_questions if visible.shows(rq)]
    by_id = {rq.pk: rq for rq in questions}
    for rq in questions:
        _mark_given(rq, visible)
    events = [e for e in events if e.round_question_id is None or e.round_question_id in by_id]
    snapshots = [
        SnapshotRow(id=s["id"], round_question_id=s["round_question_id"], field=s["field"], content=s["content"],
                    offset=s["offset_seconds"])
        for s in Snapshot.objects.filter(round_question__in=list(by_id))
        .values("id", "round_question_id", "field", "content", "offset_seconds")
    ]
    notes = []
    if visible.notes_author_id:
        notes = [note for note in Note.objects.filter(round=stage_round, author_id=visible.notes_author_id)
                 if note.round_question_id is None or note.round_question_id in by_id]
    timeline = build_timeline(
        clock=_clock(stage_round, now),
        snapshots=snapshots,
        submissions=_run_rows(by_id),
        events=_event_rows(events, by_id, imported=stage_round.session.is_imported),
        notes=_note_rows(notes),
        has_coding=any(rq.question.kind == Question.Kind.CODING for rq in questions),
        recordings=(hear or HeardRecordings.default(shared=user is None)).replay_rows(stage_round, shown=set(by_id)),
    )
    replay = timeline.to_dict()
    colour_snapshots(replay["entries"], {rq.pk: rq.language for rq in questions
                                         if rq.question.kind == Question.Kind.CODING and rq.language})
    return {
        "round": {"id": stage_round.pk, "title": stage_round.title, "status": stage_round.status,
                  "duration": stage_round.duration_seconds, "imported": stage_round.session.is_imported},
        "questions": [
            {"id": rq.pk, "number": rq.order + 1, "title": rq.question.title, "kind": rq.question.kind,
             "language": rq.language}
            for rq in questions
        ],
        **replay,
        # Design questions' boards at each saved moment, drawn by the server (sessions.whiteboard.svg).
        "boards": replay_frames([rq.pk for rq in questions if rq.question.kind in BOARD_KINDS]),
    }


# ---------------------------------------------------------------- the review page


def _visible_notes_filter(rounds: list[Round]) -> Q | None:
    """Notes and sheets the viewer may read: per round, only those of the author its visibility names."""
    query = None
    for stage_round in rounds:
        author_id = stage_round.visibility.notes_author_id
        if author_id:
            part = Q(round_id=stage_round.pk, author_id=author_id)
            query = part if query is None else query | part
    return query


def session_review(session: InterviewSession, *, user=None, shared_by: int | None = None,
                   hear: HeardRecordings | None = None) -> dict:
    """Everything the review page shows, for a participant (`user`) or a share link made by `shared_by`.

    A participant sees each round they hold a role in, as that role; a share link shows the
    rounds its creator practised, each as the candidate. Constant in snapshots, runs and notes.
    """
    now = timezone.now()
    rounds_query = Round.objects.filter(session=session).select_related(
        "stage", "scorecard", "interviewer_feedback"
    ).order_by("order")
    if shared_by is not None:
        rounds_query = rounds_query.filter(**shared_rounds_filter(session, shared_by))
    live_ids = None if user is None else live_candidate_question_ids(user)
    rounds = []
    for stage_round in rounds_query:
        stage_round.session = session
        role = Role.CANDIDATE if shared_by is not None else round_role(user, stage_round)
        if role is None:
            continue
        stage_round.role = role
        rounds.append(stage_round)
    round_ids = [r.pk for r in rounds]

    runs = Prefetch("submissions", to_attr="runs", queryset=Submission.objects.only("round_question", *RUN_FIELDS)
                    .annotate(passed=KT("results__passed"), total=KT("results__total")).order_by("created_at", "id"))
    questions = list(
        RoundQuestion.objects.filter(round_id__in=round_ids)
        .select_related("question")
        .prefetch_related("question__hints", "question__constraints", "question__rubric_items", runs)
        .order_by("round_id", "order")
    )
    stage_rubric = defaultdict(list)
    for item in StageRubricItem.objects.filter(stage_id__in={r.stage_id for r in rounds if r.stage_id}):
        stage_rubric[item.stage_id].append(item)
    events = defaultdict(list)
    for event in RoundEvent.objects.filter(round_id__in=round_ids).order_by("offset_seconds", "id"):
        events[event.round_id].append(event)
    all_questions = defaultdict(list)
    for rq in questions:
        all_questions[rq.round_id].append(rq)
    for stage_round in rounds:
        stage_round.visibility = round_visibility(stage_round, stage_round.role, live_ids=live_ids,
                                                  events=events[stage_round.pk], questions=all_questions[stage_round.pk])
    edits = {
        row["round_question_id"]: row
        for row in Snapshot.objects.filter(round_question__round_id__in=round_ids)
        .values("round_question_id").annotate(first=Min("offset_seconds"), last=Max("offset_seconds"), count=Count("id"))
    }
    notes, sheets = defaultdict(list), defaultdict(dict)
    visible_filter = _visible_notes_filter(rounds)
    if visible_filter is not None:
        for note in Note.objects.filter(visible_filter).select_related("round_question"):
            notes[note.round_id].append(note)
        for sheet in NoteSheet.objects.filter(visible_filter):
            sheets[sheet.round_id][sheet.round_question_id] = sheet

    hear = hear or HeardRecordings.default(shared=shared_by is not None)
    recordings = hear.by_round(round_ids, user_id=None if user is None else user.pk)
    for stage_round in rounds:
        # A live round's candidate: only the questions put on screen so far.
        shown = [rq for rq in all_questions[stage_round.pk] if stage_round.visibility.shows(rq)]
        heard = recordings.get(stage_round.pk, [])
        for rq in shown:
            rq.heard_recordings = [r for r in heard if r.question_id == rq.pk]
        listed = {rq.pk for rq in shown}
        stage_round.heard_recordings = [r for r in heard if r.question_id not in listed]  # no question, or hidden
        _round_review(stage_round, shown, stage_rubric[stage_round.stage_id],
                      events[stage_round.pk], edits, notes[stage_round.pk], sheets[stage_round.pk], now)
    return {
        "session": session,
        "rounds": rounds,
        "shared": shared_by is not None,
        "partner_name": _partner_name(session, user) if shared_by is None else "",
    }


def _partner_name(session: InterviewSession, user) -> str:
    if not session.is_paired:
        return ""
    return display_name(session.partner if user.pk == session.owner_id else session.owner)


def _round_review(stage_round, questions, stage_rubric, events, edits, notes, sheets, now) -> None:
    """Attach to `stage_round` what the page shows of it; every input is already loaded."""
    visible: Visibility = stage_round.visibility
    clock = _clock(stage_round, now)
    pauses = pause_intervals([EventRow(e.pk, e.kind, e.offset_seconds, e.created_at) for e in events])
    reveals = defaultdict(list)
    for event in events:
        if event.round_question_id and event.kind in (RoundEvent.Kind.REVEAL_HINT, RoundEvent.Kind.REVEAL_CONSTRAINT):
            reveals[(event.round_question_id, event.kind)].append(event.offset_seconds)
    first_change = last_change = first_run = first_pass = None
    for rq in questions:
        rq.round = stage_round
        _mark_given(rq, visible)
        rq.show_answers = visible.answers_for(rq)
        rq.hint_rows = _given_with_stamps(rq.given_hints, reveals[(rq.pk, RoundEvent.Kind.REVEAL_HINT)])
        rq.constraint_rows = _given_with_stamps(rq.given_constraints, reveals[(rq.pk, RoundEvent.Kind.REVEAL_CONSTRAINT)])
        if rq.withheld:
            rq.hint_rows = rq.constraint_rows = []
        rq.hints_not_given = list(rq.question.hints.all())[rq.hints_revealed:] if rq.show_answers else []
        rq.constraints_not_given = list(rq.question.constraints.all())[rq.constraints_revealed:] if rq.show_answers else []
        rq.edits = edits.get(rq.pk, {}).get("count", 0)
        for run in rq.runs:
            run.offset = clock_offset(run.created_at, clock=clock, pauses=pauses)
            run.passed, run.total = _int(run.passed), _int(run.total)
            if run.offset is not None:
                first_run = run.offset if first_run is None else min(first_run, run.offset)
                if run.kind == Submission.Kind.SUBMIT and run.verdict == "AC":
                    first_pass = run.offset if first_pass is None else min(first_pass, run.offset)
        if rq.pk in edits:
            first = edits[rq.pk]["first"]
            last = edits[rq.pk]["last"]
            first_change = first if first_change is None else min(first_change, first)
            last_change = last if last_change is None else max(last_change, last)
        rq.sheet_view = sheet_view(sheets.get(rq.pk))
    stage_round.review_questions = questions
    stage_round.used_seconds = clock.elapsed_seconds
    stage_round.phases = phase_timing(
        stage_kind=stage_round.stage_kind, duration_seconds=stage_round.duration_seconds,
        elapsed_seconds=clock.elapsed_seconds, first_change=first_change, last_change=last_change,
        first_run=first_run, first_pass=first_pass,
        has_coding=any(rq.question.kind == Question.Kind.CODING for rq in questions),
    ) if stage_round.started_at else []
    stage_round.review_notes = notes
    stage_round.round_sheet = sheet_view(sheets.get(None))
    stage_round.clock_events = [e for e in events if e.kind in (
        RoundEvent.Kind.PAUSE, RoundEvent.Kind.RESUME, RoundEvent.Kind.TIME_ADDED)]
    # The self-assessment is the candidate's own reflection: for them (and their mentor), not the interviewer.
    stage_round.show_self_assessment = stage_round.role in ANSWERING and bool(stage_round.assessed_at)
    labels = dict(RATING_SCALE)
    stage_round.self_ratings = [
        (item.text, rating, labels.get(rating, "")) for item in stage_rubric
        for rating in [stage_round.self_assessment.get(str(item.pk))]
    ]
    scorecard = stage_round.scorecard_or_none
    stage_round.review_scorecard = scorecard if visible.scorecard else None
    stage_round.scorecard_rows = scorecards.scorecard_rows(
        scorecards.rubric_entries(stage_rubric, questions, withheld_question_ids=visible.withheld), scorecard
    ) if visible.scorecard and scorecard else []
    stage_round.review_interviewer_feedback = stage_round.interviewer_feedback_or_none if visible.interviewer_feedback else None


def _given_with_stamps(given: list, offsets: list[float]) -> list[tuple[str, float | None]]:
    return [(item.text, offsets[i] if i < len(offsets) else None) for i, item in enumerate(given)]
