"""The paired pages: setting up, invite links, joining, the live poll, swapping roles, what each role sees
and may do on the round page, and the summary per role."""

import hashlib
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from questions.models import InterviewLoop, Question, Stage
from sessions.feedback import notes as note_services
from sessions.models import Guest, InterviewSession, Invite, Round, RoundQuestion, Submission
from sessions.paired import services as paired_services
from sessions.rounds import services as round_services
from sessions.rounds.selectors import live_query

HX = {"HX-Request": "true"}
LINK = re.compile(r"http://testserver/practice/join/([A-Za-z0-9_-]+)/")


@pytest.fixture
def screen(mini_pack):
    return Stage.objects.get(slug="screen")


@pytest.fixture
def waiting(owner, screen):
    """alice set up a coding screen (sum-two, then bayes); nobody has joined yet."""
    picked = [Question.objects.get(slug="sum-two"), Question.objects.get(slug="bayes")]
    return paired_services.paired_session_create(interviewer=owner, stage=screen, questions=picked)


@pytest.fixture
def token(waiting):
    return paired_services.invite_create(session=waiting)[1]


@pytest.fixture
def joined(waiting, token, partner):
    paired_services.invite_accept(token=token, user=partner)
    waiting.refresh_from_db()
    return waiting


@pytest.fixture
def live_round(joined):
    """The running round: alice interviews, bob answers."""
    return round_services.round_start(round=joined.rounds.get())


def round_url(stage_round, tail=""):
    return f"/practice/rounds/{stage_round.pk}/{tail}"


def session_url(session, tail=""):
    return f"/practice/sessions/{session.pk}/{tail}"


def fresh_query(stage_round, page="round"):
    """The live poll's query string as a page rendered now would send it."""
    stage_round.refresh_from_db()
    return live_query(stage_round, page)


def without_csrf(html: str) -> str:
    return re.sub(r'"X-CSRFToken": "[^"]*"', "", html)


# ---------------------------------------------------------------- setting up


