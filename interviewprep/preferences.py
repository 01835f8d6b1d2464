"""Reading and saving a person's preferences (interviewprep.models.Preferences).

Signed-in people (guests included) keep them on their account. Visitors who are not signed in keep them
in a signed cookie, so the server can still render the chosen theme on <html> and no page flashes the
wrong colours before a script could run. A cookie that fails its signature or holds bad values is
ignored: the visitor simply sees the defaults.
"""

from django import forms
from django.core import signing

from interviewprep.models import FIELDS, Preferences

COOKIE_NAME = "interviewprep_prefs"
COOKIE_MAX_AGE = 365 * 24 * 3600
_COOKIE_SALT = "interviewprep.preferences"


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = Preferences
        fields = FIELDS
        labels = {
            "theme": "Theme",
            "editor_font_size": "Editor font size",
            "tab_width": "Tab width",
            "line_wrapping": "Wrap long lines",
            "key_bindings": "Key bindings",
        }
        widgets = {"theme": forms.RadioSelect, "key_bindings": forms.RadioSelect}
        help_texts = {"key_bindings": "Vim and Emacs apply in the code editor only."}


def preferences_for(request) -> Preferences:
    """This request's preferences (an unsaved instance holding the defaults when nothing is stored).

    Cached on the request: base.html asks for them on every page.
    """
    cached = getattr(request, "_preferences", None)
    if cached is not None:
        return cached
    user = getattr(request, "user", None)  # error pages can render before the auth middleware ran
    if user is not None and user.is_authenticated:
        found = Preferences.objects.filter(user=user).first() or Preferences(user=user)
    else:
        found = _from_cookie(request.COOKIES.get(COOKIE_NAME))
    request._preferences = found
    return found


def preferences_save(*, request, data) -> tuple[Preferences, PreferencesForm]:
    """Validate `data` and keep it: on the account when signed in, else in the cookie set by the caller.

    Returns the preferences and the bound form; when the form has errors nothing is saved.
    """
    current = preferences_for(request)
    form = PreferencesForm(data, instance=current)
    if not form.is_valid():
        return current, form
    chosen = form.save(commit=False)
    if chosen.user_id is not None:
        Preferences.objects.update_or_create(user_id=chosen.user_id, defaults=_values(chosen))
    request._preferences = chosen
    return chosen, form


def cookie_value(preferences: Preferences) -> str:
    return signing.dumps(_values(preferences), salt=_COOKIE_SALT, compress=True)


def _values(preferences: Preferences) -> dict:
    return {name: getattr(preferences, name) for name in FIELDS}


def _from_cookie(value: str | None) -> Preferences:
    if not value or len(value) > 1024:
        return Preferences()
    try:
        stored = signing.loads(value, salt=_COOKIE_SALT, max_age=COOKIE_MAX_AGE)
    except signing.BadSignature:
        return Preferences()
    if not isinstance(stored, dict):
        return Preferences()
    defaults = Preferences()
    form = PreferencesForm({**_values(defaults), **{k: v for k, v in stored.items() if k in FIELDS}},
                           instance=Preferences())
    return form.save(commit=False) if form.is_valid() else defaults
