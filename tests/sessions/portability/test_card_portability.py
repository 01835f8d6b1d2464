"""Review cards through the JSON export and import: their schedule survives the trip, reviews link back to the
round questions the import created or found, importing twice changes nothing, version 1 documents get cards
from their rounds, bad card data is refused whole, and a share link shows nothing of them."""

import copy
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from questions.models import Question
from sessions.models import CardReview, InterviewSession, ReviewCard, ReviewSettings
from sessions.portability.importer import user_data_import
from sessions.portability.schema import MAX_CARDS, MAX_REVIEWS_PER_CARD
from sessions.review import sharing
from sessions.rounds.answers import self_grade_set
from sessions.rounds.clock import round_end
from sessions.rounds.starting import session_start
from sessions.scheduling.cards import card_forget, card_suspend, review_settings_save
from tests.sessions.portability.test_data_import import as_file, exported
from tests.sessions.portability.test_exports import at, build_paired, fresh

SCHEDULE = ("created_at", "suspended", "reset_at", "state", "stability", "difficulty", "due", "last_review",
            "last_rating", "reviews_count")


def practise(user, slug: str, grade: str, minute: float) -> InterviewSession:
    """A solo round on one question, graded and ended: the round's end records the review."""
    session = session_start(owner=user, question=Question.objects.get(slug=slug), now=at(minute))
    InterviewSession.objects.filter(pk=session.pk).update(created_at=at(minute))
    stage_round = session.rounds.get()
    rq = stage_round.questions.select_related("round__session", "question").get()
    self_grade_set(round_question=rq, grade=grade, now=at(minute + 2))
    round_end(round=fresh(stage_round), now=at(minute + 5))
    return session


def schedules(user) -> dict:
    return {
        card.question.slug: {name: getattr(card, name) for name in SCHEDULE}
        for card in ReviewCard.objects.filter(owner=user).select_related("question")
    }


def review_log(user) -> list[tuple]:
    """(question, rating, source, reason, reviewed_at, linked round question's session owner or None)."""
    return sorted(
        (review.card.question.slug, review.rating, review.source, review.reason, review.reviewed_at,
         review.round_question.round.session.owner.username if review.round_question else None)
        for review in CardReview.objects.filter(card__owner=user)
        .select_related("card__question", "round_question__round__session__owner")
    )


def card_rows() -> tuple[int, int, int]:
    return ReviewCard.objects.count(), CardReview.objects.count(), ReviewSettings.objects.count()


@pytest.fixture
def alice_practised(owner, mini_pack):
    """alice graded bayes twice (days apart) and why-us once, suspended why-us, and chose a retention of 0.85."""
    practise(owner, "bayes", "good", 0)
    practise(owner, "bayes", "hard", 3 * 24 * 60)
    practise(owner, "design-feed", "easy", 60)  # a design question: no self-grade, so no card from this round
    review_settings_save(user=owner, desired_retention=0.85, reviews_per_day=12, new_per_day=2,
                         kinds=["concept", "behavioral"])
    return owner


# ---------------------------------------------------------------- the document


@pytest.mark.django_db
def test_the_export_holds_the_users_cards_settings_and_where_each_review_came_from(alice_practised):
    data = exported(alice_practised)
    assert data["version"] == 3
    assert data["review_settings"] == {"desired_retention": 0.85, "reviews_per_day": 12, "new_per_day": 2,
                                       "kinds": ["concept", "behavioral"]}
    (card,) = data["review_cards"]
    assert card["question"] == {"pack": "mini", "slug": "bayes", "title": Question.objects.get(slug="bayes").title}
    assert (card["suspended"], card["reset_at"], card["created_at"]) == (False, None, at(2).isoformat())
    first, second = card["reviews"]
    assert (first["rating"], first["source"], first["reason"], first["reviewed_at"]) == (
        3, "self_grade", "self-graded Good", at(2).isoformat())
    assert second["rating"] == 2
    session = next(s for s in data["sessions"] if s["created_at"] == at(0).isoformat())
    assert first["at"] == {"session": session["id"], "round": 0, "question": 0}
    assert session["rounds"][0]["questions"][0]["question"]["slug"] == "bayes"


