"""What an autosave may carry: only its question kind's fields, and replay history within the storage caps."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from questions.models import Question
from sessions.models import Round, RoundQuestion, Snapshot
from sessions.rounds import answers
from sessions.rounds import services as svc
from sessions.rounds.answer_limits import user_snapshot_bytes

T0 = timezone.now().replace(microsecond=0)
SLUG_OF_KIND = {"coding": "sum-two", "concept": "bayes", "design": "design-feed", "behavioral": "why-us"}


def at(seconds: float):
    return T0 + timedelta(seconds=seconds)


def question_of(owner, kind: str) -> RoundQuestion:
    session = svc.session_start(owner=owner, question=Question.objects.get(slug=SLUG_OF_KIND[kind]), now=T0)
    return session.rounds.get().questions.get()


def kept_bytes(stage_round) -> int:
    return sum(len(s.content.encode()) for s in Snapshot.objects.filter(round_question__round=stage_round))


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(SLUG_OF_KIND))
def test_it_knows_the_fields_the_round_page_shows_for_each_kind(owner, mini_pack, kind):
    rq = question_of(owner, kind)
    client = Client()
    client.force_login(owner)
    html = client.get(f"/practice/rounds/{rq.round_id}/").content.decode()
    form = re.search(r'<form id="answer-form".*?</form>', html, re.S).group(0)
    # The coding pad's own test cases sit in the form too, but are not answer fields (sessions/runs/own_cases.py).
    shown = set(re.findall(r'<(?:textarea|select) name="(\w+)"', form)) - {"case_input", "case_expected"}
    assert shown == set(rq.answer_fields)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(SLUG_OF_KIND))
def test_it_refuses_every_field_of_another_kind_and_saves_nothing(owner, mini_pack, kind):
    rq = question_of(owner, kind)
    own = rq.answer_fields[0]
    for foreign in ("language", *RoundQuestion.ANSWER_FIELDS):
        if foreign in rq.answer_fields:
            continue
        value = "python" if foreign == "language" else "stowaway text"
        with pytest.raises(ValidationError) as caught:
            svc.answer_save(round_question=rq, values={own: "mine", foreign: value}, now=at(5))
        assert f"no “{foreign}” field" in caught.value.message_dict[foreign][0]
    rq.refresh_from_db()
    assert getattr(rq, own) == "" and not Snapshot.objects.exists()
    assert svc.answer_save(round_question=rq, values={own: "mine"}, now=at(6)) == [own]


@pytest.mark.django_db
def test_it_counts_the_history_it_keeps_in_bytes(owner, mini_pack):
    rq = question_of(owner, "behavioral")
    svc.answer_save(round_question=rq, values={"situation": "Café", "task": "ship"}, now=at(1))
    svc.answer_save(round_question=rq, values={"situation": "Café déjà"}, now=at(2))
    assert Round.objects.get(pk=rq.round_id).snapshot_bytes == kept_bytes(rq.round) == 5 + 4 + 12


@pytest.mark.django_db
def test_it_gives_back_the_bytes_that_thinning_deletes(owner, mini_pack, monkeypatch):
    monkeypatch.setattr(answers, "MAX_SNAPSHOTS_PER_FIELD", 4)
    rq = question_of(owner, "coding")
    for i in range(12):
        svc.answer_save(round_question=rq, values={"code": "é" * (i + 1)}, now=at(i + 1))
    assert Snapshot.objects.count() <= 4
    assert Round.objects.get(pk=rq.round_id).snapshot_bytes == kept_bytes(rq.round)


@pytest.mark.django_db
def test_it_still_saves_the_answer_when_the_rounds_history_is_full(owner, mini_pack, settings):
    settings.SNAPSHOT_BYTES_PER_ROUND = 10
    rq = question_of(owner, "concept")
    first = svc.answer_save(round_question=rq, values={"answer": "12345678"}, now=at(1))
    assert first == ["answer"] and not first.history_full
    second = svc.answer_save(round_question=rq, values={"answer": "1234567890"}, now=at(2))
    assert second == ["answer"] and second.history_full
    rq.refresh_from_db()
    assert rq.answer == "1234567890"  # the latest answer is kept
    assert list(Snapshot.objects.values_list("content", flat=True)) == ["12345678"]  # the replay stopped
    assert Round.objects.get(pk=rq.round_id).snapshot_bytes == 8


@pytest.mark.django_db
def test_it_caps_the_history_of_all_a_users_rounds(owner, mini_pack, settings):
    settings.SNAPSHOT_BYTES_PER_USER = 20
    first = question_of(owner, "concept")
    svc.answer_save(round_question=first, values={"answer": "x" * 15}, now=at(1))
    svc.round_end(round=first.round, now=at(2))
    second = question_of(owner, "design")
    saved = svc.answer_save(round_question=second, values={"answer": "y" * 6}, now=at(3))
    assert saved.history_full
    second.refresh_from_db()
    assert second.answer == "y" * 6 and not Snapshot.objects.filter(round_question=second).exists()
    assert user_snapshot_bytes(owner.pk) == 15
    assert not svc.answer_save(round_question=second, values={"answer": "y" * 5}, now=at(4)).history_full
