"""What every page needs to know about its visitor: who is signed in, and how they want pages to look."""

from django.contrib.auth.models import AnonymousUser
from django.utils.functional import SimpleLazyObject, cached_property

from interviewprep.preferences import preferences_for
from sessions.models import Guest


class SignedIn:
    """Looked up only when a template asks, and at most once a request."""

    def __init__(self, user):
        self._user = user

    @cached_property
    def guest_name(self) -> str | None:
        """A guest's chosen name, or None for an ordinary account (and for anonymous visitors)."""
        if not self._user.is_authenticated:
            return None
        return Guest.objects.filter(user=self._user).values_list("display_name", flat=True).first()

    @property
    def is_guest(self) -> bool:
        return self.guest_name is not None

    @property
    def name(self) -> str:
        return self.guest_name or self._user.get_username()


def signed_in(request):
    # Error pages can render before AuthenticationMiddleware ran: a bad Host header is refused in
    # CommonMiddleware, and its 400 page still extends base.html.
    return {"signed_in": SignedIn(getattr(request, "user", None) or AnonymousUser())}


def preferences(request):
    """The theme and editor settings every page renders on <html> (interviewprep/preferences.py)."""
    return {"preferences": SimpleLazyObject(lambda: preferences_for(request))}
