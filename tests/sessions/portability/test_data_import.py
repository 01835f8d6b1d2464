"""The data import service: a JSON export read back into an empty database, bad documents, importing twice."""

import copy
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from questions.models import Pack, Question, Stage
from questions.services import pack_load
from sessions.portability.json_export import user_data
from sessions.feedback import notes as note_services
from sessions.models import (
    InterviewerFeedback,
    InterviewSession,
    Note,
    NoteSheet,
    Round,
    RoundEvent,
    RoundQuestion,
    Scorecard,
    Snapshot,
    Submission,
)
from sessions.rounds import services as round_services
from sessions.portability.importer import user_data_import
from sessions.portability.planner import UNFINISHED_RUN
from tests.conftest import MINI_PACK
from tests.sessions.portability.test_exports import at, build_paired, build_solo, fresh, question_in

User = get_user_model()
SESSION_ROWS = (
    InterviewSession, Round, RoundQuestion, Snapshot, Submission, RoundEvent, Note, NoteSheet, Scorecard,
    InterviewerFeedback,
)


@pytest.fixture
def partner(db):
    return User.objects.create_user("bob", password="correct-horse-battery")


def build_behavioural(owner) -> InterviewSession:
    """alice answers why-us alone and fills in the behavioural sheet on herself."""
    session = round_services.session_start(owner=owner, question=Question.objects.get(slug="why-us"), now=at(100))
    InterviewSession.objects.filter(pk=session.pk).update(created_at=at(100))
    stage_round = session.rounds.get()
    why_us = question_in(stage_round, "why-us")
    round_services.answer_save(round_question=why_us, values={"situation": "A migration.", "result": "On time."},
                               now=at(102))
    note_services.sheet_save(round=fresh(stage_round), author=owner, round_question=question_in(stage_round, "why-us"),
                             values={"situation": "Concrete enough.", "rating_ownership": "3"}, now=at(103))
    round_services.round_end(round=fresh(stage_round), now=at(110))
    return session


def as_file(data: dict) -> dict:
    """What the import reads: the document after a trip through JSON text."""
    return json.loads(json.dumps(data))


def normalised(data: dict) -> dict:
    """The export without what may differ between instances: the sessions' ids and the export time.

    A review's place names its session by id; it is kept as the session's position in the document.
    """
    data = copy.deepcopy(data)
    data.pop("exported_at")
    positions = {session.pop("id"): i for i, session in enumerate(data["sessions"])}
    for card in data["review_cards"]:
        for review in card["reviews"]:
            if review["at"] is not None:
                review["at"]["session"] = positions[review["at"]["session"]]
    return data


def counts() -> dict:
    return {model.__name__: model.objects.count() for model in SESSION_ROWS}


def empty_instance() -> None:
    """Everything gone, then the pack loaded afresh: new ids for every question, stage and rubric item."""
    InterviewSession.objects.all().delete()
    User.objects.all().delete()
    Pack.objects.all().delete()
    pack_load(path=MINI_PACK, verify_reference=False)


def exported(user) -> dict:
    return as_file(user_data(user))


# ---------------------------------------------------------------- the round trip


@pytest.mark.django_db
def test_it_reads_an_export_back_into_an_empty_database(owner, partner, mini_pack):
    build_solo(owner)
    build_paired(owner, partner, release=True, share_notes=True, candidate_feedback=True)
    build_behavioural(owner)
    original = exported(owner)
    old_stage_ids = set(Stage.objects.values_list("pk", flat=True))
    empty_instance()
    assert not old_stage_ids & set(Stage.objects.values_list("pk", flat=True))  # really new rows
    alice = User.objects.create_user("alice")

    result = user_data_import(user=alice, data=original)

    assert (result.created, result.skipped, result.notes_left_out) == (3, 0, 0)
    expected = normalised(original)
    assert {session["imported"] for session in expected["sessions"]} == {False}
    for session in expected["sessions"]:
        session["imported"] = True  # the one difference: a re-export says they came from an import
    assert normalised(exported(alice)) == expected
    paired = InterviewSession.objects.get(mode="paired")
    assert (paired.owner, paired.partner) == (alice, None)
    assert (paired.rounds.get().interviewer, paired.rounds.get().candidate) == (alice, None)  # bob is not recreated
    runs = Submission.objects.filter(round_question__round__session=paired)
    assert set(runs.values_list("user", flat=True)) == {None}


