"""The review page and the replay JSON: per role, outsiders, anonymous, wrong method, HTMX and full page,
and a query count that stays the same for a round with 2,000 snapshots, 100 runs and 50 notes."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from questions.models import Hint, Question, Stage
from sessions.feedback import notes as note_services
from sessions.feedback.notes import scorecard_items
from sessions.models import Note, Round, RoundQuestion, Snapshot, Submission
from sessions.paired import services as paired_services
from sessions.rounds import services as round_services

HX = {"HX-Request": "true"}

# Interviewer-only text planted in the mini pack, so a leak is easy to spot.
MODEL_ANSWER = "MODEL-ANSWER-SUM-TWO"
HIDDEN_HINT = "HINT-NEVER-GIVEN"
GIVEN_HINT = "HINT-GIVEN-SPLIT"
PRIVATE_NOTE = "PRIVATE-NOTE-STRAIGHT-TO-CODE"
FEEDBACK = "RELEASED-FEEDBACK-TEST-FIRST"
CODE = "a, b = map(int, input().split())\nprint(a + b)\n"


# ---------------------------------------------------------------- building sessions


def plant(mini_pack) -> None:
    Question.objects.filter(slug="sum-two").update(model_answer=MODEL_ANSWER)
    first, second = Hint.objects.filter(question__slug="sum-two").order_by("order")
    Hint.objects.filter(pk=first.pk).update(text=GIVEN_HINT)
    Hint.objects.filter(pk=second.pk).update(text=HIDDEN_HINT)


def fresh(stage_round) -> Round:
    return Round.objects.select_related("session").get(pk=stage_round.pk)


def question_of(stage_round, slug="sum-two") -> RoundQuestion:
    return RoundQuestion.objects.select_related("question", "round__session").get(round=stage_round, question__slug=slug)


def add_run(user, round_question, *, at, kind="run", verdict="AC", passed=1, total=1, took=2) -> Submission:
    """A finished run, stored as the worker stores one, stamped `at` (wall time)."""
    run = Submission.objects.create(
        user=user, round_question=round_question, question=round_question.question, kind=kind, language="python",
        source=CODE, status=Submission.Status.DONE, verdict=verdict, results={"passed": passed, "total": total},
        time_ms=12,
    )
    Submission.objects.filter(pk=run.pk).update(created_at=at, finished_at=at + timedelta(seconds=took))
    return run


def play_solo(owner, *, start):
    """alice practises sum-two alone: types, takes a hint, runs, submits, writes a note, ends after 10 minutes."""
    session = round_services.session_start(owner=owner, question=Question.objects.get(slug="sum-two"), now=start)
    stage_round = session.rounds.get()
    rq = question_of(stage_round)
    round_services.answer_save(round_question=rq, values={"code": "a, b = input().split()\n"}, now=start + timedelta(seconds=40))
    round_services.hint_reveal_next(round_question=rq, now=start + timedelta(seconds=60))
    round_services.answer_save(round_question=rq, values={"code": CODE}, now=start + timedelta(seconds=90))
    add_run(owner, rq, at=start + timedelta(seconds=100))
    add_run(owner, rq, at=start + timedelta(seconds=200), kind="submit", verdict="AC", passed=2, total=2)
    note_services.note_save(round=fresh(stage_round), author=owner, body="MY-OWN-NOTE on *splitting*",
                            now=start + timedelta(seconds=120))
    round_services.round_end(round=fresh(stage_round), now=start + timedelta(seconds=600))
    return session


def play_paired(owner, partner, *, start, release=False, share_notes=False):
    """alice interviews bob on sum-two: a hint is given, bob codes and submits, alice notes and scores."""
    session = paired_services.paired_session_create(
        interviewer=owner, stage=Stage.objects.get(slug="screen"), questions=[Question.objects.get(slug="sum-two")],
        now=start,
    )
    _, token = paired_services.invite_create(session=session, now=start)
    paired_services.invite_accept(token=token, user=partner, now=start)
    stage_round = round_services.round_start(round=fresh(session.rounds.get()), now=start)
    rq = question_of(stage_round)
    round_services.hint_reveal_next(round_question=rq, now=start + timedelta(seconds=30))
    round_services.answer_save(round_question=rq, values={"code": CODE}, now=start + timedelta(seconds=50))
    add_run(partner, rq, at=start + timedelta(seconds=70), kind="submit", verdict="WA", passed=1, total=2)
    note_services.note_save(round=fresh(stage_round), author=owner, body=PRIVATE_NOTE, now=start + timedelta(seconds=80))
    note_services.scorecard_save(
        round=fresh(stage_round), interviewer=owner, ratings={key: "yes" for key, _ in scorecard_items(stage_round)},
        recommendation="yes", feedback=FEEDBACK, share_notes=share_notes,
    )
    round_services.round_end(round=fresh(stage_round), now=start + timedelta(seconds=900))
    if release:
        note_services.scorecard_release(round=fresh(stage_round), now=start + timedelta(seconds=950))
    return session


def fill(stage_round, author, *, snapshots=2000, runs=100, notes=50) -> None:
    """A long coding round: many autosaves, runs and notes, in bulk."""
    rq = question_of(stage_round)
    Snapshot.objects.bulk_create(
        Snapshot(round_question=rq, field="code", offset_seconds=1 + i * 1.7,
                 content="\n".join(f"x{j} = {j}  # step {i}" if j == i % 40 else f"x{j} = {j}" for j in range(i % 60)))
        for i in range(snapshots)
    )
    Submission.objects.bulk_create(
        Submission(user=author, round_question=rq, question=rq.question, kind="submit" if i % 5 == 0 else "run",
                   language="python", source=CODE, status="done", verdict="AC" if i % 3 else "WA",
                   results={"passed": i % 3, "total": 2}, time_ms=10)
        for i in range(runs)
    )
    Note.objects.bulk_create(
        Note(round=stage_round, author=author, body=f"Note {i}: *good*", offset_seconds=i * 70.0) for i in range(notes)
    )


def review_url(session) -> str:
    return f"/practice/sessions/{session.pk}/review/"


def replay_url(stage_round) -> str:
    return f"/practice/rounds/{stage_round.pk}/replay/"


def text_of(response) -> str:
    return re.sub(r'"X-CSRFToken": "[^"]*"', "", response.content.decode())


def words_of(html: str) -> str:
    """The page's text without tags (highlighted code is split into many spans)."""
    return re.sub(r"<[^>]+>", "", html)


