"""Paired sessions: one person interviews another. Setting one up, the invite link, joining, swapping roles.

An invite token is 256 random bits, shown once to the interviewer and stored only as
its SHA-256, so a copy of the database does not let anyone join. It admits one
candidate, expires, and can be revoked; it is never a login for anything else.
"""

from __future__ import annotations

import random
import re
import secrets
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from questions.models import InterviewLoop, Question, Stage
from sessions.models import Guest, InterviewSession, Invite, Round, RoundEvent, RoundQuestion
from sessions.paired.tokens import new_token, plausible, token_hash
from sessions.rounds.refusals import RoundClosed
from sessions.rounds.starting import draw_questions, questions_add
from sessions.portability.rules import require_live_round, require_live_session

INVITE_TTL = timedelta(days=7)
MAX_PICKED_QUESTIONS = 6


def paired_session_create(
    *,
    interviewer,
    stage: Stage | None = None,
    loop: InterviewLoop | None = None,
    questions: list[Question] | None = None,
    duration_minutes: int | None = None,
    pad_candidate_only: bool = False,
    now: datetime | None = None,
    rng: random.Random | None = None,
) -> InterviewSession:
    """Set up a paired session whose rounds wait for the candidate to join and the interviewer to start.

    With `stage`: one round of that stage, with the `questions` picked (all from that
    stage) or, without them, drawn. With `loop`: one round per stage, questions drawn.
    `duration_minutes` overrides the stage's length for a single-stage session. With `pad_candidate_only`
    the interviewer watches the shared pads without typing in them (sessions/live/pads.py).
    """
    now = now or timezone.now()
    rng = rng or random.Random()
    questions = list(dict.fromkeys(questions or []))  # a question picked twice is one question
    errors = {}
    if stage is None and loop is None:
        raise ValidationError("Choose a loop or a stage to interview on.")
    if duration_minutes is not None and not 5 <= duration_minutes <= 180:
        errors["duration"] = "A round lasts between 5 and 180 minutes."
    if questions and stage is None:
        errors["questions"] = "Pick questions within one stage."
    if len(questions) > MAX_PICKED_QUESTIONS:
        errors["questions"] = f"Pick at most {MAX_PICKED_QUESTIONS} questions for one round."
    if stage is not None and questions:
        stage_question_ids = set(stage.questions.values_list("pk", flat=True))
        if any(q.pk not in stage_question_ids for q in questions):
            errors["questions"] = f"Every picked question must belong to the stage “{stage.title}”."
    if errors:
        raise ValidationError(errors)

    if stage is not None:
        plan = [(stage, questions or draw_questions(owner=interviewer, stage=stage, now=now, rng=rng))]
        title = f"Paired: {stage.loop.name}, {stage.title}"
    else:
        plan, used = [], set()
        for loop_stage in loop.stages.order_by("order"):
            drawn = draw_questions(owner=interviewer, stage=loop_stage, now=now, rng=rng, exclude=used)
            used.update(q.pk for q in drawn)
            plan.append((loop_stage, drawn))
        title = f"Paired: {loop.name}"
    empty = next((s for s, qs in plan if not qs), None)
    if empty is not None:
        raise ValidationError(f"The stage “{empty.title}” has no questions yet.")

    with transaction.atomic():
        session = InterviewSession.objects.create(
            owner=interviewer, mode=InterviewSession.Mode.PAIRED, loop=loop or stage.loop, title=title
        )
        for order, (round_stage, round_questions) in enumerate(plan):
            minutes = duration_minutes if duration_minutes and len(plan) == 1 else round_stage.duration_minutes
            _round_create(session, round_stage, order, round_questions, minutes * 60, interviewer=interviewer,
                          pad_candidate_only=pad_candidate_only)
    return session


