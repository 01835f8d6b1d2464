"""Throttles on the account pages: failed log-ins per username and per address, sign-ups per address.

A wrong current password on the password page counts as a failed log-in for that username, so a
borrowed session cannot be used to guess it either. While a throttle holds, the page answers 429
whatever is typed (the right password included) until its window closes.
"""

from __future__ import annotations

import math

from django.conf import settings
from django.shortcuts import render

from interviewprep.throttle import Window, client_address


def _by_username() -> Window:
    return Window(
        kind="login-username", limit=settings.LOGIN_FAILURES_PER_USERNAME, seconds=settings.LOGIN_FAILURE_WINDOW_S
    )


def _by_address() -> Window:
    return Window(
        kind="login-address", limit=settings.LOGIN_FAILURES_PER_ADDRESS, seconds=settings.LOGIN_FAILURE_WINDOW_S
    )


def _signups() -> Window:
    return Window(kind="signup-address", limit=settings.SIGNUPS_PER_ADDRESS, seconds=settings.SIGNUP_WINDOW_S)


def _username_key(username: str) -> str:
    # One counter whatever the case or padding, so "Alice " does not buy "alice" more guesses.
    return username.strip().casefold()


def login_wait(request, username: str) -> int:
    """Seconds until this username may try again from this address; 0 when it may now."""
    return max(_by_username().seconds_left(_username_key(username)), _by_address().seconds_left(client_address(request)))


def login_failed(request, username: str) -> None:
    _by_username().add(_username_key(username))
    _by_address().add(client_address(request))


def login_succeeded(username: str) -> None:
    """The right password: the username's count starts again.

    The address's count is left to expire: clearing it would let someone with one account of their
    own reset it between guesses at others.
    """
    _by_username().clear(_username_key(username))


def signup_wait(request) -> int:
    return _signups().seconds_left(client_address(request))


def signup_attempted(request) -> None:
    """Every sign-up form sent counts, valid or not: it also bounds probing which usernames are taken."""
    _signups().add(client_address(request))


def throttled(request, seconds: int, reason: str):
    response = render(
        request, "registration/throttled.html", {"reason": reason, "minutes": max(1, math.ceil(seconds / 60))}, status=429
    )
    response["Retry-After"] = str(seconds)
    return response


LOGIN_REASON = (
    "Too many failed log-ins for this username or from your network. Until the wait is over every log-in "
    "attempt is refused, even one with the right password; nothing about the account has changed."
)
PASSWORD_REASON = (
    "Too many wrong current passwords for this account. Until the wait is over the password cannot be "
    "changed here, and log-ins with this username are refused too."
)
SIGNUP_REASON = "Too many sign-ups from your network. Your details were not saved; please send the form again later."
