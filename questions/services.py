"""Writes to the question bank: loading packs into the database and exporting them back."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction

from questions.models import (
    FollowUpConstraint,
    Hint,
    InterviewLoop,
    Pack,
    Question,
    RubricItem,
    Stage,
    StageRubricItem,
    StarterCode,
    Tag,
    TestCase,
)
from questions.packs import LoopSpec, PackError, PackSpec, QuestionSpec, StageSpec, TestSpec, read_pack, write_pack
from questions.reference import ReferenceCheck, verify_solutions
from questions.other_references import other_references_data, other_references_from_data
from questions.wrong_solutions import wrong_solutions_data, wrong_solutions_from_data

logger = logging.getLogger(__name__)


@dataclass
class LoadReport:
    pack: Pack
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unverified: list[str] = field(default_factory=list)  # reference solutions the sandbox could not run

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.removed)


def pack_load(
    *,
    path: Path | str,
    verify_reference: bool | None = None,
    verifier: Callable[[QuestionSpec], ReferenceCheck] = verify_solutions,
) -> LoadReport:
    """Load (or reload) a pack folder. All or nothing: a broken file leaves the database untouched.

    Questions whose content is unchanged are skipped, so loading twice changes nothing.
    Reference solutions of new or changed coding questions are judged in the sandbox
    against their own tests, and so are their wrong solutions; a reference that fails,
    or a wrong solution that passes, rejects the pack.
    """
    spec = read_pack(path)
    if verify_reference is None:
        verify_reference = settings.PACK_VERIFY_REFERENCE
    existing = {q.slug: q for q in Question.objects.filter(slug__in=[q.slug for q in spec.questions])}
    for question in spec.questions:
        owner = existing.get(question.slug)
        if owner is not None and owner.pack.slug != spec.slug:
            raise PackError(f"questions/{question.slug}.md", "slug", f"is already used by pack {owner.pack.slug!r}")

    digests = {question.slug: question.digest() for question in spec.questions}
    to_write = [q for q in spec.questions if q.slug not in existing or existing[q.slug].source_digest != digests[q.slug]]
    unverified: list[str] = []
    if verify_reference:
        # Judged before the transaction opens: sandbox runs are slow and need no lock.
        for question in to_write:
            if question.kind != "coding":
                continue
            check = verifier(question)
            if check.ran and not check.passed:
                raise PackError(f"questions/{question.slug}.md", check.field, check.message)
            if not check.ran:
                unverified.append(question.slug)
                logger.warning("reference solution of %s not verified: %s", question.slug, check.message)

    with transaction.atomic():
        pack, _ = Pack.objects.update_or_create(
            slug=spec.slug, defaults={"name": spec.name, "description": spec.description}
        )
        stages = _sync_loops(pack, spec.loops)
        report = LoadReport(pack=pack, unverified=unverified)
        for question in spec.questions:
            row = existing.get(question.slug)
            if row is not None and row.source_digest == digests[question.slug]:
                report.unchanged.append(question.slug)
                continue
            _write_question(pack, question, digests[question.slug], stages, row)
            (report.updated if row else report.created).append(question.slug)
        stale = pack.questions.exclude(slug__in=digests.keys())
        report.removed = sorted(stale.values_list("slug", flat=True))
        stale.delete()
    return report


def _sync_loops(pack: Pack, loops: list[LoopSpec]) -> dict[str, Stage]:
    """Make the pack's loops and stages match the spec, keeping rows (and their ids) that still exist."""
    stages_by_ref: dict[str, Stage] = {}
    loop_slugs = [loop.slug for loop in loops]
    pack.loops.exclude(slug__in=loop_slugs).delete()
    for loop_order, loop_spec in enumerate(loops):
        loop, _ = InterviewLoop.objects.update_or_create(
            pack=pack,
            slug=loop_spec.slug,
            defaults={
                "name": loop_spec.name,
                "company": loop_spec.company,
                "description": loop_spec.description,
                "order": loop_order,
            },
        )
        loop.stages.exclude(slug__in=[stage.slug for stage in loop_spec.stages]).delete()
        for stage_order, stage_spec in enumerate(loop_spec.stages):
            stage, _ = Stage.objects.update_or_create(
                loop=loop,
                slug=stage_spec.slug,
                defaults={
                    "order": stage_order,
                    "kind": stage_spec.kind,
                    "title": stage_spec.title,
                    "duration_minutes": stage_spec.duration_minutes,
                    "rounds": stage_spec.rounds,
                    "questions_per_round": stage_spec.questions_per_round,
                    "what_to_expect": stage_spec.what_to_expect,
                    "how_to_prepare": stage_spec.how_to_prepare,
                },
            )
            current = list(stage.rubric_items.values_list("text", flat=True))
            if current != stage_spec.rubric:
                stage.rubric_items.all().delete()
                StageRubricItem.objects.bulk_create(
                    StageRubricItem(stage=stage, order=i, text=text) for i, text in enumerate(stage_spec.rubric)
                )
            stages_by_ref[f"{loop.slug}/{stage.slug}"] = stage
    return stages_by_ref


