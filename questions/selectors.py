"""Reads of the question bank that views share."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from questions.models import InterviewLoop, Question, Stage


def loops_with_stages() -> QuerySet[InterviewLoop]:
    stages = Stage.objects.order_by("order").annotate(question_count=Count("questions"))
    return InterviewLoop.objects.select_related("pack").prefetch_related(Prefetch("stages", queryset=stages))


@dataclass(frozen=True)
class BankFilters:
    loop: str = ""
    stage: str = ""  # "loop-slug/stage-slug"
    kind: str = ""
    tag: str = ""
    q: str = ""

    @property
    def active(self) -> bool:
        return any((self.loop, self.stage, self.kind, self.tag, self.q))


def question_bank(filters: BankFilters) -> QuerySet[Question]:
    questions = Question.objects.all()
    if filters.loop:
        questions = questions.filter(stages__loop__slug=filters.loop)
    if filters.stage:
        loop_slug, _, stage_slug = filters.stage.partition("/")
        questions = questions.filter(stages__loop__slug=loop_slug, stages__slug=stage_slug)
    if filters.kind:
        questions = questions.filter(kind=filters.kind)
    if filters.tag:
        questions = questions.filter(tags__name=filters.tag)
    if filters.q:
        for word in filters.q.split():
            questions = questions.filter(Q(title__icontains=word) | Q(prompt__icontains=word) | Q(tags__name=word.lower()))
    # The joins above can repeat a question; filter on ids to keep one row each.
    return (
        Question.objects.filter(pk__in=questions.values("pk"))
        .prefetch_related("tags")
        .order_by("kind", "title")
    )


def stage_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Stages grouped by loop, as Django's grouped choices: the select names each loop once (an optgroup)."""
    stages = Stage.objects.select_related("loop").order_by("loop__order", "order")
    groups: dict[str, list[tuple[str, str]]] = {}
    for stage in stages:
        groups.setdefault(stage.loop.name, []).append((stage.ref, stage.title))
    return list(groups.items())


# ---------------------------------------------------------------- the signed-in user's marks in the bank

# What a user has done with each question (solved, attempted, practised) lives in the sessions app, which this
# app must not import: sessions registers the rule when it is ready (`sessions.apps`), as it does the access
# rules in `questions.access`. Without it nobody has marks.
MarksRule = Callable[[object, list[int]], dict[int, str]]


def _no_marks(user, question_ids: list[int]) -> dict[int, str]:
    return {}


_marks_rule: MarksRule = _no_marks


def register_marks_rule(rule: MarksRule) -> None:
    """Install the rule that says, for a user and some question ids, what they did with each: {id: mark}."""
    global _marks_rule
    _marks_rule = rule


def practice_marks(user, questions: Iterable[Question]) -> dict[int, str]:
    """{question id: "solved" | "attempted" | "practised"} for the signed-in `user`; visitors get none."""
    ids = [question.pk for question in questions]
    if not ids or not (user and user.is_authenticated):
        return {}
    return _marks_rule(user, ids)