def _round_create(session, stage, order, questions, seconds, *, interviewer, candidate=None,
                  pad_candidate_only=False) -> Round:
    stage_round = Round.objects.create(
        session=session, stage=stage, order=order, title=stage.title, stage_kind=stage.kind,
        duration_seconds=seconds, interviewer=interviewer, candidate=candidate, pad_candidate_only=pad_candidate_only,
    )
    questions_add(round=stage_round, questions=questions)
    return stage_round


# ---------------------------------------------------------------- invites


def invite_create(*, session: InterviewSession, now: datetime | None = None) -> tuple[Invite, str]:
    """A fresh link for the candidate; any earlier open link stops working. Returns (invite, token)."""
    now = now or timezone.now()
    if session.mode != InterviewSession.Mode.PAIRED:
        raise ValidationError("Only a paired session has an invite link.")
    require_live_session(session)
    if session.partner_id is not None:
        raise ValidationError("Your candidate has already joined this session.")
    if not session.rounds.filter(status=Round.Status.PENDING, candidate=None).exists():
        # E.g. an imported session: joining must never make someone the candidate of past rounds.
        raise ValidationError("This session has no round left to interview in.")
    token, hashed = new_token()
    with transaction.atomic():
        invite_revoke(session=session, now=now)
        invite = Invite.objects.create(session=session, token_hash=hashed, expires_at=now + INVITE_TTL)
    return invite, token


def invite_revoke(*, session: InterviewSession, now: datetime | None = None) -> int:
    now = now or timezone.now()
    return Invite.objects.filter(session=session, revoked_at=None, accepted_at=None).update(revoked_at=now)


def invite_find(*, token: str, now: datetime | None = None) -> Invite | None:
    """The usable invite for this token, or None: unknown, expired, revoked and used look the same."""
    now = now or timezone.now()
    if not plausible(token):
        return None
    invite = Invite.objects.select_related("session__owner").filter(token_hash=token_hash(token)).first()
    if invite is None or not invite.is_usable(now):
        return None
    return invite


def invite_accept(*, token: str, user=None, display_name: str = "", now: datetime | None = None):
    """Join the session as its candidate: with `user`, or as a new guest named `display_name`.

    Returns (session, user). The invite is spent by a conditional update, so two
    browsers racing on one link cannot both get in.
    """
    now = now or timezone.now()
    display_name = " ".join(display_name.split())
    if user is None and not 1 <= len(display_name) <= 60:
        raise ValidationError({"display_name": "Give a name of 1 to 60 characters for your interviewer to see."})
    with transaction.atomic():
        invite = invite_find(token=token, now=now)
        if invite is None:
            raise ValidationError("This invite link is not valid: it may have expired, been revoked or been used.")
        session = invite.session
        require_live_session(session)  # an invite made before the rules existed must not admit anyone
        if user is not None and user.pk == session.owner_id:
            raise ValidationError("You set up this session: send the link to the person you will interview.")
        if user is None:
            user = _guest_create(display_name)
        spent = Invite.objects.filter(pk=invite.pk, accepted_at=None, revoked_at=None).update(
            accepted_at=now, accepted_by=user
        )
        if not spent:
            raise ValidationError("This invite link is not valid: it may have expired, been revoked or been used.")
        InterviewSession.objects.filter(pk=session.pk).update(partner=user)
        session.partner = user
        for stage_round in session.rounds.filter(candidate=None, status=Round.Status.PENDING):
            Round.objects.filter(pk=stage_round.pk).update(candidate=user)
            Round.objects.filter(pk=stage_round.pk).touch()
    return session, user


def _guest_create(display_name: str):
    user = get_user_model().objects.create_user(f"guest-{secrets.token_hex(6)}", first_name=display_name[:30])
    user.set_unusable_password()
    user.save(update_fields=["password"])
    Guest.objects.create(user=user, display_name=display_name)
    return user


