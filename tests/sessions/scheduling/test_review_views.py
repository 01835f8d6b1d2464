"""The reviews pages: the page itself, settings, starting a review round, card changes, adding from a question."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from questions.models import Question
from sessions.models import Guest, ReviewCard, ReviewSettings
from sessions.scheduling.cards import review_settings_save
from tests.sessions.scheduling.helpers import card, concept_review

URL = "/practice/reviews/"


@pytest.fixture
def practised(mini_pack, owner):
    """bayes reviewed Good a week ago (due about now); sum-two added by hand."""
    concept_review(owner, "bayes", "good", timezone.now() - timedelta(days=7))
    ReviewCard.objects.create(owner=owner, question=Question.objects.get(slug="sum-two"), created_at=timezone.now(),
                              due=timezone.now())
    return card(owner, "bayes")


@pytest.mark.django_db
def test_the_page_shows_the_queue_the_report_and_the_cards(owner_client, practised):
    response = owner_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Due today" in html and "Start a review round" in html
    assert "Bayes" in html or practised.question.title in html
    assert html.count("<svg ") == 2  # the forecast, the stages
    assert 'name="retention_percent" value="90"' in html
    assert re.search(r"<td>Good</td>\s*<td class=\"optional-column\">1</td>", html)  # bayes: rated Good once


@pytest.mark.django_db
def test_the_home_page_shows_due_today_to_users_only(owner_client, practised):
    assert "Due today" in owner_client.get("/").content.decode()
    assert "Due today" not in Client().get("/").content.decode()


@pytest.mark.django_db
def test_a_guest_is_sent_to_keep_their_account(owner_client, owner, practised):
    Guest.objects.create(user=owner)
    assert owner_client.get(URL).status_code == 403
    assert "Due today" not in owner_client.get("/").content.decode()


@pytest.mark.django_db
def test_settings_are_saved(owner_client, owner):
    response = owner_client.post(URL + "settings/", {"retention_percent": "85", "reviews_per_day": "15",
                                                      "new_per_day": "2", "kinds": ["coding", "design"]})
    assert response.status_code == 302
    saved = ReviewSettings.objects.get(user=owner)
    assert (saved.desired_retention, saved.reviews_per_day, saved.new_per_day, saved.kinds) == (
        0.85, 15, 2, ["coding", "design"])


@pytest.mark.django_db
@pytest.mark.parametrize("data, message", [
    ({"retention_percent": "99", "reviews_per_day": "10", "new_per_day": "3", "kinds": ["coding"]}, "less than or equal to 97"),
    ({"retention_percent": "90", "reviews_per_day": "x", "new_per_day": "3", "kinds": ["coding"]}, "Enter a whole number"),
    ({"retention_percent": "90", "reviews_per_day": "10", "new_per_day": "3"}, "This field is required"),
    ({"retention_percent": "90", "reviews_per_day": "10", "new_per_day": "3", "kinds": ["essay"]}, "not one of the available"),
])
def test_bad_settings_get_400_and_their_message(owner_client, owner, data, message):
    response = owner_client.post(URL + "settings/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ReviewSettings.objects.filter(user=owner).exists()


@pytest.mark.django_db
def test_starting_a_review_round_opens_its_first_round(owner_client, owner, practised):
    review_settings_save(user=owner, desired_retention=0.9, reviews_per_day=10, new_per_day=1,
                         kinds=["concept", "coding"])
    ReviewCard.objects.filter(pk=practised.pk).update(due=timezone.now() - timedelta(hours=1))
    response = owner_client.post(URL + "start/")
    assert response.status_code == 302
    session = owner.interview_sessions.get(title__startswith="Review: ")
    assert response["Location"] == f"/practice/rounds/{session.rounds.order_by('order').first().pk}/"
    assert sorted(rq.question.slug for r in session.rounds.all() for rq in r.questions.all()) == ["bayes", "sum-two"]


@pytest.mark.django_db
def test_nothing_due_says_so_with_400(owner_client, owner, mini_pack):
    review_settings_save(user=owner, desired_retention=0.9, reviews_per_day=10, new_per_day=0, kinds=["concept"])
    response = owner_client.post(URL + "start/")
    assert response.status_code == 400 and "Nothing is due today" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("action, check", [
    ("suspend", lambda c: c.suspended),
    ("forget", lambda c: c.is_new and c.reset_at is not None),
])
def test_card_changes(owner_client, practised, action, check):
    response = owner_client.post(f"{URL}cards/{practised.pk}/", {"action": action})
    assert response.status_code == 302
    practised.refresh_from_db()
    assert check(practised)


@pytest.mark.django_db
def test_a_bad_action_is_400_and_someone_elses_card_is_404(owner_client, outsider_client, practised):
    assert owner_client.post(f"{URL}cards/{practised.pk}/", {"action": "delete"}).status_code == 400
    assert outsider_client.post(f"{URL}cards/{practised.pk}/", {"action": "suspend"}).status_code == 404
    practised.refresh_from_db()
    assert not practised.suspended


@pytest.mark.django_db
def test_a_question_page_offers_to_add_it_and_then_says_where_it_stands(owner_client, owner, mini_pack):
    page = "/questions/why-us/"
    question = Question.objects.get(slug="why-us")
    assert "Add to my reviews" in owner_client.get(page).content.decode()
    response = owner_client.post(f"{URL}add/{question.pk}/")
    assert response.status_code == 302 and response["Location"] == page
    assert card(owner, "why-us").is_new
    assert "as a new question" in owner_client.get(page).content.decode()
    assert owner_client.post(f"{URL}add/999999/").status_code == 404


@pytest.mark.django_db
def test_the_pages_refuse_the_wrong_method(owner_client):
    assert owner_client.post(URL).status_code == 405
    assert owner_client.get(URL + "start/").status_code == 405
