"""Why a change to a round is refused: each carries the message shown to the user, and nothing is saved."""

from django.core.exceptions import ValidationError


class RoundClosed(ValidationError):
    """The round is over (or paused): the change is refused with a message, nothing saved."""


class Withheld(ValidationError):
    """The change would show the user what they may not see yet (a question not on screen, a live
    round's answers): refused with a message, nothing saved."""
