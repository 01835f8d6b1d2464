"""The question bank: filters, HTMX fragment vs full page, bad input, pagination."""

import pytest

from questions.models import Question


def titles(response) -> list[str]:
    return [q.title for q in response.context["page"].object_list]


@pytest.mark.django_db
def test_it_lists_every_question(client, mini_pack):
    response = client.get("/questions/")
    assert response.status_code == 200
    assert sorted(titles(response)) == ["Bayes in one line", "Design a feed", "Sum two numbers", "Why us"]
    assert "<html" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query, expected",
    [
        ("kind=coding", ["Sum two numbers"]),
        ("stage=alpha/chat", ["Why us"]),
        ("loop=alpha", ["Bayes in one line", "Design a feed", "Sum two numbers", "Why us"]),
        ("loop=beta", []),
        ("tag=probability", ["Bayes in one line"]),
        ("tag=unknown-tag", []),
        ("q=theorem", ["Bayes in one line"]),
        ("q=FEED", ["Design a feed"]),
        ("q=warmup", ["Sum two numbers"]),
        ("kind=concept&q=feed", []),
        ("stage=alpha/nope", []),
    ],
)
def test_each_filter_narrows_the_list(client, mini_pack, query, expected):
    response = client.get(f"/questions/?{query}")
    assert response.status_code == 200
    assert sorted(titles(response)) == expected


@pytest.mark.django_db
def test_htmx_requests_get_the_results_fragment(client, mini_pack):
    response = client.get("/questions/?kind=design", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="results"')
    assert "<html" not in html
    assert "Design a feed" in html and "Sum two numbers" not in html
    assert "HX-Request" in response["Vary"]


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["kind=riddle", "stage=no-slash", "page=abc", "page=0", "tag=Not%20a%20slug", "loop=%3Cscript%3E"])
def test_bad_filter_values_get_a_clear_400(client, mini_pack, query):
    response = client.get(f"/questions/?{query}")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Those filters could not be used" in html
    assert "<script>" not in html


@pytest.mark.django_db
def test_bad_filter_values_over_htmx_get_the_fragment_with_the_message(client, mini_pack):
    response = client.get("/questions/?kind=riddle", headers={"HX-Request": "true"})
    assert response.status_code == 400
    assert "Those filters could not be used" in response.content.decode()


@pytest.mark.django_db
def test_it_paginates_and_keeps_filters_in_links(client, mini_pack):
    bayes = Question.objects.get(slug="bayes")
    for number in range(45):
        Question.objects.create(pack=mini_pack, slug=f"extra-{number}", kind="concept", title=f"Extra {number:02d}", prompt="p")
    first = client.get("/questions/?kind=concept")
    assert first.context["page"].paginator.count == 46
    assert len(titles(first)) == 20
    assert 'href="?kind=concept&amp;page=2"' in first.content.decode()
    last = client.get("/questions/?kind=concept&page=3")
    assert len(titles(last)) == 6
    beyond = client.get("/questions/?kind=concept&page=99")
    assert beyond.status_code == 200 and beyond.context["page"].number == 3
    assert bayes.title in titles(first) + titles(client.get("/questions/?kind=concept&page=2")) + titles(last)


