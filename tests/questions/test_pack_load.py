"""pack_load / pack_export: idempotent loads, updates, all-or-nothing, and round trips."""

import shutil
from collections import Counter

import pytest
from django.core.management import call_command

from questions.models import InterviewLoop, Pack, Question, Stage, TestCase
from questions.packs import PackError
from questions.services import pack_export, pack_load, pack_spec_from_db
from tests.conftest import DEFAULT_PACK, MINI_PACK


@pytest.fixture
def pack_copy(tmp_path):
    folder = tmp_path / "mini"
    shutil.copytree(MINI_PACK, folder)
    return folder


def snapshot():
    """Everything a load writes, as plain data, to compare databases."""
    return pack_spec_from_db(slug="mini")


@pytest.mark.django_db
def test_it_loads_every_part_of_the_pack():
    report = pack_load(path=MINI_PACK, verify_reference=False)
    assert sorted(report.created) == ["bayes", "design-feed", "sum-two", "why-us"]
    loop = InterviewLoop.objects.get(slug="alpha")
    assert loop.company == "Example Co"
    screen, chat = loop.stages.all()
    assert (screen.kind, screen.duration_minutes, screen.questions_per_round) == ("coding", 45, 2)
    assert (chat.rounds, chat.total_minutes) == (2, 60)
    assert list(screen.rubric_items.values_list("text", flat=True)) == ["Tests the code"]
    coding = Question.objects.get(slug="sum-two")
    assert coding.checker == "whitespace"
    assert list(coding.tests.values_list("hidden", flat=True)) == [False, True]
    assert list(coding.hints.values_list("text", flat=True))[0] == "Split the line."
    assert coding.starters.get(language="python").code.startswith("a, b")
    assert list(coding.stages.all()) == [screen]
    assert Question.objects.get(slug="design-feed").constraints.count() == 2


@pytest.mark.django_db
def test_loading_twice_changes_nothing():
    pack_load(path=MINI_PACK, verify_reference=False)
    before = snapshot()
    ids = dict(Question.objects.values_list("slug", "id"))
    test_ids = list(TestCase.objects.values_list("id", flat=True))
    report = pack_load(path=MINI_PACK, verify_reference=False)
    assert report.created == report.updated == report.removed == []
    assert len(report.unchanged) == 4
    assert snapshot() == before
    assert dict(Question.objects.values_list("slug", "id")) == ids
    assert list(TestCase.objects.values_list("id", flat=True)) == test_ids


@pytest.mark.django_db
def test_a_changed_file_updates_its_question_only(pack_copy):
    pack_load(path=pack_copy, verify_reference=False)
    path = pack_copy / "questions" / "bayes.md"
    path.write_text(path.read_text().replace("State Bayes' theorem.", "State and explain Bayes' theorem."))
    report = pack_load(path=pack_copy, verify_reference=False)
    assert report.updated == ["bayes"]
    assert Question.objects.get(slug="bayes").prompt == "State and explain Bayes' theorem."
    assert Question.objects.get(slug="bayes").rubric_items.count() == 2


@pytest.mark.django_db
def test_a_removed_file_removes_its_question(pack_copy):
    pack_load(path=pack_copy, verify_reference=False)
    (pack_copy / "questions" / "why-us.md").unlink()
    report = pack_load(path=pack_copy, verify_reference=False)
    assert report.removed == ["why-us"]
    assert not Question.objects.filter(slug="why-us").exists()


@pytest.mark.django_db
def test_a_broken_file_leaves_the_database_untouched(pack_copy):
    pack_load(path=pack_copy, verify_reference=False)
    before = snapshot()
    (pack_copy / "pack.yaml").write_text((pack_copy / "pack.yaml").read_text().replace("Alpha loop", "Renamed loop"))
    (pack_copy / "questions" / "bayes.md").write_text("---\nkind: concept\ntitle: Broken\nstages: [alpha/screen]\n---\nNo answer")
    with pytest.raises(PackError) as caught:
        pack_load(path=pack_copy, verify_reference=False)
    assert "bayes.md" in str(caught.value) and "Model answer" in str(caught.value)
    assert snapshot() == before
    assert InterviewLoop.objects.get(slug="alpha").name == "Alpha loop"