@pytest.mark.django_db
def test_the_setup_page_offers_each_stage_and_loop(owner_client, mini_pack):
    response = owner_client.get("/practice/paired/new/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Interview someone" in html and "Coding screen" in html and "Set up the whole loop" in html
    assert 'name="questions" value="sum-two"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("headers", [{}, HX], ids=["full page", "htmx"])
def test_setting_up_a_stage_shows_the_invite_link_once(owner_client, owner, screen, headers):
    response = owner_client.post(
        "/practice/paired/new/", {"stage": screen.pk, "questions": ["bayes", "sum-two"], "duration": "30"},
        headers=headers,
    )
    session = InterviewSession.objects.get()
    # Post/redirect/get: reloading the page that shows the link must not set up a second session.
    assert response.status_code == 302 and response["Location"] == session_url(session)
    page = owner_client.get(response["Location"])
    html = page.content.decode()
    assert "no-store" in page["Cache-Control"]
    assert len(LINK.findall(html)) == 1
    token = LINK.search(html).group(1)
    invite = Invite.objects.get()
    assert invite.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert (session.mode, session.owner, session.partner) == ("paired", owner, None)
    stage_round = session.rounds.get()
    assert stage_round.duration_seconds == 30 * 60
    assert list(stage_round.questions.values_list("question__slug", flat=True)) == ["bayes", "sum-two"]
    assert token not in owner_client.get(session_url(session)).content.decode()  # shown only once


@pytest.mark.django_db
@pytest.mark.parametrize("ticked", [True, False])
def test_the_interviewer_chooses_whether_they_may_type_in_the_shared_pad(owner_client, mini_pack, partner, ticked):
    loop = InterviewLoop.objects.get(slug="alpha")
    data = {"loop": loop.pk, **({"pad_candidate_only": "1"} if ticked else {})}
    assert owner_client.post("/practice/paired/new/", data).status_code == 302
    session = InterviewSession.objects.get()
    assert [r.pad_candidate_only for r in session.rounds.all()] == [ticked, ticked]
    # The swapped round keeps the setting.
    paired_services.invite_accept(token=paired_services.invite_create(session=session)[1], user=partner)
    first = round_services.round_start(round=session.rounds.order_by("order").first())
    round_services.round_end(round=first)
    assert paired_services.round_swap(round=Round.objects.get(pk=first.pk)).pad_candidate_only is ticked


@pytest.mark.django_db
def test_setting_up_a_whole_loop(owner_client, mini_pack):
    loop = InterviewLoop.objects.get(slug="alpha")
    response = owner_client.post("/practice/paired/new/", {"loop": loop.pk}, follow=True)
    assert response.status_code == 200 and len(LINK.findall(response.content.decode())) == 1
    assert InterviewSession.objects.get().rounds.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("data, words", [
    ({}, "Choose either a whole loop or one stage"),
    ({"stage": "STAGE", "loop": "LOOP"}, "Choose either a whole loop or one stage"),
    ({"stage": "STAGE", "questions": ["why-us"]}, "must belong to the stage"),
    ({"stage": "STAGE", "questions": ["no-such-question"]}, "Select a valid choice"),
    ({"stage": "STAGE", "duration": "4"}, "greater than or equal to 5"),
    ({"stage": "STAGE", "duration": "181"}, "less than or equal to 180"),
    ({"stage": "abc"}, "Enter a whole number"),
])
@pytest.mark.parametrize("headers", [{}, HX], ids=["full page", "htmx"])
def test_a_bad_setup_is_a_400_with_a_message_and_saves_nothing(owner_client, screen, data, words, headers):
    placeholders = {"STAGE": screen.pk, "LOOP": screen.loop.pk}
    data = {key: placeholders.get(value, value) if isinstance(value, str) else value for key, value in data.items()}
    response = owner_client.post("/practice/paired/new/", data, headers=headers)
    assert response.status_code == 400
    html = response.content.decode()
    assert words in html and 'role="alert"' in html
    assert not InterviewSession.objects.exists() and not Invite.objects.exists()


@pytest.mark.django_db
def test_setup_needs_login_and_get_or_post(client, owner_client, screen):
    assert owner_client.put("/practice/paired/new/").status_code == 405
    owner_client.logout()
    response = client.post("/practice/paired/new/", {"stage": screen.pk})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not InterviewSession.objects.exists()


# ---------------------------------------------------------------- the invite link


@pytest.mark.django_db
@pytest.mark.parametrize("headers", [{}, HX], ids=["full page", "htmx"])
def test_a_new_link_replaces_the_old_one(owner_client, waiting, token, headers):
    response = owner_client.post(session_url(waiting, "invite/"), headers=headers)
    assert response.status_code == 302 and response["Location"] == session_url(waiting)
    new_token = LINK.search(owner_client.get(response["Location"]).content.decode()).group(1)
    assert new_token != token
    assert paired_services.invite_find(token=token) is None
    assert paired_services.invite_find(token=new_token) is not None


@pytest.mark.django_db
@pytest.mark.parametrize("headers", [{}, HX], ids=["full page", "htmx"])
def test_revoking_the_link_closes_it(client, owner_client, waiting, token, headers):
    response = owner_client.post(session_url(waiting, "invite/revoke/"), headers=headers)
    assert response.status_code == 302 and response["Location"] == session_url(waiting)
    assert "The invite link no longer works." in owner_client.get(response["Location"]).content.decode()
    assert paired_services.invite_find(token=token) is None
    owner_client.logout()
    assert client.get(f"/practice/join/{token}/").status_code == 404


@pytest.mark.django_db
def test_no_new_link_once_the_candidate_has_joined(owner_client, joined):
    response = owner_client.post(session_url(joined, "invite/"))
    assert response.status_code == 409 and "already joined" in response.content.decode()
    assert Invite.objects.count() == 1


@pytest.mark.django_db
def test_only_the_owner_handles_the_link(owner_client, partner_client, outsider_client, joined):
    anonymous = Client()
    for tail in ("invite/", "invite/revoke/"):
        assert partner_client.post(session_url(joined, tail)).status_code == 403, tail
        assert outsider_client.post(session_url(joined, tail)).status_code == 404, tail
        assert owner_client.get(session_url(joined, tail)).status_code == 405, tail
        response = anonymous.post(session_url(joined, tail))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], tail
    assert Invite.objects.count() == 1 and Invite.objects.get().accepted_at is not None


