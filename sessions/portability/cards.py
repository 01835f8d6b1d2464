"""The spaced-repetition part of an export (version 2 of `schema`): the review settings and the user's cards,
each with its review log, written (`settings_data`, `cards_data`), read (`CardPlanner`) and written back
(`write_cards`) inside the import's transaction.

A review names the round question it came from by its place in the document (the session's "id", the
round's order, the question's order). On import that place becomes the round question this import created,
or the one of the session already here that the import skipped (`writer.write_sessions` matches them), so
the review is linked again; a review whose round question was gone is kept unlinked. Cards merge with the
user's own: one card per question, suspended if either was, forgotten at the later time; a review already
on the card (the same round question, or unlinked with the same time and rating) is not added twice, so
importing a file twice changes nothing. Every card touched is rescheduled from its reviews.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Prefetch

from questions.models import Question
from sessions.models import CardReview, ReviewCard, ReviewSettings, RoundQuestion
from sessions.portability.reader import Catalogue, DocumentReader, dicts
from sessions.portability.rules import AnswerRule
from sessions.portability.schema import MAX_CARDS, MAX_REVIEWS_PER_CARD, moment, question_ref
from sessions.scheduling.cards import review_settings_errors, review_settings_save
from sessions.scheduling.scheduler import card_reschedule, scheduler_for, settings_for

PLACE_KEYS = ("session", "round", "question")
ANSWERING_ROLES = ("solo", "candidate")  # a review belongs to whoever answered the round's questions
SETTINGS_FIELDS = ("desired_retention", "reviews_per_day", "new_per_day", "kinds")


# ---------------------------------------------------------------- export


def settings_data(user) -> dict | None:
    """The user's saved review settings; None while they use the defaults (never saved)."""
    settings = ReviewSettings.objects.filter(user=user).first()
    if settings is None:
        return None
    return {name: getattr(settings, name) for name in SETTINGS_FIELDS}


def cards_data(user, sessions: list[dict]) -> list[dict]:
    """The user's cards with their reviews; a review's place is given when `sessions` (the document's) holds it."""
    places = {
        (session["id"], stage_round["order"], rq["order"])
        for session in sessions for stage_round in session["rounds"] for rq in stage_round["questions"]
    }
    reviews = CardReview.objects.select_related("round_question__round").order_by("reviewed_at", "id")
    cards = (
        ReviewCard.objects.filter(owner=user).select_related("question__pack")
        .prefetch_related(Prefetch("reviews", queryset=reviews))
        .order_by("created_at", "question__pack__slug", "question__slug")
    )
    return [
        {
            "question": question_ref(card.question),
            "created_at": moment(card.created_at),
            "suspended": card.suspended,
            "reset_at": moment(card.reset_at),
            "reviews": [
                {
                    "rating": review.rating,
                    "source": review.source,
                    "reason": review.reason,
                    "reviewed_at": moment(review.reviewed_at),
                    "at": _place_of(review.round_question, places),
                }
                for review in card.reviews.all()
            ],
        }
        for card in cards
    ]


def _place_of(rq: RoundQuestion | None, places: set) -> dict | None:
    if rq is None:
        return None
    place = (rq.round.session_id, rq.round.order, rq.order)
    return dict(zip(PLACE_KEYS, place)) if place in places else None


# ---------------------------------------------------------------- import: reading


@dataclass
class PlannedReview:
    rating: int
    source: str
    reason: str
    reviewed_at: datetime
    at: tuple[int, int, int] | None  # (the session's index in the document, round order, question order)


@dataclass
class PlannedCard:
    question: Question | None  # None only in a document with errors, which is never written
    created_at: datetime
    suspended: bool
    reset_at: datetime | None
    reviews: list[PlannedReview] = field(default_factory=list)


