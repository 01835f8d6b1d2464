"""Model rules the database enforces, and the small behaviours on the models."""

import pytest
from django.db import IntegrityError, transaction

from questions.models import InterviewLoop, Question, Stage, StarterCode


@pytest.mark.django_db
def test_stage_refs_urls_and_totals(mini_pack):
    loop = InterviewLoop.objects.get(slug="alpha")
    screen, chat = loop.stages.all()
    assert screen.ref == "alpha/screen"
    assert loop.total_minutes == 45 + 2 * 30
    assert loop.get_absolute_url() == "/loops/mini/alpha/"
    question = Question.objects.get(slug="sum-two")
    assert question.get_absolute_url() == "/questions/sum-two/"
    assert question.is_coding and str(question) == "Sum two numbers"
    assert str(screen) == "Alpha loop: Coding screen"


@pytest.mark.django_db
@pytest.mark.parametrize("fields", [{"duration_minutes": 0}, {"rounds": 0}])
def test_stages_need_a_positive_duration_and_round_count(mini_pack, fields):
    loop = InterviewLoop.objects.get(slug="alpha")
    values = {"loop": loop, "slug": "x", "kind": "coding", "title": "X", "duration_minutes": 10, **fields}
    with pytest.raises(IntegrityError), transaction.atomic():
        Stage.objects.create(**values)


@pytest.mark.django_db
def test_slugs_are_unique_where_they_must_be(mini_pack):
    loop = InterviewLoop.objects.get(slug="alpha")
    with pytest.raises(IntegrityError), transaction.atomic():
        Stage.objects.create(loop=loop, slug="screen", kind="coding", title="Again", duration_minutes=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        InterviewLoop.objects.create(pack=mini_pack, slug="alpha", name="Again")
    with pytest.raises(IntegrityError), transaction.atomic():
        StarterCode.objects.create(question=Question.objects.get(slug="sum-two"), language="python", code="x")


@pytest.mark.django_db
def test_deleting_a_pack_removes_everything_in_it(mini_pack):
    mini_pack.delete()
    assert not Question.objects.exists() and not Stage.objects.exists()
