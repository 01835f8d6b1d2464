"""The permission matrix of the sessions app: every URL, as every actor, in a paired session.

One paired session on the mini pack's loop (round 1: the coding screen with sum-two,
design-feed and bayes; round 2: the behavioural chat with why-us), in three situations:

- live:    round 1 is running and the owner interviews the partner;
- ended:   round 1 is over and its scorecard released without the notes; round 2 waits;
- swapped: the pair swapped roles and round 2 is running: the partner interviews the owner.

The actors are anonymous, an outsider, the candidate and the interviewer of the round
under test, and the session's owner. The owner always holds one of the two roles (the
interviewer of round 1, the candidate of round 2), so the owner column shows that setting
up a session gives no power in a round beyond the role held in it.

Interviewer-only text is planted as MARK-... markers, and every response body is checked
against who may see which marker. Each request runs in a savepoint that is rolled back, so
every actor meets the same state.
"""

import json
import random
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import sandbox
from questions.models import (
    FollowUpConstraint,
    Hint,
    InterviewLoop,
    Question,
    RubricItem,
    Stage,
    StageRubricItem,
    TestCase,
)
from sessions.access import Role, questions_reached
from sessions.calls import consent as consent_services
from sessions.calls import recordings as recording_services
from sessions.feedback import notes as note_services
from sessions.feedback.notes import scorecard_items
from sessions.models import (
    Guest,
    InterviewSession,
    Invite,
    Note,
    NoteSheet,
    ReviewCard,
    Round,
    RoundEvent,
    RoundQuestion,
    Scorecard,
    Snapshot,
    Submission,
)
from sessions.paired import services as paired_services
from sessions.review import sharing
from sessions.rounds import services as round_services
from sessions.rounds.selectors import live_state
from sessions.urls import urlpatterns

HX = {"HX-Request": "true"}
ACTORS = ("anonymous", "outsider", "candidate", "interviewer", "owner")
PATTERNS = {pattern.name: pattern for pattern in urlpatterns}


# ---------------------------------------------------------------- the planted text


@dataclass(frozen=True)
class Marker:
    text: str
    round: int  # the round (1 or 2) whose interviewer may see it
    released: bool = False  # the candidate sees it too, once the scorecard is released


MARKERS = (
    Marker("MARK-MODEL-ANSWER-SUM-TWO", 1),
    Marker("MARK-MODEL-ANSWER-DESIGN-FEED", 1),
    Marker("MARK-MODEL-ANSWER-BAYES", 1),
    Marker("MARK-HINT", 1),  # sum-two's second hint, never given (the first one is)
    Marker("MARK-CONSTRAINT", 1),  # design-feed's second constraint, never given (the first one is)
    Marker("MARK-HIDDEN-TEST", 1),
    # A released scorecard rates the stage's and the questions' rubric items, by name.
    Marker("MARK-RUBRIC-STAGE-1", 1, released=True),
    Marker("MARK-RUBRIC-QUESTION-1", 1, released=True),
    Marker("MARK-NOTE-1", 1),  # released with share_notes=False
    Marker("MARK-FEEDBACK-1", 1, released=True),
    Marker("MARK-STRONG-ANSWER", 2),
    Marker("MARK-STAR-GUIDANCE", 2),
    Marker("MARK-RUBRIC-STAGE-2", 2, released=True),
    Marker("MARK-RUBRIC-QUESTION-2", 2, released=True),
    Marker("MARK-NOTE-2", 2),
    Marker("MARK-NOTE-SHEET-2", 2),
    Marker("MARK-FEEDBACK-2", 2, released=True),
)


def _plant_markers() -> None:
    """Interviewer-only text of the mini pack, rewritten as markers; round 1 gets all three screen questions."""
    screen, chat = Stage.objects.get(slug="screen"), Stage.objects.get(slug="chat")
    Stage.objects.filter(pk=screen.pk).update(questions_per_round=3)
    for slug in ("sum-two", "design-feed", "bayes"):
        Question.objects.filter(slug=slug).update(model_answer=f"MARK-MODEL-ANSWER-{slug.upper()}")
    given_hint, hidden_hint = Hint.objects.filter(question__slug="sum-two").order_by("order")
    Hint.objects.filter(pk=given_hint.pk).update(text="GIVEN-HINT: split the line.")
    Hint.objects.filter(pk=hidden_hint.pk).update(text="MARK-HINT")
    constraints = FollowUpConstraint.objects.filter(question__slug="design-feed").order_by("order")
    given_constraint, hidden_constraint = constraints
    FollowUpConstraint.objects.filter(pk=given_constraint.pk).update(text="GIVEN-CONSTRAINT: 100 million users.")
    FollowUpConstraint.objects.filter(pk=hidden_constraint.pk).update(text="MARK-CONSTRAINT")
    TestCase.objects.filter(question__slug="sum-two", hidden=True).update(
        input="MARK-HIDDEN-TEST\n", expected="MARK-HIDDEN-TEST\n"
    )
    RubricItem.objects.filter(pk=RubricItem.objects.filter(question__slug="bayes").order_by("order")[0].pk).update(
        text="MARK-RUBRIC-QUESTION-1"
    )
    StageRubricItem.objects.filter(stage=screen).update(text="MARK-RUBRIC-STAGE-1")
    why_us = Question.objects.get(slug="why-us")
    Question.objects.filter(pk=why_us.pk).update(strong_answer="MARK-STRONG-ANSWER", star_guidance="MARK-STAR-GUIDANCE")
    RubricItem.objects.create(question=why_us, text="MARK-RUBRIC-QUESTION-2")
    StageRubricItem.objects.create(stage=chat, text="MARK-RUBRIC-STAGE-2")


# ---------------------------------------------------------------- the paired session

# Round 1's per-question URLs act on the question that has what they need.
QUESTION_OF = {
    "answer_save": "sum-two", "run_code": "sum-two", "next_hint": "sum-two",
    "constraints_panel": "design-feed", "next_constraint": "design-feed",
    "reveal_answer": "bayes", "self_grade": "bayes", "switch_question": "bayes", "whiteboard": "design-feed",
}
# The whiteboard's save takes a scene as JSON: two shapes, as the board's script sends them.
BOARD_SCENE = {"elements": [
    {"id": "box-a", "type": "rectangle", "x": 0, "y": 0, "width": 100, "height": 60},
    {"id": "box-b", "type": "ellipse", "x": 200, "y": 0, "width": 100, "height": 60},
]}


