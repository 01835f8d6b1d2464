"""The shared pads' services (sessions/live/pads.py): access, the first state, and saving by merging."""

import pycrdt
import pytest

from sessions.live.pads import TEXT, pad_access, pad_persist, pad_state_load, pad_text
from sessions.models import Round, SharedDocument, Snapshot
from sessions.rounds import services as round_services


def _edit(state: bytes, at: int, text: str) -> bytes:
    """Another copy of the document with `text` typed at `at`, as a browser would send it."""
    doc = pycrdt.Doc()
    doc.apply_update(state)
    doc.get(TEXT, type=pycrdt.Text).insert(at, text)
    return doc.get_update()


@pytest.mark.django_db
def test_both_people_may_type_and_outsiders_may_not_open(live_round, owner, partner, outsider):
    candidate, interviewer = pad_access(partner, live_round.pk, 1, "code"), pad_access(owner, live_round.pk, 1, "code")
    assert candidate.can_write and interviewer.can_write
    assert (candidate.role, interviewer.role) == ("candidate", "interviewer")
    assert candidate.colour != interviewer.colour
    assert pad_access(outsider, live_round.pk, 1, "code") is None


@pytest.mark.django_db
@pytest.mark.parametrize("number, field", [(1, "language"), (1, "answer"), (1, "secret"), (3, "code")])
def test_only_the_questions_own_text_fields_are_pads(live_round, partner, number, field):
    assert pad_access(partner, live_round.pk, number, field) is None


@pytest.mark.django_db
def test_a_candidate_only_pad_is_read_only_for_the_interviewer(live_round, owner, partner):
    Round.objects.filter(pk=live_round.pk).update(pad_candidate_only=True)
    assert not pad_access(owner, live_round.pk, 1, "code").can_write
    assert pad_access(partner, live_round.pk, 1, "code").can_write


@pytest.mark.django_db
def test_nobody_types_in_a_finished_round(live_round, owner, partner):
    round_services.round_end(round=Round.objects.get(pk=live_round.pk))
    assert not pad_access(partner, live_round.pk, 1, "code").can_write
    assert not pad_access(owner, live_round.pk, 1, "code").can_write


@pytest.mark.django_db
def test_the_first_state_is_the_saved_answer_or_the_starter(live_round):
    sum_two = live_round.questions.get(question__slug="sum-two")
    starter = sum_two.question.starters.get(language="python").code
    assert pad_text(pad_state_load(round_question_id=sum_two.pk, field="code")) == starter
    bayes = live_round.questions.get(question__slug="bayes")
    bayes.answer = "Prior times likelihood."
    bayes.save()
    assert pad_text(pad_state_load(round_question_id=bayes.pk, field="answer")) == "Prior times likelihood."


@pytest.mark.django_db
def test_two_servers_seeding_the_same_pad_do_not_double_its_text(live_round):
    sum_two = live_round.questions.get(question__slug="sum-two")
    first = pad_state_load(round_question_id=sum_two.pk, field="code")
    SharedDocument.objects.all().delete()  # as if the other process had not seen this one's row
    second = pad_state_load(round_question_id=sum_two.pk, field="code")
    assert pad_text(pycrdt.merge_updates(first, second)) == pad_text(first)


@pytest.mark.django_db
def test_saving_merges_what_each_process_holds_and_saves_the_answer_with_a_snapshot(live_round):
    sum_two = live_round.questions.get(question__slug="sum-two")
    base = pad_state_load(round_question_id=sum_two.pk, field="code")
    starter = pad_text(base)
    # Two processes' copies, each with an edit the other has not seen yet.
    pad_persist(round_question_id=sum_two.pk, field="code", state=_edit(base, 0, "# alice\n"))
    text = pad_persist(round_question_id=sum_two.pk, field="code", state=_edit(base, len(starter), "# bob\n"))
    assert text == "# alice\n" + starter + "# bob\n"
    sum_two.refresh_from_db()
    assert sum_two.code == text
    assert Snapshot.objects.filter(round_question=sum_two, field="code").latest("id").content == text


@pytest.mark.django_db
def test_saving_after_the_round_ended_keeps_the_document_and_the_last_answer(live_round):
    sum_two = live_round.questions.get(question__slug="sum-two")
    base = pad_state_load(round_question_id=sum_two.pk, field="code")
    pad_persist(round_question_id=sum_two.pk, field="code", state=_edit(base, 0, "# before\n"))
    round_services.round_end(round=Round.objects.get(pk=live_round.pk))
    late = _edit(bytes(SharedDocument.objects.get().state), 0, "# after\n")
    pad_persist(round_question_id=sum_two.pk, field="code", state=late)
    sum_two.refresh_from_db()
    assert sum_two.code.startswith("# before\n")
    assert pad_text(bytes(SharedDocument.objects.get().state)).startswith("# after\n# before\n")


@pytest.mark.django_db
def test_a_document_behind_the_saved_answer_catches_up_when_the_pad_opens(live_round):
    """The answer was saved over HTTP while the pad could not connect: the pad opens on the saved text."""
    sum_two = live_round.questions.select_related("question", "round__session").get(question__slug="sum-two")
    pad_state_load(round_question_id=sum_two.pk, field="code")
    round_services.answer_save(round_question=sum_two, values={"code": "print('typed without the pad')\n"})
    state = pad_state_load(round_question_id=sum_two.pk, field="code")
    assert pad_text(state) == "print('typed without the pad')\n"
    assert pad_text(bytes(SharedDocument.objects.get().state)) == "print('typed without the pad')\n"
