"""The paired-session services: setting one up, invites and joining, swapping roles, the interviewer's
hand on the clock and the hint ladder, and which changes bump a round's version (the live poll's signal)."""

import hashlib
import random
import string
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from questions.models import InterviewLoop, Question, Stage
from sessions.feedback import notes as note_svc
from sessions.models import Guest, InterviewSession, Invite, Round, RoundEvent, RoundQuestion, Submission
from sessions.paired import services as svc
from sessions.rounds import services as round_svc
from sessions.runs.submissions import submission_claim, submission_create, submission_execute, submissions_recover

T0 = timezone.now().replace(microsecond=0)
RIGHT = "a, b = map(int, input().split())\nprint(a + b)\n"


def at(seconds: float):
    return T0 + timedelta(seconds=seconds)


def questions(*slugs) -> list[Question]:
    return [Question.objects.get(slug=slug) for slug in slugs]


def version(stage_round: Round) -> int:
    return Round.objects.values_list("version", flat=True).get(pk=stage_round.pk)


def slugs_of(stage_round: Round) -> list[str]:
    return list(stage_round.questions.order_by("order").values_list("question__slug", flat=True))


def nothing_saved() -> bool:
    return not (InterviewSession.objects.exists() or Round.objects.exists() or RoundQuestion.objects.exists())


def join(session: InterviewSession, user, now=T0) -> InterviewSession:
    _, token = svc.invite_create(session=session, now=now)
    svc.invite_accept(token=token, user=user, now=now)
    session.refresh_from_db()
    return session


@pytest.fixture
def screen(mini_pack):
    return Stage.objects.get(slug="screen")


@pytest.fixture
def alpha(mini_pack):
    return InterviewLoop.objects.get(slug="alpha")


@pytest.fixture
def waiting(owner, screen):
    """A paired session on the coding screen whose candidate has not joined yet."""
    return svc.paired_session_create(interviewer=owner, stage=screen, questions=questions("sum-two", "bayes"), now=T0)


@pytest.fixture
def live_round(waiting, partner):
    """The running round of a paired session: alice interviews, bob answers (sum-two, then bayes)."""
    join(waiting, partner)
    return round_svc.round_start(round=waiting.rounds.get(), now=T0)


def ended_round(owner, partner, screen, *slugs, minutes=None) -> Round:
    session = svc.paired_session_create(
        interviewer=owner, stage=screen, questions=questions(*slugs), duration_minutes=minutes, now=T0
    )
    join(session, partner)
    stage_round = round_svc.round_start(round=session.rounds.get(), now=T0)
    return round_svc.round_end(round=stage_round, now=at(600))


# ---------------------------------------------------------------- setting up


@pytest.mark.django_db
def test_a_stage_with_picked_questions_is_one_round_waiting_for_the_candidate(owner, screen):
    session = svc.paired_session_create(
        interviewer=owner, stage=screen, questions=questions("design-feed", "sum-two"), duration_minutes=20, now=T0
    )
    assert (session.mode, session.owner, session.partner, session.loop.slug) == ("paired", owner, None, "alpha")
    stage_round = session.rounds.get()
    assert (stage_round.status, stage_round.interviewer, stage_round.candidate) == ("pending", owner, None)
    assert (stage_round.stage, stage_round.stage_kind, stage_round.duration_seconds) == (screen, "coding", 20 * 60)
    assert slugs_of(stage_round) == ["design-feed", "sum-two"]  # in the order picked
    assert list(stage_round.questions.order_by("order").values_list("language", flat=True)) == ["", "python"]
    assert not stage_round.events.exists() and stage_round.started_at is None


@pytest.mark.django_db
def test_a_stage_without_picks_draws_its_questions(owner, screen):
    session = svc.paired_session_create(interviewer=owner, stage=screen, now=T0, rng=random.Random(1))
    stage_round = session.rounds.get()
    assert stage_round.duration_seconds == 45 * 60  # the stage's own length
    drawn = set(stage_round.questions.values_list("question_id", flat=True))
    assert len(drawn) == screen.questions_per_round == 2
    assert drawn <= set(screen.questions.values_list("pk", flat=True))


