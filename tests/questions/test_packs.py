"""The pack file parser: every kind of broken file is rejected naming the file and the field."""

import shutil
from pathlib import Path

import pytest

from questions.packs import PackError, parse_question_text, read_pack, render_question, split_list, write_pack
from tests.conftest import MINI_PACK

REFS = {"alpha/screen", "alpha/chat"}


def parse(text: str):
    return parse_question_text(text, file="questions/x.md", default_slug="x", stage_refs=REFS)


def test_it_reads_the_mini_pack():
    spec = read_pack(MINI_PACK)
    assert spec.slug == "mini"
    assert [stage.slug for stage in spec.loops[0].stages] == ["screen", "chat"]
    assert spec.loops[0].stages[1].rounds == 2
    by_slug = {q.slug: q for q in spec.questions}
    assert set(by_slug) == {"sum-two", "bayes", "design-feed", "why-us"}
    coding = by_slug["sum-two"]
    assert coding.hints == ["Split the line.", "Convert with `int`.\nThen add."]
    assert [t.hidden for t in coding.tests] == [False, True]
    assert coding.tags == ["arithmetic", "warmup"]
    assert by_slug["design-feed"].constraints == ["Now with 100 million users.", "Now it must work offline."]
    assert by_slug["bayes"].rubric == ["Names the prior", "Names the likelihood"]


def test_it_round_trips_a_question_through_render():
    spec = read_pack(MINI_PACK)
    for question in spec.questions:
        again = parse_question_text(render_question(question), file="x.md", default_slug=question.slug, stage_refs=REFS)
        assert again == question


def test_it_round_trips_a_folder(tmp_path):
    spec = read_pack(MINI_PACK)
    write_pack(spec, tmp_path / "out")
    assert read_pack(tmp_path / "out") == spec


@pytest.mark.parametrize(
    "text, field",
    [
        ("no front matter", "front matter"),
        ("---\nkind: concept\n", "front matter"),
        ("---\nkind: [unclosed\n---\nx", "front matter"),
        ("---\n- a list\n---\nx", "front matter"),
        ("---\nkind: riddle\ntitle: T\nstages: [alpha/screen]\n---\nx", "kind"),
        ("---\nkind: concept\nstages: [alpha/screen]\n---\nx\n## Model answer\ny", "title"),
        ("---\nkind: concept\ntitle: T\nstages: []\n---\nx\n## Model answer\ny", "stages"),
        ("---\nkind: concept\ntitle: T\nstages: [beta/none]\n---\nx\n## Model answer\ny", "stages"),
        ("---\nkind: concept\ntitle: T\nstages: [alpha/screen]\ndifficulty: brutal\n---\nx\n## Model answer\ny", "difficulty"),
        ("---\nkind: concept\ntitle: T\nstages: [alpha/screen]\ntags: [Bad Tag]\n---\nx\n## Model answer\ny", "tags"),
        ("---\nkind: concept\ntitle: T\nstages: [alpha/screen]\ncolour: red\n---\nx\n## Model answer\ny", "colour"),
        ("---\nkind: concept\ntitle: T\nstages: [alpha/screen]\n---\nx", "## Model answer"),
        ("---\nkind: concept\ntitle: T\nstages: [alpha/screen]\n---\n## Model answer\ny", "prompt"),
        ("---\nkind: concept\ntitle: T\nstages: [alpha/screen]\n---\nx\n## Model answr\ny", "## Model answr"),
        ("---\nkind: concept\ntitle: T\nstages: [alpha/screen]\n---\nx\n## Model answer\ny\n## Hints\nnot a list", "hints"),
        ("---\nkind: design\ntitle: T\nstages: [alpha/screen]\n---\nx", "## Follow-up constraints"),
        ("---\nkind: behavioral\ntitle: T\nstages: [alpha/chat]\n---\nx", "## What a strong answer shows"),
        ("---\nkind: concept\ntitle: T\nstages: [alpha/screen]\nmode: stdio\n---\nx\n## Model answer\ny", "mode"),
    ],
)
def test_it_rejects_broken_questions_naming_the_field(text, field):
    with pytest.raises(PackError) as caught:
        parse(text)
    assert caught.value.field == field
    assert caught.value.file == "questions/x.md"
    assert str(caught.value).startswith("questions/x.md: ")


CODING_HEAD = "---\nkind: coding\ntitle: T\nstages: [alpha/screen]\n"
GOOD_CODING = {
    "starter": "starter:\n  python: 'print(1)'\n",
    "tests": "tests:\n  - {input: '', expected: '1', hidden: false}\n  - {input: '', expected: '1', hidden: true}\n",
    "reference": "reference:\n  language: python\n  source: 'print(1)'\n",
}


def coding(**overrides) -> str:
    parts = {**GOOD_CODING, **overrides}
    return CODING_HEAD + "".join(parts.values()) + "---\nPrint one.\n"


