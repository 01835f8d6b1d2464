"""interviewprep/preferences.py: reading and saving preferences, on the account or in the signed cookie."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.test import RequestFactory

from interviewprep.models import Preferences
from interviewprep.preferences import COOKIE_NAME, cookie_value, preferences_for, preferences_save

GOOD = {"theme": "dark", "editor_font_size": "18", "tab_width": "2", "line_wrapping": "on", "key_bindings": "vim"}


def request_for(user=None, cookie=None):
    request = RequestFactory().get("/")
    request.user = user or AnonymousUser()
    if cookie is not None:
        request.COOKIES[COOKIE_NAME] = cookie
    return request


@pytest.mark.django_db
def test_a_user_without_a_row_gets_the_defaults_and_no_row_is_written(owner):
    found = preferences_for(request_for(owner))
    assert (found.theme, found.editor_font_size, found.tab_width, found.line_wrapping, found.key_bindings) == (
        "system", 14, 4, False, "default")
    assert found.is_default
    assert not Preferences.objects.exists()


@pytest.mark.django_db
def test_saving_on_the_account(owner):
    request = request_for(owner)
    chosen, form = preferences_save(request=request, data=GOOD)
    assert not form.errors
    stored = Preferences.objects.get(user=owner)
    assert (stored.theme, stored.editor_font_size, stored.tab_width, stored.line_wrapping, stored.key_bindings) == (
        "dark", 18, 2, True, "vim")
    assert preferences_for(request_for(owner)).key_bindings == "vim"
    # Saving again updates the one row.
    preferences_save(request=request_for(owner), data={**GOOD, "theme": "light"})
    assert Preferences.objects.get(user=owner).theme == "light"
    assert Preferences.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("field, value", [
    ("theme", "purple"), ("editor_font_size", "200"), ("editor_font_size", "8"), ("editor_font_size", "big"),
    ("tab_width", "3"), ("key_bindings", "nano"),
])
def test_a_bad_value_saves_nothing(owner, field, value):
    chosen, form = preferences_save(request=request_for(owner), data={**GOOD, field: value})
    assert field in form.errors
    assert not Preferences.objects.exists()


@pytest.mark.django_db
def test_a_visitor_keeps_them_in_a_signed_cookie():
    chosen, form = preferences_save(request=request_for(), data=GOOD)
    assert not form.errors and chosen.pk is None and not Preferences.objects.exists()
    found = preferences_for(request_for(cookie=cookie_value(chosen)))
    assert (found.theme, found.editor_font_size, found.key_bindings) == ("dark", 18, "vim")


@pytest.mark.django_db
@pytest.mark.parametrize("cookie", [
    "not-signed",
    signing.dumps({"theme": "dark"}, salt="another.salt"),
    signing.dumps({"theme": "<script>", "editor_font_size": 999}, salt="interviewprep.preferences"),
    signing.dumps(["a", "list"], salt="interviewprep.preferences"),
    "x" * 5000,
])
def test_a_tampered_or_bad_cookie_gives_the_defaults(cookie):
    assert preferences_for(request_for(cookie=cookie)).is_default


@pytest.mark.django_db
def test_a_cookie_with_some_fields_keeps_those_and_defaults_the_rest():
    cookie = signing.dumps({"theme": "light", "unknown": 1}, salt="interviewprep.preferences", compress=True)
    found = preferences_for(request_for(cookie=cookie))
    assert found.theme == "light" and found.editor_font_size == 14