@pytest.mark.django_db
def test_a_loop_is_one_waiting_round_per_stage_with_no_question_twice(owner, alpha):
    session = svc.paired_session_create(interviewer=owner, loop=alpha, duration_minutes=20, now=T0)
    rounds = list(session.rounds.order_by("order"))
    assert [r.title for r in rounds] == ["Coding screen", "Culture chat"]
    assert [(r.status, r.interviewer, r.candidate) for r in rounds] == [("pending", owner, None)] * 2
    assert [r.duration_seconds for r in rounds] == [45 * 60, 30 * 60]  # a loop keeps each stage's length
    assert slugs_of(rounds[1]) == ["why-us"]
    all_questions = list(RoundQuestion.objects.filter(round__session=session).values_list("question_id", flat=True))
    assert len(all_questions) == len(set(all_questions)) == 3


@pytest.mark.django_db
@pytest.mark.parametrize("minutes", [5, 180])
def test_the_length_limits_are_inclusive(owner, screen, minutes):
    session = svc.paired_session_create(interviewer=owner, stage=screen, duration_minutes=minutes, now=T0)
    assert session.rounds.get().duration_seconds == minutes * 60


def _seven_screen_questions(screen):
    pack = screen.loop.pack
    for i in range(4):
        extra = Question.objects.create(pack=pack, slug=f"extra-{i}", kind="concept", title=f"Extra {i}", prompt="?")
        extra.stages.add(screen)
    return {"stage": screen, "questions": list(screen.questions.all())}


def _empty_stage(screen):
    empty = Stage.objects.create(loop=screen.loop, slug="empty", order=9, kind="coding", title="Empty stage",
                                 duration_minutes=30)
    return {"stage": empty}


@pytest.mark.django_db
@pytest.mark.parametrize("make_arguments, words", [
    (lambda screen: {"stage": screen, "questions": questions("why-us")}, "must belong to the stage"),
    (lambda screen: {"stage": screen, "questions": questions("sum-two", "why-us")}, "must belong to the stage"),
    (_seven_screen_questions, "at most 6 questions"),
    (lambda screen: {"stage": screen, "duration_minutes": 4}, "between 5 and 180 minutes"),
    (lambda screen: {"stage": screen, "duration_minutes": 181}, "between 5 and 180 minutes"),
    (lambda screen: {}, "Choose a loop or a stage"),
    (lambda screen: {"loop": screen.loop, "questions": questions("sum-two")}, "within one stage"),
    (_empty_stage, "has no questions yet"),
], ids=["other stage", "one of them from another stage", "too many", "too short", "too long", "nothing chosen",
        "picks with a loop", "empty stage"])
def test_bad_setups_are_refused_and_save_nothing(owner, screen, make_arguments, words):
    arguments = make_arguments(screen)
    with pytest.raises(ValidationError, match=words):
        svc.paired_session_create(interviewer=owner, now=T0, **arguments)
    assert nothing_saved()


# ---------------------------------------------------------------- invites


