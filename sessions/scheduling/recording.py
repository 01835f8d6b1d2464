"""A finished round's questions become reviews of the answering user's cards.

`round_reviews_record` is called wherever a round's outcome can change once it is over: when it ends (by
the user or the clock), when a concept is graded or the round assessed afterwards, when a Submit's verdict
arrives late, when the interviewer releases the scorecard. It is idempotent: a round question gives its
card one review at most, rewritten when its rating changes, so the backfill is the same call over every
finished round. Rounds of imported sessions keep the reviews their export carried: they only gain a review
where none exists (sessions imported before exports carried cards).
"""

from __future__ import annotations

from django.db import transaction

from questions.access import is_guest
from sessions.models import CardReview, InterviewSession, ReviewCard, Round, RoundEvent, Scorecard
from sessions.scheduling.ratings import decide
from sessions.scheduling.scheduler import card_reschedule, scheduler_for, settings_for


def answering_user(stage_round: Round):
    """Whose memory the round tested: a solo session's owner, a paired round's candidate."""
    session = stage_round.session
    return session.owner if session.mode == InterviewSession.Mode.SOLO else stage_round.candidate


def round_reviews_record(stage_round: Round) -> int:
    """Write the reviews this finished round's questions earn; returns how many cards were rescheduled."""
    if stage_round.status != Round.Status.FINISHED:
        return 0
    user = answering_user(stage_round)
    if user is None or is_guest(user):
        return 0
    round_questions = list(
        stage_round.questions.select_related("question")
        .prefetch_related("question__rubric_items", "submissions").order_by("order")
    )
    scorecard = Scorecard.objects.filter(round=stage_round).first()  # fresh: a caller may hold the draft
    question_seconds = stage_round.duration_seconds / max(1, len(round_questions))
    imported = stage_round.session.is_imported
    hint_times: dict[int, list] = {}
    for rq_id, when in RoundEvent.objects.filter(round=stage_round, kind=RoundEvent.Kind.REVEAL_HINT).values_list(
            "round_question_id", "created_at"):
        hint_times.setdefault(rq_id, []).append(when)
    decisions = {}
    for rq in round_questions:
        decision = decide(rq, stage_round=stage_round, submissions=list(rq.submissions.all()),
                          scorecard=scorecard, question_seconds=question_seconds, hint_times=hint_times.get(rq.pk, ()))
        if decision is not None:
            decisions[rq] = decision
    if not decisions:
        return 0
    changed = {}
    with transaction.atomic():
        # What is here already, in two queries, however many questions the round holds.
        cards = {card.question_id: card for card in
                 ReviewCard.objects.filter(owner=user, question__in=[rq.question_id for rq in decisions])}
        reviews = {review.round_question_id: review for review in
                   CardReview.objects.filter(card__owner=user, round_question__in=list(decisions))}
        for rq, decision in decisions.items():
            card = cards.get(rq.question_id)
            if card is None:
                card, _ = ReviewCard.objects.get_or_create(
                    owner=user, question=rq.question,
                    defaults={"created_at": decision.reviewed_at, "due": decision.reviewed_at},
                )
                cards[rq.question_id] = card
            values = {"rating": decision.rating, "source": decision.source, "reason": decision.reason,
                      "reviewed_at": decision.reviewed_at}
            review = reviews.get(rq.pk)
            if review is None:
                CardReview.objects.create(card=card, round_question=rq, **values)
            elif imported or all(getattr(review, key) == value for key, value in values.items()):
                continue
            else:
                CardReview.objects.filter(pk=review.pk).update(**values)
            changed[card.pk] = card
        if changed:
            scheduler = scheduler_for(settings_for(user).desired_retention)
            for card in changed.values():
                card_reschedule(card, scheduler=scheduler)
    return len(changed)


def reviews_backfill(*, rounds=None) -> tuple[int, int]:
    """Record every finished round (or those given): (rounds seen, card updates). Running it twice changes nothing."""
    rounds = rounds if rounds is not None else Round.objects.filter(status=Round.Status.FINISHED)
    seen = rescheduled = 0
    for stage_round in rounds.select_related("session__owner", "candidate").order_by("pk").iterator(chunk_size=200):
        seen += 1
        rescheduled += round_reviews_record(stage_round)
    return seen, rescheduled
