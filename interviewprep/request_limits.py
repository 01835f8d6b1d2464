"""A cap on the size of every request body, checked before anything reads the body.

Django reads a body only when a view (or the CSRF check) asks for `request.POST`, and its own
limits (DATA_UPLOAD_MAX_MEMORY_SIZE) apply while it parses. This middleware comes first and looks
only at the headers: a declared Content-Length past the cap is answered with 413 at once, so a
200 MB POST to the login page costs the server a header line. Under ASGI (uvicorn, for `make run` and
in production) Django reads the whole body before any middleware runs, so the same check also wraps
the ASGI application (`BodyLimitASGI`, interviewprep/asgi.py) and answers from the headers there.
(daphne, behind `manage.py runserver`, reads the body itself first: a developer's tool only.) A body
without a Content-Length (chunked) is refused with 411: Django would not read it anyway, so nothing
legitimate sends one.

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


def body_refusal(path: str, content_length: str | None, transfer_encoding: str) -> tuple[str, int] | None:
    """(message, status) when a request with these headers must be refused before its body is read."""
    if "chunked" in transfer_encoding.lower():
        return "Request bodies must say their length (Content-Length); chunked bodies are refused.", 411
    declared = content_length or "0"
    if not declared.isdigit():
        return "The Content-Length header is not a number.", 400
    # Most bodies are small: only a large one needs to know which page it is for.
    if int(declared) > settings.MAX_REQUEST_BODY_BYTES and int(declared) > (limit := body_limit(path)):
        return f"The request is too large: at most {_size(limit)} may be sent here.", 413
    return None


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        meta = request.META
        refusal = body_refusal(request.path_info, meta.get("CONTENT_LENGTH"), meta.get("HTTP_TRANSFER_ENCODING", ""))
        if refusal:
            return _refusal(*refusal)
        return self.get_response(request)


class BodyLimitASGI:
    """The same check in front of Django's ASGI handler, which reads the body before middleware runs."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope["headers"]}
            refusal = body_refusal(scope["path"], headers.get("content-length"), headers.get("transfer-encoding", ""))
            if refusal:
                message, status = refusal
                body = (message + "\n").encode()
                await send({"type": "http.response.start", "status": status, "headers": [
                    (b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ]})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)