@pytest.mark.django_db
def test_an_invite_token_is_long_and_random_and_only_its_hash_is_stored(waiting):
    invite, token = svc.invite_create(session=waiting, now=T0)
    # token_urlsafe(32): 43 URL-safe characters carrying 256 random bits (128 is the floor).
    assert len(token) >= 43 and set(token) <= set(string.ascii_letters + string.digits + "-_")
    row = Invite.objects.filter(pk=invite.pk).values().get()
    assert not any(token in str(value) for value in row.values())
    assert row["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert row["expires_at"] == at(7 * 24 * 3600)
    _, second = svc.invite_create(session=waiting, now=T0)
    assert second != token


@pytest.mark.django_db
def test_an_invite_works_for_seven_days(waiting, partner):
    invite, token = svc.invite_create(session=waiting, now=T0)
    week = 7 * 24 * 3600
    assert svc.invite_find(token=token, now=at(week - 1)) == invite
    assert svc.invite_find(token=token, now=at(week)) is None
    assert invite.state(at(week)) == "expired"
    with pytest.raises(ValidationError, match="not valid"):
        svc.invite_accept(token=token, user=partner, now=at(week))
    waiting.refresh_from_db()
    assert waiting.partner is None and not Round.objects.exclude(candidate=None).exists()


@pytest.mark.django_db
def test_a_revoked_invite_admits_nobody(waiting, partner):
    invite, token = svc.invite_create(session=waiting, now=T0)
    assert svc.invite_revoke(session=waiting, now=at(10)) == 1
    invite.refresh_from_db()
    assert invite.revoked_at == at(10) and invite.state(at(11)) == "revoked"
    assert svc.invite_find(token=token, now=at(11)) is None
    with pytest.raises(ValidationError, match="not valid"):
        svc.invite_accept(token=token, display_name="Eve", now=at(11))
    assert not Guest.objects.exists() and get_user_model().objects.count() == 2


@pytest.mark.django_db
def test_a_new_invite_revokes_the_open_one(waiting, partner):
    first, old_token = svc.invite_create(session=waiting, now=T0)
    second, new_token = svc.invite_create(session=waiting, now=at(60))
    first.refresh_from_db()
    assert first.revoked_at == at(60) and second.revoked_at is None
    assert svc.invite_find(token=old_token, now=at(61)) is None
    assert svc.invite_find(token=new_token, now=at(61)) == second
    with pytest.raises(ValidationError):
        svc.invite_accept(token=old_token, user=partner, now=at(61))


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["", "not-a-token", "x" * 101])
def test_unknown_tokens_find_nothing(waiting, token):
    svc.invite_create(session=waiting, now=T0)
    assert svc.invite_find(token=token, now=T0) is None


@pytest.mark.django_db
def test_joining_with_an_account_makes_them_the_candidate_of_every_round(owner, partner, alpha):
    session = svc.paired_session_create(interviewer=owner, loop=alpha, now=T0)
    invite, token = svc.invite_create(session=session, now=T0)
    before = {r.pk: r.version for r in session.rounds.all()}
    joined, user = svc.invite_accept(token=token, user=partner, display_name="ignored", now=at(5))
    assert joined == session and user == partner
    session.refresh_from_db()
    assert session.partner == partner
    assert [(r.interviewer, r.candidate) for r in session.rounds.order_by("order")] == [(owner, partner)] * 2
    assert all(r.version > before[r.pk] for r in session.rounds.all())  # the waiting pages move on
    invite.refresh_from_db()
    assert (invite.accepted_at, invite.accepted_by, invite.state(at(6))) == (at(5), partner, "accepted")
    assert not Guest.objects.exists()


@pytest.mark.django_db
def test_joining_as_a_guest_makes_a_user_without_a_password(waiting):
    _, token = svc.invite_create(session=waiting, now=T0)
    session, user = svc.invite_accept(token=token, display_name="  Ada \n  Lovelace ", now=at(5))
    guest = Guest.objects.get()
    assert guest.user == user and guest.display_name == "Ada Lovelace"
    assert not user.has_usable_password()
    assert user.username.startswith("guest-")
    session.refresh_from_db()
    assert session.partner == user and session.rounds.get().candidate == user
    assert svc.display_name(user) == "Ada Lovelace"


