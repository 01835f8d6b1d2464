"""The import rules (`sessions.portability.rules`): who may import, what an import may bring in, and
that nothing imported can be taken part in as a live round afterwards.

The documents are real exports of sessions built with the real services, some of them then edited
the way a forger would edit them.
"""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from questions.models import Question, Stage
from sessions.feedback import notes as note_services
from sessions.models import Guest, InterviewSession, Invite, Round, Submission
from sessions.paired import services as paired_services
from sessions.paired.tokens import new_token
from sessions.rounds import services as round_services
from sessions.rounds.answer_limits import user_snapshot_bytes
from sessions.rounds.refusals import RoundClosed
from sessions.runs.submissions import submission_create
from sessions.portability.importer import user_data_import
from sessions.portability.rules import GUEST_IMPORT, IMPORTED_ROUND, IMPORTED_SESSION
from tests.sessions.portability.test_data_import import counts, exported, sum_two
from tests.sessions.portability.test_exports import build_paired, build_solo, fresh, question_in

User = get_user_model()


def paired_round(document: dict) -> dict:
    return next(s for s in document["sessions"] if s["mode"] == "paired")["rounds"][0]


def reopened(round_data: dict, status: str) -> dict:
    """What a forger does to make a finished round look open: drop the end, and the released feedback."""
    round_data.update(status=status, ended_at=None, end_reason="")
    if status == "pending":
        round_data.update(started_at=None, current=None, self_assessment=None)
    if round_data.get("scorecard"):
        round_data["scorecard"]["released_at"] = None
    return round_data


@pytest.fixture
def guest(db):
    user = User.objects.create_user("guest-1a2b3c")
    Guest.objects.create(user=user, display_name="Sam")
    return user


@pytest.fixture
def solo_document(owner, mini_pack):
    build_solo(owner)
    data = exported(owner)
    InterviewSession.objects.all().delete()
    return data


@pytest.fixture
def imported_solo(owner, solo_document):
    user_data_import(user=owner, data=solo_document)
    return InterviewSession.objects.get(owner=owner)


@pytest.fixture
def imported_candidate_round(owner, partner, mini_pack):
    """bob's export of the round alice interviewed him in (feedback released), imported by bob alone."""
    build_paired(owner, partner, release=True)
    data = exported(partner)
    InterviewSession.objects.all().delete()
    user_data_import(user=partner, data=data)
    return Round.objects.select_related("session").get(session__owner=partner)


# ---------------------------------------------------------------- who may import


@pytest.mark.django_db
def test_it_refuses_a_guest_and_saves_nothing(guest, solo_document):
    before = counts()
    with pytest.raises(PermissionDenied) as caught:
        user_data_import(user=guest, data=solo_document)
    assert str(caught.value) == GUEST_IMPORT
    assert counts() == before


@pytest.mark.django_db
def test_it_refuses_a_question_the_live_candidate_may_not_see_until_the_round_ends(owner, partner, solo_document):
    """bob is the candidate of a running paired round on sum-two: an old solo export of it stays out."""
    live = paired_services.paired_session_create(
        interviewer=owner, stage=Stage.objects.get(slug="screen"), questions=[Question.objects.get(slug="sum-two")],
    )
    _, token = paired_services.invite_create(session=live)
    paired_services.invite_accept(token=token, user=partner)
    live_round = round_services.round_start(round=fresh(live.rounds.get()))
    before = counts()

    with pytest.raises(ValidationError) as caught:
        user_data_import(user=partner, data=solo_document)

    assert counts() == before
    title = Question.objects.get(slug="sum-two").title
    assert any(f"the answers of “{title}” are hidden from you right now" in m for m in caught.value.messages)
    assert not any("“Bayes" in m for m in caught.value.messages)  # the other questions are not named

    round_services.round_end(round=fresh(live_round))
    assert user_data_import(user=partner, data=solo_document).created == 1  # the same rule, so it lifts


# ---------------------------------------------------------------- what an import creates