@pytest.mark.django_db
def test_a_broken_first_load_writes_nothing(pack_copy):
    (pack_copy / "questions" / "why-us.md").write_text("---\nkind: behavioral\ntitle: x\nstages: [nope/none]\n---\nx")
    with pytest.raises(PackError):
        pack_load(path=pack_copy, verify_reference=False)
    assert not Pack.objects.exists() and not Question.objects.exists() and not Stage.objects.exists()


@pytest.mark.django_db
def test_export_then_load_into_an_empty_database_reproduces_the_pack(tmp_path, django_db_blocker):
    pack_load(path=MINI_PACK, verify_reference=False)
    original = snapshot()
    pack_export(slug="mini", folder=tmp_path / "exported")
    Pack.objects.all().delete()
    assert not Question.objects.exists()
    pack_load(path=tmp_path / "exported", verify_reference=False)
    assert snapshot() == original


@pytest.mark.django_db
def test_the_commands_load_and_export(tmp_path, capsys):
    call_command("load_pack", str(MINI_PACK), "--no-verify")
    assert "4 created" in capsys.readouterr().out
    call_command("load_pack", str(MINI_PACK), "--no-verify")
    assert "4 unchanged" in capsys.readouterr().out
    call_command("export_pack", "mini", str(tmp_path / "out"))
    out = capsys.readouterr().out
    assert "1 loops, 2 stages, 4 questions (1 concept, 1 coding, 1 design, 1 behavioral)" in out
    assert (tmp_path / "out" / "questions" / "sum-two.md").is_file()


@pytest.mark.django_db
def test_the_commands_report_errors_without_a_traceback(tmp_path):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="pack not loaded: .*pack.yaml: is missing"):
        call_command("load_pack", str(tmp_path))
    with pytest.raises(CommandError, match="no pack 'nope'"):
        call_command("export_pack", "nope", str(tmp_path / "x"))


@pytest.mark.django_db
def test_a_slug_owned_by_another_pack_is_refused(pack_copy):
    pack_load(path=MINI_PACK, verify_reference=False)
    manifest = pack_copy / "pack.yaml"
    manifest.write_text(manifest.read_text().replace("slug: mini", "slug: other"))
    with pytest.raises(PackError, match="already used by pack 'mini'"):
        pack_load(path=pack_copy, verify_reference=False)


@pytest.mark.django_db
def test_the_default_pack_has_what_the_loop_needs(tmp_path):
    report = pack_load(path=DEFAULT_PACK, verify_reference=False)
    pack = report.pack
    kinds = Counter(pack.questions.values_list("kind", flat=True))
    assert kinds["concept"] >= 24
    assert kinds["coding"] >= 6
    assert kinds["design"] >= 3
    assert kinds["behavioral"] >= 8
    loops = {loop.slug: loop for loop in pack.loops.all()}
    assert len(loops) == 2
    official = [(s.kind, s.duration_minutes, s.rounds) for s in loops["official"].stages.all()]
    assert ("coding", 45, 1) in official
    assert ("ml_design", 60, 1) in official
    assert ("system_design", 60, 1) in official
    assert ("technical_management", 60, 3) in official
    assert ("behavioral", 30, 1) in official
    for design in pack.questions.filter(kind="design"):
        assert design.constraints.count() >= 4, design.slug
    for coding in pack.questions.filter(kind="coding"):
        assert coding.tests.filter(hidden=False).exists() and coding.tests.filter(hidden=True).exists()
    spec = pack_export(slug=pack.slug, folder=tmp_path / "out")
    assert len(spec.questions) == sum(kinds.values())


@pytest.mark.django_db
def test_a_reference_solution_that_fails_its_tests_rejects_the_pack(pack_copy):
    path = pack_copy / "questions" / "sum-two.md"
    path.write_text(path.read_text().replace("  source: |\n    a, b = map(int, input().split())\n    print(a + b)",
                                             "  source: |\n    a, b = map(int, input().split())\n    print(a - b)"))
    with pytest.raises(PackError) as caught:
        pack_load(path=pack_copy, verify_reference=True)
    assert caught.value.file == "questions/sum-two.md" and caught.value.field == "reference"
    assert "does not pass its own tests (verdict WA on test" in str(caught.value)
    assert not Pack.objects.exists()


@pytest.mark.django_db
def test_a_passing_reference_solution_is_judged_and_loaded():
    report = pack_load(path=MINI_PACK, verify_reference=True)
    assert "sum-two" in report.created and report.unverified == []