@pytest.mark.django_db
def test_a_candidate_keeps_released_feedback_but_not_the_interviewers_notes(owner, partner, mini_pack):
    build_paired(owner, partner, release=True, share_notes=True, candidate_feedback=True)
    original = exported(partner)
    empty_instance()
    bob = User.objects.create_user("bob")

    result = user_data_import(user=bob, data=original)

    assert (result.created, result.notes_left_out) == (1, 1)
    stage_round = Round.objects.get()
    assert (stage_round.session.owner, stage_round.interviewer, stage_round.candidate) == (bob, None, bob)
    assert not Note.objects.exists()
    expected = normalised(original)
    expected["sessions"][0]["rounds"][0]["notes"] = []  # written by alice, who is not on this instance
    expected["sessions"][0]["rounds"][0]["scorecard"]["mine"] = True  # held by bob now
    expected["sessions"][0]["imported"] = True
    assert normalised(exported(bob)) == expected


@pytest.mark.django_db
def test_importing_twice_creates_nothing_the_second_time(owner, partner, mini_pack):
    build_solo(owner)
    build_paired(owner, partner)
    original = exported(owner)
    empty_instance()
    alice = User.objects.create_user("alice")
    user_data_import(user=alice, data=original)
    before = counts()

    result = user_data_import(user=alice, data=original)

    assert (result.created, result.skipped) == (0, 2)
    assert counts() == before


@pytest.mark.django_db
def test_importing_onto_the_instance_it_came_from_changes_nothing(owner, partner, mini_pack):
    build_paired(owner, partner, release=True)
    before = counts()
    assert user_data_import(user=partner, data=exported(partner)).skipped == 1  # bob joined it, alice owns it
    assert user_data_import(user=owner, data=exported(owner)).skipped == 1
    assert counts() == before


@pytest.mark.django_db
def test_a_document_naming_the_same_session_twice_imports_it_once(owner, mini_pack):
    build_solo(owner)
    original = exported(owner)
    original["sessions"].append(copy.deepcopy(original["sessions"][0]))
    InterviewSession.objects.all().delete()
    result = user_data_import(user=owner, data=original)
    assert (result.created, result.skipped) == (1, 1)
    assert InterviewSession.objects.count() == 1


@pytest.mark.django_db
def test_an_unfinished_run_is_imported_as_not_run(owner, mini_pack):
    build_solo(owner)
    original = exported(owner)
    runs = next(rq for rq in original["sessions"][0]["rounds"][0]["questions"] if rq["submissions"])["submissions"]
    runs[0]["status"] = "queued"
    InterviewSession.objects.all().delete()
    user_data_import(user=owner, data=original)
    run = Submission.objects.order_by("created_at").first()
    assert (run.status, run.message) == (Submission.Status.ERROR, UNFINISHED_RUN)
    assert not Submission.objects.filter(status__in=["queued", "running"]).exists()  # the sweep finds nothing to run


# ---------------------------------------------------------------- bad documents


def errors_of(user, data) -> list[str]:
    before = counts()
    with pytest.raises(ValidationError) as caught:
        user_data_import(user=user, data=data)
    assert counts() == before  # all or nothing
    return caught.value.messages


@pytest.fixture
def document(owner, partner, mini_pack):
    """alice's export of a solo and a paired session, and an empty database to import it into."""
    build_solo(owner)
    build_paired(owner, partner, release=True)
    data = exported(owner)
    InterviewSession.objects.all().delete()
    return data


@pytest.mark.django_db
@pytest.mark.parametrize("change, words", [
    (lambda d: d.update(format="something-else"), "not an InterviewPrep export"),
    (lambda d: d.pop("format"), "not an InterviewPrep export"),
    (lambda d: d.update(version=4), "version 4; this instance reads versions 1, 2 and 3"),
    (lambda d: d.update(version="2"), "version 2; this instance reads versions 1, 2 and 3"),
    (lambda d: d.update(version=True), "version True"),
])
def test_a_document_of_another_format_or_version_is_refused(owner, document, change, words):
    change(document)
    messages = errors_of(owner, document)
    assert len(messages) == 1 and words in messages[0]


@pytest.mark.django_db
@pytest.mark.parametrize("data", [[], "text", 3, None])
def test_a_document_that_is_not_an_object_is_refused(owner, mini_pack, data):
    assert "expected a JSON object" in errors_of(owner, data)[0]


def first_round(document: dict) -> dict:
    return document["sessions"][0]["rounds"][0]


def sum_two(document: dict) -> dict:
    return next(rq for rq in first_round(document)["questions"] if rq["question"]["slug"] == "sum-two")


