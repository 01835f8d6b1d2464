"""Reading and writing question-pack folders (the format is in packs/FORMAT.md).

This module knows files, not the database: `read_pack` turns a folder into a
validated `PackSpec` or raises `PackError` naming the file and the field;
`write_pack` does the reverse. `questions.services` moves specs in and out of
the database.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from questions.pack_fields import PackError, check_keys, field_choice, field_text
# A reference diagram is checked by the whiteboard's own rules (that module needs no models and no app registry).
from questions.scenes import SceneInvalid, scene_clean, scene_json
from questions.other_references import OtherReferenceSpec, other_references_data, parse_other_references
from questions.wrong_solutions import WrongSolutionSpec, parse_wrong_solutions, wrong_solutions_data

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
STAGE_KINDS = (
    "recruiter",
    "coding",
    "ml_knowledge",
    "ml_design",
    "system_design",
    "technical_management",
    "behavioral",
)
QUESTION_KINDS = ("concept", "coding", "design", "behavioral")
DIFFICULTIES = ("easy", "medium", "hard")
LANGUAGES = ("python", "javascript", "cpp", "java")
FUNCTION_LANGUAGES = ("python", "javascript")
CHECKERS = ("exact", "whitespace", "float", "unordered")
MODES = ("stdio", "function")

# Body headings, in the order they are written back out, and the spec field each fills.
SECTIONS = {
    "Model answer": "model_answer",
    "Hints": "hints",
    "Follow-up constraints": "constraints",
    "Rubric": "rubric",
    "What a strong answer shows": "strong_answer",
    "STAR guidance": "star_guidance",
    "Reference diagram": "reference_diagram",
}
LIST_SECTIONS = {"hints", "constraints", "rubric"}


@dataclass
class StageSpec:
    slug: str
    kind: str
    title: str
    duration_minutes: int
    rounds: int = 1
    questions_per_round: int = 1
    what_to_expect: str = ""
    how_to_prepare: str = ""
    rubric: list[str] = field(default_factory=list)


@dataclass
class LoopSpec:
    slug: str
    name: str
    company: str = ""
    description: str = ""
    stages: list[StageSpec] = field(default_factory=list)


@dataclass
class TestSpec:
    __test__ = False  # not a pytest test class

    input: str
    expected: str
    hidden: bool = False


@dataclass
class QuestionSpec:
    slug: str
    kind: str
    title: str
    stages: list[str]
    prompt: str
    difficulty: str = "medium"
    tags: list[str] = field(default_factory=list)
    model_answer: str = ""
    hints: list[str] = field(default_factory=list)
    constraints: list[str] = field(default_factory=list)
    rubric: list[str] = field(default_factory=list)
    strong_answer: str = ""
    star_guidance: str = ""
    mode: str = "stdio"
    entry_point: str = ""
    checker: str = "exact"
    float_tolerance: float = 1e-6
    time_limit_s: float = 2.0
    memory_limit_mb: int = 256
    starters: dict[str, str] = field(default_factory=dict)
    tests: list[TestSpec] = field(default_factory=list)
    reference_language: str = ""
    reference_source: str = ""
    wrong_solutions: list[WrongSolutionSpec] = field(default_factory=list)
    other_references: list[OtherReferenceSpec] = field(default_factory=list)
    origin: str = "general"  # "notes": asked in the loop the source notes describe; "general": general practice
    reference_diagram: str = ""  # design only: a whiteboard scene, as compact JSON (see _reference_diagram)

    def digest(self) -> str:
        """A fingerprint of the content, so reloading an unchanged file changes nothing."""
        canonical = json.dumps(asdict(self), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass
class PackSpec:
    slug: str
    name: str
    description: str = ""
    loops: list[LoopSpec] = field(default_factory=list)
    questions: list[QuestionSpec] = field(default_factory=list)

    def stage_refs(self) -> set[str]:
        return {f"{loop.slug}/{stage.slug}" for loop in self.loops for stage in loop.stages}


# ---------------------------------------------------------------- reading


def read_manifest(folder: Path) -> PackSpec:
    """The pack's pack.yaml alone (loops and stages, no questions)."""
    manifest = folder / "pack.yaml"
    if not manifest.is_file():
        raise PackError(str(folder), "pack.yaml", "is missing")
    return _parse_manifest(manifest)


