"""The notes views (entries, tags, deleting, structured sheets), the scorecard page and the candidate's
feedback on the interview, for each role."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from questions.models import Question, Stage
from sessions.feedback import notes as note_services
from sessions.models import Note, NoteSheet, Round, Scorecard
from sessions.paired import services as paired_services
from sessions.rounds import services as round_services
from sessions.templatetags.clock import mmss

HX = {"HX-Request": "true"}


def paired_round(owner, partner, stage_slug, *slugs, start=True):
    """alice interviews bob; the round is started now unless `start` is false."""
    picked = [Question.objects.get(slug=slug) for slug in slugs]
    session = paired_services.paired_session_create(
        interviewer=owner, stage=Stage.objects.get(slug=stage_slug), questions=picked
    )
    _, token = paired_services.invite_create(session=session)
    paired_services.invite_accept(token=token, user=partner)
    stage_round = session.rounds.get()
    return round_services.round_start(round=stage_round) if start else stage_round


@pytest.fixture
def live_round(owner, partner, mini_pack):
    """A running coding screen (sum-two, then bayes); its scorecard rates three rubric items."""
    return paired_round(owner, partner, "screen", "sum-two", "bayes")


@pytest.fixture
def chat_round(owner, partner, mini_pack):
    """A running behavioural round: its structured notes are taken per question."""
    return paired_round(owner, partner, "chat", "why-us")


def url(stage_round, tail=""):
    return f"/practice/rounds/{stage_round.pk}/{tail}"


def oob_note_id(html: str) -> str:
    match = re.search(r'<input type="hidden" name="note_id" id="note-id" value="([^"]*)" hx-swap-oob="true">', html)
    assert match, "no out-of-band note id"
    return match.group(1)


def oob_entries(html: str) -> str:
    match = re.search(r'<ol id="note-entries"[^>]*hx-swap-oob="true">(.*?)</ol>', html, re.S)
    assert match, "no out-of-band entry list"
    return match.group(1)


# ---------------------------------------------------------------- entries


@pytest.mark.django_db
def test_an_htmx_save_answers_with_the_status_the_entry_id_and_the_entries(owner_client, owner, live_round):
    response = owner_client.post(url(live_round, "notes/"), {"body": "Reads the input first."}, headers=HX)
    html = response.content.decode()
    note = Note.objects.get()
    assert response.status_code == 200
    assert (note.author, note.body, note.round_question.order) == (owner, "Reads the input first.", 0)
    assert html.startswith("Saved at 0:0")
    assert oob_note_id(html) == str(note.pk)  # the next keystrokes update this entry
    assert "Reads the input first." in oob_entries(html)
    again = owner_client.post(url(live_round, "notes/"),
                              {"note_id": note.pk, "body": "Reads the input first, then sums."}, headers=HX)
    assert again.status_code == 200 and oob_note_id(again.content.decode()) == str(note.pk)
    note.refresh_from_db()
    assert note.body == "Reads the input first, then sums." and Note.objects.count() == 1


@pytest.mark.django_db
def test_finishing_an_entry_clears_the_editor_for_the_next(owner_client, live_round):
    first = owner_client.post(url(live_round, "notes/"), {"body": "One"}, headers=HX)
    note_id = oob_note_id(first.content.decode())
    finished = owner_client.post(url(live_round, "notes/"), {"note_id": note_id, "body": "One.", "finish": "1"},
                                 headers=HX)
    html = finished.content.decode()
    assert finished.status_code == 200
    assert "note-finished" in finished["HX-Trigger"]
    assert oob_note_id(html) == ""
    assert "One." in oob_entries(html)
    owner_client.post(url(live_round, "notes/"), {"body": "Two"}, headers=HX)
    assert list(Note.objects.values_list("body", flat=True)) == ["One.", "Two"]


@pytest.mark.django_db
def test_an_empty_entry_saves_nothing(owner_client, live_round):
    for data in ({"body": "   "}, {"body": "", "finish": "1"}):
        response = owner_client.post(url(live_round, "notes/"), data, headers=HX)
        assert response.status_code == 200 and not response.content.decode().startswith("Saved")
    assert not Note.objects.exists()


@pytest.mark.django_db
def test_the_saved_status_shows_the_entrys_stamp_as_the_entry_list_does(owner_client, owner, live_round):
    # An entry begun 59.7 s into the round is stamped 0:59 in the list; the status line must not say "0:60".
    note = note_services.note_save(round=live_round, author=owner, body="Starts",
                                   now=live_round.started_at + timedelta(seconds=59.7))
    response = owner_client.post(url(live_round, "notes/"), {"note_id": note.pk, "body": "Starts coding"}, headers=HX)
    html = response.content.decode()
    assert f'<span class="stamp">{mmss(59.7)}</span>' in oob_entries(html)
    assert html.startswith(f"Saved at {mmss(59.7)}")


@pytest.mark.django_db
def test_without_htmx_a_save_goes_back_to_the_round(owner_client, live_round):
    response = owner_client.post(url(live_round, "notes/"), {"body": "No JavaScript"})
    assert response.status_code == 302 and response["Location"] == url(live_round)
    assert Note.objects.get().body == "No JavaScript"
    assert "No JavaScript" in owner_client.get(url(live_round)).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("data", [
    {"note_id": "abc", "body": "x"},
    {"note_id": "999999", "body": "x"},
    {"body": "x" * (64 * 1024 + 1)},
], ids=["bad note id", "not my note", "too long"])
def test_a_bad_entry_is_a_400_with_a_message(owner_client, live_round, data):
    response = owner_client.post(url(live_round, "notes/"), data, headers=HX)
    assert response.status_code == 400
    assert response["HX-Retarget"] == "#note-status" and 'role="alert"' in response.content.decode()
    assert not Note.objects.exists()


@pytest.mark.django_db
def test_entries_wait_for_the_round_to_start(owner_client, owner, partner, mini_pack):
    pending = paired_round(owner, partner, "screen", "sum-two", start=False)
    response = owner_client.post(url(pending, "notes/"), {"body": "Early"}, headers=HX)
    assert response.status_code == 409 and "when the round starts" in response.content.decode()
    assert not Note.objects.exists()


# ---------------------------------------------------------------- tags


@pytest.mark.django_db
def test_a_tag_on_its_own_logs_an_entry(owner_client, live_round):
    response = owner_client.post(url(live_round, "notes/tag/"), {"tag": "red_flag"}, headers=HX)
    html = response.content.decode()
    note = Note.objects.get()
    assert response.status_code == 200 and html.startswith("Tagged “Red flag”")
    assert (note.body, note.tags) == ("", ["red_flag"])
    assert oob_note_id(html) == str(note.pk)
    assert 'class="tag tag-red_flag">Red flag</span>' in oob_entries(html)


@pytest.mark.django_db
def test_a_tag_saves_the_text_being_written_and_toggles(owner_client, live_round):
    owner_client.post(url(live_round, "notes/tag/"), {"body": "Great tests", "tag": "strong"}, headers=HX)
    note = Note.objects.get()
    assert (note.body, note.tags) == ("Great tests", ["strong"])
    owner_client.post(url(live_round, "notes/tag/"), {"note_id": note.pk, "body": "Great tests!", "tag": "strong"},
                      headers=HX)
    note.refresh_from_db()
    assert (note.body, note.tags) == ("Great tests!", [])


@pytest.mark.django_db
@pytest.mark.parametrize("data", [{"tag": "meh"}, {"tag": ""}, {"body": "Text being written", "tag": "meh"}],
                         ids=["unknown tag", "no tag", "unknown tag on new text"])
def test_an_unknown_tag_is_a_400_and_saves_nothing(owner_client, live_round, data):
    response = owner_client.post(url(live_round, "notes/tag/"), data, headers=HX)
    assert response.status_code == 400 and response["HX-Retarget"] == "#note-status"
    assert not Note.objects.exists()


@pytest.mark.django_db
def test_without_htmx_a_tag_goes_back_to_the_round(owner_client, live_round):
    response = owner_client.post(url(live_round, "notes/tag/"), {"tag": "hint"})
    assert response.status_code == 302 and response["Location"] == url(live_round)
    assert Note.objects.get().tags == ["hint"]


# ---------------------------------------------------------------- deleting


@pytest.mark.django_db
def test_deleting_an_entry(owner_client, owner, live_round):
    gone = note_services.note_save(round=live_round, author=owner, body="Typo entry")
    note_services.note_save(round=live_round, author=owner, body="Kept entry")
    response = owner_client.post(url(live_round, f"notes/{gone.pk}/delete/"), headers=HX)
    html = response.content.decode()
    assert response.status_code == 200 and html.startswith("Deleted")
    assert "note-finished" in response["HX-Trigger"]
    entries = oob_entries(html)
    assert "Kept entry" in entries and "Typo entry" not in entries
    assert list(Note.objects.values_list("body", flat=True)) == ["Kept entry"]
    kept = Note.objects.get()
    response = owner_client.post(url(live_round, f"notes/{kept.pk}/delete/"))
    assert response.status_code == 302 and response["Location"] == url(live_round)
    assert not Note.objects.exists()
    assert owner_client.post(url(live_round, f"notes/{kept.pk}/delete/"), headers=HX).status_code == 400


# ---------------------------------------------------------------- structured sheets


@pytest.mark.django_db
def test_a_sheet_autosave_says_saved(owner_client, owner, chat_round):
    response = owner_client.post(url(chat_round, "sheet/"),
                                 {"q": "1", "situation": "A real outage", "rating_ownership": "3"}, headers=HX)
    assert response.status_code == 200 and response.content.decode().startswith("Saved ")
    sheet = NoteSheet.objects.get()
    assert (sheet.author, sheet.round_question, sheet.template) == (owner, chat_round.questions.get(), "behavioural")
    assert (sheet.fields, sheet.ratings) == ({"situation": "A real outage"}, {"ownership": 3})
    assert "situation" in sheet.stamps
    page = owner_client.get(url(chat_round)).content.decode()
    assert "A real outage" in page and "Behavioural (per question)" in page


@pytest.mark.django_db
@pytest.mark.parametrize("data, words", [
    ({"q": "1", "situation": "Saved?", "bogus": "x"}, "Not a section of this template"),
    ({"q": "1", "situation": "Saved?", "rating_ownership": "9"}, "Rate from 1 to 4"),
    ({"situation": "Saved?"}, "say which question"),
    ({"q": "9", "situation": "Saved?"}, "No such question"),
    ({"q": "x", "situation": "Saved?"}, "No such question"),
])
def test_a_bad_sheet_is_a_400_and_saves_nothing(owner_client, chat_round, data, words):
    response = owner_client.post(url(chat_round, "sheet/"), data, headers=HX)
    assert response.status_code == 400 and words in response.content.decode()
    assert response["HX-Retarget"] == "#sheet-status"
    assert not NoteSheet.objects.exists()


@pytest.mark.django_db
def test_a_coding_round_has_no_sheet(owner_client, live_round):
    response = owner_client.post(url(live_round, "sheet/"), {"situation": "x"}, headers=HX)
    assert response.status_code == 400 and "no structured notes" in response.content.decode()


@pytest.mark.django_db
def test_without_htmx_a_sheet_save_goes_back_to_the_round(owner_client, chat_round):
    response = owner_client.post(url(chat_round, "sheet/"), {"q": "1", "result": "Shipped"})
    assert response.status_code == 302 and response["Location"] == url(chat_round)
    assert NoteSheet.objects.get().fields == {"result": "Shipped"}


# ---------------------------------------------------------------- the scorecard page


def _items(stage_round) -> dict[str, str]:
    return {text: key for key, text in note_services.scorecard_items(stage_round)}


def _complete(stage_round, **extra) -> dict:
    data = {f"rating_{key}": "yes" for key in _items(stage_round).values()}
    return {**data, "recommendation": "strong_yes", "feedback": "Clear; test earlier.", **extra}


@pytest.mark.django_db
def test_the_scorecard_page_lists_the_rubric_and_waits_for_the_end_to_release(owner_client, live_round):
    response = owner_client.get(url(live_round, "scorecard/"))
    html = response.content.decode()
    assert response.status_code == 200
    for text in ("Tests the code", "Names the prior", "Names the likelihood", "Save draft"):
        assert text in html, text
    assert 'name="release"' not in html  # not before the round has ended
    # The items come in sections: the stage's, then each question's that has a rubric (sum-two has none).
    sections = re.findall(r'<tr class="rubric-section"><th colspan="5" scope="colgroup">([^<]+)', html)
    assert sections == ["The stage", "Question 2: Bayes in one line "]
    assert "(not reached in the round: rating it is optional)" in html  # bayes has not been on screen
    assert html.index("Tests the code") < html.index(sections[1]) < html.index("Names the prior")


@pytest.mark.django_db
@pytest.mark.parametrize("headers", [{}, HX], ids=["full page", "htmx"])
def test_saving_a_draft_scorecard(owner_client, owner, live_round, headers):
    tests_the_code = _items(live_round)["Tests the code"]
    response = owner_client.post(url(live_round, "scorecard/"),
                                 {f"rating_{tests_the_code}": "no", "recommendation": "", "feedback": "So far"},
                                 headers=headers)
    assert response.status_code == 302 and response["Location"] == url(live_round, "scorecard/?saved=1")
    scorecard = Scorecard.objects.get()
    assert (scorecard.interviewer, scorecard.ratings, scorecard.feedback) == (owner, {tests_the_code: "no"}, "So far")
    assert "Scorecard saved." in owner_client.get(response["Location"]).content.decode()


@pytest.mark.django_db
def test_the_scorecard_form_shows_the_saved_draft_and_keeps_what_a_refused_post_sent(owner_client, live_round):
    draft = {"recommendation": "yes", "feedback": "Saved text", "share_notes": "on"}
    owner_client.post(url(live_round, "scorecard/"), draft)
    html = owner_client.get(url(live_round, "scorecard/")).content.decode()
    assert '<input type="radio" name="recommendation" value="yes" id="id_recommendation_2" checked>' in html
    assert '>\nSaved text</textarea>' in html and 'name="share_notes" id="id_share_notes" checked' in html
    refused = owner_client.post(url(live_round, "scorecard/"), {"recommendation": "perhaps", "feedback": "Typed again"})
    assert refused.status_code == 400 and ">\nTyped again</textarea>" in refused.content.decode()
    assert Scorecard.objects.get().feedback == "Saved text"


@pytest.mark.django_db
@pytest.mark.parametrize("data, words", [
    ({"rating_stage:999999": "yes"}, "Not an item of this round"),
    ({"recommendation": "perhaps"}, "Choose strong no, no, yes or strong yes"),
])
def test_a_bad_scorecard_is_a_400(owner_client, live_round, data, words):
    response = owner_client.post(url(live_round, "scorecard/"), {"feedback": "x", **data})
    assert response.status_code == 400 and words in response.content.decode()
    assert not Scorecard.objects.exists()


@pytest.mark.django_db
def test_an_incomplete_scorecard_is_not_released(owner_client, live_round):
    round_services.round_end(round=live_round)
    assert 'name="release"' in owner_client.get(url(live_round, "scorecard/")).content.decode()
    response = owner_client.post(url(live_round, "scorecard/"), {"feedback": "Good", "release": "1"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Rate every rubric item first (1 left)." in html and "Give an overall recommendation." in html  # bayes: never reached
    assert Scorecard.objects.get().released_at is None


@pytest.mark.django_db
def test_releasing_then_editing_is_refused(owner_client, partner_client, live_round):
    round_services.round_end(round=live_round)
    response = owner_client.post(url(live_round, "scorecard/"), _complete(live_round, release="1"))
    assert response.status_code == 302 and response["Location"] == url(live_round, "scorecard/?saved=released")
    assert "Feedback released" in owner_client.get(response["Location"]).content.decode()
    assert Scorecard.objects.get().released_at is not None
    assert "Clear; test earlier." in partner_client.get(url(live_round, "summary/")).content.decode()
    edit = owner_client.post(url(live_round, "scorecard/"), _complete(live_round, feedback="Changed my mind"))
    assert edit.status_code == 409 and "has been released" in edit.content.decode()
    assert Scorecard.objects.get().feedback == "Clear; test earlier."


@pytest.mark.django_db
def test_the_scorecard_page_notices_that_time_ran_out(owner_client, live_round):
    # Time is up but no page has polled since: the round is over, so the scorecard can be released now.
    Round.objects.filter(pk=live_round.pk).update(started_at=timezone.now() - timedelta(hours=1))
    assert 'name="release"' in owner_client.get(url(live_round, "scorecard/")).content.decode()
    response = owner_client.post(url(live_round, "scorecard/"), _complete(live_round, release="1"))
    assert response.status_code == 302 and Scorecard.objects.get().released_at is not None


@pytest.mark.django_db
def test_a_scorecard_waits_for_the_round_to_start(owner_client, owner, partner, mini_pack):
    pending = paired_round(owner, partner, "screen", "sum-two", start=False)
    response = owner_client.post(url(pending, "scorecard/"), {"recommendation": "yes", "feedback": "Early"})
    assert response.status_code == 409
    assert not Scorecard.objects.exists()


# ---------------------------------------------------------------- who may


def _note_urls(stage_round, note):
    return [url(stage_round, "notes/"), url(stage_round, "notes/tag/"), url(stage_round, f"notes/{note.pk}/delete/"),
            url(stage_round, "sheet/"), url(stage_round, "scorecard/")]


@pytest.mark.django_db
def test_the_candidate_may_not_write_notes_or_see_them(partner_client, owner, live_round):
    note = note_services.note_save(round=live_round, author=owner, body="Private remark")
    for target in _note_urls(live_round, note):
        response = partner_client.post(target, {"body": "Sneaky", "tag": "strong", "recommendation": "yes"},
                                       headers=HX)
        assert response.status_code == 403, target
    assert partner_client.get(url(live_round, "scorecard/")).status_code == 403
    assert list(Note.objects.values_list("body", flat=True)) == ["Private remark"]
    assert not Scorecard.objects.exists() and not NoteSheet.objects.exists()
    assert "Private remark" not in partner_client.get(url(live_round)).content.decode()


@pytest.mark.django_db
def test_outsiders_and_anonymous_users_get_nothing(owner, outsider_client, live_round):
    note = note_services.note_save(round=live_round, author=owner, body="Private remark")
    anonymous = Client()
    for target in _note_urls(live_round, note):
        assert outsider_client.post(target, {"body": "x", "tag": "strong"}, headers=HX).status_code == 404, target
        response = anonymous.post(target, {"body": "x", "tag": "strong"})
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], target
    assert outsider_client.get(url(live_round, "scorecard/")).status_code == 404
    assert list(Note.objects.values_list("body", flat=True)) == ["Private remark"]


@pytest.mark.django_db
def test_wrong_methods_are_405(owner_client, owner, live_round):
    note = note_services.note_save(round=live_round, author=owner, body="x")
    for target in _note_urls(live_round, note)[:4]:
        assert owner_client.get(target).status_code == 405, target
    assert owner_client.put(url(live_round, "scorecard/")).status_code == 405
    assert owner_client.delete(url(live_round, f"notes/{note.pk}/delete/")).status_code == 405


@pytest.mark.django_db
def test_a_solo_user_takes_notes_on_their_own_round(owner_client, owner, mini_pack):
    solo = round_services.session_start(owner=owner, question=Question.objects.get(slug="why-us")).rounds.get()
    response = owner_client.post(url(solo, "notes/"), {"body": "Too long on the situation."}, headers=HX)
    assert response.status_code == 200 and Note.objects.get().author == owner
    response = owner_client.post(url(solo, "sheet/"), {"q": "1", "situation": "Too long", "rating_ownership": "2"},
                                 headers=HX)
    assert response.status_code == 200 and NoteSheet.objects.get().ratings == {"ownership": 2}
    page = owner_client.get(url(solo)).content.decode()
    assert 'id="notes-panel"' in page and "Too long on the situation." in page
    assert owner_client.get(url(solo, "scorecard/")).status_code == 403  # a scorecard is an interviewer's


# ---------------------------------------------------------------- the candidate's feedback on the interview

FEEDBACK = {"rating_clarity": "4", "rating_pacing": "2", "rating_realism": "3", "comments": "Give the *hint* sooner."}


@pytest.mark.django_db
def test_the_candidate_sends_feedback_and_both_read_it_on_summary_and_review(
    owner_client, partner_client, live_round
):
    round_services.round_end(round=live_round)
    form = partner_client.get(url(live_round, "summary/")).content.decode()
    assert "Your feedback for the interviewer" in form and 'name="rating_pacing"' in form
    assert "Your candidate has not sent feedback" in owner_client.get(url(live_round, "summary/")).content.decode()

    response = partner_client.post(url(live_round, "feedback-for-interviewer/"), FEEDBACK)
    assert response.status_code == 302 and response["Location"].endswith("/summary/#interviewer-feedback")
    sent = partner_client.get(url(live_round, "summary/")).content.decode()
    assert "Sent: your interviewer can read your feedback now." in sent
    assert 'name="rating_pacing"' not in sent  # sent once: the form is gone
    for client, heading in ((owner_client, "Your candidate's feedback on the interview"),
                            (partner_client, "Your feedback for the interviewer")):
        for page in (url(live_round, "summary/"), f"/practice/sessions/{live_round.session_id}/review/"):
            html = client.get(page).content.decode()
            assert heading in html, page
            assert "Give the <em>hint</em> sooner." in html and "2 · A little" in html, page


@pytest.mark.django_db
def test_bad_feedback_on_the_interview_is_a_400_that_keeps_what_was_typed(partner_client, live_round):
    round_services.round_end(round=live_round)
    response = partner_client.post(
        url(live_round, "feedback-for-interviewer/"), {"rating_clarity": "4", "comments": "Half done <b>"}
    )
    html = response.content.decode()
    assert response.status_code == 400 and "Rate every statement (2 left)." in html
    assert 'value="4" aria-label="The questions, and what was expected of me, were clear: Fully" checked' in html
    assert "Half done &lt;b&gt;</textarea>" in html
    live_round.refresh_from_db()
    assert not hasattr(live_round, "interviewer_feedback")


@pytest.mark.django_db
def test_feedback_on_the_interview_is_final_and_waits_for_the_end(partner_client, live_round):
    early = partner_client.post(url(live_round, "feedback-for-interviewer/"), FEEDBACK)
    assert early.status_code == 409 and "once the round has ended" in early.content.decode()
    round_services.round_end(round=live_round)
    assert partner_client.post(url(live_round, "feedback-for-interviewer/"), FEEDBACK).status_code == 302
    again = partner_client.post(url(live_round, "feedback-for-interviewer/"), {**FEEDBACK, "comments": "Changed"})
    assert again.status_code == 409 and "already sent" in again.content.decode()
    live_round.refresh_from_db()
    assert live_round.interviewer_feedback.comments == "Give the *hint* sooner."


@pytest.mark.django_db
def test_only_the_candidate_sends_feedback_on_the_interview(owner_client, outsider_client, live_round):
    round_services.round_end(round=live_round)
    assert owner_client.post(url(live_round, "feedback-for-interviewer/"), FEEDBACK).status_code == 403
    assert outsider_client.post(url(live_round, "feedback-for-interviewer/"), FEEDBACK).status_code == 404
    assert Client().post(url(live_round, "feedback-for-interviewer/"), FEEDBACK).status_code == 302  # to log in
    assert Client(enforce_csrf_checks=True).post(url(live_round, "feedback-for-interviewer/")).status_code == 403
    live_round.refresh_from_db()
    assert not hasattr(live_round, "interviewer_feedback")