# ---------------------------------------------------------------- fixtures


@pytest.fixture
def start():
    return timezone.now() - timedelta(hours=2)


@pytest.fixture
def solo(owner, mini_pack, start):
    plant(mini_pack)
    return play_solo(owner, start=start)


@pytest.fixture
def paired(owner, partner, mini_pack, start):
    plant(mini_pack)
    return play_paired(owner, partner, start=start)


# ---------------------------------------------------------------- access


@pytest.mark.django_db
def test_it_sends_anonymous_visitors_to_log_in(client, solo):
    for url in (review_url(solo), replay_url(solo.rounds.get())):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_outsiders_get_404(outsider_client, solo, paired):
    for session in (solo, paired):
        assert outsider_client.get(review_url(session)).status_code == 404
        assert outsider_client.get(replay_url(session.rounds.get())).status_code == 404
    assert outsider_client.get("/practice/sessions/999999/review/").status_code == 404
    assert outsider_client.get("/practice/rounds/999999/replay/").status_code == 404


@pytest.mark.django_db
def test_it_allows_only_get(owner_client, solo):
    assert owner_client.post(review_url(solo)).status_code == 405
    assert owner_client.post(replay_url(solo.rounds.get())).status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize("headers", [{}, HX], ids=["full page", "htmx"])
