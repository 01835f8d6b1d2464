"""The notes services: time-stamped entries and tags, structured sheets per template, the scorecard and its release."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from questions.models import Question, Stage
from sessions.feedback import notes as svc
from sessions.models import Note, NoteSheet, Round, RoundEvent, Scorecard
from sessions.paired import services as paired
from sessions.rounds import services as round_svc
from sessions.rounds.refusals import RoundClosed

T0 = timezone.now().replace(microsecond=0)
TOO_BIG = "x" * (64 * 1024 + 1)


def at(seconds: float):
    return T0 + timedelta(seconds=seconds)


def version(stage_round: Round) -> int:
    return Round.objects.values_list("version", flat=True).get(pk=stage_round.pk)


def paired_round(owner, partner, stage: Stage, *slugs, start=True) -> Round:
    """alice interviews bob on `stage`; the round is started at T0 unless `start` is false."""
    picked = [Question.objects.get(slug=slug) for slug in slugs]
    session = paired.paired_session_create(interviewer=owner, stage=stage, questions=picked, now=T0)
    _, token = paired.invite_create(session=session, now=T0)
    paired.invite_accept(token=token, user=partner, now=T0)
    stage_round = session.rounds.get()
    return round_svc.round_start(round=stage_round, now=T0) if start else stage_round


@pytest.fixture
def coding_round(owner, partner, mini_pack):
    """Stage rubric: "Tests the code"; bayes adds "Names the prior" and "Names the likelihood"."""
    return paired_round(owner, partner, Stage.objects.get(slug="screen"), "sum-two", "bayes")


@pytest.fixture
def pending_round(owner, partner, mini_pack):
    return paired_round(owner, partner, Stage.objects.get(slug="screen"), "sum-two", start=False)


@pytest.fixture
def behavioural_round(owner, partner, mini_pack):
    return paired_round(owner, partner, Stage.objects.get(slug="chat"), "why-us")


@pytest.fixture
def recruiter_round(owner, partner, mini_pack):
    chat = Stage.objects.get(slug="chat")
    recruiter = Stage.objects.create(loop=chat.loop, slug="recruiter", order=5, kind="recruiter",
                                     title="Recruiter chat", duration_minutes=30)
    recruiter.questions.add(Question.objects.get(slug="why-us"))
    return paired_round(owner, partner, recruiter, "why-us")


# ---------------------------------------------------------------- entries


@pytest.mark.django_db
def test_an_entry_is_stamped_with_the_round_clock(coding_round, owner):
    round_svc.round_pause(round=coding_round, now=at(100))
    round_svc.round_resume(round=coding_round, now=at(160))
    note = svc.note_save(round=coding_round, author=owner, body="Asks about\r\nnegative numbers.", now=at(200))
    assert note.offset_seconds == 140  # wall time less the minute paused
    assert (note.author, note.body, note.tags) == (owner, "Asks about\nnegative numbers.", [])
    assert note.round_question == coding_round.questions.get(order=0)  # the question on screen


@pytest.mark.django_db
def test_an_entry_can_name_another_question(coding_round, owner):
    second = coding_round.questions.get(order=1)
    note = svc.note_save(round=coding_round, author=owner, body="Back to this later.", round_question=second,
                         now=at(30))
    assert note.round_question == second


@pytest.mark.django_db
def test_the_author_edits_their_entry_and_it_keeps_its_stamp(coding_round, owner):
    note = svc.note_save(round=coding_round, author=owner, body="Good", tags=["strong"], now=at(75))
    edited = svc.note_save(round=coding_round, author=owner, body="Good start", note_id=note.pk, now=at(300))
    assert edited.pk == note.pk and Note.objects.count() == 1
    note.refresh_from_db()
    assert (note.body, note.offset_seconds, note.tags) == ("Good start", 75, ["strong"])  # tags kept when not given
    svc.note_save(round=coding_round, author=owner, body="Good start", note_id=note.pk, tags=[], now=at(310))
    note.refresh_from_db()
    assert note.tags == []


@pytest.mark.django_db
def test_another_authors_entry_is_refused(coding_round, owner, partner, outsider):
    note = svc.note_save(round=coding_round, author=owner, body="Mine", now=at(10))
    for someone in (partner, outsider):
        with pytest.raises(ValidationError) as caught:
            svc.note_save(round=coding_round, author=someone, body="Overwritten", note_id=note.pk, now=at(20))
        assert "note" in caught.value.message_dict
    note.refresh_from_db()
    assert note.body == "Mine" and Note.objects.count() == 1


@pytest.mark.django_db
def test_an_entry_of_another_round_is_refused(coding_round, behavioural_round, owner):
    elsewhere = svc.note_save(round=behavioural_round, author=owner, body="Elsewhere", now=at(10))
    with pytest.raises(ValidationError):
        svc.note_save(round=coding_round, author=owner, body="Moved?", note_id=elsewhere.pk, now=at(20))
    elsewhere.refresh_from_db()
    assert (elsewhere.round_id, elsewhere.body) == (behavioural_round.pk, "Elsewhere")


@pytest.mark.django_db
def test_an_oversized_entry_is_refused_and_saves_nothing(coding_round, owner):
    with pytest.raises(ValidationError) as caught:
        svc.note_save(round=coding_round, author=owner, body=TOO_BIG, now=at(10))
    assert "64 KiB" in caught.value.message_dict["body"][0]
    assert not Note.objects.exists()
    note = svc.note_save(round=coding_round, author=owner, body="Short", now=at(20))
    with pytest.raises(ValidationError):
        svc.note_save(round=coding_round, author=owner, body=TOO_BIG, note_id=note.pk, now=at(30))
    note.refresh_from_db()
    assert note.body == "Short"


@pytest.mark.django_db
def test_entries_open_when_the_round_starts(pending_round, owner):
    with pytest.raises(RoundClosed, match="when the round starts"):
        svc.note_save(round=pending_round, author=owner, body="Early", now=T0)
    with pytest.raises(RoundClosed):
        svc.note_tag_toggle(round=pending_round, author=owner, tag="strong", now=T0)
    assert not Note.objects.exists()


@pytest.mark.django_db
def test_entries_can_still_be_written_after_the_round(coding_round, owner):
    round_svc.round_end(round=coding_round, now=at(600))
    note = svc.note_save(round=coding_round, author=owner, body="Write-up", now=at(900))
    assert note.offset_seconds == 600  # the clock stopped at the end


@pytest.mark.django_db
@pytest.mark.parametrize("tags", [["meh"], ["strong", "Strong"], [""]])
def test_an_unknown_tag_is_refused(coding_round, owner, tags):
    with pytest.raises(ValidationError) as caught:
        svc.note_save(round=coding_round, author=owner, body="Tagged", tags=tags, now=at(10))
    assert "tags" in caught.value.message_dict
    assert not Note.objects.exists()


@pytest.mark.django_db
def test_a_tag_given_twice_is_kept_once(coding_round, owner):
    note = svc.note_save(round=coding_round, author=owner, body="Hinted", tags=["hint", "hint", "weak"], now=at(10))
    assert note.tags == ["hint", "weak"]


@pytest.mark.django_db
def test_a_round_keeps_a_bounded_number_of_entries(coding_round, owner, monkeypatch):
    monkeypatch.setattr(svc, "MAX_NOTES_PER_ROUND", 2)
    svc.note_save(round=coding_round, author=owner, body="one", now=at(1))
    svc.note_save(round=coding_round, author=owner, body="two", now=at(2))
    with pytest.raises(ValidationError, match="at most 2 notes"):
        svc.note_save(round=coding_round, author=owner, body="three", now=at(3))
    assert Note.objects.count() == 2


# ---------------------------------------------------------------- tags


@pytest.mark.django_db
def test_a_tag_toggles_on_and_off_an_entry(coding_round, owner):
    note = svc.note_save(round=coding_round, author=owner, body="Edge cases", now=at(10))
    assert svc.note_tag_toggle(round=coding_round, author=owner, tag="strong", note_id=note.pk, now=at(11)).tags == [
        "strong"
    ]
    assert svc.note_tag_toggle(round=coding_round, author=owner, tag="hint", note_id=note.pk, now=at(12)).tags == [
        "strong", "hint"
    ]
    assert svc.note_tag_toggle(round=coding_round, author=owner, tag="strong", note_id=note.pk, now=at(13)).tags == [
        "hint"
    ]
    note.refresh_from_db()
    assert (note.tags, note.offset_seconds, note.body) == (["hint"], 10, "Edge cases")
    assert [label for _, label in note.tag_labels] == ["Hint given"]


@pytest.mark.django_db
def test_a_tag_on_its_own_logs_a_new_entry_stamped_now(coding_round, owner):
    note = svc.note_tag_toggle(round=coding_round, author=owner, tag="red_flag", now=at(90))
    assert (note.body, note.tags, note.offset_seconds, note.author) == ("", ["red_flag"], 90, owner)


@pytest.mark.django_db
def test_tagging_is_refused_for_unknown_tags_and_other_authors_entries(coding_round, owner, partner):
    note = svc.note_save(round=coding_round, author=owner, body="Mine", now=at(10))
    with pytest.raises(ValidationError):
        svc.note_tag_toggle(round=coding_round, author=owner, tag="meh", note_id=note.pk, now=at(11))
    with pytest.raises(ValidationError):
        svc.note_tag_toggle(round=coding_round, author=owner, tag="meh", now=at(11))
    with pytest.raises(ValidationError):
        svc.note_tag_toggle(round=coding_round, author=partner, tag="strong", note_id=note.pk, now=at(12))
    note.refresh_from_db()
    assert note.tags == [] and Note.objects.count() == 1


# ---------------------------------------------------------------- deleting


@pytest.mark.django_db
def test_the_author_deletes_their_entry_and_nobody_elses(coding_round, owner, partner):
    mine = svc.note_save(round=coding_round, author=owner, body="Mine", now=at(10))
    kept = svc.note_save(round=coding_round, author=owner, body="Kept", now=at(20))
    with pytest.raises(ValidationError):
        svc.note_delete(round=coding_round, author=partner, note_id=mine.pk)
    with pytest.raises(ValidationError):
        svc.note_delete(round=coding_round, author=owner, note_id=kept.pk + 1000)
    svc.note_delete(round=coding_round, author=owner, note_id=mine.pk)
    assert list(Note.objects.values_list("body", flat=True)) == ["Kept"]
    with pytest.raises(ValidationError):
        svc.note_delete(round=coding_round, author=owner, note_id=mine.pk)  # twice


# ---------------------------------------------------------------- structured sheets


@pytest.mark.django_db
def test_behavioural_notes_are_taken_per_question(behavioural_round, owner):
    with pytest.raises(ValidationError, match="per question"):
        svc.sheet_save(round=behavioural_round, author=owner, values={"situation": "Vague"}, now=at(30))
    assert not NoteSheet.objects.exists()
    rq = behavioural_round.questions.get()
    sheet = svc.sheet_save(round=behavioural_round, author=owner, round_question=rq,
                           values={"situation": "Concrete", "rating_ownership": "3"}, now=at(30))
    assert (sheet.template, sheet.round_question, sheet.author) == ("behavioural", rq, owner)
    assert (sheet.fields, sheet.ratings) == ({"situation": "Concrete"}, {"ownership": 3})


@pytest.mark.django_db
def test_recruiter_notes_are_one_sheet_per_round(recruiter_round, owner):
    rq = recruiter_round.questions.get()
    first = svc.sheet_save(round=recruiter_round, author=owner, round_question=rq,
                           values={"motivation": "Knows the team's papers."}, now=at(60))
    second = svc.sheet_save(round=recruiter_round, author=owner, values={"logistics": "Two months' notice"},
                            now=at(120))
    assert first.pk == second.pk and NoteSheet.objects.count() == 1
    second.refresh_from_db()
    assert (second.template, second.round_question) == ("recruiter", None)
    assert second.fields == {"motivation": "Knows the team's papers.", "logistics": "Two months' notice"}


@pytest.mark.django_db
def test_a_coding_round_has_no_structured_sheet(coding_round, owner):
    with pytest.raises(ValidationError, match="no structured notes"):
        svc.sheet_save(round=coding_round, author=owner, values={"situation": "x"}, now=at(10))
    assert not NoteSheet.objects.exists()


@pytest.mark.django_db
def test_a_sheet_waits_for_the_round_to_start(owner, partner, mini_pack):
    stage_round = paired_round(owner, partner, Stage.objects.get(slug="chat"), "why-us", start=False)
    with pytest.raises(RoundClosed):
        svc.sheet_save(round=stage_round, author=owner, round_question=stage_round.questions.get(),
                       values={"situation": "Early"}, now=T0)
    assert not NoteSheet.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("bad, key", [
    ({"bogus": "x"}, "bogus"),
    ({"motivation": "a recruiter section"}, "motivation"),
    ({"rating_bogus": "2"}, "rating_bogus"),
    ({"rating_ownership": "5"}, "rating_ownership"),
    ({"rating_ownership": "0"}, "rating_ownership"),
    ({"rating_ownership": "3.5"}, "rating_ownership"),
    ({"rating_ownership": "strong"}, "rating_ownership"),
    ({"result": TOO_BIG}, "result"),
])
def test_a_bad_sheet_field_saves_nothing(behavioural_round, owner, bad, key):
    rq = behavioural_round.questions.get()
    values = {"situation": "Saved?", "rating_mission": "2", **bad}
    with pytest.raises(ValidationError) as caught:
        svc.sheet_save(round=behavioural_round, author=owner, round_question=rq, values=values, now=at(30))
    assert key in caught.value.message_dict
    assert not NoteSheet.objects.exists()
    sheet = svc.sheet_save(round=behavioural_round, author=owner, round_question=rq, values={"task": "Kept"},
                           now=at(40))
    with pytest.raises(ValidationError):
        svc.sheet_save(round=behavioural_round, author=owner, round_question=rq, values=values, now=at(50))
    sheet.refresh_from_db()
    assert (sheet.fields, sheet.ratings, sheet.stamps) == ({"task": "Kept"}, {}, {"task": 40.0})


@pytest.mark.django_db
def test_ratings_run_from_1_to_4_and_blank_clears_one(behavioural_round, owner):
    rq = behavioural_round.questions.get()
    save = lambda values: svc.sheet_save(  # noqa: E731
        round=behavioural_round, author=owner, round_question=rq, values=values, now=at(60)
    )
    assert save({"rating_ownership": "4", "rating_mission": "1"}).ratings == {"ownership": 4, "mission": 1}
    assert save({"rating_communication": "2"}).ratings == {"ownership": 4, "mission": 1, "communication": 2}
    assert save({"rating_ownership": ""}).ratings == {"mission": 1, "communication": 2}
    assert save({"rating_ownership": ""}).ratings == {"mission": 1, "communication": 2}  # clearing twice is fine


@pytest.mark.django_db
def test_a_section_is_stamped_when_first_written_and_keeps_that_stamp(behavioural_round, owner):
    rq = behavioural_round.questions.get()

    def save(seconds, **values):
        return svc.sheet_save(round=behavioural_round, author=owner, round_question=rq, values=values,
                              now=at(seconds))

    assert save(30, situation="").stamps == {}
    assert save(40, situation="   \n").stamps == {}  # blank is not written
    assert save(65, situation="At my last job").stamps == {"situation": 65.0}
    assert save(200, situation="At my last job, in 2022").stamps == {"situation": 65.0}
    assert save(210, task="Own the migration").stamps == {"situation": 65.0, "task": 210.0}
    sheet = save(300, situation="")
    assert sheet.stamps == {"situation": 65.0, "task": 210.0} and sheet.fields["situation"] == ""


# ---------------------------------------------------------------- scorecard


def rubric_keys(stage_round: Round) -> dict[str, str]:
    return {text: key for key, text in svc.scorecard_items(stage_round)}


def complete_scorecard(stage_round: Round, interviewer, **overrides) -> Scorecard:
    fields = {
        "ratings": {key: "yes" for key in rubric_keys(stage_round).values()},
        "recommendation": "strong_yes",
        "feedback": "Clear structure; test earlier.",
        **overrides,
    }
    return svc.scorecard_save(round=stage_round, interviewer=interviewer, **fields)


@pytest.mark.django_db
def test_the_scorecard_rates_the_stage_rubric_then_each_questions(coding_round):
    items = svc.scorecard_items(coding_round)
    assert [text for _, text in items] == ["Tests the code", "Names the prior", "Names the likelihood"]
    assert [key.split(":")[0] for key, _ in items] == ["stage", "question", "question"]


@pytest.mark.django_db
def test_a_draft_scorecard_is_saved_during_the_round_and_replaced_on_each_save(coding_round, owner):
    keys = rubric_keys(coding_round)
    draft = svc.scorecard_save(round=coding_round, interviewer=owner, ratings={keys["Tests the code"]: "no"},
                               recommendation="", feedback="So far:\r\nslow start")
    assert (draft.interviewer, draft.ratings, draft.feedback, draft.released_at) == (
        owner, {keys["Tests the code"]: "no"}, "So far:\nslow start", None
    )
    again = svc.scorecard_save(round=coding_round, interviewer=owner, ratings={keys["Names the prior"]: "yes"},
                               recommendation="yes", feedback="Better", share_notes=True)
    assert again.pk == draft.pk and Scorecard.objects.count() == 1
    again.refresh_from_db()
    assert (again.ratings, again.recommendation, again.share_notes) == ({keys["Names the prior"]: "yes"}, "yes", True)


@pytest.mark.django_db
@pytest.mark.parametrize("make_fields, key", [
    (lambda keys: {"ratings": {"stage:999999": "yes"}}, "rating_stage:999999"),
    (lambda keys: {"ratings": {"bogus": "yes"}}, "rating_bogus"),
    (lambda keys: {"ratings": {keys["Tests the code"]: "maybe"}}, "rating_{Tests the code}"),
    (lambda keys: {"ratings": {keys["Tests the code"]: "4"}}, "rating_{Tests the code}"),
    (lambda keys: {"recommendation": "perhaps"}, "recommendation"),
    (lambda keys: {"feedback": TOO_BIG}, "feedback"),
], ids=["unknown item", "not a key", "bad rating", "numeric rating", "bad recommendation", "oversized feedback"])
def test_a_bad_scorecard_saves_nothing(coding_round, owner, make_fields, key):
    keys = rubric_keys(coding_round)
    fields = {"ratings": {}, "recommendation": "yes", "feedback": "Fine", **make_fields(keys)}
    with pytest.raises(ValidationError) as caught:
        svc.scorecard_save(round=coding_round, interviewer=owner, **fields)
    assert key.replace("{Tests the code}", keys["Tests the code"]) in caught.value.message_dict
    assert not Scorecard.objects.exists()


@pytest.mark.django_db
def test_a_scorecard_waits_for_the_round_to_start(pending_round, owner):
    with pytest.raises(RoundClosed):
        svc.scorecard_save(round=pending_round, interviewer=owner, ratings={}, recommendation="yes", feedback="Early")
    assert not Scorecard.objects.exists()


@pytest.mark.django_db
def test_a_released_scorecard_can_no_longer_change(coding_round, owner):
    complete_scorecard(coding_round, owner)
    round_svc.round_end(round=coding_round, now=at(600))
    svc.scorecard_release(round=coding_round, now=at(700))
    with pytest.raises(RoundClosed, match="has been released"):
        svc.scorecard_save(round=coding_round, interviewer=owner, ratings={}, recommendation="no",
                           feedback="Changed my mind")
    scorecard = Scorecard.objects.get()
    assert (scorecard.recommendation, scorecard.feedback) == ("strong_yes", "Clear structure; test earlier.")


@pytest.mark.django_db
def test_release_waits_for_the_end_of_the_round(coding_round, owner):
    complete_scorecard(coding_round, owner)
    with pytest.raises(RoundClosed, match="once the round has ended"):
        svc.scorecard_release(round=coding_round, now=at(600))
    assert Scorecard.objects.get().released_at is None
    assert not RoundEvent.objects.filter(kind=RoundEvent.Kind.RELEASE).exists()


@pytest.mark.django_db
def test_release_after_time_ran_out_needs_no_page_to_have_noticed(coding_round, owner):
    # The round's 45 minutes are up but nothing has synced it yet (no poll, no sweep): it is over all the same.
    complete_scorecard(coding_round, owner)
    scorecard = svc.scorecard_release(round=coding_round, now=at(46 * 60))
    assert scorecard.released_at == at(46 * 60)
    coding_round.refresh_from_db()
    assert (coding_round.status, coding_round.end_reason) == ("finished", "time_up")


@pytest.mark.django_db
def test_release_needs_a_scorecard(coding_round):
    round_svc.round_end(round=coding_round, now=at(600))
    with pytest.raises(ValidationError, match="Fill in the scorecard"):
        svc.scorecard_release(round=coding_round, now=at(700))


@pytest.mark.django_db
def test_an_incomplete_scorecard_is_not_released_and_says_what_is_missing(coding_round, owner):
    keys = rubric_keys(coding_round)
    round_svc.question_switch(round_question=coding_round.questions.get(order=1), now=at(300))  # bayes reached
    svc.scorecard_save(round=coding_round, interviewer=owner, ratings={keys["Tests the code"]: "yes"},
                       recommendation="", feedback="  \n")
    round_svc.round_end(round=coding_round, now=at(600))
    with pytest.raises(ValidationError) as caught:
        svc.scorecard_release(round=coding_round, now=at(700))
    assert caught.value.messages == [
        "Rate every rubric item first (2 left).",
        "Give an overall recommendation.",
        "Write some feedback for the candidate.",
    ]
    assert Scorecard.objects.get().released_at is None
    assert not RoundEvent.objects.filter(kind=RoundEvent.Kind.RELEASE).exists()


@pytest.mark.django_db
def test_a_complete_scorecard_is_released_once(coding_round, owner):
    complete_scorecard(coding_round, owner)
    round_svc.round_end(round=coding_round, now=at(600))
    before = version(coding_round)
    released = svc.scorecard_release(round=coding_round, now=at(700))
    assert released.released_at == at(700) and released.is_released
    assert version(coding_round) > before  # the candidate's summary page reloads to show it
    again = svc.scorecard_release(round=coding_round, now=at(800))
    assert again.released_at == at(700)
    events = RoundEvent.objects.filter(kind=RoundEvent.Kind.RELEASE)
    assert events.count() == 1 and events.get().offset_seconds == 600


@pytest.mark.django_db
def test_the_rubric_of_a_question_the_round_never_reached_is_optional(coding_round, owner):
    keys = rubric_keys(coding_round)
    sections = svc.scorecard_sections(coding_round)
    assert [(s.heading, s.optional) for s in sections] == [("The stage", False), ("Question 2: Bayes in one line", True)]
    svc.scorecard_save(round=coding_round, interviewer=owner, ratings={keys["Tests the code"]: "strong_yes"},
                       recommendation="yes", feedback="Only got to the first question.")
    round_svc.round_end(round=coding_round, now=at(600))
    released = svc.scorecard_release(round=coding_round, now=at(700))
    assert released.is_released
    # What the candidate reads is what was rated.
    from sessions.feedback.selectors import scorecard_rows

    assert [row["text"] for row in scorecard_rows(coding_round, released)] == ["Tests the code"]


@pytest.mark.django_db
def test_a_round_without_a_rubric_needs_only_a_recommendation_and_feedback(behavioural_round, owner):
    assert svc.scorecard_items(behavioural_round) == []
    svc.scorecard_save(round=behavioural_round, interviewer=owner, ratings={}, recommendation="no",
                       feedback="Be more specific about your part.")
    round_svc.round_end(round=behavioural_round, now=at(600))
    assert svc.scorecard_release(round=behavioural_round, now=at(700)).released_at == at(700)


# ---------------------------------------------------------------- the candidate's feedback on the interview

GOOD_RATINGS = {"clarity": "4", "pacing": "3", "realism": "2"}


@pytest.mark.django_db
def test_the_candidate_sends_feedback_on_the_interview_once_it_is_over(coding_round, partner):
    round_svc.round_end(round=coding_round, now=at(600))
    before = version(coding_round)
    feedback = svc.interviewer_feedback_send(
        round=coding_round, author=partner, ratings=GOOD_RATINGS, comments="Clear prompt.\r\nHints came late.",
        now=at(700),
    )
    assert feedback.ratings == {"clarity": 4, "pacing": 3, "realism": 2}
    assert (feedback.comments, feedback.sent_at) == ("Clear prompt.\nHints came late.", at(700))
    assert [label for _, _, label in feedback.rows()] == ["Fully", "Mostly", "A little"]
    # The interviewer's summary polls for it; only its live region is swapped, never their forms.
    assert version(coding_round) == before + 1


@pytest.mark.django_db
def test_feedback_on_the_interview_is_sent_once(coding_round, partner):
    round_svc.round_end(round=coding_round, now=at(600))
    svc.interviewer_feedback_send(round=coding_round, author=partner, ratings=GOOD_RATINGS, comments="", now=at(700))
    with pytest.raises(RoundClosed, match="already sent"):
        svc.interviewer_feedback_send(round=coding_round, author=partner, ratings={}, comments="Again", now=at(800))
    assert coding_round.interviewer_feedback.comments == ""


@pytest.mark.django_db
def test_feedback_on_the_interview_waits_for_the_end_of_the_round(coding_round, partner):
    with pytest.raises(RoundClosed, match="once the round has ended"):
        svc.interviewer_feedback_send(round=coding_round, author=partner, ratings=GOOD_RATINGS, comments="", now=at(60))
    # Time running out counts as the end, with no page open to notice.
    feedback = svc.interviewer_feedback_send(
        round=coding_round, author=partner, ratings=GOOD_RATINGS, comments="", now=at(coding_round.duration_seconds + 5)
    )
    assert feedback.pk is not None


@pytest.mark.django_db
def test_only_the_candidate_of_a_paired_round_sends_feedback_on_the_interview(coding_round, owner, outsider):
    round_svc.round_end(round=coding_round, now=at(600))
    for someone in (owner, outsider, None):
        with pytest.raises(ValidationError, match="Only the candidate"):
            svc.interviewer_feedback_send(round=coding_round, author=someone, ratings=GOOD_RATINGS, comments="")
    solo = round_svc.session_start(owner=owner, question=Question.objects.get(slug="bayes")).rounds.get()
    round_svc.round_end(round=solo)
    with pytest.raises(ValidationError, match="Only the candidate"):
        svc.interviewer_feedback_send(round=solo, author=owner, ratings=GOOD_RATINGS, comments="")


@pytest.mark.django_db
@pytest.mark.parametrize("ratings, comments, field", [
    ({"clarity": "4", "pacing": "3"}, "", "ratings"),  # one left unrated
    ({**GOOD_RATINGS, "clarity": "5"}, "", "rating_clarity"),
    ({**GOOD_RATINGS, "clarity": "four"}, "", "rating_clarity"),
    ({**GOOD_RATINGS, "kindness": "4"}, "", "rating_kindness"),
    (GOOD_RATINGS, TOO_BIG, "comments"),
])
def test_bad_feedback_on_the_interview_sends_nothing(coding_round, partner, ratings, comments, field):
    round_svc.round_end(round=coding_round, now=at(600))
    with pytest.raises(ValidationError) as caught:
        svc.interviewer_feedback_send(round=coding_round, author=partner, ratings=ratings, comments=comments)
    assert field in caught.value.message_dict
    coding_round.refresh_from_db()
    assert not hasattr(coding_round, "interviewer_feedback")
