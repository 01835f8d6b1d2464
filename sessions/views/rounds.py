"""The round pages: starting, the round page (solo, candidate or interviewer), autosave, runs, reveals, the summary.

Views parse input, get their objects through `sessions.access` (which checks the user's
role in the round), call a service and render; fragments are `{% partialdef %}` blocks.
"""

import math

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from interviewprep.markdown import render_markdown
from questions.models import InterviewLoop, Question, Stage
from sessions.access import (
    ANSWERING,
    REVIEWING,
    Role,
    get_round_for_user,
    get_round_question_for_user,
    get_session_for_user,
    get_submission_for_user,
    require_own_account,
)
from sessions.forms import AddTimeForm, GradeForm, PreviewForm, RunForm, StartForm
from sessions.models import Round
from sessions.rounds import services as round_services
from sessions.rounds.answer_limits import AUTOSAVE_TOO_FAST, AutosaveLimited, autosave_wait, history_full_message
from sessions.rounds.selectors import interview_page_context, round_page_context, round_summary, session_overview
from sessions.runs.own_cases import own_cases_save_posted
from sessions.runs.submissions import submission_create
from sessions.views.paired import invite_url_once
from sessions.views.responses import ROUND_TEMPLATE, error_messages, refused, with_clock


@login_required
@require_POST
def start(request):
    require_own_account(request.user)
    form = StartForm(request.POST)
    if not form.is_valid():
        errors = error_messages(ValidationError(form.errors))
        return render(request, "sessions/start_error.html", {"errors": errors}, status=400)
    data = form.cleaned_data
    loop = get_object_or_404(InterviewLoop, pk=data["loop"]) if data["loop"] else None
    stage = get_object_or_404(Stage.objects.select_related("loop"), pk=data["stage"]) if data["stage"] else None
    question = get_object_or_404(Question, slug=data["question"]) if data["question"] else None
    try:
        session = round_services.session_start(owner=request.user, loop=loop, stage=stage, question=question)
    except ValidationError as error:
        return render(request, "sessions/start_error.html", {"errors": error_messages(error)}, status=400)
    return redirect("round_page", round_id=session.rounds.order_by("order").first().pk)


@login_required
@require_GET
def session_page(request, session_id: int):
    session = get_session_for_user(request.user, session_id)
    context = session_overview(session, request.user)
    context["invite_url"] = invite_url_once(request, session)
    response = render(request, "sessions/session.html", context)
    if context["invite_url"]:
        add_never_cache_headers(response)  # the link is shown once: not from a cache either
    return response


@login_required
@require_POST
def round_start(request, round_id: int):
    stage_round = get_round_for_user(request.user, round_id, roles={Role.SOLO, Role.INTERVIEWER})
    try:
        round_services.round_start(round=stage_round)
    except ValidationError as error:
        return refused(request, stage_round, error)
    return redirect("round_page", round_id=stage_round.pk)


@login_required
@require_GET
def round_page(request, round_id: int):
    stage_round = get_round_for_user(request.user, round_id)
    round_services.round_sync(round=stage_round)
    if stage_round.status == Round.Status.FINISHED:
        return redirect("round_summary", round_id=stage_round.pk)
    if stage_round.role == Role.INTERVIEWER:
        context = interview_page_context(stage_round)
        return with_clock(render(request, "sessions/interview.html", context), stage_round)
    if stage_round.status == Round.Status.PENDING:
        return redirect("session_page", session_id=stage_round.session_id)
    # `?q=` only shows another question; moving to it is a POST (switch_question). A paired candidate
    # always sees the question the interviewer has on screen.
    number = None if stage_round.role == Role.CANDIDATE else request.GET.get("q")
    context = round_page_context(stage_round, number)
    if context is None:
        return render(request, "404.html", status=404)
    return with_clock(render(request, ROUND_TEMPLATE, context), stage_round)


