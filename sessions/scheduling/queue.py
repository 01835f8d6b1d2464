"""What a user has to review today: due cards within the daily limit, and the new questions that may join them.

"Today" is the local day (settings.TIME_ZONE). A card counts against the day's review limit once it is
reviewed that day and had been reviewed before; a card reviewed for the first time counts against the
new-card limit. So practising a due question in any round counts, not only in a review round.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.utils import timezone

from questions.access import live_candidate_question_ids
from questions.models import Question
from sessions.models import CardReview, ReviewCard, ReviewSettings
from sessions.scheduling.scheduler import settings_for


def day_bounds(now: datetime) -> tuple[datetime, datetime]:
    """Start and end of the local day holding `now`."""
    local = timezone.localtime(now)
    start = timezone.make_aware(datetime.combine(local.date(), time.min), local.tzinfo)
    return start, start + timedelta(days=1)


@dataclass
class DueToday:
    settings: ReviewSettings
    due: list[ReviewCard]  # oldest due first, within what is left of today's review limit
    due_beyond_limit: int  # due today but over the limit: they wait for tomorrow
    new_cards: list[ReviewCard]  # added by the user, never reviewed, within today's new-card limit
    new_questions: list[Question] = field(default_factory=list)  # never practised, filling the rest of that limit
    reviewed_today: int = 0
    introduced_today: int = 0

    @property
    def new_count(self) -> int:
        return len(self.new_cards) + len(self.new_questions)

    @property
    def total(self) -> int:
        return len(self.due) + self.new_count


def _done_today(user, start: datetime) -> tuple[int, int]:
    """(cards reviewed again today, cards reviewed for the first time today)."""
    today = set(CardReview.objects.filter(card__owner=user, reviewed_at__gte=start).values_list("card_id", flat=True))
    if not today:
        return 0, 0
    before = set(CardReview.objects.filter(card_id__in=today, reviewed_at__lt=start).values_list("card_id", flat=True))
    return len(today & before), len(today - before)


def due_today(user, *, now: datetime | None = None, rng: random.Random | None = None) -> DueToday:
    now = now or timezone.now()
    settings = settings_for(user)
    start, end = day_bounds(now)
    reviewed, introduced = _done_today(user, start)
    withheld = live_candidate_question_ids(user)
    cards = (
        ReviewCard.objects.filter(owner=user, suspended=False, question__kind__in=settings.included_kinds)
        .exclude(question_id__in=withheld).select_related("question")
    )
    review_room = max(0, settings.reviews_per_day - reviewed)
    due_cards = cards.filter(reviews_count__gt=0, due__lt=end)
    due = list(due_cards.order_by("due", "id")[:review_room])  # only what today can take; the rest is counted
    beyond = due_cards.count() - len(due) if len(due) == review_room else 0
    new_room = max(0, settings.new_per_day - introduced)
    new_cards = list(cards.filter(reviews_count=0).order_by("created_at", "id")[:new_room])
    new_questions = []
    if len(new_cards) < new_room:
        new_questions = never_practised(user, kinds=settings.included_kinds, withheld=withheld,
                                        count=new_room - len(new_cards), rng=rng or random.Random(f"{user.pk}:{start.date()}"))
    return DueToday(settings=settings, due=due, due_beyond_limit=beyond,
                    new_cards=new_cards, new_questions=new_questions, reviewed_today=reviewed,
                    introduced_today=introduced)


def never_practised(user, *, kinds, withheld: set[int], count: int, rng: random.Random) -> list[Question]:
    """Up to `count` questions the user has no card for, in a mix of kinds (a stable pick for the day)."""
    candidates = list(
        Question.objects.filter(kind__in=kinds, stages__isnull=False).exclude(review_cards__owner=user)
        .exclude(pk__in=withheld).distinct().order_by("pk")
    )
    by_kind: dict[str, list[Question]] = {}
    for question in candidates:
        by_kind.setdefault(question.kind, []).append(question)
    for questions in by_kind.values():
        rng.shuffle(questions)
    picked, kinds_order = [], sorted(by_kind)
    while len(picked) < count and any(by_kind.values()):
        for kind in kinds_order:
            if by_kind[kind] and len(picked) < count:
                picked.append(by_kind[kind].pop())
    return picked