def test_it_accepts_a_minimal_coding_question():
    question = parse(coding())
    assert question.reference_source == "print(1)"


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"starter": ""}, "starter"),
        ({"starter": "starter:\n  cobol: 'x'\n"}, "starter.cobol"),
        ({"starter": "starter:\n  javascript: 'x'\n"}, "starter.python"),
        ({"tests": ""}, "tests"),
        ({"tests": "tests:\n  - {input: '', expected: '1', hidden: true}\n"}, "tests"),
        ({"tests": "tests:\n  - {input: '', expected: '1', hidden: false}\n"}, "tests"),
        ({"tests": "tests:\n  - {input: '', hidden: false}\n  - {input: '', expected: '1', hidden: true}\n"}, "tests[0].expected"),
        ({"tests": "tests:\n  - {input: '', expected: '1', hidden: maybe}\n"}, "tests[0].hidden"),
        ({"tests": "tests:\n  - [1, 2]\n"}, "tests[0]"),
        ({"reference": ""}, "reference"),
        ({"reference": "reference:\n  language: python\n"}, "reference.source"),
        ({"reference": "reference:\n  language: rust\n  source: x\n"}, "reference.language"),
        ({"extra": "checker: fuzzy\n"}, "checker"),
        ({"extra": "time_limit_s: -1\n"}, "time_limit_s"),
        ({"extra": "memory_limit_mb: lots\n"}, "memory_limit_mb"),
        ({"extra": "mode: function\n"}, "entry_point"),
        ({"extra": "entry_point: solve\n"}, "entry_point"),
    ],
)
def test_it_rejects_broken_coding_questions(overrides, field):
    with pytest.raises(PackError) as caught:
        parse(coding(**overrides))
    assert caught.value.field == field


def test_it_checks_function_mode_arguments_are_json():
    bad = coding(
        extra="mode: function\nentry_point: solve\n",
        tests="tests:\n  - {input: 'not json', expected: '1', hidden: false}\n  - {input: '[1]', expected: '1', hidden: true}\n",
    )
    with pytest.raises(PackError) as caught:
        parse(bad)
    assert caught.value.field == "tests[0].input"


def test_it_ignores_headings_inside_code_fences():
    question = parse(
        "---\nkind: concept\ntitle: T\nstages: [alpha/screen]\n---\nPrompt\n```md\n## Not a section\n```\n## Model answer\nA"
    )
    assert "## Not a section" in question.prompt


@pytest.mark.parametrize(
    "manifest, field",
    [
        ("slug: Bad Slug\nname: x\nloops: []\n", "slug"),
        ("slug: ok\nloops: []\n", "name"),
        ("slug: ok\nname: x\nloops: []\n", "loops"),
        ("slug: ok\nname: x\nloops:\n  - {slug: a, name: A}\n", "loops[0].stages"),
        ("slug: ok\nname: x\nloops:\n  - {slug: a, name: A, stages: [{slug: s, kind: quiz, title: S, duration_minutes: 5}]}\n",
         "loops[0].stages[0].kind"),
        ("slug: ok\nname: x\nloops:\n  - {slug: a, name: A, stages: [{slug: s, kind: coding, title: S, duration_minutes: 0}]}\n",
         "loops[0].stages[0].duration_minutes"),
        ("slug: ok\nname: x\nloops:\n  - {slug: a, name: A, stages: [{slug: s, kind: coding, title: S, duration_minutes: 5, rounds: two}]}\n",
         "loops[0].stages[0].rounds"),
        ("slug: ok\nname: x\nloops:\n  - {slug: a, name: A, stages: [{slug: s, kind: coding, title: S, duration_minutes: 5}, {slug: s, kind: coding, title: T, duration_minutes: 5}]}\n",
         "loops[0].stages[1].slug"),
    ],
)
def test_it_rejects_broken_manifests(tmp_path, manifest, field):
    (tmp_path / "pack.yaml").write_text(manifest)
    with pytest.raises(PackError) as caught:
        read_pack(tmp_path)
    assert caught.value.field == field
    assert caught.value.file.endswith("pack.yaml")


def test_it_rejects_a_folder_without_a_manifest(tmp_path):
    with pytest.raises(PackError) as caught:
        read_pack(tmp_path)
    assert caught.value.field == "pack.yaml"


def test_it_rejects_two_questions_with_one_slug(tmp_path):
    shutil.copytree(MINI_PACK, tmp_path / "pack")
    text = (tmp_path / "pack" / "questions" / "bayes.md").read_text()
    (tmp_path / "pack" / "questions" / "bayes-copy.md").write_text(text.replace("kind: concept", "kind: concept\nslug: bayes"))
    with pytest.raises(PackError) as caught:
        read_pack(tmp_path / "pack")
    assert caught.value.field == "slug"


def test_it_rejects_files_that_are_not_utf8(tmp_path):
    shutil.copytree(MINI_PACK, tmp_path / "pack")
    Path(tmp_path / "pack" / "questions" / "latin.md").write_bytes(b"---\nkind: concept\ntitle: caf\xe9\n---\n")
    with pytest.raises(PackError) as caught:
        read_pack(tmp_path / "pack")
    assert caught.value.file.endswith("latin.md")


def test_split_list_keeps_nested_content():
    assert split_list("1. one\n   more\n2. two\n\n   - nested") == ["one\nmore", "two\n\n- nested"]
    assert split_list("not a list") == []


def test_an_unquoted_colon_in_a_list_item_gets_a_hint(tmp_path):
    (tmp_path / "pack.yaml").write_text(
        "slug: ok\nname: x\nloops:\n  - slug: a\n    name: A\n    stages:\n"
        "      - {slug: s, kind: coding, title: S, duration_minutes: 5, rubric: [Frames it: first]}\n"
    )
    with pytest.raises(PackError) as caught:
        read_pack(tmp_path)
    assert caught.value.field == "loops[0].stages[0].rubric[0]"
    assert "quotes" in str(caught.value)