def read_pack(folder: Path | str) -> PackSpec:
    """Parse and validate a whole pack folder; raises PackError on the first problem."""
    folder = Path(folder)
    if not folder.is_dir():
        raise PackError(str(folder), "path", "is not a folder")
    spec = read_manifest(folder)
    question_dir = folder / "questions"
    files = sorted(question_dir.glob("*.md")) if question_dir.is_dir() else []
    refs = spec.stage_refs()
    seen: dict[str, str] = {}
    for path in files:
        question = parse_question_file(path, stage_refs=refs)
        if question.slug in seen:
            raise PackError(_rel(path), "slug", f"{question.slug!r} is also used by {seen[question.slug]}")
        seen[question.slug] = _rel(path)
        spec.questions.append(question)
    return spec


def _rel(path: Path) -> str:
    # Name files as "pack/questions/x.md" so messages stay short and machine-independent.
    parts = path.parts
    return "/".join(parts[-3:]) if len(parts) >= 3 else str(path)


def _load_yaml(text: str, file: str, what: str) -> dict:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        raise PackError(file, what, f"is not valid YAML{where}: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, dict):
        raise PackError(file, what, "must be a mapping of keys to values")
    return data


def _slug(data: dict, key: str, file: str, where: str = "") -> str:
    value = field_text(data, key, file, where, required=True)
    if not SLUG_RE.match(value):
        name = f"{where}.{key}" if where else key
        raise PackError(file, name, f"{value!r} must be lowercase letters, digits and hyphens")
    return value


def _positive_int(data: dict, key: str, file: str, where: str, default: int | None = None) -> int:
    name = f"{where}.{key}" if where else key
    value = data.get(key, default)
    if value is None:
        raise PackError(file, name, "is required")
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise PackError(file, name, f"must be a positive whole number, got {value!r}")
    return value


def _positive_number(data: dict, key: str, file: str, default: float) -> float:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise PackError(file, key, f"must be a positive number, got {value!r}")
    return float(value)


def _text_list(data: dict, key: str, file: str, where: str = "") -> list[str]:
    name = f"{where}.{key}" if where else key
    value = data.get(key, [])
    if not isinstance(value, list):
        raise PackError(file, name, "must be a list of non-empty text items")
    for index, item in enumerate(value):
        if isinstance(item, dict):
            # The usual cause: an unquoted item containing ": " reads as a mapping in YAML.
            raise PackError(file, f"{name}[{index}]", "reads as a mapping; put the item in quotes if it contains ': '")
        if not isinstance(item, str) or not item.strip():
            raise PackError(file, f"{name}[{index}]", "must be non-empty text")
    return value


def _parse_manifest(path: Path) -> PackSpec:
    file = _rel(path)
    data = _load_yaml(path.read_text(encoding="utf-8"), file, "pack.yaml")
    check_keys(data, {"slug", "name", "description", "loops"}, file, "")
    spec = PackSpec(
        slug=_slug(data, "slug", file),
        name=field_text(data, "name", file, required=True),
        description=field_text(data, "description", file),
    )
    loops = data.get("loops")
    if not isinstance(loops, list) or not loops:
        raise PackError(file, "loops", "must be a non-empty list")
    loop_slugs: set[str] = set()
    for index, raw_loop in enumerate(loops):
        where = f"loops[{index}]"
        if not isinstance(raw_loop, dict):
            raise PackError(file, where, "must be a mapping")
        check_keys(raw_loop, {"slug", "name", "company", "description", "stages"}, file, where)
        loop = LoopSpec(
            slug=_slug(raw_loop, "slug", file, where),
            name=field_text(raw_loop, "name", file, where, required=True),
            company=field_text(raw_loop, "company", file, where),
            description=field_text(raw_loop, "description", file, where),
        )
        if loop.slug in loop_slugs:
            raise PackError(file, f"{where}.slug", f"{loop.slug!r} is used twice")
        loop_slugs.add(loop.slug)
        stages = raw_loop.get("stages")
        if not isinstance(stages, list) or not stages:
            raise PackError(file, f"{where}.stages", "must be a non-empty list")
        stage_slugs: set[str] = set()
        for stage_index, raw_stage in enumerate(stages):
            stage_where = f"{where}.stages[{stage_index}]"
            if not isinstance(raw_stage, dict):
                raise PackError(file, stage_where, "must be a mapping")
            check_keys(
                raw_stage,
                {"slug", "kind", "title", "duration_minutes", "rounds", "questions_per_round",
                 "what_to_expect", "how_to_prepare", "rubric"},
                file,
                stage_where,
            )
            stage = StageSpec(
                slug=_slug(raw_stage, "slug", file, stage_where),
                kind=field_choice(raw_stage, "kind", STAGE_KINDS, file, stage_where),
                title=field_text(raw_stage, "title", file, stage_where, required=True),
                duration_minutes=_positive_int(raw_stage, "duration_minutes", file, stage_where),
                rounds=_positive_int(raw_stage, "rounds", file, stage_where, default=1),
                questions_per_round=_positive_int(raw_stage, "questions_per_round", file, stage_where, default=1),
                what_to_expect=field_text(raw_stage, "what_to_expect", file, stage_where),
                how_to_prepare=field_text(raw_stage, "how_to_prepare", file, stage_where),
                rubric=_text_list(raw_stage, "rubric", file, stage_where),
            )
            if stage.slug in stage_slugs:
                raise PackError(file, f"{stage_where}.slug", f"{stage.slug!r} is used twice in this loop")
            stage_slugs.add(stage.slug)
            loop.stages.append(stage)
        spec.loops.append(loop)
    return spec


FRONT_MATTER_KEYS = {"slug", "kind", "title", "stages", "difficulty", "tags", "origin"}
ORIGINS = ("notes", "general")
CODING_KEYS = {"mode", "entry_point", "checker", "float_tolerance", "time_limit_s", "memory_limit_mb",
               "starter", "tests", "reference", "other_references", "wrong_solutions"}


def parse_question_file(path: Path, *, stage_refs: set[str]) -> QuestionSpec:
    file = _rel(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise PackError(file, "file", "is not UTF-8 text") from None
    return parse_question_text(text, file=file, default_slug=path.stem, stage_refs=stage_refs)


def parse_question_text(text: str, *, file: str, default_slug: str, stage_refs: set[str]) -> QuestionSpec:
    front, body = _split_front_matter(text, file)
    data = _load_yaml(front, file, "front matter")
    kind = field_choice(data, "kind", QUESTION_KINDS, file)
    allowed = FRONT_MATTER_KEYS | (CODING_KEYS if kind == "coding" else set())
    check_keys(data, allowed, file, "")
    slug_source = {"slug": data.get("slug", default_slug)}
    question = QuestionSpec(
        slug=_slug(slug_source, "slug", file),
        kind=kind,
        title=field_text(data, "title", file, required=True),
        stages=_text_list(data, "stages", file),
        prompt="",
        difficulty=field_choice(data, "difficulty", DIFFICULTIES, file, default="medium"),
        tags=sorted(set(_text_list(data, "tags", file))),
        origin=field_choice(data, "origin", ORIGINS, file, default="general"),
    )
    question.stages = list(dict.fromkeys(question.stages))
    if not question.stages:
        raise PackError(file, "stages", "must name at least one stage as loop-slug/stage-slug")
    for ref in question.stages:
        if ref not in stage_refs:
            raise PackError(file, "stages", f"{ref!r} is not a stage of this pack (known: {', '.join(sorted(stage_refs))})")
    for tag in question.tags:
        if not SLUG_RE.match(tag):
            raise PackError(file, "tags", f"{tag!r} must be lowercase letters, digits and hyphens")
    _parse_body(body, question, file)
    if kind == "coding":
        _parse_coding(data, question, file)
    _check_required_sections(question, file)
    return question


def _split_front_matter(text: str, file: str) -> tuple[str, str]:
    text = text.replace("\r\n", "\n")
    if not text.startswith("---\n"):
        raise PackError(file, "front matter", "the file must start with a '---' line")
    end = text.find("\n---\n", 3)
    if end == -1:
        if text.endswith("\n---"):
            end = len(text) - 4
        else:
            raise PackError(file, "front matter", "has no closing '---' line")
    return text[4:end], text[end + 5:]


def _parse_body(body: str, question: QuestionSpec, file: str) -> None:
    sections: dict[str, list[str]] = {"prompt": []}
    current = "prompt"
    in_fence = False
    for line in body.split("\n"):
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        if not in_fence and line.startswith("## "):
            heading = line[3:].strip()
            if heading not in SECTIONS:
                raise PackError(file, f"## {heading}", f"is not a known section (known: {', '.join(SECTIONS)})")
            current = SECTIONS[heading]
            if current in sections:
                raise PackError(file, f"## {heading}", "appears twice")
            sections[current] = []
            continue
        sections[current].append(line)
    question.prompt = "\n".join(sections.pop("prompt")).strip()
    if not question.prompt:
        raise PackError(file, "prompt", "the body must start with the question's prompt")
    for name, lines in sections.items():
        content = "\n".join(lines).strip()
        if name in LIST_SECTIONS:
            items = split_list(content)
            if not items:
                raise PackError(file, name, "must be a list of '- ' or '1. ' items")
            setattr(question, name, items)
        elif name == "reference_diagram":
            question.reference_diagram = _reference_diagram(content, question, file)
        else:
            setattr(question, name, content)


def _reference_diagram(content: str, question: QuestionSpec, file: str) -> str:
    """A design question's reference diagram: one fenced JSON block holding a whiteboard scene, checked by the
    same rules as a candidate's board (the pack is input too), stored as compact JSON."""
    if question.kind != "design":
        raise PackError(file, "reference_diagram", "only design questions have one")
    fenced = re.fullmatch(r"```json\n(.*)\n```", content, re.S)
    if not fenced:
        raise PackError(file, "reference_diagram", "must be one ```json fenced block holding {\"elements\": [...]}")
    try:
        return scene_json(scene_clean(json.loads(fenced.group(1))))
    except (ValueError, RecursionError) as error:
        raise PackError(file, "reference_diagram", f"is not JSON ({error})") from None
    except SceneInvalid as error:
        raise PackError(file, "reference_diagram", error.messages[0]) from None


_ITEM_RE = re.compile(r"^(?:[-*+]|\d+[.)])\s+")


def split_list(content: str) -> list[str]:
    """Split a Markdown list into its top-level items (continuation lines dedented)."""
    items: list[list[str]] = []
    for line in content.split("\n"):
        match = _ITEM_RE.match(line)
        if match:
            items.append([line[match.end():]])
        elif items:
            items[-1].append(line)
        elif line.strip():
            return []  # text before the first item: not a list
    result = []
    for lines in items:
        head, rest = lines[0], lines[1:]
        indent = min((len(line) - len(line.lstrip()) for line in rest if line.strip()), default=0)
        result.append("\n".join([head] + [line[indent:] for line in rest]).strip())
    return result


def _parse_coding(data: dict, question: QuestionSpec, file: str) -> None:
    question.mode = field_choice(data, "mode", MODES, file, default="stdio")
    question.checker = field_choice(data, "checker", CHECKERS, file, default="exact")
    question.float_tolerance = _positive_number(data, "float_tolerance", file, 1e-6)
    question.time_limit_s = _positive_number(data, "time_limit_s", file, 2.0)
    question.memory_limit_mb = _positive_int(data, "memory_limit_mb", file, "", default=256)
    if question.mode == "function":
        question.entry_point = field_text(data, "entry_point", file, required=True)
        if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", question.entry_point):
            raise PackError(file, "entry_point", f"{question.entry_point!r} is not a function name")
    elif "entry_point" in data:
        raise PackError(file, "entry_point", "only applies with mode: function")

    starters = data.get("starter")
    if not isinstance(starters, dict) or not starters:
        raise PackError(file, "starter", "must map languages to starter code")
    allowed_languages = FUNCTION_LANGUAGES if question.mode == "function" else LANGUAGES
    for language, code in starters.items():
        if language not in allowed_languages:
            raise PackError(file, f"starter.{language}", f"is not one of {', '.join(allowed_languages)}")
        if not isinstance(code, str):
            raise PackError(file, f"starter.{language}", "must be text")
    if "python" not in starters:
        raise PackError(file, "starter.python", "is required")
    question.starters = {language: starters[language] for language in sorted(starters)}

    tests = data.get("tests")
    if not isinstance(tests, list) or not tests:
        raise PackError(file, "tests", "must be a non-empty list")
    for index, raw in enumerate(tests):
        where = f"tests[{index}]"
        if not isinstance(raw, dict):
            raise PackError(file, where, "must be a mapping with input, expected and hidden")
        check_keys(raw, {"input", "expected", "hidden"}, file, where)
        hidden = raw.get("hidden", False)
        if not isinstance(hidden, bool):
            raise PackError(file, f"{where}.hidden", "must be true or false")
        test = TestSpec(
            input=field_text(raw, "input", file, where),
            expected=field_text(raw, "expected", file, where, required=True),
            hidden=hidden,
        )
        if question.mode == "function":
            _check_json(test.input, file, f"{where}.input", want_list=True)
            _check_json(test.expected, file, f"{where}.expected", want_list=False)
        question.tests.append(test)
    if all(test.hidden for test in question.tests):
        raise PackError(file, "tests", "needs at least one visible test (hidden: false)")
    if not any(test.hidden for test in question.tests):
        raise PackError(file, "tests", "needs at least one hidden test (hidden: true)")

    reference = data.get("reference")
    if not isinstance(reference, dict):
        raise PackError(file, "reference", "must be a mapping with language and source")
    check_keys(reference, {"language", "source"}, file, "reference")
    question.reference_language = field_choice(reference, "language", allowed_languages, file, "reference")
    question.reference_source = field_text(reference, "source", file, "reference", required=True)
    question.other_references = parse_other_references(data, file=file, languages=allowed_languages,
                                                       reference_language=question.reference_language)
    question.wrong_solutions = parse_wrong_solutions(data, file=file, languages=allowed_languages)


def _check_json(value: str, file: str, name: str, *, want_list: bool) -> None:
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError as exc:
        raise PackError(file, name, f"is not valid JSON: {exc.msg}") from None
    if want_list and not isinstance(parsed, list):
        raise PackError(file, name, "must be a JSON array of arguments")


def _check_required_sections(question: QuestionSpec, file: str) -> None:
    if question.kind == "concept" and not question.model_answer:
        raise PackError(file, "## Model answer", "is required for a concept question")
    if question.kind == "design" and not question.constraints:
        raise PackError(file, "## Follow-up constraints", "is required for a design question")
    if question.kind == "behavioral" and not question.strong_answer:
        raise PackError(file, "## What a strong answer shows", "is required for a behavioural question")


# ---------------------------------------------------------------- writing


class _BlockDumper(yaml.SafeDumper):
    """Writes multi-line strings as `|` blocks so exported files stay readable."""


def _represent_str(dumper: yaml.SafeDumper, value: str):
    # YAML cannot keep trailing spaces on a line of a block scalar; fall back to quoting then.
    if "\n" in value and not any(line != line.rstrip() for line in value.split("\n")):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_BlockDumper.add_representer(str, _represent_str)


def _dump_yaml(data) -> str:
    return yaml.dump(data, Dumper=_BlockDumper, sort_keys=False, allow_unicode=True, width=110)


def write_pack(spec: PackSpec, folder: Path | str) -> None:
    """Write `spec` as a pack folder that `read_pack` reads back to an equal spec."""
    folder = Path(folder)
    (folder / "questions").mkdir(parents=True, exist_ok=True)
    manifest = {"slug": spec.slug, "name": spec.name, "description": spec.description, "loops": []}
    for loop in spec.loops:
        manifest["loops"].append(
            {
                "slug": loop.slug,
                "name": loop.name,
                "company": loop.company,
                "description": loop.description,
                "stages": [asdict(stage) for stage in loop.stages],
            }
        )
    (folder / "pack.yaml").write_text(_dump_yaml(manifest), encoding="utf-8")
    for question in spec.questions:
        (folder / "questions" / f"{question.slug}.md").write_text(render_question(question), encoding="utf-8")


def render_question(question: QuestionSpec) -> str:
    front: dict = {
        "kind": question.kind,
        "title": question.title,
        "difficulty": question.difficulty,
        "tags": question.tags,
        "stages": question.stages,
        "origin": question.origin,
    }
    if question.kind == "coding":
        front.update(
            {
                "mode": question.mode,
                "checker": question.checker,
                "float_tolerance": question.float_tolerance,
                "time_limit_s": question.time_limit_s,
                "memory_limit_mb": question.memory_limit_mb,
            }
        )
        if question.entry_point:
            front["entry_point"] = question.entry_point
        front["starter"] = question.starters
        front["tests"] = [asdict(test) for test in question.tests]
        front["reference"] = {"language": question.reference_language, "source": question.reference_source}
        if question.other_references:
            front["other_references"] = other_references_data(question.other_references)
        if question.wrong_solutions:
            front["wrong_solutions"] = wrong_solutions_data(question.wrong_solutions)
    parts = ["---\n" + _dump_yaml(front) + "---\n", question.prompt.strip() + "\n"]
    for heading, name in SECTIONS.items():
        value = getattr(question, name)
        if not value:
            continue
        if name in LIST_SECTIONS:
            content = "\n".join(_list_item(index, item) for index, item in enumerate(value, 1))
        elif name == "reference_diagram":
            elements = json.loads(value)["elements"]  # one element a line: reviewable in a diff
            content = '```json\n{"elements": [\n' + ",\n".join(" " + json.dumps(e, ensure_ascii=False) for e in elements)
            content += "\n]}\n```"
        else:
            content = value.strip()
        parts.append(f"\n## {heading}\n\n{content}\n")
    return "".join(parts)


def _list_item(number: int, text: str) -> str:
    marker = f"{number}. "
    lines = text.split("\n")
    pad = " " * len(marker)
    return marker + lines[0] + "".join("\n" + (pad + line if line.strip() else "") for line in lines[1:])
