"""The round pages and fragments: owner, outsider, anonymous, wrong method, HTMX and full page, bad input."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from questions.models import Question, Stage
from sessions.models import Round, RoundQuestion, Snapshot, Submission
from sessions.rounds import services as svc

HX = {"HX-Request": "true"}


@pytest.fixture
def coding_round(owner, mini_pack):
    return svc.session_start(owner=owner, question=Question.objects.get(slug="sum-two")).rounds.get()


@pytest.fixture
def outsider_client(client, outsider):
    client.force_login(outsider)
    return client


def round_url(stage_round, tail=""):
    return f"/practice/rounds/{stage_round.pk}/{tail}"


@pytest.mark.django_db
def test_start_from_a_stage_redirects_to_the_running_round(owner_client, mini_pack):
    stage = Stage.objects.get(slug="screen")
    response = owner_client.post("/practice/start/", {"stage": stage.pk})
    stage_round = Round.objects.get()
    assert response.status_code == 302 and response["Location"] == round_url(stage_round)
    page = owner_client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert 'role="timer"' in html and "End round" in html
    assert json.loads(page["HX-Trigger"])["round-clock"]["status"] == "running"


@pytest.mark.django_db
@pytest.mark.parametrize("data", [{}, {"stage": "abc"}, {"stage": 0}])
def test_start_with_bad_input_is_a_400(owner_client, mini_pack, data):
    response = owner_client.post("/practice/start/", data)
    assert response.status_code == 400
    assert not Round.objects.exists()


@pytest.mark.django_db
def test_start_needs_login_and_post(client, owner_client, mini_pack):
    assert owner_client.get("/practice/start/").status_code == 405
    owner_client.logout()
    response = client.post("/practice/start/", {"stage": Stage.objects.get(slug="screen").pk})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
@pytest.mark.parametrize("slug, expected", [
    ("sum-two", ["Run", "Submit", 'id="editor"', "Reset to starter code"]),
    ("bayes", ["Reveal model answer", 'id="answer-preview"']),
    ("design-feed", ["Next constraint", "Follow-up constraints"]),
    ("why-us", ["Situation", "Task", "Action", "Result", "question-timer"]),
])
def test_each_kind_of_question_gets_its_answer_area(owner_client, owner, mini_pack, slug, expected):
    stage_round = svc.session_start(owner=owner, question=Question.objects.get(slug=slug)).rounds.get()
    html = owner_client.get(round_url(stage_round)).content.decode()
    for text in expected:
        assert text in html, text


@pytest.mark.django_db
def test_interviewer_only_text_stays_hidden_during_the_round(owner_client, owner, mini_pack):
    stage_round = svc.session_start(owner=owner, question=Question.objects.get(slug="design-feed")).rounds.get()
    html = owner_client.get(round_url(stage_round)).content.decode()
    assert "Now it must work offline." not in html  # unrevealed constraint
    assert "Fan-out on write" not in html  # design model answer
    concept = svc.session_start(owner=owner, question=Question.objects.get(slug="bayes")).rounds.get()
    svc.round_end(round=stage_round)
    html = owner_client.get(round_url(concept)).content.decode()
    assert "Names the prior" not in html  # rubric
    assert "frac{P(B" not in html  # model answer before the reveal


@pytest.mark.django_db
def test_outsiders_and_anonymous_users_get_nothing(client, outsider_client, coding_round):
    rq_url = round_url(coding_round, "q/1/")
    urls = [round_url(coding_round), round_url(coding_round, "clock/"), round_url(coding_round, "summary/"),
            f"/practice/sessions/{coding_round.session_id}/"]
    posts = [rq_url + "save/", rq_url + "run/", rq_url + "reveal/", rq_url + "next-constraint/", rq_url + "grade/",
             round_url(coding_round, "pause/"), round_url(coding_round, "end/"), round_url(coding_round, "start/")]
    for url in urls:
        assert outsider_client.get(url).status_code == 404, url
    for url in posts:
        assert outsider_client.post(url, {"code": "hacked", "kind": "run", "language": "python"}).status_code == 404, url
    outsider_client.logout()
    for url in urls + posts:
        response = client.post(url) if url in posts else client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    assert RoundQuestion.objects.get().code == "" and not Submission.objects.exists()


@pytest.mark.django_db
def test_wrong_methods_are_405(owner_client, coding_round):
    assert owner_client.post(round_url(coding_round)).status_code == 405
    assert owner_client.get(round_url(coding_round, "q/1/save/")).status_code == 405
    assert owner_client.get(round_url(coding_round, "end/")).status_code == 405
    assert owner_client.put(round_url(coding_round, "summary/")).status_code == 405


@pytest.mark.django_db
def test_unknown_question_numbers_are_404(owner_client, coding_round):
    assert owner_client.get(round_url(coding_round) + "?q=9").status_code == 404
    assert owner_client.get(round_url(coding_round) + "?q=x").status_code == 404
    assert owner_client.post(round_url(coding_round, "q/9/save/"), {"code": "x"}).status_code == 404


@pytest.fixture
def stage_round(owner, mini_pack):
    return svc.session_start(owner=owner, stage=Stage.objects.get(slug="screen")).rounds.get()


@pytest.mark.django_db
def test_showing_another_question_reads_only_and_moving_to_it_is_a_post(owner_client, stage_round):
    first, second = stage_round.questions.order_by("order")[:2]
    stage_round.refresh_from_db()
    assert stage_round.current_id == first.pk
    page = owner_client.get(round_url(stage_round) + "?q=2")
    assert page.status_code == 200 and second.question.title in page.content.decode()
    stage_round.refresh_from_db()
    assert stage_round.current_id == first.pk  # a GET moves nothing
    assert f'action="{round_url(stage_round, "q/2/switch/")}"' in page.content.decode()

    response = owner_client.post(round_url(stage_round, "q/2/switch/"), headers=HX)
    assert response.status_code == 200 and response["HX-Redirect"] == round_url(stage_round)
    stage_round.refresh_from_db()
    assert stage_round.current_id == second.pk
    page = owner_client.get(round_url(stage_round))
    assert f'<h2 id="question-title">{second.question.title}</h2>' in page.content.decode()


@pytest.mark.django_db
def test_autosave_saves_and_answers_with_the_fragment_and_clock(owner_client, coding_round):
    response = owner_client.post(round_url(coding_round, "q/1/save/"), {"code": "print(1)", "language": "python"}, headers=HX)
    assert response.status_code == 200
    assert "Saved at" in response.content.decode()
    assert "round-clock" in response["HX-Trigger"]
    assert RoundQuestion.objects.get().code == "print(1)"
    assert "print(1)" in owner_client.get(round_url(coding_round)).content.decode()  # a reload shows it


@pytest.mark.django_db
def test_oversized_code_is_a_clear_400_and_saves_nothing(owner_client, coding_round):
    response = owner_client.post(round_url(coding_round, "q/1/save/"), {"code": "x" * (70 * 1024)}, headers=HX)
    assert response.status_code == 400
    assert "64 KiB" in response.content.decode()
    assert response["HX-Retarget"] == "#round-message"
    assert RoundQuestion.objects.get().code == "" and not Snapshot.objects.exists()


@pytest.mark.django_db
def test_edits_after_the_end_are_refused_with_a_message(owner_client, coding_round):
    owner_client.post(round_url(coding_round, "end/"))
    response = owner_client.post(round_url(coding_round, "q/1/save/"), {"code": "late"}, headers=HX)
    assert response.status_code == 409
    assert "This round is over" in response.content.decode()
    assert RoundQuestion.objects.get().code == ""
    assert owner_client.get(round_url(coding_round)).status_code == 302  # the page sends you to the summary


@pytest.mark.django_db
def test_time_up_clock_poll_redirects_htmx_to_the_summary(owner_client, coding_round):
    Round.objects.filter(pk=coding_round.pk).update(started_at=timezone.now() - timezone.timedelta(hours=1))
    response = owner_client.get(round_url(coding_round, "clock/"), headers=HX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == round_url(coding_round, "summary/")
    coding_round.refresh_from_db()
    assert coding_round.end_reason == "time_up"


@pytest.mark.django_db
def test_run_queues_a_submission_and_returns_the_polling_fragment(owner_client, coding_round, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        response = owner_client.post(
            round_url(coding_round, "q/1/run/"),
            {"kind": "run", "language": "python", "code": "print(3)"}, headers=HX,
        )
    assert response.status_code == 202
    submission = Submission.objects.get()
    html = response.content.decode()
    assert f'hx-get="/practice/runs/{submission.pk}/"' in html and "queued" in html
    assert RoundQuestion.objects.get().code == "print(3)"  # a run saves the code too
    with django_capture_on_commit_callbacks(execute=False):
        again = owner_client.post(
            round_url(coding_round, "q/1/run/"),
            {"kind": "submit", "language": "python", "code": "print(3)"}, headers=HX,
        )
    assert again.status_code == 400 and "already in progress" in again.content.decode()
    assert Submission.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("data, words", [
    ({"kind": "run", "language": "cobol", "code": "x"}, "cobol"),
    ({"kind": "grade", "language": "python", "code": "x"}, "grade"),
    ({"kind": "run", "language": "python", "code": "x" * (70 * 1024)}, "64 KiB"),
])
def test_bad_runs_are_refused_clearly(owner_client, coding_round, data, words):
    response = owner_client.post(round_url(coding_round, "q/1/run/"), data, headers=HX)
    assert response.status_code == 400
    assert words in response.content.decode()
    assert not Submission.objects.exists()


@pytest.mark.django_db
def test_run_results_poll_stops_when_final(owner_client, owner, coding_round):
    rq = coding_round.questions.get()
    pending = Submission.objects.create(user=owner, round_question=rq, question=rq.question, language="python", source="x")
    assert "hx-get" in owner_client.get(f"/practice/runs/{pending.pk}/").content.decode()
    Submission.objects.filter(pk=pending.pk).update(status="done", verdict="WA", results={
        "passed": 0, "total": 1, "tests": [{"index": 0, "hidden": False, "verdict": "WA", "time_ms": 3}],
        "first_failure": {"index": 0, "verdict": "WA", "input": "1 2", "expected": "3", "actual": "4"}})
    html = owner_client.get(f"/practice/runs/{pending.pk}/").content.decode()
    assert "hx-get" not in html and "0 of 1 tests passed" in html
    # The console's tab for the failing test: the verdict in words beside the code, its input, a diff.
    assert "Test 1: <span class=\"verdict-word\">Wrong answer</span>" in html
    assert "<pre>1 2</pre>" in html and '<span class="diff-expected">− 3</span>' in html


@pytest.mark.django_db
def test_a_run_result_belongs_to_its_owner(outsider_client, owner, coding_round):
    submission = Submission.objects.create(user=owner, language="python", source="secret")
    assert outsider_client.get(f"/practice/runs/{submission.pk}/").status_code == 404


@pytest.mark.django_db
def test_reveal_grade_and_constraint_fragments(owner_client, owner, mini_pack):
    concept = svc.session_start(owner=owner, question=Question.objects.get(slug="bayes")).rounds.get()
    revealed = owner_client.post(round_url(concept, "q/1/reveal/"), headers=HX)
    assert revealed.status_code == 200 and "frac{P(B" in revealed.content.decode() and "Again" in revealed.content.decode()
    graded = owner_client.post(round_url(concept, "q/1/grade/"), {"grade": "hard"}, headers=HX)
    assert 'value="hard" class="grade grade-hard" aria-pressed="true"' in graded.content.decode()
    assert owner_client.post(round_url(concept, "q/1/grade/"), {"grade": "meh"}, headers=HX).status_code == 400
    design = svc.session_start(owner=owner, question=Question.objects.get(slug="design-feed")).rounds.get()
    first = owner_client.post(round_url(design, "q/1/next-constraint/"), headers=HX)
    assert "Now with 100 million users." in first.content.decode()
    assert "Now it must work offline." not in first.content.decode()
    polled = owner_client.get(round_url(design, "q/1/constraints/"), headers=HX)
    assert polled.status_code == 200 and "1 of 2" in polled.content.decode()


@pytest.mark.django_db
def test_pause_resume_and_the_paused_page_hides_the_question(owner_client, coding_round):
    assert owner_client.post(round_url(coding_round, "pause/")).status_code == 302
    html = owner_client.get(round_url(coding_round)).content.decode()
    assert "Paused" in html and "Read two integers" not in html
    assert owner_client.post(round_url(coding_round, "pause/"), headers=HX).status_code == 409
    assert owner_client.post(round_url(coding_round, "resume/")).status_code == 302
    coding_round.refresh_from_db()
    assert coding_round.status == "running"


@pytest.mark.django_db
def test_summary_assessment_round_trip(owner_client, coding_round):
    owner_client.post(round_url(coding_round, "end/"))
    page = owner_client.get(round_url(coding_round, "summary/"))
    assert page.status_code == 200 and "Self-assessment" in page.content.decode() and "Tests the code" in page.content.decode()
    item = coding_round.stage.rubric_items.get()
    bad = owner_client.post(round_url(coding_round, "summary/"), {f"rating_{item.pk}": "9"})
    assert bad.status_code == 400
    good = owner_client.post(round_url(coding_round, "summary/"), {f"rating_{item.pk}": "3", "reflection": "Test first"})
    assert good.status_code == 302
    coding_round.refresh_from_db()
    assert coding_round.self_assessment == {str(item.pk): 3} and coding_round.reflection == "Test first"


@pytest.mark.django_db
def test_the_summary_renders_rubric_text_as_markdown_with_math(owner_client, coding_round):
    from questions.models import RubricItem, StageRubricItem

    StageRubricItem.objects.filter(stage=coding_round.stage).update(text="Runs in $O(n)$ time")
    RubricItem.objects.create(question=Question.objects.get(slug="sum-two"), text="Handles **negative** input")
    owner_client.post(round_url(coding_round, "end/"))
    html = owner_client.get(round_url(coding_round, "summary/")).content.decode()
    assert '<span class="math math-inline">O(n)</span>' in html and "$O(n)$" not in html
    assert "Handles <strong>negative</strong> input" in html


@pytest.mark.django_db
def test_the_summary_of_a_running_round_sends_you_back(owner_client, coding_round):
    assert owner_client.get(round_url(coding_round, "summary/")).status_code == 302


@pytest.mark.django_db
def test_loop_sessions_have_a_break_screen(owner_client, owner, mini_pack):
    from questions.models import InterviewLoop

    session = svc.session_start(owner=owner, loop=InterviewLoop.objects.get(slug="alpha"))
    first, second, _ = session.rounds.order_by("order")
    svc.round_end(round=first)
    html = owner_client.get(f"/practice/sessions/{session.pk}/").content.decode()
    assert "Break" in html and "Start round" in html
    assert owner_client.post(round_url(second, "start/")).status_code == 302
    second.refresh_from_db()
    assert second.status == "running"


def _queries(client, url, *, showing: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200 and showing in response.content.decode()
    return len(captured)


@pytest.mark.django_db
def test_round_page_and_poll_query_counts_do_not_grow(owner_client, owner, coding_round):
    rq = coding_round.questions.get()

    def add_runs_and_snapshots(count):
        for i in range(count):
            svc.answer_save(round_question=rq, values={"code": f"print({i}) # {count}"})
            Submission.objects.create(user=owner, round_question=rq, language="python", source="x", status="done",
                                      verdict="OK")

    add_runs_and_snapshots(1)
    page, poll = round_url(coding_round), f"/practice/runs/{Submission.objects.first().pk}/"
    few_page = _queries(owner_client, page, showing="print(0) # 1")
    few_poll = _queries(owner_client, poll, showing="OK")
    add_runs_and_snapshots(40)
    assert _queries(owner_client, page, showing="print(39) # 40") == few_page
    assert _queries(owner_client, poll, showing="OK") == few_poll <= 4


@pytest.mark.django_db
def test_markdown_preview_is_sanitised(owner_client):
    response = owner_client.post("/practice/preview/", {"answer": "**b** <script>alert(1)</script>"})
    assert response.status_code == 200
    assert "<strong>b</strong>" in response.content.decode() and "<script" not in response.content.decode()


@pytest.mark.django_db
def test_too_many_runs_get_a_429_with_a_message(owner_client, owner, coding_round, settings):
    settings.RUN_RATE_PER_MINUTE = 1
    rq = coding_round.questions.get()
    Submission.objects.create(user=owner, round_question=rq, language="python", source="x", status="done")
    response = owner_client.post(round_url(coding_round, "q/1/run/"),
                                 {"kind": "run", "language": "python", "code": "print(1)"}, headers=HX)
    assert response.status_code == 429
    assert "the most allowed" in response.content.decode()
    assert response["HX-Retarget"] == "#round-message"
    assert Submission.objects.count() == 1


@pytest.mark.django_db
def test_the_console_never_shows_a_hidden_tests_data(owner_client, owner, coding_round):
    # Even results that carry it (an import, an old row): a hidden test's tab shows its verdict only.
    rq = coding_round.questions.get()
    secret = {"input": "SECRET-IN", "expected": "SECRET-OUT", "actual": "SECRET-ACTUAL", "stderr": "SECRET-ERR"}
    submission = Submission.objects.create(
        user=owner, round_question=rq, question=rq.question, kind="submit", language="python", source="x",
        status="done", verdict="WA", results={
            "passed": 0, "total": 1, "tests": [{"index": 0, "hidden": True, "verdict": "WA", **secret}],
            "first_failure": {"index": 0, "hidden": True, "verdict": "WA", **secret}})
    for url in (f"/practice/runs/{submission.pk}/", round_url(coding_round)):
        html = owner_client.get(url).content.decode()
        assert "Test 1 (hidden): <span class=\"verdict-word\">Wrong answer</span>" in html
        assert "SECRET" not in html


@pytest.mark.django_db
def test_a_design_question_shows_its_starting_scale_before_any_follow_up(owner_client, owner):
    from questions.services import pack_load
    from tests.conftest import DEFAULT_PACK

    pack_load(path=DEFAULT_PACK, verify_reference=False)
    design = Question.objects.get(slug="nearest-neighbour-search-service")
    stage_round = svc.session_start(owner=owner, question=design).rounds.get()
    html = owner_client.get(round_url(stage_round)).content.decode()
    assert "10 million 3D points, exact answers, 1,000 queries per second" in html  # in the prompt, from the start
    assert 'Follow-up constraints <span class="muted">(0 of 7)</span>' in html
    assert "5 billion" not in html  # the first follow-up waits for its time
