"""Imported sessions on every page that shows them: marked as imported, never offered as live, and an
imported scorecard never passed off as feedback from someone on this instance. And the import page
itself, which a guest may not use.
"""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from sessions.models import Guest, InterviewSession, Round, Submission
from sessions.review import sharing
from sessions.portability.importer import user_data_import
from sessions.portability.rules import GUEST_IMPORT, IMPORTED_ROUND, IMPORTED_SESSION
from tests.sessions.portability.test_data_import import counts, exported
from tests.sessions.portability.test_exports import FEEDBACK_MARKER, build_paired, build_solo
from tests.sessions.portability.test_import_rules import paired_round, reopened

HX = {"HX-Request": "true"}
IMPORTED_NOTE = 'id="imported-note"'
AS_FEEDBACK = ("Feedback from the interviewer", "Feedback from your interviewer", "Feedback released")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def html_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def imported_candidate(owner, partner, mini_pack):
    """bob's export of the round alice interviewed him in, feedback released, imported by bob on his own."""
    build_paired(owner, partner, release=True)
    data = exported(partner)
    InterviewSession.objects.all().delete()
    user_data_import(user=partner, data=data)
    return InterviewSession.objects.get(owner=partner)


@pytest.fixture
def imported_pending(owner, partner, mini_pack):
    """alice's forged export: a paired round 'waiting for its candidate', already holding code and runs."""
    build_paired(owner, partner)
    data = exported(owner)
    reopened(paired_round(data), "pending")
    InterviewSession.objects.all().delete()
    user_data_import(user=owner, data=data)
    return InterviewSession.objects.get(owner=owner)


# ---------------------------------------------------------------- the import page


@pytest.mark.django_db
def test_it_refuses_the_import_page_to_a_guest(owner, mini_pack):
    build_solo(owner)
    data = exported(owner)
    InterviewSession.objects.all().delete()
    guest = owner.__class__.objects.create_user("guest-9f8e7d")
    Guest.objects.create(user=guest, display_name="Sam")
    before = counts()
    client = client_for(guest)
    upload = {"file": SimpleUploadedFile("data.json", json.dumps(data).encode(), content_type="application/json")}

    refused = client.post("/practice/import/", upload)

    assert refused.status_code == 403 and GUEST_IMPORT in refused.content.decode()
    assert counts() == before
    assert client.get("/practice/import/").status_code == 403
    assert client.get("/practice/import/", headers=HX).status_code == 403


# ---------------------------------------------------------------- marked wherever it is shown


@pytest.mark.django_db
def test_it_marks_an_imported_session_in_my_sessions(partner, imported_candidate):
    html = html_of(client_for(partner).get("/practice/history/"))
    assert 'class="badge badge-imported">Imported</span>' in html
    assert "Imported scorecard for 1 of 1 rounds" in html and "Feedback released" not in html
    fragment = html_of(client_for(partner).get("/practice/history/", headers=HX))
    assert "badge-imported" in fragment and "<html" not in fragment


@pytest.mark.django_db
def test_the_session_page_of_an_imported_round_offers_no_invite_and_no_start(owner, imported_pending):
    html = html_of(client_for(owner).get(f"/practice/sessions/{imported_pending.pk}/"))
    assert IMPORTED_NOTE in html
    assert "invite/" not in html and "/start/" not in html and "Waiting for your candidate" not in html


@pytest.mark.django_db
def test_the_review_and_summary_label_the_scorecard_as_imported(partner, imported_candidate):
    stage_round = imported_candidate.rounds.get()
    client = client_for(partner)
    for url in (f"/practice/sessions/{imported_candidate.pk}/review/", f"/practice/rounds/{stage_round.pk}/summary/"):
        html = html_of(client.get(url))
        assert IMPORTED_NOTE in html and "Imported scorecard" in html, url
        assert FEEDBACK_MARKER in html  # the imported text is still there to read, under its true label
        assert not any(words in html for words in AS_FEEDBACK), url
    summary = html_of(client.get(f"/practice/rounds/{stage_round.pk}/summary/"))
    assert "feedback-for-interviewer/" not in summary and "/swap/" not in summary
    assert "live-changed" not in summary and "data-live-round" not in summary  # nothing to wait for


@pytest.mark.django_db
def test_a_mentor_with_the_share_link_sees_an_imported_scorecard_as_imported(partner, imported_candidate):
    _, token = sharing.share_create(session=imported_candidate, user=partner)
    html = html_of(Client().get(f"/shared/{token}/"))
    assert IMPORTED_NOTE in html and "This session was" in html and "Imported scorecard" in html
    assert not any(words in html for words in AS_FEEDBACK)


@pytest.mark.django_db
def test_the_print_page_and_markdown_say_imported(partner, imported_candidate):
    client = client_for(partner)
    printed = html_of(client.get(f"/practice/sessions/{imported_candidate.pk}/print/"))
    assert IMPORTED_NOTE in printed and "Imported scorecard" in printed and ">Feedback (released" not in printed
    markdown = html_of(client.get(f"/practice/sessions/{imported_candidate.pk}/export.md"))
    assert "> **Imported**" in markdown and "## Round 1: Coding screen (imported)" in markdown
    assert "### Imported scorecard (released" in markdown and "### Feedback (" not in markdown


