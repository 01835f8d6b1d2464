"""Keep invite and share tokens out of the logs: a log line shows the route, never the token.

A token in a URL is a password: whoever reads an access log or a "Not Found" warning could open the
shared review or take the candidate's seat. The filter rewrites each record of the loggers that
print request paths (Django's request and CSRF warnings, the access logs of runserver, gunicorn and
uvicorn),
so `/shared/<token>/` is what any handler sees, whatever its format.
"""

from __future__ import annotations

import logging
import re

# Routes whose next path segment is a secret token (sessions/urls.py: `join` and `shared_review`).
TOKEN_ROUTES = ("shared", "practice/join")
REDACTED = "<token>"
_TOKEN_IN_PATH = re.compile(r"(/(?:%s)/)[^/\s?#\"']+" % "|".join(re.escape(route) for route in TOKEN_ROUTES))
LOGGERS = ("django.request", "django.server", "django.security.csrf", "gunicorn.access", "gunicorn.error",
           "django.channels.server", "uvicorn.access", "uvicorn.error")  # daphne's runserver; uvicorn's workers


def redact(text: str) -> str:
    return _TOKEN_IN_PATH.sub(r"\g<1>" + REDACTED, text)


def _redact_args(args):
    """The record's arguments with each string redacted, keeping their shape: uvicorn's access formatter
    unpacks a tuple of them, and daphne's runserver formats from a dict."""
    if isinstance(args, tuple):
        return tuple(redact(a) if isinstance(a, str) else a for a in args)
    if isinstance(args, dict):
        return {k: redact(v) if isinstance(v, str) else v for k, v in args.items()}
    return args


class RedactTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if redact(message) == message:
            return True
        record.args = _redact_args(record.args)
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if redact(record.getMessage()) != record.getMessage():  # a token no argument held on its own
            record.msg, record.args = redact(record.getMessage()), None
        return True


def install() -> None:
    """Attach the filter to every logger that prints request paths (once; called from AppConfig.ready)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(existing, RedactTokens) for existing in logger.filters):
            logger.addFilter(RedactTokens())