@dataclass
class World:
    situation: str
    owner: object
    partner: object
    outsider: object
    session: InterviewSession
    first: Round  # the owner interviews the partner
    second: Round  # after the swap, the partner interviews the owner
    notes: dict  # round order -> the interviewer's note in it
    submission: Submission  # the partner's Submit in round 1
    card: ReviewCard  # the partner's review card for why-us, added by hand
    tokens: dict  # "valid", "revoked", "expired", "used", "unknown"
    released: dict  # round order -> scorecard released?
    recording: int  # the partner's recording of round 1's call (both agreed)

    @property
    def round(self) -> Round:
        """The round under test: round 2 once the pair swapped, otherwise round 1."""
        return self.second if self.situation == "swapped" else self.first

    def user(self, actor: str):
        return {
            "anonymous": None,
            "outsider": self.outsider,
            "candidate": self.partner if self.round == self.first else self.owner,
            "interviewer": self.owner if self.round == self.first else self.partner,
            "owner": self.owner,
        }[actor]

    def may_see(self, user, marker: Marker, *, shared: bool = False) -> bool:
        """A round's interviewer sees all of it; its candidate, the scorecard once released; nobody else, anything.

        With `shared` (a share link's pages), anyone holding the link sees round 1, which the link's
        creator answered, as its candidate does.
        """
        stage_round = self.first if marker.round == 1 else self.second
        if shared:
            return marker.round == 1 and marker.released and self.released[0]
        if user is None:
            return False
        if user.pk == stage_round.interviewer_id:
            return True
        return user.pk == stage_round.candidate_id and marker.released and self.released[stage_round.order]

    def url(self, raw_name: str) -> str:
        name, variant = _split(raw_name)
        values = {
            "round_id": self.round.pk,
            "number": self.number(name),
            "note_id": self.notes.get(self.round.order, 0),
            "session_id": self.session.pk,
            "submission_id": self.submission.pk,
            "token": self.tokens.get(variant, ""),
            "card_id": self.card.pk,
            "question_id": Question.objects.get(slug="sum-two").pk,
            "recording_id": self.recording,
            "seq": 1,  # the chunk after the one recorded
        }
        url = reverse(name, kwargs={key: values[key] for key in PATTERNS[name].pattern.converters})
        if name == "round_live":  # the poll, as a page rendered before the last change (or, fresh, after it)
            version = self.round.version if variant == "fresh" else -1
            url += "?" + urlencode({"v": version, "s": live_state(self.round), "p": "round"})
        return url

    def number(self, name: str) -> int:
        """Which question a per-question URL acts on, 1-based; round 2 has only why-us."""
        if self.round == self.second:
            return 1
        slug = QUESTION_OF.get(name, "sum-two")
        return RoundQuestion.objects.get(round=self.first, question__slug=slug).order + 1

    def data(self, raw_name: str) -> dict:
        name, _ = _split(raw_name)
        coding = self.round == self.first
        return {
            "practice_start": {"question": "bayes"},
            "markdown_preview": {"answer": "*typed*"},
            "paired_new": {"stage": Stage.objects.get(slug="screen").pk, "questions": ["bayes"]},
            "join": {"display_name": "Gus"},
            "round_add_time": {"minutes": "5"},
            "round_summary": {"reflection": "Typed reflection."},
            "review_settings": {"retention_percent": "90", "reviews_per_day": "10", "new_per_day": "3",
                                "kinds": ["concept", "coding"]},
            "review_card_change": {"action": "suspend"},
            "answer_save": {"code": "print(2)", "language": "python"} if coding else {"situation": "Typed."},
            "run_code": {"kind": "run", "language": "python", "code": "print(1)"},
            "self_grade": {"grade": "good"},
            "note_save": {"body": "Typed note."},
            "note_tag": {"tag": "strong"},
            "sheet_save": {"q": "1", "situation": "Typed."},
            "scorecard": {"recommendation": "yes", "feedback": "Typed feedback."},
            "interviewer_feedback": {"rating_clarity": "4", "rating_pacing": "3", "rating_realism": "2", "comments": "Typed."},
            "whiteboard": BOARD_SCENE,
            "call_consent": {"action": "agree"},
            "recording_start": {"kind": "call", "mime": "audio/webm"},
        }.get(name, {})



def _split(raw_name: str) -> tuple[str, str]:
    """"join[used]" -> ("join", "used")."""
    name, _, variant = raw_name.partition("[")
    return name, variant.rstrip("]")


def _fresh(stage_round: Round, role: Role | None = None) -> Round:
    fresh = Round.objects.select_related("session").get(pk=stage_round.pk)
    fresh.role = role
    return fresh


RECORDED = b"\x1a\x45\xdf\xa3" + bytes(60)  # the start of a WebM stream


def _recorded_call(first: Round, owner, partner) -> int:
    """Both agree to record round 1's call; the partner's side has its first chunk."""
    consent_services.recording_agree(round=_fresh(first, Role.INTERVIEWER), user=owner)
    consent_services.recording_agree(round=_fresh(first, Role.CANDIDATE), user=partner)
    recording = recording_services.recording_start(round=_fresh(first, Role.CANDIDATE), user=partner, kind="call",
                                                   mime="audio/webm")
    recording_services.chunk_append(recording=recording, seq=0, data=RECORDED, content_type="audio/webm", audio_ms=None)
    return recording.pk