def test_the_page_renders_in_full_for_htmx_and_plain_requests(owner_client, solo, headers):
    response = owner_client.get(review_url(solo), headers=headers)
    assert response.status_code == 200
    assert "<h1>Review: " in response.content.decode()


# ---------------------------------------------------------------- the page, per role


@pytest.mark.django_db
def test_the_solo_owner_sees_everything_of_their_round(owner_client, solo):
    html = text_of(owner_client.get(review_url(solo)))
    stage_round = solo.rounds.get()
    assert '<span class="nb">map</span>' in html  # the final code, highlighted
    assert "a, b = map(int, input().split())" in words_of(html)
    assert "Submit" in html and "verdict-AC" in html and "2/2" in html  # runs with verdicts
    assert GIVEN_HINT in html and "1:00" in html  # the hint given, stamped
    assert MODEL_ANSWER in html and HIDDEN_HINT in html  # a solo owner may read the answers afterwards
    assert "MY-OWN-NOTE" in html and "<em>splitting</em>" in html
    assert "Time to first keystroke" in html and "Time to first passing submit" in html
    assert f'data-replay-url="/practice/rounds/{stage_round.pk}/replay/"' in html
    assert "js/replay" in html and "<script>" not in html  # the widget is a static file, no inline script
    assert 'type="range"' in html and ">10x<" in html
    assert "Make a share link" in html
    assert f"/practice/sessions/{solo.pk}/export.md" in html and f"/practice/sessions/{solo.pk}/print/" in html


@pytest.mark.django_db
def test_the_phase_table_flags_what_overran(owner_client, owner, mini_pack, start):
    session = round_services.session_start(owner=owner, question=Question.objects.get(slug="sum-two"), now=start)
    rq = question_of(session.rounds.get())
    # 45-minute coding round: the first keystroke after 10 minutes is over the 15% (6:45) the stage suggests.
    round_services.answer_save(round_question=rq, values={"code": "print(1)"}, now=start + timedelta(minutes=10))
    round_services.round_end(round=fresh(session.rounds.get()), now=start + timedelta(minutes=12))
    html = text_of(owner_client.get(review_url(session)))
    row = re.search(r'<tr class="phase-over"><th scope="row">Time to first keystroke</th>.*?</tr>', html, re.S)
    assert row and "10:00" in row.group(0) and "6:45" in row.group(0) and "Over" in row.group(0)
    assert re.search(r'<tr><th scope="row">Time after the last change</th>', html)  # 2 minutes: within 15%


@pytest.mark.django_db
def test_the_interviewer_sees_answers_their_notes_and_their_draft(owner_client, paired):
    html = text_of(owner_client.get(review_url(paired)))
    assert MODEL_ANSWER in html and HIDDEN_HINT in html and GIVEN_HINT in html
    assert PRIVATE_NOTE in html
    assert FEEDBACK in html and "draft, not released" in html
    assert "you interviewed" in html and "Paired with bob" in html
    assert "Self-assessment" not in html  # the candidate's own reflection is theirs
    # alice interviewed in every round: she has no practice of her own here to share.
    assert "Make a share link" not in html and "only the candidate can share" in html


@pytest.mark.django_db
def test_the_candidate_sees_their_work_and_nothing_held_back(partner_client, paired):
    html = text_of(partner_client.get(review_url(paired)))
    assert GIVEN_HINT in html and "map(int" in words_of(html) and "verdict-WA" in html and "1/2" in html
    for secret in (MODEL_ANSWER, HIDDEN_HINT, PRIVATE_NOTE, FEEDBACK):
        assert secret not in html
    assert "you answered" in html and "Paired with alice" in html and "Make a share link" in html