@pytest.mark.django_db
def test_a_user_who_never_saved_settings_exports_none_and_an_interviewer_no_cards(owner, partner, mini_pack):
    build_paired(owner, partner, release=True)  # alice interviews bob and releases her scorecard
    as_interviewer, as_candidate = exported(owner), exported(partner)
    assert (as_interviewer["review_settings"], as_interviewer["review_cards"]) == (None, [])
    assert as_candidate["review_settings"] is None
    assert {card["question"]["slug"] for card in as_candidate["review_cards"]} == {"sum-two", "bayes"}
    places = [review["at"] for card in as_candidate["review_cards"] for review in card["reviews"]]
    assert places and all(place["session"] == as_candidate["sessions"][0]["id"] for place in places)


@pytest.mark.django_db
def test_a_review_whose_session_was_deleted_has_no_place(alice_practised):
    InterviewSession.objects.filter(created_at=at(0)).delete()
    (card,) = exported(alice_practised)["review_cards"]
    assert [review["at"] is None for review in card["reviews"]] == [True, False]


# ---------------------------------------------------------------- the round trip


@pytest.mark.django_db
def test_another_user_gets_the_same_cards_schedule_and_linked_reviews(alice_practised, outsider):
    card_suspend(card=ReviewCard.objects.get(owner=alice_practised), suspended=True)
    data = exported(alice_practised)

    result = user_data_import(user=outsider, data=data)

    assert (result.created, result.skipped, result.cards, result.reviews) == (3, 0, 1, 2)
    assert schedules(outsider) == schedules(alice_practised)
    mallorys = [row[:5] + ("mallory",) for row in review_log(alice_practised)]
    assert review_log(outsider) == mallorys  # every review linked to the round question the import created
    settings = ReviewSettings.objects.get(user=outsider)
    assert (settings.desired_retention, settings.reviews_per_day, settings.new_per_day, settings.kinds) == (
        0.85, 12, 2, ["concept", "behavioral"])


@pytest.mark.django_db
def test_a_forgotten_card_and_an_unlinked_review_come_through(alice_practised, outsider):
    card_forget(card=ReviewCard.objects.get(owner=alice_practised), now=at(2 * 24 * 60))
    InterviewSession.objects.filter(created_at=at(0)).delete()  # the first review loses its round question
    data = exported(alice_practised)
    user_data_import(user=outsider, data=data)
    assert schedules(outsider) == schedules(alice_practised)
    assert schedules(outsider)["bayes"]["reviews_count"] == 1  # the review before the reset does not count
    assert {row[1]: row[-1] for row in review_log(outsider)} == {3: None, 2: "mallory"}  # Good lost its round


@pytest.mark.django_db
def test_importing_the_same_file_twice_changes_nothing(alice_practised, outsider):
    InterviewSession.objects.filter(created_at=at(0)).delete()  # one unlinked review too
    data = exported(alice_practised)
    user_data_import(user=outsider, data=data)
    before = (card_rows(), schedules(outsider), review_log(outsider), InterviewSession.objects.count())

    result = user_data_import(user=outsider, data=copy.deepcopy(data))

    assert (result.created, result.skipped, result.cards, result.reviews) == (0, 2, 0, 0)
    assert (card_rows(), schedules(outsider), review_log(outsider), InterviewSession.objects.count()) == before


@pytest.mark.django_db
def test_importing_onto_the_instance_it_came_from_changes_no_card(alice_practised, partner):
    build_paired(alice_practised, partner, release=True)
    before = (card_rows(), schedules(alice_practised), schedules(partner), review_log(partner))
    user_data_import(user=alice_practised, data=exported(alice_practised))
    user_data_import(user=partner, data=exported(partner))
    assert (card_rows(), schedules(alice_practised), schedules(partner), review_log(partner)) == before


