"""Reads of the question bank that views share."""

from __future__ import annotations

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


def stage_choices() -> list[tuple[str, str]]:
    stages = Stage.objects.select_related("loop").order_by("loop__order", "order")
    return [(stage.ref, f"{stage.loop.name} · {stage.title}") for stage in stages]
