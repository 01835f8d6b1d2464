"""Paired sessions: setting one up, the invite link, joining, the live poll, swapping roles."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect, HttpResponseStopPolling

from questions.models import InterviewLoop, Question, Stage
from sessions.access import Role, get_round_for_user, get_session_for_user, require_own_account
from sessions.forms import JoinForm, PairedStartForm
from sessions.models import RoundQuestion
from sessions.paired import services as paired_services
from sessions.rounds import services as round_services
from sessions.rounds.selectors import (
    POLL_INTERVIEWER_MS,
    candidate_shown,
    candidate_work,
    live_query,
    live_state,
    round_page_context,
    round_summary,
    session_overview,
    summary_settled,
)
from sessions.views.responses import ROUND_TEMPLATE, error_messages, refused, with_clock

INVALID_INVITE = "sessions/join_invalid.html"
INVITE_FLASH = "invite_link"  # key in the browser's session


def _setup_context(form, errors=()):
    stages = Stage.objects.select_related("loop").prefetch_related("questions").order_by("loop__order", "order")
    return {"form": form, "errors": list(errors), "loops": InterviewLoop.objects.order_by("order"), "stages": stages}


@login_required
@require_http_methods(["GET", "POST"])
def paired_new(request):
    """The interviewer sets up a paired session; the next page gives them the invite link."""
    require_own_account(request.user)
    if request.method == "GET":
        return render(request, "sessions/paired_new.html", _setup_context(PairedStartForm(initial=request.GET)))
    choices = [(slug, slug) for slug in Question.objects.values_list("slug", flat=True)]
    form = PairedStartForm(request.POST, question_choices=choices)
    if not form.is_valid():
        errors = error_messages(ValidationError(form.errors))
        return render(request, "sessions/paired_new.html", _setup_context(form, errors), status=400)
    data = form.cleaned_data
    loop = get_object_or_404(InterviewLoop, pk=data["loop"]) if data["loop"] else None
    stage = get_object_or_404(Stage.objects.select_related("loop"), pk=data["stage"]) if data["stage"] else None
    by_slug = Question.objects.in_bulk(data["questions"], field_name="slug")
    try:
        session = paired_services.paired_session_create(
            interviewer=request.user, stage=stage, loop=loop,
            questions=[by_slug[slug] for slug in data["questions"]], duration_minutes=data["duration"],
            pad_candidate_only=data["pad_candidate_only"],
        )
        _, token = paired_services.invite_create(session=session)
    except ValidationError as error:
        return render(request, "sessions/paired_new.html", _setup_context(form, error_messages(error)), status=400)
    return _to_session_with_link(request, session, token)


def _to_session_with_link(request, session, token: str):
    """Redirect to the session page, which shows the link once (so reloading it never re-sends the form).

    The token waits in this browser's session until that page takes it out; only its hash is kept.
    """
    request.session[INVITE_FLASH] = {"session": session.pk, "token": token}
    return redirect("session_page", session_id=session.pk)


def invite_url_once(request, session) -> str:
    """The invite link just made for `session` in this browser, the first time its page asks; else ""."""
    flash = request.session.get(INVITE_FLASH)
    if not flash or flash.get("session") != session.pk:
        return ""
    del request.session[INVITE_FLASH]
    return request.build_absolute_uri(reverse("join", args=[flash["token"]]))


@login_required
@require_POST
def invite_new(request, session_id: int):
    session = get_session_for_user(request.user, session_id, owner_only=True)
    try:
        _, token = paired_services.invite_create(session=session)
    except ValidationError as error:
        context = {**session_overview(session, request.user), "errors": error_messages(error)}
        return render(request, "sessions/session.html", context, status=409)
    return _to_session_with_link(request, session, token)


@login_required
@require_POST
def invite_revoke(request, session_id: int):
    session = get_session_for_user(request.user, session_id, owner_only=True)
    paired_services.invite_revoke(session=session)
    messages.success(request, "The invite link no longer works.")
    return redirect("session_page", session_id=session.pk)


@never_cache
@require_http_methods(["GET", "POST"])
def join(request, token: str):
    """Open to anyone holding the link. Unknown, expired, revoked and used links all get the same page."""
    invite = paired_services.invite_find(token=token)
    if invite is None:
        return render(request, INVALID_INVITE, status=404)
    session = invite.session
    context = {"session": session, "host_name": paired_services.display_name(session.owner), "token": token}
    if request.user.is_authenticated and request.user.pk == session.owner_id:
        context["errors"] = ["You set up this session: send this link to the person you will interview."]
        return render(request, "sessions/join.html", context, status=409)
    if request.method == "GET":
        return render(request, "sessions/join.html", {**context, "form": JoinForm()})
    form = JoinForm(request.POST)
    if not form.is_valid():
        return render(request, "sessions/join.html", {**context, "form": form,
                      "errors": error_messages(ValidationError(form.errors))}, status=400)
    as_account = request.user.is_authenticated
    try:
        session, user = paired_services.invite_accept(
            token=token, user=request.user if as_account else None,
            display_name=form.cleaned_data["display_name"],
        )
    except ValidationError as error:
        return render(request, "sessions/join.html", {**context, "form": form, "errors": error_messages(error)},
                      status=400)
    if not as_account:
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return redirect("session_page", session_id=session.pk)


@login_required
@require_GET
def round_live(request, round_id: int):
    """The live poll of a paired page: 204 when nothing changed, the fresh live region when something did,
    or a redirect when the round moved on (started, switched question, ended, feedback released).

    The page sends the version and state it was rendered with (`v`, `s`) and which page it is
    (`p`): the round and summary pages get fragments; the session page is sent to a fresh GET of
    the page it should show now. Never a plain reload: that page may be the answer to a POST.
    """
    stage_round = get_round_for_user(request.user, round_id)
    round_services.round_sync(round=stage_round)  # reloads the row itself if it closes the round
    if request.GET.get("p") == "summary":
        return _summary_live(request, stage_round)
    if request.GET.get("v") == str(stage_round.version):
        return with_clock(HttpResponse(status=204), stage_round)
    page = request.GET.get("p")
    if page == "session":
        target = "round_page" if stage_round.is_open else "session_page"
        return HttpResponseClientRedirect(
            reverse(target, args=[stage_round.pk if stage_round.is_open else stage_round.session_id])
        )
    if page != "round":  # a page from before the summary had its own fragment
        return HttpResponseClientRedirect(reverse("round_summary", args=[stage_round.pk]))
    if request.GET.get("s") != live_state(stage_round):
        return HttpResponseClientRedirect(reverse("round_page", args=[stage_round.pk]))
    if stage_round.current_id is None:
        # Not started: no question is on screen, so the live region has nothing new (starting changes `s`).
        return with_clock(HttpResponse(status=204), stage_round)
    if stage_round.role == Role.CANDIDATE and request.GET.get("f"):
        # Most changes are the candidate's own saves: nothing to show unless a hint or constraint arrived.
        current = RoundQuestion.objects.only("hints_revealed", "constraints_revealed").get(pk=stage_round.current_id)
        if request.GET["f"] == candidate_shown(current):
            return with_clock(HttpResponse(status=204), stage_round)
    if stage_round.role == Role.INTERVIEWER:
        context = {"round": stage_round, "live_query": live_query(stage_round, "round"), "poll_ms": POLL_INTERVIEWER_MS,
                   **candidate_work(stage_round, stage_round.current)}
        response = render(request, "sessions/interview.html#live", context)
    else:
        context = round_page_context(stage_round, None)
        response = render(request, f"{ROUND_TEMPLATE}#live", context)
    return with_clock(response, stage_round)


def _summary_live(request, stage_round):
    """The summary's live region (feedback released, the candidate's feedback); 286 stops the poll once it is final."""
    settled = summary_settled(stage_round)
    if not settled and request.GET.get("v") == str(stage_round.version):
        return HttpResponse(status=204)
    response = render(request, "sessions/summary.html#live", round_summary(stage_round, request.user))
    return HttpResponseStopPolling(response.content) if settled else response


@login_required
@require_POST
def round_swap(request, round_id: int):
    stage_round = get_round_for_user(request.user, round_id, roles={Role.INTERVIEWER, Role.CANDIDATE})
    try:
        next_round = paired_services.round_swap(round=stage_round)
    except ValidationError as error:
        return refused(request, stage_round, error)
    return redirect("session_page", session_id=next_round.session_id)