def build_world(situation: str, owner, partner, outsider) -> World:
    _plant_markers()
    screen = Stage.objects.get(slug="screen")
    session = paired_services.paired_session_create(
        interviewer=owner, loop=InterviewLoop.objects.get(slug="alpha"), rng=random.Random(1)
    )
    _, used = paired_services.invite_create(session=session)
    paired_services.invite_accept(token=used, user=partner)
    first, second = session.rounds.order_by("order")
    round_services.round_start(round=_fresh(first))
    on_screen = {rq.question.slug: rq for rq in first.questions.select_related("question", "round__session")}
    round_services.question_switch(round_question=on_screen["sum-two"])
    round_services.hint_reveal_next(round_question=on_screen["sum-two"])
    round_services.constraint_reveal_next(round_question=on_screen["design-feed"])
    code = "print(sum(map(int, input().split())))"
    round_services.answer_save(round_question=on_screen["sum-two"], values={"code": code})
    round_services.answer_save(round_question=on_screen["bayes"], values={"answer": "Prior times likelihood."})
    submission = _judged_submit(partner, on_screen["sum-two"])
    recording = _recorded_call(first, owner, partner)
    notes = {0: note_services.note_save(round=_fresh(first), author=owner, body="MARK-NOTE-1: went straight to code.")}
    note_services.scorecard_save(
        round=_fresh(first), interviewer=owner, ratings={key: "yes" for key, _ in scorecard_items(first)},
        recommendation="yes", feedback="MARK-FEEDBACK-1: test first.", share_notes=False,
    )
    tokens = {"used": used, "unknown": "no-such-token-" + "x" * 30, **_other_invites(owner, screen)}
    # The partner's share links (for a mentor): they were the candidate of round 1.
    _, tokens["share-revoked"] = sharing.share_create(session=session, user=partner)
    sharing.share_revoke(session=session, user=partner)
    _, tokens["share"] = sharing.share_create(session=session, user=partner, include_recordings=True)

    if situation in ("ended", "swapped"):
        round_services.round_end(round=_fresh(first))
        note_services.scorecard_release(round=_fresh(first))
    if situation == "swapped":
        second = paired_services.round_swap(round=_fresh(first))
        round_services.round_start(round=_fresh(second))
        why_us = second.questions.select_related("question", "round__session").get()
        round_services.answer_save(round_question=why_us, values={"situation": "At my last job."})
        notes[1] = note_services.note_save(round=_fresh(second), author=partner, body="MARK-NOTE-2: vague result.")
        note_services.sheet_save(
            round=_fresh(second), author=partner, round_question=why_us,
            values={"situation": "MARK-NOTE-SHEET-2", "rating_ownership": "3"},
        )
        note_services.scorecard_save(
            round=_fresh(second), interviewer=partner, ratings={}, recommendation="", feedback="MARK-FEEDBACK-2"
        )
    released = {r.order: Scorecard.objects.filter(round=r, released_at__isnull=False).exists() for r in (first, second)}
    card = ReviewCard.objects.create(owner=partner, question=Question.objects.get(slug="why-us"),
                                     created_at=timezone.now(), due=timezone.now())
    return World(
        situation=situation, owner=owner, partner=partner, outsider=outsider, session=session,
        first=_fresh(first), second=_fresh(second), notes={k: v.pk for k, v in notes.items()},
        submission=submission, tokens=tokens, released=released, card=card, recording=recording,
    )


def _judged_submit(user, round_question) -> Submission:
    """A finished Submit, stored as the worker stores a judgement (hidden tests keep only their verdict)."""
    judgement = sandbox.JudgeResult(verdict="WA", passed=1, total=2, message="WA on a hidden test; passed 1/2", tests=[
        sandbox.TestOutcome(index=0, hidden=False, verdict="AC", input="1 2\n", expected="3\n", actual="3\n"),
        sandbox.TestOutcome(index=1, hidden=True, verdict="WA", input="MARK-HIDDEN-TEST\n",
                            expected="MARK-HIDDEN-TEST\n", actual="0\n"),
    ]).to_dict()
    return Submission.objects.create(
        user=user, round_question=round_question, question=round_question.question, kind=Submission.Kind.SUBMIT,
        language="python", source=round_question.code, status=Submission.Status.DONE, verdict="WA",
        message=judgement["message"],
        results={key: judgement[key] for key in ("passed", "total", "tests", "first_failure")},
    )


def _other_invites(owner, screen) -> dict:
    """Links to two more sessions of the owner's: an open one ("valid"), a revoked one and an expired one."""
    bayes = Question.objects.get(slug="bayes")
    invited = paired_services.paired_session_create(interviewer=owner, stage=screen, questions=[bayes])
    _, revoked = paired_services.invite_create(session=invited)
    _, valid = paired_services.invite_create(session=invited)  # revokes the first link
    stale = paired_services.paired_session_create(interviewer=owner, stage=screen, questions=[bayes])
    _, expired = paired_services.invite_create(session=stale, now=timezone.now() - timedelta(days=8))
    return {"valid": valid, "revoked": revoked, "expired": expired}


@pytest.fixture
def make_world(mini_pack, owner, partner, outsider):
    return lambda situation: build_world(situation, owner, partner, outsider)


# ---------------------------------------------------------------- the matrix