@pytest.mark.django_db
def test_a_question_missing_here_is_named_once_and_nothing_is_saved(owner, document):
    for session in document["sessions"]:
        for rq in session["rounds"][0]["questions"]:
            if rq["question"]["slug"] == "sum-two":
                rq["question"]["slug"] = "sum-three"
                rq["question"]["title"] = "Sum three numbers"
    for card in document["review_cards"]:  # its card names it too
        if card["question"]["slug"] == "sum-two":
            card["question"].update(slug="sum-three", title="Sum three numbers")
    messages = errors_of(owner, document)
    assert messages == [
        "The question “Sum three numbers” (mini/sum-three) is not on this instance: load the pack “mini” first."
    ]


@pytest.mark.django_db
def test_a_missing_stage_or_loop_is_named(owner, document):
    first_round(document)["stage"]["slug"] = "onsite"
    document["sessions"][0]["loop"]["pack"] = "other-pack"
    messages = errors_of(owner, document)
    assert "The stage alpha/onsite of the pack “mini” is not on this instance: load the pack first." in messages
    assert "The loop alpha of the pack “other-pack” is not on this instance: load the pack first." in messages


@pytest.mark.django_db
@pytest.mark.parametrize("change, words", [
    (lambda d: d["sessions"][0].update(title=5), "sessions[0].title: expected text."),
    (lambda d: d["sessions"][0].pop("title"), "sessions[0].title: missing."),
    (lambda d: d["sessions"][0].update(mode="group"), "sessions[0].mode: expected one of 'solo', 'paired'."),
    (lambda d: d["sessions"][0].update(created_at="yesterday"), "'yesterday' is not an ISO 8601 date and time."),
    (lambda d: d["sessions"][0].update(created_at="2026-03-02T09:00:00"), "needs its time zone offset"),
    (lambda d: d["sessions"][0].update(rounds="none"), "sessions[0].rounds: expected a list."),
    (lambda d: d["sessions"].append("x"), "sessions[2]: expected an object."),
    (lambda d: first_round(d).update(role="interviewer"), "sessions[0].rounds[0].role: expected one of 'solo'."),
    (lambda d: d["sessions"][1]["rounds"][0].update(role="solo"), "expected one of 'interviewer', 'candidate'."),
    (lambda d: first_round(d).update(order=-1), "rounds[0].order: expected a number from 0 to 50, not -1."),
    (lambda d: first_round(d).update(duration_seconds=0), "duration_seconds: expected a number from 1 to 14400"),
    (lambda d: first_round(d).update(status="over"), "rounds[0].status: expected one of"),
    (lambda d: first_round(d).update(ended_at=None), "rounds[0].ended_at: a round that is “finished” needs this time."),
    (lambda d: first_round(d).update(current=9), "rounds[0].current: no question of this round has the order 9."),
    (lambda d: first_round(d)["questions"][1].update(order=0), "two questions have the order 0."),
    (lambda d: d["sessions"][0]["rounds"].append(copy.deepcopy(first_round(d))), "two rounds have the order 0."),
    (lambda d: sum_two(d).update(hints_revealed="1"), "hints_revealed: expected a whole number."),
    (lambda d: sum_two(d).update(hints_revealed=True), "hints_revealed: expected a whole number."),
    (lambda d: sum_two(d)["submissions"][0].update(results=[1]), "submissions[0].results: expected an object."),
    (lambda d: sum_two(d)["submissions"][0].update(kind="judge"), "submissions[0].kind: expected one of"),
    (lambda d: sum_two(d)["snapshots"][0].update(field="secret"), "snapshots[0].field: expected one of"),
    (lambda d: first_round(d)["notes"][0].update(tags=["loud"]), "notes[0].tags: unknown tag."),
    (lambda d: first_round(d)["events"][0].update(kind="teleport"), "events[0].kind: expected one of"),
    (lambda d: first_round(d)["self_assessment"]["ratings"][0].update(rating=5), "expected a number from 1 to 4"),
    (lambda d: first_round(d)["self_assessment"]["ratings"][0].update(item=7), "the stage has 1 rubric items"),
    (lambda d: first_round(d).update(scorecard={"ratings": []}), "rounds[0].scorecard: a solo round has no scorecard."),
    (lambda d: d["sessions"][1]["rounds"][0]["scorecard"]["ratings"][0].update(item="stage/9"), "no rubric item"),
    (lambda d: first_round(d).update(interviewer_feedback={}), "a solo round has no feedback on the interview."),
    (lambda d: d["sessions"][1]["rounds"][0].update(interviewer_feedback={"ratings": {"clarity": 5}}),
     "interviewer_feedback.ratings.clarity: expected a number from 1 to 4, not 5."),
    (lambda d: d["sessions"][1]["rounds"][0].update(interviewer_feedback={"ratings": {"kindness": 4}}),
     "'kindness' is not one of clarity, pacing, realism."),
    (lambda d: d["sessions"][1]["rounds"][0].update(interviewer_feedback={"ratings": []}),
     "interviewer_feedback.ratings: expected an object."),
    (lambda d: d["sessions"][1]["rounds"][0].update(interviewer_feedback={"ratings": {}}),
     "interviewer_feedback.sent_at: missing."),
    # What PostgreSQL or the pages could not take.
    (lambda d: sum_two(d).update(code="print(1)\x00"), "code: holds a NUL character"),
    (lambda d: sum_two(d)["submissions"][0]["results"].update(x=["\x00"]), "results: holds a NUL character"),
    (lambda d: sum_two(d)["submissions"][0]["results"].update(passed=float("nan")), "not finite (NaN or infinity)"),
    (lambda d: first_round(d).update(paused_seconds=float("inf")), "paused_seconds: expected a number from 0"),
    (lambda d: sum_two(d)["submissions"][0]["results"].update(tests="all"), "results.tests: expected a list"),
    (lambda d: sum_two(d)["submissions"][0]["results"].update(total=-1), "results.total: expected a number"),
    (lambda d: sum_two(d).update(language="cobol"), "].language: expected one of '', 'cpp'"),
    (lambda d: sum_two(d)["submissions"][0].update(language="cobol"), "submissions[0].language: expected one of"),
    (lambda d: d["sessions"][0].update(created_at="0001-01-01T00:00:00+14:00"), "expected a date between 1970"),
])
def test_a_bad_value_is_reported_with_where_it_is_and_nothing_is_saved(owner, document, change, words):
    change(document)
    messages = errors_of(owner, document)
    assert any(words in message for message in messages), messages