def guest_account_keep(*, user, username: str, password: str):
    """Turn a guest into an ordinary account, keeping every session they took part in.

    The caller has validated the username and password (Django's sign-up form does). Without this a
    guest who signs up starts again from nothing, and loses the rounds and feedback of the browser
    they joined from.
    """
    with transaction.atomic():
        if not Guest.objects.filter(user=user).exists():
            raise ValidationError("This account already has a username and password.")
        user.username = username
        user.set_password(password)
        user.save(update_fields=["username", "password"])
        Guest.objects.filter(user=user).delete()
    return user


def display_name(user) -> str:
    """How a participant is shown to the other: a guest's chosen name, otherwise the username."""
    if user is None:
        return "(not joined yet)"
    try:
        return user.guest.display_name
    except Guest.DoesNotExist:
        return user.get_username()


# ---------------------------------------------------------------- role swap


def _fresh_questions(session, stage, *, new_candidate, now, rng, required=True) -> list[Question]:
    """Questions of `stage` not yet used in this session: the new candidate saw the used ones' answers.

    With `required=False`, an empty list when none are left instead of a refusal.
    """
    if stage is None:
        raise ValidationError("This round's stage no longer exists, so there is nothing to draw from.")
    used = set(RoundQuestion.objects.filter(round__session=session).values_list("question_id", flat=True))
    if not stage.questions.exclude(pk__in=used).exists():
        if not required:
            return []
        raise ValidationError(
            f"Every question of “{stage.title}” has been used in this session; set up a new session "
            "on another stage to keep practising."
        )
    return draw_questions(owner=new_candidate, stage=stage, now=now, rng=rng, exclude=used)


def _seconds_added(stage_round: Round) -> int:
    """Time the interviewer added during the round (the next round starts from the length set up)."""
    details = stage_round.events.filter(kind=RoundEvent.Kind.TIME_ADDED).values_list("detail", flat=True)
    return sum(60 * int(match.group(1)) for d in details if (match := re.fullmatch(r"\+(\d+) min", d)))


def round_swap(*, round: Round, now: datetime | None = None, rng: random.Random | None = None) -> Round:
    """After a round, the pair swap roles for the next one, which gets a question new to this session.

    If the session already has a next round waiting, its roles are swapped instead.
    """
    now = now or timezone.now()
    rng = rng or random.Random()
    session = round.session
    require_live_round(round)
    if session.mode != InterviewSession.Mode.PAIRED or session.partner_id is None:
        raise ValidationError("Roles can be swapped once both people have joined a paired session.")
    if round.status != Round.Status.FINISHED:
        raise RoundClosed("Swap roles once this round has ended.")
    with transaction.atomic():
        later = session.rounds.select_for_update().filter(order__gt=round.order).order_by("order").first()
        if later is not None:
            if later.status != Round.Status.PENDING:
                raise RoundClosed("The next round has already started.")
            if later.interviewer_id != round.interviewer_id:
                return later  # already swapped (both people pressed Swap): pressing again changes nothing
            # Its planned interviewer may have read its questions beforehand: give them new ones to answer
            # when the stage has any left. (The bank is open study material, so this is about a fair round,
            # not secrecy; what must stay hidden is the answers during a round they are the candidate of.)
            fresh = _fresh_questions(session, later.stage, new_candidate=later.interviewer, now=now, rng=rng,
                                     required=False)
            if fresh:
                later.questions.all().delete()
                questions_add(round=later, questions=fresh)
            Round.objects.filter(pk=later.pk).update(interviewer=later.candidate, candidate=later.interviewer)
            Round.objects.filter(pk=later.pk).touch()
            later.refresh_from_db()
            return later
        fresh = _fresh_questions(session, round.stage, new_candidate=round.interviewer, now=now, rng=rng)
        swapped = _round_create(
            session, round.stage, round.order + 1, fresh, round.duration_seconds - _seconds_added(round),
            interviewer=round.candidate, candidate=round.interviewer, pad_candidate_only=round.pad_candidate_only,
        )
        Round.objects.filter(pk=round.pk).touch()  # both sides' summary pages move on to the new round
    return swapped