# Each row: URL name (with [variant] where it matters), method ("HX-" sends HX-Request: true),
# and the status for:  anonymous  outsider  candidate  interviewer  owner
LIVE = [
    # Pages anyone signed in may use.
    ("practice_start", "POST", "302 302 302 302 302"),
    ("markdown_preview", "POST", "302 200 200 200 200"),
    ("paired_new", "GET", "302 200 200 200 200"),
    ("paired_new", "POST", "302 302 302 302 302"),  # to the new session's page, which shows the link once
    # A run belongs to whoever ran it (the interviewer watches it in the live view instead).
    ("run_result", "GET", "302 404 200 404 404"),
    ("run_result", "HX-GET", "302 404 200 404 404"),
    # The session; only its owner handles the invite link, and the partner has joined already.
    ("session_page", "GET", "302 404 200 200 200"),
    ("invite_new", "POST", "302 404 403 409 409"),
    ("invite_revoke", "POST", "302 404 403 302 302"),
    # The invite link (to another session of the owner's): only a usable one shows anything.
    ("join[valid]", "GET", "200 200 200 409 409"),
    ("join[valid]", "POST", "302 302 302 409 409"),
    ("join[unknown]", "GET", "404 404 404 404 404"),
    ("join[unknown]", "POST", "404 404 404 404 404"),
    ("join[revoked]", "GET", "404 404 404 404 404"),
    ("join[revoked]", "POST", "404 404 404 404 404"),
    ("join[expired]", "GET", "404 404 404 404 404"),
    ("join[expired]", "POST", "404 404 404 404 404"),
    ("join[used]", "GET", "404 404 404 404 404"),
    ("join[used]", "POST", "404 404 404 404 404"),
    # Round 1, running: the owner interviews.
    ("round_page", "GET", "302 404 200 200 200"),
    ("round_start", "POST", "302 404 403 409 409"),
    ("round_clock", "GET", "302 404 200 200 200"),
    ("round_clock", "HX-GET", "302 404 200 200 200"),
    ("round_pause", "POST", "302 404 403 302 302"),
    ("round_pause", "HX-POST", "302 404 403 200 200"),
    ("round_resume", "POST", "302 404 403 409 409"),
    ("round_resume", "HX-POST", "302 404 403 409 409"),
    ("round_add_time", "POST", "302 404 403 302 302"),
    ("round_add_time", "HX-POST", "302 404 403 200 200"),
    ("round_end", "POST", "302 404 403 302 302"),
    ("round_end", "HX-POST", "302 404 403 200 200"),
    ("round_summary", "GET", "302 404 302 302 302"),  # not over yet: back to the round
    ("round_summary", "POST", "302 404 302 302 302"),
    ("answer_save", "POST", "302 404 200 403 403"),
    ("answer_save", "HX-POST", "302 404 200 403 403"),
    ("whiteboard", "GET", "302 404 403 200 200"),  # design-feed is not on screen for its candidate yet
    ("whiteboard", "POST", "302 404 403 403 403"),
    ("run_code", "POST", "302 404 302 403 403"),
    ("run_code", "HX-POST", "302 404 202 403 403"),
    # design-feed is not on screen yet: its candidate sees nothing of it, not even the constraint given ahead.
    ("constraints_panel", "GET", "302 404 403 302 302"),  # without HTMX: the round page
    ("constraints_panel", "HX-GET", "302 404 403 200 200"),
    ("reveal_answer", "POST", "302 404 403 403 403"),  # solo rounds only
    ("next_constraint", "POST", "302 404 403 302 302"),
    ("next_constraint", "HX-POST", "302 404 403 200 200"),
    ("next_hint", "POST", "302 404 403 302 302"),
    ("next_hint", "HX-POST", "302 404 403 200 200"),
    ("switch_question", "POST", "302 404 403 302 302"),
    ("switch_question", "HX-POST", "302 404 403 200 200"),
    ("self_grade", "POST", "302 404 403 403 403"),  # solo rounds only
    ("round_live", "HX-GET", "302 404 200 200 200"),
    ("round_live[fresh]", "HX-GET", "302 404 204 204 204"),
    ("round_swap", "POST", "302 404 409 409 409"),  # not before the round has ended
    ("note_save", "POST", "302 404 403 302 302"),
    ("note_save", "HX-POST", "302 404 403 200 200"),
    ("note_tag", "POST", "302 404 403 302 302"),
    ("note_tag", "HX-POST", "302 404 403 200 200"),
    ("note_delete", "POST", "302 404 403 302 302"),
    ("note_delete", "HX-POST", "302 404 403 200 200"),
    ("sheet_save", "POST", "302 404 403 400 400"),  # a coding round has no structured sheet
    ("sheet_save", "HX-POST", "302 404 403 400 400"),
    ("scorecard", "GET", "302 404 403 200 200"),
    ("scorecard", "POST", "302 404 403 302 302"),
    ("interviewer_feedback", "POST", "302 404 409 403 403"),  # the candidate's, once the round is over
    # The call: its two people only; a call records while both agree (they have); the audio is for the round's
    # people, its chunks and deletion for the one whose voice it is (the partner, the candidate here).
    ("call_consent", "GET", "302 404 200 200 200"),
    ("call_consent", "POST", "302 404 200 200 200"),
    ("recording_start", "POST", "302 404 201 201 201"),
    ("spoken_answers", "GET", "302 404 403 403 403"),  # solo rounds only
    ("recording_chunk", "POST", "302 404 200 403 403"),
    ("recording_finish", "POST", "302 404 200 403 403"),
    ("recording_audio", "GET", "302 404 200 200 200"),
    ("recording_delete", "POST", "302 404 302 403 403"),
    ("shared_recording_audio[share]", "GET", "200 200 200 200 200"),  # the link includes its creator's voice
    ("shared_recording_audio[share-revoked]", "GET", "404 404 404 404 404"),
    # Looking back: history and progress list each person's own sessions (an outsider's list is empty).
    ("history", "GET", "302 200 200 200 200"),
    ("history", "HX-GET", "302 200 200 200 200"),
    ("progress", "GET", "302 200 200 200 200"),
    ("session_review", "GET", "302 404 200 200 200"),
    ("session_review", "HX-GET", "302 404 200 200 200"),
    ("round_replay", "GET", "302 404 200 200 200"),
    # Only someone who answered a round may share it; the owner only interviewed round 1.
    ("share_create", "POST", "302 404 200 403 403"),
    ("share_create", "HX-POST", "302 404 200 403 403"),
    ("share_revoke", "POST", "302 404 302 302 302"),
    ("shared_review[share]", "GET", "200 200 200 200 200"),
    ("shared_review[share-revoked]", "GET", "404 404 404 404 404"),
    ("shared_review[unknown]", "GET", "404 404 404 404 404"),
    ("shared_replay[share]", "GET", "200 200 200 200 200"),
    ("shared_replay[share-revoked]", "GET", "404 404 404 404 404"),
    ("session_export_md", "GET", "302 404 200 200 200"),
    ("session_print", "GET", "302 404 200 200 200"),
    ("data_export", "GET", "302 200 200 200 200"),
    ("data_import", "GET", "302 200 200 200 200"),
    ("data_import", "POST", "302 400 400 400 400"),  # no file sent
    # Reviews: a user's own queue and cards.
    ("reviews", "GET", "302 200 200 200 200"),
    ("review_settings", "POST", "302 302 302 302 302"),
    # Every mini-pack question is in a round the partner is the candidate of: none may join their review.
    ("review_start", "POST", "302 302 400 302 302"),
    ("review_card_change", "POST", "302 404 302 404 404"),  # the partner's card
    ("review_card_add", "POST", "302 302 403 302 302"),  # sum-two, live in the partner's round
]