@pytest.mark.django_db
def test_a_guest_keeps_their_account_and_everything_in_it(waiting, partner):
    _, token = svc.invite_create(session=waiting, now=T0)
    session, user = svc.invite_accept(token=token, display_name="Ada", now=at(5))
    kept = svc.guest_account_keep(user=user, username="ada", password="a-long-pass-phrase-42")
    assert kept.pk == user.pk and not Guest.objects.exists()
    kept.refresh_from_db()
    assert kept.username == "ada" and kept.check_password("a-long-pass-phrase-42")
    session.refresh_from_db()
    assert session.partner == kept and session.rounds.get().candidate == kept
    assert svc.display_name(kept) == "ada"
    with pytest.raises(ValidationError):  # only once, and never for an ordinary account
        svc.guest_account_keep(user=kept, username="ada2", password="another-long-phrase")
    with pytest.raises(ValidationError):
        svc.guest_account_keep(user=partner, username="bob2", password="another-long-phrase")
    partner.refresh_from_db()
    assert partner.username == "bob"


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["", "   ", "x" * 61])
def test_a_guest_needs_a_name_of_1_to_60_characters(waiting, name):
    _, token = svc.invite_create(session=waiting, now=T0)
    users = get_user_model().objects.count()
    with pytest.raises(ValidationError) as caught:
        svc.invite_accept(token=token, display_name=name, now=at(5))
    assert "display_name" in caught.value.message_dict
    assert get_user_model().objects.count() == users and not Guest.objects.exists()
    assert svc.invite_find(token=token, now=at(6)) is not None  # still usable


@pytest.mark.django_db
def test_an_invite_admits_one_person(waiting, partner, outsider):
    _, token = svc.invite_create(session=waiting, now=T0)
    svc.invite_accept(token=token, user=partner, now=at(5))
    with pytest.raises(ValidationError, match="not valid"):
        svc.invite_accept(token=token, user=outsider, now=at(6))
    with pytest.raises(ValidationError, match="not valid"):
        svc.invite_accept(token=token, display_name="Eve", now=at(7))
    waiting.refresh_from_db()
    assert waiting.partner == partner and waiting.rounds.get().candidate == partner
    assert not Guest.objects.exists()


@pytest.mark.django_db
def test_the_owner_cannot_accept_their_own_invite(waiting, owner):
    _, token = svc.invite_create(session=waiting, now=T0)
    with pytest.raises(ValidationError, match="You set up this session"):
        svc.invite_accept(token=token, user=owner, now=at(5))
    waiting.refresh_from_db()
    assert waiting.partner is None and waiting.rounds.get().candidate is None
    assert svc.invite_find(token=token, now=at(6)) is not None


@pytest.mark.django_db
def test_no_new_invite_once_the_candidate_has_joined(waiting, partner):
    join(waiting, partner)
    with pytest.raises(ValidationError, match="already joined"):
        svc.invite_create(session=waiting, now=at(10))
    assert Invite.objects.count() == 1


@pytest.mark.django_db
def test_a_solo_session_has_no_invite(owner, mini_pack):
    session = round_svc.session_start(owner=owner, question=Question.objects.get(slug="sum-two"), now=T0)
    with pytest.raises(ValidationError, match="Only a paired session"):
        svc.invite_create(session=session, now=T0)
    assert not Invite.objects.exists()


# ---------------------------------------------------------------- starting and the clock


@pytest.mark.django_db
def test_a_paired_round_starts_only_once_the_candidate_has_joined(waiting, partner):
    stage_round = waiting.rounds.get()
    with pytest.raises(round_svc.RoundClosed, match="has not joined"):
        round_svc.round_start(round=stage_round, now=T0)
    stage_round.refresh_from_db()
    assert stage_round.status == "pending" and not stage_round.events.exists()
    join(waiting, partner)
    stage_round.refresh_from_db()
    assert round_svc.round_start(round=stage_round, now=at(5)).status == "running"


@pytest.mark.django_db
def test_added_time_moves_the_deadline_and_is_logged(live_round):
    before = version(live_round)
    round_svc.round_add_time(round=live_round, minutes=5, now=at(600))
    assert live_round.duration_seconds == 50 * 60
    assert version(live_round) > before
    event = live_round.events.get(kind=RoundEvent.Kind.TIME_ADDED)
    assert (event.detail, event.offset_seconds) == ("+5 min", 600)
    # The old deadline passes without closing the round; the new one closes it, at the new deadline.
    assert round_svc.rounds_close_expired(now=at(45 * 60 + 10)) == 0
    live_round.refresh_from_db()
    assert live_round.status == "running" and live_round.remaining_seconds(at(45 * 60 + 10)) == 5 * 60 - 10
    assert round_svc.rounds_close_expired(now=at(51 * 60)) == 1
    live_round.refresh_from_db()
    assert (live_round.status, live_round.end_reason, live_round.ended_at) == ("finished", "time_up", at(50 * 60))


