"""The preferences page (/preferences/), and every page rendering the chosen theme and editor settings on <html>."""

import re

import pytest
from django.test import Client

from interviewprep.models import Preferences

GOOD = {"theme": "dark", "editor_font_size": "17", "tab_width": "8", "line_wrapping": "on", "key_bindings": "emacs"}


def html_tag(response) -> str:
    return re.search(r"<html[^>]*>", response.content.decode()).group(0)


@pytest.mark.django_db
def test_defaults_on_every_page(client):
    tag = html_tag(client.get("/"))
    assert 'data-theme="system"' in tag and 'data-editor-font-size="14"' in tag and 'data-editor-keys="default"' in tag


@pytest.mark.django_db
def test_a_user_saves_and_every_page_renders_them(owner_client, owner):
    page = owner_client.get("/preferences/")
    assert page.status_code == 200 and "Key bindings" in page.content.decode()
    response = owner_client.post("/preferences/", GOOD, follow=True)
    assert response.redirect_chain == [("/preferences/", 302)] and "Preferences saved." in response.content.decode()
    assert Preferences.objects.get(user=owner).key_bindings == "emacs"
    for url in ("/", "/questions/", "/preferences/"):
        tag = html_tag(owner_client.get(url))
        assert 'data-theme="dark"' in tag and 'data-editor-font-size="17"' in tag
        assert 'data-editor-tab-width="8"' in tag and 'data-editor-wrap="on"' in tag and 'data-editor-keys="emacs"' in tag


@pytest.mark.django_db
def test_a_visitor_saves_in_a_cookie(client):
    response = client.post("/preferences/", {**GOOD, "theme": "light"})
    assert response.status_code == 302
    cookie = response.cookies["interviewprep_prefs"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert 'data-theme="light"' in html_tag(client.get("/"))
    assert not Preferences.objects.exists()


@pytest.mark.django_db
def test_bad_input_is_a_400_with_the_reason_and_saves_nothing(owner_client):
    response = owner_client.post("/preferences/", {**GOOD, "editor_font_size": "99", "theme": "neon"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "less than or equal to 24" in body and "Select a valid choice" in body
    assert not Preferences.objects.exists()
    assert 'data-theme="system"' in html_tag(response)  # the page itself keeps the stored theme


@pytest.mark.django_db
def test_needs_csrf_and_only_get_or_post(owner):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(owner)
    assert strict.post("/preferences/", GOOD).status_code == 403
    assert Client().put("/preferences/").status_code == 405
    assert not Preferences.objects.exists()


@pytest.mark.django_db
def test_the_header_links_to_it_and_to_the_shortcut_list(client):
    body = client.get("/").content.decode()
    assert 'href="/preferences/"' in body and "data-shortcut-help" in body and 'id="shortcut-help"' in body