ENDED = [
    # Round 1, over, its scorecard released: the owner interviewed.
    ("session_page", "GET", "302 404 200 200 200"),
    ("round_page", "GET", "302 404 302 302 302"),  # over: to the summary
    ("round_start", "POST", "302 404 403 409 409"),
    ("round_clock", "GET", "302 404 200 200 200"),
    ("round_clock", "HX-GET", "302 404 200 200 200"),  # HX-Redirect to the summary
    ("round_pause", "POST", "302 404 403 409 409"),
    ("round_pause", "HX-POST", "302 404 403 409 409"),
    ("round_resume", "POST", "302 404 403 409 409"),
    ("round_resume", "HX-POST", "302 404 403 409 409"),
    ("round_add_time", "POST", "302 404 403 409 409"),
    ("round_add_time", "HX-POST", "302 404 403 409 409"),
    ("round_end", "POST", "302 404 403 302 302"),  # ending twice (two tabs) is no error
    ("round_end", "HX-POST", "302 404 403 200 200"),
    ("round_summary", "GET", "302 404 200 200 200"),
    ("round_summary", "POST", "302 404 302 403 403"),  # only the candidate assesses themselves
    ("answer_save", "POST", "302 404 409 403 403"),
    ("answer_save", "HX-POST", "302 404 409 403 403"),
    ("whiteboard", "GET", "302 404 200 200 200"),
    ("whiteboard", "POST", "302 404 409 403 403"),  # the round is over: the board is kept as it was
    ("run_code", "POST", "302 404 409 403 403"),
    ("run_code", "HX-POST", "302 404 409 403 403"),
    ("constraints_panel", "GET", "302 404 302 302 302"),
    ("constraints_panel", "HX-GET", "302 404 200 200 200"),
    ("reveal_answer", "POST", "302 404 403 403 403"),
    ("next_constraint", "POST", "302 404 403 409 409"),
    ("next_constraint", "HX-POST", "302 404 403 409 409"),
    ("next_hint", "POST", "302 404 403 409 409"),
    ("next_hint", "HX-POST", "302 404 403 409 409"),
    ("switch_question", "POST", "302 404 403 302 302"),  # nothing moves once over: back to the page
    ("switch_question", "HX-POST", "302 404 403 200 200"),
    ("self_grade", "POST", "302 404 403 403 403"),
    ("round_live", "HX-GET", "302 404 200 200 200"),
    ("round_live[fresh]", "HX-GET", "302 404 204 204 204"),
    ("round_swap", "POST", "302 404 302 302 302"),  # either of them may swap
    ("note_save", "POST", "302 404 403 302 302"),  # notes can be finished after the round
    ("note_save", "HX-POST", "302 404 403 200 200"),
    ("note_tag", "POST", "302 404 403 302 302"),
    ("note_tag", "HX-POST", "302 404 403 200 200"),
    ("note_delete", "POST", "302 404 403 302 302"),
    ("note_delete", "HX-POST", "302 404 403 200 200"),
    ("sheet_save", "POST", "302 404 403 400 400"),
    ("sheet_save", "HX-POST", "302 404 403 400 400"),
    ("scorecard", "GET", "302 404 403 200 200"),
    ("scorecard", "POST", "302 404 403 409 409"),  # released feedback is final
    ("interviewer_feedback", "POST", "302 404 302 403 403"),
    ("call_consent", "GET", "302 404 200 200 200"),
    ("call_consent", "POST", "302 404 409 409 409"),  # the round is over: nothing to record
    ("recording_start", "POST", "302 404 409 409 409"),
    ("spoken_answers", "GET", "302 404 403 403 403"),
    ("recording_chunk", "POST", "302 404 200 403 403"),  # the last seconds may arrive after the end
    ("recording_finish", "POST", "302 404 200 403 403"),
    ("recording_audio", "GET", "302 404 200 200 200"),
    ("recording_delete", "POST", "302 404 302 403 403"),
    ("shared_recording_audio[share]", "GET", "200 200 200 200 200"),
    ("session_review", "GET", "302 404 200 200 200"),
    ("round_replay", "GET", "302 404 200 200 200"),
    ("shared_review[share]", "GET", "200 200 200 200 200"),  # the released feedback, as the candidate sees it
    ("shared_replay[share]", "GET", "200 200 200 200 200"),
    ("session_export_md", "GET", "302 404 200 200 200"),
    ("session_print", "GET", "302 404 200 200 200"),
    ("data_export", "GET", "302 200 200 200 200"),
    ("reviews", "GET", "302 200 200 200 200"),  # the partner's cards now hold round 1's ratings
]

