"""Calls and recordings over HTTP: the recording consent panel, starting a recording, its chunks, finishing,
playing it back (the people in its round, or a share link that includes it) and deleting it.

The browser's scripts (static/js/call.js, static/js/recorder.js) speak JSON here; every refusal is a
JSON `{"error": ...}` with a 4xx status (sessions/calls/recordings.py says which), nothing stored.
The WebRTC signaling itself goes over the websocket (sessions/calls/signaling.py).
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.handlers.asgi import ASGIRequest
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sessions.access import Role, get_recording_for_user, get_round_for_user, get_round_question_for_user
from sessions.calls import consent as consent_services
from sessions.calls import recordings as recording_services
from sessions.calls.playback import consent_context, shared_recording, spoken_answers_context
from sessions.models import Recording
from sessions.review import sharing
from sessions.views.responses import error_messages, refusal_status

CALLING = {Role.INTERVIEWER, Role.CANDIDATE}
CONSENT_TEMPLATE = "sessions/calls/_consent.html"


@login_required
@require_http_methods(["GET", "POST"])
def call_consent(request, round_id: int):
    """The consent panel (GET, on every live event); POST `action=agree` asks or agrees, `action=stop`
    declines or stops. The browsers record while the panel says so (`data-recording`)."""
    stage_round = get_round_for_user(request.user, round_id, roles=CALLING)
    status = 200
    context = {}
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "agree":
                consent_services.recording_agree(round=stage_round, user=request.user)
            elif action == "stop":
                consent_services.recording_stop(round=stage_round)
            else:
                raise ValidationError("Choose to agree to recording or to stop it.")
        except ValidationError as error:
            status = refusal_status(error)
            context["errors"] = error_messages(error)
    return render(request, CONSENT_TEMPLATE, {**consent_context(stage_round), **context}, status=status)


def _refused(error: ValidationError) -> JsonResponse:
    status = getattr(error, "status", None) or refusal_status(error)
    body = {"error": " ".join(error_messages(error))}
    if getattr(error, "expected", None) is not None:
        body["expected"] = error.expected
    return JsonResponse(body, status=status)


def _recording_urls(recording: Recording) -> dict:
    return {
        "id": recording.pk,
        "chunk_url": reverse("recording_chunk", args=[recording.pk, 0]).removesuffix("0/"),
        "finish_url": reverse("recording_finish", args=[recording.pk]),
        "audio_url": reverse("recording_audio", args=[recording.pk]),
    }


@login_required
@require_POST
def recording_start(request, round_id: int):
    """Start a recording: `kind=call` (both agreed) or `kind=answer` with the question's `number`."""
    kind = request.POST.get("kind", "")
    try:
        if kind == Recording.Kind.ANSWER:
            number = request.POST.get("number", "")
            if not (number.isdigit() and len(number) <= 4):
                raise recording_services.RecordingRefused("Say which question the answer is for.")
            round_question = get_round_question_for_user(request.user, round_id, int(number), roles={Role.SOLO})
            stage_round = round_question.round
        else:
            stage_round, round_question = get_round_for_user(request.user, round_id, roles=CALLING), None
        recording = recording_services.recording_start(
            round=stage_round, user=request.user, kind=kind, mime=request.POST.get("mime", ""),
            round_question=round_question,
        )
    except ValidationError as error:
        return _refused(error)
    return JsonResponse(_recording_urls(recording), status=201)


@login_required
@require_POST
def recording_chunk(request, recording_id: int, seq: int):
    """One chunk as the raw request body, its type in Content-Type, the audio's length so far in X-Audio-Ms."""
    recording = get_recording_for_user(request.user, recording_id, own=True)
    audio_ms = request.headers.get("X-Audio-Ms", "")
    try:
        if audio_ms and not audio_ms.isdigit():
            raise recording_services.RecordingRefused("X-Audio-Ms must be a whole number of milliseconds.")
        receipt = recording_services.chunk_append(
            recording=recording, seq=seq, data=request.body, content_type=request.content_type or "",
            audio_ms=int(audio_ms) if audio_ms else None,
        )
    except ValidationError as error:
        return _refused(error)
    return JsonResponse({"seq": receipt.seq, "stored": receipt.stored, "expected": receipt.expected})


@login_required
@require_POST
def recording_finish(request, recording_id: int):
    recording = get_recording_for_user(request.user, recording_id, own=True)
    recording = recording_services.recording_finish(recording=recording)
    return JsonResponse({"id": recording.pk, "chunks": recording.chunk_count, "bytes": recording.bytes,
                         "seconds": recording.duration_seconds})


def _audio_response(request, recording: Recording, *, download: bool) -> StreamingHttpResponse:
    # An ASGI server sends an async stream chunk by chunk; a sync one it would read whole first.
    chunks = (recording_services.chunk_stream_async if isinstance(request, ASGIRequest)
              else recording_services.chunk_stream)
    response = StreamingHttpResponse(chunks(recording), content_type=recording.mime)
    response["Content-Length"] = str(recording.bytes)
    extension = "webm" if recording.mime == "audio/webm" else "ogg"
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=download, filename=f"recording-{recording.pk}.{extension}")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def recording_audio(request, recording_id: int):
    recording = get_recording_for_user(request.user, recording_id)
    return _audio_response(request, recording, download=request.GET.get("download") == "1")


@never_cache
@require_GET
def shared_recording_audio(request, token: str, recording_id: int):
    """Through a share link: only its creator's own recordings, and only if they chose to include them."""
    link = sharing.share_find(token=token)
    recording = shared_recording(link, recording_id) if link is not None else None
    if recording is None:
        raise Http404("No such recording.")
    return _audio_response(request, recording, download=False)


@login_required
@require_POST
def recording_delete(request, recording_id: int):
    recording = get_recording_for_user(request.user, recording_id, own=True)
    session_id, round_question = recording.round.session_id, recording.round_question
    stage_round = recording.round
    recording_services.recording_delete(recording=recording, user=request.user)
    if request.htmx:
        if request.POST.get("from") == "round" and round_question is not None:
            round_question.round = stage_round
            return render(request, "sessions/calls/_spoken_answers.html",
                          spoken_answers_context(round_question, request.user))
        return HttpResponse("")  # the row is swapped out of the review page
    return redirect("session_review", session_id=session_id)


@login_required
@require_GET
def spoken_answers(request, round_id: int, number: int):
    """The takes of one solo question answered aloud, for its panel on the round page."""
    round_question = get_round_question_for_user(request.user, round_id, number, roles={Role.SOLO})
    return render(request, "sessions/calls/_spoken_answers.html", spoken_answers_context(round_question, request.user))
