"""The whiteboard of a design question: its scene for the board on the round page (GET) and its autosave (POST).

JSON both ways, for the board's script (static/js/whiteboard.js); a refusal is a JSON `{"error": ...}`
with the status the round's other refusals use (400 bad scene, 403 not shown yet, 409 round closed,
429 too many saves), and nothing saved.
"""

import json
import math

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from questions.scenes import MAX_SCENE_BYTES
from sessions.access import ANSWERING, ANY_ROLE, get_round_question_for_user
from sessions.rounds.answer_limits import AUTOSAVE_TOO_FAST, autosave_wait, history_full_message
from sessions.views.responses import error_messages, refusal_status, with_clock
from sessions.whiteboard.selectors import board_scene
from sessions.whiteboard.services import BOARD_KINDS, whiteboard_save


@login_required
@require_http_methods(["GET", "POST"])
def board(request, round_id: int, number: int):
    roles = ANY_ROLE if request.method == "GET" else ANSWERING
    round_question = get_round_question_for_user(request.user, round_id, number, roles=roles)
    if round_question.question.kind not in BOARD_KINDS:
        return JsonResponse({"error": "This question has no whiteboard."}, status=404)
    if request.method == "GET":
        return JsonResponse({"scene": board_scene(round_question)})
    wait = autosave_wait(request.user)
    if wait:
        response = JsonResponse({"error": AUTOSAVE_TOO_FAST}, status=429)
        response["Retry-After"] = str(math.ceil(wait))
        return response
    if len(request.body) > MAX_SCENE_BYTES:
        return JsonResponse({"error": f"The drawing is over the {MAX_SCENE_BYTES // 1024} KiB limit; it was not saved."},
                            status=400)
    try:
        scene = json.loads(request.body)
        saved = whiteboard_save(round_question=round_question, scene=scene)
    except (ValueError, RecursionError):
        return JsonResponse({"error": "The drawing did not arrive as JSON; it was not saved."}, status=400)
    except ValidationError as error:
        response = JsonResponse({"error": " ".join(error_messages(error))}, status=refusal_status(error))
        return with_clock(response, round_question.round)
    body = {"saved_at": timezone.localtime().strftime("%H:%M:%S"), "changed": saved.changed,
            "history_full": history_full_message() if saved.history_full else ""}
    return with_clock(JsonResponse(body), round_question.round)
