"""Sign up, log in, log out through Django's auth, and createsuperuser from the environment."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command


@pytest.mark.django_db
def test_signup_creates_an_account_and_logs_in(client):
    response = client.post(
        "/accounts/signup/",
        {"username": "newbie", "password1": "a-long-pass-phrase-42", "password2": "a-long-pass-phrase-42"},
    )
    assert response.status_code == 302
    assert get_user_model().objects.filter(username="newbie").exists()
    assert "newbie" in client.get("/").content.decode()


@pytest.mark.django_db
def test_signup_with_bad_input_gets_a_400_and_saves_nothing(client):
    response = client.post("/accounts/signup/", {"username": "x", "password1": "a", "password2": "b"})
    assert response.status_code == 400
    assert "didn’t match" in response.content.decode() or "match" in response.content.decode()
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_signup_page_and_wrong_method(client, owner):
    assert client.get("/accounts/signup/").status_code == 200
    assert client.put("/accounts/signup/").status_code == 405
    client.force_login(owner)
    assert client.get("/accounts/signup/").status_code == 302


@pytest.mark.django_db
def test_login_and_logout(client, owner):
    assert client.get("/accounts/login/").status_code == 200
    bad = client.post("/accounts/login/", {"username": "alice", "password": "wrong"})
    assert bad.status_code == 200 and "correct username" in bad.content.decode()
    good = client.post("/accounts/login/", {"username": "alice", "password": "correct-horse-battery"})
    assert good.status_code == 302
    assert client.post("/accounts/logout/").status_code == 302
    assert "Log in" in client.get("/").content.decode()


@pytest.mark.django_db
def test_forms_need_csrf(owner):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/accounts/login/", {"username": "alice", "password": "correct-horse-battery"})
    assert response.status_code == 403


@pytest.mark.django_db
def test_createsuperuser_reads_the_environment(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "admin")
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "admin@example.com")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-admin-pass-42")
    call_command("createsuperuser", "--noinput")
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.check_password("a-long-admin-pass-42")


@pytest.mark.django_db
def test_the_admin_lists_every_model(admin_client):
    for path in ("questions/question/", "questions/interviewloop/", "questions/stage/", "questions/pack/",
                 "questions/tag/", "questions/hint/", "questions/testcase/", "interview_sessions/submission/"):
        assert admin_client.get(f"/admin/{path}").status_code == 200, path


def test_the_liveness_probe_answers(client):
    response = client.get("/health/live/")
    assert (response.status_code, response.content) == (200, b"ok")
    assert client.post("/health/live/").status_code == 405


@pytest.mark.django_db
def test_a_stale_form_gets_a_clear_403_page(owner):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(owner)
    response = strict.post("/practice/start/", {"stage": 1})
    assert response.status_code == 403
    assert "This page is out of date" in response.content.decode()