@pytest.mark.django_db
def test_a_review_of_a_session_already_here_links_to_its_round_question(alice_practised):
    """As on an instance that got the sessions by an earlier (version 1) import: the cards come, the sessions match."""
    data = exported(alice_practised)
    expected = (schedules(alice_practised), review_log(alice_practised))
    round_questions = set(CardReview.objects.values_list("round_question", flat=True))
    ReviewCard.objects.all().delete()

    result = user_data_import(user=alice_practised, data=data)

    assert (result.created, result.skipped, result.reviews) == (0, 3, 2)
    assert (schedules(alice_practised), review_log(alice_practised)) == expected
    assert set(CardReview.objects.values_list("round_question", flat=True)) == round_questions


@pytest.mark.django_db
def test_sessions_deleted_then_imported_back_link_their_reviews_again(alice_practised):
    """Deleting a session keeps its reviews (unlinked); importing the export back links them, adding none."""
    data = exported(alice_practised)
    expected = (schedules(alice_practised), len(review_log(alice_practised)))
    InterviewSession.objects.filter(owner=alice_practised).delete()
    assert set(CardReview.objects.values_list("round_question", flat=True)) == {None}

    result = user_data_import(user=alice_practised, data=data)

    assert (result.created, result.reviews) == (3, 0)
    assert (schedules(alice_practised), len(review_log(alice_practised))) == expected
    assert {owner for *_, owner in review_log(alice_practised)} == {alice_practised.username}


@pytest.mark.django_db
def test_cards_merge_with_the_users_own(alice_practised, outsider):
    data = exported(alice_practised)
    data["review_cards"][0]["suspended"] = True
    practise(outsider, "bayes", "easy", 10 * 24 * 60)  # mallory's own review, on her own card
    own = ReviewCard.objects.get(owner=outsider)
    card_forget(card=own, now=at(24 * 60))
    review_settings_save(user=outsider, desired_retention=0.95, reviews_per_day=5, new_per_day=1, kinds=["coding"])

    user_data_import(user=outsider, data=data)

    card = ReviewCard.objects.get(owner=outsider)
    assert (card.suspended, card.reset_at, card.created_at) == (True, at(24 * 60), at(2))  # suspended; earlier start
    assert card.reviews.count() == 3 and card.reviews_count == 2  # the review before the reset stays in the log
    assert ReviewSettings.objects.get(user=outsider).desired_retention == 0.95  # her own settings are kept


# ---------------------------------------------------------------- version 1


@pytest.mark.django_db
def test_a_version_1_document_gets_cards_from_its_finished_rounds(alice_practised, outsider):
    data = exported(alice_practised)
    data["version"] = 1
    del data["review_cards"], data["review_settings"]

    result = user_data_import(user=outsider, data=data)

    assert (result.created, result.cards) == (3, 0)
    assert not ReviewSettings.objects.filter(user=outsider).exists()
    assert review_log(outsider) == [row[:5] + ("mallory",) for row in review_log(alice_practised)]
    assert schedules(outsider)["bayes"]["reviews_count"] == 2
    assert user_data_import(user=outsider, data=data).created == 0 and CardReview.objects.filter(
        card__owner=outsider).count() == 2


# ---------------------------------------------------------------- bad card data


def refused(user, data) -> list[str]:
    before = (card_rows(), InterviewSession.objects.count())
    with pytest.raises(ValidationError) as caught:
        user_data_import(user=user, data=as_file(data))
    assert (card_rows(), InterviewSession.objects.count()) == before  # nothing saved
    return caught.value.messages


def session_on(data: dict, slug: str) -> int:
    """The document's id of the session whose one question is `slug`."""
    return next(s["id"] for s in data["sessions"] if s["rounds"][0]["questions"][0]["question"]["slug"] == slug)


def first_review(data: dict) -> dict:
    return data["review_cards"][0]["reviews"][0]