@pytest.mark.django_db
def test_it_marks_every_session_it_creates_as_imported(owner, imported_solo):
    assert imported_solo.is_imported
    assert imported_solo.imported_at <= timezone.now()
    assert all(r.is_imported for r in imported_solo.rounds.select_related("session"))


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["pending", "running", "paused"])
def test_it_closes_a_round_the_document_left_open(owner, partner, mini_pack, status):
    build_paired(owner, partner)
    data = exported(owner)
    reopened(paired_round(data), status)
    if status == "paused":
        paired_round(data)["paused_at"] = paired_round(data)["started_at"]
    InterviewSession.objects.all().delete()

    user_data_import(user=owner, data=data)

    stage_round = Round.objects.get()
    assert (stage_round.status, stage_round.end_reason) == (Round.Status.FINISHED, Round.EndReason.IMPORTED)
    assert stage_round.paused_at is None and stage_round.current_since is None
    assert (stage_round.started_at is None) == (status == "pending")
    assert stage_round.elapsed_seconds(timezone.now() + timedelta(days=1)) == stage_round.elapsed_seconds(
        timezone.now())  # its clock is stopped


@pytest.mark.django_db
def test_a_pre_filled_pending_round_cannot_be_offered_to_a_candidate(owner, partner, mini_pack):
    """The forged round of the issue: pending, with code and an accepted run in it, waiting for someone to join."""
    build_paired(owner, partner)
    data = exported(owner)
    reopened(paired_round(data), "pending")
    InterviewSession.objects.all().delete()
    user_data_import(user=owner, data=data)
    session = InterviewSession.objects.get()
    assert Submission.objects.filter(round_question__round__session=session).exists()

    with pytest.raises(ValidationError) as caught:
        paired_services.invite_create(session=session)

    assert caught.value.messages == [IMPORTED_SESSION]
    assert not Invite.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["pending", "running"])
def test_it_refuses_a_released_scorecard_on_a_round_that_never_ended(owner, partner, mini_pack, status):
    build_paired(owner, partner, release=True)
    data = exported(partner)
    round_data = reopened(paired_round(data), status)
    round_data["scorecard"]["released_at"] = "2026-03-02T09:20:00+00:00"
    InterviewSession.objects.all().delete()
    before = counts()

    with pytest.raises(ValidationError) as caught:
        user_data_import(user=partner, data=data)

    assert counts() == before
    assert f"sessions[0].rounds[0].scorecard.released_at: a round that is “{status}” has no released scorecard." in (
        caught.value.messages)


@pytest.mark.django_db
def test_it_refuses_a_self_assessment_on_a_round_that_never_ended(owner, solo_document):
    round_data = solo_document["sessions"][0]["rounds"][0]
    round_data.update(status="running", ended_at=None, end_reason="")
    with pytest.raises(ValidationError) as caught:
        user_data_import(user=owner, data=solo_document)
    assert "sessions[0].rounds[0].self_assessment: a round that is “running” has no self-assessment." in (
        caught.value.messages)


# ---------------------------------------------------------------- nothing imported is live, whatever its status


def forced(stage_round: Round, status: str, **times) -> Round:
    """A row put into a live status behind the services' back (by hand, or by a future bug)."""
    now = timezone.now()
    values = {"started_at": now, "ended_at": None, "end_reason": "", "paused_at": None, **times}
    Round.objects.filter(pk=stage_round.pk).update(status=status, **values)
    return fresh(stage_round)


@pytest.mark.django_db
def test_it_refuses_to_start_or_resume_an_imported_round(imported_solo):
    stage_round = imported_solo.rounds.get()
    events = stage_round.events.count()
    with pytest.raises(RoundClosed, match=IMPORTED_ROUND):
        round_services.round_start(round=forced(stage_round, "pending", started_at=None))
    with pytest.raises(RoundClosed, match=IMPORTED_ROUND):
        round_services.round_resume(round=forced(stage_round, "paused", paused_at=timezone.now()))
    assert stage_round.events.count() == events
    assert fresh(stage_round).status == Round.Status.PAUSED  # as forced: nothing moved it on


@pytest.mark.django_db
def test_it_refuses_to_save_reveal_or_run_in_an_imported_round(owner, imported_solo):
    stage_round = forced(imported_solo.rounds.get(), "running")
    runs = Submission.objects.count()
    sum_two, bayes = question_in(stage_round, "sum-two"), question_in(stage_round, "bayes")

    with pytest.raises(RoundClosed, match=IMPORTED_ROUND):
        round_services.answer_save(round_question=sum_two, values={"code": "print(3)\n"})
    with pytest.raises(RoundClosed, match=IMPORTED_ROUND):
        round_services.hint_reveal_next(round_question=sum_two)
    with pytest.raises(RoundClosed, match=IMPORTED_ROUND):
        round_services.model_answer_reveal(round_question=bayes)
    with pytest.raises(RoundClosed, match=IMPORTED_ROUND):
        submission_create(user=owner, language="python", source="print(3)\n", kind="submit", round_question=sum_two)

    assert Submission.objects.count() == runs
    assert question_in(stage_round, "sum-two").code != "print(3)\n"


