"""Interview loops, their stages, and the question bank.

Everything here is loaded from question packs (see packs/FORMAT.md) and is
read-only for users: mock sessions point at these rows, they never edit them.
"""

from django.db import models
from django.urls import reverse


class Pack(models.Model):
    """A question pack as loaded from a folder; the unit that load_pack/export_pack move."""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    loaded_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.name


class InterviewLoop(models.Model):
    """One company's interview process: an ordered list of stages."""

    pack = models.ForeignKey(Pack, on_delete=models.CASCADE, related_name="loops")
    slug = models.SlugField(max_length=80)
    name = models.CharField(max_length=200)
    company = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["pack__slug", "order"]
        constraints = [models.UniqueConstraint(fields=["pack", "slug"], name="unique_loop_slug_per_pack")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("loop_detail", args=[self.pack.slug, self.slug])

    @property
    def total_minutes(self) -> int:
        return sum(stage.total_minutes for stage in self.stages.all())


class Stage(models.Model):
    """A step of a loop, e.g. "Coding interview, 45 minutes"."""

    class Kind(models.TextChoices):
        RECRUITER = "recruiter", "Recruiter chat"
        CODING = "coding", "Coding"
        ML_KNOWLEDGE = "ml_knowledge", "ML knowledge screen"
        ML_DESIGN = "ml_design", "ML design"
        SYSTEM_DESIGN = "system_design", "System design"
        TECHNICAL_MANAGEMENT = "technical_management", "Technical management"
        BEHAVIORAL = "behavioral", "Behavioural / people and culture"

    loop = models.ForeignKey(InterviewLoop, on_delete=models.CASCADE, related_name="stages")
    slug = models.SlugField(max_length=80)
    order = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    title = models.CharField(max_length=200)
    duration_minutes = models.PositiveIntegerField()
    rounds = models.PositiveIntegerField(default=1)
    questions_per_round = models.PositiveIntegerField(default=1)
    what_to_expect = models.TextField(blank=True)
    how_to_prepare = models.TextField(blank=True)

    class Meta:
        ordering = ["loop", "order"]
        constraints = [
            models.UniqueConstraint(fields=["loop", "slug"], name="unique_stage_slug_per_loop"),
            models.CheckConstraint(condition=models.Q(duration_minutes__gt=0), name="stage_duration_positive"),
            models.CheckConstraint(condition=models.Q(rounds__gt=0), name="stage_rounds_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.loop.name}: {self.title}"

    @property
    def ref(self) -> str:
        """How pack files name this stage: `loop-slug/stage-slug`."""
        return f"{self.loop.slug}/{self.slug}"

    @property
    def total_minutes(self) -> int:
        return self.duration_minutes * self.rounds


class StageRubricItem(models.Model):
    """What a stage as a whole is judged on; the self-assessment at the end of a round uses it."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="rubric_items")
    order = models.PositiveIntegerField(default=0)
    text = models.TextField()

    class Meta:
        ordering = ["stage", "order"]

    def __str__(self) -> str:
        return self.text[:60]


class Tag(models.Model):
    name = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Question(models.Model):
    """A question of one of four kinds; the kind decides which of the fields apply."""

    class Kind(models.TextChoices):
        CONCEPT = "concept", "Concept"
        CODING = "coding", "Coding"
        DESIGN = "design", "Design"
        BEHAVIORAL = "behavioral", "Behavioural"

    class Origin(models.TextChoices):
        NOTES = "notes", "From the candidate's notes"
        GENERAL = "general", "General practice"

    class Difficulty(models.TextChoices):
        EASY = "easy", "Easy"
        MEDIUM = "medium", "Medium"
        HARD = "hard", "Hard"

    class Mode(models.TextChoices):
        STDIO = "stdio", "Standard input and output"
        FUNCTION = "function", "Function call"

    class Checker(models.TextChoices):
        EXACT = "exact", "Exact"
        WHITESPACE = "whitespace", "Whitespace-insensitive"
        FLOAT = "float", "Numbers within a tolerance"
        UNORDERED = "unordered", "Any order"

    pack = models.ForeignKey(Pack, on_delete=models.CASCADE, related_name="questions")
    slug = models.SlugField(max_length=120, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    title = models.CharField(max_length=200)
    difficulty = models.CharField(max_length=8, choices=Difficulty.choices, default=Difficulty.MEDIUM)
    # Whether the question was asked in the loop the pack's source notes describe, or is general practice.
    origin = models.CharField(max_length=8, choices=Origin.choices, default=Origin.GENERAL)
    tags = models.ManyToManyField(Tag, blank=True, related_name="questions")
    stages = models.ManyToManyField(Stage, related_name="questions")
    prompt = models.TextField()
    # Interviewer-only text: never rendered to a candidate before the reveal rules allow it.
    model_answer = models.TextField(blank=True)
    # Design questions: a reference diagram for the model answer, interviewer-only text like it. A whiteboard
    # scene as JSON, validated when the pack loads (`questions.scenes`); "" when there is none.
    reference_diagram = models.TextField(blank=True)
    # Behavioural questions.
    strong_answer = models.TextField(blank=True, help_text="What a strong answer shows.")
    star_guidance = models.TextField(blank=True)
    # Coding questions.
    mode = models.CharField(max_length=16, choices=Mode.choices, default=Mode.STDIO)
    entry_point = models.CharField(max_length=80, blank=True)
    checker = models.CharField(max_length=16, choices=Checker.choices, default=Checker.EXACT)
    float_tolerance = models.FloatField(default=1e-6)
    time_limit_s = models.FloatField(default=2.0)
    memory_limit_mb = models.PositiveIntegerField(default=256)
    reference_language = models.CharField(max_length=16, blank=True)
    reference_solution = models.TextField(blank=True)
    # [{language, source}]: the reference in other languages, each judged on every test when the pack loads.
    other_references = models.JSONField(default=list, blank=True)
    # [{name, language, source}]: plausible mistakes the tests must reject (judged when the pack loads).
    wrong_solutions = models.JSONField(default=list, blank=True)
    # Digest of the pack file this row came from: a reload skips unchanged questions.
    source_digest = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["title"]
        indexes = [models.Index(fields=["kind", "difficulty"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("question_detail", args=[self.slug])

    @property
    def is_coding(self) -> bool:
        return self.kind == self.Kind.CODING


class StarterCode(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="starters")
    language = models.CharField(max_length=16)
    code = models.TextField()

    class Meta:
        ordering = ["question", "language"]
        constraints = [models.UniqueConstraint(fields=["question", "language"], name="unique_starter_per_language")]


class TestCase(models.Model):
    """One test of a coding question. Hidden tests are only ever counted, never shown."""

    __test__ = False  # not a pytest test class

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="tests")
    order = models.PositiveIntegerField(default=0)
    input = models.TextField(blank=True)
    expected = models.TextField()
    hidden = models.BooleanField(default=False)

    class Meta:
        ordering = ["question", "order"]


class _OrderedText(models.Model):
    order = models.PositiveIntegerField(default=0)
    text = models.TextField()

    class Meta:
        abstract = True
        ordering = ["question", "order"]

    def __str__(self) -> str:
        return self.text[:60]


class Hint(_OrderedText):
    """A rung of the hint ladder, revealed in order."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="hints")


class FollowUpConstraint(_OrderedText):
    """A constraint an interviewer adds to a design question, revealed one at a time."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="constraints")


class RubricItem(_OrderedText):
    """One thing an interviewer scores for this question."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="rubric_items")
