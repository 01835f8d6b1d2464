"""Notes (time-stamped entries and structured sheets), the scorecard, and the candidate's feedback on the interview.

Notes are written by whoever reviews the round: the interviewer of a paired round, or
the owner of a solo round about their own answers. The scorecard is the interviewer's.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from sessions.access import REVIEWING, Role, get_round_for_user
from sessions.feedback import notes as note_services
from sessions.feedback.selectors import feedback_form_rows, notes_context, scorecard_rows
from sessions.forms import NoteForm, ScorecardForm
from sessions.models import Note, Round, RoundQuestion, Scorecard
from sessions.rounds import services as round_services
from sessions.rounds.refusals import RoundClosed
from sessions.rounds.selectors import round_summary
from sessions.templatetags.clock import mmss
from sessions.views.responses import error_messages, refused

NOTES_TEMPLATE = "sessions/notes.html"


def _back_to_round(stage_round):
    return redirect("round_page", round_id=stage_round.pk)


def _entries_response(request, stage_round, note, *, status_text: str, finished: bool = False):
    """The save status, plus out-of-band updates of the entry list and the id of the entry being written."""
    context = {
        **notes_context(stage_round, request.user, stage_round.current),
        "round": stage_round,
        "editing": None if finished else note,
        "status_text": status_text,
    }
    response = render(request, f"{NOTES_TEMPLATE}#saved", context)
    # The page's notes.js clears the editor for the next entry.
    return trigger_client_event(response, "note-finished") if finished else response


@login_required
@require_POST
def note_save(request, round_id: int):
    """Autosave of the entry being written; with `finish`, the entry is closed and the editor cleared."""
    stage_round = get_round_for_user(request.user, round_id, roles=REVIEWING)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return refused(request, stage_round, ValidationError(form.errors), target="#note-status")
    data = form.cleaned_data
    note = None
    try:
        if data["body"].strip() or data["note_id"]:
            note = note_services.note_save(
                round=stage_round, author=request.user, body=data["body"], note_id=data["note_id"]
            )
    except ValidationError as error:
        return refused(request, stage_round, error, target="#note-status")
    if not request.htmx:
        return _back_to_round(stage_round)
    text = f"Saved at {mmss(note.offset_seconds)}" if note else ""
    return _entries_response(request, stage_round, note, status_text=text, finished=data["finish"])


@login_required
@require_POST
def note_tag(request, round_id: int):
    """One-key tags: toggle a tag on the entry being written, or log a new entry holding just the tag."""
    stage_round = get_round_for_user(request.user, round_id, roles=REVIEWING)
    form = NoteForm(request.POST)
    tag = request.POST.get("tag", "")
    if not form.is_valid():
        return refused(request, stage_round, ValidationError(form.errors), target="#note-status")
    data = form.cleaned_data
    if tag not in Note.Tag.values:  # checked before the text is saved, so a bad tag saves nothing
        return refused(request, stage_round, ValidationError({"tags": "Unknown tag."}), target="#note-status")
    try:
        note_id = data["note_id"]
        if data["body"].strip() or note_id:
            note_id = note_services.note_save(
                round=stage_round, author=request.user, body=data["body"], note_id=note_id
            ).pk
        note = note_services.note_tag_toggle(round=stage_round, author=request.user, tag=tag, note_id=note_id)
    except ValidationError as error:
        return refused(request, stage_round, error, target="#note-status")
    if not request.htmx:
        return _back_to_round(stage_round)
    label = dict(Note.Tag.choices)[tag]
    return _entries_response(request, stage_round, note, status_text=f"Tagged “{label}”")


@login_required
@require_POST
def note_delete(request, round_id: int, note_id: int):
    stage_round = get_round_for_user(request.user, round_id, roles=REVIEWING)
    try:
        note_services.note_delete(round=stage_round, author=request.user, note_id=note_id)
    except ValidationError as error:
        return refused(request, stage_round, error, target="#note-status")
    if not request.htmx:
        return _back_to_round(stage_round)
    return _entries_response(request, stage_round, None, status_text="Deleted", finished=True)


@login_required
@require_POST
def sheet_save(request, round_id: int):
    """Autosave of the structured notes; `q` names the question for per-question templates."""
    stage_round = get_round_for_user(request.user, round_id, roles=REVIEWING)
    values = {k: v for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken", "q")}
    round_question = None
    number = request.POST.get("q", "")
    if number:
        if not number.isdigit():
            return refused(request, stage_round, ValidationError({"q": "No such question."}), target="#sheet-status")
        round_question = RoundQuestion.objects.filter(round=stage_round, order=int(number) - 1).first()
        if round_question is None:
            return refused(request, stage_round, ValidationError({"q": "No such question."}), target="#sheet-status")
    try:
        sheet = note_services.sheet_save(
            round=stage_round, author=request.user, values=values, round_question=round_question
        )
    except ValidationError as error:
        return refused(request, stage_round, error, target="#sheet-status")
    if not request.htmx:
        return _back_to_round(stage_round)
    return render(request, f"{NOTES_TEMPLATE}#sheet-status", {"sheet": sheet})


@login_required
@require_http_methods(["GET", "POST"])
def scorecard(request, round_id: int):
    """The interviewer's scorecard: fill in during or after the round; release once it has ended."""
    stage_round = get_round_for_user(request.user, round_id, roles={Role.INTERVIEWER})
    round_services.round_sync(round=stage_round)
    errors, status, notice, form = [], 200, "", None
    if request.method == "POST":
        form = ScorecardForm(request.POST)
        ratings = {k.removeprefix("rating_"): v for k, v in request.POST.items() if k.startswith("rating_") and v}
        try:
            if not form.is_valid():
                raise ValidationError(form.errors)
            data = form.cleaned_data
            note_services.scorecard_save(
                round=stage_round, interviewer=request.user, ratings=ratings,
                recommendation=data["recommendation"], feedback=data["feedback"], share_notes=data["share_notes"],
            )
            notice = "Scorecard saved."
            if request.POST.get("release"):
                note_services.scorecard_release(round=stage_round)
                notice = "Feedback released: your candidate can see it now."
        except ValidationError as error:
            errors, status = error_messages(error), 409 if isinstance(error, RoundClosed) else 400
    context = {**round_summary(stage_round, request.user), "errors": errors, "notice": notice}
    context["scorecard_rows"] = scorecard_rows(stage_round, context["scorecard"], hidden_for=request.user)
    context["recommendations"] = list(Scorecard.Rating.choices)
    saved = context["scorecard"]
    # A refused POST shows what was sent; otherwise the saved draft.
    context["form"] = form if errors else ScorecardForm(initial={
        "recommendation": saved.recommendation, "feedback": saved.feedback, "share_notes": saved.share_notes,
    } if saved else None)
    if request.method == "POST" and not errors:
        return redirect(f"{reverse('scorecard', args=[stage_round.pk])}?saved={'released' if 'released' in notice else '1'}")
    if request.GET.get("saved"):
        context["notice"] = "Feedback released: your candidate can see it now." if request.GET["saved"] == "released" \
            else "Scorecard saved."
    return render(request, "sessions/scorecard.html", context, status=status)


@login_required
@require_POST
def interviewer_feedback(request, round_id: int):
    """The candidate's feedback on how they were interviewed, sent from the round's summary page."""
    stage_round = get_round_for_user(request.user, round_id, roles={Role.CANDIDATE})
    ratings = {k.removeprefix("rating_"): v for k, v in request.POST.items() if k.startswith("rating_") and v}
    comments = request.POST.get("comments", "")
    try:
        note_services.interviewer_feedback_send(
            round=stage_round, author=request.user, ratings=ratings, comments=comments
        )
    except ValidationError as error:
        if stage_round.status != Round.Status.FINISHED:
            return refused(request, stage_round, error)
        context = {
            **round_summary(stage_round, request.user),
            "feedback_errors": error_messages(error),
            "feedback_rows": feedback_form_rows(ratings),
            "feedback_comments": comments,
        }
        return render(request, "sessions/summary.html", context, status=409 if isinstance(error, RoundClosed) else 400)
    messages.success(request, "Sent: your interviewer can read your feedback now.")
    return redirect(f"{reverse('round_summary', args=[stage_round.pk])}#interviewer-feedback")
