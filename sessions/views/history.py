"""Looking back across sessions: "My sessions" (filtered in place with HTMX) and the progress page."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import push_url

from questions.models import InterviewLoop
from questions.selectors import stage_choices
from sessions.forms import HistoryFilterForm
from sessions.review.history import HistoryFilters, history_rows, history_sessions
from sessions.review.progress import progress_report
from sessions.scheduling.report import review_report

PAGE_SIZE = 20


@login_required
@require_GET
@vary_on_headers("HX-Request")
def history(request):
    """Every session the user took part in; an HTMX request gets only the results fragment."""
    form = HistoryFilterForm(request.GET)
    page, rows, status = None, [], 200
    if form.is_valid():
        sessions = history_sessions(request.user, HistoryFilters.from_form(form.cleaned_data))
        paginator = Paginator(sessions, PAGE_SIZE)
        # Past the last page shows the last page, as the question bank does: links go stale.
        page = paginator.get_page(min(form.cleaned_data["page"] or 1, paginator.num_pages))
        rows = history_rows(page.object_list, request.user)
    else:
        status = 400
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "errors": [
            f"{form.fields[name].label}: {message}" if name in form.fields else message
            for name, messages in form.errors.items() for message in messages
        ],
        "filtered": any(value for name, values in request.GET.lists() if name != "page" for value in values),
    }
    if request.htmx:
        response = render(request, "sessions/history.html#results", context, status=status)
        # The address bar keeps the filters that are set, not every empty field of the form.
        query = _query_without_empty(request)
        return push_url(response, f"{request.path}?{query}" if query else request.path)
    context.update(loops=InterviewLoop.objects.order_by("order"), stage_choices=stage_choices())
    return render(request, "sessions/history.html", context, status=status)


def _query_without_empty(request) -> str:
    query = request.GET.copy()
    for name in [name for name, values in query.lists() if not any(values)]:
        del query[name]
    return query.urlencode()


@login_required
@require_GET
def progress(request):
    context = {"report": progress_report(user=request.user), "reviews": review_report(request.user)}
    return render(request, "sessions/progress.html", context)