class CardPlanner:
    """Reads the settings and cards of a version 2 document, through the reader (which keeps the errors)."""

    def __init__(self, reader: DocumentReader, catalogue: Catalogue, answer_rule: AnswerRule, document: dict):
        self.reader, self.catalogue, self.answer_rule = reader, catalogue, answer_rule
        self.places = self._places(document)

    def _places(self, document: dict) -> dict[tuple, tuple]:
        """(session id, round order, question order) -> (session index, (pack, slug) of its question, round role)."""
        places, ids = {}, {}
        sessions = document.get("sessions")
        for i, session in enumerate(sessions if isinstance(sessions, list) else []):
            if not isinstance(session, dict) or not _whole(session.get("id")):
                continue
            if session["id"] in ids:  # the same session twice: it is imported once, and its first copy is named
                continue
            ids[session["id"]] = i
            for stage_round in dicts(session.get("rounds")):
                for rq in dicts(stage_round.get("questions")):
                    if not (_whole(stage_round.get("order")) and _whole(rq.get("order"))):
                        continue
                    ref = rq.get("question")
                    key = (ref.get("pack"), ref.get("slug")) if isinstance(ref, dict) else None
                    places[(session["id"], stage_round["order"], rq["order"])] = (i, key, stage_round.get("role"))
        return places

    def cards(self, document: dict) -> list[PlannedCard]:
        r = self.reader
        planned, seen = [], {}
        for i, data in enumerate(r.items(document, "review_cards", "", limit=MAX_CARDS)):
            path = f"review_cards[{i}]"
            data = r.mapping(data, path)
            if data is None:
                continue
            question = self.catalogue.question(r, data.get("question"), f"{path}.question")
            self.answer_rule.check(question, f"{path}.question", r.error)
            if question is not None and question.pk in seen:
                r.error(f"{path}.question", f"review_cards[{seen[question.pk]}] is a card for this question too.")
            elif question is not None:
                seen[question.pk] = i
            card = PlannedCard(
                question=question,
                created_at=r.moment(data, "created_at", path, null=False),
                suspended=r.flag(data, "suspended", path, default=False),
                reset_at=r.moment(data, "reset_at", path),
            )
            places = set()
            for j, review in enumerate(r.items(data, "reviews", path, limit=MAX_REVIEWS_PER_CARD)):
                review_path = f"{path}.reviews[{j}]"
                review = r.mapping(review, review_path)
                if review is None:
                    continue
                at = self._place(review.get("at"), f"{review_path}.at", question)
                if at is not None and at in places:
                    r.error(f"{review_path}.at", "another review of this card comes from the same round question.")
                places.add(at)
                card.reviews.append(PlannedReview(
                    rating=r.integer(review, "rating", review_path, low=min(CardReview.Rating.values),
                                     high=max(CardReview.Rating.values)),
                    source=r.choice(review, "source", review_path, CardReview.Source.values),
                    reason=r.text(review, "reason", review_path, max_chars=200, default=""),
                    reviewed_at=r.moment(review, "reviewed_at", review_path, null=False),
                    at=at,
                ))
            planned.append(card)
        return planned

    def _place(self, data, path: str, question: Question | None) -> tuple[int, int, int] | None:
        r = self.reader
        data = r.optional_mapping(data, path)
        if data is None:
            return None
        key = tuple(r.integer(data, name, path, low=0, high=2 ** 31 - 1) for name in PLACE_KEYS)
        place = self.places.get(key)
        if place is None:
            r.error(path, "no question of this document is at session {}, round {}, question {}.".format(*key))
            return None
        index, question_key, role = place
        if role not in ANSWERING_ROLES:
            r.error(path, "the user interviewed in that round: its reviews are the candidate's, not theirs.")
            return None
        if question is not None and question_key != (question.pack.slug, question.slug):
            r.error(path, "that round question asks another question than this card's.")
            return None
        return index, key[1], key[2]

    def settings(self, document: dict) -> dict | None:
        """The document's review settings, checked by the rules the settings form follows; None when it has none."""
        r, path = self.reader, "review_settings"
        data = r.optional_mapping(document.get("review_settings"), path)
        if data is None:
            return None
        values = {
            "desired_retention": _number(r, data, "desired_retention", path, whole=False),
            "reviews_per_day": _number(r, data, "reviews_per_day", path, whole=True),
            "new_per_day": _number(r, data, "new_per_day", path, whole=True),
            "kinds": r.blob(data, "kinds", path, list, max_bytes=1024),
        }
        if any(value is None for value in values.values()):
            return None
        for name, message in review_settings_errors(**values).items():
            r.error(f"{path}.{name}", message)
        return values


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _number(r: DocumentReader, data: dict, key: str, path: str, *, whole: bool) -> float | int | None:
    """The value when it is a (whole) finite number; the range is the settings form's to judge."""
    value = data.get(key)
    if _whole(value) or (not whole and isinstance(value, float) and math.isfinite(value)):
        return value
    r.error(f"{path}.{key}", ("expected a whole number." if whole else "expected a number.") if key in data
            else "missing.")
    return None


