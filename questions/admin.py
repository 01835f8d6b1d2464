from django.contrib import admin

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


class StageInline(admin.TabularInline):
    model = Stage
    fields = ["order", "slug", "kind", "title", "duration_minutes", "rounds", "questions_per_round"]
    extra = 0


class StageRubricInline(admin.TabularInline):
    model = StageRubricItem
    extra = 0


class HintInline(admin.TabularInline):
    model = Hint
    extra = 0


class ConstraintInline(admin.TabularInline):
    model = FollowUpConstraint
    extra = 0


class RubricInline(admin.TabularInline):
    model = RubricItem
    extra = 0


class StarterInline(admin.StackedInline):
    model = StarterCode
    extra = 0


class TestCaseInline(admin.StackedInline):
    model = TestCase
    extra = 0


@admin.register(Pack)
class PackAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "loaded_at"]
    search_fields = ["slug", "name"]


@admin.register(InterviewLoop)
class InterviewLoopAdmin(admin.ModelAdmin):
    list_display = ["name", "company", "pack", "order"]
    list_filter = ["pack"]
    inlines = [StageInline]


@admin.register(Stage)
class StageAdmin(admin.ModelAdmin):
    list_display = ["title", "loop", "kind", "duration_minutes", "rounds", "order"]
    list_filter = ["loop", "kind"]
    inlines = [StageRubricInline]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "difficulty", "pack"]
    list_filter = ["kind", "difficulty", "pack", "tags"]
    search_fields = ["title", "slug", "prompt"]
    filter_horizontal = ["stages", "tags"]
    inlines = [HintInline, ConstraintInline, RubricInline, StarterInline, TestCaseInline]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]


for model in (StageRubricItem, Hint, FollowUpConstraint, RubricItem, StarterCode, TestCase):
    admin.site.register(model)