@pytest.mark.django_db
@pytest.mark.parametrize("minutes", [0, -5, 31])
def test_time_is_added_1_to_30_minutes_at_a_time(live_round, minutes):
    with pytest.raises(ValidationError) as caught:
        round_svc.round_add_time(round=live_round, minutes=minutes, now=at(60))
    assert "minutes" in caught.value.message_dict
    live_round.refresh_from_db()
    assert live_round.duration_seconds == 45 * 60
    assert not live_round.events.filter(kind=RoundEvent.Kind.TIME_ADDED).exists()


@pytest.mark.django_db
def test_a_round_runs_at_most_four_hours(owner, partner, screen):
    session = join(svc.paired_session_create(interviewer=owner, stage=screen, duration_minutes=180, now=T0), partner)
    stage_round = round_svc.round_start(round=session.rounds.get(), now=T0)
    round_svc.round_add_time(round=stage_round, minutes=30, now=at(60))
    round_svc.round_add_time(round=stage_round, minutes=30, now=at(120))
    assert stage_round.duration_seconds == 4 * 3600
    with pytest.raises(ValidationError, match="four hours"):
        round_svc.round_add_time(round=stage_round, minutes=1, now=at(180))
    stage_round.refresh_from_db()
    assert stage_round.duration_seconds == 4 * 3600


@pytest.mark.django_db
def test_time_is_added_only_to_a_running_or_paused_round(waiting, partner):
    join(waiting, partner)
    stage_round = waiting.rounds.get()
    with pytest.raises(round_svc.RoundClosed):
        round_svc.round_add_time(round=stage_round, minutes=5, now=T0)  # not started
    round_svc.round_start(round=stage_round, now=T0)
    round_svc.round_pause(round=stage_round, now=at(60))
    round_svc.round_add_time(round=stage_round, minutes=5, now=at(90))  # paused is fine
    round_svc.round_resume(round=stage_round, now=at(120))
    with pytest.raises(round_svc.RoundClosed):
        round_svc.round_add_time(round=stage_round, minutes=5, now=at(3 * 3600))  # time ran out first
    stage_round.refresh_from_db()
    assert (stage_round.status, stage_round.duration_seconds) == ("finished", 50 * 60)


@pytest.mark.django_db
def test_in_a_paired_round_constraints_come_only_from_the_interviewer(owner, partner, screen):
    session = join(svc.paired_session_create(interviewer=owner, stage=screen, questions=questions("design-feed"),
                                             now=T0), partner)
    stage_round = round_svc.round_start(round=session.rounds.get(), now=T0)
    round_svc.round_sync(round=stage_round, now=at(45 * 60 * 2 / 3 + 1))  # past the solo schedule of both
    rq = stage_round.questions.get()
    rq.refresh_from_db()
    assert rq.constraints_revealed == 0
    round_svc.constraint_reveal_next(round_question=rq, now=at(1900))
    assert rq.constraints_revealed == 1


@pytest.mark.django_db
def test_in_a_paired_round_the_model_answer_stays_with_the_interviewer(owner, partner, screen):
    session = join(svc.paired_session_create(interviewer=owner, stage=screen, questions=questions("bayes"), now=T0),
                   partner)
    stage_round = round_svc.round_start(round=session.rounds.get(), now=T0)
    rq = stage_round.questions.get()
    with pytest.raises(ValidationError, match="stays with the interviewer"):
        round_svc.model_answer_reveal(round_question=rq, now=at(60))
    rq.refresh_from_db()
    assert rq.model_answer_revealed_at is None
    assert not RoundEvent.objects.filter(kind=RoundEvent.Kind.REVEAL_ANSWER).exists()


# ---------------------------------------------------------------- hints