# ---------------------------------------------------------------- joining


@pytest.mark.django_db
def test_a_valid_link_shows_who_invites_you(client, token):
    response = client.get(f"/practice/join/{token}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>alice</strong> invited you" in html and "Join as a guest" in html
    assert "no-store" in response["Cache-Control"]  # the page's URL holds the token


@pytest.mark.django_db
def test_a_guest_joins_with_a_name_and_lands_on_the_session(client, waiting, token):
    response = client.post(f"/practice/join/{token}/", {"display_name": " Ada  Lovelace "})
    assert response.status_code == 302 and response["Location"] == session_url(waiting)
    guest = Guest.objects.get()
    assert guest.display_name == "Ada Lovelace"
    assert int(client.session["_auth_user_id"]) == guest.user_id  # this browser is signed in as the guest
    waiting.refresh_from_db()
    assert waiting.partner_id == guest.user_id
    page = client.get(response["Location"])
    assert page.status_code == 200 and "Waiting for your interviewer" in page.content.decode()


@pytest.mark.django_db
def test_a_guests_name_is_shown_as_text(owner_client, waiting, token):
    assert Client().post(f"/practice/join/{token}/", {"display_name": "<b>Ada</b>"}).status_code == 302
    stage_round = waiting.rounds.get()
    html = owner_client.get(round_url(stage_round)).content.decode()
    assert "you are interviewing <strong>&lt;b&gt;Ada&lt;/b&gt;</strong>" in html
    assert "<b>Ada</b>" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["", "   "])
def test_a_guest_without_a_name_is_a_400(client, waiting, token, name):
    response = client.post(f"/practice/join/{token}/", {"display_name": name})
    assert response.status_code == 400 and "Give a name of 1 to 60 characters" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not Guest.objects.exists() and get_user_model().objects.count() == 1
    assert paired_services.invite_find(token=token) is not None


@pytest.mark.django_db
def test_a_signed_in_user_joins_as_themselves(partner_client, partner, waiting, token):
    page = partner_client.get(f"/practice/join/{token}/")
    assert page.status_code == 200 and "You will join as <strong>bob</strong>" in page.content.decode()
    response = partner_client.post(f"/practice/join/{token}/")
    assert response.status_code == 302 and response["Location"] == session_url(waiting)
    waiting.refresh_from_db()
    assert waiting.partner == partner and waiting.rounds.get().candidate == partner
    assert not Guest.objects.exists()


@pytest.mark.django_db
def test_the_owner_opening_their_own_link_gets_a_409(owner_client, waiting, token):
    for response in (owner_client.get(f"/practice/join/{token}/"), owner_client.post(f"/practice/join/{token}/")):
        assert response.status_code == 409
        assert "You set up this session" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.partner is None and paired_services.invite_find(token=token) is not None


@pytest.mark.django_db
def test_unknown_revoked_expired_and_used_links_look_the_same(client, owner, screen, partner):
    def new_link():
        session = paired_services.paired_session_create(interviewer=owner, stage=screen)
        return paired_services.invite_create(session=session)

    revoked_invite, revoked = new_link()
    paired_services.invite_revoke(session=revoked_invite.session)
    expired_invite, expired = new_link()
    Invite.objects.filter(pk=expired_invite.pk).update(expires_at=expired_invite.created_at)
    _, used = new_link()
    paired_services.invite_accept(token=used, user=partner)
    pages = []
    for token in ("no-such-token", revoked, expired, used):
        for response in (client.get(f"/practice/join/{token}/"), client.post(f"/practice/join/{token}/",
                                                                              {"display_name": "Eve"})):
            assert response.status_code == 404, token
            pages.append(without_csrf(response.content.decode()))
    assert len(set(pages)) == 1 and "This invite link is not valid" in pages[0]
    assert not Guest.objects.exists()


