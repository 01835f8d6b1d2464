"""The second pack (packs/ml-engineer-general) shows packs are general: it loads beside the default pack with
its solutions judged, exports back to the same content, and its lists render as lists."""

import pytest

from questions.models import InterviewLoop, Pack, Question
from questions.packs import read_pack
from questions.services import pack_export, pack_load, pack_spec_from_db
from tests.conftest import BASE_DIR, DEFAULT_PACK
from tests.questions.test_pack_audit import markdown_fields, paragraphs_glued_to_a_list, rendered_depths, written_depths

SECOND_PACK = BASE_DIR / "packs" / "ml-engineer-general"


@pytest.fixture(scope="module")
def second():
    return read_pack(SECOND_PACK)


@pytest.mark.django_db
def test_it_loads_beside_the_default_pack_with_its_solutions_judged(tmp_path):
    pack_load(path=DEFAULT_PACK, verify_reference=False)
    report = pack_load(path=SECOND_PACK, verify_reference=True)
    assert report.unverified == [] and len(report.created) == 8
    assert set(Pack.objects.values_list("slug", flat=True)) == {"deepmind-applied", "ml-engineer-general"}
    assert InterviewLoop.objects.get(pack__slug="ml-engineer-general", slug="mle-loop").stages.count() == 4
    assert Question.objects.filter(pack__slug="ml-engineer-general", kind="coding").count() == 2
    pack_export(slug="ml-engineer-general", folder=tmp_path / "out")
    assert pack_spec_from_db(slug="ml-engineer-general") == read_pack(tmp_path / "out")


def test_every_stage_has_enough_questions_for_its_draw(second):
    for loop in second.loops:
        for stage in loop.stages:
            ref = f"{loop.slug}/{stage.slug}"
            held = sum(ref in q.stages for q in second.questions)
            assert held >= stage.rounds * stage.questions_per_round, ref


def test_its_coding_questions_have_a_second_language_and_wrong_solutions(second):
    for q in (q for q in second.questions if q.kind == "coding"):
        assert q.other_references and len(q.wrong_solutions) >= 3, q.slug


def test_its_lists_render_as_lists(second):
    for q in second.questions:
        for field, text in markdown_fields(q):
            assert written_depths(text) == rendered_depths(text), (q.slug, field)
            assert paragraphs_glued_to_a_list(text) == [], (q.slug, field)