@pytest.mark.django_db
def test_hints_are_given_one_rung_at_a_time_and_logged(live_round):
    rq = live_round.questions.get(order=0)  # sum-two: two hints
    before = version(live_round)
    round_svc.hint_reveal_next(round_question=rq, now=at(100))
    assert rq.hints_revealed == 1 and version(live_round) > before
    before = version(live_round)
    round_svc.hint_reveal_next(round_question=rq, now=at(200))
    assert rq.hints_revealed == 2 and version(live_round) > before
    with pytest.raises(ValidationError, match="Every hint is already shown"):
        round_svc.hint_reveal_next(round_question=rq, now=at(300))
    rq.refresh_from_db()
    assert rq.hints_revealed == 2
    events = RoundEvent.objects.filter(kind=RoundEvent.Kind.REVEAL_HINT).order_by("id")
    assert [(e.round_question_id, e.detail, e.offset_seconds) for e in events] == [
        (rq.pk, "hint 1", 100), (rq.pk, "hint 2", 200)
    ]
    given = [hint.text for hint in rq.question.hints.all()[: rq.hints_revealed]]
    assert given[0] == "Split the line."


@pytest.mark.django_db
def test_a_question_without_hints_says_so(live_round):
    with pytest.raises(ValidationError, match="has no hints"):
        round_svc.hint_reveal_next(round_question=live_round.questions.get(order=1), now=at(60))  # bayes


@pytest.mark.django_db
def test_hints_wait_for_a_running_round(live_round):
    round_svc.round_pause(round=live_round, now=at(60))
    rq = live_round.questions.get(order=0)
    with pytest.raises(round_svc.RoundClosed, match="paused"):
        round_svc.hint_reveal_next(round_question=rq, now=at(70))
    rq.refresh_from_db()
    assert rq.hints_revealed == 0


# ---------------------------------------------------------------- swapping roles


@pytest.mark.django_db
def test_a_swap_makes_a_new_round_with_roles_reversed_on_a_question_new_to_the_session(owner, partner, screen):
    first = ended_round(owner, partner, screen, "sum-two", "bayes")
    before = version(first)
    swapped = svc.round_swap(round=first, now=at(700), rng=random.Random(1))
    assert (swapped.order, swapped.status, swapped.stage, swapped.duration_seconds) == (1, "pending", screen, 45 * 60)
    assert (swapped.interviewer, swapped.candidate) == (partner, owner)
    assert slugs_of(swapped) == ["design-feed"]  # the one question of the stage not used yet
    assert version(first) > before  # both summary pages move on
    assert round_svc.round_start(round=swapped, now=at(800)).status == "running"


@pytest.mark.django_db
def test_a_swap_never_repeats_a_question_of_the_session(owner, partner, screen):
    # Every question of the stage was in the first round: the new candidate interviewed on all of them, with
    # the model answers on screen, so there is nothing fair left to draw.
    first = ended_round(owner, partner, screen, "sum-two", "bayes", "design-feed")
    with pytest.raises(ValidationError):
        svc.round_swap(round=first, now=at(700), rng=random.Random(1))
    assert first.session.rounds.count() == 1


@pytest.mark.django_db
def test_a_swap_with_a_next_round_waiting_swaps_that_rounds_roles(owner, partner, alpha):
    session = join(svc.paired_session_create(interviewer=owner, loop=alpha, now=T0), partner)
    first, second = session.rounds.order_by("order")
    round_svc.round_start(round=first, now=T0)
    round_svc.round_end(round=first, now=at(60))
    before = version(second)
    result = svc.round_swap(round=first, now=at(70))
    assert result.pk == second.pk and session.rounds.count() == 2
    assert (result.interviewer, result.candidate, result.status) == (partner, owner, "pending")
    assert version(second) > before


@pytest.mark.django_db
def test_a_swapped_waiting_round_gets_questions_new_to_the_session_when_the_stage_has_some(owner, partner, screen):
    # Its planned interviewer may have read its questions before the swap made them its candidate.
    first = ended_round(owner, partner, screen, "sum-two")
    planned = Round.objects.create(session=first.session, stage=screen, order=1, title="Next", stage_kind="coding",
                                   duration_seconds=1800, interviewer=owner, candidate=partner)
    RoundQuestion.objects.create(round=planned, question=Question.objects.get(slug="bayes"), order=0)
    swapped = svc.round_swap(round=first, now=at(700), rng=random.Random(3))
    assert swapped.pk == planned.pk and (swapped.interviewer, swapped.candidate) == (partner, owner)
    assert list(swapped.questions.values_list("question__slug", flat=True)) == ["design-feed"]


