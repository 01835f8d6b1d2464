"""Exports: a session as a Markdown download or a print-ready page, all of a user's data as JSON, and its import.

What each export holds is decided in `sessions.portability` (once per round, by its read model through
`round_visibility`); these views only check access, pick the format and name the file.
"""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from sessions.access import get_session_for_user
from sessions.portability.document import session_export
from sessions.portability.json_export import user_data
from sessions.portability.markdown import session_markdown
from sessions.forms import DataImportForm
from sessions.portability.importer import user_data_import
from sessions.portability.rules import require_importer
from sessions.views.responses import error_messages

MAX_IMPORT_BYTES = 10 * 1024 * 1024
SHOWN_ERRORS = 50  # a broken file can have thousands; the first ones say what is wrong


def _download(content: str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _session_filename(session, extension: str) -> str:
    day = timezone.localtime(session.created_at).date().isoformat()
    return f"{slugify(session.title)[:60] or 'session'}-{day}.{extension}"


@login_required
@require_GET
def session_export_md(request, session_id: int):
    session = get_session_for_user(request.user, session_id)
    text = session_markdown(session, request.user)
    return _download(text, "text/markdown; charset=utf-8", _session_filename(session, "md"))


@login_required
@require_GET
def session_print(request, session_id: int):
    session = get_session_for_user(request.user, session_id)
    context = {"session": session, "export": session_export(session, request.user)}
    return render(request, "sessions/print.html", context)


@login_required
@require_GET
def data_export(request):
    # Recordings only when asked for: they are large, and a copy of one's voice should be a choice.
    data = user_data(request.user, recordings=request.GET.get("recordings") == "1")
    day = timezone.localdate().isoformat()
    filename = f"interviewprep-{slugify(request.user.get_username())[:40] or 'user'}-{day}.json"
    return _download(json.dumps(data, ensure_ascii=False, indent=1), "application/json", filename)


@login_required
@require_http_methods(["GET", "POST"])
def data_import(request):
    require_importer(request.user)  # 403 for a guest, before any upload is read
    if request.method == "GET":
        return render(request, "sessions/import.html", {"form": DataImportForm(), "max_mb": MAX_IMPORT_BYTES >> 20})
    form = DataImportForm(request.POST, request.FILES)
    try:
        data = _read_upload(form)
        result = user_data_import(user=request.user, data=data)
    except ValidationError as error:
        errors = error_messages(error)
        context = {
            "form": DataImportForm(),
            "max_mb": MAX_IMPORT_BYTES >> 20,
            "errors": errors[:SHOWN_ERRORS],
            "more_errors": max(0, len(errors) - SHOWN_ERRORS),
        }
        return render(request, "sessions/import.html", context, status=400)
    messages.success(request, _imported_message(result))
    return redirect("history")


def _read_upload(form: DataImportForm):
    """The uploaded file as parsed JSON, or a ValidationError saying what is wrong with it."""
    if not form.is_valid():
        raise ValidationError(form.errors)
    upload = form.cleaned_data["file"]
    if upload.size > MAX_IMPORT_BYTES:
        raise ValidationError(f"The file is over the {MAX_IMPORT_BYTES >> 20} MB limit; nothing was imported.")
    try:
        return json.loads(upload.read().decode("utf-8"))
    except UnicodeDecodeError:
        raise ValidationError("The file is not UTF-8 text: choose the .json file an export gave you.") from None
    except json.JSONDecodeError as error:
        raise ValidationError(f"The file is not valid JSON (line {error.lineno}, column {error.colno}).") from None
    except ValueError:  # an integer of thousands of digits
        raise ValidationError("The file holds a number too long to read, so it is not an export.") from None
    except RecursionError:
        raise ValidationError("The file nests too deeply to be an export.") from None


def _imported_message(result) -> str:
    parts = [f"Imported {result.created} session{'s' if result.created != 1 else ''}."]
    if result.skipped:
        parts.append(f"{result.skipped} {'were' if result.skipped != 1 else 'was'} already here and left as they are.")
    if result.notes_left_out:
        parts.append(
            f"{result.notes_left_out} note{'s' if result.notes_left_out != 1 else ''} by your interviewers "
            "could not be kept, because they are not on this instance."
        )
    if result.cards:
        parts.append(f"{result.cards} review card{'s' if result.cards != 1 else ''} updated "
                     f"({result.reviews} review{'s' if result.reviews != 1 else ''} added).")
    return " ".join(parts)