SWAPPED = [
    # Round 2, running: the partner interviews the owner.
    ("run_result", "GET", "302 404 404 200 404"),  # still the partner's run from round 1
    ("session_page", "GET", "302 404 200 200 200"),
    ("invite_new", "POST", "302 404 409 403 409"),
    ("invite_revoke", "POST", "302 404 302 403 302"),
    ("round_page", "GET", "302 404 200 200 200"),
    ("round_start", "POST", "302 404 403 409 403"),
    ("round_clock", "GET", "302 404 200 200 200"),
    ("round_clock", "HX-GET", "302 404 200 200 200"),
    ("round_pause", "POST", "302 404 403 302 403"),
    ("round_pause", "HX-POST", "302 404 403 200 403"),
    ("round_resume", "POST", "302 404 403 409 403"),
    ("round_resume", "HX-POST", "302 404 403 409 403"),
    ("round_add_time", "POST", "302 404 403 302 403"),
    ("round_add_time", "HX-POST", "302 404 403 200 403"),
    ("round_end", "POST", "302 404 403 302 403"),
    ("round_end", "HX-POST", "302 404 403 200 403"),
    ("round_summary", "GET", "302 404 302 302 302"),
    ("round_summary", "POST", "302 404 302 302 302"),
    ("answer_save", "POST", "302 404 200 403 200"),
    ("answer_save", "HX-POST", "302 404 200 403 200"),
    ("whiteboard", "GET", "302 404 404 404 404"),  # round 2 is behavioural: no whiteboard
    ("whiteboard", "POST", "302 404 404 403 404"),
    ("run_code", "POST", "302 404 400 403 400"),  # round 2 is behavioural: no code pad to run
    ("run_code", "HX-POST", "302 404 400 403 400"),
    ("constraints_panel", "GET", "302 404 302 302 302"),
    ("constraints_panel", "HX-GET", "302 404 200 200 200"),
    ("reveal_answer", "POST", "302 404 403 403 403"),
    ("next_constraint", "POST", "302 404 403 400 403"),  # why-us has no constraints
    ("next_constraint", "HX-POST", "302 404 403 400 403"),
    ("next_hint", "POST", "302 404 403 400 403"),  # nor hints
    ("next_hint", "HX-POST", "302 404 403 400 403"),
    ("switch_question", "POST", "302 404 403 302 403"),
    ("switch_question", "HX-POST", "302 404 403 200 403"),
    ("self_grade", "POST", "302 404 403 403 403"),
    ("round_live", "HX-GET", "302 404 200 200 200"),
    ("round_live[fresh]", "HX-GET", "302 404 204 204 204"),
    ("round_swap", "POST", "302 404 409 409 409"),
    ("note_save", "POST", "302 404 403 302 403"),
    ("note_save", "HX-POST", "302 404 403 200 403"),
    ("note_tag", "POST", "302 404 403 302 403"),
    ("note_tag", "HX-POST", "302 404 403 200 403"),
    ("note_delete", "POST", "302 404 403 302 403"),
    ("note_delete", "HX-POST", "302 404 403 200 403"),
    ("sheet_save", "POST", "302 404 403 302 403"),  # behavioural: one sheet per question
    ("sheet_save", "HX-POST", "302 404 403 200 403"),
    ("scorecard", "GET", "302 404 403 200 403"),
    ("scorecard", "POST", "302 404 403 302 403"),
    ("interviewer_feedback", "POST", "302 404 409 403 409"),  # round 2 is still running
    ("call_consent", "GET", "302 404 200 200 200"),
    ("call_consent", "POST", "302 404 200 200 200"),
    ("recording_start", "POST", "302 404 409 409 409"),  # nobody agreed to record round 2
    ("spoken_answers", "GET", "302 404 403 403 403"),
    # Round 1's recording is still the partner's, who interviews now.
    ("recording_chunk", "POST", "302 404 403 200 403"),
    ("recording_finish", "POST", "302 404 403 200 403"),
    ("recording_audio", "GET", "302 404 200 200 200"),
    ("recording_delete", "POST", "302 404 403 302 403"),
    ("shared_recording_audio[share]", "GET", "200 200 200 200 200"),
    ("session_review", "GET", "302 404 200 200 200"),
    ("round_replay", "GET", "302 404 200 200 200"),
    ("share_create", "POST", "302 404 200 200 200"),  # each answered a round by now
    ("shared_replay[share]", "GET", "404 404 404 404 404"),  # the partner's link: they interviewed round 2
    ("session_export_md", "GET", "302 404 200 200 200"),
    ("data_export", "GET", "302 200 200 200 200"),
    ("reviews", "GET", "302 200 200 200 200"),
    ("review_card_change", "POST", "302 404 404 302 404"),  # the partner interviews now; still their card
    ("review_card_add", "POST", "302 302 302 302 302"),  # sum-two is in no live round any more
]

TABLES = {"live": LIVE, "ended": ENDED, "swapped": SWAPPED}


def _wrong_methods() -> list[tuple[str, str, str]]:
    """For every URL, a method it does not take: 405, after the login redirect where the view needs a login."""
    accepted = defaultdict(set)
    for table in TABLES.values():
        for raw_name, method, _ in table:
            accepted[raw_name.partition("[")[0]].add(method.removeprefix("HX-"))
    rows = []
    for name, methods in sorted(accepted.items()):
        wrong = "PUT" if methods == {"GET", "POST"} else ({"GET", "POST"} - methods).pop()
        open_to_all = {"join": "join[valid]", "shared_review": "shared_review[share]",
                       "shared_replay": "shared_replay[share]",
                       "shared_recording_audio": "shared_recording_audio[share]"}
        rows.append((open_to_all.get(name, name), wrong, "405 405 405 405 405" if name in open_to_all
                     else "302 405 405 405 405"))
    return rows


CASES = [
    pytest.param(situation, raw_name, method, tuple(int(s) for s in statuses.split()),
                 id=f"{situation}-{raw_name}-{method}")
    for situation, table in [*TABLES.items(), ("live", _wrong_methods())]
    for raw_name, method, statuses in table
]


def _send(world: World, actor: str, raw_name: str, method: str):
    """One request as `actor`, rolled back afterwards so the next actor meets the same state."""
    client = Client(raise_request_exception=False)
    verb, headers = method.removeprefix("HX-"), (HX if method.startswith("HX-") else {})
    url = world.url(raw_name)
    with transaction.atomic():
        if world.user(actor) is not None:
            client.force_login(world.user(actor))
        if verb == "POST" and raw_name == "recording_chunk":
            response = client.post(url, RECORDED[4:], content_type="audio/webm", headers=headers)
        elif verb == "POST" and raw_name == "whiteboard":
            response = client.post(url, json.dumps(world.data(raw_name)), content_type="application/json",
                                   headers=headers)
        elif verb == "POST":
            response = client.post(url, world.data(raw_name), headers=headers)
        else:
            response = client.generic(verb, url, headers=headers)
        transaction.set_rollback(True)
    return response


def _leaks(world: World, actor: str, response, raw_name: str = "") -> list[str]:
    body = (b"".join(response.streaming_content) if response.streaming else response.content).decode(errors="replace")
    shared = raw_name.startswith("shared_")
    return [m.text for m in MARKERS if m.text in body and not world.may_see(world.user(actor), m, shared=shared)]