@pytest.mark.django_db
def test_pressing_swap_twice_keeps_the_roles_swapped(owner, partner, screen):
    # Both people see "Swap roles" on their summary pages; when both press it, the swap must not undo itself.
    first = ended_round(owner, partner, screen, "sum-two")
    swapped = svc.round_swap(round=first, now=at(700), rng=random.Random(1))
    again = svc.round_swap(round=first, now=at(701), rng=random.Random(1))
    assert again.pk == swapped.pk and first.session.rounds.count() == 2
    assert (again.interviewer, again.candidate) == (partner, owner)


@pytest.mark.django_db
def test_a_swap_is_refused_when_the_next_round_has_started(owner, partner, alpha):
    session = join(svc.paired_session_create(interviewer=owner, loop=alpha, now=T0), partner)
    first, second = session.rounds.order_by("order")
    round_svc.round_start(round=first, now=T0)
    round_svc.round_end(round=first, now=at(60))
    round_svc.round_start(round=second, now=at(120))
    with pytest.raises(round_svc.RoundClosed, match="already started"):
        svc.round_swap(round=first, now=at(130))
    second.refresh_from_db()
    assert (second.interviewer, second.candidate) == (owner, partner)


@pytest.mark.django_db
def test_a_swap_waits_for_the_round_to_end(waiting, partner):
    join(waiting, partner)
    stage_round = waiting.rounds.get()
    with pytest.raises(round_svc.RoundClosed, match="once this round has ended"):
        svc.round_swap(round=stage_round, now=T0)  # not started
    round_svc.round_start(round=stage_round, now=T0)
    with pytest.raises(round_svc.RoundClosed, match="once this round has ended"):
        svc.round_swap(round=stage_round, now=at(60))  # running
    round_svc.round_pause(round=stage_round, now=at(70))
    with pytest.raises(round_svc.RoundClosed, match="once this round has ended"):
        svc.round_swap(round=stage_round, now=at(80))  # paused
    assert waiting.rounds.count() == 1


@pytest.mark.django_db
def test_a_swap_needs_a_paired_session_with_both_people(owner, waiting, mini_pack):
    solo = round_svc.session_start(owner=owner, question=Question.objects.get(slug="sum-two"), now=T0).rounds.get()
    round_svc.round_end(round=solo, now=at(60))
    with pytest.raises(ValidationError, match="both people have joined"):
        svc.round_swap(round=solo, now=at(70))
    with pytest.raises(ValidationError, match="both people have joined"):
        svc.round_swap(round=waiting.rounds.get(), now=at(70))  # nobody has joined
    assert Round.objects.count() == 2


# ---------------------------------------------------------------- versions: what the live poll notices


@pytest.mark.django_db
def test_changes_the_other_side_must_see_bump_the_version(live_round):
    first, second = live_round.questions.order_by("order")

    def bumps(change) -> bool:
        before = version(live_round)
        change()
        return version(live_round) > before

    assert bumps(lambda: round_svc.answer_save(round_question=first, values={"code": "x = 1"}, now=at(10)))
    assert not bumps(lambda: round_svc.answer_save(round_question=first, values={"code": "x = 1"}, now=at(11)))
    assert bumps(lambda: round_svc.hint_reveal_next(round_question=first, now=at(20)))
    assert bumps(lambda: round_svc.question_switch(round_question=second, now=at(30)))
    assert bumps(lambda: round_svc.round_pause(round=live_round, now=at(40)))
    assert bumps(lambda: round_svc.round_resume(round=live_round, now=at(50)))
    assert bumps(lambda: round_svc.round_add_time(round=live_round, minutes=1, now=at(60)))
    assert bumps(lambda: round_svc.round_end(round=live_round, now=at(70)))
    assert bumps(lambda: svc.round_swap(round=live_round, now=at(80), rng=random.Random(1)))


