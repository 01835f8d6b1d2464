"""Content audit of the default pack: corrected facts stay corrected, every stage can fill its rounds,
the seed topics have questions, and every list written in a question renders as a list."""

import re
from html.parser import HTMLParser

import pytest

from interviewprep.markdown import render_markdown
from questions.packs import read_pack
from tests.conftest import DEFAULT_PACK


@pytest.fixture(scope="module")
def pack():
    return read_pack(DEFAULT_PACK)


def question(pack, slug):
    return next(q for q in pack.questions if q.slug == slug)


def flat(text: str) -> str:
    """The text on one line, so a phrase matches however the file wraps it."""
    return " ".join(text.split())


def questions_in(pack, stage_ref: str):
    return [q for q in pack.questions if stage_ref in q.stages]


def bullets(markdown: str) -> list[str]:
    return [flat(item) for item in re.split(r"\n(?=- )", markdown) if item.startswith("- ")]


# ------------------------------------------------------------------ corrected statements


def test_the_conditional_variance_keeps_the_noise_variance(pack):
    answer = flat(question(pack, "dependence-vs-correlation").model_answer)
    # Y = X * eps gives Var(Y | X) = X^2 * sigma_eps^2; plain X^2 holds only when sigma_eps = 1.
    assert r"\operatorname{Var}(Y \mid X) = X^2 \sigma_\varepsilon^2" in answer
    assert r"\operatorname{Var}(Y \mid X) = X^2$" not in answer


def test_monte_carlo_pi_tells_stratified_from_antithetic_sampling(pack):
    mc = question(pack, "monte-carlo-pi")
    items = bullets(mc.model_answer)
    antithetic = [item for item in items if "ntithetic" in item]
    assert antithetic, "the model answer should still discuss antithetic sampling"
    for item in antithetic:
        assert "grid" not in item, item  # a grid of cells is stratification
        assert "1/n$" not in item, item  # pairing U with 1-U keeps the 1/sqrt(n) rate
    assert any("1-U" in item or "(1-x, 1-y)" in item for item in antithetic)
    assert any("tratif" in item and "grid" in item for item in items)
    rubric = flat(" ".join(mc.rubric))
    assert "stratified" in rubric and "antithetic" in rubric


def test_the_vit_versus_cnn_claim_names_the_training_recipe(pack):
    answer = flat(question(pack, "inductive-bias").model_answer)
    assert "CNNs beat ViTs on ImageNet-1k from scratch" not in answer
    assert "DeiT" in answer and "distillation" in answer


def test_mixed_precision_says_16_bit_matmuls_accumulate_in_fp32(pack):
    answer = flat(question(pack, "mixed-precision-vs-quantization").model_answer).replace("*", "")
    assert "accumulated in FP32" in answer


# ------------------------------------------------------------------ stages and their draws


def test_every_stage_has_enough_questions_for_its_draw(pack):
    short = {}
    for loop in pack.loops:
        for stage in loop.stages:
            ref = f"{loop.slug}/{stage.slug}"
            needed = stage.rounds * stage.questions_per_round
            have = len(questions_in(pack, ref))
            if have < needed:
                short[ref] = (have, needed)
    assert short == {}


def test_the_official_technical_management_stage_covers_people_management(pack):
    stage_questions = questions_in(pack, "official/technical-management")
    assert len(stage_questions) >= 12
    assert {q.kind for q in stage_questions} == {"behavioral"}
    tags = {tag for q in stage_questions for tag in q.tags}
    assert {"hiring", "performance", "conflict", "career-growth"} <= tags


def test_every_breadth_screen_design_prompt_has_at_least_seven_constraints(pack):
    designs = [q for q in questions_in(pack, "reported/ml-breadth-screen") if q.kind == "design"]
    assert len(designs) >= 5
    too_few = {q.slug: len(q.constraints) for q in designs if len(q.constraints) < 7}
    assert too_few == {}


@pytest.mark.parametrize(
    "stage_ref, tag",
    [
        ("official/ml-design", "vision-language"),
        ("official/ml-design", "hallucination"),
        ("official/system-design", "memcached"),
    ],
)
def test_each_seed_topic_has_a_design_question(pack, stage_ref, tag):
    found = [q for q in questions_in(pack, stage_ref) if q.kind == "design" and tag in q.tags]
    assert found, f"no design question tagged {tag!r} in {stage_ref}"
    assert all(len(q.constraints) >= 7 for q in found)