@pytest.mark.django_db
def test_join_is_get_or_post(client, token):
    assert client.put(f"/practice/join/{token}/").status_code == 405


# ---------------------------------------------------------------- the live poll


@pytest.mark.django_db
def test_the_live_poll_is_204_while_nothing_changes(owner_client, partner_client, live_round):
    query = fresh_query(live_round)
    for client in (owner_client, partner_client):
        response = client.get(round_url(live_round, f"live/?{query}"), headers=HX)
        assert response.status_code == 204
        assert "round-clock" in response["HX-Trigger"]


@pytest.mark.django_db
def test_the_interviewer_sees_the_candidates_code_after_a_save(owner_client, partner_client, live_round):
    query = fresh_query(live_round)
    saved = partner_client.post(round_url(live_round, "q/1/save/"),
                                {"code": "candidate_total = 40 + 2", "language": "python"}, headers=HX)
    assert saved.status_code == 200
    response = owner_client.get(round_url(live_round, f"live/?{query}"), headers=HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="candidate-code"' in html and "candidate_total" in html
    assert "Read, add, print" not in html  # a fragment, not the page
    new_query = fresh_query(live_round)
    assert new_query in html.replace("&amp;", "&")  # it polls on from the new version
    assert owner_client.get(round_url(live_round, f"live/?{new_query}"), headers=HX).status_code == 204


@pytest.mark.django_db
def test_the_interviewer_sees_the_candidates_own_test_cases_read_only(owner_client, partner_client, live_round):
    query = fresh_query(live_round)
    saved = partner_client.post(round_url(live_round, "q/1/save/"), {
        "code": "print(1)", "test_cases": "1", "case_input": ["3 4"], "case_expected": ["7"]}, headers=HX)
    assert saved.status_code == 200
    html = owner_client.get(round_url(live_round, f"live/?{query}"), headers=HX).content.decode()
    assert "Own test cases" in html and "<pre>3 4</pre>" in html and "<pre>7</pre>" in html
    assert 'name="case_input"' not in html  # shown, not editable
    # The interviewer cannot write the candidate's cases.
    assert owner_client.post(round_url(live_round, "q/1/save/"), {"test_cases": "1", "case_input": ["x"],
                                                                  "case_expected": [""]}, headers=HX).status_code == 403


@pytest.mark.django_db
def test_the_candidate_sees_a_hint_once_it_is_given(owner_client, partner_client, live_round):
    query = fresh_query(live_round)
    given = owner_client.post(round_url(live_round, "q/1/next-hint/"), headers=HX)
    assert given.status_code == 200 and "1 of 2 given" in given.content.decode()
    response = partner_client.get(round_url(live_round, f"live/?{query}"), headers=HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Hints from your interviewer" in html and "Split the line." in html
    assert "Convert with" not in html  # the next rung stays hidden


@pytest.mark.django_db
def test_a_question_switch_or_the_end_sends_live_pages_to_the_round_page(owner_client, partner_client, live_round):
    query = fresh_query(live_round)
    assert owner_client.post(round_url(live_round, "q/2/switch/")).status_code == 302
    for client in (partner_client, owner_client):
        response = client.get(round_url(live_round, f"live/?{query}"), headers=HX)
        assert response.status_code == 200 and response["HX-Redirect"] == round_url(live_round)
    assert "State Bayes" in partner_client.get(round_url(live_round)).content.decode()
    query = fresh_query(live_round)
    assert owner_client.post(round_url(live_round, "end/")).status_code == 302
    response = partner_client.get(round_url(live_round, f"live/?{query}"), headers=HX)
    assert response["HX-Redirect"] == round_url(live_round)
    assert partner_client.get(round_url(live_round))["Location"] == round_url(live_round, "summary/")


@pytest.mark.django_db
def test_a_paused_candidate_page_keeps_listening_and_moves_on_when_the_interviewer_resumes(
    owner_client, partner_client, live_round
):
    assert owner_client.post(round_url(live_round, "pause/")).status_code == 302
    html = partner_client.get(round_url(live_round)).content.decode()
    assert "The question is hidden until your interviewer resumes." in html
    poll = re.search(r'<div id="live" hx-get="([^"]+)" hx-trigger="live-changed from:body"', html)
    assert poll, "a paused candidate page must keep listening"
    assert f'data-live-round="{live_round.pk}"' in html  # its websocket (or the fallback poll) fires the trigger
    assert partner_client.get(poll.group(1).replace("&amp;", "&"), headers=HX).status_code == 204
    assert owner_client.post(round_url(live_round, "resume/")).status_code == 302
    response = partner_client.get(poll.group(1).replace("&amp;", "&"), headers=HX)
    assert response.status_code == 200 and response["HX-Redirect"] == round_url(live_round)


@pytest.mark.django_db
def test_a_session_page_is_sent_to_a_fresh_get_never_reloaded(owner_client, partner_client, live_round):
    # The interviewer's waiting page may be the answer to the setup POST: a reload would send it again.
    query = fresh_query(live_round, "session")
    assert partner_client.get(round_url(live_round, f"live/?{query}"), headers=HX).status_code == 204
    round_services.answer_save(round_question=live_round.questions.get(order=0), values={"code": "x = 1"})
    for client in (owner_client, partner_client):
        response = client.get(round_url(live_round, f"live/?{query}"), headers=HX)
        assert "HX-Refresh" not in response
        assert response["HX-Redirect"] == round_url(live_round)  # the round is running: open it


@pytest.mark.django_db
def test_a_waiting_session_page_stays_on_the_session_until_the_round_starts(owner, partner, partner_client, mini_pack):
    session = paired_services.paired_session_create(interviewer=owner, stage=Stage.objects.get(slug="screen"))
    _, token = paired_services.invite_create(session=session)
    pending = session.rounds.get()
    query = fresh_query(pending, "session")
    paired_services.invite_accept(token=token, user=partner)
    response = partner_client.get(round_url(pending, f"live/?{query}"), headers=HX)
    assert response["HX-Redirect"] == f"/practice/sessions/{session.pk}/"


@pytest.mark.django_db
def test_the_live_poll_is_for_the_two_people_only(client, owner_client, outsider_client, live_round):
    url = round_url(live_round, f"live/?{fresh_query(live_round)}")
    assert outsider_client.get(url, headers=HX).status_code == 404
    assert owner_client.post(url, headers=HX).status_code == 405
    owner_client.logout()
    response = client.get(url, headers=HX)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# ---------------------------------------------------------------- swapping roles


@pytest.mark.django_db
def test_either_person_swaps_roles_after_the_round(partner_client, owner, partner, live_round):
    round_services.round_end(round=live_round)
    response = partner_client.post(round_url(live_round, "swap/"))
    assert response.status_code == 302 and response["Location"] == session_url(live_round.session)
    swapped = live_round.session.rounds.get(order=1)
    assert (swapped.interviewer, swapped.candidate, swapped.status) == (partner, owner, "pending")
    page = partner_client.get(response["Location"]).content.decode()
    assert "you interview" in page and "Start round" in page


@pytest.mark.django_db
@pytest.mark.parametrize("headers", [{}, HX], ids=["full page", "htmx"])
def test_a_swap_before_the_end_is_a_409_with_a_message(owner_client, live_round, headers):
    response = owner_client.post(round_url(live_round, "swap/"), headers=headers)
    assert response.status_code == 409 and "once this round has ended" in response.content.decode()
    if headers:
        assert response["HX-Retarget"] == "#round-message"
    assert Round.objects.count() == 1


@pytest.mark.django_db
def test_a_swap_is_for_the_two_people_of_a_paired_round(client, owner_client, outsider_client, owner, live_round):
    round_services.round_end(round=live_round)
    assert outsider_client.post(round_url(live_round, "swap/")).status_code == 404
    assert owner_client.get(round_url(live_round, "swap/")).status_code == 405
    solo = round_services.session_start(owner=owner, question=Question.objects.get(slug="sum-two")).rounds.get()
    round_services.round_end(round=solo)
    assert owner_client.post(round_url(solo, "swap/")).status_code == 403
    owner_client.logout()
    assert "/accounts/login/" in client.post(round_url(live_round, "swap/"))["Location"]
    assert Round.objects.count() == 2


# ---------------------------------------------------------------- what each role sees and may do


INTERVIEWER_ONLY = ["Read, add, print", "Split the line.", "Convert with", "Tests the code", 'id="notes-panel"',
                    "Hint ladder", "/scorecard/"]


@pytest.mark.django_db
def test_the_interviewer_page_has_the_answers_and_the_candidate_page_none(owner_client, partner_client, live_round):
    interviewer = owner_client.get(round_url(live_round))
    html = interviewer.content.decode()
    assert interviewer.status_code == 200 and "you are interviewing <strong>bob</strong>" in html
    for text in INTERVIEWER_ONLY:
        assert text in html, text
    candidate = partner_client.get(round_url(live_round))
    html = candidate.content.decode()
    assert candidate.status_code == 200 and "Read two integers" in html
    for text in INTERVIEWER_ONLY + ["Names the prior", "frac{P(B", "Reveal model answer"]:
        assert text not in html, text
    # Asking for another question changes nothing: the candidate sees the one the interviewer has on screen.
    assert "State Bayes" not in partner_client.get(round_url(live_round) + "?q=2").content.decode()


@pytest.mark.django_db
def test_after_a_switch_the_interviewer_sees_that_questions_model_answer_and_rubric(owner_client, partner_client,
                                                                                   live_round):
    owner_client.post(round_url(live_round, "q/2/switch/"))
    html = owner_client.get(round_url(live_round)).content.decode()
    assert "frac{P(B" in html and "Names the prior" in html
    html = partner_client.get(round_url(live_round)).content.decode()
    assert "State Bayes" in html and "frac{P(B" not in html and "Names the prior" not in html


@pytest.mark.django_db
def test_the_candidate_cannot_drive_the_round(partner_client, live_round):
    for tail in ("q/1/next-hint/", "q/2/switch/", "q/1/next-constraint/", "add-time/", "end/", "pause/", "start/",
                 "scorecard/", "q/1/reveal/"):
        response = partner_client.post(round_url(live_round, tail), {"minutes": "5", "recommendation": "yes"},
                                       headers=HX)
        assert response.status_code == 403, tail
    assert partner_client.get(round_url(live_round, "scorecard/")).status_code == 403
    live_round.refresh_from_db()
    assert (live_round.status, live_round.duration_seconds) == ("running", 45 * 60)
    assert live_round.current == live_round.questions.get(order=0)
    assert RoundQuestion.objects.filter(hints_revealed__gt=0).count() == 0
    assert not live_round.events.exclude(kind="start").exists()


@pytest.mark.django_db
def test_the_interviewer_cannot_answer_or_run(owner_client, live_round):
    for tail in ("q/1/save/", "q/1/run/", "q/2/reveal/", "q/2/grade/"):
        response = owner_client.post(round_url(live_round, tail),
                                     {"code": "print(3)", "language": "python", "kind": "run", "grade": "good"},
                                     headers=HX)
        assert response.status_code == 403, tail
    assert RoundQuestion.objects.get(order=0).code == "" and not Submission.objects.exists()


@pytest.mark.django_db
def test_the_interviewer_adds_time(owner_client, live_round):
    response = owner_client.post(round_url(live_round, "add-time/"), {"minutes": "5"})
    assert response.status_code == 302 and response["Location"] == round_url(live_round)
    response = owner_client.post(round_url(live_round, "add-time/"), {"minutes": "5"}, headers=HX)
    assert response.status_code == 200 and response["HX-Redirect"] == round_url(live_round)
    live_round.refresh_from_db()
    assert live_round.duration_seconds == 55 * 60
    assert live_round.events.filter(kind="time_added").count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("minutes", ["", "0", "31", "five"])
def test_adding_a_bad_amount_of_time_is_a_400(owner_client, live_round, minutes):
    response = owner_client.post(round_url(live_round, "add-time/"), {"minutes": minutes}, headers=HX)
    assert response.status_code == 400 and response["HX-Retarget"] == "#round-message"
    live_round.refresh_from_db()
    assert live_round.duration_seconds == 45 * 60


@pytest.mark.django_db
def test_the_interviewer_page_waits_for_the_candidate(owner_client, partner_client, waiting):
    html = owner_client.get(round_url(waiting.rounds.get())).content.decode()
    assert "Waiting for your candidate to join." in html and "Read, add, print" in html


# ---------------------------------------------------------------- the summary, per role


def _release(stage_round, interviewer, *, share_notes=False):
    keys = [key for key, _ in note_services.scorecard_items(stage_round)]
    note_services.scorecard_save(round=stage_round, interviewer=interviewer, ratings={key: "yes" for key in keys},
                                 recommendation="strong_yes", feedback="Great structure; test earlier.",
                                 share_notes=share_notes)
    note_services.scorecard_release(round=stage_round)


@pytest.mark.django_db
def test_the_candidates_summary_has_no_answers_and_waits_for_feedback(owner_client, partner_client, owner,
                                                                      live_round):
    round_services.round_end(round=live_round)
    candidate = partner_client.get(round_url(live_round, "summary/"))
    html = candidate.content.decode()
    assert candidate.status_code == 200
    assert "has not released feedback yet" in html and "Self-assessment" in html
    for text in ("frac{P(B", "Names the prior", "Great structure"):
        assert text not in html, text
    interviewer = owner_client.get(round_url(live_round, "summary/")).content.decode()
    assert "frac{P(B" in interviewer and "Names the prior" in interviewer and "Not yet released" in interviewer
    assert "Self-assessment" not in interviewer


@pytest.mark.django_db
@pytest.mark.parametrize("share_notes", [False, True])
def test_released_feedback_reaches_the_candidate_with_notes_only_if_shared(partner_client, owner, live_round,
                                                                          share_notes):
    note_services.note_save(round=live_round, author=owner, body="Talked through the edge cases.")
    round_services.round_end(round=live_round)
    _release(live_round, owner, share_notes=share_notes)
    html = partner_client.get(round_url(live_round, "summary/")).content.decode()
    assert "Great structure; test earlier." in html and "Strong yes" in html and "Names the prior" in html
    assert "has not released feedback yet" not in html
    assert "frac{P(B" not in html  # the model answer stays out even now
    assert ("Talked through the edge cases." in html) is share_notes


@pytest.mark.django_db
def test_the_summary_is_for_the_two_people_only(client, outsider_client, live_round):
    round_services.round_end(round=live_round)
    assert outsider_client.get(round_url(live_round, "summary/")).status_code == 404
    assert "/accounts/login/" in client.get(round_url(live_round, "summary/"))["Location"]


@pytest.mark.django_db
def test_only_the_candidate_assesses_themselves(owner_client, partner_client, live_round):
    round_services.round_end(round=live_round)
    item = live_round.stage.rubric_items.get()
    assert owner_client.post(round_url(live_round, "summary/"), {f"rating_{item.pk}": "3"}).status_code == 403
    assert partner_client.post(round_url(live_round, "summary/"), {f"rating_{item.pk}": "3"}).status_code == 302
    live_round.refresh_from_db()
    assert live_round.self_assessment == {str(item.pk): 3}


def live_url_on_page(html: str) -> str:
    return re.search(r'hx-get="(/practice/rounds/\d+/live/\?[^"]+)"', html).group(1).replace("&amp;", "&")


@pytest.mark.django_db
def test_a_candidates_own_save_does_not_make_their_page_re_render(partner_client, live_round):
    url = live_url_on_page(partner_client.get(round_url(live_round)).content.decode())
    round_services.answer_save(round_question=live_round.questions.get(order=0), values={"code": "x = 2"})
    assert partner_client.get(url, headers=HX).status_code == 204
    first = live_round.questions.get(order=0)
    first.round = live_round
    round_services.hint_reveal_next(round_question=first)
    response = partner_client.get(url, headers=HX)
    assert response.status_code == 200 and 'id="live"' in response.content.decode()