# ---------------------------------------------------------------- import: writing


def write_cards(user, cards: list[PlannedCard], settings: dict | None, session_ids: list[int]) -> tuple[int, int]:
    """Merge the planned cards into the user's (inside the import's transaction): (cards touched, reviews added).

    `session_ids[i]` is the session here that the document's i-th session became (created, or already here).
    The document's settings are saved only when the user has never saved their own.
    """
    if settings is not None and not ReviewSettings.objects.filter(user=user).exists():
        review_settings_save(user=user, **settings)  # reschedules the user's cards for its retention
    round_questions = {
        (session_id, round_order, order): (pk, question_id)
        for pk, session_id, round_order, order, question_id in RoundQuestion.objects.filter(
            round__session_id__in=set(session_ids)
        ).values_list("pk", "round__session_id", "round__order", "order", "question_id")
    }
    touched, added = [], 0
    for planned in cards:
        card, created = ReviewCard.objects.get_or_create(
            owner=user, question=planned.question,
            defaults={"created_at": planned.created_at, "due": planned.reset_at or planned.created_at,
                      "suspended": planned.suspended, "reset_at": planned.reset_at},
        )
        changed = created or _card_merge(card, planned)
        linked = set(card.reviews.exclude(round_question=None).values_list("round_question_id", flat=True))
        logged = set(card.reviews.values_list("reviewed_at", "rating"))
        # Reviews here whose session was deleted: the same review coming back with its session is linked again.
        unlinked = {(when, rating): pk for pk, when, rating in
                    card.reviews.filter(round_question=None).values_list("pk", "reviewed_at", "rating")}
        new = []
        for review in planned.reviews:
            rq_id = None
            if review.at is not None:
                index, round_order, order = review.at
                found = round_questions.get((session_ids[index], round_order, order))
                rq_id = found[0] if found and found[1] == planned.question.pk else None
            key = (review.reviewed_at, review.rating)
            if rq_id is not None and rq_id not in linked and key in unlinked:
                CardReview.objects.filter(pk=unlinked.pop(key)).update(round_question_id=rq_id)
                linked.add(rq_id)
                continue
            if (rq_id in linked) if rq_id is not None else (key in logged):
                continue
            if rq_id is not None:
                linked.add(rq_id)
            logged.add(key)
            new.append(CardReview(card=card, round_question_id=rq_id, rating=review.rating, source=review.source,
                                  reason=review.reason, reviewed_at=review.reviewed_at))
        CardReview.objects.bulk_create(new, batch_size=500)
        added += len(new)
        if changed or new:
            touched.append(card)
    if touched:
        scheduler = scheduler_for(settings_for(user).desired_retention)
        for card in touched:
            card_reschedule(card, scheduler=scheduler)
    return len(touched), added


def _card_merge(card: ReviewCard, planned: PlannedCard) -> bool:
    """The card here takes the document's: suspended if either is, forgotten at the later time, the earlier start."""
    merged = {
        "suspended": card.suspended or planned.suspended,
        "reset_at": max((t for t in (card.reset_at, planned.reset_at) if t is not None), default=None),
        "created_at": min(card.created_at, planned.created_at),
    }
    changed = [name for name, value in merged.items() if getattr(card, name) != value]
    for name in changed:
        setattr(card, name, merged[name])
    if changed:
        card.save(update_fields=changed)
    return bool(changed)