def test_the_matrix_has_a_row_for_every_url():
    covered = {raw_name.partition("[")[0] for _, raw_name, _, _ in (case.values for case in CASES)}
    assert covered == set(PATTERNS), "every URL of sessions.urls needs rows in the matrix"
    round_urls = {name for name, pattern in PATTERNS.items() if "round_id" in pattern.pattern.converters}
    for situation, table in TABLES.items():
        assert round_urls <= {raw_name.partition("[")[0] for raw_name, _, _ in table}, situation
    # The owner is the same person as the interviewer of round 1 and the candidate of round 2.
    for situation, table in TABLES.items():
        same_as = "candidate" if situation == "swapped" else "interviewer"
        for raw_name, method, statuses in table:
            column = dict(zip(ACTORS, statuses.split()))
            assert column["owner"] == column[same_as], (situation, raw_name, method)


@pytest.mark.django_db
@pytest.mark.parametrize("situation, raw_name, method, expected", CASES)
def test_every_actor_gets_its_status_and_only_the_text_it_may_see(make_world, situation, raw_name, method, expected):
    world = make_world(situation)
    statuses, leaks = {}, {}
    for actor in ACTORS:
        response = _send(world, actor, raw_name, method)
        statuses[actor] = response.status_code
        if leaked := _leaks(world, actor, response, raw_name):
            leaks[actor] = leaked
        if actor == "anonymous" and response.status_code == 302 and not raw_name.startswith(("join", "shared_")):
            assert response["Location"].startswith("/accounts/login/"), response["Location"]
    assert statuses == dict(zip(ACTORS, expected))
    assert leaks == {}


# ---------------------------------------------------------------- what each side sees


def _page(world: World, actor: str, raw_name: str) -> str:
    response = _send(world, actor, raw_name, "GET")
    assert response.status_code == 200, (raw_name, actor, response.status_code)
    return response.content.decode()


@pytest.mark.django_db
def test_the_planted_text_shows_where_it_may(make_world):
    """The markers show where they belong, so their absence elsewhere means something."""
    live = make_world("live")
    interviewing = _page(live, "interviewer", "round_page")
    for text in ("MARK-MODEL-ANSWER-SUM-TWO", "MARK-HINT", "MARK-RUBRIC-STAGE-1", "MARK-NOTE-1"):
        assert text in interviewing, text
    assert "MARK-FEEDBACK-1" in _page(live, "interviewer", "scorecard")
    answering = _page(live, "candidate", "round_page")
    assert "Read two integers" in answering and "GIVEN-HINT" in answering


@pytest.mark.django_db
def test_the_released_scorecard_shows_the_feedback_without_the_notes(make_world):
    ended = make_world("ended")
    summary = _page(ended, "candidate", "round_summary")
    assert "MARK-FEEDBACK-1" in summary and "MARK-RUBRIC-STAGE-1" in summary
    assert "MARK-NOTE-1" not in summary  # released without the notes


@pytest.mark.django_db
def test_the_swapped_interviewer_sees_their_round_and_the_owner_does_not(make_world):
    world = make_world("swapped")
    interviewing = _page(world, "interviewer", "round_page")
    for text in ("MARK-STRONG-ANSWER", "MARK-STAR-GUIDANCE", "MARK-RUBRIC-QUESTION-2", "MARK-NOTE-2",
                 "MARK-NOTE-SHEET-2"):
        assert text in interviewing, text
    answering = _page(world, "owner", "round_page")
    assert "Why do you want to join?" in answering
    assert not any(m.text in answering for m in MARKERS)


@pytest.mark.django_db
def test_the_live_candidate_sees_no_marker_whichever_question_is_on_screen(make_world):
    world = make_world("live")
    design_feed = RoundQuestion.objects.get(round=world.first, question__slug="design-feed")
    for round_question in world.first.questions.select_related("question", "round__session"):
        round_services.question_switch(round_question=round_question)
        world.first = _fresh(world.first)
        for raw_name, method in [("round_page", "GET"), ("round_live", "HX-GET"), ("round_clock", "HX-GET"),
                                 ("constraints_panel", "HX-GET")]:
            response = _send(world, "candidate", raw_name, method)
            # The constraints panel is design-feed's: refused until the interviewer has put it on screen.
            shown = raw_name != "constraints_panel" or design_feed.pk in questions_reached(world.first)
            assert response.status_code == (200 if shown else 403), (round_question.question.slug, raw_name)
            assert _leaks(world, "candidate", response) == [], (round_question.question.slug, raw_name)


# ---------------------------------------------------------------- invite links


def _without_csrf(html: str) -> str:
    """The page without its CSRF tokens, which are masked afresh for every response."""
    html = re.sub(r'"X-CSRFToken": "[^"]*"', "", html)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
def test_unusable_invite_links_all_get_the_same_page(make_world, actor):
    world = make_world("live")
    titles = set(InterviewSession.objects.values_list("title", flat=True))
    for method in ("GET", "POST"):
        pages = {}
        for variant in ("unknown", "revoked", "expired", "used"):
            response = _send(world, actor, f"join[{variant}]", method)
            assert response.status_code == 404
            pages[variant] = _without_csrf(response.content.decode())
            assert not any(title in pages[variant] for title in titles), variant
        assert len(set(pages.values())) == 1, f"{method}: the pages differ"
    assert not Guest.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("how", ["query string", "cookie"])
def test_an_invite_token_is_not_a_login(make_world, how):
    world = make_world("live")
    scoped = [row for row in LIVE if {"round_id", "session_id"} & set(PATTERNS[_split(row[0])[0]].pattern.converters)
              and not row[0].startswith("shared_")]  # a share link's own pages are open to its holder
    for token in (world.tokens["used"], world.tokens["valid"]):
        client = Client()
        client.get(world.url("join[valid]"))  # opened the link, did not join
        if how == "cookie":
            for name in ("sessionid", "invite", "token"):
                client.cookies[name] = token
        for raw_name, method, _ in scoped:
            url = world.url(raw_name)
            if how == "query string":
                url += ("&" if "?" in url else "?") + urlencode({"token": token, "invite": token})
            verb, headers = method.removeprefix("HX-"), (HX if method.startswith("HX-") else {})
            response = client.post(url, world.data(raw_name), headers=headers) if verb == "POST" \
                else client.get(url, headers=headers)
            assert response.status_code == 302, (raw_name, method, response.status_code)
            assert response["Location"].startswith("/accounts/login/"), (raw_name, method)
    assert not Guest.objects.exists() and InterviewSession.objects.get(pk=world.session.pk).partner == world.partner


