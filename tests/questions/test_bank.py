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