# ------------------------------------------------------------------ Markdown lists


class _ListDepths(HTMLParser):
    """Records, for each rendered <li>, how deeply it is nested (0 for a top-level item)."""

    def __init__(self):
        super().__init__()
        self.open_lists = 0
        self.depths: list[int] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("ul", "ol"):
            self.open_lists += 1
        elif tag == "li":
            self.depths.append(self.open_lists - 1)

    def handle_endtag(self, tag):
        if tag in ("ul", "ol"):
            self.open_lists -= 1


def written_depths(markdown: str) -> list[int]:
    """The list items as written: column 0 is depth 0, any indent is depth 1; fenced code is skipped."""
    without_code = re.sub(r"^```.*?^```", "", markdown, flags=re.S | re.M)
    return [0 if not m.group(1) else 1 for m in re.finditer(r"^( *)(?:- |\d+\. )", without_code, re.M)]


def rendered_depths(markdown: str) -> list[int]:
    parser = _ListDepths()
    parser.feed(str(render_markdown(markdown)))
    return parser.depths


def markdown_fields(q):
    yield "prompt", q.prompt
    yield "model answer", q.model_answer
    yield "what a strong answer shows", q.strong_answer
    yield "STAR guidance", q.star_guidance
    for name, items in (("hint", q.hints), ("constraint", q.constraints), ("rubric", q.rubric)):
        for i, item in enumerate(items):
            yield f"{name} {i + 1}", item


@pytest.mark.parametrize("slug", [path.stem for path in sorted((DEFAULT_PACK / "questions").glob("*.md"))])
def test_lists_render_as_lists_at_the_depth_written(pack, slug):
    wrong = {
        field: (written_depths(text), rendered_depths(text))
        for field, text in markdown_fields(question(pack, slug))
        if written_depths(text) != rendered_depths(text)
    }
    assert wrong == {}


def paragraphs_glued_to_a_list(markdown: str) -> list[str]:
    """Column-0 lines that directly follow a list item: Markdown folds them into that item."""
    glued, in_list = [], False
    for line in re.sub(r"^```.*?^```", "", markdown, flags=re.S | re.M).split("\n"):
        if re.match(r" *(?:- |\d+\. )", line):
            in_list = True
        elif not line.strip():
            in_list = False
        elif not line.startswith(" "):
            if in_list:
                glued.append(line)
            in_list = False
    return glued


def test_no_paragraph_is_folded_into_the_list_above_it(pack):
    glued = {
        f"{q.slug}: {field}": lines
        for q in pack.questions
        for field, text in markdown_fields(q)
        if (lines := paragraphs_glued_to_a_list(text))
    }
    assert glued == {}


def test_stage_guidance_lists_render_as_lists(pack):
    for loop in pack.loops:
        for stage in loop.stages:
            for text in (stage.what_to_expect, stage.how_to_prepare):
                assert written_depths(text) == rendered_depths(text), f"{loop.slug}/{stage.slug}"


# ------------------------------------------------------------------ design prompts


@pytest.mark.parametrize("slug, scale", [
    ("nearest-neighbour-search-service", "10 million 3D points, exact answers, 1,000 queries per second"),
    ("short-video-captioning-vlm", "tens of millions of new videos arrive per day"),
    ("text-to-image-search", "under 200 ms at p99, at 20,000 queries per second"),
])
def test_a_design_question_states_its_starting_scale_in_the_prompt(pack, slug, scale):
    # Follow-up constraints arrive one by one during the round; what the candidate starts from does not wait.
    design = question(pack, slug)
    assert scale in flat(design.prompt)
    assert not any(scale in flat(c) for c in design.constraints)


def test_no_follow_up_constraint_is_the_starting_point(pack):
    starts = {q.slug: c for q in pack.questions if q.kind == "design" for c in q.constraints
              if re.match(r"(Start|To start|At the start|Initially|The scale)\b", flat(c))}
    assert starts == {}