@pytest.mark.django_db
def test_the_candidate_sees_released_feedback_and_shared_notes_only(owner, partner, partner_client, mini_pack, start):
    plant(mini_pack)
    released = play_paired(owner, partner, start=start, release=True)
    html = text_of(partner_client.get(review_url(released)))
    assert FEEDBACK in html and "Feedback from the interviewer" in html
    assert PRIVATE_NOTE not in html and MODEL_ANSWER not in html
    raw = partner_client.get(review_url(released)).content.decode()
    assert '<tr class="rubric-section"><th colspan="2" scope="colgroup">The stage</th></tr>' in raw
    with_notes = play_paired(owner, partner, start=start, release=True, share_notes=True)
    html = text_of(partner_client.get(review_url(with_notes)))
    assert FEEDBACK in html and PRIVATE_NOTE in html and "The interviewer's notes" in html
    assert MODEL_ANSWER not in html and HIDDEN_HINT not in html


@pytest.mark.django_db
def test_the_self_assessment_shows_to_its_author(owner_client, solo):
    stage_round = fresh(solo.rounds.get())
    item = stage_round.stage.rubric_items.get()
    round_services.round_assess(round=stage_round, ratings={str(item.pk): 3}, reflection="Test edge cases first.")
    html = text_of(owner_client.get(review_url(solo)))
    assert "Self-assessment" in html and "3 · Solid" in html and "Test edge cases first." in html


@pytest.mark.django_db
def test_a_round_not_started_says_so_and_replays_nothing(owner_client, owner, mini_pack):
    waiting = paired_services.paired_session_create(
        interviewer=owner, stage=Stage.objects.get(slug="screen"), questions=[Question.objects.get(slug="bayes")]
    )
    html = text_of(owner_client.get(review_url(waiting)))
    assert "This round has not started." in html and "data-replay-url" not in html
    data = owner_client.get(replay_url(waiting.rounds.get())).json()
    assert data["entries"] == [] and data["phases"] == []


@pytest.mark.django_db
def test_answers_stay_hidden_from_an_interviewer_who_is_meanwhile_the_candidate_on_that_question(
    owner_client, owner, partner, paired, start
):
    # bob now interviews alice on sum-two in another session, still running.
    other = paired_services.paired_session_create(
        interviewer=partner, stage=Stage.objects.get(slug="screen"), questions=[Question.objects.get(slug="sum-two")]
    )
    _, token = paired_services.invite_create(session=other)
    paired_services.invite_accept(token=token, user=owner)
    round_services.round_start(round=fresh(other.rounds.get()))
    html = text_of(owner_client.get(review_url(paired)))
    for secret in (MODEL_ANSWER, HIDDEN_HINT, GIVEN_HINT):
        assert secret not in html
    assert "hidden while you are the candidate" in html
    data = owner_client.get(replay_url(paired.rounds.get())).json()
    assert GIVEN_HINT not in str(data)


@pytest.mark.django_db
def test_the_session_and_summary_pages_link_to_the_review(owner_client, solo):
    review = review_url(solo)
    assert review in owner_client.get(f"/practice/sessions/{solo.pk}/").content.decode()
    assert review in owner_client.get(f"/practice/rounds/{solo.rounds.get().pk}/summary/").content.decode()


# ---------------------------------------------------------------- the replay JSON


@pytest.mark.django_db
def test_the_solo_replay_has_one_ordered_timeline(owner_client, solo):
    response = owner_client.get(replay_url(solo.rounds.get()))
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    data = response.json()
    kinds = [(e["kind"], round(e["offset"])) for e in data["entries"]]
    assert kinds == [("start", 0), ("snapshot", 40), ("reveal_hint", 60), ("snapshot", 90), ("run", 100),
                     ("result", 102), ("note", 120), ("run", 200), ("result", 202), ("end", 600)]
    hint = data["entries"][2]
    assert hint["text"] == GIVEN_HINT
    second = data["entries"][3]
    assert second["changed"] == [[0, 2]] and second["patch"] == [[0, 1, CODE.splitlines()]]
    # The code's new lines also come highlighted (Pygments' classes), one list per hunk, for the code pane.
    assert len(second["html"]) == 1 and len(second["html"][0]) == len(CODE.splitlines())
    assert any('<span class="nb">map</span>' in line for line in second["html"][0])
    note = data["entries"][6]
    assert "<em>splitting</em>" in note["html"]
    assert data["entries"][8]["label"] == "Submit: AC 2/2"
    assert data["end"] == 600 and data["play_end"] < 600 and data["skipped"]
    assert [p["key"] for p in data["phases"]] == ["first_keystroke", "first_run", "first_pass", "after_last_change"]
    assert data["questions"] == [{"id": question_of(solo.rounds.get()).pk, "number": 1, "title": "Sum two numbers",
                                  "kind": "coding", "language": "python"}]
    assert MODEL_ANSWER not in response.content.decode() and HIDDEN_HINT not in response.content.decode()


