"""Keep invite and share tokens out of the logs: a log line shows the route, never the token.

A token in a URL is a password: whoever reads an access log or a "Not Found" warning could open the
shared review or take the candidate's seat. The filter rewrites each record of the loggers that
print request paths (Django's request and CSRF warnings, runserver's and gunicorn's access logs),
so `/shared/<token>/` is what any handler sees, whatever its format.
"""

from __future__ import annotations

import logging
import re

# Routes whose next path segment is a secret token (sessions/urls.py: `join` and `shared_review`).
TOKEN_ROUTES = ("shared", "practice/join")
REDACTED = "<token>"
_TOKEN_IN_PATH = re.compile(r"(/(?:%s)/)[^/\s?#\"']+" % "|".join(re.escape(route) for route in TOKEN_ROUTES))
LOGGERS = ("django.request", "django.server", "django.security.csrf", "gunicorn.access", "gunicorn.error")


def redact(text: str) -> str:
    return _TOKEN_IN_PATH.sub(r"\g<1>" + REDACTED, text)


class RedactTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def install() -> None:
    """Attach the filter to every logger that prints request paths (once; called from AppConfig.ready)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(existing, RedactTokens) for existing in logger.filters):
            logger.addFilter(RedactTokens())