@login_required
@require_GET
def round_clock(request, round_id: int):
    """The clock fragment; once time is up, sends the browser to the end-of-round page."""
    stage_round = get_round_for_user(request.user, round_id)
    round_services.round_sync(round=stage_round)
    if stage_round.status == Round.Status.FINISHED and request.htmx:
        return HttpResponseClientRedirect(reverse("round_summary", args=[stage_round.pk]))
    response = render(request, f"{ROUND_TEMPLATE}#clock", {"round": stage_round, "now": timezone.now()})
    return with_clock(response, stage_round)


@login_required
@require_POST
def round_control(request, round_id: int, action: str):
    """Pause, resume, add time, end: the solo user's or the interviewer's hand on the clock."""
    stage_round = get_round_for_user(request.user, round_id, roles={Role.SOLO, Role.INTERVIEWER})
    try:
        if action == "add_time":
            form = AddTimeForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form.errors)
            round_services.round_add_time(round=stage_round, minutes=form.cleaned_data["minutes"])
        else:
            service = {
                "pause": round_services.round_pause,
                "resume": round_services.round_resume,
                "end": round_services.round_end,
            }[action]
            service(round=stage_round)
    except ValidationError as error:
        return refused(request, stage_round, error)
    target = reverse("round_summary" if action == "end" else "round_page", args=[stage_round.pk])
    if request.htmx:
        return HttpResponseClientRedirect(target)
    return redirect(target)


@login_required
@require_POST
def answer_save(request, round_id: int, number: int):
    round_question = get_round_question_for_user(request.user, round_id, number, roles=ANSWERING)
    wait = autosave_wait(request.user)
    if wait:
        response = refused(request, round_question.round, AutosaveLimited(AUTOSAVE_TOO_FAST))
        response["Retry-After"] = str(math.ceil(wait))  # whole seconds, never before the token is back
        return response
    # Every answer field sent is passed on, so one that is not of this question's kind is refused.
    fields = ("language", *round_question.ANSWER_FIELDS)
    values = {name: request.POST[name] for name in fields if name in request.POST}
    try:
        with transaction.atomic():  # the coding pad's test cases save with the answer, or neither does
            own_cases_save_posted(round_question=round_question, data=request.POST)
            changed = round_services.answer_save(round_question=round_question, values=values)
    except ValidationError as error:
        return refused(request, round_question.round, error)
    context = {
        "saved_at": timezone.now(),
        "changed": changed,
        "history_full": history_full_message() if changed.history_full else "",
    }
    return with_clock(render(request, f"{ROUND_TEMPLATE}#save-status", context), round_question.round)


# Which role may take each action on a question, and which panel it re-renders.
QUESTION_ACTIONS = {
    "reveal": ({Role.SOLO}, "reveal"),
    "grade": ({Role.SOLO}, "reveal"),
    "constraint": (REVIEWING, "constraints"),
    "hint": (REVIEWING, "hints"),
    "switch": ({Role.SOLO, Role.INTERVIEWER}, None),
}


@login_required
@require_POST
def question_action(request, round_id: int, number: int, action: str):
    """Reveal the model answer, a hint or the next constraint, grade, or switch question."""
    roles, partial = QUESTION_ACTIONS[action]
    round_question = get_round_question_for_user(request.user, round_id, number, roles=roles)
    stage_round = round_question.round
    try:
        if action == "reveal":
            round_services.model_answer_reveal(round_question=round_question)
        elif action == "constraint":
            round_services.constraint_reveal_next(round_question=round_question)
        elif action == "hint":
            round_services.hint_reveal_next(round_question=round_question)
        elif action == "switch":
            round_services.question_switch(round_question=round_question)
        else:
            form = GradeForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form.errors)
            round_services.self_grade_set(round_question=round_question, grade=form.cleaned_data["grade"])
    except ValidationError as error:
        return refused(request, stage_round, error)
    if partial is None:
        target = reverse("round_page", args=[stage_round.pk])
        return HttpResponseClientRedirect(target) if request.htmx else redirect(target)
    return _question_panel(request, stage_round, round_question, partial)


@login_required
@require_GET
def constraints_panel(request, round_id: int, number: int):
    """Polled on solo design questions: constraints that arrive on the round's schedule."""
    round_question = get_round_question_for_user(request.user, round_id, number)
    stage_round = round_question.round
    round_services.round_sync(round=stage_round)
    round_question.refresh_from_db(fields=["constraints_revealed"])
    return _question_panel(request, stage_round, round_question, "constraints")