@pytest.mark.django_db
@pytest.mark.parametrize("change, message", [
    (lambda d: first_review(d).update(rating=7),
     "review_cards[0].reviews[0].rating: expected a number from 1 to 4, not 7."),
    (lambda d: first_review(d).update(rating="3"), "review_cards[0].reviews[0].rating: expected a whole number."),
    (lambda d: first_review(d).update(source="guess"), "review_cards[0].reviews[0].source: expected one of"),
    (lambda d: first_review(d).update(reviewed_at="yesterday"),
     "review_cards[0].reviews[0].reviewed_at: 'yesterday' is not an ISO 8601 date and time."),
    (lambda d: first_review(d).update(reviewed_at="2026-03-02T09:00:00"),
     "review_cards[0].reviews[0].reviewed_at: a date and time needs its time zone offset."),
    (lambda d: d["review_cards"][0].pop("created_at"), "review_cards[0].created_at: missing."),
    (lambda d: d["review_cards"][0].update(suspended="no"), "review_cards[0].suspended: expected true or false."),
    (lambda d: d["review_settings"].update(desired_retention=2.0),
     "review_settings.desired_retention: Choose a desired retention between 70% and 97%."),
    (lambda d: d["review_settings"].update(reviews_per_day=500),
     "review_settings.reviews_per_day: Review between 1 and 100 questions a day."),
    (lambda d: d["review_settings"].update(kinds=["poetry"]), "review_settings.kinds: Include at least one kind"),
    (lambda d: d["review_settings"].update(new_per_day=True), "review_settings.new_per_day: expected a whole number."),
    (lambda d: d.update(review_cards=d["review_cards"] * (MAX_CARDS + 1)),
     f".review_cards: at most {MAX_CARDS} entries are allowed, this has {MAX_CARDS + 1}."),
    (lambda d: d["review_cards"][0].update(reviews=[first_review(d)] * (MAX_REVIEWS_PER_CARD + 1)),
     f"review_cards[0].reviews: at most {MAX_REVIEWS_PER_CARD} entries are allowed"),
    (lambda d: d["review_cards"].append(copy.deepcopy(d["review_cards"][0])),
     "review_cards[1].question: review_cards[0] is a card for this question too."),
    (lambda d: first_review(d).update(at={"session": 999999, "round": 0, "question": 0}),
     "review_cards[0].reviews[0].at: no question of this document is at session 999999, round 0, question 0."),
    (lambda d: first_review(d)["at"].update(session=session_on(d, "design-feed")),
     "review_cards[0].reviews[0].at: that round question asks another question than this card's."),
    (lambda d: d["review_cards"][0]["question"].update(slug=["bayes"]),
     "review_cards[0].question.slug: expected text."),
    (lambda d: d["review_cards"][0]["question"].update(slug="bayes-2", title="Bayes again"),
     "The question “Bayes again” (mini/bayes-2) is not on this instance: load the pack “mini” first."),
])
def test_bad_card_data_is_refused_with_its_place_and_nothing_is_saved(alice_practised, outsider, change, message):
    data = exported(alice_practised)
    change(data)
    messages = refused(outsider, data)
    assert any(m.startswith(message) for m in messages), messages


@pytest.mark.django_db
def test_a_review_placed_in_a_round_the_user_interviewed_in_is_refused(owner, partner, mini_pack):
    build_paired(owner, partner, release=True)
    data = exported(partner)
    interviewer = exported(owner)
    data["sessions"][0]["rounds"][0]["role"] = "interviewer"  # as if bob had interviewed
    data["sessions"][0]["rounds"][0].update({key: interviewer["sessions"][0]["rounds"][0][key] for key in (
        "self_assessment", "scorecard", "notes", "note_sheets")})
    messages = refused(partner, data)
    assert any("its reviews are the candidate's, not theirs" in m for m in messages), messages


# ---------------------------------------------------------------- share links


@pytest.mark.django_db
def test_a_shared_page_shows_nothing_of_the_cards_the_export_holds(alice_practised):
    session = InterviewSession.objects.get(created_at=at(0))
    card = exported(alice_practised)["review_cards"][0]
    assert card["reviews"][0]["reason"] == "self-graded Good"  # the export holds it
    _, token = sharing.share_create(session=session, user=alice_practised)
    page = Client().get(f"/shared/{token}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert Question.objects.get(slug="bayes").title in text  # the page is the session's
    stability = ReviewCard.objects.get(owner=alice_practised).stability
    for secret in ("self-graded", "review card", "Review card", "retention", f"{stability:.2f}"):
        assert secret not in text, secret
    assert not re.search(r"\bdue\b", text, re.IGNORECASE)