@pytest.mark.django_db
def test_it_refuses_notes_on_an_imported_round(owner, imported_solo):
    stage_round = fresh(imported_solo.rounds.get())
    with pytest.raises(RoundClosed, match=IMPORTED_ROUND):
        note_services.note_save(round=stage_round, author=owner, body="Added afterwards.")
    assert not stage_round.notes.filter(body="Added afterwards.").exists()


@pytest.mark.django_db
def test_the_candidate_of_an_imported_round_cannot_send_or_release_feedback_in_it(partner, imported_candidate_round):
    stage_round = fresh(imported_candidate_round)
    with pytest.raises(RoundClosed, match=IMPORTED_ROUND):
        note_services.interviewer_feedback_send(
            round=stage_round, author=partner, ratings={"clarity": "4", "pacing": "4", "realism": "4"}, comments="",
        )
    with pytest.raises(RoundClosed, match=IMPORTED_ROUND):
        note_services.scorecard_release(round=forced(stage_round, "finished", ended_at=timezone.now()))
    assert stage_round.interviewer_feedback_or_none is None


@pytest.mark.django_db
def test_roles_cannot_be_swapped_into_a_new_round_of_an_imported_session(partner, imported_candidate_round):
    InterviewSession.objects.filter(pk=imported_candidate_round.session_id).update(partner=partner)  # even then
    with pytest.raises(RoundClosed, match=IMPORTED_ROUND):
        paired_services.round_swap(round=fresh(imported_candidate_round))
    assert Round.objects.filter(session=imported_candidate_round.session_id).count() == 1


@pytest.mark.django_db
def test_an_invite_to_an_imported_session_admits_nobody(outsider, imported_candidate_round):
    """However an invite came to exist, joining through it is refused with a message and changes nothing."""
    token, hashed = new_token()
    Invite.objects.create(session=imported_candidate_round.session, token_hash=hashed,
                          expires_at=timezone.now() + timedelta(days=1))
    with pytest.raises(ValidationError) as caught:
        paired_services.invite_accept(token=token, user=outsider)
    assert caught.value.messages == [IMPORTED_SESSION]
    session = InterviewSession.objects.get(pk=imported_candidate_round.session_id)
    assert session.partner is None and Invite.objects.get().accepted_at is None


# ---------------------------------------------------------------- imported history and the storage caps


def _solo_snapshots(document: dict) -> list[dict]:
    return [snap for s in document["sessions"] if s["mode"] == "solo"
            for r in s["rounds"] for q in r["questions"] for snap in q["snapshots"]]


@pytest.mark.django_db
def test_it_counts_imported_history_towards_the_round_and_the_user(owner, solo_document):
    expected = sum(len(snap["content"].encode()) for snap in _solo_snapshots(solo_document))
    assert expected > 0

    user_data_import(user=owner, data=solo_document)

    assert Round.objects.get(session__owner=owner).snapshot_bytes == expected
    assert user_snapshot_bytes(owner.pk) == expected


@pytest.mark.django_db
def test_it_refuses_an_import_that_would_pass_the_users_history_cap_and_saves_nothing(owner, solo_document,
                                                                                     settings):
    size = sum(len(snap["content"].encode()) for snap in _solo_snapshots(solo_document))
    settings.SNAPSHOT_BYTES_PER_USER = size - 1

    with pytest.raises(ValidationError, match="past its limit"):
        user_data_import(user=owner, data=solo_document)

    assert not InterviewSession.objects.exists()


@pytest.mark.django_db
def test_it_refuses_history_of_a_field_the_question_kind_has_not(owner, solo_document):
    sum_two(solo_document)["snapshots"][0]["field"] = "situation"  # a behavioural field on a coding question

    with pytest.raises(ValidationError, match="snapshots\\[0\\].field: expected one of"):
        user_data_import(user=owner, data=solo_document)
    assert not InterviewSession.objects.exists()