@pytest.mark.django_db
def test_starting_a_run_bumps_the_version(live_round, partner, django_capture_on_commit_callbacks):
    rq = live_round.questions.get(order=0)
    before = version(live_round)
    with django_capture_on_commit_callbacks(execute=False):
        submission_create(user=partner, round_question=rq, language="python", source=RIGHT, kind="run")
    assert version(live_round) > before
    assert Submission.objects.get().status == "queued"


def _queued(partner, rq) -> Submission:
    return Submission.objects.create(user=partner, round_question=rq, question=rq.question, language="python",
                                     source=RIGHT)


def _stale(partner, rq, attempts) -> Submission:
    submission = _queued(partner, rq)
    Submission.objects.filter(pk=submission.pk).update(
        status="running", attempts=attempts, started_at=timezone.now() - timedelta(hours=1)
    )
    return submission


STATE_CHANGES = {  # what happens to a run, and the status it is left in
    "claimed": (lambda partner, rq: submission_claim(submission_id=_queued(partner, rq).pk, worker="w1"), "running"),
    "finished": (lambda partner, rq: submission_execute(submission_id=_queued(partner, rq).pk, worker="w1"), "done"),
    "requeued by recovery": (lambda partner, rq: (_stale(partner, rq, attempts=1), submissions_recover()), "queued"),
    "failed by recovery": (lambda partner, rq: (_stale(partner, rq, attempts=2), submissions_recover()), "error"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("change", list(STATE_CHANGES))
def test_every_state_change_of_a_run_bumps_the_version(live_round, partner, change):
    # The interviewer's live view lists the candidate's runs with their status (queued, running, a verdict).
    rq = live_round.questions.get(order=0)
    make_change, status = STATE_CHANGES[change]
    before = version(live_round)
    make_change(partner, rq)
    assert Submission.objects.get().status == status
    assert version(live_round) > before, f"a run {change} left the version at {before}"


@pytest.mark.django_db
def test_private_notes_and_drafts_do_not_bump_the_version(live_round, owner):
    # The candidate's page polls the version: a bump on every keystroke of the interviewer's notes would tell
    # the candidate when (and how much) they are being written about.
    before = version(live_round)
    note = note_svc.note_save(round=live_round, author=owner, body="Reads input first.", now=at(30))
    note_svc.note_save(round=live_round, author=owner, body="Reads input first, then adds.", note_id=note.pk,
                       now=at(40))
    note_svc.note_tag_toggle(round=live_round, author=owner, tag="strong", note_id=note.pk, now=at(50))
    note_svc.note_tag_toggle(round=live_round, author=owner, tag="red_flag", now=at(60))
    note_svc.note_delete(round=live_round, author=owner, note_id=note.pk)
    note_svc.scorecard_save(round=live_round, interviewer=owner, ratings={}, recommendation="yes", feedback="Draft")
    assert version(live_round) == before


@pytest.mark.django_db
def test_structured_notes_do_not_bump_the_version(owner, partner, mini_pack):
    chat = Stage.objects.get(slug="chat")
    session = join(svc.paired_session_create(interviewer=owner, stage=chat, now=T0), partner)
    stage_round = round_svc.round_start(round=session.rounds.get(), now=T0)
    before = version(stage_round)
    note_svc.sheet_save(round=stage_round, author=owner, values={"situation": "Vague", "rating_ownership": "2"},
                        round_question=stage_round.questions.get(), now=at(30))
    assert version(stage_round) == before


@pytest.mark.django_db
def test_no_invite_for_a_session_with_no_round_left_to_interview_in(owner, screen):
    # An imported paired session has finished rounds and no candidate: a joiner must not inherit them.
    session = svc.paired_session_create(interviewer=owner, stage=screen, now=T0)
    session.rounds.update(status=Round.Status.FINISHED)
    with pytest.raises(ValidationError, match="no round left"):
        svc.invite_create(session=session, now=T0)
    assert not Invite.objects.exists()
