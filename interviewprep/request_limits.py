"""A cap on the size of every request body, checked before anything reads the body.

Django reads a body only when a view (or the CSRF check) asks for `request.POST`, and its own
limits (DATA_UPLOAD_MAX_MEMORY_SIZE) apply while it parses. This middleware comes first and looks
only at the headers: a declared Content-Length past the cap is answered with 413 at once, so a
200 MB POST to the login page costs the server a header line, whichever server runs the app
(runserver under `make run`, gunicorn in production). A body without a Content-Length (chunked)
is refused with 411: Django would not read it anyway, so nothing legitimate sends one.

The cap is MAX_REQUEST_BODY_BYTES everywhere; the data import page, which takes an export file,
has MAX_IMPORT_REQUEST_BODY_BYTES.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.urls import Resolver404, resolve

# URL names whose bodies may be larger than the default, and the setting that says how large.
LARGER_BODIES = {"data_import": "MAX_IMPORT_REQUEST_BODY_BYTES"}


def body_limit(path: str) -> int:
    try:
        name = resolve(path).url_name
    except Resolver404:
        name = None
    return getattr(settings, LARGER_BODIES[name]) if name in LARGER_BODIES else settings.MAX_REQUEST_BODY_BYTES


def _refusal(message: str, status: int) -> HttpResponse:
    return HttpResponse(message + "\n", status=status, content_type="text/plain; charset=utf-8")


def _size(limit: int) -> str:
    return f"{limit / 1024 / 1024:g} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        meta = request.META
        if "chunked" in meta.get("HTTP_TRANSFER_ENCODING", "").lower():
            return _refusal("Request bodies must say their length (Content-Length); chunked bodies are refused.", 411)
        declared = meta.get("CONTENT_LENGTH") or "0"
        if not declared.isdigit():
            return _refusal("The Content-Length header is not a number.", 400)
        # Most bodies are small: only a large one needs to know which page it is for.
        if int(declared) > settings.MAX_REQUEST_BODY_BYTES and int(declared) > (limit := body_limit(request.path_info)):
            return _refusal(f"The request is too large: at most {_size(limit)} may be sent here.", 413)
        return self.get_response(request)