# ---------------------------------------------------------------- CSRF


def _database_state() -> dict:
    models = (InterviewSession, Round, RoundQuestion, Snapshot, RoundEvent, Submission, Invite, Guest, Note,
              NoteSheet, Scorecard, get_user_model())
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in models}


# Every URL that takes a POST; of the invite links, the one that works.
POSTED = sorted({raw_name for table in TABLES.values() for raw_name, method, _ in table
                 if method.endswith("POST") and (raw_name == "join[valid]" or not raw_name.startswith("join["))})


@pytest.mark.django_db
@pytest.mark.parametrize("situation", ["live", "swapped"])
@pytest.mark.parametrize("actor", ["candidate", "interviewer"])
def test_posts_without_a_csrf_token_are_refused_and_change_nothing(make_world, situation, actor):
    world = make_world(situation)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user(actor))
    client.get(world.url("session_page"))  # the CSRF cookie, as the browser would hold it
    assert "csrftoken" in client.cookies
    before = _database_state()
    for raw_name in POSTED:
        for headers in ({}, HX):
            response = client.post(world.url(raw_name), world.data(raw_name), headers=headers)
            assert response.status_code == 403, (raw_name, headers)
    assert _database_state() == before
    # With the token the same client gets through: the 403s above were the CSRF check.
    token = client.cookies["csrftoken"].value
    raw_name = "answer_save" if actor == "candidate" else "note_save"
    response = client.post(world.url(raw_name), world.data(raw_name), headers={**HX, "X-CSRFToken": token})
    assert response.status_code == 200


@pytest.mark.django_db
def test_joining_without_a_csrf_token_is_refused(make_world):
    world = make_world("live")
    client = Client(enforce_csrf_checks=True)
    client.get(world.url("join[valid]"))
    response = client.post(world.url("join[valid]"), {"display_name": "Gus"})
    assert response.status_code == 403
    assert not Guest.objects.exists() and "_auth_user_id" not in client.session


# ---------------------------------------------------------------- the question bank


def _bank_page(client: Client, slug: str) -> str:
    response = client.get(f"/questions/{slug}/")
    assert response.status_code == 200
    return response.content.decode()


def _markers_in(html: str) -> set[str]:
    return {m.text for m in MARKERS if m.text in html}


@pytest.mark.django_db
def test_the_question_page_keeps_answers_from_a_live_candidate_and_from_guests(make_world, client):
    world = make_world("live")
    client.force_login(world.partner)  # the candidate of round 1, still running
    for slug in ("sum-two", "design-feed", "bayes"):
        assert _markers_in(_bank_page(client, slug)) == set(), slug
    client.force_login(world.outsider)  # an ordinary signed-in user studies them
    assert "MARK-MODEL-ANSWER-BAYES" in _bank_page(client, "bayes")
    assert {"MARK-HINT", "MARK-MODEL-ANSWER-SUM-TWO"} <= _markers_in(_bank_page(client, "sum-two"))
    assert "MARK-HIDDEN-TEST" not in _bank_page(client, "sum-two")  # hidden tests: nobody
    client.logout()
    joined = client.post(world.url("join[valid]"), {"display_name": "Gus"})  # a guest, through the link
    assert joined.status_code == 302 and Guest.objects.filter(display_name="Gus").exists()
    for slug in ("sum-two", "design-feed", "bayes", "why-us"):
        assert _markers_in(_bank_page(client, slug)) == set(), slug


@pytest.mark.django_db
def test_the_question_page_follows_the_round_roles(make_world, client):
    world = make_world("swapped")
    client.force_login(world.owner)  # now the candidate of round 2 (why-us), running
    assert _markers_in(_bank_page(client, "why-us")) == set()
    assert "MARK-MODEL-ANSWER-BAYES" in _bank_page(client, "bayes")  # round 1 is over
    client.force_login(world.partner)  # round 1 is over for its candidate too
    assert "MARK-MODEL-ANSWER-BAYES" in _bank_page(client, "bayes")


@pytest.mark.django_db
@pytest.mark.parametrize("route", ["solo round", "paired session"])
@pytest.mark.parametrize("who", ["live candidate", "guest"])
def test_a_round_of_their_own_does_not_give_away_what_the_bank_keeps_back(make_world, client, who, route):
    """The bank keeps a question's answer and rubric from guests and from the candidate of an unfinished
    paired round on it; a solo round, or a paired session where they interview, must not hand them over."""
    world = make_world("live")
    if who == "guest":
        assert client.post(world.url("join[valid]"), {"display_name": "Gus"}).status_code == 302
        user = Guest.objects.get().user
    else:
        user = world.partner
        client.force_login(user)
    kept = {"MARK-MODEL-ANSWER-BAYES", "MARK-RUBRIC-QUESTION-1"}
    assert _markers_in(_bank_page(client, "bayes")) & kept == set()
    if route == "solo round":
        responses = {"start": client.post("/practice/start/", {"question": "bayes"})}
        for own in Round.objects.filter(session__owner=user):
            base = f"/practice/rounds/{own.pk}/"
            responses[base + "q/1/reveal/"] = client.post(base + "q/1/reveal/", headers=HX)
            responses[base] = client.get(base)
            client.post(base + "end/")
            responses[base + "summary/"] = client.get(base + "summary/")
    else:
        screen = Stage.objects.get(slug="screen")
        setup = client.post("/practice/paired/new/", {"stage": screen.pk, "questions": ["bayes"]}, follow=True)
        responses = {"paired_new": setup}
        for own in Round.objects.filter(session__owner=user):
            base = f"/practice/rounds/{own.pk}/"
            responses[base] = client.get(base)
            responses[base + "scorecard/"] = client.get(base + "scorecard/")
    handed_over = {url: _markers_in(response.content.decode()) & kept for url, response in responses.items()}
    assert {url: found for url, found in handed_over.items() if found} == {}
