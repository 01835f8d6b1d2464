"""The "My sessions" page: each filter and combinations, bad values, pagination edges, HTMX fragment vs
full page, outsiders' sessions, and text search that reads notes only where round_visibility allows."""

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from questions.models import InterviewLoop, Question, Stage
from sessions.access import round_role, round_visibility
from sessions.feedback import notes as note_services
from sessions.feedback.notes import scorecard_items
from sessions.models import InterviewSession, Note, NoteSheet, Round, RoundQuestion
from sessions.paired import services as paired_services
from sessions.review.history import participant_sessions, readable_notes, visible_round_questions
from sessions.rounds import services as round_services

HX = {"HX-Request": "true"}
URL = "/practice/history/"


def at(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T12:00:00+00:00")


def dated(session: InterviewSession, day: str) -> InterviewSession:
    InterviewSession.objects.filter(pk=session.pk).update(created_at=at(day))
    session.refresh_from_db()
    return session


def solo(user, slug: str, day: str, *, end: bool = True, note: str = "") -> InterviewSession:
    """A solo round of one question, begun at noon on `day`, with the owner's own note."""
    now = at(day)
    session = round_services.session_start(owner=user, question=Question.objects.get(slug=slug), now=now)
    stage_round = session.rounds.get()
    if note:
        note_services.note_save(round=stage_round, author=user, body=note, now=now + timedelta(minutes=1))
    if end:
        round_services.round_end(round=stage_round, now=now + timedelta(minutes=10))
    return dated(session, day)


def paired(interviewer, candidate, slug: str, day: str, *, note: str = "", feedback: str = "") -> InterviewSession:
    """`interviewer` interviews `candidate` on one question; the round ends after ten minutes.

    `feedback`: "" (no scorecard), "draft", "released" (notes kept back) or "shared" (released with the notes).
    """
    now = at(day)
    question = Question.objects.get(slug=slug)
    session = paired_services.paired_session_create(
        interviewer=interviewer, stage=question.stages.get(), questions=[question], now=now
    )
    _, token = paired_services.invite_create(session=session, now=now)
    paired_services.invite_accept(token=token, user=candidate, now=now)
    stage_round = round_services.round_start(round=session.rounds.get(), now=now)
    if note:
        note_services.note_save(round=stage_round, author=interviewer, body=note, now=now + timedelta(minutes=1))
    round_services.round_end(round=stage_round, now=now + timedelta(minutes=10))
    if feedback:
        note_services.scorecard_save(
            round=stage_round, interviewer=interviewer, ratings={key: "yes" for key, _ in scorecard_items(stage_round)},
            recommendation="yes", feedback="Clear and careful.", share_notes=feedback == "shared",
        )
    if feedback in ("released", "shared"):
        note_services.scorecard_release(round=stage_round, now=now + timedelta(minutes=20))
    return dated(session, day)


@pytest.fixture
def world(mini_pack, owner, partner, outsider):
    """alice's four sessions (A oldest .. D newest) and one of mallory's.

    A: solo, sum-two, ended, alice's note "overflow".            January
    B: solo, why-us, still running.                               February
    C: alice interviews bob on bayes; released, notes kept back;  March
       alice's note "pelican".
    D: bob interviews alice on design-feed; a draft scorecard;    April
       bob's note "walrus".
    E: mallory, solo, bayes, her note "pelican".                  March
    """
    return {
        "A": solo(owner, "sum-two", "2026-01-10", note="Remember the overflow case."),
        "B": solo(owner, "why-us", "2026-02-10", end=False),
        "C": paired(owner, partner, "bayes", "2026-03-10", note="A pelican of an answer.", feedback="released"),
        "D": paired(partner, owner, "design-feed", "2026-04-10", note="Walrus moment at minute 3.", feedback="draft"),
        "E": solo(outsider, "bayes", "2026-03-12", note="My own pelican note."),
    }


def listed(response) -> list[str]:
    return [row.session.title for row in response.context["rows"]]


def names(world, *keys) -> list[str]:
    return [world[key].title for key in keys]


# ---------------------------------------------------------------- the list and its filters


@pytest.mark.django_db
def test_it_lists_every_session_the_user_took_part_in_newest_first(owner_client, world):
    response = owner_client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert listed(response) == names(world, "D", "C", "B", "A")
    assert "<html" in html and 'id="history-filters"' in html
    for key in "ABCD":
        assert f'href="/practice/sessions/{world[key].pk}/review/"' in html
    assert f"/practice/sessions/{world['E'].pk}/" not in html


@pytest.mark.django_db
def test_each_row_says_mode_role_stages_and_outcome(owner_client, world):
    rows = {row.session.pk: row for row in owner_client.get(URL).context["rows"]}
    a, b, c, d = (rows[world[key].pk] for key in "ABCD")
    assert (a.roles, a.stages, a.status, a.feedback) == (["Solo"], ["Coding screen"], "Finished", "")
    assert (b.roles, b.stages, b.status) == (["Solo"], ["Culture chat"], "In progress")
    assert (c.roles, c.status, c.feedback, c.other_person) == (["Interviewer"], "Finished", "Feedback released", "bob")
    assert (d.roles, d.feedback, d.other_person) == (["Candidate"], "Feedback not released", "bob")


@pytest.mark.django_db
@pytest.mark.parametrize("query, expected", [
    ("mode=solo", "BA"),
    ("mode=paired", "DC"),
    ("role=solo", "BA"),
    ("role=interviewer", "C"),
    ("role=candidate", "D"),
    ("stage=alpha/screen", "DCA"),
    ("stage=alpha/chat", "B"),
    ("stage=alpha/nope", ""),
    ("loop=alpha", "DCBA"),
    ("loop=beta", ""),
    ("date_from=2026-02-01", "DCB"),
    ("date_to=2026-02-10", "BA"),  # the "to" day is included
    ("date_from=2026-03-01&date_to=2026-03-31", "C"),
    ("date_from=2026-03-10&date_to=2026-03-10", "C"),
    ("outcome=finished", "DCA"),
    ("outcome=unfinished", "B"),
    ("outcome=released", "C"),
    ("outcome=not_released", "D"),
    ("q=integers", "A"),  # sum-two's prompt
    ("q=THEOREM", "C"),  # bayes's prompt, any case
    ("q=news", "D"),
    ("q=join", "B"),
    ("q=overflow", "A"),  # alice's own note in her solo round
    ("q=pelican", "C"),  # alice's own note as interviewer; mallory's note stays hers
    ("q=walrus", ""),  # bob's note in the round alice answered, no feedback released
    ("q=culture", "B"),  # the session's title
    ("q=bayes theorem", "C"),  # every word must match
    ("q=bayes news", ""),
    ("mode=paired&role=candidate", "D"),
    ("mode=solo&role=interviewer", ""),
    ("mode=solo&outcome=finished", "A"),
    ("role=interviewer&outcome=released&q=pelican", "C"),
    ("q=theorem&role=candidate", ""),
    ("stage=alpha/screen&date_to=2026-03-31&mode=paired", "C"),
    ("q=&mode=&role=&outcome=&date_from=&date_to=&page=", "DCBA"),  # empty values are no filter
])
def test_each_filter_and_combination_narrows_the_list(owner_client, world, query, expected):
    response = owner_client.get(f"{URL}?{query}")
    assert response.status_code == 200
    assert listed(response) == names(world, *expected)


@pytest.mark.django_db
def test_the_loop_filter_keeps_only_that_loops_sessions(owner_client, owner, world):
    alpha = InterviewLoop.objects.get(slug="alpha")
    beta = InterviewLoop.objects.create(pack=alpha.pack, slug="beta", name="Beta loop", order=2)
    stage = Stage.objects.create(loop=beta, slug="warm", kind="coding", title="Warm-up", duration_minutes=20)
    stage.questions.add(Question.objects.get(slug="bayes"))
    other = round_services.session_start(owner=owner, stage=stage)
    assert listed(owner_client.get(f"{URL}?loop=beta")) == [other.title]
    assert other.title not in listed(owner_client.get(f"{URL}?loop=alpha"))
    assert listed(owner_client.get(f"{URL}?stage=beta/warm")) == [other.title]
    assert 'value="beta/warm"' in owner_client.get(URL).content.decode()  # offered in the stage menu


@pytest.mark.django_db
def test_filters_are_kept_in_the_form_and_the_page_links(owner_client, owner, world):
    for number in range(25):
        InterviewSession.objects.create(owner=owner, title=f"Extra {number:02d}")
    html = owner_client.get(f"{URL}?mode=solo&q=extra").content.decode()
    assert 'value="extra"' in html
    assert '<option value="solo" selected>' in html
    assert 'href="?mode=solo&amp;q=extra&amp;page=2"' in html
    assert 'hx-push-url="true"' in html


@pytest.mark.django_db
def test_the_page_links_replace_the_page_and_the_form_renders_its_own_fields(owner_client, owner, world):
    for number in range(45):
        InterviewSession.objects.create(owner=owner, title=f"Extra {number:02d}")
    html = owner_client.get(f"{URL}?q=extra&page=2&date_from=2020-01-02", headers=HX).content.decode()
    assert 'href="?q=extra&amp;page=1&amp;date_from=2020-01-02"' in html
    assert 'href="?q=extra&amp;page=3&amp;date_from=2020-01-02"' in html
    page = owner_client.get(f"{URL}?q=extra&date_from=2020-01-02").content.decode()
    assert ('<input type="search" name="q" value="extra" placeholder="Questions and notes" maxlength="200" id="id_q">'
            in page)
    assert '<input type="date" name="date_from" value="2020-01-02" id="id_date_from">' in page


@pytest.mark.django_db
def test_the_address_bar_keeps_only_the_filters_that_are_set(owner_client, world):
    response = owner_client.get(f"{URL}?q=&loop=&stage=&mode=solo&role=&after=", headers=HX)
    assert response.status_code == 200 and response["HX-Push-Url"] == f"{URL}?mode=solo"
    assert owner_client.get(f"{URL}?q=&mode=", headers=HX)["HX-Push-Url"] == URL


# ---------------------------------------------------------------- who sees what


@pytest.mark.django_db
def test_an_outsider_sees_only_their_own_sessions(outsider_client, world):
    response = outsider_client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert listed(response) == names(world, "E")
    for key in "ABCD":
        assert f"/practice/sessions/{world[key].pk}/" not in html
    assert listed(outsider_client.get(f"{URL}?q=overflow")) == []
    assert listed(outsider_client.get(f"{URL}?q=pelican")) == names(world, "E")
    assert listed(outsider_client.get(f"{URL}?role=interviewer")) == []


@pytest.mark.django_db
def test_the_partner_sees_the_paired_sessions_from_their_side(partner_client, world):
    response = partner_client.get(URL)
    assert listed(response) == names(world, "D", "C")
    rows = {row.session.pk: row for row in response.context["rows"]}
    assert rows[world["C"].pk].roles == ["Candidate"] and rows[world["C"].pk].other_person == "alice"
    assert rows[world["D"].pk].roles == ["Interviewer"]
    assert listed(partner_client.get(f"{URL}?q=walrus")) == names(world, "D")  # bob's own note
    assert listed(partner_client.get(f"{URL}?q=pelican")) == []  # alice released her feedback without her notes


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in(client, world):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.get(URL, headers=HX).status_code == 302


@pytest.mark.django_db
def test_it_refuses_post(owner_client, world):
    assert owner_client.post(URL).status_code == 405


# ---------------------------------------------------------------- searching notes follows round_visibility


@pytest.mark.django_db
def test_a_candidate_finds_interviewer_notes_only_once_released_with_the_notes(owner_client, owner, partner, mini_pack):
    kept_back = paired(partner, owner, "bayes", "2026-05-01", note="Kept back: quokka.", feedback="released")
    shared = paired(partner, owner, "sum-two", "2026-05-02", note="Shared: quokka.", feedback="shared")
    draft = paired(partner, owner, "design-feed", "2026-05-03", note="Draft: quokka.", feedback="draft")
    found = [row.session.pk for row in owner_client.get(f"{URL}?q=quokka").context["rows"]]
    assert found == [shared.pk]
    assert kept_back.pk not in found and draft.pk not in found
    assert [row.session.pk for row in owner_client.get(f"{URL}?q=kept").context["rows"]] == []


@pytest.mark.django_db
def test_structured_sheets_are_searched_with_the_same_rule(owner_client, partner_client, owner, partner, mini_pack):
    mine = solo(owner, "why-us", "2026-05-01", end=False)
    my_round = mine.rounds.get()
    note_services.sheet_save(round=my_round, author=owner, round_question=my_round.questions.get(),
                             values={"situation": "The café kiosk rollout"})
    theirs = paired(partner, owner, "why-us", "2026-05-02")
    their_round = theirs.rounds.get()
    note_services.sheet_save(round=their_round, author=partner, round_question=their_round.questions.get(),
                             values={"result": "Aardvark: no measured result."})
    assert listed(owner_client.get(f"{URL}?q=café")) == [mine.title]  # non-ASCII, as JSON stores it
    assert listed(owner_client.get(f"{URL}?q=kiosk")) == [mine.title]
    assert listed(owner_client.get(f"{URL}?q=aardvark")) == []  # the interviewer's sheet, not released
    assert listed(partner_client.get(f"{URL}?q=aardvark")) == [theirs.title]
    assert listed(partner_client.get(f"{URL}?q=kiosk")) == []


@pytest.mark.django_db
def test_the_search_rule_for_notes_agrees_with_round_visibility(owner, partner, outsider, world):
    """Every (user, note) pair: found by the query exactly when round_visibility lets the user read it."""
    paired(partner, owner, "sum-two", "2026-05-02", note="Shared.", feedback="shared")
    chat = paired(partner, owner, "why-us", "2026-05-03", feedback="shared")
    chat_round = chat.rounds.get()
    NoteSheet.objects.create(round=chat_round, round_question=chat_round.questions.get(), author=partner,
                             template="behavioural", fields={"situation": "Shared sheet."})
    # Written by a round's candidate (no page lets them): round_visibility does not show it even to them.
    Note.objects.create(round=world["D"].rounds.get(), author=owner, body="Candidate's scribble.")
    notes = list(Note.objects.select_related("round__session", "round__scorecard"))
    sheets = list(NoteSheet.objects.select_related("round__session", "round__scorecard"))
    assert len(notes) >= 6 and sheets
    for user in (owner, partner, outsider):
        for model, rows in ((Note, notes), (NoteSheet, sheets)):
            expected = set()
            for row in rows:
                role = round_role(user, row.round)
                if role is not None and round_visibility(row.round, role).notes_author_id == row.author_id:
                    expected.add(row.pk)
            assert set(model.objects.filter(readable_notes(user)).values_list("pk", flat=True)) == expected


@pytest.mark.django_db
def test_the_search_rule_for_questions_agrees_with_round_visibility(owner, partner, outsider, mini_pack):
    """Every (user, round question) pair: searched exactly when round_visibility shows the user the question."""
    screen = Stage.objects.get(slug="screen")
    picked = [Question.objects.get(slug=slug) for slug in ("bayes", "design-feed", "sum-two")]
    live = paired_services.paired_session_create(interviewer=owner, stage=screen, questions=picked)
    waiting = paired_services.paired_session_create(interviewer=owner, stage=screen, questions=picked[:2])
    for session in (live, waiting):
        _, token = paired_services.invite_create(session=session)
        paired_services.invite_accept(token=token, user=partner)
    live_round = round_services.round_start(round=live.rounds.get())
    round_services.question_switch(round_question=live_round.questions.get(order=2))  # the second one skipped
    paired(partner, owner, "sum-two", "2026-05-02")  # over
    solo(owner, "bayes", "2026-05-03", end=False)
    rows = list(RoundQuestion.objects.select_related("round__session"))
    for user in (owner, partner, outsider):
        expected = set()
        for rq in rows:
            role = round_role(user, rq.round)
            if role is not None and round_visibility(rq.round, role).shows(rq):
                expected.add(rq.pk)
        found = RoundQuestion.objects.filter(visible_round_questions(user), round__session__in=participant_sessions(user))
        assert set(found.values_list("pk", flat=True)) == expected, user
        if user == partner:  # the live round's skipped question and the waiting round's: not shown yet
            hidden = {rq.pk for rq in rows if rq.round.session_id in (live.pk, waiting.pk)} - expected
            assert hidden == {live_round.questions.get(order=1).pk, *waiting.rounds.get().questions.values_list("pk", flat=True)}


# ---------------------------------------------------------------- bad input


@pytest.mark.django_db
@pytest.mark.parametrize("query, words", [
    ("mode=duo", "Mode: Select a valid choice"),
    ("role=owner", "Your role: Select a valid choice"),
    ("outcome=won", "Outcome: Select a valid choice"),
    ("date_from=2026-13-01", "From: Enter a valid date"),
    ("date_to=yesterday", "To: Enter a valid date"),
    ("date_from=2026-03-02&date_to=2026-03-01", "is after the"),
    ("page=0", "Page: Ensure this value is greater than or equal to 1"),
    ("page=abc", "Page: Enter a whole number"),
    ("page=99999", "Page: Ensure this value is less than or equal to 10000"),
    ("stage=no-slash", "A stage is written loop/stage"),
    ("loop=%3Cscript%3E", "Loop: Enter a valid"),
    ("q=" + "x" * 201, "Search: Ensure this value has at most 200 characters"),
    ("q=a%00b", "Search: Null characters are not allowed"),
])
@pytest.mark.parametrize("headers", [{}, HX], ids=["full page", "htmx"])
def test_bad_filter_values_get_a_clear_400(owner_client, world, query, words, headers):
    response = owner_client.get(f"{URL}?{query}", headers=headers)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Those filters could not be used" in html and words in html and 'role="alert"' in html
    assert "<script>" not in html
    assert world["A"].title not in html  # no results shown under bad filters
    assert ("<html" in html) == (not headers)


# ---------------------------------------------------------------- HTMX and pagination


@pytest.mark.django_db
def test_htmx_requests_get_the_results_fragment(owner_client, world):
    response = owner_client.get(f"{URL}?mode=paired", headers=HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="results"')
    assert "<html" not in html and "history-filters" not in html
    assert world["C"].title in html and world["A"].title not in html
    assert "HX-Request" in response["Vary"]
    assert "HX-Request" in owner_client.get(URL)["Vary"]


@pytest.fixture
def many(owner, mini_pack):
    """45 of alice's sessions (no rounds), numbered in the order they were made."""
    return InterviewSession.objects.bulk_create(
        InterviewSession(owner=owner, title=f"Session {number:02d}") for number in range(45)
    )


@pytest.mark.django_db
def test_it_paginates_newest_first(owner_client, many):
    first = owner_client.get(URL)
    assert first.context["page"].paginator.count == 45
    assert listed(first)[:2] == ["Session 44", "Session 43"] and len(listed(first)) == 20
    assert "Page 1 of 3" in first.content.decode()
    assert 'href="?page=2"' in first.content.decode() and "Previous" not in first.content.decode()
    last = owner_client.get(f"{URL}?page=3")
    assert listed(last) == [f"Session {n:02d}" for n in range(4, -1, -1)]
    assert "Next" not in last.content.decode()
    seen = listed(first) + listed(owner_client.get(f"{URL}?page=2")) + listed(last)
    assert sorted(seen) == sorted(f"Session {n:02d}" for n in range(45))


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["4", "99", "10000"])
def test_a_page_past_the_last_shows_the_last_page(owner_client, many, page):
    response = owner_client.get(f"{URL}?page={page}")
    assert response.status_code == 200
    assert response.context["page"].number == 3 and len(listed(response)) == 5


@pytest.mark.django_db
def test_exactly_one_page_has_no_page_links(owner_client, owner, mini_pack):
    InterviewSession.objects.bulk_create(InterviewSession(owner=owner, title=f"S{n}") for n in range(20))
    html = owner_client.get(URL).content.decode()
    assert 'aria-label="Pages"' not in html
    InterviewSession.objects.create(owner=owner, title="One more")
    response = owner_client.get(f"{URL}?page=2")
    assert response.context["page"].number == 2 and listed(response) == ["S0"]


@pytest.mark.django_db
def test_no_sessions_at_all_is_an_empty_first_page(owner_client, mini_pack):
    response = owner_client.get(f"{URL}?page=5")
    assert response.status_code == 200
    assert response.context["page"].number == 1 and listed(response) == []
    assert "No sessions yet" in response.content.decode()
    assert "No session matches these filters" in owner_client.get(f"{URL}?mode=solo").content.decode()


@pytest.mark.django_db
def test_its_query_count_does_not_grow_with_sessions_rounds_or_notes(owner_client, owner, partner, world):
    def count(query: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert owner_client.get(f"{URL}?{query}").status_code == 200
        return len(captured)

    before = {query: count(query) for query in ("", "q=pelican", "mode=paired&outcome=released")}
    for number in range(12):
        solo(owner, "bayes", "2026-06-01", note=f"pelican {number}")
        paired(owner, partner, "sum-two", "2026-06-02", note="pelican again", feedback="released")
    after = {query: count(query) for query in before}
    assert after == before, (before, after)
    assert max(after.values()) <= 9  # 8 for the page, 1 for the person's preferences every page renders
    assert len(owner_client.get(URL).context["rows"]) == 20


@pytest.mark.django_db
def test_the_nav_links_to_history_and_progress_for_signed_in_users(owner_client, mini_pack):
    html = owner_client.get(URL).content.decode()
    assert 'href="/practice/history/" aria-current="page">My sessions</a>' in html
    assert 'href="/practice/progress/">Progress</a>' in html
    assert "My sessions" not in Client().get("/").content.decode()


@pytest.mark.django_db
def test_round_status_mix_reads_as_not_finished(owner_client, owner, mini_pack):
    loop = InterviewLoop.objects.get(slug="alpha")
    session = round_services.session_start(owner=owner, loop=loop)
    first = session.rounds.order_by("order").first()
    round_services.round_end(round=first)
    assert Round.objects.filter(session=session).exclude(status="finished").exists()
    row = owner_client.get(URL).context["rows"][0]
    assert row.status == "Not finished" and row.stages == ["Coding screen", "Culture chat"]
    assert listed(owner_client.get(f"{URL}?outcome=unfinished")) == [session.title]


@pytest.mark.django_db
def test_after_a_role_swap_both_roles_count_and_feedback_is_counted_per_round(owner_client, owner, partner, mini_pack):
    session = paired(owner, partner, "bayes", "2026-05-01", feedback="released")
    later = at("2026-05-01") + timedelta(minutes=30)
    swapped = paired_services.round_swap(round=session.rounds.get(), now=later)
    swapped = round_services.round_start(round=Round.objects.get(pk=swapped.pk), now=later)
    round_services.round_end(round=swapped, now=later + timedelta(minutes=10))
    (row,) = owner_client.get(URL).context["rows"]
    assert row.roles == ["Interviewer", "Candidate"]
    assert row.feedback == "Feedback released for 1 of 2 rounds"
    for query in ("role=interviewer", "role=candidate", "outcome=not_released", "outcome=finished"):
        assert listed(owner_client.get(f"{URL}?{query}")) == [session.title], query
    for query in ("role=solo", "outcome=released", "outcome=unfinished"):
        assert listed(owner_client.get(f"{URL}?{query}")) == [], query


# ---------------------------------------------------------------- how the rows read


@pytest.mark.django_db
def test_mode_and_role_never_both_say_solo(owner_client, world):
    response = owner_client.get(URL)
    html = response.content.decode()
    rows = {row.session.pk: row for row in response.context["rows"]}
    assert rows[world["A"].pk].role_text == "" and rows[world["C"].pk].role_text == "Interviewer"
    assert html.count('<td data-label="Mode">Solo</td>') == 2
    assert html.count('<td data-label="Your role" class="cell-none">—</td>') == 2  # A and B: solo
    assert '<td data-label="Your role">Solo</td>' not in html
    assert '<td data-label="Mode">Paired</td>' in html and '<td data-label="Your role">Candidate</td>' in html


@pytest.mark.django_db
def test_the_loop_name_shows_once_above_its_sessions_not_in_every_row(owner_client, owner, mini_pack):
    screen = Stage.objects.get(loop__slug="alpha", slug="screen")
    older = dated(round_services.session_start(owner=owner, stage=screen), "2026-01-10")
    newer = dated(round_services.session_start(owner=owner, loop=screen.loop), "2026-01-11")
    assert (older.title, newer.title) == ("Alpha loop: Coding screen", "Alpha loop")
    response = owner_client.get(URL)
    html = response.content.decode()
    assert [row.short_title for row in response.context["rows"]] == ["Whole loop", "Coding screen"]
    assert html.count('<th colspan="6" scope="rowgroup">Alpha loop</th>') == 1  # one heading for both rows
    assert '">Coding screen</a>' in html and '">Whole loop</a>' in html
    assert ">Alpha loop: Coding screen<" not in html  # the full title only as the link's hint (title=)


@pytest.mark.django_db
def test_the_filters_sit_on_a_grid_with_their_labels_first(owner_client, world):
    html = owner_client.get(URL).content.decode()
    assert 'class="filters filter-grid"' in html
    for label in ("Search", "Loop", "Stage", "Mode", "Your role", "Outcome", "From", "To"):
        assert f'<label class="filter-field"><span class="filter-label">{label}</span>' in html \
            or f'<label class="filter-field filter-search"><span class="filter-label">{label}</span>' in html