@pytest.mark.django_db
def test_the_json_export_keeps_the_marker_through_a_re_import(partner, imported_candidate):
    data = json.loads(html_of(client_for(partner).get("/practice/export.json")))
    assert [session["imported"] for session in data["sessions"]] == [True]
    InterviewSession.objects.all().delete()
    user_data_import(user=partner, data=data)
    assert InterviewSession.objects.get().is_imported


@pytest.mark.django_db
def test_a_session_never_imported_is_not_marked(owner, mini_pack):
    session = build_solo(owner)
    client = client_for(owner)
    for url in (f"/practice/sessions/{session.pk}/", f"/practice/sessions/{session.pk}/review/", "/practice/history/"):
        html = html_of(client.get(url))
        assert IMPORTED_NOTE not in html and "badge-imported" not in html, url
    assert json.loads(html_of(client.get("/practice/export.json")))["sessions"][0]["imported"] is False


# ---------------------------------------------------------------- never live


@pytest.mark.django_db
def test_starting_an_imported_round_is_refused_with_a_message(owner, imported_pending):
    stage_round = imported_pending.rounds.get()
    Round.objects.filter(pk=stage_round.pk).update(status="pending", started_at=None, ended_at=None)  # even so
    client = client_for(owner)
    response = client.post(f"/practice/rounds/{stage_round.pk}/start/")
    assert response.status_code == 409 and IMPORTED_ROUND in response.content.decode()
    response = client.post(f"/practice/rounds/{stage_round.pk}/start/", headers=HX)
    assert response.status_code == 409 and IMPORTED_ROUND in response.content.decode()
    assert Round.objects.get(pk=stage_round.pk).status == "pending"


@pytest.mark.django_db
def test_making_an_invite_for_an_imported_session_is_refused_with_a_message(owner, imported_pending):
    response = client_for(owner).post(f"/practice/sessions/{imported_pending.pk}/invite/")
    assert response.status_code == 409 and IMPORTED_SESSION in response.content.decode()
    assert not imported_pending.invites.exists()


@pytest.mark.django_db
def test_saving_or_running_code_in_an_imported_round_is_refused_and_nothing_is_saved(owner, mini_pack):
    build_solo(owner)
    data = exported(owner)
    InterviewSession.objects.all().delete()
    user_data_import(user=owner, data=data)
    stage_round = Round.objects.get()
    Round.objects.filter(pk=stage_round.pk).update(status="running", started_at=timezone.now(), ended_at=None)
    sum_two = stage_round.questions.get(question__slug="sum-two")
    runs = Submission.objects.count()
    client = client_for(owner)
    url = f"/practice/rounds/{stage_round.pk}/q/{sum_two.order + 1}/"

    saved = client.post(url + "save/", {"code": "print(9)"}, headers=HX)
    ran = client.post(url + "run/", {"code": "print(9)", "language": "python", "kind": "submit"}, headers=HX)

    for response in (saved, ran):
        assert response.status_code == 409 and IMPORTED_ROUND in response.content.decode()
    assert stage_round.questions.get(pk=sum_two.pk).code == sum_two.code
    assert Submission.objects.count() == runs


@pytest.mark.django_db
def test_the_replay_says_imported_and_never_that_feedback_was_released_here(partner, imported_candidate):
    stage_round = imported_candidate.rounds.get()
    _, token = sharing.share_create(session=imported_candidate, user=partner)
    for client, url in ((client_for(partner), f"/practice/rounds/{stage_round.pk}/replay/"),
                        (Client(), f"/shared/{token}/rounds/{stage_round.pk}/replay/")):
        response = client.get(url)
        assert response.status_code == 200, url
        replay = response.json()
        assert replay["round"]["imported"] is True
        assert "Feedback released" not in response.content.decode()
        assert "Imported scorecard released (on another instance)" in response.content.decode()


@pytest.mark.django_db
def test_the_scorecard_page_of_an_imported_round_shows_it_and_offers_no_edit_or_release(owner, imported_pending):
    stage_round = imported_pending.rounds.get()
    client = client_for(owner)
    html = html_of(client.get(f"/practice/rounds/{stage_round.pk}/scorecard/"))
    assert IMPORTED_NOTE in html and "Imported scorecard" in html and FEEDBACK_MARKER in html
    assert 'name="release"' not in html and 'class="scorecard-form"' not in html

    response = client.post(f"/practice/rounds/{stage_round.pk}/scorecard/",
                           {"recommendation": "strong_yes", "feedback": "Rewritten here.", "release": "1"})

    assert response.status_code == 409 and IMPORTED_ROUND in response.content.decode()
    scorecard = stage_round.scorecard_or_none
    assert scorecard.released_at is None and FEEDBACK_MARKER in scorecard.feedback
