"""Pages of the question bank: home (loops and stages), a loop, the bank, a question."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from questions.access import can_view_answers
from questions.forms import BankFilterForm
from questions.models import InterviewLoop, Question, Tag
from questions.selectors import BankFilters, loops_with_stages, practice_marks, question_bank, stage_choices

PAGE_SIZE = 20


@require_GET
def home(request):
    return render(request, "questions/home.html", {"loops": loops_with_stages()})


@require_GET
def loop_detail(request, pack_slug: str, loop_slug: str):
    loop = get_object_or_404(loops_with_stages().prefetch_related("stages__rubric_items"), pack__slug=pack_slug, slug=loop_slug)
    return render(request, "questions/loop_detail.html", {"loop": loop})


@require_GET
@vary_on_headers("HX-Request")
def bank(request):
    form = BankFilterForm(request.GET)
    status = 200
    page = None
    if form.is_valid():
        data = form.cleaned_data
        filters = BankFilters(**{key: data[key] or "" for key in ("loop", "stage", "kind", "tag", "q")})
        paginator = Paginator(question_bank(filters), PAGE_SIZE)
        # Past the last page shows the last page, not an error: links go stale as packs change.
        page = paginator.get_page(min(data["page"] or 1, paginator.num_pages))
        marks = practice_marks(request.user, page.object_list)
        for question in page.object_list:
            question.mark = marks.get(question.pk, "")
    else:
        status = 400
    context = {
        "form": form,
        "page": page,
        "stage_choices": stage_choices(),
        "loops": InterviewLoop.objects.order_by("order"),
        "tags": Tag.objects.all(),
        "signed_in": request.user.is_authenticated,
    }
    template = "questions/bank.html#results" if request.htmx else "questions/bank.html"
    return render(request, template, context, status=status)


@require_GET
def question_detail(request, slug: str):
    question = get_object_or_404(
        Question.objects.prefetch_related("tags", "stages__loop", "hints", "constraints", "rubric_items", "starters"),
        slug=slug,
    )
    context = {
        "question": question,
        "examples": question.tests.filter(hidden=False) if question.is_coding else [],
        "hidden_count": question.tests.filter(hidden=True).count() if question.is_coding else 0,
        "show_answers": can_view_answers(request.user, question),
    }
    return render(request, "questions/question_detail.html", context)