@pytest.mark.django_db
def test_the_interviewer_replays_their_notes_and_the_candidate_does_not(owner_client, partner_client, paired):
    url = replay_url(paired.rounds.get())
    mine = owner_client.get(url).json()
    assert [e for e in mine["entries"] if e["kind"] == "note"][0]["html"] == f"<p>{PRIVATE_NOTE}</p>"
    theirs = partner_client.get(url)
    assert theirs.status_code == 200
    assert not [e for e in theirs.json()["entries"] if e["kind"] == "note"]
    body = theirs.content.decode()
    assert GIVEN_HINT in body and PRIVATE_NOTE not in body and MODEL_ANSWER not in body and HIDDEN_HINT not in body


@pytest.mark.django_db
def test_the_candidate_replays_notes_released_with_the_scorecard(owner, partner, partner_client, mini_pack, start):
    plant(mini_pack)
    session = play_paired(owner, partner, start=start, release=True, share_notes=True)
    data = partner_client.get(replay_url(session.rounds.get())).json()
    assert [e["html"] for e in data["entries"] if e["kind"] == "note"] == [f"<p>{PRIVATE_NOTE}</p>"]
    assert data["entries"][-1]["kind"] == "release"


# ---------------------------------------------------------------- query counts


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_the_page_and_the_replay_take_as_many_queries_for_a_long_round_as_for_an_empty_one(
    owner, owner_client, mini_pack, start, django_assert_num_queries
):
    empty = play_solo(owner, start=start)
    big = round_services.session_start(owner=owner, question=Question.objects.get(slug="sum-two"), now=start)
    big_round = big.rounds.get()
    round_services.round_end(round=fresh(big_round), now=start + timedelta(minutes=60))
    fill(big_round, owner)
    assert Snapshot.objects.filter(round_question__round=big_round).count() == 2000
    assert Submission.objects.filter(round_question__round=big_round).count() == 100
    assert Note.objects.filter(round=big_round).count() == 50

    page_queries = count_queries(owner_client, review_url(empty))
    with django_assert_num_queries(page_queries):
        html = owner_client.get(review_url(big)).content.decode()
    assert html.count("verdict-") == 100 and "Note 49" in html and "2000 saves" in html

    replay_queries = count_queries(owner_client, replay_url(empty.rounds.get()))
    with django_assert_num_queries(replay_queries):
        data = owner_client.get(replay_url(big_round)).json()
    kinds = [e["kind"] for e in data["entries"]]
    assert kinds.count("snapshot") == 2000 and kinds.count("run") == 100 and kinds.count("note") == 50


@pytest.mark.django_db
def test_the_paired_page_takes_a_fixed_number_of_queries_per_role(owner, partner, owner_client, partner_client,
                                                                   mini_pack, start, django_assert_num_queries):
    small = play_paired(owner, partner, start=start)
    big = play_paired(owner, partner, start=start)
    fill(big.rounds.get(), owner, snapshots=300, runs=30, notes=20)
    for client in (owner_client, partner_client):
        expected = count_queries(client, review_url(small))
        with django_assert_num_queries(expected):
            response = client.get(review_url(big))
        assert response.status_code == 200 and response.content.decode().count("verdict-") == 30 + 1  # play_paired ran once