def _question_panel(request, stage_round, round_question, partial: str):
    """Re-render one panel of the page; `stage_round` is the one access returned (it knows the user's role)."""
    number = str(round_question.order + 1)
    if stage_round.role == Role.INTERVIEWER:
        context = interview_page_context(stage_round, number)
        template = f"sessions/interview.html#{partial}"
    else:
        context = round_page_context(stage_round, number)
        template = f"{ROUND_TEMPLATE}#{partial}"
    if not request.htmx:
        return redirect(f"{reverse('round_page', args=[stage_round.pk])}?q={number}")
    return with_clock(render(request, template, context), stage_round)


@login_required
@require_POST
def run_code(request, round_id: int, number: int):
    round_question = get_round_question_for_user(request.user, round_id, number, roles=ANSWERING)
    form = RunForm(request.POST)
    if not form.is_valid():
        return refused(request, round_question.round, ValidationError(form.errors))
    data = form.cleaned_data
    custom_input = data["use_custom_input"] and data["kind"] == "run"  # a plain run on one input (scripts)
    try:
        with transaction.atomic():  # the cases and the run are kept together, or neither
            if not custom_input:
                own_cases_save_posted(round_question=round_question, data=request.POST)
            submission = submission_create(
                user=request.user,
                round_question=round_question,
                language=data["language"],
                source=data["code"],
                kind=data["kind"],
                stdin=data["stdin"] if custom_input else None,
                custom_tests=round_question.test_cases if data["kind"] == "run" and not custom_input else None,
            )
    except ValidationError as error:
        return refused(request, round_question.round, error)
    submission.refresh_from_db()  # the broker may have refused it already ("runner unavailable")
    if not request.htmx:  # without JavaScript: back to the page, which shows the latest run
        return redirect(f"{reverse('round_page', args=[round_question.round_id])}?q={number}")
    response = render(request, f"{ROUND_TEMPLATE}#results", {"submission": submission}, status=202)
    return with_clock(response, round_question.round)


@login_required
@require_GET
def run_result(request, submission_id: int):
    submission = get_submission_for_user(request.user, submission_id)
    return render(request, f"{ROUND_TEMPLATE}#results", {"submission": submission})


@login_required
@require_POST
def preview(request):
    """Live preview of a Markdown answer (htmx sends the field as it is typed), through the one sanitising renderer."""
    form = PreviewForm(request.POST)
    if not form.is_valid():
        return HttpResponse("The text is too long to preview.", status=400)
    return HttpResponse(render_markdown(form.cleaned_data["answer"]) or "<p class=\"muted\">Nothing to preview yet.</p>")


@login_required
@require_http_methods(["GET", "POST"])
def round_summary_page(request, round_id: int):
    """After a round: the self-assessment form, then what happened; in a paired round, per role."""
    stage_round = get_round_for_user(request.user, round_id)
    round_services.round_sync(round=stage_round)
    if stage_round.status != Round.Status.FINISHED:
        return redirect("round_page", round_id=stage_round.pk)
    errors = []
    if request.method == "POST":
        if stage_round.role not in ANSWERING:
            raise PermissionDenied("Only the candidate assesses themselves.")
        ratings, errors = _ratings_from(request.POST)
        if not errors:
            try:
                round_services.round_assess(
                    round=stage_round, ratings=ratings, reflection=request.POST.get("reflection", "")
                )
                return redirect("round_summary", round_id=stage_round.pk)
            except ValidationError as error:
                errors = error_messages(error)
    context = {**round_summary(stage_round, request.user), "errors": errors}
    return render(request, "sessions/summary.html", context, status=400 if errors else 200)


def _ratings_from(post) -> tuple[dict[str, int], list[str]]:
    ratings, errors = {}, []
    for key, value in post.items():
        if not key.startswith("rating_") or value == "":
            continue
        try:
            ratings[key.removeprefix("rating_")] = int(value)
        except ValueError:
            errors.append("Each rating is a number from 1 to 4.")
    return ratings, errors