@pytest.mark.django_db
@pytest.mark.parametrize("change, words", [
    (lambda d: sum_two(d).update(answer="x" * (64 * 1024 + 1)), "answer: over the 64 KiB limit."),
    (lambda d: sum_two(d).update(code="x" * (64 * 1024 + 1)), "code: over the 64 KiB limit."),
    (lambda d: d["sessions"][0].update(title="x" * 201), "title: longer than 200 characters."),
    (lambda d: sum_two(d)["submissions"][0].update(stdout="x" * (1024 * 1024 + 1)), "stdout: over the 1 MiB limit."),
    (lambda d: d.update(sessions=[{}] * 2001), "sessions: at most 2000 entries are allowed, this has 2001."),
    (lambda d: first_round(d).update(notes=[{}] * 501), "notes: at most 500 entries are allowed"),
])
def test_an_oversize_document_is_refused(owner, document, change, words):
    change(document)
    messages = errors_of(owner, document)
    assert any(words in message for message in messages), messages


@pytest.mark.django_db
@pytest.mark.parametrize("change, words", [
    (lambda sheet: sheet["fields"].update(secret="x"), "fields: expected text for sections of the “behavioural”"),
    (lambda sheet: sheet["ratings"].update(ownership=5), "ratings: rate competencies of the “behavioural” template"),
    (lambda sheet: sheet["stamps"].update(situation="soon"), "stamps: expected a number of seconds per section."),
    (lambda sheet: sheet.update(template="poetry"), "note_sheets[0].template: expected one of"),
])
def test_a_bad_structured_sheet_is_refused(owner, mini_pack, change, words):
    build_behavioural(owner)
    data = exported(owner)
    InterviewSession.objects.all().delete()
    change(data["sessions"][0]["rounds"][0]["note_sheets"][0])
    messages = errors_of(owner, data)
    assert any(words in message for message in messages), messages


@pytest.mark.django_db
def test_a_deeply_nested_value_is_refused(owner, document):
    nested = []
    for _ in range(900):
        nested = [nested]
    sum_two(document)["submissions"][0]["results"]["tests"] = [{"actual": nested}]
    assert "The document nests too deeply to be an export." in errors_of(owner, document)


@pytest.mark.django_db
def test_one_bad_session_keeps_the_good_ones_out_too(owner, document):
    document["sessions"][1]["rounds"][0]["status"] = "over"
    errors_of(owner, document)
    assert not InterviewSession.objects.exists()


@pytest.mark.django_db
def test_a_hopeless_document_stops_at_a_hundred_errors(owner, document):
    document["sessions"] = [{"mode": "x"}] * 300
    messages = errors_of(owner, document)
    assert len(messages) == 101 and messages[-1] == "Stopped after 100 errors."