@pytest.mark.django_db
def test_its_query_count_is_constant(client, mini_pack, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        response = client.get("/questions/")
    assert response.status_code == 200
    assert len(titles(response)) == 4 and "Sum two numbers" in response.content.decode()


@pytest.mark.django_db
def test_it_refuses_post(client, mini_pack):
    assert client.post("/questions/").status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize("headers", [{}, {"HX-Request": "true"}])
def test_it_refuses_a_search_with_too_many_words_with_a_400(client, mini_pack, headers):
    # 100 one-letter words used to build a query SQLite refuses (a 500).
    words = " ".join("abcdefghijklmnopqrstuvwxyz"[i % 26] for i in range(100))
    response = client.get("/questions/", {"q": words}, headers=headers)
    assert response.status_code == 400
    assert "at most 12 words (this has 26)" in response.content.decode()


@pytest.mark.django_db
def test_it_refuses_an_overlong_search_word_with_a_400(client, mini_pack):
    response = client.get("/questions/", {"q": "sum " + "x" * 41})
    assert response.status_code == 400
    assert "at most 40 letters" in response.content.decode()


@pytest.mark.django_db
def test_it_counts_a_repeated_search_word_once(client, mini_pack):
    response = client.get("/questions/", {"q": " ".join(["sum"] * 40)})
    assert response.status_code == 200
    assert "Sum two numbers" in response.content.decode()


# ---------------------------------------------------------------- columns, and the signed-in user's marks


def marks(response) -> dict[str, str]:
    return {q.title: q.mark for q in response.context["page"].object_list}


def practise(user, slug: str):
    """A solo round on one question, started (session_start starts it) and left running."""
    from sessions.rounds import services as round_services

    session = round_services.session_start(owner=user, question=Question.objects.get(slug=slug))
    return session.rounds.get().questions.get()


def judged(user, slug: str, *, kind: str, verdict: str, round_question=None):
    from sessions.models import Submission

    return Submission.objects.create(
        user=user, question=Question.objects.get(slug=slug), round_question=round_question, kind=kind,
        language="python", source="print(1)", status="done", verdict=verdict, results={"passed": 1, "total": 2},
    )


@pytest.mark.django_db
def test_rows_are_aligned_columns_with_coloured_difficulty_and_stages_grouped_by_loop(client, mini_pack):
    html = client.get("/questions/").content.decode()
    assert '<table class="list-table bank-table">' in html
    assert '<span class="difficulty difficulty-easy">Easy</span>' in html  # the colour comes with its word
    assert '<span class="difficulty difficulty-hard">Hard</span>' in html
    # The stage filter names each loop once, as a group, instead of in front of every stage.
    assert '<optgroup label="Alpha loop">' in html
    assert '<option value="alpha/screen">Coding screen</option>' in html and "Alpha loop · " not in html
    # Every filter's label comes first in its cell of the grid.
    assert '<label class="filter-field"><span class="filter-label">Kind</span>' in html


@pytest.mark.django_db
def test_visitors_see_no_marks(client, mini_pack, owner):
    judged(owner, "sum-two", kind="submit", verdict="AC")
    response = client.get("/questions/")
    html = response.content.decode()
    assert set(marks(response).values()) == {""}
    assert "Your marks" not in html and "mark-solved" not in html and '<th scope="col">You</th>' not in html


@pytest.mark.django_db
def test_a_coding_question_is_solved_once_a_submit_passes(owner_client, owner, mini_pack):
    assert marks(owner_client.get("/questions/")) == dict.fromkeys(
        ["Bayes in one line", "Design a feed", "Sum two numbers", "Why us"], "")
    judged(owner, "sum-two", kind="run", verdict="AC")  # a passing Run checks the examples only
    assert marks(owner_client.get("/questions/"))["Sum two numbers"] == "attempted"
    judged(owner, "sum-two", kind="submit", verdict="WA")
    assert marks(owner_client.get("/questions/"))["Sum two numbers"] == "attempted"
    judged(owner, "sum-two", kind="submit", verdict="AC")
    response = owner_client.get("/questions/")
    assert marks(response)["Sum two numbers"] == "solved"
    html = response.content.decode()
    assert '<span class="mark mark-solved">Solved</span>' in html and '<th scope="col">You</th>' in html


@pytest.mark.django_db
def test_answering_in_a_round_marks_coding_attempted_and_the_rest_practised(owner_client, owner, mini_pack):
    practise(owner, "sum-two")
    practise(owner, "bayes")
    practise(owner, "why-us")
    assert marks(owner_client.get("/questions/")) == {
        "Bayes in one line": "practised", "Design a feed": "", "Sum two numbers": "attempted", "Why us": "practised",
    }


@pytest.mark.django_db
def test_marks_never_come_from_another_users_practice(owner_client, owner, outsider, partner, mini_pack):
    from sessions.paired import services as paired_services

    judged(outsider, "sum-two", kind="submit", verdict="AC")
    practise(outsider, "bayes")
    # alice interviews bob: the question is bob's practice, not hers.
    session = paired_services.paired_session_create(
        interviewer=owner, stage=Question.objects.get(slug="why-us").stages.get(),
        questions=[Question.objects.get(slug="why-us")],
    )
    paired_services.invite_accept(token=paired_services.invite_create(session=session)[1], user=partner)
    from sessions.rounds import services as round_services

    round_services.round_start(round=session.rounds.get())
    assert set(marks(owner_client.get("/questions/")).values()) == {""}


@pytest.mark.django_db
def test_a_live_candidate_gets_no_mark_for_a_question_not_on_screen_yet(owner_client, owner, partner, mini_pack):
    from sessions.paired import services as paired_services
    from sessions.rounds import services as round_services

    screen = Question.objects.get(slug="sum-two").stages.get()
    session = paired_services.paired_session_create(
        interviewer=partner, stage=screen,
        questions=[Question.objects.get(slug="design-feed"), Question.objects.get(slug="bayes")],
    )
    paired_services.invite_accept(token=paired_services.invite_create(session=session)[1], user=owner)
    assert set(marks(owner_client.get("/questions/")).values()) == {""}  # not started: nothing reached
    stage_round = round_services.round_start(round=session.rounds.get())
    first = stage_round.questions.order_by("order").first().question.title
    got = marks(owner_client.get("/questions/"))
    assert got[first] == "practised"
    # The other question is still to come: a mark would tell the candidate what it is.
    assert [title for title, mark in got.items() if mark] == [first]


@pytest.mark.django_db
def test_marks_cost_the_same_queries_however_much_practice(owner_client, owner, mini_pack):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert owner_client.get("/questions/").status_code == 200
        return len(captured)

    before = count()
    for slug in ("sum-two", "bayes", "design-feed", "why-us"):
        rq = practise(owner, slug)
        if slug == "sum-two":
            for verdict in ("WA", "AC"):
                judged(owner, slug, kind="submit", verdict=verdict, round_question=rq)
    after = count()
    assert after == before
    assert set(marks(owner_client.get("/questions/")).values()) == {"solved", "practised"}