def _write_question(
    pack: Pack, spec: QuestionSpec, digest: str, stages: dict[str, Stage], row: Question | None
) -> Question:
    fields = {
        "pack": pack,
        "kind": spec.kind,
        "title": spec.title,
        "difficulty": spec.difficulty,
        "origin": spec.origin,
        "prompt": spec.prompt,
        "model_answer": spec.model_answer,
        "reference_diagram": spec.reference_diagram,
        "strong_answer": spec.strong_answer,
        "star_guidance": spec.star_guidance,
        "mode": spec.mode,
        "entry_point": spec.entry_point,
        "checker": spec.checker,
        "float_tolerance": spec.float_tolerance,
        "time_limit_s": spec.time_limit_s,
        "memory_limit_mb": spec.memory_limit_mb,
        "reference_language": spec.reference_language,
        "reference_solution": spec.reference_source,
        "other_references": other_references_data(spec.other_references),
        "wrong_solutions": wrong_solutions_data(spec.wrong_solutions),
        "source_digest": digest,
    }
    if row is None:
        row = Question.objects.create(slug=spec.slug, **fields)
    else:
        for name, value in fields.items():
            setattr(row, name, value)
        row.save()
        # Child rows are replaced wholesale: they have no identity of their own that
        # anything else points at.
        for related in (row.hints, row.constraints, row.rubric_items, row.starters, row.tests):
            related.all().delete()
    row.stages.set([stages[ref] for ref in spec.stages])
    row.tags.set([Tag.objects.get_or_create(name=name)[0] for name in spec.tags])
    Hint.objects.bulk_create(Hint(question=row, order=i, text=t) for i, t in enumerate(spec.hints))
    FollowUpConstraint.objects.bulk_create(
        FollowUpConstraint(question=row, order=i, text=t) for i, t in enumerate(spec.constraints)
    )
    RubricItem.objects.bulk_create(RubricItem(question=row, order=i, text=t) for i, t in enumerate(spec.rubric))
    StarterCode.objects.bulk_create(
        StarterCode(question=row, language=lang, code=code) for lang, code in spec.starters.items()
    )
    TestCase.objects.bulk_create(
        TestCase(question=row, order=i, input=t.input, expected=t.expected, hidden=t.hidden)
        for i, t in enumerate(spec.tests)
    )
    return row


def pack_spec_from_db(*, slug: str) -> PackSpec:
    """Rebuild the spec of a loaded pack from the database (the inverse of pack_load)."""
    pack = Pack.objects.get(slug=slug)
    spec = PackSpec(slug=pack.slug, name=pack.name, description=pack.description)
    loops = pack.loops.order_by("order").prefetch_related("stages__rubric_items")
    for loop in loops:
        loop_spec = LoopSpec(slug=loop.slug, name=loop.name, company=loop.company, description=loop.description)
        for stage in loop.stages.all():
            loop_spec.stages.append(
                StageSpec(
                    slug=stage.slug,
                    kind=stage.kind,
                    title=stage.title,
                    duration_minutes=stage.duration_minutes,
                    rounds=stage.rounds,
                    questions_per_round=stage.questions_per_round,
                    what_to_expect=stage.what_to_expect,
                    how_to_prepare=stage.how_to_prepare,
                    rubric=[item.text for item in stage.rubric_items.all()],
                )
            )
        spec.loops.append(loop_spec)
    questions = pack.questions.order_by("slug").prefetch_related(
        "tags", "stages__loop", "hints", "constraints", "rubric_items", "starters", "tests"
    )
    for q in questions:
        stage_refs = sorted(q.stages.all(), key=lambda s: (s.loop.order, s.order))
        spec.questions.append(
            QuestionSpec(
                slug=q.slug,
                kind=q.kind,
                title=q.title,
                stages=[stage.ref for stage in stage_refs],
                prompt=q.prompt,
                difficulty=q.difficulty,
                tags=sorted(tag.name for tag in q.tags.all()),
                model_answer=q.model_answer,
                reference_diagram=q.reference_diagram,
                hints=[h.text for h in q.hints.all()],
                constraints=[c.text for c in q.constraints.all()],
                rubric=[r.text for r in q.rubric_items.all()],
                strong_answer=q.strong_answer,
                star_guidance=q.star_guidance,
                mode=q.mode if q.kind == "coding" else "stdio",
                entry_point=q.entry_point,
                checker=q.checker if q.kind == "coding" else "exact",
                float_tolerance=q.float_tolerance,
                time_limit_s=q.time_limit_s,
                memory_limit_mb=q.memory_limit_mb,
                starters={s.language: s.code for s in sorted(q.starters.all(), key=lambda s: s.language)},
                tests=[TestSpec(input=t.input, expected=t.expected, hidden=t.hidden) for t in q.tests.all()],
                reference_language=q.reference_language,
                reference_source=q.reference_solution,
                other_references=other_references_from_data(q.other_references),
                wrong_solutions=wrong_solutions_from_data(q.wrong_solutions),
                origin=q.origin,
            )
        )
    return spec


def pack_export(*, slug: str, folder: Path | str) -> PackSpec:
    """Write a loaded pack out as a folder that load_pack reads back to the same content."""
    spec = pack_spec_from_db(slug=slug)
    write_pack(spec, folder)
    return spec
